"""`axialkg validate`: the release is clean; each way of breaking it fails with the entity named.

HermiT needs java; there is no skip here: without java these tests fail, as CI must.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from axialkg.resources import release_path, shapes_path
from axialkg.validation import Checked, load_graph, load_shapes, report_rules, run_report, run_shapes, validate
from axialkg.vocab import AXKG, DBXREF, DCTERMS, PROV

ROOT = Path(__file__).resolve().parents[1]
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in {
    "axkg": "https://w3id.org/axialkg/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#", "obo": "http://purl.obolibrary.org/obo/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#", "dcterms": "http://purl.org/dc/terms/"}.items())
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def release_report():
    return validate(release_path("owl"))


@pytest.fixture(scope="module")
def base():
    """The release as a plain in-memory graph, to copy and break."""
    g = Graph()
    g.parse(release_path("ttl"), format="turtle")
    return g


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(shapes_path())


def first(g: Graph, query: str) -> tuple:
    rows = sorted(g.query("PREFIX axkg: <https://w3id.org/axialkg/>\n"
                          "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
                          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                          "PREFIX dcterms: <http://purl.org/dc/terms/>\n" + query))
    assert rows, f"the release has nothing matching:\n{query}"
    return tuple(rows[0])


def mutant(base: Graph, tmp_path: Path, add=(), remove=(), name="mutant.ttl") -> Path:
    g = Graph()
    g += base
    for t in remove:
        g.remove(t)
    for t in add:
        g.add(t)
    path = tmp_path / name
    g.serialize(path, format="turtle")
    return path


def defects(report, rule: str) -> list:
    return [d for d in report.defects if d.rule == rule]


def label(g: Graph, node) -> str:
    return str(g.value(node, RDFS.label))


def cli(*argv, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "axialkg", "validate", *argv], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600)


# ---------------------------------------------------------------- the release


ROBOT_CHECKS = {rule.id for rule, _ in report_rules()}


def test_release_validates_clean(release_report):
    """No ERROR from the reasoner or the shapes (ROBOT's checks: the next test)."""
    errors = [d for d in release_report.defects if d.level == "ERROR" and d.rule not in ROBOT_CHECKS]
    assert errors == [], "\n".join(f"{d.rule}: {d.label}: {d.message}" for d in errors[:20])
    assert release_report.reasoning.consistent
    assert release_report.reasoning.unsatisfiable == []


def test_release_has_no_robot_errors(release_report):
    errors = [(d.rule, d.label) for d in release_report.defects if d.level == "ERROR" and d.rule in ROBOT_CHECKS]
    assert errors == []
    assert release_report.clean


def test_robot_checks_keep_robots_levels():
    levels = {rule.id: rule.level for rule, _ in report_rules()}
    assert {k for k, v in levels.items() if v == "ERROR"} >= {
        "duplicate_definition", "duplicate_label", "label_whitespace", "missing_label", "multiple_definitions",
        "multiple_labels", "misused_obsolete_label", "deprecated_class_reference", "deprecated_property_reference",
        "missing_ontology_title", "missing_ontology_license", "missing_ontology_description"}
    assert levels["missing_definition"] == levels["annotation_whitespace"] == levels["invalid_xref"] == "WARN"
    assert levels["lowercase_definition"] == levels["missing_superclass"] == "INFO"


DRUG = "https://w3id.org/axialkg/ruxolitinib"
ROBOT_MUTATIONS = [  # (check, update breaking the release, the entity the check must name)
    ("duplicate_label", f'INSERT DATA {{ <{DRUG}x> rdfs:label "ruxolitinib" }}', DRUG),
    ("duplicate_definition", f'INSERT {{ <{DRUG}x> obo:IAO_0000115 ?d }} WHERE {{ <{DRUG}> obo:IAO_0000115 ?d }}',
     DRUG),
    ("label_whitespace", f'DELETE {{ <{DRUG}> rdfs:label ?l }} INSERT {{ <{DRUG}> rdfs:label "ruxolitinib " }} '
                         f'WHERE {{ <{DRUG}> rdfs:label ?l }}', DRUG),
    ("missing_label", f"DELETE WHERE {{ <{DRUG}> rdfs:label ?l }}", DRUG),
    ("multiple_definitions", f'INSERT DATA {{ <{DRUG}> obo:IAO_0000115 "A second definition." }}', DRUG),
    ("multiple_labels", f'INSERT DATA {{ <{DRUG}> rdfs:label "Jakafi" }}', DRUG),
    ("misused_obsolete_label", f'DELETE {{ <{DRUG}> rdfs:label ?l }} INSERT {{ <{DRUG}> rdfs:label "obsolete '
                               f'ruxolitinib" }} WHERE {{ <{DRUG}> rdfs:label ?l }}', DRUG),
    ("deprecated_class_reference", "INSERT DATA { axkg:JAKInhibitor owl:deprecated true }", DRUG),
    ("deprecated_property_reference", "INSERT DATA { axkg:targets owl:deprecated true }", DRUG),
    ("missing_ontology_title", "DELETE { ?o dcterms:title ?t } WHERE { ?o a owl:Ontology ; dcterms:title ?t }",
     "https://w3id.org/axialkg/axialkg.owl"),
    ("missing_ontology_license", "DELETE { ?o dcterms:license ?t } WHERE { ?o a owl:Ontology ; dcterms:license ?t }",
     "https://w3id.org/axialkg/axialkg.owl"),
    ("annotation_whitespace", f'INSERT DATA {{ <{DRUG}> rdfs:comment " padded" }}', DRUG),
    ("missing_definition", "DELETE WHERE { axkg:Drug obo:IAO_0000115 ?d }", "https://w3id.org/axialkg/Drug"),
    ("invalid_xref", f'INSERT DATA {{ <{DRUG}> oboInOwl:hasDbXref "not a curie" }}', DRUG),
    ("lowercase_definition", f'INSERT DATA {{ <{DRUG}x> obo:IAO_0000115 "lower case." }}', DRUG + "x"),
]


@pytest.mark.parametrize("check,update,entity", ROBOT_MUTATIONS, ids=[m[0] for m in ROBOT_MUTATIONS])
def test_robot_check_names_the_broken_entity(check, update, entity):
    graph = load_graph(release_path("ttl"))
    rules = {rule.id: (rule, text) for rule, text in report_rules()}
    before = {d.entity for d in run_report(graph, [rules[check]])}
    assert entity not in before
    graph.store.update(PROLOGUE + update)
    after = run_report(graph, [rules[check]])
    assert entity in {d.entity for d in after}, after
    assert {d.level for d in after} == {rules[check][0].level}


def test_report_covers_every_rule_the_issue_asks_for(release_report):
    rules = {r.id: r.level for r in release_report.rules}
    for rule in ["owl-consistent", "claim-sourced", "entity-label", "entity-definition", "drug-class",
                 "drug-mechanism", "drug-treats", "cause-mechanism", "cause-group", "label-unique-in-class",
                 "xref-curie", "dose-unit", "dose-amount-number", "claim-domain", "claim-range"]:
        assert rules.get(rule) == "ERROR", rule
    assert "WARN" in rules.values()
    assert set(release_report.counts) == set(rules)


def test_defined_class_members_match_their_definitions(release_report, base):
    """HermiT's members of each defined class equal what the definition says, computed here by SPARQL."""
    got = {c.iri: {m.iri for m in ms} for c, ms in release_report.reasoning.memberships.items()}
    expect = {
        "CauseWithTargetedDrug": "SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* axkg:Cause . "
                                 "?d axkg:treats ?x ; a/rdfs:subClassOf* axkg:Drug ; axkg:targets ?t . "
                                 "?t a axkg:MolecularTarget }",
        "DrugWithBoxedWarning": "SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* axkg:Drug ; "
                                "axkg:hasBoxedWarning ?w . ?w a/rdfs:subClassOf* axkg:BoxedWarning }",
        "GeneticCause": "SELECT DISTINCT ?x WHERE { { ?x a/rdfs:subClassOf* axkg:PrimaryCause } UNION "
                        "{ ?x a/rdfs:subClassOf* axkg:Cause ; axkg:hasInheritance ?i . ?i a axkg:InheritancePattern } }",
    }
    for name, query in expect.items():
        rows = base.query("PREFIX axkg: <https://w3id.org/axialkg/>\n"
                          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + query)
        assert got[str(AXKG[name])] == {str(r[0]) for r in rows}, name
    assert str(AXKG.myelofibrosis) in got[str(AXKG.CauseWithTargetedDrug)]
    assert str(AXKG.osteopetrosis) in got[str(AXKG.GeneticCause)]


def test_every_treats_claim_comes_back_as_an_inferred_treated_by(release_report, base):
    inverse = {(s.iri, o.iri) for s, p, o in release_report.reasoning.inverse_links if p.iri == str(AXKG.treatedBy)}
    treats = {(str(o), str(s)) for s, o in base.subject_objects(AXKG.treats)}
    assert treats and inverse == treats
    # symmetric: each interaction is inferred the other way round unless stated both ways
    sym = {(s.iri, o.iri) for s, p, o in release_report.reasoning.inverse_links if p.iri == str(AXKG.interactsWith)}
    stated = set(base.subject_objects(AXKG.interactsWith))
    assert sym == {(str(o), str(s)) for s, o in stated if (o, s) not in stated}


# ---------------------------------------------------------------- breaking the graph: each rule
# Each shape's mutation test breaks a copy of the release and checks that rule alone with the engine
# validate runs it on (the shape's SPARQL on pyoxigraph): the entity must be named. HermiT's own
# rules are tested below on one copy broken three ways.


def broken(base: Graph, add=(), remove=()) -> Checked:
    """A copy of the release with these triples added and removed, loaded as validate loads a file."""
    g = Graph()
    g += base
    for t in remove:
        g.remove(t)
    for t in add:
        g.add(t)
    return Checked.from_rdflib(g)


def shape_defects(graph: Checked, shapes, rule: str) -> list:
    found = run_shapes(graph, shapes, [rule])
    assert {d.rule for d in found} <= {rule}
    return found


def test_synonym_clash_is_a_warning_not_an_error(base, shapes):
    # the release had one ("axial osteosclerosis" on osteomesopyknosis, now a related synonym): put it back
    exact = URIRef("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym")
    assert shape_defects(broken(base), shapes, "synonym-clash") == []
    clash = shape_defects(broken(base, add=[(AXKG.osteomesopyknosis, exact, Literal("Axial Osteosclerosis"))]),
                          shapes, "synonym-clash")
    assert clash and all(d.level == "WARN" for d in clash)
    assert {(d.entity, d.label, d.value_label) for d in clash} == {
        (str(AXKG.osteomesopyknosis), "osteomesopyknosis", "axial osteosclerosis")}


def test_claim_without_sources_fails(base, shapes):
    ax, s, o = first(base, "SELECT ?ax ?s ?o WHERE { ?ax owl:annotatedSource ?s ; owl:annotatedProperty axkg:treats ;"
                           " owl:annotatedTarget ?o ; dcterms:source ?src }")
    removed = [(ax, DCTERMS.source, src) for src in base.objects(ax, DCTERMS.source)]
    found = shape_defects(broken(base, remove=removed), shapes, "claim-sourced")
    assert [(d.entity, d.property, d.value) for d in found] == [(str(s), str(AXKG.treats), str(o))]
    assert found[0].label == label(base, s) and found[0].value_label == label(base, o)
    assert found[0].level == "ERROR"


def test_claim_without_its_axiom_fails(base, shapes):
    ax, s, o = first(base, "SELECT ?ax ?s ?o WHERE { ?ax owl:annotatedSource ?s ; owl:annotatedProperty axkg:targets ;"
                           " owl:annotatedTarget ?o }")
    found = shape_defects(broken(base, remove=list(base.triples((ax, None, None)))), shapes, "claim-sourced")
    assert [(d.entity, d.value) for d in found] == [(str(s), str(o))]


def test_dose_without_unit_fails(base, shapes):
    dose, unit = first(base, "SELECT ?d ?u WHERE { ?d a axkg:DoseRegimen ; axkg:doseAmount ?a ; axkg:doseUnit ?u }")
    found = shape_defects(broken(base, remove=[(dose, AXKG.doseUnit, unit)]), shapes, "dose-unit")
    assert found and {d.entity for d in found} == {str(dose)}
    assert found[0].label == label(base, dose) and "no unit" in found[0].message and found[0].level == "ERROR"


@pytest.mark.filterwarnings("ignore:Serializing weird numerical")
@pytest.mark.parametrize("bad", [Literal("fifteen"), Literal("fifteen", datatype=DECIMAL)])
def test_dose_amount_that_is_not_a_number_fails(base, shapes, bad):
    """A string where a number belongs, or an ill-typed decimal: the shape objects to both."""
    dose, amount = first(base, "SELECT ?d ?a WHERE { ?d a axkg:DoseRegimen ; axkg:doseAmount ?a }")
    graph = broken(base, remove=[(dose, AXKG.doseAmount, amount)], add=[(dose, AXKG.doseAmount, bad)])
    assert [(d.entity, d.value_label) for d in shape_defects(graph, shapes, "dose-amount-number")] == [
        (str(dose), "fifteen")]


def test_ill_typed_decimal_is_a_clash_named_without_running_hermit(base):
    """An ill-typed literal is inconsistent by definition in OWL 2 (and owlready2 cannot load it): the
    reasoner's side names it before HermiT would run."""
    from axialkg.reasoning import reason

    dose, amount = first(base, "SELECT ?d ?a WHERE { ?d a axkg:DoseRegimen ; axkg:doseAmount ?a }")
    g = Graph()
    g += base
    g.remove((dose, AXKG.doseAmount, amount))
    g.add((dose, AXKG.doseAmount, Literal("fifteen", datatype=DECIMAL)))
    result = reason(g)
    assert not result.consistent
    assert [c.entities[0].iri for c in result.conflicts] == [str(dose)]
    assert '"fifteen", which is not a valid xsd:decimal' in result.conflicts[0].message


def test_treats_claim_from_a_symptom_fails(base, shapes):
    (symptom,) = first(base, "SELECT ?s WHERE { ?s a axkg:Symptom }")
    (cause,) = first(base, "SELECT ?c WHERE { ?c a/rdfs:subClassOf+ axkg:Cause }")
    graph = broken(base, add=symptom_treats(base, symptom, cause))
    domain = shape_defects(graph, shapes, "claim-domain")
    assert [(d.entity, d.property_label, d.value) for d in domain] == [(str(symptom), "treats", str(cause))]
    assert domain[0].label == label(base, symptom)
    assert shape_defects(graph, shapes, "claim-sourced") == []  # the claim itself is sourced: only its direction is wrong


def symptom_treats(base: Graph, symptom, cause) -> list:
    """A sourced claim that a symptom treats a cause (treats' domain is interventions)."""
    (src,) = first(base, "SELECT ?s WHERE { ?s a axkg:Source }")
    (sec,) = first(base, "SELECT ?s WHERE { ?s a axkg:ArticleSection }")
    ax = BNode("mutant-axiom")
    return [(symptom, AXKG.treats, cause), (ax, RDF.type, OWL.Axiom), (ax, OWL.annotatedSource, symptom),
            (ax, OWL.annotatedProperty, AXKG.treats), (ax, OWL.annotatedTarget, cause),
            (ax, DCTERMS.source, src), (ax, PROV.wasDerivedFrom, sec)]


def test_claim_object_outside_the_range_fails(base, shapes):
    (drug,) = first(base, "SELECT ?d WHERE { ?d a/rdfs:subClassOf+ axkg:Drug }")
    (symptom,) = first(base, "SELECT ?s WHERE { ?s a axkg:Symptom }")
    graph = broken(base, add=[(drug, AXKG.targets, symptom), (drug, AXKG.treats, AXKG["no-such-entity"])])
    found = shape_defects(graph, shapes, "claim-range")
    assert sorted((d.entity, d.property_label, d.value) for d in found) == [
        (str(drug), "targets", str(symptom)), (str(drug), "treats", str(AXKG["no-such-entity"]))]
    assert "molecular target" in next(d.message for d in found if d.property_label == "targets")


def test_duplicate_label_fails_for_both_entities(base, shapes):
    a, b = first(base, "SELECT ?a ?b WHERE { ?a a/rdfs:subClassOf* axkg:Cause . ?b a/rdfs:subClassOf* axkg:Cause ."
                       " FILTER(STR(?a) < STR(?b)) }")
    old = base.value(b, RDFS.label)
    dup = Literal(label(base, a).upper())  # unique ignoring case, so a change of case is a duplicate too
    found = shape_defects(broken(base, remove=[(b, RDFS.label, old)], add=[(b, RDFS.label, dup)]), shapes,
                          "label-unique-in-class")
    assert {(d.entity, d.value) for d in found} == {(str(a), str(b)), (str(b), str(a))}
    assert {d.level for d in found} == {"ERROR"}


def test_same_label_in_different_classes_is_allowed(base, shapes):
    (cause,) = first(base, "SELECT ?c WHERE { ?c a/rdfs:subClassOf* axkg:Cause }")
    (site,) = first(base, "SELECT ?s WHERE { ?s a axkg:AnatomicalSite }")
    graph = broken(base, remove=[(site, RDFS.label, base.value(site, RDFS.label))],
                   add=[(site, RDFS.label, base.value(cause, RDFS.label))])
    assert shape_defects(graph, shapes, "label-unique-in-class") == []


def test_xrefs_must_be_curies_of_known_prefixes(base, shapes):
    (ent,) = first(base, "SELECT ?e WHERE { ?e <http://www.geneontology.org/formats/oboInOwl#hasDbXref> ?x }")
    graph = broken(base, add=[(ent, DBXREF, Literal("NOTAPREFIX:123")), (ent, DBXREF, Literal("HP 0001"))])
    found = [(d.entity, d.value) for d in shape_defects(graph, shapes, "xref-curie")]
    assert sorted(found) == [(str(ent), "HP 0001"), (str(ent), "NOTAPREFIX:123")]


def test_xref_shape_agrees_with_bioregistry(base):
    """The generated prefix list accepts what bioregistry knows and nothing it does not."""
    import re

    import bioregistry

    shapes = load_shapes(shapes_path())
    pattern = re.compile(str(shapes.value(URIRef("https://w3id.org/axialkg/shapes/xref-curie"),
                                          URIRef("http://www.w3.org/ns/shacl#pattern"))), re.IGNORECASE)
    used = {str(x) for x in base.objects(None, DBXREF)}
    assert len(used) > 10
    for xref in sorted(used) + ["CHEBI:15377", "MONDO:0005148", "ncbitaxon:9606", "FOO:1", "orphanet-x:1"]:
        prefix = xref.split(":", 1)[0]
        known = bioregistry.normalize_prefix(prefix) is not None
        assert bool(pattern.match(xref)) == known, xref


# ---------------------------------------------------------------- breaking the graph: the reasoner


@pytest.fixture(scope="module")
def clashing(base, tmp_path_factory):
    """The release broken three ways only a reasoner sees, in one file so HermiT runs once: a drug also
    typed as a cause (disjoint classes), a symptom that treats a cause (treats' domain makes it an
    intervention, disjoint with symptoms), a dose amount given as a string (its range is xsd:decimal)."""
    (drug,) = first(base, "SELECT ?d WHERE { ?d a/rdfs:subClassOf+ axkg:Drug }")
    (symptom,) = first(base, "SELECT ?s WHERE { ?s a axkg:Symptom }")
    (cause,) = first(base, "SELECT ?c WHERE { ?c a/rdfs:subClassOf+ axkg:Cause }")
    dose, amount = first(base, "SELECT ?d ?a WHERE { ?d a axkg:DoseRegimen ; axkg:doseAmount ?a }")
    path = mutant(base, tmp_path_factory.mktemp("clashing"), remove=[(dose, AXKG.doseAmount, amount)],
                  add=[(drug, RDF.type, AXKG.Cause), (dose, AXKG.doseAmount, Literal("fifteen")),
                       *symptom_treats(base, symptom, cause)])
    return validate(path), {"drug": drug, "symptom": symptom, "dose": dose}


def clashes_of(report, entity) -> list:
    return [d for d in defects(report, "owl-consistent") if d.entity == str(entity)]


def test_each_clash_is_named_at_its_entity(clashing):
    report, who = clashing
    assert not report.clean and not report.reasoning.consistent
    assert {d.entity for d in defects(report, "owl-consistent")} == {str(e) for e in who.values()}
    assert {d.rule for d in report.defects if d.level == "ERROR"} >= {
        "owl-consistent", "claim-domain", "dose-amount-number"}  # the shapes still run beside HermiT


def test_drug_also_typed_as_cause_is_inconsistent(clashing, base):
    report, who = clashing
    drug = who["drug"]
    clash = clashes_of(report, drug)
    assert len(clash) == 1 and clash[0].label == label(base, drug)
    msg = clash[0].message
    assert "(asserted) and a cause (asserted)" in msg and "cause and intervention are declared disjoint" in msg
    assert any(f"'{label(base, drug)}'" in c.message for c in report.reasoning.conflicts)


def test_treats_claim_from_a_symptom_clashes_with_the_domain(clashing):
    report, who = clashing
    clash = clashes_of(report, who["symptom"])  # one line per disjoint pair it breaks
    assert clash and any("as subject of 'treats'" in d.message and "a symptom (asserted)" in d.message
                         for d in clash)


def test_dose_amount_string_clashes_with_the_range(clashing):
    report, who = clashing
    clash = clashes_of(report, who["dose"])
    assert len(clash) == 1 and '"fifteen", which is not a valid xsd:decimal' in clash[0].message


def test_reasoner_on_a_large_graph_says_what_it_skipped(monkeypatch):
    """Above MAX_REASONED_INDIVIDUALS HermiT reasons over the schema alone, and the report says so."""
    import axialkg.validation as validation

    monkeypatch.setattr(validation, "MAX_REASONED_INDIVIDUALS", 10)
    graph = load_graph(release_path("ttl"))
    result, scope = validation.run_reasoner(graph)
    assert result.consistent and result.unsatisfiable == []
    assert result.inverse_links == [] and not any(result.memberships.values())  # no individuals reasoned over
    assert re.fullmatch(r"HermiT reasoned over the schema only \(\d+ triples\); it skipped the (\d+) individuals "
                        r"and their claims \(more than 10\), so their consistency rests on the SHACL domain and "
                        r"range rules", scope)
    assert int(re.search(r"skipped the (\d+)", scope).group(1)) > 150


def test_inconsistency_without_disjointness_is_isolated_by_shrinking(base):
    """An inconsistency no disjointness explains (a member of owl:Nothing) is isolated with HermiT."""
    from axialkg.reasoning import reason
    from axialkg.validation import reasoning_defects

    (drug,) = first(base, "SELECT ?d WHERE { ?d a/rdfs:subClassOf+ axkg:Drug }")
    g = Graph()
    g += base
    g.add((drug, RDF.type, OWL.Nothing))
    clash = reasoning_defects(reason(g))
    assert [(d.rule, d.entity) for d in clash] == [("owl-consistent", str(drug))]
    assert "owl:Nothing" in clash[0].message


def _pyshacl_results(graph: Graph, shapes: Graph) -> set:
    """(rule, focus, path, value) of pySHACL's report, the reference our engine must match."""
    import pyshacl

    from axialkg.validation import SH, rule_of

    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True,
                                     advanced=False, abort_on_first=False)
    out = set()
    for res in results.subjects(RDF.type, SH.ValidationResult):
        focus, path, value = (results.value(res, x) for x in (SH.focusNode, SH.resultPath, SH.value))
        if isinstance(focus, BNode):  # a claim's axiom: reported at the claim's subject
            focus = graph.value(focus, OWL.annotatedSource)
        out.add((rule_of(shapes, results.value(res, SH.sourceShape)), str(focus),
                 str(path) if isinstance(path, URIRef) else "",
                 str(value) if value is not None and value != focus and not isinstance(value, BNode) else ""))
    return out


def test_shapes_give_the_same_answer_as_pyshacl(base, tmp_path):
    """Our SPARQL-on-pyoxigraph engine reports what pySHACL (the reference) does, on a broken slice."""
    (drug,) = first(base, "SELECT ?d WHERE { ?d a/rdfs:subClassOf+ axkg:Drug }")
    (symptom,) = first(base, "SELECT ?s WHERE { ?s a axkg:Symptom }")
    (cause,) = first(base, "SELECT ?c WHERE { ?c a/rdfs:subClassOf+ axkg:Cause }")
    (dose,) = first(base, "SELECT ?d WHERE { ?d a axkg:DoseRegimen }")
    # a small slice (schema + these entities, their neighbours and claims) keeps pySHACL quick
    keep = {drug, symptom, cause, dose}
    keep |= {o for s in set(keep) for o in base.objects(s, None) if isinstance(o, URIRef)}
    individuals = set(base.subjects(RDF.type, OWL.NamedIndividual))
    axioms = set(base.subjects(RDF.type, OWL.Axiom))
    part = Graph()
    for t in base:
        if (t[0] in axioms and base.value(t[0], OWL.annotatedSource) in keep) or \
                (t[0] not in axioms and (t[0] not in individuals or t[0] in keep)):
            part.add(t)
    path = mutant(part, tmp_path, add=[(drug, RDF.type, AXKG.Cause), (symptom, AXKG.treats, cause),
                                       (symptom, RDFS.label, Literal("second label")),
                                       (dose, AXKG.doseUnit, Literal("mg")), (dose, AXKG.doseUnit, Literal("g")),
                                       (symptom, DBXREF, Literal("NOTAPREFIX:1"))])
    shapes = load_shapes(shapes_path())
    ours = {(d.rule, d.entity, d.property, d.value) for d in run_shapes(load_graph(path), shapes)}
    mem = Graph()
    mem.parse(path, format="turtle")
    reference = _pyshacl_results(mem, shapes)
    assert ours == reference
    assert {"claim-domain", "claim-sourced", "entity-label", "cause-mechanism", "dose-unit", "xref-curie"} <= {r[0] for r in ours}


def test_unsupported_constraint_is_refused_in_one_line(tmp_path):
    from axialkg.errors import UsageError

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(shapes_path().read_text(encoding="utf-8") + """
axsh:odd a sh:PropertyShape ; sh:severity sh:Violation ; sh:targetClass axkg:Drug ;
    sh:path rdfs:label ; sh:uniqueLang true .
""", encoding="utf-8")
    with pytest.raises(UsageError, match="uniqueLang is not supported"):
        run_shapes(load_graph(release_path("ttl")), load_shapes(shapes))


# ---------------------------------------------------------------- the command


def test_cli_json_parses_and_matches_the_report(release_report):
    proc = cli("--format", "json")
    assert proc.returncode == (0 if release_report.clean else 1), proc.stderr
    data = json.loads(proc.stdout)
    assert data["clean"] is release_report.clean and data["errors"] == release_report.count("ERROR")
    assert data == json.loads(json.dumps(release_report.as_dict()))  # deterministic: same bytes every run
    assert {r["rule"] for r in data["summary"]} >= {"owl-consistent", "claim-sourced", "xref-curie"}
    assert data["reasoning"]["consistent"] is True


def test_cli_text_report_names_the_entity_and_exits_1(base, tmp_path, release_report, monkeypatch, capsys):
    """The text report of a shape defect, and exit 1 (the reasoner's result is the release's: HermiT is
    not what this test is about)."""
    import axialkg.validation as validation
    from axialkg.cli import main

    monkeypatch.setattr(validation, "run_reasoner", lambda graph: (release_report.reasoning, "HermiT: the release's"))
    dose, unit = first(base, "SELECT ?d ?u WHERE { ?d a axkg:DoseRegimen ; axkg:doseAmount ?a ; axkg:doseUnit ?u }")
    assert main(["validate", str(mutant(base, tmp_path, remove=[(dose, AXKG.doseUnit, unit)]))]) == 1
    out = capsys.readouterr().out
    assert "ERROR dose-unit: dose amounts have a unit (1)" in out
    assert f"{label(base, dose)} (axkg:{str(dose).rsplit('/', 1)[1]}): dose gives an amount but no unit" in out
    assert "NOT clean" in out


@pytest.mark.parametrize("content,name", [("# just a heading\n\nSome *markdown*, not RDF.\n", "notes.md"),
                                          ("<html><body>not rdf</body></html>", "page.owl"),
                                          ("", "empty.ttl")])
def test_non_rdf_path_gives_one_line_and_exit_2(tmp_path, content, name):
    path = tmp_path / name
    path.write_text(content)
    proc = cli(str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("axialkg: error:") and name in lines[0]
    assert proc.stdout == ""


def test_missing_path_and_foreign_rdf(tmp_path):
    proc = cli(str(tmp_path / "nope.owl"))
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        f"axialkg: error: {tmp_path / 'nope.owl'}: no such file"]
    foreign = tmp_path / "foaf.ttl"
    foreign.write_text("<http://example.org/a> <http://xmlns.com/foaf/0.1/name> \"A\" .\n")
    proc = cli(str(foreign))
    assert proc.returncode == 2 and "not an axialkg graph" in proc.stderr and len(proc.stderr.splitlines()) == 1


def test_missing_java_gives_one_line_and_exit_3(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"JAVA_HOME"}}
    env["PATH"] = str(tmp_path)  # nothing in it: no java
    proc = cli(env=env)
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "java not found" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
