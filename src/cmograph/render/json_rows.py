"""Answers as JSON: a list of objects, one per row, keyed by column."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cmograph.render.cells import json_value
from cmograph.render.controls import u_escaped
from cmograph.render.formats import Options, Rows


def render(columns: Sequence[str], rows: Rows, options: Options) -> str:
    """The rows as an indented JSON list; numbers as :func:`json_value` says, control characters escaped."""
    text = json.dumps([{c: json_value(r.get(c)) for c in columns} for r in rows], indent=2, ensure_ascii=False)
    return u_escaped(text) + "\n"
