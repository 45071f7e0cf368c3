"""Metapath counts: every kind of connection from one category to another, with how many simple
paths follow it, counted without enumerating the paths.

>>> from axialkg.graph import project_edges
>>> G = project_edges([{"subject": s, "predicate": "treats", "object": "c", "sources": "S",
...                     "subjectCategory": "Drug", "objectCategory": "Cause"} for s in ("d1", "d2")])
>>> [(str(m.metapath), m.count) for m in count_metapaths(G, "Drug", "Cause", max_hops=2)]
[('Drug -treats-> Cause', 2)]
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from .collector import gc_paused
from .metagraph import Metagraph, kind_of
from .model import FORWARD, MetapathCount, reverse
from .params import DEFAULT_AVOID_CATEGORIES, DEFAULT_MAX_HOPS, check_hops, check_lists
from .walk import BackSteps, Steps, blocked, members


MATRICES_FROM = 2_000  # edges; the release has ~700, a 10^5-triple graph ~8,000 (matrices 8x faster there)


@gc_paused
def count_metapaths(G, from_category: str, to_category: str, *, max_hops: int = DEFAULT_MAX_HOPS,
              directed: bool = False, avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES,
              recount_budget: int = 5_000_000, method: str = "auto") -> list[MetapathCount]:
    """Every kind of connection from entities of one category to another (class IRIs), with its
    path count, most paths first. No path is enumerated: walk counts are propagated per metapath
    prefix from the starts and per suffix back from the ends, half the hops each, and joined at
    the middle node; a metapath whose positions could hold one entity twice is recounted exactly
    (see :func:`_count_simple`), so every count is of simple paths, until ``recount_budget``
    half-walks are spent: the remaining such metapaths keep their walk count, marked inexact.

    ``method``: ``"matrices"`` (a compact projection only) counts by sparse matrix products and
    inclusion-exclusion, exact up to four hops whatever the budget (:func:`_count_by_matrices`);
    ``"walks"`` as above; ``"auto"`` takes the matrices on a compact projection of at least
    :data:`MATRICES_FROM` edges (below, scipy's cost per product outweighs the walks)."""
    check_hops(max_hops)
    if method not in ("auto", "matrices", "walks"):
        raise ValueError(f"method must be auto, matrices or walks, not {method!r}")
    A, B = from_category, to_category
    compact = hasattr(G, "matrices")
    if method == "matrices" and not compact:
        raise ValueError("counting by matrices needs a compact projection")
    if method == "matrices" or (method == "auto" and compact and G.number_of_edges() >= MATRICES_FROM):
        return _count_by_matrices(G, A, B, max_hops, directed, avoid_categories, recount_budget)
    sources, targets = members(G, A), set(members(G, B))
    avoided = blocked(G, avoid_categories, keep=targets.union(sources))
    node = G._node
    ahead = Steps(G, directed, avoided, ordered=False)
    behind = BackSteps(G, directed, avoided)

    def layers(starts, cat, depth, steps):
        """[{prefix: {node: walks}}] for 0..depth hops; a prefix is (cat, hop, kind, hop, kind...)."""
        out = [{(cat,): {n: 1 for n in starts}}]
        for _ in range(depth):
            nxt: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for prefix, vec in out[-1].items():
                for u, count in vec.items():
                    for v, key, direction in steps(u):
                        nxt[prefix + ((key, direction), kind_of(node[v]))][v] += count
            out.append(nxt)
        return out

    forward = layers(sources, A, (max_hops + 1) // 2, ahead)
    backward = layers(targets, B, max_hops // 2, behind)
    done: dict[tuple, int] = defaultdict(int)
    for s in sources:  # one hop: the middle is an end
        for v, key, direction in ahead(s):
            if v in targets:
                done[(A, (key, direction), B)] += 1
    for k in range(2, max_hops + 1):
        m = (k + 1) // 2
        at_middle: dict[str, list] = defaultdict(list)
        for suffix, vec in backward[k - m].items():
            tail = suffix[::-1][1:]  # (hop, kind, ..., hop, B) read forwards, without the middle kind
            for x, count in vec.items():
                at_middle[x].append((tail, count))
        for prefix, vec in forward[m].items():
            for x, count in vec.items():
                for tail, other in at_middle.get(x, ()):
                    done[prefix + tail] += count * other
    out = []
    positions = _PositionSets(G, sources, targets, avoided)
    metagraph = Metagraph.of(G)
    budget = [recount_budget]
    for key, count in sorted(done.items(), key=lambda kv: (len(kv[0]), repr(kv[0]))):
        cats, edges = key[0::2], key[1::2]
        exact = True
        if positions.may_repeat(cats):
            count, exact = _recount(G, positions, cats, edges, budget, count)
        if count:
            out.append(MetapathCount(metagraph.metapath(cats, edges), count, exact=exact))
    return _ranked(out)


def _recount(G, positions, cats, edges, budget: list[int], walks: int) -> tuple[int, bool]:
    """Simple paths counted walk by walk within the shared budget; once it is spent, the walk
    count, marked inexact."""
    try:
        return _count_simple(G, positions, cats, edges, budget), True
    except _OverBudget:
        budget[0] = 0
        return walks, False


def _ranked(counts: list[MetapathCount]) -> list[MetapathCount]:
    return sorted(counts, key=lambda m: (-m.count, m.metapath.hops, str(m.metapath)))


def _count_by_matrices(G, A: str, B: str, max_hops: int, directed: bool, avoid_categories: Iterable[str],
                       recount_budget: int) -> list[MetapathCount]:
    """:func:`count_metapaths` on a compact projection: walk counts per metapath by sparse
    products (:func:`~.hetmat.metapath_walks`), simple-path counts by inclusion-exclusion
    (:func:`~.hetmat.simple_sum`) for metapaths up to four hops whose positions may repeat a
    node; longer ones are recounted walk by walk as on a networkx projection."""
    import numpy as np

    from .hetmat import MOBIUS_HOPS, metapath_walks, simple_sum, step_factors

    check_lists(avoid_categories=avoid_categories)
    mx = G.matrices()
    start, end = mx.member_mask(A), mx.member_mask(B)
    avoided = np.zeros(mx.n, dtype=bool)
    for c in set(avoid_categories):
        avoided |= mx.member_mask(c)
    ok = ~avoided | start | end
    done = metapath_walks(mx, start, end, ok, A, B, max_hops, directed)
    metagraph = Metagraph.of(G)
    out, budget, positions, factors = [], [recount_budget], None, step_factors(mx)
    inner: dict = {}  # kind → (mask, as integers)
    met: dict = {}  # (position kinds i, j) → do their node sets meet?
    for key, count in sorted(done.items(), key=lambda kv: (len(kv[0]), repr(kv[0]))):
        cats, edges = key[0::2], key[1::2]
        last = len(cats) - 1
        where: list[tuple] = [("start",)] + [("kind", c) for c in cats[1:-1]] + [("end",)]
        for w in where[1:-1]:
            if w not in inner:
                m = mx.kind_mask(w[1]) & ok
                inner[w] = (m, m.astype(np.int64))
        masks = [(start, start.astype(np.int64))] + [inner[w] for w in where[1:-1]] + [(end, end.astype(np.int64))]
        for i in range(last + 1):
            for j in range(i + 2, last + 1):
                if (where[i], where[j]) not in met:
                    met[where[i], where[j]] = bool(np.any(masks[i][0] & masks[j][0]))
        pairs = frozenset((i, j) for i in range(last + 1) for j in range(i + 2, last + 1) if met[where[i], where[j]])
        exact = True
        if pairs:
            if len(edges) <= MOBIUS_HOPS:
                count = int(simple_sum(list(edges), [m[1] for m in masks], factors, walks=count, pairs=pairs))
            else:
                if positions is None:
                    positions = _PositionSets(G, members(G, A), members(G, B), blocked(
                        G, avoid_categories, keep=set(members(G, A)) | set(members(G, B))))
                count, exact = _recount(G, positions, cats, edges, budget, count)
        if count:
            out.append(MetapathCount(metagraph.metapath(cats, edges), count, exact=exact))
    return _ranked(out)


class _PositionSets:
    """Which nodes may stand at each metapath position: members of the asked categories at the
    ends, nodes of the metanode's kind inside."""

    def __init__(self, G, sources, targets, avoided=frozenset()):
        self.first, self.last = set(sources), set(targets)
        self.by_kind: dict[str, set] = defaultdict(set)
        for n, a in G._node.items():
            if n not in avoided:
                self.by_kind[kind_of(a)].add(n)

    def at(self, cats: tuple, i: int) -> set:
        if i == 0:
            return self.first
        if i == len(cats) - 1:
            return self.last
        return self.by_kind.get(cats[i], set())

    def may_repeat(self, cats: tuple) -> bool:
        sets = [self.at(cats, i) for i in range(len(cats))]
        return any(not sets[i].isdisjoint(sets[j]) for i in range(len(sets)) for j in range(i + 2, len(sets)))


def _half_walks(G, start: str, hops: list[tuple], sets: list[set]) -> Iterator[tuple]:
    """Simple walks from ``start`` along ``hops`` ((predicate, direction) each), the i-th node
    drawn from ``sets[i]``; yields node tuples."""
    succ, pred = G._succ, G._pred
    nodes = [start]

    def walk(i):
        if i == len(hops):
            yield tuple(nodes)
            return
        key, direction = hops[i]
        for v, kd in (succ if direction == FORWARD else pred)[nodes[-1]].items():
            if key in kd and v in sets[i + 1] and v not in nodes:
                nodes.append(v)
                yield from walk(i + 1)
                nodes.pop()

    yield from walk(0)


class _OverBudget(Exception):
    pass


def _count_simple(G, positions: _PositionSets, cats: tuple, edges: tuple, budget: list[int]) -> int:
    """Simple paths along one metapath, counted by meeting in the middle: half-walks from the
    starts and (backwards) from the ends are grouped by the middle node, and pairs of halves that
    share a node are subtracted by inclusion-exclusion; so the work grows with the half-walks,
    never with the paths. Halves of up to two inner nodes each (metapaths up to 4 hops) keep the
    inclusion-exclusion exact; longer metapaths are walked path by path. ``budget[0]`` is how
    many more half-walks may be taken; past it :class:`_OverBudget` is raised."""
    k = len(edges)
    sets = [positions.at(cats, i) for i in range(k + 1)]

    def walks(start, hops, sets_):
        for w in _half_walks(G, start, hops, sets_):
            budget[0] -= 1
            if budget[0] < 0:
                raise _OverBudget
            yield w

    if k > 4:
        return sum(1 for s in sets[0] for _ in walks(s, list(edges), sets))
    m = k // 2
    left: dict[str, list] = defaultdict(list)
    for s in sets[0]:
        for w in walks(s, list(edges[:m]), sets[:m + 1]):
            left[w[-1]].append(w[:-1])
    back = [(key, reverse(d)) for key, d in reversed(edges[m:])]
    right: dict[str, list] = defaultdict(list)
    for t in sets[k]:
        for w in walks(t, back, sets[m:][::-1]):
            right[w[-1]].append(w[:-1])
    total = 0
    for x, lefts in left.items():
        rights = right.get(x)
        if not rights:
            continue
        one_l: dict = defaultdict(int)
        one_r: dict = defaultdict(int)
        two_l: dict = defaultdict(int)
        two_r: dict = defaultdict(int)
        for half, one, two in ((lefts, one_l, two_l), (rights, one_r, two_r)):
            for w in half:
                for y in w:
                    one[y] += 1
                if len(w) == 2:
                    two[frozenset(w)] += 1
        shared_one = sum(c * one_r[y] for y, c in one_l.items() if y in one_r)
        shared_two = sum(c * two_r[p] for p, c in two_l.items() if p in two_r)
        total += len(lefts) * len(rights) - shared_one + shared_two
    return total


__all__ = ["MATRICES_FROM", "count_metapaths"]
