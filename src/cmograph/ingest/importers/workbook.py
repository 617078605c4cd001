"""A cmograph workbook (:mod:`cmograph.ingest.importers.layout`) read back into evidence data, every value at its
cell: a header that is not a key, a formula, a date or true/false where text is expected, a value not in a closed
list, or an id that no row on the sheet it refers to has, is reported at its cell."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from cmograph.diagnostics import Diagnostic, Location
from cmograph.format.model import FORMAT_VERSION, LIST_BY_NAME, NUMBER_PATTERN
from cmograph.format.values import DATE, YEAR, YEAR_MONTH
from cmograph.ingest.importers import Imported, ImportOptions
from cmograph.ingest.importers.cells import FORMULA_HINT, Cell, grid, text_of
from cmograph.ingest.importers.layout import LAYOUT, REQUIRED_SHEETS, Column, SheetLayout, person_of
from cmograph.ingest.importers.problems import ImportProblems, counted, problem
from cmograph.ingest.importers.sheets import Sheet
from cmograph.ingest.yaml_json import Path_


class WorkbookReader:
    """Reads the sheets of a cmograph workbook; :meth:`run` gives the evidence or raises :class:`ImportProblems`."""

    def __init__(self, sheets: list[Sheet], options: ImportOptions) -> None:
        self.sheets = {s.name: s for s in sheets if s.name is not None}
        self.file = sheets[0].file
        self.options = options
        self.problems: list[Diagnostic] = []
        self.places: dict[Path_, Location] = {}
        self.data: dict[str, Any] = {"cmograph": FORMAT_VERSION}
        self.refs: list[tuple[str, str, Location]] = []  # (target list, id, cell) to check once all ids are read
        self.report: list[str] = []

    def fail(self, location: Location, message: str, hint: str | None = None) -> None:
        self.problems.append(problem(location, message, hint))

    def run(self) -> Imported:
        for layout in LAYOUT:
            sheet = self.sheets.get(layout.name)
            if sheet is not None:
                self._sheet(layout, sheet)
        self._check_refs()
        for name in REQUIRED_SHEETS:
            if not self.data.get(name):
                sheet = self.sheets.get(name)
                noun = "an evaluation" if name == "evaluation" else f"at least one {LIST_BY_NAME[name].noun}"
                self.fail(sheet.location(1, 0) if sheet else Location(self.file),
                          f"the {name} sheet {'has no rows' if sheet else 'is missing'}: a file needs {noun}",
                          "fill in a row under the header" if sheet else f"add a sheet named {name}")
        if self.problems:
            raise ImportProblems(self.file, self.problems)
        if self.options.evaluation_id:
            self.data.setdefault("evaluation", {})["id"] = self.options.evaluation_id
        counts = [counted(len(v), LIST_BY_NAME[k].noun) for k, v in self.data.items() if isinstance(v, list)]
        self.report.insert(0, f"read {self.file} (a cmograph workbook): {', '.join(counts) or 'no items'}")
        return Imported(self.data, self.file, self.report, self.places)

    def _sheet(self, layout: SheetLayout, sheet: Sheet) -> None:
        cells = grid(sheet)
        for merged in sheet.merged:
            if merged.right > merged.left:
                self.fail(sheet.location(merged.top, merged.left), f"a cell merged across columns ({merged.name()})",
                          "unmerge it: each column holds one key")
        if not cells:
            return
        columns = self._columns(layout, sheet, cells[0])
        rows = [r for r in range(1, len(cells)) if any(not c.empty for c in cells[r])]
        if layout.name == "evaluation":
            for r in rows[1:]:
                self.fail(sheet.location(r, 0), "a second evaluation: a workbook holds one",
                          "put each evaluation in its own workbook")
            if rows:
                self.data["evaluation"] = self._item(layout, columns, cells[rows[0]], ("evaluation",))
                self.places[("evaluation",)] = sheet.location(rows[0], 0)
            return
        if layout.section is None:  # prefixes
            prefixes = {}
            for r in rows:
                item = self._item(layout, columns, cells[r], ("prefixes",))
                if "prefix" in item and "iri" in item:
                    prefixes[item["prefix"]] = item["iri"]
                    self.places[("prefixes", item["prefix"])] = sheet.location(r, 0)
            if prefixes:
                self.data["prefixes"] = prefixes
            return
        if layout.parent is not None:
            self._children(layout, columns, cells, rows)
            return
        items = self.data.setdefault(layout.name, [])
        for r in rows:
            path: Path_ = (layout.name, len(items))
            self.places[path] = sheet.location(r, 0)
            items.append(self._item(layout, columns, cells[r], path))
        if not items:
            del self.data[layout.name]

    def _columns(self, layout: SheetLayout, sheet: Sheet, header: list[Cell]) -> dict[int, Column]:
        known = {c.header: c for c in layout.columns}
        found: dict[int, Column] = {}
        for i, cell in enumerate(header):
            if cell.empty:
                continue
            text = str(cell.value).strip()
            column = known.get(text) or known.get(text.lower())
            if column is None:
                close = difflib.get_close_matches(text, list(known), n=1)
                self.fail(cell.at, f"'{text}' is not a column of the {layout.name} sheet",
                          f"did you mean '{close[0]}'?" if close else f"its columns are: {', '.join(known)}")
            elif column in found.values():
                self.fail(cell.at, f"a second '{column.header}' column", "keep one of them")
            else:
                found[i] = column
        return found

    def _children(self, layout: SheetLayout, columns: dict[int, Column], cells: list[list[Cell]],
                  rows: list[int]) -> None:
        assert layout.parent is not None
        parents = {str(item.get("id")): i for i, item in enumerate(self.data.get(layout.parent.name) or [])}
        owner = next((i for i, c in columns.items() if c.header == layout.parent_header), None)
        for r in rows:
            cell = cells[r][owner] if owner is not None else cells[r][0]
            text = text_of(cell)
            if isinstance(text, Diagnostic):
                self.problems.append(text)
                continue
            if text not in parents:
                close = difflib.get_close_matches(text, list(parents), n=1)
                self.fail(cell.at, f"'{text}' is not an id on the {layout.parent.name} sheet" if text else
                          f"no {layout.parent_header} named: each row belongs to one",
                          f"did you mean '{close[0]}'?" if close else f"name the {layout.parent.noun} in this column")
                continue
            index = parents[text]
            children = self.data[layout.parent.name][index].setdefault(layout.parent_key, [])
            path: Path_ = (layout.parent.name, index, layout.parent_key, len(children))
            self.places[path] = cell.at
            item = self._item(layout, {i: c for i, c in columns.items() if i != owner}, cells[r], path)
            children.append(item)

    def _item(self, layout: SheetLayout, columns: dict[int, Column], row: list[Cell], path: Path_) -> dict[str, Any]:
        item: dict[str, Any] = {}
        for i, column in columns.items():
            cell = row[i] if i < len(row) else None
            if cell is None or cell.empty:
                continue
            value = self._value(column, cell)
            if value is None:
                continue
            target = item
            for part in column.path[:-1]:
                target = target.setdefault(part, {})
            name = column.path[-1] if column.path else column.header
            target[name] = value
            self.places[(*path, *column.path)] = cell.at
            if isinstance(value, list):
                for j in range(len(value)):
                    self.places[(*path, *column.path, j)] = cell.at
        return item

    def _value(self, column: Column, cell: Cell) -> Any:
        key = column.key
        kind = key.kind
        if cell.formula:
            self.fail(cell.origin, "a formula, where cmograph reads values", FORMULA_HINT)
            return None
        value = cell.value
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, int | float) and value in (0, 1):  # LibreOffice's TRUE() and FALSE() are 1 and 0
                return value == 1
            text = str(value).strip().lower()
            if text in ("true", "false"):
                return text == "true"
            self.fail(cell.origin, f"'{value}' is not TRUE or FALSE", "choose TRUE or FALSE from the list")
            return None
        if kind in ("int", "year"):
            return self._whole(cell)
        if kind == "number":
            return self._number(cell)
        read = text_of(cell, dates=kind in ("date", "ref-or-date"))
        if isinstance(read, Diagnostic):
            self.problems.append(read)
            return None
        text = read
        if kind == "enum":
            assert key.enum is not None
            if text not in key.enum.values:
                self.fail(cell.origin, f"'{text}' is not a value of {column.header}",
                          f"use one of: {', '.join(key.enum.values)}")
                return None
        if kind in ("ref", "refs") and key.target:
            ids = _ids(text) if kind == "refs" else [text]
            # an id of another evaluation's item (EVALUATION/ID, an IRI) is checked among files, not here
            self.refs += [(key.target, i, cell.origin) for i in ids if not (key.across and "/" in i)]
            return ids if kind == "refs" else text
        if kind == "ref-or-date" and key.target and not any(p.match(text) for p in (DATE, YEAR_MONTH, YEAR)):
            self.refs.append((key.target, text, cell.origin))
        if kind == "texts":
            return [line.strip() for line in text.split("\n") if line.strip()]
        if kind == "people":
            return [person_of(line.strip()) for line in text.split("\n") if line.strip()]
        if kind == "concept" and "\n" in text:  # several concepts, one per line
            return [line.strip() for line in text.split("\n") if line.strip()]
        return text

    def _whole(self, cell: Cell) -> int | None:
        value = cell.value
        if isinstance(value, float) and value.is_integer() and not isinstance(value, bool):
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]+\s*", value):
            return int(value)
        self.fail(cell.origin, f"'{value}' is not a whole number", "type a number such as 2021")
        return None

    def _number(self, cell: Cell) -> Decimal | None:
        value = cell.value
        if isinstance(value, float | int) and not isinstance(value, bool):
            return Decimal(str(int(value))) if float(value).is_integer() else Decimal(repr(value))
        if isinstance(value, str) and re.fullmatch(NUMBER_PATTERN, value.strip()):
            try:
                return Decimal(value.strip())
            except InvalidOperation:  # pragma: no cover - the pattern admits decimals only
                pass
        shown = value.isoformat() if isinstance(value, dt.date | dt.time) else value
        self.fail(cell.origin, f"'{shown}' is not a number", "type a number such as 7.5, with no unit")
        return None

    def _check_refs(self) -> None:
        ids = {name: {str(item.get("id")) for item in self.data.get(name) or []} for name in
               ("sites", "groups", "periods", "sources", "contexts", "mechanisms", "outcomes", "cmocs", "theories")}
        for target, iid, at in self.refs:
            if iid not in ids.get(target, set()):
                close = difflib.get_close_matches(iid, sorted(ids.get(target, set())), n=1)
                self.fail(at, f"'{iid}' is not an id on the {target} sheet",
                          f"did you mean '{close[0]}'?" if close else f"add a row with id '{iid}' to the {target} "
                          "sheet, or choose an id from the list")


def _ids(text: str) -> list[str]:
    """Ids separated by spaces or line breaks (a comma or semicolon right after an id is read as a separator)."""
    return [token.rstrip(",;") for token in text.split() if token.rstrip(",;")]


def read_workbook_layout(sheets: list[Sheet], options: ImportOptions) -> Imported:
    """The evidence a cmograph workbook holds."""
    return WorkbookReader(sheets, options).run()
