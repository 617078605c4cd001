"""The report's figures, drawn with matplotlib (a pure wheel: no browser, no system binary such as Graphviz): the
evidence map, and a context-mechanism-outcome diagram per configuration that follows its ``leads_to`` chains.

Each figure comes as SVG (text drawn as paths, so that it looks the same everywhere) and PNG, the same bytes on
every run for the same data.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from cmograph.report.collect import Configuration, Element, Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure as Canvas

DIRECTION_COLOURS = {  # colour-blind-safe (ColorBrewer Dark2), and the words say it too
    "positive": "#1b9e77", "negative": "#d95f02", "mixed": "#7570b3", "no-change": "#999999",
    "not stated": "#d9d9d9",
}
ROLE_COLOURS = {"context": "#deebf7", "mechanism": "#fee6ce", "outcome": "#e5f5e0"}
MAX_CHAINS = 4  # leads_to paths drawn per configuration
MAX_DEPTH = 4  # configurations per path after the first


@dataclass(frozen=True)
class Figure:
    """One figure: its file stem, a description (its alt text), and the drawing as SVG and PNG."""

    name: str
    title: str
    svg: bytes
    png: bytes


@dataclass(frozen=True)
class Cell:
    """A cell of the evidence map: how many evaluations link the mechanism to the outcome, and the direction."""

    mechanism: str
    outcome: str
    evaluations: int
    direction: str


def evidence_map_cells(report: Report) -> list[Cell]:
    """Mechanism concepts against outcome concepts (an element without a concept stands for itself): per pair, the
    evaluations whose configurations link them (triggered, neither hypothesised nor refuted), and their
    direction: the one direction they all report, else mixed."""
    found: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for cfg in report.configurations.values():
        if not cfg.counts:
            continue
        for mechanism in cfg.mechanisms:
            for outcome in cfg.outcomes:
                evaluations, directions = found.setdefault((mechanism.grouped, outcome.grouped), (set(), set()))
                evaluations.add(cfg.evaluation)
                directions.add(outcome.direction or "not stated")
    return [Cell(m, o, len(e), next(iter(d)) if len(d) == 1 else "mixed") for (m, o), (e, d) in sorted(
        found.items(), key=lambda item: (item[0][0].casefold(), item[0][1].casefold()))]


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) or " "


def _rendered(canvas: Canvas) -> tuple[bytes, bytes]:
    """The figure as SVG and PNG, without dates or random ids."""
    svg, png = io.BytesIO(), io.BytesIO()
    canvas.savefig(svg, format="svg", metadata={"Date": None})
    canvas.savefig(png, format="png", metadata={"Software": None}, dpi=110)
    return svg.getvalue(), png.getvalue()


def _new_canvas(width: float, height: float, layout: Literal["constrained"] | None = "constrained") -> Canvas:
    import matplotlib

    matplotlib.use("Agg")  # no display, no browser
    matplotlib.rcParams["svg.hashsalt"] = "cmograph"  # the same ids in the SVG on every run
    matplotlib.rcParams["svg.fonttype"] = "path"
    from matplotlib.figure import Figure as Drawing

    return Drawing(figsize=(width, height), layout=layout)


def evidence_map(cells: list[Cell]) -> Figure | None:
    """The evidence map, or ``None`` when no configuration links a mechanism to an outcome."""
    if not cells:
        return None
    from matplotlib.patches import Patch, Rectangle

    mechanisms = sorted({c.mechanism for c in cells}, key=str.casefold)
    outcomes = sorted({c.outcome for c in cells}, key=str.casefold)
    canvas = _new_canvas(5.0 + 0.75 * len(outcomes), 3.2 + 0.55 * len(mechanisms))
    ax = canvas.add_subplot()
    for cell in cells:
        x, y = outcomes.index(cell.outcome), mechanisms.index(cell.mechanism)
        colour = DIRECTION_COLOURS.get(cell.direction, DIRECTION_COLOURS["not stated"])
        ax.add_patch(Rectangle((x - 0.45, y - 0.45), 0.9, 0.9, facecolor=colour, edgecolor="white"))
        ax.text(x, y, str(cell.evaluations), ha="center", va="center", fontsize=10, color="white", weight="bold")
    ax.set_xlim(-0.5, len(outcomes) - 0.5)
    ax.set_ylim(len(mechanisms) - 0.5, -0.5)
    ax.set_xticks(range(len(outcomes)), [_wrap(o, 22) for o in outcomes], rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(mechanisms)), [_wrap(m, 36) for m in mechanisms], fontsize=8)
    ax.set_xlabel("outcome (concept)")
    ax.set_ylabel("mechanism (concept)")
    ax.set_title("Evidence map: evaluations linking each mechanism to each outcome", fontsize=10)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(length=0)
    ax.set_axisbelow(True)
    ax.grid(True, color="#f0f0f0")
    used = [d for d in DIRECTION_COLOURS if any(c.direction == d for c in cells)]
    ax.legend(handles=[Patch(facecolor=DIRECTION_COLOURS[d], label=d) for d in used], title="direction",
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    svg, png = _rendered(canvas)
    return Figure("evidence-map", "Evidence map: for each mechanism and outcome, the number of evaluations whose "
                  "configurations link them, coloured by the outcome's direction", svg, png)


def chains(cfg: Configuration, report: Report) -> list[list[Configuration]]:
    """The ``leads_to`` paths from ``cfg``: each a list of configurations starting with it (at most
    :data:`MAX_CHAINS` paths of :data:`MAX_DEPTH` steps; a configuration met again ends its path)."""
    paths: list[list[Configuration]] = []

    def walk(path: list[Configuration]) -> None:
        if len(paths) >= MAX_CHAINS:
            return
        after = [report.configurations[n] for n in path[-1].leads_to if n in report.configurations]
        after = [n for n in after if n not in path]
        if not after or len(path) > MAX_DEPTH:
            paths.append(path)
            return
        for following in after:
            walk([*path, following])

    walk([cfg])
    return paths


def _boxes(ax: Any, x: float, y: float, elements: list[Element], role: str, dashed: bool = False) -> float:
    """Draw ``elements`` as a column of boxes centred on (``x``, ``y``); returns the column's half height."""
    from matplotlib.patches import FancyBboxPatch

    texts = [_wrap(e.label + (f" ({e.direction})" if role == "outcome" and e.direction else ""), 24)
             for e in elements] or ["(none)"]
    heights = [0.28 * t.count("\n") + 0.5 for t in texts]
    total = sum(heights) + 0.15 * (len(heights) - 1)
    top = y + total / 2
    for text, height in zip(texts, heights, strict=True):
        centre = top - height / 2
        ax.add_patch(FancyBboxPatch((x - 1.15, centre - height / 2), 2.3, height, boxstyle="round,pad=0.02",
                                    facecolor=ROLE_COLOURS[role], edgecolor="#555555",
                                    linestyle="--" if dashed else "-"))
        ax.text(x, centre, text, ha="center", va="center", fontsize=7)
        top -= height + 0.15
    return total / 2


def cmo_diagram(cfg: Configuration, report: Report, name: str) -> Figure:
    """Context -> mechanism -> outcome for ``cfg``, continued along its ``leads_to`` chains (each next
    configuration's mechanisms and outcomes, its context being the outcome before)."""
    paths = chains(cfg, report)
    columns = 3 + 2 * (max(len(p) for p in paths) - 1)
    band = 1.0 + max(_band(p) for p in paths)
    canvas = _new_canvas(1.2 + 2.0 * columns, 0.6 + 0.9 * band * len(paths), layout=None)
    canvas.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    ax = canvas.add_subplot()
    ax.axis("off")
    for row, path in enumerate(paths):
        y = -row * band
        x = 0.0
        reach = _boxes(ax, x, y, cfg.contexts, "context")
        previous = x
        for step, part in enumerate(path):
            for role, elements in (("mechanism", part.mechanisms), ("outcome", part.outcomes)):
                x += 2.9
                _arrow(ax, previous + 1.2, x - 1.2, y)
                reach = max(reach, _boxes(ax, x, y, elements, role, dashed=role == "mechanism" and
                                          not part.triggered))
                previous = x
            label = (part.id if step else part.name) + ("" if part.triggered else " (mechanism not triggered)")
            ax.text(x - 1.45, y + reach + 0.25, label, ha="center", fontsize=7, color="#333333")
    ax.set_xlim(-1.4, 2.9 * (columns - 1) + 1.4)
    ax.set_ylim(-band * (len(paths) - 0.5), band / 2 + 0.2)
    svg, png = _rendered(canvas)
    return Figure(name, f"Context, mechanism and outcome of {cfg.name}" + (
        ", followed along the configurations it leads to" if cfg.leads_to else ""), svg, png)


def _band(path: list[Configuration]) -> float:
    """The height one path's row needs."""
    tallest = 0.0
    for part in path:
        for elements in (part.contexts, part.mechanisms, part.outcomes):
            lines = [_wrap(e.label, 24).count("\n") + 1 for e in elements] or [0]
            tallest = max(tallest, sum(0.28 * n + 0.5 for n in lines) + 0.15 * (len(lines) - 1))
    return tallest + 0.6


def _arrow(ax: Any, start: float, end: float, y: float) -> None:
    ax.annotate("", xy=(end, y), xytext=(start, y), arrowprops={"arrowstyle": "-|>", "color": "#555555"})


def figures(report: Report, anchors: dict[str, str]) -> Iterator[tuple[str, Figure]]:
    """Every figure of the report, with the key it is shown under: ``map``, or a configuration's IRI (named by
    its anchor in ``anchors``)."""
    drawn = evidence_map(evidence_map_cells(report))
    if drawn is not None:
        yield "map", drawn
    for iri, cfg in report.configurations.items():
        yield iri, cmo_diagram(cfg, report, f"cmoc-{anchors[iri]}")
