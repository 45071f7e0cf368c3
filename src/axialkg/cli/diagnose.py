"""``axialkg diagnose``: a patient's findings → the causes ranked, their evidence, the next test."""

from __future__ import annotations

import json
import sys

from .query import add_store_options, open_kg


def register(sub) -> None:
    p = sub.add_parser("diagnose", help="rank the causes for a patient's findings and suggest the next test",
                       description="A likelihood-ratio (naive Bayes) differential over the causes of axial "
                                   "osteosclerosis from the article's claims and HPO annotations: each cause's "
                                   "posterior with the findings for and against it (likelihood ratio, sources), "
                                   "and the tests ranked by expected information gain.")
    p.add_argument("--finding", action="append", default=[], metavar="TEXT",
                   help="a finding or symptom present (label, synonym, HPO CURIE or IRI); repeatable")
    p.add_argument("--absent", action="append", default=[], metavar="TEXT",
                   help="a finding looked for and not found; repeatable")
    p.add_argument("--phenopacket", metavar="FILE",
                   help="a GA4GH Phenopacket v2 JSON file (excluded features are absent findings)")
    p.add_argument("--prior", choices=["article", "uniform"], default="article",
                   help="prior over the causes: what the article says of their frequency (default), or uniform")
    p.add_argument("--top", type=int, default=10, metavar="K", help="causes to show (default 10)")
    p.add_argument("--tests", type=int, default=3, metavar="N", help="next tests to suggest (default 3)")
    add_store_options(p, formats=False)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..diagnosis import read_phenopacket
    from ..errors import UsageError

    present, absent = list(args.finding), list(args.absent)
    if args.phenopacket:
        more, less = read_phenopacket(args.phenopacket)
        present += more
        absent += less
    if args.top < 1:
        raise UsageError(f"--top must be at least 1, not {args.top}")
    if args.tests < 0:
        raise UsageError(f"--tests must be 0 or more, not {args.tests}")
    if not present and not absent:
        raise UsageError("give a --finding, an --absent finding or a --phenopacket")
    kg = open_kg(args)
    result = kg.diagnose(present=present, absent=absent, top=args.top, prior=args.prior, tests=args.tests)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(result.to_table())
    return 0
