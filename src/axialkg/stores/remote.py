"""Remote engine: any SPARQL 1.1 endpoint, through the one HTTP connector (:mod:`.http`).

A named graph is passed as the protocol's ``default-graph-uri``, so the same query text works
either way. Parameters are bound by a VALUES block (validated IRI terms) at the head of the WHERE
group. Queries go only to the query path as ``query=``; an update goes only by :meth:`update`.
"""

from __future__ import annotations

import json

from ..errors import AxialKGError
from ..queries import internal
from ..results import Results, Term
from ..sparql import analyse
from . import StoreSpec, inject_values
from .http import RDF_ACCEPT, RESULTS_JSON, SparqlHttp, rdf_media_type


class RemoteStore:
    def __init__(self, spec: StoreSpec):
        self.spec = spec
        self.graph = spec.graph
        self.url = spec.location or ""
        self.http = SparqlHttp(self.url, update_url=spec.update_url, graph_store_url=spec.graph_store_url,
                               timeout=spec.timeout)
        self.update_url = self.http.update_url
        self.graph_store_url = spec.graph_store_url
        self.timeout = self.http.timeout

    def query(self, text: str, bindings: dict[str, str] | None = None, *, limit: int | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Results:
        if bindings:
            text = inject_values(text, bindings)
        graphs = list(default_graphs) if default_graphs else ([self.graph] if self.graph else [])
        dataset = {"default_graphs": graphs, "named_graphs": list(named_graphs or [])}
        if analyse(text).form in ("CONSTRUCT", "DESCRIBE"):
            answer = self.http.query(text, accept=RDF_ACCEPT, **dataset)
            from .embedded import triples_of

            try:
                triples = triples_of(answer.body, rdf_media_type(answer.content_type, self.url))
            except SyntaxError as exc:
                raise AxialKGError(f"unexpected answer from {self.url}: not RDF ({str(exc).splitlines()[0]})") from None
            out = Results.graph(triples[:limit] if limit is not None else triples)
            out.truncated = limit is not None and len(triples) > limit
            return out
        answer = self.http.query(text, accept=RESULTS_JSON, **dataset)
        try:
            doc = json.loads(answer.body)
            if not isinstance(doc, dict):
                raise ValueError
            if "boolean" in doc:
                return Results.ask(bool(doc["boolean"]))
            variables = list(doc.get("head", {}).get("vars", []))
            bindings_ = doc.get("results", {}).get("bindings", [])
            rows = [{k: Term.from_json(v) for k, v in b.items()} for b in bindings_[:limit]]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise AxialKGError(f"unexpected answer from {self.url}: not SPARQL JSON results") from None
        return Results(variables, rows, truncated=limit is not None and len(bindings_) > limit)

    def update(self, text: str) -> None:
        self.http.update(text)

    def dump(self) -> tuple[bytes, str]:
        """The whole graph: a Graph Store Protocol GET if there is a store URL, else a CONSTRUCT."""
        if self.graph_store_url:
            answer = self.http.graph_get(self.graph)
            return answer.body, rdf_media_type(answer.content_type, self.graph_store_url)
        graphs = [self.graph] if self.graph else []
        answer = self.http.query(internal("all-triples"), accept=RDF_ACCEPT, default_graphs=graphs)
        return answer.body, rdf_media_type(answer.content_type, self.url)

    def triple_count(self) -> int:
        rows = self.query(internal("triple-count")).rows
        return int(rows[0]["n"].value) if rows and "n" in rows[0] else 0

    def close(self) -> None:
        self.http.close()
