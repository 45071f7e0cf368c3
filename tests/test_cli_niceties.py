"""The Python and command-line niceties: stats with subclasses, wide tables, Jupyter's HTML views,
progress bars only on a terminal, and the hint when the data sit in a named graph."""

from __future__ import annotations

import io
import json

import pytest

import axialkg
from axialkg import progress
from axialkg.api import KnowledgeGraph
from axialkg.errors import UsageError
from axialkg.results import HTML_ROWS, Results, Term
from axialkg.stores import StoreSpec
from axialkg.stores.embedded import OxigraphStore

AXKG = "https://w3id.org/axialkg/"
GRAPH = "http://example.org/axialkg-niceties"


# ---- stats -----------------------------------------------------------------------------------------
def test_stats_counts_subclass_members(kg):
    classes = {c["iri"]: c for c in kg.stats()["classes"]}
    assert classes[AXKG + "Drug"]["count"] == 14 and classes[AXKG + "Cause"]["count"] == 24
    assert classes[AXKG + "Cause"]["direct"] == 0  # every cause is asserted in a subclass
    drugs = set(kg.sparql("SELECT ?d WHERE { ?d a/rdfs:subClassOf* axkg:Drug ; a owl:NamedIndividual }").column("d"))
    assert len(drugs) == 14
    assert classes[AXKG + "JAKInhibitor"]["count"] == classes[AXKG + "JAKInhibitor"]["direct"] == 3
    assert all(c["count"] >= c["direct"] for c in classes.values())


def test_stats_cli(run):
    code, out, _ = run("stats")
    assert code == 0 and "entities by class (with subclasses; asserted directly)" in out
    line = next(x for x in out.splitlines() if x.strip().endswith("axkg:Cause  (cause)"))
    assert line.split()[:2] == ["24", "0"]
    doc = json.loads(run("stats", "--format", "json")[1])
    assert {"iri", "label", "count", "direct"} == set(doc["classes"][0])


# ---- tables ----------------------------------------------------------------------------------------
def test_wide_table_cuts_nothing(run, kg):
    definition = kg.entity("ruxolitinib").definition
    assert definition and len(definition) > 60
    q = "SELECT ?d WHERE { axkg:ruxolitinib obo:IAO_0000115 ?d }"
    code, narrow, _ = run("sparql", q)
    assert code == 0 and definition not in narrow and "…" in narrow
    code, wide, _ = run("sparql", q, "--wide")
    assert code == 0 and definition in wide and "…" not in wide
    code, wide, _ = run("query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--wide")
    assert code == 0 and "HSCT conditioning and supportive medicines" in wide


def test_tables_shorten_iris_with_the_converter(kg):
    """IRIs outside axkg: read as the display converter's CURIEs: HP:…, ORPHA:…, MESH:…, OMIM:…"""
    from axialkg.vocab import display_converter, short

    r = kg.sparql("SELECT ?c WHERE { ?e skos:relatedMatch|skos:narrowMatch|skos:exactMatch|skos:closeMatch ?c "
                  "FILTER(!STRSTARTS(STR(?c), STR(axkg:)) && !STRSTARTS(STR(?c), STR(biolink:))) }")
    iris = set(r.column("c"))
    shown = {short(i) for i in iris}
    assert {s.split(":")[0] for s in shown} >= {"HP", "ORPHA", "MESH", "OMIM"}
    for iri in iris:
        assert short(iri) == display_converter().compress(iri, passthrough=True)
    table = r.to_table(max_width=0)
    assert "HP:0100495" in table and "obo:HP_" not in table and "http://www.orpha.net" not in table
    code = kg.sparql("SELECT ?c WHERE { axkg:systemic-mastocytosis skos:narrowMatch ?c }").to_table()
    assert "ORPHA:98850" in code


# ---- Jupyter ---------------------------------------------------------------------------------------
def test_html_views(kg):
    html = kg.query("drugs-for-cause", cause="myelofibrosis")._repr_html_()
    assert html.startswith("<table><caption>") and "<td>ruxolitinib</td>" in html and "axkg:ruxolitinib" in html and "JAK inhibitor" in html
    info = kg.entity("Jakafi")._repr_html_()
    assert "<h4>ruxolitinib</h4>" in info and "Jakafi" in info and "<td>treats</td>" in info
    path = kg.paths("ruxolitinib", "axial osteosclerosis", limit=1)[0]._repr_html_()
    assert "<td>ruxolitinib</td><td>treats</td><td>myelofibrosis</td>" in path
    assert kg.search("Jakafi")[0]._repr_html_().count("<tr>") == 2
    assert Results.ask(True)._repr_html_() == "<p>true</p>"
    # text is escaped, long answers are capped
    many = Results(["x"], [{"x": Term.literal(f"<b>{i}</b>")} for i in range(HTML_ROWS + 5)])
    html = many._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;0&lt;/b&gt;" in html and "5 more rows" in html


# ---- progress --------------------------------------------------------------------------------------
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("AXIALKG_QUIET", raising=False)
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    with progress.steps("build", ["a", "b"]) as step:
        step("a")
        step("b")
    assert list(progress.track([1, 2], "chunks")) == [1, 2] and piped.getvalue() == ""
    tty = _Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    with progress.steps("build", ["graph", "write"]) as step:
        step("graph")
        step("write")
    assert "build" in tty.getvalue() and "write" in tty.getvalue()
    tty = _Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    with progress.counter("load", unit="chunk") as done:
        done(1, 3)
    assert "1/3" in tty.getvalue()
    for quiet in ("flag", "env"):
        tty = _Terminal()
        monkeypatch.setattr("sys.stderr", tty)
        if quiet == "flag":
            progress.set_quiet(True)
        else:
            monkeypatch.setenv("AXIALKG_QUIET", "1")
        try:
            assert sum(progress.track(range(4), "x")) == 6
        finally:
            progress.set_quiet(False)
        assert tty.getvalue() == ""


def test_commands_show_progress_on_a_terminal_only(monkeypatch, tmp_path):
    """export draws its stages on a terminal; --quiet (before or after the command) and a pipe draw none."""
    from axialkg.cli import main

    monkeypatch.delenv("AXIALKG_QUIET", raising=False)
    cases = [([], [], True), (["--quiet"], [], False), ([], ["--quiet"], False), ([], [], False)]
    for n, (before, after, drawn) in enumerate(cases):
        err = _Terminal() if n < 3 else io.StringIO()  # the last one is piped
        monkeypatch.setattr("sys.stderr", err)
        # N-Triples: the export whose stages are the same as Turtle's, in a quarter of its time
        code = main([*before, "export", "--format", "ntriples", "--out", str(tmp_path / f"g{n}.nt"), *after])
        progress.set_quiet(False)
        assert code == 0 and (tmp_path / f"g{n}.nt").stat().st_size > 1000
        assert ("write ntriples" in err.getvalue()) is drawn, err.getvalue()


# ---- the data are in a named graph -----------------------------------------------------------------
def test_empty_default_graph_points_to_the_named_graph():
    held = OxigraphStore.in_memory(graph=GRAPH)
    kg = KnowledgeGraph(OxigraphStore(held.store, StoreSpec("memory")))  # the same data, queried without a graph
    with pytest.raises(UsageError) as exc:
        kg.resolve("myelofibrosis")
    message = str(exc.value)
    assert message.startswith("no entity 'myelofibrosis': the queried graph holds no entities")
    assert f"<{GRAPH}> holds " in message and f"pass --graph {GRAPH}" in message and "\n" not in message
    # with the graph given, the name resolves; a graph that holds data gives the plain error
    assert KnowledgeGraph(held).resolve("myelofibrosis") == AXKG + "myelofibrosis"
    with pytest.raises(UsageError, match=r"^no entity 'myelofibrozis'; did you mean: myelofibrosis\?$"):
        axialkg.open().resolve("myelofibrozis")


def test_remote_server_hint(tmp_path_factory, run):
    from axialkg.resources import release_path
    from servers import OxigraphServer

    server = OxigraphServer(tmp_path_factory.mktemp("oxhint"))
    server.preload(release_path("ttl"), graph=GRAPH)
    with server.running():
        url = f"{server.url}/query"
        code, out, err = run("query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--store", url)
        assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1
        assert f"the named graph <{GRAPH}> holds " in err and f"; pass --graph {GRAPH}" in err
        code, out, _ = run("query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--store", url, "--graph", GRAPH)
        assert code == 0 and "ruxolitinib" in out
        code, out, err = run("search", "Janus kinase", "--store", url)
        assert (code, out) == (2, "") and err.startswith("axialkg: error: nothing found for 'Janus kinase': the queried graph")
        assert f"pass --graph {GRAPH}" in err
        # search answers over the remote store too
        code, out, _ = run("search", "Janus kinase", "--store", url, "--graph", GRAPH, "--format", "json")
        assert code == 0 and json.loads(out)["results"][0]["iri"] == AXKG + "jak1"
