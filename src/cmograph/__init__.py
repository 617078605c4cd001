"""cmograph: realist evaluation evidence as a validated knowledge graph you can question.

The public API is small: read and validate evidence files, open a store, ask a question.
"""

from __future__ import annotations

from cmograph.errors import CmographError, InputError, UsageError
from cmograph.report import Diagnostic, Severity, ValidationReport

__version__ = "0.1.0"

__all__ = [
    "CmographError",
    "Diagnostic",
    "InputError",
    "Severity",
    "UsageError",
    "ValidationReport",
    "__version__",
]
