"""File exports of the graph: every RDF syntax, JSON-LD, Biolink KGX, GraphML and CSV.

=========  =========================================================================================
turtle     Turtle with the release's prefixes
rdfxml     flat RDF/XML, as ``ontology/axialkg.owl`` (opens in Protégé and owlready2)
ntriples   sorted N-Triples
nquads     provenance as named graphs, see below
jsonld     JSON-LD 1.1 with a compact ``@context`` of our prefixes (no term coercions)
kgx        directory with KGX TSV ``nodes.tsv`` and ``edges.tsv`` (Biolink categories, predicates)
graphml    the entity-to-entity network (labels, categories, sources) for Cytoscape or Gephi
csv        directory with ``nodes.csv`` and ``edges.csv`` for spreadsheets
=========  =========================================================================================

**N-Quads.** The default graph holds the whole graph, axioms and all, so the default graph
alone is isomorphic to the source and so is the union of all graphs. In addition every claim
``s p o`` is repeated in one named graph per source it cites,
``https://w3id.org/axialkg/graph/source/<slug>`` for the Source ``axkg:<slug>``, so a quad
store can select claims by source with ``GRAPH``. Precisely: parsed back, (1) the default
graph is isomorphic to the source graph; (2) the named graph of source S holds exactly the
triples ``s p o`` for which an owl:Axiom annotates ``s p o`` with ``dcterms:source S``; (3) the
union of all graphs is isomorphic to the source graph.

**KGX.** Node ``id`` is our IRI as an ``axkg:`` CURIE, ``category`` the Biolink class our
schema aligns the node's most specific class with (``skos:exactMatch``, else
``skos:closeMatch``, else the nearest aligned superclass; ``biolink:NamedThing`` if none).
Edge ``predicate`` is the Biolink predicate our property aligns with, ``original_predicate``
our own. Every claim was curated from one review article by hand: ``primary_knowledge_source``
is that article (``axkg:source-article``; no infores identifier is registered for it),
``publications`` the sources the article cites for the claim, ``knowledge_level``
``knowledge_assertion`` and ``agent_type`` ``manual_agent``. Multivalued fields are joined
with ``|``.

Every export is deterministic (blank nodes get content-derived names, rows and triples are
sorted; decimals are spelled as the release spells them, "90.0", whatever a store normalised
them to) and all-or-nothing: files are written beside the target and renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from . import NAMESPACE
from .errors import AxialKGError, UsageError
from .files import replace_directory, write_atomic
from .rdfio import canonical_graph, graph_to_rdfxml, release_decimal
from .vocab import (AXKG, BIOLINK, DBXREF, DCTERMS, DEFINITION, EXACT_SYNONYM, OWL, PREFIXES, PROV, RDF,
                    RDFS, SKOS, XSD)

SOURCE_GRAPH_BASE = NAMESPACE + "graph/source/"
ARTICLE = "axkg:source-article"
# The release's prefixes (build.py binds the same set), used for Turtle, RDF/XML and JSON-LD.
EXPORT_PREFIXES: dict[str, str] = dict(PREFIXES)

# format → (kind, file names); kind "file" writes PATH, "dir" writes a directory PATH/.
FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "turtle": ("file", ()), "rdfxml": ("file", ()), "ntriples": ("file", ()), "nquads": ("file", ()),
    "jsonld": ("file", ()), "graphml": ("file", ()),
    "kgx": ("dir", ("nodes.tsv", "edges.tsv")), "csv": ("dir", ("nodes.csv", "edges.csv")),
}

KGX_NODE_COLUMNS = ["id", "category", "name", "description", "xref", "synonym", "iri"]
KGX_EDGE_COLUMNS = ["id", "subject", "predicate", "object", "category", "original_predicate",
                    "primary_knowledge_source", "publications", "knowledge_level", "agent_type",
                    "further_source_count"]
CSV_NODE_COLUMNS = ["id", "iri", "label", "category", "category_label", "biolink_category", "definition",
                    "synonyms", "xrefs"]
CSV_EDGE_COLUMNS = ["id", "subject", "subject_label", "predicate", "predicate_label", "object", "object_label",
                    "biolink_predicate", "sources", "source_ids", "further_sources", "sections"]


@dataclass
class ExportReport:
    format: str
    path: Path
    files: list[Path]
    triples: int
    nodes: int = 0
    edges: int = 0

    def summary(self) -> str:
        what = f"{self.nodes} nodes, {self.edges} edges" if self.format in ("kgx", "csv", "graphml") \
            else f"{self.triples} triples"
        return f"wrote {self.format} ({what}) → {self.path}"


# ---- the graph ------------------------------------------------------------------------------
def curie(iri) -> str:
    """``axkg:slug`` (or another known prefix) for an IRI; the IRI itself otherwise."""
    text = str(iri)
    for prefix in ("axkg", "biolink", "obo"):
        ns = EXPORT_PREFIXES[prefix]
        if text.startswith(ns) and text[len(ns):] and "/" not in text[len(ns):] and "#" not in text[len(ns):]:
            return f"{prefix}:{text[len(ns):]}"
    return text


def canonical(graph: Graph) -> Graph:
    """The graph with content-derived blank-node names, sorted, with the release's prefixes."""
    return canonical_graph(graph, EXPORT_PREFIXES)


def snapshot(kg) -> Graph:
    """Every triple of the knowledge graph's store, canonicalised (a remote store answers N-Triples
    where it can: Virtuoso's Turtle writes a whole xsd:decimal as a bare integer)."""
    data, media_type = kg.store.dump()
    g = Graph(bind_namespaces="none")
    try:
        g.parse(data=data, format="nt" if "n-triples" in media_type else "turtle")
    except Exception as exc:  # noqa: BLE001 - a store answered something that is not RDF
        raise AxialKGError(f"the store's triples could not be read: {' '.join(str(exc).split())[:200]}") from None
    if len(g) == 0:
        raise AxialKGError(f"the store {kg.store.spec.display} holds no triples"
                           + (f" in graph {kg.store.graph}" if kg.store.graph else ""))
    return canonical(_respell_decimals(g))


def _respell_decimals(g: Graph) -> Graph:
    """Spell xsd:decimal literals as the release does ("90.0"), whatever a store made of them
    (pyoxigraph keeps "90"): same value, and the export compares equal to the release."""
    from decimal import InvalidOperation

    for s, p, o in list(g.triples((None, None, None))):
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            try:
                text = release_decimal(str(o))
            except InvalidOperation:
                continue
            if text != str(o):
                g.remove((s, p, o))
                g.add((s, p, Literal(text, datatype=XSD.decimal)))
    return g


@dataclass
class Claim:
    sources: list[str] = field(default_factory=list)  # Source IRIs
    further: int = 0
    sections: list[str] = field(default_factory=list)


def claims(g: Graph) -> dict[tuple, Claim]:
    """(s, p, o) → sources, further-source count and sections, from the owl:Axiom annotations."""
    out: dict[tuple, Claim] = {}
    for ax in g.subjects(RDF.type, OWL.Axiom):
        s, p, o = (g.value(ax, OWL.annotatedSource), g.value(ax, OWL.annotatedProperty),
                   g.value(ax, OWL.annotatedTarget))
        if s is None or p is None or o is None:
            continue
        c = out.setdefault((s, p, o), Claim())
        c.sources = sorted(set(c.sources) | {str(x) for x in g.objects(ax, DCTERMS.source)})
        c.sections = sorted(set(c.sections) | {str(x) for x in g.objects(ax, PROV.wasDerivedFrom)})
        for n in g.objects(ax, AXKG.furtherSourceCount):
            c.further = max(c.further, int(n))
    return out


class Alignment:
    """Biolink categories and predicates from the schema's skos:exactMatch/closeMatch."""

    def __init__(self, g: Graph):
        self.g = g
        self._class: dict = {}

    def _match(self, term) -> str | None:
        for rel in (SKOS.exactMatch, SKOS.closeMatch):
            hits = sorted(str(o) for o in self.g.objects(term, rel) if str(o).startswith(str(BIOLINK)))
            if hits:
                return hits[0]
        return None

    def category(self, cls) -> str:
        """The Biolink class of ``cls`` or of its nearest aligned superclass (breadth first)."""
        if cls not in self._class:
            seen, level, found = set(), [cls], None
            while level and found is None:
                hits = sorted(filter(None, (self._match(c) for c in level)))
                if hits:
                    found = hits[0]
                    break
                seen.update(level)
                level = sorted({p for c in level for p in self.g.objects(c, RDFS.subClassOf)
                                if isinstance(p, URIRef) and p not in seen})
            self._class[cls] = found or str(BIOLINK.NamedThing)
        return self._class[cls]

    def predicate(self, prop) -> str:
        return self._match(prop) or str(BIOLINK.related_to)


@dataclass
class Node:
    iri: str
    label: str
    classes: list[str]  # most specific axkg classes
    class_labels: list[str]
    biolink: list[str]
    definition: str | None
    synonyms: list[str]
    xrefs: list[str]

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
    sources: list[str]
    further: int
    sections: list[str]

    @property
    def id(self) -> str:
        """Stable across exports: a name-based UUID of the triple."""
        return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.subject} {self.predicate} {self.object}"))


def _most_specific(g: Graph, types: set) -> list:
    def above(c, seen=None):
        seen = seen if seen is not None else set()
        for sup in g.objects(c, RDFS.subClassOf):
            if isinstance(sup, URIRef) and sup not in seen:
                seen.add(sup)
                above(sup, seen)
        return seen

    broader = set().union(*(above(t) for t in types)) if types else set()
    return sorted(t for t in types if t not in broader)


def nodes(g: Graph, align: Alignment) -> list[Node]:
    """Every named individual with a label, sorted by IRI."""
    out = []
    for s in sorted(set(g.subjects(RDF.type, OWL.NamedIndividual))):
        label = g.value(s, RDFS.label)
        if not isinstance(s, URIRef) or label is None:
            continue
        types = {t for t in g.objects(s, RDF.type) if isinstance(t, URIRef) and str(t).startswith(NAMESPACE)}
        classes = _most_specific(g, types)
        definition = g.value(s, DEFINITION)
        out.append(Node(
            iri=str(s), label=str(label), classes=[str(c) for c in classes],
            class_labels=[str(g.value(c, RDFS.label) or curie(c)) for c in classes],
            biolink=sorted({align.category(c) for c in classes}) or [str(BIOLINK.NamedThing)],
            definition=str(definition) if definition is not None else None,
            synonyms=sorted({str(x) for x in g.objects(s, EXACT_SYNONYM)}),
            xrefs=sorted({str(x) for x in g.objects(s, DBXREF)})))
    return out


def edges(kg, g: Graph, align: Alignment) -> list[Edge]:
    """Every entity-to-entity claim (the ``graph-edges`` named query) with its sources' IRIs."""
    provenance = claims(g)
    out = []
    for r in kg.query("graph-edges"):
        s, p, o = r["subject"].value, r["predicate"].value, r["object"].value
        c = provenance.get((URIRef(s), URIRef(p), URIRef(o)), Claim())
        labels = [x for x in r["sources"].value.split("; ") if x] if "sources" in r else []
        out.append(Edge(subject=s, predicate=p, object=o, subject_label=r["subjectLabel"].value,
                        predicate_label=r["predicateLabel"].value, object_label=r["objectLabel"].value,
                        biolink=align.predicate(URIRef(p)), source_labels=sorted(labels), sources=c.sources,
                        further=int(r["furtherSources"].value) if "furtherSources" in r else c.further,
                        sections=c.sections))
    out.sort(key=lambda e: (e.subject, e.predicate, e.object))
    return out


# ---- the formats --------------------------------------------------------------------------------
def _ntriples(g: Graph) -> list[str]:
    return sorted(line for line in g.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines() if line)


def to_ntriples(g: Graph) -> bytes:
    return ("\n".join(_ntriples(g)) + "\n").encode("utf-8")


def source_graph(source_iri: str) -> str:
    """The named graph (in N-Quads) of the claims citing a source."""
    local = source_iri[len(NAMESPACE):] if source_iri.startswith(NAMESPACE) else uuid.uuid5(
        uuid.NAMESPACE_URL, source_iri).hex
    return SOURCE_GRAPH_BASE + local


def to_nquads(g: Graph) -> bytes:
    lines = _ntriples(g)  # the default graph: everything
    for (s, p, o), c in claims(g).items():
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue  # claims link named entities; a blank node would not be the same node across graphs
        for src in c.sources:
            lines.append(f"{s.n3()} {p.n3()} {o.n3()} <{source_graph(src)}> .")
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def to_turtle(g: Graph) -> bytes:
    return g.serialize(format="turtle", encoding="utf-8")


def to_rdfxml(g: Graph) -> bytes:
    """Flat, sorted RDF/XML, as the release's .owl."""
    return graph_to_rdfxml(g)


def _sort_values(node):
    """Sort JSON-LD value arrays (sets in RDF) for stable bytes; ``@list`` arrays keep their order."""
    if isinstance(node, dict):
        return {k: [_sort_values(x) for x in v] if k == "@list" and isinstance(v, list) else _sort_values(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return sorted((_sort_values(x) for x in node), key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    return node


def jsonld_context() -> dict:
    return {"@context": dict(sorted(EXPORT_PREFIXES.items()))}


def to_jsonld(g: Graph) -> bytes:
    context = jsonld_context()["@context"]
    text = g.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8").decode("utf-8")
    doc = json.loads(text)
    if "@graph" not in doc:  # a single node comes back unwrapped
        doc = {"@context": doc.pop("@context", context), "@graph": [doc]}
    doc["@context"] = context
    doc["@graph"] = sorted((_sort_values(n) for n in doc["@graph"]),
                           key=lambda n: (str(n.get("@id", "")), json.dumps(n, sort_keys=True)))
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _cell(value: str, where: str) -> str:
    """One TSV cell: whitespace runs become one space; a '|' inside a value cannot be represented."""
    text = " ".join(str(value).split())
    if "|" in text:
        raise AxialKGError(f"cannot write {where}: the value {text[:60]!r} contains '|', the KGX list separator")
    return text


def _join(values, where: str) -> str:
    return "|".join(_cell(v, where) for v in values)


def _tsv(columns: list[str], rows: list[dict]) -> bytes:
    lines = ["\t".join(columns)] + ["\t".join(row.get(c, "") for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_kgx(node_list: list[Node], edge_list: list[Edge]) -> dict[str, bytes]:
    where = "KGX"
    node_rows = [{
        "id": n.id, "category": _join((curie(c) for c in n.biolink), where), "name": _cell(n.label, where),
        "description": _cell(n.definition or "", where), "xref": _join(n.xrefs, where),
        "synonym": _join(n.synonyms, where), "iri": n.iri} for n in node_list]
    edge_rows = [{
        "id": e.id, "subject": curie(e.subject), "predicate": curie(e.biolink), "object": curie(e.object),
        "category": "biolink:Association", "original_predicate": curie(e.predicate),
        "primary_knowledge_source": ARTICLE, "publications": _join((curie(s) for s in e.sources), where),
        "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent",
        "further_source_count": str(e.further)} for e in edge_list]
    return {"nodes.tsv": _tsv(KGX_NODE_COLUMNS, node_rows), "edges.tsv": _tsv(KGX_EDGE_COLUMNS, edge_rows)}


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def to_csv(node_list: list[Node], edge_list: list[Edge]) -> dict[str, bytes]:
    """Spreadsheet tables; list cells are joined with '|'."""
    node_rows = [{
        "id": n.id, "iri": n.iri, "label": n.label, "category": "|".join(curie(c) for c in n.classes),
        "category_label": "|".join(n.class_labels), "biolink_category": "|".join(curie(c) for c in n.biolink),
        "definition": n.definition or "", "synonyms": "|".join(n.synonyms), "xrefs": "|".join(n.xrefs)}
        for n in node_list]
    edge_rows = [{
        "id": e.id, "subject": curie(e.subject), "subject_label": e.subject_label, "predicate": curie(e.predicate),
        "predicate_label": e.predicate_label, "object": curie(e.object), "object_label": e.object_label,
        "biolink_predicate": curie(e.biolink), "sources": "|".join(e.source_labels),
        "source_ids": "|".join(curie(s) for s in e.sources), "further_sources": str(e.further),
        "sections": "|".join(curie(s) for s in e.sections)} for e in edge_list]
    return {"nodes.csv": _csv(CSV_NODE_COLUMNS, node_rows), "edges.csv": _csv(CSV_EDGE_COLUMNS, edge_rows)}


def to_graphml(node_list: list[Node], edge_list: list[Edge]) -> bytes:
    """A directed multigraph keyed by CURIE; list attributes are '|'-joined text."""
    import networkx as nx

    G = nx.MultiDiGraph(name="axialkg")
    for n in node_list:
        G.add_node(n.id, label=n.label, iri=n.iri, category="|".join(curie(c) for c in n.classes),
                   category_label="|".join(n.class_labels), biolink_category="|".join(curie(c) for c in n.biolink))
    for e in edge_list:
        G.add_edge(curie(e.subject), curie(e.object), key=e.id, predicate=curie(e.predicate),
                   label=e.predicate_label, biolink_predicate=curie(e.biolink), sources="|".join(e.source_labels),
                   source_ids="|".join(curie(s) for s in e.sources), further_sources=e.further)
    buf = io.BytesIO()
    nx.write_graphml(G, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


# ---- writing ------------------------------------------------------------------------------------
def _write_file(out: Path, data: bytes) -> list[Path]:
    if out.is_dir():
        raise UsageError(f"--out {out} is a directory; this format writes one file")
    return [write_atomic(out, data)]


def _write_dir(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Stage the whole directory, then swap it in; an older export of the same kind is replaced,
    any other existing path is refused (never delete a user's files)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; this format writes a directory")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in files)
        if foreign:
            raise UsageError(f"--out {out} already holds other files ({', '.join(foreign[:3])}); "
                             "choose a new or empty directory")
    return replace_directory(out, files)


def render(fmt: str, kg, g: Graph | None = None) -> tuple[bytes | dict[str, bytes], Graph, int, int]:
    """The bytes of one format (a dict of file name → bytes for directory formats)."""
    g = g if g is not None else snapshot(kg)
    if fmt in ("turtle", "rdfxml", "ntriples", "nquads", "jsonld"):
        fn = {"turtle": to_turtle, "rdfxml": to_rdfxml, "ntriples": to_ntriples, "nquads": to_nquads,
              "jsonld": to_jsonld}[fmt]
        return fn(g), g, 0, 0
    align = Alignment(g)
    node_list, edge_list = nodes(g, align), edges(kg, g, align)
    fn = {"kgx": to_kgx, "csv": to_csv, "graphml": to_graphml}[fmt]
    return fn(node_list, edge_list), g, len(node_list), len(edge_list)


def export(fmt: str, out, *, kg=None, store: str | None = None, graph: str | None = None,
           **open_kw) -> ExportReport:
    """Write the graph in ``fmt`` to ``out`` (a file, or a directory for kgx and csv)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; choose from {', '.join(FORMATS)}")
    out = Path(out).expanduser()
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: no directory {out.parent}")
    if kg is None:
        from .api import open as open_graph

        kg = open_graph(store, graph=graph, **open_kw)
    data, g, n_nodes, n_edges = render(fmt, kg)
    kind, _ = FORMATS[fmt]
    files = _write_dir(out, data) if kind == "dir" else _write_file(out, data)
    return ExportReport(fmt, out, files, len(g), n_nodes, n_edges)


__all__ = ["EXPORT_PREFIXES", "FORMATS", "ExportReport", "canonical", "claims", "curie", "export",
           "jsonld_context", "render", "snapshot", "source_graph"]
