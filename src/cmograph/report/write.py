"""Render a report as HTML (one self-contained file: styles inline, figures as data URIs, no script, no request
to anywhere) or Markdown (figures beside it), and write it with its figures as SVG and PNG files.

Templates are Jinja2, with every value escaped where it is shown: HTML by autoescaping, Markdown by a finalizer
that escapes what Markdown would read as markup or HTML.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from cmograph.errors import UsageError
from cmograph.format.identifiers import doi_text
from cmograph.ingest.files import write_atomically
from cmograph.report.collect import Configuration, Report
from cmograph.report.figures import DIRECTION_COLOURS, Figure, evidence_map_cells, figures
from cmograph.report.rameses import items

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
CONFIDENCE_LEVELS = ("high", "moderate", "low", "very-low", "not stated")
STATUSES = ("supported", "mixed", "refined", "hypothesised", "refuted", "not stated")
_MARKDOWN = re.compile(r"([\\`*_\[\]|])")


@dataclass(frozen=True)
class Written:
    """What was written: the report and its figures."""

    report: Path
    figures: list[Path]


def report_format(output: Path) -> str:
    """``html`` or ``markdown``, from the output file's name."""
    kind = FORMATS.get(output.suffix.lower())
    if kind is None:
        raise UsageError(f"{output.name}: a report is written as .html or .md",
                         "name the output REPORT.html (one self-contained file) or REPORT.md (for a paper)")
    return kind


def write_report(report: Report, output: Path, folder: Path | None = None) -> Written:
    """Write ``report`` to ``output`` (``.html`` or ``.md``) and its figures, as SVG and PNG, into ``folder``
    (by default ``<output stem>-figures`` beside it)."""
    kind = report_format(output)
    folder = folder or output.with_name(f"{output.stem}-figures")
    anchors = {iri: str(n) for n, iri in enumerate(report.configurations, 1)}
    drawn = dict(figures(report, anchors))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for figure in drawn.values():
        for suffix, data in ((".svg", figure.svg), (".png", figure.png)):
            write_atomically(folder / f"{figure.name}{suffix}", data)
            paths.append(folder / f"{figure.name}{suffix}")
    relative = Path(os.path.relpath(folder, output.parent)).as_posix()
    text = render(kind, report, drawn, anchors, relative)
    write_atomically(output, text.encode("utf-8"))
    return Written(output, paths)


def render(kind: str, report: Report, drawn: dict[str, Figure], anchors: dict[str, str], folder: str) -> str:
    """The report's text in ``kind`` (``html`` or ``markdown``); figures are named under ``folder``."""
    from jinja2 import Environment, StrictUndefined

    if kind == "html":
        env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    else:
        env = Environment(autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          finalize=markdown_text)
    env.filters["uri"] = data_uri
    env.filters["doi_text"] = doi_text
    env.filters["md"] = markdown_text
    template = env.from_string((files("cmograph.report") / "templates" / f"report.{kind}.j2").read_text("utf-8"))
    return template.render(**context(report, drawn, anchors, folder))


def markdown_text(value: Any) -> str:
    """``value`` as Markdown shows it as text: HTML escaped, Markdown's punctuation and ``|`` backslashed, one
    line."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


def data_uri(figure: Figure) -> str:
    """A figure as an SVG data URI, for an ``img`` that needs no other file."""
    return "data:image/svg+xml;base64," + base64.b64encode(figure.svg).decode("ascii")


def context(report: Report, drawn: dict[str, Figure], anchors: dict[str, str], folder: str) -> dict[str, Any]:
    """What the templates show."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        made_by = f"cmograph {version('cmograph')}"
    except PackageNotFoundError:  # run from a source tree
        made_by = "cmograph"
    configs = report.configurations
    concepts = [{"anchor": f"concept-{n}", "label": c.label, "kinds": c.kinds,
                 "rows": [configs[i] for i in c.configurations],
                 "evaluations": len({configs[i].evaluation for i in c.configurations})}
                for n, c in enumerate(report.concepts, 1)]
    reviews = [{"anchor": f"review-{n}", "name": name, "configuration": _named(report, name), "rows": rows}
               for n, (name, rows) in enumerate(sorted(report.derivations.items()), 1)]
    left_out = Counter("mechanism not triggered" if not c.triggered else str(c.status)
                       for c in configs.values() if not c.counts)
    return {
        "made_by": made_by, "report": report, "evaluations": report.evaluations, "concepts": concepts,
        "reviews": reviews, "anchors": anchors, "configurations": list(configs.values()),
        "figure": drawn, "folder": folder,
        "cells": evidence_map_cells(report), "colours": DIRECTION_COLOURS, "left_out": sorted(left_out.items()),
        "confidence": _confidence(report), "levels": CONFIDENCE_LEVELS, "statuses": STATUSES,
        "sites": [{"anchor": f"site-{n}", "site": s, "rows": [configs[i] for i in s.configurations]}
                  for n, s in enumerate(report.sites, 1)],
        "rameses": items(report),
        "evaluation_anchor": {e.id: f"evaluation-{n}" for n, e in enumerate(report.evaluations, 1)},
    }


def _named(report: Report, name: str) -> Configuration | None:
    evaluation, _, cmoc = name.partition("/")
    return report.by_name(evaluation, cmoc)


def _confidence(report: Report) -> list[dict[str, Any]]:
    """Per evaluation, its configurations by confidence and by status."""
    rows = []
    for evaluation in report.evaluations:
        mine = [c for c in report.configurations.values() if c.evaluation == evaluation.id]
        rows.append({"evaluation": evaluation.id, "total": len(mine),
                     "confidence": Counter(c.confidence or "not stated" for c in mine),
                     "status": Counter(c.status or "not stated" for c in mine)})
    return rows
