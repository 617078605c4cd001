"""A sheet's cells as the importers see them: each value with its place and the place it was written (a cell
merged down over several rows applies to each of them), and the text of a cell where text is expected."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cmograph.diagnostics import Diagnostic, Location
from cmograph.ingest.importers.problems import problem
from cmograph.ingest.importers.sheets import Sheet, Value

FORMULA_HINT = "replace it by its value (copy the cell, then paste special: values only)"
DATE_HINT = "format the column as text and type the text again: spreadsheets turn '1-2' or 'May 3' into dates"


@dataclass
class Cell:
    """A cell's value, where it is, and where the value was written (a merged range's first cell, or the cell
    filled down from)."""

    value: Value
    at: Location
    origin: Location
    formula: bool = False

    @property
    def empty(self) -> bool:
        """No value (a formula is not empty, even one whose value was never computed)."""
        return not self.formula and (self.value is None or (isinstance(self.value, str) and not self.value.strip()))


def as_text(value: Value) -> str:
    """A number, or text, as text: ``1.0`` (how spreadsheets hold 1) is ``1``; line ends are ``\\n``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def grid(sheet: Sheet) -> list[list[Cell]]:
    """The sheet's cells, every row as wide as the widest; a cell merged down fills the cells it covers."""
    width = sheet.width
    cells = [[Cell(row[c] if c < len(row) else None, sheet.location(r, c), sheet.location(r, c),
                   (r, c) in sheet.formulas) for c in range(width)] for r, row in enumerate(sheet.rows)]
    for merged in sheet.merged:
        if merged.right == merged.left and merged.top < len(cells) and merged.left < width:
            first = cells[merged.top][merged.left]
            for r in range(merged.top + 1, min(merged.bottom + 1, len(cells))):
                cells[r][merged.left] = Cell(first.value, cells[r][merged.left].at, first.origin, first.formula)
    return cells


def text_of(cell: Cell, dates: bool = False) -> str | Diagnostic:
    """The text of a cell where text is expected (a date as ``2019-06-30`` where ``dates``), or the problem: a
    formula, a date, a time or true/false."""
    if cell.formula:
        return problem(cell.origin, "a formula, where cmograph reads values", FORMULA_HINT)
    if cell.empty:
        return ""
    value = cell.value
    if isinstance(value, bool):
        return problem(cell.origin, f"a true/false value ({str(value).upper()}) where text is expected",
                       "format the column as text and type the text again")
    if dates and isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if dates and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return problem(cell.origin, f"a date or time ({value}) where text is expected", DATE_HINT)
    return as_text(value)
