"""Connections ranked by DWPC: every path (up to N hops) from each source to each target, found
by the same walk as :func:`~.search.find_paths`, scored per metapath by the :mod:`.dwpc` functions.

>>> from axialkg.graph import project_edges
>>> G = project_edges([{"subject": "d", "predicate": "treats", "object": "c", "sources": "S",
...                     "subjectCategory": "Drug", "objectCategory": "Cause"}])
>>> (c,) = connect(G, "d", "c")
>>> c.dwpc, str(c.metapaths[0].metapath)
(1.0, 'Drug -treats-> Cause')
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, cast

from ..errors import AxialKGError
from .collector import gc_paused
from .dwpc import Degrees, dwpc, path_degree_product, path_degrees
from .metagraph import Metagraph, kind_of
from .model import Connection, Metapath, MetapathCount, Path
from .params import (DAMPING, DEFAULT_AVOID_CATEGORIES, DEFAULT_MAX_HOPS, ParameterError, check_damping,
                     check_ends, check_hops)
from .search import make_path, node_record, walk_paths
from .walk import Steps, blocked, distances, members


@gc_paused
def connect(G, source: str | None = None, target: str | None = None, *, from_category: str | None = None,
            to_category: str | None = None, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
            damping: float = DAMPING, avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES,
            max_paths: int = 1_000_000) -> list[Connection]:
    """Connections ranked by DWPC (Hetionet's degree-weighted path count, damping 0.4).

    One entity or one category (IRIs) at each end. Every node of a path, its ends included, stands
    for its kind in the metapaths, so a pair scores the same whether it is asked from the entity,
    its class or a superclass. Paths within each pair are sorted by their degree product, highest
    first; pairs by DWPC.
    """
    check_hops(max_hops)
    check_ends(source, from_category, target, to_category)
    check_damping(damping)
    node = G._node
    if source is not None:
        sources = [source]
    else:
        sources = members(G, cast(str, from_category))  # check_ends: one of the two
    if target is not None:
        targets = {target}
    else:
        targets = set(members(G, cast(str, to_category)))
    sources = [s for s in sources if s in G]
    targets = {t for t in targets if t in G}
    if not sources or not targets:
        return []
    avoided = blocked(G, avoid_categories, keep=targets.union(sources))
    dist = distances(G, targets, max_hops, directed, avoided)
    steps = Steps(G, directed, avoided)
    metagraph = Metagraph.of(G)
    degrees = Degrees(G)
    found: dict[tuple, list[Path]] = defaultdict(list)
    total = 0
    for s in sources:
        if dist.get(s, max_hops + 1) > max_hops:
            continue
        for nodes, hops in walk_paths(G, s, targets, max_hops, dist, max_hops + 1, steps, exact=False):
            total += 1
            if total > max_paths:  # too much to answer (exit 1), not a malformed question (2)
                raise ParameterError("max_hops", f"more than {max_paths} paths: ask with fewer {{name}} or a "
                                                 "narrower category", exit_code=AxialKGError.exit_code)
            cats = tuple(kind_of(node[n]) for n in nodes)  # ends too: one score however the pair is asked
            path = make_path(G, nodes, hops)
            path.metapath = metagraph.metapath(cats, tuple(hops))
            path.pdp = path_degree_product(path_degrees(nodes, hops, cats, degrees), damping)
            found[(s, nodes[-1])].append(path)
    out = []
    for (s, t), paths in found.items():
        per: dict[Metapath, list] = {}
        for p in paths:  # every path found above has its metapath and degree product
            per.setdefault(cast(Metapath, p.metapath), []).append(p)
        scores = [MetapathCount(m, len(ps), dwpc(cast(float, p.pdp) for p in ps)) for m, ps in per.items()]
        scores.sort(key=lambda m: (-cast(float, m.dwpc), m.metapath.hops, str(m.metapath)))
        paths.sort(key=lambda p: (-cast(float, p.pdp), p.hops, p.labels))
        out.append(Connection(node_record(G, s), node_record(G, t), dwpc(cast(float, m.dwpc) for m in scores),
                              scores, paths))
    out.sort(key=lambda c: (-c.dwpc, c.source["label"], c.target["label"], c.source["iri"], c.target["iri"]))
    return out


def pair_dwpc(G, source: str, target: str, **options) -> dict[str, float]:
    """One pair's DWPC per metapath (by its name), for the pair's own metanodes; ``options`` as
    :func:`connect` takes."""
    found = connect(G, source, target, **options)
    return {str(m.metapath): m.dwpc for m in found[0].metapaths} if found else {}


__all__ = ["connect", "pair_dwpc"]
