"""Parse and check ``ontology/curation/*.yaml`` into typed records.

Every defect is reported as one line naming the file, the entry and the
problem; all defects are collected before failing so a curator sees them
together. Nothing here builds RDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import CurationError
from .schema import Schema
from .vocab import MAPPING_PREFIXES  # the resources that confirm cross-references (kept with the prefix map)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*:[^\s:]\S*$")
DURATION = re.compile(r"^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?$")


def mapping_iri(curie: str) -> str:
    """The IRI of a CURIE whose prefix is in MAPPING_PREFIXES."""
    prefix, local = curie.split(":", 1)
    return MAPPING_PREFIXES[prefix] + local


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Hedge = Literal["stated", "possible", "limited-evidence", "selected-cases"]
Direction = Literal["suppresses", "enhances"]

# Predicates whose claims say which way an agent moves what it acts on.
DIRECTED_PREDICATES = frozenset({"actsThrough", "mechanismOfActionOf", "targets", "targetedBy"})
# Predicates that order entities into a hierarchy; a cycle or self-loop in any of them is refused.
HIERARCHY_PREDICATES = {"subtypeOf": "hasSubtype", "formOf": None, "partOf": None}


class _Provenance(_Record):
    """Who asserts a claim and how firmly: the article with its sources, or a curator with a reason."""

    sources: list[str] = []        # one id per chip of the citation, in the article's order, repeats kept
    more_sources: int = Field(default=0, ge=0)
    section: str | None = None
    hedge: Hedge = "stated"
    asserted_by: Literal["article", "curator"] = "article"
    reason: str | None = None

    @property
    def cited_works(self) -> int:
        """How many works the claim cites: each named chip is one work (a repeated name is a second work
        at that publisher), plus the further works its "+N" marks count."""
        return len(self.sources) + self.more_sources

    @model_validator(mode="after")
    def _asserter(self) -> "_Provenance":
        if self.asserted_by == "article":
            if not self.sources:
                raise ValueError("an article claim needs at least one source (or asserted_by: curator with a reason)")
            if self.reason is not None:
                raise ValueError("'reason' is for curator inferences; an article claim cites its sources")
        else:
            if self.sources or self.more_sources:
                raise ValueError("a curator inference cites no article source (drop sources/more_sources)")
            if not (self.reason or "").strip():
                raise ValueError("a curator inference needs a 'reason'")
        return self


class Claim(_Provenance):
    """One statement: ``<entity> <predicate> <object>``, with how it is known."""

    predicate: str
    object: str
    note: str | None = None
    direction: Direction | None = None

    @model_validator(mode="after")
    def _direction(self) -> "Claim":
        if self.direction is not None and self.predicate not in DIRECTED_PREDICATES:
            raise ValueError(f"'direction' belongs on {'/'.join(sorted(DIRECTED_PREDICATES))} claims, "
                             f"not {self.predicate}")
        return self


class Dose(_Provenance):
    """A structured dose or intake; becomes a DoseRegimen linked by hasDoseRegimen."""

    label: str | None = None
    amount: Decimal | None = None
    amount_max: Decimal | None = None
    unit: str | None = None
    route: str | None = None
    frequency: str | None = None
    per: str | None = None
    max_duration: str | None = None
    upper_limit: Decimal | None = None
    note: str | None = None
    total_intake: bool = False  # a total daily intake from diet and supplements, not a supplement dose

    @field_validator("per", "max_duration")
    @classmethod
    def _iso_duration(cls, v: str | None) -> str | None:
        if v is not None and (not DURATION.match(v) or v == "P"):
            raise ValueError(f"'{v}' is not an ISO 8601 duration such as P1D or P2Y")
        return v


class Entity(_Record):
    """A named individual of the graph and the claims made about it."""

    id: str
    label: str = Field(min_length=1)
    category: list[str] = []       # none only on a deprecated entry: an obsolete term keeps no class
    definition: str = Field(min_length=1)
    synonyms: list[str] = []
    related_synonyms: list[str] = []
    brand_names: list[str] = []
    xrefs: list[str] = []          # exact cross-references (oboInOwl:hasDbXref)
    narrow_xrefs: list[str] = []   # the resource's term is narrower (skos:narrowMatch)
    related_xrefs: list[str] = []  # related but not the same, e.g. an HPO sign for a disease (skos:relatedMatch)
    comment: str | None = None
    section: str | None = None
    # a few annotations that only some kinds carry
    urgency: str | None = None
    answer: str | None = None
    rationale: str | None = None
    homepage: str | None = None
    publisher: str | None = None
    modified: date | None = None
    deprecated: bool = False
    replaced_by: str | None = None
    doses: list[Dose] = []
    claims: list[Claim] = []

    @field_validator("category", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(f"'{v}' is not a slug (lower-case letters, digits and single hyphens)")
        return v

    @field_validator("xrefs")
    @classmethod
    def _curies(cls, v: list[str]) -> list[str]:
        for x in v:
            if not CURIE.match(x):
                raise ValueError(f"'{x}' is not a CURIE such as DOID:4971")
        return v

    @field_validator("narrow_xrefs", "related_xrefs")
    @classmethod
    def _mapping_curies(cls, v: list[str]) -> list[str]:
        for x in v:
            if not CURIE.match(x) or x.split(":", 1)[0] not in MAPPING_PREFIXES:
                raise ValueError(f"'{x}' is not a CURIE of a confirming resource "
                                 f"({', '.join(sorted(MAPPING_PREFIXES))})")
        return v

    @model_validator(mode="after")
    def _obsolete(self) -> "Entity":
        """OBO obsoletion: an obsolete entry says so in its label, points at its replacement and carries
        nothing else (no class, claims, doses or cross-references), so links from elsewhere still resolve
        while every statement lives on the replacement."""
        if not self.deprecated:
            if not self.category:
                raise ValueError("category: give at least one (only a deprecated entry has none)")
            if self.replaced_by is not None:
                raise ValueError("'replaced_by' is for a deprecated entry (set deprecated: true)")
            return self
        if not self.label.startswith("obsolete "):
            raise ValueError(f"a deprecated entry's label starts with 'obsolete ' (got '{self.label}')")
        if self.replaced_by is None:
            raise ValueError("a deprecated entry names its replacement in 'replaced_by'")
        carried = [k for k in ("category", "claims", "doses", "xrefs", "narrow_xrefs", "related_xrefs")
                   if getattr(self, k)]
        if carried:
            raise ValueError(f"a deprecated entry carries no {', '.join(carried)}; move them to "
                             f"'{self.replaced_by}'")
        return self

    @model_validator(mode="after")
    def _one_relation_per_xref(self) -> "Entity":
        seen: dict[str, str] = {}
        for key in ("xrefs", "narrow_xrefs", "related_xrefs"):
            for x in getattr(self, key):
                if x in seen:
                    raise ValueError(f"'{x}' is listed twice (in {seen[x]} and {key})")
                seen[x] = key
        return self

    @field_validator("homepage")
    @classmethod
    def _web_address(cls, v: str | None) -> str | None:
        if v is not None:
            parts = urlsplit(v)
            if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in v):
                raise ValueError(f"homepage '{v}' is not an http(s) address")
        return v

    @field_validator("urgency")
    @classmethod
    def _urgency(cls, v: str | None) -> str | None:
        if v is not None and v not in {"urgent", "soon"}:
            raise ValueError(f"urgency '{v}' must be 'urgent' or 'soon'")
        return v


class OntologyHeader(_Record):
    title: str
    description: str
    date: date
    license: str
    creators: list[str] = Field(min_length=1)
    usage_note: str
    usage_note_section: str | None = None  # the article section the usage note restates
    article: str

    @field_validator("license")
    @classmethod
    def _licence_iri(cls, v: str) -> str:
        parts = urlsplit(v)
        if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() or c in '<>"{}|\\^`' for c in v):
            raise ValueError(f"license '{v}' is not an http(s) IRI (e.g. https://creativecommons.org/licenses/by/4.0/)")
        return v


@dataclass(frozen=True)
class Located:
    """A record with the file it came from, for error messages."""

    entity: Entity
    path: Path


@dataclass
class Curation:
    """Everything the curation files say, checked."""

    header: OntologyHeader
    entities: dict[str, Located] = field(default_factory=dict)

    def of_category(self, category: str, schema: Schema) -> list[Entity]:
        return [loc.entity for loc in self.entities.values()
                if any(category in schema.superclasses(c) for c in loc.entity.category)]


def _fmt_loc(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def _entry_name(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"entry '{raw['id']}'"
    return f"entry #{index + 1}"


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise _DuplicateKey(problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# C0 controls other than tab, newline and carriage return; DEL; C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
        bad = CONTROL.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
            problems.append(f"{path}:{line}:{col}: control character U+{ord(bad.group()):04X} in the text")
            return None
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(f"{path}{where}: malformed YAML: {reason}")
    except RecursionError:  # thousands of nested brackets: the parser's stack, not a bug of ours
        problems.append(f"{path}: malformed YAML: nested too deeply")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read: {exc}")
    return None


def load_curation(curation_dir: Path, schema: Schema) -> Curation:
    """Load every ``*.yaml`` in ``curation_dir``; raise CurationError listing all defects."""
    problems: list[str] = []
    header: OntologyHeader | None = None
    entities: dict[str, Located] = {}
    files = sorted(curation_dir.glob("*.yaml"))
    if not files:
        raise CurationError([f"{curation_dir}: no curation files (*.yaml)"])

    for path in files:
        doc = _read_yaml(path, problems)
        if doc is None:
            continue
        if not isinstance(doc, dict):
            problems.append(f"{path}: expected a mapping with 'entities:' at the top level")
            continue
        unknown = set(doc) - {"ontology", "entities"}
        if unknown:
            problems.append(f"{path}: unknown top-level key(s): {', '.join(sorted(unknown))}")
        if "ontology" in doc:
            try:
                if header is not None:
                    problems.append(f"{path}: a second 'ontology:' header; only one file may carry it")
                else:
                    header = OntologyHeader.model_validate(doc["ontology"])
            except ValidationError as exc:
                for err in exc.errors():
                    problems.append(f"{path}: ontology header: {_fmt_loc(err['loc'])}: {err['msg']}")
        raw_entities = doc.get("entities") or []
        if not isinstance(raw_entities, list):
            problems.append(f"{path}: 'entities' must be a list")
            continue
        for i, raw in enumerate(raw_entities):
            name = _entry_name(raw, i)
            try:
                ent = Entity.model_validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    problems.append(f"{path}: {name}: {_fmt_loc(err['loc']) or 'entry'}: {err['msg']}")
                continue
            if ent.id in entities:
                problems.append(f"{path}: {name}: duplicate id (first defined in {entities[ent.id].path})")
                continue
            entities[ent.id] = Located(ent, path)

    if header is None and not any("ontology header" in p for p in problems):
        problems.append(f"{curation_dir}: no file carries the 'ontology:' header")
    if header is not None:
        _check_references(header, entities, schema, problems)
    if problems:
        raise CurationError(problems)
    assert header is not None
    return Curation(header=header, entities=entities)


def _check_references(header: OntologyHeader, entities: dict[str, Located], schema: Schema,
                      problems: list[str]) -> None:
    def kinds(eid: str) -> list[str]:
        return entities[eid].entity.category

    if header.article not in entities or "Article" not in kinds(header.article):
        problems.append(f"ontology header: article '{header.article}' is not an entity of category Article")
    if header.usage_note_section and (header.usage_note_section not in entities
                                      or "ArticleSection" not in kinds(header.usage_note_section)):
        problems.append(f"ontology header: usage_note_section '{header.usage_note_section}' is not an ArticleSection")

    for eid, loc in entities.items():
        ent, path = loc.entity, loc.path
        where = f"{path}: entry '{eid}'"
        for cat in ent.category:
            if cat not in schema.classes:
                problems.append(f"{where}: unknown category '{cat}'")
        if ent.replaced_by and ent.replaced_by not in entities:
            problems.append(f"{where}: replaced_by: unknown entity id '{ent.replaced_by}'")
        elif ent.replaced_by and entities[ent.replaced_by].entity.deprecated:
            problems.append(f"{where}: replaced_by: '{ent.replaced_by}' is itself deprecated; "
                            "name the current entity")

        def check_provenance(label: str, sources: list[str], section: str | None) -> None:
            for s in sources:
                if s not in entities:
                    problems.append(f"{where}: {label}: unknown source id '{s}'")
                elif "Source" not in kinds(s):
                    problems.append(f"{where}: {label}: '{s}' is not a Source")
            sec = section or ent.section
            if sec is None:
                problems.append(f"{where}: {label}: no article section (set 'section' on the entry or the claim)")
            elif sec not in entities:
                problems.append(f"{where}: {label}: unknown section id '{sec}'")
            elif "ArticleSection" not in kinds(sec):
                problems.append(f"{where}: {label}: '{sec}' is not an ArticleSection")

        for n, claim in enumerate(ent.claims, 1):
            label = f"claim {n} ({claim.predicate} → {claim.object})"
            if claim.predicate not in schema.object_properties:
                problems.append(f"{where}: {label}: unknown predicate '{claim.predicate}'")
                continue
            if claim.object not in entities:
                problems.append(f"{where}: {label}: unknown entity id '{claim.object}'")
                continue
            target = entities[claim.object].entity
            if target.deprecated:
                problems.append(f"{where}: {label}: '{claim.object}' is deprecated; use "
                                f"'{target.replaced_by}'")
                continue
            check_provenance(label, claim.sources, claim.section)
            # A claim may be written from either end; check it in its asserted direction.
            pred, flipped = schema.canonical(claim.predicate)
            subj_id, obj_id = (claim.object, eid) if flipped else (eid, claim.object)
            subj_kinds, obj_kinds = kinds(subj_id), kinds(obj_id)
            if all(c in schema.classes for c in subj_kinds):
                dom = schema.domain(pred)
                if not schema.fits(subj_kinds, dom):
                    problems.append(f"{where}: {label}: subject '{subj_id}' of category {'/'.join(subj_kinds)} "
                                    f"is outside the domain {dom} of {pred}")
            if all(c in schema.classes for c in obj_kinds):
                rng = schema.range(pred)
                if not schema.fits(obj_kinds, rng):
                    problems.append(f"{where}: {label}: object '{obj_id}' of category "
                                    f"{'/'.join(obj_kinds)} is outside the range {rng} of {pred}")

        for n, dose in enumerate(ent.doses, 1):
            label = f"dose {n}"
            check_provenance(label, dose.sources, dose.section)
            if all(c in schema.classes for c in ent.category) and not schema.fits(ent.category, "Intervention"):
                problems.append(f"{where}: {label}: only interventions carry doses")
            has_amount = any(v is not None for v in (dose.amount, dose.amount_max, dose.upper_limit))
            if has_amount and not dose.unit:
                problems.append(f"{where}: {label}: an amount needs a unit")

    _check_hierarchies(entities, problems)


def _check_hierarchies(entities: dict[str, Located], problems: list[str]) -> None:
    """Refuse a self-loop or a cycle in subtypeOf, formOf or partOf (claims written from either end)."""
    for pred, inverse in HIERARCHY_PREDICATES.items():
        up: dict[str, set[str]] = {}
        for eid, loc in entities.items():
            for claim in loc.entity.claims:
                if claim.object not in entities:
                    continue  # reported as an unknown entity id
                if claim.predicate == pred:
                    up.setdefault(eid, set()).add(claim.object)
                elif inverse is not None and claim.predicate == inverse:
                    up.setdefault(claim.object, set()).add(eid)
        for eid in sorted(up):
            if eid in up[eid]:
                problems.append(f"{entities[eid].path}: entry '{eid}': is {pred} itself (a self-loop)")
        reported: set[frozenset[str]] = set()
        for start in sorted(up):
            # depth-first from start; a path back to start is a cycle
            stack, seen = [(start, [start])], {start}
            while stack:
                node, trail = stack.pop()
                for nxt in sorted(up.get(node, ())):
                    if nxt == start and len(trail) > 1 and frozenset(trail) not in reported:
                        reported.add(frozenset(trail))
                        cycle = " → ".join(trail + [start])
                        problems.append(f"{entities[start].path}: entry '{start}': {pred} cycle {cycle}")
                    elif nxt not in seen and nxt in up:
                        seen.add(nxt)
                        stack.append((nxt, trail + [nxt]))
