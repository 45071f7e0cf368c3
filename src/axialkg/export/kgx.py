"""The KGX sinks: a directory with KGX TSV ``nodes.tsv`` and ``edges.tsv`` (``kgx``), or KGX JSON Lines
``nodes.jsonl`` and ``edges.jsonl`` (``kgx-jsonl``), valid for ``kgx validate`` against the Biolink Model of
the ``biolink-model`` package.

**Node ids** are ids other graphs merge on: the node's cross-reference (an exact match, verified at curation)
whose prefix its Biolink category prefers most (``DRUGBANK:DB08877`` for ruxolitinib, ``ORDO:Orphanet_…`` as
Biolink spells Orphanet), else our ``axkg:`` CURIE, whose prefix the ontology publishes
(``vann:preferredNamespacePrefix``) and ``prefixes.json`` declares; ``iri`` keeps our IRI. Two nodes
grounded to one id both keep ``axkg:`` ids rather than merge.

**Edges**: ``predicate`` is the Biolink predicate our property aligns with where its domain and range hold
the ends' categories; else the predicate Biolink has for that relation between those ends (:data:`INSTEAD`:
a disease's mechanism is ``disease_has_basis_in`` it, not ``has_participant``, which runs from processes; a
gene is ``actively_involved_in`` a process; a procedure ``affects`` what it treats); else the aligned
predicate's nearest ancestor that holds them. ``original_predicate`` is our own. ``primary_knowledge_source`` is
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
from functools import cache
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from ..errors import AxialKGError
from ..vocab import MAPPING_PREFIXES, NAMESPACE, curie
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
    """Node IRI → KGX id and Biolink categories (class names), for the nodes of one export (given as nodes,
    or as ``grounding``: IRI → (Biolink category CURIEs, cross-references))."""

    def __init__(self, nodes: Iterable[Node] = (), grounding: Mapping[str, tuple[list[str], list[str]]] | None = None):
        if grounding is None:
            grounding = {n.iri: (n.biolink, n.xrefs) for n in nodes}
        names: dict[tuple[str, ...], list[str]] = {}  # few distinct category sets: one list each
        self.categories = {iri: names.setdefault(tuple(b), [biolink.class_name(c) for c in b])
                           for iri, (b, _) in grounding.items()}
        grounded = {iri: biolink.preferred_id(filter(None, map(biolink_xref, xrefs)), self.categories[iri])
                    for iri, (_, xrefs) in grounding.items()}
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
    return _predicate(e.biolink, tuple(ids.categories.get(e.subject, ())), tuple(ids.categories.get(e.object, ())))


# Where the aligned predicate's domain or range leaves out an edge's ends, the predicate Biolink has for
# the same relation between those ends, tried (in order, each only where the model's domain and range
# hold the ends, and the subject is of the category named, if any) before widening to an ancestor:
# a disease's or a finding's mechanism is what it has its basis in, or what contributes to it (has
# participant runs from processes); a gene takes part in a process actively (participates in runs from
# occurrents); a procedure that treats a condition affects it (treats runs from chemicals, drugs and
# treatments only).
INSTEAD: dict[str, tuple[tuple[str, str | None], ...]] = {
    "has participant": (("disease has basis in", "disease"), ("contribution from", None)),
    "participates in": (("actively involved in", "gene or gene product"),),
    "treats": (("affects", "procedure"),),
}


@cache
def _predicate(aligned: str, subject: tuple[str, ...], obj: tuple[str, ...]) -> str:
    """The Biolink predicate of an edge, worked out once per alignment and end categories."""
    name = biolink.slot_name(aligned)
    if not biolink.predicate_fits(name, subject, obj):
        for candidate, needs in INSTEAD.get(name, ()):
            if (needs is None or biolink.fits(subject, needs)) and biolink.predicate_fits(candidate, subject, obj):
                return biolink.predicate_curie(candidate)
    return biolink.predicate_curie(biolink.fitting_predicate(name, subject, obj))


_short = cache(curie)  # predicates, categories and sources recur on every record


def node_record(n: Node, ids: Ids) -> dict:
    return {"id": ids[n.iri], "category": [_short(c) for c in n.biolink], "name": n.label,
            "description": n.definition or "", "xref": [x for x in (biolink_xref(x) or x for x in n.xrefs)],
            "synonym": list(n.synonyms), "iri": n.iri}


def edge_record(e: Edge, ids: Ids) -> dict:
    return {"id": e.id, "subject": ids[e.subject], "predicate": predicate(e, ids), "object": ids[e.object],
            "category": ["biolink:Association"], "original_predicate": _short(e.predicate),
            "primary_knowledge_source": INFORES, "publications": [_short(s) for s in e.sources],
            "knowledge_level": knowledge_level(e), "agent_type": "manual_agent", "hedge": hedge(e),
            "further_source_count": e.further}


def _cell(value) -> str:
    """One TSV cell: whitespace runs become one space; a '|' inside a value cannot be represented."""
    text = " ".join(str(value).split())
    if "|" in text:
        raise AxialKGError(f"cannot write KGX: the value {text[:60]!r} contains '|', the KGX list separator")
    return text


def _tsv_line(columns: list[str], r: dict) -> str:
    return "\t".join("|".join(map(_cell, r[c])) if c in LIST_FIELDS else _cell(r[c]) for c in columns)


def _tsv(columns: list[str], records: Iterable[dict]) -> bytes:
    return ("\n".join(["\t".join(columns), *(_tsv_line(columns, r) for r in records)]) + "\n").encode("utf-8")


def _jsonl_line(r: dict) -> str:
    """One JSON object; empty values left out, as KGX's JSON Lines sink does."""
    return json.dumps({k: v for k, v in r.items() if v not in ("", [])}, ensure_ascii=False, sort_keys=True)


def _jsonl(records: Iterable[dict]) -> bytes:
    return b"".join(_jsonl_line(r).encode("utf-8") + b"\n" for r in records)


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


def _stream(kg, out: Path, names: tuple[str, str], line: Callable[[dict, str], str],
            header: Callable[[str], str]) -> tuple[int, int]:
    """Nodes and edges streamed from the store's sorted dump into ``out`` (a directory), one record a line
    as it is read; only each node's id and categories stay in memory. Returns (nodes, edges)."""
    from .dumped import dumped

    with dumped(kg, out) as d:
        ids = Ids(grounding=d.grounding)
        d.grounding = {}
        records = ((node_record(n, ids) for n in d.nodes()), (edge_record(e, ids) for e in d.edges()))
        counts = []
        for name, kind, rows in zip(names, ("nodes", "edges"), records):
            n = 0
            with open(out / name, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(header(kind))
                for r in rows:
                    fh.write(line(r, kind) + "\n")
                    n += 1
            counts.append(n)
    (out / "prefixes.json").write_bytes(prefixes_json())
    return counts[0], counts[1]


def stream_tsv(kg, out: Path) -> tuple[int, int]:
    """KGX TSV streamed into the directory ``out``: the bytes :func:`render` writes."""
    columns = {"nodes": NODE_COLUMNS, "edges": EDGE_COLUMNS}
    return _stream(kg, out, ("nodes.tsv", "edges.tsv"), lambda r, kind: _tsv_line(columns[kind], r),
                   lambda kind: "\t".join(columns[kind]) + "\n")


def stream_jsonl(kg, out: Path) -> tuple[int, int]:
    """KGX JSON Lines streamed into the directory ``out``: the bytes :func:`render_jsonl` writes."""
    return _stream(kg, out, ("nodes.jsonl", "edges.jsonl"), lambda r, kind: _jsonl_line(r), lambda kind: "")


__all__ = ["EDGE_COLUMNS", "FILES", "INFORES", "INSTEAD", "JSONL_FILES", "NODE_COLUMNS", "PREFIXES", "Ids", "biolink_xref",
           "edge_record", "knowledge_level", "node_record", "prefixes_json", "records", "render", "render_jsonl",
           "stream_jsonl", "stream_tsv"]
