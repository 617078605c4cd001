"""A configuration as a picture: its contexts, then its mechanisms (crossed out when reported not triggered),
then its outcomes, as boxes joined by arrows; inline SVG, no script, styled by the site's stylesheet."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from markupsafe import Markup, escape

COLUMN = 220
GAP = 50
LINE = 17
PAD = 10
WRAP = 30
TOP = 28


def _box(x: int, y: int, label: str, kind: str, lines: list[str], dashed: bool) -> tuple[str, int]:
    height = PAD * 2 + LINE * len(lines)
    text = "".join(f'<tspan x="{x + PAD}" dy="{LINE if i else LINE - 4}">{escape(line)}</tspan>'
                   for i, line in enumerate(lines))
    box = (f'<g class="cmo-{kind}{" cmo-not-triggered" if dashed else ""}">'
           f'<title>{escape(label)}</title>'
           f'<rect x="{x}" y="{y}" width="{COLUMN}" height="{height}" rx="6"/>'
           f'<text x="{x + PAD}" y="{y + PAD}">{text}</text></g>')
    return box, height


def diagram(contexts: Sequence[str], mechanisms: Sequence[str], outcomes: Sequence[str], triggered: bool,
            title: str) -> Markup:
    """The SVG of a configuration with these labels; ``title`` names it for screen readers."""
    columns = [("context", "Context", contexts), ("mechanism", "Mechanism", mechanisms),
               ("outcome", "Outcome", outcomes)]
    parts: list[str] = []
    heights: list[int] = []
    for i, (kind, heading, labels) in enumerate(columns):
        x = i * (COLUMN + GAP)
        caption = heading if triggered or kind != "mechanism" else "Mechanism (not triggered)"
        parts.append(f'<text class="cmo-heading" x="{x}" y="{TOP - 10}">{escape(caption)}</text>')
        y = TOP
        for label in labels or ["(none)"]:
            box, height = _box(x, y, label, kind, textwrap.wrap(label, WRAP) or [label],
                               kind == "mechanism" and not triggered)
            parts.append(box)
            y += height + PAD
        heights.append(y)
    total = max(heights)
    middle = TOP + (total - TOP) // 2
    for i in range(2):
        start = i * (COLUMN + GAP) + COLUMN + 4
        parts.append(f'<line class="cmo-arrow" x1="{start}" y1="{middle}" x2="{start + GAP - 10}" y2="{middle}" '
                     'marker-end="url(#cmo-head)"/>')
    width = 3 * COLUMN + 2 * GAP
    summary = (f"Contexts: {'; '.join(contexts)}. Mechanisms{'' if triggered else ' (not triggered)'}: "
               f"{'; '.join(mechanisms)}. Outcomes: {'; '.join(outcomes)}.")
    return Markup(
        f'<svg class="cmo-diagram" role="img" aria-labelledby="cmo-title cmo-desc" viewBox="0 0 {width} {total}" '
        f'width="{width}" height="{total}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="cmo-title">{escape(title)}</title><desc id="cmo-desc">{escape(summary)}</desc>'
        '<defs><marker id="cmo-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>'
        + "".join(parts) + "</svg>")
