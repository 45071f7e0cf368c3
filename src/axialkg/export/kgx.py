"""The KGX sink: a directory with KGX TSV ``nodes.tsv`` and ``edges.tsv``.

Node ``id`` is our IRI as an ``axkg:`` CURIE, ``category`` the Biolink class our schema aligns
the node's most specific class with (``skos:exactMatch``, else ``skos:closeMatch``, else the
nearest aligned superclass; ``biolink:NamedThing`` if none). Edge ``predicate`` is the Biolink
predicate our property aligns with, ``original_predicate`` our own. Every claim was curated from
one review article by hand: ``primary_knowledge_source`` is that article (``axkg:source-article``;
no infores identifier is registered for it), ``publications`` the sources the article cites for
the claim, ``knowledge_level`` ``knowledge_assertion`` and ``agent_type`` ``manual_agent``.
Multivalued fields are joined with ``|``; a value holding ``|`` is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import AxialKGError
from ..vocab import curie
from .source import Edge, Node, Source

FILES = ("nodes.tsv", "edges.tsv")
ARTICLE = "axkg:source-article"
NODE_COLUMNS = ["id", "category", "name", "description", "xref", "synonym", "iri"]
EDGE_COLUMNS = ["id", "subject", "predicate", "object", "category", "original_predicate",
                "primary_knowledge_source", "publications", "knowledge_level", "agent_type",
                "further_source_count"]


def _cell(value: str) -> str:
    """One TSV cell: whitespace runs become one space; a '|' inside a value cannot be represented."""
    text = " ".join(str(value).split())
    if "|" in text:
        raise AxialKGError(f"cannot write KGX: the value {text[:60]!r} contains '|', the KGX list separator")
    return text


def _join(values: Iterable[str]) -> str:
    return "|".join(_cell(v) for v in values)


def node_row(n: Node) -> dict[str, str]:
    return {"id": n.id, "category": _join(curie(c) for c in n.biolink), "name": _cell(n.label),
            "description": _cell(n.definition or ""), "xref": _join(n.xrefs), "synonym": _join(n.synonyms),
            "iri": n.iri}


def edge_row(e: Edge) -> dict[str, str]:
    return {"id": e.id, "subject": curie(e.subject), "predicate": curie(e.biolink), "object": curie(e.object),
            "category": "biolink:Association", "original_predicate": curie(e.predicate),
            "primary_knowledge_source": ARTICLE, "publications": _join(curie(s) for s in e.sources),
            "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent",
            "further_source_count": str(e.further)}


def _tsv(columns: list[str], rows: Iterable[dict[str, str]]) -> bytes:
    lines = ["\t".join(columns)] + ["\t".join(row.get(c, "") for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_kgx(nodes: Iterable[Node], edges: Iterable[Edge]) -> dict[str, bytes]:
    return {"nodes.tsv": _tsv(NODE_COLUMNS, map(node_row, nodes)),
            "edges.tsv": _tsv(EDGE_COLUMNS, map(edge_row, edges))}


def render(source: Source) -> dict[str, bytes]:
    return to_kgx(source.nodes, source.edges)


__all__ = ["ARTICLE", "EDGE_COLUMNS", "FILES", "NODE_COLUMNS", "edge_row", "node_row", "render", "to_kgx"]
