"""Named SPARQL queries (``queries/*.rq``), their headers and parameters, and value resolution.

A value a user gives (label, synonym, brand name, CURIE cross-reference, IRI or ``axkg:slug``)
is first resolved to the IRI of an entity in the graph; only that IRI, as an RDF term, is bound
to the query's variable by the engine (pyoxigraph substitutions, rdflib initBindings, a VALUES
clause for remote endpoints). User text never becomes query text.

A named query starts with a header of ``# key: value`` comment lines::

    # title: Drugs and other interventions for a cause
    # description: Every intervention that treats the cause, with its most specific category.
    #   (indented lines continue the previous key)
    # parameters: cause (Cause)
    # lists: sources

``parameters`` names each parameter with, in brackets, the kind of entity it takes;
``lists`` names columns that hold ``"; "``-joined lists (GROUP_CONCAT), which the query layer
sorts so that every engine gives the same text.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import NAMESPACE
from .errors import AxialKGError, UsageError
from .resources import queries_dir

LIST_SEPARATOR = "; "

# Class hierarchy and typing, read from the store so every engine (and --reasoned) answers alike.
CLASS_QUERY = """PREFIX axkg: <https://w3id.org/axialkg/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?label ?parent ?union ?isUnion WHERE {
  { ?class a owl:Class . FILTER(isIRI(?class) && STRSTARTS(STR(?class), STR(axkg:)))
    OPTIONAL { ?class rdfs:label ?label }
    OPTIONAL { ?class owl:equivalentClass/owl:unionOf ?members }
    BIND(BOUND(?members) AS ?isUnion) }
  OPTIONAL { ?class rdfs:subClassOf ?parent .
             FILTER(isIRI(?parent) && STRSTARTS(STR(?parent), STR(axkg:)) && ?parent != ?class) }
  OPTIONAL { ?union owl:equivalentClass/owl:unionOf/rdf:rest*/rdf:first ?class .
             FILTER(isIRI(?union) && STRSTARTS(STR(?union), STR(axkg:))) }
}"""

TYPE_QUERY = """PREFIX axkg: <https://w3id.org/axialkg/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?entity ?class WHERE {
  ?entity a owl:NamedIndividual , ?class . FILTER(isIRI(?class) && STRSTARTS(STR(?class), STR(axkg:)))
}"""

# Labels of a set of IRIs (bound as a VALUES list); the web page names the IRIs of a result with it.
LABELS_OF = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s (SAMPLE(?l) AS ?label) WHERE { ?s rdfs:label ?l } GROUP BY ?s"""

# The resolver's index: every named individual's label (0), exact synonyms and brand names (1)
# and cross-references (2). Run once per KnowledgeGraph.
LABEL_INDEX = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>
PREFIX axkg: <https://w3id.org/axialkg/>
SELECT ?s ?v ?kind WHERE {
  ?s a owl:NamedIndividual .
  { ?s rdfs:label ?v . BIND(0 AS ?kind) }
  UNION { ?s oboInOwl:hasExactSynonym ?v . BIND(1 AS ?kind) }
  UNION { ?s axkg:brandName ?v . BIND(1 AS ?kind) }
  UNION { ?s oboInOwl:hasDbXref ?v . BIND(2 AS ?kind) }
}"""

# One entity's annotations and most specific types (?entity is bound as a term).
ENTITY_ANNOTATIONS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>
PREFIX axkg: <https://w3id.org/axialkg/>
SELECT ?key ?value ?valueLabel WHERE {
  { ?entity rdfs:label ?value . BIND("label" AS ?key) }
  UNION { ?entity obo:IAO_0000115 ?value . BIND("definition" AS ?key) }
  UNION { ?entity oboInOwl:hasExactSynonym ?value . BIND("synonym" AS ?key) }
  UNION { ?entity axkg:brandName ?value . BIND("brand" AS ?key) }
  UNION { ?entity oboInOwl:hasDbXref ?value . BIND("xref" AS ?key) }
  UNION { ?entity rdfs:comment ?value . BIND("comment" AS ?key) }
  UNION { ?entity a ?value . FILTER(isIRI(?value) && ?value != owl:NamedIndividual)
          FILTER NOT EXISTS { ?entity a ?narrower . FILTER(?narrower != ?value)
                              ?narrower rdfs:subClassOf+ ?value .
                              FILTER NOT EXISTS { ?value rdfs:subClassOf+ ?narrower } }
          OPTIONAL { ?value rdfs:label ?valueLabel }
          BIND("type" AS ?key) }
}
ORDER BY ?key ?value"""

STATS_BY_CLASS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?class ?classLabel (COUNT(DISTINCT ?s) AS ?count) WHERE {
  ?s a owl:NamedIndividual ; a ?class .
  FILTER(isIRI(?class) && ?class != owl:NamedIndividual)
  OPTIONAL { ?class rdfs:label ?classLabel }
}
GROUP BY ?class ?classLabel
ORDER BY DESC(?count) ?class"""

STATS_BY_PREDICATE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?predicate ?predicateLabel (COUNT(*) AS ?count) WHERE {
  ?s ?predicate ?o .
  OPTIONAL { ?predicate rdfs:label ?predicateLabel }
}
GROUP BY ?predicate ?predicateLabel
ORDER BY DESC(?count) ?predicate"""

STATS_TOTALS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?what (COUNT(*) AS ?count) WHERE {
  { ?s ?p ?o . BIND("triples" AS ?what) }
  UNION { ?s a owl:NamedIndividual . BIND("entities" AS ?what) }
  UNION { ?s a owl:Axiom . BIND("sourced claims" AS ?what) }
  UNION { ?s a owl:Class . FILTER(isIRI(?s)) BIND("classes" AS ?what) }
  UNION { ?s a owl:ObjectProperty . BIND("object properties" AS ?what) }
}
GROUP BY ?what
ORDER BY ?what"""

ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str = ""  # the entity kind(s) it takes, e.g. "Cause" or "Symptom|ClinicalFinding, optional"

    @property
    def optional(self) -> bool:
        return "optional" in self.kind.lower()


@dataclass
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: list[Parameter]
    sparql: str
    lists: list[str] = field(default_factory=list)
    path: Path | None = None

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @classmethod
    def parse(cls, name: str, text: str, path: Path | None = None) -> "NamedQuery":
        meta: dict[str, str] = {}
        key = None
        for line in text.splitlines():
            if not line.strip():
                continue
            if not line.startswith("#"):
                break
            body = line[1:]
            m = re.match(r"\s*([A-Za-z][\w -]*?)\s*:(.*)$", body)
            if m and not body.startswith("   "):
                key = m.group(1).strip().lower()
                meta[key] = m.group(2).strip()
            elif key:
                meta[key] = (meta[key] + " " + body.strip()).strip()
        params = [Parameter(n, k.strip()) for n, k in
                  re.findall(r"[?$]?([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?", meta.get("parameters", ""))]
        lists = re.findall(r"[A-Za-z_]\w*", meta.get("lists", ""))
        return cls(name, meta.get("title", ""), meta.get("description", ""), params, text, lists, path)

    @classmethod
    def read(cls, path: Path) -> "NamedQuery":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read query file {path}: {exc.__class__.__name__}") from None
        return cls.parse(path.stem, text, path)


def catalogue() -> dict[str, NamedQuery]:
    """Every named query, by name, in name order."""
    return {p.stem: NamedQuery.read(p) for p in sorted(queries_dir().glob("*.rq"), key=lambda p: p.stem)}


_PARSED: dict[str, tuple[str, tuple[int, int], NamedQuery]] = {}  # name → (file, stamp, query)


def _named(name: str) -> NamedQuery | None:
    """A named query by file name, parsed again only when the file changes (size or mtime, as
    Python validates .pyc files): looked up on every call, so it must cost microseconds."""
    hit = _PARSED.get(name)
    path = hit[0] if hit else os.path.join(queries_dir(), name + ".rq")
    try:
        st = os.stat(path)
    except OSError:
        if hit is None:
            return None
        _PARSED.pop(name, None)
        return _named(name)
    stamp = (st.st_mtime_ns, st.st_size)
    if hit is None or hit[1] != stamp:
        hit = (path, stamp, NamedQuery.read(Path(path)))
        _PARSED[name] = hit
    return hit[2]


def find_query(name_or_path: str) -> NamedQuery:
    """A named query by name, or a ``.rq`` file by path; unknown → UsageError listing the names."""
    path = Path(name_or_path)
    if name_or_path.endswith(".rq") or "/" in name_or_path:
        if path.is_file():
            return NamedQuery.read(path)
        if "/" in name_or_path:
            raise UsageError(f"no query file {name_or_path}")
    if re.fullmatch(r"[A-Za-z0-9_][\w-]*", name_or_path):
        named = _named(name_or_path)  # just this file: reading the whole catalogue costs ~1 ms
        if named is not None:
            return named
    known = catalogue()
    if name_or_path not in known:
        close = difflib.get_close_matches(name_or_path, list(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"no named query '{name_or_path}'{hint}; available: {', '.join(known) or 'none'}")
    return known[name_or_path]


# ---- updates are refused unless asked for --------------------------------------------------
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s*[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def is_update(text: str) -> bool:
    """Whether SPARQL text is an update (its first keyword after the prologue)."""
    text = re.sub(r"(?m)(^|\s)#[^\n]*", r"\1", text)
    rest = text[_PROLOGUE.match(text).end():]
    word = re.match(r"[A-Za-z]+", rest)
    return bool(word) and word.group(0).upper() in _UPDATE_WORDS


def query_variables(text: str) -> set[str]:
    return set(re.findall(r"[?$]([A-Za-z_]\w*)", text))


# ---- resolution of values to entities ------------------------------------------------------
class Resolver:
    """Label, synonym, brand name, CURIE, IRI or slug → the IRI of one entity."""

    def __init__(self, rows):
        self.labels: dict[str, str] = {}
        self.tiers: list[dict[str, set[str]]] = [{}, {}, {}]
        self.texts: dict[str, str] = {}  # casefolded → as written, for suggestions
        for iri, value, kind in rows:
            kind = int(kind)
            if kind == 0:
                self.labels.setdefault(iri, value)
            key = value.strip().casefold()
            self.tiers[kind].setdefault(key, set()).add(iri)
            if kind < 2:
                self.texts.setdefault(key, value)
        self.iris = set(self.labels) | {i for tier in self.tiers for s in tier.values() for i in s}

    def display(self, iri: str) -> str:
        slug = "axkg:" + iri[len(NAMESPACE):] if iri.startswith(NAMESPACE) else f"<{iri}>"
        return f"{self.labels[iri]} ({slug})" if iri in self.labels else slug

    def resolve(self, value: str) -> str:
        raw = value.strip()
        if raw.startswith("<") and raw.endswith(">"):
            raw = raw[1:-1]
        if raw.startswith(("http://", "https://")):
            if raw in self.iris:
                return raw
            raise UsageError(f"no entity <{raw}> in the graph")
        if raw.startswith("axkg:"):
            iri = NAMESPACE + raw[5:]
            if iri in self.iris:
                return iri
            return self._unknown(value, raw[5:])
        key = raw.casefold()
        for tier in self.tiers:
            hits = tier.get(key, set())
            if len(hits) == 1:
                return next(iter(hits))
            if len(hits) > 1:
                listed = "; ".join(self.display(i) for i in sorted(hits))
                raise UsageError(f"'{value}' matches {len(hits)} entities: {listed} — give one of the axkg: ids")
        if re.fullmatch(r"[\w.-]+", raw) and NAMESPACE + raw in self.iris:  # a bare slug
            return NAMESPACE + raw
        return self._unknown(value, raw)

    def _unknown(self, value: str, probe: str):
        keys = list(self.texts)
        scored = sorted(((difflib.SequenceMatcher(None, probe.casefold(), k).ratio(), k) for k in keys),
                        key=lambda x: (-x[0], x[1]))
        best = [(r, k) for r, k in scored if r >= 0.6][:3]
        if best:
            best = [(r, k) for r, k in best if r >= best[0][0] - 0.1]
        hint = f"; did you mean: {', '.join(self.texts[k] for _, k in best)}?" if best else ""
        raise UsageError(f"no entity '{value}'{hint}")


def check_params(query: NamedQuery, params: dict[str, str]) -> None:
    names = query.parameter_names
    unknown = sorted(set(params) - set(names))
    if unknown:
        raise UsageError(f"query '{query.name}' has no parameter '{unknown[0]}'; it takes: {', '.join(names) or 'none'}")
    missing = [p.name for p in query.parameters if p.name not in params and not p.optional]
    if missing:
        raise UsageError(f"query '{query.name}' needs --param {missing[0]}=VALUE")
    for k, v in params.items():
        if not isinstance(v, str) or not v.strip():
            raise UsageError(f"parameter '{k}' needs a value")


def parse_param_args(items: list[str]) -> dict[str, str]:
    """``["cause=myelofibrosis", …]`` → dict; the first ``=`` splits name from value."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", key):
            raise UsageError(f"--param '{item}' is not of the form name=value")
        if key in params:
            raise UsageError(f"--param {key} given twice")
        params[key] = value
    return params


def sort_lists(results, columns: list[str]):
    """Sort the items of ``"; "``-joined list columns so every engine writes the same text."""
    if not columns or results.kind != "bindings":
        return results
    from .results import Term

    for row in results.rows:
        for col in columns:
            term = row.get(col)
            if term is not None and term.type == "literal" and term.datatype is None and not term.lang:
                items = sorted({x for x in term.value.split(LIST_SEPARATOR) if x})
                row[col] = Term("literal", LIST_SEPARATOR.join(items))
    return results


__all__ = ["LABEL_INDEX", "NamedQuery", "Parameter", "Resolver", "catalogue", "find_query", "is_update",
           "AxialKGError"]
