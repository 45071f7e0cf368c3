"""The HTTP side of ``axialkg serve``: the SPARQL 1.1 Protocol at ``/sparql``, the web page and its
JSON API. Every question that touches the graph goes to a worker process (:mod:`.workers`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .._version import __version__
from ..errors import QueryError
from ..sparql import analyse
from ..stores import StoreSpec
from ..vocab import NAMESPACE
from . import protocol
from .workers import WorkerPool

log = logging.getLogger("axialkg.serve")
access_log = logging.getLogger("axialkg.serve.access")

WEB_DIR = Path(str(resources.files("axialkg"))) / "web"
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
MAX_BODY = 1 << 20  # a SPARQL query larger than 1 MiB is not a query anyone types
TRUNCATED_HEADER = "X-Axialkg-Truncated"


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 7878
    store: str | None = None
    graph: str | None = None  # the named graph holding the data, if not the default graph
    timeout: float | None = 30.0  # seconds per query; None = no limit
    max_results: int = 10_000
    workers: int = 2
    quiet: bool = False
    log: Any = field(default=None, repr=False)  # a text stream for the access log (default stderr)


_UPDATE_TYPES = {"application/sparql-update"}
_FORM_TYPE = "application/x-www-form-urlencoded"
_QUERY_TYPE = "application/sparql-query"


class AxialKGServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, config: ServerConfig, pool: WorkerPool):
        self.config = config
        self.pool = pool
        self._log_handler = None
        if config.log is not None:  # a caller's own stream for the access log
            self._log_handler = logging.StreamHandler(config.log)
            self._log_handler.setFormatter(logging.Formatter("%(message)s"))
            access_log.addHandler(self._log_handler)
        super().__init__((config.host, config.port), Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()
        if self._log_handler is not None:
            access_log.removeHandler(self._log_handler)


class Handler(BaseHTTPRequestHandler):
    server: AxialKGServer
    protocol_version = "HTTP/1.1"
    server_version = f"axialkg/{__version__}"

    # ---- plumbing ------------------------------------------------------------------------
    def parse_request(self) -> bool:
        self._started = time.monotonic()
        return super().parse_request()

    def log_request(self, code="-", size="-") -> None:
        """One line per request, written by ``_send`` once the size and time are known."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        if self.server.config.quiet:
            return
        access_log.info("%s - - [%s] %s", self.address_string(), self.log_date_time_string(), format % args)

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", TRUNCATED_HEADER)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        took = (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
        self.log_message('"%s" %d %d %.0fms', self.requestline, status, len(body), took)

    def _error(self, status: int, message: str) -> None:
        """Errors as one line of text; JSON for the /api routes, which the page reads."""
        if self.path.startswith("/api/"):
            self._json(status, {"error": message, "status": status})
        else:
            self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    def _json(self, status: int, obj, headers: dict | None = None) -> None:
        body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                raise QueryError(411, "chunked request bodies are not supported; send Content-Length")
            return b""
        try:
            n = int(length)
        except ValueError:
            raise QueryError(400, "bad Content-Length") from None
        if n > MAX_BODY:
            raise QueryError(413, f"request body larger than {MAX_BODY} bytes")
        return self.rfile.read(n)

    def _dispatch(self, routes) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        try:
            for pattern, handler in routes:
                m = re.fullmatch(pattern, url.path)
                if m:
                    handler(self, params, *[unquote(g) for g in m.groups()])
                    return
            raise QueryError(404, f"no such page: {url.path}")
        except QueryError as exc:
            self._error(exc.status, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch(_GET_ROUTES)

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch(_GET_ROUTES)

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch(_POST_ROUTES)

    def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight, so YASGUI on another origin works
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _refuse_writes(self, *_args) -> None:
        self._body()  # drain it so the connection stays usable
        self.close_connection = True
        self._send(405, b"read-only server: only GET and POST of queries are allowed\n",
                   "text/plain; charset=utf-8", {"Allow": "GET, POST, OPTIONS, HEAD"})

    do_PUT = do_DELETE = do_PATCH = _refuse_writes  # noqa: N815

    # ---- /sparql -------------------------------------------------------------------------
    def sparql_get(self, params) -> None:
        if "update" in params:
            raise QueryError(403, "read-only endpoint: SPARQL updates are refused")
        if "query" not in params:
            self.service_description(params)
            return
        self._run_query(_one(params, "query") or "", params)

    def sparql_post(self, params) -> None:
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = self._body()
        if ctype in _UPDATE_TYPES:
            raise QueryError(403, "read-only endpoint: SPARQL updates are refused")
        if ctype == _FORM_TYPE:
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if "update" in form:
                raise QueryError(403, "read-only endpoint: SPARQL updates are refused")
            if "query" not in form:
                raise QueryError(400, "missing 'query' parameter")
            merged = {**params, **form}
            self._run_query(_one(form, "query") or "", merged)
            return
        if ctype == _QUERY_TYPE:
            self._run_query(body.decode("utf-8", "replace"), params)
            return
        raise QueryError(415, f"unsupported Content-Type {ctype or '(none)'}: use {_QUERY_TYPE} or {_FORM_TYPE}")

    def _run_query(self, text: str, params) -> None:
        if analyse(text).is_update:
            raise QueryError(403, "read-only endpoint: SPARQL updates are refused")
        if not text.strip():
            raise QueryError(400, "empty query")
        cfg = self.server.config
        job = ("sparql", text, self.headers.get("Accept", ""), _one(params, "format") or _one(params, "output"),
               params.get("default-graph-uri", []), params.get("named-graph-uri", []), cfg.max_results)
        answer = self.server.pool.run(job, cfg.timeout)
        headers = {"Vary": "Accept"}
        if answer["truncated"]:
            headers[TRUNCATED_HEADER] = f"results cut at --max-results {cfg.max_results}"
        self._send(200, answer["body"], answer["content_type"], headers)

    def service_description(self, params) -> None:
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        endpoint = f"http://{host}/sparql"
        ttl = protocol.service_description(endpoint, self.server.pool.info.get("triples"))
        ctype, body = protocol.convert_turtle(ttl, self.headers.get("Accept", ""), _one(params, "format"))
        self._send(200, body, ctype, {"Vary": "Accept"})

    # ---- the page and its JSON ----------------------------------------------------------
    def static(self, _params, name: str = "index.html") -> None:
        path = (WEB_DIR / name).resolve()
        if path.parent != WEB_DIR.resolve() or not path.is_file() or path.suffix not in STATIC_TYPES:
            raise QueryError(404, f"no such file: {name}")
        self._send(200, path.read_bytes(), STATIC_TYPES[path.suffix], {"Cache-Control": "no-cache"})

    def _api(self, job: tuple) -> None:
        answer = self.server.pool.run(job, self.server.config.timeout)
        headers = {}
        if isinstance(answer, dict) and answer.get("truncated"):
            headers[TRUNCATED_HEADER] = f"results cut at --max-results {self.server.config.max_results}"
        self._json(200, answer, headers)

    def api_queries(self, _params) -> None:
        self._api(("queries",))

    def api_query(self, params, name: str) -> None:
        values = {k: v[-1] for k, v in params.items() if k not in ("format",)}
        self._api(("named", name, values, self.server.config.max_results))

    def api_entity(self, _params, slug: str) -> None:
        self._api(("entity", slug))

    def api_neighbors(self, params, slug: str) -> None:
        hops = _one(params, "hops") or "1"
        if not hops.isdigit() or not 1 <= int(hops) <= 3:
            raise QueryError(400, "hops must be 1, 2 or 3")
        self._api(("neighbors", slug, int(hops)))

    def api_labels(self, params) -> None:
        """Labels for IRIs the page shows (POST a JSON list, or GET ?iri=...&iri=...)."""
        if self.command == "POST":
            try:
                iris = json.loads(self._body() or b"[]")
            except ValueError:
                raise QueryError(400, "body must be a JSON list of IRIs") from None
        else:
            iris = params.get("iri", [])
        if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
            raise QueryError(400, "body must be a JSON list of IRIs")
        self._api(("labels", iris[:5000]))

    def api_info(self, _params) -> None:
        cfg = self.server.config
        self._json(200, {"version": __version__, "namespace": NAMESPACE, "store": cfg.store or "oxigraph",
                         "timeout": cfg.timeout, "max_results": cfg.max_results, **self.server.pool.info})


def _one(params: dict, name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


_GET_ROUTES = [
    (r"/sparql/?", Handler.sparql_get),
    (r"/", Handler.static),
    (r"/(?:static/)?([\w.-]+\.(?:js|css|html|svg|png))", Handler.static),
    (r"/entity/([^/]+)", lambda h, p, _slug: Handler.static(h, p)),  # the page routes it itself
    (r"/api/info", Handler.api_info),
    (r"/api/queries", Handler.api_queries),
    (r"/api/query/([\w.-]+)", Handler.api_query),
    (r"/api/entity/([^/]+)", Handler.api_entity),
    (r"/api/neighbors/([^/]+)", Handler.api_neighbors),
    (r"/api/labels", Handler.api_labels),
]
_POST_ROUTES = [
    (r"/sparql/?", Handler.sparql_post),
    (r"/api/labels", Handler.api_labels),
]


def make_server(config: ServerConfig) -> AxialKGServer:
    """Start the workers and bind the socket (port 0 picks a free one); call ``serve_forever``."""
    pool = WorkerPool(StoreSpec.parse(config.store, graph=config.graph), config.workers)
    try:
        return AxialKGServer(config, pool)
    except Exception:
        pool.close()
        raise


def serve(config: ServerConfig) -> None:
    server = make_server(config)
    log.warning("axialkg serve: %s/ (SPARQL endpoint %s/sparql; %s triples, %s workers, timeout %s s, max %s "
                "results); Ctrl-C stops", server.base_url, server.base_url, server.pool.info.get("triples", "?"),
                config.workers, config.timeout or "none", config.max_results)
    if threading.current_thread() is threading.main_thread():  # SIGTERM stops cleanly, like Ctrl-C
        import signal

        def _stop(*_):
            raise KeyboardInterrupt
        signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    finally:
        server.server_close()


__all__ = ["AxialKGServer", "ServerConfig", "make_server", "serve"]
