"""Reading YAML and JSON: JSON-like typing, line numbers, clear syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmograph.errors import InputError
from cmograph.reading import parse_text, path_text, read_document


def test_yaml_keeps_dates_times_and_words_as_text() -> None:
    doc = parse_text(Path("a.yaml"), "start: 2008-05-01\nmonth: 2008-05\nat: 12:30\nid: no\nok: true\nn: 1.10\n")
    assert doc.data == {"start": "2008-05-01", "month": "2008-05", "at": "12:30", "id": "no", "ok": True, "n": 1.1}
    assert doc.text(("n",), doc.data["n"]) == "1.10"


def test_lines_are_remembered_for_nested_values() -> None:
    doc = parse_text(Path("a.yaml"), "cmocs:\n  - id: A\n    context: [c1]\n")
    assert doc.line(("cmocs", 0, "context")) == 3
    assert doc.line(("cmocs", 0, "missing")) == 2


def test_duplicate_key_is_an_error_with_its_line() -> None:
    with pytest.raises(InputError, match=r"a.yaml: cmocs\[1\]:3: the key 'id' is given twice"):
        parse_text(Path("a.yaml"), "cmocs:\n  - id: A\n    id: B\n")


def test_yaml_syntax_error_names_line_and_column() -> None:
    with pytest.raises(InputError, match=r"^a.yaml:2:5: YAML syntax error"):
        parse_text(Path("a.yaml"), "a: b\nc: d: e\n")


def test_json_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{\n  "a": 1,\n}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"^a.json:3:1: JSON syntax error"):
        read_document(path)


def test_json_is_read_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{\n  "cmocs": [\n    {"id": "A"}\n  ]\n}\n', encoding="utf-8")
    doc = read_document(path)
    assert doc.data == {"cmocs": [{"id": "A"}]}
    assert doc.line(("cmocs", 0)) == 3


def test_missing_and_non_utf8_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "none.yaml")
    bad = tmp_path / "latin.yaml"
    bad.write_bytes(b"label: caf\xe9\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_document(bad)


def test_empty_file_is_an_empty_mapping() -> None:
    assert parse_text(Path("a.yaml"), "").data == {}


def test_path_text() -> None:
    assert path_text("f.yaml", ("cmocs", 2, "id")) == "f.yaml: cmocs[3].id"
    assert path_text("f.yaml", ()) == "f.yaml"
