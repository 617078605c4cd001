"""Checks of evidence files: ``structure`` (what stops a graph being built), ``shapes`` (SHACL, located) with
``messages`` (one per constraint component), ``consistency`` (rules the shapes do not state), ``rdf_input`` (what an
RDF file may describe), ``crossfile`` (what is wrong only among files); ``pipeline`` runs them, in ``workers`` for many
files, into ``results``."""
