"""Push the graph into a running SPARQL 1.1 server, replacing one graph atomically.

The data go first into a staging graph (``urn:axialkg:staging:<hash of the target>``): by the
Graph Store HTTP Protocol (one ``PUT``) when a store URL is given, else by SPARQL Update in
chunks (see :func:`insert`). The triples of one blank-node structure, such as a claim axiom or
an OWL list, always share a chunk, because a blank node label names one node only within one
request. The staging graph's triple count is checked; only then does one update request,
``MOVE GRAPH <staging> TO GRAPH <target>``, replace the target inside the server's own
transaction, and the target's count is checked again. A failure before the MOVE (a refused
connection, an HTTP error, the server killed) leaves the target as it was; the next load
clears the stale staging graph.

Requests go through the one HTTP connector (:mod:`axialkg.stores.http`: credentials, Basic or
Digest, retries, one-line errors); the update texts are templates in ``queries/internal/load-*``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import AxialKGError, UsageError
from .queries import Verbatim, fill, internal
from .rdfio import read_triples as read_rdf

STAGING_PREFIX = "urn:axialkg:staging:"
# Triples per update request: Virtuoso compiles each update to at most 10,000 lines of SQL,
# which 2,000 triples overrun and 500 stay well within.
DEFAULT_CHUNK = 500


def staging_graph(target: str | None) -> str:
    """The staging graph for a target graph (None: the default graph); fixed, so the next load
    finds what a killed one left behind."""
    return STAGING_PREFIX + hashlib.sha256((target or "DEFAULT").encode("utf-8")).hexdigest()[:16]


@dataclass
class LoadReport:
    endpoint: str
    graph: str | None
    triples: int
    previous: int
    method: str
    uploads: int

    def summary(self) -> str:
        where = f"graph <{self.graph}>" if self.graph else "the default graph"
        return (f"loaded {self.triples} triples into {where} at {self.endpoint} "
                f"(replaced {self.previous}; {self.method}, {self.uploads} upload request"
                f"{'s' if self.uploads != 1 else ''})")


# ---- the data -------------------------------------------------------------------------------------
def read_triples(path: Path | None = None) -> list:
    """The triples of an RDF file (the packaged release by default), distinct, in file order."""
    from .resources import release_path

    return read_rdf(Path(path) if path else release_path("ttl"))


def chunks(triples: list, size: int) -> list[list]:
    """Split into lists of at most ``size`` triples (more only for one big blank-node structure),
    keeping every connected group of blank nodes in one list."""
    import pyoxigraph as ox

    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in triples:
        ends = [x for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)]
        if len(ends) == 2:
            a, b = find(ends[0]), find(ends[1])
            if a != b:
                parent[a] = b
    units: dict = {}
    order: list = []
    for i, t in enumerate(triples):
        bnode = next((x for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)), None)
        key = ("b", find(bnode)) if bnode is not None else ("t", i)
        if key not in units:
            units[key] = []
            order.append(key)
        units[key].append(t)
    out: list[list] = [[]]
    for key in order:
        unit = units[key]
        if out[-1] and len(out[-1]) + len(unit) > size:
            out.append([])
        out[-1].extend(unit)
    return [c for c in out if c]


def ntriples(triples) -> str:
    return "".join(f"{t} .\n" for t in triples)


def insert(graph: str, triples: list) -> str:
    """The update that adds one chunk of triples to ``graph`` (ground triples by INSERT DATA; with
    blank nodes by INSERT … WHERE {}, see ``queries/internal/load-insert-blank.ru``)."""
    import pyoxigraph as ox

    blank = any(isinstance(x, ox.BlankNode) for t in triples for x in (t.subject, t.object))
    return fill(internal("load-insert-blank" if blank else "load-insert-data"), graph=graph,
                triples=Verbatim(ntriples(triples)))


# ---- the server -----------------------------------------------------------------------------------
WRITE_ACCOUNT = "set AXIALKG_SPARQL_USER and AXIALKG_SPARQL_PASSWORD to an account allowed to write"


class Loader:
    """One load into one server. ``on_step(stage, done, total)`` is called after each uploaded
    chunk (stage "chunk") and once staging is complete and checked (stage "staged"), just before
    the swap; tests use it to kill the server at those points."""

    def __init__(self, endpoint: str, *, graph: str | None = None, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float | None = None,
                 chunk_size: int = DEFAULT_CHUNK, on_step: Callable[[str, int, int], None] | None = None):
        from .stores import StoreSpec
        from .stores.http import SparqlHttp

        if not str(endpoint).startswith(("http://", "https://")):
            raise UsageError(f"--endpoint must be the http(s) URL of a SPARQL query endpoint, not '{endpoint}'")
        if chunk_size < 1:
            raise UsageError("--chunk must be at least 1")
        spec = StoreSpec.parse(endpoint, graph=graph, update_url=update_url, graph_store_url=graph_store_url,
                               timeout=timeout)
        self.http = SparqlHttp(endpoint, update_url=spec.update_url, graph_store_url=spec.graph_store_url,
                               timeout=spec.timeout)
        self.target = graph
        self.staging = staging_graph(graph)
        self.chunk_size = chunk_size
        self.on_step = on_step or (lambda stage, done, total: None)
        self.uploads = 0

    def _update(self, text: str) -> None:
        self.http.update(text, what=WRITE_ACCOUNT)

    def count(self, graph: str | None) -> int:
        """How many triples ``graph`` (None: the default graph) holds on the server."""
        import json

        text = fill(internal("graph-triple-count"), graph=graph) if graph else internal("triple-count")
        body = self.http.query(text).body
        try:
            rows = json.loads(body)["results"]["bindings"]
            return int(rows[0]["n"]["value"]) if rows else 0
        except (ValueError, KeyError, IndexError, TypeError):
            raise AxialKGError(f"unexpected answer from {self.http.url}: not SPARQL JSON results") from None

    def _move(self) -> str:
        if self.target:
            return fill(internal("load-move-to-graph"), staging=self.staging, target=self.target)
        return fill(internal("load-move-to-default"), staging=self.staging)

    @staticmethod
    def _ref(graph: str | None) -> str:
        return f"GRAPH <{graph}>" if graph else "DEFAULT"

    # ---- the load ---------------------------------------------------------------------------------
    def run(self, triples: list) -> LoadReport:
        total = len(triples)
        previous = self.count(self.target)
        try:
            if self.http.graph_store_url:
                method = "graph store protocol PUT"
                self._put(triples)
            else:
                method = "SPARQL update"
                self._insert(triples)
            staged = self.count(self.staging)
            if staged != total:
                raise AxialKGError(f"the staging graph holds {staged} of {total} triples")
            self.on_step("staged", total, total)
        except AxialKGError as exc:
            self._discard()
            raise AxialKGError(f"{exc}; the previous graph is unchanged") from None
        except BaseException:
            self._discard()
            raise
        try:
            self._update(self._move())
        except AxialKGError as exc:
            if getattr(exc, "delivered", True) is False:  # the MOVE never reached the server
                raise AxialKGError(f"{exc}; the previous graph is unchanged") from None
            raise AxialKGError(f"{exc} during the swap; the server's transaction keeps either the previous "
                               "or the new graph whole") from None
        now = self.count(self.target)
        if now != total:
            raise AxialKGError(f"after the swap {self._ref(self.target)} holds {now} triples, not {total}")
        return LoadReport(self.http.url, self.target, total, previous, method, self.uploads)

    def _put(self, triples: list) -> None:
        self.uploads += 1
        # N-Triples is Turtle too, and every Graph Store implementation reads Turtle.
        self.http.graph_put(self.staging, ntriples(triples).encode("utf-8"), "text/turtle; charset=utf-8",
                            what=WRITE_ACCOUNT)
        self.on_step("chunk", 1, 1)

    def _insert(self, triples: list) -> None:
        import pyoxigraph as ox

        self._update(fill(internal("load-drop"), graph=self.staging))
        blank = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
        ground = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
        parts = chunks(ground, self.chunk_size) + chunks(blank, self.chunk_size)
        for i, part in enumerate(parts, 1):
            self.uploads += 1
            self._update(insert(self.staging, part))
            self.on_step("chunk", i, len(parts))

    def _discard(self) -> None:
        """Best effort: the staging graph of a failed load goes (the next load clears it anyway)."""
        try:
            self._update(fill(internal("load-drop"), graph=self.staging))
        except Exception:  # noqa: BLE001 - the server may be gone; the original error matters
            pass


def load(endpoint: str, *, source: Path | None = None, **kw) -> LoadReport:
    """Replace a graph of a running SPARQL server with the release (or ``source``)."""
    loader = Loader(endpoint, **kw)
    return loader.run(read_triples(source))


__all__ = ["DEFAULT_CHUNK", "LoadReport", "Loader", "chunks", "load", "read_triples", "staging_graph"]
