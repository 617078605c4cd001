"""Quotes checked against their transcripts (``sources[].transcript``), by `cmograph validate` and every check.

- Found: verbatim but for white space, straight or curly quote marks and dashes, with ``...``, ``…`` and ``[...]``
  as gaps (the parts in order), in a non-ASCII transcript with CRLF line ends, a ``.docx`` transcript, and a
  transcript named from the project's root.
- Not found: an error at the quote naming the closest passage and its line (exit 1).
- Found without a locator: one suggested (a note), the file still conforms.
- The transcript's path: absolute, ``..`` or a link out of the project is an error at the key; a file that is not
  there is a warning and nothing is checked; an unreadable file is an error.
All texts are MADE UP.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner, Result

from cmograph.checks.pipeline import check_file
from cmograph.checks.quotes import find_quote, normalise, quote_parts
from cmograph.cli import main
from cmograph.diagnostics import Severity

TRANSCRIPT = (  # Welsh and English, curly quotes, an en dash, an emoji, Windows line ends
    "Cyfweliad 3 \u2013 Si\u00e2n, link worker\r\n"
    "Interviewer: How did the surgery take to it?\r\n"
    "Si\u00e2n: Slowly. Dr Ll\u0177r said \u201cwe\u2019ll see\u201d \U0001F642 and that was it for a month.\r\n"
    "Si\u00e2n: Once Elin sat in on my Tuesday clinic, it changed \u2013 they started   to trust me.\r\n"
    "Si\u00e2n: Referrals went from two a month to nine.\r\n"
)


def evidence(tmp_path: Path, *items: str, transcript: str = "transcripts/int-3.txt", name: str = "study.yaml") -> Path:
    """An evidence file whose one configuration has ``items`` (YAML mappings, indented to fit) and whose source
    names ``transcript``."""
    text = f"""cmograph: 1
evaluation:
  id: quotes
  title: Made-up quotes
sources:
  - id: int-3
    label: Interview 3
    transcript: {transcript}
contexts:
  - id: c1
    label: A context
mechanisms:
  - id: m1
    label: A mechanism
outcomes:
  - id: o1
    label: An outcome
cmocs:
  - id: CMOC1
    context: [c1]
    mechanism: [m1]
    outcome: [o1]
    evidence:
""" + "".join(f"      - {item}\n" for item in items)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "transcripts" / "int-3.txt"
    path.parent.mkdir()
    path.write_bytes(TRANSCRIPT.encode("utf-8"))
    return path


def messages(path: Path) -> list[str]:
    return [str(d) for d in check_file(path).report]


def validate(path: Path) -> Result:
    return CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)


@pytest.mark.parametrize("quote", [
    # white space: spaces for line breaks, runs of spaces, none around the quote
    "'Once Elin sat in on my Tuesday clinic, it changed \u2013 they started to trust me.'",
    # straight quote marks and a plain hyphen for the curly ones and the en dash; outer quote marks
    "'\"Dr Ll\u0177r said \"we''ll see\" \U0001F642 and that was it\"'",
    "'it changed - they started to trust me.'",
    # a quote across lines
    "'trust me. Si\u00e2n: Referrals went from two'",
    # gaps: ..., the ellipsis character, [...] and [\u2026]
    "'Slowly. ... that was it for a month.'",
    "'Slowly.\u2026 it for a month.'",
    "'Once Elin sat in [...] it changed'",
    "'Referrals went [\u2026] to nine.'",
])
def test_a_quote_is_found_despite_white_space_quote_marks_dashes_and_gaps(quote: str, tmp_path: Path,
                                                                          transcript: Path) -> None:
    path = evidence(tmp_path, f"quote: {quote}\n        source: int-3\n        locator: line 3")
    assert messages(path) == []


def test_a_quote_not_in_the_transcript_is_an_error_with_the_closest_passage(tmp_path: Path, transcript: Path) -> None:
    path = evidence(tmp_path, "quote: Referrals went from two a month to twelve.\n        source: int-3\n"
                    "        locator: line 5")
    result = validate(path)
    assert result.exit_code == 1
    assert ("[ERROR] study.yaml:24: cmocs[CMOC1].evidence[1].quote: the quote is not in its transcript "
            "transcripts/int-3.txt; the closest passage, at line 5, is: \u201cReferrals went from two a month to "
            "nine.\u201d (quote the transcript's words (white space, quote marks and dashes may differ; mark "
            "left-out words with ... or [...]))") in result.output
    assert "1 file checked: 1 error, 0 warnings; it does not conform." in result.output


def test_the_parts_of_a_quote_with_gaps_must_come_in_order(tmp_path: Path, transcript: Path) -> None:
    path = evidence(tmp_path, "quote: 'it changed ... Slowly.'\n        source: int-3\n        locator: line 4")
    (found,) = check_file(path).report
    assert found.severity is Severity.ERROR and "the quote is not in its transcript" in found.message


def test_a_found_quote_without_a_locator_gets_one_suggested(tmp_path: Path, transcript: Path) -> None:
    path = evidence(tmp_path, "quote: 'Once Elin sat in on my Tuesday clinic'\n        source: int-3",
                    "quote: 'Referrals went from two a month to nine.'\n        source: int-3\n"
                    "        locator: line 5")
    result = validate(path)
    assert result.exit_code == 0
    assert ("[INFO] study.yaml:24: cmocs[CMOC1].evidence[1].quote: the quote is in transcripts/int-3.txt at line 4 "
            "(add locator: 'line 4, characters 153-190')") in result.output
    assert "1 file checked: 0 errors, 0 warnings, 1 note; it conforms." in result.output
    lf = TRANSCRIPT.replace("\r\n", "\n")
    assert lf[153:190] == "Once Elin sat in on my Tuesday clinic"


def test_a_quote_of_a_source_without_a_transcript_is_not_checked(tmp_path: Path) -> None:
    path = evidence(tmp_path, "quote: Anything at all\n        source: int-3", transcript="x")
    text = path.read_text(encoding="utf-8").replace("    transcript: x\n", "")
    path.write_text(text, encoding="utf-8")
    assert messages(path) == []


def docx(paragraphs: list[str]) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    runs = "".join(f"<w:p><w:r><w:t xml:space='preserve'>{escape(p)}</w:t></w:r><w:r><w:tab/></w:r></w:p>"
                   for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", f"<w:document xmlns:w='{w}'><w:body>{runs}</w:body></w:document>")
    return buffer.getvalue()


def test_a_docx_transcript(tmp_path: Path) -> None:
    (tmp_path / "int-3.docx").write_bytes(docx(TRANSCRIPT.splitlines()))
    path = evidence(tmp_path, "quote: 'we\u2019ll see'\n        source: int-3",
                    "quote: 'we will see'\n        source: int-3\n        locator: line 3", transcript="int-3.docx")
    found = check_file(path).report.diagnostics
    assert [(d.severity, d.where) for d in sorted(found)] == [(Severity.INFO, "cmocs[CMOC1].evidence[1].quote"),
                                                              (Severity.ERROR, "cmocs[CMOC1].evidence[2].quote")]


def test_the_path_is_relative_to_the_project(tmp_path: Path, transcript: Path) -> None:
    assert CliRunner().invoke(main, ["init", str(tmp_path)]).exit_code == 0
    path = evidence(tmp_path, "quote: 'Referrals went from two a month to nine.'\n        source: int-3\n"
                    "        locator: line 5", name="evaluations/study.yaml")
    assert messages(path) == []
    bad = evidence(tmp_path, "quote: 'Referrals went from two a month to ten.'\n        source: int-3\n"
                   "        locator: line 5", name="evaluations/study.yaml")
    assert len(messages(bad)) == 1


@pytest.mark.parametrize(("written", "message"), [
    ("/etc/passwd", "'/etc/passwd' is an absolute path; a transcript is named by its path relative to the project"),
    ("C:/Users/x/int-3.txt", "'C:/Users/x/int-3.txt' is an absolute path"),
    ("../outside.txt", "'../outside.txt' leads out of the project ('..'); a transcript must be in the project"),
    ("transcripts/../../outside.txt", "leads out of the project ('..')"),
    ("link/outside.txt", "'link/outside.txt' leads out of the project (through a link)"),
])
def test_a_transcript_outside_the_project_is_refused_unread(written: str, message: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "outside.txt").write_text("Referrals went from two a month to nine.", encoding="utf-8")
    if written.startswith("link/"):
        try:
            (project / "link").symlink_to(tmp_path, target_is_directory=True)
        except OSError:
            pytest.skip("this system cannot make a link")
    path = evidence(project, "quote: 'Referrals went from two a month to nine.'\n        source: int-3\n"
                    "        locator: line 5", transcript=f"'{written}'")
    (found,) = check_file(path).report
    assert found.severity is Severity.ERROR and found.where == "sources[int-3].transcript", str(found)
    assert message in found.message and str(found).startswith("[ERROR] study.yaml:8: ")


def test_a_transcript_that_is_not_there_is_a_warning(tmp_path: Path) -> None:
    path = evidence(tmp_path, "quote: Anything\n        source: int-3")
    (found,) = check_file(path).report
    assert found.severity is Severity.WARNING and check_file(path).report.conforms
    assert found.message.startswith("no transcript at 'transcripts/int-3.txt'") and \
        found.message.endswith("the quotes of this source are not checked")


def test_a_transcript_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Si\u00e2n".encode("latin-1"))
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    for name, said in (("latin1.txt", "latin1.txt: not UTF-8 text"),
                       ("notes.pdf", "a transcript is a plain-text (.txt) or Word (.docx) file"),
                       ("broken.docx", "broken.docx: not a Word document (.docx)")):
        path = evidence(tmp_path, "quote: Anything\n        source: int-3", transcript=name)
        (found,) = check_file(path).report
        assert found.severity is Severity.ERROR and said in found.message, str(found)


def test_normalising_keeps_track_of_the_original() -> None:
    text = "a  \u201cb\u201d \u2014 e\u0301\u2026"
    normal = normalise(text)
    assert normal.text == 'a "b" - \u00e9...'
    assert normal.original(2, 5) == (3, 6)  # the quoted b, curly marks and all
    assert quote_parts("\u201cOne ... two [\u2026] three\u201d") == ["One", "two", "three"]
    assert find_quote(normalise("one two one x two three"), ["one", "two", "three"]) == (8, 23)
    assert find_quote(normalise("one two"), ["two", "one"]) is None
