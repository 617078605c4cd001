"""The statements cmograph writes for configurations without one read as one sentence, whatever the labels bring.

Checked on every configuration of every evidence file under tests/data and examples/ (and the worked file of the
format guide), on every row of the paper tables under tests/data/tables, and on the labels that went wrong before
(issue 19: "...heterogeneous in character., The TADA teams ... dental anxiety..").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from cmograph.checks.structure import check_structure
from cmograph.errors import InputError
from cmograph.format.vocab import CMO
from cmograph.ingest.build import build
from cmograph.ingest.statement import phrase, statement
from cmograph.ingest.yaml_json import read_document

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EVIDENCE = sorted(p for folder in (DATA / "valid", DATA / "invalid", ROOT / "examples")
                  for p in folder.iterdir() if p.suffix in (".yaml", ".json"))
PARTS = ("context", "mechanism", "outcome")


def table_rows(path: Path) -> list[list[list[str]]]:
    """The labels of the configurations of a paper table: its rows' contexts, mechanisms and outcomes (a table of
    statements, whose rows have none, has no rows here)."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [[r.get(k) or [] for k in PARTS] for r in rows if any(r.get(k) for k in PARTS)]


TABLES = [p for p in sorted((DATA / "tables").glob("*.expected.json")) if table_rows(p)]
GUIDE = ROOT / "docs" / "evidence-format.md"

DOUBLED = re.compile(r"[.,;:!?]\s*[.,;:!?]")  # "character.," "anxiety.."
# a join that keeps a label's capital: ", The TADA teams", ", Staff feel" (names and acronyms keep theirs)
CAPITAL_JOIN = re.compile(r"(?:^In the context of |, | and | lead to | leads to | outcome is )"
                          r"(?:(?:The|A|An) |[A-Z][a-z]+(?= [a-z]))")
SENTENCE_BREAK = re.compile(r"(?<![A-Z])(?<!e\.g)(?<!i\.e)[.!?] +(?=[A-Z])")  # a full stop inside: two sentences


def problems(text: str) -> list[str]:
    """What keeps ``text`` from reading as one sentence."""
    found = []
    if "\n" in text or "  " in text:
        found.append("more than one line or a doubled space")
    if not text[:1].isupper():
        found.append("does not start with a capital")
    if not text.endswith(".") or text.endswith(".."):
        found.append("does not end with one full stop")
    found += [f"doubled punctuation {m.group()!r}" for m in DOUBLED.finditer(text)]
    found += [f"a capital kept at a join {m.group()!r}" for m in CAPITAL_JOIN.finditer(text)]
    found += [f"a sentence break {text[max(m.start() - 10, 0):m.end() + 10]!r}"
              for m in SENTENCE_BREAK.finditer(text[:-1])]
    return found


def generated(text: str, name: str) -> list[str]:
    """The statements cmograph writes for the configurations of the evidence file ``text``."""
    doc = read_document(Path(name), text.encode("utf-8"))
    if check_structure(doc):  # a file no graph can be built from (a structural error): no statement either
        return []
    built = build(doc)
    written = {s for s, p, _ in built.triples if p == CMO.statementGenerated}
    return [str(o) for s, p, o in built.triples if p == CMO.statement and s in written]


def _readable(path: Path) -> bool:
    try:
        read_document(path)
    except InputError:  # a fixture of a syntax error
        return False
    return True


@pytest.mark.parametrize("path", [p for p in EVIDENCE if _readable(p)], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_generated_statement_of_every_fixture_reads_as_one_sentence(path: Path) -> None:
    statements = generated(path.read_text(encoding="utf-8"), path.name)
    assert {s: problems(s) for s in statements if problems(s)} == {}


@pytest.mark.slow
def test_the_fixtures_have_generated_statements_to_check() -> None:
    counted = {p.name: len(generated(p.read_text(encoding="utf-8"), p.name)) for p in EVIDENCE if _readable(p)}
    assert counted["harbour-dental.yaml"] == 6  # sentences as labels, partial and blocked configurations
    assert counted["riverside-wards.yaml"] == 4 and counted["minimal.yaml"] == 1
    assert len(TABLES) >= 4
    assert sum(counted.values()) > 30


def test_the_guide_worked_file_reads_as_sentences() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    (worked,) = [b for b in re.findall(r"^```yaml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
                 if b.startswith("# worked-example")]
    assert yaml.safe_load(worked)["cmocs"]
    statements = generated(worked, "worked.yaml")
    assert statements and {s: problems(s) for s in statements if problems(s)} == {}


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_every_row_of_the_paper_tables_reads_as_one_sentence(path: Path) -> None:
    for parts in table_rows(path):
        for triggered in (True, False):
            text = statement(*parts, triggered)
            assert problems(text) == [], text


def test_the_labels_of_issue_19_read_as_one_sentence() -> None:
    text = statement(["Patients are heterogeneous in character."],
                     ["The TADA teams tailor their approach to what each patient needs."],
                     ["Less dental anxiety.."], True)
    assert text == ("In the context of patients are heterogeneous in character, the TADA teams tailor their approach "
                    "to what each patient needs leads to less dental anxiety.")


@pytest.mark.parametrize(("label", "shown"), [
    ("The TADA teams tailor.", "the TADA teams tailor"),  # an ordinary first word: lower case
    ("Staff feel their voice counts", "staff feel their voice counts"),
    ("NHS trusts fund it!", "NHS trusts fund it"),  # an acronym keeps its capitals
    ("Riverside Health Centre staff", "Riverside Health Centre staff"),  # so does a name
    ("The Norwegian government sets rules", "the Norwegian government sets rules"),  # an article never does
    ("I feel safe", "I feel safe"),
    ("Agitation/behavioural symptoms", "agitation/behavioural symptoms"),
    ("  Spread over\n   two lines.  ", "spread over two lines"),
    ("It is free. Many could not pay otherwise.", "it is free; many could not pay otherwise"),
    ("Seen by A. Example, e.g. Monday visits.", "seen by A. Example, e.g. Monday visits"),  # not sentence breaks
    ('Staff said "it works."', 'staff said "it works"'),
    ("Costs (around 8 million euros).", "costs (around 8 million euros)"),
])
def test_a_label_becomes_a_phrase(label: str, shown: str) -> None:
    assert phrase(label) == shown


def test_parts_not_yet_known_and_mechanisms_not_triggered() -> None:
    assert statement([], ["Trust"], ["Calm"], True) == "In a context not yet identified, trust leads to calm."
    assert statement(["Free"], [], ["Uptake"], True) == ("In the context of free, a mechanism not yet identified "
                                                         "leads to uptake.")
    assert statement(["Free"], ["Access"], [], True) == ("In the context of free, access leads to an outcome not yet "
                                                         "known.")
    assert statement(["Free"], ["Access", "Trust"], ["Uptake"], False) == (
        "In the context of free, access and trust are not triggered, and the outcome is uptake.")
    assert statement(["A one", "B two", "C three"], ["M"], ["O"], True) == (
        "In the context of a one, b two and c three, m leads to o.")
