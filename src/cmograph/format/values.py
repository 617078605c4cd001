"""The RDF terms that values written in evidence files become: dates, numbers and IRIs.

A value that is not what its key expects stays a plain literal of the text written, so that the shapes catch it
and say what was found.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, Literal

from cmograph.format.model import NUMBER_DECIMALS, NUMBER_DIGITS, NUMBER_PATTERN
from cmograph.format.terms import decimal_text

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
YEAR = re.compile(r"^\d{4}$")
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
HTTP_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
CONCEPT_SCHEME = re.compile(r"^(?:https?://|urn:)", re.IGNORECASE)  # a concept is named on the web or by a URN


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI the store accepts (Oxigraph checks RFC 3987 strictly)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def number_literal(value: Any, text: str) -> Literal:
    """A number exactly as written, as an xsd:decimal in the canonical form stores keep (``3.50`` -> ``3.5``,
    ``1e3`` -> ``1000``); one with more digits than cmograph keeps, like text, stays the text written."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return Literal(text)
    try:
        number = Decimal(text)
    except InvalidOperation:  # YAML read it in another notation (!!int 0x1F)
        number = Decimal(str(value))
    lexical = kept_decimal(number)
    return Literal(text) if lexical is None else Literal(lexical, datatype=XSD.decimal)


def kept_decimal(number: Decimal) -> str | None:
    """The canonical xsd:decimal form of ``number``, exact, if it has no more digits than cmograph keeps
    (:data:`~cmograph.format.model.NUMBER_PATTERN`), else ``None``."""
    if not number.is_finite():
        return None
    if not number.is_zero() and not -NUMBER_DECIMALS <= number.adjusted() < NUMBER_DIGITS:
        return None  # too long, and not written out to find so (1e999 has a thousand digits)
    lexical = decimal_text(number)
    return lexical if re.fullmatch(NUMBER_PATTERN, lexical) else None


def date_literal(text: str) -> Literal:
    """An ISO 8601 date, year-month or year as the xsd literal of its precision."""
    if DATE.match(text):
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return Literal(text)
        return Literal(text, datatype=XSD.date)
    if YEAR_MONTH.match(text):
        return Literal(text, datatype=XSD.gYearMonth)
    if YEAR.match(text):
        return Literal(text, datatype=XSD.gYear)
    return Literal(text)


def is_date(text: str) -> bool:
    """Whether ``text`` is written as a date, a year-month or a year (valid or not)."""
    return bool(DATE.match(text) or YEAR_MONTH.match(text) or YEAR.match(text))


def is_concept_iri(iri: str) -> bool:
    """Whether ``iri`` may name a shared concept: an IRI on the web (http, https) or a URN, as a ``url`` may only be
    http or https (no ``javascript:`` or ``file:`` link reaches the data)."""
    return bool(CONCEPT_SCHEME.match(iri)) and is_iri(iri)
