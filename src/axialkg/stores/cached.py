"""The packaged release as an on-disk pyoxigraph store in the user's cache directory, so a command
opens it in milliseconds instead of parsing the Turtle each time (~0.2 s at every start).

The directory is keyed by the release's SHA-256 and the pyoxigraph version: a changed release (or
engine) gets a store of its own. Stores are pruned when a new one is written: the most recently
used few are kept (several checkouts or versions may be in use at once), and never one opened in the
last hour, so no process loses the store it has open. It is
built in a private directory and renamed into place, so a process never sees half a store, and
opened read-only, so any number of processes share it. Writing to the default store still works:
the first update moves the store into memory (as it always was) and applies the update there, never
to the cache. ``AXIALKG_CACHE_DIR`` moves the cache; set to an empty string it turns it off.

Two more things spare every start the work of the one before: the release's digest is remembered
by the file's stamp (path, size, mtime, as Python checks its .pyc files), so the file is not hashed
each time; and the answers of the unbound queries a command asks at every start (the resolver's
label index, ~30 ms) are kept beside the store, each with its text, since a read-only store
answers them the same way until the release changes; and so are values derived from them
(:meth:`CachedReleaseStore.remember`: the resolver's tables, read in well under a millisecond).
"""

from __future__ import annotations

import json
import marshal
import os
import zlib
from pathlib import Path

import pyoxigraph as ox

from ..results import Results, Term
from ..sparql import NONDETERMINISTIC, analyse
from . import StoreSpec
from .embedded import OxigraphStore, _stamp, release_digest

LAYOUT = "1"  # bump when what the cached store holds changes shape
COMPLETE = "axialkg-complete"
STAMPS = "digests.json"  # the release file's stamp → its SHA-256
ANSWERS = "answers"  # kept answers, one file each, beside the store
KEEP_AFTER = 0.005  # seconds: an unbound query that took longer is kept
MAX_KEPT = 64  # answers kept per release
KEEP_STORES = 4  # release stores kept, most recently used first
IN_USE = 3600.0  # seconds: a store opened this recently is never removed


def cache_root() -> Path | None:
    """Where cached stores live, or None when caching is off."""
    chosen = os.environ.get("AXIALKG_CACHE_DIR")
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "axialkg"


class CachedReleaseStore(OxigraphStore):
    """The release, read-only from the cache; moved into memory by the first update."""

    def __init__(self, store: ox.Store, spec: StoreSpec, source: Path, answers: Path | None = None):
        super().__init__(store, spec, directory=None, loaded_now=False)
        self._source = source
        self._answers = answers

    def query(self, text: str, bindings: dict[str, str] | None = None, **options) -> Results:
        """The engine's answer; for an unbound SELECT without options, the kept answer when there
        is one (the same text read back), and one that took a while is kept for the next start."""
        if bindings or any(options.values()) or self._answers is None or getattr(self, "_in_memory", False):
            return super().query(text, bindings, **options)
        path = self._answers / f"{zlib.crc32(text.encode('utf-8')):08x}-{len(text)}"
        kept = _read_kept(path, text)
        if kept is not None:
            return kept
        import time

        started = time.perf_counter()
        result = super().query(text)
        if time.perf_counter() - started > KEEP_AFTER and result.kind == "bindings" and not result.truncated \
                and not (analyse(text).keywords & NONDETERMINISTIC):
            _keep(path, text, result)
        return result

    def remember(self, key: str, make):
        """``make()``'s value (plain containers ``marshal`` writes), kept beside the store under ``key``
        (say which query it comes from and how it was derived): read back at the next start instead of
        made again, as long as the release is the same; made afresh once the store took an update."""
        if self._answers is None or getattr(self, "_in_memory", False):
            return make()
        path = self._answers / f"{zlib.crc32(key.encode('utf-8')):08x}-{len(key)}"
        try:
            kept_key, value = marshal.loads(path.read_bytes())
            if kept_key == key:
                return value
        except (OSError, EOFError, ValueError, TypeError):
            pass
        value = make()
        try:
            from ..files import write_atomic

            path.parent.mkdir(exist_ok=True)
            if sum(1 for _ in path.parent.iterdir()) < MAX_KEPT:
                write_atomic(path, marshal.dumps((key, value)))
        except (OSError, ValueError):  # not writable, or not marshal's: made again next time
            pass
        return value

    def update(self, text: str) -> None:
        if not getattr(self, "_in_memory", False):
            memory = ox.Store()
            memory.bulk_load(path=str(self._source), format=ox.RdfFormat.TURTLE)
            self.store, self._in_memory = memory, True
        super().update(text)


def _read_kept(path: Path, text: str) -> Results | None:
    try:
        kept_text, variables, rows = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if kept_text != text:  # another text with the same checksum: run it
        return None
    trusted = Term._trusted
    return Results(variables, [{v: trusted(*t) for v, t in zip(variables, row) if t is not None} for row in rows])


def _keep(path: Path, text: str, result: Results) -> None:
    """Write one answer (all-or-nothing); silently not, when the cache is full or not writable."""
    from ..files import write_atomic

    try:
        path.parent.mkdir(exist_ok=True)
        if sum(1 for _ in path.parent.iterdir()) >= MAX_KEPT:
            return
        rows = [tuple(None if (t := row.get(v)) is None else (t.type, t.value, t.datatype, t.lang)
                      for v in result.variables) for row in result.rows]
        if any(t is not None and t[0] == "bnode" for row in rows for t in row):
            return  # blank node labels are the engine's own: not kept
        write_atomic(path, marshal.dumps((text, list(result.variables), rows)))
    except (OSError, ValueError):
        pass


def _digest(root: Path, source: Path) -> str:
    """The release's SHA-256, hashed only when its stamp is new (remembered in the cache root)."""
    stamp = json.dumps(_stamp(source))
    try:
        known = json.loads((root / STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    digest = known.get(stamp)
    if isinstance(digest, str):
        return digest
    digest = release_digest(source)
    known = dict(list(known.items())[-15:])  # a few releases side by side (branches, versions)
    known[stamp] = digest
    try:
        from ..files import write_atomic

        root.mkdir(parents=True, exist_ok=True)
        write_atomic(root / STAMPS, (json.dumps(known, indent=1) + "\n").encode("utf-8"))
    except OSError:
        pass
    return digest


def _build(root: Path, final: Path, source: Path) -> None:
    import shutil

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
    prune(root, final)


def _used(store: Path) -> float:
    try:
        return (store / COMPLETE).stat().st_mtime
    except OSError:
        return 0.0


def prune(root: Path, keep: Path) -> None:
    """Remove release stores beyond the ``KEEP_STORES`` most recently used, sparing any opened in
    the last ``IN_USE`` seconds (another process may be reading it)."""
    import shutil
    import time

    others = sorted((p for p in root.glob("release-*") if p != keep), key=_used, reverse=True)
    now = time.time()
    for old in others[KEEP_STORES - 1:]:
        if now - _used(old) > IN_USE:
            shutil.rmtree(old, ignore_errors=True)


def open_release(source: Path) -> OxigraphStore | None:
    """The release at ``source`` from the cache (written now if absent); None when there is no
    usable cache (off, not writable, or the engine refuses it), so the caller loads it in memory."""
    root = cache_root()
    if root is None or not source.is_file():
        return None
    key = f"release-{_digest(root, source)[:32]}-ox{ox.__version__}-{LAYOUT}"
    final = root / key
    try:
        if not (final / COMPLETE).is_file():
            _build(root, final, source)
        else:
            try:
                os.utime(final / COMPLETE)  # the mark of recent use pruning reads
            except OSError:  # a cache shared read-only: still usable
                pass
        store = ox.Store.read_only(str(final))
    except OSError:
        return None
    return CachedReleaseStore(store, StoreSpec("memory"), source, final / ANSWERS)


__all__ = ["CachedReleaseStore", "cache_root", "open_release", "prune"]
