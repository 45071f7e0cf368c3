"""``axialkg build``: curation → ontology/axialkg.ttl and axialkg.owl."""

from __future__ import annotations

from pathlib import Path

from ..errors import AxialKGError


def register(sub) -> None:
    p = sub.add_parser("build", help="build the release from ontology/schema and ontology/curation",
                       description="Build ontology/axialkg.ttl (Turtle) and ontology/axialkg.owl (RDF/XML) "
                                   "from the schema and curation files. Deterministic and atomic.")
    p.add_argument("--root", type=Path, help="project root holding ontology/ (default: found from the cwd upwards)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the committed release differs from a fresh build")
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..build import SourceTree, build_graph, check_release, render, write_release
    from ..resources import find_project_root

    root = args.root or find_project_root()
    if root is None or not (root / "ontology" / "curation").is_dir():
        raise AxialKGError("no ontology/curation here or above; run inside the axialkg source tree or pass --root")
    tree = SourceTree(root)
    graph = build_graph(tree)
    rendered = render(graph)
    if args.check:
        stale = check_release(rendered, tree.out_dir)
        if stale:
            raise AxialKGError(f"release out of date with curation: {', '.join(stale)} (run 'axialkg build')")
        print(f"release in sync: {len(graph)} triples")
        return 0
    written = write_release(rendered, tree.out_dir)
    print(f"built {len(graph)} triples → {', '.join(str(p) for p in written)}")
    return 0
