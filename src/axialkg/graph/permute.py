"""How surprising a connection is: its DWPC against degree-preserving edge permutations.

As hetnetpy/hetmatpy do for Hetionet (Himmelstein et al. 2017): each permuted graph swaps the
ends of random pairs of edges of one metaedge (``a→b, c→d`` becomes ``a→d, c→b``; XSwap,
Hanhijärvi et al. 2009), refusing self-loops and duplicates, so every node keeps its degree
along every metaedge. A connection's p-value per metapath is the share of permuted graphs in
which the same pair's DWPC along that metapath is at least the observed one, counted as
``(1 + hits) / (1 + permutations)`` so that it is never 0; the number of permutations is part of
every answer.

>>> from axialkg.graph.compact import build
>>> A, B = "https://w3id.org/axialkg/Drug", "https://w3id.org/axialkg/Cause"
>>> rows = [{"subject": f"x:d{i}", "predicate": "x:treats", "object": f"x:c{i}", "sources": "S"} for i in range(4)]
>>> G = build(claims=rows, nodes=[{"entity": f"x:{k}{i}", "label": f"{k}{i}"} for k in "dc" for i in range(4)],
...           types={**{f"x:d{i}": {A} for i in range(4)}, **{f"x:c{i}": {B} for i in range(4)}},
...           predicates={"x:treats": "treats"}, schema_triples=[])
>>> H = permuted(G, seed=1)
>>> sorted(H.arrays["src"].tolist()) == sorted(G.arrays["src"].tolist()), H.number_of_edges()
(True, 4)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .collector import gc_paused
from .compact import CompactGraph, csr_arrays
from .dwpc import Degrees, dwpc, path_degree_product, path_degrees
from .hetmat import MOBIUS_HOPS, pair_dwpc
from .metagraph import kind_of
from .model import FORWARD, Connection, Metapath
from .params import DAMPING, check_damping

DEFAULT_PERMUTATIONS = 1000
SWAPS_PER_EDGE = 10  # attempted swaps per edge of a metaedge, as hetnetpy's default multiplier


def permuted(G: CompactGraph, seed: int, swaps_per_edge: int = SWAPS_PER_EDGE) -> CompactGraph:
    """One degree-preserving permutation of ``G``'s edges (metaedge by metaedge); provenance
    stays with the edge slot."""
    a = G.arrays
    kinds = np.array([hash(k) for _, _, k, _ in G.catsets], dtype=np.int64)[a["catset"]]
    src, dst, pred = a["src"].tolist(), a["dst"].copy(), a["pred"]
    groups: dict[tuple, list[int]] = defaultdict(list)
    for e, key in enumerate(zip(pred.tolist(), kinds[a["src"]].tolist(), kinds[a["dst"]].tolist())):
        groups[key].append(e)
    rng = np.random.default_rng(seed)
    targets = dst.tolist()
    for edges in groups.values():
        if len(edges) < 2:
            continue
        present = {(src[e], targets[e]) for e in edges}
        n = len(edges)
        picks = np.asarray(edges)[rng.integers(0, n, size=(swaps_per_edge * n, 2))].tolist()
        for e, f in picks:
            s1, t1, s2, t2 = src[e], targets[e], src[f], targets[f]
            if e == f or s1 == t2 or s2 == t1 or (s1, t2) in present or (s2, t1) in present:
                continue
            present.difference_update(((s1, t1), (s2, t2)))
            present.update(((s1, t2), (s2, t1)))
            targets[e], targets[f] = t2, t1
    cols = {k: a[k] for k in ("src", "pred", "srcset", "further", "hedge", "asserter", "effect", "axioms")}
    cols["dst"] = np.array(targets, dtype=a["dst"].dtype)
    arrays = {**a, **csr_arrays(cols, G.n)}
    return G.with_arrays(arrays)


def metapath_dwpc(G, source: str, target: str, metapath: Metapath, damping: float = DAMPING, *,
                  by_matrices: bool = False) -> float:
    """The DWPC of one pair along one metapath: its simple paths that follow the metapath's
    metaedges and inner metanodes, degree products as :func:`~.connections.connect` weighs them.
    ``by_matrices`` (a compact projection, up to four hops): by degree-weighted sparse products
    (:func:`~.hetmat.pair_dwpc`), the same number; on a graph the size of the release walking
    the paths is faster, so the permutations walk."""
    if source not in G or target not in G:
        return 0.0
    cats, hops = metapath.categories, list(metapath.edges)
    if by_matrices and hasattr(G, "matrices") and len(hops) <= MOBIUS_HOPS:  # by sparse products (hetmatpy's way)
        return pair_dwpc(G.matrices(), G.id_of(source), G.id_of(target), cats, tuple(hops), damping)
    node, succ, pred = G._node, G._succ, G._pred
    degrees = Degrees(G)
    products = []
    nodes = [source]

    def walk(i: int) -> None:
        if i == len(hops):
            products.append(path_degree_product(path_degrees(nodes, hops, cats, degrees), damping))
            return
        key, direction = hops[i]
        last = i + 1 == len(hops)
        for v, keys in (succ if direction == FORWARD else pred)[nodes[-1]].items():
            if key not in keys or v in nodes or (v == target) != last:
                continue
            if not last and kind_of(node[v]) != cats[i + 1]:
                continue
            nodes.append(v)
            walk(i + 1)
            nodes.pop()

    walk(0)
    return dwpc(products)


@dataclass
class Judged:
    """A connection with, per metapath (by name), the p-value of its DWPC among ``permutations``
    degree-preserving permutations, and the pair's over all its metapaths."""

    connection: Connection
    permutations: int
    p_values: dict[str, float]
    p_value: float

    def to_dict(self, top_paths: int | None = None) -> dict:
        out = self.connection.to_dict(top_paths)
        for m in out["metapaths"]:
            m["p_value"] = self.p_values.get(m["metapath"])
        out.update(p_value=self.p_value, permutations=self.permutations)
        return out


@gc_paused
def judge(G: CompactGraph, connections: list[Connection], *, permutations: int = DEFAULT_PERMUTATIONS,
          seed: int = 0, damping: float = DAMPING) -> list[Judged]:
    """P-values for connections found by :func:`~.connections.connect` on ``G``: each pair's DWPC,
    per metapath and in total (over the metapaths it has in ``G``), recomputed on ``permutations``
    permuted graphs (seeded, so the same answer every run)."""
    check_damping(damping)
    hits: list[dict[str, int]] = [defaultdict(int) for _ in connections]
    total_hits = [0] * len(connections)
    for k in range(permutations):
        H = permuted(G, seed * 1_000_003 + k)
        for i, c in enumerate(connections):
            s, t = c.source["iri"], c.target["iri"]
            scores = [metapath_dwpc(H, s, t, m.metapath, damping) for m in c.metapaths]
            for m, got in zip(c.metapaths, scores):
                if got >= (m.dwpc or 0.0) * (1 - 1e-12):
                    hits[i][str(m.metapath)] += 1
            if dwpc(scores) >= c.dwpc * (1 - 1e-12):
                total_hits[i] += 1
    return [Judged(c, permutations, {str(m.metapath): (1 + hits[i][str(m.metapath)]) / (1 + permutations)
                                     for m in c.metapaths}, (1 + total_hits[i]) / (1 + permutations))
            for i, c in enumerate(connections)]


__all__ = ["DEFAULT_PERMUTATIONS", "Judged", "SWAPS_PER_EDGE", "judge", "metapath_dwpc", "permuted"]
