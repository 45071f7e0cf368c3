"""``axialkg search TEXT``: entities by label, synonym, prefix or full text, best first."""

from __future__ import annotations

import json
import sys

from .query import add_store_options, open_kg


def register(sub) -> None:
    p = sub.add_parser("search", help="find entities by label, synonym or words of their definition",
                       description="Search labels, synonyms, brand names, cross-references and definitions: exact "
                                   "label first, then exact synonym, related synonym, prefix, then full text.")
    p.add_argument("text", help="what to look for, e.g. 'Janus kinase' or 'low marrow signal'")
    p.add_argument("--category", metavar="C", help="only members of this class, subclasses included (e.g. Cause, Drug)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20; 0 for all)")
    add_store_options(p, formats=False)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--wide", action="store_true", help="show every cell in full (tables cut long cells otherwise)")
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..results import Results, Term
    from ..search import as_json

    hits = open_kg(args).search(args.text, category=args.category, limit=args.limit)
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(hits), indent=2, ensure_ascii=False) + "\n")
        return 0
    columns = ["score", "label", "category", "matched", "iri"]
    rows = [{"score": Term.literal(f"{h.score:.3f}"), "label": Term.literal(h.label),
             "category": Term.literal(h.category), "matched": Term.literal(h.matched), "iri": Term.uri(h.iri)}
            for h in hits]
    sys.stdout.write(Results(columns, rows).to_table(max_width=0 if args.wide else 60) + "\n")
    return 0
