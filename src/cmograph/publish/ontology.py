"""The ontology's documentation: one page with an anchor per term (labels, definitions, domains and ranges,
alignments, the values of each closed list) and a class diagram, and the ontology as Turtle, RDF/XML, N-Triples
and JSON-LD."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cmograph.namespaces import CMO_NS, COMMON_PREFIXES, DCTERMS, ONTOLOGY_IRI, OWL, RDF, RDFS, SKOS
from cmograph.publish.class_diagram import Arrow, ClassNode, sentences, svg
from cmograph.publish.forms import serialize
from cmograph.publish.paths import RDF_FORMS
from cmograph.publish.views import Link, Page
from cmograph.publish.vocabulary import ontology, ontology_text

if TYPE_CHECKING:
    from cmograph.publish.pages import SiteText

PAGE = "ontology"
DIAGRAM = "ontology-classes.svg"
KINDS = (("Class", "Classes"), ("ObjectProperty", "Object properties"), ("DatatypeProperty", "Datatype properties"),
         ("AnnotationProperty", "Annotation properties"))
ALIGNMENTS = {SKOS + "exactMatch": "exact match", SKOS + "closeMatch": "close match",
              SKOS + "broadMatch": "broader match", SKOS + "narrowMatch": "narrower match",
              SKOS + "relatedMatch": "related match", OWL + "equivalentClass": "equivalent class",
              OWL + "equivalentProperty": "equivalent property"}


@dataclass
class TermDoc:
    """One term as its section of the page shows it."""

    name: str
    iri: str
    label: str
    definition: str
    comments: list[str]
    facts: list[tuple[str, list[Link]]] = field(default_factory=list)


Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _objects(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list[Term]:
    return sorted((q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)),  # type: ignore[misc]
                  key=str)


def _text(store: ox.Store, subject: ox.NamedNode, predicate: str) -> list[str]:
    return [o.value for o in _objects(store, subject, predicate)
            if isinstance(o, ox.Literal) and o.language in ("", "en", None)]


def _members(store: ox.Store, node: Term) -> Iterator[Term]:
    """A named class as itself; a union (``owl:unionOf``) as its members."""
    if not isinstance(node, ox.BlankNode):
        yield node
        return
    for union in _objects(store, node, OWL + "unionOf"):
        item: Term = union
        while isinstance(item, ox.BlankNode):
            yield from _objects(store, item, RDF + "first")
            rest = _objects(store, item, RDF + "rest")
            item = rest[0] if rest else ox.NamedNode(RDF + "nil")


def _link(node: Term) -> Link:
    if isinstance(node, ox.NamedNode) and node.value.startswith(CMO_NS):
        return Link(node.value[len(CMO_NS):], "#" + node.value[len(CMO_NS):])
    if isinstance(node, ox.NamedNode):
        for prefix, namespace in COMMON_PREFIXES.items():
            if node.value.startswith(namespace):
                return Link(f"{prefix}:{node.value[len(namespace):]}")
        return Link(node.value, node.value, external=node.value.startswith(("http://", "https://")))
    return Link(node.value)


def term_doc(store: ox.Store, iri: str) -> TermDoc:
    node = ox.NamedNode(iri)
    doc = TermDoc(iri[len(CMO_NS):], iri, (_text(store, node, RDFS + "label") or [""])[0],
                  (_text(store, node, SKOS + "definition") or [""])[0], _text(store, node, RDFS + "comment"))
    for predicate, name in ((RDFS + "subClassOf", "subclass of"), (RDFS + "subPropertyOf", "subproperty of"),
                            (RDFS + "domain", "domain"), (RDFS + "range", "range"),
                            (SKOS + "inScheme", "in scheme"), (SKOS + "notation", "written in files as"),
                            *ALIGNMENTS.items()):
        values = [_link(m) for o in _objects(store, node, predicate) for m in _members(store, o)]
        if values:
            doc.facts.append((name, values))
    types = [o for o in _objects(store, node, RDF + "type") if o.value.startswith(CMO_NS)]
    if types:
        doc.facts.append(("value of", [_link(t) for t in types]))
    if ox.NamedNode(OWL + "FunctionalProperty") in _objects(store, node, RDF + "type"):
        doc.facts.append(("characteristics", [Link("functional (at most one value)")]))
    return doc


def _subjects(store: ox.Store, cls: str) -> list[str]:
    """The ``cmo:`` terms of type ``cls``, sorted."""
    return sorted({q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(cls))
                   if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(CMO_NS)})


def sections() -> list[tuple[str, str, list[TermDoc]]]:
    """(anchor, heading, terms) for each kind of term, then the closed lists' values."""
    store = ontology()
    schemes = set(_subjects(store, SKOS + "ConceptScheme"))
    values = set(_subjects(store, OWL + "NamedIndividual")) - schemes
    found = [(kind, heading, [term_doc(store, i) for i in _subjects(store, OWL + kind)]) for kind, heading in KINDS]
    found.append(("ConceptScheme", "Closed lists (concept schemes)", [term_doc(store, s) for s in sorted(schemes)]))
    found.append(("Value", "Values of the closed lists", [term_doc(store, i) for i in sorted(values)]))
    return found


def class_graph(store: ox.Store) -> tuple[list[ClassNode], list[Arrow]]:
    """The ontology's classes (and the other vocabularies' classes they specialise), its object properties from each
    class of their domain to each of their range, and its classes to their superclasses."""
    classes = _subjects(store, OWL + "Class")
    nodes = [ClassNode(iri, (_text(store, ox.NamedNode(iri), RDFS + "label") or [""])[0] or iri[len(CMO_NS):],
                       f"cmo:{iri[len(CMO_NS):]}", f"{PAGE}.html#{iri[len(CMO_NS):]}") for iri in classes]
    arrows: list[Arrow] = []
    outside: set[str] = set()
    for iri in classes:
        for parent in _objects(store, ox.NamedNode(iri), RDFS + "subClassOf"):
            if isinstance(parent, ox.NamedNode):
                arrows.append(Arrow(iri, parent.value, subclass=True))
                if not parent.value.startswith(CMO_NS):
                    outside.add(parent.value)
    for iri in sorted(outside):
        name = _link(ox.NamedNode(iri)).text
        nodes.append(ClassNode(iri, name.rpartition(":")[2], name, external=True))
    known = set(classes)
    for prop in _subjects(store, OWL + "ObjectProperty"):
        node = ox.NamedNode(prop)
        label = (_text(store, node, RDFS + "label") or [prop[len(CMO_NS):]])[0]
        domains = [m.value for o in _objects(store, node, RDFS + "domain") for m in _members(store, o)]
        ranges = [m.value for o in _objects(store, node, RDFS + "range") for m in _members(store, o)]
        arrows += [Arrow(d, r, label, property=prop) for d in domains for r in ranges if d in known and r in known]
    return nodes, arrows


def diagram() -> tuple[bytes, list[str]]:
    """The class diagram as an SVG file, and what it shows in words."""
    nodes, arrows = class_graph(ontology())
    title = "Class diagram of the cmograph ontology"
    description = (f"The {sum(not n.external for n in nodes)} classes of the ontology as boxes; each object property "
                   "is an arrow from its domain to its range, labelled with its name, and a dashed arrow with a "
                   "hollow head leads from a class to its superclass.")
    return svg(nodes, arrows, title, description).encode(), sentences(nodes, arrows)


def header() -> dict[str, object]:
    store = ontology()
    node = ox.NamedNode(ONTOLOGY_IRI)
    version = _objects(store, node, OWL + "versionIRI")
    licence = _objects(store, node, DCTERMS + "license")
    return {
        "title": (_text(store, node, DCTERMS + "title") or ["The cmograph ontology"])[0],
        "description": (_text(store, node, DCTERMS + "description") or [""])[0],
        "version_iri": version[0].value if version else None,
        "version": (_text(store, node, OWL + "versionInfo") or [""])[0],
        "licence": licence[0].value if licence else None,
        "namespace": CMO_NS,
    }


def files(site: SiteText, context: str) -> dict[str, bytes]:
    """``ontology.html`` and the ontology in each RDF form (``ontology.ttl`` is the file as written)."""
    from cmograph.publish.pages import render

    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ontology()]
    found = {f"{PAGE}.ttl": ontology_text()}
    for form in RDF_FORMS[1:]:
        found[f"{PAGE}.{form.suffix}"] = serialize(sorted(triples, key=str), form.suffix, context)
    found[DIAGRAM], said = diagram()
    meta = header()
    page = Page(PAGE, ONTOLOGY_IRI, str(meta["title"]), "ontology", "ontology.html",
                extra={"header": meta, "sections": sections(), "diagram": DIAGRAM, "diagram_sentences": said})
    found[f"{PAGE}.html"] = render(page, site)
    return found
