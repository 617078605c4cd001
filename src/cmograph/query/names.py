"""An in-memory index of the names users type (ids, labels, concept IRIs), for stores that answer many questions.

A question given an element (``--mechanism "Peer support"``) first resolves the name to IRIs. On a store opened
for one question that is one SPARQL lookup. A store kept open for many (``open_data(..., memory=True)``) builds
this index once instead: a resolution is then a few dictionary lookups, not a query (0.4-1.4 ms at 1M triples,
as much as the question itself). The lookups find what the resolver's SPARQL lookups find (labels ignoring case
are compared with full Unicode case folding); the tests check the two against each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pyoxigraph as ox

from cmograph.namespaces import CMO_NS, DCTERMS, RDF, RDFS

_RDF_TYPE = ox.NamedNode(RDF + "type")
_LABEL = ox.NamedNode(RDFS + "label")
_IDENTIFIER = ox.NamedNode(DCTERMS + "identifier")
_IN_EVALUATION = ox.NamedNode(CMO_NS + "inEvaluation")
_CONCEPT = ox.NamedNode(CMO_NS + "concept")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class NameIndex:
    """The elements of each kind, by IRI, concept, id (plain or ``EVALUATION/ID``) and label."""

    def __init__(self, store: ox.Store, classes: Mapping[str, str]) -> None:
        """Index the elements of ``classes`` (kind -> class IRI) in ``store``, over the union of its graphs."""
        in_evaluation = _objects(store, _IN_EVALUATION)
        ids = _objects(store, _IDENTIFIER)
        labels = _objects(store, _LABEL)
        concepts = _objects(store, _CONCEPT)
        self._members: dict[str, set[str]] = {}
        self._concepts: dict[str, dict[str, set[str]]] = {}
        self._exact: dict[str, dict[Term, set[str]]] = {}
        self._qualified: dict[str, dict[tuple[Term, Term], set[str]]] = {}
        self._folded: dict[str, dict[str, set[str]]] = {}
        for kind, cls in classes.items():
            members = {q.subject for q in store.quads_for_pattern(None, _RDF_TYPE, ox.NamedNode(cls), None)
                       if q.subject in in_evaluation and isinstance(q.subject, ox.NamedNode)}
            exact: dict[Term, set[str]] = defaultdict(set)
            qualified: dict[tuple[Term, Term], set[str]] = defaultdict(set)
            folded: dict[str, set[str]] = defaultdict(set)
            users: dict[str, set[str]] = defaultdict(set)
            for s in members:
                for concept in concepts.get(s, ()):
                    if isinstance(concept, ox.NamedNode):
                        users[concept.value].add(s.value)
                for name in ids.get(s, ()):
                    exact[name].add(s.value)
                    folded["id:" + name.value.casefold()].add(s.value)
                    for e in in_evaluation[s]:
                        for evaluation_id in ids.get(e, ()):
                            qualified[evaluation_id, name].add(s.value)
                for name in labels.get(s, ()):
                    exact[name].add(s.value)
                    folded["label:" + name.value.casefold()].add(s.value)
            self._members[kind] = {s.value for s in members}
            self._concepts[kind] = dict(users)
            self._exact[kind], self._qualified[kind], self._folded[kind] = dict(exact), dict(qualified), dict(folded)

    def by_iri(self, kind: str, iri: str) -> set[str]:
        """The element ``iri`` itself if it is of ``kind``, and the elements of ``kind`` with concept ``iri``."""
        found = set(self._concepts[kind].get(iri, ()))
        if iri in self._members[kind]:
            found.add(iri)
        return found

    def by_qualified_id(self, kind: str, evaluation: str, local: str) -> set[str]:
        """The elements whose id is ``local`` in an evaluation whose id is ``evaluation``."""
        return set(self._qualified[kind].get((ox.Literal(evaluation), ox.Literal(local)), ()))

    def by_exact_name(self, kind: str, name: str) -> set[str]:
        """The elements whose id or label is the plain string ``name``."""
        return set(self._exact[kind].get(ox.Literal(name), ()))

    def by_folded_name(self, kind: str, name: str) -> set[str]:
        """The elements whose id or label is ``name`` ignoring case (and any tag)."""
        folded = self._folded[kind]
        return folded.get("id:" + name.casefold(), set()) | folded.get("label:" + name.casefold(), set())


def _objects(store: ox.Store, predicate: ox.NamedNode) -> dict[Term, list[Term]]:
    """Each subject's distinct objects of ``predicate``, over all graphs."""
    grouped: dict[Term, set[Term]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, predicate, None, None):
        subject, value = quad.subject, quad.object
        if not isinstance(subject, ox.Triple) and not isinstance(value, ox.Triple):  # RDF-star names no element
            grouped[subject].add(value)
    return {key: list(values) for key, values in grouped.items()}
