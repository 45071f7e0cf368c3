"""The GraphML sink, written once for ``export --format graphml`` and ``neighbors --graphml``: the
entity-to-entity network for Cytoscape, Gephi and networkx, so the same graph gives the same bytes.

A directed multigraph keyed by CURIE (the ids KGX and CSV use, so the three merge on one key).
Nodes: ``label``, ``iri``, ``category`` (most specific classes), ``category_label``,
``biolink_category``, ``categories`` (every class of ours the entity belongs to, superclasses and
union classes included, to filter on any of them), ``kind`` (the top of each class's hierarchy:
Intervention, Cause, ..., to colour by), and for a neighbourhood ``distance`` (hops from the
centre, which the graph names as ``center``). Edges, with the triple's UUID as id: ``predicate``,
``label``, ``biolink_predicate``, ``sources`` (labels), ``source_ids``, ``further_sources``.
List attributes are ``|``-joined text, as in KGX and CSV.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

from ..vocab import curie
from .output import FILE, ExportReport, check_target, write_target
from .source import Edge, Node, Source


def _curies(iris: Iterable[str]) -> str:
    return "|".join(curie(c) for c in iris)


def to_graphml(nodes: Iterable[Node], edges: Iterable[Edge], *, distances: Mapping[str, int] | None = None) -> bytes:
    """GraphML of these nodes and edges; ``distances`` (IRI → hops) marks a neighbourhood."""
    import networkx as nx

    G = nx.MultiDiGraph(name="axialkg")
    if distances:
        centre = [iri for iri, d in distances.items() if d == 0]
        if len(centre) == 1:
            G.graph["center"] = curie(centre[0])
    for n in nodes:
        attrs: dict[str, str | int] = {
            "label": n.label, "iri": n.iri, "category": _curies(n.classes), "category_label": "|".join(n.class_labels),
            "biolink_category": _curies(n.biolink), "categories": _curies(n.categories), "kind": _curies(n.kinds)}
        if distances is not None and n.iri in distances:
            attrs["distance"] = int(distances[n.iri])
        G.add_node(n.id, **attrs)
    for e in edges:
        G.add_edge(curie(e.subject), curie(e.object), key=e.id, predicate=curie(e.predicate), label=e.predicate_label,
                   biolink_predicate=curie(e.biolink), sources="|".join(e.source_labels),
                   source_ids=_curies(e.sources), further_sources=e.further)
    buf = io.BytesIO()
    nx.write_graphml(G, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def render(source: Source, *, distances: Mapping[str, int] | None = None) -> bytes:
    return to_graphml(source.nodes, source.edges, distances=distances)


def write_graphml(kg, out, nodes: Iterable[str] | None = None, *,
                  distances: Mapping[str, int] | None = None) -> ExportReport:
    """Write the GraphML of ``kg`` to ``out``: every entity, or only ``nodes`` (IRIs) and the claims
    among them; ``distances`` (IRI → hops from the centre) adds each node's ``distance``. With
    neither, the bytes are those of ``export("graphml", out, kg=kg)``."""
    out = check_target(out, FILE)
    if nodes is None and distances is not None:
        nodes = distances
    source = Source(kg, nodes)
    source.check()  # an empty store is refused before anything is written
    files = write_target(out, FILE, render(source, distances=distances))
    return ExportReport("graphml", out, files, None, len(source.nodes), len(source.edges))


__all__ = ["render", "to_graphml", "write_graphml"]
