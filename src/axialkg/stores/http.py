"""One HTTP connector for SPARQL 1.1 servers, used by the remote store and by ``axialkg load``.

It speaks the SPARQL 1.1 Protocol (queries always as ``query=``, updates only as ``update=``, so a
text is never sent down the other path) and the Graph Store HTTP Protocol, with credentials from
AXIALKG_SPARQL_USER / AXIALKG_SPARQL_PASSWORD as HTTP Basic, or Digest when the server asks for it
(Virtuoso's ``/sparql-auth``). Reads are retried on connection failures and gateway errors;
redirects are followed only within the same origin, so credentials never travel to another host.
Every failure becomes one line ("connection refused at URL", "HTTP 401 from URL").
"""

from __future__ import annotations

import os
import time
import urllib.parse
from dataclasses import dataclass

from ..errors import AxialKGError
from ..rdfio import BY_NAME, syntax_for_media_type

DEFAULT_TIMEOUT = 30.0
RETRY_DELAYS = (0.3, 1.0)  # two retries for reads
MAX_REDIRECTS = 5
RESULTS_JSON = "application/sparql-results+json"
# XML first: Virtuoso 7 writes it about five times faster than JSON; JSON from an endpoint without it
RESULTS_ACCEPT = "application/sparql-results+xml, application/sparql-results+json;q=0.9"
# Graph answers: N-Triples first (exact literals), else Turtle. text/plain is N-Triples' old type.
RDF_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.5"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


class HttpError(AxialKGError):
    """A failed request; ``delivered`` is False when the request surely never reached the server."""

    def __init__(self, message: str, *, status: int | None = None, delivered: bool = True):
        super().__init__(message)
        self.status = status
        self.delivered = delivered


@dataclass
class Answer:
    body: bytes
    content_type: str

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


def base_of(url: str) -> str:
    """The URL as errors show it: no query string, no password."""
    import re

    return re.sub(r"(//[^/@:\s]*):[^/@\s]*@", r"\1:***@", url.split("?", 1)[0])


def _origin(url: str) -> tuple:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def rdf_media_type(content_type: str, url: str) -> str:
    """How to parse a graph answer, from its Content-Type (none sent: Turtle, which N-Triples is too)."""
    mime = content_type.split(";")[0].strip().lower()
    syntax = syntax_for_media_type(mime) if mime else BY_NAME["turtle"]  # the media types are rdfio's table
    if syntax is not None and syntax.name in ("ntriples", "turtle"):
        return syntax.media_type
    raise AxialKGError(f"unexpected answer from {base_of(url)}: {mime}, not N-Triples or Turtle")


class SparqlHttp:
    """Requests to one SPARQL server: its query URL, update URL and Graph Store URL."""

    def __init__(self, url: str, *, update_url: str | None = None, graph_store_url: str | None = None,
                 timeout: float | None = None):
        self.url = url
        self.update_url = update_url or url
        self.graph_store_url = graph_store_url
        self.timeout = float(timeout) if timeout else DEFAULT_TIMEOUT
        self.user = os.environ.get("AXIALKG_SPARQL_USER")
        self.password = os.environ.get("AXIALKG_SPARQL_PASSWORD", "")
        self._client = None
        self._auth_for: dict[str, object] = {}  # base URL -> the auth it takes (Basic or a primed Digest)

    # ---- plumbing -------------------------------------------------------------------------
    def _http(self):
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=self.timeout, follow_redirects=False,
                                        headers={"User-Agent": "axialkg"})
        return self._client

    def _auth(self, url: str):
        """Basic, or Digest answered to a fresh challenge: a server that wants Digest (Virtuoso)
        refuses a body sent without it and closes the connection mid-upload, so ask first with a
        body-less request, once per URL."""
        if not self.user:
            return None
        import httpx

        base = base_of(url)
        if base not in self._auth_for:
            auth: object = httpx.BasicAuth(self.user, self.password)
            try:
                probe = self._http().get(url)
                challenge = probe.headers.get("WWW-Authenticate", "") if probe.status_code == 401 else ""
                if challenge.lower().startswith("digest"):
                    auth = httpx.DigestAuth(self.user, self.password)
                    self._http().get(url, auth=auth)  # primes the challenge for the requests to come
            except httpx.HTTPError:
                pass  # the real request will report the problem
            self._auth_for[base] = auth
        return self._auth_for[base]

    def request(self, method: str, url: str, *, data: bytes | None = None, headers: dict | None = None,
                read: bool = False, what: str | None = None, sparql: bool = False) -> Answer:
        """One request; its answer, or one line. ``read``: retried when the failure may pass (no
        answer, or a gateway error); ``what``: said after a 401 (what the credentials are for);
        ``sparql``: a 400 means the SPARQL text is malformed."""
        for attempt in range(len(RETRY_DELAYS) + 1):
            try:
                return self._send(method, url, data, headers or {}, sparql)
            except HttpError as exc:
                if read and attempt < len(RETRY_DELAYS) and (exc.status is None or exc.status in (502, 503, 504)):
                    time.sleep(RETRY_DELAYS[attempt])
                    continue
                if what and exc.status == 401:
                    raise HttpError(f"{exc}: {what}", status=401) from None
                raise
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, data: bytes | None, headers: dict, sparql: bool) -> Answer:
        import httpx

        target = url
        deadline = time.monotonic() + self.timeout  # for the whole request, not per socket read
        try:
            auth = self._auth(url)
            for _ in range(MAX_REDIRECTS + 1):
                response = self._fetch(method, target, data, headers, auth, deadline)
                if response.is_redirect and "location" in response.headers:
                    nxt = urllib.parse.urljoin(target, response.headers["location"])
                    if _origin(nxt) != _origin(url):
                        raise HttpError(f"refusing to follow a redirect from {base_of(url)} to another origin "
                                        f"({base_of(nxt)})", status=response.status_code)
                    target = nxt
                    continue
                break
            else:
                raise HttpError(f"too many redirects from {base_of(url)}", status=response.status_code)
        except HttpError:
            raise
        except httpx.HTTPError as exc:
            if data and isinstance(exc, (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError)) \
                    and self._status(url) == 401:
                # a server that refuses a request may answer before reading the body and close the
                # connection mid-upload; a body-less request tells why
                raise HttpError(f"HTTP 401 from {base_of(url)}", status=401) from None
            raise self._failure(exc, url) from None
        if response.status_code >= 400:
            said = " ".join(response.text.split())[:240] if response.content else ""
            code = response.status_code
            if code == 400 and sparql:
                raise HttpError(f"malformed SPARQL (HTTP 400 from {base_of(url)})" + (f": {said}" if said else ""),
                                status=400)
            raise HttpError(f"HTTP {code} from {base_of(url)}" + (f": {said}" if said and code != 401 else ""),
                            status=code)
        return Answer(response.content, response.headers.get("Content-Type", ""))

    def _fetch(self, method: str, url: str, data: bytes | None, headers: dict, auth, deadline: float):
        """One request whose answer must arrive by ``deadline``: a server that drips its answer is cut."""
        import httpx

        request = self._http().build_request(method, url, content=data, headers=headers)
        response = self._http().send(request, stream=True, **({"auth": auth} if auth is not None else {}))
        try:
            chunks = []
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer did not arrive in time", request=request)
            response._content = b"".join(chunks)  # as Response.read() would leave it
        finally:
            response.close()
        return response

    def _status(self, url: str) -> int | None:
        """The HTTP status of a body-less GET with our credentials (None if there is no answer)."""
        import httpx

        try:
            auth = self._auth(url)
            return self._http().get(url, **({"auth": auth} if auth is not None else {})).status_code
        except httpx.HTTPError:
            return None

    def _failure(self, exc: Exception, url: str) -> HttpError:
        import httpx

        base = base_of(url)
        text = " ".join(str(exc).split())
        if isinstance(exc, httpx.ConnectError):
            if "refused" in text.lower() or "errno 111" in text.lower():
                return HttpError(f"connection refused at {base}", delivered=False)
            if "name or service not known" in text.lower() or "nodename nor servname" in text.lower() \
                    or "temporary failure in name resolution" in text.lower():
                return HttpError(f"unknown host in {base}", delivered=False)
            return HttpError(f"cannot reach {base}: {text or exc.__class__.__name__}", delivered=False)
        if isinstance(exc, httpx.TimeoutException):
            return HttpError(f"no answer within {self.timeout:g} s from {base}")
        return HttpError(f"cannot reach {base}: {text or exc.__class__.__name__}")

    # ---- the protocols ----------------------------------------------------------------------
    def query(self, text: str, *, accept: str = RESULTS_JSON, default_graphs=(), named_graphs=()) -> Answer:
        """A query, always sent as the protocol's ``query=`` (never down the update path)."""
        form = [("query", text)] + [("default-graph-uri", g) for g in default_graphs] + \
               [("named-graph-uri", g) for g in named_graphs]
        return self.request("POST", self.url, data=urllib.parse.urlencode(form).encode("utf-8"),
                            headers={"Content-Type": FORM, "Accept": accept}, read=True, sparql=True)

    def update(self, text: str, what: str | None = None) -> None:
        self.request("POST", self.update_url, data=urllib.parse.urlencode({"update": text}).encode("utf-8"),
                     headers={"Content-Type": FORM}, what=what, sparql=True)

    def graph_url(self, graph: str | None) -> str:
        if not self.graph_store_url:
            raise AxialKGError("this needs the server's Graph Store Protocol URL (--graph-store-url)")
        query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
        return f"{self.graph_store_url}{'&' if '?' in self.graph_store_url else '?'}{query}"

    def graph_get(self, graph: str | None) -> Answer:
        return self.request("GET", self.graph_url(graph), headers={"Accept": RDF_ACCEPT}, read=True)

    def graph_put(self, graph: str | None, body: bytes, content_type: str, what: str | None = None) -> None:
        self.request("PUT", self.graph_url(graph), data=body, headers={"Content-Type": content_type}, what=what)

    def graph_post(self, graph: str | None, body: bytes, content_type: str, what: str | None = None) -> None:
        self.request("POST", self.graph_url(graph), data=body, headers={"Content-Type": content_type}, what=what)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


__all__ = ["Answer", "HttpError", "RDF_ACCEPT", "RESULTS_ACCEPT", "RESULTS_JSON", "SparqlHttp", "base_of", "rdf_media_type"]
