"""Run SPARQL on the embedded Oxigraph store and return plain Python rows."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from cmograph.namespaces import XSD
from cmograph.query.engine import several_evaluations
from cmograph.query.names import NameIndex
from cmograph.query.types import ELEMENT_TYPES, Row, Value

_UNSEEN = object()
_STRING, _DECIMAL_TYPE, _BOOLEAN = XSD + "string", XSD + "decimal", XSD + "boolean"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_FLOATS = {XSD + t for t in ("double", "float")}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")


def python_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Value:
    """A term as a plain value: IRIs as strings; integers, decimals (exact, as :class:`~decimal.Decimal`), doubles
    and booleans typed; other literals, and a literal whose text is not of its datatype, as their text."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        datatype, text = term.datatype.value, term.value
        if datatype == _STRING:
            return text
        if datatype in _INTEGERS and _INTEGER.fullmatch(text):
            try:
                return int(text)
            except ValueError:  # more digits than Python reads
                return text
        if datatype == _DECIMAL_TYPE and _DECIMAL.fullmatch(text):
            return Decimal(text)
        if datatype in _FLOATS and _FLOAT.fullmatch(text):
            return float(text)
        if datatype == _BOOLEAN and text in ("true", "false", "1", "0"):
            return text in ("true", "1")
        return text
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return None


class StoreEngine:
    """Answers queries from a pyoxigraph store over the union of its named graphs.

    The store is not written while the engine uses it (a store generation is never written again), so facts
    about the whole store are worked out once. With ``index_names`` the names users type are resolved through
    a :class:`~cmograph.query.names.NameIndex`, built at the first resolution (for stores that answer many questions).
    """

    lateral = True
    concurrent = True

    def __init__(self, store: ox.Store, *, index_names: bool = False) -> None:
        self.store = store
        self.index_names = index_names
        self._several: bool | None = None
        self._names: NameIndex | None = None

    def names(self) -> NameIndex | None:
        if self.index_names and self._names is None:
            self._names = NameIndex(self.store, ELEMENT_TYPES)
        return self._names

    def check_default_graph(self) -> None:
        """Queries always read the union of the store's graphs."""

    def several_evaluations(self) -> bool:
        if self._several is None:
            self._several = several_evaluations(self)
        return self._several

    def select(self, sparql: str) -> tuple[list[str], list[Row]]:
        results = self.store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(results, ox.QuerySolutions):
            raise ValueError("only SELECT queries return rows")
        variables = [v.value for v in results.variables]
        # labels repeat: each term is converted once (an unbound variable is None, which converts to None)
        seen: dict[object, Any] = {None: None}
        rows: list[Row] = []
        for solution in results:
            values: list[Any] = []
            for term in solution:
                value = seen.get(term, _UNSEEN)  # not None: that is the value of an unbound variable
                if value is _UNSEEN:
                    value = seen[term] = python_value(term)
                values.append(value)
            rows.append(dict(zip(variables, values, strict=True)))
        return variables, rows
