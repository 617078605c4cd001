"""rdflib terms to pyoxigraph terms (the builder speaks rdflib, the store speaks Oxigraph)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


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


def ox_triples(triples: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    """rdflib triples as pyoxigraph triples, converting each distinct IRI once (by its text: rdflib hashes and
    compares its terms in Python, a text is hashed and compared in C)."""
    iris: dict[str, ox.NamedNode] = {}
    text = str.__str__

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if type(node) is URIRef:
            key = text(node)
            found = iris.get(key)
            if found is None:
                found = iris[key] = ox.NamedNode(key)
            return found
        return to_ox(node)

    return [ox.Triple(term(s), term(p), term(o)) for s, p, o in triples]  # type: ignore[arg-type]
