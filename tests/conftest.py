"""Fixtures shared by several test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

VALID = Path(__file__).parent / "data" / "valid"


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
