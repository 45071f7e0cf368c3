"""Writing files all-or-nothing: a reader sees the old file or the new one, never half of either.

One writer for every room that writes: the build (:func:`replace_together`, several files that
change as one), exports (:func:`write_atomic`, :func:`replace_directory`), GraphML, the on-disk
store's marker and the SSSOM tool.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it replaces ``path`` when the block ends
    without error and is removed otherwise (for writers that want a file name, not bytes)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def replace_together(files: Mapping[Path, bytes]) -> list[Path]:
    """Replace several files all together or not at all.

    Each file is staged beside its target; the old files are kept as hard-link backups until every
    rename has succeeded, and restored if one fails.
    """
    staged: list[tuple[Path, Path]] = []
    backups: list[tuple[Path, Path]] = []
    done: list[Path] = []
    try:
        for target, data in files.items():
            final = Path(target)
            fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
            os.chmod(name, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            staged.append((Path(name), final))
        for _, final in staged:
            if final.exists():
                backup = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.bak")
                os.link(final, backup)
                backups.append((backup, final))
        try:
            for tmp, final in staged:
                os.replace(tmp, final)
                done.append(final)
        except BaseException:
            restored = {final for _, final in backups}
            for backup, final in backups:
                os.replace(backup, final)
            for final in done:
                if final not in restored:
                    final.unlink(missing_ok=True)
            raise
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for backup, _ in backups:
            backup.unlink(missing_ok=True)
    return [final for _, final in staged]


@contextmanager
def atomic_directory(out: Path) -> Iterator[Path]:
    """A staging directory beside ``out`` to write files into; when the block ends without error it is
    swapped in with one rename (the previous directory goes only once the new one is in place), and it is
    removed otherwise (for writers that stream their files rather than hand over bytes)."""
    out = Path(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    backup = None
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        if out.is_dir():
            backup = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.old")
            os.replace(out, backup)
        try:
            os.replace(tmp, out)
        except BaseException:
            if backup is not None:
                os.replace(backup, out)
                backup = None
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)


def replace_directory(out: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write a directory of files, staged whole beside ``out`` and swapped in with one rename."""
    with atomic_directory(out) as tmp:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
    return [Path(out) / name for name in files]


__all__ = ["atomic_directory", "atomic_path", "replace_directory", "replace_together", "write_atomic"]
