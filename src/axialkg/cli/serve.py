"""``axialkg serve``: a read-only SPARQL endpoint and a web page over the graph."""

from __future__ import annotations

import os
import re

from ..errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve a read-only SPARQL 1.1 endpoint and a web page",
                       description="Serve the graph over HTTP: the SPARQL 1.1 Protocol at /sparql (JSON, XML, CSV, "
                                   "TSV results; Turtle, N-Triples, JSON-LD graphs; a service description), and a "
                                   "web page at / to run the named queries and browse entities. Read-only.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878; 0 picks a free one)")
    p.add_argument("--store", metavar="SPEC", help="store to serve (default: the packaged release in oxigraph)")
    p.add_argument("--graph", metavar="IRI", help="the named graph that holds the data (default: the default graph)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="stop a query after this long and answer 503 (default 30; 0 = no limit)")
    p.add_argument("--max-results", type=int, default=10_000, metavar="N",
                   help="cut results after N rows or triples, saying so in X-Axialkg-Truncated (default 10000)")
    p.add_argument("--workers", type=int, default=min(4, max(2, os.cpu_count() or 2)), metavar="N",
                   help="query worker processes, each with its own copy of the store (default: 2 to 4 by CPUs)")
    p.add_argument("--allow-service", action="append", default=[], metavar="HOST",
                   help="let SPARQL SERVICE call this host (HOST or HOST:PORT; repeatable). Without it the "
                        "endpoint makes no outbound request and refuses SERVICE with 400")
    p.add_argument("--worker-memory", type=int, default=2048, metavar="MB",
                   help="address space each query worker may use; a query needing more is stopped with 503 "
                        "(default 2048; 0 = no cap)")
    p.add_argument("--reasoned", action="store_true", help="answer over the OWL 2 RL closure, as the CLI's --reasoned")
    p.add_argument("--reload", action="store_true",
                   help="with --store oxigraph:DIR: replace whatever the directory holds with the release")
    p.add_argument("--quiet", action="store_true", help="no access log on stderr")
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..server import ServerConfig, serve

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0..65535, not {args.port}")
    if args.timeout < 0:
        raise UsageError("--timeout must be 0 (no limit) or a positive number of seconds")
    if args.max_results < 1:
        raise UsageError("--max-results must be at least 1")
    if not 1 <= args.workers <= 64:
        raise UsageError("--workers must be 1..64")
    if args.worker_memory and args.worker_memory < 256:
        raise UsageError("--worker-memory must be 0 (no cap) or at least 256 MB")
    for host in args.allow_service:
        if not re.fullmatch(r"[A-Za-z0-9.-]+(?::[0-9]{1,5})?", host):
            raise UsageError(f"--allow-service takes a host name or HOST:PORT, not {host!r}")
    config = ServerConfig(host=args.host, port=args.port, store=args.store, graph=args.graph, timeout=args.timeout or None,
                          max_results=args.max_results, workers=args.workers, quiet=args.quiet,
                          allow_service=tuple(args.allow_service), worker_memory=args.worker_memory,
                          reasoned=args.reasoned, reload=args.reload)
    try:
        serve(config)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    except RuntimeError as exc:  # a worker could not open the store
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:
        pass
    return 0
