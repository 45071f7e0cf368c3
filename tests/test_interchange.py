"""The exports, read by the tools their communities check them with, offline: ``kgx validate`` and bmt
(against the model of the ``biolink-model`` package, not the download both default to) on the KGX sinks;
pronto and the OWL API's Rust port (py-horned-owl) on the release's RDF/XML."""

from __future__ import annotations

import csv
import json
import warnings
from importlib import resources

import pytest
from rdflib import Graph

import axialkg
from axialkg import export as ex
from axialkg.export import kgx as kgx_sink
from axialkg.export.source import Edge
from axialkg.vocab import AXKG, OWL, RDF, RDFS

SCHEMA = resources.files("biolink_model") / "schema" / "biolink_model.yaml"
OFFLINE_MAP = {"predicate mappings": []}  # bmt fetches its predicate map unless given one


@pytest.fixture(scope="module")
def toolkit():
    """bmt on the packaged Biolink Model; kgx makes its own Toolkit at import, so the default is set first."""
    bmt = pytest.importorskip("bmt")
    bmt.Toolkit.__init__.__defaults__ = (str(SCHEMA), OFFLINE_MAP)
    return bmt.Toolkit()


@pytest.fixture(scope="module")
def validator(toolkit):
    """A kgx Validator with Biolink's prefix map from the package and our published prefixes."""
    pytest.importorskip("kgx")
    import kgx.config
    import kgx.utils.kgx_utils

    context = json.loads((resources.files("biolink_model") / "prefixmaps" / "biolink-model-prefix-map.json")
                         .read_text("utf-8"))
    kgx.config.jsonld_context_map["biolink"] = context
    kgx.utils.kgx_utils._default_toolkit = toolkit
    from kgx.validator import Validator

    Validator._currently_active_toolkit = toolkit

    def run(directory, fmt: str, prefixes=kgx_sink.PREFIXES) -> dict:
        from kgx.transformer import Transformer

        v = Validator()
        v.prefixes |= set(prefixes)
        files = [str(directory / f"nodes.{fmt}"), str(directory / f"edges.{fmt}")]
        Transformer(stream=True).transform(input_args={"filename": files, "format": fmt},
                                           output_args={"format": "null"}, inspector=v)
        return v.get_errors()

    return run


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    kg = axialkg.open()
    out = tmp_path_factory.mktemp("interchange")
    for fmt in ("kgx", "kgx-jsonl"):
        ex.export(fmt, out / fmt, kg=kg)
    return out


def _count(errors: dict) -> int:
    return sum(len(ids) for types in errors.values() for msgs in types.values() for ids in msgs.values())


@pytest.mark.parametrize("fmt, files", [("kgx", "tsv"), ("kgx-jsonl", "jsonl")])
def test_kgx_validate_reports_no_errors(exported, validator, fmt, files):
    errors = validator(exported / fmt, files)
    assert _count(errors) == 0, errors


def test_kgx_validate_names_an_unpublished_prefix(exported, validator):
    """Without the prefixes the export publishes, kgx counts every ungrounded node; the grounded ones pass."""
    errors = validator(exported / "kgx", "tsv", prefixes=())
    text = json.dumps(errors)
    assert _count(errors) > 0 and "prefix 'axkg'" in text and "value 'DRUGBANK:" not in text
    assert json.loads((exported / "kgx" / "prefixes.json").read_text())["@context"]["axkg"] == str(AXKG)


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def violations(toolkit, nodes: dict[str, list[str]], edges: list[dict]) -> list[tuple]:
    """Edges whose subject lies outside their predicate's domain or object outside its range (bmt)."""
    out = []
    for e in edges:
        element = toolkit.get_element(e["predicate"])
        for end, bound in (("subject", element.domain), ("object", element.range)):
            if bound and not any(toolkit.get_element(bound).name in toolkit.get_ancestors(c, mixin=True)
                                 for c in nodes[e[end]]):
                out.append((e["id"], e["predicate"], end, bound))
    return out


def test_kgx_edges_lie_in_their_predicates_domain_and_range(exported, toolkit):
    nodes = {r["id"]: r["category"].split("|") for r in _rows(exported / "kgx" / "nodes.tsv")}
    edges = _rows(exported / "kgx" / "edges.tsv")
    assert violations(toolkit, nodes, edges) == []
    # the aligned predicate where it fits; where its domain leaves out the subject, Biolink's predicate for
    # that relation from the subject's category
    by_original = {(e["original_predicate"], e["predicate"]) for e in edges}
    assert ("axkg:treats", "biolink:treats") in by_original and ("axkg:treats", "biolink:affects") in by_original
    assert ("axkg:participatesIn", "biolink:participates_in") not in by_original
    assert ("axkg:participatesIn", "biolink:actively_involved_in") in by_original
    assert ("axkg:hasMechanism", "biolink:disease_has_basis_in") in by_original
    assert "biolink:related_to_at_instance_level" not in {p for _, p in by_original}
    # mutation: the aligned predicate put back on those edges is caught, naming the edge
    reverted = [dict(e, predicate="biolink:participates_in") if e["original_predicate"] == "axkg:participatesIn"
                else e for e in edges]
    bad = violations(toolkit, nodes, reverted)
    assert bad and all(b[1] == "biolink:participates_in" and b[2] == "subject" for b in bad)


def test_grounded_nodes_take_the_standard_curie(exported):
    nodes = {r["iri"]: r for r in _rows(exported / "kgx" / "nodes.tsv")}
    assert nodes[str(AXKG.ruxolitinib)]["id"] == "DRUGBANK:DB08877"
    ids = [r["id"] for r in nodes.values()]
    assert len(ids) == len(set(ids))
    # every non-axkg id is one of the node's own cross-references, as Biolink spells it
    for r in nodes.values():
        if not r["id"].startswith("axkg:"):
            assert r["id"] in r["xref"].split("|"), r
    assert any(r["id"].startswith("ORDO:Orphanet_") for r in nodes.values()) or not any(
        x.startswith("ORDO:") for r in nodes.values() for x in r["xref"].split("|"))


def test_jsonl_carries_the_tsv_records(exported):
    tsv = {r["id"]: r for r in _rows(exported / "kgx" / "edges.tsv")}
    lines = (exported / "kgx-jsonl" / "edges.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == len(tsv)
    for line in lines:
        e = json.loads(line)
        row = tsv[e["id"]]
        assert (e["subject"], e["predicate"], e["object"]) == (row["subject"], row["predicate"], row["object"])
        assert "|".join(e.get("publications", [])) == row["publications"]


def _edge(**kw) -> Edge:
    base = dict(subject="s", predicate="p", object="o", subject_label="", predicate_label="", object_label="",
                biolink="", source_labels=[], sources=[], further=0, sections=[])
    return Edge(**{**base, **kw})


@pytest.mark.parametrize("hedges, asserters, level", [
    ([], [], "knowledge_assertion"),  # absent: stated by the article
    ([AXKG["hedge-stated"]], [AXKG["asserter-article"]], "knowledge_assertion"),
    ([AXKG["hedge-limited-evidence"]], [AXKG["asserter-article"]], "knowledge_assertion"),
    ([AXKG["hedge-selected-cases"]], [], "knowledge_assertion"),
    ([AXKG["hedge-possible"]], [AXKG["asserter-article"]], "prediction"),
    ([AXKG["hedge-stated"]], [AXKG["asserter-curator"]], "logical_entailment"),
])
def test_knowledge_level_follows_hedge_and_asserter(hedges, asserters, level):
    e = _edge(hedges=[str(h) for h in hedges], asserters=[str(a) for a in asserters])
    assert kgx_sink.knowledge_level(e) == level


# ---- OWL readers on the release --------------------------------------------------------------------
@pytest.fixture(scope="module")
def release_owl():
    path = resources.files("axialkg") / "data" / "axialkg.owl"
    if not path.is_file():
        from pathlib import Path

        path = Path(__file__).resolve().parents[1] / "ontology" / "axialkg.owl"
    return path


@pytest.fixture(scope="module")
def owl_classes(release_owl):
    g = Graph().parse(str(release_owl), format="xml")
    return {str(c) for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(str(AXKG))}, g


def test_pronto_reads_every_class_of_the_release(release_owl, owl_classes):
    pronto = pytest.importorskip("pronto")
    classes, g = owl_classes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pronto warns on annotation properties it does not model
        ont = pronto.Ontology(str(release_owl))
    assert {t.id for t in ont.terms() if t.id.startswith(str(AXKG))} == classes
    jak = ont[str(AXKG.JAKInhibitor)]
    assert jak.name == str(g.value(AXKG.JAKInhibitor, RDFS.label))
    assert str(AXKG.Drug) in {t.id for t in jak.superclasses(distance=1)}


def test_horned_owl_reads_classes_and_individuals(release_owl, owl_classes):
    pyhornedowl = pytest.importorskip("pyhornedowl")
    classes, g = owl_classes
    onto = pyhornedowl.open_ontology(str(release_owl), "owl")
    assert {c for c in onto.get_classes() if c.startswith(str(AXKG))} == classes
    individuals = {str(i) for i in g.subjects(RDF.type, OWL.NamedIndividual)}
    assert set(onto.get_named_individuals()) == individuals


# ---- OBO -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def obo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("obo") / "axialkg.obo"
    ex.export("obo", path, kg=axialkg.open())
    return path


def test_obo_export_parses_in_fastobo_with_every_class_property_and_entity(obo_file, owl_classes):
    fastobo = pytest.importorskip("fastobo")
    classes, g = owl_classes
    doc = fastobo.load(str(obo_file))  # strict OBO 1.4 syntax; its instance frames expose no id, so count
    kinds = [type(f).__name__ for f in doc]
    terms = {str(f.id) for f in doc if type(f).__name__ == "TermFrame"}
    assert terms == {"axkg:" + c.removeprefix(str(AXKG)) for c in classes}
    individuals = {str(i) for i in g.subjects(RDF.type, OWL.NamedIndividual) if (i, RDFS.label, None) in g}
    assert kinds.count("InstanceFrame") == len(individuals)
    rux = obo_file.read_text("utf-8").split("\nid: axkg:ruxolitinib\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert "property_value: axkg:treats axkg:myelofibrosis" in rux and "instance_of: axkg:JAKInhibitor" in rux


def test_obo_export_reads_in_pronto(obo_file):
    pronto = pytest.importorskip("pronto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ont = pronto.Ontology(str(obo_file))
    assert "axkg:Drug" in {t.id for t in ont["axkg:JAKInhibitor"].superclasses(distance=1)}
    assert ont.get_relationship("axkg:treats").name == "treats"
