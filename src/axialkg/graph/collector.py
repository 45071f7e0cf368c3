"""The cyclic garbage collector, paused while a large projection is built or questioned.

A projection is millions of small acyclic dicts; searches allocate many small lists. With the
collector running, every full collection rescans the projection (90% of a question's time on a
large graph), so the projection's builder, the questions and the API's calls into them pause it.
"""

from __future__ import annotations

import functools
import gc
from contextlib import contextmanager


@contextmanager
def quiet_gc():
    """Pause the cyclic garbage collector for the block (and restore it as it was)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def gc_paused(func):
    """Run ``func`` with the cyclic garbage collector paused."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with quiet_gc():
            return func(*args, **kwargs)
    return wrapper


__all__ = ["gc_paused", "quiet_gc"]
