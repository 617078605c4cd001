"""The canned questions: ``queries/<id>.rq`` files with a YAML header, run with parameters bound as RDF terms.

A header is the block of ``#+ `` comment lines at the top of the file::

    #+ title: What worked
    #+ parameters:
    #+   outcome: {type: outcome, help: only this outcome}
    #+ columns:
    #+   outcome: the outcome's label

Parameter ``min-sites`` binds ``?_min_sites``. Values are resolved to IRIs or checked literals first and then
bound with a ``VALUES`` block inserted at the top of the outermost ``WHERE`` group; user text never enters the
query text. Queries are plain SPARQL 1.1 over the union default graph and run unchanged on any server.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import yaml

from cmograph.errors import UsageError
from cmograph.namespaces import CMO_NS
from cmograph.sparql_terms import iri_term, literal_term
from cmograph.sparql_tokens import lateral_optionals

if TYPE_CHECKING:
    from cmograph.names import NameIndex

Value = str | int | float | Decimal | bool | None
Row = dict[str, Value]
Cell = Value | list[str]
LIST_SEPARATOR = "\x1f"  # GROUP_CONCAT separator of list columns; the runner splits, sorts and dedups

ELEMENT_TYPES: dict[str, str] = {
    "context": CMO_NS + "Context",
    "mechanism": CMO_NS + "Mechanism",
    "outcome": CMO_NS + "Outcome",
    "group": CMO_NS + "Group",
    "site": CMO_NS + "Site",
    "cmoc": CMO_NS + "Configuration",
    "evaluation": CMO_NS + "Evaluation",
    "period": CMO_NS + "Period",
}
SCALAR_TYPES = ("integer", "choice")
WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
SHOWN = 8  # names listed when one name matches several elements


class Engine(Protocol):
    """Something that answers SPARQL SELECT queries: the embedded store or a remote endpoint."""

    def select(self, sparql: str) -> tuple[list[str], list[Row]]:
        """Run a SELECT query; rows map variable names to plain Python values (IRIs as strings)."""
        ...

    def several_evaluations(self) -> bool:
        """Whether the data holds more than one evaluation (see :func:`several_evaluations`)."""
        ...

    @property
    def lateral(self) -> bool:
        """Whether the engine runs ``LATERAL`` (Oxigraph does; it is not SPARQL 1.1)."""
        ...

    def names(self) -> NameIndex | None:
        """The engine's index of element names, if it keeps one (see :mod:`cmograph.names`)."""
        ...

    def check_default_graph(self) -> None:
        """Raise if the data is there but the queries cannot see it (asked only when an answer is empty)."""
        ...


@dataclass(frozen=True)
class Parameter:
    """One option of a question."""

    name: str
    type: str
    help: str
    required: bool = False
    example: str | None = None
    default: Any = None
    choices: tuple[str, ...] = ()

    @property
    def variable(self) -> str:
        return "_" + self.name.replace("-", "_")

    @property
    def is_element(self) -> bool:
        return self.type in ELEMENT_TYPES


@dataclass(frozen=True)
class Question:
    """A canned question read from its ``.rq`` file."""

    id: str
    title: str
    description: str
    sparql: str
    parameters: tuple[Parameter, ...]
    columns: dict[str, str]
    lists: tuple[str, ...] = ()
    example: str = ""
    empty: str = "No answer: nothing in the data matches this question."
    lateral: bool = False  # run OPTIONALs once per row when an element option is given, where the engine can

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def parse_question(qid: str, text: str) -> Question:
    """Parse a ``.rq`` file's header and body."""
    header = [line[3:] for line in text.splitlines() if line.startswith("#+ ") or line == "#+"]
    meta = yaml.safe_load("\n".join(header)) or {}
    params = tuple(
        Parameter(
            name=name,
            type=str(spec["type"]),
            help=str(spec.get("help", "")),
            required=bool(spec.get("required", False)),
            example=None if spec.get("example") is None else str(spec["example"]),
            default=spec.get("default"),
            choices=tuple(spec.get("choices", ())),
        )
        for name, spec in (meta.get("parameters") or {}).items()
    )
    for p in params:
        if p.type not in ELEMENT_TYPES and p.type not in SCALAR_TYPES:
            raise ValueError(f"{qid}.rq: parameter {p.name} has unknown type {p.type}")
    return Question(
        id=qid,
        title=str(meta["title"]),
        description=str(meta.get("description", "")).strip(),
        sparql=text,
        parameters=params,
        columns={str(k): str(v) for k, v in (meta.get("columns") or {}).items()},
        lists=tuple(str(c) for c in meta.get("lists") or ()),
        example=str(meta.get("example", "")),
        empty=str(meta.get("empty", Question.empty)),
        lateral=bool(meta.get("lateral", False)),
    )


@cache
def questions() -> dict[str, Question]:
    """Every shipped question by id, in alphabetical order."""
    folder = files("cmograph") / "queries"
    found = sorted((p for p in folder.iterdir() if p.name.endswith(".rq")), key=lambda p: p.name)
    return {p.name[:-3]: parse_question(p.name[:-3], p.read_text(encoding="utf-8")) for p in found}


def get_question(qid: str) -> Question:
    known = questions()
    if qid not in known:
        close = difflib.get_close_matches(qid, list(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "run `cmograph ask --list` to see them"
        raise UsageError(f"there is no question '{qid}'", hint)
    return known[qid]


# ---------------------------------------------------------------------------------------------- names


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
# whether there are several evaluations: two are enough to tell
EVALUATIONS_QUERY = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
SELECT DISTINCT ?e WHERE { ?e a cmo:Evaluation } LIMIT 2
"""
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

    # The lookups by name, by query; a :class:`~cmograph.names.NameIndex` answers the same four from memory.

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


# ---------------------------------------------------------------------------------------------- binding


def bind(sparql: str, values: Mapping[str, Sequence[str]]) -> str:
    """Insert ``VALUES`` rows (already-serialised terms) at the top of the outermost ``WHERE`` group.

    Several terms for one variable give several rows; several variables are combined as a cross product.
    """
    if not values:
        return sparql
    at = _where_end(sparql)
    blocks = "".join(f"\n  VALUES ?{var} {{ {' '.join(terms)} }}" for var, terms in values.items())
    return sparql[:at] + blocks + sparql[at:]


@lru_cache(maxsize=256)
def _where_end(sparql: str) -> int:
    """Where the first ``WHERE {`` outside a comment line ends."""
    for match in WHERE.finditer(sparql):
        line = sparql[sparql.rfind("\n", 0, match.start()) + 1: match.start()]
        if not line.lstrip().startswith("#"):
            return match.end()
    raise ValueError("the query has no WHERE group to bind parameters in")


@dataclass
class Answer:
    """The rows of a question, with the query that produced them."""

    question: Question
    columns: list[str]
    rows: list[dict[str, Cell]]
    sparql: str


def prepare(question: Question, engine: Engine, options: Mapping[str, Any], like: bool = False) -> str:
    """The question's SPARQL with every given option resolved and bound (``min_sites`` may stand for
    ``min-sites``; an option the question does not have is an error)."""
    options = _named(question, options)
    values: dict[str, list[str]] = {}
    evaluation_iri: str | None = None
    resolver = Resolver(engine, like=like)
    ordered = sorted(question.parameters, key=lambda p: p.type != "evaluation")
    for param in ordered:
        raw = options.get(param.name)
        if raw is None or raw == "":
            if param.required:
                example = f", e.g. --{param.name} '{param.example}'" if param.example else ""
                raise UsageError(f"'{question.id}' needs --{param.name}", f"{param.help}{example}")
            if param.default is None:
                continue
            raw = param.default
        if param.is_element:
            if evaluation_iri is not None:
                resolver.evaluation = evaluation_iri
            iris = resolver.resolve(param.type, str(raw))
            if param.type == "evaluation" and len(iris) == 1:
                evaluation_iri = iris[0]
            values[param.variable] = [iri_term(i) for i in iris]
        elif param.type == "integer":
            try:
                number = int(str(raw))
            except ValueError:
                raise UsageError(f"--{param.name} takes a whole number, not '{raw}'") from None
            if number < 1:
                raise UsageError(f"--{param.name} must be at least 1, not {number}")
            values[param.variable] = [literal_term(number)]
        else:
            if str(raw) not in param.choices:
                raise UsageError(f"--{param.name} takes one of {', '.join(param.choices)}, not '{raw}'")
            values[param.variable] = [literal_term(str(raw))]
    elements = any(p.is_element and p.variable in values for p in question.parameters)
    lateral = question.lateral and elements and engine.lateral
    return bind(lateral_optionals(question.sparql) if lateral else question.sparql, values)


def _named(question: Question, options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` by their command-line names, refusing any the question does not have."""
    named: dict[str, Any] = {}
    for key, value in options.items():
        name = str(key).replace("_", "-")
        if name in named:
            raise UsageError(f"the option '{name}' is given twice (as '{key}' too)", "give it once")
        named[name] = value
    unknown = sorted(set(named) - {p.name for p in question.parameters})
    if unknown:
        names = [p.name for p in question.parameters]
        close = difflib.get_close_matches(unknown[0], names, n=1)
        hint = (f"did you mean '{close[0]}'?" if close else
                f"its options are: {', '.join(names)}" if names else "it takes no options")
        raise UsageError(f"'{question.id}' has no option '{unknown[0]}'", hint)
    return named


def ask(question: Question, engine: Engine, options: Mapping[str, Any], like: bool = False) -> Answer:
    """Answer ``question`` on ``engine`` with the given option values (names, not IRIs)."""
    sparql = prepare(question, engine, options, like)
    variables, rows = engine.select(sparql)
    if not rows:
        engine.check_default_graph()
    columns = [c for c in question.columns if c in variables] or variables
    if "evaluation" in columns and not engine.several_evaluations():
        columns.remove("evaluation")
    lists = [c for c in columns if c in question.lists]
    cells: list[dict[str, Cell]] = []
    for row in rows:
        cell: dict[str, Cell] = {c: row[c] for c in columns}
        for c in lists:
            value = cell[c]
            cell[c] = [] if value is None or value == "" else list(_parts(str(value)))
        cells.append(cell)
    return Answer(question, columns, cells, sparql)


def several_evaluations(engine: Engine) -> bool:
    """Whether the data holds more than one evaluation: a question shows its ``evaluation`` column only then."""
    _, rows = engine.select(EVALUATIONS_QUERY)
    return len(rows) > 1


@lru_cache(maxsize=8192)
def _parts(text: str) -> tuple[str, ...]:
    """A list column's value: its parts, without duplicates, in natural order (the same lists recur by row)."""
    if LIST_SEPARATOR not in text:
        return (text,)
    return tuple(sorted({part for part in text.split(LIST_SEPARATOR) if part}, key=natural_key))


_NUMBERS = re.compile(r"(\d+)")


def natural_key(text: str) -> list[tuple[int, int | str]]:
    """Sort key that puts ``CMO2`` before ``CMO10`` and ``[4]`` before ``[17]``."""
    return [(0, int(part)) if part.isdigit() else (1, part.casefold()) for part in _NUMBERS.split(text) if part]
