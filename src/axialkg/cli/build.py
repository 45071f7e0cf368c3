"""``axialkg build``: curation → ontology/axialkg.ttl and axialkg.owl."""

from __future__ import annotations

from pathlib import Path

from ..errors import AxialKGError
from . import add_quiet_option


def register(sub) -> None:
    p = sub.add_parser("build", help="build the release from ontology/schema and ontology/curation",
                       description="Build ontology/axialkg.ttl (Turtle) and ontology/axialkg.owl (RDF/XML) "
                                   "from the schema and curation files. Deterministic and atomic.")
    p.add_argument("--root", type=Path, help="project root holding ontology/ (default: found from the cwd upwards)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the committed release differs from a fresh build")
    add_quiet_option(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..build import SourceTree, build_graph, check_release, render, write_release
    from ..resources import find_project_root

    root = args.root or find_project_root()
    if root is None or not (root / "ontology" / "curation").is_dir():
        raise AxialKGError("no ontology/curation here or above; run inside the axialkg source tree or pass --root")
    from ..progress import steps

    tree = SourceTree(root)
    with steps("build --check" if args.check else "build",
               ["curation → graph", "Turtle and RDF/XML", "compare" if args.check else "write"]) as step:
        step("curation → graph")
        graph = build_graph(tree)
        step("Turtle and RDF/XML")
        rendered = render(graph)
        step("compare" if args.check else "write")
        stale = check_release(rendered, tree.out_dir) if args.check else []
        written = [] if args.check else write_release(rendered, tree.out_dir)
    if args.check:
        if stale:
            raise AxialKGError(f"release out of date with curation: {', '.join(stale)} (run 'axialkg build')")
        print(f"release in sync: {len(graph)} triples")
        return 0
    print(f"built {len(graph)} triples → {', '.join(str(p) for p in written)}")
    return 0
