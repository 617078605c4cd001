"""A paper's CMOC table (one configuration per row, free text in its cells) as evidence.

How a table is read, in order:

- rows above the header are title rows, skipped (the first one's text becomes the evaluation's title);
- the header is the first row that names at least one column of contexts, mechanisms, outcomes or statements
  (see :mod:`cmograph.ingest.importers.columns`) and has at least two cells, or that holds every header given with
  ``--columns``;
- a cell merged down over several rows (or, with ``--fill-down COLUMN``, an empty cell below a full one) applies to
  every row it covers; a cell merged across columns below the header is an error, unless it is the only text of
  its row: then the row is a heading;
- a heading names what is below it up to the next heading: one that starts with an id (``CMO1: ...``) gives it to
  the configuration below, and its text becomes that configuration's statement; a heading over several rows, or
  without an id (``Member level``), becomes a programme theory of the configurations below it;
- a row that repeats the header is skipped; every other row is a configuration;
- a cell of contexts, mechanisms, outcomes, groups, sites, periods or references is split into items at the
  separators (line breaks unless told otherwise), bullets dropped; each distinct text becomes one element;
- a statement with inline ``(context)``, ``(mechanism resource)``, ``(mechanism reasoning)`` and ``(outcome)`` tags,
  in a table with no context, mechanism or outcome column, is split at its tags.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from cmograph.diagnostics import Diagnostic, Location
from cmograph.format.model import CONFIDENCE, ID_PATTERN, LIST_BY_NAME, SLUG_PATTERN, STATUS, Enumeration
from cmograph.ingest.importers import Imported, ImportOptions
from cmograph.ingest.importers.cells import Cell, as_text, grid, text_of
from cmograph.ingest.importers.columns import CORE, LISTS, known_target, normal
from cmograph.ingest.importers.problems import ImportProblems, column_letter, counted, problem
from cmograph.ingest.importers.sheets import Sheet
from cmograph.ingest.yaml_json import Path_

HEADER_SEARCH = 30  # rows in which the header is looked for
_BULLET = re.compile(r"^[\s\u2022\u25e6\u25aa\u25ab\u2023\u2043\u2219\u00b7\u25cf\u25cb\u25a0\u25a1*\u2013\u2014-]*"
                     r"(?<=[\u2022\u25e6\u25aa\u25ab\u2023\u2043\u2219\u00b7\u25cf\u25cb\u25a0\u25a1*\u2013\u2014-])\s+")
_TAG = re.compile(r"\((?i:\s*(context|mechanism(?:\s+(?:resource|reasoning|response))?|outcome)\s*)\)|\((C|M|O)\)")
_HEADING_ID = re.compile(r"^\s*(?P<id>[A-Za-z]{0,12}[ -]?\d+[A-Za-z]?)\s*[:.\u2013\u2014-]\s*(?P<text>.*)$", re.DOTALL)
_PAPER_ID = re.compile(r"^\s*([A-Za-z]*)[\s.:#-]*(\d+(?:\.\d+)*[A-Za-z]?)\b")
_NOT_AN_ID = ("table", "tab", "figure", "fig", "box", "appendix", "supplementary")
_CORE_PARTS = ("context", "mechanism", "outcome")


@dataclass
class _Elements:
    """The items of one list section, one per distinct text (and kind)."""

    section: str
    prefix: str
    slugs: bool  # short names (groups, sites): slug ids; long texts (contexts): numbered ids
    items: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[tuple[str, str | None], str] = field(default_factory=dict)

    def add(self, label: str, at: Location, places: dict[Path_, Location], kind: str | None = None) -> str:
        key = (label, kind)
        if key not in self.ids:
            taken = {item["id"] for item in self.items}
            iid = _slug(label) if self.slugs else ""
            if not iid or len(iid) > 40:
                iid = f"{self.prefix}{len(self.items) + 1}"
            iid = _unique(iid, taken)
            item: dict[str, Any] = {"id": iid, "label": label}
            if kind is not None:
                item["kind"] = kind
            places[(self.section, len(self.items))] = at
            places[(self.section, len(self.items), "label")] = at
            self.items.append(item)
            self.ids[key] = iid
        return self.ids[key]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _unique(iid: str, taken: set[str]) -> str:
    if iid not in taken:
        return iid
    n = 2
    while f"{iid}-{n}" in taken:
        n += 1
    return f"{iid}-{n}"


@dataclass
class _Heading:
    row: int
    cell: Cell
    id: str | None
    text: str
    below: int = 0  # how many table rows are below it
    rows: list[int] = field(default_factory=list)  # the configurations (indexes into cmocs) below it


class TableReader:
    """Reads one sheet of a paper table; :meth:`run` gives the evidence or raises :class:`ImportProblems`."""

    def __init__(self, sheet: Sheet, options: ImportOptions, source: str) -> None:
        self.sheet = sheet
        self.options = options
        self.source = source
        self.problems: list[Diagnostic] = []
        self.report: list[str] = []
        self.places: dict[Path_, Location] = {}
        self.grid = grid(sheet)
        self.across = [r for r in sheet.merged if r.right > r.left]
        given = ("\n",) if options.separators is None else options.separators
        self.separators = tuple(s for s in given if s)  # '' (alone): each cell is one item
        self.sections = {
            "contexts": _Elements("contexts", "c", False), "mechanisms": _Elements("mechanisms", "m", False),
            "outcomes": _Elements("outcomes", "o", False), "groups": _Elements("groups", "g", True),
            "sites": _Elements("sites", "s", True), "periods": _Elements("periods", "p", True),
            "sources": _Elements("sources", "src", True), "theories": _Elements("theories", "t", True),
        }
        self.theory_cmocs: dict[str, list[str]] = {}
        self.cmocs: list[dict[str, Any]] = []
        self.row_ids: dict[str, Location] = {}
        self.references: list[tuple[Path_, str, Location]] = []  # leads_to / refines to check once all ids are known
        self.tagged: list[int] = []  # rows whose statement was split at its tags
        self.made_ids: list[str] = []  # "'CCMO 1' -> CCMO1"
        self.not_activated = 0  # configurations made from outcome_not_activated columns
        self.titles: list[int] = []  # rows above the header
        self.header = 0
        self.columns: dict[int, str] = {}
        self.first_column = 0

    # ------------------------------------------------------------------------------------------------ the grid

    def _filled(self, r: int) -> list[int]:
        return [c for c, cell in enumerate(self.grid[r]) if not cell.empty]

    def fail(self, location: Location, message: str, hint: str | None = None) -> None:
        self.problems.append(problem(location, message, hint))

    def stop(self) -> None:
        if self.problems:
            raise ImportProblems(self.source, self.problems)

    # ------------------------------------------------------------------------------------------------ reading

    def run(self) -> Imported:
        if not any(self._filled(r) for r in range(len(self.grid))):
            self.fail(self.sheet.whole(), "the sheet is empty" if self.sheet.name is not None else "the file is empty",
                      "export the table with its header row and one row per configuration")
            self.stop()
        header, columns = self._header()
        self.header, self.columns = header, columns
        first_column = min(self._filled(header))
        self.first_column = first_column
        fill = self._fill_down_columns(header)
        self._check_merges(header)
        self.stop()
        headings, data_rows = self._rows(header)
        self._apply_fill_down(fill, data_rows, headings)
        narrative = not any(t in columns.values() for t in CORE - {"statement"})
        if narrative and "statement" not in columns.values():
            self.fail(self.sheet.location(header, first_column), "no column holds contexts, mechanisms, outcomes or "
                      "statements", "map the columns with --columns, e.g. --columns \"Context=context,"
                      "Mechanism=mechanism,Outcome=outcome\"")
            self.stop()
        if narrative and not any(_tagged(_show(cell)) for r in data_rows for cell in self._cells(r, "statement")):
            column = next(c for c, t in self.columns.items() if t == "statement")
            self.fail(self.sheet.location(header, column), "the table's configurations are statements with no "
                      "(context), (mechanism) and (outcome) tags, and no column holds contexts, mechanisms or "
                      "outcomes", "map the columns that hold them with --columns, or mark the parts of each "
                      "statement with (context), (mechanism resource), (mechanism reasoning) and (outcome)")
            self.stop()
        owner = self._owners(headings, data_rows)
        for r in data_rows:
            self._configuration(r, owner.get(r), narrative)
        self._headings(headings)
        self._check_references()
        self.stop()
        if not self.cmocs:
            self.fail(self.sheet.location(header, first_column), "the table has a header but no rows below it",
                      "add one row per configuration under the header")
            self.stop()
        return self._result(header, data_rows)

    def _header(self) -> tuple[int, dict[int, str]]:
        """The header row and its columns' targets."""
        wanted = {normal(h): t for h, t in self.options.columns.items()}
        for r in range(min(len(self.grid), HEADER_SEARCH)):
            filled = self._filled(r)
            texts = {c: normal(_show(self.grid[r][c])) for c in filled}
            if wanted and not set(wanted) <= set(texts.values()):
                continue
            columns = {c: wanted.get(text) or known_target(_show(self.grid[r][c])) or "" for c, text in texts.items()}
            columns = {c: t for c, t in columns.items() if t}
            if wanted or (len(filled) >= 2 and CORE & set(columns.values())):
                return r, self._checked_columns(r, columns)
        self._no_header(wanted)
        raise AssertionError("unreachable")  # pragma: no cover - _no_header raises

    def _no_header(self, wanted: dict[str, str]) -> None:
        seen = [_show(self.grid[r][c]) for r in range(min(len(self.grid), HEADER_SEARCH)) for c in self._filled(r)]
        first = next((r for r in range(len(self.grid)) if len(self._filled(r)) >= 2), 0)
        where = self.sheet.location(first, 0)
        if wanted:
            missing = [h for h, t in self.options.columns.items()
                       if normal(h) not in {normal(s) for s in seen}]
            for header in missing or list(self.options.columns):
                close = difflib.get_close_matches(header, [s for s in seen if len(s) < 80], n=1, cutoff=0.6)
                self.fail(where, f"no column is headed '{header}' (--columns)",
                          f"did you mean '{close[0]}'?" if close else "give the header as the table writes it")
            if not missing:
                self.fail(where, "no single row holds every header given with --columns",
                          "name only columns of the header row")
        else:
            shown = ", ".join(f"'{_show(self.grid[first][c])}'" for c in self._filled(first)[:8]) or "nothing"
            self.fail(where, f"no header row naming the columns (context, mechanism, outcome or statement) in the "
                      f"first {HEADER_SEARCH} rows",
                      f"map the columns with --columns, e.g. --columns \"Context=context\"; row {first + 1} holds "
                      f"{shown}")
        self.stop()

    def _checked_columns(self, header: int, columns: dict[int, str]) -> dict[int, str]:
        by_target: dict[str, list[int]] = {}
        for c, target in columns.items():
            by_target.setdefault(target, []).append(c)
        for target, found in by_target.items():
            if len(found) > 1 and target not in LISTS and target != "ignore":
                names = " and ".join(f"'{_show(self.grid[header][c])}' ({column_letter(c)})" for c in found)
                self.fail(self.sheet.location(header, found[1]), f"two columns hold {target}: {names}",
                          f"map one of them to something else with --columns, e.g. "
                          f"\"{_show(self.grid[header][found[1]])}=ignore\"")
        described = [f"'{_show(self.grid[header][c])}' -> {t}" for c, t in sorted(columns.items()) if t != "ignore"]
        self.report.append("columns: " + ", ".join(described))
        left = [c for c in self._filled(header) if c not in columns]
        if left:
            names = ", ".join(f"'{_show(self.grid[header][c])}' ({column_letter(c)})" for c in left)
            example = _show(self.grid[header][left[0]])
            self.report.append(f"not imported: {names}; to keep one, map it with --columns, e.g. "
                               f"\"{example}=theory\"")
        return {c: t for c, t in columns.items() if t != "ignore"}

    def _fill_down_columns(self, header: int) -> list[int]:
        texts = {normal(_show(self.grid[header][c])): c for c in self._filled(header)}
        found = []
        for name in self.options.fill_down:
            if normal(name) in texts:
                found.append(texts[normal(name)])
                continue
            close = difflib.get_close_matches(name, [_show(self.grid[header][c]) for c in self._filled(header)], n=1)
            self.fail(self.sheet.location(header, self.first_column), f"--fill-down: no column is headed '{name}'",
                      f"did you mean '{close[0]}'?" if close else "name a column by its header")
        return found

    def _check_merges(self, header: int) -> None:
        for merged in self.across:
            if merged.bottom < header:
                continue  # a title above the header
            if merged.top <= header:
                self.fail(self.sheet.location(merged.top, merged.left), f"a header merged across columns "
                          f"({merged.name()})", "unmerge it: each column needs its own header")
            elif merged.top != merged.bottom or self._filled(merged.top) != [merged.left]:
                self.fail(self.sheet.location(merged.top, merged.left), f"a cell merged across columns "
                          f"({merged.name()})", "unmerge it and put its text in the column it belongs to (copy it "
                          "into each, if it belongs to several)")

    def _is_heading(self, r: int) -> bool:
        filled = self._filled(r)
        if len(filled) != 1:
            return False
        if any(m.top == r and m.left == filled[0] and m.right > m.left for m in self.across):
            return True
        return filled[0] == self.first_column and self.columns.get(filled[0]) not in CORE

    def _is_header_again(self, r: int) -> bool:
        return all(normal(_show(self.grid[r][c])) == normal(_show(self.grid[self.header][c]))
                   for c in self._filled(self.header))

    def _rows(self, header: int) -> tuple[list[_Heading], list[int]]:
        """The headings and the configuration rows below the header."""
        headings: list[_Heading] = []
        rows: list[int] = []
        repeats = [r for r in range(header + 1, len(self.grid)) if self._is_header_again(r)]
        if repeats and all(self._is_heading(r - 1) for r in repeats) and header > 0 \
                and len(self._filled(header - 1)) == 1:
            headings.append(self._heading(header - 1))  # headings over repeated headers: the first one is above
        self.titles = [r for r in range(header) if self._filled(r) and not (headings and headings[0].row == r)]
        for r in range(header + 1, len(self.grid)):
            if not self._filled(r) or r in repeats:
                continue
            if self._is_heading(r):
                headings.append(self._heading(r))
            else:
                rows.append(r)
        return headings, rows

    def _heading(self, r: int) -> _Heading:
        cell = self.grid[r][self._filled(r)[0]]
        text = _show(cell)
        match = _HEADING_ID.match(text)
        if match and not match["id"].lower().startswith(_NOT_AN_ID):
            return _Heading(r, cell, re.sub(r"[ -]", "", match["id"]), match["text"].strip())
        return _Heading(r, cell, None, text)

    def _apply_fill_down(self, columns: list[int], rows: list[int], headings: list[_Heading]) -> None:
        starts = {h.row for h in headings}
        for c in columns:
            last: Cell | None = None
            filled = 0
            for r in range(self.header + 1, len(self.grid)):
                if r in starts:
                    last = None
                elif r in rows:
                    cell = self.grid[r][c]
                    if not cell.empty:
                        last = cell
                    elif last is not None:
                        self.grid[r][c] = Cell(last.value, cell.at, last.origin, last.formula)
                        filled += 1
            self.report.append(f"--fill-down '{_show(self.grid[self.header][c])}': {filled} empty "
                               f"cell{'s' * (filled != 1)} took the text above")

    def _owners(self, headings: list[_Heading], rows: list[int]) -> dict[int, _Heading]:
        owner: dict[int, _Heading] = {}
        for i, heading in enumerate(headings):
            end = headings[i + 1].row if i + 1 < len(headings) else len(self.grid)
            for r in rows:
                if heading.row < r < end:
                    owner[r] = heading
                    heading.below += 1
        return owner

    # ------------------------------------------------------------------------------------------ one configuration

    def _cells(self, r: int, target: str) -> list[Cell]:
        return [self.grid[r][c] for c, t in sorted(self.columns.items()) if t == target and c < len(self.grid[r])]

    def _text(self, cell: Cell, target: str) -> str | None:
        """The cell's text, or None (and a problem) if it holds a formula, a date (except for periods) or
        true/false."""
        text = text_of(cell, dates=target == "when")
        if isinstance(text, Diagnostic):
            self.problems.append(text)
            return None
        return text

    def _items(self, cell: Cell, target: str) -> list[str]:
        text = self._text(cell, target)
        if not text:
            return []
        if target not in LISTS:
            return [text]
        parts = [text]
        for separator in self.separators:
            parts = [piece for part in parts for piece in part.split(separator)]
        return [item for item in (_BULLET.sub("", part).strip() for part in parts) if item]

    def _configuration(self, r: int, heading: _Heading | None, narrative: bool) -> None:
        known = len(self.problems)
        index = len(self.cmocs)
        path: Path_ = ("cmocs", index)
        row_at = self.sheet.location(r, self.first_column)
        self.places[path] = row_at
        cmoc: dict[str, Any] = {"id": self._row_id(r, heading, index, row_at)}
        self.places[(*path, "id")] = next((c.origin for c in self._cells(r, "id") if not c.empty), row_at)
        parts: dict[str, list[tuple[str, str, Location]]] = {p: [] for p in _CORE_PARTS}  # part -> (text, kind, at)
        for target, part, kind in (("context", "context", ""), ("mechanism", "mechanism", ""),
                                   ("mechanism_resource", "mechanism", "resource"),
                                   ("mechanism_response", "mechanism", "response"), ("outcome", "outcome", "")):
            for cell in self._cells(r, target):
                parts[part] += [(item, kind, cell.origin) for item in self._items(cell, target)]
        statement_cells = [c for c in self._cells(r, "statement") if not c.empty]
        statement = self._text(statement_cells[0], "statement") if statement_cells else None
        if narrative and statement:
            tagged = _tagged(statement)
            if tagged:
                for part, text, kind in tagged:
                    parts[part].append((text, kind, statement_cells[0].origin))
                self.tagged.append(r)
        missing = [p for p in _CORE_PARTS if not parts[p]]
        if missing and len(self.problems) > known:
            return  # a cell of the row is wrong already: that is what to fix first
        if missing:
            self._missing(r, missing, narrative, statement_cells, row_at)
            return
        for part in _CORE_PARTS:
            section = self.sections[part + "s"]
            cmoc[part] = []
            for text, kind, at in parts[part]:
                iid = section.add(text, at, self.places, kind or None)
                if iid not in cmoc[part]:
                    self.places[(*path, part, len(cmoc[part]))] = at
                    cmoc[part].append(iid)
        self._context_keys(r, cmoc, path)
        if statement:
            cmoc["statement"] = statement
            self.places[(*path, "statement")] = statement_cells[0].origin
        self._evidence(r, cmoc, path)
        self.cmocs.append(cmoc)
        if heading is not None:
            heading.rows.append(index)
        for cell in self._cells(r, "theory"):
            theory = self._text(cell, "theory")
            if theory:
                tid = self.sections["theories"].add(theory, cell.origin, self.places)
                self.theory_cmocs.setdefault(tid, []).append(cmoc["id"])
        self._not_activated(r, cmoc, heading)

    def _missing(self, r: int, missing: list[str], narrative: bool, statements: list[Cell], row_at: Location) -> None:
        if narrative:
            self.fail(statements[0].origin if statements else row_at,
                      "this configuration's text names no (context), (mechanism) and (outcome), and the table has no "
                      "column for them", "map the columns that hold them with --columns, or mark the parts of each "
                      "statement with (context), (mechanism resource), (mechanism reasoning) and (outcome)")
            return
        for part in missing:
            cells = self._cells(r, part) or self._cells(r, f"{part}_resource") or self._cells(r, f"{part}_response")
            at = cells[0].at if cells else row_at
            header = ", ".join(f"'{_show(self.grid[self.header][c])}'" for c, t in self.columns.items()
                               if t.startswith(part) and t != "outcome_not_activated")
            self.fail(at, f"no {part} in this row" + ("" if cells else " (no column holds one)"),
                      (f"fill it in; if the paper prints it once for several rows, merge the cells down (in a "
                       f"workbook) or use --fill-down {header.split(', ')[0]}") if cells else
                      f"map the column that holds {part}s with --columns, e.g. \"Header={part}\"")

    def _row_id(self, r: int, heading: _Heading | None, index: int, row_at: Location) -> str:
        given = [c for c in self._cells(r, "id") if not c.empty]
        if given:
            text = self._text(given[0], "id") or ""
            iid = paper_id(text)
            if iid != text:
                self.made_ids.append(f"'{text}' -> {iid}")
            at = given[0].origin
        elif heading is not None and heading.id is not None:
            done = sum(1 for i in heading.rows if self.cmocs[i].get("mechanism_activated") is not False)
            iid = heading.id if heading.below == 1 else f"{heading.id}.{done + 1}"
            at = heading.cell.origin
        else:
            iid = f"CMOC{index + 1}"
            at = row_at
        if iid in self.row_ids:
            self.fail(at, f"the id '{iid}' is used by another row too ({self.row_ids[iid]})",
                      "give every configuration its own id (a paper that numbers each section from 1: prefix the "
                      "ids by section)")
        self.row_ids.setdefault(iid, at)
        return iid

    def _context_keys(self, r: int, cmoc: dict[str, Any], path: Path_) -> None:
        for target, section in (("for_whom", "groups"), ("when", "periods"), ("sites", "sites")):
            for cell in self._cells(r, target):
                for item in self._items(cell, target):
                    iid = self.sections[section].add(item, cell.origin, self.places)
                    values = cmoc.setdefault(target, [])
                    if iid not in values:
                        self.places[(*path, target, len(values))] = cell.origin
                        values.append(iid)
        for target, enum in (("status", STATUS), ("confidence", CONFIDENCE)):
            for cell in self._cells(r, target):
                value = self._enum(cell, enum, target)
                if value:
                    cmoc[target] = value
                    self.places[(*path, target)] = cell.origin
        for target in ("leads_to", "refines"):
            for cell in self._cells(r, target):
                for item in self._items(cell, target):
                    for token in item.replace(",", " ").split() if target == "leads_to" else [item]:
                        iid = paper_id(token)
                        if target == "refines":
                            cmoc["refines"] = iid
                            self.references.append(((*path, "refines"), iid, cell.origin))
                        else:
                            values = cmoc.setdefault("leads_to", [])
                            self.references.append(((*path, "leads_to", len(values)), iid, cell.origin))
                            values.append(iid)

    def _enum(self, cell: Cell, enum: Enumeration, target: str) -> str | None:
        text = self._text(cell, target)
        if not text:
            return None
        value = re.sub(r"[\s_]+", "-", text.strip().lower())
        if value not in enum.values:
            self.fail(cell.origin, f"'{text}' is not a {target} cmograph knows",
                      f"use one of: {', '.join(enum.values)}")
            return None
        return value

    def _evidence(self, r: int, cmoc: dict[str, Any], path: Path_) -> None:
        item: dict[str, Any] = {}
        epath: Path_ = (*path, "evidence", 0)
        for target in ("quote", "summary", "locator"):
            for cell in self._cells(r, target):
                text = self._text(cell, target)
                if text:
                    item[target] = text
                    self.places[(*epath, target)] = cell.origin
        for cell in self._cells(r, "refs"):
            for ref in self._items(cell, "refs"):
                self.places[(*epath, "refs", len(item.setdefault("refs", [])))] = cell.origin
                item["refs"].append(ref)
        for target, section in (("source", "sources"), ("informant", "groups")):
            for cell in self._cells(r, target):
                text = self._text(cell, target)
                if text:
                    item[target] = self.sections[section].add(text, cell.origin, self.places)
                    self.places[(*epath, target)] = cell.origin
        if item:
            self.places[epath] = self.sheet.location(r, self.first_column)
            cmoc["evidence"] = [item]

    def _not_activated(self, r: int, cmoc: dict[str, Any], heading: _Heading | None) -> None:
        outcomes = [(item, cell.origin) for cell in self._cells(r, "outcome_not_activated")
                    for item in self._items(cell, "outcome_not_activated")]
        if not outcomes:
            return
        index = len(self.cmocs)
        path: Path_ = ("cmocs", index)
        twin: dict[str, Any] = {"id": _unique(f"{cmoc['id']}-not-activated", set(self.row_ids)),
                                "context": list(cmoc["context"]), "mechanism": list(cmoc["mechanism"]), "outcome": []}
        self.row_ids[twin["id"]] = self.places[("cmocs", index - 1, "id")]
        for key in ("context", "mechanism"):
            for i in range(len(cmoc[key])):
                self.places[(*path, key, i)] = self.places[("cmocs", index - 1, key, i)]
        for text, at in outcomes:
            iid = self.sections["outcomes"].add(text, at, self.places)
            if iid not in twin["outcome"]:
                self.places[(*path, "outcome", len(twin["outcome"]))] = at
                twin["outcome"].append(iid)
        twin["mechanism_activated"] = False
        for key in ("for_whom", "when", "sites"):
            if key in cmoc:
                twin[key] = list(cmoc[key])
        self.places[path] = self.places[(*path, "id")] = outcomes[0][1]
        self.cmocs.append(twin)
        self.not_activated += 1
        for ids in self.theory_cmocs.values():
            if cmoc["id"] in ids:
                ids.append(twin["id"])
        if heading is not None:
            heading.rows.append(index)

    def _headings(self, headings: list[_Heading]) -> None:
        has_statements = "statement" in self.columns.values()
        told = []
        for heading in headings:
            if not heading.rows:
                self.report.append(f"row {heading.row + 1}: a heading with no configuration below it, skipped "
                                   f"('{_short(_show(heading.cell))}')")
                continue
            if not heading.text:
                continue
            first = self.cmocs[heading.rows[0]]
            twins = [i for i in heading.rows if self.cmocs[i].get("mechanism_activated") is False]
            if heading.id and len(heading.rows) - len(twins) == 1 and not has_statements and "statement" not in first:
                first["statement"] = heading.text
                self.places[("cmocs", heading.rows[0], "statement")] = heading.cell.origin
                told.append(f"row {heading.row + 1} -> the statement of {first['id']}")
            else:
                tid = self.sections["theories"].add(heading.text, heading.cell.origin, self.places)
                ids = self.theory_cmocs.setdefault(tid, [])
                ids.extend(self.cmocs[i]["id"] for i in heading.rows if self.cmocs[i]["id"] not in ids)
                told.append(f"row {heading.row + 1} -> theory {tid} of {len(ids)} configurations")
        if told:
            self.report.append("headings: " + "; ".join(told))

    def _check_references(self) -> None:
        for path, iid, at in self.references:
            if iid not in self.row_ids:
                close = difflib.get_close_matches(iid, list(self.row_ids), n=1)
                self.fail(at, f"'{iid}' is not the id of a configuration in this table",
                          f"did you mean '{close[0]}'?" if close else
                          f"the ids are: {', '.join(list(self.row_ids)[:10])}")
            else:
                self.places[path] = at

    # --------------------------------------------------------------------------------------------------- result

    def _result(self, header: int, rows: list[int]) -> Imported:
        title_rows = self.titles
        title = self.grid[title_rows[0]][self._filled(title_rows[0])[0]] if title_rows else None
        evaluation_id = self.options.evaluation_id or _slug(self.sheet.file.rsplit(".", 1)[0]) or "imported"
        evaluation: dict[str, Any] = {"id": evaluation_id,
                                      "title": _show(title) if title else f"Imported from {self.sheet.file}"}
        if title is not None:
            self.places[("evaluation", "title")] = title.origin
        data: dict[str, Any] = {"cmograph": 1, "evaluation": evaluation}
        for name in ("groups", "periods", "sites", "sources", "contexts", "mechanisms", "outcomes"):
            if self.sections[name].items:
                data[name] = self.sections[name].items
        data["cmocs"] = self.cmocs
        if self.sections["theories"].items:
            for item in self.sections["theories"].items:
                item["cmocs"] = self.theory_cmocs[item["id"]]
            data["theories"] = self.sections["theories"].items
        self._summarise(header, rows, title_rows)
        return Imported(data, self.source, self.report, self.places)

    def _summarise(self, header: int, rows: list[int], titles: list[int]) -> None:
        sheet = self.sheet
        read = f"read {self.source} ({sheet.described})" if sheet.described else f"read {self.source}"
        where = f"row {rows[0] + 1}" if len(rows) == 1 else f"rows {rows[0] + 1}-{rows[-1] + 1}"
        lines = [f"{read}: header in row {header + 1}, {counted(len(self.cmocs) - self.not_activated, 'configuration')}"
                 f" in {where}"]
        if titles:
            lines.append(f"skipped above the header: row{'s' * (len(titles) != 1)} "
                         f"{', '.join(str(r + 1) for r in titles)} (title)")
        down = [m for m in sheet.merged if m.right == m.left and m.bottom > m.top and m.bottom > header]
        if down:
            lines.append("merged down, applied to every row they cover: " + ", ".join(m.name() for m in down))
        if self.tagged:
            lines.append(f"split statements at their (context), (mechanism ...) and (outcome) tags: "
                         f"{len(self.tagged)} row{'s' * (len(self.tagged) != 1)}")
        if self.made_ids:
            lines.append("ids made from the cells: " + ", ".join(self.made_ids))
        semicolons = sorted({c for r in rows for c, t in self.columns.items() if t in LISTS
                             and "; " in _show(self.grid[r][c])}) if self.options.separators is None else []
        if semicolons:
            names = ", ".join(f"'{_show(self.grid[header][c])}' ({column_letter(c)})" for c in semicolons)
            lines.append(f"cells of {names} hold '; ', kept within their items: if it separates items, import "
                         "again with --separator \"; \"")
        made = [counted(len(s.items), LIST_BY_NAME[name].noun) for name, s in self.sections.items() if s.items]
        twins = f" ({self.not_activated} of them with the mechanism not activated)" if self.not_activated else ""
        lines.append(f"made {', '.join(made)}; {counted(len(self.cmocs), 'configuration')}{twins}")
        lines.append("check each label against the paper, and add what a table does not say: the study's title, doi, "
                     "year, authors and design, mechanism kinds, outcome directions")
        self.report[:0] = lines[:-2]
        self.report += lines[-2:]


def read_table(sheet: Sheet, options: ImportOptions, source: str) -> Imported:
    """The configurations of a paper table (see the module's docstring)."""
    return TableReader(sheet, options, source).run()


def paper_id(text: str) -> str:
    """An id from a paper's row label: kept if it is one already (``CMOC3``, ``1``), else its letters and number
    (``CCMO 1`` -> ``CCMO1``, ``Number 1, relates to ...`` -> ``Number1``), else a slug of it."""
    text = text.strip().rstrip(".:")
    if re.fullmatch(ID_PATTERN, text):
        return text
    match = _PAPER_ID.match(text)
    if match:  # "No. 3" and "Number 3" are 3
        return match[2] if match[1].lower() in ("no", "nr", "num", "number") else match[1] + match[2]
    slug = _slug(text)[:40].strip("-")
    return slug if re.fullmatch(SLUG_PATTERN, slug) else "row"


def _tagged(statement: str) -> list[tuple[str, str, str]]:
    """The parts of a statement marked with inline tags: (part, text before the tag, mechanism kind)."""
    parts: list[tuple[str, str, str]] = []
    last = 0
    for match in _TAG.finditer(statement):
        text = statement[last:match.start()].strip(" ,;:.\n\t")
        last = match.end()
        tag = (match[1] or match[2]).lower()
        if not text:
            continue
        if tag.startswith("c"):
            parts.append(("context", text, ""))
        elif tag.startswith("o"):
            parts.append(("outcome", text, ""))
        else:
            kind = "resource" if tag.endswith("resource") else "response" if tag != "m" and " " in tag else ""
            parts.append(("mechanism", text, kind))
    return parts


def _show(cell: Cell) -> str:
    """A cell's text as messages quote it (headers, headings, titles)."""
    return "" if cell.empty else as_text(cell.value)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."

