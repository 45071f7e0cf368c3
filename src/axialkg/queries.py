"""Every SPARQL text of axialkg lives in ``queries/``; this module reads them.

* Named queries (``queries/*.rq``), the ones users run by name, with their headers and parameters.
* Internal queries and update templates (``queries/internal/``): labels, the schema, entity pages,
  statistics, the OWL 2 RL rules, the loader's updates. :func:`internal` gives their text;
  :func:`fill` puts validated IRIs (and, for the loader, N-Triples data) into an update template,
  where SPARQL engines have no way to bind terms.

Values a user gives are resolved to entity IRIs by :mod:`axialkg.names` and bound as RDF terms by
the engine (pyoxigraph substitutions, rdflib initBindings, a VALUES clause for remote endpoints).
User text never becomes query text.

A named query starts with a header of ``# key: value`` comment lines::

    # title: Drugs and other interventions for a cause
    # description: Every intervention that treats the cause, with its most specific category.
    #   (indented lines continue the previous key)
    # parameters: cause (Cause)
    # lists: sources

``parameters`` names each parameter with, in brackets, the kind of entity it takes;
``lists`` names columns that hold ``"; "``-joined lists (GROUP_CONCAT), which the query layer
sorts so that every engine gives the same text.
"""

from __future__ import annotations

import functools
import os
import re
import time
from pathlib import Path

from .errors import UsageError
from .records import Frozen, Record, set_fields
from .resources import queries_dir

LIST_SEPARATOR = "; "
INTERNAL = "internal"  # queries/internal/: the layer's own queries and update templates


class Parameter(Frozen):
    __slots__ = _fields = ("name", "kind")
    name: str
    kind: str  # the entity kind(s) it takes, e.g. "Cause" or "Symptom|ClinicalFinding, optional"

    def __init__(self, name: str, kind: str = ""):
        set_fields(self, name=name, kind=kind)

    @property
    def optional(self) -> bool:
        return "optional" in self.kind.lower()


class NamedQuery(Record):
    # no __slots__: instances keep a __dict__ (cached properties, as on the dataclass it was)
    _fields = ("name", "title", "description", "parameters", "sparql", "lists", "path")

    def __init__(self, name: str, title: str, description: str, parameters: list[Parameter], sparql: str,
                 lists: list[str] | None = None, path: Path | None = None):
        self.name, self.title, self.description, self.parameters = name, title, description, parameters
        self.sparql, self.path = sparql, path
        self.lists: list[str] = [] if lists is None else lists

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @functools.cached_property
    def _signature(self) -> tuple[frozenset, tuple[str, ...]]:
        """(every parameter name, the required ones), for :func:`check_params` on every call."""
        return frozenset(self.parameter_names), tuple(p.name for p in self.parameters if not p.optional)

    @classmethod
    def parse(cls, name: str, text: str, path: Path | None = None) -> "NamedQuery":
        meta: dict[str, str] = {}
        key = None
        for line in text.splitlines():
            if not line.strip():
                continue
            if not line.startswith("#"):
                break
            body = line[1:]
            m = re.match(r"\s*([A-Za-z][\w -]*?)\s*:(.*)$", body)
            if m and not body.startswith("   "):
                key = m.group(1).strip().lower()
                meta[key] = m.group(2).strip()
            elif key:
                meta[key] = (meta[key] + " " + body.strip()).strip()
        params = [Parameter(n, k.strip()) for n, k in
                  re.findall(r"[?$]?([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?", meta.get("parameters", ""))]
        lists = re.findall(r"[A-Za-z_]\w*", meta.get("lists", ""))
        return cls(name, meta.get("title", ""), meta.get("description", ""), params, text, lists, path)

    @classmethod
    def read(cls, path: Path) -> "NamedQuery":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read query file {path}: {exc.__class__.__name__}") from None
        return cls.parse(path.stem, text, path)


def catalogue() -> dict[str, NamedQuery]:
    """Every named query, by name, in name order."""
    return {p.stem: NamedQuery.read(p) for p in sorted(queries_dir().glob("*.rq"), key=lambda p: p.stem)}


RECHECK_S = 1.0  # a named query's file is looked at again (stat) at most this often
_PARSED: dict[str, tuple[str, tuple[int, int], NamedQuery, float]] = {}  # name → (file, stamp, query, when checked)


def _named(name: str) -> NamedQuery | None:
    """A named query by file name, parsed again only when the file changes (size or mtime, as
    Python validates .pyc files). Looked up on every call, so the file is looked at no more than
    once a second: a stat beside a sub-millisecond query is a tenth of the layer's cost."""
    hit = _PARSED.get(name)
    now = time.monotonic()
    if hit is not None and now - hit[3] < RECHECK_S:
        return hit[2]
    path = hit[0] if hit else os.path.join(queries_dir(), name + ".rq")
    try:
        st = os.stat(path)
    except OSError:
        if hit is None:
            return None
        _PARSED.pop(name, None)
        return _named(name)
    stamp = (st.st_mtime_ns, st.st_size)
    query = hit[2] if hit is not None and hit[1] == stamp else NamedQuery.read(Path(path))
    _PARSED[name] = (path, stamp, query, now)
    return query


def find_query(name_or_path: str) -> NamedQuery:
    """A named query by name, or a ``.rq`` file by path; unknown → UsageError listing the names."""
    if name_or_path in _PARSED:  # a name read before (so a checked one): only its file's stamp is looked at
        named = _named(name_or_path)
        if named is not None:
            return named
    path = Path(name_or_path)
    if name_or_path.endswith(".rq") or "/" in name_or_path:
        if path.is_file():
            return NamedQuery.read(path)
        if "/" in name_or_path:
            raise UsageError(f"no query file {name_or_path}")
    if re.fullmatch(r"[A-Za-z0-9_][\w-]*", name_or_path):
        named = _named(name_or_path)  # just this file: reading the whole catalogue costs ~1 ms
        if named is not None:
            return named
    known = catalogue()
    if name_or_path not in known:
        import difflib  # only for the error's suggestion

        close = difflib.get_close_matches(name_or_path, list(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"no named query '{name_or_path}'{hint}; available: {', '.join(known) or 'none'}")
    return known[name_or_path]


# ---- internal queries and update templates ----------------------------------------------------
@functools.lru_cache(maxsize=None)
def internal(name: str) -> str:
    """The text of ``queries/internal/NAME.rq`` (a query) or ``NAME.ru`` (an update template)."""
    base = Path(queries_dir()) / INTERNAL
    for suffix in (".rq", ".ru"):
        path = base / (name + suffix)
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no internal query {name!r} in {base}")


def internal_names(folder: str) -> list[str]:
    """The internal queries of one sub-folder (e.g. ``owl-rl``), in file-name order, as names for
    :func:`internal`."""
    base = Path(queries_dir()) / INTERNAL / folder
    return [f"{folder}/{p.stem}" for p in sorted(base.glob("*.r[qu]"))]


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


class Verbatim(Frozen):
    """Text put into a template as it is: N-Triples that pyoxigraph wrote, never user input."""

    __slots__ = _fields = ("text",)
    text: str

    def __init__(self, text: str):
        set_fields(self, text=text)


def fill(template: str, **terms: "str | Verbatim") -> str:
    """An update template with each ``?name`` replaced by an IRI term ``<…>`` (checked to be an
    IRI) or by :class:`Verbatim` text. Variables are found as tokens, so a ``?name`` inside a
    string or an IRI is left alone."""
    from .sparql import tokens

    out, last = [], 0
    for tok in tokens(template):
        if tok.kind != "VAR" or tok.text[1:] not in terms:
            continue
        value = terms[tok.text[1:]]
        if isinstance(value, Verbatim):
            text = value.text
        elif isinstance(value, str) and _IRI.fullmatch(value):
            text = f"<{value}>"
        else:
            raise UsageError(f"refusing to put {value!r} into an update: not an IRI")
        out += [template[last:tok.start], text]
        last = tok.start + len(tok.text)
    return "".join(out) + template[last:]


def check_params(query: NamedQuery, params: dict[str, str]) -> None:
    known, required = query._signature
    if not known.issuperset(params):
        names = query.parameter_names
        unknown = sorted(set(params) - set(names))
        raise UsageError(f"query '{query.name}' has no parameter '{unknown[0]}'; it takes: {', '.join(names) or 'none'}")
    missing = [name for name in required if name not in params]
    if missing:
        raise UsageError(f"query '{query.name}' needs --param {missing[0]}=VALUE")
    for k, v in params.items():
        if not isinstance(v, str) or not v.strip():
            raise UsageError(f"parameter '{k}' needs a value")


def sort_lists(results, columns: list[str]):
    """Sort the items of ``"; "``-joined list columns so every engine writes the same text (when
    the rows are first used: a lazy answer stays unconverted until then)."""
    if columns and results.kind == "bindings":
        results.rewrite(columns, _sorted_list)
    return results


def _sorted_list(term):
    """A plain literal's ``"; "``-joined items sorted (the same term when already in order)."""
    if term.type != "literal" or term.datatype is not None or term.lang:
        return term
    value = term.value
    if LIST_SEPARATOR not in value:  # one item: already in order
        return term
    items = LIST_SEPARATOR.join(sorted({x for x in value.split(LIST_SEPARATOR) if x}))
    if items == value:
        return term
    from .results import Term

    return Term._trusted("literal", items)


__all__ = ["LIST_SEPARATOR", "NamedQuery", "Parameter", "catalogue", "check_params", "fill", "find_query", "internal",
           "internal_names", "sort_lists"]
