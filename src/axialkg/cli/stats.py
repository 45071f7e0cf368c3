"""``axialkg stats``: how big the graph is — entities per class, triples per predicate."""

from __future__ import annotations

import json
import sys

from .query import add_store_options, open_kg


def register(sub) -> None:
    p = sub.add_parser("stats", help="counts of entities by class and of triples by predicate",
                       description="Count triples, entities and sourced claims; entities per class and triples "
                                   "per predicate.")
    add_store_options(p, formats=False)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..vocab import curie

    kg = open_kg(args)
    stats = kg.stats()
    if kg.reasoning is not None:
        stats["reasoning"] = kg.reasoning.as_dict()
    if args.format == "json":
        sys.stdout.write(json.dumps(stats, indent=2) + "\n")
        return 0
    out = [f"store: {stats['store']}" + (f"  graph: {stats['graph']}" if stats["graph"] else "")
           + ("  (reasoned)" if stats["reasoned"] else "")]
    if kg.reasoning is not None:
        r = kg.reasoning
        out.append(f"reasoning: +{r.added} inferred triples in {r.seconds * 1000:.0f} ms ({r.rounds} rounds)")
    out += [f"{k}: {v}" for k, v in sorted(stats["totals"].items())]
    for title, rows in (("entities by class (with subclasses; asserted directly)", stats["classes"]),
                        ("triples by predicate", stats["predicates"])):
        out.append("")
        out.append(title)
        width = max([len(str(r["count"])) for r in rows] + [1])
        side = max([len(str(r["direct"])) for r in rows if "direct" in r] + [0])
        out += [f"  {str(r['count']).rjust(width)}" + (f"  {str(r['direct']).rjust(side)}" if "direct" in r else "")
                + f"  {curie(r['iri'])}" + (f"  ({r['label']})" if r["label"] else "") for r in rows]
    sys.stdout.write("\n".join(out) + "\n")
    return 0
