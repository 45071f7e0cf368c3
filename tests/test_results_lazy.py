"""Lazy answers (pyoxigraph's rows kept as the engine gives them, Terms made on first use) are the
eager answers: row for row on every named query of the release, through every serializer, pickled,
and column by column before the rows are built."""

from __future__ import annotations

import pickle

import pyoxigraph as ox
import pytest

import axialkg
from axialkg.api import KnowledgeGraph
from axialkg.errors import UsageError
from axialkg.queries import catalogue, find_query, sort_lists
from axialkg.results import Results
from axialkg.stores import inject_values
from axialkg.stores.embedded import OxigraphStore, to_term

VALUES = {"cause": "myelofibrosis", "symptom": "splenomegaly", "finding": "splenomegaly",
          "drug": "ruxolitinib", "entity": "ruxolitinib"}
SPECIAL = {"target-drugs": {"entity": "JAK2"}}
NAMES = sorted(catalogue())


def params_for(name: str) -> dict:
    return SPECIAL.get(name, {p.name: VALUES[p.name] for p in catalogue()[name].parameters if not p.optional})


@pytest.fixture(scope="module")
def kg():
    """The release in memory, queried by the engine each time (no kept answers)."""
    return KnowledgeGraph(OxigraphStore.in_memory())


def eager(kg, name: str) -> Results:
    """The answer built the old way: the bare Store's solutions, every value converted at once."""
    q = find_query(name)
    bound = {k: kg.resolve(v) for k, v in params_for(name).items()}
    solutions = kg.store.store.query(inject_values(q.sparql, bound) if bound else q.sparql)
    variables = [v.value for v in solutions.variables]
    rows = [{v: to_term(x) for v, x in zip(variables, s) if x is not None} for s in solutions]
    return sort_lists(Results(variables, rows), q.lists)


@pytest.mark.parametrize("name", NAMES)
def test_lazy_answer_is_the_eager_one(kg, name):
    lazy, ref = kg.query(name, **params_for(name)), eager(kg, name)
    assert len(lazy) == len(ref) and bool(lazy) == bool(ref)  # counted before any row is built
    for var in ref.variables:  # one column at a time, before the rows are built
        assert lazy.column(var) == ref.column(var), var
        assert lazy.values(var) == ref.values(var), var
    assert lazy.variables == ref.variables
    assert lazy.rows == ref.rows
    assert lazy == ref
    for key in ("json", "xml", "csv", "tsv"):
        assert lazy.serialize(key) == ref.serialize(key), key
    assert lazy.to_table() == ref.to_table()


@pytest.mark.parametrize("name", ["drugs-for-cause", "sources", "claim-sources", "entities"])
def test_pickled_lazy_answer_equals_the_built_one(kg, name):
    fresh = kg.query(name, **params_for(name))  # never read before pickling
    back = pickle.loads(pickle.dumps(fresh))
    assert back == eager(kg, name) == fresh
    assert back.rows == fresh.rows and len(back) == len(fresh) > 0


def test_list_columns_are_sorted_in_a_lazy_answer(kg):
    """sort_lists on an answer not yet built: the engine's unsorted lists come out sorted all the same."""
    q = find_query("faq")
    assert q.lists == ["about"]
    solutions = kg.store.store.query(q.sparql)
    at = [v.value for v in solutions.variables].index("about")
    engine = [s[at].value for s in solutions if s[at] is not None]
    assert any(v.split("; ") != sorted(v.split("; ")) for v in engine)  # something to sort
    ours = kg.query("faq").column("about")
    assert [v for v in ours if v] == ["; ".join(sorted(set(v.split("; ")))) for v in engine]


def test_answers_share_terms_but_not_rows(kg):
    first = kg.query("causes")
    first.rows[0].clear()
    again = kg.query("causes")
    assert again.rows[0] and again == eager(kg, "causes")


def test_limit_keeps_the_first_rows_of_a_lazy_answer(kg):
    text = find_query("entities").sparql
    whole, cut = kg.store.query(text), kg.store.query(text, limit=5)
    assert cut.truncated and not whole.truncated and len(cut) == 5
    assert cut.rows == whole.rows[:5]


def test_unbound_values_stay_out_of_rows_and_columns():
    store = OxigraphStore.from_data(b'<http://e/a> <http://e/p> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
                                    b'<http://e/b> <http://e/q> "x"@EN .\n', "application/n-triples")
    res = store.query("SELECT ?s ?d ?l WHERE { ?s ?p ?o OPTIONAL { ?s <http://e/p> ?d } "
                      "OPTIONAL { ?s <http://e/q> ?l } } ORDER BY ?s")
    assert res.column("d") == ["1.5", ""]  # decimals canonical, as the eager path made them
    assert res.column("l") == ["", "x"] and res.values("l") == {"x"}
    assert res.rows[0].keys() == {"s", "d"} and res.rows[1]["l"].lang == "en"
    assert isinstance(res.rows[0]["s"].value, str) and not isinstance(res.rows[0]["s"], ox.NamedNode)


def test_resolved_parameters_are_forgotten_after_an_update():
    kg = axialkg.open()
    iri = axialkg.NAMESPACE + "ruxolitinib"
    assert kg.resolve(iri) == iri and kg.resolve("Jakafi") == iri
    before = kg.query("drug-safety", drug=iri)
    kg.update(f"DELETE WHERE {{ <{iri}> ?p ?o }}")
    with pytest.raises(UsageError):
        kg.resolve(iri)
    with pytest.raises(UsageError):
        kg.query("drug-safety", drug="Jakafi")
    assert len(before) > 0


def test_a_long_listing_is_converted_as_it_streams_and_answers_the_same():
    """Past 10,000 rows the engine's rows are converted as they come: same rows, limits and columns."""
    data = "".join(f'<http://e/s{i:05d}> <http://e/p> "v{i % 7}" .\n' for i in range(12_345)).encode()
    store = OxigraphStore.from_data(data, "application/n-triples")
    text = "SELECT ?s ?o WHERE { ?s <http://e/p> ?o } ORDER BY ?s"
    whole, cut, short = store.query(text), store.query(text, limit=11_000), store.query(text, limit=10)
    assert len(whole) == 12_345 and not whole.truncated
    assert cut.truncated and len(cut) == 11_000 and cut.rows == whole.rows[:11_000]
    assert short.truncated and short.rows == whole.rows[:10]
    assert whole.column("o")[:8] == [f"v{i % 7}" for i in range(8)]
    assert whole.rows[12_344]["s"].value == "http://e/s12344"
