"""Quality checks of ``ontology/cmograph.ttl`` in the spirit of ROBOT's ``report`` and of the OWL 2 DL profile,
done with rdflib on the ontology's triples (the ontology's own tests, with HermiT, are in ``test_ontology.py``).

ROBOT-style: every class and property of the ontology has one English label and one definition; every term the
ontology uses is declared; no two terms share a label; every closed-list value is in its scheme.

OWL 2 DL, what can be checked structurally (the reasoner checks consistency, not the profile): no IRI is declared as
two kinds of property, or as both a class and a datatype (the punning OWL 2 DL forbids); the built-in vocabulary
(``rdf:``, ``rdfs:``, ``owl:``, ``xsd:``) is never redefined; object properties range over classes and datatype
properties over datatypes; annotation properties are never used in class or property axioms; every blank node is an
anonymous class expression, a list or an axiom, never an individual. Not checked: the global restrictions on
non-simple properties in cardinality restrictions and the regularity of property chains (the ontology has neither:
a test fails if one appears).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef

from cmograph.format.vocab import CMO
from cmograph.resources import data

NS = str(CMO._NS)
BUILT_IN = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
            "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
DECLARATIONS = (OWL.Class, *PROPERTY_KINDS, OWL.NamedIndividual, RDFS.Datatype, OWL.Ontology)
# terms OWL 2 (and RDF) define, which a DL ontology uses without declaring
BUILT_IN_PROPERTIES = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.versionIRI}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(data=(data("ontology") / "cmograph.ttl").read_text(encoding="utf-8"), format="turtle")


def declared(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def own(graph: Graph) -> set[URIRef]:
    """The ontology's own classes and properties."""
    return {t for kind in (OWL.Class, *PROPERTY_KINDS) for t in declared(graph, kind) if str(t).startswith(NS)}


def test_every_class_and_property_has_one_english_label_and_one_definition(graph: Graph) -> None:
    terms = own(graph)
    assert len(terms) > 60
    missing = []
    for term in sorted(terms):
        labels = [o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        definitions = [o for o in graph.objects(term, SKOS.definition) if isinstance(o, Literal) and o.language == "en"]
        if len(labels) != 1 or len(definitions) != 1 or not str(definitions[0]).strip():
            missing.append(term)
    assert missing == []


def test_every_term_used_is_declared(graph: Graph) -> None:
    """Every predicate, every class named in a type, domain, range or subclass axiom, and every cmo: IRI used
    anywhere is declared (as ROBOT's ``missing_declaration``)."""
    known = {t for kind in DECLARATIONS for t in declared(graph, kind)} | BUILT_IN_PROPERTIES
    used: set[URIRef] = set()
    for s, p, o in graph:
        used.add(p)  # type: ignore[arg-type]
        if p in (RDF.type, RDFS.domain, RDFS.range, RDFS.subClassOf, OWL.disjointWith) and isinstance(o, URIRef):
            used.add(o)
        used |= {t for t in (s, o) if isinstance(t, URIRef) and str(t).startswith(NS)}
    undeclared = sorted(t for t in used if t not in known and not str(t).startswith(BUILT_IN))
    assert undeclared == []


def test_no_two_terms_share_a_label(graph: Graph) -> None:
    labels = Counter(str(o).casefold() for s in own(graph) for o in graph.objects(s, RDFS.label))
    assert [label for label, count in labels.items() if count > 1] == []


def test_no_iri_is_two_kinds_of_property_or_a_class_and_a_datatype(graph: Graph) -> None:
    kinds = Counter(t for kind in PROPERTY_KINDS for t in declared(graph, kind))
    assert [t for t, count in kinds.items() if count > 1] == []
    assert declared(graph, OWL.Class) & declared(graph, RDFS.Datatype) == set()
    assert (declared(graph, OWL.Class) | declared(graph, RDFS.Datatype)) & set(kinds) == set()


def test_the_built_in_vocabulary_is_never_redefined(graph: Graph) -> None:
    redefined = [(s, p) for s, p, _ in graph if isinstance(s, URIRef) and str(s).startswith(BUILT_IN)]
    assert redefined == []


def test_ranges_fit_the_kind_of_property(graph: Graph) -> None:
    datatypes = declared(graph, RDFS.Datatype) | {RDFS.Literal}
    wrong = []
    for prop in declared(graph, OWL.ObjectProperty):
        wrong += [(prop, r) for r in graph.objects(prop, RDFS.range)
                  if isinstance(r, URIRef) and (str(r).startswith(BUILT_IN[3]) or r in datatypes)]
    for prop in declared(graph, OWL.DatatypeProperty):
        wrong += [(prop, r) for r in graph.objects(prop, RDFS.range)
                  if isinstance(r, URIRef) and not (str(r).startswith(BUILT_IN[3]) or r in datatypes)]
    assert wrong == []


def test_annotation_properties_are_kept_out_of_logical_axioms(graph: Graph) -> None:
    annotations = declared(graph, OWL.AnnotationProperty)
    logical = (OWL.onProperty, OWL.inverseOf, OWL.propertyChainAxiom, OWL.equivalentProperty, OWL.propertyDisjointWith)
    assert [(s, p, o) for s, p, o in graph if p in logical and (s in annotations or o in annotations)] == []
    assert not any(graph.triples((None, OWL.propertyChainAxiom, None)))  # see the module docstring
    assert not any(graph.triples((None, OWL.cardinality, None)))
    assert not any(graph.triples((None, OWL.maxCardinality, None)))


def test_every_blank_node_is_a_class_expression_a_list_or_an_axiom(graph: Graph) -> None:
    allowed = {OWL.Class, OWL.Restriction, OWL.AllDisjointClasses, OWL.AllDifferent, OWL.Axiom, RDFS.Datatype}
    wrong = []
    for node in {s for s in graph.subjects() if isinstance(s, BNode)}:
        types = set(graph.objects(node, RDF.type))
        if not (types & allowed or (node, RDF.first, None) in graph):
            wrong.append(sorted(map(str, graph.predicate_objects(node))))
    assert wrong == []


def test_every_closed_list_value_is_in_its_scheme_with_a_notation(graph: Graph) -> None:
    values = [v for v in declared(graph, OWL.NamedIndividual) if str(v).startswith(NS)
              and not str(v).endswith("Scheme")]
    assert len(values) > 40
    loose = [v for v in values if not list(graph.objects(v, SKOS.inScheme)) or
             not re.fullmatch(r"[a-z0-9-]+", str(graph.value(v, SKOS.notation) or ""))]
    assert loose == []
