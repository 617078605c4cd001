"""What a report shows, gathered from an engine: the evaluations, their configurations with their elements, the
concepts, the derivations, the sites and the evidence profile, as plain objects."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cmograph.query.catalogue import get_question
from cmograph.query.engine import Engine
from cmograph.query.run import ask
from cmograph.query.types import Row, natural_key

PREFIXES = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
EVALUATIONS = PREFIXES + """
SELECT ?e ?id ?title ?design ?year ?doi ?programme
       (GROUP_CONCAT(DISTINCT STR(?author); separator="; ") AS ?authors)
WHERE {
  ?e a cmo:Evaluation ; dcterms:identifier ?id ; dcterms:title ?title .
  OPTIONAL { ?e cmo:design ?d . ?d skos:notation ?design }
  OPTIONAL { ?e dcterms:issued ?year }
  OPTIONAL { ?e cmo:doi ?doi }
  OPTIONAL { ?e cmo:evaluates ?p . ?p rdfs:label ?programme }
  OPTIONAL { ?e dcterms:creator ?creator OPTIONAL { ?creator rdfs:label ?name }
             BIND(COALESCE(?name, ?creator) AS ?author) }
}
GROUP BY ?e ?id ?title ?design ?year ?doi ?programme
ORDER BY ?year ?id
"""
CONFIGURATIONS = PREFIXES + """
SELECT ?cfg ?evaluation ?id ?statement ?status ?confidence ?note ?triggered WHERE {
  ?cfg a cmo:Configuration ; dcterms:identifier ?id ; cmo:inEvaluation ?e .
  ?e dcterms:identifier ?evaluation .
  OPTIONAL { ?cfg cmo:statement ?statement }
  OPTIONAL { ?cfg cmo:status ?s . ?s skos:notation ?status }
  OPTIONAL { ?cfg cmo:confidence ?c . ?c skos:notation ?confidence }
  OPTIONAL { ?cfg cmo:confidenceNote ?note }
  OPTIONAL { ?cfg cmo:mechanismActivated ?triggered }
}
ORDER BY ?evaluation ?id
"""
ELEMENTS = PREFIXES + """
SELECT ?cfg ?role ?x ?label ?concept ?concept_name ?direction WHERE {
  { ?cfg cmo:hasContext ?x . BIND("context" AS ?role) }
  UNION { ?cfg cmo:hasMechanism ?x . BIND("mechanism" AS ?role) }
  UNION { ?cfg cmo:hasOutcome ?x . BIND("outcome" AS ?role) }
  ?cfg a cmo:Configuration .
  ?x rdfs:label ?label .
  OPTIONAL {
    ?x cmo:concept ?concept .
    OPTIONAL {
      SELECT ?concept (MIN(STR(?named)) AS ?concept_name) WHERE {
        { ?concept skos:prefLabel ?named } UNION { ?concept rdfs:label ?named }
      }
      GROUP BY ?concept
    }
  }
  OPTIONAL { ?x cmo:direction ?d . ?d skos:notation ?direction }
}
"""
LINKS = PREFIXES + """
SELECT ?cfg ?link ?other WHERE {
  ?cfg a cmo:Configuration .
  { ?cfg cmo:leadsTo ?other . BIND("leads_to" AS ?link) }
  UNION { ?cfg cmo:atSite ?other . BIND("site" AS ?link) }
  UNION { ?cfg cmo:hasEvidence ?item . ?item cmo:stance ?stance . ?stance skos:notation ?link . BIND(?item AS ?other) }
}
"""
SITES = PREFIXES + """
SELECT ?site ?evaluation ?id ?label ?setting ?size ?description ?purpose ?patients ?professionals ?processes
       ?patterns
WHERE {
  ?site a cmo:Site ; dcterms:identifier ?id ; rdfs:label ?label ; cmo:inEvaluation ?e .
  ?e dcterms:identifier ?evaluation .
  OPTIONAL { ?site cmo:setting ?s . ?s skos:notation ?setting }
  OPTIONAL { ?site cmo:size ?size }
  OPTIONAL { ?site dcterms:description ?description }
  OPTIONAL { ?site cmo:microsystemPurpose ?purpose }
  OPTIONAL { ?site cmo:microsystemPatients ?patients }
  OPTIONAL { ?site cmo:microsystemProfessionals ?professionals }
  OPTIONAL { ?site cmo:microsystemProcesses ?processes }
  OPTIONAL { ?site cmo:microsystemPatterns ?patterns }
}
ORDER BY ?evaluation ?label
"""
FIVE_PS = ("purpose", "patients", "professionals", "processes", "patterns")
LEFT_OUT_STATUSES = ("hypothesised", "refuted")


@dataclass
class Evaluation:
    iri: str
    id: str
    title: str
    design: str | None
    year: str | None
    doi: str | None  # its https://doi.org/ IRI
    programme: str | None
    authors: str


@dataclass
class Element:
    """A context, mechanism or outcome of a configuration, with its concept (if any) by label."""

    iri: str
    label: str
    concepts: list[str] = field(default_factory=list)  # labels
    direction: str | None = None

    @property
    def grouped(self) -> str:
        """What the element is compared by: its first concept's label, else its own label."""
        return self.concepts[0] if self.concepts else self.label


@dataclass
class Configuration:
    iri: str
    evaluation: str
    id: str
    statement: str
    status: str | None
    confidence: str | None
    confidence_note: str | None
    triggered: bool
    contexts: list[Element] = field(default_factory=list)
    mechanisms: list[Element] = field(default_factory=list)
    outcomes: list[Element] = field(default_factory=list)
    leads_to: list[str] = field(default_factory=list)  # IRIs
    sites: list[str] = field(default_factory=list)  # IRIs
    evidence: dict[str, int] = field(default_factory=lambda: {"supports": 0, "qualifies": 0, "refutes": 0})

    @property
    def name(self) -> str:
        return f"{self.evaluation}/{self.id}"

    @property
    def counts(self) -> bool:
        """Whether it is a finding the evidence map shows: triggered, and neither hypothesised nor refuted."""
        return self.triggered and self.status not in LEFT_OUT_STATUSES


@dataclass
class Concept:
    """A shared concept and the configurations whose elements belong to it."""

    label: str
    kinds: list[str]
    configurations: list[str]  # IRIs


@dataclass
class Site:
    iri: str
    evaluation: str
    id: str
    label: str
    details: dict[str, str]  # setting, size, description
    five_ps: dict[str, str]
    configurations: list[str] = field(default_factory=list)  # IRIs
    triangulation: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Report:
    """Everything a report shows."""

    description: str
    evaluations: list[Evaluation]
    configurations: dict[str, Configuration]  # by IRI, in order
    concepts: list[Concept]
    derivations: dict[str, list[dict[str, Any]]]  # review configuration (EVALUATION/ID) -> rests-on rows
    sites: list[Site]
    profile: list[dict[str, Any]]  # evidence-profile rows, by concept
    profile_note: str | None
    unsited_triangulation: list[dict[str, Any]] = field(default_factory=list)

    def by_name(self, evaluation: str, cmoc: str) -> Configuration | None:
        return next((c for c in self.configurations.values() if c.evaluation == evaluation and c.id == cmoc), None)


def _text(row: Row, key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


def collect(engine: Engine, description: str) -> Report:
    """Ask ``engine`` everything a report shows; ``description`` says where the data came from."""
    _, rows = engine.select(EVALUATIONS)
    evaluations = [Evaluation(str(r["e"]), str(r["id"]), str(r["title"]), _text(r, "design"), _text(r, "year"),
                              _text(r, "doi"), _text(r, "programme"), str(r.get("authors") or "")) for r in rows]
    configurations = _configurations(engine)
    concepts = _concepts(engine, configurations)
    derivations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in ask(get_question("rests-on"), engine, {}).rows:
        derivations[f"{row.get('evaluation') or _only(evaluations)}/{row['cmoc']}"].append(row)
    sites = _sites(engine, configurations, evaluations)
    triangulation = ask(get_question("triangulation"), engine, {}).rows
    by_label = {(s.evaluation, s.label): s for s in sites}
    unsited = []
    for row in triangulation:
        evaluation = str(row.get("evaluation") or _only(evaluations))
        site = by_label.get((evaluation, str(row["site"])))
        if site is not None:
            site.triangulation.append(row)
        else:
            unsited.append({**row, "evaluation": evaluation})
    profile = ask(get_question("evidence-profile"), engine, {})
    return Report(description, evaluations, configurations, concepts, dict(derivations), sites, profile.rows,
                  profile.note, unsited)


def _only(evaluations: list[Evaluation]) -> str:
    """The id of the one evaluation loaded (questions leave their ``evaluation`` column out then)."""
    return evaluations[0].id if evaluations else ""


def _configurations(engine: Engine) -> dict[str, Configuration]:
    _, rows = engine.select(CONFIGURATIONS)
    found = {str(r["cfg"]): Configuration(
        str(r["cfg"]), str(r["evaluation"]), str(r["id"]), str(r.get("statement") or ""), _text(r, "status"),
        _text(r, "confidence"), _text(r, "note"), r.get("triggered") is not False) for r in rows}
    _, rows = engine.select(ELEMENTS)
    seen: dict[tuple[str, str, str], Element] = {}
    for r in sorted(rows, key=lambda r: natural_key(str(r["label"]))):
        cfg = found.get(str(r["cfg"]))
        if cfg is None:
            continue
        key = (cfg.iri, str(r["role"]), str(r["x"]))
        element = seen.get(key)
        if element is None:
            element = seen[key] = Element(str(r["x"]), str(r["label"]), direction=_text(r, "direction"))
            getattr(cfg, f"{r['role']}s").append(element)
        if r.get("concept") is not None:
            label = _text(r, "concept_name") or concept_label(str(r["concept"]))
            if label not in element.concepts:
                element.concepts.append(label)
    _, rows = engine.select(LINKS)
    for r in rows:
        cfg = found.get(str(r["cfg"]))
        if cfg is None:
            continue
        link, other = str(r["link"]), str(r["other"])
        if link == "leads_to":
            cfg.leads_to.append(other)
        elif link == "site":
            cfg.sites.append(other)
        elif link in cfg.evidence:
            cfg.evidence[link] += 1
    for cfg in found.values():
        cfg.leads_to.sort(key=natural_key)
    return dict(sorted(found.items(), key=lambda item: (item[1].evaluation, natural_key(item[1].id))))


def concept_label(iri: str) -> str:
    """A concept with no label in the data, shown by its IRI's last segment, as the questions show it."""
    return re.sub(r"^.*[/#]", "", iri)


def _concepts(engine: Engine, configurations: dict[str, Configuration]) -> list[Concept]:
    members: dict[str, tuple[set[str], list[str]]] = {}
    for cfg in configurations.values():
        for kind, elements in (("context", cfg.contexts), ("mechanism", cfg.mechanisms), ("outcome", cfg.outcomes)):
            for element in elements:
                for label in element.concepts:
                    kinds, iris = members.setdefault(label, (set(), []))
                    kinds.add(kind)
                    if cfg.iri not in iris:
                        iris.append(cfg.iri)
    concepts = [Concept(label, sorted(kinds), iris) for label, (kinds, iris) in members.items()]

    def spread(concept: Concept) -> tuple[int, int, str]:
        evaluations = {configurations[i].evaluation for i in concept.configurations}
        return -len(evaluations), -len(concept.configurations), concept.label.casefold()

    return sorted(concepts, key=spread)


def _sites(engine: Engine, configurations: dict[str, Configuration], evaluations: list[Evaluation]) -> list[Site]:
    _, rows = engine.select(SITES)
    sites = []
    for r in rows:
        details = {k: str(r[k]) for k in ("setting", "size", "description") if r.get(k) is not None}
        five_ps = {k: str(r[k]) for k in FIVE_PS if r.get(k) is not None}
        site = Site(str(r["site"]), str(r["evaluation"]), str(r["id"]), str(r["label"]), details, five_ps)
        site.configurations = [c.iri for c in configurations.values() if site.iri in c.sites]
        sites.append(site)
    return sites
