"""The documentation cannot fall behind the code.

- The worked file in ``docs/evidence-format.md`` (the ```yaml block whose first line is ``# worked-example``)
  validates with no diagnostics at all, and uses every key of every section of :mod:`cmograph.model`.
- Every value of every closed list appears in the format guide.
- Every top-level command has a page ``docs/commands/<command>.md`` that names each of its options.
- Every canned question has a page ``docs/questions/<id>.md``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from cmograph.cli import main
from cmograph.model import ALL_SECTIONS, ENUMERATIONS, EVALUATION, LISTS, TOP_LEVEL_KEYS, Section
from cmograph.questions import questions
from cmograph.validation import check_file

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDE = DOCS / "evidence-format.md"
MARK = "# worked-example"
TOP = "(top level)"
FENCE = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def yaml_blocks(text: str) -> list[str]:
    """The contents of every ```yaml fenced block of a Markdown text."""
    return [m.group(1) for m in FENCE.finditer(text)]


def worked_examples() -> list[str]:
    return [b for b in yaml_blocks(GUIDE.read_text(encoding="utf-8")) if b.splitlines()[:1] == [MARK]]


def keys_used(data: dict[str, Any]) -> dict[str, set[str]]:
    """Per section name, the keys the file writes in any item of that section (nested sections included)."""
    used: dict[str, set[str]] = defaultdict(set)
    used[TOP] = set(data)

    def visit(section: Section, value: Any) -> None:
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, dict):
                continue
            used[section.name] |= set(item)
            for key in section.keys:
                if key.section is not None and key.name in item:
                    visit(key.section, item[key.name])

    visit(EVALUATION, data.get("evaluation"))
    for section in LISTS:
        visit(section, data.get(section.name) or [])
    return used


def test_the_guide_has_exactly_one_worked_example() -> None:
    assert len(worked_examples()) == 1, f"expected one ```yaml block starting with {MARK!r} in {GUIDE}"


@pytest.mark.parametrize("index", range(len(worked_examples())))
def test_worked_example_validates_without_any_diagnostic(index: int, tmp_path: Path) -> None:
    path = tmp_path / "worked-example.yaml"
    path.write_text(worked_examples()[index], encoding="utf-8")
    checked = check_file(path)
    assert checked.report.conforms, "\n".join(str(d) for d in checked.report)
    assert not checked.report.diagnostics, "\n".join(str(d) for d in checked.report)
    assert checked.graphs, "the worked example produced no graph"


def test_worked_example_uses_every_key_of_the_model() -> None:
    (text,) = worked_examples()
    used = keys_used(yaml.safe_load(text))
    top = {k for k in TOP_LEVEL_KEYS if not k.startswith("$")}
    expected = {TOP: top} | {s.name: {k.name for k in s.keys} for s in ALL_SECTIONS}
    missing = {name: sorted(keys - used.get(name, set())) for name, keys in expected.items()}
    missing = {name: keys for name, keys in missing.items() if keys}
    assert not missing, f"the worked example in {GUIDE.name} does not use these keys: {missing}"


def test_every_key_and_value_of_the_model_is_in_the_guide() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    keys = {k for k in TOP_LEVEL_KEYS if not k.startswith("$")} | {k.name for s in ALL_SECTIONS for k in s.keys}
    named = set(re.findall(r"`(?:\w+\.)*(\w+)`", text))  # `key` or `section.key`
    assert not sorted(keys - named), "keys the guide never names"
    values = {v for e in ENUMERATIONS for v in e.values}
    assert not sorted(v for v in values if f"`{v}`" not in text), "allowed values the guide never names"


def top_level_commands() -> dict[str, click.Command]:
    return dict(main.commands)


@pytest.mark.parametrize("name", sorted(top_level_commands()))
def test_every_command_has_a_page_naming_its_options(name: str) -> None:
    page = DOCS / "commands" / f"{name}.md"
    assert page.is_file(), f"missing {page.relative_to(DOCS.parent)}"
    text = page.read_text(encoding="utf-8")
    command = top_level_commands()[name]
    options = [o for p in command.params if isinstance(p, click.Option) for o in p.opts if o.startswith("--")]
    absent = [o for o in options if o not in text]
    assert not absent, f"{page.name} does not mention {absent}"


@pytest.mark.parametrize("qid", sorted(questions()))
def test_every_question_has_a_page(qid: str) -> None:
    page = DOCS / "questions" / f"{qid}.md"
    assert page.is_file(), f"missing {page.relative_to(DOCS.parent)}"
