"""The KGX sinks: a directory with KGX TSV ``nodes.tsv`` and ``edges.tsv`` (``kgx``), or KGX JSON Lines
``nodes.jsonl`` and ``edges.jsonl`` (``kgx-jsonl``), valid for ``kgx validate`` against the Biolink Model of
the ``biolink-model`` package.

**Node ids** are ids other graphs merge on: the node's cross-reference (an exact match, verified at curation)
whose prefix its Biolink category prefers most (``DRUGBANK:DB08877`` for ruxolitinib, ``ORDO:Orphanet_…`` as
Biolink spells Orphanet), else our ``axkg:`` CURIE, whose prefix the ontology publishes
(``vann:preferredNamespacePrefix``) and ``prefixes.json`` declares; ``iri`` keeps our IRI. Two nodes
grounded to one id both keep ``axkg:`` ids rather than merge.

**Edges**: ``predicate`` is the Biolink predicate our property aligns with, or its nearest ancestor whose
domain and range hold the ends' categories (a disease does not ``has_participant`` a gene in Biolink 4;
it is ``related_to_at_instance_level`` it), ``original_predicate`` our own. ``primary_knowledge_source`` is
``infores:axialkg``: the claims were first stated as edges here, curated by hand from one review article
that has no infores of its own; ``publications`` are the sources the article cites for the claim.
``knowledge_level`` and ``agent_type`` follow the claim axioms (Biolink 4's KnowledgeLevelEnum and
AgentTypeEnum): a claim the article states, with limited evidence or in selected cases is a
``knowledge_assertion`` (put forth as true on evidence); one it calls possible a ``prediction`` (a possible
fact, a speculative conclusion); a curator's inference from the article's claims a ``logical_entailment``.
Every claim was curated by a person: ``manual_agent``. ``hedge`` keeps the article's word.

TSV multivalued fields are joined with ``|``; a value holding ``|`` is refused. JSON Lines writes lists.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from ..curation import MAPPING_PREFIXES
from ..errors import AxialKGError
from ..vocab import NAMESPACE, curie
from . import biolink
from .source import Edge, Node, Source

FILES = ("nodes.tsv", "edges.tsv", "prefixes.json")
JSONL_FILES = ("nodes.jsonl", "edges.jsonl", "prefixes.json")
INFORES = "infores:axialkg"
PREFIXES = {"axkg": NAMESPACE, "infores": "https://w3id.org/biolink/infores/"}
NODE_COLUMNS = ["id", "category", "name", "description", "xref", "synonym", "iri"]
EDGE_COLUMNS = ["id", "subject", "predicate", "object", "category", "original_predicate",
                "primary_knowledge_source", "publications", "knowledge_level", "agent_type", "hedge",
                "further_source_count"]
LIST_FIELDS = {"category", "xref", "synonym", "publications"}
HEDGES = ("stated", "limited-evidence", "selected-cases", "possible")  # strongest first
HEDGE, ASSERTER = NAMESPACE + "hedge-", NAMESPACE + "asserter-"


def biolink_xref(xref: str) -> str | None:
    """A cross-reference of ours as Biolink spells it (None where Biolink has no prefix for it)."""
    prefix, _, local = xref.partition(":")
    return biolink.biolink_curie(xref, MAPPING_PREFIXES[prefix] + local if prefix in MAPPING_PREFIXES else None)


class Ids:
    """Node IRI → KGX id and Biolink categories (class names), for the nodes of one export."""

    def __init__(self, nodes: Iterable[Node]):
        nodes = list(nodes)
        self.categories = {n.iri: [biolink.class_name(c) for c in n.biolink] for n in nodes}
        grounded = {n.iri: biolink.preferred_id(filter(None, map(biolink_xref, n.xrefs)), self.categories[n.iri])
                    for n in nodes}
        taken = Counter(g for g in grounded.values() if g)
        self.ids = {iri: g if g and taken[g] == 1 else curie(iri) for iri, g in grounded.items()}

    def __getitem__(self, iri: str) -> str:
        return self.ids.get(iri) or curie(iri)


def hedge(e: Edge) -> str:
    words = [h.removeprefix(HEDGE) for h in e.hedges if h.startswith(HEDGE)]
    return min(words, key=lambda w: HEDGES.index(w) if w in HEDGES else len(HEDGES), default="stated")


def knowledge_level(e: Edge) -> str:
    by_article = not e.asserters or ASSERTER + "article" in e.asserters
    if not by_article:
        return "logical_entailment"
    return "prediction" if hedge(e) == "possible" else "knowledge_assertion"


def predicate(e: Edge, ids: Ids) -> str:
    name = biolink.slot_name(e.biolink)
    return biolink.predicate_curie(
        biolink.fitting_predicate(name, ids.categories.get(e.subject, []), ids.categories.get(e.object, [])))


def node_record(n: Node, ids: Ids) -> dict:
    return {"id": ids[n.iri], "category": [curie(c) for c in n.biolink], "name": n.label,
            "description": n.definition or "", "xref": [x for x in (biolink_xref(x) or x for x in n.xrefs)],
            "synonym": list(n.synonyms), "iri": n.iri}


def edge_record(e: Edge, ids: Ids) -> dict:
    return {"id": e.id, "subject": ids[e.subject], "predicate": predicate(e, ids), "object": ids[e.object],
            "category": ["biolink:Association"], "original_predicate": curie(e.predicate),
            "primary_knowledge_source": INFORES, "publications": [curie(s) for s in e.sources],
            "knowledge_level": knowledge_level(e), "agent_type": "manual_agent", "hedge": hedge(e),
            "further_source_count": e.further}


def _cell(value) -> str:
    """One TSV cell: whitespace runs become one space; a '|' inside a value cannot be represented."""
    text = " ".join(str(value).split())
    if "|" in text:
        raise AxialKGError(f"cannot write KGX: the value {text[:60]!r} contains '|', the KGX list separator")
    return text


def _tsv(columns: list[str], records: Iterable[dict]) -> bytes:
    def cells(r: dict) -> str:
        return "\t".join("|".join(map(_cell, r[c])) if c in LIST_FIELDS else _cell(r[c]) for c in columns)

    return ("\n".join(["\t".join(columns), *map(cells, records)]) + "\n").encode("utf-8")


def _jsonl(records: Iterable[dict]) -> bytes:
    """One JSON object a line; empty values left out, as KGX's JSON Lines sink does."""
    return b"".join(json.dumps({k: v for k, v in r.items() if v not in ("", [])}, ensure_ascii=False,
                               sort_keys=True).encode("utf-8") + b"\n" for r in records)


def prefixes_json() -> bytes:
    """The JSON-LD context of the prefixes the export uses beyond Biolink's own."""
    return (json.dumps({"@context": PREFIXES}, indent=2, sort_keys=True) + "\n").encode("utf-8")


def records(source: Source) -> tuple[list[dict], list[dict]]:
    ids = Ids(source.nodes)
    return [node_record(n, ids) for n in source.nodes], [edge_record(e, ids) for e in source.edges]


def render(source: Source) -> dict[str, bytes]:
    nodes, edges = records(source)
    return {"nodes.tsv": _tsv(NODE_COLUMNS, nodes), "edges.tsv": _tsv(EDGE_COLUMNS, edges),
            "prefixes.json": prefixes_json()}


def render_jsonl(source: Source) -> dict[str, bytes]:
    nodes, edges = records(source)
    return {"nodes.jsonl": _jsonl(nodes), "edges.jsonl": _jsonl(edges), "prefixes.json": prefixes_json()}


__all__ = ["EDGE_COLUMNS", "FILES", "INFORES", "JSONL_FILES", "NODE_COLUMNS", "PREFIXES", "Ids", "biolink_xref",
           "edge_record", "knowledge_level", "node_record", "prefixes_json", "records", "render", "render_jsonl"]
