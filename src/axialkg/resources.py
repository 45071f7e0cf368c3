"""Where the packaged release and named queries live.

A wheel carries them under ``axialkg/data``; an editable install or a source
checkout reads them from the project tree beside ``src/``. Never the cwd.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DATA = Path(__file__).resolve().parent / "data"  # the package's own directory (importlib.resources costs ~20 ms at start)
_SOURCE_TREE = Path(__file__).resolve().parents[2]


def _pick(packaged: Path, in_tree: Path) -> Path:
    return packaged if packaged.exists() else in_tree


def release_path(fmt: str = "ttl") -> Path:
    """The released ontology: ``ttl`` (Turtle) or ``owl`` (RDF/XML)."""
    name = f"axialkg.{fmt}"
    return _pick(_PACKAGE_DATA / name, _SOURCE_TREE / "ontology" / name)


def shapes_path() -> Path:
    """The SHACL shapes that ``axialkg validate`` checks the graph against."""
    name = "axialkg-shapes.ttl"
    return _pick(_PACKAGE_DATA / "shapes" / name, _SOURCE_TREE / "ontology" / "shapes" / name)


def queries_dir() -> Path:
    """The directory of named SPARQL queries (``*.rq``)."""
    return _pick(_PACKAGE_DATA / "queries", _SOURCE_TREE / "queries")


def find_project_root(start: Path | None = None) -> Path | None:
    """The nearest directory at or above ``start`` holding ``ontology/curation``."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "ontology" / "curation").is_dir() and (candidate / "ontology" / "schema").is_dir():
            return candidate
    return None
