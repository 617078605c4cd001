"""IRI constants as plain strings, importable without rdflib (the question path stays light): the one place where
cmograph names a namespace."""

from __future__ import annotations

ONTOLOGY_IRI = "https://w3id.org/cmograph/ontology"
CMO_NS = ONTOLOGY_IRI + "#"
SHAPES_NS = "https://w3id.org/cmograph/shapes#"
DEFAULT_BASE = "https://w3id.org/cmograph/data/"

DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
OWL = "http://www.w3.org/2002/07/owl#"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
NP = "http://www.nanopub.org/nschema#"
NPX = "http://purl.org/nanopub/x/"
SEMAPV = "https://w3id.org/semapv/vocab/"
ORCID = "https://orcid.org/"
DOI = "https://doi.org/"
SCHEMA_ORG = "https://schema.org/"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

# Prefixes every cmograph query and export may use without declaring them.
COMMON_PREFIXES: dict[str, str] = {
    "cmo": CMO_NS, "dcterms": DCTERMS, "prov": PROV, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "xsd": XSD, "sh": SH,
}
