"""The 19 canned questions (``queries/*.rq``) on real, made-up test data, checked row by row.

The expected rows below were written by reading the evidence files (tests/data/valid/*, the bundled example and
two small fixtures built here), not by copying what the queries return. The runner sorts and deduplicates list
columns, so expected lists are written sorted.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from cmograph.checks.pipeline import check_files
from cmograph.errors import UsageError
from cmograph.query import catalogue
from cmograph.query.bind import bind
from cmograph.query.catalogue import INDEX, get_question, index_text, parse_question, questions, titles
from cmograph.query.local import StoreEngine
from cmograph.query.run import Answer, ask
from cmograph.query.types import natural_key
from cmograph.store.disk import memory_store

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"
RIVERSIDE = VALID / "riverside-wards.yaml"
HILLSIDE = VALID / "hillside-review.json"
MINIMAL = VALID / "minimal.yaml"
HARBOUR = VALID / "harbour-dental.yaml"
EXAMPLE = ROOT / "examples" / "clinical-microsystems-nhs.yaml"
QUERIES = ROOT / "queries"
ONTOLOGY = ROOT / "ontology" / "cmograph.ttl"

QUESTION_IDS = (
    "what-worked", "for-whom", "when", "circumstances", "why", "in-context", "evidence", "contradictions",
    "demi-regularities", "gaps", "compare-sites", "theory-changes", "site", "elements", "recurring",
    "evidence-profile", "triangulation", "rests-on", "feeds",
)
HOSTILE = 'x" } UNION { ?s ?p ?o } #'

# A small made-up evaluation (illustrative, from no study) with elements no configuration uses, a site with
# nothing attributed to it, and two gap-free configurations showing one pattern, at a site and evaluation-wide.
TIDY = """\
# MADE UP test fixture, written by tests/test_questions.py (illustrative, from no study).
cmograph: 1
evaluation:
  id: tidy-study
  title: A tidy made-up study
sites:
  - id: s1
    label: Site one
  - id: s2
    label: Site two
groups:
  - id: patients
    label: Service users
sources:
  - id: a
    label: Interviews
  - id: b
    label: Audit
contexts:
  - id: c1
    label: Context one
  - id: c-unused
    label: Unused context
mechanisms:
  - id: m1
    label: Mechanism one
  - id: m-unused
    label: Unused mechanism
outcomes:
  - id: o1
    label: Outcome one
    direction: positive
    measures:
      - indicator: A score
        value: 7
        unit: points
  - id: o-unused
    label: Unused outcome
cmocs:
  - id: k1
    context: [c1]
    mechanism: [m1]
    outcome: [o1]
    sites: [s1]
    evidence:
      - quote: "It helped."
        source: a
        data: qualitative
        informant: patients
      - summary: Scores rose.
        source: b
        data: quantitative
  - id: k2
    context: [c1]
    mechanism: [m1]
    outcome: [o1]
    evidence:
      - quote: "It helped here too."
        source: a
        data: qualitative
        informant: patients
      - summary: Scores rose here too.
        source: b
        data: quantitative
"""


# ---------------------------------------------------------------------------------------------- fixtures


@cache
def engine_for(*paths: Path) -> StoreEngine:
    checked = check_files(list(paths))
    assert all(c.report.conforms for c in checked), [str(d) for c in checked for d in c.report]
    return StoreEngine(memory_store(g for c in checked for g in c.graphs))


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("question-fixtures")
    (folder / "tidy.yaml").write_text(TIDY, encoding="utf-8")
    # riverside-wards again under another evaluation id: every id and label is then shared by two evaluations
    text = RIVERSIDE.read_text(encoding="utf-8")
    assert "\n  id: riverside-wards\n" in text
    twin = text.replace("\n  id: riverside-wards\n", "\n  id: riverside-twin\n", 1)
    (folder / "riverside-twin.yaml").write_text(twin, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def riverside() -> StoreEngine:
    return engine_for(RIVERSIDE)


@pytest.fixture(scope="module")
def hillside() -> StoreEngine:
    return engine_for(HILLSIDE)


@pytest.fixture(scope="module")
def minimal() -> StoreEngine:
    return engine_for(MINIMAL)


@pytest.fixture(scope="module")
def harbour() -> StoreEngine:
    return engine_for(HARBOUR)


@pytest.fixture(scope="module")
def example() -> StoreEngine:
    return engine_for(EXAMPLE)


@pytest.fixture(scope="module")
def both() -> StoreEngine:
    return engine_for(RIVERSIDE, HILLSIDE)


@pytest.fixture(scope="module")
def tidy(fixture_dir: Path) -> StoreEngine:
    return engine_for(fixture_dir / "tidy.yaml")


@pytest.fixture(scope="module")
def twins(fixture_dir: Path) -> StoreEngine:
    return engine_for(RIVERSIDE, fixture_dir / "riverside-twin.yaml")


def run(qid: str, engine: StoreEngine, options: dict[str, Any] | None = None, like: bool = False) -> Answer:
    return ask(get_question(qid), engine, options or {}, like=like)


def L(*items: str) -> list[str]:
    """A list column as the runner returns it: in natural order (CMO4 before CMO10), no duplicates."""
    return sorted(set(items), key=natural_key)


def pick(answer: Answer, *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(tuple(r[c]) if isinstance(r[c], list) else r[c] for c in columns) for r in answer.rows]


# ---------------------------------------------------------------------------------------------- labels

NURSES, DOCTORS, MANAGERS, PATIENTS = ("Nurses and healthcare assistants", "Doctors", "Ward and practice managers",
                                       "Patients")
HEALTH_CENTRE = "Riverside Health Centre"
WARD_7 = "Riverside General Hospital, Ward 7"
CARDIAC = "Riverside Regional Cardiac Unit"
LEADERSHIP = "Manager protects time for the huddle"
SHORTAGE = "Persistent staff shortages"
EXPERIENCED = "Stable, experienced team"
NEW_STARTERS = "Many newly qualified staff"
IMPOSED = "Improvement targets imposed by the trust board"
SHARED = "Staff share ownership of improvement work"
HUDDLE = "Daily improvement huddle"
PARTICIPATION = "Staff feel their voice counts in deciding changes"
COACHING = "Microsystem coaching sessions"
FEEDBACK = "Weekly run-chart feedback to the team"
CONFIDENCE = "Staff gain confidence to raise concerns"
PEERS = "Learning from peers in other microsystems"
MORALE_UP = "Higher staff morale"
MORALE_DOWN = "Lower staff morale"
FALLS = "Fewer inpatient falls"
OWNERSHIP = "Shared ownership of improvement"
SUSTAINED = "Improvement work sustained beyond the pilot"
WAITS = "Waiting time for routine appointments"
DISENGAGE = "Staff disengage from improvement work"
V1, V2 = "Initial programme theory", "Refined programme theory after the embedding phase"
STATEMENT = {
    "CMO1": "Where the manager protects time for it, a daily huddle raises staff morale, because staff see "
            "problems dealt with the same day.",
    "CMO2": "In the context of manager protects time for the huddle, daily improvement huddle leads to higher "
            "staff morale.",
    "CMO3": "Where staff shortages persist, a daily huddle is felt as one more meeting taken from patient care, "
            "so morale falls.",
    "CMO4": "In the context of stable, experienced team, staff feel their voice counts in deciding changes leads "
            "to shared ownership of improvement.",
    "CMO5": "In the context of staff share ownership of improvement work, microsystem coaching sessions and "
            "learning from peers in other microsystems lead to improvement work sustained beyond the pilot.",
    "CMO6": "Where the manager protects time for it, weekly run-chart feedback shows the team the effect of its "
            "changes, so falls prevention is kept up and inpatient falls fall.",
    "CMO7": "Where the trust board imposes the targets and staff are short, staff do not feel their voice "
            "counts, so they disengage from the improvement work.",
    "CMO8": "In the context of many newly qualified staff, microsystem coaching sessions leads to waiting time "
            "for routine appointments.",
    "CMO9": "Where many staff are newly qualified, coaching gives them the confidence to raise concerns, so they "
            "come to share ownership of improvement.",
    "CMO10": "Where an experienced team's manager protects time for improvement, staff feel their voice counts "
             "in deciding changes, so they share ownership of the improvement work.",
}


# ---------------------------------------------------------------------------------------------- the files


def rq_files() -> list[Path]:
    return sorted(QUERIES.glob("*.rq"))


def test_there_is_one_file_per_question() -> None:
    assert sorted(p.stem for p in rq_files()) == sorted(QUESTION_IDS)
    assert sorted(questions()) == sorted(QUESTION_IDS)


def test_committed_index_is_generated_from_the_query_files() -> None:
    assert (QUERIES / INDEX).read_text(encoding="utf-8") == index_text(QUERIES), (
        "run `python -m cmograph.query.catalogue queries`")


def test_questions_from_the_index_equal_questions_parsed_from_their_text() -> None:
    for qid, question in questions().items():
        parsed = parse_question(qid, (QUERIES / f"{qid}.rq").read_text(encoding="utf-8"))
        assert dataclasses.replace(question, lateral_form="") == parsed
        assert question.lateral_sparql() == parsed.lateral_sparql()
        assert bool(question.lateral_form) == question.lateral  # the index holds the form of every LATERAL question


def forget_catalogue() -> None:
    """Read the questions again (from the folder ``catalogue.data`` now gives)."""
    catalogue.questions.cache_clear()
    catalogue._shipped.cache_clear()


def test_the_titles_listed_are_the_questions_titles() -> None:
    assert titles() == {qid: question.title for qid, question in questions().items()}


def test_a_query_edited_below_its_header_is_not_given_the_indexed_lateral_form(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "queries"
    shutil.copytree(QUERIES, folder)
    text = (folder / "why.rq").read_text(encoding="utf-8")
    edited = text.replace("OPTIONAL {", "OPTIONAL { # edited\n", 1)
    assert edited != text
    (folder / "why.rq").write_text(edited, encoding="utf-8")
    monkeypatch.setattr(catalogue, "data", lambda name: folder)
    forget_catalogue()
    try:
        why = questions()["why"]
        assert why.lateral_form == ""
        assert "# edited" in why.lateral_sparql() and "LATERAL { OPTIONAL {" in why.lateral_sparql()
    finally:
        forget_catalogue()


def test_a_header_edited_since_indexing_is_read_from_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "queries"
    shutil.copytree(QUERIES, folder)
    edited = (folder / "why.rq").read_text(encoding="utf-8").replace("#+ title: ", "#+ title: Edited - ", 1)
    (folder / "why.rq").write_text(edited, encoding="utf-8")
    (folder / "gaps.rq").unlink()
    monkeypatch.setattr(catalogue, "data", lambda name: folder)
    forget_catalogue()
    try:
        assert questions()["why"].title.startswith("Edited - ") and titles()["why"] == questions()["why"].title
        assert "gaps" not in questions() and "gaps" not in titles()
        (folder / INDEX).write_text("not json", encoding="utf-8")  # a broken index costs time, not answers
        forget_catalogue()
        assert questions()["what-worked"] == parse_question(
            "what-worked", (QUERIES / "what-worked.rq").read_text(encoding="utf-8"))
    finally:
        forget_catalogue()


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_query_parses_and_header_columns_are_the_select_variables(qid: str) -> None:
    text = (QUERIES / f"{qid}.rq").read_text(encoding="utf-8")
    assert text.startswith("#+ title: ")
    question = parse_question(qid, text)
    results = ox.Store().query(question.sparql)
    assert isinstance(results, ox.QuerySolutions)
    assert [v.value for v in results.variables] == list(question.columns)
    assert list(results) == []


class Counting(StoreEngine):
    """The embedded engine, counting how often it is asked whether there are several evaluations."""

    asked = 0

    def several_evaluations(self) -> bool:
        self.asked += 1
        return super().several_evaluations()


def test_the_evaluation_column_is_shown_when_the_data_holds_several_evaluations(both: StoreEngine,
                                                                                 riverside: StoreEngine) -> None:
    spanning = Counting(both.store)
    answer = run("what-worked", spanning)
    assert len({r["evaluation"] for r in answer.rows}) == 2 and "evaluation" in answer.columns
    assert spanning.asked == 0  # two evaluations in the answer: nothing more to ask (a round trip on a server)
    one = run("what-worked", spanning, {"evaluation": "riverside-wards"})
    assert {r["evaluation"] for r in one.rows} == {"riverside-wards"} and "evaluation" in one.columns
    assert spanning.asked == 1  # one in the answer, so the data is asked
    alone = Counting(riverside.store)
    assert "evaluation" not in run("what-worked", alone).columns and alone.asked == 1
    listed = Counting(both.store)  # a list of evaluations in one row is proof enough too
    found = run("recurring", listed)
    assert any(len(r["evaluation"]) > 1 for r in found.rows) and listed.asked == 0


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_header_is_complete(qid: str) -> None:
    q = get_question(qid)
    assert q.title and q.description and len(q.description) > 80
    assert q.empty and q.empty != "No answer: nothing in the data matches this question."
    assert q.example.startswith(f"cmograph ask {qid}")
    assert all(description for description in q.columns.values())
    assert set(q.lists) <= set(q.columns)
    if "cmoc" in q.columns or "cmoc" in q.lists:
        assert "evaluation" in q.columns
    for p in q.parameters:
        assert p.help, f"{qid}: --{p.name} has no help"
        assert p.example is not None, f"{qid}: --{p.name} has no example"
        if p.required:
            assert p.default is None
        if p.type == "choice":
            assert p.choices and p.default in p.choices
        # every parameter reaches the query
        assert f"?{p.variable}" in q.sparql


def test_parameters_are_as_the_contract_says() -> None:
    expected = {
        "what-worked": {"for": "group", "outcome": "outcome", "evaluation": "evaluation", "site": "site"},
        "for-whom": {"outcome": "outcome", "mechanism": "mechanism"},
        "when": {"period": "period"},
        "circumstances": {"mechanism": "mechanism"},
        "why": {"outcome": "outcome"},
        "in-context": {"context": "context"},
        "evidence": {"cmoc": "cmoc"},
        "contradictions": {"evaluation": "evaluation"},
        "demi-regularities": {"min-sites": "integer", "by": "choice"},
        "gaps": {"evaluation": "evaluation"},
        "compare-sites": {"evaluation": "evaluation"},
        "theory-changes": {"evaluation": "evaluation"},
        "site": {"site": "site"},
        "elements": {"kind": "choice", "evaluation": "evaluation"},
        "recurring": {"min-evaluations": "integer"},
        "evidence-profile": {"by": "choice"},
        "triangulation": {"site": "site", "evaluation": "evaluation"},
        "rests-on": {"cmoc": "cmoc", "evaluation": "evaluation"},
        "feeds": {"cmoc": "cmoc", "evaluation": "evaluation"},
    }
    required = {"circumstances": "mechanism", "why": "outcome", "in-context": "context", "evidence": "cmoc",
                "site": "site"}
    for qid, params in expected.items():
        q = get_question(qid)
        assert {p.name: p.type for p in q.parameters} == params, qid
        assert [p.name for p in q.parameters if p.required] == ([required[qid]] if qid in required else []), qid
    demi = get_question("demi-regularities")
    assert demi.parameter("min-sites").default == 2  # type: ignore[union-attr]
    assert demi.parameter("by").default == "label"  # type: ignore[union-attr]
    assert set(demi.parameter("by").choices) == {"concept", "label"}  # type: ignore[union-attr]


def test_every_cmo_term_is_in_the_ontology() -> None:
    cmo = "https://w3id.org/cmograph/ontology#"
    defined = {t.subject.value for t in ox.parse(ONTOLOGY.read_bytes(), format=ox.RdfFormat.TURTLE)
               if isinstance(t.subject, ox.NamedNode)}
    for path in rq_files():
        body = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("#"))
        for term in set(re.findall(r"\bcmo:([A-Za-z]+)", body)):
            assert cmo + term in defined, f"{path.name}: cmo:{term} is not in the ontology"


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_bind_puts_values_in_the_outermost_group(qid: str) -> None:
    q = get_question(qid)
    values = {p.variable: ['"x"'] if p.type == "choice" else
              (['"2"^^<http://www.w3.org/2001/XMLSchema#integer>'] if p.type == "integer"
               else ["<https://example.org/a>", "<https://example.org/b>"])
              for p in q.parameters}
    bound = bind(q.sparql, values)
    # the header is untouched and the VALUES come right after the first WHERE { outside comments
    assert bound.startswith(q.sparql.split("\n", 1)[0])
    body = "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in bound.split("\n"))
    where = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
    assert where is not None
    after = body[where.end():].lstrip()
    for variable in values:
        assert after.startswith("VALUES ?"), after[:80]
        assert f"VALUES ?{variable} " in body
        after = after.split("\n", 1)[1].lstrip()
    # nothing before the outer WHERE is a subquery, and the bound query still parses
    assert "SELECT" not in body[body.index("SELECT") + 6: where.start()].upper()
    assert isinstance(ox.Store().query(bound), ox.QuerySolutions)


# ---------------------------------------------------------------------------------------------- what-worked


def test_what_worked(riverside: StoreEngine) -> None:
    answer = run("what-worked", riverside)
    assert answer.columns == ["outcome", "direction", "mechanisms", "for_whom", "contexts", "sites", "supporting",
                              "qualifying", "refuting", "cmoc"]
    assert answer.rows == [
        {"outcome": MORALE_UP, "direction": "positive", "mechanisms": [HUDDLE], "for_whom": L(NURSES, DOCTORS),
         "contexts": [LEADERSHIP], "sites": 2, "supporting": 5, "qualifying": 0, "refuting": 0,
         "cmoc": L("CMO1", "CMO2")},
        {"outcome": OWNERSHIP, "direction": "positive", "mechanisms": L(PARTICIPATION, COACHING, CONFIDENCE),
         "for_whom": L(NURSES, DOCTORS), "contexts": L(EXPERIENCED, LEADERSHIP, NEW_STARTERS), "sites": 2,
         "supporting": 5, "qualifying": 0, "refuting": 1, "cmoc": L("CMO4", "CMO9", "CMO10")},
        {"outcome": FALLS, "direction": "positive", "mechanisms": [FEEDBACK], "for_whom": L(PATIENTS, NURSES),
         "contexts": [LEADERSHIP], "sites": 2, "supporting": 2, "qualifying": 0, "refuting": 0, "cmoc": ["CMO6"]},
        {"outcome": SUSTAINED, "direction": "mixed", "mechanisms": L(COACHING, PEERS), "for_whom": [NURSES],
         "contexts": [SHARED], "sites": 1, "supporting": 1, "qualifying": 1, "refuting": 0, "cmoc": ["CMO5"]},
    ]


def test_what_worked_filters(riverside: StoreEngine) -> None:
    ward = run("what-worked", riverside, {"site": "ward-7"})
    assert pick(ward, "outcome", "sites", "supporting", "refuting", "cmoc") == [
        (FALLS, 2, 2, 0, ("CMO6",)),  # CMO6 is at ward-7 and the cardiac unit: both count
        (OWNERSHIP, 1, 3, 1, ("CMO4", "CMO10")),
        (MORALE_UP, 1, 2, 0, ("CMO2",)),
        (SUSTAINED, 1, 1, 0, ("CMO5",)),
    ]
    assert pick(run("what-worked", riverside, {"site": CARDIAC}), "outcome", "cmoc") == [(FALLS, ("CMO6",))]
    assert pick(run("what-worked", riverside, {"for": "patients"}), "outcome", "cmoc") == [(FALLS, ("CMO6",))]
    assert pick(run("what-worked", riverside, {"for": "doctors"}), "outcome", "cmoc") == [
        (MORALE_UP, ("CMO1",)), (OWNERSHIP, ("CMO4", "CMO10"))]
    assert pick(run("what-worked", riverside, {"outcome": "o-ownership"}), "outcome", "cmoc") == [
        (OWNERSHIP, ("CMO4", "CMO9", "CMO10"))]


def test_what_worked_never_counts_untriggered_or_negative(riverside: StoreEngine) -> None:
    # managers appear only in CMO7, whose mechanism was NOT triggered
    assert run("what-worked", riverside, {"for": "managers"}).rows == []
    outcomes = {r["outcome"] for r in run("what-worked", riverside).rows}
    assert not outcomes & {MORALE_DOWN, DISENGAGE, WAITS}


def test_what_worked_across_evaluations(both: StoreEngine, hillside: StoreEngine) -> None:
    assert run("what-worked", hillside).rows == [
        {"outcome": "Improved staff wellbeing and morale", "direction": "positive",
         "mechanisms": ["Brief daily team huddle"], "for_whom": ["Ward staff"],
         "contexts": ["Managers visibly support the huddle"], "sites": 0, "supporting": 2, "qualifying": 0,
         "refuting": 0, "cmoc": ["CMOC-A"]},
    ]
    answer = run("what-worked", both)
    assert answer.columns[-1] == "evaluation"
    assert pick(answer, "evaluation", "outcome") == [
        ("hillside-review", "Improved staff wellbeing and morale"),
        ("riverside-wards", MORALE_UP), ("riverside-wards", OWNERSHIP), ("riverside-wards", FALLS),
        ("riverside-wards", SUSTAINED),
    ]
    only = run("what-worked", both, {"evaluation": "hillside-review"})
    assert pick(only, "evaluation", "cmoc") == [("hillside-review", ("CMOC-A",))]


@pytest.mark.parametrize("concurrent", [True, False])
def test_the_note_is_counted_beside_the_question_where_the_engine_allows(concurrent: bool) -> None:
    """``cmograph ask`` works out the note with the answer: on the embedded store its ``left_out`` query runs on a
    thread while the question's runs, and gives what the one-after-the-other way gives (on the bundled example,
    whose follow-up has a configuration left out)."""
    import threading

    from cmograph.query.run import answer, answer_with_note, queries

    ran: dict[str, int] = {}

    class Recording(StoreEngine):
        def select(self, sparql: str) -> tuple[list[str], list[Any]]:
            ran[sparql] = threading.get_ident()
            return super().select(sparql)

    engine = Recording(engine_for(EXAMPLE, EXAMPLE.with_name("larchfield-follow-up.yaml")).store)
    engine.concurrent = concurrent
    question = get_question("what-worked")
    sparql, left_out = queries(question, engine, {})
    beside = answer_with_note(question, engine, sparql, left_out)
    assert (ran[left_out] != ran[sparql]) is concurrent and ran[sparql] == threading.get_ident()
    ran.clear()
    alone = answer(question, engine, sparql, left_out)
    assert alone.note == beside.note and alone.rows == beside.rows
    assert beside.note == "Left out by design: 1 configuration hypothesised (not yet tested)."


def test_what_worked_empty(minimal: StoreEngine) -> None:
    assert run("what-worked", minimal).rows == []


# ---------------------------------------------------------------------------------------------- for-whom


def test_for_whom(riverside: StoreEngine) -> None:
    answer = run("for-whom", riverside)
    assert answer.columns == ["group", "outcome", "direction", "triggered", "mechanisms", "cmoc"]
    assert pick(answer, "group", "outcome", "direction", "triggered", "mechanisms", "cmoc") == [
        (DOCTORS, MORALE_UP, "positive", True, (HUDDLE,), ("CMO1",)),
        (DOCTORS, OWNERSHIP, "positive", True, (PARTICIPATION,), ("CMO4", "CMO10")),
        (NURSES, FALLS, "positive", True, (FEEDBACK,), ("CMO6",)),
        (NURSES, MORALE_UP, "positive", True, (HUDDLE,), ("CMO1", "CMO2")),
        (NURSES, SUSTAINED, "mixed", True, tuple(L(COACHING, PEERS)), ("CMO5",)),
        (NURSES, MORALE_DOWN, "negative", True, (HUDDLE,), ("CMO3",)),
        (NURSES, OWNERSHIP, "positive", True, tuple(L(COACHING, CONFIDENCE, PARTICIPATION)),
         ("CMO4", "CMO9", "CMO10")),
        (NURSES, DISENGAGE, "negative", False, (PARTICIPATION,), ("CMO7",)),
        (PATIENTS, FALLS, "positive", True, (FEEDBACK,), ("CMO6",)),
        (PATIENTS, WAITS, "no-change", True, (COACHING,), ("CMO8",)),
        (MANAGERS, DISENGAGE, "negative", False, (PARTICIPATION,), ("CMO7",)),
    ]


def test_for_whom_filters(riverside: StoreEngine, hillside: StoreEngine) -> None:
    assert pick(run("for-whom", riverside, {"mechanism": "m-huddle"}), "group", "outcome", "cmoc") == [
        (DOCTORS, MORALE_UP, ("CMO1",)), (NURSES, MORALE_UP, ("CMO1", "CMO2")), (NURSES, MORALE_DOWN, ("CMO3",))]
    assert pick(run("for-whom", riverside, {"outcome": OWNERSHIP.upper()}), "group", "cmoc") == [
        (DOCTORS, ("CMO4", "CMO10")), (NURSES, ("CMO4", "CMO9", "CMO10"))]
    assert pick(run("for-whom", hillside), "group", "outcome", "cmoc") == [
        ("Ward staff", "Defensive, target-chasing practice", ("CMOC-B",)),
        ("Ward staff", "Improved staff wellbeing and morale", ("CMOC-A",)),
    ]


def test_for_whom_empty(minimal: StoreEngine, example: StoreEngine) -> None:
    assert run("for-whom", minimal).rows == []
    # the example's patients group is concerned by no configuration
    assert run("for-whom", example, {"mechanism": "Patient involvement"}).rows == []


# ---------------------------------------------------------------------------------------------- when


def test_when(riverside: StoreEngine) -> None:
    answer = run("when", riverside)
    assert answer.columns == ["period", "phase", "start", "end", "cmoc", "triggered", "statement"]
    setup = ("Set-up", "set-up", "2019-01", "2019-06-30")
    embedding = ("Embedding", "embedding", "2019-07-01", "2020-03")
    expected = [(*setup, c) for c in ("CMO3", "CMO4", "CMO6", "CMO7")]
    expected += [(*embedding, c) for c in ("CMO1", "CMO10", "CMO2", "CMO5", "CMO6", "CMO9")]
    assert pick(answer, "period", "phase", "start", "end", "cmoc") == expected
    for row in answer.rows:
        assert row["statement"] == STATEMENT[str(row["cmoc"])]
        assert row["triggered"] is (row["cmoc"] != "CMO7")
    assert "CMO8" not in {r["cmoc"] for r in answer.rows}  # no period: never given one


def test_when_one_period(riverside: StoreEngine) -> None:
    assert [r["cmoc"] for r in run("when", riverside, {"period": "embedding"}).rows] == [
        "CMO1", "CMO10", "CMO2", "CMO5", "CMO6", "CMO9"]
    assert [r["cmoc"] for r in run("when", riverside, {"period": "p-setup"}).rows] == ["CMO3", "CMO4", "CMO6", "CMO7"]


def test_when_one_phase(fixture_dir: Path) -> None:
    text = RIVERSIDE.read_text(encoding="utf-8")
    assert "    label: Set-up\n" in text and "    phase: embedding\n" in text
    renamed = text.replace("    label: Set-up\n", "    label: Launch\n").replace("    phase: embedding\n",
                                                                            "    phase: set-up\n")
    (fixture_dir / "phases.yaml").write_text(renamed, encoding="utf-8")
    engine = engine_for(fixture_dir / "phases.yaml")
    both_periods = ["CMO3", "CMO4", "CMO6", "CMO7", "CMO1", "CMO10", "CMO2", "CMO5", "CMO6", "CMO9"]
    assert [r["cmoc"] for r in run("when", engine, {"period": "SET-UP"}).rows] == both_periods  # both in the phase
    assert [r["cmoc"] for r in run("when", engine, {"period": "launch"}).rows] == ["CMO3", "CMO4", "CMO6", "CMO7"]
    with pytest.raises(UsageError, match="no period is called 'implementation'"):
        run("when", engine, {"period": "implementation"})
    # a phase spelt exactly comes before a label that matches only ignoring case, as names do
    setup_label = text.replace("    label: Set-up\n", "    label: Launch\n").replace("    label: Embedding\n",
                                                                                  "    label: Set-Up\n")
    (fixture_dir / "phase-first.yaml").write_text(setup_label, encoding="utf-8")
    spelt = run("when", engine_for(fixture_dir / "phase-first.yaml"), {"period": "set-up"}).rows
    assert {r["period"] for r in spelt} == {"Launch"}


def test_like_takes_what_a_curie_names_too(riverside: StoreEngine) -> None:
    by_concept = run("why", riverside, {"outcome": "cmoc:staff-morale"}).rows
    assert by_concept and run("why", riverside, {"outcome": "cmoc:staff-morale"}, like=True).rows == by_concept
    by_text = run("why", riverside, {"outcome": "morale"}, like=True).rows
    assert by_text == by_concept  # both morale outcomes are labelled "... staff morale"


def test_ids_are_matched_ignoring_case_when_none_is_spelt_so(riverside: StoreEngine, twins: StoreEngine) -> None:
    assert run("evidence", riverside, {"cmoc": "cmo4"}).rows == run("evidence", riverside, {"cmoc": "CMO4"}).rows
    assert run("site", riverside, {"site": "WARD-7"}).rows == run("site", riverside, {"site": "ward-7"}).rows
    with pytest.raises(UsageError, match="'cmo4' names 2 configurations"):
        run("evidence", twins, {"cmoc": "cmo4"})


def test_when_empty(minimal: StoreEngine, hillside: StoreEngine, example: StoreEngine) -> None:
    for engine in (minimal, hillside, example):
        assert run("when", engine).rows == []


# ---------------------------------------------------------------------------------------------- circumstances


def test_circumstances(riverside: StoreEngine) -> None:
    answer = run("circumstances", riverside, {"mechanism": "m-participation"})
    assert answer.columns == ["mechanism", "triggered", "contexts", "outcome", "direction", "sites", "cmoc"]
    assert answer.rows == [
        {"mechanism": PARTICIPATION, "triggered": True, "contexts": L(EXPERIENCED, LEADERSHIP),
         "outcome": OWNERSHIP, "direction": "positive", "sites": [WARD_7], "cmoc": "CMO10"},
        {"mechanism": PARTICIPATION, "triggered": True, "contexts": [EXPERIENCED], "outcome": OWNERSHIP,
         "direction": "positive", "sites": [WARD_7], "cmoc": "CMO4"},
        {"mechanism": PARTICIPATION, "triggered": False, "contexts": L(IMPOSED, SHORTAGE),
         "outcome": DISENGAGE, "direction": "negative", "sites": [CARDIAC], "cmoc": "CMO7"},
    ]


def test_circumstances_more(riverside: StoreEngine, minimal: StoreEngine) -> None:
    huddle = run("circumstances", riverside, {"mechanism": "daily improvement HUDDLE"})
    assert pick(huddle, "triggered", "contexts", "outcome", "direction", "sites", "cmoc") == [
        (True, (LEADERSHIP,), MORALE_UP, "positive", (HEALTH_CENTRE,), "CMO1"),
        (True, (LEADERSHIP,), MORALE_UP, "positive", (WARD_7,), "CMO2"),
        (True, (SHORTAGE,), MORALE_DOWN, "negative", (CARDIAC,), "CMO3"),
    ]
    coaching = run("circumstances", riverside, {"mechanism": "m-coaching"})
    assert pick(coaching, "cmoc", "outcome", "direction", "sites") == [
        ("CMO5", SUSTAINED, "mixed", (WARD_7,)),
        ("CMO8", WAITS, "no-change", ()),  # attributed to no site: an empty list, not all sites
        ("CMO9", OWNERSHIP, "positive", (HEALTH_CENTRE,)),
    ]
    assert run("circumstances", minimal, {"mechanism": "m-minimal"}).rows == [
        {"mechanism": "Minimal mechanism", "triggered": True, "contexts": ["Minimal context"],
         "outcome": "Minimal outcome", "direction": None, "sites": [], "cmoc": "cmoc-1"}]


def test_circumstances_by_concept_across_evaluations(riverside: StoreEngine, example: StoreEngine) -> None:
    engine = engine_for(RIVERSIDE, EXAMPLE)
    answer = run("circumstances", engine, {"mechanism": "cmoc:participative-change"})
    assert pick(answer, "triggered", "evaluation", "cmoc") == [
        (True, "clinical-microsystems-nhs", "cmoc-participative-change"),
        (True, "riverside-wards", "CMO10"),
        (True, "riverside-wards", "CMO4"),
        (False, "clinical-microsystems-nhs", "cmoc-imposed-targets"),
        (False, "riverside-wards", "CMO7"),
    ]


def test_circumstances_empty(tidy: StoreEngine) -> None:
    assert run("circumstances", tidy, {"mechanism": "m-unused"}).rows == []


# ---------------------------------------------------------------------------------------------- why


def test_why(riverside: StoreEngine) -> None:
    answer = run("why", riverside, {"outcome": "o-ownership"})
    assert answer.columns == ["outcome", "mechanism", "kind", "triggered", "contexts", "confidence", "cmoc"]
    assert answer.rows == [
        {"outcome": OWNERSHIP, "mechanism": PARTICIPATION, "kind": "response", "triggered": True,
         "contexts": L(EXPERIENCED, LEADERSHIP), "confidence": "moderate", "cmoc": "CMO10"},
        {"outcome": OWNERSHIP, "mechanism": PARTICIPATION, "kind": "response", "triggered": True,
         "contexts": [EXPERIENCED], "confidence": "low", "cmoc": "CMO4"},
        {"outcome": OWNERSHIP, "mechanism": COACHING, "kind": "resource", "triggered": True,
         "contexts": [NEW_STARTERS], "confidence": "moderate", "cmoc": "CMO9"},
        {"outcome": OWNERSHIP, "mechanism": CONFIDENCE, "kind": "response", "triggered": True,
         "contexts": [NEW_STARTERS], "confidence": "moderate", "cmoc": "CMO9"},
    ]


def test_why_more(riverside: StoreEngine, both: StoreEngine, minimal: StoreEngine) -> None:
    assert pick(run("why", riverside, {"outcome": SUSTAINED}), "mechanism", "kind", "cmoc") == [
        (COACHING, "resource", "CMO5"), (PEERS, None, "CMO5")]  # no kind recorded: empty, listed last
    assert pick(run("why", riverside, {"outcome": "o-disengagement"}), "mechanism", "triggered", "contexts") == [
        (PARTICIPATION, False, tuple(L(IMPOSED, SHORTAGE)))]
    assert pick(run("why", riverside, {"outcome": "o-waits"}), "mechanism", "confidence", "cmoc") == [
        (COACHING, None, "CMO8")]
    morale = run("why", both, {"outcome": "cmoc:staff-morale"})
    assert pick(morale, "evaluation", "outcome", "mechanism", "cmoc") == [
        ("hillside-review", "Improved staff wellbeing and morale", "Brief daily team huddle", "CMOC-A"),
        ("riverside-wards", MORALE_UP, HUDDLE, "CMO1"),
        ("riverside-wards", MORALE_UP, HUDDLE, "CMO2"),
        ("riverside-wards", MORALE_DOWN, HUDDLE, "CMO3"),
    ]
    assert run("why", minimal, {"outcome": "o-minimal"}).rows == [
        {"outcome": "Minimal outcome", "mechanism": "Minimal mechanism", "kind": None, "triggered": True,
         "contexts": ["Minimal context"], "confidence": None, "cmoc": "cmoc-1"}]


def test_why_empty(tidy: StoreEngine) -> None:
    assert run("why", tidy, {"outcome": "Unused outcome"}).rows == []


# ---------------------------------------------------------------------------------------------- in-context


def test_in_context(riverside: StoreEngine) -> None:
    answer = run("in-context", riverside, {"context": "c-leadership"})
    assert answer.columns == ["context", "triggered", "mechanisms", "outcome", "direction", "with_contexts",
                              "sites", "cmoc"]
    assert answer.rows == [
        {"context": LEADERSHIP, "triggered": True, "mechanisms": [HUDDLE], "outcome": MORALE_UP,
         "direction": "positive", "with_contexts": [], "sites": [HEALTH_CENTRE], "cmoc": "CMO1"},
        {"context": LEADERSHIP, "triggered": True, "mechanisms": [PARTICIPATION], "outcome": OWNERSHIP,
         "direction": "positive", "with_contexts": [EXPERIENCED], "sites": [WARD_7], "cmoc": "CMO10"},
        {"context": LEADERSHIP, "triggered": True, "mechanisms": [HUDDLE], "outcome": MORALE_UP,
         "direction": "positive", "with_contexts": [], "sites": [WARD_7], "cmoc": "CMO2"},
        {"context": LEADERSHIP, "triggered": True, "mechanisms": [FEEDBACK], "outcome": FALLS,
         "direction": "positive", "with_contexts": [], "sites": L(WARD_7, CARDIAC), "cmoc": "CMO6"},
    ]


def test_in_context_more(riverside: StoreEngine, hillside: StoreEngine, minimal: StoreEngine) -> None:
    shortage = run("in-context", riverside, {"context": SHORTAGE})
    assert pick(shortage, "triggered", "mechanisms", "outcome", "with_contexts", "cmoc") == [
        (True, (HUDDLE,), MORALE_DOWN, (), "CMO3"),
        (False, (PARTICIPATION,), DISENGAGE, (IMPOSED,), "CMO7"),
    ]
    assert pick(run("in-context", riverside, {"context": "c-new-starters"}), "mechanisms", "outcome", "cmoc") == [
        ((COACHING,), WAITS, "CMO8"), (tuple(L(COACHING, CONFIDENCE)), OWNERSHIP, "CMO9")]
    assert pick(run("in-context", hillside, {"context": "h-c-leadership"}), "mechanisms", "outcome", "cmoc") == [
        (("Brief daily team huddle",), "Improved staff wellbeing and morale", "CMOC-A")]
    assert pick(run("in-context", minimal, {"context": "c-minimal"}), "mechanisms", "outcome", "cmoc") == [
        (("Minimal mechanism",), "Minimal outcome", "cmoc-1")]


def test_in_context_empty(tidy: StoreEngine) -> None:
    assert run("in-context", tidy, {"context": "c-unused"}).rows == []


# ---------------------------------------------------------------------------------------------- evidence

INTERVIEWS = "Staff and patient interview transcripts"


def test_evidence(riverside: StoreEngine) -> None:
    answer = run("evidence", riverside, {"cmoc": "CMO1"})
    assert answer.columns == ["cmoc", "theory", "position", "stance", "quote", "summary", "refs", "source",
                              "locator", "method", "data", "informant", "interpretation"]
    theories = {"theory": L(V1, V2)}  # CMO1 is in both versions of the theory
    assert answer.rows == [
        {"cmoc": "CMO1", **theories, "position": 1, "stance": "supports",
         "quote": "Ten minutes every morning and the niggles actually get sorted. It's a nicer place to work.",
         "summary": None, "refs": [], "source": INTERVIEWS, "locator": "INT-03, 00:14:32", "method": "interview",
         "data": "qualitative", "informant": NURSES, "interpretation": "participant"},
        {"cmoc": "CMO1", **theories, "position": 2, "stance": "supports", "quote": None,
         "summary": "Morale scores at the health centre rose between set-up and embedding.", "refs": [],
         "source": "Staff morale survey", "locator": "Table 2", "method": "survey", "data": "quantitative",
         "informant": NURSES, "interpretation": "author"},
        {"cmoc": "CMO1", **theories, "position": 3, "stance": "supports",
         "quote": "The nurses seem happier these days, less rushed when you see them.", "summary": None,
         "refs": [], "source": INTERVIEWS, "locator": "INT-11, 00:05:10", "method": "interview",
         "data": "qualitative", "informant": PATIENTS, "interpretation": "participant"},
    ]


def test_evidence_more(riverside: StoreEngine, hillside: StoreEngine) -> None:
    assert pick(run("evidence", riverside, {"cmoc": "CMO3"}), "position", "stance", "informant") == [
        (1, "supports", NURSES), (2, "qualifies", MANAGERS), (3, "supports", NURSES)]
    assert pick(run("evidence", riverside, {"cmoc": "CMO4"}), "position", "stance", "informant") == [
        (1, "supports", NURSES), (2, "refutes", DOCTORS)]
    assert run("evidence", riverside, {"cmoc": "CMO9"}).rows[1] == {
        "cmoc": "CMO9", "theory": [V2], "position": 2, "stance": "supports", "quote": None, "summary": None,
        "refs": ["[14]", "[22]"], "source": None, "locator": None, "method": "literature", "data": None,
        "informant": None, "interpretation": "author"}
    assert pick(run("evidence", riverside, {"cmoc": "CMO5"}), "position", "refs", "source", "locator") == [
        (1, (), INTERVIEWS, "INT-15, 00:31:45"),
        (2, ("Riverside Trust quality report 2020, section 4.2",), "Riverside Trust quality report 2020", "p. 23"),
    ]
    review = "Hillside review report (made up)"
    assert pick(run("evidence", hillside, {"cmoc": "CMOC-A"}), "position", "refs", "source", "locator",
                "method", "data", "interpretation") == [
        (1, tuple(L("[4]", "[9]", "[17]")), review, "Table 2", "literature", "quantitative", "reviewer"),
        (2, tuple(L("[12]", "[20]", "[23]")), review, "Table 3", "literature", "quantitative", "reviewer"),
    ]
    assert pick(run("evidence", hillside, {"cmoc": "CMOC-B"}), "position", "stance", "refs", "summary") == [
        (1, "supports", ("[6]", "[11]"), None),
        (2, "qualifies", ("[15]",), "Defensiveness faded when dashboards were reviewed in a no-blame meeting."),
    ]


def test_evidence_empty(riverside: StoreEngine, minimal: StoreEngine) -> None:
    assert run("evidence", riverside, {"cmoc": "CMO8"}).rows == []
    assert run("evidence", minimal, {"cmoc": "cmoc-1"}).rows == []


# ---------------------------------------------------------------------------------------------- contradictions

CONTRADICTION_COLUMNS = ("mechanism", "shared", "cmoc", "evaluation", "positive_context", "positive_outcome",
                         "positive_sites", "negative_cmoc", "negative_evaluation", "negative_mechanism",
                         "negative_context", "negative_outcome", "negative_sites")


def test_contradictions(riverside: StoreEngine) -> None:
    answer = run("contradictions", riverside)
    assert answer.columns == [c for c in CONTRADICTION_COLUMNS if c != "evaluation"]
    cmo3 = {"negative_cmoc": "CMO3", "negative_evaluation": "riverside-wards", "negative_mechanism": HUDDLE,
            "negative_context": [SHORTAGE], "negative_outcome": MORALE_DOWN, "negative_sites": [CARDIAC]}
    assert answer.rows == [
        {"mechanism": HUDDLE, "shared": "same mechanism", "cmoc": "CMO1", "positive_context": [LEADERSHIP],
         "positive_outcome": MORALE_UP, "positive_sites": [HEALTH_CENTRE], **cmo3},
        {"mechanism": HUDDLE, "shared": "same mechanism", "cmoc": "CMO2", "positive_context": [LEADERSHIP],
         "positive_outcome": MORALE_UP, "positive_sites": [WARD_7], **cmo3},
    ]


def test_contradictions_across_evaluations(both: StoreEngine) -> None:
    answer = run("contradictions", both)
    assert answer.columns == list(CONTRADICTION_COLUMNS)
    concept = "same concept "  # a concept without a label (named in a file only), by its IRI's last part
    assert pick(answer, "shared", "evaluation", "cmoc", "positive_sites", "negative_evaluation", "negative_cmoc",
                "negative_sites") == [
        (concept + "daily-huddle", "hillside-review", "CMOC-A", (), "riverside-wards", "CMO3", (CARDIAC,)),
        ("same mechanism", "riverside-wards", "CMO1", (HEALTH_CENTRE,), "riverside-wards", "CMO3", (CARDIAC,)),
        ("same mechanism", "riverside-wards", "CMO2", (WARD_7,), "riverside-wards", "CMO3", (CARDIAC,)),
        (concept + "data-feedback", "riverside-wards", "CMO6", tuple(L(WARD_7, CARDIAC)), "hillside-review",
         "CMOC-B", ()),
    ]
    last = answer.rows[-1]
    dashboards = "Performance dashboards fed back to ward teams"
    assert (last["mechanism"], last["negative_mechanism"]) == (FEEDBACK, dashboards)
    assert (last["positive_context"], last["negative_context"]) == ([LEADERSHIP], ["Blame culture around incidents"])
    assert (last["positive_outcome"], last["negative_outcome"]) == (FALLS, "Defensive, target-chasing practice")
    hill = run("contradictions", both, {"evaluation": "hillside-review"})
    assert pick(hill, "cmoc", "negative_cmoc") == [("CMOC-A", "CMO3"), ("CMO6", "CMOC-B")]


def test_contradictions_empty(minimal: StoreEngine, hillside: StoreEngine, example: StoreEngine) -> None:
    for engine in (minimal, hillside, example):
        assert run("contradictions", engine).rows == []


# ---------------------------------------------------------------------------------------------- demi-regularities


def test_demi_regularities(riverside: StoreEngine) -> None:
    answer = run("demi-regularities", riverside)
    assert answer.columns == ["context", "mechanism", "outcome", "direction", "sites", "where", "cmoc"]
    assert answer.rows == [
        {"context": LEADERSHIP, "mechanism": HUDDLE, "outcome": MORALE_UP, "direction": "positive", "sites": 2,
         "where": L(HEALTH_CENTRE, WARD_7), "cmoc": L("CMO1", "CMO2")},
        {"context": LEADERSHIP, "mechanism": FEEDBACK, "outcome": FALLS, "direction": "positive", "sites": 2,
         "where": L(WARD_7, CARDIAC), "cmoc": ["CMO6"]},
    ]
    # (c-experienced-team, m-participation, o-ownership) is in CMO4 and CMO10, both at ward-7: one site
    assert run("demi-regularities", riverside, {"min-sites": 3}).rows == []


def test_demi_regularities_by_concept(both: StoreEngine) -> None:
    concepts = ""  # concepts named in the files only, with no label: by the last part of their IRIs
    answer = run("demi-regularities", both, {"by": "concept"})
    assert answer.rows == [
        {"context": concepts + "supportive-leadership", "mechanism": concepts + "daily-huddle",
         "outcome": concepts + "staff-morale", "direction": "positive", "sites": 3,
         "where": L(HEALTH_CENTRE, WARD_7, "hillside-review (no site)"), "cmoc": L("CMO1", "CMO2", "CMOC-A"),
         "evaluation": L("hillside-review", "riverside-wards")},
        {"context": concepts + "supportive-leadership", "mechanism": concepts + "data-feedback",
         "outcome": concepts + "patient-falls", "direction": "positive", "sites": 2, "where": L(WARD_7, CARDIAC),
         "cmoc": ["CMO6"],
         "evaluation": ["riverside-wards"]},
    ]
    assert [r["cmoc"] for r in run("demi-regularities", both, {"by": "concept", "min-sites": "3"}).rows] == [
        L("CMO1", "CMO2", "CMOC-A")]
    # no label is shared between the two files: by label only riverside's two patterns
    assert pick(run("demi-regularities", both), "mechanism", "sites", "evaluation") == [
        (HUDDLE, 2, ("riverside-wards",)), (FEEDBACK, 2, ("riverside-wards",))]


def test_demi_regularities_count_an_evaluation_once(tidy: StoreEngine) -> None:
    # k1 at Site one and k2 (no site) in the same evaluation: one place, not two
    assert run("demi-regularities", tidy).rows == []
    assert run("demi-regularities", tidy, {"min-sites": 1}).rows == [
        {"context": "Context one", "mechanism": "Mechanism one", "outcome": "Outcome one", "direction": "positive",
         "sites": 1,
         "where": L("Site one", "tidy-study (no site)"), "cmoc": L("k1", "k2")}]


def test_demi_regularities_evaluation_without_sites_counts_as_one(minimal: StoreEngine, example: StoreEngine) -> None:
    assert run("demi-regularities", minimal).rows == []
    assert run("demi-regularities", minimal, {"min-sites": 1}).rows == [
        {"context": "Minimal context", "mechanism": "Minimal mechanism", "outcome": "Minimal outcome",
         "direction": None, "sites": 1, "where": ["minimal (no site)"], "cmoc": ["cmoc-1"]}]
    assert run("demi-regularities", example).rows == []
    # the example's configuration whose mechanism was NOT triggered is no instance of a pattern
    rows = run("demi-regularities", example, {"min-sites": 1}).rows
    assert len(rows) == 11 and all(r["sites"] == 1 for r in rows)
    assert "cmoc-imposed-targets" not in {c for r in rows for c in r["cmoc"]}  # type: ignore[union-attr]


@pytest.mark.slow
def test_demi_regularities_tell_an_outcome_that_rose_from_one_that_fell(tmp_path: Path) -> None:
    text = RIVERSIDE.read_text(encoding="utf-8")
    twin = text.replace("\n  id: riverside-wards\n", "\n  id: riverside-twin\n", 1)
    falling = twin.replace("    direction: positive", "    direction: negative")
    (tmp_path / "rising.yaml").write_text(twin, encoding="utf-8")
    (tmp_path / "falling.yaml").write_text(falling.replace("id: riverside-twin", "id: riverside-fall", 1), "utf-8")
    rows = run("demi-regularities", engine_for(RIVERSIDE, tmp_path / "rising.yaml", tmp_path / "falling.yaml")).rows
    morale = {r["direction"]: r["evaluation"] for r in rows if r["mechanism"] == HUDDLE and r["outcome"] == MORALE_UP}
    assert morale == {"positive": L("riverside-twin", "riverside-wards"), "negative": ["riverside-fall"]}


def test_demi_regularities_bad_options(riverside: StoreEngine) -> None:
    store = riverside.store
    before = len(store)
    for options in ({"by": "concepts"}, {"by": HOSTILE}, {"min-sites": "two"}, {"min-sites": HOSTILE},
                    {"min-sites": 0}):
        with pytest.raises(UsageError):
            run("demi-regularities", riverside, options)
    assert len(store) == before


# ---------------------------------------------------------------------------------------------- gaps

NO_EVIDENCE, SINGLE, QUALITATIVE, QUANTITATIVE, NO_MEASURE, NO_PATIENT = (
    "no evidence", "single source", "only qualitative", "only quantitative", "no outcome measure",
    "no patient voice")


def test_gaps(riverside: StoreEngine) -> None:
    answer = run("gaps", riverside)
    assert answer.columns == ["cmoc", "gaps", "evidence", "sources"]
    # CMO1 and CMO6 have no gap: two sources, both kinds of data, a measure, a patient informant
    assert pick(answer, "cmoc", "gaps", "evidence", "sources") == [
        ("CMO10", tuple(L(QUALITATIVE, NO_MEASURE, NO_PATIENT)), 2, 2),
        ("CMO2", tuple(L(QUALITATIVE, NO_PATIENT)), 2, 2),
        ("CMO3", (NO_PATIENT,), 3, 2),
        ("CMO4", tuple(L(QUALITATIVE, NO_MEASURE, NO_PATIENT)), 2, 2),
        ("CMO5", tuple(L(QUALITATIVE, NO_MEASURE, NO_PATIENT)), 2, 2),
        ("CMO7", tuple(L(SINGLE, QUALITATIVE, NO_MEASURE, NO_PATIENT)), 1, 1),
        ("CMO8", tuple(L(NO_EVIDENCE, NO_PATIENT)), 0, 0),  # o-waits has a measure
        ("CMO9", tuple(L(SINGLE, QUALITATIVE, NO_MEASURE, NO_PATIENT)), 2, 1),  # item 2 names no source
    ]


def test_gaps_more(both: StoreEngine, minimal: StoreEngine, example: StoreEngine) -> None:
    hill = run("gaps", both, {"evaluation": "hillside-review"})
    assert pick(hill, "evaluation", "cmoc", "gaps") == [
        ("hillside-review", "CMOC-A", tuple(L(SINGLE, QUANTITATIVE, NO_MEASURE, NO_PATIENT))),
        ("hillside-review", "CMOC-B", tuple(L(SINGLE, QUALITATIVE, NO_MEASURE, NO_PATIENT))),
    ]
    assert run("gaps", minimal).rows == [
        {"cmoc": "cmoc-1", "gaps": L(NO_EVIDENCE, NO_MEASURE, NO_PATIENT), "evidence": 0, "sources": 0}]
    # the bundled example: one article, no measures, no patient informant; the 2 hypothesised configurations'
    # evidence does not say qualitative or quantitative
    rows = {r["cmoc"]: r["gaps"] for r in run("gaps", example).rows}
    hypothesised = {"cmoc-patient-involvement-monitoring", "cmoc-data-collection"}
    assert len(rows) == 8
    for cmoc, gaps in rows.items():
        expected = {SINGLE, NO_MEASURE, NO_PATIENT} | (set() if cmoc in hypothesised else {QUALITATIVE})
        assert gaps == sorted(expected), cmoc


def test_gaps_evidence_that_names_no_source(tmp_path: Path) -> None:
    path = tmp_path / "unsourced.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8") + "    evidence:\n      - quote: Said without a source.\n",
                    encoding="utf-8")
    assert run("gaps", engine_for(path)).rows == [
        {"cmoc": "cmoc-1", "gaps": L("no source named", NO_MEASURE, NO_PATIENT), "evidence": 1, "sources": 0}]


def test_gaps_empty(tidy: StoreEngine) -> None:
    # the informant group's id is "patients" (its label is "Service users"): that is patient voice
    assert run("gaps", tidy).rows == []


# ---------------------------------------------------------------------------------------------- compare-sites


def test_compare_sites(riverside: StoreEngine) -> None:
    answer = run("compare-sites", riverside)
    assert answer.columns == ["site", "outcome", "direction", "triggered", "mechanisms", "cmoc"]
    assert pick(answer, "site", "outcome", "direction", "triggered", "mechanisms", "cmoc") == [
        (WARD_7, FALLS, "positive", True, (FEEDBACK,), ("CMO6",)),
        (WARD_7, MORALE_UP, "positive", True, (HUDDLE,), ("CMO2",)),
        (WARD_7, SUSTAINED, "mixed", True, tuple(L(COACHING, PEERS)), ("CMO5",)),
        (WARD_7, OWNERSHIP, "positive", True, (PARTICIPATION,), ("CMO4", "CMO10")),
        (HEALTH_CENTRE, MORALE_UP, "positive", True, (HUDDLE,), ("CMO1",)),
        (HEALTH_CENTRE, OWNERSHIP, "positive", True, tuple(L(COACHING, CONFIDENCE)), ("CMO9",)),
        (CARDIAC, FALLS, "positive", True, (FEEDBACK,), ("CMO6",)),
        (CARDIAC, MORALE_DOWN, "negative", True, (HUDDLE,), ("CMO3",)),
        (CARDIAC, DISENGAGE, "negative", False, (PARTICIPATION,), ("CMO7",)),
    ]
    assert WAITS not in {r["outcome"] for r in answer.rows}  # CMO8 has no site


def test_compare_sites_empty(example: StoreEngine, minimal: StoreEngine, both: StoreEngine) -> None:
    # the example has three sites but attributes no configuration to any of them
    assert run("compare-sites", example).rows == []
    assert run("compare-sites", minimal).rows == []
    assert run("compare-sites", both, {"evaluation": "hillside-review"}).rows == []


# ---------------------------------------------------------------------------------------------- theory-changes


def test_theory_changes(riverside: StoreEngine) -> None:
    answer = run("theory-changes", riverside)
    assert answer.columns == ["theory", "previous_theory", "change", "cmoc", "statement", "previous_cmoc",
                              "previous_statement"]
    v2, v1 = "Refined programme theory after the embedding phase", "Initial programme theory"
    assert answer.rows == [
        {"theory": v2, "previous_theory": v1, "change": "added", "cmoc": "CMO9", "statement": STATEMENT["CMO9"],
         "previous_cmoc": None, "previous_statement": None},
        {"theory": v2, "previous_theory": v1, "change": "changed", "cmoc": "CMO10",
         "statement": STATEMENT["CMO10"], "previous_cmoc": "CMO4", "previous_statement": STATEMENT["CMO4"]},
        {"theory": v2, "previous_theory": v1, "change": "dropped", "cmoc": "CMO8", "statement": STATEMENT["CMO8"],
         "previous_cmoc": None, "previous_statement": None},
    ]


def test_theory_changes_empty(example: StoreEngine, minimal: StoreEngine, both: StoreEngine) -> None:
    assert run("theory-changes", example).rows == []  # one version only
    assert run("theory-changes", minimal).rows == []
    assert run("theory-changes", both, {"evaluation": "hillside-review"}).rows == []


# ---------------------------------------------------------------------------------------------- site


def test_site(riverside: StoreEngine) -> None:
    answer = run("site", riverside, {"site": "cardiac-unit"})
    assert answer.columns == ["site", "aspect", "value", "cmoc", "theory"]
    assert {r["site"] for r in answer.rows} == {CARDIAC}
    assert pick(answer, "aspect", "value", "cmoc") == [
        ("setting", "tertiary", None),
        ("size", "16 beds", None),
        ("description", "A fictional regional specialist cardiac unit.", None),
        ("microsystem purpose", "Specialist cardiac surgery and post-operative care for the region", None),
        ("microsystem patients", "Adults referred from four hospitals for cardiac surgery", None),
        ("microsystem professionals", "Surgeons, anaesthetists, specialist nurses, perfusionists", None),
        ("microsystem processes", "Theatre scheduling, post-operative recovery, a huddle before the day shift",
         None),
        ("microsystem patterns", "Persistent nurse vacancies; targets set by the trust board", None),
        ("configuration", STATEMENT["CMO3"], "CMO3"),
        ("configuration", STATEMENT["CMO6"], "CMO6"),
        ("configuration (mechanism NOT triggered)", STATEMENT["CMO7"], "CMO7"),
        ("outcome (negative)", MORALE_DOWN, "CMO3"),
        ("outcome (positive)", FALLS, "CMO6"),
        ("outcome (negative)", DISENGAGE, "CMO7"),
    ]
    # CMO3 is in both versions of the theory, CMO6 and CMO7 in neither; a site's own facts belong to no theory
    assert {(r["cmoc"], tuple(r["theory"])) for r in answer.rows} == {
        (None, ()), ("CMO3", tuple(L(V1, V2))), ("CMO6", ()), ("CMO7", ())}


def test_site_more(riverside: StoreEngine, example: StoreEngine) -> None:
    ward = run("site", riverside, {"site": WARD_7.lower()})
    assert [r["cmoc"] for r in ward.rows if r["aspect"] == "configuration"] == ["CMO10", "CMO2", "CMO4", "CMO5",
                                                                                "CMO6"]
    assert ("microsystem purpose", "Acute medical inpatient care and safe discharge") in pick(ward, "aspect",
                                                                                              "value")
    assert "CMO8" not in {r["cmoc"] for r in run("site", riverside, {"site": "primary-hc"}).rows}
    primary = run("site", example, {"site": "site-primary"})
    assert pick(primary, "aspect", "value", "cmoc") == [
        ("setting", "primary", None),
        ("description", "Stands for the pilot clinical microsystem site(s) in primary care. The abstract gives no "
                        "name, size or other detail, and attributes no finding to this site.", None),
    ]


def test_site_empty(tidy: StoreEngine) -> None:
    assert run("site", tidy, {"site": "Site two"}).rows == []


# ---------------------------------------------------------------------------------------------- partial configurations
# and theories held side by side (harbour-dental.yaml): D2 lacks its mechanism, D3 its outcome, D4 its context;
# D1 is in theory 1 (listed there), D2 to D4 name theory 2 (D4 theory 1 too), D2 is also listed by the refined
# theory 2, which D6 (refining D3) names; D5's mechanism was blocked.

FREE = "The service is free. Many patients could not otherwise afford treatment."
VARIED = "Patients are heterogeneous in character."
GUIDELINES = "NHS guidelines are open to interpretation."
ACCESS = "Patients can reach treatment they would otherwise go without."
TAILORING = "The HDA teams tailor their approach to what each patient needs."
TRUST = "Patients come to trust the dentist."
UPTAKE = "More patients take up treatment."
CALMER = "Less dental anxiety.."
NO_CHANGE = "Dental anxiety not reduced"
ANXIOUS = "Patients with dental anxiety"
HARBOUR_ST, HILL_RD = "Harbour Street dental clinic", "Hill Road dental clinic"
PT1, PT2, PT2_REFINED = "Programme theory 1: access", "Programme theory 2: tailoring", \
    "Programme theory 2: tailoring, refined"
HARBOUR_STATEMENT = {
    "D1": "In the context of the service is free; many patients could not otherwise afford treatment, patients can "
          "reach treatment they would otherwise go without leads to more patients take up treatment.",
    "D2": "In the context of patients are heterogeneous in character, a mechanism not yet identified leads to less "
          "dental anxiety.",
    "D3": "In the context of patients are heterogeneous in character and NHS guidelines are open to "
          "interpretation, the HDA teams tailor their approach to what each patient needs leads to an outcome not "
          "yet known.",
    "D4": "In a context not yet identified, patients come to trust the dentist leads to less dental anxiety.",
    "D5": "In the context of NHS guidelines are open to interpretation, the HDA teams tailor their approach to what "
          "each patient needs is not triggered, and the outcome is dental anxiety not reduced.",
    "D6": "In the context of patients are heterogeneous in character and NHS guidelines are open to "
          "interpretation, the HDA teams tailor their approach to what each patient needs and patients come to "
          "trust the dentist lead to less dental anxiety.",
}


def test_partial_configurations_are_left_out_of_the_questions_that_need_all_three(harbour: StoreEngine) -> None:
    # D2 (no mechanism) and D4 (no context) lead to a positive outcome; D6 is hypothesised and D5 was blocked
    assert run("what-worked", harbour).rows == [
        {"outcome": UPTAKE, "direction": "positive", "mechanisms": [ACCESS], "for_whom": [ANXIOUS],
         "contexts": [FREE], "sites": 2, "supporting": 1, "qualifying": 0, "refuting": 0, "cmoc": ["D1"]}]
    assert pick(run("why", harbour, {"outcome": "o-anxiety"}), "mechanism", "triggered", "contexts", "cmoc") == [
        (TAILORING, True, tuple(L(VARIED, GUIDELINES)), "D6"), (TRUST, True, tuple(L(VARIED, GUIDELINES)), "D6")]
    # D3 has the tailoring mechanism but no outcome, D4 the trust mechanism but no context
    assert pick(run("circumstances", harbour, {"mechanism": "m-tailoring"}), "triggered", "outcome", "cmoc") == [
        (True, CALMER, "D6"), (False, NO_CHANGE, "D5")]
    assert pick(run("circumstances", harbour, {"mechanism": TRUST}), "cmoc") == [("D6",)]
    # D2 (no mechanism) and D3 (no outcome) name this context
    assert pick(run("in-context", harbour, {"context": "c-varied"}), "cmoc", "with_contexts") == [
        ("D6", (GUIDELINES,))]
    patterns = run("demi-regularities", harbour, {"min-sites": 1})
    assert sorted(c for r in patterns.rows for c in r["cmoc"]) == ["D1", "D6", "D6", "D6", "D6"]
    assert run("contradictions", harbour).rows == []


def test_partial_configurations_with_a_mechanism_and_an_outcome_are_in_for_whom_and_compare_sites(
        harbour: StoreEngine) -> None:
    # D4 (no context) takes part: these questions show no contexts; D2 (no mechanism) and D3 (no outcome) do not
    assert pick(run("for-whom", harbour), "group", "outcome", "triggered", "mechanisms", "cmoc") == [
        (ANXIOUS, CALMER, True, tuple(L(TRUST, TAILORING)), ("D4", "D6")),
        (ANXIOUS, UPTAKE, True, (ACCESS,), ("D1",)),
        (ANXIOUS, NO_CHANGE, False, (TAILORING,), ("D5",)),
    ]
    assert pick(run("compare-sites", harbour), "site", "outcome", "triggered", "mechanisms", "cmoc") == [
        (HARBOUR_ST, CALMER, True, tuple(L(TRUST, TAILORING)), ("D6",)),
        (HARBOUR_ST, UPTAKE, True, (ACCESS,), ("D1",)),
        (HILL_RD, NO_CHANGE, False, (TAILORING,), ("D5",)),
        (HILL_RD, CALMER, True, (TRUST,), ("D4",)),
        (HILL_RD, UPTAKE, True, (ACCESS,), ("D1",)),
    ]


def test_gaps_lists_partial_configurations_with_the_part_they_lack(harbour: StoreEngine) -> None:
    assert pick(run("gaps", harbour), "cmoc", "gaps", "evidence", "sources") == [
        ("D1", ("no outcome measure", "no patient voice", "no source named", "only quantitative"), 1, 0),
        ("D2", ("no outcome measure", "no patient voice", "no source named", "only qualitative",
                "partial: no mechanism yet"), 1, 0),
        ("D3", ("no evidence", "no patient voice", "partial: no outcome yet"), 0, 0),  # no outcome, so no measure
        ("D4", ("no evidence", "no outcome measure", "no patient voice", "partial: no context yet"), 0, 0),
        ("D5", ("no evidence", "no outcome measure", "no patient voice"), 0, 0),
        ("D6", ("no evidence", "no outcome measure", "no patient voice"), 0, 0),
    ]


def test_site_names_partial_configurations_and_the_theories_each_belongs_to(harbour: StoreEngine) -> None:
    assert pick(run("site", harbour, {"site": "harbour"}), "aspect", "value", "cmoc", "theory") == [
        ("setting", "community", None, ()),
        ("configuration", HARBOUR_STATEMENT["D1"], "D1", (PT1,)),
        ("configuration (partial)", HARBOUR_STATEMENT["D2"], "D2", tuple(L(PT2, PT2_REFINED))),
        ("configuration", HARBOUR_STATEMENT["D6"], "D6", (PT2_REFINED,)),
        ("outcome (positive)", UPTAKE, "D1", (PT1,)),
        ("outcome (positive)", CALMER, "D2", tuple(L(PT2, PT2_REFINED))),
        ("outcome (positive)", CALMER, "D6", (PT2_REFINED,)),
    ]
    assert pick(run("site", harbour, {"site": HILL_RD}), "aspect", "cmoc", "theory") == [
        ("setting", None, ()),
        ("configuration", "D1", (PT1,)),
        ("configuration (partial)", "D4", tuple(L(PT1, PT2))),
        ("configuration (mechanism NOT triggered)", "D5", ()),
        ("outcome (positive)", "D1", (PT1,)),
        ("outcome (positive)", "D4", tuple(L(PT1, PT2))),
        ("outcome (no-change)", "D5", ()),
    ]


def test_evidence_names_the_theories_of_its_configuration(harbour: StoreEngine) -> None:
    assert pick(run("evidence", harbour, {"cmoc": "D2"}), "cmoc", "theory", "position", "quote", "informant") == [
        ("D2", tuple(L(PT2, PT2_REFINED)), 1, "Each of them needs something different.", "Dentists")]
    assert pick(run("evidence", harbour, {"cmoc": "D1"}), "theory", "summary") == [
        ((PT1,), "Uptake rose once treatment was free.")]


def test_theory_changes_read_the_theories_a_configuration_names(harbour: StoreEngine) -> None:
    # theory 2 has D2, D3, D4 (they name it); its refinement lists D2 and is named by D6, which refines D3; the two
    # theories side by side (1 and 2) are not compared
    assert pick(run("theory-changes", harbour), "theory", "previous_theory", "change", "cmoc", "statement",
                "previous_cmoc", "previous_statement") == [
        (PT2_REFINED, PT2, "changed", "D6", HARBOUR_STATEMENT["D6"], "D3", HARBOUR_STATEMENT["D3"]),
        (PT2_REFINED, PT2, "dropped", "D4", HARBOUR_STATEMENT["D4"], None, None),
    ]


# ---------------------------------------------------------------------------------------------- names

RIVERSIDE_TITLE = "Daily huddles and team coaching on the Riverside wards: a realist evaluation (made-up test data)"
# (question, option, a name that matches nothing, a label the error must offer)
UNKNOWN = [
    ("what-worked", "for", "Nurse", NURSES),
    ("what-worked", "outcome", "staff morale", MORALE_UP),
    ("what-worked", "evaluation", "riverside", RIVERSIDE_TITLE),
    ("what-worked", "site", "ward 7", WARD_7),
    ("for-whom", "outcome", "ownership", OWNERSHIP),
    ("for-whom", "mechanism", "huddle", HUDDLE),
    ("when", "period", "setup", "Set-up"),
    ("circumstances", "mechanism", "huddle", HUDDLE),
    ("why", "outcome", "staff morale", MORALE_DOWN),
    ("in-context", "context", "staff shortage", SHORTAGE),
    ("evidence", "cmoc", "CMO11", "CMO1"),
    ("contradictions", "evaluation", "riverside", RIVERSIDE_TITLE),
    ("gaps", "evaluation", "riverside", RIVERSIDE_TITLE),
    ("compare-sites", "evaluation", "riverside", RIVERSIDE_TITLE),
    ("theory-changes", "evaluation", "riverside", RIVERSIDE_TITLE),
    ("site", "site", "ward 7", WARD_7),
    ("elements", "evaluation", "riverside", RIVERSIDE_TITLE),
    ("triangulation", "site", "ward 7", WARD_7),
    ("triangulation", "evaluation", "riverside", RIVERSIDE_TITLE),
    ("rests-on", "cmoc", "CMO11", "CMO1"),
    ("rests-on", "evaluation", "riverside", RIVERSIDE_TITLE),
    ("feeds", "cmoc", "CMO11", "CMO1"),
    ("feeds", "evaluation", "riverside", RIVERSIDE_TITLE),
]
# (question, option, a name both riverside-wards and riverside-twin have, a --like name, other options)
AMBIGUOUS = [
    ("what-worked", "for", "Doctors", "doctor", {}),
    ("what-worked", "outcome", MORALE_UP, "higher staff", {}),
    ("what-worked", "evaluation", RIVERSIDE_TITLE, "riverside", {}),
    ("what-worked", "site", "ward-7", "ward 7", {}),
    ("for-whom", "outcome", "o-ownership", "ownership", {}),
    ("for-whom", "mechanism", "m-huddle", "improvement huddle", {}),
    ("when", "period", "Set-up", "set-up", {}),
    ("circumstances", "mechanism", HUDDLE, "huddle", {}),
    ("why", "outcome", "o-falls", "inpatient falls", {}),
    ("in-context", "context", "c-leadership", "protects time", {}),
    ("evidence", "cmoc", "CMO3", "cmo3", {}),
    ("contradictions", "evaluation", RIVERSIDE_TITLE, "riverside-", {}),
    ("gaps", "evaluation", RIVERSIDE_TITLE, "riverside-", {}),
    ("compare-sites", "evaluation", RIVERSIDE_TITLE, "riverside-", {}),
    ("theory-changes", "evaluation", RIVERSIDE_TITLE, "riverside-", {}),
    ("site", "site", "Riverside Regional Cardiac Unit", "cardiac", {}),
    ("elements", "evaluation", RIVERSIDE_TITLE, "riverside-", {}),
    ("triangulation", "site", "Riverside Regional Cardiac Unit", "cardiac", {}),
    ("triangulation", "evaluation", RIVERSIDE_TITLE, "riverside-", {}),
]
# rests-on and feeds answer only where configurations are derived from others: tests/test_synthesis.py asks them
# with ambiguous names on reviews that derive from both twins
DERIVATION_OPTIONS = {(q, p.name) for q in ("rests-on", "feeds") for p in get_question(q).parameters}
ELEMENT_OPTIONS = [(q.id, p.name) for q in questions().values() for p in q.parameters if p.is_element]


def test_the_name_tables_cover_every_question() -> None:
    assert {q for q, *_ in UNKNOWN} == set(QUESTION_IDS) - {"demi-regularities", "recurring", "evidence-profile"}
    assert {(q, o) for q, o, *_ in UNKNOWN} == set(ELEMENT_OPTIONS)
    assert {(q, o) for q, o, *_ in AMBIGUOUS} == set(ELEMENT_OPTIONS) - DERIVATION_OPTIONS
    assert not get_question("demi-regularities").parameters[0].is_element  # see test_demi_regularities_bad_options


@pytest.mark.parametrize(("qid", "option", "name", "offered"), UNKNOWN)
def test_unknown_name(riverside: StoreEngine, qid: str, option: str, name: str, offered: str) -> None:
    with pytest.raises(UsageError) as caught:
        run(qid, riverside, {option: name})
    message = str(caught.value)
    assert f"'{name}'" in message
    assert repr(offered) in message, message


@pytest.mark.parametrize(("qid", "option", "name", "like", "other"), AMBIGUOUS)
def test_ambiguous_name(twins: StoreEngine, qid: str, option: str, name: str, like: str,
                        other: dict[str, str]) -> None:
    with pytest.raises(UsageError) as caught:
        run(qid, twins, {option: name, **other})
    message = str(caught.value)
    assert "names 2" in message
    assert "riverside-wards/" in message and "riverside-twin/" in message, message
    # --like takes both: both IRIs are bound and, where there are rows, they come from both evaluations
    answer = run(qid, twins, {option: like, **other}, like=True)
    assert "/riverside-wards" in answer.sparql and "/riverside-twin" in answer.sparql
    assert answer.rows, (qid, option)
    evaluations = {e for r in answer.rows for e in (r["evaluation"] if isinstance(r["evaluation"], list)
                                                    else [r["evaluation"]])}
    assert evaluations == {"riverside-wards", "riverside-twin"}


def test_ambiguous_name_across_the_example(riverside: StoreEngine) -> None:
    engine = engine_for(RIVERSIDE, EXAMPLE)
    with pytest.raises(UsageError) as caught:
        run("why", engine, {"outcome": MORALE_UP})
    message = str(caught.value)
    assert "clinical-microsystems-nhs/o-staff-morale" in message and "riverside-wards/o-morale-up" in message
    # an evaluation narrows the names down, and EVALUATION/ID names one
    narrowed = run("what-worked", engine, {"outcome": MORALE_UP, "evaluation": "riverside-wards"})
    assert pick(narrowed, "evaluation", "cmoc") == [("riverside-wards", ("CMO1", "CMO2"))]
    qualified = run("why", engine, {"outcome": "clinical-microsystems-nhs/o-staff-morale"})
    assert pick(qualified, "evaluation", "cmoc") == [("clinical-microsystems-nhs", "cmoc-staff-outcomes")]


@pytest.mark.parametrize(("qid", "option"), ELEMENT_OPTIONS)
@pytest.mark.parametrize("like", [False, True])
def test_hostile_name_matches_nothing_and_changes_nothing(riverside: StoreEngine, qid: str, option: str,
                                                          like: bool) -> None:
    store = riverside.store
    before = len(store)
    with pytest.raises(UsageError) as caught:
        run(qid, riverside, {option: HOSTILE}, like=like)
    assert "matches nothing" in str(caught.value) or "is called" in str(caught.value)
    assert len(store) == before


@pytest.mark.parametrize("qid", [q.id for q in questions().values() if any(p.required for p in q.parameters)])
def test_required_option_missing(riverside: StoreEngine, qid: str) -> None:
    with pytest.raises(UsageError) as caught:
        run(qid, riverside)
    assert "needs --" in str(caught.value)


def test_name_with_no_such_elements(minimal: StoreEngine) -> None:
    with pytest.raises(UsageError) as caught:
        run("site", minimal, {"site": "anything"})
    assert "there are no sites" in str(caught.value)


# ---------------------------------------------------------------------------------------------- bundled example


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_every_question_runs_on_the_bundled_example(example: StoreEngine, qid: str) -> None:
    q = get_question(qid)
    options = {p.name: p.example for p in q.parameters if p.required}
    answer = run(qid, example, options)
    assert answer.columns == [c for c in q.columns if c != "evaluation"]
    expected_rows = {"what-worked": 8, "for-whom": 9, "when": 0, "circumstances": 2, "why": 1, "in-context": 11,
                     "evidence": 1, "contradictions": 0, "demi-regularities": 0, "gaps": 8, "compare-sites": 0,
                     "theory-changes": 0, "site": 2, "elements": 24, "recurring": 0, "evidence-profile": 13,
                     "triangulation": 8, "rests-on": 0, "feeds": 0}
    assert len(answer.rows) == expected_rows[qid], answer.rows


def test_example_what_worked(example: StoreEngine) -> None:
    answer = run("what-worked", example)
    staff = ["Clinical microsystem staff (teams and individuals)"]
    assert {(r["outcome"], tuple(r["cmoc"])) for r in answer.rows} == {  # type: ignore[arg-type]
        ("Change and improvement better received (than externally derived initiatives with imposed targets)",
         ("cmoc-participative-change",)),
        ("Positive aspects reinforced", ("cmoc-nurturing-strengths",)),
        ("Higher staff morale", ("cmoc-staff-outcomes",)),
        ("Staff empowerment", ("cmoc-staff-outcomes",)),
        ("Staff commitment", ("cmoc-staff-outcomes",)),
        ("Clarity of purpose", ("cmoc-staff-outcomes",)),
        ("Enhanced predisposition towards improvement and innovation", ("cmoc-improvement-predisposition",)),
        ("A seemingly embedded sense of improvement as an ongoing but essentially episodic process",
         ("cmoc-episodic-improvement",)),
    }
    for row in answer.rows:
        assert (row["sites"], row["supporting"], row["for_whom"]) == (0, 1, staff)
        assert row["contexts"] == ["Pilot clinical microsystem sites in the English NHS"]
    assert [r["direction"] for r in answer.rows][-1] == "mixed"


def test_an_exact_spelling_wins_over_names_that_differ_only_in_case(fixture_dir: Path) -> None:
    text = RIVERSIDE.read_text(encoding="utf-8")
    assert "label: Riverside General Hospital, Ward 7\n" in text
    cased = text.replace("label: Riverside General Hospital, Ward 7\n", "label: riverside health centre\n", 1)
    (fixture_dir / "cased.yaml").write_text(cased, encoding="utf-8")
    engine = engine_for(fixture_dir / "cased.yaml")
    exact = run("site", engine, {"site": "Riverside Health Centre"})
    assert "/riverside-wards/site/primary-hc>" in exact.sparql and "/ward-7>" not in exact.sparql
    lower = run("site", engine, {"site": "riverside health centre"})
    assert "/riverside-wards/site/ward-7>" in lower.sparql and "/primary-hc>" not in lower.sparql
    with pytest.raises(UsageError) as caught:  # neither spelling: compared ignoring case, both match
        run("site", engine, {"site": "RIVERSIDE HEALTH CENTRE"})
    assert "names 2 sites" in str(caught.value)


def test_a_name_of_many_elements_lists_a_few_and_counts_the_rest(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    paths = []
    for i in range(11):
        path = tmp_path / f"m{i}.yaml"
        path.write_text(text.replace("id: minimal", f"id: minimal-{i:02d}"), encoding="utf-8")
        paths.append(path)
    with pytest.raises(UsageError) as caught:
        run("in-context", engine_for(*paths), {"context": "Minimal context"})
    message = str(caught.value)
    assert message.startswith("'Minimal context' names 11 contexts: minimal-00/c-minimal (Minimal context); ")
    assert message.count("(Minimal context)") == 8 and "minimal-07/c-minimal (Minimal context); and 3 more" in message


def test_a_prefix_bound_two_ways_names_what_it_names_or_is_refused(tmp_path: Path) -> None:
    def evaluation(eid: str, namespace: str, concept: str) -> Path:
        path = tmp_path / f"{eid}.yaml"
        path.write_text(MINIMAL.read_text(encoding="utf-8").replace("id: minimal", f"id: {eid}").replace(
            "    label: Minimal mechanism\n", f"    label: Minimal mechanism\n    concept: 'cmoc:{concept}'\n")
            + f"prefixes:\n  cmoc: {namespace}\n", encoding="utf-8")
        return path

    first = evaluation("first", "https://example.org/one/", "peer-support")
    second = evaluation("second", "https://example.org/two/", "peer-support")
    third = evaluation("third", "https://example.org/two/", "coaching")
    engine = engine_for(first, third)  # cmoc:peer-support means something only in the first
    rows = run("circumstances", engine, {"mechanism": "cmoc:peer-support"}).rows
    assert [r["cmoc"] for r in rows] == ["cmoc-1"] and rows[0]["evaluation"] == "first"
    with pytest.raises(UsageError, match=re.escape("'cmoc:peer-support' stands for 2 IRIs, as files declare its "
                       "prefix differently: https://example.org/one/peer-support; https://example.org/two/peer-support")):
        run("circumstances", engine_for(first, second), {"mechanism": "cmoc:peer-support"})
    full = run("circumstances", engine_for(first, second), {"mechanism": "https://example.org/two/peer-support"})
    assert [r["evaluation"] for r in full.rows] == ["second"]
