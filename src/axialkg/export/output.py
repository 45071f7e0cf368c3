"""Where an export goes: the target checked before any work, written all-or-nothing (files are
staged beside the target and renamed into place), and the report of what was written.

Messages name the path, not a command-line flag: the commands add theirs (``--out``, ``--graphml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..files import replace_directory, write_atomic

FILE, DIRECTORY = "file", "dir"


@dataclass
class ExportReport:
    format: str
    path: Path
    files: list[Path]
    triples: int | None  # None for the table and network formats, which write nodes and edges
    nodes: int = 0
    edges: int = 0

    def summary(self) -> str:
        what = f"{self.triples} triples" if self.triples is not None else f"{self.nodes} nodes, {self.edges} edges"
        return f"wrote {self.format} ({what}) → {self.path}"


def check_target(out, kind: str, names: tuple[str, ...] = ()) -> Path:
    """The target path, refused (UsageError) if it cannot take this kind of export: a missing parent
    directory, a directory for a file, a file for a directory, or a directory holding files other than
    ``names`` (an older export of the same kind is replaced; a user's other files never are)."""
    out = Path(out).expanduser()
    if not out.parent.is_dir():
        raise UsageError(f"{out}: no directory {out.parent}")
    if kind == FILE:
        if out.is_dir():
            raise UsageError(f"{out} is a directory; this format writes one file")
        return out
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file; this format writes a directory")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in names)
        if foreign:
            raise UsageError(f"{out} already holds other files ({', '.join(foreign[:3])}); "
                             "choose a new or empty directory")
    return out


def write_target(out: Path, kind: str, data: bytes | Mapping[str, bytes]) -> list[Path]:
    """Write one file, or a whole directory staged and swapped in."""
    if kind == FILE:
        return [write_atomic(check_target(out, kind), data)]  # type: ignore[arg-type]
    return replace_directory(check_target(out, kind, tuple(data)), data)  # type: ignore[arg-type]


__all__ = ["DIRECTORY", "FILE", "ExportReport", "check_target", "write_target"]
