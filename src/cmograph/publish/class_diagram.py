"""The ontology's class diagram: its classes as boxes, each object property as a labelled arrow from its domain to
its range, and hollow-headed arrows from a class to its superclasses; a standalone SVG (no script, no font or
style from outside), laid out in layers from left to right.

The layout is a small Sugiyama one: cycles broken (an arrow against the flow is drawn backwards), each class in
the column of the longest chain of arrows leading to it, arrows that cross columns bent through the columns
between, the order within columns settled by barycentres, then each box moved towards its neighbours."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import escape

FONT = 13  # px, the class label; the name below it and arrow labels are smaller
SMALL = 11
CHAR = 0.6  # an estimate of a character's width, in ems (no font metrics without a font)
BOX_HEIGHT = 42
PAD = 10
ROW_GAP = 22  # between two boxes of a column
BEND_GAP = 8  # between a box and an arrow bending through its column, or two such arrows
LOOP = 18  # the height each arrow from a class to itself takes above its box
MARGIN = 20
SWEEPS = 12


@dataclass(frozen=True)
class ClassNode:
    """A class: its key (its IRI), its label, its short name (``cmo:Context``) and where its documentation is
    (an anchor, or ``None``); ``external`` for another vocabulary's class."""

    key: str
    label: str
    name: str
    href: str | None = None
    external: bool = False


@dataclass(frozen=True)
class Arrow:
    """An object property (``property``, its IRI) from its domain to its range (``label`` is its name), or, with
    ``subclass``, a class to its superclass."""

    source: str
    target: str
    label: str = ""
    subclass: bool = False
    property: str = ""


@dataclass
class _Slot:
    """A box, or a point an arrow bends through, in a column."""

    key: str
    layer: int
    height: float
    width: float = 0.0
    top: float = 0.0  # room kept above it (for arrows to itself)
    y: float = 0.0  # the centre
    order: float = 0.0


@dataclass
class _Layout:
    slots: dict[str, _Slot] = field(default_factory=dict)
    chains: list[tuple[Arrow, list[str], bool]] = field(default_factory=list)  # arrow, slots, drawn reversed
    columns: list[list[str]] = field(default_factory=list)
    x: list[float] = field(default_factory=list)  # each column's left edge
    widths: list[float] = field(default_factory=list)
    height: float = 0.0
    width: float = 0.0


def text_width(text: str, size: int) -> float:
    return len(text) * size * CHAR


def _acyclic(keys: list[str], arrows: list[Arrow]) -> set[tuple[str, str]]:
    """The pairs (source, target) whose arrows go against the flow: the back edges of a depth-first search that
    starts from the classes with the fewest arrows in."""
    out: dict[str, list[str]] = defaultdict(list)
    into: dict[str, int] = defaultdict(int)
    for arrow in arrows:
        if arrow.source != arrow.target:
            out[arrow.source].append(arrow.target)
            into[arrow.target] += 1
    state: dict[str, int] = {}  # 1 on the path, 2 done
    back: set[tuple[str, str]] = set()
    for start in sorted(keys, key=lambda k: (into[k], -len(out[k]), k)):
        if start in state:
            continue
        stack = [(start, iter(sorted(set(out[start]))))]
        state[start] = 1
        while stack:
            node, following = stack[-1]
            step = next(following, None)
            if step is None:
                state[node] = 2
                stack.pop()
            elif state.get(step) == 1:
                back.add((node, step))
            elif step not in state:
                state[step] = 1
                stack.append((step, iter(sorted(set(out[step])))))
    return back


def _layers(keys: list[str], pairs: set[tuple[str, str]]) -> dict[str, int]:
    """Each class's column: the length of the longest chain of arrows leading to it."""
    into: dict[str, set[str]] = defaultdict(set)
    for source, target in pairs:
        into[target].add(source)
    layer: dict[str, int] = {}

    def depth(key: str) -> int:
        if key not in layer:
            layer[key] = 0  # the pairs are acyclic; this only guards the recursion
            layer[key] = max((depth(s) + 1 for s in into[key]), default=0)
        return layer[key]

    for key in keys:
        depth(key)
    return layer


def _order(layout: _Layout, links: dict[str, set[str]]) -> None:
    """The order in each column: barycentres of the neighbours, sweeping right then left, kept stable."""
    for column in layout.columns:
        for rank, key in enumerate(column):
            layout.slots[key].order = rank
    for sweep in range(SWEEPS):
        sequence = range(1, len(layout.columns)) if sweep % 2 == 0 else range(len(layout.columns) - 2, -1, -1)
        side = -1 if sweep % 2 == 0 else 1
        for index in sequence:
            column = layout.columns[index]

            def centre(key: str, side: int = side, index: int = index) -> float:
                near = [layout.slots[k].order for k in links[key] if layout.slots[k].layer == index + side]
                return sum(near) / len(near) if near else layout.slots[key].order

            column.sort(key=lambda k: (centre(k), layout.slots[k].order))
            for rank, key in enumerate(column):
                layout.slots[key].order = rank


def _gap(a: _Slot, b: _Slot) -> float:
    """The least distance between the centres of two slots one above the other in a column."""
    between = ROW_GAP if a.width and b.width else BEND_GAP
    return a.height / 2 + b.height / 2 + between + b.top


def _place(layout: _Layout, links: dict[str, set[str]]) -> None:
    """The height of each slot: stacked, then moved towards the mean of its neighbours, keeping the order and the
    gaps."""
    for column in layout.columns:
        y = 0.0
        for i, key in enumerate(column):
            slot = layout.slots[key]
            y += slot.top + slot.height / 2 if i == 0 else _gap(layout.slots[column[i - 1]], slot)
            slot.y = y
    for sweep in range(SWEEPS):
        columns = layout.columns if sweep % 2 == 0 else list(reversed(layout.columns))
        for column in columns:
            wanted = []
            for key in column:
                near = [layout.slots[k].y for k in links[key]]
                wanted.append(sum(near) / len(near) if near else layout.slots[key].y)
            # as close to the wanted heights as the gaps allow: push down, then up, then average the two
            down = list(wanted)
            for i in range(1, len(column)):
                down[i] = max(down[i], down[i - 1] + _gap(layout.slots[column[i - 1]], layout.slots[column[i]]))
            up = list(wanted)
            for i in range(len(column) - 2, -1, -1):
                up[i] = min(up[i], up[i + 1] - _gap(layout.slots[column[i]], layout.slots[column[i + 1]]))
            for i, key in enumerate(column):
                layout.slots[key].y = (down[i] + up[i]) / 2
            for i in range(1, len(column)):  # the average may break a gap: restore it downwards
                below = layout.slots[column[i]]
                below.y = max(below.y, layout.slots[column[i - 1]].y + _gap(layout.slots[column[i - 1]], below))
    top = min(s.y - s.height / 2 - s.top for s in layout.slots.values())
    for slot in layout.slots.values():
        slot.y += MARGIN - top
    layout.height = max(s.y + s.height / 2 for s in layout.slots.values()) + MARGIN


def _layout(nodes: list[ClassNode], arrows: list[Arrow]) -> _Layout:
    """Where every box and bend goes."""
    keys = [n.key for n in nodes]
    known = set(keys)
    arrows = [a for a in arrows if a.source in known and a.target in known]
    back = _acyclic(keys, arrows)
    pairs = {(t, s) if (s, t) in back else (s, t) for s, t in ((a.source, a.target) for a in arrows) if s != t}
    layer = _layers(keys, pairs)
    found = _Layout()
    loops: dict[str, int] = defaultdict(int)
    for arrow in arrows:
        if arrow.source == arrow.target:
            loops[arrow.source] += 1
    for node in nodes:
        width = max(text_width(node.label, FONT), text_width(node.name, SMALL)) + 2 * PAD
        found.slots[node.key] = _Slot(node.key, layer[node.key], BOX_HEIGHT, width, LOOP * loops[node.key])
    links: dict[str, set[str]] = defaultdict(set)
    for number, arrow in enumerate(arrows):
        if arrow.source == arrow.target:
            found.chains.append((arrow, [arrow.source], False))
            continue
        reverse = (arrow.source, arrow.target) in back
        start, end = (arrow.target, arrow.source) if reverse else (arrow.source, arrow.target)
        chain = [start]
        for step in range(layer[start] + 1, layer[end]):
            bend = f" bend {number} {step}"
            found.slots[bend] = _Slot(bend, step, 0.0)
            chain.append(bend)
        chain.append(end)
        for a, b in itertools.pairwise(chain):
            links[a].add(b)
            links[b].add(a)
        found.chains.append((arrow, chain, reverse))
    count = max(layer.values(), default=0) + 1
    found.columns = [[k for k in sorted(found.slots) if found.slots[k].layer == i] for i in range(count)]
    _order(found, links)
    _place(found, links)
    found.widths = [max((found.slots[k].width for k in column), default=0.0) for column in found.columns]
    gaps = [0.0] * count  # the room before each column, for the labels of the arrows that end in it
    for arrow, chain, _ in found.chains:
        if len(chain) > 1:
            column = found.slots[chain[-1]].layer
            gaps[column] = max(gaps[column], text_width(arrow.label, SMALL) + 40)
    x = float(MARGIN)
    for column in range(count):
        if column:
            x += max(gaps[column], 60.0)
        found.x.append(x)
        x += found.widths[column]
    wide = max((text_width(a.label, SMALL) + LOOP for a, chain, _ in found.chains if len(chain) == 1), default=0.0)
    found.width = x + MARGIN + wide / 2
    return found


def _points(found: _Layout, chain: list[str]) -> list[tuple[float, float]]:
    """Where the arrow runs: out of the right side of its first box, through the columns between, into the left
    side of its last."""
    points = []
    for i, key in enumerate(chain):
        slot = found.slots[key]
        left = found.x[slot.layer] + (found.widths[slot.layer] - slot.width) / 2
        if i == 0:
            points.append((left + slot.width, slot.y))
        elif i == len(chain) - 1:
            points.append((left, slot.y))
        else:
            points += [(found.x[slot.layer], slot.y), (found.x[slot.layer] + found.widths[slot.layer], slot.y)]
    return points


def _label(x: float, y: float, text: str) -> str:
    return f'<text class="label" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(text)}</text>'


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_place(segment: tuple[tuple[float, float], tuple[float, float]], text: str,
                 taken: list[Box]) -> tuple[float, float]:
    """Where on ``segment`` its label goes (the middle of its baseline): the point nearest the segment's middle
    where it covers no box and no other label; it then takes that room."""
    (x1, y1), (x2, y2) = segment
    half = text_width(text, SMALL) / 2
    chosen = None
    for share in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88):
        x, y = x1 + (x2 - x1) * share, y1 + (y2 - y1) * share - 4
        room = (x - half - 2, y - SMALL, x + half + 2, y + 4)
        if not any(_overlaps(room, other) for other in taken):
            chosen = (x, y, room)
            break
    if chosen is None:
        x, y = (x1 + x2) / 2, (y1 + y2) / 2 - 4
        chosen = (x, y, (x - half, y - SMALL, x + half, y + 4))
    taken.append(chosen[2])
    return chosen[0], chosen[1]


def svg(nodes: list[ClassNode], arrows: list[Arrow], title: str, description: str) -> str:
    """The diagram as a standalone SVG document; ``title`` and ``description`` name it for screen readers."""
    found = _layout(nodes, arrows)
    taken: list[Box] = []
    for node in nodes:
        slot = found.slots[node.key]
        left = found.x[slot.layer] + (found.widths[slot.layer] - slot.width) / 2
        taken.append((left, slot.y - slot.height / 2, left + slot.width, slot.y + slot.height / 2))
    parts = []
    loops: dict[str, int] = defaultdict(int)
    between: dict[frozenset[str], int] = defaultdict(int)  # arrows between the same two classes, drawn apart
    alike: dict[frozenset[str], int] = defaultdict(int)
    for arrow, _, _ in found.chains:
        alike[frozenset((arrow.source, arrow.target))] += 1
    for arrow, chain, reverse in found.chains:
        kind = "subclass" if arrow.subclass else "property"
        label = ""
        if len(chain) == 1:
            slot = found.slots[chain[0]]
            loops[chain[0]] += 1
            centre = found.x[slot.layer] + found.widths[slot.layer] / 2
            top, rise, span = slot.y - slot.height / 2, LOOP * loops[chain[0]], 4 + 10 * loops[chain[0]]
            path = (f"M{centre + span:.1f},{top:.1f} C{centre + span + 12:.1f},{top - rise:.1f} "
                    f"{centre - span - 12:.1f},{top - rise:.1f} {centre - span:.1f},{top:.1f}")
            label = _label(centre + span + 14 + text_width(arrow.label, SMALL) / 2, top - rise * 0.75 + 4,
                           arrow.label)
        else:
            pair = frozenset((arrow.source, arrow.target))
            shift = (between[pair] - (alike[pair] - 1) / 2) * 6
            between[pair] += 1
            points = [(x, y + shift) for x, y in _points(found, chain)]
            if arrow.label:
                x, y = _label_place((points[-2], points[-1]), arrow.label, taken)
                label = _label(x, y, arrow.label)
            if reverse:
                points.reverse()
            path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
        named = f' data-property="{escape(arrow.property)}"' if arrow.property else ""
        parts.append(f'<g class="{kind}" data-source="{escape(arrow.source)}" data-target="{escape(arrow.target)}"'
                     f"{named}>"
                     f'<title>{escape(_said(nodes, arrow))}</title><path d="{path}" marker-end="url(#{kind})"/>'
                     f"{label}</g>")
    for node in nodes:
        slot = found.slots[node.key]
        left = found.x[slot.layer] + (found.widths[slot.layer] - slot.width) / 2
        top = slot.y - slot.height / 2
        box = (f'<rect x="{left:.1f}" y="{top:.1f}" width="{slot.width:.1f}" height="{slot.height:.1f}" rx="4"/>'
               f'<text x="{left + slot.width / 2:.1f}" y="{top + 17:.1f}" text-anchor="middle">'
               f"{escape(node.label)}</text>"
               f'<text class="name" x="{left + slot.width / 2:.1f}" y="{top + 33:.1f}" text-anchor="middle">'
               f"{escape(node.name)}</text>")
        if node.href is not None:
            box = f'<a href="{escape(node.href)}">{box}</a>'
        parts.append(f'<g class="class{" external" * node.external}" data-class="{escape(node.key)}">'
                     f"<title>{escape(node.label)} ({escape(node.name)})</title>{box}</g>")
    width, height = round(found.width), round(found.height)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" \
role="img" aria-labelledby="diagram-title diagram-description">
<title id="diagram-title">{escape(title)}</title>
<desc id="diagram-description">{escape(description)}</desc>
<style>
svg {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: {FONT}px; }}
.class rect {{ fill: #eef4fb; stroke: #1f5c99; stroke-width: 1.2; }}
.class.external rect {{ fill: #ffffff; stroke: #555555; stroke-dasharray: 4 3; }}
.class text {{ fill: #111111; }}
.class .name {{ font-size: {SMALL}px; fill: #444444; font-family: ui-monospace, Menlo, Consolas, monospace; }}
path {{ fill: none; stroke: #555555; stroke-width: 1.1; }}
.subclass path {{ stroke-dasharray: 5 3; }}
.label {{ font-size: {SMALL}px; fill: #222222; paint-order: stroke; stroke: #ffffff; stroke-width: 4px; \
stroke-linejoin: round; }}
marker path {{ stroke-dasharray: none; }}
</style>
<defs>
<marker id="property" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">\
<path d="M0,0 L10,5 L0,10 z" style="fill: #555555"/></marker>
<marker id="subclass" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="11" markerHeight="11" orient="auto">\
<path d="M0,0 L12,6 L0,12 z" style="fill: #ffffff"/></marker>
</defs>
<rect width="100%" height="100%" fill="#ffffff"/>
{chr(10).join(parts)}
</svg>
"""


def _said(nodes: list[ClassNode], arrow: Arrow) -> str:
    """The arrow in words: ``context-mechanism-outcome configuration has context context``."""
    labels = {n.key: n.name if n.external else n.label for n in nodes}
    if arrow.subclass:
        return f"{labels[arrow.source]} is a kind of {labels[arrow.target]}"
    return f"{labels[arrow.source]} {arrow.label} {labels[arrow.target]}"


def sentences(nodes: list[ClassNode], arrows: list[Arrow]) -> list[str]:
    """The diagram's arrows in words, for its text alternative."""
    known = {n.key for n in nodes}
    return [_said(nodes, a) for a in arrows if a.source in known and a.target in known]
