"""Store equivalence: every named query answers the same on the embedded store, on disk, on
rdflib and on a real Oxigraph SPARQL server over HTTP (default graph and a named graph)."""

from __future__ import annotations


import pytest
from servers import OxigraphServer

import axialkg
from axialkg.errors import AxialKGError, UsageError
from axialkg.queries import catalogue
from axialkg.resources import release_path

GRAPH = "https://w3id.org/axialkg/graph/test"
VALUES = {"cause": "myelofibrosis", "symptom": "splenomegaly", "finding": "splenomegaly",
          "drug": "ruxolitinib", "entity": "ruxolitinib"}
SPECIAL = {"target-drugs": {"entity": "JAK2"}}


def params_for(name: str) -> dict:
    q = catalogue()[name]
    return SPECIAL.get(name, {p.name: VALUES[p.name] for p in q.parameters if not p.optional})


NAMES = sorted(catalogue())


@pytest.fixture(scope="module")
def embedded():
    return axialkg.open()


@pytest.fixture(scope="module")
def reference(embedded):
    """Every named query's rows on the embedded default store."""
    return {name: embedded.query(name, **params_for(name)).row_set() for name in NAMES}


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory):
    return axialkg.open(f"oxigraph:{tmp_path_factory.mktemp('oxstore')}")


@pytest.fixture(scope="module")
def rdflib_kg():
    return axialkg.open("rdflib")


def test_reference_answers_are_not_empty(reference):
    for name in ("entities", "causes", "drugs-for-cause", "tests-for-cause", "graph-edges", "claim-sources"):
        assert reference[name], name


@pytest.mark.parametrize("name", NAMES)
def test_on_disk_matches_embedded(name, on_disk, reference):
    assert on_disk.query(name, **params_for(name)).row_set() == reference[name]


@pytest.mark.parametrize("name", NAMES)
def test_rdflib_matches_embedded(name, rdflib_kg, reference):
    assert rdflib_kg.query(name, **params_for(name)).row_set() == reference[name]


def test_named_graph_matches_default_graph_embedded_and_rdflib(reference):
    for spec in ("", "rdflib"):
        kg = axialkg.open(spec, graph=GRAPH)
        for name in ("drugs-for-cause", "graph-edges", "workup", "entities"):
            assert kg.query(name, **params_for(name)).row_set() == reference[name], (spec, name)


def test_on_disk_store_loads_once_and_reloads_when_release_changes(tmp_path, monkeypatch):
    import os
    import shutil

    from axialkg.resources import release_path
    from axialkg.stores import embedded
    from axialkg.stores.embedded import MARKER, OxigraphStore

    source, where = tmp_path / "release.ttl", tmp_path / "store"
    shutil.copyfile(release_path("ttl"), source)
    first = OxigraphStore.on_disk(where, source=source)
    assert first.loaded_now and (where / MARKER).is_file()
    n = first.triple_count()
    first.close()
    del first

    def no_hashing(path):
        raise AssertionError("an unchanged source was hashed again")
    with monkeypatch.context() as m:  # the marker's stamp says the file is the one loaded: no re-hash
        m.setattr(embedded, "release_digest", no_hashing)
        again = OxigraphStore.on_disk(where, source=source)
    assert not again.loaded_now and again.triple_count() == n
    again.close()
    del again
    st = source.stat()
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, same bytes: hashed, not reloaded
    touched = OxigraphStore.on_disk(where, source=source)
    assert not touched.loaded_now
    touched.close()
    del touched
    with open(source, "a", encoding="utf-8") as fh:  # as if the release had been rebuilt
        fh.write("\n<https://w3id.org/axialkg/x> <https://w3id.org/axialkg/y> <https://w3id.org/axialkg/z> .\n")
    reloaded = OxigraphStore.on_disk(where, source=source)
    assert reloaded.loaded_now and reloaded.triple_count() == n + 1  # cleared and loaded, not doubled


def test_unknown_store_spec_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown store 'sqlite:x'"):
        axialkg.open("sqlite:x")
    with pytest.raises(UsageError, match="absolute IRI"):
        axialkg.open(graph="not an iri")


# ---- a real Oxigraph server --------------------------------------------------------------------
@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """``oxigraph serve`` on a free port, the release loaded in the default graph and in GRAPH."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxserver"))
    release = release_path("ttl")
    server.preload(release)
    server.preload(release, graph=GRAPH)
    with server.running():
        yield server.url


@pytest.fixture(scope="module")
def remote(oxigraph_server):
    return axialkg.open(f"{oxigraph_server}/query", update_url=f"{oxigraph_server}/update",
                        graph_store_url=f"{oxigraph_server}/store")


@pytest.fixture(scope="module")
def remote_named(oxigraph_server):
    return axialkg.open(f"{oxigraph_server}/query", graph=GRAPH, graph_store_url=f"{oxigraph_server}/store")


@pytest.mark.parametrize("name", NAMES)
def test_oxigraph_server_matches_embedded(name, remote, reference):
    assert remote.query(name, **params_for(name)).row_set() == reference[name]


@pytest.mark.parametrize("name", NAMES)
def test_oxigraph_server_named_graph_matches_embedded(name, remote_named, reference):
    assert remote_named.query(name, **params_for(name)).row_set() == reference[name]


def test_server_graph_option_is_honoured(oxigraph_server):
    empty = axialkg.open(f"{oxigraph_server}/query", graph="https://example.org/no-such-graph")
    assert empty.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 1").rows == []


def test_server_ask_construct_and_entity(remote, embedded):
    assert remote.sparql("ASK { ?d <https://w3id.org/axialkg/treats> ?c }", d="ruxolitinib", c="myelofibrosis")
    g = remote.sparql("CONSTRUCT { ?d <https://w3id.org/axialkg/targets> ?t } WHERE { ?d <https://w3id.org/axialkg/targets> ?t }",
                      d="Jakafi")
    assert g.kind == "graph" and {r["object"].value.rsplit("/", 1)[-1] for r in g} == {"jak1", "jak2"}
    assert remote.entity("Jakafi") == embedded.entity("Jakafi")


def test_server_malformed_query_is_one_line(remote):
    with pytest.raises(AxialKGError, match=r"malformed SPARQL \(HTTP 400 from .*\): .*1:\d+"):
        remote.sparql("SELECT ?x WHERE { ?x ?y }")


def test_server_reasoned_view_reads_through_graph_store(remote_named):
    kg = axialkg.open(remote_named.store.url, graph=GRAPH, graph_store_url=remote_named.store.graph_store_url,
                      reasoned=True)
    treated_by = kg.sparql("SELECT ?x WHERE { ?c <https://w3id.org/axialkg/treatedBy> ?x }", c="myelofibrosis")
    assert {"https://w3id.org/axialkg/ruxolitinib"} <= treated_by.values("x")


def test_unreachable_endpoint_is_one_line():
    kg = axialkg.open("http://127.0.0.1:9/sparql", timeout=2)
    with pytest.raises(AxialKGError, match=r"^connection refused at http://127.0.0.1:9/sparql$"):
        kg.sparql("ASK {}")


def test_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AXIALKG_SPARQL_USER", "alice")
    monkeypatch.setenv("AXIALKG_SPARQL_PASSWORD", "s3cret")
    store = axialkg.open("https://sparql.example.org/q").store
    assert (store.http.user, store.http.password) == ("alice", "s3cret")


def test_cli_refuses_a_foreign_on_disk_store_unless_reload(tmp_path, run):
    """#17: a directory holding other data is never cleared silently; --reload replaces it."""
    import pyoxigraph as ox

    foreign = ox.Store(str(tmp_path / "s"))
    foreign.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("c")))
    foreign.flush()
    del foreign
    code, out, err = run("query", "causes", "--store", f"oxigraph:{tmp_path / 's'}")
    assert code != 0 and out == "" and err.count("\n") == 1 and "--reload" in err
    assert len(ox.Store.read_only(str(tmp_path / "s"))) == 1  # nothing changed
    code, out, err = run("query", "causes", "--store", f"oxigraph:{tmp_path / 's'}", "--reload")
    assert code == 0 and "osteopetrosis" in out
