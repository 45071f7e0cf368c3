"""Metapath counts and DWPC by sparse matrix products, as hetmatpy computes them for Hetionet.

A compact projection gives one CSR adjacency matrix per predicate (scipy.sparse, integer ids);
walking a metaedge one way is that matrix or its transpose. Walks along a metapath are products
of those matrices with the metanodes' masks between them, and the counts of *simple* paths
(no entity twice: the count :func:`~.metapaths.count_metapaths` and DWPC give) follow from walk
counts by inclusion-exclusion over the ways positions of the metapath can hold the same entity
(the Möbius function of the partition lattice; hetmatpy applies the same corrections case by case
for repeated metanodes). Each term is a walk count on a small pattern (the metapath with some
positions merged): a path, a tree, or one cycle with trees hanging off it for up to four hops,
evaluated with sparse products (:func:`pattern_sum`). Positions whose node sets cannot meet are
never merged, so a metapath without repeated metanodes costs one product chain.

>>> import numpy as np, scipy.sparse as sp
>>> M = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]]))  # a triangle, both ways
>>> ones = np.ones(3, dtype=np.int64)
>>> F = Factors(lambda key: M, lambda key: key)   # one symmetric matrix, its own transpose
>>> int(pattern_sum([0, 1, 2], ["M", "M"], [ones] * 3, F))   # walks x-y-z: 3 x 2 x 2
12
>>> int(simple_sum(["M", "M"], [ones] * 3, F))   # paths x-y-z (x != z): 3 x 2 x 1
6
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from math import factorial
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from .model import FORWARD, reverse


class Arrays(Protocol):
    """What the matrices are made from: a compact projection's arrays (:class:`~.compact.CompactGraph`
    makes its :class:`Matrices`; this module does not know it, so the two do not import each other)."""

    arrays: dict
    keep: np.ndarray | None
    n: int
    predicates: list
    catsets: list

    def member_ids(self, classes: Iterable[str]) -> np.ndarray: ...

MOBIUS_HOPS = 4  # up to this many hops every merged pattern is a tree or one cycle with trees


class Matrices:
    """The per-predicate adjacency matrices of one compact projection (edges ``keep`` hides left
    out), its nodes' kinds as ids, and masks of categories, made once per projection."""

    def __init__(self, G: Arrays):
        a = G.arrays
        self.G, self.n = G, G.n
        edges = slice(None) if G.keep is None else np.flatnonzero(G.keep)
        src, dst, pred = a["src"][edges], a["dst"][edges], a["pred"][edges]
        order = np.argsort(pred, kind="stable")
        src, dst, pred = src[order], dst[order], pred[order]
        bounds = np.searchsorted(pred, np.arange(len(G.predicates) + 1))
        self.loops: dict[str, sp.csr_matrix] = {}  # with self-loops (degrees count them)
        self.plain: dict[str, sp.csr_matrix] = {}  # without (a path never steps in place)
        for i, p in enumerate(G.predicates):
            lo, hi = bounds[i], bounds[i + 1]
            if lo == hi:
                continue
            s, d = src[lo:hi].astype(np.int64), dst[lo:hi].astype(np.int64)
            ones = np.ones(hi - lo, dtype=np.int64)
            self.loops[p] = sp.csr_matrix((ones, (s, d)), shape=(self.n, self.n))
            off = s != d
            self.plain[p] = (self.loops[p] if off.all() else
                             sp.csr_matrix((ones[off], (s[off], d[off])), shape=(self.n, self.n)))
        self._t: dict[tuple, sp.csr_matrix] = {}
        kinds = [k for _, _, k, _ in G.catsets]
        self.kind_names = sorted({k for k in kinds if k is not None})
        kind_index = {k: i for i, k in enumerate(self.kind_names)}
        by_catset = np.array([kind_index.get(k, -1) for k in kinds] or [-1], dtype=np.int64)
        self.kind = by_catset[a["catset"]] if self.n else np.zeros(0, dtype=np.int64)
        self._kind_masks: dict[str, np.ndarray] = {}
        self._member_masks: dict[str, np.ndarray] = {}

    @property
    def predicates(self) -> list[str]:
        return sorted(self.plain)

    def step(self, predicate: str, direction: str, loops: bool = False) -> sp.csr_matrix:
        """The matrix of one hop: row = the node walked from, column = the node reached."""
        base = (self.loops if loops else self.plain)[predicate]
        if direction == FORWARD:
            return base
        key = (predicate, loops)
        got = self._t.get(key)
        if got is None:
            got = self._t[key] = base.T.tocsr()
        return got

    def kind_mask(self, kind: str | None) -> np.ndarray:
        got = self._kind_masks.get(kind)  # type: ignore[arg-type]
        if got is None:
            i = self.kind_names.index(kind) if kind in self.kind_names else -1 if kind is None else -2
            got = self._kind_masks[kind] = self.kind == i  # type: ignore[index]
        return got

    def member_mask(self, category: str) -> np.ndarray:
        got = self._member_masks.get(category)
        if got is None:
            got = np.zeros(self.n, dtype=bool)
            got[self.G.member_ids([category])] = True
            self._member_masks[category] = got
        return got

    def indicator(self, ids) -> np.ndarray:
        got = np.zeros(self.n, dtype=bool)
        got[np.asarray(ids, dtype=np.int64)] = True
        return got


def meets(masks: list[np.ndarray]) -> frozenset:
    """The pairs of positions (i < j, not neighbours) whose node sets meet."""
    return frozenset((i, j) for i in range(len(masks)) for j in range(i + 2, len(masks))
                     if bool(np.any(masks[i] & masks[j])))


_PARTITIONS: dict[tuple, list] = {}


def partitions(k: int, pairs: frozenset) -> list[tuple[list[int], int]]:
    """The ways positions 0..k of a walk can hold the same node: set partitions whose blocks join
    only the ``pairs`` of positions that may meet (never neighbours: a path never steps in place),
    each with its Möbius weight (a block of b positions: (-1)^(b-1) (b-1)!)."""
    key = (k, pairs)
    if key not in _PARTITIONS:
        _PARTITIONS[key] = list(_partitions(k, pairs))
    return _PARTITIONS[key]


def _partitions(k: int, pairs: frozenset) -> Iterator[tuple[list[int], int]]:
    block: list[int] = []
    members: list[list[int]] = []

    def place(i: int) -> Iterator[tuple[list[int], int]]:
        if i > k:
            weight = 1
            for group in members:
                weight *= (-1) ** (len(group) - 1) * factorial(len(group) - 1)
            yield list(block), weight
            return
        for b, held in enumerate(members):
            if all((j, i) in pairs for j in held):
                held.append(i)
                block.append(b)
                yield from place(i + 1)
                block.pop()
                held.pop()
        members.append([i])
        block.append(len(members) - 1)
        yield from place(i + 1)
        block.pop()
        members.pop()

    yield from place(0)


class Factors:
    """The hop matrices a family of patterns is made of, by key, with their transposes and
    elementwise products remembered across patterns (metapaths share them): ``fetch(key)`` gives
    a key's matrix, ``flip(key)`` the key of its transpose."""

    def __init__(self, fetch, flip):
        self.fetch, self.flip = fetch, flip
        self.cache: dict[tuple, sp.csr_matrix] = {}

    def get(self, atoms: tuple) -> sp.csr_matrix:
        """The elementwise product of the atoms' matrices (atoms sorted: the product commutes)."""
        got = self.cache.get(atoms)
        if got is None:
            got = self.fetch(atoms[0])
            for atom in atoms[1:]:
                got = got.multiply(self.fetch(atom)).tocsr()
            self.cache[atoms] = got
        return got

    def flipped(self, atoms: tuple) -> tuple:
        return tuple(sorted(self.flip(a) for a in atoms))


def pattern_sum(block: list[int], keys: list, unary: list[np.ndarray], factors: Factors):
    """The weighted count of walks x_0..x_k with x_i = x_j wherever ``block`` puts i and j
    together: the sum over node assignments of the blocks of prod_i F_i[x_i, x_i+1] times
    prod_i unary[i][x_i], F_i the matrix of ``keys[i]``. Leaves are summed into their neighbours
    (sparse matrix-vector products); what remains is nothing or one cycle, closed by the trace
    of two sparse products."""
    nb = max(block) + 1
    vec: list = [None] * nb
    for i, b in enumerate(block):
        vec[b] = unary[i] if vec[b] is None else vec[b] * unary[i]
    edges: dict[tuple[int, int], list] = {}  # (a, b) with a < b → atoms of the factor oriented a → b
    for i, key in enumerate(keys):
        a, b = block[i], block[i + 1]
        edges.setdefault((a, b) if a < b else (b, a), []).append(key if a < b else factors.flip(key))
    oriented = {k: tuple(sorted(v)) for k, v in edges.items()}
    alive = set(range(nb))
    while len(alive) > 1:
        degree = dict.fromkeys(alive, 0)
        for a, b in oriented:
            degree[a] += 1
            degree[b] += 1
        leaf = next((v for v in sorted(alive) if degree[v] <= 1), None)
        if leaf is None:
            break
        key = next(k for k in oriented if leaf in k)
        atoms = oriented.pop(key)
        if key[0] == leaf:  # the factor runs leaf → other: the message is F^T v
            vec[key[1]] = vec[key[1]] * (factors.get(factors.flipped(atoms)) @ vec[leaf])
        else:
            vec[key[0]] = vec[key[0]] * (factors.get(atoms) @ vec[leaf])
        alive.discard(leaf)
    if len(alive) == 1:
        return vec[alive.pop()].sum()
    start = min(alive)  # one cycle: walk round it, each factor oriented along the way
    cycle, chain, here, used = [start], [], start, set()
    while True:
        key = next(k for k in sorted(oriented) if here in k and k not in used)
        used.add(key)
        nxt = key[1] if key[0] == here else key[0]
        atoms = oriented[key]
        chain.append(factors.get(atoms if key[0] == here else factors.flipped(atoms)))
        if nxt == start:
            break
        cycle.append(nxt)
        here = nxt
    support = [np.flatnonzero(vec[v]) for v in cycle]  # each factor cut to the rows and columns that count
    scaled = []
    for i, F in enumerate(chain):
        rows, cols = support[i], support[(i + 1) % len(cycle)]
        if not rows.size or not cols.size:
            return vec[start].dtype.type(0)
        cut = F[rows][:, cols].tocsr()
        cut.data = cut.data * np.repeat(vec[cycle[i]][rows], np.diff(cut.indptr))
        scaled.append(cut)
    half = len(scaled) // 2
    left, right = scaled[0], scaled[half]
    for F in scaled[1:half]:
        left = left @ F
    for F in scaled[half + 1:]:
        right = right @ F
    return left.multiply(right.T).sum()


def simple_sum(keys: list, unary: list[np.ndarray], factors: Factors, walks=None, pairs: frozenset | None = None):
    """The weighted count of simple walks (paths: no node twice) by inclusion-exclusion over
    :func:`partitions`; ``walks``, when known, is the plain walk count (the first term), and
    ``pairs`` the positions that may meet (:func:`meets` of the unary supports). Only up
    to :data:`MOBIUS_HOPS` hops (beyond, a merged pattern may hold more than one cycle)."""
    if len(keys) > MOBIUS_HOPS:
        raise ValueError(f"inclusion-exclusion is written for up to {MOBIUS_HOPS} hops")
    if pairs is None:
        pairs = meets([np.asarray(u) != 0 for u in unary])
    total = 0
    for block, weight in partitions(len(keys), pairs):
        if walks is not None and max(block) == len(block) - 1:
            total = total + walks
        else:
            total = total + weight * pattern_sum(block, keys, unary, factors)
    return total


def step_factors(mx: Matrices) -> Factors:
    """Hop matrices keyed (predicate, direction): a transpose is the other direction."""
    return Factors(lambda key: mx.step(*key), lambda key: (key[0], reverse(key[1])))


def _layer(mask: np.ndarray, category: str) -> tuple[list[tuple], sp.csr_matrix]:
    ids = np.flatnonzero(mask)
    return [(category,)], sp.csr_matrix((np.ones(ids.size, dtype=np.int64), (np.zeros(ids.size, dtype=np.int64), ids)),
                                        shape=(1, mask.size))


def _grow(mx: Matrices, keys: list[tuple], walks: sp.csr_matrix, steps: list[tuple], ok: np.ndarray,
          backward: bool) -> tuple[list[tuple], sp.csr_matrix]:
    """One more hop for every metapath prefix (a row of ``walks``: walk counts per node reached):
    each (predicate, direction) step, the nodes reached split by their kind into new prefixes.
    ``backward``: the rows grow from a metapath's end towards its start, the direction of each
    hop still read as the metapath runs."""
    nk = len(mx.kind_names) + 1
    new_keys: list[tuple] = []
    rows, cols, vals = [], [], []
    for predicate, direction in steps:
        reached = (walks @ mx.step(predicate, reverse(direction) if backward else direction)).tocoo()
        if not reached.nnz:
            continue
        keep = ok[reached.col] & (reached.data != 0)
        r, c, v = reached.row[keep].astype(np.int64), reached.col[keep].astype(np.int64), reached.data[keep]
        if not r.size:
            continue
        codes, row_of = np.unique(r * nk + mx.kind[c] + 1, return_inverse=True)
        base = len(new_keys)
        for code in codes.tolist():
            prefix, kind = divmod(code, nk)
            new_keys.append(keys[prefix] + ((predicate, direction), mx.kind_names[kind - 1] if kind else None))
        rows.append(row_of.reshape(-1) + base)
        cols.append(c)
        vals.append(v)
    if not new_keys:
        return [], sp.csr_matrix((0, mx.n), dtype=np.int64)
    return new_keys, sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                   shape=(len(new_keys), mx.n))


def metapath_walks(mx: Matrices, start: np.ndarray, end: np.ndarray, ok: np.ndarray, first: str, last: str,
                   max_hops: int, directed: bool) -> dict[tuple, int]:
    """Walk counts from the ``start`` nodes to the ``end`` nodes (masks) per metapath, keyed
    ``(first, hop, kind, hop, ..., last)`` with hops ``(predicate, direction)`` and inner
    metanodes by kind; inner nodes are those ``ok`` allows. Meets in the middle: prefix walk
    counts grown from the starts and suffix counts from the ends, half the hops each, joined
    at the middle node by one sparse product per length."""
    steps = [(p, FORWARD) for p in mx.predicates] + ([] if directed else [(p, reverse(FORWARD)) for p in mx.predicates])
    done: dict[tuple, int] = {}
    s_vec, e_vec = start.astype(np.int64), end.astype(np.int64)
    for predicate, direction in steps:  # one hop: the middle is an end
        got = int(s_vec @ (mx.step(predicate, direction) @ e_vec))
        if got:
            done[(first, (predicate, direction), last)] = got
    ahead, behind = [_layer(start, first)], [_layer(end, last)]
    for _ in range((max_hops + 1) // 2):
        ahead.append(_grow(mx, *ahead[-1], steps, ok, backward=False))
    for _ in range(max_hops // 2):
        behind.append(_grow(mx, *behind[-1], steps, ok, backward=True))
    for k in range(2, max_hops + 1):
        m = (k + 1) // 2
        (fkeys, F), (bkeys, B) = ahead[m], behind[k - m]
        if not fkeys or not bkeys:
            continue
        joined = (F @ B.T).tocoo()
        tails = [key[::-1][1:] for key in bkeys]
        for r, c, v in zip(joined.row.tolist(), joined.col.tolist(), joined.data.tolist()):
            if v:
                done[fkeys[r] + tails[c]] = int(v)
    return done


def degree_weighted(mx: Matrices, categories: tuple, edges: tuple, damping: float) -> list[sp.csr_matrix]:
    """The metapath's hops as degree-weighted matrices: each edge times (start degree × end
    degree) ^ -damping, degrees taken along the hop's metaedge as :func:`~.dwpc.metaedge_degree`
    takes them (the ends by membership of their category, inner metanodes by kind)."""
    last = len(categories) - 1

    def mask(i: int) -> np.ndarray:
        return mx.member_mask(categories[i]) if i in (0, last) else mx.kind_mask(categories[i])

    out = []
    for i, (predicate, direction) in enumerate(edges):
        if predicate not in mx.plain:
            out.append(sp.csr_matrix((mx.n, mx.n)))
            continue
        d_out = mx.step(predicate, direction, loops=True) @ mask(i + 1).astype(np.float64)
        d_in = mx.step(predicate, reverse(direction), loops=True) @ mask(i).astype(np.float64)
        with np.errstate(divide="ignore"):
            w_out = np.where(d_out > 0, d_out ** -damping, 0.0)
            w_in = np.where(d_in > 0, d_in ** -damping, 0.0)
        out.append((sp.diags(w_out) @ mx.step(predicate, direction).astype(np.float64) @ sp.diags(w_in)).tocsr())
    return out


def pair_dwpc(mx: Matrices, source: int, target: int, categories: tuple, edges: tuple, damping: float) -> float:
    """One pair's DWPC along one metapath (node ids): its simple paths, inner nodes of the inner
    metanodes' kinds, weighted by :func:`degree_weighted`."""
    unary = [mx.indicator([source]).astype(np.float64)]
    unary += [mx.kind_mask(c).astype(np.float64) for c in categories[1:-1]]
    unary.append(mx.indicator([target]).astype(np.float64))
    weighted = degree_weighted(mx, categories, edges, damping)
    transposed: dict[int, sp.csr_matrix] = {}

    def fetch(key: tuple) -> sp.csr_matrix:
        i, flipped = key
        if not flipped:
            return weighted[i]
        if i not in transposed:
            transposed[i] = weighted[i].T.tocsr()
        return transposed[i]

    factors = Factors(fetch, lambda key: (key[0], not key[1]))
    return float(simple_sum([(i, False) for i in range(len(edges))], unary, factors))


__all__ = ["MOBIUS_HOPS", "Factors", "Matrices", "degree_weighted", "meets", "metapath_walks", "pair_dwpc", "partitions",
           "pattern_sum", "simple_sum", "step_factors"]
