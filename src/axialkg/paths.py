"""Graph-path questions over a networkx projection of the knowledge graph.

The projection (:func:`project`, cached by ``kg.graph()``) is a ``MultiDiGraph``: entities are
nodes (``label``, ``category`` = most specific class IRI, ``categories`` = every class the entity
belongs to, superclasses and union classes included, ``kind`` = the top of its class hierarchy),
claims are edges keyed by predicate IRI (``predicate``, ``label``, ``sources``, ``further_sources``).
Schema triples and provenance axioms never become nodes. :func:`project_edges` builds the same
graph from plain edge rows, which is how benchmarks feed synthetic graphs.

Questions:

* :func:`find_paths` — simple paths up to N hops, shortest first, walking edges either way by
  default (each hop says which way its edge runs), with ``via``/``avoid`` constraints.
* :func:`metapaths` — kinds of connection between two categories, with path counts.
* :func:`connect` — connections ranked by degree-weighted path count (DWPC) as in Hetionet
  (Himmelstein et al. 2017): each path's degree product is taken w.r.t. the metaedges of its
  metapath, every degree raised to ``-damping`` (0.4), and summed over the paths.
* :func:`neighbors` — the neighbourhood subgraph; :func:`write_graphml` for Cytoscape/Gephi.

Metanodes: a path's inner nodes stand for their ``kind`` (the top class: Intervention, Cause,
MolecularTarget, ...); the ends stand for the category asked about, or their kind when an
entity is named. Functions take a KnowledgeGraph (names are resolved like query parameters)
or a projection graph (nodes named by their ids).
"""

from __future__ import annotations

import difflib
import functools
import gc
import math
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Iterable, Iterator

from . import NAMESPACE
from .errors import AxialKGError, UsageError
from .files import atomic_path
from .queries import internal

FORWARD = "forward"   # the hop walks its edge from subject to object
BACKWARD = "backward"  # the hop walks its edge from object to subject
DAMPING = 0.4  # Hetionet's damping exponent for DWPC
DEFAULT_MAX_HOPS = 4
MAX_HOPS_LIMIT = 8  # beyond this simple-path enumeration stops being a question anyone can read
SEPARATOR = "; "
# Editorial entities (the article's FAQ) link to everything by "is about"; paths through them say
# nothing about biology, so path questions step around them unless asked not to.
DEFAULT_AVOID_CATEGORIES = ("Question",)

# ---- projection -----------------------------------------------------------------------------

def project(kg):
    """The projection of one store: ``graph-edges`` rows plus the class hierarchy and types."""
    rows = kg.query("graph-edges")
    classes: dict[str, dict] = {}
    for r in kg.sparql(internal("class-hierarchy")):
        c = classes.setdefault(r["class"].value, {"label": None, "parents": set(), "unions": set(),
                                                  "union": False})
        if "label" in r and (c["label"] is None or r["label"].value < c["label"]):
            c["label"] = r["label"].value
        if "parent" in r:
            c["parents"].add(r["parent"].value)
        if "union" in r:
            c["unions"].add(r["union"].value)
        if "isUnion" in r and r["isUnion"].value == "true":
            c["union"] = True
    types: dict[str, set[str]] = defaultdict(set)
    for r in kg.sparql(internal("entity-types")):
        types[r["entity"].value].add(r["class"].value)
    return project_edges(rows, classes=classes, types=types)


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri.startswith(("http://", "https://")) else iri


def project_edges(rows: Iterable, *, classes: dict | None = None, types: dict | None = None):
    """A ``MultiDiGraph`` from claim-edge rows (the columns of ``queries/graph-edges.rq``).

    Each row maps ``subject``, ``predicate``, ``object`` (and optionally ``subjectLabel``,
    ``objectLabel``, ``subjectCategory``, ``objectCategory``, ``predicateLabel``, ``sources`` as a
    list or a "; "-joined string, ``furtherSources``) to plain strings or result terms.
    ``classes``: class IRI → {"label", "parents", "unions", "union"} (parents/unions: IRIs);
    ``types``: entity IRI → class IRIs. Without them an entity's only category is the row's.
    Edges without sources that restate a sourced claim between the same two entities (inverse or
    super-property inferences of a reasoned store) are left out.
    """
    import networkx as nx

    classes = classes or {}
    types = types or {}
    G = nx.MultiDiGraph()
    nodes, succ, pred = G._node, G._succ, G._pred  # filled directly: add_edge re-checks each edge, 3x slower
    source_cache: dict = {}
    predicates: dict[str, str] = {}
    unsourced = []
    partial: set[str] = set()  # nodes met without a label or category so far
    any_sourced = False
    with _quiet_gc():  # a million small dicts: the collector would rescan them over and over
        for row in _plain_rows(rows):
            get = row.get
            s, p, o = row["subject"], row["predicate"], row["object"]
            if s not in nodes:
                nodes[s] = {"label": get("subjectLabel"), "category": get("subjectCategory")}
                succ[s], pred[s] = {}, {}
                if (nodes[s]["label"] is None or nodes[s]["category"] is None) and _named(row):
                    partial.add(s)
            if o not in nodes:
                nodes[o] = {"label": get("objectLabel"), "category": get("objectCategory")}
                succ[o], pred[o] = {}, {}
                if (nodes[o]["label"] is None or nodes[o]["category"] is None) and _named(row):
                    partial.add(o)
            if partial:  # a later row may name what an earlier one left out
                for iri, end in ((s, "subject"), (o, "object")):
                    if iri in partial:
                        attrs = nodes[iri]
                        attrs["label"] = attrs["label"] or get(end + "Label")
                        attrs["category"] = attrs["category"] or get(end + "Category")
            raw = get("sources")
            if raw is not None and raw.__class__ is not str and raw.__class__ is not tuple:
                raw = tuple(raw)
            sources = source_cache.get(raw)
            if sources is None:  # one shared tuple per distinct source list
                sources = (tuple(x for x in raw.split(SEPARATOR) if x) if isinstance(raw, str)
                           else tuple(raw or ()))
                source_cache[raw] = sources
            label = predicates.get(p)
            if label is None:
                label = predicates[p] = get("predicateLabel") or local_name(p)
            further = get("furtherSources")
            keydict = succ[s].get(o)
            if keydict is None:
                keydict = succ[s][o] = pred[o][s] = {}
            keydict[p] = {"predicate": p, "label": label, "sources": sources,
                          "further_sources": int(further) if further else 0}
            if sources:
                any_sourced = True
            else:
                unsourced.append((s, o, p))
        if any_sourced:
            _drop_restated(G, unsourced)
        hierarchy = _Hierarchy(classes)
        for iri, attrs in nodes.items():
            attrs["label"] = attrs["label"] or local_name(iri)
            cats = set(types.get(iri, ()))
            if attrs["category"]:
                cats.add(attrs["category"])
            elif cats:
                attrs["category"] = min(cats)
            attrs["category_label"] = hierarchy.label(attrs["category"]) if attrs["category"] else None
            attrs["categories"] = hierarchy.closure(cats)
            attrs["kind"] = hierarchy.kind(attrs["category"]) if attrs["category"] else None
        G.graph["predicates"] = predicates
        G.graph["classes"] = {c: {"label": hierarchy.label(c), "union": bool(info.get("union"))}
                              for c, info in classes.items()}
        for iri, attrs in nodes.items():  # categories seen on nodes but absent from the schema
            for c in attrs["categories"]:
                G.graph["classes"].setdefault(c, {"label": local_name(c), "union": False})
    return G


def _named(row) -> bool:
    """Does the row carry labels or categories at all (bare subject-predicate-object rows do not)?"""
    return any(k in row for k in ("subjectLabel", "subjectCategory", "objectLabel", "objectCategory"))


def _plain_rows(rows):
    """Rows of result terms (``kg.query``) as rows of plain text; plain rows pass through."""
    for row in rows:
        if row["subject"].__class__ is str:
            yield row
        else:
            yield {k: v if v is None or v.__class__ is str else getattr(v, "value", v) for k, v in row.items()}


@contextmanager
def _quiet_gc():
    """Pause the cyclic garbage collector: searches allocate many small acyclic lists and on a
    large projection every collection rescans its million edge dicts (90% of a query's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _gc_paused(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _quiet_gc():
            return func(*args, **kwargs)
    return wrapper


def _drop_restated(G, unsourced: list) -> None:
    """Remove unsourced edges between two entities that a sourced edge already joins."""
    succ, pred = G._succ, G._pred
    for u, v, key in unsourced:
        if any(d["sources"] for d in succ[u][v].values()) or any(d["sources"] for d in succ[v].get(u, {}).values()):
            del succ[u][v][key]
            if not succ[u][v]:
                del succ[u][v], pred[v][u]


class _Hierarchy:
    """Ancestors, labels and top classes from the class table (union classes count as ancestors
    for matching, not as tops)."""

    def __init__(self, classes: dict):
        self.classes = classes
        self._closure: dict[str, frozenset] = {}
        self._kind: dict[str, str] = {}

    def label(self, c: str) -> str:
        info = self.classes.get(c)
        return (info or {}).get("label") or local_name(c)

    def _ancestors(self, c: str, unions: bool) -> set[str]:
        seen, todo = {c}, [c]
        while todo:
            info = self.classes.get(todo.pop(), {})
            ups = set(info.get("parents", ()))
            if unions:
                ups |= set(info.get("unions", ()))
            else:
                ups = {u for u in ups if not self.classes.get(u, {}).get("union")}
            for u in ups - seen:
                seen.add(u)
                todo.append(u)
        return seen

    def closure(self, cats: set[str]) -> frozenset:
        key = frozenset(cats)
        if key not in self._closure:
            out: set[str] = set()
            for c in cats:
                out |= self._ancestors(c, unions=True)
            self._closure[key] = frozenset(out)
        return self._closure[key]

    def kind(self, c: str) -> str:
        if c not in self._kind:
            ups = self._ancestors(c, unions=False)
            tops = [u for u in ups if not any(p in ups and p != u and not self.classes.get(p, {}).get("union")
                                              for p in self.classes.get(u, {}).get("parents", ()))]
            self._kind[c] = min(tops) if tops else c
        return self._kind[c]


def graph_of(obj):
    """The projection behind a KnowledgeGraph, or the graph itself."""
    return obj.graph() if hasattr(obj, "resolve") and callable(getattr(obj, "graph", None)) else obj


def _node(obj, G, name: str) -> str:
    """An entity named by the user → its node id (resolved through the KnowledgeGraph if given)."""
    if hasattr(obj, "resolve"):
        return obj.resolve(name)
    if name in G:
        return name
    if isinstance(name, str) and name.startswith("axkg:") and NAMESPACE + name[5:] in G:
        return NAMESPACE + name[5:]
    raise UsageError(f"no entity '{name}' in the graph")


def resolve_category(G, name: str) -> str:
    """A category named by class local name (``JAKInhibitor``), label (``JAK inhibitor``), CURIE or IRI."""
    if not isinstance(name, str) or not name.strip():
        raise UsageError("a category needs a name")
    raw = name.strip().strip("<>")
    classes = G.graph.get("classes") or {c: {"label": local_name(c)} for _, d in G.nodes(data=True)
                                         for c in _cats(d)}
    if raw in classes:
        return raw
    if raw.startswith("axkg:") and NAMESPACE + raw[5:] in classes:
        return NAMESPACE + raw[5:]
    names: dict[str, set[str]] = defaultdict(set)
    for c, info in classes.items():
        for n in (local_name(c), info.get("label") or local_name(c)):
            names[n.casefold()].add(c)
            names[n.casefold().replace(" ", "")].add(c)
    key = raw.casefold()
    for probe in (key, key.replace(" ", "")):
        hits = names.get(probe, set())
        if len(hits) == 1:
            return next(iter(hits))
        if len(hits) > 1:
            raise UsageError(f"category '{name}' is ambiguous: {', '.join(sorted(local_name(h) for h in hits))}")
    shown = sorted({local_name(c) for c in classes} | {(i.get("label") or "") for i in classes.values()} - {""})
    close = difflib.get_close_matches(raw, shown, n=3, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(raw.casefold(), [s.casefold() for s in shown], n=3, cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise UsageError(f"no category '{name}'{hint}")


def _cats(attrs: dict) -> frozenset:
    cats = attrs.get("categories")
    if cats is None:
        cats = frozenset([attrs["category"]]) if attrs.get("category") else frozenset()
    return cats


def _kind(attrs: dict) -> str | None:
    return attrs.get("kind") or attrs.get("category")


# ---- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metapath:
    """A kind of connection: metanodes (class IRIs) joined by (predicate, direction) metaedges."""

    categories: tuple
    edges: tuple  # ((predicate IRI, direction), ...)
    name: str = field(default="", compare=False)

    @property
    def hops(self) -> int:
        return len(self.edges)

    def __str__(self) -> str:
        return self.name


def _metapath(G, cats: tuple, edges: tuple) -> Metapath:
    text = local_name(cats[0])
    for (pred, direction), cat in zip(edges, cats[1:]):
        label = _predicate_label(G, pred)
        text += f" -{label}-> " if direction == FORWARD else f" <-{label}- "
        text += local_name(cat)
    return Metapath(tuple(cats), tuple(edges), text)


def _predicate_label(G, pred: str) -> str:
    labels = G.graph.get("predicates")
    if labels is None or pred not in labels:  # a graph built by hand: read the labels off its edges
        labels = dict(labels or {})
        for _, _, k, d in G.edges(keys=True, data=True):
            labels.setdefault(d.get("predicate", k), d.get("label") or local_name(d.get("predicate", k)))
        labels.setdefault(pred, local_name(pred))
        G.graph["predicates"] = labels
    return labels[pred]


@dataclass
class Path:
    """One path: its nodes and, for each hop, the edge walked and which way it runs."""

    nodes: list[dict]   # {"iri", "label", "category", "category_label"}
    edges: list[dict]   # {"predicate", "label", "direction", "sources", "further_sources"}
    metapath: Metapath | None = None
    pdp: float | None = None  # path degree product, raised to -damping (set by connect)

    @property
    def hops(self) -> int:
        return len(self.edges)

    @property
    def labels(self) -> list[str]:
        return [n["label"] for n in self.nodes]

    def to_dict(self) -> dict:
        out = {"nodes": self.nodes, "edges": self.edges}
        if self.metapath is not None:
            out["metapath"] = str(self.metapath)
        if self.pdp is not None:
            out["path_degree_product"] = self.pdp
        return out

    def __str__(self) -> str:
        text = self.nodes[0]["label"]
        for e, n in zip(self.edges, self.nodes[1:]):
            text += f" -[{e['label']}]-> " if e["direction"] == FORWARD else f" <-[{e['label']}]- "
            text += n["label"]
        return text


def _node_dict(G, n: str) -> dict:
    a = G._node[n]
    return {"iri": n, "label": a.get("label", n), "category": a.get("category"),
            "category_label": a.get("category_label") or (local_name(a["category"]) if a.get("category") else None)}


def _edge_dict(G, u: str, v: str, key: str, direction: str) -> dict:
    d = G._succ[u][v][key] if direction == FORWARD else G._succ[v][u][key]
    pred = d.get("predicate", key)
    return {"predicate": pred, "label": d.get("label") or local_name(pred), "direction": direction,
            "sources": list(d.get("sources") or []), "further_sources": int(d.get("further_sources") or 0)}


def _make_path(G, nodes: list[str], steps: list[tuple]) -> Path:
    return Path([_node_dict(G, n) for n in nodes],
                [_edge_dict(G, nodes[i], nodes[i + 1], k, d) for i, (k, d) in enumerate(steps)])


# ---- search ---------------------------------------------------------------------------------

class _Steps:
    """Per-query cache of each node's hops, in a fixed order (neighbour label, IRI, predicate)."""

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


def _distances(G, starts: Iterable[str], depth: int, directed: bool, blocked=frozenset()) -> dict[str, int]:
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


def _meet(G, source: str, target: str, max_hops: int, directed: bool, blocked) -> tuple[dict, int, int] | None:
    """Bidirectional bounded BFS: grows the smaller frontier of the two balls (around the source,
    walking forward, and around the target, walking back) until their radii add up to
    ``max_hops``. Returns the target ball's distances, the lower bound on the distance to the
    target for a node outside it, and the shortest path length; None when no path fits."""
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
    ds, dt = near
    small, big = (ds, dt) if len(ds) <= len(dt) else (dt, ds)
    best = min((small[v] + big[v] for v in small if v in big), default=None)
    if best is None or best > max_hops:
        return None
    outside = max_hops + 1 if done[1] else radius[1] + 1
    return dt, outside, best


def check_hops(max_hops) -> int:
    if isinstance(max_hops, bool) or not isinstance(max_hops, int) or not 1 <= max_hops <= MAX_HOPS_LIMIT:
        raise UsageError(f"--max-hops must be a whole number from 1 to {MAX_HOPS_LIMIT}, not {max_hops!r}")
    return max_hops


def check_limit(limit) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise UsageError(f"--limit must be 0 (no limit) or a positive whole number, not {limit!r}")
    return limit


def iter_paths(G, source: str, target: str, *, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
               via: Iterable[str] = (), avoid: Iterable[str] = ()) -> Iterator[tuple[list, list]]:
    """Simple paths from ``source`` to ``target`` (node ids), shortest first, then by the labels
    along the way; yields ``(nodes, steps)`` with steps ``(predicate, direction)``. Lazy, so a
    caller that wants the first K never enumerates the rest. ``via``: class IRIs each matched by
    some inner node; ``avoid``: node ids no path may touch."""
    check_hops(max_hops)
    via = list(dict.fromkeys(via))
    blocked = frozenset(avoid)
    if source not in G or target not in G or source == target or source in blocked or target in blocked:
        return
    met_at = _meet(G, source, target, max_hops, directed, blocked)
    if met_at is None:
        return
    dist, outside, shortest = met_at
    steps = _Steps(G, directed, blocked)
    node = G._node
    for length in range(shortest, max_hops + 1):
        nodes, hops, on_path = [source], [], {source}
        met = [0] * len(via)

        def walk(u: str, left: int):
            for v, key, direction in steps(u):
                if v in on_path or dist.get(v, outside) > left - 1 or (v == target) != (left == 1):
                    continue
                if v == target:
                    if all(met):
                        yield nodes + [v], hops + [(key, direction)]
                    continue
                hit = [i for i, c in enumerate(via) if c in _cats(node[v])] if via else ()
                for i in hit:
                    met[i] += 1
                if via and left == 2 and not all(met):  # v is the last inner node and gaps remain
                    for i in hit:
                        met[i] -= 1
                    continue
                nodes.append(v)
                hops.append((key, direction))
                on_path.add(v)
                yield from walk(v, left - 1)
                on_path.discard(v)
                hops.pop()
                nodes.pop()
                for i in hit:
                    met[i] -= 1

        yield from walk(source, length)


def _blocked(G, categories, keep=()) -> frozenset:
    """Nodes of the avoided categories, except ``keep`` (the ends asked about). The default
    categories are skipped quietly on graphs that lack them (hand-built or synthetic ones)."""
    if isinstance(categories, str):
        raise UsageError("avoid_categories takes a list of category names")
    iris = set()
    for c in categories:
        try:
            iris.add(resolve_category(G, c))
        except UsageError:
            if c not in DEFAULT_AVOID_CATEGORIES:
                raise
    if not iris:
        return frozenset()
    keep = set(keep)
    return frozenset(n for n, a in G._node.items() if n not in keep and not iris.isdisjoint(_cats(a)))


@_gc_paused
def find_paths(kg, a: str, b: str, *, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
               via: Iterable[str] = (), avoid: Iterable[str] = (),
               avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES, limit: int = 20) -> list[Path]:
    """Paths between two entities, shortest first (``limit=0``: all). ``via`` names categories
    (``Drug``, ``JAKInhibitor``, ``molecular target``) some inner node must belong to; ``avoid``
    names entities and ``avoid_categories`` categories no inner node may belong to."""
    G = graph_of(kg)
    check_hops(max_hops)
    check_limit(limit)
    if isinstance(via, str) or isinstance(avoid, str):
        raise UsageError("via and avoid take lists of names")
    s, t = _node(kg, G, a), _node(kg, G, b)
    if s == t:
        raise UsageError("FROM and TO name the same entity")
    via_iris = [resolve_category(G, c) for c in via]
    avoid_iris = [_node(kg, G, x) for x in avoid]
    if s in avoid_iris or t in avoid_iris:
        raise UsageError("an end of the path cannot also be avoided")
    out = []
    avoid_iris = set(avoid_iris) | _blocked(G, avoid_categories, keep=(s, t))
    for nodes, steps in iter_paths(G, s, t, max_hops=max_hops, directed=directed, via=via_iris, avoid=avoid_iris):
        out.append(_make_path(G, nodes, steps))
        if limit and len(out) >= limit:
            break
    return out


# ---- metapaths ------------------------------------------------------------------------------

@dataclass
class MetapathCount:
    """A metapath's path count (``exact`` False: too many to recount; ``count`` is then the walk
    count, an upper bound) and, from :func:`connect`, its DWPC."""

    metapath: Metapath
    count: int
    dwpc: float | None = None
    exact: bool = True

    def to_dict(self) -> dict:
        out = {"metapath": str(self.metapath), "hops": self.metapath.hops, "count": self.count, "exact": self.exact,
               "categories": list(self.metapath.categories),
               "edges": [{"predicate": p, "direction": d} for p, d in self.metapath.edges]}
        if self.dwpc is not None:
            out["dwpc"] = self.dwpc
        return out


def _members(G, cat: str) -> list[str]:
    return sorted(n for n, a in G._node.items() if cat in _cats(a))


@_gc_paused
def metapaths(kg, from_category: str, to_category: str, *, max_hops: int = DEFAULT_MAX_HOPS,
              directed: bool = False,
              avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES,
              recount_budget: int = 5_000_000) -> list[MetapathCount]:
    """Every kind of connection from entities of one category to another, with its path count,
    most paths first. No path is enumerated: walk counts are propagated per metapath prefix
    from the starts and per suffix back from the ends, half the hops each, and joined at the
    middle node; a metapath whose positions could hold one entity twice is recounted exactly
    (see :func:`_count_simple`), so every count is of simple paths, until ``recount_budget``
    half-walks are spent: the remaining such metapaths keep their walk count, marked inexact."""
    G = graph_of(kg)
    check_hops(max_hops)
    A, B = resolve_category(G, from_category), resolve_category(G, to_category)
    sources, targets = _members(G, A), set(_members(G, B))
    blocked = _blocked(G, avoid_categories, keep=targets.union(sources))
    node = G._node
    ahead = _Steps(G, directed, blocked, ordered=False)
    behind = _BackSteps(G, directed, blocked)

    def layers(starts, cat, depth, steps):
        """[{prefix: {node: walks}}] for 0..depth hops; a prefix is (cat, hop, kind, hop, kind...)."""
        out = [{(cat,): {n: 1 for n in starts}}]
        for _ in range(depth):
            nxt: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for prefix, vec in out[-1].items():
                for u, count in vec.items():
                    for v, key, direction in steps(u):
                        nxt[prefix + ((key, direction), _kind(node[v]))][v] += count
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
    members = _PositionSets(G, A, B, sources, targets, blocked)
    budget = [recount_budget]
    for key, count in sorted(done.items(), key=lambda kv: (len(kv[0]), repr(kv[0]))):
        cats, edges = key[0::2], key[1::2]
        exact = True
        if members.may_repeat(cats):
            try:
                count = _count_simple(G, members, cats, edges, budget)
            except _OverBudget:
                budget[0], exact = 0, False
        if count:
            out.append(MetapathCount(_metapath(G, cats, edges), count, exact=exact))
    out.sort(key=lambda m: (-m.count, m.metapath.hops, str(m.metapath)))
    return out


class _BackSteps:
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


class _PositionSets:
    """Which nodes may stand at each metapath position: members of the asked categories at the
    ends, nodes of the metanode's kind inside."""

    def __init__(self, G, A, B, sources, targets, blocked=frozenset()):
        self.G, self.A, self.B = G, A, B
        self.first, self.last = set(sources), set(targets)
        self.by_kind: dict[str, set] = defaultdict(set)
        for n, a in G._node.items():
            if n not in blocked:
                self.by_kind[_kind(a)].add(n)

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


def _count_simple(G, members: _PositionSets, cats: tuple, edges: tuple, budget: list[int]) -> int:
    """Simple paths along one metapath, counted by meeting in the middle: half-walks from the
    starts and (backwards) from the ends are grouped by the middle node, and pairs of halves that
    share a node are subtracted by inclusion-exclusion; so the work grows with the half-walks,
    never with the paths. Halves of up to two inner nodes each (metapaths up to 4 hops) keep the
    inclusion-exclusion exact; longer metapaths are walked path by path. ``budget[0]`` is how
    many more half-walks may be taken; past it :class:`_OverBudget` is raised."""
    k = len(edges)
    sets = [members.at(cats, i) for i in range(k + 1)]

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
    back = [(key, BACKWARD if d == FORWARD else FORWARD) for key, d in reversed(edges[m:])]
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


# ---- DWPC -----------------------------------------------------------------------------------

class _Degrees:
    """Node degrees w.r.t. a metaedge: edges of one predicate, walked one way, to a category."""

    def __init__(self, G):
        self.G = G
        self.cache: dict[tuple, int] = {}

    def __call__(self, u: str, key: str, direction: str, cat: str, exact_kind: bool) -> int:
        ck = (u, key, direction, cat, exact_kind)
        got = self.cache.get(ck)
        if got is None:
            adj = self.G._succ[u] if direction == FORWARD else self.G._pred[u]
            node = self.G._node
            got = sum(1 for v, kd in adj.items() if key in kd and
                      (_kind(node[v]) == cat if exact_kind else cat in _cats(node[v])))
            self.cache[ck] = got
        return got


def path_degree_product(G, nodes: list[str], steps: list[tuple], cats: tuple, damping: float = DAMPING,
                        degrees: _Degrees | None = None) -> float:
    """prod over hops of (degree of the hop's start × degree of its end)^-damping, each degree
    counted over the hop's metaedge (same predicate and direction, other end in the metanode)."""
    degrees = degrees or _Degrees(G)
    last = len(nodes) - 1
    product = 1.0
    for i, (key, direction) in enumerate(steps):
        u, v = nodes[i], nodes[i + 1]
        back = BACKWARD if direction == FORWARD else FORWARD
        d_out = degrees(u, key, direction, cats[i + 1], 0 < i + 1 < last)
        d_in = degrees(v, key, back, cats[i], 0 < i < last)
        product *= (d_out * d_in) ** -damping
    return product


@dataclass
class Connection:
    """One source–target pair: its DWPC (summed over metapaths), per-metapath scores, and paths."""

    source: dict
    target: dict
    dwpc: float
    metapaths: list[MetapathCount]
    paths: list[Path]

    @property
    def path_count(self) -> int:
        return len(self.paths)

    def to_dict(self, top_paths: int | None = None) -> dict:
        return {"source": self.source, "target": self.target, "dwpc": self.dwpc, "path_count": self.path_count,
                "metapaths": [m.to_dict() for m in self.metapaths],
                "paths": [p.to_dict() for p in (self.paths if top_paths is None else self.paths[:top_paths])]}


@_gc_paused
def connect(kg, source: str | None = None, target: str | None = None, *, from_category: str | None = None,
            to_category: str | None = None, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
            damping: float = DAMPING, avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES,
            max_paths: int = 1_000_000) -> list[Connection]:
    """Connections ranked by DWPC (Hetionet's degree-weighted path count, damping 0.4).

    Name one entity or one category at each end: ``connect(kg, "ruxolitinib", "myelofibrosis")`` or
    ``connect(kg, from_category="Drug", target="axial osteosclerosis")``. Paths within each pair
    are sorted by their degree product, highest first.
    """
    G = graph_of(kg)
    check_hops(max_hops)
    if (source is None) == (from_category is None) or (target is None) == (to_category is None):
        raise UsageError("name one entity or one category at each end (FROM or --from-category, "
                         "TO or --to-category)")
    if not isinstance(damping, (int, float)) or isinstance(damping, bool) or not 0 <= damping <= 10:
        raise UsageError(f"damping must be a number from 0 to 10, not {damping!r}")
    if source is not None:
        s = _node(kg, G, source)
        sources, A = [s], _kind(G._node[s]) if s in G else None
    else:
        A = resolve_category(G, from_category)
        sources = _members(G, A)
    if target is not None:
        t = _node(kg, G, target)
        targets, B = {t}, _kind(G._node[t]) if t in G else None
    else:
        B = resolve_category(G, to_category)
        targets = set(_members(G, B))
    sources = [s for s in sources if s in G]
    targets = {t for t in targets if t in G}
    if not sources or not targets:
        return []
    blocked = _blocked(G, avoid_categories, keep=targets.union(sources))
    dist = _distances(G, targets, max_hops, directed, blocked)
    steps = _Steps(G, directed, blocked)
    node = G._node
    degrees = _Degrees(G)
    found: dict[tuple, list[Path]] = defaultdict(list)
    total = 0
    for s in sources:
        if dist.get(s, max_hops + 1) > max_hops:
            continue
        nodes, hops, on_path = [s], [], {s}

        def walk(u, left):
            nonlocal total
            for v, key, direction in steps(u):
                if v in on_path or dist.get(v, max_hops + 1) > left - 1:
                    continue
                nodes.append(v)
                hops.append((key, direction))
                if v in targets:
                    total += 1
                    if total > max_paths:
                        raise AxialKGError(f"more than {max_paths} paths: ask with fewer --max-hops or "
                                           "a narrower category")
                    cats = (A,) + tuple(_kind(node[n]) for n in nodes[1:-1]) + (B,)
                    path = _make_path(G, nodes, hops)
                    path.metapath = _metapath(G, cats, tuple(hops))
                    path.pdp = path_degree_product(G, nodes, hops, cats, damping, degrees)
                    found[(s, v)].append(path)
                if left > 1:
                    on_path.add(v)
                    walk(v, left - 1)
                    on_path.discard(v)
                hops.pop()
                nodes.pop()

        walk(s, max_hops)
    out = []
    for (s, t), paths in found.items():
        per: dict[Metapath, list] = {}
        for p in paths:
            per.setdefault(p.metapath, []).append(p)
        scores = [MetapathCount(m, len(ps), math.fsum(p.pdp for p in ps)) for m, ps in per.items()]
        scores.sort(key=lambda m: (-m.dwpc, m.metapath.hops, str(m.metapath)))
        paths.sort(key=lambda p: (-p.pdp, p.hops, p.labels))
        out.append(Connection(_node_dict(G, s), _node_dict(G, t), math.fsum(m.dwpc for m in scores), scores, paths))
    out.sort(key=lambda c: (-c.dwpc, c.source["label"], c.target["label"], c.source["iri"], c.target["iri"]))
    return out


def dwpc(kg, source: str, target: str, *, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
         damping: float = DAMPING, avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES) -> dict[str, float]:
    """DWPC of one pair per metapath (by its text), for the pair's own metanodes."""
    found = connect(kg, source, target, max_hops=max_hops, directed=directed, damping=damping,
                    avoid_categories=avoid_categories)
    return {str(m.metapath): m.dwpc for m in found[0].metapaths} if found else {}


# ---- neighbourhoods and export --------------------------------------------------------------

@_gc_paused
def neighbors(kg, entity: str, hops: int = 1, *, directed: bool = False):
    """The subgraph of everything within ``hops`` hops of an entity (edges walked either way
    unless ``directed``), with each node's ``distance``; a new MultiDiGraph."""
    G = graph_of(kg)
    if isinstance(hops, bool) or not isinstance(hops, int) or not 0 <= hops <= MAX_HOPS_LIMIT:
        raise UsageError(f"--hops must be a whole number from 0 to {MAX_HOPS_LIMIT}, not {hops!r}")
    center = _node(kg, G, entity)
    if center not in G:  # an entity without claims: a neighbourhood of one
        import networkx as nx

        sub = nx.MultiDiGraph()
        info = kg.entity(center) if hasattr(kg, "entity") else None
        sub.add_node(center, label=info.label if info else center, distance=0,
                     category=(info.type_iris or [None])[0] if info else None,
                     category_label=(info.types or [None])[0] if info else None)
        sub.graph["center"] = center
        return sub
    dist = {center: 0}
    frontier = [center]
    for d in range(1, hops + 1):
        nxt = []
        for u in frontier:
            for v in list(G._succ[u]) + ([] if directed else list(G._pred[u])):
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        frontier = nxt
    sub = G.subgraph(dist).copy()
    for n, d in dist.items():
        sub.nodes[n]["distance"] = d
    sub.graph = {k: v for k, v in G.graph.items() if not k.startswith("_")}
    sub.graph["center"] = center
    return sub


def write_graphml(G, path) -> FilePath:
    """GraphML for Cytoscape and Gephi: list attributes joined with "; ", empty values left out.
    Written to a temporary file and moved into place, so a failure leaves nothing half-written."""
    import networkx as nx

    path = FilePath(path)
    if path.is_dir():
        raise UsageError(f"{path} is a directory")
    if not path.parent.exists():
        raise UsageError(f"no directory {path.parent}")

    def plain(attrs: dict) -> dict:
        out = {}
        for k, v in attrs.items():
            if v is None or k.startswith("_"):
                continue
            if isinstance(v, (list, tuple, set, frozenset)):
                v = SEPARATOR.join(sorted(map(str, v)) if isinstance(v, (set, frozenset)) else map(str, v))
            elif not isinstance(v, (str, int, float, bool)):
                continue
            out[k] = v
        return out

    H = nx.MultiDiGraph()
    H.graph.update(plain(G.graph))
    H.add_nodes_from((n, plain(a)) for n, a in G.nodes(data=True))
    H.add_edges_from((u, v, k, plain(a)) for u, v, k, a in G.edges(keys=True, data=True))
    with atomic_path(path) as tmp:
        nx.write_graphml(H, str(tmp), named_key_ids=True)
    return path


__all__ = ["BACKWARD", "DAMPING", "FORWARD", "Connection", "Metapath", "MetapathCount", "Path", "connect",
           "dwpc", "find_paths", "iter_paths", "metapaths", "neighbors", "path_degree_product", "project",
           "project_edges", "resolve_category", "write_graphml"]
