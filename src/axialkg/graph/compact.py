"""The compact projection: entities as integer ids, claims as CSR arrays (numpy), cached on disk.

Built once per store version from plain rows (:func:`build`; the API fetches them with the
``graph-*`` internal queries), written beside an on-disk store as one ``.npz`` file and loaded
back in milliseconds (:func:`load`). Node ids follow (label, IRI), and each node's edges are
sorted by (neighbour id, predicate IRI), so the order a search steps in is the array order.

:class:`CompactGraph` shows its nodes and adjacency under networkx's public names (``nodes``,
``succ``, ``pred``, ``graph``), built per node on first touch, and under the private ones the
package's searches read on a networkx graph for speed (``_node``, ``_succ``, ``_pred``): every
search of the package (paths, metapaths, DWPC, neighbourhoods) runs on it unchanged, and gives
the answers it gives on the networkx projection. Whole-graph steps (members of a category, blocked nodes,
metapath products) use the arrays directly.

>>> A = NAMESPACE + "Drug"
>>> G = build(claims=[{"subject": "x:a", "predicate": "x:p", "object": "x:b", "sources": "S"}],
...           nodes=[{"entity": "x:a", "label": "a"}, {"entity": "x:b", "label": "b"}],
...           types={"x:a": {A}, "x:b": {A}}, predicates={"x:p": "p"}, schema_triples=[])
>>> list(G.succ["x:a"]), G.succ["x:a"]["x:b"]["x:p"]["sources"]
(['x:b'], ('S',))
"""

from __future__ import annotations

import bisect
import io
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Iterable

import numpy as np

from ..files import write_atomic
from ..vocab import NAMESPACE, local_name
from .metagraph import Metagraph
from .search import meeting
from .walk import breadth_first

FORMAT = 1  # bump when the file layout changes: older caches are rebuilt
SEPARATOR = "; "
HEDGES = ("stated", "possible", "limited-evidence", "selected-cases")
ASSERTERS = ("article", "curator")
DIRECTIONS = ("suppresses", "enhances")
_PREFIX = {"hedge": NAMESPACE + "hedge-", "asserted_by": NAMESPACE + "asserter-",
           "effect_direction": NAMESPACE + "direction-"}
_VOCAB = {"hedge": HEDGES, "asserted_by": ASSERTERS, "effect_direction": DIRECTIONS}


def _code(kind: str, value) -> int:
    """A hedge, asserter or direction IRI as its index in the vocabulary (-1: absent or unknown)."""
    if not value:
        return -1
    value = str(value)
    prefix = _PREFIX[kind]
    name = value[len(prefix):] if value.startswith(prefix) else value
    try:
        return _VOCAB[kind].index(name)
    except ValueError:
        return -1


class _Strings:
    """Many strings as one UTF-8 buffer and offsets, decoded one at a time."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray):
        self.blob, self.offsets = blob, offsets
        self._raw = blob.tobytes()
        self._off = offsets  # indexed one at a time: no list of a million offsets to make on load

    @classmethod
    def of(cls, texts: list[str]) -> _Strings:
        encoded = [t.encode("utf-8") for t in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return len(self._off) - 1

    def __getitem__(self, i: int) -> str:
        return self._raw[int(self._off[i]):int(self._off[i + 1])].decode("utf-8")


class _ByIri:
    """The node ids in IRI order, searched by bisection (no dict of a million IRIs to build)."""

    def __init__(self, iris: _Strings, order: np.ndarray):
        self.iris, self.order = iris, order

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, i: int) -> str:
        return self.iris[int(self.order[i])]

    def find(self, iri: str) -> int | None:
        i = bisect.bisect_left(self, iri)
        return int(self.order[i]) if i < len(self.order) and self[i] == iri else None


class CompactGraph:
    """The projection as arrays; see the module's docstring. ``keep`` (a boolean per edge) hides
    edges, as :meth:`restricted` makes it."""

    def __init__(self, arrays: dict, meta: dict, keep: np.ndarray | None = None):
        self.arrays, self.meta = arrays, meta
        self.iris = _Strings(arrays["iri_blob"], arrays["iri_off"])
        self.labels = _Strings(arrays["label_blob"], arrays["label_off"])
        self.source_sets = _Strings(arrays["src_blob"], arrays["src_off"])
        self.by_iri = _ByIri(self.iris, arrays["iri_order"])
        self.n = len(self.iris)
        self.keep = keep
        self.predicates: list[str] = meta["predicates"]
        self.predicate_labels: list[str] = meta["predicate_labels"]
        from ..schema import SchemaModel

        schema = SchemaModel([tuple(t) for t in meta["schema"]])
        self.metagraph = Metagraph(schema, dict(zip(self.predicates, self.predicate_labels)))
        self.catsets = [(c or None, frozenset(cs), k or None, lab) for c, cs, k, lab in meta["catsets"]]
        for _, cats, _, _ in self.catsets:
            self.metagraph.add_classes(cats)
        self.graph = {"metagraph": self.metagraph, "predicates": self.metagraph.predicates,
                      "classes": self.metagraph.classes}
        self._node = _Nodes(self)
        self._succ = _Adjacency(self, forward=True)
        self._pred = _Adjacency(self, forward=False)
        self._source_cache: dict[int, tuple] = {}
        self._ids: dict[str, int] = {}
        self._matrices = None

    def matrices(self):
        """The per-predicate sparse adjacency matrices (:class:`~.hetmat.Matrices`), made on first use."""
        if self._matrices is None:
            from .hetmat import Matrices

            self._matrices = Matrices(self)
        return self._matrices

    # ---- the public view: networkx's names (``G.nodes[n]``, ``G.succ[n]``, ``G.pred[n]``) -----------
    @property
    def nodes(self) -> Mapping[str, dict]:
        """Node IRI → attributes (label, category, category_label, categories, kind)."""
        return self._node

    @property
    def succ(self) -> Mapping[str, dict]:
        """Node IRI → {successor IRI: {predicate IRI: edge attributes}}."""
        return self._succ

    @property
    def pred(self) -> Mapping[str, dict]:
        """Node IRI → {predecessor IRI: {predicate IRI: edge attributes}}."""
        return self._pred

    # ---- ids -----------------------------------------------------------------------------------
    def id_of(self, iri: str) -> int | None:
        got = self._ids.get(iri)
        if got is None and isinstance(iri, str):
            got = self.by_iri.find(iri)
            if got is not None:
                self._ids[iri] = got
        return got

    def iri(self, i: int) -> str:
        """The IRI of node ``i`` (and its id remembered, so that looking it up costs no search)."""
        got = self.iris[i]
        self._ids[got] = i
        return got

    def __contains__(self, iri) -> bool:
        return self.id_of(iri) is not None

    def __len__(self) -> int:
        return self.n

    def number_of_edges(self) -> int:
        return int(self.arrays["src"].size if self.keep is None else self.keep.sum())

    def sources_of(self, edge: int) -> tuple:
        sid = int(self.arrays["srcset"][edge])
        got = self._source_cache.get(sid)
        if got is None:
            text = self.source_sets[sid]
            got = self._source_cache[sid] = tuple(x for x in text.split(SEPARATOR) if x)
        return got

    def edge_attrs(self, e: int) -> dict:
        a = self.arrays
        p = int(a["pred"][e])
        hedge, asserter, effect = int(a["hedge"][e]), int(a["asserter"][e]), int(a["effect"][e])
        return {"predicate": self.predicates[p], "label": self.predicate_labels[p], "sources": self.sources_of(e),
                "further_sources": int(a["further"][e]),
                "hedge": HEDGES[hedge] if hedge >= 0 else "stated",
                "asserted_by": ASSERTERS[asserter] if asserter >= 0 else "article",
                "effect_direction": DIRECTIONS[effect] if effect >= 0 else None,
                "axiom": bool(a["axioms"][e])}

    def edges_of(self, u: int, forward: bool) -> np.ndarray:
        """Edge ids out of (``forward``) or into ``u``, in (neighbour, predicate) order."""
        a = self.arrays
        ptr, idx = (a["out_ptr"], a["out_edge"]) if forward else (a["in_ptr"], a["in_edge"])
        got = idx[ptr[u]:ptr[u + 1]]
        return got if self.keep is None else got[self.keep[got]]

    # ---- whole-graph steps -------------------------------------------------------------------------
    def _catsets_with(self, classes: set) -> np.ndarray:
        return np.array([i for i, (_, cats, _, _) in enumerate(self.catsets) if not classes.isdisjoint(cats)],
                        dtype=np.int32)

    def member_ids(self, classes: Iterable[str]) -> np.ndarray:
        """Ids of the nodes belonging to any of ``classes``."""
        return np.flatnonzero(np.isin(self.arrays["catset"], self._catsets_with(set(classes))))

    def members(self, category: str) -> list[str]:
        """The nodes of a category (class IRI), sorted by IRI."""
        return sorted(self.iris[int(i)] for i in self.member_ids([category]))

    def blocked(self, categories: Iterable[str], keep: Iterable[str] = ()) -> frozenset:
        keep = set(keep)
        return frozenset(x for x in (self.iris[int(i)] for i in self.member_ids(categories)) if x not in keep)

    def with_arrays(self, arrays: dict) -> CompactGraph:
        """The same nodes and metagraph over other edge arrays (a permuted graph)."""
        other = object.__new__(CompactGraph)
        other.__dict__.update(self.__dict__)
        other.arrays, other.keep = arrays, None
        other._node, other._succ, other._pred = _Nodes(other), _Adjacency(other, True), _Adjacency(other, False)
        other._source_cache, other._ids, other._matrices = {}, dict(self._ids), None
        return other

    def meet(self, source: str, target: str, max_hops: int, directed: bool, blocked) -> tuple | None:
        """:func:`~.search._meet` on the arrays: the bidirectional bounded search that bounds a
        path search, with the same answer (the target ball as IRI → distance, the bound outside
        it, the shortest length; None when no path fits)."""
        a = self.arrays
        s, t = self.id_of(source), self.id_of(target)
        if s is None or t is None:
            return None
        banned = {i for i in (self.id_of(b) for b in blocked) if i is not None}
        near: tuple[dict[int, int], dict[int, int]] = ({s: 0}, {t: 0})
        frontier = [[s], [t]]
        radius, done = [0, 0], [False, False]
        while radius[0] + radius[1] < max_hops and not all(done):
            side = 0 if done[1] or (not done[0] and len(frontier[0]) <= len(frontier[1])) else 1
            dist, nxt, d = near[side], [], radius[side] + 1
            first = side == 0  # the source side walks forward, the target side back
            for u in frontier[side]:
                found = a["dst" if first else "src"][self.edges_of(u, first)].tolist()
                if not directed:
                    found += a["src" if first else "dst"][self.edges_of(u, not first)].tolist()
                for v in found:
                    if v not in dist and v not in banned:
                        dist[v] = d
                        nxt.append(v)
            frontier[side] = nxt
            radius[side] = d
            done[side] = not nxt
        met = meeting(near, done, radius, max_hops)
        if met is None:
            return None
        dt, outside, best = met
        return _IriDistances(self, dt), outside, best

    def ball(self, center: str, hops: int, directed: bool = False) -> tuple[dict[str, int], list[tuple]]:
        """The nodes within ``hops`` of ``center`` (IRI → distance, in the order a breadth-first
        search meets them) and the edges among them ``(u, v, predicate, attributes)``, from the
        arrays: no node's whole adjacency is made into dicts."""
        a = self.arrays
        start = self.id_of(center)
        if start is None:
            raise KeyError(center)

        def near(u: int) -> list[int]:
            got = a["dst"][self.edges_of(u, True)].tolist()
            return got if directed else got + a["src"][self.edges_of(u, False)].tolist()

        dist = breadth_first(start, hops, near)
        inside = np.zeros(self.n, dtype=bool)
        inside[list(dist)] = True
        edges = []
        for u in dist:
            out = self.edges_of(u, True)
            for e in out[inside[a["dst"][out]]].tolist():
                attrs = self.edge_attrs(e)
                edges.append((self.iri(u), self.iri(int(a["dst"][e])), attrs["predicate"], attrs))
        return {self.iri(i): d for i, d in dist.items()}, edges

    def restricted(self, keep: np.ndarray) -> CompactGraph:
        """The same graph with only the edges ``keep`` marks."""
        both = keep if self.keep is None else keep & self.keep
        return CompactGraph(self.arrays, self.meta, both)

    def stated_only(self) -> CompactGraph:
        """Only the claims the article states plainly: no hedge other than stated, not a curator
        inference, and annotated by a claim axiom (a reasoner's inferences have none)."""
        a = self.arrays
        return self.restricted((a["hedge"] <= 0) & (a["asserter"] <= 0) & (a["axioms"] > 0))

    # ---- networkx, for the reference tests and whole-graph faces ---------------------------------------
    def to_networkx(self):
        import networkx as nx

        G = nx.MultiDiGraph()
        for i in range(self.n):
            G.add_node(self.iris[i], **self._node.attrs(i))
        src, dst = self.arrays["src"], self.arrays["dst"]
        edges = range(src.size) if self.keep is None else np.flatnonzero(self.keep)
        for e in edges:
            d = self.edge_attrs(int(e))
            G.add_edge(self.iris[int(src[e])], self.iris[int(dst[e])], key=d["predicate"], **d)
        G.graph.update(self.graph)
        return G

    # ---- the file --------------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        buf = io.BytesIO()
        meta = np.frombuffer(json.dumps(self.meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
        np.savez(buf, meta=meta, **self.arrays)
        write_atomic(path, buf.getvalue())


class _IriDistances:
    """Distances kept by node id, looked up by IRI (``dist.get(iri, default)``), as searches read them."""

    def __init__(self, G: CompactGraph, by_id: dict[int, int]):
        self.G, self.by_id = G, by_id

    def get(self, iri: str, default=None):
        i = self.G.id_of(iri)
        return default if i is None else self.by_id.get(i, default)


class _Nodes(Mapping):
    """``G._node``: IRI → attributes, made on first touch."""

    def __init__(self, G: CompactGraph):
        self.G = G
        self.cache: dict[str, dict] = {}

    def attrs(self, i: int) -> dict:
        G = self.G
        category, cats, kind, category_label = G.catsets[int(G.arrays["catset"][i])]
        return {"label": G.labels[i], "category": category, "category_label": category_label,
                "categories": cats, "kind": kind}

    def __getitem__(self, iri: str) -> dict:
        got = self.cache.get(iri)
        if got is None:
            i = self.G.id_of(iri)
            if i is None:
                raise KeyError(iri)
            got = self.cache[iri] = self.attrs(i)
        return got

    def __contains__(self, iri) -> bool:
        return iri in self.cache or self.G.id_of(iri) is not None

    def __iter__(self) -> Iterator[str]:
        return (self.G.iris[i] for i in range(self.G.n))

    def __len__(self) -> int:
        return self.G.n


class _Adjacency(Mapping):
    """``G._succ`` / ``G._pred``: IRI → {neighbour IRI: {predicate IRI: edge attributes}}."""

    def __init__(self, G: CompactGraph, forward: bool):
        self.G, self.forward = G, forward
        self.cache: dict[str, dict] = {}

    def __getitem__(self, iri: str) -> dict:
        got = self.cache.get(iri)
        if got is None:
            G = self.G
            u = G.id_of(iri)
            if u is None:
                raise KeyError(iri)
            other = G.arrays["dst" if self.forward else "src"]
            got = {}
            for e in G.edges_of(u, self.forward).tolist():
                v = G.iri(int(other[e]))
                attrs = G.edge_attrs(e)
                got.setdefault(v, {})[attrs["predicate"]] = attrs
            self.cache[iri] = got
        return got

    def __contains__(self, iri) -> bool:
        return self.G.id_of(iri) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.G._node)

    def __len__(self) -> int:
        return self.G.n


def load(path: Path, version: str) -> CompactGraph | None:
    """The cached projection at ``path`` if it was built for this store ``version`` (else None)."""
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except (OSError, ValueError, KeyError):
        return None
    meta_raw = arrays.pop("meta", None)
    if meta_raw is None:
        return None
    meta = json.loads(meta_raw.tobytes().decode("utf-8"))
    if meta.get("format") != FORMAT or meta.get("version") != version:
        return None
    return CompactGraph(arrays, meta)


def _provenance(axioms: Iterable[dict]) -> dict[tuple, dict]:
    """``graph-axioms`` rows grouped by claim (subject, predicate, object): its source labels, the
    largest further-source count, the least hedge, asserter and direction, how many axioms."""
    out: dict[tuple, dict] = {}
    for r in axioms:
        key = (r["subject"], r["predicate"], r["object"])
        got = out.get(key)
        if got is None:
            got = out[key] = {"sources": set(), "furtherSources": 0, "axioms": set()}
        got["axioms"].add(r["axiom"])
        if r.get("sourceLabel"):
            got["sources"].add(r["sourceLabel"])
        if r.get("further"):
            got["furtherSources"] = max(got["furtherSources"], int(r["further"]))
        for k in ("hedge", "assertedBy", "effectDirection"):
            v = r.get(k)
            if v and (got.get(k) is None or v < got[k]):
                got[k] = v
    return out


def _iri(prefix: str, local: str) -> str:
    from ..vocab import PREFIXES

    return PREFIXES[prefix] + local


def build_streamed(pairs: Callable[..., Iterable[tuple[str, str]]], *, schema_triples: list,
                   version: str = "") -> CompactGraph:
    """The compact projection from one pass over the store's triples, predicate by predicate:
    ``pairs(predicate)`` (and ``pairs(predicate, object)``) yields the (subject, object) values
    of those triples, straight from the engine's index. The same inputs :func:`build` takes from
    the ``graph-*`` queries, gathered without a query's joins or result terms (at 10^6 triples
    the queries' rows cost more than loading the store)."""
    rdf_type, label = _iri("rdf", "type"), _iri("rdfs", "label")
    individuals = {s for s, _ in pairs(rdf_type, _iri("owl", "NamedIndividual"))}
    types: dict[str, set[str]] = {}
    for s, o in pairs(rdf_type):
        if s in individuals and o.startswith(NAMESPACE):
            types.setdefault(s, set()).add(o)
    properties = {s for s, _ in pairs(rdf_type, _iri("owl", "ObjectProperty"))}
    claim_of: dict[str, tuple] = {}  # axiom → the claim it annotates (all three ends given)
    ends: dict[str, dict] = {}
    for local, field in (("annotatedSource", "s"), ("annotatedProperty", "p"), ("annotatedTarget", "o")):
        for axiom, value in pairs(_iri("owl", local)):
            ends.setdefault(axiom, {})[field] = value
    provenance: dict[tuple, dict] = {}
    for axiom, e in ends.items():
        if len(e) == 3:
            key = claim_of[axiom] = (e["s"], e["p"], e["o"])
            got = provenance.setdefault(key, {"sources": set(), "furtherSources": 0, "axioms": set()})
            got["axioms"].add(axiom)
    del ends
    cited = [(claim_of[a], source) for a, source in pairs(_iri("dcterms", "source")) if a in claim_of]
    wanted = {source for _, source in cited}
    label_of: dict[str, str] = {}  # the least label of each individual and object property
    predicates: dict[str, str] = {}
    source_labels: dict[str, list[str]] = {}  # every label of a cited source
    for s, o in pairs(label):
        if s in individuals and (s not in label_of or o < label_of[s]):
            label_of[s] = o
        if s in properties and (s not in predicates or o < predicates[s]):
            predicates[s] = o
        if s in wanted:
            source_labels.setdefault(s, []).append(o)
    for key, source in cited:
        provenance[key]["sources"].update(source_labels.get(source, ()))
    for axiom, value in pairs(NAMESPACE + "furtherSourceCount"):
        if axiom in claim_of:
            got = provenance[claim_of[axiom]]
            got["furtherSources"] = max(got["furtherSources"], int(value))
    for field in ("hedge", "assertedBy", "effectDirection"):
        for axiom, value in pairs(NAMESPACE + field):
            if axiom in claim_of:
                got = provenance[claim_of[axiom]]
                if got.get(field) is None or value < got[field]:
                    got[field] = value
    claims = [{"subject": s, "predicate": p, "object": o} for p in sorted(properties) for s, o in pairs(p)]
    return build(claims=claims, nodes=[{"entity": e, "label": lab} for e, lab in label_of.items()], types=types,
                 predicates=predicates, schema_triples=schema_triples, provenance=provenance, version=version)


def build(*, claims: Iterable[dict], nodes: Iterable[dict], types: dict, predicates: dict[str, str],
          schema_triples: list, axioms: Iterable[dict] = (), version: str = "",
          provenance: dict[tuple, dict] | None = None) -> CompactGraph:
    """The compact projection from plain rows: ``claims`` (``graph-claims``: subject, predicate,
    object; a hand-made row may carry its own ``sources``), ``axioms`` (``graph-axioms``),
    ``nodes`` (``graph-nodes``: entity, label), ``types`` (entity → asserted class IRIs),
    ``predicates`` (object property → label) and the schema as triples. The same rules as
    :func:`~.projection.project_edges` over ``graph-edges``: both ends labelled and of a class of
    ours, the category the least most specific class; an unsourced edge restating a sourced one
    between the same two entities is left out."""
    from ..schema import SchemaModel

    schema_triples = sorted({tuple(t) for t in schema_triples})
    schema = SchemaModel(list(schema_triples))
    metagraph = Metagraph(schema, predicates)
    label_of: dict[str, str] = {}
    for r in nodes:
        label_of[r["entity"]] = r["label"]
    category_of: dict[str, str] = {}
    for iri, classes in types.items():
        mine = sorted(c for c in classes if c.startswith(NAMESPACE))
        if not mine:
            continue
        specific = [c for c in mine if not any(o != c and c in schema.ancestors(o, unions=False) for o in mine)]
        category_of[iri] = min(specific or mine)
    pred_ids = {p: i for i, p in enumerate(sorted(predicates))}
    if provenance is None:
        provenance = _provenance(axioms)
    none: dict = {}
    rows = []
    seen = set()
    for r in claims:
        s, p, o = r["subject"], r["predicate"], r["object"]
        if p not in pred_ids or s not in category_of or o not in category_of or s not in label_of \
                or o not in label_of or (s, p, o) in seen:
            continue
        seen.add((s, p, o))
        d = provenance.get((s, p, o), none)
        named = d.get("sources") or [x for x in (r.get("sources") or "").split(SEPARATOR) if x]
        rows.append((s, pred_ids[p], o, SEPARATOR.join(sorted(named)),
                     int(d.get("furtherSources") or r.get("furtherSources") or 0),
                     _code("hedge", d.get("hedge")), _code("asserted_by", d.get("assertedBy")),
                     _code("effect_direction", d.get("effectDirection")), len(d.get("axioms") or ())))
    del seen, provenance
    sourced = {(s, o) for s, _, o, src, *_ in rows if src}
    if sourced:  # an unsourced restatement (inverse, super-property) of a sourced claim goes
        rows = [r for r in rows if r[3] or ((r[0], r[2]) not in sourced and (r[2], r[0]) not in sourced)]
    used = sorted({r[0] for r in rows} | {r[2] for r in rows},
                  key=lambda x: (label_of[x] or local_name(x), x))
    ids = {x: i for i, x in enumerate(used)}
    catsets: list[list] = []
    node_catset = np.zeros(len(used), dtype=np.int32)
    closures: dict[tuple, int] = {}
    for i, x in enumerate(used):
        cat = category_of[x]
        key = (cat, tuple(sorted(types.get(x, ()))))
        j = closures.get(key)
        if j is None:
            cats = metagraph.closure(frozenset(set(types.get(x, ())) | {cat}))
            metagraph.add_classes(cats)
            j = closures[key] = len(catsets)
            catsets.append([cat, sorted(cats), metagraph.kind(cat), metagraph.label(cat)])
        node_catset[i] = j
    source_texts = sorted({row[3] for row in rows})  # sorted: the same file whatever order the rows came in
    source_ids = {text: i for i, text in enumerate(source_texts)}
    columns = list(zip(*rows)) or [()] * 9
    cols = {"src": np.array([ids[s] for s in columns[0]], dtype=np.int32),
            "dst": np.array([ids[o] for o in columns[2]], dtype=np.int32),
            "pred": np.array(columns[1], dtype=np.int16),
            "srcset": np.array([source_ids[x] for x in columns[3]], dtype=np.int32),
            "further": np.array(columns[4], dtype=np.int32), "hedge": np.array(columns[5], dtype=np.int8),
            "asserter": np.array(columns[6], dtype=np.int8), "effect": np.array(columns[7], dtype=np.int8),
            "axioms": np.minimum(np.array(columns[8], dtype=np.int64), 127).astype(np.int8)}
    pred_order = sorted(predicates)
    arrays = csr_arrays(cols, len(used))
    iris, labels, srcs = _Strings.of(used), _Strings.of([label_of[x] or local_name(x) for x in used]), \
        _Strings.of(source_texts)
    arrays.update(iri_blob=iris.blob, iri_off=iris.offsets, label_blob=labels.blob, label_off=labels.offsets,
                  src_blob=srcs.blob, src_off=srcs.offsets, catset=node_catset,
                  iri_order=np.array(sorted(range(len(used)), key=used.__getitem__), dtype=np.int32))
    meta = {"format": FORMAT, "version": version, "predicates": pred_order,
            "predicate_labels": [predicates[p] for p in pred_order], "catsets": catsets,
            "schema": [list(t) for t in schema_triples]}
    return CompactGraph(arrays, meta)


def csr_arrays(cols: dict, n: int) -> dict:
    """Edge columns sorted (source, target, predicate), with the out- and in-pointers of each node
    (public: the permutations rebuild a shuffled projection with it)."""
    order = np.lexsort((cols["pred"], cols["dst"], cols["src"]))
    out = {k: v[order] for k, v in cols.items()}
    src, dst = out["src"], out["dst"]
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=out_ptr[1:])
    in_edge = np.lexsort((out["pred"], src, dst)).astype(np.int64)
    in_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(dst, minlength=n), out=in_ptr[1:])
    out.update(out_ptr=out_ptr, out_edge=np.arange(src.size, dtype=np.int64), in_ptr=in_ptr, in_edge=in_edge)
    return out


__all__ = ["ASSERTERS", "CompactGraph", "DIRECTIONS", "FORMAT", "HEDGES", "build", "csr_arrays", "load"]
