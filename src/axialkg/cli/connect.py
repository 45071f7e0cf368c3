"""``axialkg connect``: connections ranked by degree-weighted path count (DWPC), top paths explained."""

from __future__ import annotations

import sys

from ..errors import UsageError
from .paths import add_common, add_stated_only, avoided, flag_names, hop_lines, open_kg, plural, write_json


def register(sub) -> None:
    p = sub.add_parser("connect", help="rank connections by degree-weighted path count (DWPC) and explain them",
                       description="Rank how entities connect by DWPC (Hetionet: every path's node degrees along "
                                   "its metaedges, each raised to -damping, multiplied, and summed over paths). "
                                   "Name an entity or a category at each end: 'connect DRUG CAUSE', "
                                   "'connect --from-category Drug --to CAUSE'.")
    p.add_argument("ends", nargs="*", metavar="ENTITY", help="FROM and/or TO entities")
    p.add_argument("--from", dest="source", metavar="ENTITY", help="the entity paths start from")
    p.add_argument("--to", dest="target", metavar="ENTITY", help="the entity paths end at")
    p.add_argument("--from-category", metavar="CATEGORY", help="rank every entity of this category as a start")
    p.add_argument("--to-category", metavar="CATEGORY", help="rank every entity of this category as an end")
    p.add_argument("--damping", type=float, default=0.4, metavar="W", help="degree damping exponent (default 0.4)")
    p.add_argument("--limit", type=int, default=20, metavar="K", help="connections to show (default 20; 0: all)")
    p.add_argument("--paths", type=int, default=3, metavar="P", help="top paths explained per connection (default 3)")
    p.add_argument("--permutations", type=int, default=0, metavar="N",
                   help="p-values against N degree-preserving edge permutations (hetmatpy's null; e.g. 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the permutations (default 0)")
    add_stated_only(p)
    add_common(p)
    p.set_defaults(handler=run)


def ends(args) -> tuple:
    """Positional entities fill whichever ends the options leave open, FROM first."""
    source, target = args.source, args.target
    free = list(args.ends)
    if source is None and args.from_category is None and free:
        source = free.pop(0)
    if target is None and args.to_category is None and free:
        target = free.pop(0)
    if free:
        raise UsageError(f"too many ends: '{free[0]}' (name one entity or one category at each end)")
    if (source is None) == (args.from_category is None):
        raise UsageError("name the start: FROM or --from-category CATEGORY" if source is None else
                         "name the start once: FROM or --from-category, not both")
    if (target is None) == (args.to_category is None):
        raise UsageError("name the end: TO or --to-category CATEGORY" if target is None else
                         "name the end once: TO or --to-category, not both")
    return source, target


def run(args) -> int:
    from ..graph import check_damping, check_hops, check_limit

    source, target = ends(args)
    check_hops(args.max_hops, name="--max-hops")
    check_limit(args.limit, name="--limit")
    check_limit(args.paths, name="--paths")
    check_damping(args.damping)
    kg = open_kg(args)
    with flag_names():
        found = kg.connect(source, target, from_category=args.from_category, to_category=args.to_category,
                           max_hops=args.max_hops, directed=args.directed, damping=args.damping,
                           avoid_categories=avoided(args), stated_only=args.stated_only)
    shown = found[:args.limit] if args.limit else found
    check_limit(args.permutations, name="--permutations")
    judged = kg.judge(shown, permutations=args.permutations, seed=args.seed, damping=args.damping,
                      stated_only=args.stated_only) if args.permutations and shown else None
    a = kg.display(kg.resolve(source)) if source else f"every {args.from_category}"
    b = kg.display(kg.resolve(target)) if target else f"every {args.to_category}"
    if args.format == "json":
        write_json({"damping": args.damping, "max_hops": args.max_hops,
                    "permutations": args.permutations or None,
                    "connections": [j.to_dict(args.paths or None) for j in judged] if judged else
                                   [c.to_dict(args.paths or None) for c in shown]})
        if not found:
            print(f"no connection from {a} to {b} within {plural(args.max_hops, 'hop')}", file=sys.stderr)
        return 0
    if not found:
        print(f"no connection from {a} to {b} within {plural(args.max_hops, 'hop')}")
        return 0
    print(f"{plural(len(found), 'connection')} from {a} to {b} by DWPC (damping {args.damping:g}, "
          f"up to {plural(args.max_hops, 'hop')})")
    if judged:
        print(f"p-values against {plural(args.permutations, 'degree-preserving permutation')} (seed {args.seed})")
    for i, c in enumerate(shown, 1):
        j = judged[i - 1] if judged else None
        print(f"{i:>3}. {c.source['label']} -> {c.target['label']}  DWPC {c.dwpc:.4f}  "
              + (f"p {j.p_value:.3g}  " if j else "")
              + f"({plural(c.path_count, 'path')}, {plural(len(c.metapaths), 'metapath')})")
        for m in c.metapaths[:3]:
            p = f"  p {j.p_values[str(m.metapath)]:.3g}" if j else ""
            print(f"       {m.dwpc:.4f}{p}  {m.metapath}  ({plural(m.count, 'path')})")
        for p in c.paths[:args.paths] if args.paths else c.paths:
            print(f"     path {p.pdp:.4f}: {p}")
            print("\n".join(hop_lines(p, indent="         ")))
    return 0
