"""rdflib terms to pyoxigraph terms (the builder speaks rdflib, the store speaks Oxigraph)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    from cmograph.validation import EvaluationGraph


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def quads_of(graph: EvaluationGraph) -> Iterator[ox.Quad]:
    name = ox.NamedNode(str(graph.graph))
    for s, p, o in graph.triples:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), name)  # type: ignore[arg-type]
