"""The records graph questions answer with: paths, metaedges, metapaths, their counts, connections.

Plain data, no graph behind them: a :class:`Path` carries its nodes and hops as dicts (what the
JSON output prints), a :class:`Metapath` its metanodes (class IRIs) and ``(predicate, direction)``
metaedges and the name it prints.

>>> m = Metapath(("Drug", "Cause"), (("treats", FORWARD),), "Drug -treats-> Cause")
>>> m.hops, str(m), m.metaedges[0].inverse
(1, 'Drug -treats-> Cause', Metaedge(source='Cause', predicate='treats', direction='backward', target='Drug'))
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORWARD = "forward"    # the hop walks its edge from subject to object
BACKWARD = "backward"  # the hop walks its edge from object to subject


def reverse(direction: str) -> str:
    return BACKWARD if direction == FORWARD else FORWARD


@dataclass(frozen=True)
class Metaedge:
    """A kind of hop: from a metanode along a predicate, one way, to a metanode (class IRIs)."""

    source: str | None  # None: an entity of no class of ours
    predicate: str
    direction: str
    target: str | None

    @property
    def inverse(self) -> Metaedge:
        """The same edges walked the other way."""
        return Metaedge(self.target, self.predicate, reverse(self.direction), self.source)


@dataclass(frozen=True)
class Metapath:
    """A kind of connection: metanodes (class IRIs) joined by (predicate, direction) metaedges."""

    categories: tuple
    edges: tuple  # ((predicate IRI, direction), ...)
    name: str = field(default="", compare=False)

    @property
    def hops(self) -> int:
        return len(self.edges)

    @property
    def metaedges(self) -> tuple[Metaedge, ...]:
        return tuple(Metaedge(a, p, d, b) for (p, d), a, b in zip(self.edges, self.categories, self.categories[1:]))

    def __str__(self) -> str:
        return self.name


@dataclass
class Path:
    """One path: its nodes and, for each hop, the edge walked and which way it runs."""

    nodes: list[dict]   # {"iri", "label", "category", "category_label"}
    edges: list[dict]   # {"predicate", "label", "direction", "sources", "further_sources", "hedge",
    #                      "asserted_by", "effect_direction"}
    metapath: Metapath | None = None
    pdp: float | None = None  # path degree product, raised to -damping (set by connect)

    @property
    def hops(self) -> int:
        return len(self.edges)

    @property
    def labels(self) -> list[str]:
        return [n["label"] for n in self.nodes]

    def to_dict(self) -> dict:
        out: dict = {"nodes": self.nodes, "edges": self.edges}
        if self.metapath is not None:
            out["metapath"] = str(self.metapath)
        if self.pdp is not None:
            out["path_degree_product"] = self.pdp
        return out

    def _repr_html_(self) -> str:
        """Jupyter's view: one row per hop, with the way it runs and its sources."""
        from ..results import html_table

        rows = [[a["label"], e["label"] + ("" if e["direction"] == FORWARD else " (reverse)"), b["label"],
                 "; ".join(e.get("sources") or [])] for a, e, b in zip(self.nodes, self.edges, self.nodes[1:])]
        return html_table(["from", "predicate", "to", "sources"], rows, caption=str(self))

    def __str__(self) -> str:
        text = self.nodes[0]["label"]
        for e, n in zip(self.edges, self.nodes[1:]):
            text += f" -[{e['label']}]-> " if e["direction"] == FORWARD else f" <-[{e['label']}]- "
            text += n["label"]
        return text


@dataclass
class MetapathCount:
    """A metapath's path count (``exact`` False: too many to recount; ``count`` is then the walk
    count, an upper bound) and, from :func:`axialkg.graph.connect`, its DWPC."""

    metapath: Metapath
    count: int
    dwpc: float | None = None
    exact: bool = True

    def to_dict(self) -> dict:
        out = {"metapath": str(self.metapath), "hops": self.metapath.hops, "count": self.count, "exact": self.exact,
               "categories": list(self.metapath.categories),
               "edges": [{"predicate": p, "direction": d} for p, d in self.metapath.edges]}
        if self.dwpc is not None:
            out["dwpc"] = self.dwpc
        return out


@dataclass
class Connection:
    """One source–target pair: its DWPC (summed over metapaths), per-metapath scores, and paths."""

    source: dict
    target: dict
    dwpc: float
    metapaths: list[MetapathCount]
    paths: list[Path]

    @property
    def path_count(self) -> int:
        return len(self.paths)

    def to_dict(self, top_paths: int | None = None) -> dict:
        return {"source": self.source, "target": self.target, "dwpc": self.dwpc, "path_count": self.path_count,
                "metapaths": [m.to_dict() for m in self.metapaths],
                "paths": [p.to_dict() for p in (self.paths if top_paths is None else self.paths[:top_paths])]}


def _sources(edges: list[dict]) -> str:
    """The distinct sources a path's hops cite, in order."""
    seen: dict[str, None] = {}
    for e in edges:
        for source in e.get("sources") or []:
            seen.setdefault(source, None)
    return "; ".join(seen)


class Paths(list):
    """Paths best first: a list of :class:`Path` that Jupyter shows as one table (a plain list would
    show as its repr), one row per path."""

    def _repr_html_(self) -> str:
        from ..results import html_table

        rows = [[str(i), str(p.hops), str(p), _sources(p.edges)] for i, p in enumerate(self, 1)]
        return html_table(["#", "hops", "path", "sources"], rows,
                          caption=f"{len(self)} path{'' if len(self) == 1 else 's'}")


class MetapathCounts(list):
    """Metapath counts, most first, shown in Jupyter as one table."""

    def _repr_html_(self) -> str:
        from ..results import html_table

        rows = [[str(m.metapath), str(m.metapath.hops), f"{m.count}" + ("" if m.exact else " (at most)"),
                 "" if m.dwpc is None else f"{m.dwpc:.4g}"] for m in self]
        return html_table(["metapath", "hops", "paths", "DWPC"], rows,
                          caption=f"{len(self)} metapath{'' if len(self) == 1 else 's'}")


class Connections(list):
    """Connections ranked by DWPC, shown in Jupyter as one table with each pair's top path (the most DWPC)."""

    def _repr_html_(self) -> str:
        from ..results import html_table

        rows = [[str(i), c.source["label"], c.target["label"], f"{c.dwpc:.4g}", str(c.path_count),
                 str(c.paths[0]) if c.paths else ""] for i, c in enumerate(self, 1)]
        return html_table(["#", "from", "to", "DWPC", "paths", "top path"], rows,
                          caption=f"{len(self)} connection{'' if len(self) == 1 else 's'}")


__all__ = ["BACKWARD", "FORWARD", "Connection", "Connections", "Metaedge", "Metapath", "MetapathCount",
           "MetapathCounts", "Path", "Paths", "reverse"]
