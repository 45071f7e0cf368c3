"""The Python API: ``kg = axialkg.open(); kg.query("drugs-for-cause", cause="myelofibrosis")``.

A :class:`KnowledgeGraph` wraps one store (see :mod:`axialkg.stores`) and adds what a
researcher asks of it: named queries with parameters resolved to entities, ad-hoc SPARQL,
entity pages, counts, and (through :mod:`axialkg.paths`) a networkx projection and paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import UsageError
from .names import Resolver
from .queries import LIST_SEPARATOR, NamedQuery, check_params, find_query, internal, sort_lists
from .results import Results
from .sparql import analyse, with_prefixes
from .vocab import NAMESPACE, curie

if TYPE_CHECKING:
    from .stores import StoreSpec


@dataclass
class Claim:
    """One sourced assertion about an entity; ``direction`` is "out" (entity is the subject) or "in"."""

    direction: str
    predicate: str
    predicate_label: str
    other: str
    other_label: str
    sources: list[str]
    further_sources: int
    section: str | None = None


@dataclass
class EntityInfo:
    iri: str
    label: str
    definition: str | None = None
    synonyms: list[str] = field(default_factory=list)
    brand_names: list[str] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)  # labels of the most specific classes
    type_iris: list[str] = field(default_factory=list)
    comment: str | None = None
    claims: list[Claim] = field(default_factory=list)

    @property
    def curie(self) -> str:
        return curie(self.iri)

    def claims_by(self, predicate_label: str, direction: str | None = None) -> list[Claim]:
        return [c for c in self.claims if c.predicate_label == predicate_label
                and (direction is None or c.direction == direction)]


class KnowledgeGraph:
    """The graph behind one store spec. ``store`` is the engine (its ``.store`` is the pyoxigraph
    Store for embedded engines)."""

    def __init__(self, store, *, reasoned: bool = False, reasoning_report=None):
        self.store = store
        self.reasoned = reasoned
        self.reasoning = reasoning_report  # ReasoningReport when reasoned
        self._resolver: Resolver | None = None
        self._graph = None

    # ---- resolution ------------------------------------------------------------------------
    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            rows = self.store.query(internal("label-index"))
            self._resolver = Resolver((r["s"].value, r["v"].value, r["kind"].value) for r in rows)
        return self._resolver

    def resolve(self, value: str) -> str:
        """The IRI of the one entity a value names (label, synonym, brand, CURIE, IRI, axkg:slug)."""
        if not isinstance(value, str):
            raise UsageError(f"an entity is named by a string, not {type(value).__name__}")
        if self._resolver is None:
            known = self._known_iri(value)
            if known:
                return known
        return self.resolver.resolve(value)

    def _known_iri(self, value: str) -> str | None:
        """An IRI or axkg: CURIE that names an entity, checked by one ASK: on a large graph the
        label index costs seconds to minutes (35 s at 10^7 triples), needless for identifiers."""
        raw = value.strip()
        if raw.startswith("<") and raw.endswith(">"):
            raw = raw[1:-1]
        if raw.startswith("axkg:"):
            raw = NAMESPACE + raw[5:]
        if not raw.startswith(("http://", "https://")):
            return None
        try:
            return raw if self.store.query(internal("entity-exists"), {"entity": raw}).boolean else None
        except UsageError:  # not an IRI after all: the resolver says why
            return None

    def _bind(self, params: dict) -> dict[str, str]:
        return {k: self.resolve(v) for k, v in params.items()}

    # ---- queries ---------------------------------------------------------------------------
    def query(self, name_or_path: str | NamedQuery, **params) -> Results:
        """Run a named query (or a .rq file) with its parameters resolved to entities.

        >>> kg = open()
        >>> "ruxolitinib" in kg.query("drugs-for-cause", cause="myelofibrosis").values("interventionLabel")
        True
        """
        q = name_or_path if isinstance(name_or_path, NamedQuery) else find_query(name_or_path)
        if analyse(q.sparql).is_update:
            raise UsageError(f"query '{q.name}' is an update; named queries are read-only")
        check_params(q, params)
        return sort_lists(self.store.query(q.sparql, self._bind(params)), q.lists)

    def sparql(self, text: str, **params) -> Results:
        """Run ad-hoc SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE); updates are refused here. Keyword
        arguments bind variables to the entities they name; the usual prefixes (axkg, rdfs, owl, …) need
        no PREFIX lines.

        >>> kg = open()
        >>> kg.sparql("SELECT ?l WHERE { ?d <http://www.w3.org/2000/01/rdf-schema#label> ?l }", d="Jakafi").column("l")
        ['ruxolitinib']
        """
        text = with_prefixes(text)
        analysis = analyse(text)
        if analysis.is_update:
            raise UsageError("refusing a SPARQL update: queries are read-only (use update(), "
                             "or --allow-update on the command line)")
        missing = sorted(set(params) - analysis.variables)
        if missing:
            raise UsageError(f"the query has no variable ?{missing[0]} to bind")
        return self.store.query(text, self._bind(params))

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update on the store (the in-memory default forgets it on exit)."""
        self.store.update(text)
        self._resolver = None
        self._graph = None

    # ---- entities --------------------------------------------------------------------------
    def entity(self, value: str) -> EntityInfo:
        """Label, synonyms, brand names, definition, types, xrefs and sourced claims (both ways).

        >>> info = open().entity("Jakafi")
        >>> info.label, info.curie, "Jakafi" in info.brand_names
        ('ruxolitinib', 'axkg:ruxolitinib', True)
        """
        iri = self.resolve(value)
        ann = self.store.query(internal("entity-annotations"), {"entity": iri})
        vals: dict[str, list] = {}
        for r in ann:
            vals.setdefault(r["key"].value, []).append(r)

        def texts(key):
            return sorted({r["value"].value for r in vals.get(key, [])})

        types = sorted(vals.get("type", []), key=lambda r: r["value"].value)
        info = EntityInfo(
            iri=iri, label=(texts("label") or [iri])[0], definition=(texts("definition") or [None])[0],
            synonyms=texts("synonym"), brand_names=texts("brand"), xrefs=texts("xref"),
            types=[r["valueLabel"].value if "valueLabel" in r else r["value"].value for r in types],
            type_iris=[r["value"].value for r in types], comment=(texts("comment") or [None])[0])
        for r in self.query("claim-sources", entity=iri):
            out = r["subject"].value == iri
            info.claims.append(Claim(
                direction="out" if out else "in", predicate=r["predicate"].value,
                predicate_label=r["predicateLabel"].value if "predicateLabel" in r else r["predicate"].value,
                other=r["object" if out else "subject"].value,
                other_label=r[("object" if out else "subject") + "Label"].value,
                sources=[s for s in r["sources"].value.split(LIST_SEPARATOR) if s] if "sources" in r else [],
                further_sources=int(r["furtherSources"].value) if "furtherSources" in r else 0,
                section=r["sectionLabel"].value if "sectionLabel" in r else None))
        return info

    # ---- counts ----------------------------------------------------------------------------
    def stats(self) -> dict:
        """Totals, entities per class and triples per predicate."""
        totals = {r["what"].value: int(r["count"].value) for r in self.store.query(internal("stats-totals"))}

        def table(text, key):
            return [{"iri": r[key].value, "label": r[key + "Label"].value if key + "Label" in r else None,
                     "count": int(r["count"].value)} for r in self.store.query(text)]

        return {"store": self.store.spec.display, "graph": self.store.graph, "reasoned": self.reasoned,
                "totals": totals, "classes": table(internal("stats-by-class"), "class"),
                "predicates": table(internal("stats-by-predicate"), "predicate")}

    def triples(self) -> Results:
        """Every triple of the graph (subject, predicate, object rows)."""
        return self.store.query(internal("all-triples"))

    # ---- graph questions (axialkg.paths) -----------------------------------------------------
    def graph(self):
        """The networkx projection of entity-to-entity claims (cached per KnowledgeGraph)."""
        if self._graph is None:
            from . import paths

            self._graph = paths.project(self)
        return self._graph

    def paths(self, a: str, b: str, **kw):
        """Simple paths between two entities, shortest first: ``max_hops``, ``directed``, ``via``
        (categories), ``avoid`` (entities), ``limit`` (see :func:`axialkg.paths.find_paths`)."""
        from . import paths

        return paths.find_paths(self, a, b, **kw)

    def neighbors(self, entity: str, hops: int = 1, **kw):
        """The neighbourhood subgraph (a MultiDiGraph) within ``hops`` hops of an entity."""
        from . import paths

        return paths.neighbors(self, entity, hops, **kw)

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        spec = self.store.spec.display
        return f"<KnowledgeGraph {spec}{' graph=' + self.store.graph if self.store.graph else ''}" \
               f"{' reasoned' if self.reasoned else ''}>"


def open(store: "str | StoreSpec | None" = None, *, graph: str | None = None, update_url: str | None = None,  # noqa: A001
         graph_store_url: str | None = None, timeout: float | None = None, reasoned: bool = False) -> KnowledgeGraph:
    """Open the knowledge graph.

    ``store``: None/"" → the packaged release in memory (pyoxigraph); "oxigraph:DIR" → on disk,
    loaded once and reused; "rdflib"; or an http(s) SPARQL endpoint (or a parsed
    :class:`~axialkg.stores.StoreSpec`). ``graph``: the named graph that holds the data.
    ``reasoned``: answer over the OWL 2 RL closure.

    >>> kg = open()
    >>> kg
    <KnowledgeGraph memory>
    >>> kg.resolve("marble bone disease")
    'https://w3id.org/axialkg/osteopetrosis'
    """
    from .stores import StoreSpec, open_store

    spec = StoreSpec.parse(store, graph=graph, update_url=update_url, graph_store_url=graph_store_url,
                           timeout=timeout)
    engine = open_store(spec)
    if not (reasoned or spec.reasoned):
        return KnowledgeGraph(engine)
    from .reasoned import reasoned_store

    closed, report = reasoned_store(engine)
    return KnowledgeGraph(closed, reasoned=True, reasoning_report=report)
