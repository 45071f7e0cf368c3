"""``axialkg export``: the graph as a file (or directory) in another format."""

from __future__ import annotations

from pathlib import Path

from .query import add_store_options


def register(sub) -> None:
    from ..export import FORMATS

    p = sub.add_parser("export", help="write the graph as Turtle, RDF/XML, N-Triples, N-Quads, JSON-LD, KGX, "
                                      "GraphML or CSV",
                       description="Export the graph. RDF formats carry every triple (N-Quads adds one named "
                                   "graph of claims per cited source); kgx and csv write a directory with "
                                   "nodes and edges tables; graphml the entity network. Written atomically.")
    p.add_argument("--format", required=True, choices=list(FORMATS), help="the export format")
    p.add_argument("--out", required=True, type=Path, metavar="PATH",
                   help="the file to write (a directory for kgx and csv)")
    add_store_options(p, formats=False)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..export import export
    from .query import open_kg

    report = export(args.format, args.out, kg=open_kg(args))
    print(report.summary())
    return 0
