"""The shapes, the queries and the builder use only terms the ontology defines."""

from __future__ import annotations

import re

from rdflib import Graph, URIRef

from cmograph.format.vocab import CMO, ONTOLOGY_IRI
from cmograph.resources import data

NS = ONTOLOGY_IRI + "#"


def defined_terms() -> set[str]:
    text = (data("ontology") / "cmograph.ttl").read_text(encoding="utf-8")
    ontology = Graph().parse(data=text, format="turtle")
    return {str(s) for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_every_shapes_term_is_defined() -> None:
    text = (data("shapes") / "cmograph.shapes.ttl").read_text(encoding="utf-8")
    shapes = Graph().parse(data=text, format="turtle")
    used = {str(t) for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert used, "the shapes must use cmo: terms"
    assert used - defined_terms() == set()


def test_every_query_term_is_defined() -> None:
    defined = defined_terms()
    folder = data("queries")
    for query in (p for p in folder.iterdir() if p.name.endswith(".rq")):
        body = "\n".join(line for line in query.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("#"))
        used = {NS + local for local in re.findall(r"\bcmo:([A-Za-z][A-Za-z0-9_]*)", body)}
        used |= set(re.findall(re.escape("<" + NS) + r"([A-Za-z0-9_]+)>", body))
        assert used - defined == set(), query.name


def test_every_vocabulary_term_is_defined() -> None:
    assert {NS + name for name in CMO.__annotations__} - defined_terms() == set()
