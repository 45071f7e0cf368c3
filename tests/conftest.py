"""Shared fixtures: the project tree and the released graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


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
