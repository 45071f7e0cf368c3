"""``axialkg validate [PATH]``: OWL consistency (HermiT) and SHACL shapes, as a QC report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import add_quiet_option

EPILOG = """exit status:
  0  clean: no ERROR-level defect (warnings may be listed)
  1  the graph has ERROR-level defects
  2  PATH missing, unreadable or not an axialkg RDF graph
  3  the reasoner cannot run (no java, or HermiT failed): the graph was not fully checked"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser(
        "validate", help="check consistency (HermiT) and shapes (SHACL); exit 0 only when clean",
        description="Reason over the graph with HermiT and check it against the SHACL shapes; report every "
                    "defect by rule with the entity's label, and a QC summary of errors and warnings per rule.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", nargs="?", metavar="PATH",
                   help="an RDF file of the graph (Turtle, RDF/XML, N-Triples, JSON-LD); "
                        "default: the packaged release (axialkg.owl)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format (default: text)")
    add_quiet_option(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..resources import release_path
    from ..validation import validate

    path = Path(args.path) if args.path else release_path("owl")
    from ..progress import steps

    with steps("validate", ["HermiT and SHACL"]) as step:
        step("HermiT and SHACL")
        report = validate(path)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(report.to_text())
    return 0 if report.clean else 1
