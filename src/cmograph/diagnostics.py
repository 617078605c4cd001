"""Validation results as plain objects: a ``Severity``, a ``Diagnostic`` per problem at its ``Location``, a
``ValidationReport``."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import total_ordering

Progress = Callable[[int, int, str], None]
"""Told after each step of long work: how many steps are done, how many there are, and what the last one was
(a file checked, by its name; a question answered, by its id)."""


# characters that would break a message's line or change how it is shown: controls (newlines, tabs, escapes),
# the Unicode line and paragraph separators, and the bidirectional formatting characters
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """``text`` with every character that would break its line or reorder it escaped: ``\\n``, ``\\t``, ``\\u2028``."""
    return _UNSHOWABLE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


class Severity(enum.Enum):
    """How bad a problem is; only errors make a file non-conforming."""

    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"


_CELL = re.compile(r"([A-Za-z]+)([0-9]+)")
_BARE_SHEET = re.compile(r"\w+")


@total_ordering
@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and, in it, a line (and column), a spreadsheet cell (``Sheet!C12``, or ``C12`` in a
    file of one sheet) or a character range of a source (a selection in a QDA project); or just the file, when the
    problem is the file's as a whole. Shown as reports write it: ``study.yaml:12``, ``study.xlsx:Contexts!C12``,
    ``project.qdpx:interview-3.txt#char=120,245`` (RFC 5147)."""

    file: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None
    source: str | None = None
    start: int | None = None
    end: int | None = None

    def __post_init__(self) -> None:
        """Names quoted from a file are escaped as :func:`one_line` does; parts of two kinds are refused."""
        for name in ("file", "sheet", "cell", "source"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, one_line(value))
        kinds = (self.line is not None or self.column is not None, self.sheet is not None or self.cell is not None,
                 self.source is not None or self.start is not None or self.end is not None)
        if sum(kinds) > 1:
            raise ValueError(f"a location is a line, a cell or a character range, not several: {self!r}")
        if self.column is not None and self.line is None:
            raise ValueError("a column is on a line: give the line too")
        if self.sheet is not None and self.cell is None:
            raise ValueError("a sheet is located by a cell: give the cell too")
        if (self.start is None) != (self.end is None) or (self.start or 0) > (self.end or 0):
            raise ValueError("a character range has a start and an end, the start first")

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}" + ("" if self.column is None else f":{self.column}")
        if self.cell is not None:
            return f"{self.file}:{'' if self.sheet is None else _sheet_text(self.sheet) + '!'}{self.cell}"
        place = self.file if self.source is None else f"{self.file}:{self.source}"
        return place if self.start is None else f"{place}#char={self.start},{self.end}"

    def key(self) -> tuple[object, ...]:
        """What reports are sorted by: the file, then the place in it (lines, cells row by row, ranges), the file as
        a whole first."""
        cell = _CELL.fullmatch(self.cell or "")
        row = (int(cell[2]), len(cell[1]), cell[1].upper()) if cell else (0, 0, self.cell or "")
        return (self.file, self.line or 0, self.column or 0, self.sheet or "", row, self.source or "",
                self.start or 0, self.end or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return self.key() < other.key()


def _sheet_text(sheet: str) -> str:
    """A sheet's name as spreadsheets write it in a reference: quoted where it holds more than letters, digits and
    ``_`` (``'Site A'!C12``), with a quote in it doubled."""
    return sheet if _BARE_SHEET.fullmatch(sheet) else "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located by a :class:`Location`, an item and a key, in plain words."""

    location: Location
    where: str
    message: str
    hint: str | None = None
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def __post_init__(self) -> None:
        """Values quoted from a file are shown escaped where they hold a newline or another character that
        :func:`one_line` escapes, so that every problem is one line."""
        for name in ("where", "message", "hint"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, one_line(value))

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"[{self.severity.value}] {self.location}:{where} {self.message}{hint}"


@dataclass
class ValidationReport:
    """All diagnostics for one or more files."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def extend(self, more: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(more)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(self.diagnostics, key=lambda d: (d.location.key(), d.where, d.message)))

    def __len__(self) -> int:
        return len(self.diagnostics)
