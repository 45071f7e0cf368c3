"""Named SPARQL queries on the embedded store, with parameters bound as RDF terms.

A value given by a user (label, synonym, brand name, CURIE, IRI) is first resolved to an
entity IRI; only that IRI, written as an RDF term, enters the query, as a VALUES row.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import NAMESPACE
from .errors import AxialKGError, UsageError
from .resources import queries_dir, release_path

LABEL_INDEX = """
SELECT ?s ?v ?kind WHERE {
  { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?v . BIND(0 AS ?kind) }
  UNION { ?s <http://www.geneontology.org/formats/oboInOwl#hasExactSynonym> ?v . BIND(1 AS ?kind) }
  UNION { ?s <http://www.geneontology.org/formats/oboInOwl#hasDbXref> ?v . BIND(1 AS ?kind) }
  ?s a <http://www.w3.org/2002/07/owl#NamedIndividual> .
}"""


@dataclass
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: list[str]
    sparql: str

    @classmethod
    def read(cls, path: Path) -> "NamedQuery":
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        params: list[str] = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            key, _, value = line.lstrip("# ").partition(":")
            key = key.strip().lower()
            if key == "parameters":
                params += re.findall(r"([A-Za-z_]\w*)\s*(?:\([^)]*\))?", value)
            else:
                meta[key] = value.strip()
        return cls(path.stem, meta.get("title", ""), meta.get("description", ""), params, text)


def catalogue() -> dict[str, NamedQuery]:
    return {p.stem: NamedQuery.read(p) for p in sorted(queries_dir().glob("*.rq"), key=lambda p: p.stem)}


def find_query(name_or_path: str) -> NamedQuery:
    path = Path(name_or_path)
    if name_or_path.endswith(".rq") and path.is_file():
        return NamedQuery.read(path)
    known = catalogue()
    if name_or_path not in known:
        raise UsageError(f"no named query '{name_or_path}'; available: {', '.join(known) or 'none'}")
    return known[name_or_path]


@dataclass
class EmbeddedGraph:
    """The packaged release in an in-memory pyoxigraph store."""

    store: object = field(init=False)
    _index: list | None = field(default=None, init=False)

    def __post_init__(self):
        import pyoxigraph as ox

        self.store = ox.Store()
        self.store.bulk_load(path=str(release_path("ttl")), format=ox.RdfFormat.TURTLE)

    def resolve(self, value: str) -> str:
        """Entity IRI for a value; an exact label beats a synonym; unknown or ambiguous → exit 2."""
        if value.startswith(NAMESPACE) or value.startswith("axkg:"):
            return NAMESPACE + value.removeprefix(NAMESPACE).removeprefix("axkg:")
        if self._index is None:
            self._index = [(r["s"].value, r["v"].value, int(r["kind"].value)) for r in self.store.query(LABEL_INDEX)]
        wanted = value.strip().casefold()
        for kind in (0, 1):
            hits = sorted({s for s, v, k in self._index if k == kind and v.casefold() == wanted})
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise UsageError(f"'{value}' matches several entities: {', '.join(h.removeprefix(NAMESPACE) for h in hits)}")
        labels = sorted({v for _, v, k in self._index if k == 0})
        close = difflib.get_close_matches(value, labels, n=3, cutoff=0.6)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        raise UsageError(f"no entity '{value}'{hint}")

    def run(self, query: NamedQuery, params: dict[str, str]) -> tuple[list[str], list[dict]]:
        import pyoxigraph as ox

        unknown = sorted(set(params) - set(query.parameters))
        if unknown:
            raise UsageError(f"query '{query.name}' has no parameter '{unknown[0]}'; it takes: "
                             f"{', '.join(query.parameters) or 'none'}")
        missing = [p for p in query.parameters if p not in params]
        if missing:
            raise UsageError(f"query '{query.name}' needs --param {missing[0]}=VALUE")
        text = query.sparql
        if params:
            terms = {k: ox.NamedNode(self.resolve(v)) for k, v in params.items()}
            values = "VALUES (" + " ".join(f"?{k}" for k in terms) + ") { (" + " ".join(map(str, terms.values())) + ") }"
            m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
            text = text[:m.end()] + " " + values + " " + text[m.end():]
        try:
            result = self.store.query(text)
        except SyntaxError as exc:
            raise AxialKGError(f"malformed SPARQL in '{query.name}': {exc}".splitlines()[0]) from None
        variables = [v.value for v in result.variables]
        rows = [{v: r[v] for v in variables if r[v] is not None} for r in result]
        return variables, rows


def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def to_json(variables: list[str], rows: list[dict]) -> str:
    """W3C SPARQL 1.1 Query Results JSON."""
    return json.dumps({"head": {"vars": variables},
                       "results": {"bindings": [{k: _term_json(v) for k, v in r.items()} for r in rows]}}, indent=2)


def to_table(variables: list[str], rows: list[dict]) -> str:
    cells = [[("" if v not in r else r[v].value.removeprefix(NAMESPACE)) for v in variables] for r in rows]
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(variables)]
    line = lambda vals: "  ".join(x.ljust(w) for x, w in zip(vals, widths)).rstrip()  # noqa: E731
    out = [line(variables), line(["-" * w for w in widths])] + [line(c) for c in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
