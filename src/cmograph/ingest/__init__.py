"""Readers: evidence files (YAML/JSON, RDF) into graphs."""
