"""How each claim is known (hedge, asserter, direction) and the hierarchy relations: on the release, and
the SHACL rules that `axialkg validate` runs for them, each broken on a copy of the release."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from axialkg.resources import shapes_path
from axialkg.validation import load_shapes, run_shapes
from axialkg.vocab import AXKG, DCTERMS, VANN

SH = "http://www.w3.org/ns/shacl#"
AXSH = "https://w3id.org/axialkg/shapes/"
HEDGES = {AXKG["hedge-stated"], AXKG["hedge-possible"], AXKG["hedge-limited-evidence"],
          AXKG["hedge-selected-cases"]}


def axioms(g: Graph, s: str, p: str, o: str) -> list:
    return [ax for ax in g.subjects(OWL.annotatedSource, AXKG[s])
            if g.value(ax, OWL.annotatedProperty) == AXKG[p] and g.value(ax, OWL.annotatedTarget) == AXKG[o]]


def known(g: Graph, s: str, p: str, o: str, what: URIRef) -> set:
    return {g.value(ax, what) for ax in axioms(g, s, p, o)}


# ---------------------------------------------------------------- the vocabulary and the release

def test_vocabulary_terms_carry_the_agreed_labels(release_graph):
    g = release_graph
    labels = {str(g.value(AXKG[t], RDFS.label)) for t in
              ("hedge-stated", "hedge-possible", "hedge-limited-evidence", "hedge-selected-cases")}
    assert labels == {"stated", "possible", "limited evidence", "in selected cases"}
    assert str(g.value(AXKG["asserter-article"], RDFS.label)) == "article"
    assert str(g.value(AXKG["asserter-curator"], RDFS.label)) == "curator"
    assert {str(g.value(AXKG[f"direction-{d}"], RDFS.label)) for d in ("suppresses", "enhances")} == {
        "suppresses", "enhances"}
    for p in ("hedge", "assertedBy", "inferenceReason", "effectDirection"):
        assert (AXKG[p], RDF.type, OWL.AnnotationProperty) in g
    for p in ("secondaryTo", "hasComplication", "leadsTo", "partOf", "formOf"):
        assert (AXKG[p], RDF.type, OWL.ObjectProperty) in g
    assert g.value(AXKG.secondaryTo, OWL.inverseOf) == AXKG.hasComplication


def test_every_claim_axiom_has_one_hedge_and_one_asserter(release_graph):
    g = release_graph
    # the article's claims; the HPO annotations the build adds carry HPO's own evidence instead
    axs = [ax for ax in g.subjects(RDF.type, OWL.Axiom) if (ax, DCTERMS.source, AXKG["hpo-annotations"]) not in g]
    assert len(axs) > 500
    for ax in axs:
        hedges = set(g.objects(ax, AXKG.hedge))
        asserters = set(g.objects(ax, AXKG.assertedBy))
        assert len(hedges) == 1 and hedges <= HEDGES, ax
        assert len(asserters) == 1 and asserters <= {AXKG["asserter-article"], AXKG["asserter-curator"]}, ax


def test_article_claims_cite_and_inferences_reason_never_both(release_graph):
    g = release_graph
    for ax in g.subjects(RDF.type, OWL.Axiom):
        cited = g.value(ax, DCTERMS.source) is not None
        reason = g.value(ax, AXKG.inferenceReason)
        if g.value(ax, AXKG.assertedBy) == AXKG["asserter-curator"]:
            assert not cited and reason is not None and str(reason).strip(), ax
        else:
            assert cited and reason is None, ax


def test_usage_note_annotation_is_an_owl_annotation(release_graph):
    g = release_graph
    notes = [n for n in g.subjects(OWL.annotatedProperty, VANN.usageNote)]
    assert len(notes) == 1
    assert (notes[0], RDF.type, OWL.Annotation) in g and (notes[0], RDF.type, OWL.Axiom) not in g


def test_no_two_schema_terms_share_a_label(release_graph):
    """ROBOT's duplicate_label: 'source' named both dcterms:source and axkg:Source."""
    g = release_graph
    terms = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(
        g.subjects(RDF.type, OWL.AnnotationProperty)) | set(g.subjects(RDF.type, OWL.DatatypeProperty))
    terms |= {s for c in (AXKG.Hedge, AXKG.Asserter, AXKG.EffectDirection) for s in g.subjects(RDF.type, c)}
    # imported HPO terms keep HPO's labels ("Mode of inheritance"); ours must not collide with each other
    labels = Counter(str(g.value(t, RDFS.label)).casefold() for t in terms
                     if isinstance(t, URIRef) and g.value(t, RDFS.label) is not None
                     and not str(t).startswith("http://purl.obolibrary.org/obo/HP_"))
    assert [lab for lab, n in labels.items() if n > 1] == []


# ---------------------------------------------------------------- the SHACL rules, broken on purpose

RULES = ("claim-hedge", "claim-asserter", "inference-not-cited", "inference-reasoned", "claim-direction",
         "hierarchy-acyclic")


@pytest.fixture(scope="module")
def our_shapes() -> Graph:
    """Only this file's rules (the whole set is `axialkg validate`'s, and slower)."""
    full = load_shapes(shapes_path())
    out = Graph()
    todo = [URIRef(AXSH + r) for r in RULES] + [URIRef(AXSH)]
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in full.triples((node, None, None)):
            out.add((s, p, o))
            if isinstance(o, BNode) or (node == URIRef(AXSH) and p == URIRef(SH + "declare")):
                todo.append(o)
            elif p in (URIRef(RDF.first), URIRef(RDF.rest)):
                todo.append(o)
    return out


@pytest.fixture
def copy(release_graph) -> Graph:
    g = Graph()
    for t in release_graph:
        g.add(t)
    return g


def defects(g: Graph, shapes: Graph, rule: str) -> list:
    return [d for d in run_shapes(g, shapes) if d.rule == rule]


def test_release_passes_the_new_rules(release_graph, our_shapes):
    assert run_shapes(release_graph, our_shapes) == []


def test_removed_hedge_is_named(copy, our_shapes):
    ax = axioms(copy, "ruxolitinib", "treats", "myelofibrosis")[0]
    copy.remove((ax, AXKG.hedge, None))
    found = defects(copy, our_shapes, "claim-hedge")
    assert [(d.label, "claim has no hedge" in d.message) for d in found] == [("ruxolitinib", True)], found


def test_inference_cited_to_the_article_is_named(copy, our_shapes):
    ax = axioms(copy, "ruxolitinib", "treats", "myelofibrosis")[0]
    copy.set((ax, AXKG.assertedBy, AXKG["asserter-curator"]))
    copy.add((ax, AXKG.inferenceReason, Literal("a test")))
    found = defects(copy, our_shapes, "inference-reasoned")
    assert [d.label for d in found] == ["ruxolitinib"], found
    assert "curator inference cites an article source" in found[0].message


def test_inference_without_reason_is_named(copy, our_shapes):
    ax = next(a for a in copy.subjects(AXKG.assertedBy, AXKG["asserter-curator"]))
    subject = copy.value(ax, OWL.annotatedSource)
    copy.remove((ax, AXKG.inferenceReason, None))
    found = defects(copy, our_shapes, "inference-not-cited")
    assert [d.entity for d in found] == [str(subject)], found


def test_subtype_self_loop_and_cycle_are_named(copy, our_shapes):
    copy.add((AXKG.osteopetrosis, AXKG.subtypeOf, AXKG.osteopetrosis))
    copy.add((AXKG["osteopathia-striata"], AXKG.subtypeOf, AXKG["osteopoikilosis"]))
    copy.add((AXKG["osteopoikilosis"], AXKG.subtypeOf, AXKG["osteopathia-striata"]))
    found = defects(copy, our_shapes, "hierarchy-acyclic")
    assert {d.label for d in found} == {"osteopetrosis", "osteopathia striata", "osteopoikilosis"}, found


def test_direction_on_a_treats_claim_is_named(copy, our_shapes):
    ax = axioms(copy, "ruxolitinib", "treats", "myelofibrosis")[0]
    copy.add((ax, AXKG.effectDirection, AXKG["direction-suppresses"]))
    found = defects(copy, our_shapes, "claim-direction")
    assert [d.label for d in found] == ["ruxolitinib"], found


def test_a_total_daily_intake_is_not_a_supplement_dose(release_graph):
    g = release_graph
    dose = AXKG["magnesium-supplement-dose-1"]
    assert str(g.value(dose, AXKG.doseKind)) == "total daily intake"
    assert g.value(dose, AXKG.route) is None and g.value(dose, AXKG.frequency) is None
    assert "total daily intake" in str(g.value(dose, RDFS.label))
    # a real supplement dose stays a dose
    assert g.value(AXKG["collagen-peptides-dose-1"], AXKG.doseKind) is None


@pytest.mark.parametrize("s,p,o,hedge", [
    ("myelofibrosis", "hasFinding", "diffuse-osteosclerosis", "possible"),        # "imaging ... can show"
    ("lymphoma", "hasFinding", "low-marrow-signal-on-mri", "possible"),           # "may reduce marrow fat signal"
    ("thalassaemia", "hasMechanism", "iron-overload", "possible"),                # "may alter bone density"
    ("systemic-mastocytosis", "involvesSite", "spine", "possible"),               # "spine can be involved"
    ("healed-stress-reactions", "hasFinding", "endplate-sclerosis", "selected-cases"),  # "sometimes seen"
    ("post-transplant-osteosclerosis", "hasFinding", "diffuse-osteosclerosis", "selected-cases"),
    ("osteopoikilosis", "causesPattern", "axial-osteosclerosis", "possible"),     # "axial bones may be involved"
    ("renal-osteodystrophy", "hasFinding", "rugger-jersey-spine", "stated"),
])
def test_the_causes_paragraphs_keep_their_hedges(release_graph, s, p, o, hedge):
    from axialkg.vocab import PROV

    g = release_graph
    (ax,) = [a for a in axioms(g, s, p, o) if g.value(a, PROV.wasDerivedFrom) == AXKG["section-causes"]]
    assert g.value(ax, AXKG.hedge) == AXKG[f"hedge-{hedge}"]
