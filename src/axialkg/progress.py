"""Progress on a terminal for long work (build, load, export, validate), through tqdm.

Bars go to stderr and only when stderr is a terminal: piped or redirected output stays clean, and
``--quiet`` (or ``AXIALKG_QUIET=1``) silences them everywhere. Work that runs in named stages says
which one it is in (``steps``); loops show a count (``track``).

>>> with steps("build", ["read", "write"]) as step:   # not a terminal here: silent
...     step("read"); step("write")
>>> sum(track(range(3), "chunks"))
3
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Sized, TypeVar

T = TypeVar("T")
TICK = 1.0  # seconds between redraws of a stage's elapsed time
_quiet = False


def set_quiet(quiet: bool) -> None:
    """Silence every bar of this process (the command line's ``--quiet``)."""
    global _quiet
    _quiet = bool(quiet)


def enabled() -> bool:
    """Bars are drawn: stderr is a terminal and nobody asked for quiet."""
    if _quiet or os.environ.get("AXIALKG_QUIET", "") not in ("", "0"):
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def _bar(**options):
    import shutil

    from tqdm import tqdm

    # a terminal that reports no size (0 x 0: some pseudo-terminals, `script`, editors' shells) still
    # gets a bar: tqdm hides every bar at or below a screen height it reads as 0 rows
    size = shutil.get_terminal_size((80, 24))
    return tqdm(file=sys.stderr, leave=False, ncols=min(size.columns or 80, 100), nrows=size.lines or 24, **options)


@contextmanager
def steps(desc: str, names: list[str]) -> Iterator[Callable[[str], None]]:
    """A bar over named stages; call the yielded function with each stage's name as it starts. The
    elapsed time ticks every second (a stage can take minutes on a busy machine: a clock that stands
    still looks like a hang)."""
    if not enabled():
        yield lambda name: None
        return
    import threading

    bar = _bar(total=len(names), desc=desc, unit="step", bar_format="{desc}: {n_fmt}/{total_fmt}{postfix} [{elapsed}]")
    started = [False]
    done = threading.Event()

    def step(name: str) -> None:
        if started[0]:
            bar.update(1)
        started[0] = True
        bar.set_postfix_str(name)

    def tick() -> None:
        while not done.wait(TICK):
            bar.refresh()

    clock = threading.Thread(target=tick, name="axialkg-progress", daemon=True)
    clock.start()
    try:
        yield step
    finally:
        done.set()
        clock.join()
        bar.close()


@contextmanager
def counter(desc: str, *, unit: str = "it") -> Iterator[Callable[[int, int], None]]:
    """A bar fed by callbacks: call the yielded function with (done, total) as work is done."""
    if not enabled():
        yield lambda done, total: None
        return
    bar = _bar(desc=desc, unit=unit)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
    try:
        yield update
    finally:
        bar.close()


def track(items: Iterable[T], desc: str, *, total: int | None = None, unit: str = "it") -> Iterator[T]:
    """``items`` as they are, with a counting bar while they are used."""
    if not enabled():
        yield from items
        return
    with _bar(total=total if total is not None else (len(items) if isinstance(items, Sized) else None),
              desc=desc, unit=unit) as bar:
        for item in items:
            yield item
            bar.update(1)


__all__ = ["counter", "enabled", "set_quiet", "steps", "track"]
