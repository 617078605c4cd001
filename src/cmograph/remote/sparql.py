"""The SPARQL 1.1 Protocol: a query sent to an endpoint as a form POST, and its answer read strictly.

SELECT and ASK answers are SPARQL 1.1 JSON results, read by pyoxigraph's parser (native, and light on memory). An
answer it refuses is read again by a strict reader of this module, which names what is wrong (the row, the
variable, the value) and accepts blank node labels RDF does not allow (Virtuoso's ``nodeID://b1``), giving them
labels of their own, the same within one answer. CONSTRUCT and DESCRIBE answers are parsed by pyoxigraph.
Anything else is one error naming the endpoint.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from cmograph.namespaces import COMMON_PREFIXES
from cmograph.query.lexer import TOKEN
from cmograph.query.raw import Solution, short
from cmograph.remote.http import Http, Response

JSON_TYPES = "application/sparql-results+json,application/json,text/javascript,application/javascript"
RDF_TYPES = "application/turtle,text/turtle"
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_VARIABLE = re.compile(r"\w[\w\u00B7\u0300-\u036F\u203F\u2040]*")
MALFORMED_HINT = ("the answer breaks the SPARQL 1.1 JSON results format; check that the URL is the server's SPARQL "
                  "endpoint")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Results:
    """A SELECT answer (``variables`` and a solution per row, unbound variables ``None``) or an ASK answer
    (``boolean``)."""

    variables: list[str]
    solutions: list[Solution]
    boolean: bool | None = None


class _Malformed(Exception):
    """What is wrong with an answer, in a few words."""


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's first such keyword (strings, IRIs, comments and prefixed
    names never count); SELECT if there is none."""
    for token in TOKEN.finditer(sparql):
        if token.lastgroup == "word" and token.group().upper() in FORMS:
            return token.group().upper()
    return "SELECT"


def with_prefixes(sparql: str) -> str:
    """``sparql`` preceded by declarations of the common prefixes it uses without declaring (as ``cmograph query``
    offers), on its first line, so that the server's error positions on the other lines are the query's own."""
    used: set[str] = set()
    declared: set[str] = set()
    after_prefix = False  # the previous token (not counting space and comments) is the keyword PREFIX
    for token in TOKEN.finditer(sparql):
        kind = token.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "local":
            (declared if after_prefix else used).add(token.group("prefix") or "")
        after_prefix = kind == "word" and token.group().upper() == "PREFIX"
    missing = [f"PREFIX {p}: <{ns}> " for p, ns in COMMON_PREFIXES.items() if p in used - declared]
    return "".join(missing) + sparql


def send_query(http: Http, sparql: str) -> tuple[str, Response]:
    """POST ``sparql`` to the endpoint; its form and the answer, refused if the server says it is cut short."""
    form = query_form(sparql)
    answer = http.send("POST", content=urllib.parse.urlencode({"query": sparql}).encode("ascii"),
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "Accept": RDF_TYPES if form in ("CONSTRUCT", "DESCRIBE") else JSON_TYPES})
    where = http.endpoint
    if answer.headers.get("X-SPARQL-MaxRows"):
        raise http.fail(f"{where} cut the answer short at {answer.headers['X-SPARQL-MaxRows']} rows",
                        "raise the server's result limit (Virtuoso: ResultSetMaxRows)")
    if answer.headers.get("X-SQL-State"):  # Virtuoso's "anytime" answers: partial, stopped by its time limit
        raise http.fail(f"{where} gave a partial answer ({answer.headers['X-SQL-State']}: time limit)",
                        "raise the server's query time limit (Virtuoso: MaxQueryExecutionTime)")
    return form, answer


def results(http: Http, answer: Response) -> Results:
    """The SPARQL JSON results in ``answer``."""
    if b'"triple"' not in answer.body:  # RDF-star terms, which cmograph does not read: the strict reader names them
        try:
            parsed = ox.parse_query_results(answer.body, ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QueryBoolean):
                return Results([], [], bool(parsed))
            return Results([v.value for v in parsed.variables], list(parsed))
        except (SyntaxError, ValueError):
            pass  # not SPARQL JSON, malformed, or with labels RDF does not allow: the strict reader says which
    kind = answer.headers.get("Content-Type", "")
    try:
        data = json.loads(answer.body)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise http.fail(f"{http.endpoint} did not answer with SPARQL JSON results ({kind or 'no content type'})",
                        "check that the URL is a SPARQL query endpoint")
    try:
        return _read(data)
    except _Malformed as exc:
        raise http.fail(f"{http.endpoint} answered with malformed SPARQL JSON results: {exc}",
                        MALFORMED_HINT) from None


def triples(http: Http, answer: Response) -> list[ox.Triple]:
    """The RDF in a CONSTRUCT or DESCRIBE answer, in the format its content type names (Turtle if none)."""
    kind = answer.headers.get("Content-Type", "text/turtle").split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(kind) or ox.RdfFormat.TURTLE
    try:
        return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(answer.body, format=fmt)]
    except (SyntaxError, ValueError) as exc:
        raise http.fail(f"{http.endpoint} answered with unreadable RDF ({short(str(exc))})") from None


def _read(data: dict[str, Any]) -> Results:
    if "boolean" in data:
        if not isinstance(data["boolean"], bool):
            raise _Malformed("'boolean' is not true or false")
        return Results([], [], data["boolean"])
    head = data.get("head")
    if not isinstance(head, dict):
        raise _Malformed("there is no 'head'" if head is None else "'head' is not an object")
    variables = head.get("vars")
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise _Malformed("'head' has no list of variable names ('vars')")
    bad = next((v for v in variables if not _VARIABLE.fullmatch(v)), None)
    if bad is not None:
        raise _Malformed(f"{bad!r} in 'vars' is not a SPARQL variable name")
    if len(set(variables)) < len(variables):
        raise _Malformed("'head' names a variable twice")
    body = data.get("results")
    rows = body.get("bindings") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise _Malformed("there is no 'results' object with a list of 'bindings'")
    declared = set(variables)
    blanks: dict[str, ox.BlankNode] = {}
    solutions: list[Solution] = []
    for index, row in enumerate(rows):
        rows[index] = None  # let the JSON go as its terms are made: the peak is one of them, not both
        number = index + 1
        if not isinstance(row, dict):
            raise _Malformed(f"row {number} is not an object")
        unknown = sorted(set(row) - declared)
        if unknown:
            raise _Malformed(f"row {number} binds {_quote(unknown[0])}, which 'head' does not name")
        solutions.append({v: _term(row[v], f"row {number}, ?{v}", blanks) if v in row else None for v in variables})
    return Results(variables, solutions)


def _term(binding: Any, where: str, blanks: dict[str, ox.BlankNode]) -> Term:
    if not isinstance(binding, dict):
        raise _Malformed(f"{where} is not an object")
    kind, value = binding.get("type"), binding.get("value")
    if kind is None:
        raise _Malformed(f"{where} has no 'type'")
    if not isinstance(value, str):
        raise _Malformed(f"{where} has no text 'value'")
    if kind == "uri":
        return _named(value, where, "an IRI")
    if kind == "bnode":
        if value not in blanks:
            blanks[value] = _blank(value)
        return blanks[value]
    if kind not in ("literal", "typed-literal"):
        raise _Malformed(f"{where} has the unknown type {_quote(kind)}")
    language, datatype = binding.get("xml:lang"), binding.get("datatype")
    if language not in (None, ""):
        if not isinstance(language, str):
            raise _Malformed(f"{where} has a language tag that is not text")
        try:
            return ox.Literal(value, language=language)
        except ValueError as exc:
            raise _Malformed(f"{where}: {_quote(language)} is not a language tag ({exc})") from None
    if datatype is not None:
        if not isinstance(datatype, str):
            raise _Malformed(f"{where} has a datatype that is not text")
        return ox.Literal(value, datatype=_named(datatype, where, "a datatype IRI"))
    return ox.Literal(value)


def _named(iri: str, where: str, what: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise _Malformed(f"{where}: {_quote(iri)} is not {what} ({exc})") from None


def _blank(label: str) -> ox.BlankNode:
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode()


def _quote(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
