"""The questions as the explorer shows them: titles, descriptions, options and columns, as JSON."""

from __future__ import annotations

from typing import Any

from cmograph.query.catalogue import Parameter, Question, questions

# the query-string names the explorer takes besides a question's own options
RESERVED = ("question", "like", "format")
# the columns that make an answer's rows configurations of contexts, mechanisms and outcomes
CONFIGURATION_COLUMNS = ("cmoc",)
MECHANISM_COLUMNS = ("mechanism", "mechanisms")


def draws(question: Question) -> bool:
    """Whether the question's rows are configurations with their mechanisms, drawn as context -> mechanism ->
    outcome (``why``, ``what-worked``, ``contradictions``...; not ``evidence``, ``gaps``, ``when``...)."""
    columns = set(question.columns)
    return bool(columns & set(CONFIGURATION_COLUMNS)) and bool(columns & set(MECHANISM_COLUMNS))


def option_json(parameter: Parameter) -> dict[str, Any]:
    return {"name": parameter.name, "type": parameter.type, "element": parameter.is_element, "help": parameter.help,
            "required": parameter.required, "example": parameter.example,
            "default": None if parameter.default is None else str(parameter.default),
            "choices": list(parameter.choices)}


def question_json(question: Question) -> dict[str, Any]:
    """One question: what the page lists, and the form of its options."""
    return {"id": question.id, "title": question.title, "description": question.description,
            "empty": question.empty, "example": question.example, "diagram": draws(question),
            "options": [option_json(p) for p in question.parameters],
            "columns": [{"name": name, "explanation": text} for name, text in question.columns.items()]}


def catalogue() -> list[dict[str, Any]]:
    """Every question, in the order ``cmograph ask --list`` gives them."""
    return [question_json(q) for q in questions().values()]
