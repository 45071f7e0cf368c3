"""Whole-release invariants: every claim sourced, no orphans, unique labels, own words."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from axialkg.vocab import AXKG, DCTERMS, DEFINITION

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "source" / "axial-osteosclerosis-article.txt"
NGRAM = 8


def _entities(g):
    return {s for s in g.subjects(RDF.type, OWL.NamedIndividual) if isinstance(s, URIRef)}


def _entity_claims(g):
    """Asserted object-property triples between two named individuals of ours."""
    ents = _entities(g)
    props = {p for p in g.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(str(AXKG))}
    return [(s, p, o) for s, p, o in g if p in props and s in ents and o in ents]


def test_every_entity_claim_has_a_sourced_axiom(release_graph):
    """Sourced by the article, or a curator inference with its reason."""
    g = release_graph
    sourced = set()
    for ax in g.subjects(RDF.type, OWL.Axiom):
        inferred = (g.value(ax, AXKG.assertedBy) == AXKG["asserter-curator"]
                    and g.value(ax, AXKG.inferenceReason) is not None)
        if g.value(ax, DCTERMS.source) is not None or inferred:
            sourced.add((g.value(ax, OWL.annotatedSource), g.value(ax, OWL.annotatedProperty),
                         g.value(ax, OWL.annotatedTarget)))
    claims = _entity_claims(g)
    assert len(claims) > 20
    unsourced = [c for c in claims if c not in sourced]
    assert unsourced == [], f"{len(unsourced)} claims without a dcterms:source axiom, e.g. {unsourced[:3]}"


def test_every_entity_has_label_and_definition(release_graph):
    g = release_graph
    for e in _entities(g):
        assert len(list(g.objects(e, RDFS.label))) == 1, f"{e}: needs exactly one label"
        assert len(list(g.objects(e, DEFINITION))) == 1, f"{e}: needs exactly one definition"


def test_no_orphan_entities(release_graph):
    """Every entity takes part in a claim, or (sources, sections, the article) in provenance; an obsolete
    entity takes part in nothing (it only points at its replacement)."""
    g = release_graph
    linked = set(g.subjects(OWL.deprecated, Literal(True)))
    for s, p, o in _entity_claims(g):
        linked |= {s, o}
    for ax in [*g.subjects(RDF.type, OWL.Axiom), *g.subjects(RDF.type, OWL.Annotation)]:
        linked |= set(g.objects(ax, DCTERMS.source)) | set(g.objects(ax, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    linked |= set(g.objects(None, DCTERMS.source))
    orphans = sorted(str(e) for e in _entities(g) if e not in linked)
    assert orphans == []


def test_labels_unique_within_each_class(release_graph):
    g = release_graph
    seen = defaultdict(set)
    for e in _entities(g):
        label = str(g.value(e, RDFS.label)).casefold()
        for cls in g.objects(e, RDF.type):
            if cls != OWL.NamedIndividual:
                seen[(cls, label)].add(e)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert clashes == {}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold().replace("’", "'"))


@pytest.fixture(scope="module")
def article_ngrams() -> set[tuple[str, ...]]:
    if not ARTICLE.is_file():
        pytest.fail(f"source article not found at {ARTICLE}")
    words = _words(ARTICLE.read_text(encoding="utf-8"))
    return {tuple(words[i:i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def test_no_literal_copies_eight_words_of_the_article(release_graph, article_ngrams):
    copied = []
    for s, p, o in release_graph:
        if isinstance(o, Literal) and isinstance(o.value, str) or (isinstance(o, Literal) and o.datatype is None):
            words = _words(str(o))
            for i in range(len(words) - NGRAM + 1):
                if tuple(words[i:i + NGRAM]) in article_ngrams:
                    copied.append((str(s), " ".join(words[i:i + NGRAM])))
                    break
    assert copied == [], f"{len(copied)} literals copy the article, e.g. {copied[:3]}"


def test_copy_check_catches_a_copied_sentence(article_ngrams):
    """Mutation: a sentence lifted from the article must be caught by the same check."""
    lifted = "Axial osteosclerosis means the bones of the axial skeleton become extra dense and hard."
    words = _words(lifted)
    assert any(tuple(words[i:i + NGRAM]) in article_ngrams for i in range(len(words) - NGRAM + 1))


def test_copy_check_catches_an_eight_word_run_in_a_label(article_ngrams):
    """Mutation: the label that once lifted eight words ('very high oxalate foods with low calcium
    intake') is caught; its rewording is not."""
    for label, caught in (("very high-oxalate foods with low calcium intake", True),
                          ("very high-oxalate foods eaten with little calcium", False)):
        words = _words(label)
        assert any(tuple(words[i:i + NGRAM]) in article_ngrams
                   for i in range(len(words) - NGRAM + 1)) is caught, label


def test_the_release_describes_itself_as_a_dataset(kg):
    """axkg:dataset is a VoID and DCAT dataset whose counts are those of the release itself."""
    def one(q):
        return int(kg.sparql(q).rows[0]["n"].value)

    said = {r["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: r["o"].value
            for r in kg.sparql("SELECT ?p ?o WHERE { axkg:dataset ?p ?o }")}
    assert int(said["triples"]) == one("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(said["classes"]) == one("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a owl:Class }")
    assert int(said["entities"]) == one("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a owl:NamedIndividual }")
    assert int(said["properties"]) == one("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")
    assert said["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert kg.sparql("ASK { axkg:dataset a void:Dataset, dcat:Dataset ; dcterms:source axkg:source-article, "
                     "axkg:hpo-annotations ; dcat:version ?v ; void:dataDump ?d }").boolean
