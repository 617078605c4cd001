"""The plain values questions return, and the kinds of element a question's option may name."""

from __future__ import annotations

import re
from decimal import Decimal

from cmograph.format.model import EVALUATION, LISTS

Value = str | int | float | Decimal | bool | None
Row = dict[str, Value]
Cell = Value | list[str]
LIST_SEPARATOR = "\x1f"  # GROUP_CONCAT separator of list columns; the runner splits, sorts and dedups

# The kinds of element an option may name, as the IRIs of elements name them (``.../cmoc/CMO1``), with their class
# IRIs from the format model. Sources and programme theories are not asked about.
_CLASSES = {"evaluation": EVALUATION.class_iri, **{s.path: s.class_iri for s in LISTS}}
ELEMENT_TYPES: dict[str, str] = {
    kind: iri for kind in ("context", "mechanism", "outcome", "group", "site", "cmoc", "evaluation", "period")
    if (iri := _CLASSES[kind]) is not None
}

_NUMBERS = re.compile(r"(\d+)")


def natural_key(text: str) -> list[tuple[int, int | str]]:
    """Sort key that puts ``CMO2`` before ``CMO10`` and ``[4]`` before ``[17]``."""
    return [(0, int(part)) if part.isdigit() else (1, part.casefold()) for part in _NUMBERS.split(text) if part]
