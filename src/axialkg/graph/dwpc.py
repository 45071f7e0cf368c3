"""Degree-weighted path counts (DWPC) as in Hetionet (Himmelstein et al. 2017), as pure functions
in the way of hetnetpy's ``pathtools`` (:func:`~.connections.connect` ranks with them).

A hop's degrees are taken along its metaedge: how many edges of the hop's predicate, walked the
same way, join its start to nodes of the next metanode (:func:`metaedge_degree`), and its end to
nodes of the previous one. A path's degree product multiplies, hop by hop, both degrees raised to
``-damping`` (:func:`path_degree_product`); a pair's DWPC sums them over its paths (:func:`dwpc`).

>>> path_degree_product([(2, 1), (1, 2)], damping=1)  # (2·1)^-1 · (1·2)^-1
0.25
>>> dwpc([0.5, 0.25])
0.75
"""

from __future__ import annotations

import math
from typing import Iterable

from .metagraph import categories_of, kind_of
from .model import FORWARD, reverse
from .params import DAMPING


def metaedge_degree(G, node: str, predicate: str, direction: str, category: str, exact_kind: bool) -> int:
    """Edges of ``predicate`` walked ``direction`` from ``node`` to nodes of ``category``: nodes
    whose kind it is (``exact_kind``, for a metapath's inner metanodes) or that belong to it (its ends)."""
    adj = G._succ[node] if direction == FORWARD else G._pred[node]
    nodes = G._node
    return sum(1 for v, keys in adj.items() if predicate in keys and
               (kind_of(nodes[v]) == category if exact_kind else category in categories_of(nodes[v])))


class Degrees:
    """:func:`metaedge_degree` remembered for one question (paths share their nodes' degrees)."""

    def __init__(self, G):
        self.G = G
        self.cache: dict[tuple, int] = {}

    def __call__(self, node: str, predicate: str, direction: str, category: str, exact_kind: bool) -> int:
        key = (node, predicate, direction, category, exact_kind)
        got = self.cache.get(key)
        if got is None:
            got = self.cache[key] = metaedge_degree(self.G, node, predicate, direction, category, exact_kind)
        return got


def path_degrees(nodes: list[str], steps: list[tuple], categories: tuple, degrees: Degrees) -> list[tuple[int, int]]:
    """Each hop's (start degree, end degree) along its metaedge; ``categories`` are the path's
    metanodes, the ends matched by membership and the inner ones by kind."""
    last = len(nodes) - 1
    out = []
    for i, (predicate, direction) in enumerate(steps):
        out.append((degrees(nodes[i], predicate, direction, categories[i + 1], 0 < i + 1 < last),
                    degrees(nodes[i + 1], predicate, reverse(direction), categories[i], 0 < i < last)))
    return out


def path_degree_product(degrees: Iterable[tuple[int, int]], damping: float = DAMPING) -> float:
    """The product over hops of (start degree × end degree) ^ -damping."""
    product = 1.0
    for d_out, d_in in degrees:
        product *= (d_out * d_in) ** -damping
    return product


def dwpc(path_degree_products: Iterable[float]) -> float:
    """The DWPC of a set of paths: their degree products summed (exactly rounded, so in any order)."""
    return math.fsum(path_degree_products)


__all__ = ["DAMPING", "Degrees", "dwpc", "metaedge_degree", "path_degree_product", "path_degrees"]
