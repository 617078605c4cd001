"""docs/reliability.md names, for each guarantee, the test that proves it: every test it names must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "reliability.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")


def defined_tests(path: Path) -> set[str]:
    """``test_x`` and ``Class::test_x`` for every test function and method in a file."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{f.name}" for f in node.body
                      if isinstance(f, ast.FunctionDef) and f.name.startswith("test_")}
    return names


@pytest.mark.slow
def test_every_test_the_reliability_page_names_exists() -> None:
    references = REFERENCE.findall(PAGE.read_text(encoding="utf-8"))
    assert len(references) > 40
    missing = [f"{file}::{name}" for file, name in references
               if not (ROOT / file).is_file() or name not in defined_tests(ROOT / file)]
    assert missing == []


@pytest.mark.slow
def test_every_test_of_the_reliability_files_is_on_the_page() -> None:
    named = {f"{file}::{name}" for file, name in REFERENCE.findall(PAGE.read_text(encoding="utf-8"))}
    for file in ("test_crash.py", "test_injection.py", "test_untrusted.py", "test_fuzz.py"):
        for name in defined_tests(ROOT / "tests" / file):
            assert f"tests/{file}::{name}" in named, f"tests/{file}::{name} proves something the page does not say"
