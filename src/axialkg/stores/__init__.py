"""Where the graph lives: one protocol, several engines, chosen by a spec string through a registry.

Spec strings work like oaklib selectors; each scheme names an engine registered here (as rdflib
registers store plugins), and :meth:`StoreSpec.parse` reads a spec once, so every room (the CLI,
the API, the endpoint's worker processes, which receive it pickled) opens the same engine:

=====================  ==========================================================
``None`` or ``""``     embedded pyoxigraph in memory, loaded from the packaged release
``oxigraph:DIR``       persistent pyoxigraph store in DIR, loaded on first use, reused
``rdflib``             an rdflib Graph in memory (the reference behaviour)
``http(s)://…``        a remote SPARQL 1.1 endpoint (one HTTP connector, :mod:`.http`)
=====================  ==========================================================

Every engine answers with :class:`axialkg.results.Results`, whose terms are engine-neutral, so
the same query gives equal rows on each. Engines know nothing about drugs or causes.

>>> StoreSpec.parse("oxigraph:/tmp/kg").engine, StoreSpec.parse("").engine
('oxigraph', 'memory')
"""

from __future__ import annotations

import re

from ..errors import UsageError
from ..records import Frozen, set_fields
from ..results import Results
from ..sparql import with_values

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at every start (mypy reads the name)
if TYPE_CHECKING:
    from typing import Callable, Mapping, Protocol
else:  # the protocol is for type checkers and readers; at run time a plain class (typing costs a start ~3 ms)
    Protocol = object

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


_FIELDS = ("engine", "location", "graph", "update_url", "graph_store_url", "timeout", "reasoned", "read_only", "reload")


class StoreSpec(Frozen):
    """A parsed ``--store`` value with the options that go with it (immutable, picklable).

    >>> StoreSpec.parse("rdflib").replace(graph="http://ex.org/g")
    StoreSpec(engine='rdflib', location=None, graph='http://ex.org/g', update_url=None, graph_store_url=None, \
timeout=None, reasoned=False, read_only=False, reload=False)
    """

    __slots__ = _fields = _FIELDS
    engine: str                        # a key of the registry: memory, oxigraph, rdflib, sparql
    location: str | None               # the directory or the endpoint URL
    graph: str | None                  # the named graph holding the data (None: the default graph)
    update_url: str | None
    graph_store_url: str | None
    timeout: float | None
    reasoned: bool                     # answer over the OWL 2 RL closure (see axialkg.reasoned)
    read_only: bool                    # open without writing (an on-disk store shared by several processes)
    reload: bool                       # an on-disk store: replace what it holds with the release

    def __init__(self, engine: str, location: str | None = None, graph: str | None = None,
                 update_url: str | None = None, graph_store_url: str | None = None, timeout: float | None = None,
                 reasoned: bool = False, read_only: bool = False, reload: bool = False):
        set_fields(self, engine=engine, location=location, graph=graph, update_url=update_url,
                   graph_store_url=graph_store_url, timeout=timeout, reasoned=reasoned, read_only=read_only, reload=reload)

    def replace(self, **changes) -> "StoreSpec":
        """A copy with some fields changed (as :func:`dataclasses.replace` does)."""
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise TypeError(f"StoreSpec has no field {sorted(unknown)[0]!r}")
        return StoreSpec(**{**self.as_dict(), **changes})

    def as_dict(self) -> dict:
        """The fields by name (``StoreSpec(**spec.as_dict()) == spec``; the server's workers get it as JSON)."""
        return dict(zip(_FIELDS, self._values()))

    @classmethod
    def parse(cls, text: "str | StoreSpec | None" = None, *, graph: str | None = None, update_url: str | None = None,
              graph_store_url: str | None = None, timeout: float | None = None) -> "StoreSpec":
        if isinstance(text, StoreSpec):
            return text
        if graph is not None and not _ABSOLUTE_IRI.fullmatch(graph):
            raise UsageError(f"--graph needs an absolute IRI, not '{graph}'")
        raw = (text or "").strip()
        if raw in ("", "oxigraph", "memory", "oxigraph:"):
            return cls("memory", graph=graph, timeout=timeout)
        if raw.startswith("oxigraph:"):
            return cls("oxigraph", raw.split(":", 1)[1], graph=graph, timeout=timeout)
        if raw == "rdflib":
            return cls("rdflib", graph=graph, timeout=timeout)
        if raw.startswith(("http://", "https://")):
            for url, what in ((update_url, "--update-url"), (graph_store_url, "--graph-store-url")):
                if url is not None and not url.startswith(("http://", "https://")):
                    raise UsageError(f"{what} must be an http(s) URL, not '{url}'")
            return cls("sparql", raw, graph=graph, update_url=update_url, graph_store_url=graph_store_url,
                       timeout=timeout)
        raise UsageError(f"unknown store '{raw}'; use oxigraph:DIR, rdflib, or an http(s):// SPARQL endpoint "
                         "(or nothing for the packaged release in memory)")

    def with_graph(self, graph: str | None) -> "StoreSpec":
        return self.replace(graph=graph)

    def __str__(self) -> str:
        """The spec as a user writes it ("" for the packaged release in memory)."""
        if self.engine == "oxigraph":
            return f"oxigraph:{self.location}"
        return {"memory": "", "rdflib": "rdflib"}.get(self.engine, self.location or "")

    @property
    def display(self) -> str:
        return (str(self) or "memory") + (" (reasoned)" if self.reasoned else "")


class Store(Protocol):
    """What the query layer needs from an engine."""

    spec: StoreSpec
    graph: str | None  # the named graph queries run against (None: the default graph)

    def query(self, text: str, bindings: dict[str, str] | None = None, *, limit: int | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Results:
        """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE), never an update. ``bindings`` maps
        variable names to IRIs, bound as RDF terms by the engine's own mechanism, never pasted as
        text; ``limit`` keeps the first rows or triples and marks the answer ``truncated``;
        ``default_graphs``/``named_graphs`` are the protocol's dataset IRIs."""

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update (only when the caller allowed it)."""

    def dump(self) -> tuple[bytes, str]:
        """All triples of the graph, as (data, media type): Turtle or N-Triples."""

    def triple_count(self) -> int:
        """How many triples the graph holds."""

    def close(self) -> None:
        """Release files or connections."""


_ENGINES: dict[str, Callable[[StoreSpec], Store]] = {}


def register(engine: str) -> Callable:
    """Register a factory ``StoreSpec -> Store`` for an engine name (a decorator)."""
    def deco(factory: Callable[[StoreSpec], Store]) -> Callable[[StoreSpec], Store]:
        _ENGINES[engine] = factory
        return factory
    return deco


@register("memory")
def _memory(spec: StoreSpec) -> Store:
    from .embedded import OxigraphStore

    if spec.location is None and spec.graph is None:  # the packaged release: from the cache, if it can be
        from ..resources import release_path
        from .cached import open_release

        cached = open_release(release_path("ttl"))
        if cached is not None:
            return cached
    from pathlib import Path

    return OxigraphStore.in_memory(graph=spec.graph, source=Path(spec.location) if spec.location else None)


@register("oxigraph")
def _on_disk(spec: StoreSpec) -> Store:
    from .embedded import OxigraphStore

    return OxigraphStore.on_disk(spec.location or "", graph=spec.graph, read_only=spec.read_only, reload=spec.reload)


@register("rdflib")
def _rdflib(spec: StoreSpec) -> Store:
    from .rdflib_store import RdflibStore

    return RdflibStore(graph=spec.graph)


@register("sparql")
def _remote(spec: StoreSpec) -> Store:
    from .remote import RemoteStore

    return RemoteStore(spec)


def open_store(spec: "str | StoreSpec | None" = None, **options) -> Store:
    """The engine for a spec (see the module docstring); ``options`` as :meth:`StoreSpec.parse` takes."""
    parsed = StoreSpec.parse(spec, **options)
    return _ENGINES[parsed.engine](parsed)


def values_clause(bindings: Mapping[str, str | list[str]]) -> str:
    """``VALUES (?a ?b) { (<iri> <iri>) }`` from checked variable names and IRIs only; one variable
    bound to a list of IRIs gives one row per IRI (``VALUES ?a { <x> <y> }``), several bound to lists
    of one length give one row per position (``VALUES (?a ?b) { (<x> <y>) (<z> <w>) }``)."""
    names, rows = [], []
    for name, value in bindings.items():
        for iri in (value if isinstance(value, list) else [value]):
            if not re.fullmatch(r"[A-Za-z_]\w*", name) or not _IRI.fullmatch(iri):
                raise UsageError(f"refusing to bind ?{name} to {iri!r}: not a variable name and an IRI")
        names.append("?" + name)
        rows.append(value)
    if any(isinstance(v, list) for v in rows):
        if len(names) == 1:
            return f" VALUES {names[0]} {{ {' '.join(f'<{iri}>' for iri in rows[0])} }} "
        if not all(isinstance(v, list) and len(v) == len(rows[0]) for v in rows):
            raise UsageError("lists of values bind several variables only when every one is a list of one length")
        tuples = " ".join("(" + " ".join(f"<{iri}>" for iri in row) + ")" for row in zip(*rows))
        return f" VALUES ({' '.join(names)}) {{ {tuples} }} "
    return f" VALUES ({' '.join(names)}) {{ ({' '.join(f'<{iri}>' for iri in rows)}) }} "


def inject_values(text: str, bindings: Mapping[str, str | list[str]]) -> str:
    """The query with a VALUES block first in its outermost WHERE group.

    There, unlike a trailing VALUES (joined after GROUP BY), the bound variables constrain the
    pattern itself, aggregates included — the same answers as pyoxigraph substitutions and rdflib
    initBindings give.
    """
    if not bindings:
        return text
    return with_values(text, values_clause(bindings))


__all__ = ["Store", "StoreSpec", "inject_values", "open_store", "register", "values_clause"]
