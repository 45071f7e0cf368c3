"""Where the graph lives: one protocol, several engines, chosen by a spec string.

Spec strings work like oaklib selectors:

=====================  ==========================================================
``None`` or ``""``     embedded pyoxigraph in memory, loaded from the packaged release
``oxigraph:DIR``       persistent pyoxigraph store in DIR, loaded on first use, reused
``rdflib``             an rdflib Graph in memory (the reference behaviour)
``http(s)://…``        a remote SPARQL 1.1 endpoint (SPARQLWrapper)
=====================  ==========================================================

Every engine answers with :class:`axialkg.results.Results`, whose terms are engine-neutral, so
the same query gives equal rows on each. Engines know nothing about drugs or causes.
"""

from __future__ import annotations

import functools
import re
from typing import Protocol, runtime_checkable

from ..errors import UsageError
from ..results import Results


@runtime_checkable
class Store(Protocol):
    """What the query layer needs from an engine."""

    spec: str
    graph: str | None  # the named graph queries run against (None: the default graph)

    def query(self, text: str, bindings: dict[str, str] | None = None) -> Results:
        """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE). ``bindings`` maps variable
        names to IRIs, bound as RDF terms by the engine's own mechanism, never pasted as text."""

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update (only when the caller allowed it)."""

    def dump(self) -> tuple[bytes, str]:
        """All triples of the graph, as (data, media type) — Turtle or N-Triples."""

    def close(self) -> None:
        """Release files or connections."""


def open_store(spec: str | None = None, *, graph: str | None = None, update_url: str | None = None,
               graph_store_url: str | None = None, timeout: float | None = None) -> Store:
    """The engine for a spec string (see the module docstring)."""
    spec = (spec or "").strip()
    if graph is not None:
        _check_iri(graph, "--graph")
    if spec in ("", "oxigraph", "memory", "oxigraph:"):
        from .embedded import OxigraphStore

        return OxigraphStore(None, graph=graph)
    if spec.startswith("oxigraph:"):
        from .embedded import OxigraphStore

        return OxigraphStore(spec.split(":", 1)[1], graph=graph)
    if spec == "rdflib":
        from .rdflib_store import RdflibStore

        return RdflibStore(graph=graph)
    if spec.startswith(("http://", "https://")):
        from .remote import RemoteStore

        for url, what in ((update_url, "--update-url"), (graph_store_url, "--graph-store-url")):
            if url is not None and not url.startswith(("http://", "https://")):
                raise UsageError(f"{what} must be an http(s) URL, not '{url}'")
        return RemoteStore(spec, graph=graph, update_url=update_url, graph_store_url=graph_store_url,
                           timeout=timeout)
    raise UsageError(f"unknown store '{spec}'; use oxigraph:DIR, rdflib, or an http(s):// SPARQL endpoint "
                     "(or nothing for the packaged release in memory)")


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")


def values_clause(bindings: dict[str, str | list[str]]) -> str:
    """``VALUES (?a ?b) { (<iri> <iri>) }`` from checked variable names and IRIs only; one variable
    bound to a list of IRIs gives one row per IRI (``VALUES ?a { <x> <y> }``)."""
    names, rows = [], []
    for name, value in bindings.items():
        for iri in (value if isinstance(value, list) else [value]):
            if not re.fullmatch(r"[A-Za-z_]\w*", name) or not _IRI.fullmatch(iri):
                raise UsageError(f"refusing to bind ?{name} to {iri!r}: not a variable name and an IRI")
        names.append("?" + name)
        rows.append(value)
    if any(isinstance(v, list) for v in rows):
        if len(names) != 1:
            raise UsageError("a list of values binds one variable only")
        return f" VALUES {names[0]} {{ {' '.join(f'<{iri}>' for iri in rows[0])} }} "
    return f" VALUES ({' '.join(names)}) {{ ({' '.join(f'<{iri}>' for iri in rows)}) }} "


def inject_values(text: str, bindings: dict[str, str | list[str]]) -> str:
    """The query with a VALUES block first in its outermost WHERE group.

    There, unlike a trailing VALUES (joined after GROUP BY), the bound variables constrain the
    pattern itself, aggregates included — the same answers as pyoxigraph substitutions and rdflib
    initBindings give. Comment lines are skipped when looking for the group.
    """
    if not bindings:
        return text
    at = _where_group_end(text)
    return text[:at] + values_clause(bindings) + text[at:]


@functools.lru_cache(maxsize=512)
def _where_group_end(text: str) -> int:
    """Where the outermost WHERE group opens (cached: named queries are bound again and again)."""
    masked = re.sub(r"(?m)(^|\s)#[^\n]*", lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), text)
    m = re.search(r"\bWHERE\s*\{", masked, re.IGNORECASE)
    if m is None:  # SELECT * { … } and ASK { … } may leave out WHERE
        m = re.search(r"\b(SELECT|ASK|DESCRIBE)\b[^{]*\{", masked, re.IGNORECASE)
    if m is None:
        raise UsageError("cannot bind parameters: no WHERE group found in the query")
    return m.end()


def _check_iri(iri: str, what: str) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", iri):
        raise UsageError(f"{what} needs an absolute IRI, not '{iri}'")


__all__ = ["Store", "inject_values", "open_store", "values_clause"]
