"""An answer as the explorer reads it (columns with their explanations, rows as ``--format json`` gives them, the
command line, the diagram's configurations), and its downloads, written by the command line's own renderers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cmograph.errors import UsageError
from cmograph.explore.catalogue import draws
from cmograph.explore.command import command_line
from cmograph.explore.diagram import diagram
from cmograph.query.catalogue import Question
from cmograph.query.engine import Engine
from cmograph.query.run import Answer, ask
from cmograph.render.cells import json_value
from cmograph.render.formats import RENDERERS, Renderer, render

# what a download is saved as, by format (the formats of ``cmograph ask --format`` that are files, not screens)
SUFFIXES = {"csv": "csv", "tsv": "tsv", "json": "json", "markdown": "md"}
MEDIA_TYPES = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/json",
               "markdown": "text/markdown"}


def answer(question: Question, engine: Engine, options: Mapping[str, str], like: bool) -> Answer:
    """``question`` answered with the options given as text (empty ones left out), bound as the command line
    binds them."""
    return ask(question, engine, {name: value for name, value in options.items() if value}, like=like)


def document(question: Question, answered: Answer, engine: Engine, options: Mapping[str, str], like: bool,
             data_args: Sequence[str], rows: bool = True) -> dict[str, Any]:
    """What the page shows of an answer; ``rows`` False leaves the rows out (a published site keeps them in the
    ``--format json`` file beside it)."""
    given = {p.name: options[p.name] for p in question.parameters if options.get(p.name)}
    found: dict[str, Any] = {
        "question": question.id, "title": question.title, "options": given, "like": like,
        "columns": [{"name": c, "explanation": question.columns.get(c, "")} for c in answered.columns],
        "count": len(answered.rows), "empty": question.empty, "note": answered.note,
        "command": command_line(question, given, like, data_args),
        "diagram": diagram(answered, engine) if draws(question) else None,
    }
    if rows:
        found["rows"] = [{c: json_value(r.get(c)) for c in answered.columns} for r in answered.rows]
    return found


def download_format(name: str) -> Renderer:
    """The answer format called ``name`` (or an alias, ``md``), if it is one a file can hold."""
    chosen = RENDERERS.find(name)
    if chosen.name not in SUFFIXES:
        raise UsageError(f"the format '{name}' is for a terminal, not a file",
                         f"use one of {', '.join(SUFFIXES)}")
    return chosen


def download(answered: Answer, fmt: str) -> bytes:
    """The bytes ``cmograph ask ... --format FMT`` prints for the answer: in a format for people (Markdown), an
    empty answer is the question's sentence saying so, and what the answer left out by design follows it as a
    paragraph, as there."""
    chosen = download_format(fmt)
    if not answered.rows and chosen.for_people:
        text = answered.question.empty + "\n"
    else:
        text = render(answered.columns, answered.rows, chosen.name)
    note = answered.note if chosen.for_people else None
    return (text + (f"\n{note}\n" if note else "")).encode("utf-8")
