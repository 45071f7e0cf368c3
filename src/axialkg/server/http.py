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
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

try:  # the C parser uvicorn prefers: several times h11's speed; h11 where it is not installed
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover
    httptools = None  # type: ignore[assignment,unused-ignore]

from .._version import __version__
from ..errors import QueryError
from ..sparql import analyse
from ..stores import StoreSpec
from ..vocab import NAMESPACE
from . import protocol
from .cache import NONDETERMINISTIC, Answers, CheapQueries
from .workers import WorkerPool

log = logging.getLogger("axialkg.serve")
access_log = logging.getLogger("axialkg.serve.access")

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
MAX_BODY = 1 << 20  # a SPARQL query larger than 1 MiB is not a query anyone types
MAX_HEAD = 64 << 10  # request line and headers
MAX_LEARNED = 8 << 10  # larger requests are not remembered by their bytes
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
ENTITY_PAGE = 50  # claims on one page of /api/entity: a hub of 10^7 triples has 1,700, its first page ~80 ms


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
    answer_cache_mb: int = 64  # answers of repeated deterministic queries kept (local stores only); 0 = none
    in_process: bool = True  # known-cheap queries on a local store run in the server process


_UPDATE_TYPES = {"application/sparql-update"}
_FORM_TYPE = "application/x-www-form-urlencoded"
_QUERY_TYPE = "application/sparql-query"


class _GuardedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's head (no slowloris)."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        _nodelay(transport)
        _arm_head_deadline(self)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        _arm_head_deadline(self)


if httptools is not None:
    class _GuardedHttpTools(HttpToolsProtocol):
        """uvicorn's httptools protocol with the guards of :class:`_GuardedH11` (a deadline for each
        request's head, TCP_NODELAY) plus the head size limit h11 enforces by itself, and two short
        cuts for a GET of /sparql whose answer the app holds (:meth:`App.fast_answer`): it is written
        at once, without an ASGI cycle; and once such a request came as the whole of what one read
        brought, the same bytes again are answered before the parser sees them (:meth:`App.replay`:
        the same bytes ask the same question). Only when no earlier request on the connection is
        still being answered and the client reads its answers, so pipelined answers keep their order
        and a client that does not read is not written to without bound."""

        fast: Any = None  # App.fast_answer, set per server
        replay: Any = None  # App.replay
        learn: Any = None  # App.learn

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            _nodelay(transport)
            self._head_size = 0
            self._answered = False
            self._in_message = False  # the parser is inside a request
            self._reading: bytes | None = None  # what this read brought, while it may be one whole request
            self._messages = 0  # requests begun in it
            self._learnable = False  # its one request was answered by the short cut
            self._replayed_at = 0.0  # when a request was last answered without the parser
            _arm_head_deadline(self)

        def data_received(self, data: bytes) -> None:
            if (self.replay is not None and not self._in_message and not self.pipeline and not self.flow.write_paused
                    and (self.cycle is None or self.cycle.response_complete)):
                answer = self.replay(data, self.client, self.server_state.default_headers)
                if answer is not None:
                    self.transport.write(answer)
                    self.server_state.total_requests += 1
                    self._replayed_at = time.monotonic()
                    if self.timeout_keep_alive_task is None:  # else it re-arms itself when it fires
                        self.timeout_keep_alive_task = self.loop.call_later(
                            self.timeout_keep_alive, self.timeout_keep_alive_handler)
                    _arm_head_deadline(self)
                    return
                self._reading, self._messages, self._learnable = data, 0, False
            try:
                super().data_received(data)
                if self._learnable and self._messages == 1 and not self._in_message:
                    self.learn(data)
            finally:
                self._reading = None

        def timeout_keep_alive_handler(self) -> None:
            """Idle for the keep-alive time since the last answer, short cut or not: close."""
            left = self._replayed_at + self.timeout_keep_alive - time.monotonic()
            if left > 0.01 and not self.transport.is_closing():
                self.timeout_keep_alive_task = self.loop.call_later(left, self.timeout_keep_alive_handler)
                return
            super().timeout_keep_alive_handler()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            _arm_head_deadline(self)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_size = 0
            self._answered = False
            self._in_message = True
            self._messages += 1

        def _count(self, n: int) -> None:
            self._head_size += n
            if self._head_size > MAX_HEAD:
                raise ValueError("request head too large")  # the parser turns it into a 400 and a close

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            if (self.fast is not None and not self.pipeline and not self.flow.write_paused
                    and (self.cycle is None or self.cycle.response_complete)):
                method = self.parser.get_method()
                if method in (b"GET", b"HEAD"):
                    keep = self.parser.get_http_version() == "1.1" and self.parser.should_keep_alive()
                    answer = self.fast(method, self.url, self.headers, self.client, self.server_state.default_headers,
                                       keep)
                    if answer is not None:
                        self._answered = True
                        self._learnable = keep and self._reading is not None
                        self.transport.write(answer)
                        if keep:
                            self.on_response_complete()
                        else:
                            self.server_state.total_requests += 1
                            self.transport.close()
                        return
            super().on_headers_complete()

        def on_body(self, body: bytes) -> None:
            if not self._answered:
                super().on_body(body)

        def on_message_complete(self) -> None:
            self._in_message = False
            if not self._answered:
                super().on_message_complete()


def _nodelay(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None:  # head and body leave as separate writes: no Nagle delay between them
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


def _arm_head_deadline(proto) -> None:
    """Close the connection if the next request's head has not arrived within HEAD_TIMEOUT.

    One timer per connection, not one per request: re-arming only moves the start, and the timer,
    when it fires early, waits again for what is left (a timer per request kept ten seconds' worth
    of requests pending in the loop, and throughput fell as they piled up)."""
    now = proto._head_started = time.monotonic()
    timer = getattr(proto, "_head_timer", None)
    if timer is not None and proto._head_timer_at <= now + HEAD_TIMEOUT:
        return  # it fires no later than this deadline, and then waits for what is left
    if timer is not None:  # set during a long answer: too late for this deadline
        timer.cancel()
    _schedule_head_check(proto, HEAD_TIMEOUT)


def _schedule_head_check(proto, delay: float) -> None:
    proto._head_timer_at = time.monotonic() + delay
    proto._head_timer = proto.loop.call_later(delay, _head_deadline, proto)


def _head_deadline(proto) -> None:
    proto._head_timer = None
    if proto.transport.is_closing():
        return
    waiting = proto.cycle is None or proto.cycle.response_complete
    left = proto._head_started + HEAD_TIMEOUT - time.monotonic()
    if waiting and left <= 0:
        proto.transport.close()
        return
    # the head's time is not up yet, or a request is being answered (its response re-arms)
    _schedule_head_check(proto, max(left, 0.05) if waiting else HEAD_TIMEOUT)


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

    def __init__(self, config: ServerConfig, pool: WorkerPool, endpoint: str, local=None):
        self.config = config
        self.pool = pool
        self.endpoint_fallback = endpoint
        self.limiter = anyio.CapacityLimiter(max(64, pool.queue_limit + pool.size + 8))
        # known-cheap queries run here, on the server's own read-only view of a local store
        self.local = local
        self.local_limiter = anyio.CapacityLimiter(max(2, pool.size))
        self.cheap = CheapQueries()
        local_store = pool.spec.engine in ("memory", "oxigraph")
        self.answers = Answers((config.answer_cache_mb << 20) if local_store else 0)
        self._raw_keys: dict[tuple, tuple] = {}  # (target, Accept, Host) as sent → the answer cache's key
        # a whole request's bytes → what fast_answer read in them (method, key, path, query string)
        self._requests: dict[bytes, tuple[bytes, tuple, bytes, bytes]] = {}
        self._learning: tuple[bytes, tuple, bytes, bytes] | None = None  # what the last fast answer read, for learn()
        self._status_of: list | None = None  # the default headers that _status was made with
        self._status = b""
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

    def fast_answer(self, method: bytes, url: bytes, headers: list, client, default_headers: list,
                    keep: bool = True) -> bytes | None:
        """The whole answer (status line, headers and body) to a GET of /sparql that the answer cache
        holds or that runs on the loop, keyed exactly as :meth:`_query` keys it; None for anything
        else, which takes the full path. Called by the HTTP protocol as soon as a request's head is in."""
        self._learning = None
        if not len(self.answers) and not self.cheap.inline:
            return None
        path, _, qs = url.partition(b"?")
        if path not in (b"/sparql", b"/sparql/") or not qs:
            return None
        accept = host = None
        for name, value in headers:
            if name == b"accept" and accept is None:
                accept = value
            elif name == b"host" and host is None:
                host = value
        raw = (url, accept, host)  # the request as sent: the same bytes read the same way again
        key = self._raw_keys.get(raw)
        if key is None:
            key = self._fast_key(path, qs, accept, host)
            if key is None:
                return None
            if len(self._raw_keys) >= 8192:
                self._raw_keys.clear()
            self._raw_keys[raw] = key
        answer = self._reply(method, key, path, qs, client, default_headers, keep)
        if answer is not None and keep:
            self._learning = (method, key, path, qs)
        return answer

    def learn(self, request: bytes) -> None:
        """``request`` (the bytes of one whole request) was just answered by :meth:`fast_answer`:
        the same bytes again are answered by :meth:`replay`."""
        if self._learning is not None and len(request) <= MAX_LEARNED:
            if len(self._requests) >= 4096:
                self._requests.clear()
            self._requests[request] = self._learning
        self._learning = None

    def replay(self, request: bytes, client, default_headers: list) -> bytes | None:
        """The answer to the bytes of a request :meth:`learn` was shown, or None (then the parser reads them)."""
        entry = self._requests.get(request)
        if entry is None:
            return None
        method, key, path, qs = entry
        return self._reply(method, key, path, qs, client, default_headers)

    def _reply(self, method: bytes, key: tuple, path: bytes, qs: bytes, client, default_headers: list,
               keep: bool = True) -> bytes | None:
        answer = self.answers.get(key, self.pool.restarts)
        if answer is None:
            answer = self._inline_answer(key)
            if answer is None:
                return None
        if not self.config.quiet:
            self._log({"method": method.decode("latin-1"), "raw_path": path, "query_string": qs, "client": client},
                      {"status": 200, "size": 0 if method == b"HEAD" else len(answer["body"])}, time.monotonic())
        wire = answer.get(method)
        if wire is None:  # headers and body as bytes, made once per answer and method
            wire = answer[method] = self._wire(answer, head=method == b"HEAD")
        if default_headers is not self._status_of:  # uvicorn renews them (the date) once a second
            self._status_of = default_headers
            self._status = b"".join([b"HTTP/1.1 200 OK\r\n"] + [b"%s: %s\r\n" % nv for nv in default_headers])
        return self._status + wire if keep else self._status + b"connection: close\r\n" + wire

    def _inline_answer(self, key: tuple) -> dict | None:
        """The answer to a request that ran within milliseconds in this process before (so it passed
        every check of :meth:`_query`, and the same text over the same read-only store does the same
        work again), run here on the event loop; None when it is not such a request, or failed."""
        job = self.cheap.inline.get(key) if self.local is not None else None
        if job is None:
            return None
        cost = [0.0]
        try:
            answer = self._run_here(job, cost)
        except Exception:  # noqa: BLE001 - the full path runs it again and answers the error
            self.cheap.inline.pop(key, None)
            return None
        self.cheap.ran_here(key, job, cost[0])
        return answer

    def _fast_key(self, path: bytes, qs: bytes, accept: bytes | None, host: bytes | None) -> tuple | None:
        """The answer cache's key for a GET of /sparql, as :meth:`_query` builds it; None where that
        path must see the request (an update, a repeated parameter)."""
        try:
            params = _params(parse_qsl(qs.decode("latin-1"), keep_blank_values=True))
            text = params["query"][0]
            override = _one(params, "format") or _one(params, "output")
        except (KeyError, ValueError, QueryError):
            return None
        if "update" in params or len(params["query"]) > 1:
            return None
        endpoint = f"http://{protocol.safe_host(host.decode('latin-1') if host is not None else None, self.endpoint_fallback)}/sparql"
        return (text, accept.decode("latin-1") if accept is not None else "", override,
                tuple(params.get("default-graph-uri", ())), tuple(params.get("named-graph-uri", ())), endpoint)

    def _wire(self, answer: dict, head: bool) -> bytes:
        body = b"" if head else answer["body"]
        out = [b"content-type: ", answer["content_type"].encode("latin-1"), b"\r\ncontent-length: ",
               str(len(body)).encode("ascii"), b"\r\nvary: Accept\r\n"]
        if answer["truncated"]:
            out += [TRUNCATED_HEADER.encode(), b": results cut at --max-results ",
                    str(self.config.max_results).encode(), b"\r\n"]
        for name, value in SECURITY_HEADERS:
            out += [name, b": ", value, b"\r\n"]
        out += [b"\r\n", body]
        return b"".join(out)

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

    async def _run(self, request: Request, job: tuple, timing: list | None = None):
        client = request.client.host if request.client else ""
        return await anyio.to_thread.run_sync(self.pool.run, job, self.config.timeout, client, timing,
                                              limiter=self.limiter)

    async def _run_sparql(self, request: Request, key: tuple, job: tuple):
        """A known-cheap query in this process (no pipe, no pickling); any other in a killable worker,
        timed, so that a fast one is known cheap next time."""
        if self.local is not None and key in self.cheap:
            started, cost = time.monotonic(), [0.0]
            try:
                if key in self.cheap.inline:  # milliseconds at most: the thread hop costs more than the query
                    return self._run_here(job, cost)
                return await anyio.to_thread.run_sync(self._run_here, job, cost, limiter=self.local_limiter)
            finally:
                if time.monotonic() - started > self.pool.long_after:
                    self.cheap.demote(key)  # slow here after all (a busy machine): workers only from now on
                else:
                    self.cheap.ran_here(key, job, cost[0])
        timing: list = []
        answer = await self._run(request, job, timing)
        if timing and self.local is not None:
            self.cheap.ran(key, timing[0])
        return answer

    def _run_here(self, job: tuple, cost: list) -> dict:
        """``job`` on the server's own view of the store; ``cost`` gets the CPU seconds it took
        (its thread's time: what the loop would wait for it, however busy the machine)."""
        started = time.thread_time()
        try:
            return self.local.run(*job)
        finally:
            cost[0] = time.thread_time() - started

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
        cfg = self.config
        accept, override = request.headers.get("accept", ""), _one(params, "format") or _one(params, "output")
        default_graphs, named_graphs = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
        key = (text, accept, override, tuple(default_graphs), tuple(named_graphs), self._endpoint(request))
        # only a request that passed every check below is ever stored, so a hit needs none again
        answer = self.answers.get(key, self.pool.restarts)
        if answer is not None:
            return self._sparql_answer(request, answer)
        a = analyse(text)
        if a.is_update:
            raise QueryError(403, READ_ONLY)
        protocol.refuse_services(a, self.config.allow_service)
        for name, iris in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
            for g in iris:
                if not protocol.is_absolute_iri(g):
                    raise QueryError(400, f"{name} must be an absolute IRI, not {g[:80]!r}")
        job = ("sparql", text, accept, override, default_graphs, named_graphs, cfg.max_results, key[-1])
        answer = await self._run_sparql(request, key, job)
        if not a.services and not (a.keywords & NONDETERMINISTIC):
            self.answers.put(key, answer, self.pool.restarts)
        return self._sparql_answer(request, answer)

    def _sparql_answer(self, request: Request, answer: dict) -> Response:
        cfg = self.config
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
        q = request.query_params
        limit, offset = q.get("limit") or str(ENTITY_PAGE), q.get("offset") or "0"
        if not limit.isdigit() or not 1 <= int(limit) <= 1000:
            raise QueryError(400, "limit must be 1..1000")
        if not offset.isdigit():
            raise QueryError(400, "offset must be 0 or more")
        return await self._api(request, ("entity", request.path_params["slug"], int(limit), int(offset)))

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

    def __init__(self, config: ServerConfig, pool: WorkerPool, local=None):
        self.config = config
        self.pool = pool
        self.local = local
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
        self.app = App(config, pool, f"{shown}:{port}", local)
        protocol_class: type = _GuardedH11
        if httptools is not None:
            protocol_class = type("_ServerHttpTools", (_GuardedHttpTools,), {
                "fast": staticmethod(self.app.fast_answer), "replay": staticmethod(self.app.replay),
                "learn": staticmethod(self.app.learn)})
        self._uvicorn = _Uvicorn(uvicorn.Config(
            self.app, http=protocol_class, lifespan="off", log_config=None, access_log=False, server_header=False,
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
            import uvloop  # libuv's event loop, as uvicorn itself picks when installed

            factory = uvloop.new_event_loop
        except ImportError:  # pragma: no cover
            factory = None
        try:
            with asyncio.Runner(loop_factory=factory) as runner:
                runner.run(self._uvicorn.serve(sockets=[self.socket]))
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        self._uvicorn.should_exit = True
        self._stopped.wait(10)

    def server_close(self) -> None:
        self.socket.close()
        self.pool.close()
        if self.local is not None:
            self.local.close()
        if self._log_handler is not None:
            access_log.removeHandler(self._log_handler)


def make_server(config: ServerConfig) -> AxialKGServer:
    """Start the workers and bind the socket (port 0 picks a free one); call ``serve_forever``."""
    from .backend import Backend, prepare

    spec = prepare(StoreSpec.parse(config.store, graph=config.graph), reasoned=config.reasoned, reload=config.reload)
    pool = WorkerPool(spec, config.workers, memory_mb=config.worker_memory, queue_limit=config.queue_limit,
                      long_after=config.long_after, max_long=config.max_long)
    local = None
    try:
        if config.in_process and spec.engine in ("memory", "oxigraph"):
            local = Backend(spec)  # the server's own read-only view, for queries known to be cheap
        return AxialKGServer(config, pool, local)
    except Exception:
        pool.close()
        if local is not None:
            local.close()
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
