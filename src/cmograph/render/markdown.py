"""Answers as a Markdown table, for papers and issues."""

from __future__ import annotations

from collections.abc import Sequence

from cmograph.render.cells import cell_text
from cmograph.render.controls import readable
from cmograph.render.formats import Options, Rows


def render(columns: Sequence[str], rows: Rows, options: Options) -> str:
    """A header, a rule and one line per row; each cell on its row's line, ``|`` escaped."""
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(_cell(cell_text(r.get(c))) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return readable(text.replace("|", "\\|"))
