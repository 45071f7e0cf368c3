"""``axialkg export``: the graph as a file (or directory) in another format."""

from __future__ import annotations

from pathlib import Path

from .query import add_store_options

# The format names, here so that registering the command does not import rdflib (axialkg.export does);
# tests/test_export.py keeps this equal to axialkg.export.FORMATS.
FORMAT_NAMES = ("turtle", "rdfxml", "ntriples", "nquads", "jsonld", "graphml", "obo", "kgx", "kgx-jsonl", "csv")


def register(sub) -> None:
    p = sub.add_parser("export", help="write the graph as Turtle, RDF/XML, N-Triples, N-Quads, JSON-LD, KGX, "
                                      "GraphML, OBO or CSV",
                       description="Export the graph. RDF formats carry every triple (N-Quads adds one named "
                                   "graph of claims per cited source); kgx and csv write a directory with "
                                   "nodes and edges tables; graphml the entity network. Written atomically.")
    p.add_argument("--format", required=True, choices=FORMAT_NAMES, help="the export format")
    p.add_argument("--out", required=True, type=Path, metavar="PATH",
                   help="the file to write (a directory for kgx and csv)")
    add_store_options(p, formats=False)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..errors import UsageError
    from ..export import check_out, export
    from .query import open_kg

    try:
        check_out(args.format, args.out)  # before the store is opened; the export checks again
    except UsageError as exc:
        raise UsageError(f"--out {exc}") from None
    report = export(args.format, args.out, kg=open_kg(args))
    print(report.summary())
    return 0
