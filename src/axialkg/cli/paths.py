"""What the graph-path commands (path, metapaths, connect, neighbors) share: options and text output."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

from ..errors import UsageError
from .query import add_store_options, open_kg  # noqa: F401  (re-exported for the command modules)

FORMATS = ["table", "json"]


def add_common(p, *, hops_default: int | None = 4, directed: bool = True, avoid_categories: bool = True) -> None:
    if hops_default is not None:
        p.add_argument("--max-hops", type=int, default=hops_default, metavar="N",
                       help=f"longest path, in hops (default {hops_default})")
    if directed:
        p.add_argument("--directed", action="store_true",
                       help="follow edges only from subject to object (default: either way, as metapaths do)")
    if avoid_categories:
        p.add_argument("--avoid-category", action="append", default=None, metavar="CATEGORY",
                       help="a category no inner node may belong to; repeatable (default: Question, the FAQ "
                            "entries; 'none' to allow every category)")
    add_store_options(p, formats=False)
    p.add_argument("--format", choices=FORMATS, default="table", help="table (default) or json")


# the library's parameter names as these commands spell them
FLAGS = {"max_hops": "--max-hops", "limit": "--limit", "hops": "--hops"}


@contextmanager
def flag_names():
    """Errors about a parameter name the command's flag (``--max-hops``), not the library's
    (``max_hops``)."""
    from ..graph import ParameterError

    try:
        yield
    except ParameterError as exc:
        if exc.parameter not in FLAGS:
            raise
        raise exc.renamed(FLAGS[exc.parameter]) from None


def avoided(args) -> tuple:
    """--avoid-category values: the library default when absent, nothing for 'none'."""
    from ..graph import DEFAULT_AVOID_CATEGORIES

    given = args.avoid_category
    if given is None:
        return DEFAULT_AVOID_CATEGORIES
    if any(c.strip().casefold() == "none" for c in given):
        if len(given) > 1:
            raise UsageError("--avoid-category none cannot be combined with other categories")
        return ()
    return tuple(given)


def write_json(doc) -> None:
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def add_stated_only(p) -> None:
    p.add_argument("--stated-only", action="store_true",
                   help="only claims the article states plainly: leave out hedged claims (possible, limited "
                        "evidence, selected cases) and inferred ones (curator or reasoner)")


def hop_lines(path, indent: str = "      ") -> list[str]:
    """Each hop as its claim reads (subject, predicate, object) with the claim's sources, its hedge
    and who asserts it (a plain statement by the article shows neither), and its direction of effect."""
    lines = []
    for i, e in enumerate(path.edges):
        a, b = path.nodes[i]["label"], path.nodes[i + 1]["label"]
        subj, obj = (a, b) if e["direction"] == "forward" else (b, a)
        src = ", ".join(e["sources"]) or "no named source"
        more = f" +{e['further_sources']} further" if e["further_sources"] else ""
        how = [w for w in (e.get("effect_direction"),
                           None if e.get("hedge", "stated") == "stated" else e["hedge"].replace("-", " "),
                           "curator inference" if e.get("asserted_by") == "curator" else None) if w]
        lines.append(f"{indent}{subj} | {e['label']} | {obj}   [{src}{more}]" + (f"  ({'; '.join(how)})" if how else ""))
    return lines


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
