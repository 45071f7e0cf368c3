"""Neighbourhoods: the subgraph of everything within K hops of an entity.

>>> from axialkg.graph import project_edges
>>> G = project_edges([{"subject": "a", "predicate": "p", "object": "b", "sources": "S"},
...                    {"subject": "b", "predicate": "p", "object": "c", "sources": "S"}])
>>> sorted(neighborhood_of(G, "a", 1).nodes(data="distance"))
[('a', 0), ('b', 1)]
"""

from __future__ import annotations

from .collector import gc_paused
from .params import check_hops
from .walk import breadth_first


@gc_paused
def neighborhood_of(G, center: str, hops: int = 1, *, directed: bool = False, alone: dict | None = None):
    """A new MultiDiGraph of the nodes within ``hops`` hops of ``center`` (edges walked either way
    unless ``directed``) and the edges among them, each node with its ``distance``;
    ``graph["center"]`` is the centre. Nodes come in the order they were reached, so the result
    (and its GraphML) is the same every run. A centre the projection lacks (an entity without
    claims) is a neighbourhood of one, its node attributes taken from ``alone`` (``label``,
    ``category``, ``category_label``)."""
    import networkx as nx

    check_hops(hops, name="hops", least=0)
    if center not in G:
        sub = nx.MultiDiGraph()
        alone = alone or {}
        sub.add_node(center, label=alone.get("label", center), distance=0, category=alone.get("category"),
                     category_label=alone.get("category_label"))
        sub.graph["center"] = center
        return sub
    if hasattr(G, "ball"):  # a compact projection walks its arrays
        dist, edges = G.ball(center, hops, directed)
        sub = nx.MultiDiGraph()
        sub.graph.update((k, v) for k, v in G.graph.items() if not k.startswith("_"))
        sub.add_nodes_from((n, {**G._node[n], "distance": d}) for n, d in dist.items())
        sub.add_edges_from((u, v, k, dict(attrs)) for u, v, k, attrs in edges)
        sub.graph["center"] = center
        return sub
    succ, pred = G._succ, G._pred
    dist = breadth_first(center, hops, lambda u: list(succ[u]) + ([] if directed else list(pred[u])))
    # nodes in the order the search met them, edges in the projection's order from each: the same
    # graph every run (a networkx subgraph view iterates a set, in an order that changes per process)
    sub = nx.MultiDiGraph()
    sub.graph.update((k, v) for k, v in G.graph.items() if not k.startswith("_"))
    sub.add_nodes_from((n, {**G._node[n], "distance": d}) for n, d in dist.items())
    sub.add_edges_from((u, v, k, dict(attrs)) for u in dist for v, keys in G._succ[u].items() if v in dist
                       for k, attrs in keys.items())
    sub.graph["center"] = center
    return sub


__all__ = ["neighborhood_of"]
