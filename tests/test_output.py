"""Answers as tables that fit the terminal, and as CSV, TSV, JSON and Markdown."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pyoxigraph as ox

from cmograph.render.tables import render, table

COLUMNS = ["outcome", "mechanisms", "sites"]
ROWS: list[dict[str, object]] = [
    {"outcome": "Higher staff morale", "mechanisms": ["Ownership", "Protected time"], "sites": 2},
    {"outcome": "Clarity of purpose, which is a long label that must wrap in narrow terminals",
     "mechanisms": [], "sites": 0},
]


def test_table_fits_80_columns_and_wraps_long_labels() -> None:
    text = render(COLUMNS, ROWS, "table", 60)  # type: ignore[arg-type]
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
    assert render(columns, [row], "table", 400).splitlines()[2].split() == text
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
