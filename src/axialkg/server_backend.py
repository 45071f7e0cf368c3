"""What a query worker of ``axialkg serve`` runs: SPARQL on the store, and the page's JSON.

One instance lives in each worker process (see server.py). It is the one seam between the
HTTP layer and the query layer: it opens the graph with ``axialkg.open(spec)`` and turns answers
into plain data (bytes or JSON-ready dicts) that cross the process pipe.
"""

from __future__ import annotations

from itertools import islice

from . import NAMESPACE
from . import server_formats as fmt
from .server import QueryError


def open_backend(store_spec: str | None) -> "Backend":
    return Backend(store_spec)


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
    return slug if slug.startswith(("http://", "https://")) else NAMESPACE + slug


class Backend:
    def __init__(self, store_spec: str | None):
        import pyoxigraph as ox

        self.ox = ox
        try:
            from . import api
        except ImportError:  # TEMPORARY until the query layer lands: a bare store on the release
            from .resources import release_path

            self.kg = None
            self.store = ox.Store()
            self.store.bulk_load(path=str(release_path("ttl")), format=ox.RdfFormat.TURTLE)
        else:
            self.kg = api.open(store_spec)
            self.store = _oxigraph_store(self.kg)

    def describe(self) -> dict:
        return {"triples": len(self.store) if self.store is not None else None}

    def run(self, op: str, *args):
        return getattr(self, "op_" + op)(*args)

    # ---- SPARQL protocol ---------------------------------------------------------------
    def op_sparql(self, text, accept, override, default_graphs, named_graphs, limit) -> dict:
        ox = self.ox
        kwargs = {}
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
        truncated = False
        if isinstance(result, ox.QueryBoolean):
            key, mime = fmt.negotiate(accept, graph=False, override=override)
            body = fmt.serialize_results({"head": {}, "boolean": bool(result)}, key)
            return {"content_type": mime, "body": body, "truncated": False}
        if isinstance(result, ox.QueryTriples):
            key, mime = fmt.negotiate(accept, graph=True, override=override)
            triples = list(islice(result, limit + 1))
            truncated = len(triples) > limit
            body = ox.serialize(triples[:limit], format=fmt.RDF_FORMATS[key](),
                                **({"prefixes": _prefixes()} if key == "turtle" else {}))
            return {"content_type": mime, "body": body, "truncated": truncated}
        variables = [v.value for v in result.variables]
        rows = []
        for solution in islice(result, limit + 1):
            if len(rows) == limit:
                truncated = True
                break
            rows.append({v: _term_json(solution[v]) for v in variables if solution[v] is not None})
        key, mime = fmt.negotiate(accept, graph=False, override=override)
        body = fmt.serialize_results({"head": {"vars": variables}, "results": {"bindings": rows}}, key)
        if mime.startswith("text/"):
            mime += "; charset=utf-8"
        return {"content_type": mime, "body": body, "truncated": truncated}

    # ---- the page's JSON ---------------------------------------------------------------
    def op_labels(self, iris: list[str]) -> dict:
        """IRI → rdfs:label for those that have one."""
        ox = self.ox
        iris = [i for i in dict.fromkeys(iris) if i.startswith(("http://", "https://")) and ">" not in i]
        if not iris:
            return {}
        values = " ".join(f"<{i}>" for i in iris)
        q = ("SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { " + values + " } "
             "?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } GROUP BY ?s")
        return {s["s"].value: s["label"].value for s in self.store.query(q) if isinstance(s["s"], ox.NamedNode)}


    def op_queries(self) -> dict:
        return {"queries": self._catalogue()}

    def op_named(self, name: str, values: dict, limit: int) -> dict:
        catalogue = {q["name"]: q for q in self._catalogue()}
        if name not in catalogue:
            raise QueryError(404, f"no named query {name!r}; known: {', '.join(sorted(catalogue)) or 'none'}")
        result = self._run_named(name, values)
        rows = result["results"]["bindings"] if "results" in result else None
        truncated = rows is not None and len(rows) > limit
        if truncated:
            result["results"]["bindings"] = rows[:limit]
        iris = [t["value"] for row in (rows or [])[:limit] for t in row.values() if t["type"] == "uri"]
        return {**result, "labels": self.op_labels(iris), "truncated": truncated, "name": name}

    def op_entity(self, slug: str) -> dict:
        return self._entity(slug_iri(slug))

    def op_neighbors(self, slug: str, hops: int) -> dict:
        return self._neighbors(slug_iri(slug), hops)

    # ---- the query layer, through one seam (filled in below) ------------------------------
    def _catalogue(self) -> list[dict]:
        raise QueryError(501, "named queries need the query layer (axialkg.api)")

    def _run_named(self, name: str, values: dict) -> dict:
        raise QueryError(501, "named queries need the query layer (axialkg.api)")

    def _entity(self, iri: str) -> dict:
        raise QueryError(501, "entity pages need the query layer (axialkg.api)")

    def _neighbors(self, iri: str, hops: int) -> dict:
        raise QueryError(501, "graph views need axialkg.paths")


def _prefixes() -> dict[str, str]:
    from .vocab import PREFIXES

    return dict(PREFIXES)


def _oxigraph_store(kg):
    """The pyoxigraph Store under ``kg`` (None for remote engines)."""
    return getattr(kg, "store", kg)
