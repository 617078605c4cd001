"""Where an imported value came from, and the problems an import finds, each at its place.
"""

from __future__ import annotations

from cmograph.diagnostics import Diagnostic, Location
from cmograph.errors import InputError


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
    return Diagnostic(location, "", message, hint)


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

