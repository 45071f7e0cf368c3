"""``axialkg serve``: SPARQL 1.1 Protocol conformance, read-only, timeout, result cap, concurrency,
the page's JSON API, and a bounded load test (figures printed, only errors asserted)."""

from __future__ import annotations

import csv
import io
import importlib.util
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from axialkg import sparql
from axialkg.rdfio import BY_NAME
from axialkg.server import protocol
from axialkg.server import ServerConfig, make_server

AXKG = "https://w3id.org/axialkg/"
PREFIX = "PREFIX axkg: <https://w3id.org/axialkg/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
RUX_LABEL = PREFIX + "SELECT ?label WHERE { axkg:ruxolitinib rdfs:label ?label }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SRJ = "application/sparql-results+json"


def start(**kw):
    config = ServerConfig(port=0, quiet=True, **kw)
    srv = make_server(config)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture(scope="module")
def server():
    srv = start(timeout=20, workers=2)
    yield srv
    srv.shutdown()
    srv.server_close()


def call(srv, path, *, data=None, headers=None, method=None, timeout=30):
    """(status, headers, body bytes) without raising on HTTP errors."""
    req = urllib.request.Request(srv.base_url + path, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get_query(srv, query, accept=None, extra=""):
    return call(srv, "/sparql?query=" + urllib.parse.quote(query) + extra,
                headers={"Accept": accept} if accept else {})


def count_triples(srv) -> int:
    status, _, body = get_query(srv, COUNT, SRJ)
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# ---- request forms ---------------------------------------------------------------------------

def test_get_query_json_by_default(server):
    status, headers, body = get_query(server, RUX_LABEL)
    assert status == 200
    assert headers["Content-Type"].startswith(SRJ)
    data = json.loads(body)
    assert data["head"]["vars"] == ["label"]
    assert data["results"]["bindings"] == [{"label": {"type": "literal", "value": "ruxolitinib"}}]


def test_post_form_and_post_sparql_query_agree_with_get(server):
    _, _, by_get = get_query(server, RUX_LABEL, SRJ)
    status, _, by_form = call(server, "/sparql", data=urllib.parse.urlencode({"query": RUX_LABEL}).encode(),
                              headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": SRJ})
    assert status == 200
    status, _, by_body = call(server, "/sparql", data=RUX_LABEL.encode(),
                              headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": SRJ})
    assert status == 200
    assert json.loads(by_get) == json.loads(by_form) == json.loads(by_body)


def test_dataset_parameters_are_accepted(server):
    status, _, body = get_query(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", SRJ,
                                "&default-graph-uri=" + urllib.parse.quote(AXKG + "graph")
                                + "&named-graph-uri=" + urllib.parse.quote(AXKG + "other"))
    assert status == 200
    # the data sit in the store's default graph, so a named default graph is empty: the parameter is honoured
    assert json.loads(body)["results"]["bindings"] == []


# ---- content negotiation ---------------------------------------------------------------------

DRUG_ROWS = PREFIX + "SELECT ?drug ?label WHERE { ?drug axkg:treats axkg:myelofibrosis ; rdfs:label ?label } ORDER BY ?label"


def test_select_as_xml(server):
    status, headers, body = get_query(server, DRUG_ROWS, "application/sparql-results+xml")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(body)
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["drug", "label"]
    uris = [u.text for u in root.findall(".//r:binding[@name='drug']/r:uri", ns)]
    assert AXKG + "ruxolitinib" in uris


def test_select_as_csv_and_tsv(server):
    status, headers, body = get_query(server, DRUG_ROWS, "text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["drug", "label"]
    assert [AXKG + "ruxolitinib", "ruxolitinib"] in rows
    status, headers, body = get_query(server, DRUG_ROWS, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    lines = body.decode().splitlines()
    assert lines[0] == "?drug\t?label"
    assert f'<{AXKG}ruxolitinib>\t"ruxolitinib"' in lines


def test_accept_quality_values_and_format_parameter(server):
    _, headers, _ = get_query(server, RUX_LABEL, "text/csv;q=0.5, application/sparql-results+xml;q=0.9")
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    _, headers, body = get_query(server, RUX_LABEL, "text/html", "&format=csv")
    assert headers["Content-Type"].startswith("text/csv") and b"ruxolitinib" in body


def test_ask_true_and_false(server):
    yes = PREFIX + "ASK { axkg:ruxolitinib axkg:treats axkg:myelofibrosis }"
    no = PREFIX + "ASK { axkg:ruxolitinib axkg:treats axkg:skeletal-fluorosis }"
    assert json.loads(get_query(server, yes)[2]) == {"head": {}, "boolean": True}
    assert json.loads(get_query(server, no)[2]) == {"head": {}, "boolean": False}
    root = ET.fromstring(get_query(server, yes, "application/sparql-results+xml")[2])
    assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


@pytest.mark.parametrize("accept,fmt_name", [
    (None, "turtle"), ("text/turtle", "turtle"), ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld")])
def test_construct_formats(server, accept, fmt_name):
    import pyoxigraph as ox

    q = PREFIX + "CONSTRUCT { ?drug axkg:treats axkg:myelofibrosis } WHERE { ?drug axkg:treats axkg:myelofibrosis }"
    status, headers, body = get_query(server, q, accept)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == protocol.GRAPH_TYPES[fmt_name]
    triples = {q.triple for q in ox.parse(body, format=BY_NAME[fmt_name].ox())}
    want = ox.Triple(ox.NamedNode(AXKG + "ruxolitinib"), ox.NamedNode(AXKG + "treats"),
                     ox.NamedNode(AXKG + "myelofibrosis"))
    assert want in triples


def test_describe_gives_the_entity(server):
    import pyoxigraph as ox

    status, headers, body = get_query(server, PREFIX + "DESCRIBE axkg:ruxolitinib")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    labels = {t.object.value for t in triples
              if t.predicate.value.endswith("#label") and t.subject.value == AXKG + "ruxolitinib"}
    assert labels == {"ruxolitinib"}


def test_service_description(server):
    import pyoxigraph as ox

    status, headers, body = call(server, "/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    endpoint = {t.object.value for t in triples if t.predicate.value == sd + "endpoint"}
    assert endpoint == {server.base_url + "/sparql"}
    assert any(t.predicate.value == sd + "supportedLanguage" and t.object.value == sd + "SPARQL11Query" for t in triples)
    formats = {t.object.value for t in triples if t.predicate.value == sd + "resultFormat"}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    sizes = [int(t.object.value) for t in triples if t.predicate.value == "http://rdfs.org/ns/void#triples"]
    assert sizes == [count_triples(server)]


# ---- errors and read-only --------------------------------------------------------------------

def test_malformed_sparql_is_400_with_the_parser_message(server):
    status, _, body = get_query(server, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400
    assert b"malformed SPARQL" in body and b"error at 1:" in body


UPDATES = [
    "INSERT DATA { <https://w3id.org/axialkg/evil> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" }",
    "# a comment first\nPREFIX axkg: <https://w3id.org/axialkg/#x>\nDELETE WHERE { axkg:ruxolitinib ?p ?o }",
    "CLEAR ALL",
    "DROP DEFAULT",
    "LOAD <http://example.org/x.ttl>",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_and_change_nothing(server, update):
    before = count_triples(server)
    forms = [
        ("GET update=", "/sparql?update=" + urllib.parse.quote(update), None, {}),
        ("GET query=", "/sparql?query=" + urllib.parse.quote(update), None, {}),
        ("POST form update=", "/sparql", urllib.parse.urlencode({"update": update}).encode(),
         {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST form query=", "/sparql", urllib.parse.urlencode({"query": update}).encode(),
         {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST sparql-update", "/sparql", update.encode(), {"Content-Type": "application/sparql-update"}),
        ("POST sparql-query", "/sparql", update.encode(), {"Content-Type": "application/sparql-query"}),
    ]
    for what, path, data, headers in forms:
        status, _, body = call(server, path, data=data, headers=headers)
        assert status == 403, what
        assert b"read-only" in body, what
    assert count_triples(server) == before
    ask = PREFIX + "ASK { axkg:ruxolitinib rdfs:label 'ruxolitinib' }"
    assert json.loads(get_query(server, ask)[2])["boolean"] is True


def test_is_update_reads_past_prologue_and_comments():
    assert sparql.is_update("PREFIX a: <http://x/#> # insert?\n BASE <http://y/>\n insert data { }")
    assert sparql.is_update("  with <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert not sparql.is_update("# DELETE everything\nSELECT * WHERE { ?s ?p ?o }")
    assert not sparql.is_update("PREFIX insert: <http://x/> SELECT ?insert WHERE { ?insert ?p ?o }")
    assert not sparql.is_update("CONSTRUCT WHERE { ?s ?p ?o }")


def test_names_beyond_ascii_are_read_by_the_full_grammar():
    """ASCII text is read with the grammar's terminals over ASCII; other text by the full Unicode
    classes: both decide alike."""
    assert sparql.is_update("PREFIX é·x: <http://e/> DROP ALL")
    assert sparql.is_update("PREFIX \U00010400: <http://e/> # ü\r INSERT DATA { }")
    a = sparql.analyse("SELECT ?é·x ?b\u0301 WHERE { ?é·x é:p\u00b7q ?b\u0301 . SERVICE <http://h/> { } }")
    assert a.kind == "query" and a.variables == {"é·x", "b\u0301"} and a.prefixes_used == {"é"}
    assert a.services == ("http://h/",)
    assert [t.kind for t in sparql.tokens("?a×b")] == ["VAR", "ERROR", "WORD"]  # × is no name character
    assert [t.text for t in sparql.tokens("?x_1 :a-b.c")] == ["?x_1", " ", ":a-b.c"]


def test_other_methods_paths_and_types(server):
    assert call(server, "/sparql", data=b"x", method="PUT")[0] == 405
    assert call(server, "/nowhere")[0] == 404
    assert call(server, "/sparql", data=b"SELECT * {}", headers={"Content-Type": "text/plain"})[0] == 415
    assert call(server, "/sparql", data=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    status, headers, _ = call(server, "/sparql", method="OPTIONS")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"


def test_binds_loopback_by_default():
    assert ServerConfig().host == "127.0.0.1"
    from axialkg.cli import make_parser

    args = make_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 7878


# ---- timeout, cap, concurrency ---------------------------------------------------------------

def test_runaway_query_is_stopped_and_the_server_recovers():
    srv = start(timeout=2, workers=1)
    try:
        started = time.monotonic()
        status, _, body = get_query(srv, RUNAWAY)
        took = time.monotonic() - started
        print(f"\nrunaway query answered {status} after {took:.2f} s (timeout 2 s)")
        assert status == 503
        assert b"timeout" in body  # stopped by the timeout (how fast is the benchmark's business)
        assert srv.pool.restarts == 1
        # the one worker was killed and replaced: a normal query is answered again
        status, _, body = get_query(srv, RUX_LABEL)
        assert status == 200 and b"ruxolitinib" in body
    finally:
        srv.shutdown()
        srv.server_close()


def test_result_cap_truncates_and_says_so():
    srv = start(max_results=5, workers=1)
    try:
        status, headers, body = get_query(srv, "SELECT ?s WHERE { ?s ?p ?o }")
        assert status == 200
        assert len(json.loads(body)["results"]["bindings"]) == 5
        assert "5" in headers["X-Axialkg-Truncated"]
        status, headers, body = get_query(srv, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
        assert len(body.decode().strip().splitlines()) == 5 and headers["X-Axialkg-Truncated"]
        status, headers, body = get_query(srv, RUX_LABEL)
        assert "X-Axialkg-Truncated" not in headers
        status, headers, body = get_query(srv, "SELECT ?s WHERE { ?s ?p ?o }")  # now from the answer cache
        assert srv.app.answers.hits >= 1
        assert len(json.loads(body)["results"]["bindings"]) == 5 and "5" in headers["X-Axialkg-Truncated"]
    finally:
        srv.shutdown()
        srv.server_close()


# ---- repeated queries: the answer cache and the in-process path ---------------------------------

def _answer_key(srv, query, accept=SRJ):
    return (query, accept, None, (), (), srv.base_url + "/sparql")


def test_a_repeated_query_gets_the_same_answer_without_a_worker(server):
    query = PREFIX + "SELECT ?p ?o WHERE { axkg:fedratinib ?p ?o } ORDER BY ?p ?o"
    first = get_query(server, query, SRJ)
    hits = server.app.answers.hits
    again = get_query(server, query, SRJ)
    assert server.app.answers.hits == hits + 1  # answered from the cache
    assert first[0] == again[0] == 200 and first[2] == again[2] and b"fedratinib" in again[2]
    for name in ("Content-Type", "Vary", "X-Content-Type-Options", "Content-Security-Policy", "X-Frame-Options",
                 "Access-Control-Allow-Origin"):
        assert first[1][name] == again[1][name], name
    assert int(again[1]["Content-Length"]) == len(again[2])
    status, headers, body = call(server, "/sparql?query=" + urllib.parse.quote(query), method="HEAD",
                                 headers={"Accept": SRJ})
    assert status == 200 and body == b"" and headers["Content-Type"] == first[1]["Content-Type"]
    # another format, another answer; an update parameter beside a cached query is still refused
    status, headers, body = get_query(server, query, "text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and b"fedratinib" in body
    status, _, body = call(server, "/sparql?query=" + urllib.parse.quote(query) + "&update=DROP%20ALL",
                           headers={"Accept": SRJ})
    assert status == 403 and b"read-only" in body
    status, _, body = call(server, "/sparql?query=" + urllib.parse.quote(query) + "&query=ASK%7B%7D",
                           headers={"Accept": SRJ})
    assert status == 400 and b"more than one" in body
    assert _answer_key(server, query) in server.app.cheap  # it ran fast in a worker: in-process next time


def test_answers_that_differ_each_time_are_never_cached(server):
    for query in ["SELECT (STRUUID() AS ?u) WHERE {}", "SELECT (RAND() AS ?r) WHERE {}",
                  "SELECT (STR(NOW()) AS ?t) (STRUUID() AS ?u) WHERE {}"]:
        bodies = {get_query(server, query, SRJ)[2] for _ in range(3)}
        assert len(bodies) == 3, query
        assert server.app.answers.get(_answer_key(server, query), server.pool.restarts) is None


def test_a_quick_query_runs_on_the_event_loop_with_the_same_answers(server):
    """A query known to run in milliseconds in the server process runs straight from the HTTP
    protocol: answers that differ each time still differ, the others are the workers' bytes, and
    every check still holds."""
    from axialkg.server.cache import CheapQueries

    fresh = PREFIX + "SELECT ?l (STRUUID() AS ?u) WHERE { axkg:ruxolitinib rdfs:label ?l }"
    plain = PREFIX + "SELECT ?o WHERE { axkg:ruxolitinib rdfs:label ?o }"
    worker_bytes = get_query(server, plain, SRJ)[2]
    app, key = server.app, _answer_key(server, fresh)

    def job(q):
        return ("sparql", q, SRJ, None, [], [], app.config.max_results, server.base_url + "/sparql")

    promoted = CheapQueries()  # promotion: fast in a worker, then fast here; back to a thread when slow
    promoted.ran(key, 0.0)
    promoted.ran_here(key, job(fresh), 0.0)
    assert key in promoted.inline
    promoted.ran_here(key, job(fresh), 1.0)
    assert key not in promoted.inline
    app.cheap.ran(key, 0.0)
    app.cheap.ran_here(key, job(fresh), 0.0)
    runs, run, asgi, starlette = [], app.local.run, [], app.app
    app.local.run = lambda *a: runs.append(a) or run(*a)

    async def seen(scope, receive, send):
        asgi.append(scope["path"])
        await starlette(scope, receive, send)
    app.app = seen
    try:
        bodies = [get_query(server, fresh, SRJ) for _ in range(4)]
        status, headers, body = call(server, "/sparql?query=" + urllib.parse.quote(fresh), method="HEAD",
                                     headers={"Accept": SRJ})
        refused = call(server, "/sparql?query=" + urllib.parse.quote(fresh) + "&update=DROP%20ALL",
                       headers={"Accept": SRJ})
    finally:
        app.local.run, app.app = run, starlette
    assert len(runs) == 5 and all(r == job(fresh) for r in runs)  # every one in this process, none in a worker
    if importlib.util.find_spec("httptools"):  # the protocol's short cut (h11 takes the full way)
        assert asgi == ["/sparql"]  # on the loop, with no ASGI cycle: only the update went the full way
    assert all(b[0] == 200 and b"ruxolitinib" in b[2] for b in bodies) and len({b[2] for b in bodies}) == 4
    assert status == 200 and body == b"" and headers["Content-Type"] == bodies[0][1]["Content-Type"]
    for name in ("Vary", "X-Content-Type-Options", "Content-Security-Policy", "Content-Type"):
        assert headers[name] == bodies[0][1][name]
    assert refused[0] == 403 and b"read-only" in refused[2]
    app.cheap.inline[_answer_key(server, plain)] = job(plain)
    assert app._inline_answer(_answer_key(server, plain))["body"] == worker_bytes


def test_a_repeated_request_on_a_kept_connection_is_answered_from_its_bytes():
    """The same bytes again on a persistent connection are answered before the parser reads them,
    with the answer the full path gives; other bytes (another Accept, HEAD, two requests in one
    write, Connection: close) are read as usual; an idle connection still closes."""
    import http.client
    import socket

    srv = start(workers=1)
    app = srv.app
    try:
        query = PREFIX + "SELECT ?o WHERE { axkg:momelotinib rdfs:label ?o }"
        target = "/sparql?query=" + urllib.parse.quote(query)
        host, port = srv.server_address[:2]
        conn = http.client.HTTPConnection(host, port, timeout=30)

        def ask(accept=SRJ, method="GET"):
            conn.request(method, target, headers={"Accept": accept})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()

        first, second = ask(), ask()  # a worker, then the answer cache through the parser: its bytes learnt
        asgi, starlette = [], app.app

        async def seen(scope, receive, send):
            asgi.append(scope["method"])
            await starlette(scope, receive, send)
        app.app, app._fast_key = seen, lambda *a: None  # from here the parser's short cut finds nothing
        app._raw_keys.clear()
        hits = app.answers.hits
        try:
            again = [ask() for _ in range(3)]
            assert asgi == [] and app.answers.hits == hits + 3  # answered from the bytes alone
            csv_answer, head = ask("text/csv"), ask(method="HEAD")  # other bytes: the full path
            assert asgi == ["GET", "HEAD"]
        finally:
            app.app = starlette
            del app._fast_key
        for status, headers, body in [second] + again:
            assert status == 200 and body == first[2] and b"momelotinib" in body.lower()
            for name in ("content-type", "content-length", "vary", "x-content-type-options",
                         "content-security-policy", "access-control-allow-origin", "date"):
                assert headers[name] == first[1][name] or name == "date", name
        assert csv_answer[0] == 200 and csv_answer[1]["content-type"].startswith("text/csv")
        assert head[0] == 200 and head[2] == b"" and head[1]["content-type"] == first[1]["content-type"]

        one = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {SRJ}\r\n\r\n".encode()
        with socket.create_connection((host, port), timeout=30) as sock:
            sock.sendall(one)
            answers = _read_answers(sock, 1)
            sock.sendall(one)  # learnt now
            answers += _read_answers(sock, 1)
            sock.sendall(one + one)  # two in one write: the parser reads them, in order
            answers += _read_answers(sock, 2)
        assert len(answers) == 4 and all(a.startswith(b"HTTP/1.1 200") and a.endswith(first[2]) for a in answers)
        closing = one.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
        with socket.create_connection((host, port), timeout=30) as sock:
            sock.sendall(closing)
            answer = _read_all(sock)  # answered, then closed by the server
        assert answer.startswith(b"HTTP/1.1 200") and b"connection: close" in answer.lower()
        assert answer.endswith(first[2])
    finally:
        srv.shutdown()
        srv.server_close()


def test_a_connection_answered_from_its_bytes_closes_when_idle():
    import socket

    srv = start(workers=1)
    try:
        srv._uvicorn.config.timeout_keep_alive = 1  # for connections made from now on
        host, port = srv.server_address[:2]
        request = (f"GET /sparql?query={urllib.parse.quote(RUX_LABEL)} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                   f"Accept: {SRJ}\r\n\r\n").encode()
        with socket.create_connection((host, port), timeout=30) as sock:
            busy_until = time.monotonic() + 1.6  # busy past the keep-alive time: kept open
            n = 0
            while time.monotonic() < busy_until:
                sock.sendall(request)
                assert _read_answers(sock, 1)[0].startswith(b"HTTP/1.1 200")
                n += 1
                time.sleep(0.05)
            assert srv.app.answers.hits >= n - 2
            time.sleep(2.5)  # idle longer than the keep-alive time: the server closes it
            assert sock.recv(1) == b""
    finally:
        srv.shutdown()
        srv.server_close()


def _read_all(sock) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _read_answers(sock, n: int) -> list[bytes]:
    """``n`` whole answers (head and Content-Length body) from a socket."""
    buf, out = b"", []
    while len(out) < n:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            assert chunk, "connection closed early"
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        while len(rest) < length:
            chunk = sock.recv(65536)
            assert chunk, "connection closed early"
            rest += chunk
        out.append(head + b"\r\n\r\n" + rest[:length])
        buf = rest[length:]
    return out


def test_answer_cache_is_bounded():
    from axialkg.server.cache import Answers

    cache = Answers(1000)
    for i in range(10):
        cache.put((i,), {"body": b"x" * 100, "content_type": "text/plain", "truncated": False}, 0)
    assert cache.size <= 1000 and len(cache) == 5 and cache.get((9,), 0) and cache.get((0,), 0) is None
    assert cache.get((9,), 1) is None and len(cache) == 0  # a replaced worker empties it
    cache.put(("big",), {"body": b"x" * 600, "content_type": "text/plain", "truncated": False}, 1)
    assert len(cache) == 0  # larger than the cache allows: not kept


def test_concurrent_clients_all_answered(server):
    queries = [RUX_LABEL, DRUG_ROWS, COUNT, PREFIX + "ASK { axkg:ruxolitinib ?p ?o }"]
    results, lock = [], threading.Lock()

    def client(i):
        for j in range(5):
            status, _, body = get_query(server, queries[(i + j) % len(queries)])
            with lock:
                results.append((status, len(body)))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 60
    assert all(status == 200 and size > 0 for status, size in results)


def test_load_loopback_8_clients_3_seconds(server):
    """Bounded load test: prints throughput and p99; asserts only that nothing failed."""
    queries = [RUX_LABEL, DRUG_ROWS, PREFIX + "ASK { axkg:ruxolitinib axkg:treats axkg:myelofibrosis }"]
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + 3

    def client(i):
        n = 0
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            try:
                status, _, body = get_query(server, queries[(i + n) % len(queries)])
                ok = status == 200 and body
            except Exception as exc:  # noqa: BLE001 - every failure counts as an error
                ok, status = False, repr(exc)
            took = time.monotonic() - t0
            with lock:
                (latencies if ok else errors).append(took if ok else status)
            n += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(f"\nload: 8 clients x {elapsed:.1f} s: {len(latencies)} requests, "
          f"{len(latencies) / elapsed:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, {len(errors)} errors")
    assert errors == []
    assert latencies


# ---- the page's JSON API ---------------------------------------------------------------------

def test_labels_api(server):
    status, _, body = call(server, "/api/labels", data=json.dumps([AXKG + "ruxolitinib", AXKG + "nope"]).encode())
    assert status == 200
    assert json.loads(body) == {AXKG + "ruxolitinib": "ruxolitinib"}
    assert call(server, "/api/labels", data=b"{not json")[0] == 400


def test_static_page_and_assets(server):
    status, headers, body = call(server, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'src="/static/app.js"' in body and b"https://" not in body.replace(b"https://w3id.org", b"")
    for asset, ctype in (("app.js", "text/javascript"), ("app.css", "text/css")):
        status, headers, body = call(server, "/static/" + asset)
        assert status == 200 and headers["Content-Type"].startswith(ctype) and body
    assert call(server, "/entity/ruxolitinib")[0] == 200
    assert call(server, "/static/..%2Fserver.py")[0] == 404
    assert call(server, "/static/../server.py")[0] == 404


# ---- the command line ------------------------------------------------------------------------

def _spawn_cli(*args):
    return subprocess.Popen([sys.executable, "-m", "axialkg", "serve", "--port", "0", "--workers", "1", *args],
                            stderr=subprocess.PIPE, text=True)


def test_cli_serves_and_logs_one_line_per_request():
    proc = _spawn_cli("--timeout", "5")
    try:
        banner = proc.stderr.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/ ", banner).group(1)
        with urllib.request.urlopen(url + "/sparql?query=" + urllib.parse.quote(RUX_LABEL), timeout=30) as r:
            assert b"ruxolitinib" in r.read()
        line = proc.stderr.readline()
        assert '"GET /sparql?query=' in line and " 200 " in line
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_quiet_and_bad_options():
    proc = _spawn_cli("--quiet")
    try:
        url = re.search(r"(http://127\.0\.0\.1:\d+)/ ", proc.stderr.readline()).group(1)
        urllib.request.urlopen(url + "/sparql?query=" + urllib.parse.quote(RUX_LABEL), timeout=30).read()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "GET /sparql" not in err
    bad = subprocess.run([sys.executable, "-m", "axialkg", "serve", "--max-results", "0"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == ["axialkg: error: --max-results must be at least 1"]
    bad = subprocess.run([sys.executable, "-m", "axialkg", "serve", "--port", "0", "--store", "no-such-engine:x"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and "store" in bad.stderr



def test_named_query_api_binds_parameters(server):
    status, _, body = call(server, "/api/queries")
    assert status == 200
    catalogue = {q["name"]: q for q in json.loads(body)["queries"]}
    assert [p["name"] for p in catalogue["drugs-for-cause"]["parameters"]] == ["cause"]
    status, _, body = call(server, "/api/query/drugs-for-cause?cause=myelofibrosis")
    assert status == 200
    data = json.loads(body)
    drugs = {row[v]["value"] for row in data["results"]["bindings"] for v in row if row[v]["type"] == "uri"}
    assert AXKG + "ruxolitinib" in drugs
    assert data["labels"][AXKG + "ruxolitinib"] == "ruxolitinib"
    # a different cause gives different drugs: the value is really bound
    _, _, other = call(server, "/api/query/drugs-for-cause?cause=skeletal%20fluorosis")
    other_iris = {row[v]["value"] for row in json.loads(other)["results"]["bindings"] for v in row}
    assert AXKG + "ruxolitinib" not in other_iris
    # a value is a value, never SPARQL text
    status, _, body = call(server, "/api/query/drugs-for-cause?cause=" + urllib.parse.quote("x> } ?s ?p ?o { <y"))
    assert status == 400 and "error" in json.loads(body)
    assert call(server, "/api/query/no-such-query")[0] == 404


def test_entity_api(server):
    status, _, body = call(server, "/api/entity/ruxolitinib")
    assert status == 200
    e = json.loads(body)
    assert e["label"] == "ruxolitinib" and "JAK1" in e["definition"]
    assert "Jakafi" in e["synonyms"] and "DRUGBANK:DB08877" in e["xrefs"]
    treats = [c for c in e["claims"] if c["predicate"] == AXKG + "treats" and c["other"]["iri"] == AXKG + "myelofibrosis"]
    assert treats and all(c["sources"] for c in treats), "the claim carries its sources (once per article section)"
    assert call(server, "/api/entity/no-such-thing")[0] == 404


def test_entity_api_pages_through_the_claims(server, kg):
    """The page asks a page of claims at a time (a hub of 10^7 triples has thousands): put together,
    the pages are the whole list the Python API gives."""
    whole = json.loads(call(server, "/api/entity/myelofibrosis")[2])
    expected = {(c.direction, c.predicate, c.other) for c in kg.entity("myelofibrosis").claims}
    assert whole["claim_count"] == len(expected) > 6 and whole["offset"] == 0
    seen: list = []
    for offset in range(0, whole["claim_count"], 4):
        page = json.loads(call(server, f"/api/entity/myelofibrosis?limit=4&offset={offset}")[2])
        assert page["claim_count"] == whole["claim_count"] and page["offset"] == offset
        claims = {(c["direction"], c["predicate"], c["other"]["iri"]) for c in page["claims"]}
        assert len(claims) == min(4, whole["claim_count"] - offset)
        seen += sorted(claims)
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert json.loads(call(server, f"/api/entity/myelofibrosis?offset={whole['claim_count']}")[2])["claims"] == []


def test_neighbors_api(server):
    status, _, body = call(server, "/api/neighbors/ruxolitinib?hops=1")
    assert status == 200
    g = json.loads(body)
    ids = {n["iri"] for n in g["nodes"]}
    assert {AXKG + "ruxolitinib", AXKG + "myelofibrosis", AXKG + "jak2"} <= ids
    edge = next(e for e in g["edges"] if e["target"] == AXKG + "myelofibrosis" and e["source"] == AXKG + "ruxolitinib")
    assert edge["predicate"] == AXKG + "treats" and edge["sources"]
    assert {n["category"] for n in g["nodes"] if n["iri"] == AXKG + "ruxolitinib"} == {"JAK inhibitor"}
    assert all(e["source"] in ids and e["target"] in ids for e in g["edges"])
    assert call(server, "/api/neighbors/ruxolitinib?hops=9")[0] == 400


def test_other_store_specs_serve_the_same_answers(server, tmp_path):
    """--store rdflib and an on-disk oxigraph store with the data in a named graph answer as the default."""
    from axialkg import api

    graph = "https://example.org/axkg-served"
    disk = f"oxigraph:{tmp_path / 'store'}"
    with api.open(disk, graph=graph):  # the release loaded into a named graph of an on-disk store
        pass
    _, _, expected = call(server, "/api/query/drugs-for-cause?cause=MF")
    expected = json.loads(expected)
    assert expected["results"]["bindings"], "the default store answers"
    for kw in ({"store": "rdflib"}, {"store": disk, "graph": graph}):
        other = start(timeout=20, workers=1, **kw)
        try:
            _, _, body = call(other, "/api/query/drugs-for-cause?cause=MF")
            got = json.loads(body)
            key = lambda rows: sorted(json.dumps(r, sort_keys=True) for r in rows)  # noqa: E731
            assert key(got["results"]["bindings"]) == key(expected["results"]["bindings"]), kw
            assert count_triples(other) == count_triples(server), kw
            status, _, body = call(other, "/api/entity/ruxolitinib")
            assert status == 200 and json.loads(body)["label"] == "ruxolitinib"
            status, _, body = get_query(other, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
                                        "application/n-triples")
            assert status == 200 and body.count(b"\n") == 3
        finally:
            other.shutdown()
            other.server_close()


def test_search_api(server):
    """/api/search answers from kg.search once the layer has it (501 with one line until then)."""
    from axialkg.api import KnowledgeGraph

    status, _, body = call(server, "/api/search?q=ruxolitinib&limit=5")
    if not hasattr(KnowledgeGraph, "search"):
        assert status == 501 and "search" in json.loads(body)["error"]
        return
    assert status == 200, body
    results = json.loads(body)["results"]
    assert results and results[0]["iri"] == AXKG + "ruxolitinib"
    assert {"iri", "label", "category", "score", "matched"} <= set(results[0])
    assert len(results) <= 5


def test_diagnose_api(server):
    """/api/diagnose answers kg.diagnose(...).to_json() once the layer has it (501 until then)."""
    from axialkg.api import KnowledgeGraph

    status, _, body = call(server, "/api/diagnose?present=splenomegaly&top=3")
    if not hasattr(KnowledgeGraph, "diagnose"):
        assert status == 501 and "diagnos" in json.loads(body)["error"]
        return
    assert status == 200, body
    post = call(server, "/api/diagnose", data=json.dumps({"present": ["splenomegaly"], "top": 3}).encode(),
                headers={"Content-Type": "application/json"})
    assert post[0] == 200 and json.loads(post[2]) == json.loads(body)
    status, _, body = call(server, "/api/diagnose?present=no-such-finding-xyz")
    assert status in (400, 404) and "no-such-finding-xyz" in json.loads(body)["error"]
