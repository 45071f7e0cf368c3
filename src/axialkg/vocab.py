"""Namespaces and prefixes, written once for every room (build, stores, queries, export, server).

``PREFIXES`` is the one prefix map: the release binds it, ad-hoc SPARQL may use it without PREFIX
lines, JSON-LD takes it as its ``@context``, and :func:`converter` makes a :class:`curies.Converter`
of it. :func:`curie` is the converter's compression for display, kept free of the curies import so
the command line starts fast (tests hold the two equal on every IRI of the release).

>>> curie("https://w3id.org/axialkg/ruxolitinib")
'axkg:ruxolitinib'
>>> curie("http://example.org/x")
'http://example.org/x'
>>> expand("axkg:Drug")
'https://w3id.org/axialkg/Drug'
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at every start (mypy reads the name)
if TYPE_CHECKING:
    from typing import Any

NAMESPACE = "https://w3id.org/axialkg/"

PREFIXES: dict[str, str] = {
    "axkg": NAMESPACE,
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "obo": "http://purl.obolibrary.org/obo/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "biolink": "https://w3id.org/biolink/vocab/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}
# IRI prefixes (as bioregistry gives them) of the resources that confirm cross-references; a narrow or
# related mapping is written as a SKOS mapping to the expanded IRI, so its prefix must be one of these.
# tools/make_sssom.py builds its curie map from this table; tables show those IRIs as these CURIEs.
MAPPING_PREFIXES: dict[str, str] = {
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "DRUGBANK": "https://go.drugbank.com/drugs/",
    "GO": "http://purl.obolibrary.org/obo/GO_",  # Hetionet's Biological Process nodes
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "MESH": "https://meshb.nlm.nih.gov/record/ui?ui=",
    "NCBIGene": "https://www.ncbi.nlm.nih.gov/gene/",
    "OMIM": "https://omim.org/MIM:",
    "ORPHA": "http://www.orpha.net/ORDO/Orphanet_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "UMLS": "https://uts.nlm.nih.gov/uts/umls/concept/",  # Hetionet's Side Effect nodes (SIDER)
}
XSD_NS = PREFIXES["xsd"]
XSD_STRING = XSD_NS + "string"
XSD_DECIMAL = XSD_NS + "decimal"
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"

# rdflib Namespace objects for the rooms that build RDF with rdflib; made on first use (PEP 562) so
# that reading this module does not import rdflib.
_NAMESPACES = {"AXKG": "axkg", "OBO": "obo", "OBOINOWL": "oboInOwl", "BIOLINK": "biolink", "FOAF": "foaf",
               "VANN": "vann", "VOID": "void", "DCAT": "dcat", "OWL": "owl", "RDF": "rdf", "RDFS": "rdfs", "XSD": "xsd",
               "SKOS": "skos", "DCTERMS": "dcterms", "PROV": "prov"}
_TERMS = {"DEFINITION": ("obo", "IAO_0000115"), "EXACT_SYNONYM": ("oboInOwl", "hasExactSynonym"),
          "RELATED_SYNONYM": ("oboInOwl", "hasRelatedSynonym"), "DBXREF": ("oboInOwl", "hasDbXref")}


def __getattr__(name: str) -> Any:
    if name in _NAMESPACES:
        from rdflib import Namespace

        value: Any = Namespace(PREFIXES[_NAMESPACES[name]])
    elif name in _TERMS:
        from rdflib import URIRef

        prefix, local = _TERMS[name]
        value = URIRef(PREFIXES[prefix] + local)
    else:
        raise AttributeError(f"module 'axialkg.vocab' has no attribute {name!r}")
    globals()[name] = value
    return value
# longest namespace first, so a namespace inside another is matched first
_BY_LENGTH = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


_CONVERTERS: dict[str, Any] = {}  # made once each, on first use


def converter():
    """A :class:`curies.Converter` over :data:`PREFIXES` (imported on first use: it costs ~0.1 s)."""
    if "ours" not in _CONVERTERS:
        import curies

        _CONVERTERS["ours"] = curies.Converter.from_prefix_map(PREFIXES)
    return _CONVERTERS["ours"]


def curie(iri: str) -> str:
    """``prefix:local`` for an IRI in one of our namespaces; any other IRI as it is."""
    text = str(iri)
    for ns, prefix in _BY_LENGTH:
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


_DISPLAY_BY_LENGTH = sorted(((ns, p) for p, ns in {**PREFIXES, **MAPPING_PREFIXES}.items()), key=lambda x: -len(x[0]))


def display_converter():
    """A :class:`curies.Converter` over our prefixes and the mapped resources' (what tables show)."""
    if "display" not in _CONVERTERS:
        import curies

        _CONVERTERS["display"] = curies.Converter.from_prefix_map({**PREFIXES, **MAPPING_PREFIXES})
    return _CONVERTERS["display"]


def short(iri: str) -> str:
    """What a person reads: :func:`curie`, and the mapped resources' standard CURIEs (``HP:0100495``
    rather than ``obo:HP_0100495``); the display converter's compression, without importing curies.

    >>> short("http://purl.obolibrary.org/obo/HP_0100495"), short("http://www.orpha.net/ORDO/Orphanet_98850")
    ('HP:0100495', 'ORPHA:98850')
    """
    text = str(iri)
    for ns, prefix in _DISPLAY_BY_LENGTH:
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def expand(value: str) -> str:
    """The IRI of ``prefix:local`` for one of our prefixes; anything else as it is."""
    prefix, sep, local = value.partition(":")
    ns = PREFIXES.get(prefix) if sep else None
    return ns + local if ns is not None and not local.startswith("//") else value


def local_name(iri: str) -> str:
    """The last segment of an IRI (after '#' or '/'), for labels of terms that have none."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri.startswith(("http://", "https://")) else iri


__all__ = [
    "AXKG", "BIOLINK", "DBXREF", "DCTERMS", "DEFINITION", "EXACT_SYNONYM", "FOAF", "NAMESPACE", "OBO", "OBOINOWL",
    "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "RDF_LANG_STRING", "RELATED_SYNONYM", "SKOS", "VANN", "VOID", "DCAT", "XSD",
    "XSD_DECIMAL", "XSD_NS", "XSD_STRING", "MAPPING_PREFIXES", "converter", "curie", "display_converter", "expand",
    "local_name", "short",
]
