"""A remote endpoint that wants credentials: HTTP 401 is one line; env-var credentials are sent."""

from __future__ import annotations

import re

import pytest

import axialkg
from axialkg.errors import AxialKGError


@pytest.fixture
def basic_auth_endpoint():
    """A stub SPARQL endpoint that wants Basic auth alice:s3cret and answers ASK with true."""
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b'{"head": {}, "boolean": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", seen
    httpd.shutdown()
    httpd.server_close()


def test_http_401_is_one_line_and_credentials_are_sent(basic_auth_endpoint, monkeypatch):
    url, seen = basic_auth_endpoint
    monkeypatch.delenv("AXIALKG_SPARQL_USER", raising=False)
    with pytest.raises(AxialKGError, match=rf"^HTTP 401 from {re.escape(url)}$"):
        axialkg.open(url, timeout=5).sparql("ASK {}")
    assert seen == [None], "a 401 is not retried"
    monkeypatch.setenv("AXIALKG_SPARQL_USER", "alice")
    monkeypatch.setenv("AXIALKG_SPARQL_PASSWORD", "wrong")
    with pytest.raises(AxialKGError, match=r"^HTTP 401 from "):
        axialkg.open(url, timeout=5).sparql("ASK {}")
    monkeypatch.setenv("AXIALKG_SPARQL_PASSWORD", "s3cret")
    assert axialkg.open(url, timeout=5).sparql("ASK {}").boolean is True
    assert seen[-1].startswith("Basic ")


@pytest.fixture
def digest_auth_endpoint():
    """A stub SPARQL endpoint that wants RFC 7616 Digest (MD5, qop=auth) for alice:s3cret, as Virtuoso's
    /sparql-auth does; it checks the response hash itself and answers ASK with true."""
    import hashlib
    import threading
    import urllib.request
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    nonce, realm, seen = "dcd98b7102dd2f0e8b11d0f600bfb0c093", "sparql", []

    def md5(text):
        return hashlib.md5(text.encode()).hexdigest()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            auth = self.headers.get("Authorization") or ""
            seen.append(auth.split(" ", 1)[0] if auth else None)
            ok = False
            if auth.startswith("Digest "):
                p = urllib.request.parse_keqv_list(urllib.request.parse_http_list(auth[7:]))
                ha1, ha2 = md5(f"alice:{realm}:s3cret"), md5(f"{method}:{p.get('uri')}")
                ok = p.get("response") == md5(f"{ha1}:{nonce}:{p.get('nc')}:{p.get('cnonce')}:auth:{ha2}")
            if not ok:
                self.send_response(401)
                self.send_header("WWW-Authenticate", f'Digest realm="{realm}", qop="auth", nonce="{nonce}", algorithm=MD5')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b'{"head": {}, "boolean": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - http.server's name
            self._answer("GET")

        def do_POST(self):  # noqa: N802
            self._answer("POST")

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql-auth", seen
    httpd.shutdown()
    httpd.server_close()


def test_digest_credentials_answer_the_servers_challenge(digest_auth_endpoint, monkeypatch):
    url, seen = digest_auth_endpoint
    monkeypatch.setenv("AXIALKG_SPARQL_USER", "alice")
    monkeypatch.setenv("AXIALKG_SPARQL_PASSWORD", "s3cret")
    assert axialkg.open(url, timeout=5).sparql("ASK {}").boolean is True
    assert seen[-1] == "Digest"
    monkeypatch.setenv("AXIALKG_SPARQL_PASSWORD", "wrong")
    with pytest.raises(AxialKGError, match=rf"^HTTP 401 from {re.escape(url)}$"):
        axialkg.open(url, timeout=5).sparql("ASK {}")
