"""The packaged release as an on-disk pyoxigraph store in the user's cache directory, so a command
opens it in milliseconds instead of parsing the Turtle each time (~0.2 s at every start).

The directory is keyed by the release's SHA-256 and the pyoxigraph version: a changed release (or
engine) gets a store of its own, and the stale ones are removed when a new one is written. It is
built in a private directory and renamed into place, so a process never sees half a store, and
opened read-only, so any number of processes share it. Writing to the default store still works:
the first update moves the store into memory (as it always was) and applies the update there, never
to the cache. ``AXIALKG_CACHE_DIR`` moves the cache; set to an empty string it turns it off.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from . import StoreSpec
from .embedded import OxigraphStore, release_digest

LAYOUT = "1"  # bump when what the cached store holds changes shape
COMPLETE = "axialkg-complete"


def cache_root() -> Path | None:
    """Where cached stores live, or None when caching is off."""
    chosen = os.environ.get("AXIALKG_CACHE_DIR")
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "axialkg"


class CachedReleaseStore(OxigraphStore):
    """The release, read-only from the cache; moved into memory by the first update."""

    def __init__(self, store: ox.Store, spec: StoreSpec, source: Path):
        super().__init__(store, spec, directory=None, loaded_now=False)
        self._source = source

    def update(self, text: str) -> None:
        if not getattr(self, "_in_memory", False):
            memory = ox.Store()
            memory.bulk_load(path=str(self._source), format=ox.RdfFormat.TURTLE)
            self.store, self._in_memory = memory, True
        super().update(text)


def _build(root: Path, final: Path, source: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        store = ox.Store(str(tmp))
        store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE)
        store.flush()
        store.optimize()
        del store  # closes the database (and its lock) before the rename
        (tmp / COMPLETE).write_text(str(source) + "\n", encoding="utf-8")
        try:
            tmp.rename(final)
        except OSError:  # another process put it there first: theirs is as good
            if not (final / COMPLETE).is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for old in root.glob("release-*"):  # earlier releases' stores
        if old != final:
            shutil.rmtree(old, ignore_errors=True)


def open_release(source: Path) -> OxigraphStore | None:
    """The release at ``source`` from the cache (written now if absent); None when there is no
    usable cache (off, not writable, or the engine refuses it), so the caller loads it in memory."""
    root = cache_root()
    if root is None or not source.is_file():
        return None
    key = f"release-{release_digest(source)[:32]}-ox{ox.__version__}-{LAYOUT}"
    final = root / key
    try:
        if not (final / COMPLETE).is_file():
            _build(root, final, source)
        store = ox.Store.read_only(str(final))
    except OSError:
        return None
    return CachedReleaseStore(store, StoreSpec("memory"), source)


__all__ = ["CachedReleaseStore", "cache_root", "open_release"]
