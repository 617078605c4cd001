"""Serialise Python values as SPARQL terms, escaped exactly as N-Triples requires.

Every value that reaches a query is written by one of these functions, so user text can never change a query's
meaning: strings are escaped character by character, IRIs holding a character an IRI may not hold are refused.
"""

from __future__ import annotations

import re
from decimal import Decimal

from cmograph.errors import UsageError

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
XSD = "http://www.w3.org/2001/XMLSchema#"


def iri_term(iri: str) -> str:
    """``<iri>``; raises :class:`UsageError` for text that is not an absolute IRI."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) or _IRI_FORBIDDEN.search(iri):
        raise UsageError(f"not a usable IRI: {iri!r}", "IRIs are absolute and hold no spaces, quotes or <>{}|^`\\")
    return f"<{iri}>"


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def literal_term(value: str | int | float | bool | Decimal, *, language: str | None = None,
                 datatype: str | None = None) -> str:
    """A literal for ``value``: strings quoted and escaped, numbers and booleans typed."""
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, float | Decimal):
        kind = "decimal" if isinstance(value, Decimal) else "double"
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise UsageError(f"not a usable number: {value}")
        return f'"{value!r}"^^<{XSD}{kind}>' if kind == "double" else f'"{value}"^^<{XSD}decimal>'
    text = f'"{_escape(value)}"'
    if language is not None:
        if not _LANGUAGE.match(language):
            raise UsageError(f"not a language tag: {language!r}", "e.g. en or en-GB")
        return f"{text}@{language}"
    if datatype is not None:
        return f"{text}^^{iri_term(datatype)}"
    return text
