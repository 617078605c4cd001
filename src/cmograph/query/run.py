"""Running a question: its options resolved and bound, the query run on an engine, the rows tidied."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, cast

from cmograph.errors import UsageError
from cmograph.format.terms import iri_term, literal_term
from cmograph.query.bind import bind
from cmograph.query.catalogue import Question
from cmograph.query.engine import Engine
from cmograph.query.resolve import Resolver
from cmograph.query.types import LIST_SEPARATOR, Cell, Row, natural_key


@dataclass
class Answer:
    """The rows of a question, with the query that produced them; and, asked for when wanted (it is one more
    query), how many configurations the question left out by design and why, as its header's ``left_out`` query
    counts them."""

    question: Question
    columns: list[str]
    rows: list[dict[str, Cell]]
    sparql: str
    left_out_sparql: str = ""  # the question's left_out query, with the options bound as in ``sparql``
    engine: Engine | None = field(default=None, repr=False, compare=False)

    @cached_property
    def left_out(self) -> list[tuple[str, int]]:
        """How many configurations were left out, by reason: ``[("refuted", 2)]`` (none for a question that
        leaves none out)."""
        return left_out(self.engine, self.left_out_sparql) if self.engine is not None else []

    @property
    def note(self) -> str | None:
        """What the answer left out, as a sentence: ``Left out by design: 2 configurations refuted.``"""
        return left_out_note(self.left_out)


def left_out(engine: Engine, left_out_sparql: str) -> list[tuple[str, int]]:
    """The answer to a question's bound ``left_out`` query: how many configurations, by reason."""
    if not left_out_sparql:
        return []
    _, rows = engine.select(left_out_sparql)
    return [(str(row["reason"]), int(str(row["configurations"]))) for row in rows
            if row.get("reason") and str(row.get("configurations") or "0") != "0"]


def left_out_note(counts: list[tuple[str, int]]) -> str | None:
    """``Left out by design: 2 configurations refuted.`` (``None`` when nothing was left out)."""
    if not counts:
        return None
    parts = [f"{n} configuration{'s' * (n != 1)} {reason}" for reason, n in counts]
    return f"Left out by design: {'; '.join(parts)}."


def prepare(question: Question, engine: Engine, options: Mapping[str, Any], like: bool = False) -> str:
    """The question's SPARQL with every given option resolved and bound (``min_sites`` may stand for
    ``min-sites``; an option the question does not have is an error)."""
    return queries(question, engine, options, like)[0]


def queries(question: Question, engine: Engine, options: Mapping[str, Any], like: bool = False) -> tuple[str, str]:
    """:func:`prepare`'s SPARQL and the question's ``left_out`` query bound alike (empty if it has none)."""
    values = _values(question, engine, options, like)
    return _bound(question, engine, values), bind(question.left_out, values) if question.left_out else ""


def _bound(question: Question, engine: Engine, values: dict[str, list[str]]) -> str:
    """The question's SPARQL with ``values`` bound (see :func:`_values`)."""
    elements = any(p.is_element and p.variable in values for p in question.parameters)
    lateral = question.lateral and elements and engine.lateral
    return bind(question.lateral_sparql() if lateral else question.sparql, values)


def _values(question: Question, engine: Engine, options: Mapping[str, Any], like: bool) -> dict[str, list[str]]:
    """The terms each given option (or its default) stands for, by variable, as RDF term text."""
    options = _named(question, options)
    values: dict[str, list[str]] = {}
    evaluation_iri: str | None = None
    resolver = Resolver(engine, like=like)
    ordered = sorted(question.parameters, key=lambda p: p.type != "evaluation")
    for param in ordered:
        raw = options.get(param.name)
        if isinstance(raw, str):
            _check_text(param.name, raw)
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
    return values


SEVERAL_SEEN_IN = 1000  # rows looked at for a second evaluation before asking the engine


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(name: str, text: str) -> None:
    """Refuse an option whose text is not valid UTF-8: Python keeps bytes the shell passed that are not UTF-8 as
    lone surrogates (U+DC80-U+DCFF), which are not characters."""
    bad = _SURROGATE.search(text)
    if bad is None:
        return
    code = ord(bad.group())
    what = f"byte 0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"a lone surrogate U+{code:04X}"
    raise UsageError(f"--{name}: the text given is not valid UTF-8 ({what} at character {bad.start() + 1})",
                     "type it again, in a terminal that uses UTF-8")


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
        import difflib

        close = difflib.get_close_matches(unknown[0], names, n=1)
        hint = (f"did you mean '{close[0]}'?" if close else
                f"its options are: {', '.join(names)}" if names else "it takes no options")
        raise UsageError(f"'{question.id}' has no option '{unknown[0]}'", hint)
    return named


def ask(question: Question, engine: Engine, options: Mapping[str, Any], like: bool = False) -> Answer:
    """Answer ``question`` on ``engine`` with the given option values (names, not IRIs)."""
    return answer(question, engine, *queries(question, engine, options, like))


def answer_with_note(question: Question, engine: Engine, sparql: str, left_out_sparql: str = "") -> Answer:
    """:func:`answer`, its note worked out too: where the engine runs two queries at once, the ``left_out`` query
    runs on a thread meanwhile (`what-worked` at 1M triples: 1-3 s of a 7-9 s answer)."""
    if not left_out_sparql or not engine.concurrent:
        found = answer(question, engine, sparql, left_out_sparql)
        found.left_out  # noqa: B018  # worked out now, as the other way does
        return found
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="cmograph-left-out") as pool:
        counting = pool.submit(left_out, engine, left_out_sparql)
        found = answer(question, engine, sparql, left_out_sparql)
        found.left_out = counting.result()  # the cached property, filled
    return found


def answer(question: Question, engine: Engine, sparql: str, left_out_sparql: str = "") -> Answer:
    """Answer ``question`` on ``engine`` with its queries already bound (see :func:`queries`)."""
    variables, rows = engine.select(sparql)
    if not rows:
        engine.check_default_graph()
    columns = [c for c in question.columns if c in variables] or list(variables)
    if "evaluation" in columns and not _several(rows, engine):
        columns.remove("evaluation")
    lists = [c for c in columns if c in question.lists]
    whole = columns == variables  # each row holds exactly the columns, in order: tidied as it is (it is ours)
    cells: list[dict[str, Cell]] = []
    for row in rows:
        cell: dict[str, Cell] = cast("dict[str, Cell]", row) if whole else {c: row[c] for c in columns}
        for c in lists:
            value = cell[c]
            cell[c] = [] if value is None or value == "" else list(_parts(str(value)))
        cells.append(cell)
    return Answer(question, columns, cells, sparql, left_out_sparql, engine)


def _several(rows: list[Row], engine: Engine) -> bool:
    """Whether the data holds several evaluations: seen in the answer's first rows, where two evaluations are proof
    enough, or else asked of the engine (on a server a round trip: 2-4 ms of a 15 ms question at 100k triples)."""
    seen: set[str] = set()
    for row in rows[:SEVERAL_SEEN_IN]:
        value = row.get("evaluation")
        if isinstance(value, str) and value:
            seen.add(value)
            if LIST_SEPARATOR in value or len(seen) > 1:  # a list of evaluations, or a second one
                return True
    return engine.several_evaluations()


@lru_cache(maxsize=8192)
def _parts(text: str) -> tuple[str, ...]:
    """A list column's value: its parts, without duplicates, in natural order (the same lists recur by row)."""
    if LIST_SEPARATOR not in text:
        return (text,)
    return tuple(sorted({part for part in text.split(LIST_SEPARATOR) if part}, key=natural_key))
