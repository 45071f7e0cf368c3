"""The query workers of ``axialkg serve``: one process each, one store each, jobs in and answers
out over a socket pair. pyoxigraph cannot be interrupted from another thread, so a query that
overruns its timeout is stopped by killing its worker, which is then replaced in the background.
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
        except Exception as exc:  # noqa: BLE001 - a bug or a store failure: a 500 with the message, worker lives on
            answer = ("error", 500, f"{exc.__class__.__name__}: {exc}")
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


def _worker_entry() -> None:
    """``python -c`` entry of a worker: argv = [fd of its socket, store spec as JSON]."""
    from multiprocessing.connection import Connection

    conn = Connection(int(sys.argv[1]))
    try:
        _worker_main(conn, StoreSpec(**json.loads(sys.argv[2])))
    except KeyboardInterrupt:
        pass


class _Worker:
    """A worker is a plain subprocess (not multiprocessing's spawn, which re-runs the caller's
    ``__main__``) talking pickled tuples over a socketpair."""

    def __init__(self, spec: StoreSpec):
        import socket
        import subprocess
        from multiprocessing.connection import Connection

        parent, child = socket.socketpair()
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from axialkg.server.workers import _worker_entry; _worker_entry()",
             str(child.fileno()), json.dumps(dataclasses.asdict(spec))],
            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=env)
        child.close()
        self.conn = Connection(parent.detach())
        self.info: dict = {}

    def wait_ready(self, timeout: float = 120.0) -> None:
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


class WorkerPool:
    """A fixed number of query processes; a job that overruns its timeout kills its worker."""

    def __init__(self, spec: StoreSpec, size: int = 2):
        self.spec = spec
        self.size = max(1, size)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self.info: dict = {}
        self.restarts = 0
        workers = [_Worker(spec) for _ in range(self.size)]
        try:
            for w in workers:
                w.wait_ready()
        except Exception:
            for w in workers:
                w.kill()
            raise
        self.info = workers[0].info
        for w in workers:
            self._idle.put(w)

    def _replace(self) -> None:
        """Start a worker in place of a killed one (in the background: the caller answers at once)."""
        def start():
            while not self._closed:
                try:
                    w = _Worker(self.spec)
                    w.wait_ready()
                except Exception as exc:  # noqa: BLE001 - keep trying; the pool must refill
                    log.error("restarting a query worker failed: %s", exc)
                    time.sleep(1)
                    continue
                if self._closed:
                    w.kill()
                else:
                    self._idle.put(w)
                return
        self.restarts += 1
        threading.Thread(target=start, daemon=True, name="axialkg-worker-restart").start()

    def run(self, job: tuple, timeout: float | None):
        """Run ``job`` on an idle worker; its answer, or QueryError (503 on timeout or no worker)."""
        if self._closed:
            raise QueryError(503, "server is shutting down")
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=timeout if timeout else None)
        except queue.Empty:
            raise QueryError(503, f"all query workers busy for {timeout:g} s; try again") from None
        left = None if not timeout else max(0.05, timeout - (time.monotonic() - started))
        try:
            worker.conn.send(job)
            ready = worker.conn.poll(left)
            answer = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            worker.kill()
            self._replace()
            raise QueryError(500, "the query worker died; it has been restarted") from None
        if answer is None:
            worker.kill()
            self._replace()
            raise QueryError(503, f"query stopped: it ran longer than the {timeout:g} s timeout")
        self._idle.put(worker)
        if answer[0] == "error":
            raise QueryError(answer[1], answer[2])
        return answer[1]

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break


__all__ = ["WorkerPool"]
