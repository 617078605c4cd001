"""Names from the data for typing ahead: for each element, a name the command line takes for it alone.

The page suggests elements whose id, label or name holds the text typed (ignoring case); which of them the text
itself stands for is decided by :class:`~cmograph.query.resolve.Resolver`, exactly as for ``cmograph ask``:
spelt exactly, else ignoring case, or with ``--like`` every element whose id or label holds it. Besides elements,
the shared concepts of a kind (a CURIE stands for every element linked to the concept) and the programme phases
(a phase stands for its periods) are suggested, as the command line takes them too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from cmograph.errors import UsageError
from cmograph.query.engine import Engine
from cmograph.query.resolve import Candidate, Resolver
from cmograph.query.types import natural_key

SUGGESTED = 20  # names listed at once; the page says how many more there are
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
        self._names: dict[str, list[Name]] = {}
        self._lock = threading.Lock()

    def of(self, kind: str) -> list[Name]:
        """Every element of ``kind``, then every concept (and for periods, phase) standing for several, each with
        the first of its label, id, ``EVALUATION/ID`` and IRI that resolves to it alone (for an evaluation, whose
        label is its title, its id first)."""
        with self._lock:
            if kind not in self._names:
                self._names[kind] = self._find(kind)
            return self._names[kind]

    def _find(self, kind: str) -> list[Name]:
        resolver = Resolver(self.engine)
        pool = resolver.candidates(kind)
        names = [n for n in (self._element(resolver, kind, c) for c in pool) if n is not None]
        names.sort(key=lambda n: (natural_key(n.label), n.value))
        prefixes = resolver.prefixes()
        for concept in sorted({c.concept for c in pool if c.concept}):
            curie = _curie(concept, prefixes)
            value = curie if _resolved(resolver, kind, curie) else concept
            iris = _resolved(resolver, kind, value)
            if iris:
                names.append(Name(value, value, iris, group="concept"))
        if kind == "period":  # a phase no period is called stands for its periods
            for phase in sorted({str(row["phase"]) for row in self.engine.select(PHASES)[1]}, key=natural_key):
                iris = _resolved(resolver, kind, phase)
                if len(iris) > 1:
                    names.append(Name(phase, phase, iris, group="phase"))
        return names

    @staticmethod
    def _element(resolver: Resolver, kind: str, c: Candidate) -> Name | None:
        qualified = f"{c.evaluation}/{c.id}" if c.id else None
        tries = (c.id, c.label) if kind == "evaluation" else (c.label, c.id)  # an evaluation's label is its title
        for value in (*tries, qualified, c.iri):
            if value and value.strip() == value and _resolved(resolver, kind, value) == {c.iri}:
                return Name(value, c.label or c.id or c.iri, frozenset({c.iri}), c.id, c.evaluation)
        return None

    def suggest(self, kind: str, text: str, like: bool, limit: int = SUGGESTED) -> dict[str, Any]:
        """The names that hold ``text`` (ignoring case), best first, with which of them ``text`` stands for on the
        command line (``taken``), or why it stands for none (``error``, ``hint``)."""
        names = self.of(kind)
        folded = text.strip().casefold()
        taken: frozenset[str] = frozenset()
        error = hint = None
        if text.strip():
            try:
                taken = frozenset(Resolver(self.engine, like=like).resolve(kind, text))
            except UsageError as exc:
                error, hint = exc.message, exc.hint
        found = [n for n in names if n.holds(folded) or _taken(n, taken)]
        found.sort(key=lambda n: (not _taken(n, taken), n.rank(folded)))
        return {"kind": kind, "text": text, "like": like, "total": len(found), "error": error, "hint": hint,
                "names": [n.json(_taken(n, taken)) for n in found[:limit]]}


def _taken(name: Name, taken: frozenset[str]) -> bool:
    """Whether the text typed stands for ``name``: for an element, among others; for a concept or phase, exactly."""
    return bool(taken) and (name.iris == taken if name.group else name.iris <= taken)

def _resolved(resolver: Resolver, kind: str, name: str) -> frozenset[str]:
    """The elements the command line takes ``name`` for, or none if it names none, or several ambiguously."""
    try:
        return frozenset(resolver.resolve(kind, name))
    except UsageError:
        return frozenset()


def _curie(iri: str, prefixes: dict[str, list[str]]) -> str:
    """``prefix:local`` for an IRI in the one namespace a declared prefix stands for, else the IRI."""
    for prefix, namespaces in sorted(prefixes.items()):
        if len(namespaces) == 1 and iri.startswith(namespaces[0]) and len(iri) > len(namespaces[0]):
            return prefix + ":" + iri[len(namespaces[0]):]
    return iri
