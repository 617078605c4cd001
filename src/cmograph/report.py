"""Validation results as plain objects: a ``Severity``, a ``Diagnostic`` per problem, a ``ValidationReport``."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

Progress = Callable[[int, int, str], None]
"""Told after each step of long work: how many steps are done, how many there are, and what the last one was
(a file checked, by its name; a question answered, by its id)."""


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
