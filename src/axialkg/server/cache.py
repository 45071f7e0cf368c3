"""What ``axialkg serve`` remembers between requests, so a repeated query costs little.

Both tables are keyed by the whole request as the endpoint reads it (query text, Accept,
``format=``, dataset IRIs, result cap, endpoint URL) and hold only what that request itself
decides, so a hit answers exactly what running it again would:

- :class:`CheapQueries`: requests whose query ran in a worker within ``CHEAP_SECONDS``. Over a
  read-only store the same text does the same work again, so such a query may run in the server
  process (no pipe, no pickling) instead of a killable worker; one that then runs long is sent
  back to the workers for good. Those that run within ``INLINE_SECONDS`` there run on the event
  loop itself, straight from the HTTP protocol (no thread hop, no ASGI cycle: the hop alone cost
  more than the query); one that takes longer than ``INLINE_MAX`` there goes back to a thread.
- :class:`Answers`: the answer bytes of deterministic queries over a local read-only store (no
  ``RAND``/``NOW``/``UUID``/``STRUUID``/``BNODE``, no ``SERVICE``), least recently used first
  out, bounded in bytes. Emptied whenever a worker is replaced (a fresh worker opens the store
  anew and could see other data).
"""

from __future__ import annotations

from collections import OrderedDict

from ..sparql import NONDETERMINISTIC

CHEAP_SECONDS = 0.05  # a query that ran within this in a worker may run in the server process
INLINE_SECONDS = 0.003  # one that ran within this (CPU) in the server process may run on the event loop
INLINE_MAX = 0.02  # one that took longer on the loop runs in a thread again (the loop waits for it)
MAX_ANSWER = 1 << 20  # larger answers are not kept


class CheapQueries:
    """Requests known to run fast; bounded (the oldest forgotten first)."""

    def __init__(self, limit: int = 4096):
        self.limit = limit
        self._cheap: OrderedDict[tuple, None] = OrderedDict()
        self._demoted: set[tuple] = set()
        self.inline: OrderedDict[tuple, tuple] = OrderedDict()  # key → the job it runs, for the loop


    def __contains__(self, key: tuple) -> bool:
        return key in self._cheap

    def ran(self, key: tuple, seconds: float) -> None:
        """A worker ran ``key`` in ``seconds``."""
        if seconds < CHEAP_SECONDS and key not in self._demoted:
            self._cheap[key] = None
            if len(self._cheap) > self.limit:
                self._cheap.popitem(last=False)

    def ran_here(self, key: tuple, job: tuple, seconds: float) -> None:
        """The server process ran ``key`` (``job``) in ``seconds`` of CPU: on the loop next time if quick."""
        if seconds < INLINE_SECONDS and key in self._cheap:
            self.inline[key] = job
            if len(self.inline) > self.limit:
                self.inline.popitem(last=False)
        elif seconds > INLINE_MAX:
            self.inline.pop(key, None)

    def demote(self, key: tuple) -> None:
        """It ran long in the server process: workers only, from now on."""
        self._cheap.pop(key, None)
        self.inline.pop(key, None)
        if len(self._demoted) > self.limit:
            self._demoted.clear()
        self._demoted.add(key)


class Answers:
    """Serialized answers by request, at most ``max_bytes`` of bodies in all."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self._table: OrderedDict[tuple, dict] = OrderedDict()
        self._generation: object = None

    def get(self, key: tuple, generation: object) -> dict | None:
        if generation != self._generation:
            self.clear(generation)
            return None
        answer = self._table.get(key)
        if answer is not None:
            self._table.move_to_end(key)
            self.hits += 1
        return answer

    def put(self, key: tuple, answer: dict, generation: object) -> None:
        body = answer.get("body")
        if self.max_bytes <= 0 or not isinstance(body, bytes) or 2 * len(body) > min(MAX_ANSWER, self.max_bytes):
            return
        if generation != self._generation:
            self.clear(generation)
        old = self._table.pop(key, None)
        if old is not None:
            self.size -= 2 * len(old["body"])
        self._table[key] = answer
        self.size += 2 * len(body)  # kept twice: as answered, and as the protocol writes it
        while self.size > self.max_bytes:
            _, gone = self._table.popitem(last=False)
            self.size -= 2 * len(gone["body"])

    def clear(self, generation: object = None) -> None:
        self._table.clear()
        self.size = 0
        self._generation = generation

    def __len__(self) -> int:
        return len(self._table)


__all__ = ["Answers", "CHEAP_SECONDS", "CheapQueries", "INLINE_MAX", "INLINE_SECONDS", "NONDETERMINISTIC"]
