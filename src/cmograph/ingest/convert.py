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
    """rdflib triples as pyoxigraph triples, converting each distinct term once."""
    seen: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = seen.get(node)
        if found is None:
            found = seen[node] = to_ox(node)
        return found

    return [ox.Triple(term(s), term(p), term(o)) for s, p, o in triples]  # type: ignore[arg-type]
