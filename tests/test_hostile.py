"""``axialkg serve`` under hostile input: each case gives its status and one line, changes nothing
and leaves the server answering. SERVICE cases run against a real listener that proves no
outbound request was made; update cases also run against a real Oxigraph server as the backing
store, which must keep every triple."""

from __future__ import annotations

import json
from pathlib import Path
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import axialkg
from axialkg.server import ServerConfig, http as server_http, make_server
from axialkg.server.protocol import redact
from servers import OxigraphServer

PREFIX = "PREFIX axkg: <https://w3id.org/axialkg/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ASK_RUX = PREFIX + "ASK { axkg:ruxolitinib rdfs:label 'ruxolitinib' }"
SRJ = "application/sparql-results+json"


class Listener:
    """A loopback TCP listener that records every connection (and answers an empty ASK result)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
                except OSError:
                    pass

    def close(self):
        self._stop = True
        self.sock.close()


def start(**kw):
    srv = make_server(ServerConfig(port=0, quiet=True, **kw))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def stop(srv):
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def listener():
    one = Listener()
    yield one
    one.close()


@pytest.fixture(scope="module")
def server():
    saved = server_http.HEAD_TIMEOUT
    server_http.HEAD_TIMEOUT = 1.5  # read at each connection: a slow client is cut quickly here
    srv = start(timeout=10, workers=2)
    yield srv
    stop(srv)
    server_http.HEAD_TIMEOUT = saved


def call(srv, path, *, data=None, headers=None, method=None, timeout=30):
    req = urllib.request.Request(srv.base_url + path, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def raw(srv, payload: bytes, *, read_timeout=10.0) -> bytes:
    """Send raw bytes; everything the server answers until it closes (or the timeout)."""
    host, port = srv.server_address[:2]
    with socket.create_connection((host, port), timeout=read_timeout) as s:
        s.sendall(payload)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (TimeoutError, socket.timeout):
            out += b"<still open>"
        except ConnectionResetError:
            out += b"<reset>"
        return out


def count(srv) -> int:
    status, _, body = call(srv, "/sparql?query=" + urllib.parse.quote(COUNT), headers={"Accept": SRJ})
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def still_answering(srv) -> bool:
    status, _, body = call(srv, "/sparql?query=" + urllib.parse.quote(ASK_RUX), headers={"Accept": SRJ})
    return status == 200 and json.loads(body)["boolean"] is True


def one_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    if text.startswith("{"):
        text = json.loads(text)["error"]
    assert text.count("\n") <= 1 and "Traceback" not in text, text
    return text.strip()


# ---- SERVICE: no outbound request ------------------------------------------------------------------
def service_queries(port: int) -> list[tuple[str, str]]:
    target = f"http://127.0.0.1:{port}/sparql"
    return [
        ("plain", f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"),
        ("silent", f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}"),
        ("lower case", f"select * where {{ service <{target}> {{ ?s ?p ?o }} }}"),
        ("prefixed name", f"PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}"),
        ("variable", f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"),
        ("in OPTIONAL", f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} LIMIT 1"),
        ("in a subquery", f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}"),
        ("in UNION", f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}"),
        ("ASK", f"ASK {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"),
        ("CONSTRUCT", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"),
        ("DESCRIBE", f"DESCRIBE ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"),
        ("after a comment ended by CR", f"SELECT * WHERE {{ # x\rSERVICE <{target}> {{ ?s ?p ?o }} }}"),
        ("relative IRI under BASE", f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}"),
        ("codepoint escape", f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}"),
        ("localhost name", f"SELECT * WHERE {{ SERVICE <http://localhost:{port}/x> {{ ?s ?p ?o }} }}"),
    ]


def _service_ids():
    return [name for name, _ in service_queries(1)]


@pytest.mark.parametrize("case", range(len(_service_ids())), ids=_service_ids())
@pytest.mark.parametrize("how", ["GET", "POST form", "POST sparql-query"])
def test_service_is_refused_and_nothing_leaves(server, listener, case, how):
    name, query = service_queries(listener.port)[case]
    before = listener.connections
    if how == "GET":
        status, _, body = call(server, "/sparql?query=" + urllib.parse.quote(query))
    elif how == "POST form":
        status, _, body = call(server, "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        status, _, body = call(server, "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    time.sleep(0.05)
    assert status == 400, (name, body)
    assert "SERVICE" in one_line(body) and "outbound" in one_line(body)
    assert listener.connections == before, f"{name}: the server connected to the listener"


def test_allowed_service_host_is_called(listener):
    """The listener does see a request when the operator allows its host: the refusal test can fail."""
    srv = start(timeout=10, workers=1, allow_service=(f"127.0.0.1:{listener.port}",))
    try:
        before = listener.connections
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        status, _, body = call(srv, "/sparql?query=" + urllib.parse.quote(query), headers={"Accept": SRJ})
        assert status == 200, body
        assert listener.connections > before
        other = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port + 1}/sparql> {{ ?s ?p ?o }} }}"
        assert call(srv, "/sparql?query=" + urllib.parse.quote(other))[0] == 400  # another port is another host
    finally:
        stop(srv)


# ---- updates never pass ------------------------------------------------------------------------------
UPDATES = [
    "#\rDROP ALL",
    "# comment\r\nCLEAR ALL",
    "BASE<http://x/>CLEAR ALL",
    "PREFIX:<http://x/> DROP ALL",
    "PREFIX a:<http://x/>INSERT DATA { a:s a:p a:o }",
    "drop all",
    "\\u0044ROP ALL",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "SELECT * {} ; DROP ALL",
]


@pytest.mark.parametrize("update", UPDATES)
def test_update_text_is_refused(server, update):
    before = count(server)
    for data, ctype, path in [
        (None, None, "/sparql?query=" + urllib.parse.quote(update)),
        (urllib.parse.urlencode({"query": update}).encode(), "application/x-www-form-urlencoded", "/sparql"),
        (update.encode(), "application/sparql-query", "/sparql"),
        (update.encode(), "application/sparql-update", "/sparql"),
    ]:
        status, _, body = call(server, path, data=data, headers={"Content-Type": ctype} if ctype else {})
        assert status in (400, 403), (update, status, body)
        one_line(body)
    assert count(server) == before
    assert still_answering(server)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    from axialkg.resources import release_path

    server = OxigraphServer(tmp_path_factory.mktemp("oxhostile"))
    server.preload(release_path("ttl"))
    with server.running():
        yield server


def _oxigraph_count(ox) -> int:
    url = ox.query_url + "?query=" + urllib.parse.quote(COUNT)
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": SRJ}), timeout=30) as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])


def test_updates_never_reach_a_backing_oxigraph(oxigraph):
    """serve --store on a real Oxigraph with its update URL known: every update form is refused
    and the backing store keeps every triple; the remote store's query path never sends updates."""
    from axialkg.stores import StoreSpec, open_store

    before = _oxigraph_count(oxigraph)
    assert before > 9000
    srv = start(timeout=20, workers=1, store=oxigraph.query_url)
    try:
        for update in UPDATES:
            status, _, _ = call(srv, "/sparql?query=" + urllib.parse.quote(update))
            assert status in (400, 403), update
        assert still_answering(srv)
    finally:
        stop(srv)
    store = open_store(StoreSpec.parse(oxigraph.query_url, update_url=oxigraph.update_url))
    for update in UPDATES:
        with pytest.raises(Exception):
            store.query(update)  # sent as query= to the query URL, which refuses it
    store.close()
    assert _oxigraph_count(oxigraph) == before


# ---- HTTP hygiene ---------------------------------------------------------------------------------
def test_negative_content_length_is_refused(server):
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: -1\r\n\r\n" + b"x" * 100000)
    assert answer.startswith(b"HTTP/1.1 400")
    assert still_answering(server)


def test_oversized_body_gets_413_and_the_connection_closes(server):
    body = b"SELECT * {}" + b" " * (server_http.MAX_BODY + 10)
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:1000]
                         + b"GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413")
    assert answer.count(b"HTTP/1.1 ") == 1  # the unread body is never parsed as a next request
    assert b"<still open>" not in answer


def test_chunked_body_over_the_limit_gets_413(server):
    chunk = b"x" * 65536
    payload = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17))  # just past the limit
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n" + payload)
    assert answer.startswith(b"HTTP/1.1 413")
    assert still_answering(server)


def test_small_chunked_query_is_answered(server):
    q = b"ASK {}"
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Accept: application/sparql-results+json\r\nConnection: close\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(q), q))
    assert answer.startswith(b"HTTP/1.1 200") and b'"boolean":true' in answer


def test_slow_client_is_cut(server):
    started = time.monotonic()
    answer = raw(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n", read_timeout=8)
    assert b"<still open>" not in answer, "a request head that never ends holds the connection"
    assert time.monotonic() - started < 8


def test_idle_connection_is_cut(server):
    answer = raw(server, b"", read_timeout=8)
    assert answer == b""  # closed by the server, not by our timeout


def test_garbage_request_line(server):
    assert raw(server, b"\x00\x01\x02 / HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert still_answering(server)


def test_huge_header_is_refused(server):
    answer = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4")
    assert still_answering(server)


@pytest.mark.parametrize("host", ['evil"> . <http://x/> <http://x/> <http://x/', "a b", "x\\y", "<script>"])
def test_host_header_never_pasted_raw(server, host):
    import pyoxigraph as ox

    answer = raw(server, b"GET /sparql HTTP/1.1\r\nHost: " + host.encode() + b"\r\nAccept: text/turtle\r\n"
                         b"Connection: close\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    if head.startswith(b"HTTP/1.1 400"):
        return  # the HTTP layer refused the header itself
    assert head.startswith(b"HTTP/1.1 200")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert host.encode() not in body and triples


def test_security_headers_on_every_answer(server):
    for path in ["/", "/api/info", "/sparql", "/nowhere"]:
        _, headers, _ = call(server, path)
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "script-src" not in headers["Content-Security-Policy"] or "unsafe" not in headers["Content-Security-Policy"]


# ---- parameters and bodies --------------------------------------------------------------------------
BAD = [
    ("two query parameters", "GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, None, 400, "more than one"),
    ("query in URL and form", "POST", "/sparql?query=ASK%7B%7D", b"query=ASK%7B%7D", "application/x-www-form-urlencoded",
     400, "more than one"),
    ("default-graph-uri not an IRI", "GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", None, None, 400,
     "absolute IRI"),
    ("named-graph-uri not an IRI", "GET", "/sparql?query=ASK%7B%7D&named-graph-uri=%3Cx%3E", None, None, 400,
     "absolute IRI"),
    ("malformed SPARQL", "GET", "/sparql?query=SELECT%20WHERE", None, None, 400, ""),
    ("unknown prefix", "GET", "/sparql?query=SELECT%20*%20%7B%20%3Fs%20nope%3Ax%20%3Fo%20%7D", None, None, 400, "nope"),
    ("empty query", "GET", "/sparql?query=", None, None, 400, ""),
    ("binary form body", "POST", "/sparql", b"query=\xff\xfe", "application/x-www-form-urlencoded", 400, "UTF-8"),
    ("binary query body", "POST", "/sparql", b"\xff\xfe\x00", "application/sparql-query", 400, "UTF-8"),
    ("form without query", "POST", "/sparql", b"x=1", "application/x-www-form-urlencoded", 400, "query"),
    ("unknown content type", "POST", "/sparql", b"ASK {}", "text/plain", 415, "Content-Type"),
    ("PUT", "PUT", "/sparql", b"x", "text/turtle", 405, "read-only"),
    ("DELETE", "DELETE", "/sparql", None, None, 405, "read-only"),
    ("GET update=", "GET", "/sparql?update=DROP%20ALL", None, None, 403, "read-only"),
    ("deep JSON to labels", "POST", "/api/labels", b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "JSON"),
    ("labels not a list", "POST", "/api/labels", b'{"a": 1}', "application/json", 400, "JSON list"),
    ("labels not JSON", "POST", "/api/labels", b"\xff", "application/json", 400, "JSON"),
    ("unknown named query", "GET", "/api/query/nope", None, None, 404, "no named query"),
    ("bad named-query parameter", "GET", "/api/query/drugs-for-cause?cause=x%22%20%7D%20%3B%20DROP%20ALL%20%3B%20%23",
     None, None, 400, "no entity"),
    ("newline in a parameter", "GET", "/api/query/drugs-for-cause?cause=x%0Aforged%20line", None, None, 400, "no entity"),
    ("unknown entity", "GET", "/api/entity/nope-nope", None, None, 404, "no entity"),
    ("entity with a quote", "GET", "/api/entity/x%22%3E", None, None, 404, "no entity"),
    ("entity page limit 0", "GET", "/api/entity/ruxolitinib?limit=0", None, None, 400, "limit"),
    ("entity page negative offset", "GET", "/api/entity/ruxolitinib?offset=-1", None, None, 400, "offset"),
    ("entity page huge limit", "GET", "/api/entity/ruxolitinib?limit=99999", None, None, 400, "limit"),
    ("neighbors bad hops", "GET", "/api/neighbors/ruxolitinib?hops=9", None, None, 400, "hops"),
    ("path traversal", "GET", "/static/..%2F..%2Fpyproject.toml", None, None, 404, ""),
    ("dot-dot file", "GET", "/..%2Fserver%2Fhttp.py", None, None, 404, ""),
    ("search without q", "GET", "/api/search", None, None, 400, "q"),
    ("search bad limit", "GET", "/api/search?q=x&limit=-1", None, None, 400, "limit"),
    ("diagnose not an object", "POST", "/api/diagnose", b"[1]", "application/json", 400, "JSON object"),
    ("diagnose bad top", "GET", "/api/diagnose?present=x&top=zero", None, None, 400, "top"),
    ("diagnose present not a list", "POST", "/api/diagnose", b'{"present": 3}', "application/json", 400, "present"),
]


@pytest.mark.parametrize("name,method,path,data,ctype,status,says", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_one_line(server, name, method, path, data, ctype, status, says):
    before = count(server)
    got, _, body = call(server, path, data=data, method=method, headers={"Content-Type": ctype} if ctype else {})
    assert got == status, (name, body[:300])
    line = one_line(body)
    assert says in line, line
    assert count(server) == before
    assert still_answering(server)


def test_unknown_format_falls_back_to_accept(server):
    status, headers, body = call(server, "/sparql?query=ASK%7B%7D&format=nonsense",
                                 headers={"Accept": "application/sparql-results+xml"})
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")


def test_relative_iris_resolve_against_the_endpoint(server):
    q = "CONSTRUCT { <s> <p> 1 } WHERE {}"
    status, headers, body = call(server, "/sparql?query=" + urllib.parse.quote(q), headers={"Accept": "text/turtle"})
    assert status == 200, body
    assert server.base_url.encode() + b"/s" in body


def test_rdfxml_graph_results(server):
    q = PREFIX + "CONSTRUCT { axkg:ruxolitinib rdfs:label ?l } WHERE { axkg:ruxolitinib rdfs:label ?l }"
    status, headers, body = call(server, "/sparql?query=" + urllib.parse.quote(q),
                                 headers={"Accept": "application/rdf+xml"})
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
    assert b"ruxolitinib" in body and b"<rdf:RDF" in body


def test_void_description(server):
    import pyoxigraph as ox

    status, headers, body = call(server, "/.well-known/void", headers={"Accept": "text/turtle"})
    assert status == 200
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value == "http://rdfs.org/ns/void#triples" and int(t.object.value) == count(server)
               for t in triples)
    said = {(t.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], t.object.value) for t in triples}
    assert ("license", "https://creativecommons.org/licenses/by/4.0/") in said  # the release's own description
    assert ("source", "https://w3id.org/axialkg/source-article") in said and ("version", axialkg.__version__) in said
    assert {k for k, _ in said} >= {"title", "classes", "entities", "sparqlEndpoint", "dataDump", "uriSpace"}
    assert sum(k == "triples" for k, _ in said) == 1  # the live count, not also the release's


def test_password_is_not_published():
    assert redact("http://user:s3cret@example.org/sparql") == "http://user:***@example.org/sparql"
    assert "s3cret" not in redact("https://a:s3cret@h:8890/sparql-auth")


# ---- runaway queries and memory ----------------------------------------------------------------
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_runaway_queries_leave_a_worker_for_cheap_ones():
    srv = start(timeout=6, workers=2, long_after=0.3)
    try:
        results = []

        def runaway():
            results.append(call(srv, "/sparql?query=" + urllib.parse.quote(RUNAWAY))[0])
        threads = [threading.Thread(target=runaway) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        started = time.monotonic()
        for _ in range(5):
            assert still_answering(srv)
        took = time.monotonic() - started
        for t in threads:
            t.join(60)
        assert 503 in results  # a long query beyond the share was stopped
        print(f"\n5 cheap queries beside 3 runaway ones took {took:.2f} s; runaway answers {results}")
    finally:
        stop(srv)


def test_worker_memory_cap_stops_the_query_not_the_server():
    srv = start(timeout=60, workers=1, worker_memory=600)
    try:
        q = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
        status, _, body = call(srv, "/sparql?query=" + urllib.parse.quote(q), timeout=90)
        assert status == 503, body[:200]
        assert "MB" in one_line(body) or "memory" in one_line(body)
        deadline = time.monotonic() + 60
        while not still_answering(srv):
            assert time.monotonic() < deadline
    finally:
        stop(srv)


# ---- the on-disk store ------------------------------------------------------------------------------
def test_foreign_on_disk_store_is_not_cleared(tmp_path):
    import pyoxigraph as ox

    from axialkg.errors import AxialKGError
    from axialkg.stores import StoreSpec, open_store

    d = tmp_path / "foreign"
    store = ox.Store(str(d))
    store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("mine")))
    store.flush()
    del store
    with pytest.raises(AxialKGError, match="--reload"):
        open_store(StoreSpec.parse(f"oxigraph:{d}"))
    store = ox.Store(str(d))
    assert len(store) == 1  # still there
    del store
    with pytest.raises(AxialKGError, match="--reload"):
        make_server(ServerConfig(port=0, quiet=True, store=f"oxigraph:{d}"))
    srv = start(workers=2, store=f"oxigraph:{d}", reload=True)  # asked to replace it; every worker opens it
    try:
        assert count(srv) > 9000 and still_answering(srv)
    finally:
        stop(srv)
    srv = start(workers=3, store=f"oxigraph:{d}")  # the release is there now: opened again, read-only
    try:
        assert count(srv) > 9000
        assert call(srv, "/sparql?query=" + urllib.parse.quote("INSERT DATA { <a:b> <a:b> 1 }"))[0] == 403
    finally:
        stop(srv)


# ---- the remote connector and the command line ------------------------------------------------------
class Dripper(Listener):
    """Answers a valid HTTP head, then one byte of body every 0.3 s."""

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn):
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: 100000\r\n\r\n")
                for _ in range(200):
                    conn.sendall(b" ")
                    time.sleep(0.3)
            except OSError:
                pass


def test_remote_timeout_holds_for_the_whole_request():
    from axialkg.errors import AxialKGError
    from axialkg.stores import StoreSpec, open_store

    drip = Dripper()
    try:
        store = open_store(StoreSpec.parse(f"http://user:s3cret@127.0.0.1:{drip.port}/sparql", timeout=2))
        started = time.monotonic()
        with pytest.raises(AxialKGError) as err:
            store.query("ASK {}")
        took = time.monotonic() - started
        assert took < 15, f"a dripping server held the client {took:.0f} s against --timeout 2"  # 3 tries of 2 s
        assert "s3cret" not in str(err.value) and "\n" not in str(err.value)
    finally:
        drip.close()


def _cli(*args, timeout=180):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "axialkg", *args], capture_output=True, timeout=timeout)


def test_export_to_a_fifo_writes_in_place(tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = {}

    def reader():
        with open(fifo, "rb") as fh:
            got["data"] = fh.read()
    t = threading.Thread(target=reader)
    t.start()
    r = _cli("export", "--format", "ntriples", "--out", str(fifo))
    t.join(60)
    assert r.returncode == 0, r.stderr
    assert got["data"].count(b"\n") > 9000
    assert fifo.is_fifo()


def test_export_to_standard_output():
    r = _cli("export", "--format", "ntriples", "--out", "-")
    assert r.returncode == 0 and r.stdout.count(b"\n") > 9000
    assert b"wrote" in r.stderr and b"wrote" not in r.stdout


@pytest.mark.parametrize("args,says", [
    (["export", "--format", "turtle", "--out", "/dev/full"], "No space left"),
    (["export", "--format", "kgx", "--out", "-"], "directory"),
])
def test_export_bad_targets_one_line(args, says):
    import os

    if args[-1] == "/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    r = _cli(*args)
    err = r.stderr.decode()
    assert r.returncode == 2 and says in err and err.count("\n") == 1 and "Traceback" not in err
    if args[-1] == "/dev/full":
        assert not Path("/dev/full").is_file()


def test_serve_bad_options_one_line():
    for args, says in [(["--allow-service", "http://x/"], "--allow-service"), (["--worker-memory", "10"], "--worker-memory")]:
        r = _cli("serve", "--port", "0", *args, timeout=60)
        err = r.stderr.decode()
        assert r.returncode == 2 and says in err and "Traceback" not in err, err


def test_export_into_a_directory_that_takes_no_files_is_one_line():
    r = _cli("export", "--format", "turtle", "--out", "/proc/version")
    err = r.stderr.decode()
    assert r.returncode == 1 and "cannot write" in err and err.count("\n") == 1 and "internal error" not in err, err


def test_a_newline_in_a_parameter_cannot_forge_error_lines():
    r = _cli("query", "drugs-for-cause", "--param", "cause=foo\naxialkg: error: forged")
    err = r.stderr.decode()
    assert r.returncode == 2 and err.count("\n") == 1 and err.startswith("axialkg: error: no entity"), err
    assert "foo\\naxialkg" in err  # the user's newline, spelled out inside the one line
