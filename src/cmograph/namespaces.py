"""IRI constants as plain strings, importable without rdflib (the question path stays light)."""

from __future__ import annotations

ONTOLOGY_IRI = "https://w3id.org/cmograph/ontology"
CMO_NS = ONTOLOGY_IRI + "#"
DEFAULT_BASE = "https://w3id.org/cmograph/data/"

# Prefixes every cmograph query and export may use without declaring them.
COMMON_PREFIXES: dict[str, str] = {
    "cmo": CMO_NS,
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}
