"""Names from the data for typing ahead: for each element, a name the command line takes for it alone.

The page suggests elements whose id, label or name holds the text typed (ignoring case); which of them the text
itself stands for is decided by :class:`~cmograph.query.resolve.Resolver`, exactly as for ``cmograph ask``:
spelt exactly, else ignoring case, or with ``--like`` every element whose id or label holds it. Besides elements,
the shared concepts of a kind (a CURIE stands for every element linked to the concept) and the programme phases
(a phase stands for its periods) are suggested, as the command line takes them too.

Each element is offered under the first of its label, id, ``EVALUATION/ID`` and IRI (for an evaluation, whose
label is its title, its id first) that no other element of its kind is called, ignoring case; a name is checked
with the resolver before it is shown or written (labels repeat across evaluations: at 100k triples most need
``EVALUATION/ID``, and checking every name of a kind through the resolver took 7 to 36 s).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from cmograph.errors import UsageError
from cmograph.format.terms import iri_term
from cmograph.query.engine import Engine
from cmograph.query.resolve import Candidate, Resolver
from cmograph.query.types import ELEMENT_TYPES, natural_key

SUGGESTED = 20  # names listed at once; the page says how many more there are
# the concepts elements of a kind (its class written in as ?class, never user text) are linked to, with their labels
CONCEPTS = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?s ?concept ?label WHERE {
  ?s a ?class ; cmo:inEvaluation ?e ; cmo:concept ?concept .
  OPTIONAL { ?concept skos:prefLabel ?label }
}
"""
PHASES = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
SELECT DISTINCT ?phase WHERE { ?s a cmo:Period ; cmo:inEvaluation ?e ; cmo:phase ?phase }
"""


@dataclass(frozen=True)
class Name:
    """A name to offer: ``value`` is what the option takes (it resolves to ``iris``, and to nothing else)."""

    value: str
    label: str
    iris: frozenset[str]
    id: str | None = None
    evaluation: str | None = None
    group: str | None = None  # "concept" or "phase" for a name that stands for several elements
    others: tuple[str, ...] = ()  # the names to try, in order, should ``value`` not resolve to ``iris`` alone

    def json(self, taken: bool = False) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "id": self.id, "evaluation": self.evaluation,
                "group": self.group, "count": len(self.iris), "taken": taken}

    def rank(self, folded: str) -> tuple[int, bool, list[tuple[int, int | str]]]:
        """How well it matches the text typed (``folded``): exactly, ignoring case, at the start, or inside; then
        elements before concepts and phases, in natural order."""
        texts = [t for t in (self.label, self.id, self.value) if t]
        exact = 0 if folded in texts else 1 if folded in [t.casefold() for t in texts] else 2
        starts = exact if exact < 2 else 2 if any(t.casefold().startswith(folded) for t in texts) else 3
        return starts, self.group is not None, natural_key(self.label)

    def holds(self, folded: str) -> bool:
        return any(folded in t.casefold() for t in (self.label, self.id, self.value) if t)


class Names:
    """The names of each kind of element in the data an engine answers from, worked out once per kind."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.resolver = Resolver(engine)
        self._listed: dict[str, list[Name]] = {}
        self._checked: dict[tuple[str, str, frozenset[str]], Name | None] = {}
        self._lock = threading.RLock()

    def of(self, kind: str) -> list[Name]:
        """Every name of ``kind``, each checked: its elements, then its concepts and phases."""
        return [n for n in (self.checked(kind, n) for n in self.listed(kind)) if n is not None]

    def listed(self, kind: str) -> list[Name]:
        """The names of ``kind`` as first chosen (not yet checked with the resolver)."""
        with self._lock:
            if kind not in self._listed:
                self._listed[kind] = self._find(kind)
            return self._listed[kind]

    def checked(self, kind: str, name: Name) -> Name | None:
        """``name`` under the first of its names that the resolver takes for its elements alone (None if none)."""
        with self._lock:
            key = (kind, name.value, name.iris)  # two concepts may stand for the same elements
            if key not in self._checked:
                self._checked[key] = next((replace(name, value=v, others=()) for v in (name.value, *name.others)
                                           if self.resolved(kind, v) == name.iris), None)
            return self._checked[key]

    def resolved(self, kind: str, text: str, like: bool = False) -> frozenset[str]:
        """The elements the command line takes ``text`` for; none if it names none, or several ambiguously."""
        try:
            return frozenset(self._resolver(like).resolve(kind, text))
        except UsageError:
            return frozenset()

    def _resolver(self, like: bool) -> Resolver:
        """A resolver as the command line's, with or without ``--like`` (the prefixes read once)."""
        return Resolver(self.engine, like=like, _prefixes=self.resolver.prefixes())

    def _find(self, kind: str) -> list[Name]:
        pool = self.resolver.candidates(kind)
        prefixes = self.resolver.prefixes()
        called = Counter(t.casefold() for c in pool for t in {c.label, c.id} if t)
        names = [_element(kind, c, called, prefixes) for c in pool]
        names.sort(key=lambda n: (natural_key(n.label), n.value))
        concepts: dict[str, set[str]] = {}
        labels: dict[str, str] = {}
        for row in self.engine.select(CONCEPTS.replace("?class", iri_term(ELEMENT_TYPES[kind])))[1]:
            concept = str(row["concept"])
            concepts.setdefault(concept, set()).add(str(row["s"]))
            if row["label"] is not None:
                labels[concept] = min(labels.get(concept, str(row["label"])), str(row["label"]))
        for concept, elements in sorted(concepts.items(), key=lambda item: natural_key(item[0])):
            curie = _curie(concept, prefixes)
            names.append(Name(curie, labels.get(concept, curie), frozenset(elements), group="concept",
                              others=(concept,) if curie != concept else ()))
        if kind == "period":  # a phase no period is called stands for its periods
            for phase in sorted({str(row["phase"]) for row in self.engine.select(PHASES)[1]}, key=natural_key):
                iris = self.resolved(kind, phase)
                if len(iris) > 1:
                    names.append(Name(phase, phase, iris, group="phase"))
        return names

    def suggest(self, kind: str, text: str, like: bool, limit: int = SUGGESTED) -> dict[str, Any]:
        """The names that hold ``text`` (ignoring case), best first, with which of them ``text`` stands for on the
        command line (``taken``), or why it stands for none (``error``, ``hint``)."""
        folded = text.strip().casefold()
        taken: frozenset[str] = frozenset()
        error = hint = None
        if text.strip():
            try:
                taken = frozenset(self._resolver(like).resolve(kind, text))
            except UsageError as exc:
                error, hint = exc.message, exc.hint
        found = [n for n in self.listed(kind) if n.holds(folded) or _taken(n, taken)]
        found.sort(key=lambda n: (not _taken(n, taken), n.rank(folded)))
        shown: list[dict[str, Any]] = []
        for name in found:
            if len(shown) == limit:
                break
            checked = self.checked(kind, name)
            if checked is not None:
                shown.append(checked.json(_taken(checked, taken)))
        return {"kind": kind, "text": text, "like": like, "total": len(found), "error": error, "hint": hint,
                "names": shown}


def _element(kind: str, c: Candidate, called: Counter[str], prefixes: dict[str, list[str]]) -> Name:
    """An element, under the first of its names that no other element of its kind is called, ignoring case (and
    that is not read as a CURIE or IRI); the others kept in case the resolver does not take it."""
    qualified = f"{c.evaluation}/{c.id}" if c.id else None
    tries = [c.id, c.label] if kind == "evaluation" else [c.label, c.id]  # an evaluation's label is its title
    names = [t for t in (*tries, qualified, c.iri) if t and t.strip() == t]
    unique = [t for t in names if t in tries and called[t.casefold()] == 1 and not _read_as_iri(t, prefixes)]
    rest = [t for t in names if t not in unique]
    ordered = list(dict.fromkeys([*unique, *[t for t in rest if t not in tries], *rest]))  # shared names last
    return Name(ordered[0], c.label or c.id or c.iri, frozenset({c.iri}), c.id, c.evaluation,
                others=tuple(ordered[1:]))


def _read_as_iri(text: str, prefixes: dict[str, list[str]]) -> bool:
    """Whether the resolver reads ``text`` as an IRI or a CURIE of a declared prefix before it reads it as a name."""
    prefix, colon, _ = text.partition(":")
    return "://" in text or text.startswith("urn:") or bool(colon and prefix in prefixes)


def _taken(name: Name, taken: frozenset[str]) -> bool:
    """Whether the text typed stands for ``name``: for an element, among others; for a concept or phase, exactly."""
    return bool(taken) and (name.iris == taken if name.group else name.iris <= taken)


def _curie(iri: str, prefixes: dict[str, list[str]]) -> str:
    """``prefix:local`` for an IRI in the one namespace a declared prefix stands for, else the IRI."""
    for prefix, namespaces in sorted(prefixes.items()):
        if len(namespaces) == 1 and iri.startswith(namespaces[0]) and len(iri) > len(namespaces[0]):
            return prefix + ":" + iri[len(namespaces[0]):]
    return iri
