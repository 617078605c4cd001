"""One answer cell as text, or as a JSON value: exact, whatever its type."""

from __future__ import annotations

import math
from decimal import Decimal

from cmograph.format.terms import decimal_text
from cmograph.query.types import Cell

EXACT_DOUBLE = 2**53  # a whole number of at most this size is held exactly by a double


def cell_text(value: Cell) -> str:
    """A cell as text: decimals exactly, in canonical form (``3.5``, ``1000``); doubles in the shortest form that
    reads back the same, their infinities and NaN as xsd:double writes them (``INF``)."""
    if type(value) is str:  # most cells: checked first, as answers can have a million cells
        return value
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "NaN" if math.isnan(value) else "INF" if value > 0 else "-INF"  # as xsd:double writes them
        return str(int(value)) if value.is_integer() and abs(value) <= EXACT_DOUBLE else repr(value)
    return str(value)


def json_value(value: Cell) -> object:
    """A cell for JSON: a number where a reader that holds numbers as doubles (JavaScript, most JSON libraries)
    reads back exactly the value given, else the exact text (``"12345678901234567890.5"``, ``"INF"``)."""
    if isinstance(value, bool) or value is None or isinstance(value, str | list):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else cell_text(value)
    number = Decimal(value)  # an int or a Decimal
    as_double = float(number)
    if math.isfinite(as_double) and Decimal(repr(as_double)) == number:
        return int(number) if number == number.to_integral_value() else as_double
    return decimal_text(number)
