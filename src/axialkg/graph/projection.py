"""The projection: entities as nodes, claims as edges of a networkx ``MultiDiGraph``.

Built from plain rows (the columns of ``queries/graph-edges.rq``), each entity's asserted classes
and the schema model; it runs no query itself (:meth:`axialkg.api.KnowledgeGraph.graph` fetches
the rows and hands them down). Nodes carry ``label``, ``category`` (the most specific class IRI),
``category_label``, ``categories`` (every class the entity belongs to, superclasses and union
classes included) and ``kind`` (the top of its class hierarchy, the metanode it stands for);
edges are keyed by predicate IRI and carry ``predicate``, ``label``, ``sources`` and
``further_sources``. ``G.graph["metagraph"]`` is the :class:`~.metagraph.Metagraph`;
``G.graph["classes"]`` and ``G.graph["predicates"]`` its tables of class and predicate labels.

>>> G = project_edges([{"subject": "a", "predicate": "p", "object": "b", "sources": "S1; S2"}])
>>> G.edges["a", "b", "p"]["sources"], G.nodes["b"]["label"]
(('S1', 'S2'), 'b')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..vocab import local_name
from .collector import quiet_gc
from .metagraph import Metagraph

if TYPE_CHECKING:
    from ..schema import SchemaModel

SEPARATOR = "; "


def project_edges(rows: Iterable, *, schema: SchemaModel | None = None, types: dict | None = None):
    """A ``MultiDiGraph`` from claim-edge rows.

    Each row maps ``subject``, ``predicate``, ``object`` (and optionally ``subjectLabel``,
    ``objectLabel``, ``subjectCategory``, ``objectCategory``, ``predicateLabel``, ``sources`` as a
    list or a "; "-joined string, ``furtherSources``) to plain strings or result terms.
    ``schema``: the class hierarchy; ``types``: entity IRI → class IRIs. Without them an entity's
    only category is the row's. Edges without sources that restate a sourced claim between the
    same two entities (inverse or super-property inferences of a reasoned store) are left out.
    """
    import networkx as nx

    types = types or {}
    G = nx.MultiDiGraph()
    nodes, succ, pred = G._node, G._succ, G._pred  # filled directly: add_edge re-checks each edge, 3x slower
    source_cache: dict = {}
    predicates: dict[str, str] = {}
    unsourced = []
    partial: set[str] = set()  # nodes met without a label or category so far
    any_sourced = False
    with quiet_gc():  # a million small dicts: the collector would rescan them over and over
        for row in _plain_rows(rows):
            get = row.get
            s, p, o = row["subject"], row["predicate"], row["object"]
            if s not in nodes:
                nodes[s] = {"label": get("subjectLabel"), "category": get("subjectCategory")}
                succ[s], pred[s] = {}, {}
                if (nodes[s]["label"] is None or nodes[s]["category"] is None) and _named(row):
                    partial.add(s)
            if o not in nodes:
                nodes[o] = {"label": get("objectLabel"), "category": get("objectCategory")}
                succ[o], pred[o] = {}, {}
                if (nodes[o]["label"] is None or nodes[o]["category"] is None) and _named(row):
                    partial.add(o)
            if partial:  # a later row may name what an earlier one left out
                for iri, end in ((s, "subject"), (o, "object")):
                    if iri in partial:
                        attrs = nodes[iri]
                        attrs["label"] = attrs["label"] or get(end + "Label")
                        attrs["category"] = attrs["category"] or get(end + "Category")
            raw = get("sources")
            if raw is not None and raw.__class__ is not str and raw.__class__ is not tuple:
                raw = tuple(raw)
            sources = source_cache.get(raw)
            if sources is None:  # one shared tuple per distinct source list
                sources = (tuple(sorted(x for x in raw.split(SEPARATOR) if x)) if isinstance(raw, str)
                           else tuple(raw or ()))  # sorted: GROUP_CONCAT's order is the engine's
                source_cache[raw] = sources
            label = predicates.get(p)
            if label is None:
                label = predicates[p] = get("predicateLabel") or local_name(p)
            further = get("furtherSources")
            keydict = succ[s].get(o)
            if keydict is None:
                keydict = succ[s][o] = pred[o][s] = {}
            keydict[p] = {"predicate": p, "label": label, "sources": sources,
                          "further_sources": int(further) if further else 0}
            if sources:
                any_sourced = True
            else:
                unsourced.append((s, o, p))
        if any_sourced:
            _drop_restated(G, unsourced)
        metagraph = Metagraph(schema, predicates)
        for iri, attrs in nodes.items():
            attrs["label"] = attrs["label"] or local_name(iri)
            cats = set(types.get(iri, ()))
            if attrs["category"]:
                cats.add(attrs["category"])
            elif cats:
                attrs["category"] = min(cats)
            attrs["category_label"] = metagraph.label(attrs["category"]) if attrs["category"] else None
            attrs["categories"] = metagraph.closure(frozenset(cats))
            attrs["kind"] = metagraph.kind(attrs["category"]) if attrs["category"] else None
            metagraph.add_classes(attrs["categories"])
        G.graph["metagraph"] = metagraph
        G.graph["predicates"] = predicates
        G.graph["classes"] = metagraph.classes
    return G


def _named(row) -> bool:
    """Does the row carry labels or categories at all (bare subject-predicate-object rows do not)?"""
    return any(k in row for k in ("subjectLabel", "subjectCategory", "objectLabel", "objectCategory"))


def _plain_rows(rows):
    """Rows of result terms (``kg.query``) as rows of plain text; plain rows pass through."""
    for row in rows:
        if row["subject"].__class__ is str:
            yield row
        else:
            yield {k: v if v is None or v.__class__ is str else getattr(v, "value", v) for k, v in row.items()}


def _drop_restated(G, unsourced: list) -> None:
    """Remove unsourced edges between two entities that a sourced edge already joins."""
    succ, pred = G._succ, G._pred
    for u, v, key in unsourced:
        if any(d["sources"] for d in succ[u][v].values()) or any(d["sources"] for d in succ[v].get(u, {}).values()):
            del succ[u][v][key]
            if not succ[u][v]:
                del succ[u][v], pred[v][u]


__all__ = ["SEPARATOR", "project_edges"]
