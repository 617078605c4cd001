"""Reading YAML and JSON: JSON-like typing, line numbers, clear syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmograph.errors import InputError
from cmograph.ingest.yaml_json import parse_text, path_text, read_document


def test_yaml_keeps_dates_times_and_words_as_text() -> None:
    doc = parse_text(Path("a.yaml"), "start: 2008-05-01\nmonth: 2008-05\nat: 12:30\nid: no\nok: true\nn: 1.10\n")
    assert doc.data == {"start": "2008-05-01", "month": "2008-05", "at": "12:30", "id": "no", "ok": True, "n": 1.1}
    assert doc.text(("n",), doc.data["n"]) == "1.10"


@pytest.mark.parametrize(("written", "value"), [
    ("true", True), ("False", False), ("TRUE", True), ("'true'", "true"), ('"false"', "false"), ("yes", "yes"),
    ("1", 1), ("-3", -3), ("+7", 7), ("'1'", "1"), ("1.5", 1.5), (".5", 0.5), ("1e3", 1000.0), ("-x", "-x"),
    ("~", None), ("null", None), ("Null", None), ("", None), ("''", ""), ("nothing", "nothing"), ("n/a", "n/a"),
    ("text", "text"), ("01", 1.0), ("0x1F", "0x1F"), ("!!str 1", "1"), ("! 1", 1), ('"Ünïcode"', "Ünïcode"),
])
def test_plain_values_are_typed_as_json_types_them_and_quoted_ones_are_text(written: str, value: object) -> None:
    assert parse_text(Path("a.yaml"), f"v: {written}\n").data == {"v": value}


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


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_byte_order_mark_is_read_past_and_keeps_lines_and_columns(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_text('\ufeff{"cmocs": [\n  {"id": "A"}\n]}\n', encoding="utf-8")  # as Windows Notepad saves it
    doc = read_document(path)
    assert doc.data == {"cmocs": [{"id": "A"}]}
    assert doc.line(("cmocs", 0, "id")) == 2
    messages = []
    for bom in ("", "\ufeff"):
        path.write_text(bom + '{"cmocs": [{"id": "A"} {"id": "B"}]}\n', encoding="utf-8")
        with pytest.raises(InputError) as error:
            read_document(path)
        messages.append(error.value.message)
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"a{suffix}:1:24: {'JSON' if suffix == '.json' else 'YAML'} syntax error")


def test_json_text_is_read_as_json_reads_it(tmp_path: Path) -> None:
    import json

    # json.dumps writes a character beyond U+FFFF as an escaped surrogate pair (\\ud83d\\ude00); JSON strings may
    # also hold NEL, LINE SEPARATOR, DEL and other characters that YAML reads as line breaks or refuses
    pairs = json.dumps({"a": "\U0001f600 x\\ud83d\\ude00", "\U0001f600": 1}, indent=1)
    raw = json.dumps({"b\u2028": "x\x85y\u2029z\x7f\x9f\ufffe"}, indent=1, ensure_ascii=False)
    text = pairs[:-2] + ",\n" + raw[2:] + "\n"
    assert "\\ud83d\\ude00" in text and "\u2028" in text
    path = tmp_path / "a.json"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert doc.data == json.loads(text)
    assert doc.line(("b\u2028",)) == 4


def test_a_lone_surrogate_escape_in_json_is_placed_as_written_with_a_json_hint(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    text = '{"a": "\\ud83d\\ude00\u2028", "b": "c\\ud800"}'  # the pair and the separator come before it
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_document(path)
    column = text.index("\\ud800") + 1
    assert error.value.message == (f"a.json:1:{column}: the text holds an unpaired surrogate escape "
                                   "(\\ud800-\\udfff), which is not a character")
    assert error.value.hint == "write the character itself, or its pair of surrogates"


def test_valid_json_that_yaml_cannot_read_has_a_json_hint(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"cmograph": 1,\n "evaluation"\n   : {"id": "x"}}\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_document(path)
    assert error.value.message.startswith("a.json:3:4: JSON that cmograph cannot read: ")
    assert error.value.hint is not None and "key on the same line as its ':'" in error.value.hint


def test_a_surrogate_escape_in_yaml_has_an_escape_hint() -> None:
    with pytest.raises(InputError) as error:
        parse_text(Path("a.yaml"), 'a: b\nc: "x\\ud83d\\ude00"\n')
    assert error.value.message.startswith("a.yaml:2:6: the text holds an escape that is not a character")
    assert error.value.hint == "write the character itself, or its code as \\U and 8 hex digits, e.g. \\U0001f600"
    assert parse_text(Path("a.yaml"), 'c: "x\\U0001f600"\n').data == {"c": "x\U0001f600"}


def test_a_character_yaml_refuses_is_placed_by_line_and_column() -> None:
    with pytest.raises(InputError) as error:
        parse_text(Path("a.yaml"), 'a: "é"\nc: "éé\x7f"\n')
    assert error.value.message == "a.yaml:2:7: the character U+007F is not allowed here"
    assert error.value.hint == "remove it, or write it as the escape \\u007f inside double quotes"


def test_an_unknown_tag_names_its_item_key_and_line() -> None:
    with pytest.raises(InputError) as error:
        parse_text(Path("a.yaml"), "evaluation:\n  id: x\n  title: !custom x\n")
    assert error.value.message == "a.yaml: evaluation.title:3: the YAML tag '!custom' is not one cmograph reads"
    assert error.value.hint == "remove '!custom' and write the value alone"
    with pytest.raises(InputError, match=r"^a.yaml: title:1: the YAML tag '!<tag:example.org,2026:x>' is not one"):
        parse_text(Path("a.yaml"), "title: !<tag:example.org,2026:x> 12\n")
    assert parse_text(Path("a.yaml"), "title: !!str 12\n").data == {"title": "12"}  # a tag YAML defines is read


# ---------------------------------------------------------------------------------------------- bounds (issue #18)


def test_several_yaml_documents_are_named_as_such() -> None:
    with pytest.raises(InputError) as error:
        parse_text(Path("a.yaml"), "cmograph: 1\nevaluation:\n  id: a\n---\ncmograph: 1\n")
    assert error.value.message == "a.yaml:4:1: this file has several YAML documents (separated by '---')"
    assert error.value.hint == "put one evaluation per file, and remove the '---' line"
    assert parse_text(Path("a.yaml"), "---\ncmograph: 1\n").data == {"cmograph": 1}  # one document may start so


def test_a_key_longer_than_yaml_allows_is_named_as_such() -> None:
    with pytest.raises(InputError) as error:
        parse_text(Path("a.yaml"), "cmograph: 1\n" + "k" * 1100 + ": v\n")
    assert error.value.message == "a.yaml:2:1: a key longer than 1024 characters"
    assert error.value.hint is not None and error.value.hint.startswith(
        "YAML does not allow implicit keys that long; keys are short names such as 'label'")
    with pytest.raises(InputError) as error:  # a long line with no ':' at all is not a long key
        parse_text(Path("a.yaml"), "cmograph: 1\n" + "k" * 1100 + "\nx: 1\n")
    assert error.value.message == "a.yaml:3:1: YAML syntax error: could not find expected ':'"
