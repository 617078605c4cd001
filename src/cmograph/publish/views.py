"""What each page shows, worked out from the graph: links already relative to the page, text as it will be
printed (the templates escape it)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from cmograph.format.identifiers import DOI_RESOLVER, doi_text
from cmograph.namespaces import CMO_NS, COMMON_PREFIXES
from cmograph.publish.answers import Table
from cmograph.publish.diagram import diagram
from cmograph.publish.graph import Node, SiteGraph, Term, cmo
from cmograph.publish.paths import INDEX, RDF_FORMS, Form, link, site_path
from cmograph.publish.vocabulary import name_of, terms

ONTOLOGY_PAGE = "ontology"
CONCEPTS = "concepts"
XSD_ANYURI = COMMON_PREFIXES["xsd"] + "anyURI"
HIDDEN_INCOMING = {CMO_NS + "inEvaluation"}  # everything names its evaluation: the evaluation page lists them
SECTIONS = (("Site", "Sites"), ("Group", "Groups"), ("Period", "Periods"), ("Source", "Sources"),
            ("Context", "Contexts"), ("Mechanism", "Mechanisms"), ("Outcome", "Outcomes"),
            ("ProgrammeTheory", "Programme theories"))
# a configuration's parts: heading, property, what to say when there is none (None: leave the heading out)
FACTS = (("In the context of", "hasContext", "none"), ("Mechanism", "hasMechanism", "none"),
         ("Outcome", "hasOutcome", "none"), ("For whom", "forWhom", "not recorded"),
         ("When", "inPeriod", "not recorded"),
         ("Where", "atSite", "not attributed to a site"), ("Status", "status", "not recorded"),
         ("Confidence", "confidence", "not recorded"), ("Leads to", "leadsTo", None), ("Refines", "refines", None))
CREATOR = COMMON_PREFIXES["dcterms"] + "creator"


@dataclass(frozen=True)
class Link:
    """Text, and where it leads: a page of the site (relative), another site (``external``), or nowhere."""

    text: str
    href: str | None = None
    external: bool = False


@dataclass(frozen=True)
class Statement:
    """One property of a resource with its values (a row of the page's table of statements)."""

    name: Link
    values: list[Link]


@dataclass
class Page:
    """One page of the site: its path (without suffix), its resource and what the template shows."""

    path: str
    iri: str
    title: str
    kind: str
    template: str
    statements: list[Statement] = field(default_factory=list)
    incoming: list[tuple[Link, Link]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    forms: tuple[Form, ...] = RDF_FORMS  # the other forms it is served in


def concept_path(iri: str, base: str) -> str:
    """Where a concept's page goes: its own path under the base, else ``concepts/<name>-<hash>``."""
    own = site_path(iri, base)
    if own is not None:
        return own
    tail = re.sub(r"[^A-Za-z0-9._-]+", "-", unquote(iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]))
    digest = hashlib.sha256(iri.encode()).hexdigest()[:8]
    return f"{CONCEPTS}/{tail.strip('.-')[:60] or 'concept'}-{digest}"


class Views:
    """Builds the pages of a site from its graph."""

    def __init__(self, graph: SiteGraph, base: str, answers: dict[str, list[Table]],
                 nanopubs: dict[str, str] | None = None) -> None:
        self.graph = graph
        self.base = base
        self.answers = answers
        self.nanopubs = nanopubs or {}  # configuration IRI -> the IRI of its nanopublication
        self.paths: dict[str, str] = {}
        for subject in graph.subjects_under(base):
            path = site_path(subject.value, base)
            if path is not None:
                self.paths[subject.value] = path
        for concept in self.concepts():
            self.paths.setdefault(concept.value, concept_path(concept.value, base))

    def concepts(self) -> list[ox.NamedNode]:
        return sorted({q.object for q in self.graph.quads
                       if q.predicate == cmo("concept") and isinstance(q.object, ox.NamedNode)}, key=str)

    # ------------------------------------------------------------------------------------------------ links

    def link(self, term: Term, here: str, text: str | None = None) -> Link:
        """``term`` as a link from the page at ``here``: to its page, to the ontology, or out of the site."""
        if isinstance(term, ox.Literal):
            if term.datatype.value == XSD_ANYURI and term.value.startswith(("http://", "https://")):
                return Link(text or term.value, term.value, external=True)
            return Link(text or term.value)
        if isinstance(term, ox.BlankNode):
            return Link(text or self.graph.label(term))
        if term.value in self.paths:
            return Link(text or self.graph.label(term), link(here, self.paths[term.value]))
        if term.value == self.base:
            return Link(text or "this dataset", link(here, INDEX))
        if term.value in terms():
            return Link(text or name_of(term.value), f"{link(here, ONTOLOGY_PAGE)}#{term.value[len(CMO_NS):]}")
        if term.value.startswith(("http://", "https://")):
            return Link(text or name_of(term.value), term.value, external=True)
        return Link(text or term.value)

    def links(self, terms_: Iterable[Term], here: str) -> list[Link]:
        return [self.link(t, here) for t in self.graph.ordered(terms_)]

    def values(self, predicate: ox.NamedNode, values: list[Term], here: str) -> list[Link]:
        """A property's values as links; a DOI, to its resolver, shown as the DOI; a person by name, to their
        ORCID record."""
        if predicate == cmo("doi"):
            return [self.doi(v) for v in values]
        if predicate.value == CREATOR:
            return [self.person(v) for v in self.graph.ordered(values)]
        return self.links(values, here)

    def doi(self, term: Term) -> Link:
        """A DOI (its ``https://doi.org/`` IRI) as a link shown as the DOI itself."""
        if isinstance(term, ox.NamedNode) and term.value.startswith(DOI_RESOLVER):
            return Link(doi_text(term.value), term.value, external=True)
        return Link(term.value)

    def person(self, term: Term) -> Link:
        """An author or a judgement's maker: a name, or a person's IRI (an ORCID iD) shown by name."""
        if isinstance(term, ox.NamedNode) and term.value.startswith(("http://", "https://")):
            return Link(self.graph.label(term), term.value, external=True)
        return Link(term.value)

    def property_name(self, predicate: ox.NamedNode, here: str) -> Link:
        if predicate.value in terms():
            return Link(name_of(predicate.value), f"{link(here, ONTOLOGY_PAGE)}#{predicate.value[len(CMO_NS):]}")
        return Link(name_of(predicate.value))

    # ------------------------------------------------------------------------------------------------ pages

    def pages(self) -> list[Page]:
        concepts = {c.value for c in self.concepts()}
        found = []
        for iri, path in sorted(self.paths.items(), key=lambda item: item[1]):
            node = ox.NamedNode(iri)
            if iri in concepts and node not in self.graph.out:
                found.append(self.concept_page(node, path))
            else:
                found.append(self.page(node, path))
        return found

    def page(self, node: ox.NamedNode, path: str) -> Page:
        graph = self.graph
        types = graph.types(node)
        kind = name_of(types[0].value) if types else "resource"
        page = Page(path, node.value, graph.label(node), kind, "resource.html")
        by_predicate: dict[ox.NamedNode, list[Term]] = {}
        for quad in graph.out.get(node, ()):
            by_predicate.setdefault(quad.predicate, []).append(quad.object)  # type: ignore[arg-type]
        page.statements = [Statement(self.property_name(p, path), self.values(p, v, path))
                           for p, v in sorted(by_predicate.items(), key=lambda item: name_of(item[0].value))]
        page.incoming = sorted(
            ((self.link(q.subject, path), self.property_name(q.predicate, path))  # type: ignore[arg-type]
             for q in graph.into.get(node, ()) if q.predicate.value not in HIDDEN_INCOMING and q.subject != node),
            key=lambda pair: (pair[1].text, pair[0].text.casefold()))
        if cmo("Configuration") in types:
            page.title = f"Configuration {page.title}"
            page.template = "configuration.html"
            page.extra = self.configuration(node, path)
        elif cmo("Evaluation") in types:
            page.template = "evaluation.html"
            page.extra = self.evaluation(node, path)
        if cmo("concept") in [q.predicate for q in graph.into.get(node, ())]:
            page.extra["members"] = self.members(node, path)
        return page

    def concept_page(self, node: ox.NamedNode, path: str) -> Page:
        """The page of a shared concept that the data names but does not describe: its members."""
        tail = unquote(node.value.rstrip("/").rsplit("/", 1)[-1])
        page = Page(path, node.value, tail or node.value, "shared concept", "concept.html")
        page.extra = {"members": self.members(node, path), "external": not node.value.startswith(self.base)}
        return page

    def members(self, concept: ox.NamedNode, here: str) -> list[tuple[Link, Link, str]]:
        """The elements that instantiate ``concept``, each with its evaluation and kind."""
        graph = self.graph
        rows = []
        for member in graph.subjects(cmo("concept"), concept):
            evaluation = graph.evaluation_of(member)
            types = graph.types(member)
            rows.append((self.link(member, here), self.link(evaluation, here) if evaluation else Link(""),
                         name_of(types[0].value) if types else ""))
        return sorted(rows, key=lambda row: (row[1].text.casefold(), row[2], row[0].text.casefold()))

    def configuration(self, node: ox.NamedNode, path: str) -> dict[str, Any]:
        graph = self.graph
        triggered = graph.text(node, cmo("mechanismActivated")) != "false"
        labels = {key: [graph.label(t) for t in graph.ordered(graph.values(node, cmo(predicate)))]
                  for key, predicate in (("contexts", "hasContext"), ("mechanisms", "hasMechanism"),
                                         ("outcomes", "hasOutcome"))}
        evidence = sorted(graph.values(node, cmo("hasEvidence")),
                          key=lambda e: (int(graph.text(e, cmo("position")) or 0), str(e)))  # type: ignore[arg-type]
        return {
            "statement": graph.text(node, cmo("statement")),
            "generated": graph.text(node, cmo("statementGenerated")) == "true",
            "triggered": triggered,
            "diagram": diagram(labels["contexts"], labels["mechanisms"], labels["outcomes"], triggered,
                               f"Configuration {graph.label(node)}"),
            "facts": [(name, self.links(graph.values(node, cmo(predicate)), path), empty)
                      for name, predicate, empty in FACTS
                      if empty is not None or graph.values(node, cmo(predicate))],
            "led_from": self.links(graph.subjects(cmo("leadsTo"), node), path),
            "theories": self.links(graph.subjects(cmo("includesConfiguration"), node), path),
            "nanopub": self.nanopub(node, path),
            "confidence_note": graph.text(node, cmo("confidenceNote")),
            "evaluation": self.link(graph.evaluation_of(node) or node, path),
            "evidence": [self.evidence(e, path) for e in evidence if isinstance(e, ox.NamedNode | ox.BlankNode)],
        }

    def nanopub(self, configuration: ox.NamedNode, here: str) -> Link | None:
        """A link to the nanopublication of ``configuration`` when the site holds one."""
        iri = self.nanopubs.get(configuration.value)
        target = site_path(iri, self.base) if iri is not None else None
        return Link(iri, link(here, target)) if iri is not None and target is not None else None

    def evidence(self, item: Node, path: str) -> dict[str, Any]:
        graph = self.graph
        source = graph.value(item, COMMON_PREFIXES["prov"] + "wasDerivedFrom")
        return {
            "link": self.link(item, path, f"Evidence item {graph.text(item, cmo('position')) or ''}".strip()),
            "stance": self.link(graph.value(item, cmo("stance")) or cmo("StanceSupports"), path),
            "quote": graph.text(item, cmo("quote")),
            "summary": graph.text(item, cmo("summary")),
            "refs": [t.value for t in graph.values(item, cmo("refs"))],
            "source": self.link(source, path) if source is not None else None,
            "locator": graph.text(item, cmo("locator")),
            "details": [(name, self.links(graph.values(item, cmo(predicate)), path)) for name, predicate in (
                ("Method", "method"), ("Data", "dataType"), ("Informant", "informant"),
                ("Interpretation", "interpretation"))],
        }

    def evaluation(self, node: ox.NamedNode, path: str) -> dict[str, Any]:
        graph = self.graph
        members = [s for s in graph.subjects(cmo("inEvaluation"), node) if s != node]
        configurations = []
        for c in members:
            if graph.is_a(c, "Configuration"):
                status, confidence = graph.value(c, cmo("status")), graph.value(c, cmo("confidence"))
                configurations.append({
                    "link": self.link(c, path, graph.text(c, COMMON_PREFIXES["dcterms"] + "identifier")),
                    "statement": graph.text(c, cmo("statement")) or "",
                    "status": self.link(status, path) if status is not None else Link(""),
                    "confidence": self.link(confidence, path) if confidence is not None else Link(""),
                    "triggered": graph.text(c, cmo("mechanismActivated")) != "false",
                })
        doi = graph.value(node, cmo("doi"))
        return {
            "description": graph.text(node, COMMON_PREFIXES["dcterms"] + "description"),
            "doi": self.doi(doi) if doi is not None else None,
            "year": graph.text(node, COMMON_PREFIXES["dcterms"] + "issued"),
            "authors": [self.person(t) for t in graph.values(node, CREATOR)],
            "configurations": configurations,
            "sections": [(plural, self.links([m for m in members if graph.is_a(m, cls)], path))
                         for cls, plural in SECTIONS],
            "answers": self.answers.get(node.value, []),
        }

