"""What the SPARQL endpoint says and how: content negotiation and the service description.

Answers are written by :meth:`axialkg.results.Results.serialize`, the same serializers the command
line and the Python API use; this module only picks the format a client asked for.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import QueryError
from ..rdfio import BY_NAME
from ..results import RESULT_MEDIA_TYPES

# key → media type; the first is the default when the client accepts anything.
RESULT_TYPES = RESULT_MEDIA_TYPES
# the RDF syntaxes a CONSTRUCT or DESCRIBE answer comes in (rdfio's table), the first the default
GRAPH_TYPES = {name: BY_NAME[name].media_type for name in ("turtle", "ntriples", "rdfxml", "jsonld")}
# other names clients use (Accept values and ?format= values): for graphs every name rdfio knows a
# syntax by; for results the SPARQL results formats' short names and generic media types
_GRAPH_ALIASES = {alias: name for name in GRAPH_TYPES for alias in BY_NAME[name].names}
_RESULT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml",
                   "json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}


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

    ``override`` is a ``?format=`` value (a short name or a media type): it wins over Accept when
    it names a format of this kind of result, and is ignored otherwise (then Accept decides).
    Nothing acceptable falls back to the default rather than a 406: a client gets something readable.
    """
    table = GRAPH_TYPES if graph else RESULT_TYPES
    by_type = {v: k for k, v in table.items()}
    candidates = _accept_list(accept or "*/*")
    if override:
        candidates = [(override.strip().lower(), 1.0)] + candidates
    for mime, q in candidates:
        if q <= 0:
            continue
        if mime in by_type:
            return by_type[mime], mime
        named = (_GRAPH_ALIASES if graph else _RESULT_ALIASES).get(mime)
        if named:
            return named, table[named]
        if mime == override_key(override):
            continue  # an unknown ?format= value: fall back to Accept
        if mime in ("*/*", "*") or (mime.endswith("/*") and any(t.startswith(mime[:-1]) for t in by_type)):
            key = next(k for k, t in table.items() if mime in ("*/*", "*") or t.startswith(mime[:-1]))
            return key, table[key]
    key = next(iter(table))
    return key, table[key]


def override_key(override: str | None) -> str | None:
    return override.strip().lower() if override else None


def refuse_services(analysis, allowed: tuple[str, ...] = ()) -> None:
    """Refuse (400) a query whose ``SERVICE`` would make this server send a request, unless every
    target is an absolute http(s) IRI on a host the operator allowed (``HOST`` or ``HOST:PORT``).
    A variable, a prefixed name or a relative IRI as target is refused: its host is not known here."""
    for target in analysis.services:
        if not _allowed(target, allowed):
            shown = target if len(target) <= 80 else target[:77] + "..."
            raise QueryError(400, f"SERVICE {shown!r} refused: this endpoint makes no outbound requests"
                             + (f" except to {', '.join(allowed)}" if allowed else " (the operator can allow a "
                                "host with --allow-service HOST)"))


def _allowed(target: str, allowed: tuple[str, ...]) -> bool:
    if not allowed:
        return False
    try:
        parts = urlsplit(target)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    port = port or (443 if parts.scheme == "https" else 80)
    for entry in allowed:
        name, _, want = entry.lower().rpartition(":") if entry.count(":") == 1 else (entry.lower(), "", "")
        if name == host and (not want or want == str(port)):
            return True
    return False


_HOST = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def safe_host(header: str | None, fallback: str) -> str:
    """The request's Host header when it is a plain host[:port], else ``fallback`` (never pasted raw)."""
    return header if header and _HOST.fullmatch(header) else fallback


_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f]+")


def is_absolute_iri(text: str) -> bool:
    return bool(_ABSOLUTE_IRI.fullmatch(text))


def redact(url: str | None) -> str:
    """A store spec or URL without the password of any ``user:password@`` in it."""
    if not url:
        return "oxigraph"
    return re.sub(r"(//[^/@:\s]*):[^/@\s]*@", r"\1:***@", url)


def void_description(endpoint: str, info: dict) -> str:
    """A VoID description of the served dataset, in Turtle: the release's own (title, licence, version,
    sources, counts of classes and entities, dumps), with the store's live triple count and this
    endpoint added; a store that holds no description gets the title and the endpoint alone."""
    import pyoxigraph as ox

    served = ox.NamedNode(endpoint.rsplit("/", 1)[0] + "/.well-known/void#dataset")
    void = "http://rdfs.org/ns/void#"
    out = ox.Store()
    add = out.add
    add(ox.Quad(served, ox.NamedNode(RDF_TYPE), ox.NamedNode(void + "Dataset")))
    add(ox.Quad(served, ox.NamedNode(void + "sparqlEndpoint"), ox.NamedNode(endpoint)))
    described = info.get("dataset") or ""
    own = [t for t in ox.parse(described.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)] if described else []
    for t in own:
        if t.predicate.value != void + "triples":
            add(ox.Quad(served, t.predicate, t.object))
    if not own:
        add(ox.Quad(served, ox.NamedNode("http://purl.org/dc/terms/title"),
                    ox.Literal("axialkg: the knowledge graph of axial osteosclerosis")))
        add(ox.Quad(served, ox.NamedNode(void + "uriSpace"), ox.Literal("https://w3id.org/axialkg/")))
    triples = info.get("triples")
    if triples is not None:
        add(ox.Quad(served, ox.NamedNode(void + "triples"),
                    ox.Literal(str(int(triples)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    prefixes = {"void": void, "dcat": "http://www.w3.org/ns/dcat#", "dcterms": "http://purl.org/dc/terms/",
                "owl": "http://www.w3.org/2002/07/owl#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "axkg": "https://w3id.org/axialkg/"}
    written = out.dump(format=ox.RdfFormat.TURTLE, prefixes=prefixes, from_graph=ox.DefaultGraph())
    return (written or b"").decode("utf-8")


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def service_description(endpoint: str, triples: int | None) -> str:
    """A W3C SPARQL 1.1 Service Description of this endpoint, in Turtle."""
    formats = ", ".join(f"fmt:{n}" for n in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                             "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD"))
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


__all__ = ["GRAPH_TYPES", "RESULT_TYPES", "convert_turtle", "negotiate", "refuse_services", "safe_host",
           "is_absolute_iri", "redact", "void_description",
           "service_description"]
