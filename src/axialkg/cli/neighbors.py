"""``axialkg neighbors ENTITY``: the neighbourhood of an entity; GraphML export of it or of the whole graph."""

from __future__ import annotations

import sys

from ..errors import UsageError
from .paths import add_common, flag_names, open_kg, plural, write_json


def register(sub) -> None:
    p = sub.add_parser("neighbors", help="an entity's neighbourhood (or the whole graph) as a table, JSON or GraphML",
                       description="Entities within --hops hops of ENTITY and the claims among them. --graphml OUT "
                                   "writes it for Cytoscape or Gephi; --all takes the whole graph instead.")
    p.add_argument("entity", nargs="?", metavar="ENTITY")
    p.add_argument("--hops", type=int, default=1, metavar="K", help="how far to reach (default 1)")
    p.add_argument("--all", action="store_true", help="the whole graph instead of one neighbourhood")
    p.add_argument("--graphml", metavar="OUT", help="write GraphML to OUT instead of printing")
    add_common(p, hops_default=None)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..graph import check_hops

    if args.all == bool(args.entity):
        raise UsageError("name an ENTITY or give --all (not both)")
    if not args.all:
        check_hops(args.hops, name="--hops", least=0)
    kg = open_kg(args)
    if args.graphml and args.all:  # the same writer, and bytes, as export --format graphml
        return _graphml(kg, args.graphml, None, None)
    with flag_names():
        sub = kg.graph() if args.all else kg.neighbors(args.entity, args.hops, directed=args.directed)
    if args.graphml:
        return _graphml(kg, args.graphml, set(sub.nodes), dict(sub.nodes(data="distance")))
    nodes = sorted(sub.nodes(data=True), key=lambda x: (x[1].get("distance", 0), x[1].get("label", x[0]), x[0]))
    edges = sorted(sub.edges(keys=True, data=True), key=lambda e: (sub.nodes[e[0]].get("label", e[0]), e[2],
                                                                    sub.nodes[e[1]].get("label", e[1]), e[0], e[1]))
    if args.format == "json":
        write_json({"center": sub.graph.get("center"), "hops": None if args.all else args.hops,
                    "nodes": [{"iri": n, "label": a.get("label", n), "category": a.get("category"),
                               "distance": a.get("distance")} for n, a in nodes],
                    "edges": [{"source": u, "target": v, "predicate": k, "label": d.get("label"),
                               "sources": list(d.get("sources") or []),
                               "further_sources": d.get("further_sources", 0)} for u, v, k, d in edges]})
        return 0
    print(f"{len(nodes)} {'entity' if len(nodes) == 1 else 'entities'}, {plural(len(edges), 'claim')}"
          + ("" if args.all else f" within {plural(args.hops, 'hop')} of {nodes[0][1].get('label')}"))
    for n, a in nodes:
        print(f"  {a.get('distance', ''):>2}  {a.get('label', n)}  ({a.get('category_label') or ''})")
    for u, v, k, d in edges:
        src = ", ".join(d.get("sources") or ()) or "no named source"
        print(f"  {sub.nodes[u].get('label', u)} | {d.get('label', k)} | {sub.nodes[v].get('label', v)}   [{src}]")
    return 0


def _graphml(kg, out, nodes, distances) -> int:
    from ..export import write_graphml

    try:
        report = write_graphml(kg, out, nodes, distances=distances)
    except UsageError as exc:
        raise UsageError(f"--graphml {exc}") from None
    print(f"wrote {report.path} ({plural(report.nodes, 'node')}, {plural(report.edges, 'edge')})", file=sys.stderr)
    return 0
