"""One base error class; every message a user sees ends with a reference link."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cmograph.diagnostics import ValidationReport

DOCS = "https://w3id.org/cmograph/docs"
INTERRUPTED = "\ninterrupted: any store is as it was, or fully updated, never half-written"  # after Ctrl-C


class CmographError(Exception):
    """A problem the user can fix. ``exit_code`` is what the CLI exits with."""

    exit_code = 2
    page = "index"

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message)

    def __reduce__(self) -> tuple[type[CmographError], tuple[str, str | None]]:
        return type(self), (self.message, self.hint)  # whole when raised in a worker process

    def __str__(self) -> str:
        hint = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{self.message}{hint}\n  see {DOCS}/{self.page}"


class UsageError(CmographError):
    """The command was called wrongly (unknown question, bad option value, no data)."""

    page = "commands"


class InputError(CmographError):
    """An input file cannot be read at all (missing, unreadable, syntax error, wrong kind)."""

    page = "evidence-format"


class StoreError(CmographError):
    """The store cannot be opened or written (in use, damaged, not a cmograph store)."""

    page = "commands/load"


class EndpointError(CmographError):
    """A SPARQL endpoint could not answer (refused, timed out, unauthorised, not found)."""

    page = "scale"


class NotConforming(Exception):
    """Data was found but does not conform; the CLI prints the ``report`` and exits 1."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"{len(report)} problems")
        self.report = report
