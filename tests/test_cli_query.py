"""`axialkg query`, `sparql`, `stats` through main(argv): answers, formats, and hostile or malformed
input — each error one line on stderr, the right exit status, no traceback, nothing changed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest



def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_query_json_is_w3c(run):
    code, out, _ = run("query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["head"]["vars"][:2] == ["intervention", "interventionLabel"]
    assert {"ruxolitinib", "fedratinib", "momelotinib"} <= {b["interventionLabel"]["value"]
                                                             for b in doc["results"]["bindings"]}


@pytest.mark.parametrize("fmt,needle", [("table", "axkg:ruxolitinib"), ("csv", "https://w3id.org/axialkg/ruxolitinib,"),
                                        ("tsv", "<https://w3id.org/axialkg/ruxolitinib>\t")])
def test_query_formats(run, fmt, needle):
    code, out, _ = run("query", "drugs-for-cause", "--param", "cause=MF",
                       "--format", fmt)
    assert code == 0 and needle in out


def test_query_on_rdflib_store_gives_same_output(run):
    a = run("query", "tests-for-cause", "--param", "cause=myelofibrosis", "--format", "csv")[1]
    b = run("query", "tests-for-cause", "--param", "cause=myelofibrosis", "--format", "csv", "--store", "rdflib")[1]
    assert a == b and "complete blood count and blood smear" in a


def test_query_list(run):
    code, out, _ = run("query", "--list")
    assert code == 0
    assert "drugs-for-cause [cause (Presentation)]: Drugs and other interventions for a cause" in out
    assert len(out.splitlines()) >= 20


def test_sparql_text_file_and_stdin(run, tmp_path, monkeypatch):
    q = "SELECT ?t WHERE { ?d <https://w3id.org/axialkg/targets> ?t } ORDER BY ?t"
    code, out, _ = run("sparql", q, "--param", "d=Jakafi", "--format", "csv")
    assert code == 0 and out.split("\r\n")[1:3] == ["https://w3id.org/axialkg/jak1", "https://w3id.org/axialkg/jak2"]
    f = tmp_path / "q.rq"
    f.write_text(q)
    assert run("sparql", "-f", str(f), "--param", "d=ruxolitinib", "--format", "csv")[1] == out
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO(q))
    assert run("sparql", "-", "--param", "d=ruxolitinib", "--format", "csv")[1] == out


def test_sparql_ask_and_construct(run):
    code, out, _ = run("sparql", "ASK { ?d <https://w3id.org/axialkg/treats> ?c }", "--param", "d=ruxolitinib",
                       "--param", "c=systemic mastocytosis", "--format", "json")
    assert code == 0 and json.loads(out) == {"head": {}, "boolean": False}
    code, out, _ = run("sparql", "CONSTRUCT { ?d <https://w3id.org/axialkg/targets> ?t } WHERE "
                       "{ ?d <https://w3id.org/axialkg/targets> ?t }", "--param", "d=ruxolitinib", "--format", "ntriples")
    assert code == 0 and out.count(" .\n") == 2 and "<https://w3id.org/axialkg/jak1>" in out


def test_reasoned_flag(run):
    q = "SELECT ?x WHERE { ?x a <https://w3id.org/axialkg/Cause> }"
    plain = run("sparql", q, "--format", "csv")[1]
    code, reasoned, _ = run("sparql", q, "--format", "csv", "--reasoned")
    assert code == 0 and len(plain.splitlines()) == 1 and "myelofibrosis" in reasoned


def test_stats(run):
    code, out, _ = run("stats", "--format", "json")
    assert code == 0
    stats = json.loads(out)
    classes = {c["iri"].rsplit("/", 1)[-1]: c["count"] for c in stats["classes"]}
    assert classes["JAKInhibitor"] >= 3 and stats["totals"]["triples"] > 1000
    assert any(p["iri"].endswith("/treats") for p in stats["predicates"])
    code, out, _ = run("stats", "--reasoned")
    assert code == 0 and "entities by class" in out and "inferred triples" in out


# ---- hostile and malformed input ---------------------------------------------------------------
@pytest.mark.parametrize("argv,code,message", [
    (["query", "drugs-for-cause", "--param", 'cause=x" } ; DROP ALL ; #'], 2, "no entity 'x\" } ; DROP ALL ; #'"),
    (["query", "drugs-for-cause", "--param", "cause=myelofibrozis"], 2,
     "no entity 'myelofibrozis'; did you mean: myelofibrosis?"),
    (["query", "no-such-query"], 2, "no named query 'no-such-query'; available: boxed-warnings, causes,"),
    (["query", "drugs-for-cause"], 2, "needs --param cause=VALUE"),
    (["query", "drugs-for-cause", "--param", "cause"], 2, "not of the form name=value"),
    (["sparql", "SELECT ?x WHERE { ?x ?y }"], 1, "malformed SPARQL: error at 1:26"),
    (["sparql", "SELECT ?x WHERE { ?x ?y }", "--store", "rdflib"], 1, "malformed SPARQL: error at 1:"),
    (["sparql", "DROP ALL"], 2, "refusing a SPARQL update"),
    (["sparql", "PREFIX a: <http://a/> INSERT DATA { a:x a:y a:z }"], 2, "refusing a SPARQL update"),
    (["query", "causes", "--store", "http://127.0.0.1:9/sparql", "--timeout", "2"], 1,
     "connection refused at http://127.0.0.1:9/sparql"),
    (["query", "causes", "--store", "nosuch:thing"], 2, "unknown store 'nosuch:thing'"),
    (["sparql"], 2, "give a query"),
])
def test_bad_input_is_one_line(run, argv, code, message):
    got, out, err = run(*argv)
    assert (got, out) == (code, "")
    assert message in one_line_error(err)


def test_update_through_query_file_is_refused_and_store_unchanged(run, tmp_path):
    store = f"oxigraph:{tmp_path / 'store'}"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = run("sparql", count, "--store", store, "--format", "csv")[1]
    upd = tmp_path / "drop.rq"
    upd.write_text("# title: drop\nDROP ALL\n")
    code, out, err = run("query", str(upd), "--store", store)
    assert code == 2 and out == "" and "refusing 'drop'" in one_line_error(err)
    code, _, err = run("sparql", "DELETE WHERE { ?s ?p ?o }", "--store", store)
    assert code == 2 and "refusing" in one_line_error(err)
    assert run("sparql", count, "--store", store, "--format", "csv")[1] == before
    # with --allow-update it does change
    code, _, _ = run("sparql", "DELETE WHERE { ?s <https://w3id.org/axialkg/treats> ?o }", "--store", store,
                     "--allow-update")
    assert code == 0
    assert run("sparql", count, "--store", store, "--format", "csv")[1] != before


def test_cli_subprocess_error_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "axialkg", "query", "drugs-for-cause", "--param",
                           "cause=myelofibrozis"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert one_line_error(proc.stderr) == "axialkg: error: no entity 'myelofibrozis'; did you mean: myelofibrosis?"


def test_fast_path_imports_no_rdflib_pandas_or_networkx():
    """Nor what only other commands, errors or a first start need (logging, suggestions, CSV, hashing)."""
    code = ("import sys; from axialkg.cli import main; main(['query','drugs-for-cause','--param','cause=myelofibrosis']); "
            "heavy = [m for m in ('rdflib','pandas','networkx','owlready2','pyshacl','SPARQLWrapper', "
            "'logging', 'difflib', 'csv', 'decimal', 'tempfile', 'uuid', 'hashlib') if m in sys.modules]; "
            "print('HEAVY', heavy)")
    subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)  # a first start fills the cache
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("argv", [["nosuch"], ["export", "--format", "bogus", "--out", "x"], ["query", "--param"],
                                  ["path", "ruxolitinib"]])
def test_usage_errors_are_one_line(argv):
    proc = subprocess.run([sys.executable, "-m", "axialkg", *argv], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "error:" in proc.stderr


def test_release_opens_from_a_cache_keyed_by_its_hash(tmp_path, monkeypatch):
    """The packaged release is loaded once into an on-disk store in the cache directory, reused by
    later processes, replaced when the release changes; an update never reaches it."""
    from axialkg import api, resources
    from axialkg.stores import open_store
    from axialkg.stores.cached import CachedReleaseStore

    cache = tmp_path / "cache"
    monkeypatch.setenv("AXIALKG_CACHE_DIR", str(cache))
    first = open_store(None)
    triples = first.triple_count()
    assert isinstance(first, CachedReleaseStore) and triples > 20_000
    stores = sorted(cache.glob("release-*"))
    assert len(stores) == 1
    assert open_store(None).triple_count() == triples and sorted(cache.glob("release-*")) == stores

    kg = api.open()
    kg.update("INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }")
    assert kg.store.triple_count() == triples + 1  # this process's store, now in memory
    assert open_store(None).triple_count() == triples  # the cache still holds the release

    changed = tmp_path / "axialkg.ttl"
    changed.write_bytes(resources.release_path("ttl").read_bytes()
                        + b"\n<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    monkeypatch.setattr(resources, "release_path", lambda fmt="ttl": changed)
    assert open_store(None).triple_count() == triples + 1  # another release: a store of its own
    now = sorted(cache.glob("release-*"))
    assert len(now) == 2 and set(stores) < set(now)  # the other one kept: another process may use it

    monkeypatch.setenv("AXIALKG_CACHE_DIR", "")  # off: loaded in memory as before
    plain = open_store(None)
    assert not isinstance(plain, CachedReleaseStore) and plain.triple_count() == triples


def test_cached_stores_are_pruned_to_the_recently_used_few(tmp_path, monkeypatch):
    """Writing a store prunes the others beyond the most recently used few, never one opened in
    the last hour (another checkout's process may have it open)."""
    import os
    import time

    from axialkg.stores import cached

    root = tmp_path / "cache"
    old = time.time() - 2 * cached.IN_USE
    for i in range(cached.KEEP_STORES + 2):
        d = root / f"release-{i}"
        d.mkdir(parents=True)
        (d / cached.COMPLETE).write_text("x\n")
        os.utime(d / cached.COMPLETE, (old + i, old + i))
    recent = root / "release-recent-but-surplus"
    recent.mkdir()
    (recent / cached.COMPLETE).write_text("x\n")
    new = root / "release-new"
    new.mkdir()
    cached.prune(root, new)
    left = sorted(p.name for p in root.glob("release-*"))
    # the new one, the recent one, and the two most recently used old ones (KEEP_STORES = 4 in all,
    # the recent one spared although it makes a fifth)
    newest_old = [f"release-{i}" for i in range(cached.KEEP_STORES + 2)][-(cached.KEEP_STORES - 2):]
    assert left == sorted(["release-new", "release-recent-but-surplus", *newest_old])


def test_answers_asked_at_every_start_are_kept_beside_the_cached_release(tmp_path, monkeypatch):
    """The resolver's label index is read back from beside the cached store (the same rows as the
    engine's), is never used for another text or once the store has taken an update, and a
    release file that changed is hashed again."""
    from axialkg import resources
    from axialkg.queries import internal
    from axialkg.stores import open_store
    from axialkg.stores import cached

    monkeypatch.setenv("AXIALKG_CACHE_DIR", str(tmp_path / "cache"))
    text = internal("label-index")
    first = open_store(None)
    engine_rows = first.query(text).row_set()
    kept = list((tmp_path / "cache").glob("release-*/answers/*"))
    assert len(kept) == 1 and len(engine_rows) > 1000
    second = open_store(None)
    runs = []
    monkeypatch.setattr(cached.OxigraphStore, "query", lambda self, *a, **k: runs.append(a) or [])
    assert second.query(text).row_set() == engine_rows and runs == []  # read back, not run
    second.query(text + " LIMIT 5")
    assert len(runs) == 1  # another text runs
    monkeypatch.undo()
    monkeypatch.setenv("AXIALKG_CACHE_DIR", str(tmp_path / "cache"))
    kept[0].write_bytes(kept[0].read_bytes()[:-20])  # a damaged file is run again, not trusted
    assert open_store(None).query(text).row_set() == engine_rows
    mutated = open_store(None)
    mutated.update('INSERT DATA { <https://w3id.org/axialkg/zz> a <http://www.w3.org/2002/07/owl#NamedIndividual> ; '
                   '<http://www.w3.org/2000/01/rdf-schema#label> "zz" }')
    assert len(mutated.query(text).row_set()) == len(engine_rows) + 1  # its own answer after an update

    changed = tmp_path / "axialkg.ttl"
    changed.write_bytes(resources.release_path("ttl").read_bytes())
    monkeypatch.setattr(resources, "release_path", lambda fmt="ttl": changed)
    hashed = []
    real = cached.release_digest
    monkeypatch.setattr(cached, "release_digest", lambda p: hashed.append(p) or real(p))
    open_store(None)
    open_store(None)
    assert hashed == [changed]  # hashed once, then known by its stamp
    changed.write_bytes(changed.read_bytes() + b"\n<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    assert open_store(None).query(text).row_set() == engine_rows and hashed == [changed, changed]
    assert open_store(None).triple_count() == first.triple_count() + 1


@pytest.mark.parametrize("argv", [
    ["query"], ["query", "drugs-for-cause"], ["query", "--wide", "drugs-for-cause"],
    ["query", "--param", "cause=myelofibrosis", "drugs-for-cause", "--format", "csv"],
    ["query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--param", "x=y", "--format", "json",
     "--format", "xml", "--wide"],
    ["query", "drugs-for-cause", "--param", ""], ["query", "", "--param", "é=ü"],
])
def test_plain_query_lines_are_read_as_argparse_reads_them(argv):
    """The command line reads the plainest ``query`` calls without argparse: the same namespace."""
    from axialkg.cli import make_parser
    from axialkg.cli.query import plain_args

    parsed = vars(make_parser(argv).parse_args(argv))
    assert plain_args(argv[1:]) == {k: v for k, v in parsed.items() if k not in ("debug", "quiet_all", "command")}


@pytest.mark.parametrize("argv", [
    ["query", "x", "--form", "json"], ["query", "x", "--param", "-1"], ["query", "x", "y"], ["query", "--list"],
    ["query", "x", "--format", "bad"], ["query", "x", "--param"], ["query", "--param=a=b", "x"], ["query", "--help"],
    ["query", "x", "--store", "rdflib"], ["query", "x", "--"],
])
def test_other_query_lines_are_left_to_argparse(argv):
    from axialkg.cli.query import plain_args

    assert plain_args(argv[1:]) is None


def test_a_plain_query_line_answers_as_before(run, capsys):
    code, out, err = run("query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--format", "json")
    assert code == 0 and err == "" and "ruxolitinib" in {b["interventionLabel"]["value"]
                                                           for b in json.loads(out)["results"]["bindings"]}
    code, out, err = run("query", "drugs-for-cause", "--param", "cause=no such cause")
    assert code == 2 and out == "" and err.startswith("axialkg: error: no entity 'no such cause'") and err.count("\n") == 1
    with pytest.raises(SystemExit) as exited:  # left to argparse: its one-line error
        run("query", "drugs-for-cause", "--format", "yaml")
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "invalid choice: 'yaml'" in err and err.count("\n") == 1


def test_the_resolver_is_kept_beside_the_cached_release(tmp_path, monkeypatch):
    """A start reads the resolver's tables back rather than the label index: the same entities,
    the same errors; a store that took an update resolves its own names again."""
    import axialkg
    from axialkg.errors import UsageError
    from axialkg.names import Resolver
    from axialkg.queries import internal
    from axialkg.stores import cached

    monkeypatch.setenv("AXIALKG_CACHE_DIR", str(tmp_path / "cache"))
    fresh = axialkg.open()
    rows = fresh.store.query(internal("label-index"))
    built = Resolver((r["s"].value, r["v"].value, r["kind"].value) for r in rows)
    assert fresh.resolver.state() == built.state()
    runs = []
    monkeypatch.setattr(cached.OxigraphStore, "query", lambda self, *a, **k: runs.append(a) or [])
    kept = axialkg.open().resolver
    assert runs == [] and kept.state() == built.state()  # read back, not asked
    for name in ("Jakafi", "marble bone disease", "axkg:ruxolitinib", "ruxolitinib"):
        assert kept.resolve(name) == built.resolve(name)
    with pytest.raises(UsageError, match="did you mean: myelofibrosis"):
        kept.resolve("myelofibrosi")
    monkeypatch.undo()
    monkeypatch.setenv("AXIALKG_CACHE_DIR", str(tmp_path / "cache"))
    changed = axialkg.open()
    changed.update('INSERT DATA { axkg:zz a owl:NamedIndividual ; rdfs:label "zz" }')
    assert changed.resolve("zz") == "https://w3id.org/axialkg/zz"
    assert axialkg.open().store.remember("resolver-test", lambda: 1) == 1
