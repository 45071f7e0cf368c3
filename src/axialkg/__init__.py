"""axialkg: the knowledge graph of axial osteosclerosis."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("axialkg")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

NAMESPACE = "https://w3id.org/axialkg/"

__all__ = ["NAMESPACE", "__version__", "open"]


def __getattr__(name: str):
    """``axialkg.open`` loads the query layer only when first used, so ``import axialkg`` stays light."""
    if name == "open":
        from .api import open as open_graph

        return open_graph
    raise AttributeError(f"module 'axialkg' has no attribute {name!r}")
