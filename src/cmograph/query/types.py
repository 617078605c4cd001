"""The plain values questions return, and the kinds of element a question's option may name."""

from __future__ import annotations

import re
from decimal import Decimal

from cmograph.namespaces import CMO_NS

Value = str | int | float | Decimal | bool | None
Row = dict[str, Value]
Cell = Value | list[str]
LIST_SEPARATOR = "\x1f"  # GROUP_CONCAT separator of list columns; the runner splits, sorts and dedups

ELEMENT_TYPES: dict[str, str] = {
    "context": CMO_NS + "Context",
    "mechanism": CMO_NS + "Mechanism",
    "outcome": CMO_NS + "Outcome",
    "group": CMO_NS + "Group",
    "site": CMO_NS + "Site",
    "cmoc": CMO_NS + "Configuration",
    "evaluation": CMO_NS + "Evaluation",
    "period": CMO_NS + "Period",
}

_NUMBERS = re.compile(r"(\d+)")


def natural_key(text: str) -> list[tuple[int, int | str]]:
    """Sort key that puts ``CMO2`` before ``CMO10`` and ``[4]`` before ``[17]``."""
    return [(0, int(part)) if part.isdigit() else (1, part.casefold()) for part in _NUMBERS.split(text) if part]
