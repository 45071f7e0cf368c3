"""Push the graph into a running SPARQL 1.1 server, replacing one graph atomically.

The data go first into a staging graph (``urn:axialkg:staging:<hash of the target>``): by the
Graph Store HTTP Protocol (one ``PUT``) when a store URL is given, else by SPARQL Update in
chunks (see :func:`insert`). The triples of one blank-node structure, such as a claim axiom or
an OWL list, always share a chunk, because a blank node label names one node only within one
request. The staging graph's triple count is checked; only then does one update request,
``MOVE GRAPH <staging> TO GRAPH <target>``, replace the target inside the server's own
transaction, and the target's count is checked again. A failure before the MOVE (a refused
connection, an HTTP error, the server killed) leaves the target as it was; the next load
clears the stale staging graph.

Credentials come from AXIALKG_SPARQL_USER / AXIALKG_SPARQL_PASSWORD (HTTP Basic, or Digest
when the server asks for it, as Virtuoso's ``/sparql-auth`` does).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import AxialKGError, UsageError

STAGING_PREFIX = "urn:axialkg:staging:"
# Triples per update request: Virtuoso compiles each update to at most 10,000 lines of SQL,
# which 2,000 triples overrun and 500 stay well within.
DEFAULT_CHUNK = 500


def staging_graph(target: str | None) -> str:
    """The staging graph for a target graph (None: the default graph); fixed, so the next load
    finds what a killed one left behind."""
    return STAGING_PREFIX + hashlib.sha256((target or "DEFAULT").encode("utf-8")).hexdigest()[:16]


@dataclass
class LoadReport:
    endpoint: str
    graph: str | None
    triples: int
    previous: int
    method: str
    uploads: int

    def summary(self) -> str:
        where = f"graph <{self.graph}>" if self.graph else "the default graph"
        return (f"loaded {self.triples} triples into {where} at {self.endpoint} "
                f"(replaced {self.previous}; {self.method}, {self.uploads} upload request"
                f"{'s' if self.uploads != 1 else ''})")


# ---- the data -------------------------------------------------------------------------------------
def read_triples(path: Path | None = None) -> list:
    """The triples of an RDF file (the packaged release by default), distinct, in file order."""
    import pyoxigraph as ox

    from .resources import release_path

    path = Path(path) if path else release_path("ttl")
    if not path.is_file():
        raise UsageError(f"no RDF file {path}")
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) or (
        ox.RdfFormat.RDF_XML if path.suffix.lower() == ".owl" else None)
    if fmt is None:
        raise UsageError(f"cannot tell the RDF syntax of {path.name}; use .ttl, .nt, .rdf/.owl or .jsonld")
    if fmt.supports_datasets:
        raise UsageError(f"{path.name} holds quads; load a triples file (Turtle, N-Triples, RDF/XML)")
    try:
        quads = ox.parse(path=str(path), format=fmt)
        seen, out = set(), []
        for q in quads:
            t = ox.Triple(q.subject, q.predicate, q.object)
            if t not in seen:
                seen.add(t)
                out.append(t)
    except SyntaxError as exc:
        raise AxialKGError(f"{path.name} is not valid RDF: {str(exc).splitlines()[0]}") from None
    if not out:
        raise AxialKGError(f"{path.name} holds no triples")
    return out


def chunks(triples: list, size: int) -> list[list]:
    """Split into lists of at most ``size`` triples (more only for one big blank-node structure),
    keeping every connected group of blank nodes in one list."""
    import pyoxigraph as ox

    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in triples:
        ends = [x for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)]
        if len(ends) == 2:
            a, b = find(ends[0]), find(ends[1])
            if a != b:
                parent[a] = b
    units: dict = {}
    order: list = []
    for i, t in enumerate(triples):
        bnode = next((x for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)), None)
        key = ("b", find(bnode)) if bnode is not None else ("t", i)
        if key not in units:
            units[key] = []
            order.append(key)
        units[key].append(t)
    out: list[list] = [[]]
    for key in order:
        unit = units[key]
        if out[-1] and len(out[-1]) + len(unit) > size:
            out.append([])
        out[-1].extend(unit)
    return [c for c in out if c]


def ntriples(triples) -> str:
    return "".join(f"{t} .\n" for t in triples)


def insert(graph: str, triples: list) -> str:
    """``INSERT DATA`` for ground triples; with blank nodes ``INSERT { … } WHERE {}``, which
    SPARQL 1.1 gives the same meaning (fresh nodes, labels scoped to the request) and which
    Virtuoso accepts (it refuses blank nodes in INSERT DATA)."""
    import pyoxigraph as ox

    body = f"GRAPH <{graph}> {{\n{ntriples(triples)}}}"
    if any(isinstance(x, ox.BlankNode) for t in triples for x in (t.subject, t.object)):
        return f"INSERT {{ {body} }} WHERE {{}}"
    return f"INSERT DATA {{ {body} }}"


def _digest(challenge: str, method: str, url: str, user: str, password: str) -> str:
    """An RFC 7616 Digest ``Authorization`` value (MD5 or SHA-256, qop=auth) for one request."""
    params = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge.split(" ", 1)[1]))
    algorithm = params.get("algorithm", "MD5")
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}.get(algorithm.upper().replace("SHA256", "SHA-256"))
    if h is None:
        raise AxialKGError(f"the server at {url.split('?', 1)[0]} wants Digest {algorithm}, which axialkg cannot do")

    def H(text: str) -> str:
        return h(text.encode("utf-8")).hexdigest()

    parts = urllib.parse.urlsplit(url)
    uri = parts.path + (f"?{parts.query}" if parts.query else "")
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    ha1, ha2 = H(f"{user}:{realm}:{password}"), H(f"{method}:{uri}")
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
    if "auth" in [q.strip() for q in params.get("qop", "").split(",")]:
        cnonce, nc = os.urandom(8).hex(), "00000001"
        fields.update(qop="auth", nc=nc, cnonce=cnonce,
                      response=H(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
    else:
        fields["response"] = H(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in params:
        fields["opaque"] = params["opaque"]
    bare = {"qop", "nc", "algorithm"}
    return "Digest " + ", ".join(f'{k}={v}' if k in bare else f'{k}="{v}"' for k, v in fields.items())


# ---- the server -----------------------------------------------------------------------------------
class Loader:
    """One load into one server. ``on_step(stage, done, total)`` is called after each uploaded
    chunk (stage "chunk") and once staging is complete and checked (stage "staged"), just before
    the swap; tests use it to kill the server at those points."""

    def __init__(self, endpoint: str, *, graph: str | None = None, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float | None = None,
                 chunk_size: int = DEFAULT_CHUNK, on_step: Callable[[str, int, int], None] | None = None):
        from .stores import open_store
        from .stores.remote import RemoteStore

        if not str(endpoint).startswith(("http://", "https://")):
            raise UsageError(f"--endpoint must be the http(s) URL of a SPARQL query endpoint, not '{endpoint}'")
        if chunk_size < 1:
            raise UsageError("--chunk must be at least 1")
        store = open_store(endpoint, graph=graph, update_url=update_url, graph_store_url=graph_store_url,
                           timeout=timeout)
        assert isinstance(store, RemoteStore)
        self.remote = store  # URLs, credentials, timeout and one-line errors
        self.target = graph
        self.staging = staging_graph(graph)
        self.chunk_size = chunk_size
        self.on_step = on_step or (lambda stage, done, total: None)
        self.uploads = 0
        self._basic: set[str] = set()  # URLs known not to ask for Digest

    # ---- HTTP -------------------------------------------------------------------------------------
    def _authorization(self, method: str, url: str) -> str | None:
        """Basic, or Digest answered to a fresh challenge: a server that wants Digest (Virtuoso)
        refuses a body sent without it and closes the connection mid-upload, so ask first."""
        if not self.remote.user:
            return None
        user, password = self.remote.user, self.remote.password
        base = url.split("?", 1)[0]
        if base not in self._basic:
            try:
                urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=self.remote.timeout).close()
            except urllib.error.HTTPError as exc:
                challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
                if challenge.lower().startswith("digest"):
                    return _digest(challenge, method, url, user, password)  # a nonce serves one request
            except Exception:  # noqa: BLE001 - the real request will report the problem
                pass
            self._basic.add(base)
        return "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")

    def _status(self, url: str) -> int | None:
        """The HTTP status of a body-less GET with our credentials (None if there is no answer)."""
        req = urllib.request.Request(url, method="GET")
        try:
            auth = self._authorization("GET", url)
            if auth:
                req.add_header("Authorization", auth)
            urllib.request.urlopen(req, timeout=self.remote.timeout).close()
            return 200
        except urllib.error.HTTPError as exc:
            return exc.code
        except Exception:  # noqa: BLE001 - no answer at all
            return None

    def _http(self, method: str, url: str, data: bytes | None, headers: dict) -> bytes:
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            auth = self._authorization(method, url)
            if auth:
                req.add_header("Authorization", auth)
            with urllib.request.urlopen(req, timeout=self.remote.timeout) as resp:
                return resp.read()
        except AxialKGError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes one line
            # A server that refuses a request (401) may answer before reading the body and close
            # the connection mid-upload; ask again without a body to learn why.
            reason = getattr(exc, "reason", exc)
            if not isinstance(exc, urllib.error.HTTPError) and data and \
                    isinstance(reason, (BrokenPipeError, ConnectionResetError)) and self._status(url) == 401:
                exc = urllib.error.HTTPError(url, 401, "Unauthorized", None, None)
            raise self._error(exc, url) from None

    def _error(self, exc: Exception, url: str) -> AxialKGError:
        base = url.split("?", 1)[0]
        if isinstance(exc, urllib.error.HTTPError):
            if exc.code == 401:
                return AxialKGError(f"HTTP 401 from {base}: set AXIALKG_SPARQL_USER and AXIALKG_SPARQL_PASSWORD "
                                    "to an account allowed to write")
            try:
                said = " ".join((exc.read() or b"").decode("utf-8", "replace").split())[:240]
            except Exception:  # noqa: BLE001 - the body is a courtesy
                said = ""
            return AxialKGError(f"HTTP {exc.code} from {base}{': ' + said if said else ''}")
        err = self.remote._fail(exc, base)  # refused, timed out, unknown host
        err.delivered = not isinstance(getattr(exc, "reason", exc), ConnectionRefusedError)
        return err

    def _update(self, text: str) -> None:
        self._http("POST", self.remote.update_url, urllib.parse.urlencode({"update": text}).encode("utf-8"),
                   {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})

    def _count(self, graph: str | None) -> int:
        text = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph
                else "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        body = self._http("POST", self.remote.url, urllib.parse.urlencode({"query": text}).encode("utf-8"),
                          {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                           "Accept": "application/sparql-results+json"})
        try:
            rows = json.loads(body)["results"]["bindings"]
            return int(rows[0]["n"]["value"]) if rows else 0
        except (ValueError, KeyError, IndexError, TypeError):
            raise AxialKGError(f"unexpected answer from {self.remote.url}: not SPARQL JSON results") from None

    @staticmethod
    def _ref(graph: str | None) -> str:
        return f"GRAPH <{graph}>" if graph else "DEFAULT"

    # ---- the load ---------------------------------------------------------------------------------
    def run(self, triples: list) -> LoadReport:
        total = len(triples)
        previous = self._count(self.target)
        try:
            if self.remote.graph_store_url:
                method = "graph store protocol PUT"
                self._put(triples)
            else:
                method = "SPARQL update"
                self._insert(triples)
            staged = self._count(self.staging)
            if staged != total:
                raise AxialKGError(f"the staging graph holds {staged} of {total} triples")
            self.on_step("staged", total, total)
        except AxialKGError as exc:
            self._discard()
            raise AxialKGError(f"{exc}; the previous graph is unchanged") from None
        except BaseException:
            self._discard()
            raise
        try:
            self._update(f"MOVE GRAPH <{self.staging}> TO {self._ref(self.target)}")
        except AxialKGError as exc:
            if getattr(exc, "delivered", True) is False:  # the MOVE never reached the server
                raise AxialKGError(f"{exc}; the previous graph is unchanged") from None
            raise AxialKGError(f"{exc} during the swap; the server's transaction keeps either the previous "
                               "or the new graph whole") from None
        now = self._count(self.target)
        if now != total:
            raise AxialKGError(f"after the swap {self._ref(self.target)} holds {now} triples, not {total}")
        return LoadReport(self.remote.url, self.target, total, previous, method, self.uploads)

    def _put(self, triples: list) -> None:
        url = self.remote.graph_store_url
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": self.staging})
        self.uploads += 1
        # N-Triples is Turtle too, and every Graph Store implementation reads Turtle.
        self._http("PUT", url, ntriples(triples).encode("utf-8"), {"Content-Type": "text/turtle; charset=utf-8"})
        self.on_step("chunk", 1, 1)

    def _insert(self, triples: list) -> None:
        import pyoxigraph as ox

        self._update(f"DROP SILENT GRAPH <{self.staging}>")
        blank = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
        ground = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
        parts = chunks(ground, self.chunk_size) + chunks(blank, self.chunk_size)
        for i, part in enumerate(parts, 1):
            self.uploads += 1
            self._update(insert(self.staging, part))
            self.on_step("chunk", i, len(parts))

    def _discard(self) -> None:
        """Best effort: the staging graph of a failed load goes (the next load clears it anyway)."""
        try:
            self._update(f"DROP SILENT GRAPH <{self.staging}>")
        except Exception:  # noqa: BLE001 - the server may be gone; the original error matters
            pass


def load(endpoint: str, *, source: Path | None = None, **kw) -> LoadReport:
    """Replace a graph of a running SPARQL server with the release (or ``source``)."""
    loader = Loader(endpoint, **kw)
    return loader.run(read_triples(source))


__all__ = ["DEFAULT_CHUNK", "LoadReport", "Loader", "chunks", "load", "read_triples", "staging_graph"]
