"""The Biolink Model, read offline from the ``biolink-model`` package (its schema YAML and prefix maps): what
the KGX sink needs to write ids other graphs merge on and edges inside their predicates' domains and ranges.

Names are Biolink's element names ("named thing", "has participant"); :func:`class_name` and
:func:`slot_name` turn ``biolink:`` CURIEs or IRIs into them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources

from ..vocab import PREFIXES

BIOLINK = PREFIXES["biolink"]
RELATED_TO = "related to"


@cache
def model() -> dict:
    """The Biolink Model schema (the packaged ``biolink_model.yaml``)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((resources.files("biolink_model") / "schema" / "biolink_model.yaml").read_text("utf-8"),
                     Loader=loader)


def version() -> str:
    return str(model().get("version", ""))


@cache
def prefix_map() -> dict[str, str]:
    """Biolink's CURIE prefix → IRI base (the JSON-LD context KGX validates prefixes against)."""
    path = resources.files("biolink_model") / "prefixmaps" / "biolink_model_prefix_map.json"
    return dict(json.loads(path.read_text("utf-8")))


@cache
def preferred_prefixes() -> dict[str, tuple[str, ...]]:
    """Biolink class name → its identifier prefixes, most preferred first."""
    path = resources.files("biolink_model") / "prefixmaps" / "preferred_prefixes_per_class.json"
    out = {}
    for entry in json.loads(path.read_text("utf-8"))["biolink_class_prefixes"]:
        ranked = sorted(entry["prefix_map"], key=lambda p: p.get("order", 0))
        out[class_name(entry["class_name"])] = tuple(p["prefix"] for p in ranked)
    return out


def _local(term: str) -> str:
    return term.removeprefix(BIOLINK).removeprefix("biolink:")


@cache
def class_name(term: str) -> str:
    """``biolink:PhenotypicFeature`` (or its IRI) → "phenotypic feature"."""
    local = _local(term).lower()
    for name in model()["classes"]:
        if name.replace(" ", "").lower() == local:
            return name
    raise KeyError(f"{term} is not a Biolink class")


def slot_name(term: str) -> str:
    """``biolink:has_participant`` (or its IRI) → "has participant"."""
    return _local(term).replace("_", " ")


def predicate_curie(name: str) -> str:
    return "biolink:" + name.replace(" ", "_")


@cache
def class_ancestors(name: str) -> frozenset[str]:
    """``name`` and every class above it, by ``is_a`` and mixins (a domain may be a mixin)."""
    c = model()["classes"].get(name, {})
    out = {name}
    for parent in ([c["is_a"]] if c.get("is_a") else []) + list(c.get("mixins", [])):
        out |= class_ancestors(parent)
    return frozenset(out)


def slot_ancestors(name: str) -> list[str]:
    """``name`` and its ``is_a`` chain up to "related to", nearest first."""
    out, slots = [], model()["slots"]
    while name and name not in out:
        out.append(name)
        name = slots.get(name, {}).get("is_a")
    return out


def fits(categories: Iterable[str], bound: str | None) -> bool:
    """Whether a node of these Biolink classes lies within a domain or range (none: anything does)."""
    return bound is None or any(bound in class_ancestors(c) for c in categories)


def predicate_fits(name: str, subject: Iterable[str], obj: Iterable[str]) -> bool:
    slot = model()["slots"].get(name, {})
    return fits(subject, slot.get("domain")) and fits(obj, slot.get("range"))


def fitting_predicate(name: str, subject: Iterable[str], obj: Iterable[str]) -> str:
    """The predicate, else its nearest ancestor, whose domain holds one of the subject's classes and whose
    range one of the object's: a broader claim that is still true, never one outside the model."""
    subject, obj = list(subject), list(obj)
    for candidate in slot_ancestors(name):
        if predicate_fits(candidate, subject, obj):
            return candidate
    return RELATED_TO


@cache
def _bases() -> tuple[dict[str, str], tuple[int, ...]]:
    """Biolink's IRI bases, each with the first prefix mapping to it, and their lengths, longest first."""
    bases: dict[str, str] = {}
    for p, base in prefix_map().items():
        bases.setdefault(base, p)
    return bases, tuple(sorted({len(b) for b in bases}, reverse=True))


def _longest_base(iri: str) -> tuple[str, str] | None:
    """(prefix, base) of the longest Biolink base ``iri`` starts with."""
    bases, lengths = _bases()
    for n in lengths:
        if n <= len(iri) and iri[:n] in bases:
            return bases[iri[:n]], iri[:n]
    return None


@cache
def biolink_prefix(prefix: str) -> str | None:
    """Biolink's spelling of a CURIE prefix (case differs between registries: ``NCBIGENE``/``NCBIGene``)."""
    table = prefix_map()
    if prefix in table:
        return prefix
    return next((p for p in table if p.lower() == prefix.lower()), None)


def biolink_curie(curie: str, iri: str | None = None) -> str | None:
    """A cross-reference as Biolink spells it: by its IRI where Biolink's prefix map covers it (``ORPHA:1``
    → ``ORDO:Orphanet_1``), else by its prefix; None if Biolink knows neither."""
    if iri:
        best = _longest_base(iri)
        if best is not None and iri[len(best[1]):]:
            return f"{best[0]}:{iri[len(best[1]):]}"
    prefix, _, local = curie.partition(":")
    spelled = biolink_prefix(prefix)
    return f"{spelled}:{local}" if spelled and local else None


@cache
def _ranks(categories: tuple[str, ...]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for cat in categories:
        for i, p in enumerate(preferred_prefixes().get(cat, ())):
            ranks[p] = min(ranks.get(p, i), i)
    return ranks


def preferred_id(xrefs: Iterable[str], categories: Iterable[str]) -> str | None:
    """The cross-reference (Biolink CURIEs) whose prefix the node's categories prefer most, if any."""
    ranks = _ranks(tuple(categories))
    ranked = sorted((ranks[x.split(":", 1)[0]], x) for x in xrefs if x.split(":", 1)[0] in ranks)
    return ranked[0][1] if ranked else None


__all__ = ["BIOLINK", "RELATED_TO", "biolink_curie", "biolink_prefix", "class_ancestors", "class_name", "fits",
           "fitting_predicate", "model", "predicate_curie", "predicate_fits", "preferred_id", "preferred_prefixes",
           "prefix_map", "slot_ancestors", "slot_name", "version"]
