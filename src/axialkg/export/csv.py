"""The CSV sink: a directory with ``nodes.csv`` and ``edges.csv`` for spreadsheets (RFC 4180
quoting, LF line ends); list cells are joined with ``|``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..vocab import curie
from .source import Edge, Node, Source

FILES = ("nodes.csv", "edges.csv")
NODE_COLUMNS = ["id", "iri", "label", "category", "category_label", "biolink_category", "definition",
                "synonyms", "xrefs"]
EDGE_COLUMNS = ["id", "subject", "subject_label", "predicate", "predicate_label", "object", "object_label",
                "biolink_predicate", "sources", "source_ids", "further_sources", "sections"]


def node_row(n: Node) -> dict[str, str]:
    return {"id": n.id, "iri": n.iri, "label": n.label, "category": "|".join(curie(c) for c in n.classes),
            "category_label": "|".join(n.class_labels), "biolink_category": "|".join(curie(c) for c in n.biolink),
            "definition": n.definition or "", "synonyms": "|".join(n.synonyms), "xrefs": "|".join(n.xrefs)}


def edge_row(e: Edge) -> dict[str, str]:
    return {"id": e.id, "subject": curie(e.subject), "subject_label": e.subject_label,
            "predicate": curie(e.predicate), "predicate_label": e.predicate_label, "object": curie(e.object),
            "object_label": e.object_label, "biolink_predicate": curie(e.biolink),
            "sources": "|".join(e.source_labels), "source_ids": "|".join(curie(s) for s in e.sources),
            "further_sources": str(e.further), "sections": "|".join(curie(s) for s in e.sections)}


def _csv(columns: list[str], rows: Iterable[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def to_csv(nodes: Iterable[Node], edges: Iterable[Edge]) -> dict[str, bytes]:
    return {"nodes.csv": _csv(NODE_COLUMNS, map(node_row, nodes)),
            "edges.csv": _csv(EDGE_COLUMNS, map(edge_row, edges))}


def render(source: Source) -> dict[str, bytes]:
    return to_csv(source.nodes, source.edges)


__all__ = ["EDGE_COLUMNS", "FILES", "NODE_COLUMNS", "edge_row", "node_row", "render", "to_csv"]
