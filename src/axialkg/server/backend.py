"""What a query worker of ``axialkg serve`` runs: SPARQL on the store, and the page's JSON.

One instance lives in each worker process (see :mod:`.workers`): the seam between the HTTP layer
and the query layer. It opens the graph with :func:`axialkg.api.open` from the same store spec as
every other command, and answers through the Store protocol (``kg.store.query`` with the result
cap, serialized by :meth:`axialkg.results.Results.serialize`; on a pyoxigraph store a SELECT or ASK
within the cap is written by :mod:`axialkg.stores.native`, the same bytes) and the API
(``kg.query``, ``kg.entity``, ``kg.neighbors``). Answers leave as plain data (bytes or JSON-ready
dicts) that cross the process pipe.
"""

from __future__ import annotations

import re

from ..errors import AxialKGError, QueryError
from ..queries import catalogue, internal
from ..sparql import with_prefixes
from ..stores import StoreSpec, inject_values, native
from ..vocab import NAMESPACE
from . import protocol


def _plain(hit) -> dict:
    """A search hit as JSON-ready data (the layer's Hit dataclass, or a dict)."""
    import dataclasses

    for name in ("to_json", "as_dict"):
        if hasattr(hit, name):
            return getattr(hit, name)()
    return dataclasses.asdict(hit) if dataclasses.is_dataclass(hit) and not isinstance(hit, type) else dict(hit)


def _remember(table: dict, key, value, limit: int = 4096) -> None:
    if len(table) >= limit:
        table.clear()
    table[key] = value


def _charset(mime: str) -> str:
    return mime + "; charset=utf-8" if mime.startswith("text/") else mime


def open_backend(spec: StoreSpec) -> "Backend":
    return Backend(spec)


def prepare(spec: StoreSpec, *, reasoned: bool = False, reload: bool = False) -> StoreSpec:
    """The spec the workers open. An on-disk store is loaded (or refused) once here, in the
    parent, and then opened read-only by every worker, which a store's lock allows."""
    spec = spec.replace(reasoned=reasoned or spec.reasoned)
    if spec.engine != "oxigraph":
        return spec
    from ..stores import open_store

    open_store(spec.replace(reload=reload, reasoned=False)).close()
    return spec.replace(read_only=True)


def slug_iri(slug: str) -> str:
    iri = slug if slug.startswith(("http://", "https://")) else NAMESPACE + slug
    if re.search(r"[\s<>\"{}|\\^`]", iri):
        raise QueryError(404, f"no entity {slug!r}")
    return iri


class Backend:
    def __init__(self, spec: StoreSpec):
        from .. import api

        self.kg = api.open(spec)
        self._texts: dict[tuple, str] = {}  # (query, base) → the text run
        self._formats: dict[tuple, tuple[str, str]] = {}  # (Accept, graph?, format=) → (key, media type)

    def _negotiate(self, accept: str, graph: bool, override: str | None) -> tuple[str, str]:
        asked = (accept, graph, override)
        found = self._formats.get(asked)
        if found is None:
            found = protocol.negotiate(accept, graph=graph, override=override)
            _remember(self._formats, asked, found)
        return found

    def close(self) -> None:
        self.kg.close()

    def describe(self) -> dict:
        from ..queries import internal

        described = self.kg.store.query(internal("dataset-description"))
        return {"triples": self.kg.store.triple_count(), "dataset": described.to_ntriples()}

    def run(self, op: str, *args):
        try:
            return getattr(self, "op_" + op)(*args)
        except QueryError:
            raise
        except AxialKGError as exc:  # unknown entity, bad parameter, malformed SPARQL, endpoint down
            raise QueryError(404 if op in ("entity", "neighbors") else 400, str(exc)) from None
        except TypeError as exc:  # a parameter the method does not take (search, diagnose)
            if op in ("search", "diagnose"):
                raise QueryError(400, str(exc)) from None
            raise

    # ---- SPARQL protocol ---------------------------------------------------------------
    def op_sparql(self, text, accept, override, default_graphs, named_graphs, limit, base=None) -> dict:
        asked = (text, base)
        prepared = self._texts.get(asked)
        if prepared is None:  # the same text comes again and again: prefixed once
            prepared = with_prefixes(text)
            if base:  # relative IRIs resolve against the endpoint (a BASE of the query's own comes later and wins)
                prepared = f"BASE <{base}> " + prepared
            _remember(self._texts, asked, prepared)
        text = prepared
        key, mime = self._negotiate(accept, False, override)
        # pyoxigraph's own writer where it gives our bytes (a SELECT or ASK within the cap): no Terms
        kind, body = native.answer(self.kg.store, text, key, limit=limit, default_graphs=default_graphs or None,
                                   named_graphs=named_graphs or None)
        if body is not None:
            return {"content_type": _charset(mime), "body": body, "truncated": False}
        result = self.kg.store.query(text, limit=limit, default_graphs=default_graphs or None,
                                     named_graphs=named_graphs or None)
        if result.kind == "graph":
            key, mime = self._negotiate(accept, True, override)
        else:
            mime = _charset(mime)
        return {"content_type": mime, "body": result.serialize(key), "truncated": result.truncated}

    # ---- the page's JSON ---------------------------------------------------------------
    def op_labels(self, iris: list[str]) -> dict:
        """IRI → rdfs:label for those that have one."""
        iris = [i for i in dict.fromkeys(iris) if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", i)]
        out: dict[str, str] = {}
        for i in range(0, len(iris), 200):
            rows = self.kg.store.query(inject_values(internal("labels-of"), {"s": iris[i:i + 200]}))
            out.update({r["s"].value: r["label"].value for r in rows if "label" in r})
        return out

    def op_queries(self) -> dict:
        return {"queries": [{"name": q.name, "title": q.title, "description": q.description,
                             "parameters": [{"name": p.name, "description": p.kind} for p in q.parameters],
                             "sparql": q.sparql} for q in catalogue().values()]}

    def op_named(self, name: str, values: dict, limit: int) -> dict:
        known = catalogue()
        if name not in known:
            raise QueryError(404, f"no named query {name!r}; known: {', '.join(sorted(known))}")
        params = {k: v for k, v in values.items() if v not in (None, "")}
        result = self.kg.query(name, **params)
        if result.kind == "boolean":
            return {**result.as_sparql_json(), "labels": {}, "truncated": False, "name": name}
        doc = result.as_sparql_json()
        rows = doc["results"]["bindings"] = doc["results"]["bindings"][:limit]
        iris = [t["value"] for row in rows for t in row.values() if t["type"] == "uri"]
        return {**doc, "labels": self.op_labels(iris), "truncated": len(result.rows) > limit, "name": name}

    def op_search(self, text: str, category: str | None, limit: int) -> dict:
        search = getattr(self.kg, "search", None)
        if search is None:
            raise QueryError(501, "search is not available in this version")
        hits = search(text, category=category, limit=limit)
        return {"results": [_plain(h) for h in hits]}

    def op_diagnose(self, args: dict) -> dict:
        diagnose = getattr(self.kg, "diagnose", None)
        if diagnose is None:
            raise QueryError(501, "diagnosis is not available in this version")
        return diagnose(**args).to_json()

    def op_entity(self, slug: str, limit: int = 0, offset: int = 0) -> dict:
        """The entity page; ``limit`` claims from the ``offset``-th (0: every claim)."""
        info = self.kg.entity(slug_iri(slug), limit=limit, offset=offset)
        return {"iri": info.iri, "claim_count": len({(c.direction, c.predicate, c.other) for c in info.claims})
                if info.claim_count is None else info.claim_count,
                "offset": offset if limit else 0, "slug": info.iri[len(NAMESPACE):] if info.iri.startswith(NAMESPACE) else None,
                "label": info.label, "definition": info.definition, "synonyms": info.synonyms,
                "brand_names": info.brand_names, "xrefs": info.xrefs, "comment": info.comment,
                "types": [{"iri": i, "label": t} for i, t in zip(info.type_iris, info.types)],
                "claims": [{"direction": c.direction, "predicate": c.predicate, "predicate_label": c.predicate_label,
                            "other": {"iri": c.other, "label": c.other_label},
                            "sources": [{"label": s} for s in c.sources], "further_sources": c.further_sources,
                            "section": {"label": c.section} if c.section else None} for c in info.claims]}

    def op_neighbors(self, slug: str, hops: int) -> dict:
        """The entity's neighbourhood in the page's JSON shape, from the graph projection."""
        g = self.kg.neighbors(slug_iri(slug), hops)
        center = g.graph["center"]
        nodes = [{"id": n, "iri": n, "label": d.get("label", n), "category": d.get("category_label") or d.get("category")}
                 for n, d in sorted(g.nodes(data=True), key=lambda nd: (nd[0] != center, nd[0]))]
        edges = [{"source": u, "target": v, "predicate": d.get("predicate"), "label": d.get("label"),
                  "sources": list(d.get("sources") or [])} for u, v, d in g.edges(data=True)]
        return {"center": center, "nodes": nodes, "edges": edges}
