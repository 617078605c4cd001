"""`cmograph import`, `cmograph template` and `cmograph export --format xlsx`, run for real.

- Published CMOC tables (tests/data/tables/, each cited in its README) import into the configurations the paper
  lists: ids, counts and the element texts of each row are compared with the fixture's ``.expected.json``; the
  file validates, and a question can be asked of it.
- Bad input (a wrong header, an empty sheet, a cell merged across columns, a formula, a date where text is
  expected, a reference to a missing id, ...) exits 2 naming the cell, with no traceback and no file written.
- The workbook: made from the format's model (a sheet per section, a note on each header, drop-down lists, frozen
  headers, instructions); YAML -> workbook -> YAML gives the same graph for every valid test file and example.
- LibreOffice (marked slow): opens the template (converted to PDF), and its .ods copy of a workbook imports back
  to the same graph.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import processes
import pytest
import yaml
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from cmograph.checks.pipeline import check_file
from cmograph.cli import main
from cmograph.errors import UsageError
from cmograph.format.model import EVALUATION, LISTS
from cmograph.ingest.importers.columns import parse_columns
from cmograph.ingest.importers.layout import LAYOUT
from cmograph.ingest.importers.sheets import decode, sniff_delimiter
from cmograph.ingest.importers.table import paper_id

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "tests" / "data" / "tables"
ROUND_TRIP = sorted((ROOT / "tests" / "data" / "valid").iterdir()) + sorted((ROOT / "examples").glob("*.yaml"))


def run(*args: str | Path, cwd: Path | None = None) -> Result:
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


def expected(name: str) -> list[dict[str, Any]]:
    return json.loads((TABLES / f"{name}.expected.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def imported(tmp_path: Path, table: str, *options: str) -> dict[str, Any]:
    """Import ``table`` with ``options``; check it exits 0, writes a file that validates, and return its data."""
    out = tmp_path / "out.yaml"
    result = run("import", TABLES / table, *options, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    checked = check_file(out)
    assert checked.report.conforms and checked.graphs, [str(d) for d in checked.report]
    data: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    return data


def labels(data: dict[str, Any], section: str, ids: list[str]) -> list[str]:
    by_id = {item["id"]: item["label"] for item in data.get(section, [])}
    return [by_id[i] for i in ids]


def configuration(data: dict[str, Any], cmoc_id: str) -> dict[str, Any]:
    found = [c for c in data["cmocs"] if c["id"] == cmoc_id]
    assert len(found) == 1, cmoc_id
    return found[0]


def assert_parts(data: dict[str, Any], cmoc: dict[str, Any], row: dict[str, Any]) -> None:
    assert labels(data, "contexts", cmoc["context"]) == row["context"]
    assert labels(data, "mechanisms", cmoc["mechanism"]) == row["mechanism"]
    assert labels(data, "outcomes", cmoc["outcome"]) == row["outcome"]


# --- published tables ----------------------------------------------------------------------------------------------


def test_luetsch_xlsx_merged_group_line_break_items_and_outcomes_without_the_mechanism(tmp_path: Path) -> None:
    """Luetsch et al. 2021, Table 5: title merged across, a group cell merged down five rows, numeric ids, items
    on separate lines, and a column of outcomes when the mechanism is not present."""
    data = imported(tmp_path, "luetsch2021_table5.xlsx", "--columns", "Group=theory")
    rows = expected("luetsch2021_table5")
    assert [c["id"] for c in data["cmocs"]] == [x for r in rows for x in (r["id"], f"{r['id']}-not-activated")]
    assert data["evaluation"] == {"id": "luetsch2021-table5", "title": "Table 5 CMOCs for final programme theory"}
    for row in rows:
        cmoc = configuration(data, row["id"])
        assert_parts(data, cmoc, row)
        twin = configuration(data, f"{row['id']}-not-activated")
        assert twin["mechanism_activated"] is False
        assert (twin["context"], twin["mechanism"]) == (cmoc["context"], cmoc["mechanism"])
        assert labels(data, "outcomes", twin["outcome"]) == row["outcome_when_mechanism_absent"]
    assert len(data["contexts"]) == 6 and len(data["mechanisms"]) == 12 and len(data["outcomes"]) == 11
    (theory,) = data["theories"]  # the merged group cell applies to all five rows
    assert theory["label"] == "CMOCs\u2014participation" and len(theory["cmocs"]) == 10
    answer = run("ask", "in-context", "--data", tmp_path / "out.yaml", "--context", "Location of MR appointment.",
                 "--format", "csv")
    assert answer.exit_code == 0
    assert answer.output.splitlines()[1:] == [
        "Location of MR appointment.,yes,M2: less effort required.; M6: patient preferences.,"
        "O1: patients participate in MR.17 23 76,,,,5",
        "Location of MR appointment.,no,M2: less effort required.; M6: patient preferences.,"
        "O2: patients decline to participate in MR.37 38 40 41 52 74 75,,,,5-not-activated"]


def test_bunn_ods_headings_over_repeated_headers_and_bulleted_cells(tmp_path: Path) -> None:
    """Bunn et al. 2018, Table 3 (LibreOffice .ods): a heading row 'CMO1: ...' merged across above a repeated
    Context/Mechanism/Outcome header, and cells of bullets."""
    data = imported(tmp_path, "bunn2018_table3.ods")
    rows = expected("bunn2018_table3")
    assert [c["id"] for c in data["cmocs"]] == ["CMO1", "CMO2"]
    for row in rows:
        cmoc = configuration(data, row["id"])
        assert_parts(data, cmoc, row)
        assert cmoc["statement"] == row["title"]
    assert len(data["contexts"]) == 8 and "theories" not in data
    why = run("ask", "why", "--data", tmp_path / "out.yaml", "--outcome", "Anxiety", "--format", "csv")
    assert why.exit_code == 0 and why.output.count(",CMO2\n") == 4


def test_bosongo_tsv_numeric_ids_actors_and_semicolon_items(tmp_path: Path) -> None:
    """Bosongo et al. 2024, Table 3 (TSV): numeric ids, 'Actors' as for whom, items separated by '; ', the same
    context in three rows (one element)."""
    data = imported(tmp_path, "bosongo2024_table3.tsv", "--separator", "; ")
    rows = expected("bosongo2024_table3")
    assert [c["id"] for c in data["cmocs"]] == ["1", "2", "3", "4", "5"]
    for row in rows:
        cmoc = configuration(data, row["id"])
        assert_parts(data, cmoc, row)
        assert labels(data, "groups", cmoc["for_whom"]) == row["for_whom"]
    assert len(data["contexts"]) == len({text for row in rows for text in row["context"]}) == 8
    assert [c["context"][0] for c in data["cmocs"][2:]] == ["c6", "c6", "c6"]
    assert [g["id"] for g in data["groups"]] == ["pha-staff", "dhmt-members"]


def test_bryne_csv_with_bom_crlf_and_paragraphs_in_a_cell(tmp_path: Path) -> None:
    """Bryne et al. 2022, Table 3 (Excel 'CSV UTF-8'): a byte order mark, CRLF records, a cell of two paragraphs
    on separate lines, the id inside 'Number 1, relates to programme theory 1'."""
    data = imported(tmp_path, "bryne2022_table3.csv")
    rows = expected("bryne2022_table3")
    assert [c["id"] for c in data["cmocs"]] == ["1", "2"]
    for row in rows:
        assert_parts(data, configuration(data, row["id"]), row)
    text = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    assert "'Number 1, relates to programme theory 1' -> 1" in " ".join(text.split())


def test_handley_semicolon_windows_1252_fill_down_and_tagged_statements(tmp_path: Path) -> None:
    """Handley et al. 2017, Table 3 (';'-separated, Windows-1252): a brief title printed once per two rows
    (--fill-down), statements whose parts are tagged (context), (mechanism resource), (mechanism reasoning),
    (outcome)."""
    data = imported(tmp_path, "handley2017_table3_semicolon.csv", "--columns", "Brief title=theory",
                    "--fill-down", "Brief title")
    rows = expected("handley2017_table3_semicolon")
    assert [c["id"] for c in data["cmocs"]] == ["CMOC1", "CMOC2", "CMOC3", "CMOC4"]
    for cmoc, row in zip(data["cmocs"], rows, strict=True):
        assert cmoc["statement"] == row["configuration"]
    first = data["cmocs"][0]
    assert labels(data, "contexts", first["context"]) == [
        "Where behaviours that challenge are understood as communication of an unmet need"]
    mechanisms = {m["id"]: m for m in data["mechanisms"]}
    assert [(mechanisms[m]["label"], mechanisms[m]["kind"]) for m in first["mechanism"]] == [
        ("through training, resources and support from experts in dementia care", "resource"),
        ("staff will feel they have improved capacity and capability to influence the situation", "response")]
    assert labels(data, "outcomes", first["outcome"]) == [
        "making it more likely they will identify and address the need"]
    assert [(t["label"], t["cmocs"]) for t in data["theories"]] == [
        (rows[0]["brief_title"], ["CMOC1", "CMOC2"]), (rows[2]["brief_title"], ["CMOC3", "CMOC4"])]


def test_francis_coad_untagged_statements_say_what_to_do(tmp_path: Path) -> None:
    """Francis-Coad et al. 2018, Table 2: configurations as untagged sentences cannot be split into contexts,
    mechanisms and outcomes: one problem at the statements' header, exit 2, nothing written."""
    out = tmp_path / "out.yaml"
    result = run("import", TABLES / "francis-coad2018_table2.csv", "--fill-down", "Level", "-o", out)
    assert result.exit_code == 2
    assert result.output.startswith("[ERROR] francis-coad2018_table2.csv:2:3: the table's configurations are "
                                    "statements with no (context), (mechanism) and (outcome) tags")
    assert "error: francis-coad2018_table2.csv: 1 problem; nothing was written" in result.output
    assert not out.exists() and "Traceback" not in result.output


@pytest.mark.slow
def test_without_output_the_file_goes_into_the_project(tmp_path: Path) -> None:
    assert run("init", tmp_path).exit_code == 0
    result = run("import", TABLES / "bunn2018_table3.ods", "--id", "bunn-2018", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    written = tmp_path / "evaluations" / "bunn-2018.yaml"
    assert f"wrote {written}" in result.output
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["evaluation"]["id"] == "bunn-2018"
    again = run("import", TABLES / "bunn2018_table3.ods", "--id", "bunn-2018", cwd=tmp_path)
    assert again.exit_code == 2 and "exists; nothing was written" in again.output
    assert run("import", TABLES / "bunn2018_table3.ods", "--id", "bunn-2018", "--force", cwd=tmp_path).exit_code == 0
    nowhere = run("import", TABLES / "bunn2018_table3.ods", cwd=tmp_path.parent)
    assert nowhere.exit_code == 2 and "not a cmograph project" in nowhere.output


# --- bad input -----------------------------------------------------------------------------------------------------


def refused(result: Result, out: Path, *lines: str) -> None:
    assert result.exit_code == 2, result.output
    for line in lines:
        assert line in result.output, result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output
    assert not out.exists()


def workbook(path: Path, rows: list[list[Any]], edit: Any = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Table"
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    book.save(path)
    return path


HEADER = ["CMOC", "Context", "Mechanism", "Outcome"]
ROW = ["CMOC1", "Staff have protected time", "Huddle", "Higher morale"]


def test_a_wrong_header_in_columns(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    result = run("import", TABLES / "bosongo2024_table3.tsv", "--columns", "Contxt=context", "-o", out)
    refused(result, out, "[ERROR] bosongo2024_table3.tsv:1:1: no column is headed 'Contxt' (--columns) "
            "(did you mean 'Context'?)")


def test_no_header_row(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("Row,Text\n1,Something\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    refused(run("import", table, "-o", out), out, "[ERROR] t.csv:1:1: no header row naming the columns",
            "row 1 holds 'Row', 'Text'")


def test_an_empty_sheet_and_an_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    refused(run("import", workbook(tmp_path / "empty.xlsx", []), "-o", out), out,
            "[ERROR] empty.xlsx:Table!A1: the sheet is empty")
    (tmp_path / "empty.csv").write_bytes(b"")
    refused(run("import", tmp_path / "empty.csv", "-o", out), out, "[ERROR] empty.csv: the file is empty")


def test_a_cell_merged_across_columns(tmp_path: Path) -> None:
    table = workbook(tmp_path / "m.xlsx", [HEADER, ROW, ["CMOC2", "Both context and mechanism", None, "Outcome"]],
                     lambda sheet: sheet.merge_cells("B3:C3"))
    out = tmp_path / "out.yaml"
    refused(run("import", table, "-o", out), out,
            "[ERROR] m.xlsx:Table!B3: a cell merged across columns (B3:C3) (unmerge it and put its text in the "
            "column it belongs to")


def test_a_formula(tmp_path: Path) -> None:
    table = workbook(tmp_path / "f.xlsx", [HEADER, ROW, ["CMOC2", "=B2", "Huddle", "Morale"]])
    out = tmp_path / "out.yaml"
    refused(run("import", table, "-o", out), out, "[ERROR] f.xlsx:Table!B3: a formula, where cmograph reads values "
            "(replace it by its value")


def test_a_date_where_text_is_expected(tmp_path: Path) -> None:
    table = workbook(tmp_path / "d.xlsx", [HEADER, ROW, ["CMOC2", "Context", dt.datetime(2019, 3, 1), "Outcome"]])
    out = tmp_path / "out.yaml"
    refused(run("import", table, "-o", out), out,
            "[ERROR] d.xlsx:Table!C3: a date or time (2019-03-01) where text is expected")


def test_a_reference_to_a_missing_id(tmp_path: Path) -> None:
    table = tmp_path / "r.csv"
    table.write_text("CMOC,Context,Mechanism,Outcome,Leads to\nCMOC1,C,M,O,CMOC2\nCMOC2,C,M,O2,CMOC9\n",
                     encoding="utf-8")
    out = tmp_path / "out.yaml"
    refused(run("import", table, "-o", out), out,
            "[ERROR] r.csv:3:5: 'CMOC9' is not the id of a configuration in this table")


def test_a_missing_part_an_unknown_status_and_a_repeated_id(tmp_path: Path) -> None:
    table = tmp_path / "p.csv"
    table.write_text("ID;Context;Mechanism;Outcome;Status\n"
                     "A1;C;M;;supported\nA2;C;M;O;likely\nA2;C;M;O;\n", encoding="cp1252")
    out = tmp_path / "out.yaml"
    refused(run("import", table, "-o", out), out,
            "[ERROR] p.csv:2:4: no outcome in this row (fill it in; if the paper prints it once for several rows, "
            "merge the cells down (in a workbook) or use --fill-down 'Outcome'; if the paper gives none, mark the "
            "row's status 'partial')",
            "[ERROR] p.csv:3:5: 'likely' is not a status cmograph knows (use one of: hypothesised, supported, "
            "refuted, refined, mixed, partial)",
            "[ERROR] p.csv:4:1: the id 'A2' is used by another row too (p.csv:3:1)")


def test_a_row_marked_partial_may_lack_one_part(tmp_path: Path) -> None:
    table = tmp_path / "p.csv"
    table.write_text("ID;Context;Mechanism;Outcome;Status\nA1;Free care;;More uptake;partial\n"
                     "A2;Free care;Access;;Partial\nA3;Free care;Access;More uptake;supported\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert run("import", table, "-o", out).exit_code == 0
    cmocs = {c["id"]: c for c in yaml.safe_load(out.read_text(encoding="utf-8"))["cmocs"]}
    assert cmocs["A1"] == {"id": "A1", "context": ["c1"], "outcome": ["o1"], "status": "partial"}
    assert cmocs["A2"] == {"id": "A2", "context": ["c1"], "mechanism": ["m1"], "status": "partial"}
    assert set(cmocs["A3"]) == {"id", "context", "mechanism", "outcome", "status"}
    # a row marked partial lacks one part, not two; without a status column, the hint says how to mark one
    table.write_text("ID;Context;Mechanism;Outcome;Status\nA4;;;More uptake;partial\n", encoding="utf-8")
    out = tmp_path / "not-written.yaml"
    refused(run("import", table, "-o", out), out,
            "[ERROR] p.csv:2:2: no context in this row (fill it in; if the paper prints it once for several rows, "
            "merge the cells down (in a workbook) or use --fill-down 'Context')")
    table.write_text("ID;Context;Mechanism;Outcome\nA5;Free care;;More uptake\n", encoding="utf-8")
    refused(run("import", table, "-o", out), out,
            "[ERROR] p.csv:2:3: no mechanism in this row (fill it in; if the paper prints it once for several rows, "
            "merge the cells down (in a workbook) or use --fill-down 'Mechanism'; if the paper gives none, add a "
            "Status column and mark the row 'partial')")


def test_files_that_are_not_tables(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip at all")
    result = run("import", tmp_path / "fake.xlsx", "-o", out)
    assert result.exit_code == 2 and "error: fake.xlsx: not an Excel workbook (.xlsx)" in result.output
    (tmp_path / "t.txt").write_text("x", encoding="utf-8")
    result = run("import", tmp_path / "t.txt", "-o", out)
    assert result.exit_code == 2 and "cmograph cannot import this kind of file" in result.output
    (tmp_path / "bad.csv").write_bytes(b"CMOC,Context\n1,caf\x81\n")
    result = run("import", tmp_path / "bad.csv", "-o", out)
    assert result.exit_code == 2 and "neither UTF-8 nor Windows-1252 text (byte 18)" in result.output
    assert run("import", tmp_path / "nothing.csv", "-o", out).exit_code == 2
    assert not out.exists()


@pytest.mark.slow
def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/big.xml", "w") as entry:
        chunk = b"\0" * (1 << 20)
        for _ in range(257):
            entry.write(chunk)
    out = tmp_path / "out.yaml"
    result = run("import", bomb, "-o", out)
    assert result.exit_code == 2 and "bomb.xlsx: unpacks to more than 256 MiB" in result.output


def test_usage_errors() -> None:
    assert run("import", TABLES / "bunn2018_table3.ods", "--id", "Not A Slug").exit_code == 2
    assert "--sheet: bunn2018_table3.ods has no sheet 'Nope'" in run(
        "import", TABLES / "bunn2018_table3.ods", "--sheet", "Nope", "-o", "x.yaml").output
    assert "-o" in run("import", TABLES / "bunn2018_table3.ods", "-o", "x.json").output
    with pytest.raises(UsageError, match="'contxt'"):
        parse_columns(("Context=contxt",))


def test_reading_details() -> None:
    assert decode("caf\u00e9".encode("cp1252"), "t.csv") == ("caf\u00e9", "Windows-1252")
    assert decode("\ufeffcaf\u00e9".encode(), "t.csv") == ("caf\u00e9", "UTF-8 with a byte order mark")
    assert decode("caf\u00e9".encode("utf-16"), "t.csv") == ("caf\u00e9", "UTF-16")
    assert sniff_delimiter("Title;;\nA;B;C\n1;2,5;3\n") == ";"
    assert sniff_delimiter("Title,,\nA,B,C\n\"x;y\",2,3\n") == ","
    assert sniff_delimiter("A\tB\n1\t2\n") == "\t"
    assert parse_columns(("Outcomes, short term=outcome,Who=for_whom",)) == {
        "Outcomes, short term": "outcome", "Who": "for_whom"}
    assert [paper_id(t) for t in ("CMOC3", "CCMO 1", "1.", "No. 4", "Number 2, relates to 2", "Élan vital")] == [
        "CMOC3", "CCMO1", "1", "4", "2", "lan-vital"]


def test_a_columns_file(tmp_path: Path) -> None:
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("Actors: for_whom\nLevel: theory\nIntervention: ignore\n", encoding="utf-8")
    data = imported(tmp_path, "bosongo2024_table3.tsv", "--columns", mapping, "--separator", "; ")
    assert [t["label"] for t in data["theories"]] == [
        "At the PHA level", "At the interface between PHA staff and DHMT members"]


# --- the workbook --------------------------------------------------------------------------------------------------


def test_the_template_is_made_from_the_model(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "evidence.xlsx"
    result = run("template", path)
    assert result.exit_code == 0 and f"wrote {path}" in result.output
    assert run("template", path).exit_code == 2  # not over an existing file
    book = load_workbook(path)
    assert book.sheetnames == ["instructions", *(sheet.name for sheet in LAYOUT)]
    assert book["instructions"]["A1"].value.startswith("cmograph evidence workbook")
    for section in (EVALUATION, *LISTS):
        headers = [c.value for c in book[section.name][1]]
        for key in section.keys:
            if key.kind == "object":
                assert key.section is not None
                assert all(f"{key.name}.{sub.name}" in headers for sub in key.section.keys)
            elif key.kind != "objects":
                assert key.name in headers, (section.name, key.name)
    for sheet in LAYOUT:
        ws = book[sheet.name]
        assert ws.freeze_panes == "A2"
        assert all(cell.comment is not None and cell.comment.text.startswith(f"{cell.value}: ") for cell in ws[1])
    cmocs = book["cmocs"]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in cmocs.data_validations.dataValidation}
    status = next(c.column_letter for c in cmocs[1] if c.value == "status")
    assert validations[f"{status}2"].formula1 == '"hypothesised,supported,refuted,refined,mixed,partial"'
    context = next(c.column_letter for c in cmocs[1] if c.value == "context")
    assert validations[f"{context}2"].formula1.startswith("contexts!$A$2:$A$")
    assert "The ids of rows on the 'contexts' sheet" in cmocs[f"{context}1"].comment.text


def graph_of(path: Path) -> Graph:
    checked = check_file(path)
    assert checked.report.conforms, [str(d) for d in checked.report]
    dataset = Dataset()
    dataset.parse(data=checked.graphs[0].nquads, format="nquads")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.mark.slow
@pytest.mark.parametrize("path", ROUND_TRIP, ids=[p.name for p in ROUND_TRIP])
def test_yaml_to_workbook_to_yaml_gives_the_same_graph(path: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    assert run("export", "--data", path, "--format", "xlsx", "-o", book).exit_code == 0
    back = tmp_path / f"back{path.suffix if path.suffix == '.yaml' else '.yaml'}"
    result = run("import", book, "-o", back)
    assert result.exit_code == 0, result.output
    assert isomorphic(graph_of(path), graph_of(back))


@pytest.mark.slow
def test_a_workbook_with_bad_cells(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "book.xlsx"
    assert run("export", "--data", ROOT / "tests/data/valid/riverside-wards.yaml", "--format", "xlsx", "-o",
               book).exit_code == 0
    edited = load_workbook(book)
    cmocs = edited["cmocs"]
    column = {c.value: c.column_letter for c in cmocs[1]}
    cmocs[f"{column['context']}2"] = "c-leadership c-nope"
    cmocs[f"{column['status']}3"] = "proven"
    edited["contexts"]["B2"] = None  # a required label left out: found by the validation, shown at its row
    edited["groups"]["D1"] = "labl"
    edited.save(book)
    out = tmp_path / "out.yaml"
    refused(run("import", book, "-o", out), out,
            f"[ERROR] book.xlsx:cmocs!{column['context']}2: 'c-nope' is not an id on the contexts sheet",
            f"[ERROR] book.xlsx:cmocs!{column['status']}3: 'proven' is not a value of status (use one of:",
            "[ERROR] book.xlsx:groups!D1: 'labl' is not a column of the groups sheet (did you mean 'label'?)")
    edited["groups"]["D1"] = None
    cmocs[f"{column['context']}2"] = "c-leadership"
    cmocs[f"{column['status']}3"] = "supported"
    edited.save(book)
    refused(run("import", book, "-o", out), out,
            "[ERROR] book.xlsx:contexts!A2: contexts[c-leadership]: missing required key 'label'")


def test_export_xlsx_needs_one_evaluation(tmp_path: Path) -> None:
    folder = ROOT / "tests" / "data" / "valid"
    many = run("export", "--data", folder, "--format", "xlsx", "-o", tmp_path / "x.xlsx")
    assert many.exit_code == 2
    assert "choose one with -e: harbour-dental, hillside-review, minimal, riverside-wards" in many.output
    one = run("export", "--data", folder, "-e", "hillside-review", "--format", "xlsx", "-o", tmp_path / "x.xlsx")
    assert one.exit_code == 0 and zipfile.is_zipfile(tmp_path / "x.xlsx")
    bad = run("export", "--data", ROOT / "tests/data/invalid/bad-enum-status.yaml", "--format", "xlsx", "-o",
              tmp_path / "y.xlsx")
    assert bad.exit_code == 1 and not (tmp_path / "y.xlsx").exists()


# --- LibreOffice ---------------------------------------------------------------------------------------------------


def soffice(tmp_path: Path, target: str, source: Path) -> Path:
    """Convert ``source`` with LibreOffice headless (its own profile in ``tmp_path``); the converted file."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed: scripts/test installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    outdir = tmp_path / "converted"
    done = processes.run([program, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--norestore", "--convert-to", target, "--outdir", str(outdir), str(source)],
                          capture_output=True, text=True, timeout=300, check=False)
    converted = outdir / f"{source.stem}.{target.split(':')[0]}"
    assert done.returncode == 0 and converted.is_file(), done.stdout + done.stderr
    return converted


@pytest.mark.slow
def test_libreoffice_opens_the_template(tmp_path: Path) -> None:
    template = tmp_path / "evidence.xlsx"
    assert run("template", template).exit_code == 0
    pdf = soffice(tmp_path, "pdf", template)
    content = pdf.read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", content)
    assert content.startswith(b"%PDF") and len(content) > 5000 and len(pages) >= 2, len(pages)


@pytest.mark.slow
def test_libreoffice_ods_copy_of_a_workbook_imports_back(tmp_path: Path) -> None:
    original = ROOT / "tests" / "data" / "valid" / "riverside-wards.yaml"
    book = tmp_path / "riverside.xlsx"
    assert run("export", "--data", original, "--format", "xlsx", "-o", book).exit_code == 0
    ods = soffice(tmp_path, "ods", book)
    back = tmp_path / "back.yaml"
    result = run("import", ods, "-o", back)
    assert result.exit_code == 0, result.output
    assert isomorphic(graph_of(original), graph_of(back))


def test_heading_rows_in_a_csv_group_the_rows_below(tmp_path: Path) -> None:
    table = tmp_path / "h.csv"
    table.write_text("ID,Context,Mechanism,Outcome\nMember level,,,\nA1,C1,M1,O1\nA2,C2,M2,O2\n"
                     "Facility level,,,\nA3,C3,M3,O3\nCMO 4: Feedback works,,,\n,C4,M4,O4\n", encoding="utf-8")
    data = imported(tmp_path, str(table))
    assert [(t["label"], t["cmocs"]) for t in data["theories"]] == [
        ("Member level", ["A1", "A2"]), ("Facility level", ["A3"])]
    assert configuration(data, "CMO4")["statement"] == "Feedback works"


def test_the_sheet_to_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    table = book.create_sheet("CMOCs")
    for row in (HEADER, ROW):
        table.append(row)
    path = tmp_path / "two.xlsx"
    book.save(path)
    out = tmp_path / "out.yaml"
    refused(run("import", path, "-o", out), out,
            "[ERROR] two.xlsx:Notes!A1: the first sheet is empty (name the sheet that holds the table with --sheet, "
            "e.g. --sheet 'CMOCs')")
    result = run("import", path, "--sheet", "cmocs", "-o", out)
    assert result.exit_code == 0 and "read two.xlsx, sheet 'CMOCs' (Excel workbook)" in result.output


def test_semicolons_in_cells_are_pointed_out(tmp_path: Path) -> None:
    result = run("import", TABLES / "bosongo2024_table3.tsv", "-o", tmp_path / "out.yaml")
    assert result.exit_code == 0
    assert ("cells of 'Context' (D), 'Mechanisms' (F) hold '; ', kept within their items: if it separates items, "
            "import again with --separator \"; \"") in result.output


def test_a_workbook_with_entities_is_refused(tmp_path: Path) -> None:
    hostile = tmp_path / "xxe.ods"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                         "<x>&e;</x>")
    result = run("import", hostile, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 2 and "xxe.ods: the workbook's XML cannot be read safely" in result.output
    assert "root:" not in result.output


def test_an_empty_separator_keeps_each_cell_whole(tmp_path: Path) -> None:
    data = imported(tmp_path, "luetsch2021_table5.xlsx", "--separator", "")
    first = configuration(data, "1")
    assert labels(data, "contexts", first["context"]) == ["\n".join(expected("luetsch2021_table5")[0]["context"])]
