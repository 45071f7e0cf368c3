"""Near-duplicate entries are merged OBO-style: the old IRIs stay, marked obsolete with 'term replaced
by', and every statement lives on the entity that replaces them, so links from other graphs still land."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from axialkg.vocab import AXKG, DCTERMS, EXACT_SYNONYM

TERM_REPLACED_BY = URIRef("http://purl.obolibrary.org/obo/IAO_0100001")
MERGED = {"reduced-flexibility": "spine-stiffness", "spinal-tenderness-on-palpation": "bone-tenderness"}


@pytest.mark.parametrize("old,new", sorted(MERGED.items()))
def test_a_merged_iri_is_obsolete_and_points_at_its_replacement(release_graph, old, new):
    g, o = release_graph, AXKG[old]
    assert (o, OWL.deprecated, Literal(True)) in g
    assert set(g.objects(o, TERM_REPLACED_BY)) == {AXKG[new]} == set(g.objects(o, DCTERMS.isReplacedBy))
    assert str(g.value(o, RDFS.label)).startswith("obsolete ")
    assert set(g.objects(o, RDF.type)) == {OWL.NamedIndividual}  # an obsolete term keeps no class
    # nothing is said of it any more: no claim, no axiom, no cross-reference
    assert not [t for t in g.triples((None, None, o)) if t[1] not in (OWL.annotatedSource, OWL.annotatedTarget)]
    assert not list(g.subjects(OWL.annotatedSource, o)) and not list(g.subjects(OWL.annotatedTarget, o))
    assert not [p for p in g.predicates(o) if str(p).startswith(str(AXKG))]


def test_the_replacements_carry_the_merged_names_and_links(release_graph):
    g = release_graph
    assert {"reduced flexibility", "limited spinal range of motion"} <= {
        str(s) for s in g.objects(AXKG["spine-stiffness"], EXACT_SYNONYM)}
    assert {"spinal tenderness on palpation", "vertebral tenderness"} <= {
        str(s) for s in g.objects(AXKG["bone-tenderness"], EXACT_SYNONYM)}
    # tenderness is a sign: one entity, one class, and what the exam and the bedside mapping show
    assert set(g.objects(AXKG["bone-tenderness"], RDF.type)) == {OWL.NamedIndividual, AXKG.ClinicalFinding}
    shown_by = set(g.subjects(AXKG.showsFinding, AXKG["bone-tenderness"]))
    assert shown_by == {AXKG["spine-palpation-percussion"], AXKG["vertebral-tenderness-mapping"]}
    assert (AXKG["axial-osteosclerosis"], AXKG.hasFinding, AXKG["bone-tenderness"]) in g


def test_bone_pain_is_not_tenderness(release_graph):
    """The mastocytosis red flag names bone pain; it was linked to tenderness."""
    g = release_graph
    flag = AXKG["red-flag-mastocytosis-clues"]
    assert (flag, AXKG.hasFeature, AXKG["bone-pain"]) in g
    assert (flag, AXKG.hasFeature, AXKG["bone-tenderness"]) not in g
    assert "HP:0002653" in {str(x) for x in g.objects(AXKG["bone-pain"], URIRef(
        "http://www.geneontology.org/formats/oboInOwl#hasDbXref"))}


def test_one_entity_per_meaning_among_the_symptoms(release_graph):
    """No two live symptoms or findings share a label or an exact synonym (ignoring case)."""
    g = release_graph
    seen: dict[str, URIRef] = {}
    clash = []
    for cls in (AXKG.Symptom, AXKG.ClinicalFinding):
        for s in g.subjects(RDF.type, cls):
            if (s, OWL.deprecated, Literal(True)) in g:
                continue
            for n in [*g.objects(s, RDFS.label), *g.objects(s, EXACT_SYNONYM)]:
                k = str(n).casefold()
                if k in seen and seen[k] != s:
                    clash.append((k, seen[k], s))
                seen[k] = s
    assert clash == []


def test_old_iris_still_resolve(kg):
    assert kg.resolve("axkg:reduced-flexibility") == str(AXKG["reduced-flexibility"])
    assert kg.resolve("reduced flexibility") == str(AXKG["spine-stiffness"])
    assert kg.resolve("spinal tenderness on palpation") == str(AXKG["bone-tenderness"])


def test_the_entities_query_lists_obsolete_entries_as_such(kg):
    cat = {r["entity"].value: r["categoryLabel"].value for r in kg.query("entities")}
    assert cat[str(AXKG["reduced-flexibility"])] == "obsolete"
    assert cat[str(AXKG["spine-stiffness"])] == "symptom"
    assert cat[str(AXKG["bone-tenderness"])] == "clinical finding"
