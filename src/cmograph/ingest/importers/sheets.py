"""Read a table file into grids of cell values, each cell with its place: CSV and TSV, Excel (.xlsx) and
OpenDocument (.ods) workbooks.

Cell values come from python-calamine (measured ~20x faster than openpyxl on .xlsx and ~50x faster than odfpy
on .ods; numbers in docs/commands/import.md). What calamine does not tell, which cells are merged (in .ods) and
which hold formulas, is read from the workbook's XML, with DTDs and entities refused (defusedxml).

CSV text is read as UTF-8 (with or without a byte order mark), UTF-16 with a byte order mark (Excel's "Unicode
text"), else Windows-1252 (what Excel saves as "CSV" on a Western-European Windows); its delimiter is the one of
``,``, ``;`` and tab that splits the first rows most consistently (``.tsv`` files are always tab-separated).
Quoted cells may hold line breaks and delimiters.

Files are untrusted: a file is at most :data:`MAX_TABLE_BYTES`, and a workbook may unpack to at most
:data:`MAX_UNPACKED_BYTES` (a zip bomb is refused before anything is unpacked).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cmograph.diagnostics import Location
from cmograph.ingest.importers.problems import UnreadableTable, column_letter

MAX_TABLE_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_CELLS = 2_000_000  # a sheet's rows x columns, as calamine reports its used area
WORKBOOK_SUFFIXES = (".xlsx", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv")
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

Value = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass(frozen=True)
class Range:
    """A rectangle of cells, zero-based and inclusive (as python-calamine gives merged ranges)."""

    top: int
    left: int
    bottom: int
    right: int

    def name(self) -> str:
        first = f"{column_letter(self.left)}{self.top + 1}"
        return f"{first}:{column_letter(self.right)}{self.bottom + 1}"


@dataclass
class Sheet:
    """One sheet (a CSV file is one sheet without a name): its cells and what is known about them."""

    file: str  # the file's name, as messages show it
    name: str | None  # None for CSV and TSV
    rows: list[list[Value]]
    merged: list[Range] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    described: str = ""  # how the file was read ("UTF-8, comma-separated")

    def location(self, row: int, column: int) -> Location:
        """Where cell (``row``, ``column``), zero-based, is: ``file:Sheet!C12``, or ``file:12:3`` in a CSV file
        (row and column numbers as a spreadsheet program shows them)."""
        if self.name is None:
            return Location(self.file, line=row + 1, column=column + 1)
        return Location(self.file, sheet=self.name, cell=f"{column_letter(column)}{row + 1}")

    def whole(self) -> Location:
        """The sheet as a whole (its first cell)."""
        return Location(self.file) if self.name is None else self.location(0, 0)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of ``path`` (one for CSV and TSV), by suffix; a file that cannot be read raises
    :class:`UnreadableTable`."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableTable(f"{path}: no such file", "check the path") from None
    except OSError as exc:
        raise UnreadableTable(f"{path}: cannot be read ({exc.strerror})") from None
    if size > MAX_TABLE_BYTES:
        raise UnreadableTable(f"{path.name}: {-(-size // 2**20)} MiB is larger than the {MAX_TABLE_BYTES // 2**20} MiB "
                              "cmograph reads in one table", "split the table into several files")
    if suffix in TEXT_SUFFIXES:
        return [read_text_table(path)]
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook(path)
    raise UnreadableTable(f"{path.name}: not a table cmograph reads",
                          f"save it as one of {', '.join(TEXT_SUFFIXES + WORKBOOK_SUFFIXES)}")


# ------------------------------------------------------------------------------------------------- CSV and TSV


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding (see the module's docstring)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decoded(data[3:], "utf-8", name), "UTF-8 with a byte order mark"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decoded(data, "utf-16", name), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return _decoded(data, "cp1252", name), "Windows-1252"


def _decoded(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableTable(f"{name}: neither UTF-8 nor Windows-1252 text (byte {exc.start})",
                              "save the table as 'CSV UTF-8' (Excel), or choose the UTF-8 character set (LibreOffice)"
                              ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter among ``,``, ``;`` and tab that splits the first rows into the same number of cells most
    often (title rows above the header are one cell wide whatever the delimiter); ``,`` when none splits."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts: dict[int, int] = {}
        try:
            for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
                if i >= 50:
                    break
                filled = len(row) - next((j for j, cell in enumerate(reversed(row)) if cell.strip()), len(row))
                if filled > 1:
                    counts[filled] = counts.get(filled, 0) + 1
        except csv.Error:
            continue
        if counts:
            width, rows = max(counts.items(), key=lambda item: (item[1], item[0]))
            if (rows, width) > best_score:
                best, best_score = delimiter, (rows, width)
    return best


def read_text_table(path: Path) -> Sheet:
    """A CSV or TSV file as one sheet."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableTable(f"{path}: cannot be read ({exc.strerror})") from None
    text, encoding = decode(data, path.name)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    try:
        rows: list[list[Value]] = [list(row) for row in
                                   csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)]
    except csv.Error as exc:
        raise UnreadableTable(f"{path.name}: not a readable {DELIMITER_NAMES[delimiter]}-separated table ({exc})",
                              "check for a quote (\") that is opened and never closed") from None
    for row in rows:
        for i, cell in enumerate(row):
            if isinstance(cell, str) and "\r" in cell:
                row[i] = cell.replace("\r\n", "\n").replace("\r", "\n")
    return Sheet(path.name, None, rows, described=f"{encoding}, {DELIMITER_NAMES[delimiter]}-separated")


# ------------------------------------------------------------------------------------------------- workbooks


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx or .ods workbook."""
    import python_calamine

    suffix = path.suffix.lower()
    kind = "an Excel workbook (.xlsx)" if suffix == ".xlsx" else "an OpenDocument spreadsheet (.ods)"
    structure = _structure(path, suffix, kind)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets: list[Sheet] = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            if sheet.height * sheet.width > MAX_CELLS:
                raise UnreadableTable(f"{path.name}: sheet '{name}' spans {sheet.height} rows x {sheet.width} columns, "
                                      f"more than the {MAX_CELLS:,} cells cmograph reads",
                                      "copy the table into a new sheet, or save it as CSV")
            rows = _padded(sheet.to_python(skip_empty_area=False), sheet.start)
            merged = [Range(top, left, bottom, right)
                      for (top, left), (bottom, right) in (sheet.merged_cell_ranges or [])]
            found = structure.get(name, _Structure())
            sheets.append(Sheet(path.name, name, rows, merged or found.merged, found.formulas,
                                described=kind.split(" (")[0].removeprefix("an ")))
    except python_calamine.CalamineError as exc:
        raise UnreadableTable(f"{path.name}: cannot be read as {kind} ({_one_line(exc)})",
                              "open it in a spreadsheet program and save it again") from None
    return sheets


def _padded(rows: list[list[Any]], start: tuple[int, int] | None) -> list[list[Value]]:
    """calamine's rows start at the used area's first cell: put them back where the sheet has them."""
    top, left = start or (0, 0)
    return [[] for _ in range(top)] + [[*([""] * left), *row] for row in rows]


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


@dataclass
class _Structure:
    merged: list[Range] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)


def _structure(path: Path, suffix: str, kind: str) -> dict[str, _Structure]:
    """Merged cells (.ods only: calamine gives them for .xlsx) and formula cells of every sheet, by sheet name."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise UnreadableTable(f"{path.name}: unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB",
                                      "this is not a table cmograph reads; nothing was read")
            if suffix == ".ods":
                return _ods_structure(_parse(archive.read("content.xml"), path.name))
            return _xlsx_formulas(archive, path.name)
    except (zipfile.BadZipFile, KeyError, EOFError) as exc:
        raise UnreadableTable(f"{path.name}: not {kind} ({_one_line(exc)})",
                              "open it in a spreadsheet program and save it again") from None
    except OSError as exc:
        raise UnreadableTable(f"{path}: cannot be read ({exc.strerror})") from None


def _parse(data: bytes, name: str) -> Any:
    """An XML document of the workbook ``name``, refusing DTDs, entities and external references."""
    import defusedxml.ElementTree as safe
    from defusedxml import DefusedXmlException

    try:
        return safe.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, safe.ParseError) as exc:
        raise UnreadableTable(f"{name}: the workbook's XML cannot be read safely ({_one_line(exc)})",
                              "open it in a spreadsheet program and save it again") from None


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
# how LibreOffice writes a TRUE or FALSE cell: as a formula, which is a value all the same
_CONSTANTS = ("of:=TRUE()", "of:=FALSE()")
_T = "{" + _TABLE + "}"


def _ods_structure(content: Any) -> dict[str, _Structure]:
    found: dict[str, _Structure] = {}
    for table in content.iter(_T + "table"):
        found[table.get(_T + "name", "")] = structure = _Structure()
        row = 0
        for element in _rows(table):
            repeat = int(element.get(_T + "number-rows-repeated", "1"))
            column = 0
            for cell in element:
                if cell.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                    continue
                across = int(cell.get(_T + "number-columns-spanned", "1"))
                down = int(cell.get(_T + "number-rows-spanned", "1"))
                if across > 1 or down > 1:
                    structure.merged.append(Range(row, column, row + down - 1, column + across - 1))
                if cell.get(_T + "formula") not in (None, *_CONSTANTS):
                    structure.formulas.add((row, column))
                column += int(cell.get(_T + "number-columns-repeated", "1"))
            row += repeat
    return found


def _rows(table: Any) -> Iterator[Any]:
    """The rows of an ODS table, also those inside row groups and header rows."""
    for child in table:
        if child.tag == _T + "table-row":
            yield child
        elif child.tag in (_T + "table-row-group", _T + "table-header-rows", _T + "table-rows"):
            yield from _rows(child)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


def _xlsx_formulas(archive: zipfile.ZipFile, name: str) -> dict[str, _Structure]:
    workbook = _parse(archive.read("xl/workbook.xml"), name)
    rels = _parse(archive.read("xl/_rels/workbook.xml.rels"), name)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_PKG + "Relationship")}
    found: dict[str, _Structure] = {}
    for sheet in workbook.iter(_MAIN + "sheet"):
        target = targets.get(sheet.get(_REL + "id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        found[sheet.get("name", "")] = structure = _Structure()
        if part not in archive.namelist():
            continue
        for cell in _parse(archive.read(part), name).iter(_MAIN + "c"):
            reference = _CELL_REF.fullmatch(cell.get("r", ""))
            formula = cell.find(_MAIN + "f")
            if reference and formula is not None and (formula.text or "").strip().upper() not in ("TRUE()", "FALSE()"):
                structure.formulas.add((int(reference[2]) - 1, column_index(reference[1])))
    return found


def column_index(letters: str) -> int:
    """``A`` -> 0, ``AA`` -> 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1
