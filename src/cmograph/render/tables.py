"""Render answers as a terminal table (wrapped to the width), CSV, TSV, JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import textwrap
from collections.abc import Sequence
from decimal import Decimal

from cmograph.format.terms import decimal_text
from cmograph.query.types import Cell

FORMATS = ("table", "csv", "tsv", "json", "markdown")
GAP = "  "
MIN_COLUMN = 12
MAX_WORD = 40  # a column is not narrowed below its longest word, up to this width
TALL_ROWS = 4  # a table whose rows wrap onto more lines than this, on average, is printed as records
EXACT_DOUBLE = 2**53  # a whole number of at most this size is held exactly by a double


def cell_text(value: Cell) -> str:
    """A cell as text: decimals exactly, in canonical form (``3.5``, ``1000``); doubles in the shortest form that
    reads back the same, their infinities and NaN as xsd:double writes them (``INF``)."""
    if type(value) is str:  # most cells: checked first, as answers can have a million cells
        return value
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "NaN" if math.isnan(value) else "INF" if value > 0 else "-INF"  # as xsd:double writes them
        return str(int(value)) if value.is_integer() and abs(value) <= EXACT_DOUBLE else repr(value)
    return str(value)


def json_value(value: Cell) -> object:
    """A cell for JSON: a number where a reader that holds numbers as doubles (JavaScript, most JSON libraries)
    reads back exactly the value given, else the exact text (``"12345678901234567890.5"``, ``"INF"``)."""
    if isinstance(value, bool) or value is None or isinstance(value, str | list):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else cell_text(value)
    number = Decimal(value)  # an int or a Decimal
    as_double = float(number)
    if math.isfinite(as_double) and Decimal(repr(as_double)) == number:
        return int(number) if number == number.to_integral_value() else as_double
    return decimal_text(number)


def render(columns: Sequence[str], rows: Sequence[dict[str, Cell]], fmt: str, width: int = 80) -> str:
    """The rows in format ``fmt``; ``width`` bounds table lines."""
    if fmt == "json":
        return json.dumps([{c: json_value(r.get(c)) for c in columns} for r in rows], indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell_text(r.get(c)) for c in columns] for r in rows])
        return buffer.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(columns)] + ["\t".join(tsv_field(cell_text(r.get(c))) for c in columns) for r in rows]
        return "\n".join(lines) + "\n"
    if fmt == "markdown":
        def escape(text: str) -> str:  # a cell is one line of a table row
            return re.sub(r"\r\n|[\r\n\t]", " ", text.replace("|", "\\|"))

        lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
        lines += ["| " + " | ".join(escape(cell_text(r.get(c))) for c in columns) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    return table(columns, [[cell_text(r.get(c)) for c in columns] for r in rows], width)


def tsv_field(text: str) -> str:
    """A TSV field: one record per line and no quoting, so a tab, line break or backslash in the text is written
    as ``\\t``, ``\\n``, ``\\r`` or ``\\\\`` (as PostgreSQL's text format and linear TSV do)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = 80) -> str:
    """A plain-text table whose lines fit in ``width``, long cells wrapped onto more lines.

    When the columns cannot all be at least ``MIN_COLUMN`` wide, or the rows wrap onto more than ``TALL_ROWS``
    lines on average, each row is printed as a block of ``column  value`` lines instead, which stays readable in
    any width.
    """
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    words = [max([0, *(len(word) for r in rows for word in r[i].split())]) for i in range(len(columns))]
    floor = [min(w, max(len(c), min(longest, MAX_WORD), MIN_COLUMN))
             for c, w, longest in zip(columns, widths, words, strict=True)]
    budget = width - len(GAP) * (len(columns) - 1)
    if sum(floor) > budget:
        return records(columns, rows, width)
    while sum(widths) > budget:
        widest = max((i for i, w in enumerate(widths) if w > floor[i]), key=lambda i: widths[i])
        widths[widest] -= 1
    header = _line([textwrap.wrap(c, w) or [""] for c, w in zip(columns, widths, strict=True)], widths)
    body = [_line([_wrap(v, w) for v, w in zip(row, widths, strict=True)], widths) for row in rows]
    if body and sum(b.count("\n") + 1 for b in body) > TALL_ROWS * len(body):  # squeezed: records read better
        return records(columns, rows, width)
    separator = "\n\n" if any("\n" in b for b in body) else "\n"
    rule = GAP.join("─" * w for w in widths)
    return f"{header}\n{rule}\n" + separator.join(body) + ("\n" if body else "")


def records(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = 80) -> str:
    """Each row as a block of ``column  value`` lines (values wrapped), blocks numbered."""
    label = max(len(c) for c in columns)
    value_width = max(width - label - len(GAP), 20)
    blocks = []
    for n, row in enumerate(rows, 1):
        head = f"── {n} " + "─" * max(width - len(str(n)) - 4, 0)
        lines = [head]
        for column, value in zip(columns, row, strict=True):
            wrapped = _wrap(value, value_width)
            lines.append(f"{column.ljust(label)}{GAP}{wrapped[0]}".rstrip())
            lines.extend(f"{'':{label}}{GAP}{more}" for more in wrapped[1:])
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + ("\n" if blocks else "")


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _line(cells: list[list[str]], widths: list[int]) -> str:
    height = max(len(c) for c in cells)
    lines = []
    for k in range(height):
        parts = [(c[k] if k < len(c) else "").ljust(w) for c, w in zip(cells, widths, strict=True)]
        lines.append(GAP.join(parts).rstrip())
    return "\n".join(lines)
