"""The HTTP side of ``axialkg serve`` on Starlette and uvicorn: the SPARQL 1.1 Protocol at
``/sparql``, the VoID description, the web page and its JSON API. Every question that touches the
graph goes to a worker process (:mod:`.workers`), so a runaway query can be killed.

What the maintained stack does not do by itself is here, once: a body limit that also holds for
chunked bodies, a deadline for a request's head and body (slow clients), one line per error,
security headers on every answer, and the access log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

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
MAX_HEAD = 64 << 10  # request line and headers
HEAD_TIMEOUT = 10.0  # seconds for a request's line and headers to arrive
BODY_TIMEOUT = 30.0  # seconds for its body
TRUNCATED_HEADER = "X-Axialkg-Truncated"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                 b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", TRUNCATED_HEADER.encode()),
]
READ_ONLY = "read-only endpoint: SPARQL updates are refused"


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
    allow_service: tuple[str, ...] = ()  # hosts SERVICE may call (none: no outbound requests)
    worker_memory: int = 2048  # MB of address space per worker; 0 = no cap
    reasoned: bool = False
    reload: bool = False  # replace what an on-disk store holds with the release
    queue_limit: int | None = None
    long_after: float = 0.5
    max_long: int | None = None


_UPDATE_TYPES = {"application/sparql-update"}
_FORM_TYPE = "application/x-www-form-urlencoded"
_QUERY_TYPE = "application/sparql-query"


class _GuardedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's head (no slowloris)."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:  # head and body leave as separate writes: no Nagle delay between them
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        self._arm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        self._head_started = time.monotonic()
        self.loop.call_later(HEAD_TIMEOUT, self._head_deadline, self._head_started)

    def _head_deadline(self, started: float) -> None:
        waiting = self.cycle is None or self.cycle.response_complete
        if waiting and started == self._head_started and not self.transport.is_closing():
            self.transport.close()


def _params(items) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in items:
        out.setdefault(k, []).append(v)
    return out


def _one(params: dict, name: str) -> str | None:
    """One parameter's value: two queries or updates are a 400 (the W3C tests ask it); of several
    ``format``/``output`` values the first counts (SPARQLWrapper sends ``format=json-ld`` and then the
    media types), and one that names no format falls back to Accept."""
    values = params.get(name)
    if values and len(values) > 1 and name in ("query", "update"):
        raise QueryError(400, f"more than one '{name}' parameter")
    if values and name in ("format", "output"):
        return values[0]
    return values[-1] if values else None


def _error(request: Request | None, status: int, message: str, close: bool = False) -> Response:
    """Errors as one line (control characters folded, so a message cannot forge more lines);
    JSON for the /api routes, which the page reads."""
    line = " ".join(str(message).split())
    headers = {"Connection": "close"} if close else {}
    if request is not None and request.url.path.startswith("/api/"):
        return Response(json.dumps({"error": line, "status": status}, ensure_ascii=False), status,
                        media_type="application/json; charset=utf-8", headers=headers)
    return Response(line + "\n", status, media_type="text/plain; charset=utf-8", headers=headers)


class App:
    """The ASGI application; one per server, holding its config and worker pool."""

    def __init__(self, config: ServerConfig, pool: WorkerPool, endpoint: str):
        self.config = config
        self.pool = pool
        self.endpoint_fallback = endpoint
        self.limiter = anyio.CapacityLimiter(max(64, pool.queue_limit + pool.size + 8))
        get = ["GET", "HEAD"]
        routes = [
            Route("/sparql", self.sparql, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
            Route("/sparql/", self.sparql, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
            Route("/.well-known/void", self.void, methods=get),
            Route("/", self.static, methods=get),
            Route("/entity/{slug:path}", self.static, methods=get),
            Route("/api/info", self.api_info, methods=get),
            Route("/api/queries", self.api_queries, methods=get),
            Route("/api/query/{name}", self.api_query, methods=get),
            Route("/api/entity/{slug:path}", self.api_entity, methods=get),
            Route("/api/neighbors/{slug:path}", self.api_neighbors, methods=get),
            Route("/api/labels", self.api_labels, methods=["GET", "HEAD", "POST"]),
            Route("/api/search", self.api_search, methods=get),
            Route("/api/diagnose", self.api_diagnose, methods=["GET", "HEAD", "POST"]),
            Route("/static/{name}", self.static, methods=get),
            Route("/{name}", self.static, methods=get),
        ]
        self.app = Starlette(routes=routes, exception_handlers={
            QueryError: lambda req, exc: _error(req, exc.status, str(exc), close=exc.status in (411, 413)),
            404: lambda req, exc: _error(req, 404, f"no such page: {req.url.path}"),
            405: lambda req, exc: _error(req, 405, "method not allowed here"),
            Exception: self._internal,
        })

    async def _internal(self, request: Request, exc: Exception) -> Response:
        log.error("internal error on %s: %s: %s", request.url.path, exc.__class__.__name__, exc)
        return _error(request, 500, "internal error")

    # ---- ASGI: security headers, CORS preflight, the access log ----------------------------
    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        seen = {"status": 0, "size": 0}

        async def send_(message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            elif message["type"] == "http.response.body":
                seen["size"] += len(message.get("body", b""))
                if not message.get("more_body"):
                    self._log(scope, seen, started)
            await send(message)

        if scope["method"] == "OPTIONS":  # CORS preflight, so YASGUI on another origin works
            await Response(status_code=204, headers={
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept"})(scope, receive, send_)
            return
        await self.app(scope, receive, send_)

    def _log(self, scope, seen, started) -> None:
        if self.config.quiet:
            return
        client = (scope.get("client") or ("-",))[0]
        target = scope.get("raw_path", b"").decode("latin-1") + (
            "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
        line = f'{scope["method"]} {target[:2000]} HTTP/{scope.get("http_version", "1.1")}'
        access_log.info('%s - - [%s] "%s" %d %d %.0fms', client, time.strftime("%d/%b/%Y %H:%M:%S"),
                        line.encode("unicode_escape").decode("ascii"), seen["status"], seen["size"],
                        (time.monotonic() - started) * 1000)

    # ---- plumbing -----------------------------------------------------------------------------
    async def _body(self, request: Request) -> bytes:
        """The request body, at most MAX_BODY bytes (Content-Length or chunked), within BODY_TIMEOUT."""
        length = request.headers.get("content-length")
        if length is not None and not length.isdigit():
            raise QueryError(400, "bad Content-Length")
        if length is not None and int(length) > MAX_BODY:
            raise QueryError(413, f"request body larger than {MAX_BODY} bytes")
        chunks, size = [], 0
        try:
            with anyio.fail_after(BODY_TIMEOUT):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > MAX_BODY:
                        raise QueryError(413, f"request body larger than {MAX_BODY} bytes")
                    chunks.append(chunk)
        except TimeoutError:
            raise QueryError(408, f"request body not received within {BODY_TIMEOUT:g} s") from None
        return b"".join(chunks)

    async def _run(self, request: Request, job: tuple):
        client = request.client.host if request.client else ""
        return await anyio.to_thread.run_sync(self.pool.run, job, self.config.timeout, client, limiter=self.limiter)

    def _endpoint(self, request: Request) -> str:
        host = protocol.safe_host(request.headers.get("host"), self.endpoint_fallback)
        return f"http://{host}/sparql"

    @staticmethod
    def _json(obj, status: int = 200, headers: dict | None = None) -> Response:
        body = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        return Response(body, status, headers=headers, media_type="application/json; charset=utf-8")

    # ---- /sparql --------------------------------------------------------------------------------
    async def sparql(self, request: Request) -> Response:
        params = _params(request.query_params.multi_items())
        if request.method in ("PUT", "DELETE", "PATCH"):
            await self._body(request)
            return Response("read-only server: only GET and POST of queries are allowed\n", 405,
                            media_type="text/plain; charset=utf-8", headers={"Allow": "GET, POST, OPTIONS, HEAD"})
        if request.method in ("GET", "HEAD"):
            if "update" in params:
                raise QueryError(403, READ_ONLY)
            if "query" not in params:
                return self.service_description(request, params)
            return await self._query(request, _one(params, "query") or "", params)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await self._body(request)
        if ctype in _UPDATE_TYPES:
            raise QueryError(403, READ_ONLY)
        if ctype == _FORM_TYPE:
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise QueryError(400, "form body is not UTF-8") from None
            if "update" in form:
                raise QueryError(403, READ_ONLY)
            if "query" not in form:
                raise QueryError(400, "missing 'query' parameter")
            if "query" in params:
                raise QueryError(400, "more than one 'query' parameter")
            merged = {**params, **{k: params.get(k, []) + v for k, v in form.items()}}
            return await self._query(request, _one(form, "query") or "", merged)
        if ctype == _QUERY_TYPE:
            if "query" in params:
                raise QueryError(400, "a query in the body and a 'query' parameter")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise QueryError(400, "query is not UTF-8") from None
            return await self._query(request, text, params)
        raise QueryError(415, f"unsupported Content-Type {ctype or '(none)'}: use {_QUERY_TYPE} or {_FORM_TYPE}")

    async def _query(self, request: Request, text: str, params) -> Response:
        if not text.strip():
            raise QueryError(400, "empty query")
        a = analyse(text)
        if a.is_update:
            raise QueryError(403, READ_ONLY)
        protocol.refuse_services(a, self.config.allow_service)
        graphs = []
        for name in ("default-graph-uri", "named-graph-uri"):
            for g in params.get(name, []):
                if not protocol.is_absolute_iri(g):
                    raise QueryError(400, f"{name} must be an absolute IRI, not {g[:80]!r}")
            graphs.append(params.get(name, []))
        cfg = self.config
        job = ("sparql", text, request.headers.get("accept", ""), _one(params, "format") or _one(params, "output"),
               graphs[0], graphs[1], cfg.max_results, self._endpoint(request))
        answer = await self._run(request, job)
        headers = {"Vary": "Accept"}
        if answer["truncated"]:
            headers[TRUNCATED_HEADER] = f"results cut at --max-results {cfg.max_results}"
        body = b"" if request.method == "HEAD" else answer["body"]
        return Response(body, 200, headers=headers, media_type=answer["content_type"])

    def service_description(self, request: Request, params) -> Response:
        ttl = protocol.service_description(self._endpoint(request), self.pool.info.get("triples"))
        ctype, body = protocol.convert_turtle(ttl, request.headers.get("accept", ""), _one(params, "format"))
        return Response(body, 200, media_type=ctype, headers={"Vary": "Accept"})

    async def void(self, request: Request) -> Response:
        params = _params(request.query_params.multi_items())
        ttl = protocol.void_description(self._endpoint(request), self.pool.info)
        ctype, body = protocol.convert_turtle(ttl, request.headers.get("accept", ""), _one(params, "format"))
        return Response(body, 200, media_type=ctype, headers={"Vary": "Accept"})

    # ---- the page and its JSON ------------------------------------------------------------------
    async def static(self, request: Request) -> Response:
        name = request.path_params.get("name", "index.html")
        if "slug" in request.path_params:  # /entity/SLUG: the page routes it itself
            name = "index.html"
        path = (WEB_DIR / name).resolve()
        if path.parent != WEB_DIR.resolve() or not path.is_file() or path.suffix not in STATIC_TYPES:
            raise QueryError(404, f"no such file: {name}")
        return Response(path.read_bytes(), 200, media_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "no-cache"})

    async def _api(self, request: Request, job: tuple) -> Response:
        answer = await self._run(request, job)
        headers = {}
        if isinstance(answer, dict) and answer.get("truncated"):
            headers[TRUNCATED_HEADER] = f"results cut at --max-results {self.config.max_results}"
        return self._json(answer, headers=headers)

    async def api_queries(self, request: Request) -> Response:
        return await self._api(request, ("queries",))

    async def api_query(self, request: Request) -> Response:
        values = {k: v for k, v in request.query_params.items() if k != "format"}
        return await self._api(request, ("named", request.path_params["name"], values, self.config.max_results))

    async def api_entity(self, request: Request) -> Response:
        return await self._api(request, ("entity", request.path_params["slug"]))

    async def api_neighbors(self, request: Request) -> Response:
        hops = request.query_params.get("hops") or "1"
        if not hops.isdigit() or not 1 <= int(hops) <= 3:
            raise QueryError(400, "hops must be 1, 2 or 3")
        return await self._api(request, ("neighbors", request.path_params["slug"], int(hops)))

    async def _json_body(self, request: Request, what: str):
        try:
            return json.loads(await self._body(request) or b"null")
        except (ValueError, RecursionError):
            raise QueryError(400, f"body must be {what}") from None

    async def api_labels(self, request: Request) -> Response:
        """Labels for IRIs the page shows (POST a JSON list, or GET ?iri=...&iri=...)."""
        if request.method == "POST":
            iris = await self._json_body(request, "a JSON list of IRIs")
        else:
            iris = request.query_params.getlist("iri")
        if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
            raise QueryError(400, "body must be a JSON list of IRIs")
        return await self._api(request, ("labels", iris[:5000]))

    async def api_search(self, request: Request) -> Response:
        q = request.query_params
        text = q.get("q", "")
        if not text.strip():
            raise QueryError(400, "missing 'q' parameter")
        limit = q.get("limit") or "20"
        if not limit.isdigit() or not 1 <= int(limit) <= 1000:
            raise QueryError(400, "limit must be 1..1000")
        return await self._api(request, ("search", text[:500], q.get("category") or None, int(limit)))

    async def api_diagnose(self, request: Request) -> Response:
        """GET ?present=&absent=&top=&prior= (repeatable lists), or POST the same as a JSON object."""
        if request.method == "POST":
            doc = await self._json_body(request, "a JSON object")
            if not isinstance(doc, dict):
                raise QueryError(400, "body must be a JSON object")
        else:
            q = request.query_params
            doc = {k: [x for v in q.getlist(k) for x in v.split(",") if x] for k in ("present", "absent")}
            doc.update({k: q[k] for k in ("top", "prior") if k in q})
        args: dict[str, Any] = {}
        for k in ("present", "absent"):
            v = doc.get(k, [])
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise QueryError(400, f"{k} must be a list of findings")
            args[k] = v[:200]
        if "top" in doc:
            if not str(doc["top"]).isdigit() or not 1 <= int(doc["top"]) <= 100:
                raise QueryError(400, "top must be 1..100")
            args["top"] = int(doc["top"])
        if "prior" in doc:
            if not isinstance(doc["prior"], str) or len(doc["prior"]) > 100:
                raise QueryError(400, "prior must be the name of a prior")
            args["prior"] = doc["prior"]
        return await self._api(request, ("diagnose", args))

    async def api_info(self, request: Request) -> Response:
        cfg = self.config
        return self._json({"version": __version__, "namespace": NAMESPACE, "store": protocol.redact(str(cfg.store) if cfg.store else None),
                           "reasoned": cfg.reasoned, "timeout": cfg.timeout, "max_results": cfg.max_results,
                           "allow_service": list(cfg.allow_service), **self.pool.info})


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, stopped by SIGINT/SIGTERM without re-raising them afterwards, so the
    workers are closed and the command exits 0."""

    @contextlib.contextmanager
    def capture_signals(self):
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(*_):
            self.should_exit = True
        old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for s, handler in old.items():
                signal.signal(s, handler)


class AxialKGServer:
    """A bound socket, the worker pool and a uvicorn server for the app; ``serve_forever`` runs it
    (in any thread), ``shutdown`` stops it, ``server_close`` releases the socket and workers."""

    def __init__(self, config: ServerConfig, pool: WorkerPool):
        self.config = config
        self.pool = pool
        self._log_handler = None
        if config.log is not None:  # a caller's own stream for the access log
            self._log_handler = logging.StreamHandler(config.log)
            self._log_handler.setFormatter(logging.Formatter("%(message)s"))
            access_log.addHandler(self._log_handler)
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind((config.host, config.port))
            self.socket.listen(128)
        except OSError:
            self.socket.close()
            raise
        self.server_address = self.socket.getsockname()
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        self.app = App(config, pool, f"{shown}:{port}")
        self._uvicorn = _Uvicorn(uvicorn.Config(
            self.app, http=_GuardedH11, lifespan="off", log_config=None, access_log=False, server_header=False,
            date_header=True, timeout_keep_alive=5, timeout_graceful_shutdown=1, limit_concurrency=512,
            h11_max_incomplete_event_size=MAX_HEAD))
        self._stopped = threading.Event()
        self._stopped.set()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def serve_forever(self) -> None:
        self._stopped.clear()
        try:
            asyncio.run(self._uvicorn.serve(sockets=[self.socket]))
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        self._uvicorn.should_exit = True
        self._stopped.wait(10)

    def server_close(self) -> None:
        self.socket.close()
        self.pool.close()
        if self._log_handler is not None:
            access_log.removeHandler(self._log_handler)


def make_server(config: ServerConfig) -> AxialKGServer:
    """Start the workers and bind the socket (port 0 picks a free one); call ``serve_forever``."""
    from .backend import prepare

    spec = prepare(StoreSpec.parse(config.store, graph=config.graph), reasoned=config.reasoned, reload=config.reload)
    pool = WorkerPool(spec, config.workers, memory_mb=config.worker_memory, queue_limit=config.queue_limit,
                      long_after=config.long_after, max_long=config.max_long)
    try:
        return AxialKGServer(config, pool)
    except Exception:
        pool.close()
        raise


def serve(config: ServerConfig) -> None:
    server = make_server(config)
    log.warning("axialkg serve: %s/ (SPARQL endpoint %s/sparql; %s triples, %s workers, timeout %s s, max %s "
                "results, SERVICE %s); Ctrl-C stops", server.base_url, server.base_url,
                server.pool.info.get("triples", "?"), config.workers, config.timeout or "none", config.max_results,
                "to " + ", ".join(config.allow_service) if config.allow_service else "refused")
    try:
        server.serve_forever()
    finally:
        server.server_close()


__all__ = ["AxialKGServer", "ServerConfig", "make_server", "serve"]
