"""Namespaces and prefixes shared by every room (build, stores, export, queries)."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

AXKG = Namespace("https://w3id.org/axialkg/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")

DEFINITION = OBO.IAO_0000115
EXACT_SYNONYM = OBOINOWL.hasExactSynonym
RELATED_SYNONYM = OBOINOWL.hasRelatedSynonym
DBXREF = OBOINOWL.hasDbXref

PREFIXES: dict[str, str] = {
    "axkg": str(AXKG),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "obo": str(OBO),
    "oboInOwl": str(OBOINOWL),
    "biolink": str(BIOLINK),
}

__all__ = [
    "AXKG", "BIOLINK", "DBXREF", "DCTERMS", "DEFINITION", "EXACT_SYNONYM", "OBO", "OBOINOWL",
    "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "RELATED_SYNONYM", "SKOS", "XSD",
]
