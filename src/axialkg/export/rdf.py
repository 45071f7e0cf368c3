"""The RDF sinks: Turtle, RDF/XML, N-Triples, N-Quads and JSON-LD, each written from the canonical
graph of the store's triples (content-derived blank-node names, sorted, the release's prefixes and
decimal spellings), so every store gives the same bytes.

**N-Quads.** The default graph holds the whole graph, axioms and all, so the default graph
alone is isomorphic to the source and so is the union of all graphs. In addition every claim
``s p o`` is repeated in one named graph per source it cites,
``https://w3id.org/axialkg/graph/source/<slug>`` for the Source ``axkg:<slug>``, so a quad
store can select claims by source with ``GRAPH``. Precisely: parsed back, (1) the default
graph is isomorphic to the source graph; (2) the named graph of source S holds exactly the
triples ``s p o`` for which an owl:Axiom annotates ``s p o`` with ``dcterms:source S``; (3) the
union of all graphs is isomorphic to the source graph.

**JSON-LD** is JSON-LD 1.1 with a compact ``@context`` of our prefixes (no term coercions).
"""

from __future__ import annotations

import json
import uuid
from decimal import InvalidOperation

from ..errors import AxialKGError
from ..queries import internal
from ..rdfio import canonical_graph, graph_to_rdfxml, release_decimal
from ..vocab import NAMESPACE, PREFIXES, XSD_DECIMAL
from .source import Claim, claims, no_triples

SOURCE_GRAPH_BASE = NAMESPACE + "graph/source/"


def snapshot(kg):
    """Every triple of the knowledge graph's store as a canonical rdflib Graph (a remote store answers
    N-Triples where it can: Virtuoso's Turtle writes a whole xsd:decimal as a bare integer)."""
    from rdflib import Graph

    data, media_type = kg.store.dump()
    g = Graph(bind_namespaces="none")
    try:
        g.parse(data=data, format="nt" if "n-triples" in media_type else "turtle")
    except Exception as exc:  # noqa: BLE001 - a store answered something that is not RDF
        raise AxialKGError(f"the store's triples could not be read: {' '.join(str(exc).split())[:200]}") from None
    if len(g) == 0:
        raise no_triples(kg.store)
    return canonical_graph(respell_decimals(g))


def respell_decimals(g):
    """Spell the graph's xsd:decimal literals as the release does ("90.0"), whatever a store made of
    them (pyoxigraph keeps "90"): same value, and the export compares equal to the release. In place;
    returns the graph."""
    from rdflib import Literal, URIRef

    decimal = URIRef(XSD_DECIMAL)
    for s, p, o in list(g.triples((None, None, None))):
        if isinstance(o, Literal) and o.datatype == decimal:
            try:
                text = release_decimal(str(o))
            except InvalidOperation:
                continue
            if text != str(o):
                g.remove((s, p, o))
                g.add((s, p, Literal(text, datatype=decimal)))
    return g


def graph_claims(g) -> dict[tuple, Claim]:
    """(s, p, o) rdflib terms → the sources and sections their axioms cite, read from the graph by the
    same ``claim-provenance`` query the node/edge source runs on the store."""
    rows = g.query(internal("claim-provenance"))
    return claims((r["subject"], r["predicate"], r["object"], r["key"], r["value"]) for r in rows)


# ---- the sinks ----------------------------------------------------------------------------------
def _ntriples(g) -> list[str]:
    return sorted(line for line in g.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines() if line)


def to_ntriples(g) -> bytes:
    """Sorted N-Triples."""
    return ("\n".join(_ntriples(g)) + "\n").encode("utf-8")


def source_graph(source_iri: str) -> str:
    """The named graph (in N-Quads) of the claims citing a source."""
    local = source_iri[len(NAMESPACE):] if source_iri.startswith(NAMESPACE) else uuid.uuid5(
        uuid.NAMESPACE_URL, source_iri).hex
    return SOURCE_GRAPH_BASE + local


def to_nquads(g) -> bytes:
    """The whole graph in the default graph, each claim again in one named graph per cited source."""
    from rdflib import BNode

    lines = _ntriples(g)
    for (s, p, o), c in graph_claims(g).items():
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue  # claims link named entities; a blank node would not be the same node across graphs
        for src in c.sources:
            lines.append(f"{s.n3()} {p.n3()} {o.n3()} <{source_graph(src)}> .")
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def to_turtle(g) -> bytes:
    """Turtle with the release's prefixes."""
    return g.serialize(format="turtle", encoding="utf-8")


def to_rdfxml(g) -> bytes:
    """Flat, sorted RDF/XML, as the release's .owl (opens in Protégé and owlready2)."""
    return graph_to_rdfxml(g)


def _sort_values(node):
    """Sort JSON-LD value arrays (sets in RDF) for stable bytes; ``@list`` arrays keep their order."""
    if isinstance(node, dict):
        return {k: [_sort_values(x) for x in v] if k == "@list" and isinstance(v, list) else _sort_values(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return sorted((_sort_values(x) for x in node), key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    return node


def jsonld_context() -> dict:
    """The JSON-LD ``@context`` of the export: our prefixes, nothing else."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def to_jsonld(g) -> bytes:
    context = jsonld_context()["@context"]
    text = g.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8").decode("utf-8")
    doc = json.loads(text)
    if "@graph" not in doc:  # a single node comes back unwrapped
        doc = {"@context": doc.pop("@context", context), "@graph": [doc]}
    doc["@context"] = context
    doc["@graph"] = sorted((_sort_values(n) for n in doc["@graph"]),
                           key=lambda n: (str(n.get("@id", "")), json.dumps(n, sort_keys=True)))
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


WRITERS = {"turtle": to_turtle, "rdfxml": to_rdfxml, "ntriples": to_ntriples, "nquads": to_nquads,
           "jsonld": to_jsonld}

__all__ = ["SOURCE_GRAPH_BASE", "WRITERS", "graph_claims", "jsonld_context", "respell_decimals", "snapshot",
           "source_graph", "to_jsonld", "to_nquads", "to_ntriples", "to_rdfxml", "to_turtle"]
