"""What the SPARQL endpoint says and how: content negotiation and the service description.

Answers are written by :meth:`axialkg.results.Results.serialize`, the same serializers the command
line and the Python API use; this module only picks the format a client asked for.
"""

from __future__ import annotations

from ..rdfio import BY_NAME
from ..results import RESULT_MEDIA_TYPES

# key → media type; the first is the default when the client accepts anything.
RESULT_TYPES = RESULT_MEDIA_TYPES
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
}
# other names clients use for the same things (Accept values and ?format= values)
_ALIASES = {
    "application/json": ("json", "jsonld"),
    "application/xml": ("xml", None), "text/xml": ("xml", None),
    "text/plain": (None, "ntriples"), "application/x-turtle": (None, "turtle"),
    "json": ("json", "jsonld"), "xml": ("xml", None), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
}


def _accept_list(accept: str) -> list[tuple[str, float]]:
    out = []
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q, i))
    out.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in out]


def negotiate(accept: str, graph: bool, override: str | None = None) -> tuple[str, str]:
    """(key, media type) for a result: ``graph`` for CONSTRUCT/DESCRIBE, else SELECT/ASK.

    ``override`` is a ``?format=`` value (a short name or a media type) and wins over Accept.
    Nothing acceptable falls back to the default rather than a 406: a client gets something readable.
    """
    table = GRAPH_TYPES if graph else RESULT_TYPES
    by_type = {v: k for k, v in table.items()}
    candidates = [(override.lower(), 1.0)] if override else _accept_list(accept or "*/*")
    for mime, q in candidates:
        if q <= 0:
            continue
        if mime in by_type:
            return by_type[mime], mime
        alias = _ALIASES.get(mime)
        named = alias[1 if graph else 0] if alias else None
        if named:
            return named, table[named]
        if mime in ("*/*", "*") or (mime.endswith("/*") and any(t.startswith(mime[:-1]) for t in by_type)):
            key = next(k for k, t in table.items() if mime in ("*/*", "*") or t.startswith(mime[:-1]))
            return key, table[key]
    key = next(iter(table))
    return key, table[key]


def service_description(endpoint: str, triples: int | None) -> str:
    """A W3C SPARQL 1.1 Service Description of this endpoint, in Turtle."""
    formats = ", ".join(f"fmt:{n}" for n in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                             "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD"))
    size = f" ;\n            void:triples {int(triples)}" if triples is not None else ""
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    dcterms:title "axialkg: the knowledge graph of axial osteosclerosis (read-only)" ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat {formats} ;
    sd:feature sd:EmptyGraphs ;
    sd:defaultDataset [
        a sd:Dataset ;
        sd:defaultGraph [
            a sd:Graph{size}
        ]
    ] .
"""


def convert_turtle(ttl: str, accept: str, override: str | None) -> tuple[str, bytes]:
    """Turtle re-expressed in the negotiated RDF format: (media type, bytes)."""
    key, mime = negotiate(accept, graph=True, override=override)
    if key == "turtle":
        return mime, ttl.encode()
    import pyoxigraph as ox

    triples = list(ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE))
    return mime, ox.serialize(triples, format=BY_NAME[key].ox()) or b""


__all__ = ["GRAPH_TYPES", "RESULT_TYPES", "convert_turtle", "negotiate", "service_description"]
