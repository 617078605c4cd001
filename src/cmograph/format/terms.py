"""Serialise Python values as SPARQL terms, escaped exactly as N-Triples requires.

Every value that reaches a query is written by one of these functions (SPARQL protocol servers have no parameter
binding), so user text can never change a query's meaning: strings are escaped character by character, and IRIs
holding a character an IRI may not hold are refused.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pyoxigraph as ox

from cmograph.errors import UsageError
from cmograph.namespaces import XSD

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\\ud800-\udfff]')  # IRIREF excludes these; surrogates aren't text
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def iri_term(iri: str) -> str:
    """``<iri>``; raises :class:`UsageError` for text that is not an absolute IRI (RFC 3987)."""
    if not _SCHEME.match(iri) or _IRI_FORBIDDEN.search(iri):
        raise UsageError(f"not a usable IRI: {iri!r}", "IRIs are absolute and hold no spaces, quotes or <>{}|^`\\")
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise UsageError(f"not a usable IRI: {iri!r} ({exc})") from None
    return f"<{iri}>"


def _escape(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 0xD800 <= code <= 0xDFFF:
            raise UsageError(f"not usable text: {text!r} holds a lone surrogate (U+{code:04X})")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return "".join(out)


def decimal_text(number: Decimal) -> str:
    """The canonical xsd:decimal form of a finite number, exact (never rounded): ``3.50`` -> ``3.5``, ``1E+3`` ->
    ``1000``, ``-0.0`` -> ``0``. Mind the length: ``1E+999`` has a thousand digits."""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def literal_term(value: str | int | float | bool | Decimal, *, language: str | None = None,
                 datatype: str | None = None) -> str:
    """A literal for ``value``: strings quoted and escaped (with a language or datatype), numbers and booleans typed."""
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise UsageError(f"not a usable number: {value}")
        return f'"{value:f}"^^<{XSD}decimal>'
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UsageError(f"not a usable number: {value}")
        return f'"{value!r}"^^<{XSD}double>'
    if language is not None and datatype is not None:
        raise ValueError("a literal has a language or a datatype, not both")
    text = f'"{_escape(value)}"'
    if language is not None:
        if not _LANGUAGE.fullmatch(language):
            raise UsageError(f"not a language tag: {language!r}", "e.g. en or en-GB")
        return f"{text}@{language}"
    if datatype is not None:
        return f"{text}^^{iri_term(datatype)}"
    return text
