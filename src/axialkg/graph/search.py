"""Simple-path search: every path between two entities up to N hops, shortest first, edges walked
either way unless directed, with categories to pass through (``via``) and nodes to step around.

One depth-first walk (:func:`walk_paths`) serves both :func:`iter_paths` (one target, paths of
each length in turn, pruned by a bidirectional bounded BFS) and :func:`axialkg.graph.connect`
(many targets, all lengths at once), so ``path`` and ``connect`` find the same paths.

>>> from axialkg.graph import project_edges
>>> G = project_edges([{"subject": "d", "predicate": "treats", "object": "c", "sources": "S"},
...                    {"subject": "c", "predicate": "causes", "object": "x", "sources": "S"}])
>>> [str(p) for p in find_paths(G, "d", "x")]
['d -[treats]-> c -[causes]-> x']
>>> [str(p) for p in find_paths(G, "x", "d")]
['x <-[causes]- c <-[treats]- d']
"""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from ..errors import UsageError
from ..vocab import local_name
from .collector import gc_paused
from .metagraph import categories_of
from .model import FORWARD, Path
from .params import DEFAULT_AVOID_CATEGORIES, DEFAULT_MAX_HOPS, check_hops, check_limit, check_lists
from .walk import Steps, blocked


def walk_paths(G, source: str, ends: set, depth: int, dist: dict, outside: int, steps: Steps, *,
               exact: bool, via: Sequence[str] = ()) -> Iterator[tuple[list, list]]:
    """Simple paths from ``source`` to a node of ``ends``, depth first in ``steps`` order; yields
    ``(nodes, hops)`` with hops ``(predicate, direction)``.

    ``exact``: paths of exactly ``depth`` hops, an end only as the last node; otherwise paths of
    up to ``depth`` hops, walking on through an end to the ends beyond it. ``dist`` bounds each
    node's hops to the nearest end from below (``outside`` for a node it lacks), to prune.
    ``via``: class IRIs each matched by some inner node. One loop over a stack of step iterators
    (not recursive generators, whose every yield climbs the stack): a path is handed out once."""
    node = G._node
    nodes: list = [source]
    hops: list = []
    on_path = {source}
    met = [0] * len(via)
    matched: list = []  # for each inner node on the path, the via categories it matched
    stack = [iter(steps(source))]
    while stack:
        left = depth + 1 - len(stack)  # hops still to take from the path's last node
        for v, key, direction in stack[-1]:
            if v in on_path or dist.get(v, outside) > left - 1:
                continue
            if v in ends:
                if exact and left > 1:
                    continue
                if all(met):
                    yield nodes + [v], hops + [(key, direction)]
                if exact or left == 1:
                    continue
            elif left == 1:
                continue
            hit = [i for i, c in enumerate(via) if c in categories_of(node[v])] if via else ()
            for i in hit:
                met[i] += 1
            if exact and via and left == 2 and not all(met):  # v would be the last inner node, gaps remain
                for i in hit:
                    met[i] -= 1
                continue
            nodes.append(v)
            hops.append((key, direction))
            on_path.add(v)
            matched.append(hit)
            stack.append(iter(steps(v)))
            break
        else:  # every step from the last node tried: step back
            stack.pop()
            if matched:
                on_path.discard(nodes.pop())
                hops.pop()
                for i in matched.pop():
                    met[i] -= 1


def _meet(G, source: str, target: str, max_hops: int, directed: bool, blocked) -> tuple[dict, int, int] | None:
    """Bidirectional bounded BFS: grows the smaller frontier of the two balls (around the source,
    walking forward, and around the target, walking back) until their radii add up to
    ``max_hops``. Returns the target ball's distances, the lower bound on the distance to the
    target for a node outside it, and the shortest path length; None when no path fits."""
    if hasattr(G, "meet"):  # a compact projection searches its arrays
        return G.meet(source, target, max_hops, directed, blocked)
    succ, pred = G._succ, G._pred
    near = {source: 0}, {target: 0}
    frontier = [source], [target]
    radius = [0, 0]
    done = [False, False]
    while radius[0] + radius[1] < max_hops and not all(done):
        side = 0 if done[1] or (not done[0] and len(frontier[0]) <= len(frontier[1])) else 1
        dist, nxt, d = near[side], [], radius[side] + 1
        ways = (succ, pred) if side == 0 else (pred, succ)
        for u in frontier[side]:
            for adj in ways[:1] if directed else ways:
                for v in adj[u]:
                    if v not in dist and v not in blocked:
                        dist[v] = d
                        nxt.append(v)
        frontier[side][:] = nxt
        radius[side] = d
        done[side] = not nxt
    return meeting(near, done, radius, max_hops)


def meeting(near, done, radius, max_hops: int) -> tuple[dict, int, int] | None:
    """Where the two frontiers of a bounded bidirectional search meet: the target side's distances,
    the bound beyond them, and the shortest length (None when no path fits in ``max_hops``)."""
    ds, dt = near
    small, big = (ds, dt) if len(ds) <= len(dt) else (dt, ds)
    best = min((small[v] + big[v] for v in small if v in big), default=None)
    if best is None or best > max_hops:
        return None
    outside = max_hops + 1 if done[1] else radius[1] + 1
    return dt, outside, best


def iter_paths(G, source: str, target: str, *, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
               via: Iterable[str] = (), avoid: Iterable[str] = ()) -> Iterator[tuple[list, list]]:
    """Simple paths from ``source`` to ``target`` (node IRIs), shortest first, then by the labels
    along the way; yields ``(nodes, steps)`` with steps ``(predicate, direction)``. Lazy, so a
    caller that wants the first K never enumerates the rest. ``via``: class IRIs each matched by
    some inner node; ``avoid``: nodes no path may touch."""
    check_hops(max_hops)
    via = list(dict.fromkeys(via))
    avoided = frozenset(avoid)
    if source not in G or target not in G or source == target or source in avoided or target in avoided:
        return
    met_at = _meet(G, source, target, max_hops, directed, avoided)
    if met_at is None:
        return
    dist, outside, shortest = met_at
    steps = Steps(G, directed, avoided)
    for length in range(shortest, max_hops + 1):
        yield from walk_paths(G, source, {target}, length, dist, outside, steps, exact=True, via=via)


@gc_paused
def find_paths(G, source: str, target: str, *, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
               via: Iterable[str] = (), avoid: Iterable[str] = (),
               avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES, limit: int = 20) -> list[Path]:
    """Paths between two entities (IRIs), shortest first (``limit=0``: all). ``via``: categories
    (class IRIs) some inner node must belong to; ``avoid``: entities and ``avoid_categories``:
    categories no inner node may be or belong to."""
    check_hops(max_hops)
    check_limit(limit)
    check_lists(via=via, avoid=avoid)
    if source == target:
        raise UsageError("source and target are the same entity")
    avoid = set(avoid)
    if source in avoid or target in avoid:
        raise UsageError("an end of the path cannot also be avoided")
    avoid |= blocked(G, avoid_categories, keep=(source, target))
    out = []
    for nodes, steps in iter_paths(G, source, target, max_hops=max_hops, directed=directed, via=via, avoid=avoid):
        out.append(make_path(G, nodes, steps))
        if limit and len(out) >= limit:
            break
    return out


def node_record(G, n: str) -> dict:
    """A node as paths show it: ``iri``, ``label``, ``category``, ``category_label``."""
    a = G._node[n]
    return {"iri": n, "label": a.get("label", n), "category": a.get("category"),
            "category_label": a.get("category_label") or (local_name(a["category"]) if a.get("category") else None)}


def _edge_record(G, u: str, v: str, key: str, direction: str) -> dict:
    d = G._succ[u][v][key] if direction == FORWARD else G._succ[v][u][key]
    pred = d.get("predicate", key)
    return {"predicate": pred, "label": d.get("label") or local_name(pred), "direction": direction,
            "sources": list(d.get("sources") or []), "further_sources": int(d.get("further_sources") or 0),
            "hedge": d.get("hedge") or "stated", "asserted_by": d.get("asserted_by") or "article",
            "effect_direction": d.get("effect_direction")}


def make_path(G, nodes: list[str], steps: list[tuple]) -> Path:
    """The :class:`~.model.Path` record of a node sequence and its ``(predicate, direction)`` hops."""
    return Path([node_record(G, n) for n in nodes],
                [_edge_record(G, nodes[i], nodes[i + 1], k, d) for i, (k, d) in enumerate(steps)])


__all__ = ["find_paths", "iter_paths", "make_path", "node_record", "walk_paths"]
