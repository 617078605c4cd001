"""Where an imported value came from, and the problems an import finds, each at its place.

:class:`Location` mirrors the fields and the text of the ``Location`` the checks are adding to
:mod:`cmograph.diagnostics` (a line and column, or a sheet and cell); once that lands, this class is replaced by
an import of it and :func:`problem` builds the ``Diagnostic`` from the location itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cmograph.diagnostics import Diagnostic, one_line
from cmograph.errors import InputError

_BARE_SHEET = re.compile(r"\w+")


@dataclass(frozen=True)
class Location:
    """A place in an input file: ``table.csv:12:3`` (row and column) or ``table.xlsx:'Table 5'!C12``."""

    file: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}" + ("" if self.column is None else f":{self.column}")
        if self.cell is not None:
            return f"{self.file}:{'' if self.sheet is None else sheet_reference(self.sheet) + '!'}{self.cell}"
        return self.file


def sheet_reference(sheet: str) -> str:
    """A sheet's name as spreadsheets write it in a reference: quoted where it holds more than letters, digits and
    ``_`` (``'Table 5'!C12``), with a quote in it doubled."""
    return sheet if _BARE_SHEET.fullmatch(sheet) else "'" + sheet.replace("'", "''") + "'"


def column_letter(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def counted(n: int, noun: str) -> str:
    """``1 theory``, ``2 theories``, ``3 contexts``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


def problem(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    """An error at ``location``, shown as ``[ERROR] table.xlsx:'Table 5'!C12: message (hint)``."""
    return Diagnostic(one_line(str(location)), None, "", message, hint)


class UnreadableTable(InputError):
    """A table that cannot be read at all (not a workbook, not text, too large)."""

    page = "commands/import"


class ImportProblems(InputError):
    """An input that cannot become a valid evidence file: each problem names its cell and what to do. Nothing is
    written."""

    page = "commands/import"

    def __init__(self, source: str, problems: list[Diagnostic]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"{source}: {count} problem{'s' * (count != 1)}; nothing was written",
                         "fix each cell named above and import again")

