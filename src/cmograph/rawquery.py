"""``cmograph query``: run the user's own read-only SPARQL on the data."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from cmograph.engine import python_value
from cmograph.errors import UsageError
from cmograph.questions import Cell

_STRINGS = re.compile(r'("""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\')')
_COMMENTS = re.compile(r"#[^\n]*")
_IRIS = re.compile(r"<[^<>\s]*>")
_FORBIDDEN = re.compile(r"\b(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|COPY|MOVE|ADD)\b", re.IGNORECASE)


@dataclass
class QueryResult:
    """Rows of a SELECT, the truth of an ASK, or the triples of a CONSTRUCT/DESCRIBE (as N-Triples)."""

    columns: list[str]
    rows: list[dict[str, Cell]]
    boolean: bool | None = None
    triples: str | None = None


def check_read_only(sparql: str) -> None:
    """Refuse updates and federation: user queries may only read the local data."""
    code = _IRIS.sub("<>", _COMMENTS.sub("", _STRINGS.sub('""', sparql)))
    found = _FORBIDDEN.search(code)
    if found:
        word = found.group(1).upper()
        reason = ("it would fetch data from elsewhere" if word in ("SERVICE", "LOAD")
                  else "`cmograph query` only reads; change evidence files and run `cmograph load` instead")
        raise UsageError(f"the query uses {word}, which cmograph does not run: {reason}")


def run_query(store: ox.Store, sparql: str) -> QueryResult:
    """Run a read-only query over the union of all evaluations."""
    check_read_only(sparql)
    try:
        result = store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise UsageError(f"the query is not valid SPARQL: {exc}", "check it in a SPARQL editor") from None
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(["result"], [{"result": bool(result)}], boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows: list[dict[str, Cell]] = [{c: python_value(s[c]) for c in columns} for s in result]
        return QueryResult(columns, rows)
    data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
    return QueryResult([], [], triples=(data or b"").decode("utf-8"))
