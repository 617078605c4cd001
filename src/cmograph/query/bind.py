"""Binding: option values, already serialised as RDF terms, put into a query as ``VALUES`` rows.

User text never enters the query text; queries stay plain SPARQL 1.1 and run unchanged on any server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


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
