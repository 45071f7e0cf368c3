"""The release read unchanged by the ontology libraries researchers load it with, offline: oaklib (the
Ontology Access Kit, through ``get_adapter`` on the Turtle and the RDF/XML, as ``runoak -i FILE`` does)
and owlready2 (the ``.owl`` as it ships); and SPARQLWrapper against ``axialkg serve``. pronto and
py-horned-owl are run in test_interchange.py.

Each reader is asked real questions with known answers: a label, a synonym, a definition, the ancestors
of a subclass and of a subtype, a search, and counts that must equal the release's own."""

from __future__ import annotations

import warnings

import pytest

from axialkg.resources import release_path

AX = "https://w3id.org/axialkg/"


def _count(kg, where: str) -> int:
    rows = kg.sparql(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} FILTER isIRI(?x) }}").rows
    return int(rows[0]["n"].value)


# ---- oaklib ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def oak():
    """oaklib's own choice of adapter for the Turtle file (its rdflib-backed SPARQL implementation, local:
    nothing is downloaded); the release is parsed once for the module."""
    oaklib = pytest.importorskip("oaklib")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return oaklib.get_adapter(str(release_path("ttl")))


def test_oaklib_reads_labels_synonyms_and_definitions(oak):
    assert oak.label(AX + "ruxolitinib") == "ruxolitinib"
    assert oak.label(AX + "KITInhibitor") == "KIT inhibitor"
    assert "Jakafi" in set(oak.entity_aliases(AX + "ruxolitinib"))  # the brand name, as an exact synonym
    assert "JAK1 and JAK2" in oak.definition(AX + "ruxolitinib")
    meta = oak.entity_metadata_map(AX + "ruxolitinib")
    assert meta["oio:hasDbXref"] == ["DRUGBANK:DB08877"]


def test_oaklib_walks_subtype_ancestors_and_claims(oak):
    # (class ancestors are asked of the RDF/XML below: rdflib takes seconds over rdfs:subClassOf here)
    # a cause's subtypes are individuals linked by axkg:subtypeOf: oaklib follows that predicate too
    assert AX + "osteopetrosis" in set(oak.ancestors(AX + "malignant-infantile-osteopetrosis", predicates=[AX + "subtypeOf"]))
    # and reads the claims as relationships
    assert (AX + "targets", AX + "jak2") in set(oak.outgoing_relationships(AX + "ruxolitinib"))


def test_oaklib_searches_labels(oak):
    assert list(oak.basic_search("myelofibrosis")) == [AX + "myelofibrosis"]
    assert list(oak.basic_search("JAK2")) == [AX + "jak2"]


def test_oaklib_reads_the_rdfxml_through_pronto():
    """``pronto:axialkg.owl``: oaklib's adapter for OWL files, on the release's RDF/XML; it models classes."""
    oaklib = pytest.importorskip("oaklib")
    from oaklib.datamodels.vocabulary import IS_A

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adapter = oaklib.get_adapter(f"pronto:{release_path('owl')}")
    assert adapter.label(AX + "JAKInhibitor") == "JAK inhibitor"
    assert "Janus kinase" in adapter.definition(AX + "JAKInhibitor")
    assert set(adapter.ancestors(AX + "JAKInhibitor", predicates=[IS_A], reflexive=False)) == {AX + "Drug", AX + "Intervention"}
    assert AX + "JAKInhibitor" in set(adapter.basic_search("JAK inhibitor"))


# ---- owlready2 --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def owl_world():
    owlready2 = pytest.importorskip("owlready2")
    world = owlready2.World()
    world.get_ontology(release_path("owl").resolve().as_uri()).load()
    return world


def test_owlready2_counts_every_class_and_individual(owl_world, kg):
    assert len(list(owl_world.classes())) == _count(kg, "?x a owl:Class") > 100
    assert len(list(owl_world.individuals())) == _count(kg, "?x a owl:NamedIndividual") > 300
    assert len(list(owl_world.object_properties())) == _count(kg, "?x a owl:ObjectProperty")


def test_owlready2_reads_annotations_and_annotated_claims(owl_world):
    rux = owl_world[AX + "ruxolitinib"]
    assert rux.label == ["ruxolitinib"]
    assert [c.iri for c in rux.is_a] == [AX + "JAKInhibitor"]
    assert "JAK1 and JAK2" in owl_world["http://purl.obolibrary.org/obo/IAO_0000115"][rux][0]
    assert "Jakafi" in owl_world["http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"][rux]
    treats, mf = owl_world[AX + "treats"], owl_world[AX + "myelofibrosis"]
    assert mf in treats[rux]
    # the claim's owl:Axiom annotation: its cited source, read as owlready2's annotation on a triple
    sources = owl_world["http://purl.org/dc/terms/source"][rux, treats, mf]
    assert AX + "fda-access-data" in {s.iri for s in sources}


# ---- SPARQLWrapper against `axialkg serve` ----------------------------------------------------------

def _wrapper(endpoint, query, fmt=None):
    SPARQLWrapper = pytest.importorskip("SPARQLWrapper").SPARQLWrapper
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    if fmt:
        sw.setReturnFormat(fmt)
    return sw


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # SPARQLWrapper's and rdflib's own
def test_sparqlwrapper_converts_every_result_form(endpoint):
    """SPARQLWrapper's defaults (XML for SELECT/ASK, RDF/XML for graphs) and its JSON and JSON-LD, each
    converted to the Python object it promises: a DOM, a dict, an rdflib graph, a boolean."""
    from rdflib import URIRef
    from SPARQLWrapper import JSON, JSONLD

    targets = "SELECT ?t WHERE { axkg:ruxolitinib axkg:targets ?t } ORDER BY ?t"  # no PREFIX line needed
    dom = _wrapper(endpoint, targets).queryAndConvert()
    assert [u.firstChild.data for u in dom.getElementsByTagName("uri")] == [AX + "jak1", AX + "jak2"]
    doc = _wrapper(endpoint, targets, JSON).queryAndConvert()
    assert [b["t"]["value"] for b in doc["results"]["bindings"]] == [AX + "jak1", AX + "jak2"]
    graph = _wrapper(endpoint, "CONSTRUCT WHERE { axkg:ruxolitinib axkg:targets ?t }").queryAndConvert()
    assert set(graph.objects(URIRef(AX + "ruxolitinib"), URIRef(AX + "targets"))) == {URIRef(AX + "jak1"), URIRef(AX + "jak2")}
    # JSON-LD: SPARQLWrapper sends format=json-ld and then the media types as a second format=
    described = _wrapper(endpoint, "DESCRIBE axkg:jak2", JSONLD).queryAndConvert()
    assert {str(o) for o in described.objects(URIRef(AX + "jak2"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"))} == {"JAK2"}
    assert _wrapper(endpoint, "ASK { axkg:ruxolitinib axkg:targets axkg:jak2 }", JSON).queryAndConvert()["boolean"] is True


def test_sparqlwrapper_update_is_refused(endpoint):
    import urllib.error

    sw = _wrapper(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    sw.setMethod("POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        sw.query()
    assert err.value.code == 403
