"""Name resolution: the names users type (ids, labels, EVALUATION/ID, IRIs, CURIEs) matched to elements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from cmograph.errors import UsageError
from cmograph.format.terms import iri_term, literal_term
from cmograph.namespaces import CMO_NS
from cmograph.query.bind import bind
from cmograph.query.engine import Engine
from cmograph.query.types import ELEMENT_TYPES, Row, Value

if TYPE_CHECKING:
    from cmograph.query.names import NameIndex

SHOWN = 8  # names listed when one name matches several elements


@dataclass(frozen=True)
class Candidate:
    iri: str
    id: str | None
    label: str | None
    evaluation: str
    concept: str | None

    def describe(self) -> str:
        label = f" ({self.label})" if self.label and self.label != self.id else ""
        return f"{self.evaluation}/{self.id}{label}" if self.id else self.iri


# ``?class`` is written into the text as the class IRI (one of ELEMENT_TYPES, never user text): Oxigraph plans a
# join through a class bound by VALUES as a walk over every element, 50x slower at 1M triples than through the
# name or concept index. The names users type are still bound by VALUES.
_CANDIDATE_HEAD = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?s ?id ?label ?evaluation ?concept WHERE {
"""
_CANDIDATE_TAIL = """
  ?s a ?class ; cmo:inEvaluation ?e .
  ?e dcterms:identifier ?evaluation .
  OPTIONAL { ?s dcterms:identifier ?id }
  OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s cmo:concept ?concept }
}
"""
# every element of a class (for suggestions and --like), or with ?s bound, the details of those elements
CANDIDATES = _CANDIDATE_HEAD + _CANDIDATE_TAIL
# elements whose id or label, ignoring case (and language tags), is one of ?name (a scan of every name)
BY_NAME = _CANDIDATE_HEAD + """  { ?s dcterms:identifier ?matched } UNION { ?s rdfs:label ?matched }
  FILTER(STR(?matched) = ?name || LCASE(STR(?matched)) = LCASE(?name))
""" + _CANDIDATE_TAIL
# Index lookups that return the matching elements alone (details are fetched only to explain an ambiguity)
_LOOKUP_HEAD = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?s WHERE {
"""
_LOOKUP_TAIL = """  ?s a ?class ; cmo:inEvaluation ?in .
}
"""
# the element ?target itself, or elements that instantiate the concept ?target
BY_IRI = _LOOKUP_HEAD + """  { ?s cmo:concept ?target } UNION { ?target a ?class BIND(?target AS ?s) }
""" + _LOOKUP_TAIL
# the element whose id is ?name in the evaluation whose id is ?evaluation (EVALUATION/ID)
BY_QUALIFIED_ID = _LOOKUP_HEAD + """  ?e dcterms:identifier ?evaluation .
  ?s cmo:inEvaluation ?e ; dcterms:identifier ?name .
""" + _LOOKUP_TAIL
# elements whose id or label is spelt exactly ?name
BY_EXACT_NAME = _LOOKUP_HEAD + """  { ?s dcterms:identifier ?name } UNION { ?s rdfs:label ?name }
""" + _LOOKUP_TAIL
# periods whose phase is ?name, ignoring case
BY_PHASE = _LOOKUP_HEAD.replace("?s WHERE", "?s ?phase WHERE") + """  ?s cmo:phase ?phase .
  FILTER(LCASE(STR(?phase)) = LCASE(?name))
""" + _LOOKUP_TAIL
PREFIXES_QUERY = """PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT DISTINCT ?prefix ?namespace WHERE { ?e sh:declare ?d . ?d sh:prefix ?prefix ; sh:namespace ?namespace }
"""


@dataclass
class Resolver:
    """Matches the names users type to elements in the data."""

    engine: Engine
    like: bool = False
    evaluation: str | None = None  # restrict matches to this evaluation IRI
    _prefixes: dict[str, list[str]] | None = field(default=None, repr=False)

    def prefixes(self) -> dict[str, list[str]]:
        """Each prefix the evaluations declare, with its namespaces (two files may bind one prefix differently)."""
        if self._prefixes is None:
            _, rows = self.engine.select(PREFIXES_QUERY)
            found: dict[str, set[str]] = {"cmo": {CMO_NS}}
            for r in rows:
                found.setdefault(str(r["prefix"]), set()).add(str(r["namespace"]))
            self._prefixes = {prefix: sorted(namespaces) for prefix, namespaces in found.items()}
        return self._prefixes

    def _select(self, kind: str, query: str, values: Mapping[str, list[str]]) -> list[Row]:
        """``query`` for elements of ``kind`` (its class written in, see above), with ``values`` bound."""
        return self.engine.select(bind(query.replace("?class", iri_term(ELEMENT_TYPES[kind])), values))[1]

    def _within(self, kind: str, found: set[str]) -> list[str]:
        """``found``, sorted, keeping only the elements of the evaluation if one is set."""
        if self.evaluation and kind != "evaluation":
            found = {iri for iri in found if iri.startswith(self.evaluation + "/")}
        return sorted(found)

    # The lookups by name, by query; a :class:`~cmograph.query.names.NameIndex` answers the same four from memory.

    def by_iri(self, kind: str, iri: str) -> set[str]:
        return {str(r["s"]) for r in self._select(kind, BY_IRI, {"target": [iri_term(iri)]})}

    def by_qualified_id(self, kind: str, evaluation: str, local: str) -> set[str]:
        values = {"evaluation": [literal_term(evaluation)], "name": [literal_term(local)]}
        return {str(r["s"]) for r in self._select(kind, BY_QUALIFIED_ID, values)}

    def by_exact_name(self, kind: str, name: str) -> set[str]:
        return {str(r["s"]) for r in self._select(kind, BY_EXACT_NAME, {"name": [literal_term(name)]})}

    def by_folded_name(self, kind: str, name: str) -> set[str]:
        folded = name.casefold()
        return {c.iri for c in self.candidates(kind, BY_NAME, name=[literal_term(name)])
                if (c.id or "").casefold() == folded or (c.label or "").casefold() == folded}

    def by_phase(self, name: str, *, exact: bool) -> set[str]:
        """The periods whose programme phase is ``name``, spelt so or ignoring case (a lookup no index needs:
        asked only when no period is called ``name``)."""
        rows = self._select("period", BY_PHASE, {"name": [literal_term(name)]})
        return {str(r["s"]) for r in rows if not exact or str(r["phase"]) == name}

    def candidates(self, kind: str, query: str = CANDIDATES, **values: list[str]) -> list[Candidate]:
        """Elements of ``kind`` found by ``query`` with ``values`` bound (serialised terms)."""
        rows = self._select(kind, query, values)
        found: dict[str, Candidate] = {}
        for r in rows:
            evaluation_iri = str(r["s"]) if kind == "evaluation" else None
            c = Candidate(str(r["s"]), _opt(r["id"]), _opt(r["label"]), str(r["evaluation"]), _opt(r["concept"]))
            if self.evaluation and kind != "evaluation" and not c.iri.startswith(self.evaluation + "/"):
                continue
            if evaluation_iri is not None or c.iri not in found:
                found[c.iri] = c
        return list(found.values())

    def resolve(self, kind: str, name: str) -> list[str]:
        """The IRIs ``name`` stands for; errors when it names nothing, or several without ``--like``."""
        name = name.strip()
        lookups: Resolver | NameIndex = self.engine.names() or self  # the engine's index, else queries
        found = {iri: self._within(kind, lookups.by_iri(kind, iri)) for iri in self._expand(name)}
        found = {iri: hits for iri, hits in found.items() if hits}
        if self.like:  # every element the IRI or CURIE names, and every one whose name holds the text
            folded = name.casefold()
            return self._one_or_all(kind, name, sorted({*(iri for hits in found.values() for iri in hits), *(
                c.iri for c in self.candidates(kind)
                if folded in (c.label or "").casefold() or folded in (c.id or "").casefold())}))
        if len(found) > 1:
            raise UsageError(f"'{name}' stands for {len(found)} IRIs, as files declare its prefix differently: "
                             f"{'; '.join(found)}", "give the full IRI instead: one of those above")
        if found:
            return next(iter(found.values()))
        evaluation, slash, local = name.partition("/")
        hits = []
        if slash and evaluation and local:
            hits = self._within(kind, lookups.by_qualified_id(kind, evaluation, local))
        for exact in (True, False):  # exact spelling first; ignoring case only if nothing is spelt so
            if not hits:
                names = lookups.by_exact_name(kind, name) if exact else lookups.by_folded_name(kind, name)
                hits = self._within(kind, names)
            if not hits and kind == "period":  # a programme phase stands for all of its periods
                phased = self._within(kind, self.by_phase(name, exact=exact))
                if phased:
                    return phased
        return self._one_or_all(kind, name, hits)

    def _one_or_all(self, kind: str, name: str, hits: list[str]) -> list[str]:
        if not hits:
            self._no_match(kind, name)
        if len(hits) > 1 and not self.like:
            found = {c.iri: c for c in self.candidates(kind, CANDIDATES, s=[iri_term(i) for i in hits])}
            names = sorted(found[i].describe() if i in found else i for i in hits)
            listed = "; ".join(names[:SHOWN]) + (f"; and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
            raise UsageError(f"'{name}' names {len(hits)} {_plural(kind)}: {listed}",
                             "name one as EVALUATION/ID, by its IRI, or use --like to take them all")
        return sorted(hits)

    def _no_match(self, kind: str, name: str) -> NoReturn:
        pool = self.candidates(kind)
        if not pool:
            self.engine.check_default_graph()
            raise UsageError(f"there are no {_plural(kind)} in the data, so '{name}' matches nothing",
                             "load evaluations that have some, or check the question's options")
        folded = name.casefold()
        labels = [c.label or c.id or c.iri for c in pool]
        import difflib

        close = difflib.get_close_matches(name, labels, n=3, cutoff=0.4)
        close += [lab for lab in labels if folded and folded in lab.casefold() and lab not in close][:3]
        hint = (f"did you mean {', '.join(repr(c) for c in close[:3])}?" if close
                else f"the {_plural(kind)} are: {', '.join(sorted(labels)[:8])}")
        raise UsageError(f"no {kind} is called '{name}'", hint + " (or use --like for a substring match)")

    def _expand(self, name: str) -> list[str]:
        """The IRIs ``name`` may stand for: itself, or a CURIE expanded with each namespace of its prefix."""
        if "://" in name or name.startswith("urn:"):
            return [name]
        prefix, colon, local = name.partition(":")
        return [namespace + local for namespace in self.prefixes().get(prefix, [])] if colon else []


def _opt(value: Value) -> str | None:
    return None if value is None else str(value)


def _plural(kind: str) -> str:
    return "configurations" if kind == "cmoc" else kind + "s"
