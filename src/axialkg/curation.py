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
from typing import Any

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


class Claim(_Record):
    """One sourced statement: ``<entity> <predicate> <object>``."""

    predicate: str
    object: str
    sources: list[str] = Field(min_length=1)
    more_sources: int = Field(default=0, ge=0)
    section: str | None = None
    note: str | None = None


class Dose(_Record):
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
    sources: list[str] = Field(min_length=1)
    more_sources: int = Field(default=0, ge=0)
    section: str | None = None

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
    category: list[str] = Field(min_length=1)
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
    def _one_relation_per_xref(self) -> "Entity":
        seen: dict[str, str] = {}
        for key in ("xrefs", "narrow_xrefs", "related_xrefs"):
            for x in getattr(self, key):
                if x in seen:
                    raise ValueError(f"'{x}' is listed twice (in {seen[x]} and {key})")
                seen[x] = key
        return self

    @field_validator("urgency")
    @classmethod
    def _urgency(cls, v: str | None) -> str | None:
        if v is not None and v not in {"urgent", "soon"}:
            raise ValueError(f"urgency '{v}' must be 'urgent' or 'soon'")
        return v


class OntologyHeader(_Record):
    title: str
    description: str
    version: str
    date: date
    license: str
    creators: list[str] = Field(min_length=1)
    usage_note: str
    usage_note_section: str | None = None  # the article section the usage note restates
    article: str


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


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(f"{path}{where}: malformed YAML: {reason}")
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
