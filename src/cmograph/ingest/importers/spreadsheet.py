"""The importer of .csv, .tsv, .xlsx and .ods files: a cmograph workbook (made by ``cmograph template`` or
``cmograph export --format xlsx``) is read back section by section; any other table is a paper's CMOC table."""

from __future__ import annotations

from pathlib import Path

from cmograph.errors import UsageError
from cmograph.ingest.importers import Imported, ImportOptions
from cmograph.ingest.importers.problems import ImportProblems, problem
from cmograph.ingest.importers.sheets import Sheet, read_sheets


def import_spreadsheet(path: Path, options: ImportOptions) -> Imported:
    from cmograph.ingest.importers.layout import is_workbook_layout

    sheets = read_sheets(path)
    if is_workbook_layout(sheets):
        from cmograph.ingest.importers.workbook import read_workbook_layout

        if options.columns or options.fill_down or options.separators is not None or options.sheet:
            raise UsageError(f"{path.name} is a cmograph workbook: --columns, --fill-down, --separator and --sheet "
                             "are for other tables", "import it without them")
        return read_workbook_layout(sheets, options)
    from cmograph.ingest.importers.table import read_table

    sheet = _chosen(path, sheets, options.sheet)
    others = [s.name for s in sheets if s is not sheet and _filled(s)]
    if options.sheet is None and others and not _filled(sheet):
        raise ImportProblems(path.name, [problem(sheet.whole(), "the first sheet is empty",
                                                 f"name the sheet that holds the table with --sheet, e.g. "
                                                 f"--sheet '{others[0]}'")])
    source = path.name if sheet.name is None or len(sheets) == 1 else f"{path.name}, sheet '{sheet.name}'"
    return read_table(sheet, options, source)


def _filled(sheet: Sheet) -> bool:
    return any(value is not None and str(value).strip() for row in sheet.rows for value in row)


def _chosen(path: Path, sheets: list[Sheet], name: str | None) -> Sheet:
    if name is None:
        if not sheets:
            raise ImportProblems(path.name, [problem(Sheet(path.name, None, []).whole(), "the workbook has no sheet")])
        return sheets[0]
    if sheets[0].name is None:
        raise UsageError(f"--sheet: {path.name} has no sheets", "--sheet names a sheet of an .xlsx or .ods workbook")
    found = [s for s in sheets if s.name == name] or [
        s for s in sheets if (s.name or "").casefold() == name.casefold()]
    if found:
        return found[0]
    raise UsageError(f"--sheet: {path.name} has no sheet '{name}'",
                     f"its sheets are: {', '.join(repr(s.name) for s in sheets)}")
