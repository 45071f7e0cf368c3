"""The metagraph: metanodes (the schema's classes) and metaedges (a predicate walked one way from
one metanode to another), with the names metapaths print.

:class:`Metagraph` is built once per projection from the :class:`~axialkg.schema.SchemaModel`
(labels, top classes and ancestors come from there, never from a copy) and the predicates'
labels. A node stands for its ``kind`` (the top of its class hierarchy) inside a metapath; a
metapath prints its metanodes by local name and its metaedges by predicate label.
:func:`metaedges` counts the edges of a projection per metaedge.

>>> from axialkg.schema import SchemaModel
>>> mg = Metagraph(SchemaModel.from_triples([("axkg:Drug", "rdfs:subClassOf", "axkg:Intervention")]),
...                {"https://w3id.org/axialkg/treats": "treats"})
>>> from axialkg.vocab import expand
>>> mg.kind(expand("axkg:Drug")) == expand("axkg:Intervention")
True
>>> str(mg.metapath((expand("axkg:Drug"), expand("axkg:Cause")), ((expand("axkg:treats"), FORWARD),)))
'Drug -treats-> Cause'
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Iterable

from ..vocab import local_name
from .model import FORWARD, Metaedge, Metapath

if TYPE_CHECKING:
    from ..schema import SchemaModel


class Metagraph:
    """Metanodes and predicate labels of one projection; ``classes`` is the table of every class
    (IRI → ``{"label", "union"}``) that categories are named from."""

    def __init__(self, schema: SchemaModel | None, predicates: dict[str, str]):
        if schema is None:
            from ..schema import SchemaModel

            schema = SchemaModel([])
        self.schema = schema
        self.predicates = predicates  # predicate IRI → label
        self.classes: dict[str, dict] = {c: {"label": schema.label(c), "union": schema.is_union(c)}
                                         for c in sorted(schema.classes)}
        self._kinds: dict[str, str] = {}
        self._closures: dict[frozenset, frozenset] = {}

    @classmethod
    def of(cls, G) -> Metagraph:
        """The metagraph of a projection; for a graph made by hand, one read off its nodes' categories
        and its edges' labels (not kept: the graph may change)."""
        found = G.graph.get("metagraph")
        if found is not None:
            return found
        predicates = dict(G.graph.get("predicates") or {})
        for _, _, k, d in G.edges(keys=True, data=True):
            predicates.setdefault(d.get("predicate", k), d.get("label") or local_name(d.get("predicate", k)))
        made = cls(None, predicates)
        for _, attrs in G.nodes(data=True):
            made.add_classes(categories_of(attrs))
        return made

    def add_classes(self, classes: Iterable[str]) -> None:
        """Classes met on entities but absent from the schema, named by their local name."""
        for c in classes:
            if c not in self.classes:
                self.classes[c] = {"label": local_name(c), "union": False}

    def label(self, cls: str) -> str:
        info = self.classes.get(cls)
        return info["label"] if info else self.schema.label(cls)

    def kind(self, cls: str) -> str:
        """The metanode an inner node of this class stands for: the top of its hierarchy."""
        got = self._kinds.get(cls)
        if got is None:
            got = self._kinds[cls] = self.schema.kind(cls)
        return got

    def closure(self, classes: frozenset) -> frozenset:
        """Every class an entity of these classes belongs to (unions included)."""
        got = self._closures.get(classes)
        if got is None:
            got = self._closures[classes] = self.schema.closure(classes)
        return got

    def predicate_label(self, predicate: str) -> str:
        return self.predicates.get(predicate) or local_name(predicate)

    def metapath(self, categories: tuple, edges: tuple) -> Metapath:
        """The metapath with the name it prints: ``Drug -treats-> Cause <-has mechanism- ...``."""
        text = local_name(categories[0])
        for (predicate, direction), cat in zip(edges, categories[1:]):
            label = self.predicate_label(predicate)
            text += f" -{label}-> " if direction == FORWARD else f" <-{label}- "
            text += local_name(cat)
        return Metapath(tuple(categories), tuple(edges), text)


def categories_of(attrs: dict) -> frozenset:
    """A node's classes (its ``categories``; a hand-made node's one ``category``)."""
    cats = attrs.get("categories")
    if cats is None:
        cats = frozenset([attrs["category"]]) if attrs.get("category") else frozenset()
    return cats


def kind_of(attrs: dict) -> str | None:
    """The metanode a node stands for inside a metapath (its ``kind``, else its ``category``)."""
    return attrs.get("kind") or attrs.get("category")


def metaedges(G) -> Counter:
    """How many edges of the projection instantiate each metaedge, kind to kind, walked forward."""
    node = G._node
    out: Counter = Counter()
    for u, nbrs in G._succ.items():
        a = kind_of(node[u])
        for v, keys in nbrs.items():
            b = kind_of(node[v])
            for k in keys:
                out[Metaedge(a, k, FORWARD, b)] += 1
    return out


__all__ = ["Metagraph", "categories_of", "kind_of", "metaedges"]
