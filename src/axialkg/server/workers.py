"""The query workers of ``axialkg serve``: one process each, one store each, jobs in and answers
out over a socket pair. pyoxigraph cannot be interrupted from another thread, so a query that
overruns its timeout is stopped by killing its worker, which is then replaced in the background.

Cheap queries keep answering while runaway ones run: the queue is bounded (a full queue answers
503 at once), a query that has run longer than ``long_after`` seconds counts as long and at most
``max_long`` long queries run at once (one client at most ``per_client_long`` of them: a query
beyond its share is stopped with 503), and each worker's address space is capped
(``memory_mb``): a query that needs more kills only its worker.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import queue
import sys
import threading
import time
from pathlib import Path

from ..errors import QueryError
from ..stores import StoreSpec

log = logging.getLogger("axialkg.serve")
KNOWN_LONG_FOR = 300.0  # seconds a query that ran long is remembered as long
STOPPED_LONG_FOR = 30.0  # seconds a query stopped for exceeding the long share is remembered as long: it
                         # comes straight back (a runaway client retries) and would take a worker again
REMEMBER_AFTER = 4     # a query is remembered as long only past this many times ``long_after``: a cheap
                       # query slowed once by a busy machine must not be refused for minutes
LONG_NICENESS = 10
QUEUE_WAIT = 15.0  # seconds a query may wait for a worker (at least; the query timeout if longer)


def _worker_main(conn, spec: StoreSpec) -> None:
    from .backend import open_backend

    try:
        backend = open_backend(spec)
    except Exception as exc:  # noqa: BLE001 - whatever stops the store opening, the parent hears why
        conn.send(("fail", f"{exc.__class__.__name__}: {exc}"))
        return
    conn.send(("ready", backend.describe()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        answer: tuple
        try:
            answer = ("ok", backend.run(*job))
        except QueryError as exc:
            answer = ("error", exc.status, str(exc))
        except MemoryError:
            answer = ("error", 503, "query stopped: it needed more memory than a worker may use")
        except Exception as exc:  # noqa: BLE001 - a bug or a store failure: a 500 with the message, worker lives on
            answer = ("error", 500, f"{exc.__class__.__name__}: {exc}")
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


def _worker_entry() -> None:
    """``python -c`` entry of a worker: argv = [fd of its socket, store spec as JSON, memory cap in MB]."""
    from multiprocessing.connection import Connection

    cap = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if cap > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (cap << 20, cap << 20))
    conn = Connection(int(sys.argv[1]))
    try:
        _worker_main(conn, StoreSpec(**json.loads(sys.argv[2])))
    except KeyboardInterrupt:
        pass


class _Worker:
    """A worker is a plain subprocess (not multiprocessing's spawn, which re-runs the caller's
    ``__main__``) talking pickled tuples over a socketpair."""

    def __init__(self, spec: StoreSpec, memory_mb: int = 0):
        import socket
        import subprocess
        from multiprocessing.connection import Connection

        parent, child = socket.socketpair()
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from axialkg.server.workers import _worker_entry; _worker_entry()",
             str(child.fileno()), json.dumps(spec.as_dict()), str(memory_mb)],
            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=env)
        child.close()
        self.conn = Connection(parent.detach())
        self.info: dict = {}
        self.stopped: str | None = None  # why the pool killed it mid-job, said to that job's client
        self.niceness = 0

    def wait_ready(self, timeout: float = 900.0) -> None:  # a large store takes minutes to load
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError("query worker did not start in time")
        try:
            msg = self.conn.recv()
        except EOFError:
            msg = ("fail", f"exited with status {self.proc.wait(5)}")
        if msg[0] != "ready":
            self.kill()
            raise RuntimeError(f"query worker could not open the store: {msg[1]}")
        self.info = msg[1]

    def kill(self) -> None:
        try:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(5)
        finally:
            self.conn.close()


@dataclasses.dataclass
class _Running:
    worker: _Worker
    client: str
    started: float
    long: bool = False
    job: tuple = ()


def _renice(worker: _Worker, niceness: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, worker.proc.pid, niceness)
        worker.niceness = niceness
    except OSError:
        pass


class WorkerPool:
    """A fixed number of query processes; a job that overruns its timeout or its share kills its worker."""

    def __init__(self, spec: StoreSpec, size: int = 2, *, memory_mb: int = 0, queue_limit: int | None = None,
                 long_after: float = 0.5, max_long: int | None = None, per_client_long: int | None = None):
        self.spec = spec
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self.queue_limit = queue_limit if queue_limit is not None else 8 * self.size
        self.long_after = long_after
        # a worker always stays free for short queries (unless there is only one)
        self.max_long = max_long if max_long is not None else max(1, self.size - 1)
        self.per_client_long = per_client_long if per_client_long is not None else self.max_long
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._running: dict[int, _Running] = {}
        self._waiting = 0
        self._closed = False
        self.info: dict = {}
        self.restarts = 0
        self.stopped_long = 0
        self._known_long: dict[str, float] = {}  # job → until when it counts as long (a runaway comes back)
        workers = [_Worker(spec, memory_mb) for _ in range(self.size + 1)]
        try:
            for w in workers:
                w.wait_ready()
        except Exception:
            for w in workers:
                w.kill()
            raise
        self.info = workers[0].info
        self._spare: queue.Queue[_Worker] = queue.Queue()  # started and ready: takes a killed worker's place at once
        self._spare.put(workers.pop())
        for w in workers:
            self._idle.put(w)
        threading.Thread(target=self._watch, daemon=True, name="axialkg-worker-watch").start()

    def _replace(self) -> None:
        """Put the spare in place of a killed worker and start a new one (in the background: the
        caller answers at once)."""
        try:
            self._idle.put(self._spare.get_nowait())
            into = self._spare
        except queue.Empty:
            into = self._idle

        def start():
            while not self._closed:
                try:
                    w = _Worker(self.spec, self.memory_mb)
                    w.wait_ready()
                except Exception as exc:  # noqa: BLE001 - keep trying; the pool must refill
                    log.error("restarting a query worker failed: %s", exc)
                    time.sleep(1)
                    continue
                if self._closed:
                    w.kill()
                else:
                    into.put(w)
                return
        self.restarts += 1
        threading.Thread(target=start, daemon=True, name="axialkg-worker-restart").start()

    def _watch(self) -> None:
        """Mark jobs that run long; stop the newest long ones beyond the pool's or their client's share."""
        while not self._closed:
            time.sleep(0.05)
            now = time.monotonic()
            with self._lock:
                running = list(self._running.values())
                for r in running:
                    if not r.long and now - r.started > self.long_after:
                        r.long = True
                    if r.long and now - r.started > REMEMBER_AFTER * self.long_after:
                        self._remember_long(r.job)
                        _renice(r.worker, LONG_NICENESS)  # cheap queries on the other workers come first
                longs = sorted((r for r in running if r.long and r.worker.stopped is None), key=lambda r: r.started)
                per_client: dict[str, int] = {}
                for i, r in enumerate(longs):
                    per_client[r.client] = per_client.get(r.client, 0) + 1
                    if i >= self.max_long:
                        why = f"stopped: {self.max_long} long queries are already running; try again later"
                    elif per_client[r.client] > self.per_client_long:
                        why = f"stopped: this client already runs {self.per_client_long} long queries"
                    else:
                        continue
                    r.worker.stopped = why
                    self._remember_long(r.job, STOPPED_LONG_FOR)
                    per_client[r.client] -= 1
                    self.stopped_long += 1
                    try:
                        r.worker.proc.kill()
                    except OSError:
                        pass

    def _remember_long(self, job: tuple, for_seconds: float = KNOWN_LONG_FOR) -> None:
        key = repr(job)
        until = time.monotonic() + for_seconds
        if self._known_long.get(key, 0.0) >= until:
            return
        if len(self._known_long) > 4096:
            self._known_long.clear()
        self._known_long[key] = until

    def _is_known_long(self, job: tuple) -> bool:
        until = self._known_long.get(repr(job))
        return until is not None and time.monotonic() < until

    def run(self, job: tuple, timeout: float | None, client: str = "", timing: list | None = None):
        """Run ``job`` on an idle worker; its answer, or QueryError (503 on timeout, a full queue,
        a share exceeded or no worker). ``timing``, if given, gets the seconds the worker took."""
        if self._closed:
            raise QueryError(503, "server is shutting down")
        with self._lock:
            if self._waiting >= self.queue_limit and self._idle.empty():
                raise QueryError(503, f"server busy: {self._waiting} queries are waiting; try again")
            known_long = self._is_known_long(job)
            if known_long and self.size > 1:
                # a query that ran long before may take a worker only if one stays free for others
                longs = sum(1 for r in self._running.values() if r.long)
                if longs >= self.max_long or self._idle.qsize() < 2:
                    raise QueryError(503, "server busy: this query ran long before and the workers for long "
                                          "queries are taken; try again later")
            self._waiting += 1
        wait = max(timeout, QUEUE_WAIT) if timeout else None  # a killed worker takes seconds to replace
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise QueryError(503, f"all query workers busy for {wait:g} s; try again") from None
        finally:
            with self._lock:
                self._waiting -= 1
        with self._lock:  # it may have become known as long while it waited
            if not known_long and self.size > 1 and self._is_known_long(job):
                known_long = True
                longs = sum(1 for r in self._running.values() if r.long)
                if longs >= self.max_long or self._idle.qsize() < 1:
                    self._idle.put(worker)
                    raise QueryError(503, "server busy: this query ran long before and the workers for long "
                                          "queries are taken; try again later")
        left = timeout or None  # the query's own time starts when a worker takes it
        with self._lock:
            self._running[id(worker)] = _Running(worker, client, time.monotonic(), long=known_long, job=job)
        if known_long:
            _renice(worker, LONG_NICENESS)
        try:
            try:
                worker.conn.send(job)
                ready = worker.conn.poll(left)
                answer = worker.conn.recv() if ready else None
            except (EOFError, OSError):
                answer = ("died",)
        finally:
            with self._lock:
                ran = self._running.pop(id(worker), None)
                took = time.monotonic() - ran.started if ran is not None else None
                if took is not None and answer is not None and answer[0] != "died" and took < self.long_after:
                    self._known_long.pop(repr(job), None)  # it answers fast now: no longer long
        if timing is not None and took is not None and answer is not None and answer[0] == "ok":
            timing.append(took)
        if answer is None or answer[0] == "died":
            why = worker.stopped
            worker.kill()
            code = worker.proc.returncode
            self._replace()
            if why:
                raise QueryError(503, f"query {why}")
            if answer is None:
                raise QueryError(503, f"query stopped: it ran longer than the {timeout:g} s timeout")
            if self.memory_mb and code is not None and code < 0:  # killed by the allocator's abort
                raise QueryError(503, f"query stopped: it needed more than the {self.memory_mb} MB a worker may use")
            raise QueryError(500, "the query worker died; it has been restarted")
        if worker.niceness:
            _renice(worker, 0)
        if worker.niceness:  # not allowed to raise its priority again: a fresh worker instead
            worker.kill()
            self._replace()
        else:
            self._idle.put(worker)
        if answer[0] == "error":
            raise QueryError(answer[1], answer[2])
        return answer[1]

    def close(self) -> None:
        self._closed = True
        with self._lock:
            busy = [r.worker for r in self._running.values()]
        for w in busy:
            w.stopped = "stopped: the server is shutting down"
            try:
                w.proc.kill()
            except OSError:
                pass
        for q in (self._idle, self._spare):
            while True:
                try:
                    q.get_nowait().kill()
                except queue.Empty:
                    break


__all__ = ["WorkerPool"]
