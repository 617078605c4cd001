"""IRI constants as plain strings, importable without rdflib (the question path stays light)."""

from __future__ import annotations

ONTOLOGY_IRI = "https://w3id.org/cmograph/ontology"
CMO_NS = ONTOLOGY_IRI + "#"
DEFAULT_BASE = "https://w3id.org/cmograph/data/"
