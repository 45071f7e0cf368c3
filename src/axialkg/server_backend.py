"""What a query worker of ``axialkg serve`` runs: SPARQL on the store, and the page's JSON.

One instance lives in each worker process (see server.py): the seam between the HTTP layer and
the query layer. It opens the graph with :func:`axialkg.api.open` from the same store spec as every
other command, and answers named queries, entity pages and neighbourhoods through ``kg.query``,
``kg.entity`` and ``kg.neighbors``. Answers leave as plain data (bytes or JSON-ready dicts) that
cross the process pipe. Protocol SPARQL on an oxigraph-backed store streams straight from
pyoxigraph so a result cap never materialises a huge answer; other engines answer through
``kg.store.query``.
"""

from __future__ import annotations

import re
from itertools import islice

from . import NAMESPACE
from . import server_formats as fmt
from .errors import AxialKGError
from .server import QueryError


def open_backend(store_spec) -> "Backend":
    """``store_spec``: a spec string, None for the packaged release, or ``[spec, graph]``."""
    spec, graph = (store_spec if isinstance(store_spec, (list, tuple)) else (store_spec, None))
    return Backend(spec, graph)


def _term_json(term) -> dict:
    """A pyoxigraph term in the W3C SPARQL JSON form."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (fmt.XSD_STRING, fmt.RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def slug_iri(slug: str) -> str:
    iri = slug if slug.startswith(("http://", "https://")) else NAMESPACE + slug
    if re.search(r"[\s<>\"{}|\\^`]", iri):
        raise QueryError(404, f"no entity {slug!r}")
    return iri


class Backend:
    def __init__(self, store_spec: str | None, graph: str | None = None):
        from . import api

        self.kg = api.open(store_spec, graph=graph)
        engine = self.kg.store
        self.store = getattr(engine, "store", None) if type(engine).__name__ == "OxigraphStore" else None
        self._graph_kwargs = engine._kwargs() if self.store is not None else {}

    def describe(self) -> dict:
        return {"triples": len(self.kg.store) if hasattr(self.kg.store, "__len__") else None}

    def run(self, op: str, *args):
        try:
            return getattr(self, "op_" + op)(*args)
        except AxialKGError as exc:  # unknown entity, bad parameter, malformed SPARQL, endpoint down
            raise QueryError(404 if op in ("entity", "neighbors") else 400, str(exc)) from None

    # ---- SPARQL protocol ---------------------------------------------------------------
    def op_sparql(self, text, accept, override, default_graphs, named_graphs, limit) -> dict:
        if self.store is None:
            return self._sparql_via_layer(text, accept, override, default_graphs, named_graphs, limit)
        import pyoxigraph as ox

        kwargs = dict(self._graph_kwargs)
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self.store.query(text, **kwargs)
        except SyntaxError as exc:
            raise QueryError(400, f"malformed SPARQL: {exc}") from None
        except ValueError as exc:  # bad graph IRI and the like
            raise QueryError(400, str(exc)) from None
        if isinstance(result, ox.QueryBoolean):
            key, mime = fmt.negotiate(accept, graph=False, override=override)
            body = fmt.serialize_results({"head": {}, "boolean": bool(result)}, key)
            return {"content_type": mime, "body": body, "truncated": False}
        if isinstance(result, ox.QueryTriples):
            key, mime = fmt.negotiate(accept, graph=True, override=override)
            triples = list(islice(result, limit + 1))
            body = ox.serialize(triples[:limit], format=fmt.RDF_FORMATS[key](),
                                **({"prefixes": _prefixes()} if key == "turtle" else {}))
            return {"content_type": mime, "body": body, "truncated": len(triples) > limit}
        variables = [v.value for v in result.variables]
        rows = [{v: _term_json(s[v]) for v in variables if s[v] is not None} for s in islice(result, limit + 1)]
        return self._bindings_answer(variables, rows, accept, override, limit)

    def _sparql_via_layer(self, text, accept, override, default_graphs, named_graphs, limit) -> dict:
        """Protocol SPARQL on an engine without a pyoxigraph store (rdflib, a remote endpoint)."""
        if default_graphs or named_graphs:
            raise QueryError(400, "default-graph-uri and named-graph-uri need an oxigraph-backed --store")
        result = self.kg.store.query(text)
        if result.kind == "boolean":
            key, mime = fmt.negotiate(accept, graph=False, override=override)
            return {"content_type": mime, "body": fmt.serialize_results({"head": {}, "boolean": bool(result.boolean)}, key),
                    "truncated": False}
        if result.kind == "graph":
            import pyoxigraph as ox

            key, mime = fmt.negotiate(accept, graph=True, override=override)
            triples = [ox.Triple(*(_ox_term(r[k]) for k in ("subject", "predicate", "object")))
                       for r in result.rows[:limit]]
            body = ox.serialize(triples, format=fmt.RDF_FORMATS[key](),
                                **({"prefixes": _prefixes()} if key == "turtle" else {}))
            return {"content_type": mime, "body": body, "truncated": len(result.rows) > limit}
        rows = [{k: t.to_json() for k, t in r.items()} for r in result.rows[:limit + 1]]
        return self._bindings_answer(result.variables, rows, accept, override, limit)

    @staticmethod
    def _bindings_answer(variables, rows, accept, override, limit) -> dict:
        truncated = len(rows) > limit
        key, mime = fmt.negotiate(accept, graph=False, override=override)
        body = fmt.serialize_results({"head": {"vars": variables}, "results": {"bindings": rows[:limit]}}, key)
        if mime.startswith("text/"):
            mime += "; charset=utf-8"
        return {"content_type": mime, "body": body, "truncated": truncated}

    # ---- the page's JSON ---------------------------------------------------------------
    def op_labels(self, iris: list[str]) -> dict:
        """IRI → rdfs:label for those that have one."""
        from .queries import LABELS_OF
        from .stores import inject_values

        iris = [i for i in dict.fromkeys(iris) if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", i)]
        out: dict[str, str] = {}
        for i in range(0, len(iris), 200):
            rows = self.kg.store.query(inject_values(LABELS_OF, {"s": iris[i:i + 200]}))
            out.update({r["s"].value: r["label"].value for r in rows if "label" in r})
        return out

    def op_queries(self) -> dict:
        from .queries import catalogue

        return {"queries": [{"name": q.name, "title": q.title, "description": q.description,
                             "parameters": [{"name": p.name, "description": p.kind} for p in q.parameters],
                             "sparql": q.sparql} for q in catalogue().values()]}

    def op_named(self, name: str, values: dict, limit: int) -> dict:
        from .queries import catalogue

        if name not in catalogue():
            raise QueryError(404, f"no named query {name!r}; known: {', '.join(sorted(catalogue()))}")
        params = {k: v for k, v in values.items() if v not in (None, "")}
        result = self.kg.query(name, **params)
        if result.kind == "boolean":
            return {"head": {}, "boolean": bool(result.boolean), "labels": {}, "truncated": False, "name": name}
        rows = [{k: t.to_json() for k, t in r.items()} for r in result.rows[:limit]]
        iris = [t["value"] for row in rows for t in row.values() if t["type"] == "uri"]
        return {"head": {"vars": result.variables}, "results": {"bindings": rows},
                "labels": self.op_labels(iris), "truncated": len(result.rows) > limit, "name": name}

    def op_entity(self, slug: str) -> dict:
        info = self.kg.entity(slug_iri(slug))
        return {"iri": info.iri, "slug": info.iri[len(NAMESPACE):] if info.iri.startswith(NAMESPACE) else None,
                "label": info.label, "definition": info.definition, "synonyms": info.synonyms,
                "brand_names": info.brand_names, "xrefs": info.xrefs, "comment": info.comment,
                "types": [{"iri": i, "label": t} for i, t in zip(info.type_iris, info.types)],
                "claims": [{"direction": c.direction, "predicate": c.predicate, "predicate_label": c.predicate_label,
                            "other": {"iri": c.other, "label": c.other_label},
                            "sources": [{"label": s} for s in c.sources], "further_sources": c.further_sources,
                            "section": {"label": c.section} if c.section else None} for c in info.claims]}

    def op_neighbors(self, slug: str, hops: int) -> dict:
        """The entity's neighbourhood in the page's JSON shape, from the paths projection."""
        g = self.kg.neighbors(slug_iri(slug), hops)
        center = self.kg.resolve(slug_iri(slug))
        nodes = [{"id": n, "iri": n, "label": d.get("label", n), "category": d.get("category_label") or d.get("category")}
                 for n, d in sorted(g.nodes(data=True), key=lambda nd: (nd[0] != center, nd[0]))]
        edges = [{"source": u, "target": v, "predicate": d.get("predicate"), "label": d.get("label"),
                  "sources": list(d.get("sources") or [])} for u, v, d in g.edges(data=True)]
        return {"center": center, "nodes": nodes, "edges": edges}


def _ox_term(term):
    """A results Term as a pyoxigraph term (for serialising CONSTRUCT answers)."""
    import pyoxigraph as ox

    if term.type == "uri":
        return ox.NamedNode(term.value)
    if term.type == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype)) if term.datatype else ox.Literal(term.value)


def _prefixes() -> dict[str, str]:
    from .vocab import PREFIXES

    return dict(PREFIXES)
