"""Answers written by pyoxigraph's own serializers, in Rust, for the endpoint's hot path.

:meth:`axialkg.results.Results.serialize` converts every value to a :class:`~axialkg.results.Term`
and writes it in Python; for a SELECT in JSON, CSV or TSV pyoxigraph writes the same bytes (same
escapes, decimals, language tags, blank-node labels: checked by the tests on the release) several
times faster. Only those are written here; anything else (CONSTRUCT/DESCRIBE, which we sort; XML,
laid out differently; an answer past the result cap, which we cut) is left to the caller's usual path.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..results import Results
from .embedded import OxigraphStore

FORMATS = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
_HEAD = {"json": 3, "csv": 1, "tsv": 1}  # what :func:`_rows_at_most` counts that is no row: the braces of
                                         # JSON's document, head and results; the header line


class _Capped:
    """pyoxigraph's output (8 KiB writes): stops it once the rows surely exceed the cap."""

    def __init__(self, key: str, limit: int | None):
        self.key, self.limit, self.rows = key, limit, 0
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(data)
        if self.limit is not None:
            self.rows += _rows_at_most(self.key, data)
            # a value's pattern cut in two by a seam between writes counts once too often
            if self.rows - _HEAD[self.key] - (len(self.chunks) - 1) > self.limit:
                raise _OverCap
        return len(data)

    def flush(self) -> None:
        pass


class _OverCap(Exception):
    pass


def _rows_at_most(key: str, data: bytes) -> int:
    """An upper bound of the rows in ``data``. JSON: every row opens one object, and so does every
    value, but a value's ``{"type":"`` cannot occur inside a string (its quotes would be escaped);
    CSV and TSV: every row ends a line (a quoted line break in CSV only raises the bound)."""
    if key == "json":
        return data.count(b"{") - data.count(b'{"type":"')
    return data.count(b"\n")


def answer(store, text: str, key: str, *, limit: int | None = None, default_graphs: list[str] | None = None,
           named_graphs: list[str] | None = None) -> tuple[str, bytes | None]:
    """``(kind, body)`` for a query on a pyoxigraph store: kind ``bindings``, ``boolean`` or
    ``graph`` (``key`` is then ignored), body the answer in results format ``key`` as
    ``Results.serialize`` writes it, or None where this module does not write it (the caller runs
    the query its usual way, which also gives any error its message). Not a pyoxigraph store:
    ``("", None)``."""
    if not isinstance(store, OxigraphStore):
        return "", None
    options: dict = {}
    try:
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif store.graph:
            options["default_graph"] = ox.NamedNode(store.graph)
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        result = store.store.query(text, **options)
    except (SyntaxError, OSError, ValueError, RuntimeError):
        return "", None
    if isinstance(result, ox.QueryBoolean):
        return "boolean", Results.ask(bool(result)).serialize(key) if key in FORMATS or key == "xml" else None
    if isinstance(result, ox.QueryTriples) or key not in FORMATS:
        return ("graph" if isinstance(result, ox.QueryTriples) else "bindings"), None
    out = _Capped(key, limit)
    try:
        result.serialize(out, format=FORMATS[key])  # type: ignore[arg-type]  # any object with write()
    except (_OverCap, OSError, ValueError, RuntimeError):
        return "bindings", None
    body = b"".join(out.chunks)
    if limit is not None and _rows_at_most(key, body) - _HEAD[key] > limit:
        return "bindings", None  # more rows than the cap (or a bound loosened by braces inside values)
    return "bindings", body


__all__ = ["FORMATS", "answer"]
