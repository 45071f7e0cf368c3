"""``axialkg path FROM TO``: simple paths between two entities, shortest first, every hop sourced."""

from __future__ import annotations

import sys

from ..errors import UsageError
from .paths import add_common, add_stated_only, avoided, flag_names, hop_lines, open_kg, plural, write_json


def register(sub) -> None:
    p = sub.add_parser("path", help="paths between two entities, shortest first, with each hop's sources",
                       description="Simple paths from FROM to TO of up to --max-hops hops, shortest first. "
                                   "A path may walk an edge either way (each hop says which) unless --directed. "
                                   "FROM, TO and --avoid resolve like query parameters (label, synonym, brand "
                                   "name, CURIE).")
    p.add_argument("source", metavar="FROM")
    p.add_argument("target", metavar="TO")
    p.add_argument("--via", action="append", default=[], metavar="CATEGORY",
                   help="a category some inner node must belong to (class name or label, e.g. MolecularTarget, "
                        "'JAK inhibitor'); repeatable")
    p.add_argument("--avoid", action="append", default=[], metavar="ENTITY",
                   help="an entity no path may pass; repeatable")
    p.add_argument("--limit", type=int, default=20, metavar="K", help="paths to show (default 20; 0: all)")
    add_stated_only(p)
    add_common(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..graph import check_hops, check_limit

    check_hops(args.max_hops, name="--max-hops")
    check_limit(args.limit, name="--limit")
    kg = open_kg(args)
    source, target = kg.resolve(args.source), kg.resolve(args.target)
    if source == target:
        raise UsageError("FROM and TO name the same entity")
    with flag_names():
        found = kg.paths(source, target, max_hops=args.max_hops, directed=args.directed, via=args.via,
                         avoid=args.avoid, avoid_categories=avoided(args), limit=args.limit + 1 if args.limit else 0,
                         stated_only=args.stated_only)
    more = bool(args.limit) and len(found) > args.limit
    found = found[:args.limit] if args.limit else found
    a, b = kg.display(source), kg.display(target)
    way = "directed " if args.directed else ""
    if args.format == "json":
        write_json({"paths": [p.to_dict() for p in found], "truncated": more})
        if not found:
            print(f"no {way}path from {a} to {b} within {plural(args.max_hops, 'hop')}", file=sys.stderr)
        return 0
    if not found:
        print(f"no {way}path from {a} to {b} within {plural(args.max_hops, 'hop')}")
        return 0
    head = f"{plural(len(found), way + 'path')} from {a} to {b}, shortest first (up to {plural(args.max_hops, 'hop')})"
    print(head + ("; more exist (raise --limit)" if more else ""))
    for i, p in enumerate(found, 1):
        print(f"{i:>3}. [{p.hops}] {p}")
        print("\n".join(hop_lines(p)))
    return 0
