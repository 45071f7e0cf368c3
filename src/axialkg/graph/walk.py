"""How the searches step through a projection: each node's hops in a fixed order, bounded
distances, the breadth-first ball around a node, the members of a category and the nodes a
question steps around.

The graph package reads a projection's adjacency as networkx keeps it (``G._succ``, ``G._pred``,
``G._node``): its views cost several times more per hop, and a search takes millions of hops.
"""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, TypeVar

from .metagraph import categories_of
from .model import BACKWARD, FORWARD
from .params import check_lists


class Steps:
    """Per-query cache of each node's hops ``(neighbour, predicate, direction)``, self-loops and
    blocked nodes left out, in a fixed order (neighbour label, IRI, predicate) when ``ordered``."""

    def __init__(self, G, directed: bool, blocked: frozenset = frozenset(), ordered: bool = True):
        self.G, self.directed, self.blocked, self.ordered = G, directed, blocked, ordered
        self.cache: dict[str, list] = {}

    def __call__(self, u: str) -> list:
        got = self.cache.get(u)
        if got is None:
            node, blocked = self.G._node, self.blocked
            got = [(v, k, FORWARD) for v, kd in self.G._succ[u].items() if v != u and v not in blocked for k in kd]
            if not self.directed:
                got += [(v, k, BACKWARD) for v, kd in self.G._pred[u].items()
                        if v != u and v not in blocked for k in kd]
            if self.ordered:
                got.sort(key=lambda s: (node[s[0]].get("label", s[0]), s[0], s[1], s[2]))
            self.cache[u] = got
        return got


class BackSteps:
    """Hops walked from a path's later node to its earlier one, each with the direction its
    edge runs along the path."""

    def __init__(self, G, directed: bool, blocked: frozenset = frozenset()):
        self.G, self.directed, self.blocked = G, directed, blocked
        self.cache: dict[str, list] = {}

    def __call__(self, u: str) -> list:
        got = self.cache.get(u)
        if got is None:
            blocked = self.blocked
            got = [(v, k, FORWARD) for v, kd in self.G._pred[u].items() if v != u and v not in blocked for k in kd]
            if not self.directed:
                got += [(v, k, BACKWARD) for v, kd in self.G._succ[u].items()
                        if v != u and v not in blocked for k in kd]
            self.cache[u] = got
        return got


def distances(G, starts: Iterable[str], depth: int, directed: bool, blocked=frozenset()) -> dict[str, int]:
    """Hops from each node to the nearest start, walking as a path would (bounded BFS)."""
    dist = {s: 0 for s in starts}
    frontier = list(dist)
    succ, pred = G._succ, G._pred
    for d in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for v in pred[u]:
                if v not in dist and v not in blocked:
                    dist[v] = d
                    nxt.append(v)
            if not directed:
                for v in succ[u]:
                    if v not in dist and v not in blocked:
                        dist[v] = d
                        nxt.append(v)
        if not nxt:
            break
        frontier = nxt
    return dist


N = TypeVar("N", bound=Hashable)


def breadth_first(start: N, hops: int, neighbours: Callable[[N], Iterable[N]],
                  before_level: Callable[[list[N]], None] | None = None) -> dict[N, int]:
    """Node → distance of everything within ``hops`` of ``start``, in the order the search meets it
    (so a neighbourhood comes out the same every run); ``neighbours(u)`` gives ``u``'s next nodes in
    order; ``before_level`` sees each level's nodes first (a remote search batches its questions
    there). One walk for every projection: networkx's, the compact arrays', a remote frontier's.

    >>> breadth_first("a", 2, {"a": ["b", "c"], "b": ["d"], "c": ["a"], "d": ["e"]}.get)
    {'a': 0, 'b': 1, 'c': 1, 'd': 2}
    """
    dist = {start: 0}
    frontier = [start]
    for d in range(1, hops + 1):
        if before_level is not None:
            before_level(frontier)
        nxt = []
        for u in frontier:
            for v in neighbours(u):
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        frontier = nxt
    return dist


def members(G, category: str) -> list[str]:
    """The nodes of a category (class IRI), sorted."""
    if hasattr(G, "members"):  # a compact projection answers from its arrays
        return G.members(category)
    return sorted(n for n, a in G._node.items() if category in categories_of(a))


def blocked(G, categories: Iterable[str], keep: Iterable[str] = ()) -> frozenset:
    """Nodes of the avoided categories (class IRIs), except ``keep`` (the ends asked about); a
    category the graph lacks blocks nothing."""
    check_lists(avoid_categories=categories)
    iris = set(categories)
    if not iris:
        return frozenset()
    if hasattr(G, "blocked"):
        return G.blocked(iris, keep)
    keep = set(keep)
    return frozenset(n for n, a in G._node.items() if n not in keep and not iris.isdisjoint(categories_of(a)))


__all__ = ["BackSteps", "Steps", "blocked", "distances", "members"]
