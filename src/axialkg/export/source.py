"""The one node/edge source of the table and network exports (KGX, CSV, GraphML), read from a
KnowledgeGraph's store.

Nodes are the labelled named individuals (``queries/internal/entity-records.rq``), with their most
specific classes of ours and those classes' Biolink categories from the :class:`SchemaModel`.
Edges are the entity-to-entity claims of the ``graph-edges`` named query (the same edges the path
projection walks), with their Biolink predicate, the sources' labels and IRIs and the article
sections (``queries/internal/claim-provenance.rq``). Both come sorted (nodes by IRI, edges by
subject, predicate, object), so every sink writes the same bytes from any store.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from ..errors import AxialKGError
from ..queries import LIST_SEPARATOR, internal
from ..schema import NAMED_THING, SchemaModel
from ..vocab import curie


@dataclass
class Node:
    iri: str
    label: str
    classes: list[str]  # the most specific classes of ours
    class_labels: list[str]
    biolink: list[str]  # Biolink categories of those classes
    definition: str | None
    synonyms: list[str]
    xrefs: list[str]
    categories: list[str] = field(default_factory=list)  # every class of ours it belongs to (unions too)
    kinds: list[str] = field(default_factory=list)  # the tops of its classes' hierarchies

    @property
    def id(self) -> str:
        return curie(self.iri)


@dataclass
class Edge:
    subject: str
    predicate: str
    object: str
    subject_label: str
    predicate_label: str
    object_label: str
    biolink: str
    source_labels: list[str]
    sources: list[str]  # Source IRIs
    further: int
    sections: list[str]
    hedges: list[str] = field(default_factory=list)  # axkg:hedge-* IRIs of its axioms (none: stated)
    asserters: list[str] = field(default_factory=list)  # axkg:asserter-* IRIs (none: the article)

    @property
    def id(self) -> str:
        """Stable across exports: a name-based UUID of the triple."""
        return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.subject} {self.predicate} {self.object}"))


@dataclass
class Claim:
    """What the owl:Axiom annotations of one triple cite: sources, article sections, hedges and asserters
    (each sorted)."""

    sources: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    asserters: list[str] = field(default_factory=list)


def claims(rows: Iterable[tuple]) -> dict[tuple, Claim]:
    """(s, p, o) → its Claim, from ``claim-provenance`` rows as (s, p, o, key, value) tuples of any
    hashable terms (the values are taken as text)."""
    found: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o, key, value in rows:
        found[(s, p, o)][str(key)].add(str(value))
    return {k: Claim(sorted(v["source"]), sorted(v["section"]), sorted(v["hedge"]), sorted(v["asserter"]))
            for k, v in found.items()}


def classify(m: SchemaModel, types: frozenset[str], memo: dict) -> tuple[list[str], ...]:
    """Most specific classes, their labels, Biolink categories, every class and the kinds of an entity
    asserted in ``types`` (worked out once per distinct set in ``memo``: a large graph has few)."""
    hit = memo.get(types)
    if hit is None:
        classes = m.most_specific(types)
        hit = memo[types] = (
            classes, [m.label(c) for c in classes],
            sorted({m.biolink_category(c) for c in classes}) or [NAMED_THING],
            sorted(m.closure(types)), sorted({m.kind(c) for c in classes}))
    return hit


def no_triples(store) -> AxialKGError:
    """The error for a store (or graph) that holds nothing to export."""
    return AxialKGError(f"the store {store.spec.display} holds no triples"
                        + (f" in graph {store.graph}" if store.graph else ""))


class Source:
    """The entities and claims of one KnowledgeGraph as export records; with ``nodes``, only those
    entities (IRIs) and the claims among them."""

    def __init__(self, kg, nodes: Iterable[str] | None = None):
        self.kg = kg
        self.only = None if nodes is None else frozenset(nodes)
        self._class_memo: dict[frozenset[str], tuple[list[str], ...]] = {}

    def _keep(self, iri: str) -> bool:
        return self.only is None or iri in self.only

    @cached_property
    def schema(self) -> SchemaModel:
        return SchemaModel.from_results(self.kg.store.query(internal("schema")))

    def check(self) -> None:
        """Refuse an empty store (or graph). The store is counted only when it gave no records: counting
        is a pass over every triple on some engines."""
        if not self.nodes and not self.edges and self.kg.store.triple_count() == 0:
            raise no_triples(self.kg.store)

    @cached_property
    def nodes(self) -> list[Node]:
        """Every labelled named individual (of the chosen ones), sorted by IRI."""
        values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r in self.kg.store.query(internal("entity-records")):
            iri = r["entity"].value
            if self._keep(iri):
                values[iri][r["key"].value].add(r["value"].value)
        out = []
        for iri in sorted(values):
            v = values[iri]
            if not v["label"]:
                continue
            classes, class_labels, biolink, categories, kinds = self._classes(frozenset(v["type"]))
            out.append(Node(
                iri=iri, label=min(v["label"]), classes=classes, class_labels=class_labels, biolink=biolink,
                definition=min(v["definition"]) if v["definition"] else None, synonyms=sorted(v["synonym"]),
                xrefs=sorted(v["xref"]), categories=categories, kinds=kinds))
        return out

    def _classes(self, types: frozenset[str]) -> tuple[list[str], ...]:
        return classify(self.schema, types, self._class_memo)

    @cached_property
    def claims(self) -> dict[tuple, Claim]:
        """(s, p, o) IRIs → the sources and sections their axioms cite."""
        rows = self.kg.store.query(internal("claim-provenance"))
        return claims((r["subject"].value, r["predicate"].value, r["object"].value, r["key"].value,
                       r["value"].value) for r in rows)

    @cached_property
    def edges(self) -> list[Edge]:
        """Every entity-to-entity claim (of the chosen entities), sorted by subject, predicate, object."""
        m, provenance = self.schema, self.claims
        out = []
        for r in self.kg.query("graph-edges"):
            s, p, o = r["subject"].value, r["predicate"].value, r["object"].value
            if not (self._keep(s) and self._keep(o)):
                continue
            c = provenance.get((s, p, o), Claim())
            labels = [x for x in r["sources"].value.split(LIST_SEPARATOR) if x] if "sources" in r else []
            out.append(Edge(subject=s, predicate=p, object=o, subject_label=r["subjectLabel"].value,
                            predicate_label=r["predicateLabel"].value, object_label=r["objectLabel"].value,
                            biolink=m.biolink_predicate(p), source_labels=sorted(labels), sources=c.sources,
                            further=int(r["furtherSources"].value) if "furtherSources" in r else 0,
                            sections=c.sections, hedges=c.hedges, asserters=c.asserters))
        out.sort(key=lambda e: (e.subject, e.predicate, e.object))
        return out


__all__ = ["Claim", "Edge", "Node", "Source", "claims", "classify", "no_triples"]
