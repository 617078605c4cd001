"""Check an RDF file of evidence: its evaluations and elements against the shapes, and that it describes only what
its evaluations own, so that loading it can never change another evaluation's data."""

from __future__ import annotations

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from cmograph.checks.consistency import check_consistency
from cmograph.checks.crossfile import items_of
from cmograph.checks.results import EvaluationGraph, Items
from cmograph.checks.shapes import Locator, shape_diagnostics
from cmograph.diagnostics import Diagnostic, Location
from cmograph.format.generate import curie
from cmograph.format.model import LISTS, section_for_class
from cmograph.format.vocab import CMO
from cmograph.ingest.build import Origin, Triple
from cmograph.ingest.convert import ox_triples

DCTERMS_IDENTIFIER = DCTERMS.identifier
SHOWN_OUTSIDE = 10  # triples listed one by one before the rest are counted


def check_rdf(name: str, data: Graph) -> tuple[list[Diagnostic], list[EvaluationGraph], Items]:
    """The problems of the RDF file ``name`` holding ``data``, the graph of each of its evaluations (to load if
    there are no errors), and what other files may name of it and it names of theirs."""
    evaluations = sorted(set(data.subjects(RDF.type, CMO.Evaluation)), key=str)
    if not evaluations:
        return [Diagnostic(Location(name), "", "no cmo:Evaluation in this graph",
                           "a cmograph graph has one node typed cmo:Evaluation per evaluation")], [], Items()
    found: list[Diagnostic] = []
    origins: dict[Node, Origin] = {}
    ids: dict[str, dict[str, str]] = {s.name: {} for s in LISTS}
    for node, cls in data.subject_objects(RDF.type):
        section = section_for_class(cls) if isinstance(cls, URIRef) else None
        if section is None:
            continue
        identifier = data.value(node, DCTERMS_IDENTIFIER)
        shown = identifier if identifier is not None else node.n3() if isinstance(node, BNode) else node
        where = f"{section.name}[{shown}]"
        origins[node] = Origin(section, where, None, None if identifier is None else str(identifier))
        if identifier is not None and section.name in ids:
            label = data.value(node, RDFS.label)
            ids[section.name][str(identifier)] = str(label or identifier)
        # Questions find elements by IRI (an option resolves to one) and an evaluation's graph is named after it,
        # so what has an id must have an IRI. Measures and evidence items have none: they are reached only through
        # their outcome or configuration, so a blank node serves as well as the IRI the builder mints for them.
        if section.identified and isinstance(node, BNode):
            found.append(Diagnostic(Location(name), where, f"the {section.noun} is a blank node",
                                    f"give the {curie(str(cls))} node an IRI"))
    found.extend(shape_diagnostics(data, Locator(name, origins, {}, ids, rdf=True)))
    found.extend(check_consistency(data, name, origins, {}, rdf=True))
    by_evaluation: dict[Node, list[Triple]] = {e: [] for e in evaluations}
    outside: list[Triple] = []
    owners: dict[Node, Node | None] = {}
    for s, p, o in data:
        owner = owners[s] if s in owners else owners.setdefault(s, _owner(s, evaluations, data))
        if owner is not None:
            by_evaluation[owner].append((s, p, o))
            continue
        naming = _naming_person(s, p, o, evaluations, data, owners)
        if not naming:
            outside.append((s, p, o))
        for evaluation in naming:
            by_evaluation[evaluation].append((s, p, o))
    if all(isinstance(e, URIRef) for e in evaluations):  # else what belongs to the blank one is not told (above)
        found.extend(_outside(name, outside, evaluations, data))
    graphs = []
    for evaluation in evaluations:
        identifier = data.value(evaluation, DCTERMS_IDENTIFIER)
        if identifier is None or not isinstance(evaluation, URIRef):  # reported by the shapes, or above
            continue
        graphs.append(EvaluationGraph.of(str(identifier), URIRef(f"{evaluation}/graph"),
                                         ox_triples(by_evaluation[evaluation])))
    return found, graphs, items_of(data, origins, {})


def _owner(subject: Node, evaluations: list[Node], data: Graph) -> Node | None:
    """The evaluation of ``data`` that a triple about ``subject`` belongs to, if it may describe it: an IRI is
    described by the evaluation it is (or is under: ``{evaluation}/...``) and only if it claims no other with
    ``cmo:inEvaluation``; a blank node, by the evaluation it is linked to with ``cmo:inEvaluation``."""
    claimed = set(data.objects(subject, CMO.inEvaluation))
    if isinstance(subject, BNode):
        return next(iter(claimed)) if len(claimed) == 1 and next(iter(claimed)) in evaluations else None
    text = str(subject)
    under = [e for e in evaluations if text == str(e) or text.startswith((f"{e}/", f"{e}#"))]
    owner = max(under, key=lambda e: len(str(e)), default=None)
    return owner if owner is not None and claimed <= {owner} else None


def _naming_person(subject: Node, predicate: Node, value: Node, evaluations: list[Node], data: Graph,
                   owners: dict[Node, Node | None]) -> list[Node]:
    """The evaluations whose nodes name ``subject`` as a person (an author by ORCID iD: ``dcterms:creator``), if
    the triple says only what the builder says of one: that it is a ``prov:Person``, and its name."""
    said = (predicate == RDF.type and value == PROV.Person) or (predicate == RDFS.label and isinstance(value, Literal))
    if not isinstance(subject, URIRef) or not said:
        return []
    found = set()
    for holder in data.subjects(DCTERMS.creator, subject):
        owner = owners[holder] if holder in owners else owners.setdefault(holder, _owner(holder, evaluations, data))
        if owner is not None:
            found.add(owner)
    return sorted(found, key=str)


def _outside(name: str, triples: list[Triple], evaluations: list[Node], data: Graph) -> list[Diagnostic]:
    """An error per triple that describes something its file's evaluations do not own: an evaluation's file may
    only describe the evaluation and what lies under its IRI, so it can never change another's data."""
    found = []
    for s, p, o in sorted(triples, key=lambda t: tuple(map(str, t)))[:SHOWN_OUTSIDE]:
        claimed = sorted(str(e) for e in data.objects(s, CMO.inEvaluation))
        if isinstance(s, BNode):
            message = "a blank node linked to no evaluation of this file"
            hint = "link the node to its evaluation with cmo:inEvaluation"
        elif any(str(s) == str(e) or str(s).startswith((f"{e}/", f"{e}#")) for e in evaluations):
            message = f"<{s}>, which says it is part of another evaluation ({', '.join(f'<{c}>' for c in claimed)})"
            hint = "an evaluation's file describes its own elements only; remove the other cmo:inEvaluation"
        else:
            message = f"<{s}>, which is not under the IRI of this file's evaluation"
            hint = (f"an evaluation's file may only describe the evaluation and IRIs under it, such as "
                    f"<{evaluations[0]}/context/c1>")
        found.append(Diagnostic(Location(name), "", f"the triple {_triple_text((s, p, o))} describes {message}", hint))
    if len(triples) > SHOWN_OUTSIDE:
        found.append(Diagnostic(Location(name), "", f"{len(triples) - SHOWN_OUTSIDE} more triples describe what "
                                "this file's evaluations do not own", "see the triples above"))
    return found


def _triple_text(triple: Triple) -> str:
    """A triple as N-Triples writes it, cut to a readable length."""
    text = " ".join(term.n3() for term in triple)
    return text if len(text) <= 300 else text[:299] + "…"
