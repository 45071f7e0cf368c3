"""The node/edge source of the streamed exports: the same nodes and edges as :class:`.source.Source`, read
from the store's N-Triples dump in one pass instead of three SPARQL answers held in memory.

pyoxigraph dumps each subject's triples together (checked as the dump is read; a dump in another
order is first sorted by an external sort, ``LC_ALL=C sort``, see :mod:`.stream`), so the pass sees an
entity's label, definition, synonyms, cross-references, types and claims, or a claim axiom's annotated
triple and provenance, together. The pass writes one line per node (keyed by IRI) and one
per claim and per axiom (keyed by subject, predicate, object, tab-separated) to temporary files, which a
second external sort puts in the order :class:`.source.Source` gives (a tab sorts below every IRI
character, so the keys sort as Python sorts the tuples). Only what the edges need of each node (its
KGX id and Biolink categories) stays in memory.

It applies the rules of ``entity-records``, ``claim-provenance`` and ``graph-edges`` (a node is a labelled
``owl:NamedIndividual`` IRI; an edge is a triple of a labelled ``owl:ObjectProperty`` between two of them
that have a class of ours); ``tests/test_export.py`` checks both sources give the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..vocab import NAMESPACE, OWL, RDF, RDFS
from .source import Edge, Node, Source, classify
from .stream import dump_to, sort_lines

_IRI = {name: f"<{iri}>".encode() for name, iri in {
    "type": RDF.type, "label": RDFS.label, "definition": "http://purl.obolibrary.org/obo/IAO_0000115",
    "synonym": "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym",
    "xref": "http://www.geneontology.org/formats/oboInOwl#hasDbXref",
    "individual": OWL.NamedIndividual, "axiom": OWL.Axiom,
    "a-source": OWL.annotatedSource, "a-property": OWL.annotatedProperty, "a-target": OWL.annotatedTarget,
    "source": "http://purl.org/dc/terms/source", "section": "http://www.w3.org/ns/prov#wasDerivedFrom",
    "hedge": NAMESPACE + "hedge", "asserter": NAMESPACE + "assertedBy",
    "further": NAMESPACE + "furtherSourceCount"}.items()}
TYPE, INDIVIDUAL, AXIOM = _IRI["type"], _IRI["individual"], _IRI["axiom"]
ENTITY_KEYS = {_IRI[k]: k for k in ("label", "definition", "synonym", "xref")}
ANNOTATED = {_IRI["a-source"]: 0, _IRI["a-property"]: 1, _IRI["a-target"]: 2}
PROVENANCE = {_IRI[k]: i for i, k in enumerate(("source", "section", "hedge", "asserter"))}
FURTHER = _IRI["further"]
OURS = b"<" + NAMESPACE.encode()

_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None
                       else _ECHAR.get(m.group(3), m.group(0)), text)


def value(term: bytes) -> str:
    """An N-Triples term's value as the query layer gives it: an IRI without brackets, a literal's lexical
    form (language and datatype dropped), a blank node's label."""
    if term[:1] == b"<":
        return _unescape(term[1:-1].decode("utf-8"))
    if term[:1] == b'"':
        return _unescape(term[1:term.rindex(b'"')].decode("utf-8"))
    return term[2:].decode("utf-8")


class _Ungrouped(Exception):
    """A subject's triples were not all together in the dump."""


class Dumped:
    """The nodes and edges of a KnowledgeGraph's store, in sorted temporary files under ``tmp``."""

    def __init__(self, kg, tmp: Path):
        self.kg, self.tmp = kg, tmp
        self.schema = Source(kg).schema
        self._memo: dict = {}
        self.grounding: dict[str, tuple[list[str], list[str]]] = {}  # node IRI → (Biolink CURIEs, xrefs)
        self.typed: set[str] = set()  # nodes with a class of ours: the ends an edge may have
        self.node_count = 0
        properties = [p for p in self.schema.object_properties if self.schema._objects(p, str(RDFS.label))]
        self._properties = {f"<{p}>".encode(): p for p in properties}
        raw = tmp / "dump.nt"
        dump_to(kg, raw)
        try:  # pyoxigraph dumps a subject's triples together: then the pass needs no sort of the whole dump
            self._read(raw, grouped=True)
        except _Ungrouped:  # another engine's order: sort first (and start the pass again)
            self.grounding, self.typed, self.node_count = {}, set(), 0
            with open(raw, "ab") as fh:  # a last line without its newline would sort glued to the next
                fh.write(b"\n")
            ordered = tmp / "dump-sorted.nt"
            sort_lines([raw], ordered, tmp)
            raw.unlink()
            self._read(ordered)

    # ---- the pass over the dump ----------------------------------------------------------------
    def _read(self, dump: Path, grouped: bool = False) -> None:
        """One pass over ``dump``, a subject's triples together. ``grouped``: the dump is in the store's
        own order, checked as it is read (raises :class:`_Ungrouped` where a subject comes back)."""
        nodes_raw, edges_raw = self.tmp / "nodes.raw", self.tmp / "edges.raw"
        seen: set[int] = set()  # hashes of the subjects passed: a collision only costs the sort
        with open(dump, "rb") as src, open(nodes_raw, "w", encoding="utf-8") as nodes, \
                open(edges_raw, "w", encoding="utf-8") as edges:
            group: bytes | None = None
            triples: list[tuple[bytes, bytes]] = []
            for line in src:
                if len(line) < 4:
                    continue
                s, p, rest = line.split(b" ", 2)
                if s != group:
                    if group is not None:
                        self._subject(group, triples, nodes, edges)
                    if grouped:
                        if hash(s) in seen:
                            raise _Ungrouped
                        seen.add(hash(s))
                    group, triples = s, []
                triples.append((p, rest.rstrip(b"\n").removesuffix(b" .")))
            if group is not None:
                self._subject(group, triples, nodes, edges)
        dump.unlink()
        self.nodes_file, self.edges_file = self.tmp / "nodes.sorted", self.tmp / "edges.sorted"
        sort_lines([nodes_raw], self.nodes_file, self.tmp)
        sort_lines([edges_raw], self.edges_file, self.tmp)
        nodes_raw.unlink()
        edges_raw.unlink()

    def _subject(self, s: bytes, triples: list[tuple[bytes, bytes]], nodes: IO[str], edges: IO[str]) -> None:
        """One subject's triples: a node line, claim lines and an axiom line, as they apply."""
        types: set[bytes] = set()
        entity: dict[str, set[str]] = {}
        annotated: list[list[bytes]] = [[], [], []]
        provenance: list[set[str]] = [set(), set(), set(), set()]
        further: list[int] = []
        claims: list[tuple[bytes, bytes]] = []
        for p, o in triples:
            if p == TYPE:
                types.add(o)
            elif p in ENTITY_KEYS:
                entity.setdefault(ENTITY_KEYS[p], set()).add(value(o))
            elif p in self._properties:
                if o[:1] == b"<":
                    claims.append((p, o))
            elif p in ANNOTATED:
                annotated[ANNOTATED[p]].append(o)
            elif p in PROVENANCE:
                provenance[PROVENANCE[p]].add(value(o))
            elif p == FURTHER:
                try:
                    further.append(int(value(o)))
                except ValueError:
                    pass
        if all(annotated):
            axiom = AXIOM in types
            record = json.dumps([axiom, *(sorted(x) for x in provenance), max(further, default=0)],
                                ensure_ascii=False)
            for a in annotated[0]:
                for b in annotated[1]:
                    for c in annotated[2]:
                        if a[:1] == b"<" and b[:1] == b"<" and c[:1] == b"<":
                            edges.write(f"{value(a)}\t{value(b)}\t{value(c)}\tP\t{record}\n")
        if s[:1] != b"<" or INDIVIDUAL not in types or not entity.get("label"):
            return
        iri = value(s)
        ours = frozenset(value(t) for t in types if t.startswith(OURS))
        classes, class_labels, biolink, _, _ = classify(self.schema, ours, self._memo)
        labels = entity["label"]
        xrefs = sorted(entity.get("xref", ()))
        definition = min(entity["definition"]) if entity.get("definition") else None
        nodes.write(iri + "\t" + json.dumps([min(labels), sorted(ours), definition,
                                             sorted(entity.get("synonym", ())), xrefs], ensure_ascii=False) + "\n")
        self.grounding[iri] = (biolink, xrefs)
        self.node_count += 1
        if ours:
            self.typed.add(iri)
            for p, o in claims:
                edges.write(f"{iri}\t{self._properties[p]}\t{value(o)}\tE\n")

    # ---- reading the records back ------------------------------------------------------------
    def nodes(self) -> Iterator[Node]:
        """Every labelled named individual, sorted by IRI (as :attr:`.source.Source.nodes`)."""
        with open(self.nodes_file, encoding="utf-8") as fh:
            for line in fh:
                iri, _, data = line.rstrip("\n").partition("\t")
                label, types, definition, synonyms, xrefs = json.loads(data)
                classes, class_labels, biolink, categories, kinds = classify(self.schema, frozenset(types), self._memo)
                yield Node(iri=iri, label=label, classes=classes, class_labels=class_labels, biolink=biolink,
                           definition=definition, synonyms=synonyms, xrefs=xrefs, categories=categories, kinds=kinds)

    def edges(self) -> Iterator[Edge]:
        """Every entity-to-entity claim with its axioms' provenance, sorted by subject, predicate, object
        (as :attr:`.source.Source.edges`, without the labels the KGX sinks do not write)."""
        m = self.schema

        def edge(key: str, claimed: bool, records: list[list]) -> Edge | None:
            s, p, o = key.split("\t")
            if not claimed or o not in self.typed:
                return None
            axioms = [r for r in records if r[0]]
            merged = [sorted({v for r in axioms for v in r[i]}) for i in range(1, 5)]
            return Edge(subject=s, predicate=p, object=o, subject_label="", predicate_label="", object_label="",
                        biolink=m.biolink_predicate(p), source_labels=[], sources=merged[0],
                        further=max((r[5] for r in records), default=0), sections=merged[1], hedges=merged[2],
                        asserters=merged[3])

        with open(self.edges_file, encoding="utf-8") as fh:
            key: str | None = None
            claimed = False
            records: list[list] = []
            for line in fh:
                parts = line.rstrip("\n").split("\t", 4)
                k = "\t".join(parts[:3])
                if k != key:
                    if key is not None and (e := edge(key, claimed, records)) is not None:
                        yield e
                    key, claimed, records = k, False, []
                if parts[3] == "E":
                    claimed = True
                else:
                    records.append(json.loads(parts[4]))
            if key is not None and (e := edge(key, claimed, records)) is not None:
                yield e


@contextmanager
def dumped(kg, near: Path) -> Iterator[Dumped]:
    """The store's nodes and edges read from its dump, in a temporary directory beside ``near`` (removed
    afterwards)."""
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix=".axialkg-dump-", dir=near))
    try:
        yield Dumped(kg, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["Dumped", "dumped", "value"]
