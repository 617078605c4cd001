"""Answers as tables that fit the terminal, and as CSV, TSV, JSON and Markdown."""

from __future__ import annotations

import csv
import io
import json
import sys
from decimal import Decimal

import processes
import pyoxigraph as ox
import pytest

from cmograph.errors import UsageError
from cmograph.ingest.files import RDF_SUFFIXES
from cmograph.render.formats import EXPORTS, RENDERERS, Options, render
from cmograph.render.table import table

COLUMNS = ["outcome", "mechanisms", "sites"]
ROWS: list[dict[str, object]] = [
    {"outcome": "Higher staff morale", "mechanisms": ["Ownership", "Protected time"], "sites": 2},
    {"outcome": "Clarity of purpose, which is a long label that must wrap in narrow terminals",
     "mechanisms": [], "sites": 0},
]


def test_table_fits_80_columns_and_wraps_long_labels() -> None:
    text = render(COLUMNS, ROWS, "table", Options(width=60))  # type: ignore[arg-type]
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "Ownership; Protected time" in text.replace("\n", " ") or "Ownership;" in text
    assert "wrap in narrow" in text.replace("\n", " ").replace("  ", " ") or "narrow" in text


def test_too_many_columns_become_records_that_fit() -> None:
    columns = [f"column_{i}" for i in range(10)]
    rows = [[f"value {i} " * 5 for i in range(10)]]
    text = table(columns, rows, 80)
    assert text.startswith("── 1 ")
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "column_9" in text


def test_rows_squeezed_onto_many_lines_become_records() -> None:
    columns = ["period", "phase", "start", "end", "cmoc", "triggered", "statement"]
    long = "Where staff shortages persist, a daily huddle is felt as one more meeting taken from patient care. " * 2
    rows = [["Set-up", "set-up", "2019-01", "2019-06-30", "CMO3", "yes", long.strip()]] * 3
    assert table(columns, rows, 80).startswith("── 1 ")  # statement would be 26 wide: 8 lines a row
    assert table(columns, rows, 120).startswith("period")  # 66 wide: 3 lines a row
    wide = table(columns, rows, 300)
    assert wide.startswith("period") and len(wide.splitlines()) == 2 + 3  # one line a row


def test_csv_tsv_json_markdown() -> None:
    parsed = list(csv.reader(io.StringIO(render(COLUMNS, ROWS, "csv"))))  # type: ignore[arg-type]
    assert parsed[0] == COLUMNS
    assert parsed[1] == ["Higher staff morale", "Ownership; Protected time", "2"]
    tsv = render(COLUMNS, ROWS, "tsv").splitlines()  # type: ignore[arg-type]
    assert tsv[1].split("\t") == ["Higher staff morale", "Ownership; Protected time", "2"]
    data = json.loads(render(COLUMNS, ROWS, "json"))  # type: ignore[arg-type]
    assert data[0] == {"outcome": "Higher staff morale", "mechanisms": ["Ownership", "Protected time"], "sites": 2}
    markdown = render(COLUMNS, [{"outcome": "a|b", "mechanisms": [], "sites": 1}], "markdown").splitlines()
    assert markdown == ["| outcome | mechanisms | sites |", "|---|---|---|", "| a\\|b |  | 1 |"]
    broken = render(COLUMNS, [{"outcome": "a\tb\r\nc\rd\ne", "mechanisms": [], "sites": 1}], "markdown")
    assert broken.splitlines()[2] == "| a b c d e |  | 1 |"  # a cell stays on its row's line


def test_tsv_keeps_one_record_per_line_escaping_tabs_breaks_and_backslashes() -> None:
    rows = [{"outcome": 'Two lines:\nsaid "honestly"', "mechanisms": ["a\tb", "c\\d"], "sites": 1},
            {"outcome": "plain", "mechanisms": [], "sites": 2}]
    lines = render(COLUMNS, rows, "tsv").split("\n")  # type: ignore[arg-type]
    assert lines == ["outcome\tmechanisms\tsites", 'Two lines:\\nsaid "honestly"\ta\\tb; c\\\\d\t1',
                     "plain\t\t2", ""]
    assert [field.encode().decode("unicode_escape") for field in lines[1].split("\t")] == [
        'Two lines:\nsaid "honestly"', "a\tb; c\\d", "1"]


def test_empty_answers() -> None:
    assert render(COLUMNS, [], "csv") == "outcome,mechanisms,sites\n"
    assert json.loads(render(COLUMNS, [], "json")) == []


def test_numbers_print_exactly() -> None:
    values = [Decimal("123456789012345678.123456789012345678"), Decimal("3.50"), Decimal("-0.0"), Decimal("1E+3"),
              Decimal("0.1"), Decimal("9007199254740993"), 9007199254740993, 12, 2.5, 1e300, float("inf"),
              float("nan")]
    columns = [f"c{i}" for i in range(len(values))]
    row = dict(zip(columns, values, strict=True))
    text = ["123456789012345678.123456789012345678", "3.5", "0", "1000", "0.1", "9007199254740993",
            "9007199254740993", "12", "2.5", "1e+300", "INF", "NaN"]
    assert render(columns, [row], "csv").splitlines()[1] == ",".join(text)
    assert render(columns, [row], "tsv").splitlines()[1] == "\t".join(text)
    assert render(columns, [row], "markdown").splitlines()[2] == "| " + " | ".join(text) + " |"
    assert render(columns, [row], "table", Options(width=400)).splitlines()[2].split() == text
    as_json = render(columns, [row], "json")
    assert json.loads(as_json, parse_float=Decimal) == [dict(zip(columns, [  # numbers where doubles read them back
        "123456789012345678.123456789012345678", Decimal("3.5"), 0, 1000, Decimal("0.1"), "9007199254740993",
        "9007199254740993", 12, Decimal("2.5"), Decimal("1E+300"), "INF", "NaN"], strict=True))]
    assert json.loads(as_json)[0]["c4"] == 0.1


def test_query_output_keeps_the_numbers_stored() -> None:
    from cmograph.query.raw import run_query

    store = ox.Store()
    store.update("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> INSERT DATA { <urn:m> <urn:v> "
                 '123456789012345678.123456789012345678, 3.5, 7 , "1e999"^^xsd:decimal, "abc"^^xsd:integer, '
                 '"INF"^^xsd:double, "maybe"^^xsd:boolean, true }')
    result = run_query(store, "SELECT ?v WHERE { <urn:m> <urn:v> ?v } ORDER BY STR(?v)")
    assert render(result.columns, result.rows, "csv").splitlines()[1:] == [  # the ill-typed as written
        "123456789012345678.123456789012345678", "1e999", "3.5", "7", "INF", "abc", "maybe", "yes"]
    assert [r["v"] for r in json.loads(render(result.columns, result.rows, "json"))] == [
        "123456789012345678.123456789012345678", "1e999", 3.5, 7, "INF", "abc", "maybe", True]


def test_every_format_is_registered_once_under_its_names_and_aliases() -> None:
    assert list(RENDERERS) == ["table", "csv", "tsv", "json", "markdown"]
    assert list(EXPORTS) == ["turtle", "nt", "jsonld", "trig", "nquads"]
    assert EXPORTS["ttl"] is EXPORTS["turtle"] and EXPORTS["nq"] is EXPORTS["nquads"]
    assert RENDERERS["md"] is RENDERERS["markdown"]
    assert all(callable(RENDERERS[name].load()) for name in RENDERERS)
    assert render(COLUMNS, ROWS, "md") == render(COLUMNS, ROWS, "markdown")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="there is no output format 'xlsx'") as refused:
        render(COLUMNS, ROWS, "xlsx")  # type: ignore[arg-type]
    assert refused.value.hint == "use one of table, csv, tsv, json, markdown, md"


def test_every_export_format_name_is_a_suffix_that_reads_back() -> None:
    assert [name for name in EXPORTS.spellings() if f".{name}" not in RDF_SUFFIXES] == []


def test_the_registry_imports_no_writer() -> None:
    code = ("import sys; import cmograph.render.formats\n"
            "print(sorted(m for m in sys.modules if m.startswith(('pyoxigraph', 'rdflib', 'cmograph.render.'))))")
    out = processes.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['cmograph.render.formats']"


HOSTILE = "a\x1b[2J\x1b]0;title\x07b\x9b1m\u202ec\x7fd"


def test_tables_and_markdown_show_control_characters_escaped() -> None:
    escaped = "a\\u001b[2J\\u001b]0;title\\u0007b\\u009b1m\\u202ec\\u007fd"
    rows = [{"outcome\x1b[1m": HOSTILE, "mechanisms": ["x\ty\nz"], "sites": 1}]
    columns = ["outcome\x1b[1m", "mechanisms", "sites"]  # a column name from a server can hold anything too
    for fmt in ("table", "markdown"):
        text = render(columns, rows, fmt, Options(width=200))  # type: ignore[arg-type]
        assert escaped in text and "outcome\\u001b[1m" in text and "x y z" in text, fmt
        assert all(c.isprintable() for c in text.replace("\n", "")), fmt


def test_json_writes_control_characters_as_escapes_that_read_back_exactly() -> None:
    text = render(["outcome"], [{"outcome": HOSTILE}], "json")
    assert text.isascii() and "\\u009b" in text and "\\u202e" in text
    assert json.loads(text) == [{"outcome": HOSTILE}]


def test_csv_and_tsv_guard_text_a_spreadsheet_would_run_but_never_numbers() -> None:
    columns = ["text", "list", "number", "decimal", "double", "plain"]
    row = {"text": "=1+1", "list": ["@SUM(A1)", "b"], "number": -3, "decimal": Decimal("-0.5"), "double": float("-inf"),
           "plain": "a=b"}
    guarded = ["'=1+1", "'@SUM(A1); b", "-3", "-0.5", "-INF", "a=b"]
    assert next(csv.reader(io.StringIO(render(columns, [row], "csv").splitlines()[1]))) == guarded
    assert render(columns, [row], "tsv").splitlines()[1].split("\t") == guarded
    exact = render(columns, [row], "csv", Options(keep_formulas=True)).splitlines()[1]
    assert next(csv.reader(io.StringIO(exact)))[:2] == ["=1+1", "@SUM(A1); b"]
    for start in "=+-@\t\r\x00":
        assert list(csv.reader(io.StringIO(render(["c"], [{"c": start + "x"}], "csv"), newline=""))) == [
            ["c"], ["'" + start + "x"]]
    # a carriage return inside a cell is quoted, so it cannot end the record and start a row with a formula
    assert list(csv.reader(io.StringIO(render(["c"], [{"c": "x\r=1+1"}], "csv"), newline=""))) == [["c"], ["x\r=1+1"]]


@pytest.mark.parametrize("args", [["ask", "what-worked", "--example"], ["export", "--example"], ["schema"]])
def test_output_read_only_in_part_leaves_quietly(args: list[str]) -> None:
    # `cmograph ask ... | head`: what reads the output stops before the end, and the command leaves without a word
    # (not "error: Broken pipe", nor Python's complaint at exit), as `head` expects
    import subprocess

    child = processes.start([sys.executable, "-m", "cmograph", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the interpreter has started, let alone printed
    said = child.stderr.read().decode()
    assert (child.wait(timeout=60), said) == (0, "")


@pytest.mark.skipif(not hasattr(__import__("select"), "poll"), reason="without poll, a broken pipe is the output's")
def test_another_broken_pipe_is_not_taken_for_the_output() -> None:
    # a worker's or a server's pipe breaking is an error, even while the output is read on: its message, exit code 2
    code = ("import os, sys\nfrom cmograph.cli.common import guarded, output_closed\nprint(output_closed())\n"
            "def run():\n    read, write = os.pipe()\n    os.close(read)\n    os.write(write, b'x')\nguarded(run)\n")
    done = processes.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (2, "False\n", "error: Broken pipe\n")
