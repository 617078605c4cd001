"""Answers as a terminal table, wrapped to its width, or as one block of lines per row when that reads better.

Every cell and column name is shown with :func:`~cmograph.render.controls.readable`: line breaks as spaces, and
control characters escaped, so no text from the data (or a server) can move the cursor or retitle the terminal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from cmograph.render.cells import cell_text
from cmograph.render.controls import readable
from cmograph.render.formats import Options, Rows

GAP = "  "
MIN_COLUMN = 12
MAX_WORD = 40  # a column is not narrowed below its longest word, up to this width
TALL_ROWS = 4  # a table whose rows wrap onto more lines than this, on average, is printed as records


def render(columns: Sequence[str], rows: Rows, options: Options) -> str:
    """The rows as a table whose lines fit in ``options.width``."""
    shown = [readable(c) for c in columns]
    return table(shown, [[readable(cell_text(r.get(c))) for c in columns] for r in rows], options.width)


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
