"""The build: byte-identical rebuilds, atomic writes, Turtle and RDF/XML the same graph, loads everywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdfcompare import same_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from axialkg.build import ONTOLOGY_IRI, SourceTree, build_graph, check_release, render, write_release
from axialkg.cli import main
from axialkg.vocab import AXKG

ROOT = Path(__file__).resolve().parents[1]


def _build_in_subprocess(root: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "axialkg", "build", "--root", str(root)], check=True, env=env,
                   capture_output=True)
    return {p.name: p.read_bytes() for p in sorted((root / "ontology").glob("axialkg.*"))}


def test_committed_release_in_sync_with_curation():
    rendered = render(build_graph(SourceTree(ROOT)))
    assert check_release(rendered, ROOT / "ontology") == [], "run 'axialkg build' and commit the release"


def test_rebuilds_are_byte_identical_across_processes(source_tree):
    first = _build_in_subprocess(source_tree, "1")
    second = _build_in_subprocess(source_tree, "2024")
    assert set(first) == {"axialkg.owl", "axialkg.ttl"}
    assert first == second


def test_turtle_and_rdfxml_are_the_same_graph(release_graph):
    from axialkg.resources import release_path

    xml = Graph().parse(release_path("owl"), format="xml")
    assert len(xml) == len(release_graph) > 1000
    assert same_graph(xml, release_graph)


def test_ontology_header(release_graph):
    g = release_graph
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    version_iri = g.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert version_iri is not None and str(version_iri).startswith("https://w3id.org/axialkg/releases/")
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, DCTERMS.date):
        assert g.value(ONTOLOGY_IRI, p) is not None, p
    article = g.value(ONTOLOGY_IRI, DCTERMS.source)
    assert (article, RDF.type, AXKG.Article) in g
    assert g.value(article, DCTERMS.modified) == Literal("2025-10-15", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#date"))


def test_claims_carry_axioms_with_provenance(release_graph):
    g = release_graph
    rows = list(g.query("""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX axkg: <https://w3id.org/axialkg/>
        SELECT ?src ?sec ?n WHERE {
          ?ax a owl:Axiom ; owl:annotatedSource axkg:ruxolitinib ; owl:annotatedProperty axkg:targets ;
              owl:annotatedTarget axkg:jak2 ; dcterms:source ?src ; prov:wasDerivedFrom ?sec ;
              axkg:furtherSourceCount ?n .
        }"""))
    assert [(r.src, r.sec, r.n.toPython()) for r in rows] == [
        (AXKG["fda-access-data"], AXKG["section-drug-treatments"], 1)]


def test_failed_write_leaves_previous_release_untouched(tmp_path, monkeypatch):
    out = tmp_path / "ontology"
    out.mkdir()
    (out / "axialkg.ttl").write_bytes(b"old ttl")
    (out / "axialkg.owl").write_bytes(b"old owl")
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the second file fails mid-release
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(OSError):
        write_release({"ttl": b"new ttl", "owl": b"new owl"}, out)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (out / "axialkg.ttl").read_bytes() == b"old ttl"
    assert (out / "axialkg.owl").read_bytes() == b"old owl"
    assert sorted(p.name for p in out.iterdir()) == ["axialkg.owl", "axialkg.ttl"]


def test_build_check_detects_drift(source_tree, capsys):
    assert main(["build", "--root", str(source_tree)]) == 0
    assert main(["build", "--root", str(source_tree), "--check"]) == 0
    ttl = source_tree / "ontology" / "axialkg.ttl"
    ttl.write_bytes(ttl.read_bytes() + b"\n# hand edit\n")
    capsys.readouterr()
    assert main(["build", "--root", str(source_tree), "--check"]) == 1
    err = capsys.readouterr().err
    assert "release out of date" in err and "axialkg.ttl" in err and "Traceback" not in err


def test_release_loads_in_pyoxigraph_and_owlready2():
    import owlready2
    import pyoxigraph

    from axialkg.resources import release_path

    store = pyoxigraph.Store()
    store.load(path=str(release_path("ttl")), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) > 1000
    if shutil.which("java") is None:
        pytest.fail("java is required to run HermiT")
    world = owlready2.World()
    onto = world.get_ontology(release_path("owl").as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    assert list(world.inconsistent_classes()) == []
    rux = onto.search_one(iri=str(AXKG.ruxolitinib))
    assert rux is not None and {c.name for c in rux.is_a} >= {"JAKInhibitor"}


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("axialkg ")
