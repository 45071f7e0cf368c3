"""Shared fixtures: the project tree, the released graph, one KnowledgeGraph, and one way to run the CLI."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The suite's own cache of the release store (each pytest worker its own): the tests never touch the
# user's ~/.cache/axialkg, and another checkout's release never prunes the one a test has open.
# Subprocesses (the CLI, notebooks, benchmarks) inherit it.
_CACHE = tempfile.mkdtemp(prefix="axialkg-test-cache-")
os.environ["AXIALKG_CACHE_DIR"] = _CACHE


def pytest_unconfigure(config):
    shutil.rmtree(_CACHE, ignore_errors=True)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def kg():
    """The packaged release in the embedded store (shared: tests must not update it)."""
    import axialkg

    return axialkg.open()


@pytest.fixture
def run(capsys):
    """``run(*argv)`` runs the ``axialkg`` command line in-process: (exit code, stdout, stderr)."""
    from axialkg.cli import main

    def invoke(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return invoke


@pytest.fixture(scope="module")
def endpoint():
    """``axialkg serve`` on the packaged release, on a free loopback port: its /sparql URL."""
    import threading

    from axialkg.server import ServerConfig, make_server

    srv = make_server(ServerConfig(port=0, quiet=True, workers=1, timeout=30))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.base_url + "/sparql"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="session")
def release_graph():
    """The packaged release (Turtle) as an rdflib Graph; tests must not modify it."""
    from rdflib import Graph

    from axialkg.resources import release_path

    g = Graph()
    g.parse(release_path("ttl"), format="turtle")
    return g


@pytest.fixture
def source_tree(tmp_path: Path) -> Path:
    """A throwaway copy of schema + curation for tests that break or rebuild things."""
    dst = tmp_path / "tree"
    shutil.copytree(ROOT / "ontology" / "schema", dst / "ontology" / "schema")
    shutil.copytree(ROOT / "ontology" / "curation", dst / "ontology" / "curation")
    return dst
