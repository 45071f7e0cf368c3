"""What the SPARQL endpoint says and how: content negotiation, result serializations, the service
description, and telling a query from an update.

Results travel between processes in the W3C SPARQL JSON shape (``{"head": .., "results": ..}``
or ``{"head": {}, "boolean": ..}``), so every serializer here starts from that one form.
"""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape, quoteattr

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# key → media type; the first is the default when the client accepts anything.
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
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
        if alias and alias[1 if graph else 0]:
            key = alias[1 if graph else 0]
            return key, table[key]
        if mime in ("*/*", "*") or (mime.endswith("/*") and any(t.startswith(mime[:-1]) for t in by_type)):
            key = next(k for k, t in table.items() if mime in ("*/*", "*") or t.startswith(mime[:-1]))
            return key, table[key]
    key = next(iter(table))
    return key, table[key]


# ---- SELECT / ASK serializations -----------------------------------------------------------

def _nt(term: dict) -> str:
    """A JSON-form term in N-Triples syntax (TSV cells)."""
    kind, value = term["type"], term.get("value")
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    if kind == "triple":
        v = value
        return f"<< {_nt(v['subject'])} {_nt(v['predicate'])} {_nt(v['object'])} >>"
    lit = '"' + (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                 .replace("\r", "\\r").replace("\t", "\\t")) + '"'
    if "xml:lang" in term:
        return f"{lit}@{term['xml:lang']}"
    if term.get("datatype") and term["datatype"] != XSD_STRING:
        return f"{lit}^^<{term['datatype']}>"
    return lit


def _plain(term: dict) -> str:
    """A JSON-form term as a CSV cell: the bare IRI, label or lexical form."""
    if term["type"] == "bnode":
        return "_:" + term["value"]
    if term["type"] == "triple":
        return _nt(term)
    return term["value"]


def _xml_term(term: dict) -> str:
    kind, value = term["type"], term.get("value")
    if kind == "uri":
        return f"<uri>{escape(value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{escape(value)}</bnode>"
    if kind == "triple":
        v = value
        return ("<triple>" + "".join(f"<{k}>{_xml_term(v[k])}</{k}>" for k in ("subject", "predicate", "object"))
                + "</triple>")
    attrs = ""
    if "xml:lang" in term:
        attrs = f" xml:lang={quoteattr(term['xml:lang'])}"
    elif term.get("datatype") and term["datatype"] != XSD_STRING:
        attrs = f" datatype={quoteattr(term['datatype'])}"
    return f"<literal{attrs}>{escape(value)}</literal>"


def serialize_results(result: dict, key: str) -> bytes:
    """A SELECT/ASK result (JSON form) in the format ``key`` of RESULT_TYPES."""
    boolean = result.get("boolean")
    if key == "json":
        return json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
    if key == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        if boolean is not None:
            out.append(f"</head>\n<boolean>{'true' if boolean else 'false'}</boolean>\n</sparql>\n")
            return "".join(out).encode()
        variables = result["head"]["vars"]
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>\n")
        for row in result["results"]["bindings"]:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>" for v in variables if v in row]
            out.append("</result>\n")
        out.append("</results>\n</sparql>\n")
        return "".join(out).encode()
    if boolean is not None:  # CSV/TSV define no boolean form; one column, as other stores do
        return f"_askResult\r\n{'true' if boolean else 'false'}\r\n".encode()
    variables = result["head"]["vars"]
    rows = result["results"]["bindings"]
    if key == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for row in rows:
            w.writerow([_plain(row[v]) if v in row else "" for v in variables])
        return buf.getvalue().encode()
    if key == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(_nt(row[v]) if v in row else "" for v in variables) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"unknown result format {key}")


# ---- telling a query from an update --------------------------------------------------------

_UPDATE_WORDS = {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"}
_PROLOGUE = re.compile(
    r"""\s*(?:\#[^\n]*\n?\s*)*"""          # comments and blank space
    r"""(?:(?:prefix\s+[^\s:]*:\s*<[^>]*>|base\s+<[^>]*>)\s*(?:\#[^\n]*\n?\s*)*)*""",
    re.IGNORECASE)


def is_update(text: str) -> bool:
    """True if ``text`` is a SPARQL Update: its first keyword after the prologue is an update verb."""
    rest = text[_PROLOGUE.match(text).end():]
    m = re.match(r"[A-Za-z]+", rest)
    return bool(m) and m.group(0).lower() in _UPDATE_WORDS


# ---- the service description ---------------------------------------------------------------

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
    return mime, ox.serialize(triples, format=RDF_FORMATS[key]())


RDF_FORMATS = {
    "turtle": lambda: __import__("pyoxigraph").RdfFormat.TURTLE,
    "ntriples": lambda: __import__("pyoxigraph").RdfFormat.N_TRIPLES,
    "jsonld": lambda: __import__("pyoxigraph").RdfFormat.JSON_LD,
}
