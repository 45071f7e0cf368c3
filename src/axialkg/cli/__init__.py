"""The ``axialkg`` command line.

Each subcommand lives in its own module here with a ``register(subparsers)``
function; this module only dispatches and turns user errors into one line.
Modules are imported lazily-cheap: heavy libraries load inside handlers.
"""

from __future__ import annotations

import sys

from .. import __version__
from ..errors import AxialKGError, CurationError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    import argparse

# Subcommand modules, in the order ``--help`` lists them.
COMMANDS = ["build", "query", "sparql", "search", "stats", "path", "metapaths", "connect", "neighbors", "diagnose", "serve",
            "export", "load", "validate"]


def _command_in(argv: list[str] | None) -> str | None:
    """The subcommand named in ``argv`` (its first argument that is not an option), if any."""
    for arg in argv or []:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def make_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv`` naming a command, only that command's parser is built (building
    all of them, with the imports they need, costs tens of milliseconds at every start)."""
    import argparse
    import importlib

    class _Parser(argparse.ArgumentParser):
        """An argparse parser whose usage errors are one line (``--help`` still shows the usage)."""

        def error(self, message: str):
            self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    parser = _Parser(
        prog="axialkg",
        description="The knowledge graph of axial osteosclerosis: build, query, validate and export it.",
    )
    parser.add_argument("--version", action="version", version=f"axialkg {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--quiet", dest="quiet_all", action="store_true", help="no progress bars (none are drawn when piped)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    wanted = _command_in(argv)
    for name in [wanted] if wanted else COMMANDS:
        importlib.import_module(f"{__name__}.{name.replace('-', '_')}").register(sub)
    return parser


def add_quiet_option(p) -> None:
    """``--quiet`` on a command that shows progress (also accepted before the command)."""
    p.add_argument("--quiet", action="store_true", help="no progress bars (none are drawn when output is piped)")


# Commands whose layers write no log records: they start without importing logging (~5 ms); a
# warning from anywhere would still reach stderr through logging's last-resort handler.
QUIET_COMMANDS = {"query", "sparql", "search", "stats", "path", "neighbors", "metapaths", "connect", "diagnose"}


def _log_to_stderr() -> None:
    """axialkg's log records (the server's banner and access log, warnings) as plain lines on stderr."""
    import logging

    root = logging.getLogger("axialkg")
    if not any(getattr(h, "_axialkg_cli", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._axialkg_cli = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False


def _escaped(text: str) -> str:
    r"""``text`` with control characters spelled out.

    >>> _escaped("no entity 'x\naxialkg: error: forged'")
    "no entity 'x\\naxialkg: error: forged'"
    """
    return "".join(repr(ch)[1:-1] if ch < " " or ch == "\x7f" else ch for ch in text)


class _Namespace:
    """What ``parse_args`` returns, for :func:`_plain_query` (argparse's own costs ~8 ms to import)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def _plain_query(argv: list[str]):
    """The namespace argparse gives for the plainest ``query`` calls (a name, ``--param K=V``,
    ``--format F``, ``--wide``), read without argparse: importing it and building the parser is
    most of what the command line adds to a start. None for any other command line, which argparse
    reads (and so answers ``--help``, abbreviations and mistakes as it always did)."""
    if not argv or argv[0] != "query":
        return None
    from .query import plain_args

    values = plain_args(argv[1:])
    return None if values is None else _Namespace(debug=False, quiet_all=False, command="query", **values)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if _command_in(argv) not in QUIET_COMMANDS or "logging" in sys.modules:
        _log_to_stderr()
    args = _plain_query(argv) or make_parser(argv).parse_args(argv)
    quiet = args.quiet_all or getattr(args, "quiet", False)
    if quiet or "axialkg.progress" in sys.modules:  # not quiet is progress's default: no import for it
        from ..progress import set_quiet

        set_quiet(quiet)
    try:
        code = args.handler(args)
    except AxialKGError as exc:
        if debug:
            raise
        # one line per error (a curation error has one per defect); control characters that came
        # with the user's input are shown escaped, so a value cannot forge further error lines
        lines = exc.problems if isinstance(exc, CurationError) else [str(exc)]
        for line in lines or [exc.__class__.__name__]:
            print(f"axialkg: error: {_escaped(line)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("axialkg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line unless --debug
        if debug:
            raise
        print(f"axialkg: internal error: {exc.__class__.__name__}: {exc} (rerun with --debug for a traceback)",
              file=sys.stderr)
        return 70
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
