"""The Python API: ``kg = axialkg.open(); kg.query("drugs-for-cause", cause="myelofibrosis")``.

A :class:`KnowledgeGraph` wraps one store (see :mod:`axialkg.stores`) and adds what a
researcher asks of it: named queries with parameters resolved to entities, ad-hoc SPARQL,
entity pages, counts, and graph questions (paths, metapaths, DWPC, neighbourhoods) that resolve
what users type and hand IRIs down to :mod:`axialkg.graph`.
"""

from __future__ import annotations

import pathlib

from .errors import AxialKGError, UsageError
from .graph.collector import gc_paused
from .graph.params import (DAMPING, DEFAULT_AVOID_CATEGORIES, DEFAULT_MAX_HOPS, check_damping, check_ends,
                           check_hops, check_limit, check_lists)
from .names import Resolver
from .queries import LIST_SEPARATOR, NamedQuery, check_params, find_query, internal, sort_lists
from .records import Record
from .results import Results
from .sparql import analyse, with_prefixes
from .vocab import NAMESPACE, curie, local_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at every start (mypy reads the name)
if TYPE_CHECKING:
    from typing import Iterable

    from .graph.compact import CompactGraph
    from .graph.model import Connection, Connections, MetapathCounts, Paths
    from .search import Hit, SearchIndex
    from .stores import StoreSpec


PROJECTION_CACHE = "axialkg-projection.npz"


def _store_version(directory: pathlib.Path, graph: str | None) -> str:
    """What identifies an on-disk store's contents: its marker (the release loaded, and how many
    writes the store has taken since) and the graph asked for. (The table files are no guide:
    compaction rewrites them in the background without a change.)"""
    from .stores.embedded import MARKER

    import hashlib

    h = hashlib.sha256((graph or "").encode("utf-8") + b"\0")
    try:
        h.update((directory / MARKER).read_bytes())
    except OSError:
        h.update(b"no marker")
    return h.hexdigest()


def _text(t) -> str:
    return f"_:{t.value}" if t.type == "bnode" else t.value


def _plain(results) -> Iterable[dict]:
    """Result rows as dicts of plain strings."""
    for r in results:
        yield {k: v.value for k, v in r.items()}


class _FrontierEngine:
    """The questions a frontier search asks of a remote engine (:class:`axialkg.graph.frontier.Engine`),
    answered by internal queries with the batch of nodes as a VALUES block."""

    def __init__(self, store):
        from .stores import inject_values

        self.store, self._values = store, inject_values
        self.predicates = {r["predicate"].value: r["label"].value for r in store.query(internal("graph-predicates"))}
        self.schema_triples = [(_text(r["subject"]), r["predicate"].value, _text(r["object"]))
                               for r in store.query(internal("schema"))]

    def _ask(self, name: str, variable: str, nodes: list[str]):
        return self.store.query(self._values(internal(name), {variable: list(nodes)}))

    def hop(self, nodes: list[str]):
        for r in self._ask("frontier-hop", "node", nodes):
            node, far, cls = r["node"].value, r["far"].value, r["class"].value
            if "out" in r:
                yield node, r["out"].value, far, far, cls
            elif "in" in r:
                yield far, r["in"].value, node, far, cls

    def labels(self, nodes: list[str]):
        return list(_plain(self._ask("graph-nodes", "entity", nodes)))

    def types(self, nodes: list[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for r in self._ask("entity-types", "entity", nodes):
            out.setdefault(r["entity"].value, set()).add(r["class"].value)
        return out

    def axioms(self, subjects: list[str]):
        return list(_plain(self._ask("graph-axioms", "subject", subjects)))


class Claim(Record):
    """One sourced assertion about an entity; ``direction`` is "out" (entity is the subject) or "in"."""

    __slots__ = _fields = ("direction", "predicate", "predicate_label", "other", "other_label", "sources",
                           "further_sources", "section")

    def __init__(self, direction: str, predicate: str, predicate_label: str, other: str, other_label: str,
                 sources: list[str], further_sources: int, section: str | None = None):
        self.direction, self.predicate, self.predicate_label = direction, predicate, predicate_label
        self.other, self.other_label, self.sources = other, other_label, sources
        self.further_sources, self.section = further_sources, section


class EntityInfo(Record):
    """An entity's page: names, definition, types (``types``: labels of the most specific classes),
    cross-references and its sourced claims."""

    __slots__ = _fields = ("iri", "label", "definition", "synonyms", "brand_names", "xrefs", "types", "type_iris",
                           "comment", "claims", "claim_count")

    def __init__(self, iri: str, label: str, definition: str | None = None, synonyms: list[str] | None = None,
                 brand_names: list[str] | None = None, xrefs: list[str] | None = None, types: list[str] | None = None,
                 type_iris: list[str] | None = None, comment: str | None = None, claims: list[Claim] | None = None,
                 claim_count: int | None = None):
        self.iri, self.label, self.definition, self.comment = iri, label, definition, comment
        self.synonyms: list[str] = [] if synonyms is None else synonyms
        self.brand_names: list[str] = [] if brand_names is None else brand_names
        self.xrefs: list[str] = [] if xrefs is None else xrefs
        self.types: list[str] = [] if types is None else types
        self.type_iris: list[str] = [] if type_iris is None else type_iris
        self.claims: list[Claim] = [] if claims is None else claims
        self.claim_count = claim_count  # claims (subject, predicate, object) naming it, when ``claims`` is a page

    @property
    def curie(self) -> str:
        return curie(self.iri)

    def _repr_html_(self) -> str:
        """Jupyter's view: the entity's card, then its claims with their sources."""
        from html import escape

        from .results import html_table

        facts = [("id", self.curie), ("types", ", ".join(self.types)), ("definition", self.definition or ""),
                 ("synonyms", ", ".join(self.synonyms)), ("brand names", ", ".join(self.brand_names)),
                 ("cross-references", ", ".join(self.xrefs)), ("comment", self.comment or "")]
        card = html_table(["", ""], [[k, v] for k, v in facts if v])
        claims = html_table(["", "predicate", "other", "sources"],
                            [["→" if c.direction == "out" else "←", c.predicate_label, c.other_label,
                              "; ".join(c.sources) + (f" +{c.further_sources}" if c.further_sources else "")]
                             for c in self.claims])
        return f"<h4>{escape(self.label)}</h4>{card}{claims if self.claims else ''}"

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
        self._resolved: dict[str, tuple] = {}  # value → (the resolver that answered, or None: an ASK; IRI)
        self._graph = None
        self._search: SearchIndex | None = None
        self._projection: CompactGraph | None = None
        self._frontier: _FrontierEngine | None = None
        self._class_table: dict[str, dict] | None = None

    # ---- resolution ------------------------------------------------------------------------
    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            text = internal("label-index")

            def build() -> Resolver:
                return Resolver((r["s"].value, r["v"].value, r["kind"].value) for r in self.store.query(text))
            remember = getattr(self.store, "remember", None)  # the cached release keeps its tables
            self._resolver = build() if remember is None else \
                Resolver.of_state(remember("resolver-state-1\n" + text, lambda: build().state()))
        return self._resolver

    def resolve(self, value: str) -> str:
        """The IRI of the one entity a value names (label, synonym, brand, CURIE, IRI, axkg:slug).
        Answers are remembered until an update (or the label index is built): a named query's
        parameters are resolved on every call, by an ASK per call where no index is built."""
        if type(value) is str:
            hit = self._resolved.get(value)
            if hit is not None and hit[0] is self._resolver:
                return hit[1]
        elif not isinstance(value, str):
            raise UsageError(f"an entity is named by a string, not {type(value).__name__}")
        by = self._resolver
        iri = self._known_iri(value) if by is None else None
        if not iri:
            try:
                iri = self.resolver.resolve(value)
            except UsageError as exc:
                if self.resolver.iris or self.store.graph:
                    raise
                raise self._where_data_is(exc) from None
            by = self._resolver
        if len(self._resolved) > 4096:
            self._resolved.clear()
        self._resolved[value] = (by, iri)
        return iri

    def display(self, iri: str) -> str:
        """An entity as messages name it, ``label (curie)``: from the resolver once it is built, else
        from the label index asked for this entity alone (the whole index costs tens of seconds on a
        remote graph of 10^6 triples, needless for naming the two ends of a path)."""
        if self._resolver is None:
            from .names import Resolver

            rows = self.store.query(internal("label-index"), {"s": iri})
            return Resolver((r["s"].value, r["v"].value, r["kind"].value) for r in rows).display(iri)
        return self._resolver.display(iri)

    def _where_data_is(self, error: UsageError) -> UsageError:
        """The error, with a hint when the default graph holds no entities but named graphs do."""
        from .names import elsewhere_hint

        try:
            rows = self.store.query(internal("graphs-with-entities"))
        except AxialKGError:  # an endpoint that cannot answer it: the plain error stands
            return error
        return elsewhere_hint(error, [(r["graph"].value, int(r["entities"].value)) for r in rows
                                      if "graph" in r and "entities" in r])

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
        """Run a SPARQL 1.1 Update on the store (the in-memory default forgets it on exit); the usual
        prefixes need no PREFIX lines here either, and an unknown one is named in one line."""
        self.store.update(with_prefixes(text))
        self._resolver = None
        self._resolved = {}
        self._graph = None
        self._search = None
        from .search import forget

        forget(self.store)
        self._projection = None
        self._class_table = None

    # ---- entities --------------------------------------------------------------------------
    def entity(self, value: str, *, limit: int | None = None, offset: int = 0) -> EntityInfo:
        """Label, synonyms, brand names, definition, types, xrefs and sourced claims (both ways).

        ``limit`` claims (subject, predicate, object) from the ``offset``-th, in the order of their
        predicate's, subject's and object's IRIs, with ``claim_count`` saying how many there are: the
        entity page of a hub of a large graph (1,700 claims at 10^7 triples) without asking the sources of
        them all. Without ``limit``, every claim, as the ``claim-sources`` query orders them.

        >>> info = open().entity("Jakafi")
        >>> info.label, info.curie, "Jakafi" in info.brand_names
        ('ruxolitinib', 'axkg:ruxolitinib', True)
        >>> page = open().entity("myelofibrosis", limit=5)
        >>> len({(c.predicate, c.other) for c in page.claims}), page.claim_count > 5
        (5, True)
        """
        from .graph.params import check_limit

        check_limit(offset, name="offset")
        if limit is not None and check_limit(limit) == 0:  # 0: no limit, as everywhere else
            limit = None
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
        for r in (self.query("claim-sources", entity=iri) if limit is None else self._claim_page(info, iri, limit, offset)):
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

    def _claim_page(self, info: EntityInfo, iri: str, limit: int, offset: int) -> list:
        """The rows of claim-sources for one page of the entity's claims; sets ``info.claim_count``."""
        claims = sorted({(r["predicate"].value, r["subject"].value, r["object"].value)
                         for r in self.store.query(internal("entity-claims"), {"entity": iri})})
        info.claim_count = len(claims)
        page = claims[offset:offset + limit]
        if not page:
            return []
        from .stores import inject_values

        text = inject_values(internal("claim-page"), {"subject": [s for _, s, _ in page],
                                                      "predicate": [p for p, _, _ in page],
                                                      "object": [o for _, _, o in page]})
        position = {claim: i for i, claim in enumerate(page)}
        rows = sort_lists(self.store.query(text), ["sources"]).rows
        return sorted(rows, key=lambda r: position[(r["predicate"].value, r["subject"].value, r["object"].value)])

    # ---- search ----------------------------------------------------------------------------
    def search(self, text: str, category: str | None = None, limit: int = 20) -> list[Hit]:
        """Entities whose label, synonyms or definition match ``text``, best first: exact label, then
        exact synonym, related synonym, prefix, full text (see :mod:`axialkg.search`). ``category``
        keeps members of a class (subclasses included); ``limit`` 0 keeps every hit. The index is built
        on the first search, not before.

        >>> [h.label for h in open().search("Janus kinase")][:2]
        ['JAK1', 'JAK2']
        """
        from .graph.params import check_limit
        from .search import SearchIndex

        if not isinstance(text, str):
            raise UsageError(f"search takes a string, not {type(text).__name__}")
        if not text.strip():
            raise UsageError("search needs some text")
        check_limit(limit)
        cls = None if category is None else self.category(category)
        if self._search is None:
            self._search = SearchIndex.for_store(self.store)
        hits = self._search.search(text, category=cls, limit=limit)
        if not hits and not len(self._search) and not self.store.graph:  # the data may sit in a named graph
            nothing = UsageError(f"nothing found for '{text}'")
            hinted = self._where_data_is(nothing)
            if hinted is not nothing:
                raise hinted
        return hits

    # ---- counts ----------------------------------------------------------------------------
    def stats(self) -> dict:
        """Totals, entities per class and triples per predicate. A class's ``count`` takes in the members
        of its subclasses, ``direct`` only those asserted in it (their most specific class).

        >>> by_class = {c["label"]: c for c in open().stats()["classes"]}
        >>> by_class["drug"]["count"], by_class["drug"]["direct"] < 14
        (14, True)
        """
        totals = {r["what"].value: int(r["count"].value) for r in self.store.query(internal("stats-totals"))}

        def table(text, key):
            return [{"iri": r[key].value, "label": r[key + "Label"].value if key + "Label" in r else None,
                     "count": int(r["count"].value)} for r in self.store.query(text)]

        direct = {r["iri"]: r["count"] for r in table(internal("stats-by-class"), "class")}
        classes = [{**r, "direct": direct.get(r["iri"], 0)} for r in table(internal("stats-by-class-inclusive"), "class")]
        return {"store": self.store.spec.display, "graph": self.store.graph, "reasoned": self.reasoned,
                "totals": totals, "classes": classes, "predicates": table(internal("stats-by-predicate"), "predicate")}

    def triples(self) -> Results:
        """Every triple of the graph (subject, predicate, object rows)."""
        return self.store.query(internal("all-triples"))

    # ---- graph questions (axialkg.graph) -----------------------------------------------------
    def graph(self):
        """The networkx projection of entity-to-entity claims (cached per KnowledgeGraph): the
        ``graph-edges`` rows, each entity's classes and the schema model, handed to
        :func:`axialkg.graph.project_edges`."""
        if self._graph is None:
            from .graph import project_edges
            from .schema import SchemaModel

            types: dict[str, set[str]] = {}
            for r in self.store.query(internal("entity-types")):
                types.setdefault(r["entity"].value, set()).add(r["class"].value)
            schema = SchemaModel.from_results(self.store.query(internal("schema")))
            self._graph = project_edges(self.query("graph-edges"), schema=schema, types=types)
        return self._graph

    def projection(self, *, stated_only: bool = False) -> CompactGraph:
        """The compact projection (:mod:`axialkg.graph.compact`) the graph questions run on: built
        once per KnowledgeGraph, and for an on-disk store cached beside it (``axialkg-projection.npz``)
        and rebuilt only when the store changed. ``stated_only``: only claims stated plainly by the
        article (no hedge, no curator or reasoner inference)."""
        if self._projection is None:
            self._projection = self._load_projection()
        found = self._projection
        return found.stated_only() if stated_only else found

    def _load_projection(self) -> CompactGraph:
        from .graph import compact

        directory = getattr(self.store, "directory", None)
        cache = version = None
        if directory is not None and not self.reasoned:
            cache, version = pathlib.Path(directory) / PROJECTION_CACHE, _store_version(pathlib.Path(directory), self.store.graph)
            found = compact.load(cache, version)
            if found is not None:
                return found
        schema = [(_text(r["subject"]), r["predicate"].value, _text(r["object"]))
                  for r in self.store.query(internal("schema"))]
        if hasattr(self.store, "pairs") and not self.reasoned:  # an embedded engine: one pass over its index
            built = compact.build_streamed(self.store.pairs, schema_triples=schema, version=version or "")
            if cache is not None:
                built.save(cache)
            return built
        types: dict[str, set[str]] = {}
        for r in self.store.query(internal("entity-types")):
            types.setdefault(r["entity"].value, set()).add(r["class"].value)
        built = compact.build(
            claims=_plain(self.store.query(internal("graph-claims"))),
            axioms=_plain(self.store.query(internal("graph-axioms"))),
            nodes=_plain(self.store.query(internal("graph-nodes"))),
            types=types, predicates={r["predicate"].value: r["label"].value
                                     for r in self.store.query(internal("graph-predicates"))},
            schema_triples=schema, version=version or "")
        if cache is not None:
            built.save(cache)
        return built

    @property
    def remote(self) -> bool:
        """Is the store a remote SPARQL endpoint? Then paths and neighbourhoods run on the engine
        (:mod:`axialkg.graph.frontier`) and nothing copies the graph out."""
        return getattr(self.store.spec, "engine", None) == "sparql"

    def _explorer(self):
        from .graph.frontier import Explorer

        if self._frontier is None:
            self._frontier = _FrontierEngine(self.store)
        return Explorer(self._frontier)

    def _classes(self) -> dict[str, dict]:
        """The class table categories are named from: the projection's once it is built, else the
        schema model's, read from the store's schema triples (naming a class needs no projection: that
        costs seconds on the release, the schema a few milliseconds)."""
        from .graph import Metagraph

        if self._projection is not None:
            return Metagraph.of(self._projection).classes
        if self._class_table is None:
            from .schema import SchemaModel

            self._class_table = Metagraph(SchemaModel.from_results(self.store.query(internal("schema"))), {}).classes
        return self._class_table

    def category(self, name: str) -> str:
        """The class IRI a category names: class local name (``JAKInhibitor``), label (``JAK
        inhibitor``), CURIE or IRI, case and spaces aside.

        >>> import axialkg
        >>> axialkg.open().category("jak inhibitor")
        'https://w3id.org/axialkg/JAKInhibitor'
        """
        if not isinstance(name, str) or not name.strip():
            raise UsageError("a category needs a name")
        raw = name.strip().strip("<>")
        classes = self._classes()
        if raw in classes:
            return raw
        if raw.startswith("axkg:") and NAMESPACE + raw[5:] in classes:
            return NAMESPACE + raw[5:]
        names: dict[str, set[str]] = {}
        for c, info in classes.items():
            for n in (local_name(c), info.get("label") or local_name(c)):
                names.setdefault(n.casefold(), set()).add(c)
                names.setdefault(n.casefold().replace(" ", ""), set()).add(c)
        key = raw.casefold()
        for probe in (key, key.replace(" ", "")):
            hits = names.get(probe, set())
            if len(hits) == 1:
                return next(iter(hits))
            if len(hits) > 1:
                raise UsageError(f"category '{name}' is ambiguous: {', '.join(sorted(local_name(h) for h in hits))}")
        shown = sorted({local_name(c) for c in classes} | {(i.get("label") or "") for i in classes.values()} - {""})
        import difflib

        close = difflib.get_close_matches(raw, shown, n=3, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(raw.casefold(), [s.casefold() for s in shown], n=3, cutoff=0.6)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        error = UsageError(f"no category '{name}'{hint}")
        if not classes and not self.store.graph:  # no schema where we look: the data may sit in a named graph
            raise self._where_data_is(error)
        raise error

    def _avoided(self, categories: Iterable[str]) -> list[str]:
        """Categories to step around as class IRIs; the defaults pass as they are (a graph without
        FAQ entries has no Question class, and avoids nothing)."""
        check_lists(avoid_categories=categories)
        return [c if c in DEFAULT_AVOID_CATEGORIES else self.category(c) for c in categories]

    @gc_paused
    def paths(self, source: str, target: str, *, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
              via: Iterable[str] = (), avoid: Iterable[str] = (),
              avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES, limit: int = 20,
              stated_only: bool = False) -> Paths:
        """Simple paths between two entities, shortest first (``limit=0``: all), each hop with its
        predicate, the way it runs and its sources. ``via`` names categories some inner node must
        belong to, ``avoid`` entities and ``avoid_categories`` categories no inner node may be in;
        ``directed`` walks claims from subject to object only (see :func:`axialkg.graph.find_paths`);
        ``stated_only`` leaves out hedged and inferred claims. Each hop carries its claim's ``hedge``,
        ``asserted_by`` and ``effect_direction``.

        >>> import axialkg
        >>> str(axialkg.open().paths("ruxolitinib", "axial osteosclerosis", limit=1)[0])
        'ruxolitinib -[treats]-> myelofibrosis -[causes pattern]-> axial osteosclerosis'
        """
        from .graph import find_paths
        from .graph.model import Paths

        check_hops(max_hops)
        check_limit(limit)
        check_lists(via=via, avoid=avoid)
        s, t = self.resolve(source), self.resolve(target)
        if self.remote:  # on the engine, by frontier expansion
            from .graph import frontier

            if s == t:
                raise UsageError("source and target are the same entity")
            return Paths(frontier.find_paths(self._explorer(), s, t, max_hops=max_hops, directed=directed,
                                       via=[self.category(c) for c in via], avoid=[self.resolve(x) for x in avoid],
                                       avoid_categories=self._avoided(avoid_categories), limit=limit,
                                       stated_only=stated_only))
        return Paths(find_paths(self.projection(stated_only=stated_only), s, t, max_hops=max_hops, directed=directed,
                                via=[self.category(c) for c in via], avoid=[self.resolve(x) for x in avoid],
                                avoid_categories=self._avoided(avoid_categories), limit=limit))

    @gc_paused
    def metapaths(self, from_category: str, to_category: str, *, max_hops: int = DEFAULT_MAX_HOPS,
                  directed: bool = False, avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES,
                  recount_budget: int = 5_000_000) -> MetapathCounts:
        """The kinds of connection from entities of one category to another, each with its count
        of simple paths, most first (see :func:`axialkg.graph.count_metapaths`).

        >>> import axialkg
        >>> top = axialkg.open().metapaths("Drug", "radiological pattern", max_hops=2)[0]
        >>> str(top.metapath), top.count > 5
        ('Drug -treats-> Cause -causes pattern-> RadiologicalPattern', True)
        """
        from .graph import count_metapaths
        from .graph.model import MetapathCounts

        check_hops(max_hops)
        a, b = self.category(from_category), self.category(to_category)
        return MetapathCounts(count_metapaths(self.projection(), a, b, max_hops=max_hops, directed=directed,
                                              avoid_categories=self._avoided(avoid_categories),
                                              recount_budget=recount_budget))

    @gc_paused
    def connect(self, source: str | None = None, target: str | None = None, *, from_category: str | None = None,
                to_category: str | None = None, max_hops: int = DEFAULT_MAX_HOPS, directed: bool = False,
                damping: float = DAMPING, avoid_categories: Iterable[str] = DEFAULT_AVOID_CATEGORIES,
                max_paths: int = 1_000_000, stated_only: bool = False) -> Connections:
        """Connections ranked by DWPC (Hetionet's degree-weighted path count, damping 0.4): one
        entity or one category at each end, e.g. ``connect("ruxolitinib", "myelofibrosis")`` or
        ``connect(from_category="Drug", target="axial osteosclerosis")`` (see
        :func:`axialkg.graph.connect`).

        >>> import axialkg
        >>> ranked = axialkg.open().connect(from_category="JAK inhibitor", target="myelofibrosis", max_hops=2)
        >>> [(c.source["label"], round(c.dwpc, 2)) for c in ranked]
        [('momelotinib', 2.57), ('ruxolitinib', 2.46), ('fedratinib', 2.18)]
        """
        from .graph import connect
        from .graph.model import Connections

        check_hops(max_hops)
        check_ends(source, from_category, target, to_category)
        check_damping(damping)
        ends = {"source": None if source is None else self.resolve(source),
                "from_category": None if from_category is None else self.category(from_category),
                "target": None if target is None else self.resolve(target),
                "to_category": None if to_category is None else self.category(to_category)}
        return Connections(connect(self.projection(stated_only=stated_only), **ends, max_hops=max_hops, directed=directed,
                                   damping=damping, avoid_categories=self._avoided(avoid_categories), max_paths=max_paths))

    @gc_paused
    def judge(self, connections: list[Connection], *, permutations: int = 1000, seed: int = 0,
              damping: float = DAMPING, stated_only: bool = False) -> list:
        """P-values for connections from :meth:`connect` (asked with the same ``damping`` and
        ``stated_only``): each pair's DWPC against ``permutations`` degree-preserving edge
        permutations (see :mod:`axialkg.graph.permute`)."""
        from .graph import judge

        check_limit(permutations, name="permutations")
        return judge(self.projection(stated_only=stated_only), connections, permutations=permutations,
                     seed=seed, damping=damping)

    @gc_paused
    def neighbors(self, entity: str, hops: int = 1, *, directed: bool = False):
        """The neighbourhood subgraph (a MultiDiGraph) within ``hops`` hops of an entity, each node
        with its ``distance`` (see :func:`axialkg.graph.neighborhood_of`).

        >>> import axialkg
        >>> sub = axialkg.open().neighbors("JAK2")
        >>> sorted(a["label"] for _, a in sub.nodes(data=True) if a["distance"] == 1)[:3]
        ['JAK-STAT signalling', 'fedratinib', 'momelotinib']
        """
        from .graph import neighborhood_of

        check_hops(hops, name="hops", least=0)
        center = self.resolve(entity)
        if self.remote:  # on the engine: the ball and the edges among it, nothing more
            from .graph.frontier import ball_region

            G = ball_region(self._explorer(), center, hops, directed=directed)
        else:
            G = self.projection()
        alone = None
        if center not in G:  # an entity without claims: its page gives the one node
            info = self.entity(center)
            alone = {"label": info.label, "category": info.type_iris[0] if info.type_iris else None,
                     "category_label": info.types[0] if info.types else None}
        return neighborhood_of(G, center, hops, directed=directed, alone=alone)

    def diagnose(self, present: Iterable[str] = (), absent: Iterable[str] = (), *, top: int | None = 10,
                 prior: str = "article", tests: int = 3):
        """The differential for a patient's findings: causes by posterior, evidence, next tests
        (see :mod:`axialkg.diagnosis`); ``.to_json()`` gives the shape the endpoint returns.

        >>> import axialkg
        >>> d = axialkg.open().diagnose(["splenomegaly", "anaemia", "low marrow signal on MRI"]).to_json()
        >>> d["candidates"][0]["label"], d["candidates"][0]["probability"] > 0.5
        ('myelofibrosis', True)
        >>> sorted(d["candidates"][0]["supporting"][0])
        ['finding', 'label', 'likelihood_ratio', 'sources']
        """
        from .diagnosis import diagnose

        return diagnose(self, present, absent, top=top, prior=prior, tests=tests)

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
         graph_store_url: str | None = None, timeout: float | None = None, reasoned: bool = False,
         reload: bool = False) -> KnowledgeGraph:
    """Open the knowledge graph.

    ``store``: None/"" → the packaged release in memory (pyoxigraph); "oxigraph:DIR" → on disk,
    loaded once and reused; "rdflib"; or an http(s) SPARQL endpoint (or a parsed
    :class:`~axialkg.stores.StoreSpec`). ``graph``: the named graph that holds the data.
    ``reasoned``: answer over the OWL 2 RL closure. ``reload``: let an on-disk store that holds
    other data be replaced by the release (refused otherwise).

    >>> kg = open()
    >>> kg
    <KnowledgeGraph memory>
    >>> kg.resolve("marble bone disease")
    'https://w3id.org/axialkg/osteopetrosis'
    """
    from .stores import StoreSpec, open_store

    spec = StoreSpec.parse(store, graph=graph, update_url=update_url, graph_store_url=graph_store_url,
                           timeout=timeout)
    if reload:
        spec = spec.replace(reload=True)
    engine = open_store(spec)
    if not (reasoned or spec.reasoned):
        return KnowledgeGraph(engine)
    from .reasoned import reasoned_store

    closed, report = reasoned_store(engine)
    return KnowledgeGraph(closed, reasoned=True, reasoning_report=report)
