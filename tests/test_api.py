"""The Python API as a notebook user meets it: categories named without building the projection, and
the lists that graph questions return shown as one table each in Jupyter (issue #19)."""

from __future__ import annotations

from html import escape

import pytest

import axialkg
from axialkg.errors import UsageError
from axialkg.graph import Metagraph

AXKG = "https://w3id.org/axialkg/"


def test_a_category_is_named_from_the_schema_without_the_projection():
    kg = axialkg.open()
    assert kg.category("jak inhibitor") == AXKG + "JAKInhibitor"
    assert kg.category("Imaging finding") == AXKG + "ImagingFinding"
    assert kg.category("axkg:Drug") == AXKG + "Drug"
    # a search kept to a class needs its IRI, not the projection
    hits = kg.search("osteosclerosis", category="imaging finding", limit=0)
    assert {h.label for h in hits} >= {"patchy osteosclerosis", "diffuse osteosclerosis"}
    assert {h.category for h in hits} == {"imaging finding"}
    assert kg._projection is None  # naming classes built nothing but the schema's table
    with pytest.raises(UsageError, match="no category 'JAK inhibiter'; did you mean: JAK inhibitor"):
        kg.category("JAK inhibiter")


def test_a_class_added_by_an_update_can_be_named():
    """The schema's table is read again after an update, as the projection and the search index are."""
    kg = axialkg.open()
    with pytest.raises(UsageError, match="no category 'pill organiser'"):
        kg.category("pill organiser")
    kg.update("INSERT DATA { axkg:PillOrganiser a owl:Class ; rdfs:label 'pill organiser' ; "
              "rdfs:subClassOf axkg:Intervention }")
    assert kg.category("pill organiser") == AXKG + "PillOrganiser"


def test_an_update_needs_no_prefix_lines_and_names_an_unknown_prefix(run):
    kg = axialkg.open()
    kg.update("INSERT DATA { axkg:pill-box a axkg:PreventiveMeasure ; rdfs:label 'pill box' }")
    assert kg.sparql("SELECT ?l WHERE { axkg:pill-box rdfs:label ?l }").column("l") == ["pill box"]
    with pytest.raises(UsageError, match=r"^unknown prefix 'foo:' \(declare it with PREFIX foo: <…>; these need no "
                                         r"declaration: axkg, biolink, "):
        kg.update("INSERT DATA { foo:x rdfs:label 'x' }")
    # the command line's --allow-update goes the same way: one line, exit 2, not the parser's dump
    code, out, err = run("sparql", "--allow-update", "INSERT DATA { axkg:x rdfs:label 'x' }")
    assert code == 0 and "update applied" in err
    code, out, err = run("sparql", "--allow-update", "INSERT DATA { foo:x rdfs:label 'x' }")
    assert code == 2 and err.startswith("axialkg: error: unknown prefix 'foo:'") and err.count("\n") == 1


def test_a_category_asked_of_an_empty_default_graph_points_to_the_named_graph():
    from axialkg.api import KnowledgeGraph
    from axialkg.stores import StoreSpec
    from axialkg.stores.embedded import OxigraphStore

    graph = "https://w3id.org/axialkg/graph/test"
    held = OxigraphStore.in_memory(graph=graph)
    kg = KnowledgeGraph(OxigraphStore(held.store, StoreSpec("memory")))  # the same data, asked without the graph
    with pytest.raises(UsageError) as exc:
        kg.category("Drug")
    message = str(exc.value)
    assert message.startswith("no category 'Drug': the queried graph holds no entities") and "\n" not in message
    assert f"pass --graph {graph}" in message
    assert KnowledgeGraph(held).category("Drug") == AXKG + "Drug"
    # a graph that holds the schema gives the plain error
    with pytest.raises(UsageError, match=r"^no category 'Drugg'; did you mean: Drug"):
        KnowledgeGraph(held).category("Drugg")


def test_the_schema_table_names_what_the_projection_names(kg):
    fresh = axialkg.open()
    from_schema = fresh._classes()
    assert fresh._projection is None
    from_projection = Metagraph.of(kg.projection()).classes
    assert from_schema == from_projection  # every class, its label and whether it is a union
    assert from_schema[AXKG + "JAKInhibitor"]["label"] == "JAK inhibitor"
    # once the projection exists its table is the one used: the two never disagree
    assert kg.category("molecular target") == fresh.category("molecular target") == AXKG + "MolecularTarget"


def test_paths_show_as_one_table(kg):
    paths = kg.paths("ruxolitinib", "axial osteosclerosis", limit=2)
    assert isinstance(paths, list) and len(paths) == 2
    html = paths._repr_html_()
    assert html.startswith("<table><caption>2 paths</caption>")
    assert ("<td>1</td><td>2</td><td>ruxolitinib -[treats]-&gt; myelofibrosis -[causes pattern]-&gt; axial osteosclerosis"
            "</td><td>FDA Access Data; American Journal of Roentgenology</td>") in html
    assert html.count("<tr>") == 3  # the head and one row per path
    assert paths[0]._repr_html_().count("<tr>") == 3  # one path: one row per hop


def test_metapaths_and_connections_show_as_tables(kg):
    counts = kg.metapaths("Drug", "radiological pattern", max_hops=2)
    html = counts._repr_html_()
    assert "<td>Drug -treats-&gt; Cause -causes pattern-&gt; RadiologicalPattern</td><td>2</td>" in html
    assert html.count("<tr>") == len(counts) + 1
    ranked = kg.connect(from_category="JAK inhibitor", target="myelofibrosis", max_hops=2)
    html = ranked._repr_html_()
    assert [c.source["label"] for c in ranked] == ["momelotinib", "ruxolitinib", "fedratinib"]
    assert "<td>1</td><td>momelotinib</td><td>myelofibrosis</td><td>2.571</td>" in html
    assert html.index("momelotinib") < html.index("ruxolitinib") < html.index("fedratinib")
    # the top path is the one that adds most to the pair's DWPC
    assert f"<td>{escape(str(ranked[1].paths[0]))}</td>" in html
