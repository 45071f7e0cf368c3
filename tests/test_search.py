"""Search: the tiers of the ranking on the real graph, the category filter, the JSON shape, the index
built lazily, cached beside an on-disk store and rebuilt when the store changes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import axialkg
from axialkg.errors import UsageError
from axialkg.search import CACHE, SearchIndex, cache_path

AXKG = "https://w3id.org/axialkg/"


def labels(hits):
    return [h.label for h in hits]


def test_mastocytosis_finds_the_cause_first(kg):
    hits = kg.search("mastocytosis")
    assert hits[0].iri == AXKG + "systemic-mastocytosis"
    assert (hits[0].matched, hits[0].score) == ("mastocytosis", 0.8)  # a related synonym
    # the red flag's synonym only starts with the word: a lower tier
    flag = next(h for h in hits if h.iri == AXKG + "red-flag-mastocytosis-clues")
    assert flag.score < hits[0].score and flag.matched == "mastocytosis clues"


@pytest.mark.parametrize("text,iri", [
    ("low marrow signal", "low-marrow-signal-on-mri"),
    ("Janus kinase", "jak1"),
    ("systemic mastocytosis", "systemic-mastocytosis"),  # exact label
    ("Jakafi", "ruxolitinib"),  # brand name
    ("marble bone disease", "osteopetrosis"),
    ("DRUGBANK:DB00152", None),  # a cross-reference: checked below against the graph
])
def test_the_right_entity_comes_first(kg, text, iri):
    hits = kg.search(text)
    if iri is None:
        owner = kg.sparql("SELECT ?e WHERE { ?e oboInOwl:hasDbXref ?x FILTER(STR(?x) = 'DRUGBANK:DB00152') }").column("e")
        assert [hits[0].iri] == owner and hits[0].score == 0.85
    else:
        assert hits[0].iri == AXKG + iri, labels(hits)


def test_tiers_order_the_scores(kg):
    assert kg.search("ruxolitinib")[0].score == 1.0
    assert kg.search("Jakafi")[0].score == 0.9
    janus = kg.search("Janus kinase")
    assert {h.iri for h in janus[:2]} == {AXKG + "jak1", AXKG + "jak2"}  # prefix of "Janus kinase 1/2"
    assert all(0.6 < h.score < 0.7 for h in janus[:2])
    # then full text: the JAK-STAT mechanism's definition speaks of Janus kinases (a stem match)
    stat = next(h for h in janus if h.iri == AXKG + "jak-stat-signalling")
    assert stat.score <= 0.5 and "janus kinases" in stat.matched.casefold()
    scores = [h.score for h in janus]
    assert scores == sorted(scores, reverse=True)


def test_osteosclerosis_finds_the_pattern_and_its_kinds(kg):
    hits = kg.search("osteosclerosis", limit=0)
    top = labels(hits[:6])
    assert "axial osteosclerosis" in top and "diffuse osteosclerosis" in top
    # exactly the entities (and classes) whose label, synonyms or definition hold the word
    holding = kg.sparql("SELECT DISTINCT ?e WHERE { { ?e a owl:NamedIndividual } UNION { ?e a owl:Class } "
                        "?e "
                        "rdfs:label|oboInOwl:hasExactSynonym|oboInOwl:hasRelatedSynonym|axkg:brandName|obo:IAO_0000115 ?t "
                        "FILTER(CONTAINS(LCASE(STR(?t)), 'osteosclerosis')) "
                        "FILTER(STRSTARTS(STR(?e), STR(axkg:))) }").values("e")  # HPO's imported terms are not searched
    assert {h.iri for h in hits} == holding and len(holding) > 10


def test_classes_are_found_as_classes(kg):
    """A class page is a search away: 'JAK inhibitor' is the class, not a drug whose definition mentions it."""
    hit = kg.search("JAK inhibitor")[0]
    assert (hit.iri, hit.category, hit.score) == (AXKG + "JAKInhibitor", "class", 1.0)
    assert kg.search("KIT inhibitor")[0].iri == AXKG + "KITInhibitor"
    # a category filter keeps members, never the classes themselves
    assert all(h.category != "class" for h in kg.search("inhibitor", category="Drug", limit=0))


def test_category_filter_includes_subclasses(kg):
    causes = kg.search("mastocytosis", category="Cause")
    assert labels(causes) == ["systemic mastocytosis"]  # a HaematologicalCause is a Cause
    assert all(h.iri != AXKG + "red-flag-mastocytosis-clues" for h in causes)
    drugs = kg.search("kit", category="Drug")
    assert {"avapritinib", "midostaurin"} <= set(labels(drugs))
    assert kg.search("osteosclerosis", category="Drug") == []
    with pytest.raises(UsageError, match="no category 'Drugz'"):
        kg.search("kit", category="Drugz")


def test_limit_and_bad_input(kg):
    assert len(kg.search("marrow", limit=2)) == 2
    assert len(kg.search("marrow", limit=0)) > 2

    for bad, message in (("", "needs some text"), ("   ", "needs some text")):
        with pytest.raises(UsageError, match=message):
            kg.search(bad)
    with pytest.raises(UsageError, match="limit"):
        kg.search("marrow", limit=-1)
    # FTS5 syntax in the text is only words
    assert kg.search('"kit" OR NEAR(') == kg.search("kit OR NEAR")
    assert kg.search("%") == [] and kg.search("*") == []


def test_a_bare_accession_finds_its_cross_reference(kg):
    """What a researcher pastes from DrugBank's or OMIM's page: the accession without its prefix."""
    hit = kg.search("DB08877")[0]
    assert (hit.iri, hit.matched, hit.score) == (AXKG + "ruxolitinib", "DRUGBANK:DB08877", 0.85)
    assert kg.search("265800")[0].iri == AXKG + "pyknodysostosis"
    assert kg.search("DB0887") == [] or kg.search("DB0887")[0].score < 0.85  # no prefix match on accessions


def test_hits_show_as_one_table_and_as_json(kg):
    hits = kg.search("Janus kinase")
    html = hits._repr_html_()  # what Jupyter shows for kg.search(...): one table, not a list's repr
    assert html.startswith(f"<table><caption>{len(hits)} hits</caption>") and len(hits) > 2 and html.count("<tr>") == len(hits) + 1
    assert "<td>JAK1</td>" in html and "<td>Janus kinase 1</td>" in html
    assert hits.to_json()["results"][0] == hits[0].as_dict()
    frame = hits.to_dataframe()
    assert list(frame.columns) == ["iri", "label", "category", "score", "matched"] and len(frame) == len(hits)


def test_json_shape(run):
    code, out, err = run("search", "mastocytosis", "--format", "json", "--limit", "3")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert list(doc) == ["results"] and len(doc["results"]) == 3
    first = doc["results"][0]
    assert list(first) == ["iri", "label", "category", "score", "matched"]
    assert first == {"iri": AXKG + "systemic-mastocytosis", "label": "systemic mastocytosis",
                     "category": first["category"], "score": 0.8, "matched": "mastocytosis"}
    assert isinstance(first["category"], str) and first["category"]
    assert all(isinstance(r["score"], float) for r in doc["results"])


def test_cli_table_and_errors(run):
    code, out, _ = run("search", "low marrow signal")
    assert code == 0 and out.splitlines()[0].split() == ["score", "label", "category", "matched", "iri"]
    assert "axkg:low-marrow-signal-on-mri" in out
    code, out, err = run("search", "kit", "--category", "Drugz")
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1
    assert err.startswith("axialkg: error: no category 'Drugz'; did you mean: Drug")
    code, out, err = run("search", "")
    assert (code, out) == (2, "") and "needs some text" in err and len(err.strip().splitlines()) == 1


def test_index_is_built_lazily(monkeypatch):
    """Opening and querying build no index; the first search does, once."""
    kg = axialkg.open()
    built = []
    real = SearchIndex.build.__func__

    def counting(cls, store, version=""):
        built.append(1)
        return real(cls, store, version)
    monkeypatch.setattr(SearchIndex, "build", classmethod(counting))
    kg.query("drugs-for-cause", cause="myelofibrosis")
    assert built == []
    kg.search("kit")
    kg.search("marrow")
    assert built == [1]


def test_query_does_not_import_search():
    code = ("import sys; from axialkg.cli import main; main(['query','causes']); "
            "print('LOADED', [m for m in ('axialkg.search', 'sqlite3') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "LOADED []" in proc.stdout, proc.stdout + proc.stderr


NEW = ("INSERT DATA { axkg:zz-test-entity a owl:NamedIndividual , axkg:Drug ; rdfs:label \"zebrafinib\" ; "
       "obo:IAO_0000115 \"A made-up inhibitor for the test.\" }")


def test_in_memory_index_follows_updates():
    kg = axialkg.open()
    assert kg.search("zebrafinib") == []
    kg.update("PREFIX axkg: <https://w3id.org/axialkg/> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
              "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX obo: <http://purl.obolibrary.org/obo/> "
              + NEW)
    hit = kg.search("zebrafinib")[0]
    assert (hit.iri, hit.score, hit.category) == (AXKG + "zz-test-entity", 1.0, "drug")
    assert kg.search("made-up inhibitor")[0].iri == AXKG + "zz-test-entity"


def test_on_disk_cache_is_reused_and_invalidated(tmp_path, monkeypatch):
    spec = f"oxigraph:{tmp_path / 'store'}"
    with axialkg.open(spec) as kg:
        assert kg.search("Janus kinase")[0].iri == AXKG + "jak1"
        path = cache_path(kg.store)
    assert path.is_file() and path.name == CACHE + ".sqlite"
    # a second process reads the cache instead of querying the store
    monkeypatch.setattr(SearchIndex, "build", classmethod(lambda *a, **k: pytest.fail("rebuilt a current index")))
    with axialkg.open(spec) as kg:
        assert kg.search("Janus kinase")[0].iri == AXKG + "jak1"
    monkeypatch.undo()
    # an update drops the cache; the next search sees the new entity
    with axialkg.open(spec) as kg:
        kg.update("PREFIX axkg: <https://w3id.org/axialkg/> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
                  "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX obo: <http://purl.obolibrary.org/obo/> "
                  + NEW)
        assert not path.exists()
    with axialkg.open(spec) as kg:
        assert kg.search("zebrafinib")[0].iri == AXKG + "zz-test-entity"
    assert path.is_file()
    # a torn cache file is rebuilt, not trusted
    path.write_bytes(b"not sqlite")
    with axialkg.open(spec) as kg:
        assert kg.search("zebrafinib")[0].iri == AXKG + "zz-test-entity"
    # another graph of the same directory has its own cache
    with axialkg.open(spec, graph="http://example.org/g") as kg:
        assert kg.search("Janus kinase")[0].iri == AXKG + "jak1"
        assert cache_path(kg.store) != path and cache_path(kg.store).is_file()
