"""Finding evidence files in folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cmograph.errors import InputError
from cmograph.ingest.files import evidence_files, scan_folder


def test_scan_finds_evidence_and_rdf_files_sorted_skipping_hidden_ones_and_linked_folders(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.JSON", "sub/c.ttl", "sub/deeper/d.yml", "notes.txt", ".hidden.yaml",
                 ".git/e.yaml", "sub/.cache/f.yaml", "cmograph.schema.json", "sub/Other.Schema.JSON"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()  # a folder with an evidence suffix is not a file
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (elsewhere / "g.yaml").write_text("x", encoding="utf-8")
    os.symlink(elsewhere, tmp_path / "linked")  # not followed (as Path.rglob)
    os.symlink(elsewhere / "g.yaml", tmp_path / "link.yaml")  # a linked file is a file
    found = [p.relative_to(tmp_path).as_posix() for p in scan_folder(tmp_path)]
    assert found == ["a.JSON", "b.yaml", "link.yaml", "sub/c.ttl", "sub/deeper/d.yml"]


def test_scan_gives_files_in_the_order_paths_sort_in(tmp_path: Path) -> None:
    """Part by part, as Path sorts (the order files are checked and loaded in, and so which of two files giving one
    evaluation is told it is the second): ``a/b.yaml`` before ``a-b.yaml``, which text order would put first."""
    for name in ("a-b.yaml", "a/b.yaml", "a/B.yaml", "a.b/c.yaml", "a0.yaml", "A.yaml", "a/b/c.yaml", "ab.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = scan_folder(tmp_path)
    assert found == sorted(found) and len(found) == 8
    assert found.index(tmp_path / "a" / "b.yaml") < found.index(tmp_path / "a-b.yaml")


def test_an_empty_folder_and_a_missing_path_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no evidence files in this folder"):
        evidence_files([tmp_path])
    with pytest.raises(InputError, match="no such file or folder"):
        evidence_files([tmp_path / "nothing.yaml"])


def test_a_file_named_twice_is_taken_once(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "b.yaml", tmp_path.parent / f"{tmp_path.name}-b.yaml")
    named = [tmp_path / "b.yaml", tmp_path, Path(f"{tmp_path}/./a.yaml"), tmp_path.parent / f"{tmp_path.name}-b.yaml"]
    assert evidence_files(named) == [tmp_path / "b.yaml", tmp_path / "a.yaml"]
