"""Render answers as a terminal table (wrapped to the width), CSV, TSV, JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence

from cmograph.questions import Cell

FORMATS = ("table", "csv", "tsv", "json", "markdown")
GAP = "  "


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(columns: Sequence[str], rows: Sequence[dict[str, Cell]], fmt: str, width: int = 80) -> str:
    """The rows in format ``fmt``; ``width`` bounds table lines."""
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns} for r in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell_text(r.get(c)) for c in columns] for r in rows])
        return buffer.getvalue()
    if fmt == "markdown":
        def escape(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
        lines += ["| " + " | ".join(escape(cell_text(r.get(c))) for c in columns) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    return table(columns, [[cell_text(r.get(c)) for c in columns] for r in rows], width)


def table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = 80) -> str:
    """A plain-text table whose lines fit in ``width`` columns, long cells wrapped onto more lines."""
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    floor = [min(w, max(len(c), 8)) for c, w in zip(columns, widths, strict=True)]
    budget = max(width - len(GAP) * (len(columns) - 1), sum(floor))
    while sum(widths) > budget:
        shrinkable = [i for i, w in enumerate(widths) if w > floor[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    wrapped_any = False
    out = [_line([textwrap.wrap(c, w) or [""] for c, w in zip(columns, widths, strict=True)], widths)]
    out.append(GAP.join("─" * w for w in widths))
    body = []
    for row in rows:
        cells = [textwrap.wrap(v, w, break_long_words=True, break_on_hyphens=False) or [""]
                 for v, w in zip(row, widths, strict=True)]
        wrapped_any = wrapped_any or any(len(c) > 1 for c in cells)
        body.append(_line(cells, widths))
    separator = "\n" if wrapped_any else ""
    return "\n".join(out) + "\n" + (separator + "\n").join(body) + ("\n" if body else "")


def _line(cells: list[list[str]], widths: list[int]) -> str:
    height = max(len(c) for c in cells)
    lines = []
    for k in range(height):
        parts = [(c[k] if k < len(c) else "").ljust(w) for c, w in zip(cells, widths, strict=True)]
        lines.append(GAP.join(parts).rstrip())
    return "\n".join(lines)
