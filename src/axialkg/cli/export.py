"""``axialkg export``: the graph as a file (or directory) in another format."""

from __future__ import annotations

from pathlib import Path

from . import add_quiet_option
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
                   help="the file to write (a directory for kgx and csv); '-' writes to standard output, and a "
                        "device or FIFO is written in place, never replaced by a file")
    add_store_options(p, formats=False)
    add_quiet_option(p)
    p.set_defaults(handler=run)


def _in_place(out: Path) -> bool:
    """``-``, or an existing target that is not a regular file or directory (a FIFO, /dev/null, a tty)."""
    import stat

    if str(out) == "-":
        return True
    try:
        mode = out.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_in_place(args, out: Path) -> int:
    import sys

    from ..errors import UsageError
    from ..export import FILE, render, sink
    from .query import open_kg

    if sink(args.format).kind != FILE:
        raise UsageError(f"--out {out}: {args.format} writes a directory, not a stream")
    r = render(args.format, open_kg(args))
    data = r.data if isinstance(r.data, bytes) else b""
    try:
        if str(out) == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            with open(out, "wb", buffering=0) as fh:  # written in place: a device or FIFO stays what it is
                fh.write(data)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    what = f"{r.triples} triples" if r.triples is not None else f"{r.nodes} nodes, {r.edges} edges"
    print(f"wrote {args.format} ({what}) → {'standard output' if str(out) == '-' else out}", file=sys.stderr)
    return 0


def run(args) -> int:
    from ..errors import AxialKGError, UsageError
    from ..export import check_out, export
    from .query import open_kg

    if _in_place(args.out):
        return _write_in_place(args, args.out)
    try:
        check_out(args.format, args.out)  # before the store is opened; the export checks again
    except UsageError as exc:
        raise UsageError(f"--out {exc}") from None
    from ..progress import steps

    with steps("export", ["open the store", f"write {args.format}"]) as step:
        step("open the store")
        kg = open_kg(args)
        step(f"write {args.format}")
        try:
            report = export(args.format, args.out, kg=kg)
        except OSError as exc:  # a read-only or full disk, a directory that takes no new files (/proc)
            raise AxialKGError(f"--out {args.out}: cannot write: {exc.strerror or exc}") from None
    print(report.summary())
    return 0
