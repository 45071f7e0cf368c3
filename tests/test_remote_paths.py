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
