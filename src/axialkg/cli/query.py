"""``axialkg query``: run a named query (or a .rq file) on the embedded store."""

from __future__ import annotations

from ..errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("query", help="run a named SPARQL query from queries/ (or a .rq file)",
                       description="Run a named query. Parameter values are resolved to entities by label, "
                                   "synonym, brand name, CURIE or IRI and bound as RDF terms.")
    p.add_argument("name", nargs="?", help="query name (see --list) or path to a .rq file")
    p.add_argument("--param", action="append", default=[], metavar="K=V", help="a parameter, e.g. cause=myelofibrosis")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..queries import EmbeddedGraph, catalogue, find_query, to_json, to_table

    if args.list or not args.name:
        for q in catalogue().values():
            params = f" ({', '.join(q.parameters)})" if q.parameters else ""
            print(f"{q.name}{params}: {q.title}")
        return 0
    params = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param '{item}' is not of the form name=value")
        params[key.strip()] = value
    query = find_query(args.name)
    variables, rows = EmbeddedGraph().run(query, params)
    print(to_json(variables, rows) if args.format == "json" else to_table(variables, rows))
    return 0
