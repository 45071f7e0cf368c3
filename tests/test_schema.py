"""The hand-written schema: parses, every term labelled and defined, disjointness declared, aligned."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from axialkg.schema import Schema
from axialkg.vocab import AXKG, BIOLINK, DEFINITION, OBO, SKOS

SCHEMA = Path(__file__).resolve().parents[1] / "ontology" / "schema" / "axialkg-schema.ttl"


@pytest.fixture(scope="module")
def schema() -> Schema:
    return Schema.load(SCHEMA)


def _ours(g: Graph, kind) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and s.startswith(str(AXKG)))


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty])
def test_every_term_has_one_label_and_definition(schema, kind):
    terms = _ours(schema.graph, kind)
    assert terms, f"no {kind} declared"
    for t in terms:
        assert len(list(schema.graph.objects(t, RDFS.label))) == 1, f"{t} needs exactly one rdfs:label"
        assert len(list(schema.graph.objects(t, DEFINITION))) == 1, f"{t} needs exactly one definition"


def test_required_classes_exist(schema):
    required = {
        "RadiologicalPattern", "Cause", "PrimaryCause", "SecondaryCause", "GeneticSclerosingDysplasia",
        "HaematologicalCause", "RenalMetabolicCause", "RemodellingCause", "ToxicEnvironmentalCause", "NeoplasticCause",
        "IatrogenicCause", "IdiopathicCause", "Mechanism", "MolecularTarget", "Symptom", "ClinicalFinding",
        "ImagingFinding", "DiagnosticTest", "PhysicalExamination", "BedsideTest", "LaboratoryTest",
        "ElectrodiagnosticTest", "ImagingTest", "Drug", "JAKInhibitor", "KITInhibitor", "Bisphosphonate",
        "RANKLInhibitor", "PTHAnalogue", "SclerostinInhibitor", "Calcimimetic", "ActiveVitaminD",
        "DietarySupplement", "NonPharmacologicalTherapy", "Procedure", "PreventiveMeasure", "RedFlag", "Food",
        "FoodToFavour", "FoodToLimit", "AdverseEffect", "Warning", "BoxedWarning", "Question", "Source",
        "Article", "DoseRegimen",
    }
    assert required <= schema.classes


def test_required_properties_with_domain_range_and_inverse(schema):
    for prop, inverse in [("causesPattern", "patternCausedBy"), ("hasMechanism", "mechanismOf"),
                          ("hasSymptom", "symptomOf"), ("hasFinding", "findingOf"), ("indicates", "indicatedBy"),
                          ("treats", "treatedBy"), ("targets", "targetedBy"), ("actsThrough", "mechanismOfActionOf"),
                          ("hasAdverseEffect", "adverseEffectOf"), ("contraindicatedIn", "contraindicates"),
                          ("prevents", "preventedBy"), ("suggests", "suggestedBy"), ("mimics", "mimickedBy")]:
        assert schema.domain(prop) and schema.range(prop), prop
        assert schema.inverse(prop) == inverse
    for prop in ["hasBoxedWarning", "interactsWith", "isAbout", "hasInheritance"]:
        assert prop in schema.object_properties
    for prop in ["doseAmount", "doseUnit", "route", "frequency", "maxDuration", "upperLimit"]:
        assert prop in schema.datatype_properties


def test_top_classes_declared_disjoint(schema):
    g = schema.graph
    groups = []
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        from rdflib.collection import Collection
        groups.append({Schema.local(m) for m in Collection(g, g.value(node, OWL.members))})
    def disjoint(a, b):  # declared for the classes themselves or for any of their superclasses
        pairs = [(x, y) for x in schema.superclasses(a) for y in schema.superclasses(b)]
        return any(any({x, y} <= grp for grp in groups) or (AXKG[x], OWL.disjointWith, AXKG[y]) in g
                   for x, y in pairs)
    assert disjoint("Drug", "Cause")
    assert disjoint("Symptom", "Intervention")
    assert disjoint("PrimaryCause", "SecondaryCause")
    assert disjoint("ImagingTest", "LaboratoryTest")
    assert disjoint("FoodToFavour", "FoodToLimit")
    # An adverse effect may also be a symptom (anaemia): these must NOT be disjoint.
    assert not disjoint("AdverseEffect", "Symptom")


def test_domain_range_respect_subclasses_and_unions(schema):
    assert schema.fits(["JAKInhibitor"], schema.domain("treats"))
    assert schema.fits(["HaematologicalCause"], schema.range("treats"))
    assert schema.fits(["Symptom"], schema.range("treats"))
    assert not schema.fits(["Symptom"], schema.domain("treats"))
    assert schema.canonical("treatedBy") == ("treats", True)
    assert schema.canonical("treats") == ("treats", False)


def test_biolink_alignments_exist_in_biolink_model(schema):
    """Every biolink: term we map to is a class or slot of the biolink-model package's schema."""
    from importlib import resources

    model = yaml.safe_load((resources.files("biolink_model") / "schema" / "biolink_model.yaml").read_text())
    classes = {c.replace(" ", "").lower() for c in model["classes"]}
    slots = {s.replace(" ", "_") for s in model["slots"]}
    used = {o for o in schema.graph.objects() if isinstance(o, URIRef) and o.startswith(str(BIOLINK))}
    assert used, "no Biolink alignment at all"
    for term in used:
        local = str(term).removeprefix(str(BIOLINK))
        assert local in slots or local.lower() in classes, f"{local} is not in biolink-model"


def test_ro_mappings_match_biolink_exact_mappings(schema):
    """An RO id we attach to a property must be one Biolink lists as exact mapping of the same predicate."""
    from importlib import resources

    model = yaml.safe_load((resources.files("biolink_model") / "schema" / "biolink_model.yaml").read_text())
    exact = {s.replace(" ", "_"): set(v.get("exact_mappings") or []) for s, v in model["slots"].items()}
    g = schema.graph
    checked = 0
    for prop in _ours(g, OWL.ObjectProperty):
        matches = set(g.objects(prop, SKOS.exactMatch))
        ro = {str(m).removeprefix(str(OBO)).replace("_", ":", 1) for m in matches if str(m).startswith(str(OBO) + "RO_")}
        bl = {str(m).removeprefix(str(BIOLINK)) for m in matches if str(m).startswith(str(BIOLINK))}
        for r in ro:
            assert any(r in exact.get(b, set()) for b in bl), f"{prop}: {r} not confirmed by biolink exact_mappings"
            checked += 1
    assert checked >= 5
