"""``axialkg query``: run a named query (or a .rq file); also the store options every reading command shares."""

from __future__ import annotations

import re
import sys

from ..errors import UsageError

FORMATS = ["table", "json", "xml", "csv", "tsv", "ntriples"]


def add_store_options(p, *, formats: bool = True) -> None:
    """--store, --graph, --update-url, --graph-store-url, --timeout, --reasoned (and --format)."""
    g = p.add_argument_group("store")
    g.add_argument("--store", metavar="SPEC", default=None,
                   help="where the graph is: (default) the packaged release in memory; oxigraph:DIR (on disk, "
                        "loaded once); rdflib; or an http(s):// SPARQL 1.1 endpoint "
                        "(credentials from AXIALKG_SPARQL_USER / AXIALKG_SPARQL_PASSWORD)")
    g.add_argument("--graph", metavar="IRI", help="the named graph that holds the data")
    g.add_argument("--update-url", metavar="URL", help="SPARQL update endpoint, if not the query URL")
    g.add_argument("--graph-store-url", metavar="URL", help="Graph Store Protocol endpoint of a remote store")
    g.add_argument("--timeout", type=float, metavar="S", help="seconds to wait for a remote endpoint (default 30)")
    g.add_argument("--reasoned", action="store_true",
                   help="answer over the OWL 2 RL closure (subclass, subproperty, inverse, domain/range)")
    g.add_argument("--reload", action="store_true",
                   help="with --store oxigraph:DIR: replace whatever the directory holds with the release "
                        "(without it, a directory holding other data is refused)")
    if formats:
        p.add_argument("--format", choices=FORMATS, default="table",
                       help="table (default), json or xml (W3C SPARQL results), csv, tsv, or ntriples for CONSTRUCT")
        p.add_argument("--wide", action="store_true", help="tables show every cell in full (long cells are cut otherwise)")


def add_param_option(p) -> None:
    p.add_argument("--param", action="append", default=[], metavar="K=V",
                   help="a parameter, e.g. cause=myelofibrosis (label, synonym, brand name, CURIE or IRI)")


def parse_param_args(items: list[str]) -> dict[str, str]:
    """``["cause=myelofibrosis", …]`` → dict; the first ``=`` splits name from value."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", key):
            raise UsageError(f"--param '{item}' is not of the form name=value")
        if key in params:
            raise UsageError(f"--param {key} given twice")
        params[key] = value
    return params



def open_kg(args):
    from ..api import open as open_graph

    return open_graph(args.store, graph=args.graph, update_url=args.update_url,
                      graph_store_url=args.graph_store_url, timeout=args.timeout, reasoned=args.reasoned,
                      reload=getattr(args, "reload", False))


def emit(results, fmt: str, *, wide: bool = False) -> None:
    if fmt == "ntriples" and results.kind != "graph":
        raise UsageError("--format ntriples is for CONSTRUCT or DESCRIBE queries")
    sys.stdout.write(results.format(fmt, wide=wide))


def plain_args(argv: list[str]) -> dict | None:
    """``query``'s options as argparse reads them, for a name with ``--param K=V``, ``--format F``
    and ``--wide`` only (no value that starts with "-", no option spelled otherwise); None for
    anything else. ``tests/test_cli_query.py`` holds the two readings equal."""
    values: dict = {"name": None, "param": [], "list": False, "allow_update": False, "store": None, "graph": None,
                    "update_url": None, "graph_store_url": None, "timeout": None, "reasoned": False,
                    "reload": False, "format": "table", "wide": False, "handler": run}
    items = iter(argv)
    for arg in items:
        if arg == "--wide":
            values["wide"] = True
        elif arg in ("--param", "--format"):
            value = next(items, None)
            if value is None or value.startswith("-") or (arg == "--format" and value not in FORMATS):
                return None
            if arg == "--param":
                values["param"].append(value)
            else:
                values["format"] = value
        elif arg.startswith("-") or values["name"] is not None:
            return None
        else:
            values["name"] = arg
    return values


def register(sub) -> None:
    p = sub.add_parser("query", help="run a named SPARQL query from queries/ (or a .rq file)",
                       description="Run a named query. Parameter values are resolved to entities by label, "
                                   "synonym, brand name, CURIE or IRI and bound as RDF terms.")
    p.add_argument("name", nargs="?", help="query name (see --list) or path to a .rq file")
    add_param_option(p)
    p.add_argument("--list", action="store_true", help="list the named queries with their titles and parameters")
    p.add_argument("--allow-update", action="store_true", help="let a .rq file that is a SPARQL update change the store")
    add_store_options(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..queries import catalogue, find_query
    from ..sparql import is_update

    if args.list or not args.name:
        for q in catalogue().values():
            takes = ", ".join(p.name + (f" ({p.kind})" if p.kind else "") for p in q.parameters)
            print(f"{q.name}{' [' + takes + ']' if takes else ''}: {q.title}")
        return 0
    params = parse_param_args(args.param)
    query = find_query(args.name)
    if is_update(query.sparql):
        if not args.allow_update:
            raise UsageError(f"refusing '{query.name}': it is a SPARQL update and queries are read-only "
                             "(pass --allow-update to change the store)")
        if params:
            raise UsageError("parameters cannot be bound in an update")
        kg = open_kg(args)
        kg.update(query.sparql)
        print(f"update applied to {str(kg.store.spec) or 'the in-memory store (gone on exit)'}", file=sys.stderr)
        return 0
    from ..queries import check_params

    check_params(query, params)  # before opening the store: bad input fails fast
    emit(open_kg(args).query(query, **params), args.format, wide=args.wide)
    return 0
