"""The canned questions answered for one evaluation, as tables for its page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cmograph.query.catalogue import Question, questions
from cmograph.query.engine import Engine
from cmograph.query.run import ask
from cmograph.query.types import Cell


@dataclass(frozen=True)
class Table:
    """One question's answer: its title and description, column headings and cells as text."""

    id: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[str]]
    empty: str


def per_evaluation() -> list[Question]:
    """The questions that take an evaluation and need no other option."""
    return [q for q in questions().values()
            if q.parameter("evaluation") is not None and not any(p.required for p in q.parameters)]


def cell_text(cell: Cell) -> str:
    if isinstance(cell, list):
        return "; ".join(cell)
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, Decimal):
        return format(cell, "f")
    return "" if cell is None else str(cell)


def answer_tables(engine: Engine, evaluation: str) -> list[Table]:
    """Each question of :func:`per_evaluation` answered for the evaluation with IRI ``evaluation``."""
    tables = []
    for question in per_evaluation():
        answer = ask(question, engine, {"evaluation": evaluation})
        columns = [c for c in answer.columns if c != "evaluation"]
        rows = [[cell_text(row[c]) for c in columns] for row in answer.rows]
        tables.append(Table(question.id, question.title, question.description, columns, rows, question.empty))
    return tables
