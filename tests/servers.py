"""Real SPARQL servers for the tests: Oxigraph (``oxigraph serve``) and OpenLink Virtuoso 7
(``virtuoso-t``), each on loopback, on free ports, with a throwaway data directory.

A server can be killed (SIGKILL) and started again on the same directory and port, which is how
the load tests check that an interrupted load leaves the previous graph intact. A missing
binary skips the test, or fails it when AXIALKG_REQUIRE_SERVERS=1 (CI).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REQUIRED = os.environ.get("AXIALKG_REQUIRE_SERVERS") == "1"


def missing(what: str, hint: str) -> None:
    """Skip, or fail under AXIALKG_REQUIRE_SERVERS=1, because ``what`` is not installed."""
    if REQUIRED:
        pytest.fail(f"{what} is missing and AXIALKG_REQUIRE_SERVERS=1 ({hint})")
    pytest.skip(f"{what} not installed ({hint})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status == 200
    except OSError:
        return False


class Server:
    """A server process; subclasses say how to start it and where it answers."""

    name = "server"
    start_timeout = 180.0

    def __init__(self, location: Path):
        self.location = Path(location)
        self.location.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready_url(self) -> str:
        raise NotImplementedError

    def start(self) -> "Server":
        log = open(self.location / f"{self.name}.out", "ab")
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=self.location)
        log.close()
        deadline = time.monotonic() + self.start_timeout
        while not _answers(self.ready_url()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                tail = (self.location / f"{self.name}.out").read_bytes()[-800:].decode(errors="replace")
                pytest.fail(f"{self.name} did not start on port {self.port}: {tail}")
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer would: no shutdown, no checkpoint."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self.proc = None

    @contextmanager
    def running(self):
        self.start()
        try:
            yield self
        finally:
            self.stop()


# ---- Oxigraph ------------------------------------------------------------------------------------
def oxigraph_binary() -> str | None:
    """The ``oxigraph`` CLI of the PyPI package of that name (beside this Python, or on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


class OxigraphServer(Server):
    """``oxigraph serve``: /query, /update and the Graph Store Protocol at /store."""

    name = "oxigraph"

    def __init__(self, location: Path):
        binary = oxigraph_binary()
        if binary is None:
            missing("the oxigraph server binary", "pip install oxigraph")
        self.binary = binary
        super().__init__(location)

    def command(self) -> list[str]:
        return [self.binary, "serve", "--location", str(self.location / "data"), "--bind", f"127.0.0.1:{self.port}"]

    def ready_url(self) -> str:
        return f"{self.url}/query?query=ASK%7B%7D"

    def preload(self, path, graph: str | None = None) -> None:
        """Bulk-load a file while the server is stopped (the on-disk store takes one process)."""
        assert self.proc is None, "stop the server before preloading"
        extra = ["--graph", graph] if graph else []
        subprocess.run([self.binary, "load", "--location", str(self.location / "data"), "--file", str(path), *extra],
                       check=True, capture_output=True, timeout=120)

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"


# ---- Virtuoso ------------------------------------------------------------------------------------
VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
Striping           = 0

[Parameters]
ServerPort         = {sql_port}
DisableUnixSocket  = 1
DisableTcpSocket   = 0
CheckpointInterval = 60
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
MaxClientConnections = 10
DirsAllowed        = ., {dir}
CaseMode           = 2

[HTTPServer]
ServerPort         = {http_port}
ServerRoot         = {dir}/vsp
ServerThreads      = 6
MaxClientConnections = 10
Charset            = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 120
MaxQueryCostEstimationTime = 400
"""


class VirtuosoServer(Server):
    """A throwaway Virtuoso 7 database. Anonymous /sparql reads; /sparql-auth (SPARQL Update) and
    /sparql-graph-crud-auth (Graph Store Protocol) write for ``dba`` with HTTP Digest."""

    name = "virtuoso"
    user = "dba"
    password = "dba"  # a fresh database's administrator password

    def __init__(self, location: Path):
        binary = shutil.which("virtuoso-t")
        if binary is None:
            missing("Virtuoso (virtuoso-t)", "apt-get install virtuoso-opensource; .ci/run does it")
        self.binary = binary
        super().__init__(location)
        self.sql_port = free_port()
        (self.location / "vsp").mkdir(exist_ok=True)
        (self.location / "virtuoso.ini").write_text(
            VIRTUOSO_INI.format(dir=self.location, sql_port=self.sql_port, http_port=self.port), encoding="utf-8")

    def command(self) -> list[str]:
        return [self.binary, "-f", "-c", str(self.location / "virtuoso.ini")]

    def ready_url(self) -> str:
        return f"{self.url}/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})

    @property
    def sparql_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.url}/sparql-auth"

    @property
    def store_url(self) -> str:
        return f"{self.url}/sparql-graph-crud-auth"
