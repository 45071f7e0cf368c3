"""GraphML of a projection or a neighbourhood, for Cytoscape and Gephi (``neighbors --graphml``)."""

from __future__ import annotations

from pathlib import Path as FilePath

from ..errors import UsageError
from .projection import SEPARATOR


def write_graphml(G, path) -> FilePath:
    """GraphML for Cytoscape and Gephi: list attributes joined with "; ", empty values left out.
    Written to a temporary file and moved into place, so a failure leaves nothing half-written."""
    import networkx as nx

    from ..files import atomic_path

    path = FilePath(path)
    if path.is_dir():
        raise UsageError(f"{path} is a directory")
    if not path.parent.exists():
        raise UsageError(f"no directory {path.parent}")

    def plain(attrs: dict) -> dict:
        out = {}
        for k, v in attrs.items():
            if v is None or k.startswith("_"):
                continue
            if isinstance(v, (list, tuple, set, frozenset)):
                v = SEPARATOR.join(sorted(map(str, v)) if isinstance(v, (set, frozenset)) else map(str, v))
            elif not isinstance(v, (str, int, float, bool)):
                continue
            out[k] = v
        return out

    H = nx.MultiDiGraph()
    H.graph.update(plain(G.graph))
    H.add_nodes_from((n, plain(a)) for n, a in G.nodes(data=True))
    H.add_edges_from((u, v, k, plain(a)) for u, v, k, a in G.edges(keys=True, data=True))
    with atomic_path(path) as tmp:
        nx.write_graphml(H, str(tmp), named_key_ids=True)
    return path


__all__ = ["write_graphml"]
