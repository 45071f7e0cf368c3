"""Paths and neighbourhoods on a remote engine, by frontier expansion: the graph is never copied out.

A path search grows two balls, around the source and around the target, one hop at a time, the
smaller frontier first, until their radii add up to the hop bound, as the bounded search of
:mod:`.search` does; each hop is one batched question to the engine (the frontier's nodes as a
VALUES block, in chunks of :data:`CHUNK`) for the claim edges touching them. Every edge of a
simple path of at most that many hops touches a node some ball expanded, so the region the balls
cover, made into a small compact projection (labels, classes and claim axioms asked for its nodes
only), holds every path the whole graph holds: the paths found on it are the embedded store's.
A neighbourhood grows one ball, and expands its outer shell once more for the edges among it.

The engine is what :class:`Engine` says; :class:`axialkg.api.KnowledgeGraph` answers it with the
``frontier-hop``, ``graph-nodes``, ``entity-types`` and ``graph-axioms`` queries. Nothing here
runs a query or names an engine.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Protocol

from .collector import gc_paused
from .params import DEFAULT_AVOID_CATEGORIES, DEFAULT_MAX_HOPS, check_hops, check_limit, check_lists
from .search import meeting

CHUNK = 400  # frontier nodes per question: a VALUES block every engine takes


class Engine(Protocol):
    """What the frontier search asks of a remote engine, each for a batch of node IRIs."""

    predicates: dict[str, str]   # object property → label
    schema_triples: list         # the schema (TBox) as (subject, predicate, object) text

    def hop(self, nodes: list[str]) -> Iterable[tuple[str, str, str, str, str]]:
        """(subject, predicate, object, far end, a class of ours of the far end) for each claim
        edge touching one of ``nodes`` whose far end is a named individual."""

    def labels(self, nodes: list[str]) -> Iterable[dict]:
        """``graph-nodes`` rows (entity, label) of ``nodes``."""

    def types(self, nodes: list[str]) -> dict[str, set[str]]:
        """Each node's classes of ours."""

    def axioms(self, subjects: list[str]) -> Iterable[dict]:
        """``graph-axioms`` rows of the claims whose subject is one of ``subjects``."""


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


class Explorer:
    """The part of a remote graph a question has seen: edges of the nodes expanded so far, the
    classes of the nodes met, made into a compact projection on demand (:meth:`projection`)."""

    def __init__(self, engine: Engine):
        from ..schema import SchemaModel
        from .metagraph import Metagraph

        self.engine = engine
        self.metagraph = Metagraph(SchemaModel(list(engine.schema_triples)), engine.predicates)
        self.classes: dict[str, set[str]] = defaultdict(set)
        self.edges: set[tuple[str, str, str]] = set()
        self.succ: dict[str, set[str]] = defaultdict(set)
        self.pred: dict[str, set[str]] = defaultdict(set)
        self.expanded: set[str] = set()
        self.questions = 0  # how many batched questions the engine was asked

    def expand(self, nodes: Iterable[str]) -> None:
        todo = sorted({n for n in nodes if n not in self.expanded})
        for chunk in _chunks(todo):
            self.questions += 1
            for s, p, o, far, cls in self.engine.hop(chunk):
                if p not in self.engine.predicates or s == o:
                    continue
                self.edges.add((s, p, o))
                self.succ[s].add(o)
                self.pred[o].add(s)
                self.classes[far].add(cls)
        self.expanded.update(todo)

    def steps(self, u: str, forward: bool, directed: bool) -> set[str]:
        first, second = (self.succ, self.pred) if forward else (self.pred, self.succ)
        return first[u] if directed else first[u] | second[u]

    def in_any(self, node: str, categories: set[str]) -> bool:
        return bool(categories) and not categories.isdisjoint(self.metagraph.closure(frozenset(self.classes[node])))

    def projection(self, nodes: set[str]):
        """The compact projection of ``nodes`` and the edges seen among them."""
        from .compact import build

        order = sorted(nodes)
        missing = [n for n in order if n not in self.classes]
        for chunk in _chunks(missing):
            self.questions += 1
            for n, cls in self.engine.types(chunk).items():
                self.classes[n].update(cls)
        labels: list[dict] = []
        axioms: list[dict] = []
        subjects = sorted({s for s, _, o in self.edges if s in nodes and o in nodes})
        for chunk in _chunks(order):
            self.questions += 1
            labels.extend(self.engine.labels(chunk))
        for chunk in _chunks(subjects):
            self.questions += 1
            axioms.extend(self.engine.axioms(chunk))
        claims = [{"subject": s, "predicate": p, "object": o} for s, p, o in sorted(self.edges)
                  if s in nodes and o in nodes]
        return build(claims=claims, axioms=axioms, nodes=labels, types={n: set(self.classes[n]) for n in order},
                     predicates=dict(self.engine.predicates), schema_triples=list(self.engine.schema_triples))


@gc_paused
def path_region(explorer: Explorer, source: str, target: str, *, max_hops: int = DEFAULT_MAX_HOPS,
                directed: bool = False, avoid: Iterable[str] = (),
                avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES):
    """The compact projection of the region that holds every simple path of up to ``max_hops``
    hops from ``source`` to ``target`` (None when the balls do not meet): the bidirectional
    bounded search of :mod:`.search`, each hop one batched question per side."""
    check_hops(max_hops)
    check_lists(avoid=avoid, avoid_categories=avoid_categories)
    banned, categories = set(avoid) - {source, target}, set(avoid_categories)
    near: tuple[dict[str, int], dict[str, int]] = ({source: 0}, {target: 0})
    frontier = [[source], [target]]
    radius, done = [0, 0], [False, False]
    while radius[0] + radius[1] < max_hops and not all(done):
        side = 0 if done[1] or (not done[0] and len(frontier[0]) <= len(frontier[1])) else 1
        dist, nxt, d = near[side], [], radius[side] + 1
        explorer.expand(frontier[side])
        for u in frontier[side]:
            for v in sorted(explorer.steps(u, forward=side == 0, directed=directed)):
                if v not in dist and v not in banned and (v in (source, target) or not explorer.in_any(v, categories)):
                    dist[v] = d
                    nxt.append(v)
        frontier[side] = nxt
        radius[side] = d
        done[side] = not nxt
    if meeting(near, done, radius, max_hops) is None:
        return None
    return explorer.projection(on_some_path(near, done, radius, max_hops))


def on_some_path(near: tuple[dict[str, int], dict[str, int]], done: list[bool], radius: list[int],
                 max_hops: int) -> set[str]:
    """The nodes of the two balls that can lie on a path of at most ``max_hops`` hops: those whose
    distance from the source plus distance to the target (for a node one ball lacks, the least it
    can be: one past that ball's radius, or unreachable when the ball is complete) fits. The outer
    shells of the balls are mostly left out, and so are their labels and claim axioms, which are
    what a remote engine spends its time on."""
    far = [max_hops + 1 if done[side] else radius[side] + 1 for side in (0, 1)]
    return {v for v in near[0].keys() | near[1].keys()
            if near[0].get(v, far[0]) + near[1].get(v, far[1]) <= max_hops}


@gc_paused
def ball_region(explorer: Explorer, center: str, hops: int, *, directed: bool = False):
    """The compact projection of everything within ``hops`` of ``center`` and the edges among it
    (the outer shell expanded once more for the edges between its own nodes)."""
    check_hops(hops, name="hops", least=0)
    dist = {center: 0}
    frontier = [center]
    for d in range(1, hops + 1):
        explorer.expand(frontier)
        nxt = []
        for u in frontier:
            for v in sorted(explorer.steps(u, forward=True, directed=directed)):
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        frontier = nxt
    explorer.expand(frontier)
    return explorer.projection(set(dist))


def find_paths(explorer: Explorer, source: str, target: str, *, max_hops: int = DEFAULT_MAX_HOPS,
               directed: bool = False, via: Iterable[str] = (), avoid: Iterable[str] = (),
               avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES, limit: int = 20,
               stated_only: bool = False) -> list:
    """:func:`~.search.find_paths` on the engine: the same paths, from :func:`path_region`."""
    from .search import find_paths as search

    check_limit(limit)
    check_lists(via=via, avoid=avoid, avoid_categories=avoid_categories)
    region = path_region(explorer, source, target, max_hops=max_hops, directed=directed, avoid=avoid,
                         avoid_categories=avoid_categories)
    if region is None:
        return []
    if stated_only:
        region = region.stated_only()
    return search(region, source, target, max_hops=max_hops, directed=directed, via=via, avoid=avoid,
                  avoid_categories=avoid_categories, limit=limit)


__all__ = ["CHUNK", "Engine", "Explorer", "ball_region", "find_paths", "on_some_path", "path_region"]
