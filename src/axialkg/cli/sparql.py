"""``axialkg sparql``: ad-hoc SPARQL from the command line, a file or stdin."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError
from .query import add_param_option, add_store_options, emit, open_kg, parse_param_args


def register(sub) -> None:
    p = sub.add_parser("sparql", help="run ad-hoc SPARQL (text, -f FILE, or - for stdin)",
                       description="Run a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query. Updates are refused "
                                   "unless --allow-update is given.")
    p.add_argument("text", nargs="?", help="the query text, or - to read it from stdin")
    p.add_argument("-f", "--file", type=Path, help="read the query from this file")
    add_param_option(p)
    p.add_argument("--allow-update", action="store_true", help="allow a SPARQL update to change the store")
    add_store_options(p)
    p.set_defaults(handler=run)


def read_text(args) -> str:
    if args.file and args.text:
        raise UsageError("give the query as text or with -f FILE, not both")
    if args.file:
        try:
            return args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {args.file}: {exc.__class__.__name__}") from None
    if args.text == "-":
        return sys.stdin.read()
    if not args.text:
        raise UsageError("give a query: axialkg sparql 'SELECT …', -f FILE, or - for stdin")
    return args.text


def run(args) -> int:
    from ..sparql import is_update

    text = read_text(args)
    if not text.strip():
        raise UsageError("the query is empty")
    params = parse_param_args(args.param)
    if is_update(text):
        if not args.allow_update:
            raise UsageError("refusing a SPARQL update: queries are read-only (pass --allow-update to change the store)")
        if params:
            raise UsageError("parameters cannot be bound in an update")
        kg = open_kg(args)
        kg.update(text)
        print(f"update applied to {str(kg.store.spec) or 'the in-memory store (gone on exit)'}", file=sys.stderr)
        return 0
    emit(open_kg(args).sparql(text, **params), args.format, wide=args.wide)
    return 0
