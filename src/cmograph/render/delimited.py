"""Answers as CSV (RFC 4180) and TSV (one record per line), for spreadsheets and programs.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or NUL is run as a formula by
spreadsheets (Excel, LibreOffice, Google Sheets), so it is written with a leading ``'``, which they read as "this
is text" and do not show, as OWASP recommends against CSV injection. Numbers are never changed (``-3.5`` is a
number to a spreadsheet, not a formula). ``Options.keep_formulas`` writes every cell exactly as it is.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

from cmograph.query.types import Cell
from cmograph.render.cells import cell_text
from cmograph.render.formats import Options, Rows

FORMULA_STARTS = frozenset("=+-@\t\r\x00")  # the first characters of a formula, to a spreadsheet


def csv_text(columns: Sequence[str], rows: Rows, options: Options) -> str:
    """A header line and one record per row, quoted where RFC 4180 says, each ending in a line feed."""
    records = _Records()
    # Python's writer quotes the fields that hold a comma, a quote or a character of its line terminator: with \r\n,
    # a field holding a lone carriage return is quoted too, which a spreadsheet would otherwise take for the end of
    # the record (and the text after it for a new row's first cell)
    writer = csv.writer(records, lineterminator="\r\n")
    writer.writerow([_field(c, options) for c in columns])
    writer.writerows([[_field(r.get(c), options) for c in columns] for r in rows])
    return "".join(records)


class _Records(list[str]):
    """What a CSV writer writes, one record per call, each with its ``\\r\\n`` made a line feed."""

    def write(self, record: str) -> None:
        self.append(record[:-2] + "\n")


def tsv_text(columns: Sequence[str], rows: Rows, options: Options) -> str:
    """A header line and one line per row, fields separated by tabs and escaped by :func:`tsv_field`."""
    lines = ["\t".join(tsv_field(_field(c, options)) for c in columns)]
    lines += ["\t".join(tsv_field(_field(r.get(c), options)) for c in columns) for r in rows]
    return "\n".join(lines) + "\n"


def tsv_field(text: str) -> str:
    """A TSV field: one record per line and no quoting, so a tab, line break or backslash in the text is written
    as ``\\t``, ``\\n``, ``\\r`` or ``\\\\`` (as PostgreSQL's text format and linear TSV do)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _field(value: Cell, options: Options) -> str:
    """A cell's text; text a spreadsheet would run as a formula gets a leading ``'`` unless formulas are kept."""
    text = cell_text(value)
    if text[:1] in FORMULA_STARTS and isinstance(value, str | list) and not options.keep_formulas:
        return "'" + text
    return text
