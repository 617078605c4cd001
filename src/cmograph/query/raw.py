"""``cmograph query``: run the user's own read-only SPARQL on the data."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

import pyoxigraph as ox

from cmograph.errors import UsageError
from cmograph.namespaces import COMMON_PREFIXES
from cmograph.query.lexer import TOKEN, escape_views, holds
from cmograph.query.local import python_value
from cmograph.query.types import Cell

QUERY_SECONDS = 60.0  # a user query running longer than this is given up with a clear error
QUERY_ROWS = 100_000  # a user query giving more rows (or triples) than this is stopped with a clear error; 0: no cap
_T = TypeVar("_T")
_UPDATES = ("LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD")


class Solution(Protocol):
    """A row of terms by variable name, unbound ones ``None``: a pyoxigraph solution, or an endpoint's row."""

    def __getitem__(self, variable: str, /) -> ox.NamedNode | ox.BlankNode | ox.Literal | None: ...


@dataclass
class QueryResult:
    """Rows of a SELECT, the truth of an ASK, or the triples of a CONSTRUCT/DESCRIBE (as N-Triples)."""

    columns: list[str]
    rows: list[dict[str, Cell]]
    boolean: bool | None = None
    triples: str | None = None

    @classmethod
    def of_boolean(cls, value: bool) -> QueryResult:
        return cls(["result"], [{"result": value}], boolean=value)

    @classmethod
    def of_solutions(cls, columns: list[str], solutions: Iterable[Solution]) -> QueryResult:
        return cls(columns, [{c: python_value(s[c]) for c in columns} for s in solutions])

    @classmethod
    def of_triples(cls, triples: Iterable[ox.Triple]) -> QueryResult:
        return cls([], [], triples=(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8"))


def check_read_only(sparql: str) -> None:
    """Refuse updates and federation: user queries may only read the local data.

    The text is split into SPARQL tokens as written and, for servers that read ``\\u0053`` escapes before
    parsing (as the SPARQL grammar says), once more with those escapes read. A keyword glued to other letters
    (``SERVICEex:x``, ``1SERVICE``) still counts: some parsers read it as the keyword.
    """
    tokens = [(view, token) for view in escape_views(sparql) for token in TOKEN.finditer(view)]
    for _, token in tokens:
        kind = token.lastgroup
        text = token.group("prefix") if kind == "local" else token.group() if kind == "word" else None
        if text and holds(text, "SERVICE"):
            raise UsageError(f"the query uses SERVICE ({text!r}), which cmograph does not run: it would fetch data "
                             "from elsewhere", "query the data here, without SERVICE")
        if kind == "word" and text and text.upper() in _UPDATES:
            raise UsageError(f"the query uses {text.upper()}, which cmograph does not run: `cmograph query` only "
                             "reads", "change evidence files and run `cmograph load` instead")
    for view, token in tokens:
        if token.lastgroup == "other" and token.group() in "\"'\\":
            line = view.count("\n", 0, token.start()) + 1
            raise UsageError(f"the query is not valid SPARQL: an unclosed string or a stray backslash on line {line}",
                             "check the quotes and escapes on that line")


def short(message: str, limit: int = 160) -> str:
    """The first line of a parser message, cut to ``limit`` characters."""
    first = message.strip().splitlines()[0] if message.strip() else "syntax error"
    return first if len(first) <= limit else first[: limit - 1] + "…"


def run_query(store: ox.Store, sparql: str, timeout: float = QUERY_SECONDS,
              max_rows: int = QUERY_ROWS) -> QueryResult:
    """Run a read-only query over the union of all evaluations (or the graphs its ``FROM`` clauses name); give up
    after ``timeout`` seconds, or at more than ``max_rows`` rows or triples (``0``: no cap).

    Rows are taken one at a time, so a query with a huge answer stops at the cap, and the time is checked between
    rows; a query that works long before its first row (``ORDER BY``, ``GROUP BY``) is given up at the time limit.
    """
    check_read_only(sparql)
    deadline = time.monotonic() + timeout
    outcome: list[QueryResult | BaseException] = []

    def evaluate() -> None:
        try:
            outcome.append(_evaluate(store, sparql, _Bounds(deadline, timeout, max_rows)))
        except BaseException as exc:  # handed to the caller's thread below
            traceback.clear_frames(exc.__traceback__)  # pyoxigraph's answers are dropped here, in their own thread
            outcome.append(exc)

    # pyoxigraph cannot cancel a query, but it releases the GIL: run it in a daemon thread and stop waiting
    worker = threading.Thread(target=evaluate, name="cmograph-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise _too_long(timeout)
    if isinstance(outcome[0], MemoryError):
        raise UsageError("the query's answer is too large for the memory available", _NARROW) from None
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


_NARROW = "narrow it with more specific patterns, a FILTER or a LIMIT"


def _too_long(timeout: float) -> UsageError:
    return UsageError(f"the query ran for more than {timeout:g} seconds, so cmograph gave up on it", _NARROW)


def check_rows(count: int, max_rows: int) -> None:
    """Refuse an answer of ``count`` rows (or triples) if that is more than ``max_rows`` (``0``: no cap)."""
    if max_rows and count > max_rows:
        raise UsageError(f"the query gives more than {max_rows:,} rows, so cmograph stopped it",
                         f"{_NARROW}, or allow more rows with --max-rows (0 for no cap)")


@dataclass(frozen=True)
class _Bounds:
    deadline: float  # time.monotonic() past which the query is given up
    timeout: float
    max_rows: int

    def take(self, items: Iterable[_T]) -> Iterator[_T]:
        """``items``, stopped with an error past the row cap or the deadline."""
        for count, item in enumerate(items, 1):
            check_rows(count, self.max_rows)
            if count % 256 == 0 and time.monotonic() > self.deadline:
                raise _too_long(self.timeout)
            yield item


def names_its_dataset(sparql: str) -> bool:
    """Whether the query has a ``FROM`` or ``FROM NAMED`` clause: then it, not cmograph, says which graphs it reads."""
    return any(t.lastgroup == "word" and t.group().upper() == "FROM" for t in TOKEN.finditer(sparql))


def _evaluate(store: ox.Store, sparql: str, bounds: _Bounds) -> QueryResult:
    union = not names_its_dataset(sparql)  # by default the default graph is every evaluation's graph together
    try:
        result = store.query(sparql, use_default_graph_as_union=union, prefixes=COMMON_PREFIXES)
    except SyntaxError as exc:
        raise UsageError(f"the query is not valid SPARQL: {short(str(exc))}",
                         f"the prefixes {', '.join(COMMON_PREFIXES)} are declared for you") from None
    if isinstance(result, ox.QueryBoolean):
        return QueryResult.of_boolean(bool(result))
    if isinstance(result, ox.QuerySolutions):
        return QueryResult.of_solutions([v.value for v in result.variables], bounds.take(result))
    return QueryResult.of_triples(list(bounds.take(result)))
