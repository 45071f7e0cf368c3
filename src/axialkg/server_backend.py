"""What a query worker of ``axialkg serve`` runs: SPARQL on the store, and the page's JSON.

One instance lives in each worker process (see server.py). It is the one seam between the
HTTP layer and the graph: answers leave it as plain data (bytes or JSON-ready dicts) that cross
the process pipe. The default store is the packaged release in oxigraph; another ``--store`` spec
is opened with ``axialkg.api.open``. Named queries, entity pages and neighbourhoods are read from
the store here until they are wired to the query layer (``kg.query``, ``kg.entity``,
``paths.neighbors``): the ``_catalogue``/``_run_named``/``_entity``/``_neighbors`` methods are the seam.
"""

from __future__ import annotations

import re
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
    iri = slug if slug.startswith(("http://", "https://")) else NAMESPACE + slug
    if re.search(r"[\s<>\"{}|\\^`]", iri):
        raise QueryError(404, f"no entity {slug!r}")
    return iri


class Backend:
    def __init__(self, store_spec: str | None):
        import pyoxigraph as ox

        self.ox = ox
        self._catalogue_cache = None
        self.kg = None
        if store_spec is None:  # the packaged release in an in-memory oxigraph store
            from .resources import release_path

            self.store = ox.Store()
            self.store.bulk_load(path=str(release_path("ttl")), format=ox.RdfFormat.TURTLE)
            return
        try:
            from . import api
        except ImportError:
            raise QueryError(400, "--store needs the query layer (axialkg.api), which is not installed") from None
        self.kg = api.open(store_spec)
        self.store = _oxigraph_store(self.kg)
        if self.store is None:
            raise QueryError(400, f"--store {store_spec}: serve needs an oxigraph-backed store for now")

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

    # ---- the query layer, through one seam ------------------------------------------------
    # Until axialkg.api lands these read the store directly (the same SPARQL the query layer
    # owns); each is one call into the query layer once it is there.
    def _catalogue(self) -> list[dict]:
        if self._catalogue_cache is None:
            from .resources import queries_dir

            self._catalogue_cache = [_read_rq(p) for p in sorted(queries_dir().glob("*.rq"))]
        return self._catalogue_cache

    def _resolve(self, value: str) -> str:
        """An IRI for a slug, IRI, label or exact synonym (case-insensitive); 400 if none or several."""
        if value.startswith(("http://", "https://")):
            return value
        if value.startswith("axkg:"):
            return NAMESPACE + value[5:]
        ox = self.ox
        q = ("SELECT DISTINCT ?s WHERE { VALUES ?v { " + str(ox.Literal(value)) + " } "
             "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION "
             "{ ?s <http://www.geneontology.org/formats/oboInOwl#hasExactSynonym> ?l } "
             "FILTER(LCASE(STR(?l)) = LCASE(STR(?v))) }")
        hits = [r["s"].value for r in self.store.query(q)]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            if re.fullmatch(r"[\w.-]+", value) and next(iter(self.store.quads_for_pattern(
                    ox.NamedNode(NAMESPACE + value), None, None)), None):
                return NAMESPACE + value
            raise QueryError(400, f"no entity matches {value!r}")
        raise QueryError(400, f"{value!r} is ambiguous: {', '.join(sorted(hits))}")

    def _run_named(self, name: str, values: dict) -> dict:
        ox = self.ox
        q = next(q for q in self._catalogue() if q["name"] == name)
        known = {p["name"] for p in q["parameters"]}
        unknown = sorted(set(values) - known)
        if unknown:
            raise QueryError(400, f"unknown parameter {unknown[0]!r} for {name}; it takes: {', '.join(sorted(known)) or 'none'}")
        subs = {}
        for p in q["parameters"]:
            value = values.get(p["name"], p.get("default"))
            if value in (None, ""):
                raise QueryError(400, f"{name} needs parameter {p['name']!r}")
            subs[p["name"]] = ox.NamedNode(self._resolve(value))  # validated IRI, written as an RDF term
        text = q["sparql"]
        if subs:  # bound inside the WHERE group, where it constrains the pattern
            m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE) or re.search(r"\{", text)
            values = " VALUES (" + " ".join("?" + k for k in subs) + ") { (" + " ".join(map(str, subs.values())) + ") } "
            text = text[:m.end()] + values + text[m.end():]
        result = self.store.query(text)
        if isinstance(result, ox.QueryBoolean):
            return {"head": {}, "boolean": bool(result)}
        variables = [v.value for v in result.variables]
        rows = [{v: _term_json(r[v]) for v in variables if r[v] is not None} for r in result]
        return {"head": {"vars": variables}, "results": {"bindings": rows}}

    def _entity(self, iri: str) -> dict:
        ox = self.ox
        node = ox.NamedNode(iri)
        if next(iter(self.store.quads_for_pattern(node, None, None)), None) is None:
            raise QueryError(404, f"no entity {iri}")
        objs = lambda p: sorted({q.object.value for q in self.store.quads_for_pattern(node, ox.NamedNode(p), None)})
        labels = self.op_labels
        types = [t for t in objs(RDF_TYPE) if t != OWL + "NamedIndividual"]
        tl = labels(types)
        claims = []
        q = ("SELECT ?dir ?p ?o (GROUP_CONCAT(DISTINCT STR(?src); separator=' ') AS ?srcs) (MAX(?n) AS ?further) "
             "(SAMPLE(?sec) AS ?section) WHERE { VALUES ?e { " + str(node) + " } { ?e ?p ?o BIND('out' AS ?dir) } UNION { ?o ?p ?e BIND('in' AS ?dir) } "
             "?p a <http://www.w3.org/2002/07/owl#ObjectProperty> . FILTER(isIRI(?o)) "
             "OPTIONAL { ?ax <http://www.w3.org/2002/07/owl#annotatedProperty> ?p ; "
             "<http://www.w3.org/2002/07/owl#annotatedSource> ?as ; <http://www.w3.org/2002/07/owl#annotatedTarget> ?at . "
             "FILTER((?dir = 'out' && ?as = ?e && ?at = ?o) || (?dir = 'in' && ?as = ?o && ?at = ?e)) "
             "OPTIONAL { ?ax <http://purl.org/dc/terms/source> ?src } "
             "OPTIONAL { ?ax <https://w3id.org/axialkg/furtherSourceCount> ?n } "
             "OPTIONAL { ?ax <http://www.w3.org/ns/prov#wasDerivedFrom> ?sec } } "
             "} GROUP BY ?dir ?p ?o ORDER BY ?dir ?p ?o")
        rows = list(self.store.query(q))
        iris = [r[k].value for r in rows for k in ("p", "o") if r[k] is not None]
        iris += [s for r in rows if r["srcs"] is not None for s in r["srcs"].value.split()]
        iris += [r["section"].value for r in rows if r["section"] is not None]
        lab = labels(iris)
        for r in rows:
            srcs = r["srcs"].value.split() if r["srcs"] is not None else []
            sec = r["section"].value if r["section"] is not None else None
            claims.append({"direction": r["dir"].value, "predicate": r["p"].value,
                           "predicate_label": lab.get(r["p"].value, r["p"].value.rsplit("/", 1)[-1]),
                           "other": {"iri": r["o"].value, "label": lab.get(r["o"].value, r["o"].value)},
                           "sources": [{"iri": x, "label": lab.get(x, x)} for x in srcs],
                           "further_sources": int(r["further"].value) if r["further"] is not None else 0,
                           "section": {"iri": sec, "label": lab.get(sec, sec)} if sec else None})
        label = objs(RDFS_LABEL)
        return {"iri": iri, "slug": iri[len(NAMESPACE):] if iri.startswith(NAMESPACE) else None,
                "label": label[0] if label else iri, "definition": (objs(DEFINITION) or [None])[0],
                "synonyms": objs(SYNONYM), "xrefs": objs(XREF),
                "types": [{"iri": t, "label": tl.get(t, t.rsplit("/", 1)[-1])} for t in types], "claims": claims}

    def _neighbors(self, iri: str, hops: int) -> dict:
        entity = self._entity(iri)
        nodes = {iri: {"id": iri, "iri": iri, "label": entity["label"],
                       "category": entity["types"][0]["label"] if entity["types"] else None}}
        edges = []
        frontier = [entity]
        for hop in range(hops):
            nxt = []
            for e in frontier:
                for c in e["claims"]:
                    o = c["other"]["iri"]
                    if o not in nodes:
                        sub = self._entity(o)
                        nodes[o] = {"id": o, "iri": o, "label": sub["label"],
                                    "category": sub["types"][0]["label"] if sub["types"] else None}
                        nxt.append(sub)
                    src, dst = (e["iri"], o) if c["direction"] == "out" else (o, e["iri"])
                    edges.append({"source": src, "target": dst, "predicate": c["predicate"],
                                  "label": c["predicate_label"], "sources": [s["label"] for s in c["sources"]]})
            frontier = nxt
        seen, unique = set(), []
        for ed in edges:
            key = (ed["source"], ed["predicate"], ed["target"])
            if key not in seen:
                seen.add(key)
                unique.append(ed)
        return {"center": iri, "nodes": list(nodes.values()), "edges": unique}


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OWL = "http://www.w3.org/2002/07/owl#"
DEFINITION = "http://purl.obolibrary.org/obo/IAO_0000115"
SYNONYM = "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"
XREF = "http://www.geneontology.org/formats/oboInOwl#hasDbXref"


def _read_rq(path) -> dict:
    """A named query file: ``# key: value`` header lines (title, description, parameters) and its SPARQL."""
    text = path.read_text(encoding="utf-8")
    meta, params = {}, []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, _, value = line.lstrip("# ").partition(":")
        key = key.strip().lower()
        if key in ("title", "description"):
            meta[key] = (meta.get(key, "") + " " + value.strip()).strip()
        elif key in ("parameters", "params"):
            for name, desc in re.findall(r"[?$]?([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?", value):
                params.append({"name": name, "description": desc.strip()})
        elif key.startswith(("param ", "parameter ")):
            params.append({"name": key.split()[1].strip("?$"), "description": value.strip()})
    return {"name": path.stem, "title": meta.get("title", ""), "description": meta.get("description", ""),
            "parameters": params, "sparql": text}


def _prefixes() -> dict[str, str]:
    from .vocab import PREFIXES

    return dict(PREFIXES)


def _oxigraph_store(kg):
    """The pyoxigraph Store under a KnowledgeGraph, looked for where an engine wrapper keeps it
    (None for engines without one, such as a remote endpoint)."""
    import pyoxigraph as ox

    todo, seen = [kg], set()
    while todo:
        obj = todo.pop(0)
        if isinstance(obj, ox.Store):
            return obj
        if id(obj) in seen or len(seen) > 20:
            continue
        seen.add(id(obj))
        todo += [getattr(obj, name) for name in ("store", "_store", "engine", "_engine", "oxigraph", "_ox")
                 if getattr(obj, name, None) is not None]
    return None
