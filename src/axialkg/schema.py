"""Read the hand-written TBox: class hierarchy, property domains and ranges.

Curation checks claims against it; nothing here builds the release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection

from .vocab import AXKG, OWL, RDF, RDFS


@dataclass
class Schema:
    graph: Graph
    path: Path | None = None
    _unions: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path) -> "Schema":
        g = Graph()
        g.parse(path, format="turtle")
        return cls(graph=g, path=path)

    @staticmethod
    def local(iri) -> str:
        return str(iri).removeprefix(str(AXKG))

    @cached_property
    def classes(self) -> set[str]:
        return {self.local(c) for c in self.graph.subjects(RDF.type, OWL.Class)
                if isinstance(c, URIRef) and str(c).startswith(str(AXKG))}

    @cached_property
    def object_properties(self) -> set[str]:
        return {self.local(p) for p in self.graph.subjects(RDF.type, OWL.ObjectProperty)
                if str(p).startswith(str(AXKG))}

    @cached_property
    def datatype_properties(self) -> set[str]:
        return {self.local(p) for p in self.graph.subjects(RDF.type, OWL.DatatypeProperty)
                if str(p).startswith(str(AXKG))}

    def superclasses(self, name: str) -> set[str]:
        """``name`` and every named class above it (transitive)."""
        seen, todo = set(), [name]
        while todo:
            c = todo.pop()
            if c in seen:
                continue
            seen.add(c)
            for sup in self.graph.objects(AXKG[c], RDFS.subClassOf):
                if isinstance(sup, URIRef):
                    todo.append(self.local(sup))
        # A class inside a named union (e.g. TreatableCondition) also belongs to it.
        for union_name, members in self.union_classes.items():
            if seen & members:
                seen.add(union_name)
        return seen

    @cached_property
    def union_classes(self) -> dict[str, set[str]]:
        """Named classes defined as a union of other named classes."""
        out: dict[str, set[str]] = {}
        for cls_, eq in self.graph.subject_objects(OWL.equivalentClass):
            if isinstance(eq, BNode):
                lst = self.graph.value(eq, OWL.unionOf)
                if lst is not None:
                    out[self.local(cls_)] = {self.local(m) for m in Collection(self.graph, lst)}
        # unions of unions (Interactant includes ActiveAgent)
        changed = True
        while changed:
            changed = False
            for name, members in out.items():
                extra = set().union(*(out[m] for m in members if m in out)) - members
                if extra:
                    members |= extra
                    changed = True
        return out

    def _bound(self, prop: str, which) -> str | None:
        v = self.graph.value(AXKG[prop], which)
        return self.local(v) if v is not None else None

    def domain(self, prop: str) -> str | None:
        return self._bound(prop, RDFS.domain)

    def range(self, prop: str) -> str | None:
        return self._bound(prop, RDFS.range)

    def inverse(self, prop: str) -> str | None:
        for o in self.graph.objects(AXKG[prop], OWL.inverseOf):
            return self.local(o)
        for s in self.graph.subjects(OWL.inverseOf, AXKG[prop]):
            return self.local(s)
        return None

    def canonical(self, prop: str) -> tuple[str, bool]:
        """The asserted direction of ``prop``: ``(prop, False)``, or its declared
        inverse and ``True`` when ``prop`` is only the inverse form (no domain/range)."""
        if self.domain(prop) is None and self.range(prop) is None:
            inv = self.inverse(prop)
            if inv and (self.domain(inv) or self.range(inv)):
                return inv, True
        return prop, False

    def fits(self, categories: list[str], bound: str | None) -> bool:
        """Does an entity of these categories fall within ``bound`` (a domain or range)?"""
        if bound is None:
            return True
        return any(bound in self.superclasses(c) for c in categories)
