"""The ontology's words for its terms (labels, definitions), for pages to name classes, properties and values."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from cmograph.namespaces import CMO_NS, COMMON_PREFIXES
from cmograph.resources import data

SKOS = COMMON_PREFIXES["skos"]
RDFS = COMMON_PREFIXES["rdfs"]
DCTERMS = COMMON_PREFIXES["dcterms"]
PROV = COMMON_PREFIXES["prov"]
# what pages call the other vocabularies' terms the data uses
OTHER_NAMES: dict[str, str] = {
    COMMON_PREFIXES["rdf"] + "type": "type",
    RDFS + "label": "label",
    RDFS + "seeAlso": "see also",
    DCTERMS + "identifier": "identifier",
    DCTERMS + "title": "title",
    DCTERMS + "description": "description",
    DCTERMS + "license": "licence",
    DCTERMS + "issued": "issued",
    DCTERMS + "creator": "creator",
    DCTERMS + "bibliographicCitation": "cited as",
    PROV + "wasDerivedFrom": "derived from",
    PROV + "wasRevisionOf": "revision of",
    SKOS + "note": "note",
    COMMON_PREFIXES["sh"] + "declare": "declares prefix",
    COMMON_PREFIXES["sh"] + "prefix": "prefix",
    COMMON_PREFIXES["sh"] + "namespace": "namespace",
}


@dataclass(frozen=True)
class Term:
    """One term of the ontology as its documentation shows it."""

    iri: str
    label: str
    definition: str

    @property
    def name(self) -> str:
        """The local name, also the term's anchor in the ontology page."""
        return self.iri[len(CMO_NS):]


def ontology_text() -> bytes:
    return (data("ontology") / "cmograph.ttl").read_bytes()


@cache
def ontology() -> ox.Store:
    store = ox.Store()
    store.load(ontology_text(), format=ox.RdfFormat.TURTLE)
    return store


def _english(store: ox.Store, subject: ox.NamedNode, predicate: str) -> str | None:
    texts = [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
             if isinstance(q.object, ox.Literal)]
    texts.sort(key=lambda t: (t.language != "en", t.value))
    return texts[0].value if texts else None


@cache
def terms() -> dict[str, Term]:
    """Every ``cmo:`` term the ontology describes, by IRI."""
    store = ontology()
    found: dict[str, Term] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(CMO_NS) and subject.value not in found:
            found[subject.value] = Term(subject.value, _english(store, subject, RDFS + "label") or "",
                                        _english(store, subject, SKOS + "definition") or "")
    return found


def name_of(iri: str) -> str:
    """What a page calls a property, class or value: its label in the ontology, else a short name."""
    term = terms().get(iri)
    if term is not None:
        return term.label
    if iri in OTHER_NAMES:
        return OTHER_NAMES[iri]
    for prefix, namespace in COMMON_PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
