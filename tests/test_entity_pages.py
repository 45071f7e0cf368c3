"""Entity pages: ``KnowledgeGraph.entity(limit=, offset=)`` pages through the claims that the
``claim-sources`` query lists whole, with the same sources, counts and sections."""

from __future__ import annotations

from collections import Counter

import pytest

from axialkg.errors import UsageError
from axialkg.queries import find_query, internal
from axialkg.stores import inject_values

OWL = "http://www.w3.org/2002/07/owl#"


def _claim_entities(kg) -> list[str]:
    rows = kg.sparql(f"SELECT DISTINCT ?e WHERE {{ {{ ?a <{OWL}annotatedSource> ?e }} UNION "
                     f"{{ ?a <{OWL}annotatedTarget> ?e }} ?e a <{OWL}NamedIndividual> }}")
    return sorted(rows.values("e"))


def _key(c) -> tuple:
    return (c.direction, c.predicate, c.predicate_label, c.other, c.other_label, tuple(c.sources),
            c.further_sources, c.section or "")


def _pages(kg, iri: str, size: int) -> tuple[list, int]:
    first = kg.entity(iri, limit=size)
    claims, total = list(first.claims), first.claim_count
    for offset in range(size, total, size):
        page = kg.entity(iri, limit=size, offset=offset)
        assert page.claim_count == total
        claims += page.claims
    return claims, total


def test_pages_put_together_are_the_whole_claim_list_for_every_entity(kg):
    entities = _claim_entities(kg)
    assert len(entities) > 300
    busiest = 0
    for iri in entities:
        whole = kg.entity(iri)
        claims, total = _pages(kg, iri, 7)
        assert Counter(map(_key, claims)) == Counter(map(_key, whole.claims)), iri
        assert total == len({(c.direction, c.predicate, c.other) for c in whole.claims}), iri
        assert whole.claim_count is None
        busiest = max(busiest, total)
    assert busiest > 7  # some entity really spans several pages


def test_a_page_holds_whole_claims_in_order_of_predicate_then_ends(kg):
    iri = kg.resolve("myelofibrosis")
    page = kg.entity(iri, limit=5)
    assert page.claim_count > 5
    claims = [(c.predicate, c.other) for c in page.claims]
    assert len(set(claims)) == 5  # five claims, each with every row of its sources
    ends = [(c.predicate, iri, c.other) if c.direction == "out" else (c.predicate, c.other, iri)
            for c in page.claims]
    assert ends == sorted(ends)
    beyond = kg.entity(iri, limit=5, offset=page.claim_count)
    assert beyond.claims == [] and beyond.claim_count == page.claim_count


def test_the_page_query_keeps_claim_sources_columns_and_rows(kg):
    """claim-page.rq repeats claim-sources.rq's joins for given claims: the two stay alike."""
    iri = kg.resolve("myelofibrosis")
    whole = kg.query("claim-sources", entity=iri)
    claims = sorted({(r["subject"].value, r["predicate"].value, r["object"].value) for r in whole})
    text = inject_values(internal("claim-page"), {"subject": [c[0] for c in claims],
                                                  "predicate": [c[1] for c in claims],
                                                  "object": [c[2] for c in claims]})
    page = kg.store.query(text)
    assert page.variables == whole.variables
    assert sorted(page.row_set()) == sorted(kg.store.query(find_query("claim-sources").sparql,
                                                           {"entity": iri}).row_set())


@pytest.mark.parametrize("options, message", [
    ({"limit": -1}, "limit must be 0"),
    ({"limit": 2.5}, "limit must be 0"),
    ({"limit": 5, "offset": -3}, "offset must be 0"),
    ({"limit": True}, "limit must be 0"),
])
def test_bad_page_options_are_one_clear_error(kg, options, message):
    with pytest.raises(UsageError, match=message):
        kg.entity("myelofibrosis", **options)


def test_limit_zero_means_every_claim(kg):
    assert kg.entity("myelofibrosis", limit=0).claims == kg.entity("myelofibrosis").claims


def test_a_claim_without_its_asserted_triple_is_counted_but_not_shown():
    """The page query requires the asserted triple (an axiom without one is a validation error): the
    count says the claim is there, the page leaves it out rather than showing a claim never made."""
    from axialkg.api import open as open_graph

    kg = open_graph()
    iri = kg.resolve("myelofibrosis")
    before = kg.entity(iri, limit=1000)
    victim = next(c for c in before.claims if c.direction == "out")
    kg.update(f"DELETE DATA {{ <{iri}> <{victim.predicate}> <{victim.other}> }}")
    after = kg.entity(iri, limit=1000)
    assert after.claim_count == before.claim_count
    assert (victim.predicate, victim.other) not in {(c.predicate, c.other) for c in after.claims}
    assert len({(c.predicate, c.other) for c in after.claims}) == before.claim_count - 1
