"""The cmograph workbook as an .xlsx file: empty (``cmograph template``) or holding an evaluation (``cmograph
export --format xlsx``); ``cmograph import`` reads either back (layout in :mod:`cmograph.ingest.importers.layout`).

Each sheet has a frozen header row of keys, a note on each header saying what the column holds, drop-down lists
for closed lists of values and for ids defined on other sheets, and text formatting where a spreadsheet would
otherwise turn what is typed into a number or a date (ids, dates, free text). Written with XlsxWriter (measured
twice as fast as openpyxl; numbers in docs/commands/import.md).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from cmograph.errors import UsageError
from cmograph.format.identifiers import ORCID_EXAMPLE
from cmograph.format.model import FORMAT_VERSION, LIST_BY_NAME
from cmograph.ingest.importers.layout import (
    INSTRUCTIONS,
    LAYOUT,
    LAYOUT_BY_NAME,
    MARK,
    Column,
    SheetLayout,
    person_line,
)
from cmograph.ingest.importers.problems import column_letter

MAX_CELL_CHARS = 32767  # what a spreadsheet cell holds
ROOM = 1000  # rows below the data that drop-down lists and formats cover
WIDTHS = {"id": 16, "enum": 18, "bool": 10, "int": 8, "year": 8, "number": 12, "date": 12, "ref": 16, "refs": 18,
          "ref-or-date": 14}


def workbook_bytes(data: dict[str, Any] | None = None) -> bytes:
    """The workbook, empty when ``data`` is None, else holding ``data`` (as :func:`plain_evidence` gives it)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    book.set_properties({"title": MARK, "comments": f"cmograph evidence format {FORMAT_VERSION}"})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1, "text_wrap": True,
                                   "valign": "top"}),
        "text": book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"}),
        "value": book.add_format({"valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    _instructions(book.add_worksheet(INSTRUCTIONS), formats)
    rows = {sheet.name: list(_rows(sheet, data)) for sheet in LAYOUT}
    room = max((len(r) for r in rows.values()), default=0) + ROOM
    for sheet in LAYOUT:
        _sheet(book, sheet, rows[sheet.name], room, formats)
    book.close()
    return out.getvalue()


def _instructions(sheet: Any, formats: dict[str, Any]) -> None:
    sheet.set_column(0, 0, 110, formats["wrap"])
    sheet.write_string(0, 0, f"{MARK} (format {FORMAT_VERSION})", formats["title"])
    lines = [
        "One evaluation (one study) per workbook. Fill in the sheets, then turn the workbook into an evidence file:",
        "    cmograph import this.xlsx -o my-study.yaml",
        "which checks every cell and writes the file only if it is valid. `cmograph export --format xlsx` writes an "
        "existing evidence file into this layout; LibreOffice's .ods copy of it imports too.",
        "",
        "Each sheet holds one section of the evidence format (docs/evidence-format.md); row 1 names the keys (hover "
        "over a header for its note: what it holds, whether it is required, which values it takes).",
        "Each row below it is one item; empty rows are skipped. Keep the header row as it is; columns may be "
        "reordered, and optional columns removed.",
        "Ids: no spaces, '/', '#' or '?'. A cell of several ids (context, for_whom, ...) holds them separated by "
        "spaces or line breaks; the drop-down lists offer the ids of the sheet they refer to.",
        "A cell of several texts (authors, refs) holds one per line (Alt+Enter, or Ctrl+Enter in LibreOffice); "
        f"a person with an ORCID iD is written with it in brackets: Josiah Carberry ({ORCID_EXAMPLE}).",
        "Closed lists of values (design, direction, status, ...) have drop-down lists; TRUE or FALSE where a key "
        "is yes or no.",
        "Dates are text: 2019, 2019-06 or 2019-06-30. Numbers are numbers. No formulas: cmograph reads values.",
        "The measures and evidence sheets hold one row per measure or evidence item; the first column names the "
        "outcome or configuration it belongs to, and the rows keep their order.",
        "",
        "Sheets:",
    ]
    lines += [f"    {sheet.name}: {sheet.doc}" for sheet in LAYOUT]
    for row, line in enumerate(lines, start=2):
        sheet.write_string(row, 0, line)


def _sheet(book: Any, layout: SheetLayout, rows: list[list[Any]], room: int, formats: dict[str, Any]) -> None:
    sheet = book.add_worksheet(layout.name)
    sheet.freeze_panes(1, 0)
    for c, column in enumerate(layout.columns):
        kind = column.key.kind
        text = kind not in ("int", "year", "number", "bool")
        sheet.set_column(c, c, WIDTHS.get(kind, 40), formats["text" if text else "value"])
        sheet.write_string(0, c, column.header, formats["header"])
        sheet.write_comment(0, c, note(column, layout), {"x_scale": 2.5, "y_scale": 1.6})
        validation = _validation(column, room)
        if validation is not None:
            sheet.data_validation(1, c, room, c, validation)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            _write(sheet, r, c, value, layout, formats)


def note(column: Column, layout: SheetLayout) -> str:
    """What a header's note says."""
    key = column.key
    what = key.doc[0].upper() + key.doc[1:] + "."
    need = " Required." if key.required else ""
    partial = LIST_BY_NAME[layout.name].partial if layout.name in LIST_BY_NAME else None
    if partial is not None and key.name in partial.parts:
        need = f" Required, unless {partial.key} is {partial.value} (then one of {partial.named} is left empty)."
    kind = key.kind
    if kind == "enum":
        assert key.enum is not None
        allowed = " One of: " + ", ".join(key.enum.values) + "."
    elif kind in ("ref", "refs"):
        assert key.target is not None
        several = " (several separated by spaces or line breaks)" if kind == "refs" else ""
        allowed = f" The id{'s' * (kind == 'refs')} of rows on the '{key.target}' sheet{several}."
    elif kind == "ref-or-date":
        allowed = f" A date (2019, 2019-06 or 2019-06-30) or the id of a row on the '{key.target}' sheet."
    elif kind == "texts":
        allowed = " One per line."
    elif kind == "people":
        allowed = (" One per line: a name, or a name and the person's ORCID iD in brackets, e.g. "
                   f"Josiah Carberry ({ORCID_EXAMPLE}).")
    elif kind == "bool":
        allowed = " TRUE or FALSE." + ("" if key.default is None else f" Empty means {str(key.default).upper()}.")
    elif kind in ("int", "year"):
        allowed = " A whole number."
    elif kind == "number":
        allowed = " A number."
    elif kind == "date":
        allowed = " A date as text: 2019, 2019-06 or 2019-06-30."
    elif kind == "id":
        allowed = " No spaces, '/', '#' or '?'; unique on this sheet."
    else:
        allowed = ""
    if layout.name == "evaluation" and key.name == "id":
        allowed = " Lower-case letters, digits and hyphens (a slug), e.g. ford-2009."
    return f"{column.header}: {what}{need}{allowed}"


def _validation(column: Column, room: int) -> dict[str, Any] | None:
    key = column.key
    if key.kind == "enum":
        assert key.enum is not None
        return {"validate": "list", "source": list(key.enum.values), "ignore_blank": True,
                "error_title": column.header, "error_message": "Use one of: " + ", ".join(key.enum.values)}
    if key.kind == "bool":
        return {"validate": "list", "source": ["TRUE", "FALSE"], "ignore_blank": True}
    if key.kind in ("ref", "refs", "ref-or-date") and key.target in LAYOUT_BY_NAME:
        target = LAYOUT_BY_NAME[key.target]
        id_column = next(i for i, c in enumerate(target.columns) if c.header == "id")
        letter = column_letter(id_column)
        validation: dict[str, Any] = {"validate": "list", "source": f"={target.name}!${letter}$2:${letter}${room + 1}",
                                      "ignore_blank": True}
        if key.kind != "ref":  # several ids, or a date: the list helps, and does not refuse what it does not offer
            validation["show_error"] = False
        return validation
    return None


def _rows(layout: SheetLayout, data: dict[str, Any] | None) -> Iterator[list[Any]]:
    if data is None:
        return
    if layout.section is None:  # prefixes
        for prefix, namespace in (data.get("prefixes") or {}).items():
            yield [prefix, namespace]
    elif layout.parent is not None:
        for parent in data.get(layout.parent.name) or []:
            for item in parent.get(layout.parent_key) or []:
                yield [parent["id"], *(_value(item, column) for column in layout.columns[1:])]
    elif layout.name == "evaluation":
        yield [_value(data["evaluation"], column) for column in layout.columns]
    else:
        for item in data.get(layout.name) or []:
            yield [_value(item, column) for column in layout.columns]


def _value(item: dict[str, Any], column: Column) -> Any:
    value: Any = item
    for part in column.path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _write(sheet: Any, r: int, c: int, value: Any, layout: SheetLayout, formats: dict[str, Any]) -> None:
    if value is None:
        return
    column = layout.columns[c]
    where = f"{layout.name} row {r + 1}, {column.header}"
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | Decimal) and column.key.kind in ("int", "year", "number"):
        number = float(value)
        if Decimal(repr(number)) == Decimal(value) and float(f"{number:.16G}") == number:
            sheet.write_number(r, c, number)
        else:  # more digits than a spreadsheet number keeps: as text, read back exactly
            sheet.write_string(r, c, format(Decimal(value), "f"), formats["text"])
    else:
        items = value if isinstance(value, list) else [value]
        texts = [person_line(v) if column.key.kind == "people" else str(v) for v in items]
        if column.key.kind in ("texts", "people", "refs") and any("\n" in t for t in texts):
            raise UsageError(f"{where}: an item holds a line break, and a cell lists one item per line",
                             "write the item on one line in the evidence file")
        text = "\n".join(texts)
        if len(text) > MAX_CELL_CHARS:
            raise UsageError(f"{where}: {len(text):,} characters, more than a spreadsheet cell holds "
                             f"({MAX_CELL_CHARS:,})", "shorten the text in the evidence file")
        sheet.write_string(r, c, text, formats["text"])

