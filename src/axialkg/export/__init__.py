"""File exports of the graph, as sinks over two sources (the way KGX joins sources to sinks):

=========  ===========================================================================  =======
turtle     Turtle with the release's prefixes                                           graph
rdfxml     flat RDF/XML, as ``ontology/axialkg.owl`` (opens in Protégé and owlready2)   graph
ntriples   sorted N-Triples, streamed from the store (see :mod:`.stream`)                 store
nquads     provenance as named graphs (see :mod:`.rdf`)                                 graph
jsonld     JSON-LD 1.1 with a compact ``@context`` of our prefixes (no term coercions)  graph
graphml    the entity-to-entity network for Cytoscape or Gephi (see :mod:`.graphml`)    records
obo        OBO 1.4: classes, properties and entities with their claims (see :mod:`.obo`)  records
kgx        directory with KGX TSV ``nodes.tsv`` and ``edges.tsv`` (see :mod:`.kgx`)     dump
kgx-jsonl  directory with KGX JSON Lines ``nodes.jsonl`` and ``edges.jsonl``              dump
csv        directory with ``nodes.csv`` and ``edges.csv`` for spreadsheets              records
=========  ===========================================================================  =======

"graph" sinks write the canonical RDF graph of the store's triples (:func:`.rdf.snapshot`);
"records" sinks write the nodes and edges of :class:`.source.Source`, read from the store by
SPARQL with the schema model's classes and Biolink alignments; "dump" sinks write the same nodes and
edges streamed from the store's sorted dump (:mod:`.dumped`), a line as each is read.

Every export is deterministic (blank nodes get content-derived names, rows and triples are
sorted; decimals are spelled as the release spells them, "90.0", whatever a store normalised
them to) and all-or-nothing: files are written beside the target and renamed into place.
:func:`export` takes the KnowledgeGraph it is given; the command line opens it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..errors import UsageError
from ..files import atomic_directory, atomic_path
from . import csv, graphml, kgx, obo, rdf, stream
from .graphml import write_graphml
from .output import DIRECTORY, FILE, ExportReport, check_target, write_target
from .rdf import SOURCE_GRAPH_BASE, graph_claims, jsonld_context, respell_decimals, snapshot, source_graph
from .source import Edge, Node, Source

GRAPH, RECORDS, STORE, DUMP = "graph", "records", "store", "dump"


@dataclass(frozen=True)
class Sink:
    """One export format: what it reads (the canonical ``graph``, the node/edge ``records``, the
    ``store``'s dump streamed to a file, or the nodes and edges of the ``dump`` streamed to a directory),
    whether it writes one file or a directory of ``files``, and the function that makes its bytes (a
    ``store`` sink's writes a path and returns the triple count; a ``dump`` sink's fills a directory and
    returns the node and edge counts)."""

    name: str
    reads: str
    kind: str
    files: tuple[str, ...]
    write: Callable


FORMATS: dict[str, Sink] = {s.name: s for s in (
    *(Sink(name, STORE, FILE, (), stream.export_ntriples) if name == "ntriples" else Sink(name, GRAPH, FILE, (), fn)
      for name, fn in rdf.WRITERS.items()),
    Sink("graphml", RECORDS, FILE, (), graphml.render),
    Sink("obo", RECORDS, FILE, (), obo.render),
    Sink("kgx", DUMP, DIRECTORY, kgx.FILES, kgx.stream_tsv),
    Sink("kgx-jsonl", DUMP, DIRECTORY, kgx.JSONL_FILES, kgx.stream_jsonl),
    Sink("csv", RECORDS, DIRECTORY, csv.FILES, csv.render),
)}


@dataclass
class Rendered:
    """The bytes of one format (file name → bytes for a directory format) and what they hold."""

    data: bytes | Mapping[str, bytes]
    triples: int | None  # the RDF formats' triples; the table and network formats do not count them
    nodes: int = 0
    edges: int = 0


def sink(fmt: str) -> Sink:
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; choose from {', '.join(FORMATS)}")
    return FORMATS[fmt]


def render(fmt: str, kg) -> Rendered:
    """The bytes of one format, in memory."""
    s = sink(fmt)
    if s.reads == STORE:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory(prefix="axialkg-render-") as tmp:
            path = Path(tmp) / "out"
            n = s.write(kg, path)
            return Rendered(path.read_bytes(), n)
    if s.reads == DUMP:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory(prefix="axialkg-render-") as tmp:
            nodes, edges = s.write(kg, Path(tmp))
            return Rendered({name: (Path(tmp) / name).read_bytes() for name in s.files}, None, nodes, edges)
    if s.reads == GRAPH:
        g = snapshot(kg)
        return Rendered(s.write(g), len(g))
    source = Source(kg)
    source.check()
    return Rendered(s.write(source), None, len(source.nodes), len(source.edges))


def check_out(fmt: str, out) -> None:
    """Refuse (UsageError) a target that cannot take ``fmt``, before any work is done."""
    s = sink(fmt)
    check_target(out, s.kind, s.files)


def export(fmt: str, out, *, kg) -> ExportReport:
    """Write the graph of ``kg`` in ``fmt`` to ``out`` (a file, or a directory for kgx and csv)."""
    s = sink(fmt)
    out = check_target(out, s.kind, s.files)
    if s.reads == STORE:  # streamed straight to the target's temporary file, never held in memory
        with atomic_path(out) as tmp:
            n = s.write(kg, tmp)
        return ExportReport(fmt, out, [out], n)
    if s.reads == DUMP:  # nodes and edges streamed into the staged directory, swapped in when complete
        with atomic_directory(out) as tmp:
            nodes, edges = s.write(kg, tmp)
        return ExportReport(fmt, out, [out / name for name in s.files], None, nodes, edges)
    r = render(fmt, kg)
    files = write_target(out, s.kind, r.data)
    return ExportReport(fmt, out, files, r.triples, r.nodes, r.edges)


__all__ = ["DIRECTORY", "DUMP", "FILE", "FORMATS", "GRAPH", "RECORDS", "STORE", "SOURCE_GRAPH_BASE", "Edge", "ExportReport", "Node",
           "Rendered", "Sink", "Source", "check_out", "export", "graph_claims", "jsonld_context", "render",
           "respell_decimals", "sink", "snapshot", "source_graph", "write_graphml"]
