"""The schema (TBox) as a model, written once for every room that needs it: class ancestors (union
classes included), top classes, most specific types, property domains, ranges, inverses and
super-properties, disjointness, and the Biolink alignments.

:class:`SchemaModel` is built from plain triples, so the build and the reasoner (from an rdflib
graph) and the graph projection and exports (from a store, through ``queries/internal/schema.rq``)
read the same model. :class:`Schema` is the curation's view of it, by local names.

>>> m = SchemaModel.from_triples([
...     ("axkg:Drug", "rdfs:subClassOf", "axkg:Intervention"),
...     ("axkg:JAKInhibitor", "rdfs:subClassOf", "axkg:Drug"),
...     ("axkg:Drug", "rdf:type", "owl:Class"), ("axkg:Intervention", "rdf:type", "owl:Class"),
...     ("axkg:JAKInhibitor", "rdf:type", "owl:Class")])
>>> from axialkg.vocab import curie, expand
>>> curie(m.kind(expand("axkg:JAKInhibitor")))
'axkg:Intervention'
>>> [curie(c) for c in m.most_specific([expand("axkg:Drug"), expand("axkg:JAKInhibitor")])]
['axkg:JAKInhibitor']
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from pathlib import Path
from typing import Iterable

from .vocab import NAMESPACE, PREFIXES, local_name

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
BIOLINK = PREFIXES["biolink"]

TYPE, FIRST, REST, NIL = RDF + "type", RDF + "first", RDF + "rest", RDF + "nil"
SUBCLASS, SUBPROPERTY, LABEL = RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "label"
DOMAIN, RANGE = RDFS + "domain", RDFS + "range"
CLASS, OBJECT_PROPERTY, DATATYPE_PROPERTY = OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty"
EQUIVALENT, UNION, INVERSE = OWL + "equivalentClass", OWL + "unionOf", OWL + "inverseOf"
DISJOINT_WITH, ALL_DISJOINT, MEMBERS = OWL + "disjointWith", OWL + "AllDisjointClasses", OWL + "members"
EXACT_MATCH, CLOSE_MATCH = SKOS + "exactMatch", SKOS + "closeMatch"
NAMED_THING, RELATED_TO = BIOLINK + "NamedThing", BIOLINK + "related_to"


def _iri(text: str) -> str:
    """Full IRIs pass; ``prefix:local`` of our prefixes is expanded (doctests and hand-made models)."""
    if text.startswith(("http://", "https://", "urn:", "_:")):
        return text
    prefix, sep, local = text.partition(":")
    return PREFIXES[prefix] + local if sep and prefix in PREFIXES else text


def _is_bnode(term: str) -> bool:
    return term.startswith("_:")


@dataclass
class SchemaModel:
    """Classes, properties and their relations, from the schema's triples (IRIs as strings, blank
    nodes as ``_:id``, literals as their text)."""

    triples: list[tuple[str, str, str]] = field(repr=False)

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[str, str, str]]) -> "SchemaModel":
        return cls([(_iri(s), _iri(p), o if p == "rdfs:label" else _iri(o)) for s, p, o in triples])

    @classmethod
    def from_graph(cls, graph) -> "SchemaModel":
        """From an rdflib Graph (its blank nodes become ``_:id``)."""
        from rdflib import BNode

        def text(t) -> str:
            return f"_:{t}" if isinstance(t, BNode) else str(t)
        return cls([(text(s), str(p), text(o)) for s, p, o in graph])

    @classmethod
    def from_results(cls, results) -> "SchemaModel":
        """From CONSTRUCT results (rows of subject, predicate, object terms)."""
        def text(t) -> str:
            return f"_:{t.value}" if t.type == "bnode" else t.value
        return cls([(text(r["subject"]), r["predicate"].value, text(r["object"])) for r in results.rows])

    # ---- indexes -----------------------------------------------------------------------------
    @cached_property
    def _out(self) -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in self.triples:
            out[s][p].append(o)
        return out

    def _objects(self, s: str, p: str) -> list[str]:
        return self._out.get(s, {}).get(p, [])

    def _list(self, node: str) -> list[str]:
        items, seen = [], set()
        while node and node != NIL and node not in seen:
            seen.add(node)
            items += self._objects(node, FIRST)
            rest = self._objects(node, REST)
            node = rest[0] if rest else ""
        return items

    @cached_property
    def classes(self) -> frozenset[str]:
        """Every named class (ours and others the schema declares)."""
        return frozenset(s for s, p, o in self.triples if p == TYPE and o == CLASS and not _is_bnode(s))

    @cached_property
    def object_properties(self) -> frozenset[str]:
        return frozenset(s for s, p, o in self.triples if p == TYPE and o == OBJECT_PROPERTY)

    @cached_property
    def datatype_properties(self) -> frozenset[str]:
        return frozenset(s for s, p, o in self.triples if p == TYPE and o == DATATYPE_PROPERTY)

    def label(self, iri: str) -> str:
        labels = self._objects(iri, LABEL)
        return min(labels) if labels else local_name(iri)

    @cached_property
    def parents(self) -> dict[str, frozenset[str]]:
        """Named direct superclasses of each class."""
        out: dict[str, set[str]] = defaultdict(set)
        for s, p, o in self.triples:
            if p == SUBCLASS and not _is_bnode(s) and not _is_bnode(o) and o != s:
                out[s].add(o)
        return {c: frozenset(v) for c, v in out.items()}

    @cached_property
    def unions(self) -> dict[str, frozenset[str]]:
        """Named classes defined as a union of named classes, unions of unions flattened
        (Interactant includes ActiveAgent's members)."""
        out: dict[str, set[str]] = {}
        for s, p, o in self.triples:
            if p == EQUIVALENT and _is_bnode(o) and not _is_bnode(s):
                for lst in self._objects(o, UNION):
                    out.setdefault(s, set()).update(m for m in self._list(lst) if not _is_bnode(m))
        changed = True
        while changed:
            changed = False
            for members in out.values():
                extra = set().union(*(out[m] for m in members if m in out)) - members
                if extra:
                    members |= extra
                    changed = True
        return {u: frozenset(m) for u, m in out.items()}

    # ---- the class hierarchy -----------------------------------------------------------------
    @cached_property
    def _ancestors(self) -> dict[str, frozenset[str]]:
        """Every class with its ancestors (itself included): superclasses, the unions that hold any of
        them, and for a union the ancestors its members all share (fixpoint)."""
        names = set(self.classes) | set(self.parents) | set(self.unions)
        for ps in self.parents.values():
            names |= ps
        anc = {c: {c} | set(self.parents.get(c, ())) for c in names}
        changed = True
        while changed:
            changed = False
            for c in names:
                grown = set().union(*(anc.get(s, {s}) for s in anc[c]))
                grown |= {u for u, members in self.unions.items() if grown & members}
                if grown - anc[c]:
                    anc[c] |= grown
                    changed = True
            for u, members in self.unions.items():
                common = set.intersection(*(anc.get(m, {m}) for m in members)) if members else set()
                if common - anc[u]:
                    anc[u] |= common
                    changed = True
        return {c: frozenset(a) for c, a in anc.items()}

    def ancestors(self, cls: str, *, unions: bool = True) -> frozenset[str]:
        """``cls`` and every class above it; without ``unions``, only named superclasses."""
        if unions:
            return self._ancestors.get(cls, frozenset([cls]))
        seen, todo = {cls}, [cls]
        while todo:
            for p in self.parents.get(todo.pop(), ()):
                if p not in seen and p not in self.unions:
                    seen.add(p)
                    todo.append(p)
        return frozenset(seen)

    def closure(self, classes: Iterable[str]) -> frozenset[str]:
        """Every class an entity of these classes belongs to."""
        return frozenset().union(*(self.ancestors(c) for c in classes))

    def is_union(self, cls: str) -> bool:
        return cls in self.unions

    def kind(self, cls: str) -> str:
        """The top of a class's hierarchy (not counting unions): Intervention for JAKInhibitor."""
        ups = self.ancestors(cls, unions=False)
        tops = [u for u in ups if not (self.parents.get(u, frozenset()) & ups) - {u}]
        return min(tops) if tops else cls

    def most_specific(self, types: Iterable[str]) -> list[str]:
        """The types no other of them lies below, sorted."""
        types = set(types)
        broader = set().union(*((self.ancestors(t, unions=False) - {t}) for t in types)) if types else set()
        return sorted(types - broader)

    @cached_property
    def disjoint(self) -> frozenset[frozenset[str]]:
        pairs: set[frozenset[str]] = set()
        for s, p, o in self.triples:
            if p == TYPE and o == ALL_DISJOINT:
                for lst in self._objects(s, MEMBERS):
                    members = [m for m in self._list(lst) if not _is_bnode(m)]
                    pairs |= {frozenset(x) for x in combinations(members, 2)}
            elif p == DISJOINT_WITH:
                pairs.add(frozenset((s, o)))
        return frozenset(pairs)

    # ---- properties --------------------------------------------------------------------------
    def domain(self, prop: str) -> str | None:
        return next(iter(sorted(self._objects(prop, DOMAIN))), None)

    def range(self, prop: str) -> str | None:
        return next(iter(sorted(self._objects(prop, RANGE))), None)

    def inverse(self, prop: str) -> str | None:
        found = self._objects(prop, INVERSE)
        if found:
            return found[0]
        return next((s for s, p, o in self.triples if p == INVERSE and o == prop), None)

    def canonical(self, prop: str) -> tuple[str, bool]:
        """The asserted direction of ``prop``: ``(prop, False)``, or its declared inverse and ``True``
        when ``prop`` is only the inverse form (no domain or range of its own)."""
        if self.domain(prop) is None and self.range(prop) is None:
            inv = self.inverse(prop)
            if inv and (self.domain(inv) or self.range(inv)):
                return inv, True
        return prop, False

    def bounds(self, prop: str, which: str) -> frozenset[str]:
        """Every domain (``which="domain"``) or range of ``prop``, through super-properties and inverses."""
        this, other = (DOMAIN, RANGE) if which == "domain" else (RANGE, DOMAIN)
        out, seen, todo = set(), set(), [prop]
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            out |= set(self._objects(p, this))
            inverses = set(self._objects(p, INVERSE)) | {s for s, q, o in self.triples if q == INVERSE and o == p}
            for inv in inverses:
                out |= set(self._objects(inv, other))
            todo += self._objects(p, SUBPROPERTY)
        return frozenset(c for c in out if not _is_bnode(c))

    def fits(self, classes: Iterable[str], bound: str | None) -> bool:
        """Does an entity of these classes fall within ``bound`` (a domain or range)?"""
        return bound is None or any(bound in self.ancestors(c) for c in classes)

    # ---- Biolink -----------------------------------------------------------------------------
    def alignment(self, term: str) -> str | None:
        """The Biolink term ``term`` is aligned with (skos:exactMatch, else skos:closeMatch)."""
        for rel in (EXACT_MATCH, CLOSE_MATCH):
            hits = sorted(o for o in self._objects(term, rel) if o.startswith(BIOLINK))
            if hits:
                return hits[0]
        return None

    def biolink_category(self, cls: str) -> str:
        """The Biolink class of ``cls`` or of its nearest aligned superclass (breadth first)."""
        seen: set[str] = set()
        level = [cls]
        while level:
            hits = sorted(filter(None, (self.alignment(c) for c in level)))
            if hits:
                return hits[0]
            seen.update(level)
            level = sorted({p for c in level for p in self.parents.get(c, ()) if p not in seen})
        return NAMED_THING

    def biolink_predicate(self, prop: str) -> str:
        return self.alignment(prop) or RELATED_TO


class Schema:
    """The curation's view of the schema: classes and properties of our namespace by local name."""

    def __init__(self, graph, path: Path | None = None):
        self.graph = graph
        self.path = path
        self.model = SchemaModel.from_graph(graph)

    @classmethod
    def load(cls, path: Path) -> "Schema":
        from rdflib import Graph

        g = Graph()
        g.parse(path, format="turtle")
        return cls(g, path)

    @staticmethod
    def local(iri) -> str:
        return str(iri).removeprefix(NAMESPACE)

    def _ours(self, iris: Iterable[str]) -> set[str]:
        return {self.local(i) for i in iris if i.startswith(NAMESPACE)}

    @cached_property
    def classes(self) -> set[str]:
        return self._ours(self.model.classes)

    @cached_property
    def object_properties(self) -> set[str]:
        return self._ours(self.model.object_properties)

    @cached_property
    def datatype_properties(self) -> set[str]:
        return self._ours(self.model.datatype_properties)

    @cached_property
    def union_classes(self) -> dict[str, set[str]]:
        """Named classes of ours defined as a union, with their members."""
        return {self.local(u): self._ours(m) for u, m in self.model.unions.items() if u.startswith(NAMESPACE)}

    def superclasses(self, name: str) -> set[str]:
        """``name`` and every class of ours above it, union classes included."""
        return self._ours(self.model.ancestors(NAMESPACE + name))

    def _local_or_none(self, iri: str | None) -> str | None:
        return self.local(iri) if iri is not None else None

    def domain(self, prop: str) -> str | None:
        return self._local_or_none(self.model.domain(NAMESPACE + prop))

    def range(self, prop: str) -> str | None:
        return self._local_or_none(self.model.range(NAMESPACE + prop))

    def inverse(self, prop: str) -> str | None:
        return self._local_or_none(self.model.inverse(NAMESPACE + prop))

    def canonical(self, prop: str) -> tuple[str, bool]:
        iri, flipped = self.model.canonical(NAMESPACE + prop)
        return self.local(iri), flipped

    def fits(self, categories: list[str], bound: str | None) -> bool:
        return self.model.fits([NAMESPACE + c for c in categories], None if bound is None else NAMESPACE + bound)


__all__ = ["Schema", "SchemaModel"]
