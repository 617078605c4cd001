"""Importers: evidence from where researchers already keep it, as the data a YAML evidence file holds.

An importer is a function ``(path, options) -> Imported``, registered in :data:`IMPORTERS` under the file suffixes
it reads. It returns the evidence as plain values (``{"cmograph": 1, "evaluation": {...}, "contexts": [...],
...}``: exactly what :func:`cmograph.ingest.yaml_json.read_document` gives for a YAML file), an import report
(what became what, what was skipped and why), where each value came from, so that a problem found later,
when the result is validated, can be shown at its cell (or its passage of a QDA project), and any files to write
with it (the transcripts of a QDA project). An input that cannot become evidence raises
:class:`~cmograph.ingest.importers.problems.ImportProblems` naming each bad cell, or
:class:`~cmograph.errors.InputError` (an :class:`~cmograph.ingest.importers.problems.UnreadableTable`) when the
file cannot be read at all.

To add a format, write a module with one such function and add its suffixes here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmograph.diagnostics import Location
from cmograph.errors import UsageError
from cmograph.ingest.yaml_json import Path_


@dataclass(frozen=True)
class ImportOptions:
    """What the user said about the input; each importer uses what applies to it."""

    evaluation_id: str | None = None  # default: made from the file's name
    columns: Mapping[str, str] = field(default_factory=dict)  # a table's header -> what it holds
    fill_down: tuple[str, ...] = ()  # headers of columns whose empty cells repeat the cell above
    separators: tuple[str, ...] | None = None  # what splits a cell into items (None: line breaks)
    sheet: str | None = None  # the sheet to read in a workbook (default: the first)
    code_groups: Mapping[str, str] = field(default_factory=dict)  # a QDA project's group of codes -> what it holds
    sources: Path | None = None  # the folder of a QDA project's sources kept outside its archive


@dataclass
class Imported:
    """The result of an import."""

    data: dict[str, Any]  # the evidence, as a YAML evidence file holds it
    source: str  # the input as messages and the written file's header name it ("table.xlsx, sheet 'Table 5'")
    report: list[str] = field(default_factory=list)  # what became what, and what was skipped and why
    places: dict[Path_, Location] = field(default_factory=dict)  # where the value at a path of ``data`` came from
    files: dict[str, bytes] = field(default_factory=dict)  # files to write too (transcripts), by path relative to
    # the evidence file's project, as ``data`` names them


Importer = Callable[[Path, ImportOptions], Imported]


def _spreadsheet(path: Path, options: ImportOptions) -> Imported:
    from cmograph.ingest.importers.spreadsheet import import_spreadsheet

    return import_spreadsheet(path, options)


def _qdpx(path: Path, options: ImportOptions) -> Imported:
    from cmograph.ingest.importers.qdpx import import_qdpx

    return import_qdpx(path, options)


IMPORTERS: dict[str, Importer] = {suffix: _spreadsheet for suffix in (".csv", ".tsv", ".xlsx", ".ods")}
IMPORTERS[".qdpx"] = _qdpx


def import_file(path: Path, options: ImportOptions) -> Imported:
    """Import ``path`` with the importer registered for its suffix."""
    importer = IMPORTERS.get(path.suffix.lower())
    if importer is None:
        raise UsageError(f"{path.name}: cmograph cannot import this kind of file",
                         f"import one of {', '.join(sorted(IMPORTERS))}")
    return importer(path, options)
