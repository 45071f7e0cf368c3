"""axialkg: the knowledge graph of axial osteosclerosis."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("axialkg")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

NAMESPACE = "https://w3id.org/axialkg/"

__all__ = ["NAMESPACE", "__version__"]
