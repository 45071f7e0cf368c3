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
from .http import RDF_ACCEPT, RESULTS_ACCEPT, SparqlHttp, rdf_media_type

_XML_NS = "{http://www.w3.org/2005/sparql-results#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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
        answer = self.http.query(text, accept=RESULTS_ACCEPT, **dataset)
        try:
            if answer.body.lstrip()[:1] == b"<":
                return _from_xml(answer.body, limit)
            doc = json.loads(answer.body)
            if not isinstance(doc, dict):
                raise ValueError
            if "boolean" in doc:
                return Results.ask(bool(doc["boolean"]))
            variables = list(doc.get("head", {}).get("vars", []))
            bindings_ = doc.get("results", {}).get("bindings", [])
            rows = [{k: Term.from_json(v) for k, v in b.items()} for b in bindings_[:limit]]
        except (ValueError, KeyError, TypeError, AttributeError, SyntaxError):
            raise AxialKGError(f"unexpected answer from {self.url}: not SPARQL results") from None
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


def _from_xml(body: bytes, limit: int | None) -> Results:
    """Results from the W3C SPARQL XML format, which we ask for first: Virtuoso 7 writes it about
    five times faster than JSON (4,654 rows: 0.56 s against 3.1 s), and frontier searches fetch
    thousands of rows."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(body)
    boolean = root.find(_XML_NS + "boolean")
    if boolean is not None:
        return Results.ask((boolean.text or "").strip() == "true")
    head = root.find(_XML_NS + "head")
    results = root.find(_XML_NS + "results")
    if head is None or results is None:
        raise ValueError("not SPARQL XML results")
    variables = [v.get("name", "") for v in head.iter(_XML_NS + "variable")]
    rows, seen = [], 0
    for result in results.iter(_XML_NS + "result"):
        seen += 1
        if limit is not None and seen > limit:
            break
        row = {}
        for binding in result.iter(_XML_NS + "binding"):
            term = binding[0]
            kind = term.tag[len(_XML_NS):]
            if kind == "literal":
                row[binding.get("name", "")] = Term.literal(term.text or "", term.get("datatype"), term.get(_XML_LANG))
            else:
                row[binding.get("name", "")] = Term("bnode" if kind == "bnode" else "uri", term.text or "")
        rows.append(row)
    return Results(variables, rows, truncated=limit is not None and seen > limit)
