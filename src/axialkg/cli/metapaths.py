"""``axialkg metapaths FROM_CATEGORY TO_CATEGORY``: the kinds of connection between two categories, counted."""

from __future__ import annotations

from .paths import add_common, avoided, flag_names, open_kg, plural, write_json


def register(sub) -> None:
    p = sub.add_parser("metapaths", help="kinds of connection between two categories, with path counts",
                       description="Every metapath (sequence of categories and predicates) joining entities of "
                                   "FROM_CATEGORY to entities of TO_CATEGORY within --max-hops, with how many "
                                   "simple paths follow it. Inner nodes stand for their top class.")
    p.add_argument("from_category", metavar="FROM_CATEGORY", help="class name or label, e.g. Drug, 'JAK inhibitor'")
    p.add_argument("to_category", metavar="TO_CATEGORY", help="class name or label, e.g. RadiologicalPattern")
    p.add_argument("--limit", type=int, default=0, metavar="K", help="metapaths to show (default 0: all)")
    add_common(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..graph import check_hops, check_limit

    check_hops(args.max_hops, name="--max-hops")
    check_limit(args.limit, name="--limit")
    kg = open_kg(args)
    a, b = kg.category(args.from_category), kg.category(args.to_category)
    with flag_names():
        found = kg.metapaths(a, b, max_hops=args.max_hops, directed=args.directed, avoid_categories=avoided(args))
    shown = found[:args.limit] if args.limit else found
    if args.format == "json":
        write_json({"from_category": a, "to_category": b, "max_hops": args.max_hops,
                    "metapaths": [m.to_dict() for m in shown]})
        return 0
    total = sum(m.count for m in found)
    inexact = any(not m.exact for m in found)
    print(f"{plural(len(found), 'metapath')} ({'at most ' if inexact else ''}{plural(total, 'path')}) from "
          f"{args.from_category} to {args.to_category} within {plural(args.max_hops, 'hop')}")
    if shown:
        cells = [("" if m.exact else "<=") + str(m.count) for m in shown]
        width = max(5, *(len(c) for c in cells))
        print(f"{'paths':>{width}}  hops  metapath")
        for c, m in zip(cells, shown):
            print(f"{c:>{width}}  {m.metapath.hops:>4}  {m.metapath}")
    if inexact:
        print("(<=: too many to recount exactly; the walk count, which may revisit an entity, is shown)")
    return 0
