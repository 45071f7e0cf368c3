"""The compact projection (axialkg.graph.compact) against the networkx projection on the release:
the same nodes, edges, paths, metapath counts, DWPC and neighbourhoods; its cache beside an
on-disk store (reused, invalidated by a change); hedges and asserters per hop, --stated-only;
one connect score for a pair however it is asked."""

from __future__ import annotations

import pytest

import axialkg
from axialkg import graph as P  # noqa: N812 - P for the package, as test_paths names it
from axialkg.api import PROJECTION_CACHE
from axialkg.cli import main
from axialkg.graph import compact

AXKG = "https://w3id.org/axialkg/"
PAIRS = [("ruxolitinib", "axial osteosclerosis"), ("denosumab", "osteopetrosis"), ("JAK2", "back pain"),
         ("calcitriol", "renal osteodystrophy"), ("fluorosis", "spine")]
HOPS = ("hedge", "asserted_by", "effect_direction")  # the compact projection's own fields


@pytest.fixture(scope="module")
def kg():
    return axialkg.open()


@pytest.fixture(scope="module")
def nxg(kg):
    return kg.graph()


@pytest.fixture(scope="module")
def C(kg):  # noqa: N802 - a graph, as the graph code names them
    return kg.projection()


def plain(path) -> dict:
    """A path's record without the fields only the compact projection reads from the axioms."""
    d = path.to_dict()
    return {**d, "edges": [{k: v for k, v in e.items() if k not in HOPS} for e in d["edges"]]}


def test_same_nodes_and_edges_as_networkx(nxg, C):
    assert set(C.nodes) == set(nxg.nodes) and len(C) == nxg.number_of_nodes() > 300
    assert C.number_of_edges() == nxg.number_of_edges() > 600
    for n, attrs in nxg.nodes(data=True):
        got = C.nodes[n]
        assert {k: got[k] for k in attrs} == attrs, n
        for way in ("succ", "pred"):
            want = {(v, k, d["sources"], d["further_sources"]) for v, kd in getattr(nxg, way)[n].items()
                    for k, d in kd.items()}
            have = {(v, k, d["sources"], d["further_sources"]) for v, kd in getattr(C, way)[n].items()
                    for k, d in kd.items()}
            assert have == want, (n, way)
    assert "https://w3id.org/axialkg/no-such-entity" not in C


@pytest.mark.parametrize("source,target", PAIRS)
def test_same_paths_as_networkx(kg, nxg, C, source, target):
    s, t = kg.resolve(source), kg.resolve(target)
    for options in ({}, {"directed": True}, {"max_hops": 3, "via": [AXKG + "Mechanism"]}):
        want = [plain(p) for p in P.find_paths(nxg, s, t, limit=0, **options)]
        have = [plain(p) for p in P.find_paths(C, s, t, limit=0, **options)]
        assert have == want, options
    assert P.find_paths(C, s, t, limit=0), (source, target)


@pytest.mark.parametrize("a,b,hops", [("Drug", "RadiologicalPattern", 4), ("Cause", "Symptom", 3),
                                      ("MolecularTarget", "Cause", 4)])
def test_same_metapath_counts_as_networkx(kg, nxg, C, a, b, hops):
    a, b = kg.category(a), kg.category(b)
    want = [(str(m.metapath), m.count, m.exact) for m in P.count_metapaths(nxg, a, b, max_hops=hops)]
    for method in ("matrices", "walks"):
        have = [(str(m.metapath), m.count, m.exact) for m in P.count_metapaths(C, a, b, max_hops=hops, method=method)]
        assert have == want and len(have) > 3, method


def test_same_dwpc_as_networkx(kg, nxg, C):
    options = {"from_category": kg.category("Drug"), "target": kg.resolve("myelofibrosis"), "max_hops": 3}
    want = [(c.source["iri"], c.dwpc, [(str(m.metapath), m.count, m.dwpc) for m in c.metapaths])
            for c in P.connect(nxg, **options)]
    have = [(c.source["iri"], c.dwpc, [(str(m.metapath), m.count, m.dwpc) for m in c.metapaths])
            for c in P.connect(C, **options)]
    assert have == want and len(have) > 5


def test_same_neighbourhood_as_networkx(kg, nxg, C):
    center = kg.resolve("JAK2")
    for hops in (1, 2):
        want, have = P.neighborhood_of(nxg, center, hops), P.neighborhood_of(C, center, hops)
        assert sorted(have.nodes(data="distance")) == sorted(want.nodes(data="distance"))  # met in id order
        assert sorted(have.edges(keys=True)) == sorted(want.edges(keys=True))


def test_to_networkx_round_trip(nxg, C):
    back = C.to_networkx()
    assert sorted(back.edges(keys=True)) == sorted(nxg.edges(keys=True))


def test_cache_is_reused_and_invalidated_by_a_change(tmp_path, monkeypatch):
    spec = f"oxigraph:{tmp_path / 'store'}"
    with axialkg.open(spec) as kg:
        first = [str(p) for p in kg.paths("ruxolitinib", "axial osteosclerosis", limit=3)]
    cache = tmp_path / "store" / PROJECTION_CACHE
    assert cache.is_file()
    built = compact.build

    def refuse(**kw):
        raise AssertionError("rebuilt although the store did not change")

    monkeypatch.setattr(compact, "build", refuse)
    with axialkg.open(spec) as kg:  # same store: the cache answers
        assert [str(p) for p in kg.paths("ruxolitinib", "axial osteosclerosis", limit=3)] == first
        kg.update("PREFIX axkg: <https://w3id.org/axialkg/> INSERT DATA { axkg:ruxolitinib axkg:treats "
                  "axkg:axial-osteosclerosis }")
    monkeypatch.setattr(compact, "build", built)
    with axialkg.open(spec) as kg:  # the store changed: rebuilt, and the new claim is a path
        top = kg.paths("ruxolitinib", "axial osteosclerosis", limit=1)[0]
        assert str(top) == "ruxolitinib -[treats]-> axial osteosclerosis"
    cache.write_bytes(b"not a projection")  # a damaged cache is rebuilt, not an error
    with axialkg.open(spec) as kg:
        assert str(kg.paths("ruxolitinib", "axial osteosclerosis", limit=1)[0]) == str(top)
    assert compact.load(cache, "another version") is None


HEDGE = """PREFIX axkg: <https://w3id.org/axialkg/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
DELETE {{ ?a axkg:hedge ?h . ?a axkg:assertedBy ?w . ?a axkg:effectDirection ?d }}
INSERT {{ ?a axkg:hedge axkg:hedge-{hedge} ; axkg:assertedBy axkg:asserter-{who} ;
          axkg:effectDirection axkg:direction-suppresses }}
WHERE {{ ?a owl:annotatedSource axkg:ruxolitinib ; owl:annotatedProperty axkg:treats ;
           owl:annotatedTarget axkg:myelofibrosis .
         OPTIONAL {{ ?a axkg:hedge ?h }} OPTIONAL {{ ?a axkg:assertedBy ?w }} OPTIONAL {{ ?a axkg:effectDirection ?d }} }}"""


@pytest.mark.parametrize("hedge,who", [("possible", "article"), ("stated", "curator")])
def test_hedge_and_asserter_per_hop_and_stated_only(capsys, hedge, who):
    kg = axialkg.open()
    kg.update(HEDGE.format(hedge=hedge, who=who))
    top = kg.paths("ruxolitinib", "axial osteosclerosis", limit=1)[0]
    assert str(top) == "ruxolitinib -[treats]-> myelofibrosis -[causes pattern]-> axial osteosclerosis"
    assert (top.edges[0]["hedge"], top.edges[0]["asserted_by"], top.edges[0]["effect_direction"]) == \
        (hedge, who, "suppresses")
    assert top.edges[1]["hedge"] == "stated" and top.edges[1]["asserted_by"] == "article"  # absent: stated, article
    stated = kg.paths("ruxolitinib", "axial osteosclerosis", limit=0, stated_only=True)
    assert stated and all(not (e["predicate"] == AXKG + "treats" and p.nodes[1]["label"] == "myelofibrosis")
                          for p in stated for e in p.edges[:1])
    pair = kg.connect("ruxolitinib", "myelofibrosis", max_hops=1, stated_only=True)
    assert pair == []  # the only one-hop claim between them is hedged or inferred
    assert kg.connect("ruxolitinib", "myelofibrosis", max_hops=1)[0].path_count == 1


def test_cli_shows_hedges_and_leaves_them_out(capsys, monkeypatch):
    kg = axialkg.open()
    kg.update(HEDGE.format(hedge="limited-evidence", who="curator"))
    monkeypatch.setattr("axialkg.cli.paths.open_kg", lambda args: kg)
    monkeypatch.setattr("axialkg.cli.path.open_kg", lambda args: kg)
    assert main(["path", "ruxolitinib", "axial osteosclerosis", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "ruxolitinib | treats | myelofibrosis   [FDA Access Data +18 further]  " \
           "(suppresses; limited evidence; curator inference)" in out
    assert main(["path", "ruxolitinib", "axial osteosclerosis", "--limit", "1", "--stated-only"]) == 0
    assert "ruxolitinib | treats | myelofibrosis" not in capsys.readouterr().out


def test_connect_gives_one_score_however_asked(kg):
    def score(**ends):
        found = [c for c in kg.connect(max_hops=3, **ends)
                 if c.source["label"] == "ruxolitinib" and c.target["label"] == "myelofibrosis"]
        return found[0].dwpc

    asked = [score(source="ruxolitinib", target="myelofibrosis"), score(from_category="Drug", target="myelofibrosis"),
             score(from_category="JAK inhibitor", target="myelofibrosis"),
             score(source="ruxolitinib", to_category="Cause"), score(from_category="Intervention", to_category="Cause")]
    assert len(set(asked)) == 1 and asked[0] > 1


def test_permutations_keep_every_degree_and_judge_a_connection(kg, C):
    from collections import Counter

    def degrees(G, end):  # per node, predicate and the other end's kind: the metaedge degrees
        kinds = [G.catsets[c][2] for c in G.arrays["catset"].tolist()]
        a = G.arrays
        other = "dst" if end == "src" else "src"
        return Counter(zip(a[end].tolist(), a["pred"].tolist(), (kinds[i] for i in a[other].tolist())))

    H = P.permuted(C, seed=3)
    assert degrees(H, "src") == degrees(C, "src") and degrees(H, "dst") == degrees(C, "dst")
    assert (H.arrays["dst"] != C.arrays["dst"]).mean() > 0.5  # most edges moved
    pairs = set(zip(H.arrays["src"].tolist(), H.arrays["pred"].tolist(), H.arrays["dst"].tolist()))
    assert len(pairs) == H.number_of_edges() and not any(s == d for s, _, d in pairs)  # no duplicate, no loop
    found = kg.connect("ruxolitinib", "myelofibrosis", max_hops=2)
    for m in found[0].metapaths:  # the one-metapath DWPC is connect's
        assert P.metapath_dwpc(C, found[0].source["iri"], found[0].target["iri"], m.metapath) == \
            pytest.approx(m.dwpc)
    judged = kg.judge(found, permutations=30, seed=1)
    assert judged[0].permutations == 30 and 1 / 31 <= judged[0].p_value <= 1
    assert set(judged[0].p_values) == {str(m.metapath) for m in found[0].metapaths}
    assert kg.judge(found, permutations=30, seed=1)[0].p_values == judged[0].p_values  # seeded
    assert judged[0].to_dict()["permutations"] == 30


def test_cli_connect_states_the_permutations(capsys):
    assert main(["connect", "ruxolitinib", "myelofibrosis", "--max-hops", "2", "--permutations", "20"]) == 0
    out = capsys.readouterr().out
    assert "p-values against 20 degree-preserving permutations (seed 0)" in out and " p 0." in out


def _random_compact(seed: int, n: int = 8, m: int = 20):
    """A small dense graph of two kinds and two predicates: walks come back to their nodes in every
    way a metapath of up to four hops allows (triangles, squares, hubs)."""
    import random

    rng = random.Random(seed)
    kinds = {f"x:n{i}": AXKG + ("Drug" if i % 3 else "Cause") for i in range(n)}
    claims = {(f"x:n{rng.randrange(n)}", rng.choice(["x:p", "x:q"]), f"x:n{rng.randrange(n)}") for _ in range(m)}
    return compact.build(claims=[{"subject": s, "predicate": p, "object": o, "sources": "S"} for s, p, o in claims],
                         nodes=[{"entity": x, "label": x[2:]} for x in kinds], types={x: {c} for x, c in kinds.items()},
                         predicates={"x:p": "p", "x:q": "q"}, schema_triples=[])


@pytest.mark.parametrize("seed", [1, 2])
def test_matrix_counts_are_the_simple_path_counts(seed):
    """Sparse products with inclusion-exclusion (the compact projection) against the walk-by-walk
    recount (the same graph in networkx), up to four hops, both ways and directed; and the
    one-pair DWPC by degree-weighted products against walking its paths."""
    C = _random_compact(seed)
    N = C.to_networkx()
    for a, b in ((AXKG + "Drug", AXKG + "Cause"), (AXKG + "Drug", AXKG + "Drug")):
        for directed in (False, True):
            want = [(str(m.metapath), m.count, m.exact) for m in P.count_metapaths(N, a, b, max_hops=4, directed=directed)]
            have = [(str(m.metapath), m.count, m.exact)
                    for m in P.count_metapaths(C, a, b, max_hops=4, directed=directed, method="matrices")]
            assert have == want and len(have) > 10
    (s, t), checked = ("x:n1", "x:n3"), 0
    for c in P.connect(C, s, t, max_hops=4):
        for m in c.metapaths:
            assert P.metapath_dwpc(C, s, t, m.metapath, by_matrices=True) == pytest.approx(m.dwpc)
            checked += 1
    assert checked >= 3


def test_matrix_dwpc_is_connects_on_the_release(kg, C):
    found = kg.connect("calcitriol", "renal osteodystrophy", max_hops=4)
    scores = [(c, m) for c in found for m in c.metapaths]
    assert len(scores) > 20
    for c, m in scores:
        assert P.metapath_dwpc(C, c.source["iri"], c.target["iri"], m.metapath, by_matrices=True) == \
            pytest.approx(m.dwpc)
