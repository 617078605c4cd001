"""Validation results as plain objects: a ``Severity``, a ``Diagnostic`` per problem, a ``ValidationReport``."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

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


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located by file, line, item and key, in plain words."""

    file: str
    line: int | None
    where: str
    message: str
    hint: str | None = None
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def __post_init__(self) -> None:
        """Values quoted from a file are shown escaped where they hold a newline or another character that
        :func:`one_line` escapes, so that every problem is one line."""
        for name in ("file", "where", "message", "hint"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, one_line(value))

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        where = f" {self.where}:" if self.where else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"[{self.severity.value}] {place}:{where} {self.message}{hint}"


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
        return iter(sorted(self.diagnostics, key=lambda d: (d.file, d.line or 0, d.where, d.message)))

    def __len__(self) -> int:
        return len(self.diagnostics)
