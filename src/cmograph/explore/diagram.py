"""The configurations of an answer, for the page's context -> mechanism -> outcome diagram.

An answer names its configurations by id (``cmoc``, and ``negative_cmoc`` in ``contradictions``), with their
evaluation's id where several evaluations are loaded. They are looked up by those two ids, bound as literals,
with their contexts, mechanisms (triggered or not), outcomes and ``leads_to`` links; the configurations they lead
to are drawn too, chain by chain, up to :data:`MOST` configurations in all (the configurations named are looked up
:data:`MOST` at a time, until that many are found: an answer may name thousands). Where a row lists the configurations
of several evaluations (``demi-regularities``), a configuration is taken only if it shows the row's pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cmograph.format.terms import iri_term, literal_term
from cmograph.query.bind import bind
from cmograph.query.engine import Engine
from cmograph.query.run import Answer
from cmograph.query.types import Cell, Row

MOST = 60  # configurations drawn at most; the table has them all
LOCAL_NAME = re.compile(r"^.*[/#]")
ROLES = ("context", "mechanism", "outcome")
CONFIGURATIONS = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?cfg ?evaluation ?cmoc ?statement ?activated ?role ?element ?id ?label ?concept ?concept_label ?direction
WHERE {
  ?cfg a cmo:Configuration ; cmo:inEvaluation ?e ; dcterms:identifier ?cmoc .
  ?e dcterms:identifier ?evaluation .
  { ?cfg cmo:hasContext ?element BIND("context" AS ?role) }
  UNION { ?cfg cmo:hasMechanism ?element BIND("mechanism" AS ?role) }
  UNION { ?cfg cmo:hasOutcome ?element BIND("outcome" AS ?role) }
  UNION { ?cfg cmo:leadsTo ?element BIND("leads_to" AS ?role) }
  OPTIONAL { ?cfg cmo:statement ?statement }
  OPTIONAL { ?cfg cmo:mechanismActivated ?activated }
  OPTIONAL { ?element dcterms:identifier ?id }
  OPTIONAL { ?element rdfs:label ?label }
  OPTIONAL { ?element cmo:concept ?concept OPTIONAL { ?concept skos:prefLabel ?concept_label } }
  OPTIONAL { ?element cmo:direction ?d . ?d skos:notation ?direction }
}
ORDER BY ?cfg ?role ?element ?label ?statement
"""


@dataclass
class Configuration:
    """One configuration as drawn: its elements by role (IRIs) and the configurations it leads to."""

    iri: str
    id: str
    evaluation: str
    statement: str | None
    triggered: bool
    roles: dict[str, list[str]] = field(default_factory=lambda: {role: [] for role in (*ROLES, "leads_to")})
    target_ids: dict[str, str | None] = field(default_factory=dict)  # the ids of the configurations it leads to

    def json(self, in_answer: bool) -> dict[str, Any]:
        return {"iri": self.iri, "id": self.id, "evaluation": self.evaluation, "statement": self.statement,
                "triggered": self.triggered, "in_answer": in_answer, "contexts": self.roles["context"],
                "mechanisms": self.roles["mechanism"], "outcomes": self.roles["outcome"],
                "leads_to": [{"iri": iri, "id": self.target_ids.get(iri)} for iri in self.roles["leads_to"]]}


@dataclass
class Element:
    kind: str
    id: str | None
    label: str | None
    direction: str | None
    concepts: set[str] = field(default_factory=set)  # the names its concepts are shown by

    def json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "label": self.label or self.id, "direction": self.direction}

    def shows(self, value: str) -> bool:
        """Whether a row's pattern cell (a label, or with ``--by concept`` a concept's name) names this element."""
        return value in self.concepts or (self.label or "").casefold() == value.casefold()


def _texts(cell: Cell) -> list[str]:
    if cell is None or cell == "":
        return []
    return [str(v) for v in cell] if isinstance(cell, list) else [str(cell)]


def named(answer: Answer) -> list[tuple[str | None, str, dict[str, Cell]]]:
    """The configurations the answer's rows name, in order, once each: (evaluation id or None when only one is
    loaded, configuration id, the row that names it)."""
    found: dict[tuple[str | None, str], dict[str, Cell]] = {}
    for row in answer.rows:
        for cmoc, evaluation in (("cmoc", "evaluation"), ("negative_cmoc", "negative_evaluation")):
            if cmoc not in answer.columns:
                continue
            evaluations: list[str | None] = [*_texts(row[evaluation])] if evaluation in answer.columns else [None]
            for e in evaluations:
                for c in _texts(row[cmoc]):
                    found.setdefault((e, c), row)
    return [(e, c, row) for (e, c), row in found.items()]


def _fetch(engine: Engine, values: dict[str, list[str]], elements: dict[str, Element]) -> list[Configuration]:
    """The configurations ``values`` bind (in IRI order), their elements added to ``elements``."""
    fetched: dict[str, Configuration] = {}
    for row in engine.select(bind(CONFIGURATIONS, values))[1]:
        iri = str(row["cfg"])
        if iri not in fetched:
            fetched[iri] = Configuration(iri, str(row["cmoc"]), str(row["evaluation"]), _text(row, "statement"),
                                         row["activated"] is not False)
        c, role, element = fetched[iri], str(row["role"]), str(row["element"])
        if element not in c.roles[role]:
            c.roles[role].append(element)
        if role == "leads_to":
            c.target_ids[element] = _text(row, "id")
        else:
            if element not in elements:
                elements[element] = Element(role, _text(row, "id"), _text(row, "label"), _text(row, "direction"))
            concept = _text(row, "concept")
            if concept is not None:  # as the questions show a concept: its label, else the end of its IRI
                elements[element].concepts.add(_text(row, "concept_label") or LOCAL_NAME.sub("", concept))
    return list(fetched.values())


def _text(row: Row, name: str) -> str | None:
    return None if row[name] is None else str(row[name])


def _shows_pattern(c: Configuration, row: dict[str, Cell], elements: dict[str, Element]) -> bool:
    """Whether ``c`` shows the pattern of a row that has one (a context, mechanism and outcome, triggered)."""
    pattern = [(role, row.get(role)) for role in ROLES]
    if not all(isinstance(value, str) for _, value in pattern):
        return True
    return c.triggered and all(any(elements[i].shows(str(value)) for i in c.roles[role]) for role, value in pattern)


def diagram(answer: Answer, engine: Engine) -> dict[str, Any]:
    """The configurations the answer names (the first :data:`MOST`), those they lead to, and their elements."""
    wanted = named(answer)
    configurations: dict[str, Configuration] = {}
    elements: dict[str, Element] = {}
    for start in range(0, len(wanted), MOST):  # looked up a drawing's worth at a time, until one is full
        chunk = wanted[start: start + MOST]
        values = {"cmoc": sorted({literal_term(c) for _, c, _ in chunk})}
        evaluations = {e for e, _, _ in chunk if e is not None}
        if evaluations:
            values["evaluation"] = sorted(literal_term(e) for e in evaluations)
        by_ids: dict[tuple[str, str], list[Configuration]] = {}
        for c in _fetch(engine, values, elements):
            by_ids.setdefault((c.evaluation, c.id), []).append(c)
            by_ids.setdefault(("", c.id), []).append(c)
        for e, cmoc, row in chunk:
            for c in by_ids.get((e or "", cmoc), []):
                if len(configurations) < MOST and c.iri not in configurations and _shows_pattern(c, row, elements):
                    configurations[c.iri] = c
        if len(configurations) >= MOST:
            break
    in_answer = set(configurations)
    chained = _chain(engine, configurations, elements)
    return {"configurations": [c.json(c.iri in in_answer) for c in configurations.values()],
            "elements": {iri: e.json() for iri, e in elements.items()
                         if any(iri in c.roles[r] for c in configurations.values() for r in ROLES)},
            "named": len(wanted), "drawn": len(in_answer), "chained": chained}


def _chain(engine: Engine, configurations: dict[str, Configuration], elements: dict[str, Element]) -> int:
    """Add the configurations that the drawn ones lead to, link by link, while fewer than :data:`MOST` are
    drawn; how many were added."""
    added = 0
    while len(configurations) < MOST:
        missing = _targets(configurations.values()) - set(configurations)
        if not missing:
            break
        fetched = _fetch(engine, {"cfg": [iri_term(i) for i in sorted(missing)]}, elements)
        for c in fetched[: MOST - len(configurations)]:
            configurations[c.iri] = c
            added += 1
        if not fetched:
            break
    return added


def _targets(configurations: Iterable[Configuration]) -> set[str]:
    return {target for c in configurations for target in c.roles["leads_to"]}
