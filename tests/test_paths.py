"""Graph-path questions: the projection, paths (the article's own answers), metapaths, DWPC,
neighbourhoods, GraphML, and the path/metapaths/connect/neighbors commands; the graph package's
rooms (imports, exports, doctests)."""

from __future__ import annotations

import ast
import doctest
import importlib
import json
import math
import os
import pkgutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import axialkg
from axialkg import graph as P  # noqa: N812 - P for the package, as the tests read
from axialkg.cli import main
from axialkg.cli.paths import flag_names
from axialkg.errors import UsageError
from axialkg.queries import internal
from axialkg.resources import release_path
from axialkg.schema import SchemaModel
from servers import OxigraphServer

AXKG = "https://w3id.org/axialkg/"
PATTERN = "axial osteosclerosis"
GRAPH = "https://w3id.org/axialkg/graph/test"


@pytest.fixture(scope="module")
def kg():
    return axialkg.open()


@pytest.fixture(scope="module")
def G(kg):  # noqa: N802 - G for the projection graph, as the graph code and literature name it
    return kg.graph()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def labels(path) -> list[str]:
    return [n["label"] for n in path.nodes]


def assert_valid(G, path, max_hops):
    """A path is simple, within bounds, and every hop is a real claim walked as it says, sourced unless
    it is a curator inference (which cites no article source, #15)."""
    iris = [n["iri"] for n in path.nodes]
    assert len(set(iris)) == len(iris), iris
    assert 1 <= path.hops == len(iris) - 1 <= max_hops
    for i, e in enumerate(path.edges):
        u, v = (iris[i], iris[i + 1]) if e["direction"] == P.FORWARD else (iris[i + 1], iris[i])
        assert e["direction"] in (P.FORWARD, P.BACKWARD)
        assert G.has_edge(u, v, e["predicate"]), (u, e["predicate"], v)
        assert e["sources"] or e["asserted_by"] == "curator", f"unsourced hop {u} {e['label']} {v}"
        assert e["sources"] == list(G.edges[u, v, e["predicate"]]["sources"])


# ---- the projection ---------------------------------------------------------------------------

def test_projection_is_the_claim_graph(kg, G):
    assert isinstance(G, nx.MultiDiGraph)
    assert kg.graph() is G  # built once per store
    rows = kg.query("graph-edges")
    assert G.number_of_edges() == len(rows) > 300
    assert {(r["subject"].value, r["object"].value, r["predicate"].value) for r in rows} == set(G.edges(keys=True))
    # schema and provenance stay out: no class, property, source or axiom is a node
    assert not any(n.startswith("_:") or n in G.graph["classes"] for n in G)
    assert AXKG + "treats" not in G and AXKG + "Drug" not in G
    rux = G.nodes[AXKG + "ruxolitinib"]
    assert rux["label"] == "ruxolitinib" and rux["category"] == AXKG + "JAKInhibitor"
    assert {AXKG + "JAKInhibitor", AXKG + "Drug", AXKG + "Intervention"} <= rux["categories"]
    assert rux["kind"] == AXKG + "Intervention"
    edge = G.edges[AXKG + "ruxolitinib", AXKG + "myelofibrosis", AXKG + "treats"]
    assert edge["label"] == "treats" and "FDA Access Data" in edge["sources"] and edge["further_sources"] >= 0


def test_every_claim_edge_is_sourced_but_the_curators_inferences(kg, G):
    unsourced = {(u, k, v) for u, v, k, d in G.edges(keys=True, data=True) if not d["sources"]}
    inferred = {(r["s"].value, r["p"].value, r["o"].value) for r in kg.sparql(
        "SELECT ?s ?p ?o WHERE { ?a owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;"
        " axkg:assertedBy axkg:asserter-curator }")}
    assert unsourced == inferred and len(inferred) >= 20


def test_projection_is_the_same_on_rdflib(G):
    other = axialkg.open("rdflib").graph()
    assert sorted(other.edges(keys=True)) == sorted(G.edges(keys=True))
    assert all(other.nodes[n] == G.nodes[n] for n in G)
    assert all(other.edges[e] == G.edges[e] for e in G.edges(keys=True))


def test_projection_is_the_same_from_a_remote_endpoint(G, tmp_path):
    server = OxigraphServer(tmp_path)
    server.preload(release_path("ttl"))
    server.preload(release_path("ttl"), graph=GRAPH)
    with server.running():
        remote = [axialkg.open(server.query_url, **kw).graph() for kw in ({}, {"graph": GRAPH})]
    for other in remote:
        assert sorted(other.edges(keys=True)) == sorted(G.edges(keys=True))
        assert all(other.nodes[n] == G.nodes[n] for n in G)
        assert all(other.edges[e] == G.edges[e] for e in G.edges(keys=True))


def test_project_edges_from_plain_rows():
    rows = [{"subject": "a", "predicate": "p", "object": "b", "subjectCategory": "X", "objectCategory": "Y",
             "sources": ["S1", "S2"], "furtherSources": "3"},
            {"subject": "b", "predicate": "q", "object": "c", "subjectLabel": "Bee", "sources": "S1; S3"},
            {"subject": "b", "predicate": "pinv", "object": "a", "sources": ""}]  # restates a sourced claim
    g = P.project_edges(rows)
    assert set(g.edges(keys=True)) == {("a", "b", "p"), ("b", "c", "q")}
    assert g.edges["a", "b", "p"]["sources"] == ("S1", "S2") and g.edges["a", "b", "p"]["further_sources"] == 3
    assert g.edges["b", "c", "q"]["sources"] == ("S1", "S3")
    assert g.nodes["b"]["label"] == "Bee" and g.nodes["a"]["kind"] == "X"


# ---- the article's answers -----------------------------------------------------------------------

@pytest.mark.parametrize("drug,cause", [
    ("ruxolitinib", "myelofibrosis"),
    ("cinacalcet", "renal osteodystrophy"),
    ("calcitriol", "renal osteodystrophy"),
    ("avapritinib", "systemic mastocytosis"),
    ("midostaurin", "systemic mastocytosis"),
])
def test_drug_reaches_pattern_through_its_cause_first(kg, G, drug, cause):
    found = kg.paths(drug, PATTERN, limit=5)
    assert labels(found[0]) == [drug, cause, PATTERN]
    assert [e["label"] for e in found[0].edges] == ["treats", "causes pattern"]
    assert [e["direction"] for e in found[0].edges] == [P.FORWARD, P.FORWARD]
    for p in found:
        assert_valid(G, p, 4)


def test_interferon_gamma_reaches_pattern_through_osteopetrosis(kg, G):
    found = kg.paths("interferon gamma-1b", PATTERN, max_hops=3, limit=0)
    assert found and found[0].hops == 2
    assert "osteopetrosis" in found[0].nodes[1]["label"]
    assert any(labels(p)[1:] == ["malignant infantile osteopetrosis", "osteopetrosis", PATTERN]
               or labels(p)[1:] == ["osteopetrosis", PATTERN] for p in found)
    assert kg.paths("interferon gamma-1b", "osteopetrosis", max_hops=2, limit=1)
    for p in found:
        assert_valid(G, p, 3)


def test_target_level_path_ruxolitinib_jak2_jak_stat_myelofibrosis(kg, G):
    found = kg.paths("ruxolitinib", "myelofibrosis", via=["MolecularTarget"], limit=0)
    target_level = [p for p in found if labels(p) == ["ruxolitinib", "JAK2", "JAK-STAT signalling", "myelofibrosis"]]
    assert len(target_level) == 1
    p = target_level[0]
    assert [(e["label"], e["direction"]) for e in p.edges] == [
        ("targets", P.FORWARD), ("participates in", P.FORWARD), ("has mechanism", P.BACKWARD)]
    assert_valid(G, p, 4)


def test_shortest_first_and_deterministic(kg, G):
    found = kg.paths("ruxolitinib", PATTERN, limit=0)
    assert len(found) > 20
    hops = [p.hops for p in found]
    assert hops == sorted(hops) and hops[0] == 2 and hops[-1] == 4
    assert [p.to_dict() for p in kg.paths("ruxolitinib", PATTERN, limit=0)] == [p.to_dict() for p in found]
    assert [p.to_dict() for p in kg.paths("ruxolitinib", PATTERN, limit=7)] == [p.to_dict() for p in found[:7]]
    for p in found:
        assert_valid(G, p, 4)


def test_every_hop_carries_the_claims_own_sources(kg):
    claims = {}
    for p in kg.paths("ruxolitinib", PATTERN, max_hops=3, limit=0):
        for i, e in enumerate(p.edges):
            a, b = p.nodes[i]["iri"], p.nodes[i + 1]["iri"]
            subj, obj = (a, b) if e["direction"] == P.FORWARD else (b, a)
            claims[(subj, e["predicate"], obj)] = e["sources"]
    assert len(claims) > 10
    for (subj, pred, obj), sources in claims.items():
        page = [c for c in kg.entity(subj).claims if c.direction == "out" and c.predicate == pred and c.other == obj]
        assert page and sorted({x for c in page for x in c.sources}) == sorted(sources)  # one row per section


@pytest.mark.parametrize("a,b", [("fedratinib", "myelofibrosis"), ("ruxolitinib", "axial-osteosclerosis")])
def test_paths_are_all_the_simple_paths(G, a, b):
    """Against networkx's own enumeration, both ways and forward only; ours walk edges, so a node
    sequence comes once per choice of parallel edges."""
    s, t = AXKG + a, AXKG + b
    und = nx.MultiGraph(G.to_undirected(as_view=False))
    for directed, graph in ((False, und), (True, G)):
        ours = Counter(tuple(nodes) for nodes, _ in P.iter_paths(G, s, t, max_hops=4, directed=directed))
        theirs = {tuple(p) for p in nx.all_simple_paths(graph, s, t, cutoff=4)}
        assert set(ours) == theirs and ours
        for nodes, count in ours.items():
            assert count == math.prod(graph.number_of_edges(u, v) for u, v in zip(nodes, nodes[1:]))


# ---- options -----------------------------------------------------------------------------------

def test_max_hops_bounds(kg):
    assert kg.paths("ruxolitinib", PATTERN, max_hops=1) == []
    two = kg.paths("ruxolitinib", PATTERN, max_hops=2, limit=0)
    assert two and {p.hops for p in two} == {2}
    three = kg.paths("ruxolitinib", PATTERN, max_hops=3, limit=0)
    assert {p.hops for p in three} == {2, 3} and [p.to_dict() for p in three[:len(two)]] == [p.to_dict() for p in two]
    for bad in (0, -1, 9, "4", 2.5, True):
        with pytest.raises(UsageError, match="max_hops"):
            kg.paths("ruxolitinib", PATTERN, max_hops=bad)


def test_directed_walks_edges_forward_only(kg):
    directed = kg.paths("ruxolitinib", "myelofibrosis", directed=True, limit=0)
    both = kg.paths("ruxolitinib", "myelofibrosis", limit=0)
    assert directed and all(e["direction"] == P.FORWARD for p in directed for e in p.edges)
    assert {json.dumps(p.to_dict()) for p in directed} < {json.dumps(p.to_dict()) for p in both}
    assert any(e["direction"] == P.BACKWARD for p in both for e in p.edges)
    # nothing runs from the pattern back to a drug
    assert kg.paths(PATTERN, "ruxolitinib", directed=True) == []
    assert kg.paths(PATTERN, "ruxolitinib", limit=1)[0].edges[0]["direction"] == P.BACKWARD


def test_via_category_by_name_label_or_superclass(kg, G):
    jak = kg.category("JAKInhibitor")
    assert jak == AXKG + "JAKInhibitor"
    assert kg.category("JAK inhibitor") == kg.category("jak inhibitor") == jak
    assert kg.category("axkg:JAKInhibitor") == jak
    assert kg.category("MOLECULAR TARGET") == AXKG + "MolecularTarget"
    by_class = kg.paths("myelofibrosis", "JAK2", via=["JAKInhibitor"], limit=0)
    by_super = kg.paths("myelofibrosis", "JAK2", via=["Drug"], limit=0)
    assert by_class and {"ruxolitinib", "fedratinib", "momelotinib"} <= {n["label"] for p in by_class for n in p.nodes}
    assert {json.dumps(p.to_dict()) for p in by_class} <= {json.dumps(p.to_dict()) for p in by_super}
    for p in by_class:
        assert any(jak in G.nodes[n["iri"]]["categories"] for n in p.nodes[1:-1])
    both = kg.paths("ruxolitinib", PATTERN, via=["MolecularTarget", "Mechanism"], limit=0)
    assert both and all({"MolecularTarget", "Mechanism"} <= {n["category"].rsplit("/", 1)[-1] for n in p.nodes[1:-1]}
                        for p in both)
    with pytest.raises(UsageError, match="did you mean: MolecularTarget"):
        kg.paths("ruxolitinib", PATTERN, via=["MolecularTargt"])


def test_avoid_entity(kg):
    found = kg.paths("ruxolitinib", PATTERN, avoid=["myelofibrosis"], limit=0)
    assert found and all("myelofibrosis" not in labels(p) for p in found)
    assert found[0].hops >= 3
    assert kg.paths("ruxolitinib", PATTERN, avoid=["MF"], limit=0) == found  # resolved like FROM and TO
    with pytest.raises(UsageError, match="cannot also be avoided"):
        kg.paths("ruxolitinib", PATTERN, avoid=["ruxolitinib"])


def test_faq_questions_are_stepped_around_unless_asked(kg, G):
    questions = [n for n, a in G.nodes(data=True) if AXKG + "Question" in a["categories"]]
    if not questions:
        pytest.skip("no FAQ questions in this release")
    default = kg.paths("ruxolitinib", PATTERN, limit=0)
    assert not any(n["iri"] in questions for p in default for n in p.nodes)
    everything = kg.paths("ruxolitinib", PATTERN, limit=0, avoid_categories=())
    assert any(n["iri"] in questions for p in everything for n in p.nodes)


# ---- metapaths ------------------------------------------------------------------------------

@pytest.mark.parametrize("first,last", [("Drug", "RadiologicalPattern"), ("Cause", "Cause")])
def test_metapath_counts_match_enumeration(kg, G, first, last):
    """Counted without enumerating, checked by enumerating; Cause to Cause repeats metanodes."""
    def members(cat):
        return [n for n, a in G.nodes(data=True) if AXKG + cat in a["categories"]]

    blocked = members("Question")
    expected = Counter()
    for a in members(first):
        for b in members(last):
            for nodes, steps in (P.iter_paths(G, a, b, max_hops=4, avoid=blocked) if a != b else ()):
                cats = (AXKG + first,) + tuple(G.nodes[n]["kind"] for n in nodes[1:-1]) + (AXKG + last,)
                expected[(cats, tuple(steps))] += 1
    got = kg.metapaths(first, last, max_hops=4)
    assert len(got) > 100
    assert {(m.metapath.categories, m.metapath.edges): m.count for m in got} == dict(expected)
    assert [m.count for m in got] == sorted((m.count for m in got), reverse=True)
    assert all(str(m.metapath).startswith(first + " ") and str(m.metapath).endswith(" " + last) for m in got)


def test_metapath_recount_budget_marks_walk_counts(kg, G):
    """On the networkx projection repeats are recounted path by path within a budget; the compact
    projection counts up to four hops by inclusion-exclusion, exact whatever the budget."""
    cause = kg.category("Cause")
    exact = {str(m.metapath): m for m in P.count_metapaths(G, cause, cause, max_hops=3)}
    capped = {str(m.metapath): m for m in P.count_metapaths(G, cause, cause, max_hops=3, recount_budget=0)}
    by_matrices = {str(m.metapath): (m.count, m.exact) for m in P.count_metapaths(
        kg.projection(), cause, cause, max_hops=3, recount_budget=0, method="matrices")}
    assert by_matrices == {k: (m.count, True) for k, m in exact.items()}
    assert all(m.exact for m in exact.values())
    inexact = [k for k, m in capped.items() if not m.exact]
    assert inexact and all(capped[k].count >= exact[k].count for k in inexact if k in exact)
    assert any(k in exact and capped[k].count > exact[k].count for k in inexact)  # walks that come back
    assert all(capped[k].count == m.count for k, m in exact.items() if capped[k].exact)


def test_drug_to_pattern_metapaths(kg):
    got = kg.metapaths("Drug", "radiological pattern", max_hops=2)
    assert any(str(m.metapath) == "Drug -treats-> Cause -causes pattern-> RadiologicalPattern" and m.count >= 6
               for m in got)


def test_metapath_with_a_repeated_metanode_counts_simple_paths_only():
    g = nx.MultiDiGraph()
    for n in ("c1", "c2", "c3"):
        g.add_node(n, label=n, category="Cause")
    g.add_node("m", label="m", category="Mechanism")
    for c in ("c1", "c2", "c3"):
        g.add_edge(c, "m", "hasMechanism", predicate="hasMechanism", label="has mechanism", sources=["S"])
    (only,) = P.count_metapaths(g, "Cause", "Cause", max_hops=2)
    # walks c→m→c' number 9; the 3 that come back to their start are not paths
    assert str(only.metapath) == "Cause -has mechanism-> Mechanism <-has mechanism- Cause" and only.count == 6


# ---- DWPC -----------------------------------------------------------------------------------------

@pytest.fixture
def tiny():
    """d1, d2 drugs; g1, g2 targets; c1 a cause.  d1→g1, d1→g2, d2→g2 (targets); g1→c1, g2→c1
    (associated); d2→c1 (treats)."""
    g = nx.MultiDiGraph()
    for n, cat in [("d1", "Drug"), ("d2", "Drug"), ("g1", "Target"), ("g2", "Target"), ("c1", "Cause")]:
        g.add_node(n, label=n, category=cat)
    for u, p, v in [("d1", "targets", "g1"), ("d1", "targets", "g2"), ("d2", "targets", "g2"),
                    ("g1", "associated", "c1"), ("g2", "associated", "c1"), ("d2", "treats", "c1")]:
        g.add_edge(u, v, p, predicate=p, label=p, sources=["hand"], further_sources=0)
    return g


def test_dwpc_by_hand(tiny):
    w = 0.4
    # d1-g1-c1: degrees d1 2 (targets), g1 1 (targeted by a drug), g1 1 (associated), c1 2 (targets associated)
    # d1-g2-c1: d1 2, g2 2, g2 1, c1 2
    expect = (2 * 1 * 1 * 2) ** -w + (2 * 2 * 1 * 2) ** -w
    assert P.pair_dwpc(tiny, "d1", "c1", max_hops=2) == {
        "Drug -targets-> Target -associated-> Cause": pytest.approx(expect)}
    # three hops add d1-g2-d2-c1: d1 2, g2 2 | g2 2 (drugs targeting it), d2 1 (its targets) | d2 1, c1 1 (treats)
    three = P.pair_dwpc(tiny, "d1", "c1", max_hops=3)
    assert three["Drug -targets-> Target <-targets- Drug -treats-> Cause"] == pytest.approx((2 * 2 * 2 * 1 * 1 * 1) ** -w)
    (c,) = P.connect(tiny, "d1", "c1", max_hops=3)
    assert c.dwpc == pytest.approx(expect + 8 ** -w) and c.path_count == 3
    assert [p.pdp for p in c.paths] == sorted((p.pdp for p in c.paths), reverse=True)
    assert labels(c.paths[0]) == ["d1", "g1", "c1"] and c.paths[0].pdp == pytest.approx(4 ** -w)


def test_dwpc_ranks_a_category(tiny):
    w = 0.4
    ranked = P.connect(tiny, from_category="Drug", target="c1", max_hops=2)
    assert [c.source["iri"] for c in ranked] == ["d2", "d1"]
    # d2: treats directly (1·1)^-w = 1, and d2-g2-c1: d2 1, g2 2, g2 1, c1 2
    assert ranked[0].dwpc == pytest.approx(1 + (1 * 2 * 1 * 2) ** -w)
    assert ranked[1].dwpc == pytest.approx((2 * 1 * 1 * 2) ** -w + (2 * 2 * 1 * 2) ** -w)
    assert P.connect(tiny, from_category="Drug", target="c1", max_hops=2, damping=0)[1].dwpc == 2  # plain counts


def test_damping_and_ends_are_checked(tiny):
    with pytest.raises(UsageError, match="each end"):
        P.connect(tiny, "d1", None)
    with pytest.raises(UsageError, match="each end"):
        P.connect(tiny, "d1", "c1", from_category="Drug")
    with pytest.raises(UsageError, match="damping"):
        P.connect(tiny, "d1", "c1", damping=-1)


def test_drugs_ranked_for_myelofibrosis(kg):
    ranked = kg.connect(from_category="Drug", target="myelofibrosis", max_hops=3)
    top3 = {c.source["label"] for c in ranked[:3]}
    assert top3 == {"ruxolitinib", "fedratinib", "momelotinib"}
    assert [c.dwpc for c in ranked] == sorted((c.dwpc for c in ranked), reverse=True)
    (pair,) = kg.connect("ruxolitinib", "myelofibrosis", max_hops=3)
    assert any(labels(p) == ["ruxolitinib", "myelofibrosis"] for p in pair.paths)
    assert pair.dwpc == pytest.approx(math.fsum(m.dwpc for m in pair.metapaths))


# ---- neighbourhoods and GraphML ----------------------------------------------------------------

def test_neighbors(kg):
    sub = kg.neighbors("JAK2", hops=1)
    names = {a["label"]: a["distance"] for _, a in sub.nodes(data=True)}
    assert names["JAK2"] == 0 and {"ruxolitinib", "fedratinib", "momelotinib", "JAK-STAT signalling"} <= set(names)
    assert set(names.values()) == {0, 1}
    assert sub.has_edge(kg.resolve("ruxolitinib"), kg.resolve("JAK2"), AXKG + "targets")
    two = kg.neighbors("JAK2", hops=2)
    assert "myelofibrosis" in {a["label"] for _, a in two.nodes(data=True)} and set(sub) < set(two)
    assert set(kg.neighbors("JAK2", hops=0)) == {kg.resolve("JAK2")}
    with pytest.raises(UsageError, match="hops"):
        kg.neighbors("JAK2", hops=-1)


def test_graphml_round_trip(kg, tmp_path, run):
    """``neighbors --graphml`` writes the neighbourhood with the export's GraphML writer (one writer:
    CURIE ids, '|'-joined lists), the same nodes, claims, sources and distances as the projection."""
    from axialkg.vocab import curie

    sub = kg.neighbors("myelofibrosis", hops=1)
    out = tmp_path / "mf.graphml"
    code, _, err = run("neighbors", "myelofibrosis", "--graphml", out)
    assert code == 0 and "wrote" in err
    back = nx.read_graphml(out, force_multigraph=True)
    assert isinstance(back, nx.MultiDiGraph)
    assert set(back.nodes) == {curie(n) for n in sub.nodes}
    assert sorted((u, v, d["predicate"]) for u, v, d in back.edges(data=True)) == \
        sorted((curie(u), curie(v), curie(k)) for u, v, k in sub.edges(keys=True))
    mf = back.nodes["axkg:myelofibrosis"]
    assert mf["label"] == "myelofibrosis" and "axkg:Cause" in mf["categories"].split("|") and mf["distance"] == 0
    for u, v, k, d in sub.edges(keys=True, data=True):
        (got,) = [e for e in back.get_edge_data(curie(u), curie(v)).values() if e["predicate"] == curie(k)]
        assert sorted(s for s in got["sources"].split("|") if s) == sorted(d["sources"]) and got["further_sources"] == d["further_sources"]
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left


def test_neighbors_cli_writes_whole_graph(capsys, tmp_path, G):
    """The whole graph as the export writes it: every entity (sources and article sections too, which
    the path projection leaves out as they are no claim's ends) and every claim edge."""
    code, out, err = run(capsys, "neighbors", "--all", "--graphml", str(tmp_path / "all.graphml"))
    assert code == 0 and out == "" and "wrote" in err
    back = nx.read_graphml(tmp_path / "all.graphml", force_multigraph=True)
    assert set(G.nodes) <= {AXKG + n.split(":", 1)[1] for n in back.nodes}
    assert back.number_of_edges() == G.number_of_edges()
    code, _, err = run(capsys, "neighbors", "JAK2", "--graphml", str(tmp_path / "no" / "x.graphml"))
    assert code == 2 and "no directory" in err and not (tmp_path / "no").exists()


# ---- the commands ----------------------------------------------------------------------------

def test_path_cli_json(capsys):
    code, out, _ = run(capsys, "path", "ruxolitinib", PATTERN, "--format", "json", "--limit", "3")
    assert code == 0
    doc = json.loads(out)
    first = doc["paths"][0]
    assert [n["label"] for n in first["nodes"]] == ["ruxolitinib", "myelofibrosis", PATTERN]
    assert {"iri", "label", "category"} <= set(first["nodes"][0]) and first["nodes"][0]["iri"] == AXKG + "ruxolitinib"
    assert {"predicate", "label", "direction", "sources"} <= set(first["edges"][0])
    assert first["edges"][0]["predicate"] == AXKG + "treats" and first["edges"][0]["direction"] == "forward"
    assert len(doc["paths"]) == 3 and doc["truncated"] is True


def test_path_cli_table_names_every_hop_and_source(capsys):
    code, out, _ = run(capsys, "path", "Jakafi", PATTERN, "--max-hops", "2")  # a brand name resolves
    assert code == 0
    assert "ruxolitinib -[treats]-> myelofibrosis -[causes pattern]-> axial osteosclerosis" in out
    assert "ruxolitinib | treats | myelofibrosis   [FDA Access Data" in out


@pytest.mark.parametrize("argv,message", [
    (["path", "ruxolitinib", "myelofibrozis"], "no entity 'myelofibrozis'; did you mean: myelofibrosis?"),
    (["path", "ruxolitnib", PATTERN], "did you mean: ruxolitinib"),
    (["path", "ruxolitinib", PATTERN, "--max-hops", "0"], "--max-hops must be"),
    (["path", "ruxolitinib", PATTERN, "--max-hops", "99"], "--max-hops must be"),
    (["path", "ruxolitinib", PATTERN, "--via", "JAK inhibiter"], "did you mean: JAK inhibitor"),
    (["path", "ruxolitinib", "ruxolitinib"], "same entity"),
    (["path", "ruxolitinib", PATTERN, "--limit", "-1"], "--limit"),
    (["metapaths", "Drugg", "Cause"], "no category 'Drugg'; did you mean: Drug"),
    (["connect", "ruxolitinib"], "name the end"),
    (["connect", "ruxolitinib", "myelofibrosis", "--from-category", "Drug"], "too many ends"),
    (["connect", "--from-category", "Drug", "--to", "myelofibrozis"], "did you mean: myelofibrosis"),
    (["neighbors", "JAK3"], "no entity 'JAK3'"),
    (["neighbors"], "name an ENTITY or give --all"),
])
def test_bad_input_is_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in err


def test_no_path_is_a_clear_empty_answer(capsys):
    code, out, err = run(capsys, "path", "ruxolitinib", "skeletal fluorosis", "--max-hops", "1")
    assert code == 0 and "no path from ruxolitinib" in out and "within 1 hop" in out
    code, out, err = run(capsys, "path", "ruxolitinib", "skeletal fluorosis", "--max-hops", "1", "--format", "json")
    assert code == 0 and json.loads(out)["paths"] == [] and "no path" in err


def test_metapaths_cli(capsys):
    code, out, _ = run(capsys, "metapaths", "Drug", "RadiologicalPattern", "--max-hops", "2", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    first = doc["metapaths"][0]
    assert first["metapath"] == "Drug -treats-> Cause -causes pattern-> RadiologicalPattern" and first["count"] >= 6
    assert all(m["hops"] == 2 for m in doc["metapaths"])
    code, out, _ = run(capsys, "metapaths", "drug", "radiological pattern", "--max-hops", "2")
    assert code == 0 and "Drug -treats-> Cause -causes pattern-> RadiologicalPattern" in out


def test_connect_cli(capsys):
    code, out, _ = run(capsys, "connect", "--from-category", "JAK inhibitor", "--to", "myelofibrosis",
                       "--max-hops", "2", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert {c["source"]["label"] for c in doc["connections"]} == {"ruxolitinib", "fedratinib", "momelotinib"}
    assert all(c["dwpc"] > 0 and c["paths"] and c["metapaths"] for c in doc["connections"])
    code, out, _ = run(capsys, "connect", "ruxolitinib", "myelofibrosis", "--max-hops", "2")
    assert code == 0 and "DWPC" in out and "ruxolitinib | treats | myelofibrosis" in out


def test_neighbors_cli_json(capsys):
    code, out, _ = run(capsys, "neighbors", "JAK2", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["center"] == axialkg.open().resolve("JAK2")
    assert {"ruxolitinib", "JAK-STAT signalling"} <= {n["label"] for n in doc["nodes"]}
    assert all(e["sources"] for e in doc["edges"])


# ---- the graph package's rooms ----------------------------------------------------------------

GRAPH_DIR = Path(P.__file__).parent
ABOVE = ("axialkg.api", "axialkg.stores", "axialkg.queries", "axialkg.names", "axialkg.cli", "axialkg.server",
         "axialkg.export")


def imports_from_above(source: str, module: str) -> list[str]:
    """The modules a graph module imports that lie above it in the flow (or resolve names)."""
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            target = ".".join(x for x in (base, node.module) if x)
            names = [target] + [f"{target}.{a.name}" for a in node.names]
        else:
            continue
        found += [n for n in names if n.startswith(ABOVE)]
    return found


def test_graph_package_imports_nothing_above_it():
    modules = sorted(GRAPH_DIR.glob("*.py"))
    assert len(modules) >= 10
    for path in modules:
        module = "axialkg.graph" + ("" if path.stem == "__init__" else "." + path.stem)
        if path.stem == "__init__":
            module += ".__init__"
        assert imports_from_above(path.read_text(encoding="utf-8"), module) == [], path.name
    # the check sees a face or a resolver imported into the package
    assert imports_from_above("from ..api import KnowledgeGraph", "axialkg.graph.search") == ["axialkg.api",
                                                                                            "axialkg.api.KnowledgeGraph"]
    assert imports_from_above("from .. import names", "axialkg.graph.search") == ["axialkg.names"]
    assert imports_from_above("import axialkg.stores.embedded", "axialkg.graph.search") == ["axialkg.stores.embedded"]


def shadowed(exports, modules) -> set:
    """Exported names that are also module names: after a lazy import they would mean the module."""
    return set(exports) & set(modules)


def test_no_exported_name_is_also_a_module():
    modules = {m.name for m in pkgutil.iter_modules(P.__path__)}
    assert shadowed(P.__all__, modules) == set()
    assert shadowed(["metapaths", "find_paths"], modules) == {"metapaths"}  # a clash is caught
    for name in P.__all__:  # each export is the thing, whatever was imported before
        assert not isinstance(getattr(P, name), type(P)), name
    assert P.dwpc.dwpc([0.5, 0.25]) == 0.75 and P.connect.__module__ == "axialkg.graph.connections"


def test_doctests_of_the_graph_package_and_the_api_graph_methods():
    from axialkg.api import KnowledgeGraph

    tried = 0
    for info in pkgutil.iter_modules(P.__path__):
        result = doctest.testmod(importlib.import_module(f"axialkg.graph.{info.name}"))
        assert result.failed == 0, info.name
        tried += result.attempted
    runner = doctest.DocTestRunner()
    for name in ("category", "paths", "metapaths", "connect", "neighbors"):
        (test,) = doctest.DocTestFinder().find(getattr(KnowledgeGraph, name), name, globs={})
        assert test.examples and runner.run(test).failed == 0, name
        tried += len(test.examples)
    assert tried > 30


# ---- the projection reads the schema model --------------------------------------------------------

def test_projection_takes_the_hierarchy_from_the_schema_model(kg, G):
    rows = kg.query("graph-edges")
    types: dict[str, set[str]] = {}
    for r in kg.store.query(internal("entity-types")):
        types.setdefault(r["entity"].value, set()).add(r["class"].value)
    schema = SchemaModel.from_results(kg.store.query(internal("schema")))
    same = P.project_edges(rows, schema=schema, types=types)
    assert all(same.nodes[n] == G.nodes[n] for n in G)
    # cut JAKInhibitor from Drug: the JAK inhibitors are no longer drugs, and stand for themselves
    link = (AXKG + "JAKInhibitor", "http://www.w3.org/2000/01/rdf-schema#subClassOf", AXKG + "Drug")
    cut = SchemaModel([t for t in schema.triples if t != link])
    assert len(cut.triples) == len(schema.triples) - 1
    broken = P.project_edges(rows, schema=cut, types=types)
    rux = broken.nodes[AXKG + "ruxolitinib"]
    assert AXKG + "Drug" not in rux["categories"] and rux["kind"] == AXKG + "JAKInhibitor"
    assert broken.nodes[AXKG + "denosumab"] == G.nodes[AXKG + "denosumab"]  # other drugs unchanged
    changed = sorted(n for n in G if broken.nodes[n] != G.nodes[n])
    assert changed and all(AXKG + "JAKInhibitor" in G.nodes[n]["categories"] for n in changed)


def test_metagraph_names_and_metaedges(G):
    mg = P.Metagraph.of(G)
    assert mg is G.graph["metagraph"] and mg.classes is G.graph["classes"]
    assert mg.kind(AXKG + "JAKInhibitor") == AXKG + "Intervention"
    assert mg.label(AXKG + "JAKInhibitor") == "JAK inhibitor"
    m = mg.metapath((AXKG + "Drug", AXKG + "Cause"), ((AXKG + "treats", P.FORWARD),))
    assert str(m) == "Drug -treats-> Cause"
    assert m.metaedges == (P.Metaedge(AXKG + "Drug", AXKG + "treats", P.FORWARD, AXKG + "Cause"),)
    assert m.metaedges[0].inverse == P.Metaedge(AXKG + "Cause", AXKG + "treats", P.BACKWARD, AXKG + "Drug")
    counts = P.metaedges(G)
    assert sum(counts.values()) == G.number_of_edges()
    treats = P.Metaedge(AXKG + "Intervention", AXKG + "treats", P.FORWARD, AXKG + "Cause")
    kinds = G.nodes(data="kind")
    assert counts[treats] == sum(1 for u, v, k in G.edges(keys=True) if k == AXKG + "treats"
                                 and kinds[u] == AXKG + "Intervention" and kinds[v] == AXKG + "Cause")
    assert counts[treats] > 10


# ---- connect walks the same paths as path ---------------------------------------------------------

def plain(path) -> str:
    return json.dumps({"nodes": path.nodes, "edges": path.edges}, sort_keys=True)


@pytest.mark.parametrize("a,b", [("ruxolitinib", "myelofibrosis"), ("calcitriol", "renal osteodystrophy")])
def test_connect_scores_the_paths_path_finds(kg, a, b):
    (pair,) = kg.connect(a, b, max_hops=4)
    found = kg.paths(a, b, max_hops=4, limit=0)
    assert len(found) == pair.path_count > 10
    assert Counter(map(plain, pair.paths)) == Counter(map(plain, found))


def test_connect_from_a_category_scores_each_pairs_paths(kg):
    ranked = kg.connect(from_category="JAK inhibitor", to_category="Cause", max_hops=3)
    assert len(ranked) > 5
    for c in ranked:  # paths may pass other causes on the way: those are paths of this pair too
        found = kg.paths(c.source["iri"], c.target["iri"], max_hops=3, limit=0)
        assert Counter(map(plain, c.paths)) == Counter(map(plain, found)), (c.source["label"], c.target["label"])


def test_dwpc_pure_functions(tiny):
    assert P.metaedge_degree(tiny, "d1", "targets", P.FORWARD, "Target", True) == 2
    assert P.metaedge_degree(tiny, "g2", "targets", P.BACKWARD, "Drug", True) == 2
    assert P.metaedge_degree(tiny, "c1", "associated", P.BACKWARD, "Target", False) == 2
    degrees = P.path_degrees(["d1", "g2", "c1"], [("targets", P.FORWARD), ("associated", P.FORWARD)],
                             ("Drug", "Target", "Cause"), P.Degrees(tiny))
    assert degrees == [(2, 2), (1, 2)]  # as test_dwpc_by_hand counts them
    assert P.path_degree_product(degrees, 0.4) == pytest.approx((2 * 2 * 1 * 2) ** -0.4)
    assert P.path_degree_product(degrees, 0) == 1.0
    assert P.dwpc.dwpc([0.1] * 10) == 1.0  # summed exactly, not 0.9999999999999999


# ---- errors name the parameter; the CLI names its flag ---------------------------------------------

def test_library_errors_name_the_parameter(kg, tiny):
    with pytest.raises(P.ParameterError, match=r"^max_hops must be a whole number from 1 to 8, not 0$"):
        kg.paths("ruxolitinib", PATTERN, max_hops=0)
    with pytest.raises(P.ParameterError, match=r"^limit must be 0 \(no limit\) or a positive whole number, not -1$"):
        kg.paths("ruxolitinib", PATTERN, limit=-1)
    with pytest.raises(P.ParameterError, match=r"^hops must be a whole number from 0 to 8, not 9$"):
        kg.neighbors("JAK2", hops=9)
    with pytest.raises(P.ParameterError, match=r"^max_hops must be"):
        kg.metapaths("Drug", "Cause", max_hops=9)
    with pytest.raises(P.ParameterError, match=r"^damping must be a number from 0 to 10, not -1$"):
        kg.connect("ruxolitinib", "myelofibrosis", damping=-1)
    with pytest.raises(P.ParameterError, match=r"^via takes a list, not a string$"):
        kg.paths("ruxolitinib", PATTERN, via="Drug")
    with pytest.raises(P.ParameterError, match=r"^avoid_categories takes a list"):
        P.find_paths(tiny, "d1", "c1", avoid_categories="Drug")
    with pytest.raises(UsageError, match="same entity"):
        P.find_paths(tiny, "d1", "d1")
    with pytest.raises(P.ParameterError, match=r"^more than 2 paths: ask with fewer max_hops") as caught:
        kg.connect("ruxolitinib", "myelofibrosis", max_paths=2)
    assert caught.value.exit_code == 1  # too much to answer, not a malformed question
    with pytest.raises(P.ParameterError, match=r"^more than 2 paths: ask with fewer --max-hops"):
        with flag_names():
            kg.connect("ruxolitinib", "myelofibrosis", max_paths=2)


@pytest.mark.parametrize("argv,message", [
    (["metapaths", "Drug", "Cause", "--max-hops", "0"], "--max-hops must be a whole number from 1 to 8, not 0"),
    (["metapaths", "Drug", "Cause", "--limit", "-2"], "--limit must be 0 (no limit)"),
    (["connect", "ruxolitinib", "myelofibrosis", "--max-hops", "9"], "--max-hops must be"),
    (["connect", "ruxolitinib", "myelofibrosis", "--paths", "-1"], "--paths must be 0 (no limit)"),
    (["connect", "ruxolitinib", "myelofibrosis", "--damping", "11"], "damping must be a number from 0 to 10"),
    (["neighbors", "JAK2", "--hops", "9"], "--hops must be a whole number from 0 to 8, not 9"),
])
def test_cli_errors_name_the_flag(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and err.startswith(f"axialkg: error: {message}")
    assert "max_hops" not in err


# ---- neighbourhoods -----------------------------------------------------------------------------

NEIGHBOURHOOD = """
import sys
from axialkg.cli import main
sys.exit(main(["neighbors", "myelofibrosis", "--hops", "2", "--graphml", sys.argv[1]]))
"""


def test_neighbourhood_is_the_same_every_run(kg, tmp_path):
    """Nodes in the order they are reached, edges in the projection's order: the same GraphML
    whatever the process's string hashing."""
    sub = kg.neighbors("myelofibrosis", 2)
    nodes = list(sub.nodes(data="distance"))
    assert nodes[0] == (kg.resolve("myelofibrosis"), 0) and [d for _, d in nodes] == sorted(d for _, d in nodes)
    here = None
    for seed in ("1", "2", "3"):
        out = tmp_path / f"seed{seed}.graphml"
        subprocess.run([sys.executable, "-c", NEIGHBOURHOOD, str(out)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        here = here or out.read_bytes()
        assert out.read_bytes() == here


def test_neighbourhood_of_an_entity_without_claims(kg, G):
    lone = kg.resolve("American Journal of Roentgenology")  # a source: cited, never a claim's end
    assert lone not in G
    sub = kg.neighbors(lone, hops=2)
    assert list(sub.nodes(data=True)) == [(lone, {"label": "American Journal of Roentgenology", "distance": 0,
                                                  "category": AXKG + "Source", "category_label": "source"})]
    assert sub.graph["center"] == lone and sub.number_of_edges() == 0
