"""Tests of the OWL ontology ``ontology/cmograph.ttl``.

They check the ontology against the two other descriptions of the graph model: the ``CMO`` namespace in
``cmograph.format.vocab`` (the exact list of terms) and the format model in ``cmograph.format.model`` (domains, ranges,
enumerations and their notations). The reasoner tests run HermiT through owlready2 and need ``java``.
"""

from __future__ import annotations

import importlib.resources
import io
import re
import shutil
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from rdflib import DCTERMS, OWL, RDF, RDFS, SH, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import VANN

from cmograph.format.model import (
    ALL_SECTIONS,
    BUILDER_TERMS,
    ENUMERATIONS,
    EVALUATION,
    LIST_BY_NAME,
    LISTS,
    MICROSYSTEM,
    SITES,
    Enumeration,
    Key,
    Section,
)
from cmograph.format.vocab import CMO, ONTOLOGY_IRI, PROV
from cmograph.resources import data

ONTOLOGY = URIRef(ONTOLOGY_IRI)
NS = str(CMO._NS)
TERMS: tuple[str, ...] = tuple(CMO.__annotations__)
OBO = Namespace("http://purl.obolibrary.org/obo/")
BCIO = Namespace("http://humanbehaviourchange.org/ontology/")
# a plain Namespace: pytest probes module globals, and rdflib's XSD DefinedNamespace warns when probed
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# key kinds whose values are nodes (object properties) rather than literals (datatype properties)
NODE_KINDS = {"enum", "ref", "refs", "objects", "programme", "concept", "doi"}
PROPERTY_KINDS = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


# --------------------------------------------------------------------------------------------------------
# helpers and fixtures
# --------------------------------------------------------------------------------------------------------


def ontology_text() -> str:
    resource = data("ontology") / "cmograph.ttl"
    return resource.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def text() -> str:
    return ontology_text()


@pytest.fixture(scope="module")
def graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def term(name: str) -> URIRef:
    return URIRef(NS + name)


def english(values: Iterable[object]) -> list[Literal]:
    return [v for v in values if isinstance(v, Literal) and v.language == "en"]


def class_members(graph: Graph, node: object) -> set[object]:
    """A named class as itself, a union as its members."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        assert union is not None, f"anonymous class {node} is not a union"
        return set(Collection(graph, union))
    return {node}


def sections_with_class() -> Iterator[tuple[Section, URIRef]]:
    """Every section with the class its keys' subjects have (the microsystem's keys describe a site)."""
    for section in ALL_SECTIONS:
        if section is MICROSYSTEM:
            assert SITES.cls is not None
            yield section, SITES.cls
        elif section.cls is not None:
            yield section, section.cls


def cmo_keys() -> Iterator[object]:
    """Every key whose predicate is a cmo: term, with the class of the nodes it describes."""
    for section, cls in sections_with_class():
        for key in section.keys:
            if key.predicate is not None and str(key.predicate).startswith(NS):
                yield pytest.param(key, cls, id=f"{section.name}.{key.name}")


def key_range(key: Key) -> URIRef | None:
    """The class a node-valued key points at, from the format model."""
    if key.enum is not None:
        return key.enum.cls
    if key.target is not None:
        return LIST_BY_NAME[key.target].cls
    if key.section is not None:
        return key.section.cls
    if key.kind == "programme":
        return CMO.Programme
    return None  # concept: any IRI


# --------------------------------------------------------------------------------------------------------
# the file and its header
# --------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_file_is_loaded_through_the_package_and_parses(graph: Graph) -> None:
    assert len(graph) > 500
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    assert set(graph.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY}


def test_header(graph: Graph) -> None:
    def one(predicate: URIRef) -> object:
        values = list(graph.objects(ONTOLOGY, predicate))
        assert len(values) == 1, f"{predicate}: {values}"
        return values[0]

    assert english([one(DCTERMS.title)]), "dcterms:title must be an English literal"
    description = one(DCTERMS.description)
    assert english([description]) and len(str(description)) > 80
    assert one(DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert one(DCTERMS.creator) == Literal("The cmograph developers")
    assert one(OWL.versionIRI) == URIRef(ONTOLOGY_IRI + "/0.1.0")
    assert one(OWL.versionInfo) == Literal("0.1.0")
    assert one(VANN.preferredNamespacePrefix) == Literal("cmo")
    assert one(VANN.preferredNamespaceUri) == Literal(NS)


def test_no_imports(graph: Graph, text: str) -> None:
    assert not list(graph.triples((None, OWL.imports, None)))
    statements = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in statements if "owl:imports" in line or str(OWL.imports) in line]


# --------------------------------------------------------------------------------------------------------
# the terms: exactly those of cmograph.format.vocab.CMO, each documented once
# --------------------------------------------------------------------------------------------------------


def test_cmo_subjects_are_exactly_the_vocabulary(graph: Graph) -> None:
    subjects = {str(s)[len(NS) :] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}
    assert sorted(set(TERMS) - subjects) == [], "terms of CMO not defined in the ontology"
    assert sorted(subjects - set(TERMS)) == [], "cmo: subjects of the ontology missing from CMO"


def test_no_cmo_term_is_used_without_being_defined(graph: Graph) -> None:
    used = {str(o)[len(NS) :] for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(NS)}
    assert sorted(used - set(TERMS)) == []


@pytest.mark.parametrize("name", TERMS)
def test_term_is_defined_once_with_label_and_definition(graph: Graph, text: str, name: str) -> None:
    iri = term(name)
    blocks = re.findall(rf"^cmo:{name} a ", text, flags=re.MULTILINE)
    assert len(blocks) == 1, f"cmo:{name} must be defined in exactly one block"
    labels = english(graph.objects(iri, RDFS.label))
    assert len(labels) == 1, f"cmo:{name} needs exactly one English rdfs:label, has {labels}"
    assert len(list(graph.objects(iri, RDFS.label))) == 1
    definitions = english(graph.objects(iri, SKOS.definition))
    assert len(definitions) == 1 and len(str(definitions[0])) > 10, f"cmo:{name} needs one skos:definition"
    assert (iri, RDFS.isDefinedBy, ONTOLOGY) in graph
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
    assert len(set(graph.objects(iri, RDF.type)) & kinds) == 1, f"cmo:{name} must have exactly one OWL kind"


def test_labels_do_not_collide(graph: Graph) -> None:
    """Classes, properties and schemes have distinct labels; values only need distinct labels per scheme."""
    seen: dict[str, URIRef] = {}
    for name in TERMS:
        iri = term(name)
        if (iri, RDF.type, SKOS.Concept) in graph:
            continue
        label = str(graph.value(iri, RDFS.label))
        assert label not in seen, f"{name} and {seen[label]} share the label {label!r}"
        seen[label] = iri
    for enum in ENUMERATIONS:
        labels = [str(graph.value(enum.iri(v), RDFS.label)) for v in enum.values]
        assert len(set(labels)) == len(labels), f"{enum.name}: duplicate labels {labels}"


# --------------------------------------------------------------------------------------------------------
# agreement with the format model (cmograph.format.model) and docs/architecture.md
# --------------------------------------------------------------------------------------------------------


def test_core_classes(graph: Graph) -> None:
    for section, cls in sections_with_class():
        assert (cls, RDF.type, OWL.Class) in graph, section.name
    disjoint = [
        set(Collection(graph, graph.value(node, OWL.members)))
        for node in graph.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    core = {s.cls for s in (EVALUATION, *LISTS) if s.cls is not None}
    core |= {CMO.Programme, CMO.Measure, CMO.Evidence}
    assert core in disjoint, "the element classes must be pairwise disjoint"


@pytest.mark.parametrize(("key", "cls"), list(cmo_keys()))
def test_key_predicate_kind_domain_and_range(graph: Graph, key: Key, cls: URIRef) -> None:
    predicate = key.predicate
    assert predicate is not None
    expected = OWL.ObjectProperty if key.kind in NODE_KINDS else OWL.DatatypeProperty
    assert (predicate, RDF.type, expected) in graph, f"{predicate} should be a {expected}"
    domains = list(graph.objects(predicate, RDFS.domain))
    assert len(domains) == 1, f"{predicate} needs one rdfs:domain"
    assert cls in class_members(graph, domains[0]), f"{predicate}: domain lacks {cls}"
    ranges = list(graph.objects(predicate, RDFS.range))
    if expected == OWL.ObjectProperty:
        target = key_range(key)
        assert ranges == ([target] if target is not None else []), f"{predicate}: range {ranges}"
    else:
        assert len(ranges) == 1, f"{predicate} needs one rdfs:range"


@pytest.mark.parametrize(
    ("name", "datatype"),
    [
        ("value", XSD.decimal),
        ("baseline", XSD.decimal),
        ("intended", XSD.boolean),
        ("mechanismActivated", XSD.boolean),
        ("statementGenerated", XSD.boolean),
        ("position", XSD.positiveInteger),
        ("formatVersion", XSD.integer),
        ("start", RDFS.Literal),
        ("end", RDFS.Literal),
        ("atDate", RDFS.Literal),
    ],
)
def test_datatype_ranges(graph: Graph, name: str, datatype: URIRef) -> None:
    assert list(graph.objects(term(name), RDFS.range)) == [datatype]


@pytest.mark.parametrize("name", ["start", "end", "atDate"])
def test_date_properties_document_their_datatypes(graph: Graph, name: str) -> None:
    comment = " ".join(str(c) for c in graph.objects(term(name), RDFS.comment))
    for datatype in ("xsd:date", "xsd:gYearMonth", "xsd:gYear"):
        assert datatype in comment


@pytest.mark.parametrize(
    ("name", "classes"),
    [
        ("doi", {CMO.Evaluation, CMO.Source}),
        ("concept", {CMO.Site, CMO.Group, CMO.Context, CMO.Mechanism, CMO.Outcome}),
        ("position", {CMO.Evidence, CMO.Measure}),
        ("atPeriod", {CMO.Measure}),
        ("atDate", {CMO.Measure}),
        ("formatVersion", {CMO.Evaluation}),
    ],
)
def test_shared_and_builder_only_domains(graph: Graph, name: str, classes: set[URIRef]) -> None:
    (domain,) = graph.objects(term(name), RDFS.domain)
    assert class_members(graph, domain) == classes


def test_in_evaluation(graph: Graph) -> None:
    """The builder writes it on every node it makes, including the evaluation and prefix declarations."""
    assert not list(graph.objects(CMO.inEvaluation, RDFS.domain))
    assert list(graph.objects(CMO.inEvaluation, RDFS.range)) == [CMO.Evaluation]
    assert (CMO.inEvaluation, RDF.type, OWL.FunctionalProperty) in graph


def test_measure_time_properties(graph: Graph) -> None:
    assert (CMO.atPeriod, RDF.type, OWL.ObjectProperty) in graph
    assert (CMO.atPeriod, RDFS.range, CMO.Period) in graph
    assert (CMO.atDate, RDF.type, OWL.DatatypeProperty) in graph


def test_external_properties_used_by_data_are_declared_without_punning(graph: Graph) -> None:
    used = {key.predicate for section in ALL_SECTIONS for key in section.keys if key.predicate is not None}
    used |= {RDFS.label, DCTERMS.identifier, CMO.inEvaluation, CMO.position, SKOS.notation, SKOS.inScheme}
    builtin = {RDFS.label, RDFS.seeAlso, RDFS.comment, RDFS.isDefinedBy}
    for predicate in used - builtin:
        kinds = set(graph.objects(predicate, RDF.type)) & PROPERTY_KINDS
        assert len(kinds) == 1, f"{predicate} must be declared as exactly one kind of property, is {kinds}"
    for predicate in (PROV.wasDerivedFrom, PROV.wasRevisionOf, DCTERMS.isPartOf):
        assert (predicate, RDF.type, OWL.ObjectProperty) in graph
    # the value of dcterms:license is an IRI or a literal; dcterms:title etc. also annotate the header
    for predicate in (DCTERMS.license, DCTERMS.title, DCTERMS.description, DCTERMS.creator):
        assert (predicate, RDF.type, OWL.AnnotationProperty) in graph
    for predicate in (
        SH.declare,
        SH.prefix,
        SH.namespace,
    ):  # the file's `prefixes`, as the builder writes them
        assert set(graph.objects(predicate, RDF.type)) & PROPERTY_KINDS, predicate
    for subject in set(graph.subjects(RDF.type, None)):
        kinds = set(graph.objects(subject, RDF.type)) & PROPERTY_KINDS
        assert len(kinds) <= 1, f"{subject} is declared as {kinds}"


def test_prov_and_dcterms_alignment(graph: Graph) -> None:
    assert (CMO.Evaluation, RDFS.subClassOf, PROV.Activity) in graph
    for cls in (CMO.Source, CMO.Evidence, CMO.ProgrammeTheory):
        assert (cls, RDFS.subClassOf, PROV.Entity) in graph
    assert (CMO.SynthesisJudgement, RDFS.subClassOf, PROV.Activity) in graph
    assert (CMO.derivedBy, RDFS.subPropertyOf, PROV.wasGeneratedBy) in graph
    assert (CMO.inEvaluation, RDFS.subPropertyOf, DCTERMS.isPartOf) in graph


def test_mappings_are_annotations_to_known_terms(graph: Graph) -> None:
    mappings = {(s, o) for s, o in graph.subject_objects(SKOS.closeMatch)}
    assert (CMO.Evidence, OBO.SEPIO_0000002) in mappings  # evidence line
    assert (CMO.Mechanism, BCIO.BCIO_006000) in mappings  # BCI mechanism of action
    for _, target in mappings:
        assert str(target).startswith((str(OBO) + "SEPIO_", str(BCIO) + "BCIO_")), target
        assert not set(graph.objects(target, RDF.type)), f"{target} must not be declared here"
    assert (SKOS.closeMatch, RDF.type, OWL.AnnotationProperty) in graph


# --------------------------------------------------------------------------------------------------------
# the declarations: exactly what the format model generates, and documented alignments
# --------------------------------------------------------------------------------------------------------

OWL_KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual}
# What the builder writes besides the keys' predicates (model.BUILDER_TERMS), with the kind the ontology gives it.
BUILDER_KINDS = {
    CMO.inEvaluation: OWL.ObjectProperty,
    CMO.formatVersion: OWL.DatatypeProperty,
    CMO.Programme: OWL.Class,
    CMO.position: OWL.DatatypeProperty,
    CMO.atPeriod: OWL.ObjectProperty,
    CMO.atDate: OWL.DatatypeProperty,
    CMO.statementGenerated: OWL.DatatypeProperty,
    PROV.Person: OWL.Class,
    SH.declare: OWL.ObjectProperty,
    SH.prefix: OWL.AnnotationProperty,
    SH.namespace: OWL.AnnotationProperty,
}
# Declared though neither the model nor the builder writes them: the alignments' targets and the vocabulary the
# ontology documents itself with (see "Declarations of terms from other vocabularies" in ontology/cmograph.ttl).
ALIGNMENTS = {
    PROV.Activity: OWL.Class,
    PROV.Entity: OWL.Class,
    PROV.wasGeneratedBy: OWL.ObjectProperty,  # the super-property of cmo:derivedBy
    DCTERMS.isPartOf: OWL.ObjectProperty,
    SKOS.closeMatch: OWL.AnnotationProperty,
}
DOCUMENTATION = {
    SKOS.Concept: OWL.Class,
    SKOS.ConceptScheme: OWL.Class,
    SKOS.inScheme: OWL.ObjectProperty,
    SKOS.topConceptOf: OWL.ObjectProperty,
    SKOS.hasTopConcept: OWL.ObjectProperty,
    SKOS.prefLabel: OWL.AnnotationProperty,
    SKOS.definition: OWL.AnnotationProperty,
    SKOS.notation: OWL.AnnotationProperty,
    VANN.preferredNamespacePrefix: OWL.AnnotationProperty,
    VANN.preferredNamespaceUri: OWL.AnnotationProperty,
}
OWL_BUILT_IN = {RDFS.label, RDFS.seeAlso}  # annotation properties OWL declares itself


def generated_by_the_model() -> dict[URIRef, URIRef]:
    """Every term the model names, with the OWL kind it must be declared as. Other vocabularies' properties are
    object properties when their values are elements (refs), else annotation properties (see the typing rules)."""
    kinds: dict[URIRef, URIRef] = {}
    for section in ALL_SECTIONS:
        if section.cls is not None:
            kinds[section.cls] = OWL.Class
        for key in section.keys:
            if key.predicate is None or key.predicate in OWL_BUILT_IN:
                continue
            if str(key.predicate).startswith(NS):
                kinds[key.predicate] = OWL.ObjectProperty if key.kind in NODE_KINDS else OWL.DatatypeProperty
            else:
                kinds[key.predicate] = OWL.ObjectProperty if key.kind in ("ref", "refs") else OWL.AnnotationProperty
    for enum in ENUMERATIONS:
        kinds[enum.cls] = OWL.Class
        kinds[enum.scheme] = OWL.NamedIndividual
        kinds.update((enum.iri(v), OWL.NamedIndividual) for v in enum.values)
    return kinds | BUILDER_KINDS


def test_the_builder_terms_are_all_classified() -> None:
    assert {str(t) for t in BUILDER_KINDS} == set(BUILDER_TERMS)


def test_declarations_are_exactly_what_the_model_generates_and_the_alignments(graph: Graph) -> None:
    declared: dict[object, set[object]] = {}
    for subject, kind in graph.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and kind in OWL_KINDS:
            declared.setdefault(subject, set()).add(kind)
    assert {s: k for s, k in declared.items() if len(k) != 1} == {}, "terms declared as two OWL kinds"
    expected = generated_by_the_model() | ALIGNMENTS | DOCUMENTATION
    found = {s: next(iter(k)) for s, k in declared.items()}
    assert sorted(set(expected) - set(found)) == [], "generated by the model, not declared in the ontology"
    assert sorted(set(found) - set(expected)) == [], "declared in the ontology, not generated by the model"
    assert {s: (k, expected[s]) for s, k in found.items() if k != expected[s]} == {}, "(declared, generated)"


# --------------------------------------------------------------------------------------------------------
# enumerations
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("enum", ENUMERATIONS, ids=lambda e: e.name)
def test_enumeration_class_and_scheme(graph: Graph, enum: Enumeration) -> None:
    assert (enum.cls, RDF.type, OWL.Class) in graph
    assert (enum.cls, RDFS.subClassOf, SKOS.Concept) in graph
    assert (enum.scheme, RDF.type, SKOS.ConceptScheme) in graph
    members = {enum.iri(v) for v in enum.values}
    (closed,) = graph.objects(enum.cls, OWL.equivalentClass)
    assert set(Collection(graph, graph.value(closed, OWL.oneOf))) == members
    assert set(graph.subjects(SKOS.inScheme, enum.scheme)) == members
    assert set(graph.objects(enum.scheme, SKOS.hasTopConcept)) == members
    different = [
        set(Collection(graph, graph.value(n, OWL.distinctMembers))) for n in graph.subjects(RDF.type, OWL.AllDifferent)
    ]
    assert members in different, f"{enum.name}: values must be pairwise different"


@pytest.mark.parametrize(
    ("enum", "value"), [(e, v) for e in ENUMERATIONS for v in e.values], ids=lambda x: getattr(x, "name", x)
)
def test_enumeration_value(graph: Graph, enum: Enumeration, value: str) -> None:
    iri = enum.iri(value)
    for cls in (OWL.NamedIndividual, enum.cls, SKOS.Concept):
        assert (iri, RDF.type, cls) in graph
    assert list(graph.objects(iri, SKOS.notation)) == [Literal(value)]
    assert list(graph.objects(iri, SKOS.inScheme)) == [enum.scheme]
    assert list(graph.objects(iri, SKOS.topConceptOf)) == [enum.scheme]
    assert len(english(graph.objects(iri, SKOS.prefLabel))) == 1


def test_notations_are_found_by_sparql(graph: Graph) -> None:
    """The query layer maps file values to individuals through their notation in their scheme."""
    rows = graph.query(
        "SELECT ?value WHERE { ?value skos:notation ?n ; skos:inScheme ?scheme }",
        initNs={"skos": SKOS},
        initBindings={"n": Literal("no-change"), "scheme": CMO.DirectionScheme},
    )
    assert [row[0] for row in rows] == [CMO.DirectionNoChange]


def test_enumeration_classes_are_disjoint(graph: Graph) -> None:
    classes = {e.cls for e in ENUMERATIONS}
    disjoint = [
        set(Collection(graph, graph.value(n, OWL.members))) for n in graph.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert classes in disjoint


# --------------------------------------------------------------------------------------------------------
# owlready2 and HermiT
# --------------------------------------------------------------------------------------------------------

needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="java is not on PATH: HermiT (run by owlready2) needs a Java runtime"
)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the ontology must never fetch anything."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def load_world(extra: Iterable[tuple[object, object, object]] = ()) -> tuple[Any, Any]:
    """A fresh owlready2 world holding the ontology (plus ``extra`` triples), loaded from bytes."""
    import owlready2

    g = Graph().parse(data=ontology_text(), format="turtle")
    for triple in extra:
        g.add(triple)  # type: ignore[arg-type]
    world = owlready2.World()
    onto = world.get_ontology(ONTOLOGY_IRI).load(
        fileobj=io.BytesIO(g.serialize(format="nt", encoding="utf-8")), format="ntriples"
    )
    return world, onto


def reason(world: object, **options: object) -> None:
    import owlready2

    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, **options)


@pytest.mark.slow
@pytest.mark.usefixtures("no_network")
def test_owlready2_loads_it() -> None:
    world, onto = load_world()
    assert world.search_one(iri=str(CMO.Configuration)) in set(onto.classes())
    assert world.search_one(iri=str(CMO.hasContext)) in set(onto.object_properties())
    assert world.search_one(iri=str(CMO.value)) in set(onto.data_properties())
    assert world.search_one(iri=str(CMO.DirectionNoChange)) in set(onto.individuals())
    assert world.search_one(iri=str(DCTERMS.license)) in set(onto.annotation_properties())
    assert not onto.imported_ontologies


@pytest.mark.slow
@needs_java
@pytest.mark.usefixtures("no_network")
def test_hermit_finds_it_consistent_with_no_unsatisfiable_class() -> None:
    world, _ = load_world()
    reason(world)
    assert list(world.inconsistent_classes()) == []


X = URIRef("urn:test:x")
Y = URIRef("urn:test:y")

INCONSISTENT = {
    "node of two disjoint element classes": [(X, RDF.type, CMO.Context), (X, RDF.type, CMO.Outcome)],
    "two values of a functional property": [
        (X, RDF.type, CMO.Evidence),
        (X, CMO.stance, CMO.StanceSupports),
        (X, CMO.stance, CMO.StanceRefutes),
    ],
    "value outside a closed enumeration": [
        (X, RDF.type, CMO.Stance),
        *[(X, OWL.differentFrom, CMO[f"Stance{v}"]) for v in ("Supports", "Refutes", "Qualifies")],
    ],
    "range violated": [(X, CMO.hasContext, Y), (Y, RDF.type, CMO.Outcome)],
    "value from the wrong enumeration": [(X, RDF.type, CMO.Outcome), (X, CMO.direction, CMO.StatusMixed)],
    "non-numeric measured value": [(X, RDF.type, CMO.Measure), (X, CMO.value, Literal("a lot"))],
    "position 0": [(X, RDF.type, CMO.Measure), (X, CMO.position, Literal(0))],
}


@pytest.mark.slow
@needs_java
@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("case", sorted(INCONSISTENT))
def test_hermit_detects_inconsistency(case: str) -> None:
    import owlready2

    world, _ = load_world(INCONSISTENT[case])
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        reason(world)


def sample_evaluation() -> list[tuple[object, object, object]]:
    """Triples shaped as docs/architecture.md says the builder writes them, for one small evaluation."""
    base = "https://w3id.org/cmograph/data/demo"
    e = URIRef(base)

    def node(path: str) -> URIRef:
        return URIRef(f"{base}/{path}")

    ctx, mech, out, cmoc = node("context/c1"), node("mechanism/m1"), node("outcome/o1"), node("cmoc/1")
    earlier = node("cmoc/0")
    site, group, period, source = node("site/s1"), node("group/g1"), node("period/p1"), node("source/t1")
    measure, evidence, theory, programme = (
        node("outcome/o1/measure/1"),
        node("cmoc/1/evidence/1"),
        node("theory/pt1"),
        node("programme"),
    )
    triples: list[tuple[object, object, object]] = [
        (e, RDF.type, CMO.Evaluation),
        (e, CMO.inEvaluation, e),
        (e, DCTERMS.identifier, Literal("demo")),
        (e, RDFS.label, Literal("Demo")),
        (e, DCTERMS.title, Literal("Demo")),
        (e, CMO.doi, URIRef("https://doi.org/10.1234/demo")),
        (e, DCTERMS.issued, Literal("2021", datatype=XSD.gYear)),
        (e, DCTERMS.creator, Literal("A. Author")),
        (e, CMO.design, CMO.DesignRealistEvaluation),
        (e, CMO.evaluates, programme),
        (e, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
        (e, CMO.formatVersion, Literal(1)),
        (e, SH.declare, node("prefix/ex")),
        (node("prefix/ex"), SH.prefix, Literal("ex")),
        (node("prefix/ex"), SH.namespace, Literal("https://example.org/concepts/", datatype=XSD.anyURI)),
        (node("prefix/ex"), CMO.inEvaluation, e),
        (programme, RDF.type, CMO.Programme),
        (programme, RDFS.label, Literal("Huddles")),
        (site, RDF.type, CMO.Site),
        (site, CMO.setting, CMO.SettingPrimary),
        (site, CMO.size, Literal(12)),
        (site, CMO.microsystemPurpose, Literal("care")),
        (group, RDF.type, CMO.Group),
        (period, RDF.type, CMO.Period),
        (period, CMO.start, Literal("2020-01", datatype=XSD.gYearMonth)),
        (period, CMO.end, Literal("2020-06-30", datatype=XSD.date)),
        (period, CMO.phase, Literal("pilot")),
        (source, RDF.type, CMO.Source),
        (source, CMO.sourceKind, CMO.SourceKindInterviewTranscript),
        (source, RDFS.seeAlso, URIRef("https://example.org/t1")),
        (source, DCTERMS.bibliographicCitation, Literal("Transcript 1")),
        (ctx, RDF.type, CMO.Context),
        (ctx, CMO.contextLevel, CMO.ContextLevelInstitutional),
        (ctx, CMO.concept, URIRef("https://example.org/concepts/leadership")),
        (mech, RDF.type, CMO.Mechanism),
        (mech, CMO.mechanismKind, CMO.MechanismKindResponse),
        (out, RDF.type, CMO.Outcome),
        (out, CMO.direction, CMO.DirectionNoChange),
        (out, CMO.intended, Literal(True)),
        (out, CMO.outcomeLevel, CMO.OutcomeLevelDistal),
        (out, CMO.hasMeasure, measure),
        (measure, RDF.type, CMO.Measure),
        (measure, CMO.position, Literal(1)),
        (measure, CMO.indicator, Literal("falls")),
        (measure, CMO.unit, Literal("per month")),
        (measure, CMO.value, Literal("3.5", datatype=XSD.decimal)),
        (measure, CMO.baseline, Literal("4", datatype=XSD.decimal)),
        (measure, CMO.atPeriod, period),
        (measure, PROV.wasDerivedFrom, source),
        (cmoc, RDF.type, CMO.Configuration),
        (cmoc, CMO.hasContext, ctx),
        (cmoc, CMO.hasMechanism, mech),
        (cmoc, CMO.hasOutcome, out),
        (cmoc, CMO.mechanismActivated, Literal(True)),
        (cmoc, CMO.forWhom, group),
        (cmoc, CMO.inPeriod, period),
        (cmoc, CMO.atSite, site),
        (cmoc, CMO.status, CMO.StatusSupported),
        (cmoc, CMO.confidence, CMO.ConfidenceModerate),
        (cmoc, CMO.statement, Literal("If ..., then ...")),
        (cmoc, CMO.statementGenerated, Literal(True)),
        (cmoc, CMO.hasEvidence, evidence),
        (cmoc, CMO.leadsTo, earlier),
        (cmoc, CMO.refines, earlier),
        (earlier, RDF.type, CMO.Configuration),
        (evidence, RDF.type, CMO.Evidence),
        (evidence, CMO.position, Literal(1)),
        (evidence, CMO.stance, CMO.StanceSupports),
        (evidence, CMO.quote, Literal("we talk more")),
        (evidence, CMO.refs, Literal("12")),
        (evidence, CMO.refs, Literal("14")),
        (evidence, PROV.wasDerivedFrom, source),
        (evidence, CMO.locator, Literal("p. 3")),
        (evidence, CMO.method, CMO.MethodInterview),
        (evidence, CMO.dataType, CMO.DataTypeQualitative),
        (evidence, CMO.informant, group),
        (evidence, CMO.interpretation, CMO.InterpretationParticipant),
        (theory, RDF.type, CMO.ProgrammeTheory),
        (theory, CMO.includesConfiguration, cmoc),
        (theory, CMO.theoryStatus, CMO.TheoryStatusFinal),
        (theory, SKOS.note, Literal("first version")),
        (theory, PROV.wasRevisionOf, node("theory/pt0")),
        (node("theory/pt0"), RDF.type, CMO.ProgrammeTheory),
    ]
    for element in (
        programme,
        site,
        group,
        period,
        source,
        ctx,
        mech,
        out,
        measure,
        cmoc,
        earlier,
        evidence,
        theory,
    ):
        triples.append((element, CMO.inEvaluation, e))
    return triples


@pytest.mark.slow
@needs_java
@pytest.mark.usefixtures("no_network")
def test_hermit_accepts_a_graph_shaped_like_the_builder_output() -> None:
    # HermiT only knows the OWL 2 datatype map, which lacks xsd:date, xsd:gYearMonth and xsd:gYear (used by
    # cmo:start, cmo:end and cmo:atDate), so assertions with those literals are skipped by the reasoner.
    world, _ = load_world(sample_evaluation())
    reason(world, ignore_unsupported_datatypes=True)
    assert list(world.inconsistent_classes()) == []


# --------------------------------------------------------------------------------------------------------
# the real builder's output for the bundled examples
# --------------------------------------------------------------------------------------------------------


def example_triples() -> Iterator[object]:
    from cmograph.ingest.build import build
    from cmograph.ingest.yaml_json import read_document

    examples = data("examples")
    for resource in sorted(examples.iterdir(), key=lambda r: r.name):
        if resource.name.endswith(".yaml"):
            with importlib.resources.as_file(resource) as path:
                triples = build(read_document(path)).triples
            yield pytest.param(triples, id=resource.name)


EXAMPLES = list(example_triples())


def test_there_are_examples() -> None:
    assert EXAMPLES


@pytest.mark.parametrize("triples", EXAMPLES)
def test_builder_output_only_uses_declared_terms(graph: Graph, triples: list[tuple[object, object, object]]) -> None:
    builtin = {RDF.type, RDFS.label, RDFS.seeAlso}
    for _, predicate, obj in triples:
        if predicate not in builtin:
            kinds = set(graph.objects(predicate, RDF.type)) & PROPERTY_KINDS  # type: ignore[arg-type]
            assert len(kinds) == 1, f"{predicate} is used by the builder but declared as {kinds}"
        if predicate == RDF.type or (isinstance(obj, URIRef) and str(obj).startswith(NS)):
            assert (obj, RDF.type, None) in graph, f"{obj} is used by the builder but not defined"


@pytest.mark.slow
@needs_java
@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("triples", EXAMPLES)
def test_hermit_accepts_the_builder_output(triples: list[tuple[object, object, object]]) -> None:
    world, _ = load_world(triples)
    reason(world, ignore_unsupported_datatypes=True)  # dates: see the test above
    assert list(world.inconsistent_classes()) == []
