"""cmograph: realist evaluation evidence as a validated knowledge graph you can question.

The public API is small: ``open_data(...)`` opens a project, evidence files, a store or an endpoint and
``.ask(question, options)`` answers a canned question; ``validate_paths`` checks files into a
``ValidationReport``. ``open_data`` and ``validate_paths`` are imported on first use, so ``import cmograph``
(and ``cmograph --help``) stays fast.
"""

from __future__ import annotations

from typing import Any

from cmograph.diagnostics import Diagnostic, Location, Severity, ValidationReport
from cmograph.errors import CmographError, InputError, UsageError
from cmograph.version import __version__

__all__ = [
    "CmographError",
    "Diagnostic",
    "InputError",
    "Location",
    "Severity",
    "UsageError",
    "ValidationReport",
    "__version__",
    "open_data",
    "validate_paths",
]


def __getattr__(name: str) -> Any:
    if name == "open_data":
        from cmograph.source import open_data

        return open_data
    if name == "validate_paths":
        from cmograph.checks.pipeline import validate_paths

        return validate_paths
    raise AttributeError(f"module 'cmograph' has no attribute {name!r}")
