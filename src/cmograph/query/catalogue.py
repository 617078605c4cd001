"""The canned questions: ``queries/<id>.rq`` files with a YAML header.

A header is the block of ``#+ `` comment lines at the top of the file::

    #+ title: What worked
    #+ parameters:
    #+   outcome: {type: outcome, help: only this outcome}
    #+ columns:
    #+   outcome: the outcome's label

Parameter ``min-sites`` binds ``?_min_sites`` (see :mod:`cmograph.query.run`).

A question that leaves configurations out by design (hypothesised, refuted, not triggered) says so with a
``left_out`` query in its header: a SELECT of ``?reason`` and ``?configurations`` (how many were left out for that
reason), with the question's parameters bound as in the question itself. Its answer is printed beside the rows.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cmograph.errors import UsageError
from cmograph.resources import data

SCALAR_TYPES = ("integer", "choice")
INDEX = "index.json"


@dataclass(frozen=True)
class Parameter:
    """One option of a question."""

    name: str
    type: str
    help: str
    required: bool = False
    example: str | None = None
    default: Any = None
    choices: tuple[str, ...] = ()

    @property
    def variable(self) -> str:
        return "_" + self.name.replace("-", "_")

    @property
    def is_element(self) -> bool:
        from cmograph.query.types import ELEMENT_TYPES  # here: listing the questions needs no format model

        return self.type in ELEMENT_TYPES


@dataclass(frozen=True)
class Question:
    """A canned question read from its ``.rq`` file."""

    id: str
    title: str
    description: str
    sparql: str
    parameters: tuple[Parameter, ...]
    columns: dict[str, str]
    lists: tuple[str, ...] = ()
    example: str = ""
    empty: str = "No answer: nothing in the data matches this question."
    lateral: bool = False  # run OPTIONALs once per row when an element option is given, where the engine can
    left_out: str = ""  # SPARQL: how many configurations the question leaves out by design, and why
    lateral_form: str = ""  # the SPARQL with its OPTIONALs made LATERAL, when the index has it for this text

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def lateral_sparql(self) -> str:
        """The SPARQL with every OPTIONAL run once per row (see :func:`cmograph.query.lexer.lateral_optionals`)."""
        if self.lateral_form:
            return self.lateral_form
        from cmograph.query.lexer import lateral_optionals  # its tokenizer takes a few ms to compile

        return lateral_optionals(self.sparql)


def parse_header(text: str) -> dict[str, Any]:
    """A ``.rq`` file's header parsed as YAML (yaml is imported here: a question whose header is indexed needs none)."""
    import yaml

    meta: dict[str, Any] = yaml.load(header(text), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return meta


def header(text: str) -> str:
    """The ``#+`` header lines of a ``.rq`` file, without their marks."""
    return "\n".join(line[3:] for line in text.splitlines() if line.startswith("#+ ") or line == "#+")


def parse_question(qid: str, text: str, meta: dict[str, Any] | None = None, lateral_form: str = "") -> Question:
    """A ``.rq`` file's question; ``meta`` is its header already parsed (from the index), else it is read here, and
    ``lateral_form`` its LATERAL form (from the index), else made when first asked for."""
    from cmograph.query.types import ELEMENT_TYPES

    if meta is None:
        meta = parse_header(text)
    params = tuple(
        Parameter(
            name=name,
            type=str(spec["type"]),
            help=str(spec.get("help", "")),
            required=bool(spec.get("required", False)),
            example=None if spec.get("example") is None else str(spec["example"]),
            default=spec.get("default"),
            choices=tuple(spec.get("choices", ())),
        )
        for name, spec in (meta.get("parameters") or {}).items()
    )
    for p in params:
        if p.type not in ELEMENT_TYPES and p.type not in SCALAR_TYPES:
            raise ValueError(f"{qid}.rq: parameter {p.name} has unknown type {p.type}")
    return Question(
        id=qid,
        title=str(meta["title"]),
        description=str(meta.get("description", "")).strip(),
        sparql=text,
        parameters=params,
        columns={str(k): str(v) for k, v in (meta.get("columns") or {}).items()},
        lists=tuple(str(c) for c in meta.get("lists") or ()),
        example=str(meta.get("example", "")),
        empty=str(meta.get("empty", Question.empty)),
        lateral=bool(meta.get("lateral", False)),
        left_out=str(meta.get("left_out", "")),
        lateral_form=lateral_form,
    )


@cache
def _shipped() -> dict[str, tuple[str, dict[str, Any] | None, str]]:
    """Each shipped question's text by id, in alphabetical order, with its header as parsed in ``queries/index.json``
    (``None`` when the file's header is not the one indexed: edited since) and its LATERAL form from there (``""``
    when it has none or its text changed)."""
    folder = data("queries")
    index = _index(folder / INDEX)
    found = sorted((p for p in folder.iterdir() if p.name.endswith(".rq")), key=lambda p: p.name)
    shipped: dict[str, tuple[str, dict[str, Any] | None, str]] = {}
    for path in found:
        qid, text = path.name[:-3], path.read_text(encoding="utf-8")
        entry = index.get(qid)
        if isinstance(entry, dict) and entry.get("header") == header(text):
            shipped[qid] = (text, entry["meta"], entry.get("lateral_form", "") if entry.get("sparql") == text else "")
        else:
            shipped[qid] = (text, None, "")
    return shipped


@cache
def questions() -> dict[str, Question]:
    """Every shipped question by id, in alphabetical order.

    The headers come parsed from ``queries/index.json`` (a YAML parse per process cost 23-38 ms of a cold
    question); a file whose header is not the one indexed (edited since) is parsed from its text.
    """
    return {qid: parse_question(qid, text, meta, form) for qid, (text, meta, form) in _shipped().items()}


def titles() -> dict[str, str]:
    """Each shipped question's title by id (what ``cmograph ask --list`` shows), without making the questions."""
    return {qid: str((parse_header(text) if meta is None else meta)["title"])
            for qid, (text, meta, _) in _shipped().items()}


def _index(path: Path) -> dict[str, Any]:
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def index_text(folder: Path) -> str:
    """``queries/index.json`` for the ``.rq`` files in ``folder``: each header as written and as parsed, and for a
    question run LATERAL where it can be, its text and that form (used while the text is the same)."""
    from cmograph.query.lexer import lateral_optionals

    index: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = parse_header(text)
        index[path.stem] = {"header": header(text), "meta": meta}
        if meta.get("lateral"):
            index[path.stem] |= {"sparql": text, "lateral_form": lateral_optionals(text)}
    return json.dumps(index, indent=1, ensure_ascii=False) + "\n"


def get_question(qid: str) -> Question:
    known = questions()
    if qid not in known:
        import difflib

        close = difflib.get_close_matches(qid, list(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "run `cmograph ask --list` to see them"
        raise UsageError(f"there is no question '{qid}'", hint)
    return known[qid]


if __name__ == "__main__":  # python -m cmograph.query.catalogue queries
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "queries")
    (folder / INDEX).write_text(index_text(folder), encoding="utf-8")
