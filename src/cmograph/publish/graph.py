"""The data a site is made from: the evaluations' graphs, indexed by subject and by object, with labels."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from urllib.parse import unquote

import pyoxigraph as ox

from cmograph.namespaces import CMO_NS, COMMON_PREFIXES
from cmograph.render.rdf import EVALUATION_GRAPHS

RDF_TYPE = ox.NamedNode(COMMON_PREFIXES["rdf"] + "type")
RDFS = COMMON_PREFIXES["rdfs"]
DCTERMS = COMMON_PREFIXES["dcterms"]
LABELS = (RDFS + "label", DCTERMS + "title", COMMON_PREFIXES["skos"] + "prefLabel", DCTERMS + "identifier")
Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def cmo(name: str) -> ox.NamedNode:
    return ox.NamedNode(CMO_NS + name)


class SiteGraph:
    """The quads of every evaluation graph of a store (not the ontology, not the store's bookkeeping)."""

    def __init__(self, store: ox.Store) -> None:
        rows = list(store.query(EVALUATION_GRAPHS))  # type: ignore[arg-type]
        self.graphs: dict[str, ox.NamedNode] = {str(r["id"].value): r["g"] for r in rows}
        self.quads: list[ox.Quad] = [q for g in sorted(self.graphs.values(), key=str)
                                     for q in store.quads_for_pattern(None, None, None, g)]
        self.out: dict[Node, list[ox.Quad]] = defaultdict(list)
        self.into: dict[Term, list[ox.Quad]] = defaultdict(list)
        for quad in self.quads:
            self.out[quad.subject].append(quad)  # type: ignore[index]
            if not isinstance(quad.object, ox.Literal):
                self.into[quad.object].append(quad)  # type: ignore[index]

    def values(self, node: Node, predicate: str | ox.NamedNode) -> list[Term]:
        wanted = predicate if isinstance(predicate, ox.NamedNode) else ox.NamedNode(predicate)
        return [q.object for q in self.out.get(node, ()) if q.predicate == wanted]  # type: ignore[misc]

    def value(self, node: Node, predicate: str | ox.NamedNode) -> Term | None:
        found = self.values(node, predicate)
        return min(found, key=str) if found else None

    def text(self, node: Node, predicate: str | ox.NamedNode) -> str | None:
        found = self.value(node, predicate)
        return found.value if found is not None else None

    def subjects(self, predicate: str | ox.NamedNode, target: Term) -> list[Node]:
        wanted = predicate if isinstance(predicate, ox.NamedNode) else ox.NamedNode(predicate)
        found = {q.subject for q in self.into.get(target, ())
                 if q.predicate == wanted and isinstance(q.subject, ox.NamedNode | ox.BlankNode)}
        return sorted(found, key=self.sort_key)

    def types(self, node: Node) -> list[ox.NamedNode]:
        return sorted((t for t in self.values(node, RDF_TYPE) if isinstance(t, ox.NamedNode)), key=str)

    def is_a(self, node: Node, name: str) -> bool:
        return cmo(name) in self.types(node)

    def of_type(self, name: str) -> list[Node]:
        return self.subjects(RDF_TYPE, cmo(name))

    def label(self, node: Term) -> str:
        """What a page calls ``node``: its label, title or identifier, else the end of its IRI."""
        if isinstance(node, ox.Literal):
            return node.value
        for predicate in LABELS:
            text = self.text(node, predicate)
            if text:
                return text
        if isinstance(node, ox.BlankNode):
            return "(unnamed)"
        if self.is_a(node, "Evidence") or self.is_a(node, "Measure"):
            parent = self.subjects(cmo("hasEvidence" if self.is_a(node, "Evidence") else "hasMeasure"), node)
            noun = "evidence item" if self.is_a(node, "Evidence") else "measure"
            position = self.text(node, cmo("position")) or "?"
            return f"{noun} {position} of {self.label(parent[0])}" if parent else f"{noun} {position}"
        tail = node.value.rstrip("/").rsplit("/", 1)[-1]
        return unquote(tail) or node.value

    def sort_key(self, node: Term) -> tuple[str, str]:
        return (self.label(node).casefold(), str(node))

    def ordered(self, nodes: Iterable[Term]) -> list[Term]:
        return sorted(set(nodes), key=self.sort_key)

    @cached_property
    def evaluations(self) -> list[Node]:
        return self.of_type("Evaluation")

    def evaluation_of(self, node: Node) -> Node | None:
        found = self.value(node, cmo("inEvaluation"))
        return found if isinstance(found, ox.NamedNode) else None

    def subjects_under(self, base: str) -> list[ox.NamedNode]:
        """Every named subject whose IRI starts with ``base``."""
        return sorted((s for s in self.out if isinstance(s, ox.NamedNode) and s.value.startswith(base)), key=str)

    def description(self, node: Node) -> list[ox.Triple]:
        """What the RDF forms of ``node``'s page say: the statements about it (and the blank nodes they reach),
        then those that name it, in sorted order."""
        seen: set[Node] = set()
        found: list[ox.Triple] = []
        todo: list[Node] = [node]
        while todo:
            subject = todo.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for quad in self.out.get(subject, ()):
                found.append(ox.Triple(quad.subject, quad.predicate, quad.object))
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
        found += [ox.Triple(q.subject, q.predicate, q.object) for q in self.into.get(node, ())
                  if q.subject != node]
        return sorted(set(found), key=str)
