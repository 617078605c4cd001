"""`cmograph import project.qdpx`: REFI-QDA projects written the way NVivo, ATLAS.ti and MAXQDA write them
(tests/data/qdpx/, made by its make_fixtures.py; NOTES.md there says which habit comes from where), run for real.

- Each program-style project imports into the expected contexts, mechanisms, outcomes, configurations and
  evidence (quotes, sources, locators, informants); the file validates, its quotes are checked against the
  transcripts written beside it, and a question can be asked of it.
- Positions: each program counts characters its own way (UTF-16 units or code points, CRLF as one or two); the
  reading is found from the selections and said in the report, also when it is not the program's, and a passage
  that fits no reading is named.
- Groups named otherwise (``--codes``), sources outside the archive (``--sources``), a ``.docx`` source, and
  transcripts that exist already. Hostile archives are in tests/test_untrusted.py.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import yaml
from click.testing import CliRunner, Result

from cmograph.checks.pipeline import check_file
from cmograph.cli import main
from cmograph.ingest.importers.positions import Text, fitting, names_text, spans

QDPX = Path(__file__).resolve().parent / "data" / "qdpx"


def run(*args: str | Path, cwd: Path | None = None) -> Result:
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


def expected(name: str) -> dict[str, Any]:
    return json.loads((QDPX / f"{name}.expected.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def imported(tmp_path: Path, project: Path | str, *options: str) -> tuple[dict[str, Any], str]:
    """Import ``project``; check it exits 0 and writes a file that validates with no message at all; return its
    data and what the command said."""
    out = tmp_path / "out.yaml"
    result = run("import", QDPX / project if isinstance(project, str) else project, *options, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output and "Traceback" not in result.output
    checked = check_file(out)
    assert checked.report.conforms and checked.graphs and not checked.report.diagnostics, [
        str(d) for d in checked.report]
    data: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    return data, result.output


def labels(data: dict[str, Any], section: str, ids: list[str]) -> list[str]:
    by_id = {item["id"]: item["label"] for item in data.get(section, [])}
    return [by_id[i] for i in ids]


def parts(data: dict[str, Any], cmoc: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    return (labels(data, "contexts", cmoc["context"]), labels(data, "mechanisms", cmoc["mechanism"]),
            labels(data, "outcomes", cmoc["outcome"]))


def passage(name: str, codes: list[str]) -> dict[str, Any]:
    """The passage of fixture ``name`` coded with exactly ``codes``, from its expected JSON."""
    found = [p for p in expected(name)["passages"] if p.get("codes", [p["code"]]) == codes]
    assert len(found) == 1, codes
    return found[0]


def edited(source: Path, target: Path, qde: Callable[[str], str] = lambda t: t,
           entries: Callable[[str, bytes], tuple[str, bytes] | None] = lambda n, d: (n, d)) -> Path:
    """A copy of the project ``source`` with its project.qde changed by ``qde`` and each other entry renamed or
    changed by ``entries`` (None leaves it out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "project.qde":
                new.writestr(info.filename, qde(data.decode("utf-8")).encode("utf-8"))
            elif (changed := entries(info.filename, data)) is not None:
                new.writestr(*changed)
    return target


# --- the three program-style projects ------------------------------------------------------------------------------


def test_nvivo_style_nested_groups_one_passage_coded_three_times_cases_and_utf16_crlf(tmp_path: Path) -> None:
    """NVivo: Context/Mechanism/Outcome parent codes, a passage coded at one code of each (a configuration,
    hypothesised), named cases with variables (the informants), a Welsh CRLF transcript with emoji, positions in
    UTF-16 code units with CRLF as two."""
    data, said = imported(tmp_path, "nvivo_style.qdpx")
    assert [c["id"] for c in data["cmocs"]] == ["CMOC1", "CMOC2"]
    first, second = data["cmocs"]
    assert parts(data, first) == (["Funded post from the health board"], ["GPs feel able to act"],
                                  ["GPs feel less helpless"])
    assert parts(data, second) == (["Protected time for link work"], ["Patients believe the referral is real"],
                                   ["Referrals increase"])
    assert first["status"] == second["status"] == "hypothesised"
    big = passage("nvivo_style", ["Protected time for link work", "Patients believe the referral is real",
                                  "Referrals increase"])
    assert [e["quote"] for e in second["evidence"]] == [big["text_normalised"],
                                                        "Referrals went from two a month to nine."]
    assert second["evidence"][0]["locator"] == "lines 5-6, characters 442-690"
    assert {e["informant"] for e in second["evidence"]} == {"p02-sian-ap-dafydd"}
    assert data["groups"][1] == {"id": "p02-sian-ap-dafydd", "label": "P02 Si\u00e2n ap Dafydd",
                                 "description": "Role: Link worker; Site: Caernarfon; Years in post: 2"}
    assert "positions: read as UTF-16 code units (a character beyond U+FFFF counts two), a CRLF line end counted " \
           "as two (as NVivo counts): 6 of 6 passages fit" in said
    assert "'GPs come to trust the link worker' (a mechanism), with no context and no outcome on the same " \
           "passage" in said
    # the transcript beside the file is the archive's text, CRLF line ends and all
    with zipfile.ZipFile(QDPX / "nvivo_style.qdpx") as archive:
        stored = archive.read(f"Sources/{expected('nvivo_style')['sources'][1]['guid']}.txt")
    source = data["sources"][1]
    assert source["transcript"] == "transcripts/nvivo-style/interview-p02-sian-ap-dafydd.txt"
    assert (tmp_path / source["transcript"]).read_bytes() == stored and b"\r\n" in stored
    answer = run("ask", "why", "--data", tmp_path / "out.yaml", "--outcome", "Referrals increase", "--format", "csv")
    assert answer.exit_code == 0, answer.output
    assert answer.output.splitlines()[1:] == ["Referrals increase,Patients believe the referral is real,,yes,"
                                              "Protected time for link work,,CMOC2"]


def test_atlasti_style_prefixed_codes_named_quotations_informants_from_sets_and_code_points(tmp_path: Path) -> None:
    """ATLAS.ti: flat ``C::``/``M::``/``O::`` codes, quotations coded at several codes and named by their text
    (shortened with an ellipsis), informants as ``role: ...`` sets, entries named ``.TXT`` where project.qde says
    ``.txt``, positions in code points with CRLF as one."""
    data, said = imported(tmp_path, "atlasti_style.qdpx")
    assert [parts(data, c) for c in data["cmocs"]] == [
        (["Pharmacist co-located with GPs"], ["GP consults pharmacist before prescribing changes"],
         ["Fewer drug-related readmissions"]),
        (["GP introduces the review in person"], ["Patients transfer trust from GP to pharmacist"],
         ["Patients bring all their medicines"])]
    french = data["cmocs"][1]["evidence"]
    assert french[0]["quote"].startswith("Quand le Dr Fran\u00e7ois No\u00ebl") and \
        french[0]["quote"].endswith("c\u2019est le c\u0153ur du travail \U0001F44D")
    assert [e["quote"] for e in french[1:]] == [
        passage("atlasti_style", ["C::GP introduces the review in person"])["text_normalised"],
        passage("atlasti_style", ["M::Patients transfer trust from GP to pharmacist"])["text_normalised"],
        passage("atlasti_style", ["O::Patients bring all their medicines"])["text_normalised"]]
    assert [g["label"] for g in data["groups"]] == ["GP", "pharmacienne"]
    assert {e["informant"] for e in french} == {"pharmacienne"}
    assert [s["id"] for s in data["sources"]] == ["interview-03-gp", "entretien-04-helene"]
    assert "codes: codes named 'C:: ...' -> contexts, codes named 'M:: ...' -> mechanisms" in said
    assert "(as ATLAS.ti counts): 9 of 9 passages fit" in said
    assert "'Initial patient mistrust' (a context), with no mechanism and no outcome on the same passage" in said


def test_maxqda_style_cmoc_group_configurations_nameless_cases_and_a_comment(tmp_path: Path) -> None:
    """MAXQDA: a CMOC code whose children are configurations with C:/M:/O: codes (not hypothesised: the team
    made them), document variables in nameless cases (the informant), lower-case ``sources/``, and a comment
    with no code (skipped, said)."""
    data, said = imported(tmp_path, "maxqda_style.qdpx")
    assert [c["id"] for c in data["cmocs"]] == ["CMOC1", "CMOC2"]
    first, second = data["cmocs"]
    assert parts(data, first) == (["Peer worker with lived experience on the team"], ["Clients feel understood"],
                                  ["Appointments kept"])
    assert parts(data, second) == (["Protected time every Thursday"], ["Staff time freed up"],
                                   ["People come back"])
    assert "status" not in first and first["statement"].startswith("When a peer worker with lived experience")
    welsh = [e for e in first["evidence"] if e["source"] == "cyfweliad-06"]
    assert welsh[0]["quote"].startswith("Because Aur\u00e9lie the peer worker") and \
        welsh[0]["quote"].endswith("\u2018she gets it\u2019.\nR: That meant they came back.")
    assert welsh[0]["informant"] == "i06-llinos-prys"
    (emoji,) = [e for e in second["evidence"] if e["source"] == "cyfweliad-06" and "\U0001F64F" in e["quote"]]
    assert emoji["quote"].endswith("protected time every Thursday \U0001F64F") and emoji["locator"] == \
        "line 3, characters 118-185"
    assert "configurations: 2 from the codes under CMOC groups" in said
    assert "not imported: a comment with no code: 'Cyfweliad 06' line 5, characters 311-330" in said
    assert run("ask", "what-worked", "--data", tmp_path / "out.yaml").exit_code == 0


def test_imported_quotes_are_checked_against_the_transcripts(tmp_path: Path) -> None:
    """The transcripts written with the file are what validate checks every quote against: a changed quote is an
    error naming the closest passage, a changed transcript too."""
    imported(tmp_path, "nvivo_style.qdpx")
    out = tmp_path / "out.yaml"
    text = out.read_text(encoding="utf-8")
    out.write_text(text.replace("quote: Referrals went from two a month to nine.",
                                "quote: Referrals went from two a month to twelve."), encoding="utf-8")
    result = run("validate", out)
    assert result.exit_code == 1
    assert "cmocs[CMOC2].evidence[2].quote: the quote is not in its transcript " \
           "transcripts/nvivo-style/interview-p02-sian-ap-dafydd.txt; the closest passage, at line 6, is: " \
           "\u201cReferrals went from two a month to nine.\u201d" in result.output


# --- positions -----------------------------------------------------------------------------------------------------


def test_each_reading_of_positions_on_a_non_ascii_crlf_text() -> None:
    """'Si\u00e2n \U0001F642 ok\\r\\nnext': code points or UTF-16 units, a CRLF as one or two, and places inside
    a character (between CR and LF, or the halves of a surrogate pair) are no places."""
    text = Text("Si\u00e2n \U0001F642 ok\r\nnext")
    assert text.lf == "Si\u00e2n \U0001F642 ok\nnext"
    after = text.lf.index("next")  # 10
    assert text.place("cp_lf", after) == after
    assert text.place("cp_crlf", after + 1) == after and text.place("cp_crlf", after) is None  # inside the CRLF
    assert text.place("u16_lf", after + 1) == after and text.place("u16_crlf", after + 2) == after
    assert text.place("u16_lf", 6) is None  # the middle of the emoji
    assert text.place("cp_lf", 99) is None
    found = spans(text, ["cp_lf", "cp_crlf", "u16_lf", "u16_crlf"], 10, 14)
    assert {r: text.lf[a:b] for r, (a, b) in found.items()} == {"cp_lf": "next", "u16_lf": "\nnex",
                                                                "u16_crlf": "\nne"}
    assert list(fitting(text, found, None)) == ["cp_lf"]  # the only one on the edges of a word
    assert list(spans(text, ["u16_crlf"], 12, 16)) == ["u16_crlf"] and not spans(text, ["cp_lf"], 12, 16)
    assert names_text("Because she's right there, I ask her", "Because she's right \u2026")
    assert not names_text("Because she's right there", "Quotation 3")


def test_the_reading_is_found_when_the_origin_names_no_program(tmp_path: Path) -> None:
    """With the origin of the NVivo-style project changed to an unknown program, the passages still show that
    positions count UTF-16 units with CRLF as two."""
    project = edited(QDPX / "nvivo_style.qdpx", tmp_path / "unknown.qdpx",
                     lambda qde: qde.replace("NVivo 14 for Windows (cmograph fixture imitating NVivo)", "QDA 1.0"))
    data, said = imported(tmp_path, project)
    assert "positions: read as UTF-16 code units (a character beyond U+FFFF counts two), a CRLF line end counted " \
           "as two: 6 of 6 passages fit" in said
    assert data["cmocs"][1]["evidence"][1]["quote"] == "Referrals went from two a month to nine."


def docx(paragraphs: list[str]) -> bytes:
    """A Word document of ``paragraphs``, as small as Word reads (what cmograph reads is word/document.xml)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t xml:space='preserve'>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/"
                         "content-types'><Override PartName='/word/document.xml' ContentType='application/vnd."
                         "openxmlformats-officedocument.wordprocessingml.document.main+xml'/></Types>")
        archive.writestr("word/document.xml", f"<w:document xmlns:w='{w}'><w:body>{body}</w:body></w:document>")
    return buffer.getvalue()


def test_a_docx_source_is_read_as_its_paragraphs(tmp_path: Path) -> None:
    """A source given only as a .docx (richTextPath) is read paragraph by paragraph, one per line."""
    i05 = expected("maxqda_style")["sources"][0]["guid"]
    entry = f"sources/{i05}.txt"
    with zipfile.ZipFile(QDPX / "maxqda_style.qdpx") as archive:
        lines = archive.read(entry).decode("utf-8").splitlines()
    project = edited(QDPX / "maxqda_style.qdpx", tmp_path / "docx.qdpx",
                     lambda qde: qde.replace(f'plainTextPath="internal://{i05}.txt"',
                                             f'richTextPath="internal://{i05}.docx"'),
                     lambda name, data: (f"sources/{i05}.docx", docx(lines)) if name == entry else (name, data))
    data, _ = imported(tmp_path, project)
    first = data["cmocs"][0]["evidence"][0]
    assert first == {"quote": "Having someone with lived experience on the team", "source": "interview-05",
                     "locator": "line 3, characters 135-183", "data": "qualitative", "informant": "i05"}
    assert (tmp_path / data["sources"][0]["transcript"]).read_text(encoding="utf-8") == "\n".join(lines)


def test_a_passage_that_fits_no_reading_is_named(tmp_path: Path) -> None:
    """A selection moved two characters into a word fits no reading of its positions: imported, and said."""
    project = edited(QDPX / "maxqda_style.qdpx", tmp_path / "moved.qdpx",
                     lambda qde: qde.replace('startPosition="184"', 'startPosition="186"'))
    data, said = imported(tmp_path, project)
    assert "positions: 'Interview 05' line 3, characters 186-202 fits no reading of its positions (under each, it " \
           "starts or ends inside a word): read as Unicode code points, a CRLF line end counted as one " \
           "character; check its quote" in said
    assert any(e["quote"] == "eed up our time." for c in data["cmocs"] for e in c["evidence"])


# --- options and bad input -----------------------------------------------------------------------------------------


def test_groups_of_codes_named_otherwise_with_codes(tmp_path: Path) -> None:
    german = edited(QDPX / "nvivo_style.qdpx", tmp_path / "de.qdpx", lambda qde: qde.replace(
        'name="Context"', 'name="Kontext"').replace('name="Mechanism"', 'name="Mechanismus"').replace(
        'name="Outcome"', 'name="Ergebnis"'))
    out = tmp_path / "none.yaml"
    result = run("import", german, "-o", out)
    assert result.exit_code == 2 and not out.exists() and "Traceback" not in result.output
    assert "nothing in the project makes a configuration" in result.output
    mapping = tmp_path / "codes.yaml"
    mapping.write_text("Kontext: context\nMechanismus: mechanism\nErgebnis: outcome\n", encoding="utf-8")
    for given in ("Kontext=context,Mechanismus=mechanism,Ergebnis=outcome", str(mapping)):
        data, said = imported(tmp_path, german, "--codes", given, "--force")
        assert len(data["cmocs"]) == 2 and "codes: 'Kontext' -> contexts" in said
    wrong = run("import", german, "--codes", "Kontext=contxt", "-o", out)
    assert wrong.exit_code == 2 and "did you mean 'context'?" in wrong.output


def test_a_source_outside_the_archive_is_read_only_from_the_folder_named(tmp_path: Path) -> None:
    i03 = expected("atlasti_style")["sources"][0]["guid"]
    entry = f"sources/{i03}.TXT"
    with zipfile.ZipFile(QDPX / "atlasti_style.qdpx") as archive:
        text = archive.read(entry)
    project = edited(QDPX / "atlasti_style.qdpx", tmp_path / "external.qdpx",
                     lambda qde: qde.replace(f"internal://{i03}.txt", "absolute:///C:/Interviews/Interview 03.txt"),
                     lambda name, data: None if name == entry else (name, data))
    out = tmp_path / "out.yaml"
    refused = run("import", project, "-o", out)
    assert refused.exit_code == 2 and not out.exists()
    assert "the source 'Interview 03 GP.txt' is kept outside the archive (absolute:///C:/Interviews/Interview " \
           "03.txt); cmograph reads no file a project names by itself" in refused.output
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "Interview 03.txt").write_bytes(text)
    data, _ = imported(tmp_path, project, "--sources", str(folder))
    assert data["cmocs"][0]["evidence"][0]["source"] == "interview-03-gp"


def test_transcripts_that_exist_with_other_text_are_replaced_only_with_force(tmp_path: Path) -> None:
    imported(tmp_path, "maxqda_style.qdpx")
    transcript = tmp_path / "transcripts" / "maxqda-style" / "interview-05.txt"
    transcript.write_text("other text", encoding="utf-8")
    out = tmp_path / "again.yaml"
    result = run("import", QDPX / "maxqda_style.qdpx", "-o", out)
    assert result.exit_code == 2 and f"{transcript} exists with other text; nothing was written" in result.output
    assert not out.exists() and transcript.read_text(encoding="utf-8") == "other text"
    assert run("import", QDPX / "maxqda_style.qdpx", "-o", out, "--force").exit_code == 0
    assert transcript.read_text(encoding="utf-8").startswith("Interview 05")


def test_in_a_project_the_transcripts_go_under_its_root(tmp_path: Path) -> None:
    assert run("init", tmp_path).exit_code == 0
    result = run("import", QDPX / "maxqda_style.qdpx", "--id", "peer-support", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "transcripts" / "peer-support" / "cyfweliad-06.txt").is_file()
    assert run("validate", cwd=tmp_path).exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["nvivo_style", "atlasti_style", "maxqda_style"])
def test_every_coded_passage_gives_back_its_text(name: str, tmp_path: Path) -> None:
    """Every quote imported is the passage's text as the fixture wrote it (line ends made \\n)."""
    data, _ = imported(tmp_path, f"{name}.qdpx")
    quotes = {e["quote"] for c in data["cmocs"] for e in c.get("evidence", [])}
    texts = {p["text_normalised"].strip() for p in expected(name)["passages"]}
    assert quotes and quotes <= texts
