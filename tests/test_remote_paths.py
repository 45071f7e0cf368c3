"""Paths and neighbourhoods on remote engines — a real Oxigraph server and Virtuoso 7 — by frontier
expansion (axialkg.graph.frontier): the same answers as the embedded store, asked hop by hop in
batched SPARQL, the graph never copied out (no projection is made of the remote store)."""

from __future__ import annotations

import pytest
from servers import OxigraphServer, VirtuosoServer

import axialkg
from axialkg.cli import main
from axialkg.resources import release_path

GRAPH = "https://w3id.org/axialkg/graph/remote-paths"
AXKG = "https://w3id.org/axialkg/"
PAIRS = [("ruxolitinib", "axial osteosclerosis"), ("denosumab", "osteopetrosis"), ("JAK2", "back pain")]
OPTIONS = [{}, {"directed": True}, {"max_hops": 3, "via": ["Mechanism"], "stated_only": True}]


@pytest.fixture(scope="module")
def embedded():
    return axialkg.open()


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    server.preload(release_path("ttl"))
    with server.running():
        yield server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    import contextlib
    import io

    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).running() as server:
        with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(io.StringIO()):
            mp.setenv("AXIALKG_SPARQL_USER", server.user)
            mp.setenv("AXIALKG_SPARQL_PASSWORD", server.password)
            assert main(["load", "--endpoint", server.sparql_url, "--update-url", server.update_url,
                         "--graph-store-url", server.store_url, "--graph", GRAPH]) == 0
        yield server


@pytest.fixture(params=["oxigraph", "virtuoso"])
def remote(request):
    if request.param == "oxigraph":
        server = request.getfixturevalue("oxigraph")
        kg = axialkg.open(server.query_url)
    else:
        server = request.getfixturevalue("virtuoso")
        kg = axialkg.open(server.sparql_url, graph=GRAPH)
    assert kg.remote
    kg.projection = lambda **kw: pytest.fail("a remote graph was copied out")  # type: ignore[method-assign]
    return kg


def records(paths) -> list[dict]:
    return [p.to_dict() for p in paths]


def test_same_paths_as_embedded(embedded, remote):
    for source, target in PAIRS:
        for options in OPTIONS:
            want = records(embedded.paths(source, target, limit=0, **options))
            assert records(remote.paths(source, target, limit=0, **options)) == want, (source, target, options)
    assert records(remote.paths(*PAIRS[0], limit=3)) == records(embedded.paths(*PAIRS[0], limit=3))


def test_no_path_within_the_bound_is_empty(embedded, remote):
    assert embedded.paths("denosumab", "back pain", max_hops=1) == []
    assert remote.paths("denosumab", "back pain", max_hops=1) == []


def test_same_neighbourhood_as_embedded(embedded, remote):
    for entity, hops, directed in (("JAK2", 1, False), ("JAK2", 2, False), ("myelofibrosis", 1, True)):
        want, have = embedded.neighbors(entity, hops, directed=directed), remote.neighbors(entity, hops, directed=directed)
        assert list(have.nodes(data=True)) == list(want.nodes(data=True)), entity
        assert sorted(have.edges(keys=True, data=True)) == sorted(want.edges(keys=True, data=True))


def test_path_cli_on_the_engine(oxigraph, capsys):
    assert main(["path", "ruxolitinib", "axial osteosclerosis", "--limit", "2", "--store", oxigraph.query_url]) == 0
    remote = capsys.readouterr().out
    assert main(["path", "ruxolitinib", "axial osteosclerosis", "--limit", "2"]) == 0
    assert remote == capsys.readouterr().out and "myelofibrosis" in remote


def test_path_cli_names_iri_ends_without_the_label_index(oxigraph, capsys, monkeypatch):
    """Ends given as IRIs are named from their own labels: the whole label index (tens of seconds
    on a remote graph of 10^6 triples) is never asked for."""
    from axialkg.api import KnowledgeGraph

    monkeypatch.setattr(KnowledgeGraph, "resolver", property(lambda self: pytest.fail("label index built")))
    assert main(["path", AXKG + "ruxolitinib", AXKG + "axial-osteosclerosis", "--limit", "1",
                 "--store", oxigraph.query_url]) == 0
    assert capsys.readouterr().out.startswith(
        "1 path from ruxolitinib (axkg:ruxolitinib) to axial osteosclerosis (axkg:axial-osteosclerosis)")


def test_xml_and_json_results_read_the_same(remote, monkeypatch):
    """The remote store asks for SPARQL XML results first (Virtuoso writes them about five times
    faster than JSON); read from either format, every row and term is the same."""
    from axialkg.queries import internal
    from axialkg.stores import remote as module

    texts = [internal("graph-nodes"), internal("graph-axioms"), internal("label-index"), "ASK { ?s ?p ?o }",
             'SELECT ?x ?l WHERE { VALUES (?x ?l) { (<https://w3id.org/axialkg/a> "dé"@en-GB) '
             '(<https://w3id.org/axialkg/b> "2.50"^^<http://www.w3.org/2001/XMLSchema#decimal>) } }']
    as_xml = [remote.store.query(t) for t in texts]
    monkeypatch.setattr(module, "RESULTS_ACCEPT", "application/sparql-results+json")
    as_json = [remote.store.query(t) for t in texts]
    for x, j in zip(as_xml, as_json):
        assert x.variables == j.variables and x.boolean == j.boolean
        assert sorted(map(repr, x.rows)) == sorted(map(repr, j.rows))
        assert x.rows or x.boolean
    assert as_xml[3].boolean is True and as_xml[4].rows[0]["l"].lang == "en-gb"


def test_only_nodes_that_can_lie_on_a_path_are_asked_for():
    """The balls' outer shells, beyond what a path of max_hops can reach, are left out of the region
    (their labels and axioms are most of what the engine would send)."""
    from axialkg.graph.frontier import on_some_path

    near = ({"s": 0, "a": 1, "b": 2, "m": 2}, {"t": 0, "c": 1, "d": 2, "m": 2})
    assert on_some_path(near, [False, False], [2, 2], 4) == {"s", "a", "m", "t", "c"}
    complete = ({"s": 0, "a": 1, "m": 1, "t": 2}, {"t": 0, "m": 1, "c": 1})  # the source's ball has no more
    assert on_some_path(complete, [True, False], [2, 1], 3) == {"s", "a", "m", "t"}
    assert on_some_path(near, [False, False], [2, 2], 5) == {"s", "a", "b", "m", "t", "c", "d"}
