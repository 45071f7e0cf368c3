"""The article's non-drug care content in the graph: supplements with intakes, therapies,
procedures, prevention, red flags, foods and FAQs - counted by class and checked for the
facts the article gives. Built from the curation so it checks the source of truth."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from rdflib import Literal
from rdflib.namespace import OWL, RDF, RDFS

from axialkg.build import SourceTree, build_graph
from axialkg.vocab import AXKG, DCTERMS, PROV

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def g():
    return build_graph(SourceTree(ROOT))


def members(g, cls: str) -> set[str]:
    return {str(s).removeprefix(str(AXKG)) for s in g.subjects(RDF.type, AXKG[cls])}


def objects(g, subj: str, pred: str) -> set[str]:
    return {str(o).removeprefix(str(AXKG)) for o in g.objects(AXKG[subj], AXKG[pred])}


def doses(g, subj: str) -> list[dict[str, object]]:
    out = []
    for d in g.objects(AXKG[subj], AXKG.hasDoseRegimen):
        out.append({p.removeprefix(str(AXKG)): o.toPython() for p, o in
                    ((str(p), o) for p, o in g.predicate_objects(d)) if isinstance(o, Literal)})
    return out


def axiom_sections(g, s: str, p: str, o: str) -> set[str]:
    out = set()
    for ax in g.subjects(OWL.annotatedSource, AXKG[s]):
        if g.value(ax, OWL.annotatedProperty) == AXKG[p] and g.value(ax, OWL.annotatedTarget) == AXKG[o]:
            out |= {str(x).removeprefix(str(AXKG)) for x in g.objects(ax, PROV.wasDerivedFrom)}
    return out


def care_problems(g) -> list[str]:
    """What the care content must satisfy; an empty list means it does."""
    problems = []
    for q in sorted(members(g, "Question")):
        if not list(g.objects(AXKG[q], AXKG.answer)):
            problems.append(f"question {q} has no answer")
        if not objects(g, q, "isAbout"):
            problems.append(f"question {q} is about nothing")
    for r in sorted(members(g, "RedFlag")):
        if {str(u) for u in g.objects(AXKG[r], AXKG.urgency)} not in ({"urgent"}, {"soon"}):
            problems.append(f"red flag {r} has no single urgency")
        if not objects(g, r, "suggests"):
            problems.append(f"red flag {r} suggests nothing")
    for f in sorted(members(g, "FoodToFavour") | members(g, "FoodToLimit")):
        if not list(g.objects(AXKG[f], AXKG.rationale)):
            problems.append(f"food {f} has no rationale")
        if not objects(g, f, "richIn") | objects(g, f, "interactsWith"):
            problems.append(f"food {f} names no nutrient or interaction")
    for t in sorted(members(g, "NonPharmacologicalTherapy") | members(g, "Procedure")
                    | members(g, "PreventiveMeasure")):
        if not any(objects(g, t, p) for p in ("treats", "prevents", "actsThrough", "requiresMonitoring",
                                                  "aidsEarlyDetectionOf")):
            problems.append(f"intervention {t} is linked to nothing it addresses")
    return problems


# ---------------------------------------------------------------- counts the article gives

@pytest.mark.parametrize("cls, n", [
    ("DietarySupplement", 10), ("NonPharmacologicalTherapy", 20), ("Procedure", 5),
    ("PreventiveMeasure", 10), ("RedFlag", 5), ("FoodToFavour", 10), ("FoodToLimit", 10),
    ("Question", 15),
])
def test_counts_by_class(g, cls, n):
    assert len(members(g, cls)) == n, sorted(members(g, cls))


def test_care_content_is_complete(g):
    assert care_problems(g) == []


def test_completeness_check_catches_a_bare_question_and_a_flag_without_urgency(source_tree):
    """Mutation: strip one FAQ's links and one red flag's urgency; the check must notice both."""
    cur = source_tree / "ontology" / "curation"
    faq = yaml.safe_load((cur / "faq.yaml").read_text())
    faq["entities"][0]["claims"] = []
    (cur / "faq.yaml").write_text(yaml.safe_dump(faq, sort_keys=False))
    flags = yaml.safe_load((cur / "red-flags.yaml").read_text())
    del flags["entities"][0]["urgency"]
    (cur / "red-flags.yaml").write_text(yaml.safe_dump(flags, sort_keys=False))
    found = care_problems(build_graph(SourceTree(source_tree)))
    assert f"question {faq['entities'][0]['id']} is about nothing" in found
    assert f"red flag {flags['entities'][0]['id']} has no single urgency" in found


# ---------------------------------------------------------------- HSCT: one entity, three roles

def test_hsct_is_one_entity_with_three_types(g):
    types = {str(t).removeprefix(str(AXKG)) for t in g.objects(AXKG.hsct, RDF.type) if t != OWL.NamedIndividual}
    assert types == {"Procedure", "NonPharmacologicalTherapy", "ImmuneRegenerativeTherapy"}
    # no second transplant entity under another class
    transplants = [s for s, label in g.subject_objects(RDFS.label) if "stem-cell transplant" in str(label)]
    assert transplants == [AXKG.hsct]


def test_hsct_cures_malignant_infantile_osteopetrosis_and_treats_myelofibrosis(g):
    assert {"malignant-infantile-osteopetrosis", "myelofibrosis"} <= objects(g, "hsct", "treats")
    # the same claim is made in three paragraphs and keeps each as provenance
    assert axiom_sections(g, "hsct", "treats", "malignant-infantile-osteopetrosis") == {
        "section-non-pharmacological-treatments", "section-immune-regenerative", "section-procedures"}


# ---------------------------------------------------------------- supplements and their intakes

@pytest.mark.parametrize("supp, amount, amount_max, unit", [
    ("vitamin-k2-supplement", Decimal(90), Decimal(180), "ug"),
    ("magnesium-supplement", Decimal(310), Decimal(420), "mg"),
    ("collagen-peptides", Decimal(5), None, "g"),
    ("silicon-supplement", Decimal(6), Decimal(12), "mg"),
    ("boron-supplement", Decimal(3), None, "mg"),
    ("omega-3-supplement", Decimal(1), Decimal(2), "g"),
    ("protein-adequacy", Decimal("1.0"), Decimal("1.2"), "g/kg"),
])
def test_daily_intakes(g, supp, amount, amount_max, unit):
    [d] = doses(g, supp)
    assert (d["doseAmount"], d.get("doseAmountMax"), d["doseUnit"], d["perDuration"]) == \
        (amount, amount_max, unit, "P1D")


def test_boron_upper_limit_is_20_mg_a_day(g):
    [d] = doses(g, "boron-supplement")
    assert d["upperLimit"] == Decimal(20) and d["doseUnit"] == "mg" and d["perDuration"] == "P1D"
    assert all("upperLimit" not in d for s in ("magnesium-supplement", "silicon-supplement")
               for d in doses(g, s))


def test_every_supplement_has_a_daily_intake(g):
    for s in members(g, "DietarySupplement"):
        assert any(d.get("perDuration") == "P1D" for d in doses(g, s)), s


def test_supplements_supply_their_nutrients(g):
    expected = {"vitamin-k2-supplement": {"vitamin-k2"}, "magnesium-supplement": {"magnesium"},
                "calcium-supplement": {"calcium"}, "collagen-peptides": {"glycine", "proline", "protein"},
                "silicon-supplement": {"silicon"}, "boron-supplement": {"boron"},
                "omega-3-supplement": {"omega-3-fatty-acids"}, "vitamin-k1-from-foods": {"vitamin-k1"},
                "protein-adequacy": {"protein"}}
    assert {s: objects(g, s, "supplies") for s in expected} == expected
    assert members(g, "DietarySupplement") == set(expected) | {"vitamin-d3"}


def test_supplement_mechanisms_and_interactions(g):
    assert "osteocalcin-carboxylation" in objects(g, "vitamin-k2-supplement", "actsThrough")
    assert "osteocalcin-carboxylation" in objects(g, "vitamin-k1-from-foods", "actsThrough")
    assert objects(g, "osteocalcin", "participatesIn") == {"osteocalcin-carboxylation"}
    assert "warfarin" in objects(g, "vitamin-k2-supplement", "interactsWith")
    assert "anticoagulants" in objects(g, "omega-3-supplement", "interactsWith")
    assert "bleeding-tendency" in objects(g, "omega-3-supplement", "hasAdverseEffect")
    assert {"vitamin-d", "magnesium"} <= objects(g, "boron-supplement", "interactsWith")
    assert "chronic-kidney-disease" in objects(g, "magnesium-excess-in-kidney-disease", "warnsOf")


# ---------------------------------------------------------------- therapies, procedures, prevention

def test_therapies_address_what_the_article_says(g):
    assert {"myelofibrosis", "systemic-mastocytosis", "renal-osteodystrophy", "osteopetrosis"} <= \
        objects(g, "treat-underlying-disease", "treats")
    assert "mechanical-loading-response" in objects(g, "physical-therapy-graded-exercise", "actsThrough")
    assert "osteonecrosis-of-the-jaw" in objects(g, "bone-safe-dental-care", "prevents")
    assert "complete-blood-count-and-smear" in objects(g, "anaemia-haematology-support", "requiresMonitoring")
    assert "systemic-mastocytosis" in objects(g, "mast-cell-trigger-control", "treats")
    assert "vitamin-d-deficiency" in objects(g, "sunlight-safe-vitamin-d", "treats")


def test_procedures(g):
    assert members(g, "Procedure") == {"hsct", "orthopaedic-decompression-fixation",
                                        "total-joint-or-spine-procedures", "splenectomy",
                                        "targeted-tumour-surgery"}
    assert "splenomegaly" in objects(g, "splenectomy", "treats")
    assert "spinal-cord-compression" in objects(g, "orthopaedic-decompression-fixation", "treats")
    assert "osteoblastic-metastases" in objects(g, "targeted-tumour-surgery", "treats")


def test_prevention(g):
    assert {"fractures-with-minor-trauma", "vertebral-fracture"} <= objects(g, "fall-proof-home", "prevents")
    assert "osteonecrosis-of-the-jaw" in objects(g, "regular-dental-care", "prevents")
    assert {"parathyroid-hormone-test", "serum-calcium-phosphate-alp"} <= \
        objects(g, "kidney-endocrine-balance", "requiresMonitoring")
    assert "vitamin-d-deficiency" in objects(g, "vitamin-d-sufficiency", "prevents")


# ---------------------------------------------------------------- red flags

@pytest.mark.parametrize("flag, urgency, suggests", [
    ("red-flag-new-back-pain", "urgent", {"vertebral-fracture"}),
    ("red-flag-spinal-cord-symptoms", "urgent", {"spinal-cord-compression"}),
    ("red-flag-myelofibrosis-activity", "soon", {"myelofibrosis"}),
    ("red-flag-mastocytosis-clues", "urgent", {"systemic-mastocytosis"}),
    ("red-flag-calcium-imbalance", "soon", {"hypocalcaemia", "hypercalcaemia"}),
])
def test_red_flags(g, flag, urgency, suggests):
    assert str(g.value(AXKG[flag], AXKG.urgency)) == urgency
    assert suggests <= objects(g, flag, "suggests")
    for s in objects(g, flag, "suggests"):
        ax_sources = set()
        for ax in g.subjects(OWL.annotatedSource, AXKG[flag]):
            if g.value(ax, OWL.annotatedTarget) == AXKG[s]:
                ax_sources |= set(g.objects(ax, DCTERMS.source))
                assert g.value(ax, AXKG.furtherSourceCount).toPython() == 1
        assert ax_sources == {AXKG.springeropen}


# ---------------------------------------------------------------- foods

def test_foods_and_their_nutrients(g):
    assert objects(g, "oily-fish", "richIn") == {"vitamin-d", "omega-3-fatty-acids"}
    assert objects(g, "leafy-greens", "richIn") == {"vitamin-k1", "magnesium"}
    assert objects(g, "calcium-rich-foods", "richIn") == {"calcium"}
    assert objects(g, "high-phosphate-cola", "richIn") == {"phosphate"}
    assert "calcium" in objects(g, "high-oxalate-foods", "interactsWith")
    assert "grapefruit" in members(g, "FoodToLimit") and "grapefruit" not in members(g, "FoodToFavour")
    assert "cyp3a4" in objects(g, "grapefruit", "interactsWith")


def test_food_claims_cite_the_food_lists_source(g):
    for f in members(g, "FoodToFavour") | members(g, "FoodToLimit"):
        axioms = list(g.subjects(OWL.annotatedSource, AXKG[f]))
        assert axioms, f
        for ax in axioms:
            assert set(g.objects(ax, DCTERMS.source)) == {AXKG.ods}, f
            assert g.value(ax, AXKG.furtherSourceCount).toPython() == 4, f  # ODS+2ODS+2: two ODS works, four more
            assert g.value(ax, PROV.wasDerivedFrom) == AXKG["section-foods"], f


# ---------------------------------------------------------------- FAQs

def test_faq_answers_are_distinct_and_link_what_they_discuss(g):
    answers = [str(a) for q in members(g, "Question") for a in g.objects(AXKG[q], AXKG.answer)]
    assert len(answers) == len(set(answers)) == 15
    assert {"hsct", "osteopetrosis", "myelofibrosis"} <= objects(g, "faq-can-it-reverse", "isAbout")
    assert "bone-biopsy" in objects(g, "faq-bone-biopsy", "isAbout")
    assert "serum-tryptase" in objects(g, "faq-which-tests-help", "isAbout")
    assert {"vitamin-d3", "calcium-supplement"} <= objects(g, "faq-are-supplements-enough", "isAbout")
    assert "osteonecrosis-of-the-jaw" in objects(g, "faq-dental-care", "isAbout")
