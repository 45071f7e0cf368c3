"""Names people type: examples, components and narrower terms are related synonyms, never exact ones,
yet still resolve (after the exact names); and the subtype, form and secondary-to links the article
gives are all there, so a dropped one is named."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDFS

from axialkg.vocab import AXKG, EXACT_SYNONYM, RELATED_SYNONYM

# entity -> names that are an example, a component or a narrower term of it (issue #15 part 5)
NOT_EXACT = {
    "oily-fish": ["salmon", "mackerel"],
    "soy-foods": ["tofu", "tempeh", "soy milk"],
    "calcium-rich-foods": ["dairy foods", "calcium-set tofu"],
    "tumour-markers": ["PSA", "prostate-specific antigen test"],
    "spurling-extension-rotation": ["Spurling test"],
    "functional-tasks": ["sit-to-stand test", "step-down test"],
    "bone-scan-naf-pet": ["NaF-PET", "bone scintigraphy"],
    "serum-calcium-phosphate-alp": ["ALP test"],
    "assistive-bracing": ["lumbar support", "sacroiliac belt"],
    "osteonecrosis-of-the-jaw": ["medication-related osteonecrosis of the jaw"],
    "vitamin-k2": ["MK-7", "menaquinone-7"],
    "osteomesopyknosis": ["axial osteosclerosis"],
    "osteopetrosis": ["Albers-Schönberg osteopetrosis"],
    "nerve-symptoms": ["numbness", "tingling", "pins and needles"],
}


@pytest.mark.parametrize("entity", sorted(NOT_EXACT))
def test_examples_and_narrower_terms_are_not_exact_synonyms(release_graph, entity):
    g, s = release_graph, AXKG[entity]
    exact = {str(x).casefold() for x in g.objects(s, EXACT_SYNONYM)} | {str(g.value(s, RDFS.label)).casefold()}
    assert not exact & {n.casefold() for n in NOT_EXACT[entity]}, entity


@pytest.mark.parametrize("typed,entity", [("tofu", "soy-foods"), ("PSA", "tumour-markers"),
                                          ("Spurling test", "spurling-extension-rotation"),
                                          ("numbness", "nerve-symptoms"), ("MK-7", "vitamin-k2-supplement")])
def test_a_related_name_still_resolves(kg, typed, entity):
    assert kg.resolve(typed) == str(AXKG[entity])


def test_an_exact_name_is_found_before_a_related_one(kg):
    """'axial osteosclerosis' is the pattern's label and only a related synonym of osteomesopyknosis."""
    hits = [h.iri for h in kg.search("axial osteosclerosis", limit=5)]
    assert hits[0] == str(AXKG["axial-osteosclerosis"])
    assert hits.index(str(AXKG["axial-osteosclerosis"])) < hits.index(str(AXKG.osteomesopyknosis))


def test_demoted_names_are_kept_as_related(release_graph):
    g = release_graph
    assert Literal("tofu") in set(g.objects(AXKG["soy-foods"], RELATED_SYNONYM))
    assert Literal("PSA") in set(g.objects(AXKG["tumour-markers"], RELATED_SYNONYM))


# ---------------------------------------------------------------- the links between conditions

# (narrower, relation, broader) as the article gives them
LINKS = {
    ("malignant-infantile-osteopetrosis", "subtypeOf", "osteopetrosis"),
    ("pyknodysostosis", "subtypeOf", "other-genetic-sclerosing-dysplasias"),
    ("osteopathia-striata", "subtypeOf", "other-genetic-sclerosing-dysplasias"),
    ("osteopoikilosis", "subtypeOf", "other-genetic-sclerosing-dysplasias"),
    ("endemic-fluorosis", "subtypeOf", "skeletal-fluorosis"),
    ("primary-axial-osteosclerosis", "subtypeOf", "axial-osteosclerosis"),
    ("secondary-axial-osteosclerosis", "subtypeOf", "axial-osteosclerosis"),
    ("rugger-jersey-spine", "formOf", "endplate-sclerosis"),
    ("renal-osteodystrophy", "secondaryTo", "chronic-kidney-disease"),
    ("renal-osteodystrophy", "secondaryTo", "hyperparathyroidism"),
    ("osteoblastic-metastases", "secondaryTo", "prostate-cancer"),
    ("osteoblastic-metastases", "secondaryTo", "breast-cancer"),
}


def missing_links(g: Graph) -> list[str]:
    """One line per expected link the graph lacks, naming both entities by label."""
    def label(slug: str) -> str:
        return str(g.value(AXKG[slug], RDFS.label) or slug)
    return [f"{label(s)} ({s}) is not {p} {label(o)} ({o})"
            for s, p, o in sorted(LINKS) if (AXKG[s], AXKG[p], AXKG[o]) not in g]


def test_the_article_hierarchy_is_all_there(release_graph):
    assert missing_links(release_graph) == []
    # and none of them points at an obsolete entity
    for s, _, o in LINKS:
        for e in (s, o):
            assert (AXKG[e], OWL.deprecated, Literal(True)) not in release_graph


def test_a_dropped_subtype_link_is_named(release_graph):
    """Mutation: the infantile form loses its parent; the check names it (and the parent)."""
    copy = Graph()
    copy += release_graph
    copy.remove((AXKG["malignant-infantile-osteopetrosis"], AXKG.subtypeOf, AXKG.osteopetrosis))
    assert missing_links(copy) == ["malignant infantile osteopetrosis (malignant-infantile-osteopetrosis) "
                                   "is not subtypeOf osteopetrosis (osteopetrosis)"]
