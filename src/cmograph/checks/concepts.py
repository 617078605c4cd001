"""Check a project's concept scheme against the evaluations loaded with it, and build its named graph.

Each member must name an element of those evaluations that questions compare (a context, mechanism, outcome,
group or site); an unknown one is an error at its line, with the ids that come closest. The scheme's graph holds
the scheme (``skos:ConceptScheme``), its concepts (``skos:Concept``, ``skos:prefLabel``, ``skos:broader``, the SKOS
mapping properties to other vocabularies) and, for each member, ``element cmo:concept concept``: it joins the
evaluations' graphs without changing any of them.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.term import Node

from cmograph.checks.results import EvaluationGraph
from cmograph.diagnostics import Diagnostic, Location, ValidationReport
from cmograph.format.model import CONTEXTS, GROUPS, MECHANISMS, OUTCOMES, SITES, Section
from cmograph.format.vocab import CMO
from cmograph.ingest.build import Triple
from cmograph.ingest.concepts import Member, Scheme, read_scheme
from cmograph.ingest.convert import ox_triples
from cmograph.namespaces import DCTERMS, SH, SKOS

MEMBER_SECTIONS: tuple[Section, ...] = (CONTEXTS, MECHANISMS, OUTCOMES, GROUPS, SITES)
_ELEMENTS = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?evaluation ?id ?class WHERE {
  ?s a ?class ; cmo:inEvaluation ?e ; dcterms:identifier ?id .
  ?e dcterms:identifier ?evaluation .
  VALUES ?class { %s }
}"""


class Elements:
    """The elements of a store that may belong to concepts: by ``evaluation/id``, and by IRI."""

    def __init__(self, store: ox.Store) -> None:
        classes = " ".join(f"<{s.class_iri}>" for s in MEMBER_SECTIONS)
        nouns = {s.class_iri: s.noun for s in MEMBER_SECTIONS}
        self.by_name: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)  # -> [(IRI, noun)]
        self.iris: set[str] = set()
        self.evaluations: dict[str, set[str]] = defaultdict(set)  # evaluation id -> its element ids
        results = store.query(_ELEMENTS % classes, use_default_graph_as_union=True)
        assert isinstance(results, ox.QuerySolutions)
        for row in results:
            s, evaluation, local, cls = (row[v].value for v in ("s", "evaluation", "id", "class"))
            self.by_name[evaluation, local].append((s, nouns[cls]))
            self.iris.add(s)
            self.evaluations[evaluation].add(local)


def check_scheme(path: Path, store: ox.Store, base: str) -> tuple[ValidationReport, EvaluationGraph | None]:
    """The problems of the concept scheme in ``path`` among the evaluations of ``store``, and its graph when it has
    none. A file that does not parse raises :class:`~cmograph.errors.InputError`."""
    scheme = read_scheme(path, base)
    report = ValidationReport(list(scheme.problems))
    elements = Elements(store)
    members: dict[str, list[str]] = {}  # concept IRI -> element IRIs
    for concept in scheme.concepts:
        found = []
        for member in concept.members:
            iri = _resolve(member, elements, scheme.name, f"{concept.where}.members", report)
            if iri is not None:
                found.append(iri)
        members[concept.iri] = found
    if not report.conforms:
        return report, None
    triples = _triples(scheme, members)
    graph = URIRef(scheme.iri)
    return report, EvaluationGraph.of("", graph, ox_triples(triples))


def _resolve(member: Member, elements: Elements, file: str, where: str, report: ValidationReport) -> str | None:
    """The element a member names, or ``None`` with the reason in ``report``."""

    def fail(message: str, hint: str) -> None:
        report.extend([Diagnostic(Location(file, member.line), where, message, hint)])

    if "://" in member.text:
        if member.text in elements.iris:
            return member.text
        fail(f"<{member.text}> is no context, mechanism, outcome, group or site of the evaluations loaded",
             "check the IRI, or name the element as EVALUATION-ID/ELEMENT-ID")
        return None
    evaluation, _, local = member.text.partition("/")
    hits = elements.by_name.get((evaluation, local), [])
    if len(hits) == 1:
        return hits[0][0]
    if len(hits) > 1:
        kinds = " and a ".join(noun for _, noun in sorted(hits, key=lambda h: h[1]))
        fail(f"'{member.text}' names a {kinds}", "name the one you mean by its IRI: "
             + " or ".join(f"<{iri}>" for iri, _ in sorted(hits)))
        return None
    if evaluation not in elements.evaluations:
        close = difflib.get_close_matches(evaluation, list(elements.evaluations), n=3, cutoff=0.6)
        fail(f"'{member.text}': no evaluation '{evaluation}' is loaded",
             f"did you mean {' or '.join(repr(c) for c in close)}?" if close
             else f"the evaluations are: {', '.join(sorted(elements.evaluations)[:8]) or 'none'}")
        return None
    close = difflib.get_close_matches(local, sorted(elements.evaluations[evaluation]), n=3, cutoff=0.6)
    fail(f"'{member.text}': the evaluation '{evaluation}' has no context, mechanism, outcome, group or site "
         f"'{local}'", f"did you mean {' or '.join(repr(f'{evaluation}/{c}') for c in close)}?" if close
         else "check the element's id in its evaluation's file")
    return None


def _triples(scheme: Scheme, members: dict[str, list[str]]) -> list[Triple]:
    """The scheme's graph: what its file says, in SKOS, and each member's ``cmo:concept``."""
    skos = {name: URIRef(SKOS + name) for name in (
        "ConceptScheme", "Concept", "prefLabel", "definition", "inScheme", "broader", "narrower", "exactMatch",
        "closeMatch", "note", "hasTopConcept")}
    out: list[Triple] = []
    root = URIRef(scheme.iri)
    if scheme.rdf is not None:  # a SKOS file: its triples as they are
        out.extend(scheme.rdf)
    else:
        out += [(root, RDF.type, skos["ConceptScheme"]), (root, skos["prefLabel"], Literal(scheme.label))]
        if scheme.description:
            out.append((root, URIRef(DCTERMS + "description"), Literal(scheme.description)))
        for c in scheme.concepts:
            node = URIRef(c.iri)
            out += [(node, RDF.type, skos["Concept"]), (node, skos["inScheme"], root),
                    (node, skos["prefLabel"], Literal(c.label)),
                    (node, URIRef(DCTERMS + "identifier"), Literal(c.id))]
            if not c.broader:
                out.append((root, skos["hasTopConcept"], node))
            optional: list[tuple[URIRef, Node | None]] = [
                (skos["definition"], Literal(c.definition) if c.definition else None),
                (skos["note"], Literal(c.note) if c.note else None),
                (URIRef(DCTERMS + "date"), Literal(c.decided_on, datatype=XSD.date) if c.decided_on else None)]
            optional += [(skos["broader"], URIRef(b)) for b in c.broader]
            optional += [(skos["exactMatch"], URIRef(m)) for m in c.exact_match]
            optional += [(skos["closeMatch"], URIRef(m)) for m in c.close_match]
            optional += [(URIRef(DCTERMS + "contributor"), Literal(who)) for who in c.decided_by]
            out += [(node, p, o) for p, o in optional if o is not None]
            out += [(URIRef(b), skos["narrower"], node) for b in c.broader]
    for concept, elements in members.items():
        out += [(URIRef(e), CMO.concept, URIRef(concept)) for e in elements]
    declaration = URIRef(f"{scheme.iri}{'' if scheme.iri.endswith('#') else '#'}prefix-{scheme.prefix}")
    out += [(root, URIRef(SH + "declare"), declaration), (declaration, URIRef(SH + "prefix"), Literal(scheme.prefix)),
            (declaration, URIRef(SH + "namespace"), Literal(scheme.iri, datatype=XSD.anyURI))]
    return out
