"""Named queries answer what the article says; resolution, binding, formats and the reasoned view."""

from __future__ import annotations

import csv
import io
import json

import pytest

import axialkg
from axialkg import NAMESPACE
from axialkg.errors import UsageError
from axialkg.names import Resolver
from axialkg.queries import NamedQuery, catalogue
from axialkg.sparql import is_update
from axialkg.results import Results, Term

AX = NAMESPACE
REQUIRED = ["entities", "causes", "drugs-for-cause", "causes-of-symptom", "tests-for-cause", "drug-mechanism",
            "drug-safety", "claim-sources", "single-source-claims", "workup"]


def labels(results: Results, column: str) -> set[str]:
    return results.values(column)


# ---- the catalogue ---------------------------------------------------------------------------
def test_catalogue_has_required_and_about_twenty_queries():
    cat = catalogue()
    assert set(REQUIRED) <= set(cat)
    assert len(cat) >= 20
    for q in cat.values():
        assert q.title and q.description, q.name
        assert "ORDER BY" in q.sparql.upper(), f"{q.name} is not deterministic"
        assert not is_update(q.sparql)
        for p in q.parameters:
            assert p.name in {"cause", "symptom", "drug", "entity", "finding"}, (q.name, p.name)


def test_every_entity_column_has_a_label(kg):
    """Columns holding entity IRIs come with xLabel (categories/classes are not entities)."""
    values = {"cause": "myelofibrosis", "symptom": "splenomegaly", "finding": "splenomegaly",
              "drug": "ruxolitinib", "entity": "ruxolitinib"}
    for name, q in catalogue().items():
        res = kg.query(name, **{p.name: values[p.name] for p in q.parameters if not p.optional})
        for var in res.variables:
            is_entity = any(var in r and r[var].type == "uri" and r[var].value.startswith(AX)
                            and not r[var].value[len(AX):][:1].isupper() for r in res)
            if is_entity:
                assert var + "Label" in res.variables, (name, var)


def test_header_parsing():
    q = NamedQuery.parse("x", "# title: T\n# description: one\n#   two\n# parameters: drug (Drug, optional), "
                              "cause (Cause)\n# lists: sources\nSELECT * WHERE { ?s ?p ?o } ORDER BY ?s\n")
    assert (q.title, q.description, q.lists) == ("T", "one two", ["sources"])
    assert [(p.name, p.kind, p.optional) for p in q.parameters] == [("drug", "Drug, optional", True),
                                                                   ("cause", "Cause", False)]


# ---- real answers for the required queries ------------------------------------------------
def test_entities(kg):
    res = kg.query("entities")
    cat = {r["entity"].value: r["categoryLabel"].value for r in res}
    assert cat[AX + "ruxolitinib"] == "JAK inhibitor"
    assert cat[AX + "myelofibrosis"] == "haematological or marrow disease"
    n = kg.sparql("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a <http://www.w3.org/2002/07/owl#NamedIndividual> }")
    assert len(set(cat)) == int(n.rows[0]["n"].value)


def test_causes(kg):
    rows = {r["causeLabel"]: r for r in kg.query("causes").records()}
    assert len(rows) >= 20
    assert rows["myelofibrosis"]["typeLabel"] == "secondary (acquired) cause"
    assert rows["myelofibrosis"]["groupLabel"] == "haematological or marrow disease"
    assert rows["osteomesopyknosis"]["groupLabel"] == "genetic sclerosing dysplasia"


def test_drugs_for_myelofibrosis_and_none_of_them_for_mastocytosis(kg):
    mf = kg.query("drugs-for-cause", cause="myelofibrosis")
    assert {"ruxolitinib", "fedratinib", "momelotinib"} <= labels(mf, "interventionLabel")
    assert "JAK inhibitor" in labels(mf, "categoryLabel")
    sm = kg.query("drugs-for-cause", cause="systemic mastocytosis")
    assert "JAK inhibitor" not in labels(sm, "categoryLabel")
    assert not {"ruxolitinib", "fedratinib", "momelotinib"} & labels(sm, "interventionLabel")


def test_causes_of_splenomegaly(kg):
    assert "myelofibrosis" in labels(kg.query("causes-of-symptom", symptom="splenomegaly"), "causeLabel")


def test_tests_for_myelofibrosis(kg):
    res = kg.query("tests-for-cause", cause="myelofibrosis")
    cats = {r["testLabel"]: r["categoryLabel"] for r in res.records()}
    assert cats["complete blood count and blood smear"] == "laboratory or pathology test"


def test_drug_mechanism_of_ruxolitinib(kg):
    res = kg.query("drug-mechanism", drug="Jakafi")
    targets = {r["objectLabel"] for r in res.records() if r["predicate"] == AX + "targets"}
    assert {"JAK1", "JAK2"} <= targets
    assert "JAK-STAT signalling" in labels(res, "objectLabel")


def test_drug_safety_of_ruxolitinib(kg):
    rows = {(r["predicate"], r["itemLabel"]) for r in kg.query("drug-safety", drug="ruxolitinib").records()}
    assert (AX + "hasAdverseEffect", "anaemia") in rows
    assert (AX + "requiresMonitoring", "complete blood count and blood smear") in rows


def test_claim_sources_cover_both_directions(kg):
    res = kg.query("claim-sources", entity="ruxolitinib")
    rows = res.records()
    treats = [r for r in rows if r["predicate"] == AX + "treats" and r["objectLabel"] == "myelofibrosis"]
    assert treats and treats[0]["sources"] and treats[0]["sectionLabel"].startswith("article section")
    incoming = kg.query("claim-sources", entity="JAK2").records()
    assert any((r["subject"], r["object"]) == (AX + "ruxolitinib", AX + "jak2") for r in incoming)


def test_single_source_claims_really_rest_on_one_source(kg):
    rows = kg.query("single-source-claims").records()
    assert rows
    for r in rows[:: max(1, len(rows) // 15)]:  # spot-check against claim-sources
        claims = kg.query("claim-sources", entity=r["subject"]).records()
        match = [c for c in claims if (c["predicate"], c["object"]) == (r["predicate"], r["object"])]
        assert any(c["sources"] == r["sourceLabel"] and c["furtherSources"] == "0" for c in match), r


def test_workup_of_splenomegaly(kg):
    rows = kg.query("workup", finding="splenomegaly").records()
    mf = {r["testLabel"]: int(r["causesPointedTo"]) for r in rows if r["causeLabel"] == "myelofibrosis"}
    assert "complete blood count and blood smear" in mf and all(n >= 1 for n in mf.values())


def test_graph_edges_columns_and_an_edge(kg):
    res = kg.query("graph-edges")
    assert res.variables == ["subject", "subjectLabel", "subjectCategory", "predicate", "predicateLabel",
                             "object", "objectLabel", "objectCategory", "sources", "furtherSources"]
    edge = [r for r in res.records() if (r["subject"], r["predicate"], r["object"]) ==
            (AX + "ruxolitinib", AX + "treats", AX + "myelofibrosis")]
    assert edge and edge[0]["subjectCategory"] == AX + "JAKInhibitor" and edge[0]["sources"]


def test_other_queries(kg):
    assert {"JAK1", "JAK2"} <= labels(kg.query("drug-targets"), "targetLabel")
    assert "ruxolitinib" in labels(kg.query("target-drugs", entity="JAK2"), "drugLabel")
    assert "JAK inhibitor" in labels(kg.query("drugs-by-class"), "classLabel")
    doses = kg.query("drug-doses", drug="ruxolitinib").records()
    assert doses and all(d["agentLabel"] == "ruxolitinib" for d in doses)
    assert {"15", "20", "mg", "oral"} <= {doses[0].get(k) for k in ("amount", "amountMax", "unit", "route")}
    assert len(kg.query("drug-doses")) > len(doses)  # the parameter is optional
    assert AX + "splenomegaly" in kg.query("symptoms-of-cause", cause="myelofibrosis").values("symptom")
    assert kg.query("findings-of-cause", cause="myelofibrosis")
    assert kg.query("mechanisms-of-cause", cause="myelofibrosis")
    sources = kg.query("sources").records()
    assert sources and int(sources[0]["claims"]) >= int(sources[-1]["claims"])


# ---- resolution ----------------------------------------------------------------------------
def test_resolution_by_label_synonym_brand_curie_iri_and_slug(kg):
    rux = AX + "ruxolitinib"
    for value in ("ruxolitinib", "RUXOLITINIB", "Jakafi", "jakafi", "DRUGBANK:DB08877", rux, f"<{rux}>",
                  "axkg:ruxolitinib"):
        assert kg.resolve(value) == rux, value
    assert kg.resolve("complete-blood-count-and-smear") == AX + "complete-blood-count-and-smear"


def test_exact_label_beats_synonym(kg):
    assert kg.resolve("axial osteosclerosis") == AX + "axial-osteosclerosis"
    # the pattern is not an exact synonym of osteomesopyknosis, only a related one (searched last)
    assert "axial osteosclerosis" not in kg.resolver.tiers[1]
    assert AX + "osteomesopyknosis" in kg.resolver.tiers[-1]["axial osteosclerosis"]


def test_ambiguous_and_unknown_values():
    r = Resolver([(AX + "a", "alpha", 0), (AX + "b", "beta", 0), (AX + "a", "shared", 1), (AX + "b", "shared", 1)])
    with pytest.raises(UsageError, match=r"'shared' matches 2 entities: alpha \(axkg:a\); beta \(axkg:b\)") as exc:
        r.resolve("shared")
    assert exc.value.exit_code == 2
    with pytest.raises(UsageError, match=r"^no entity 'alpah'; did you mean: alpha\?$"):
        r.resolve("alpah")
    with pytest.raises(UsageError, match="no entity"):
        r.resolve("axkg:nothing")


def test_misspelt_entity_suggests(kg):
    with pytest.raises(UsageError, match=r"^no entity 'myelofibrozis'; did you mean: myelofibrosis\?$"):
        kg.query("drugs-for-cause", cause="myelofibrozis")


def test_hostile_value_is_never_query_text(kg):
    for value in ['x" } ; DROP ALL ; #', "<http://x> } ?s ?p ?o {", "myelofibrosis> } UNION { ?a ?b ?c"]:
        with pytest.raises(UsageError, match="no entity"):
            kg.query("drugs-for-cause", cause=value)
    assert len(kg.query("entities")) > 100  # nothing dropped


def test_parameter_checks(kg):
    with pytest.raises(UsageError, match="needs --param cause=VALUE"):
        kg.query("drugs-for-cause")
    with pytest.raises(UsageError, match="has no parameter 'drug'"):
        kg.query("drugs-for-cause", drug="ruxolitinib")
    with pytest.raises(UsageError, match=r"no variable \?zzz"):
        kg.sparql("SELECT * WHERE { ?s ?p ?o }", zzz="ruxolitinib")


def test_sparql_binds_parameters_as_terms(kg):
    res = kg.sparql("SELECT ?t WHERE { ?d <https://w3id.org/axialkg/targets> ?t } ORDER BY ?t", d="Jakafi")
    assert res.column("t") == [AX + "jak1", AX + "jak2"]


def test_is_update():
    assert is_update("PREFIX a: <http://a#> # comment\n INSERT DATA { a:x a:y a:z }")
    assert is_update("drop all")
    assert not is_update("# DROP ALL\nSELECT * WHERE { ?s ?p ?o }")
    assert not is_update("PREFIX ex: <http://ex.org/delete#> SELECT * WHERE { ?s ?p ?o }")


# ---- entity pages --------------------------------------------------------------------------
def test_entity_page(kg):
    e = kg.entity("Jakafi")
    assert (e.label, e.curie, e.brand_names, e.types) == ("ruxolitinib", "axkg:ruxolitinib", ["Jakafi"],
                                                         ["JAK inhibitor"])
    assert "DRUGBANK:DB08877" in e.xrefs and e.definition
    treats = [c for c in e.claims_by("treats", "out") if c.other_label == "myelofibrosis"]
    assert treats and treats[0].sources
    assert kg.entity("myelofibrosis").claims_by("treats", "in")


# ---- formats -------------------------------------------------------------------------------
def test_json_is_w3c_sparql_results(kg):
    doc = json.loads(kg.query("drug-doses", drug="ruxolitinib").to_json())
    assert set(doc) == {"head", "results"} and set(doc["results"]) == {"bindings"}
    b = doc["results"]["bindings"][0]
    assert b["agent"] == {"type": "uri", "value": AX + "ruxolitinib"}
    assert b["amount"] == {"type": "literal", "value": "15", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}
    assert b["unit"] == {"type": "literal", "value": "mg"}
    assert json.loads(Results.ask(True).to_json()) == {"head": {}, "boolean": True}


def test_csv_and_tsv_follow_w3c():
    res = Results(["a", "b"], [{"a": Term.uri("http://x/1"), "b": Term.literal('say "hi"\tnow')},
                              {"a": Term.literal("5", "http://www.w3.org/2001/XMLSchema#integer")}])
    text = res.to_csv()
    assert text.split("\r\n")[0] == "a,b"
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["http://x/1", 'say "hi"\tnow'], ["5", ""]]
    assert res.to_tsv() == '?a\t?b\n<http://x/1>\t"say \\"hi\\"\\tnow"\n5\t\n'


def test_table_and_dataframe(kg):
    res = kg.query("drugs-for-cause", cause="myelofibrosis")
    table = res.to_table()
    assert "axkg:ruxolitinib" in table and table.endswith(f"({len(res)} rows)")
    pd = pytest.importorskip("pandas")
    df = res.to_dataframe()
    assert isinstance(df, pd.DataFrame) and "ruxolitinib" in set(df["interventionLabel"])


# ---- reasoned view -------------------------------------------------------------------------
def test_reasoned_view_adds_subclass_members_and_inverses():
    plain, reasoned = axialkg.open(), axialkg.open(reasoned=True)
    q = "SELECT ?x WHERE { ?x a <https://w3id.org/axialkg/SecondaryCause> }"
    assert not plain.sparql(q).rows
    assert AX + "myelofibrosis" in reasoned.sparql(q).values("x")
    inv = "SELECT ?d WHERE { ?c <https://w3id.org/axialkg/treatedBy> ?d }"
    assert {AX + "ruxolitinib", AX + "fedratinib", AX + "momelotinib"} <= reasoned.sparql(inv, c="myelofibrosis").values("d")
    assert not plain.sparql(inv, c="myelofibrosis").rows
    # domain: whatever treats something is an Intervention
    assert reasoned.sparql("ASK { ?d a <https://w3id.org/axialkg/Intervention> }", d="ruxolitinib")
    assert reasoned.reasoning.added > 0 and reasoned.reasoning.rounds >= 2
    # named queries keep their answers (most specific category still the asserted one)
    assert reasoned.query("drugs-for-cause", cause="myelofibrosis").row_set() == \
        plain.query("drugs-for-cause", cause="myelofibrosis").row_set()
