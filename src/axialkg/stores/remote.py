"""Remote engine: any SPARQL 1.1 endpoint, through SPARQLWrapper.

Reads are retried on connection failures and gateway errors; every failure becomes one line
("connection refused at URL", "HTTP 401 from URL"). Credentials come from the environment
(AXIALKG_SPARQL_USER, AXIALKG_SPARQL_PASSWORD), never from the command line. A named graph is
passed as the protocol's ``default-graph-uri``, so the same query text works either way.
Parameters are bound by a VALUES block (validated IRI terms) at the head of the WHERE group.
"""

from __future__ import annotations

import ast
import base64
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from ..errors import AxialKGError
from ..results import Results, Term
from . import inject_values

DEFAULT_TIMEOUT = 30.0
RETRY_DELAYS = (0.3, 1.0)  # two retries for reads
# Graph answers: N-Triples first (exact literals), else Turtle. text/plain is N-Triples' old type.
RDF_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.5"


def rdf_media_type(content_type: str, url: str) -> str:
    """How to parse a graph answer, from its Content-Type (none sent: Turtle, which N-Triples is too)."""
    mime = content_type.split(";")[0].strip().lower()
    if mime in ("application/n-triples", "text/plain"):
        return "application/n-triples"
    if mime in ("", "text/turtle", "application/turtle", "application/x-turtle"):
        return "text/turtle"
    raise AxialKGError(f"unexpected answer from {url}: {mime}, not N-Triples or Turtle")


def _server_message(exc: Exception) -> str:
    """The server's own words from a SPARQLWrapper exception (it keeps them as a bytes repr)."""
    m = re.search(r"Response:\n(b'.*'|b\".*\")\s*$", str(exc), re.S)
    if not m:
        return ""
    try:
        body = ast.literal_eval(m.group(1)).decode("utf-8", "replace")
    except (ValueError, SyntaxError):
        return ""
    return " ".join(body.split())[:300]


class RemoteStore:
    def __init__(self, url: str, *, graph: str | None = None, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float | None = None):
        self.spec = self.url = url
        self.graph = graph
        self.update_url = update_url or url
        self.graph_store_url = graph_store_url
        self.timeout = float(timeout) if timeout else DEFAULT_TIMEOUT
        self.user = os.environ.get("AXIALKG_SPARQL_USER")
        self.password = os.environ.get("AXIALKG_SPARQL_PASSWORD", "")

    # ---- plumbing -------------------------------------------------------------------------
    def _wrapper(self, text: str, return_format: str):
        from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

        w = SPARQLWrapper(self.url, updateEndpoint=self.update_url, agent="axialkg")
        w.setTimeout(max(1, round(self.timeout)))
        w.setMethod(POST)
        w.setRequestMethod(URLENCODED)
        if self.user:
            w.setCredentials(self.user, self.password)
        w.setQuery(text)
        w.setReturnFormat(return_format)
        if self.graph:
            w.addDefaultGraph(self.graph)
        return w

    def _construct(self, text: str) -> tuple[bytes, str]:
        """A CONSTRUCT or DESCRIBE answer as (data, media type), N-Triples where the server has it.

        Only the Accept header chooses: SPARQLWrapper's ``format=turtle`` parameter would win over
        it on Virtuoso, whose Turtle writes a whole xsd:decimal as a bare integer (``90``)."""
        from SPARQLWrapper import TURTLE

        w = self._wrapper(text, TURTLE)
        w.setOnlyConneg(True)
        w.addCustomHttpHeader("Accept", RDF_ACCEPT)

        def fetch():
            res = w.query()
            try:
                return res.response.read(), res.response.headers.get("Content-Type", "")
            finally:
                res.response.close()

        data, content_type = self._read(fetch, self.url)
        return data, rdf_media_type(content_type, self.url)

    def _fail(self, exc: Exception, url: str) -> AxialKGError:
        from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound, QueryBadFormed,
                                                    Unauthorized, URITooLong)

        codes = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414,
                 EndPointInternalError: 500}
        for cls, code in codes.items():
            if isinstance(exc, cls):
                said = _server_message(exc)
                if code == 400:
                    return AxialKGError(f"malformed SPARQL (HTTP 400 from {url}){': ' + said if said else ''}")
                return AxialKGError(f"HTTP {code} from {url}{': ' + said if said and code != 401 else ''}")
        if isinstance(exc, urllib.error.HTTPError):
            return AxialKGError(f"HTTP {exc.code} from {url}")
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, ConnectionRefusedError):
            return AxialKGError(f"connection refused at {url}")
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return AxialKGError(f"no answer within {self.timeout:g} s from {url}")
        if isinstance(reason, socket.gaierror):
            return AxialKGError(f"unknown host in {url}")
        text = " ".join(str(reason).split()) or reason.__class__.__name__
        return AxialKGError(f"cannot reach {url}: {text}")

    def _retryable(self, exc: Exception) -> bool:
        if isinstance(exc, urllib.error.HTTPError):
            return exc.code in (502, 503, 504)
        return isinstance(exc, (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError))

    def _read(self, call, url: str):
        """Run a read, retrying what may pass on a second try."""
        for attempt in range(len(RETRY_DELAYS) + 1):
            try:
                return call()
            except Exception as exc:  # noqa: BLE001 - turned into one line below
                if attempt < len(RETRY_DELAYS) and self._retryable(exc):
                    time.sleep(RETRY_DELAYS[attempt])
                    continue
                if isinstance(exc, AxialKGError):
                    raise
                raise self._fail(exc, url) from None

    # ---- the protocol ---------------------------------------------------------------------
    def query(self, text: str, bindings: dict[str, str] | None = None) -> Results:
        from SPARQLWrapper import JSON

        if bindings:
            text = inject_values(text, bindings)
        probe = self._wrapper(text, JSON)
        if probe.queryType in ("CONSTRUCT", "DESCRIBE"):
            return Results.graph(_parse_triples(*self._construct(text)))
        doc = self._read(lambda: probe.query().convert(), self.url)
        if not isinstance(doc, dict):
            raise AxialKGError(f"unexpected answer from {self.url}: not SPARQL JSON results")
        if "boolean" in doc:
            return Results.ask(bool(doc["boolean"]))
        variables = list(doc.get("head", {}).get("vars", []))
        rows = [{k: Term.from_json(v) for k, v in b.items()} for b in doc.get("results", {}).get("bindings", [])]
        return Results(variables, rows)

    def update(self, text: str) -> None:
        w = self._wrapper(text, "json")
        try:
            w.query()
        except Exception as exc:  # noqa: BLE001 - one line
            raise self._fail(exc, self.update_url) from None

    def _request(self, url: str, method: str = "GET", data: bytes | None = None,
                 headers: dict | None = None) -> bytes:
        return self._exchange(url, method, data, headers)[0]

    def _exchange(self, url: str, method: str = "GET", data: bytes | None = None,
                  headers: dict | None = None) -> tuple[bytes, str]:
        """One HTTP request: the answer's body and Content-Type."""
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        if self.user:
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            req.add_header("Authorization", "Basic " + token)
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            return resp.read(), resp.headers.get("Content-Type", "")

    def _gsp_url(self) -> str:
        query = urllib.parse.urlencode({"graph": self.graph}) if self.graph else "default"
        return f"{self.graph_store_url}{'&' if '?' in self.graph_store_url else '?'}{query}"

    def dump(self) -> tuple[bytes, str]:
        """The whole graph: a Graph Store Protocol GET if there is a store URL, else a CONSTRUCT."""
        if self.graph_store_url:
            url = self._gsp_url()
            data, content_type = self._read(lambda: self._exchange(url, headers={"Accept": RDF_ACCEPT}),
                                            self.graph_store_url)
            return data, rdf_media_type(content_type, self.graph_store_url)
        from ..queries import ALL_TRIPLES

        return self._construct(ALL_TRIPLES)

    def load(self, path, media_type: str = "text/turtle") -> None:
        """Add a file to the graph with a Graph Store Protocol POST (needs graph_store_url)."""
        if not self.graph_store_url:
            raise AxialKGError("loading into a remote store needs --graph-store-url")
        with open(path, "rb") as fh:
            body = fh.read()
        try:
            self._request(self._gsp_url(), "POST", body, {"Content-Type": media_type})
        except Exception as exc:  # noqa: BLE001 - one line
            raise self._fail(exc, self.graph_store_url) from None

    def close(self) -> None:
        pass


def _parse_triples(data: bytes, media_type: str):
    import pyoxigraph as ox

    from .embedded import to_term

    fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in media_type else ox.RdfFormat.TURTLE
    return [(to_term(q.subject), to_term(q.predicate), to_term(q.object)) for q in ox.parse(data, format=fmt)]
