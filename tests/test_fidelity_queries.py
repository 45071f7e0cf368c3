"""Named queries follow the hierarchy (subtypes, forms, conditions secondary to a cause) and say through
which entity each row comes; claims show their hedge, asserter and direction."""

from __future__ import annotations

import pytest

from axialkg import NAMESPACE

AX = NAMESPACE


def rows(kg, name, **params):
    return kg.query(name, **params).records()


def test_osteopetrosis_reaches_the_drugs_of_its_infantile_subtype(kg):
    got = {(r["interventionLabel"], r["viaLabel"]) for r in rows(kg, "drugs-for-cause", cause="osteopetrosis")}
    assert ("interferon gamma-1b", "malignant infantile osteopetrosis") in got
    assert ("HSCT conditioning and supportive medicines", "malignant infantile osteopetrosis") in got
    assert ("haematopoietic stem-cell transplantation", "malignant infantile osteopetrosis") in got


def test_ckd_reaches_calcitriol_and_cinacalcet_through_renal_osteodystrophy(kg):
    got = {(r["interventionLabel"], r["viaLabel"]) for r in rows(kg, "drugs-for-cause", cause="CKD")}
    assert {("calcitriol", "renal osteodystrophy"), ("cinacalcet", "renal osteodystrophy")} <= got


def test_direct_rows_come_via_the_cause_itself(kg):
    mf = rows(kg, "drugs-for-cause", cause="myelofibrosis")
    rux = [r for r in mf if r["interventionLabel"] == "ruxolitinib"]
    assert [r["via"] for r in rux] == [AX + "myelofibrosis"]


def test_an_entity_of_several_classes_is_one_row_with_its_classes(kg):
    hsct = [r for r in rows(kg, "drugs-for-cause", cause="myelofibrosis")
            if r["interventionLabel"] == "haematopoietic stem-cell transplantation"]
    assert len(hsct) == 1
    assert "procedure" in hsct[0]["categoryLabel"].split("; ")
    ents = [r for r in rows(kg, "entities") if r["entity"] == AX + "hypocalcaemia"]
    assert len(ents) == 1 and set(ents[0]["categoryLabel"].split("; ")) == {"adverse effect", "clinical condition"}


def test_the_subtype_inherits_tests_and_symptoms_of_its_parent(kg):
    mio = "malignant infantile osteopetrosis"
    tests = {(r["testLabel"], r["viaLabel"]) for r in rows(kg, "tests-for-cause", cause=mio)}
    assert ("genetic testing for sclerosing dysplasias", "osteopetrosis") in tests
    symptoms = {(r["symptomLabel"], r["viaLabel"]) for r in rows(kg, "symptoms-of-cause", cause=mio)}
    assert ("dental issues", "osteopetrosis") in symptoms
    findings = {(r["findingLabel"], r["viaLabel"]) for r in rows(kg, "findings-of-cause", cause=mio)}
    assert ("fractures with minor trauma", "osteopetrosis") in findings
    mechanisms = {r["mechanismLabel"] for r in rows(kg, "mechanisms-of-cause", cause="osteopetrosis")}
    assert mechanisms  # its own, and its subtype's


def test_parent_cause_lists_findings_of_its_subtypes(kg):
    got = {r["viaLabel"] for r in rows(kg, "findings-of-cause", cause="other-genetic-sclerosing-dysplasias")}
    assert {"osteopathia striata", "osteopoikilosis"} & got


def test_a_finding_reaches_causes_of_its_forms(kg):
    got = {(r["causeLabel"], r["viaLabel"]) for r in rows(kg, "causes-of-symptom", symptom="endplate sclerosis")}
    assert ("renal osteodystrophy", "rugger-jersey spine") in got
    workup = {r["causeLabel"] for r in rows(kg, "workup", finding="endplate sclerosis")}
    assert "renal osteodystrophy" in workup


def test_workup_lists_a_cause_without_a_curated_test(kg):
    """Sickle cell disease has no test that points to it; it is listed with empty test columns."""
    listed = rows(kg, "workup", finding="sclerotic vertebrae")
    sickle = [r for r in listed if r["causeLabel"] == "sickle cell disease"]
    assert len(sickle) == 1 and not sickle[0].get("test") and sickle[0]["causesPointedTo"] == "0"
    presenting = {r["causeLabel"] for r in rows(kg, "causes-of-symptom", symptom="diffuse osteosclerosis")}
    assert presenting == {r["causeLabel"] for r in rows(kg, "workup", finding="diffuse osteosclerosis")}


def test_claim_sources_say_hedge_asserter_and_direction(kg):
    cin = {(r["predicate"], r["object"]): r for r in rows(kg, "claim-sources", entity="cinacalcet")}
    casr = cin[(AX + "targets", AX + "casr")]
    assert (casr["assertedBy"], casr["hedge"], casr["direction"]) == ("curator", "stated", "enhances")
    assert casr["sources"] == "" and "calcimimetic" in casr["reason"]
    treats = [r for r in rows(kg, "claim-sources", entity="splenectomy") if r["predicate"] == AX + "treats"]
    assert treats and all(r["assertedBy"] == "article" for r in treats)


def test_sparql_filters_on_hedge_and_asserter(kg):
    res = kg.sparql("""
        PREFIX axkg: <https://w3id.org/axialkg/>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?drug WHERE { ?ax owl:annotatedSource ?drug ; owl:annotatedProperty axkg:targets ;
                                 axkg:assertedBy axkg:asserter-curator . }""")
    drugs = {r["drug"].value for r in res}
    assert {AX + "calcitriol", AX + "cinacalcet"} <= drugs and AX + "ruxolitinib" not in drugs


@pytest.mark.parametrize("drug,obj,direction", [
    ("denosumab", "osteoclast-mediated bone resorption", "suppresses"),
    ("zoledronic acid", "osteoclast-mediated bone resorption", "suppresses"),
    ("interferon gamma-1b", "osteoclast-mediated bone resorption", "enhances"),
    ("ruxolitinib", "JAK-STAT signalling", "suppresses"),
])
def test_drug_mechanism_shows_the_direction(kg, drug, obj, direction):
    got = {(r["objectLabel"], r.get("direction")) for r in rows(kg, "drug-mechanism", drug=drug)}
    assert (obj, direction) in got


@pytest.mark.parametrize("name,params,column", [
    ("drugs-for-cause", {"cause": "osteopetrosis"}, "interventionLabel"),
    ("drugs-for-cause", {"cause": "CKD"}, "interventionLabel"),
    ("tests-for-cause", {"cause": "malignant infantile osteopetrosis"}, "testLabel"),
    ("workup", {"finding": "sclerotic vertebrae"}, "causeLabel"),
])
def test_the_reasoned_view_gives_the_same_hierarchy_answers(kg, name, params, column):
    import axialkg

    reasoned = axialkg.open(reasoned=True)
    plain = {(r[column], r.get("viaLabel")) for r in rows(kg, name, **params)}
    assert plain and plain <= {(r[column], r.get("viaLabel")) for r in rows(reasoned, name, **params)}


@pytest.mark.parametrize("typed,entity", [
    ("MIO", "malignant-infantile-osteopetrosis"), ("marble bone", "osteopetrosis"), ("PTH", "parathyroid-hormone"),
    ("PTH test", "parathyroid-hormone-test"), ("numbness", "nerve-symptoms"), ("tingling", "nerve-symptoms"),
    ("pins and needles", "nerve-symptoms"), ("paracetamol", "analgesic-ladder"), ("acetaminophen", "analgesic-ladder"),
    ("eGFR", "renal-function-tests"), ("ALP", "serum-calcium-phosphate-alp"), ("RANKL", "tnfsf11"),
    ("SOST", "sost"), ("CASR", "casr"), ("marrow", "bone-marrow"),
])
def test_names_people_type_resolve(kg, typed, entity):
    assert kg.resolve(typed) == AX + entity


def test_targets_carry_the_protein_name_with_the_gene_symbol_as_synonym(kg):
    for iri, label in (("tnfsf11", "RANKL"), ("sost", "sclerostin"), ("casr", "calcium-sensing receptor")):
        assert kg.entity(iri).label == label


def test_a_contraindication_in_hyperparathyroidism_reaches_renal_osteodystrophy(kg):
    got = {(r["agentLabel"], r["viaLabel"]) for r in rows(kg, "contraindications-for-cause", cause="renal osteodystrophy")}
    assert ("teriparatide", "hyperparathyroidism") in got
    assert not rows(kg, "contraindications-for-cause", cause="myelofibrosis")


def test_class_fixes(kg):
    def classes(slug):
        return set(kg.entity(slug).type_iris)
    assert AX + "RemodellingCause" in classes("paget-disease-of-bone")
    assert AX + "RenalMetabolicCause" not in classes("paget-disease-of-bone")
    assert classes("fractures-with-minor-trauma") == {AX + "ClinicalFinding"}
    for drug in ("teriparatide", "abaloparatide", "romosozumab"):
        assert AX + "ImmuneRegenerativeTherapy" not in classes(drug)
