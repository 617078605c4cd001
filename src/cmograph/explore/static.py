"""The explorer in a published site, with no server: every answer the page can ask for, written beforehand.

For each question, the answers with no option and with each listed name of each element option (one at a time;
a question with a required option only with it), for every value of its other options (each choice; the whole
numbers from 1 up to the first that gives every answer empty), are written under ``explorer/data/answers/QUESTION/``
as ``KEY.json`` (what the page shows), ``KEY.rows.json``, ``KEY.csv`` and ``KEY.md`` (the bytes ``cmograph ask
... --format json|csv|markdown`` prints). ``KEY`` is ``all``, or the options as ``NAME.INDEX`` joined by ``_``:
the place of the value in ``explorer/data/names/KIND.json`` (or in the option's choices), or the number itself.
Why this rather than running the questions in the browser is measured in docs/explorer.md.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmograph.errors import UsageError
from cmograph.explore.answers import answer, document, download
from cmograph.explore.app import ASSETS, asset, page
from cmograph.explore.catalogue import question_json
from cmograph.explore.names import Names
from cmograph.query.catalogue import Parameter, Question, questions
from cmograph.source import Source

FOLDER = "explorer"
MOST_NUMBER = 100  # a whole-number option is answered up to this at most


@dataclass
class Written:
    """What :func:`write` wrote: how many answers and files, how many bytes, and how long it took."""

    answers: int = 0
    files: int = 0
    size: int = 0  # bytes
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # answers that could not be worked out, with why

    def save(self, path: Path, content: bytes) -> None:
        path.write_bytes(content)
        self.files += 1
        self.size += len(content)


def write(site_dir: Path, source: Source, *, data_args: Sequence[str] = ()) -> Written:
    """Write the explorer into ``site_dir/explorer/``; ``data_args`` are the command-line options that open the
    site's data, for the command lines shown (none by default: the commands then read the project in the folder
    they run in). Its page names its files relative to itself, as the site's pages do, so the site works wherever
    it is served (a host's root, or a path under it)."""
    started = time.monotonic()
    folder = site_dir / FOLDER
    if folder.exists():
        raise UsageError(f"{folder} is there already", "write the explorer into a new site folder")
    (folder / "data" / "names").mkdir(parents=True)
    written = Written()
    written.save(folder / "index.html", page("static", "./", "data/", "../index.html"))
    for name in ASSETS:
        written.save(folder / name, asset(name))
    names = Names(source.engine)
    kinds = sorted({p.type for q in questions().values() for p in q.parameters if p.is_element})
    for kind in kinds:
        listed = [{k: v for k, v in n.json().items() if k != "taken"} for n in names.of(kind)]
        written.save(folder / "data" / "names" / f"{kind}.json", _json(listed))
    catalogue = []
    for question in questions().values():
        numbers = _write_question(folder / "data" / "answers" / question.id, question, source, names, data_args,
                                  written)
        entry = question_json(question)
        for option in entry["options"]:
            if option["name"] in numbers:
                option["values"] = numbers[option["name"]]
        catalogue.append(entry)
    written.save(folder / "data" / "questions.json", _json({"questions": catalogue, "like": False, "data": None}))
    written.seconds = time.monotonic() - started
    return written


def _write_question(folder: Path, question: Question, source: Source, names: Names, data_args: Sequence[str],
                    written: Written) -> dict[str, list[int]]:
    """Every answer of one question; the whole numbers answered for each whole-number option."""
    folder.mkdir(parents=True)
    numbers = {p.name: _numbers(question, p, source) for p in question.parameters if p.type == "integer"}
    elements = [p for p in question.parameters if p.is_element]
    required = [p for p in elements if p.required]
    for scalars in _scalar_values(question, numbers):
        if not required:
            _write_answer(folder, question, source, data_args, scalars, {}, written)
        for p in required or elements:
            for index, name in enumerate(names.of(p.type)):
                _write_answer(folder, question, source, data_args, scalars, {p.name: (index, name.value)}, written)
    return numbers


def _scalar_values(question: Question, numbers: dict[str, list[int]]) -> Iterator[dict[str, str]]:
    """Every combination of values of the options that are not elements (their default first)."""
    scalars = [p for p in question.parameters if not p.is_element]
    ranges = [[str(n) for n in numbers[p.name]] if p.type == "integer" else list(p.choices) for p in scalars]
    for combination in itertools.product(*ranges):
        yield dict(zip((p.name for p in scalars), combination, strict=True))


def _numbers(question: Question, parameter: Parameter, source: Source) -> list[int]:
    """1 up to the first whole number for which every answer (with any value of the other options that are not
    elements) is empty, or up to :data:`MOST_NUMBER`."""
    others = [p for p in question.parameters if not p.is_element and p is not parameter]
    ranges = [list(p.choices) if p.type == "choice" else [str(p.default)] for p in others]
    for n in range(1, MOST_NUMBER + 1):
        if all(not answer(question, source.engine, {parameter.name: str(n), **dict(zip(
                (p.name for p in others), combination, strict=True))}, False).rows
               for combination in itertools.product(*ranges)):
            return list(range(1, n + 1))
    return list(range(1, MOST_NUMBER + 1))


def _write_answer(folder: Path, question: Question, source: Source, data_args: Sequence[str],
                  scalars: dict[str, str], element: dict[str, tuple[int, str]], written: Written) -> None:
    options = {**scalars, **{name: value for name, (_, value) in element.items()}}
    key = "_".join(f"{p.name}.{_token(p, scalars, element)}" for p in question.parameters
                   if p.name in scalars or p.name in element) or "all"
    try:
        answered = answer(question, source.engine, options, False)
    except UsageError as exc:
        written.skipped.append(f"{question.id} {key}: {exc.message}")
        return
    defaults = {p.name: str(p.default) for p in question.parameters if p.default is not None}
    shown = {name: value for name, value in options.items() if defaults.get(name) != value}
    written.save(folder / f"{key}.json", _json(document(question, answered, source.engine, shown, False, data_args,
                                                        rows=False)))
    for fmt, suffix in (("json", "rows.json"), ("csv", "csv"), ("markdown", "md")):
        written.save(folder / f"{key}.{suffix}", download(answered, fmt))
    written.answers += 1


def _token(parameter: Parameter, scalars: dict[str, str], element: dict[str, tuple[int, str]]) -> str:
    """An option's value in a file name: a listed name's place, a choice's place, or a whole number."""
    if parameter.name in element:
        return str(element[parameter.name][0])
    value = scalars[parameter.name]
    return str(parameter.choices.index(value)) if parameter.type == "choice" else value


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
