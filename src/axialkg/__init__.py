"""axialkg: the knowledge graph of axial osteosclerosis."""

from ._version import __version__
from .vocab import NAMESPACE

__all__ = ["NAMESPACE", "__version__", "open"]


def __getattr__(name: str):
    """``axialkg.open`` loads the query layer only when first used, so ``import axialkg`` stays light."""
    if name == "open":
        from .api import open as open_graph

        return open_graph
    raise AttributeError(f"module 'axialkg' has no attribute {name!r}")
