"""Fixtures shared by several test modules."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import STARTED, stop_started

VALID = Path(__file__).parent / "data" / "valid"


@pytest.fixture(autouse=True)
def _stop_what_the_test_started() -> Iterator[None]:
    """Every process the test started with ``processes.start`` or ``processes.run`` is stopped by PID when it ends."""
    since = len(STARTED)
    yield
    stop_started(since)


def pytest_sessionfinish() -> None:
    """And any process started outside a test (by a module or session fixture)."""
    stop_started()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A new project folder holding two evaluations (riverside-wards, hillside-review), not yet loaded."""
    from cmograph.store.project import init_project

    root = tmp_path / "study"
    init_project(root)
    (root / "evaluations" / "my-evaluation.yaml").unlink()
    shutil.copy(VALID / "riverside-wards.yaml", root / "evaluations")
    shutil.copy(VALID / "hillside-review.json", root / "evaluations")
    return root
