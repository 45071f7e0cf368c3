"""rdflib engine: the release in an rdflib Graph in memory — the reference behaviour.

With a named graph the release is parsed into that graph of a Dataset and queries run with it
as their default graph, so answers match the default-graph case exactly.
"""

from __future__ import annotations

import re

from ..errors import AxialKGError, UsageError
from ..resources import release_path
from ..results import Results, Term
from . import StoreSpec


def to_term(t) -> Term:
    from rdflib import BNode, Literal, URIRef

    if isinstance(t, URIRef):
        return Term("uri", str(t))
    if isinstance(t, BNode):
        return Term("bnode", str(t))
    if isinstance(t, Literal):
        return Term.literal(str(t), str(t.datatype) if t.datatype else None, t.language)
    raise AxialKGError(f"unsupported RDF term in result: {t!r}")


def malformed(exc: Exception) -> AxialKGError:
    """pyparsing says '… (at char N), (line:L, col:C)'; keep one line with the position."""
    text = " ".join(str(exc).split())
    pos = re.search(r"line:(\d+), col:(\d+)", text)
    head = text.split(" (at char")[0]
    where = f"error at {pos.group(1)}:{pos.group(2)}: " if pos else ""
    return AxialKGError(f"malformed SPARQL: {where}{head}")


class RdflibStore:
    def __init__(self, *, graph: str | None = None, source=None):
        from rdflib import Dataset, Graph, URIRef

        self.spec = StoreSpec("rdflib", graph=graph)
        self.graph = graph
        source = source or release_path("ttl")
        self.dataset: Dataset | None
        if graph:
            self.dataset = Dataset()
            self.rdf = self.dataset.graph(URIRef(graph))
        else:
            self.dataset = None
            self.rdf = Graph()
        try:
            self.rdf.parse(str(source), format="turtle")
        except FileNotFoundError:
            raise AxialKGError(f"no release at {source}; run 'axialkg build' first") from None

    def query(self, text: str, bindings: dict[str, str] | None = None, *, limit: int | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Results:
        from pyparsing import ParseException
        from rdflib import URIRef, Variable

        if default_graphs or named_graphs:
            raise UsageError("default-graph-uri and named-graph-uri need an oxigraph-backed --store")
        init = {Variable(k): URIRef(v) for k, v in (bindings or {}).items()}
        try:
            result = self.rdf.query(text, initBindings=init or None)
            if result.type == "ASK":
                return Results.ask(bool(result.askAnswer))
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                triples = list(result)
                out = Results.graph([tuple(to_term(x) for x in t) for t in triples[:limit]])
                out.truncated = limit is not None and len(triples) > limit
                return out
            variables = [str(v) for v in result.vars]
            rows = [{v: to_term(val) for v, val in zip(variables, row) if val is not None} for row in result]
        except ParseException as exc:
            raise malformed(exc) from None
        except Exception as exc:  # rdflib raises plain exceptions for unsupported or failing queries
            if exc.__class__.__module__.startswith(("rdflib", "pyparsing")):
                raise AxialKGError(f"query failed: {' '.join(str(exc).split())[:300]}") from None
            raise
        truncated = limit is not None and len(rows) > limit
        return Results(variables, rows[:limit] if truncated else rows, truncated=truncated)

    def update(self, text: str) -> None:
        from pyparsing import ParseException

        try:
            self.rdf.update(text)
        except ParseException as exc:
            raise malformed(exc) from None

    def dump(self) -> tuple[bytes, str]:
        return self.rdf.serialize(format="nt", encoding="utf-8"), "application/n-triples"

    def triple_count(self) -> int:
        return len(self.rdf)

    def close(self) -> None:
        self.rdf = None  # type: ignore[assignment]  # closed
