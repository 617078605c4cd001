"""Answers kept with their store generation (cmograph.store.answers): asked again from the file, never stale."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import cmograph
from cmograph.cli import main
from cmograph.cli.prepare import PREPARING
from cmograph.query.catalogue import Question, get_question
from cmograph.query.local import StoreEngine
from cmograph.query.run import ask
from cmograph.query.types import Row
from cmograph.store import answers, lock
from cmograph.store.answers import ANSWERS, KeptAnswers
from cmograph.store.project import Project


class Counting(StoreEngine):
    """The real engine, counting the queries it runs."""

    runs = 0

    def select(self, sparql: str) -> tuple[list[str], list[Row]]:
        self.runs += 1
        return super().select(sparql)


@pytest.fixture
def generation(study: Path) -> Path:
    """The live generation of the loaded study."""
    project = Project(study)
    assert project.refresh().report.conforms
    live = project.store.open_live()[1]
    assert live is not None
    return live


def kept(generation: Path) -> list[Path]:
    folder = generation / ANSWERS
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.mark.slow
def test_a_slow_answer_is_kept_and_asked_again_from_the_file(study: Path, generation: Path) -> None:
    store = Project(study).store.open()
    engine = Counting(store)
    keeping = KeptAnswers(engine, generation, keep_after=0.0)
    question = get_question("what-worked")
    first = ask(question, keeping, {})
    assert engine.runs == 1 and len(kept(generation)) == 1  # the answer (it shows two evaluations)
    again = ask(question, keeping, {})
    assert engine.runs == 1  # nothing ran
    assert again.rows == first.rows and again.columns == first.columns
    assert first.rows == ask(question, StoreEngine(store), {}).rows
    assert any(isinstance(r["sites"], int) for r in again.rows)  # numbers stay numbers
    # the same question with another option is another answer (after the lookup of the evaluation's name; it shows
    # one evaluation, so whether there are several is asked)
    ask(question, keeping, {"evaluation": "riverside-wards"})
    assert engine.runs == 4 and len(kept(generation)) == 3


@pytest.mark.slow
def test_a_fast_answer_is_not_kept(study: Path, generation: Path) -> None:
    keeping = KeptAnswers(StoreEngine(Project(study).store.open()), generation, keep_after=60.0)
    assert ask(get_question("what-worked"), keeping, {}).rows
    assert kept(generation) == []


@pytest.mark.slow
def test_answers_over_the_size_limits_are_not_kept(study: Path, generation: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = Project(study).store.open()
    keeping = KeptAnswers(StoreEngine(store), generation, keep_after=0.0)
    monkeypatch.setattr(answers, "KEEP_AT_MOST_BYTES", 100)  # one answer over the limit
    assert ask(get_question("what-worked"), keeping, {}).rows
    assert kept(generation) == []
    monkeypatch.setattr(answers, "KEEP_AT_MOST_BYTES", 10**9)
    ask(get_question("what-worked"), keeping, {})
    (first,) = kept(generation)
    monkeypatch.setattr(answers, "KEEP_IN_ALL_BYTES", first.stat().st_size + 100)  # all answers over the limit
    assert ask(get_question("gaps"), keeping, {}).rows
    assert kept(generation) == [first]


@pytest.mark.slow
def test_an_empty_answer_is_kept_as_empty(study: Path, generation: Path) -> None:
    engine = Counting(Project(study).store.open())
    keeping = KeptAnswers(engine, generation, keep_after=0.0)
    question = get_question("theory-changes")
    assert ask(question, keeping, {"evaluation": "hillside-review"}).rows == []
    runs = engine.runs
    assert ask(question, keeping, {"evaluation": "hillside-review"}).rows == []
    assert engine.runs == runs


@pytest.mark.slow
def test_a_damaged_or_foreign_file_is_not_trusted(study: Path, generation: Path) -> None:
    engine = Counting(Project(study).store.open())
    keeping = KeptAnswers(engine, generation, keep_after=0.0)
    question = get_question("what-worked")
    expected = ask(question, keeping, {}).rows
    (path,) = kept(generation)
    path.write_bytes(path.read_bytes()[:50])  # cut short
    runs = engine.runs
    assert ask(question, keeping, {}).rows == expected
    assert engine.runs == runs + 1
    data = json.loads(path.read_bytes())  # written again, whole
    data["sparql"] = "SELECT * WHERE { ?s ?p ?o }"  # an answer to another query under this name
    data["rows"] = []
    path.write_text(json.dumps(data), encoding="utf-8")
    assert ask(question, keeping, {}).rows == expected


@pytest.mark.slow
def test_a_store_that_cannot_be_written_still_answers(study: Path, generation: Path) -> None:
    blocked = generation / "not-a-folder"
    blocked.write_text("", encoding="utf-8")  # the answers folder would have to be inside a file
    keeping = KeptAnswers(StoreEngine(Project(study).store.open()), blocked, keep_after=0.0)
    assert ask(get_question("what-worked"), keeping, {}).rows
    assert not (blocked / ANSWERS).exists()
    assert list(generation.glob(f"{ANSWERS}/*.tmp")) == []


@pytest.mark.slow
def test_changed_evidence_is_never_answered_from_an_old_answer(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "KEEP_AFTER_SECONDS", 0.0)
    before = cmograph.open_data(study).ask("what-worked").rows
    generation = Project(study).store.open_live()[1]
    assert generation is not None and kept(generation)
    assert cmograph.open_data(study).ask("what-worked").rows == before  # from the kept answer
    riverside = study / "evaluations" / "riverside-wards.yaml"
    text = riverside.read_text(encoding="utf-8")
    assert "label: Higher staff morale" in text
    riverside.write_text(text.replace("label: Higher staff morale", "label: Much higher staff morale"),
                         encoding="utf-8")
    after = cmograph.open_data(study).ask("what-worked").rows
    outcomes = {r["outcome"] for r in after}
    assert "Much higher staff morale" in outcomes and "Higher staff morale" not in outcomes
    live = Project(study).store.open_live()[1]
    assert live is not None and live != generation and kept(live)


@pytest.mark.slow
def test_the_command_line_pages_from_the_kept_answer(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "KEEP_AFTER_SECONDS", 0.0)
    monkeypatch.chdir(study)
    runner = CliRunner()
    everything = runner.invoke(main, ["ask", "what-worked", "--format", "csv"])
    assert everything.exit_code == 0, everything.output
    generation = Project(study).store.open_live()[1]
    assert generation is not None and kept(generation)
    rows = everything.stdout.splitlines()
    page = runner.invoke(main, ["ask", "what-worked", "--format", "csv", "--limit", "2", "--offset", "1"])
    assert page.exit_code == 0, page.output
    assert page.stdout.splitlines() == [rows[0], *rows[2:4]]
    assert "(2 of 5 rows, from row 2" in page.stderr
    bad = runner.invoke(main, ["ask", "what-worked", "--offset", "-1"])
    assert bad.exit_code == 2


def printed(generation: Path) -> list[Path]:
    folder = generation / ANSWERS
    return sorted(folder.glob("*.printed.*")) if folder.is_dir() else []


def notes(generation: Path) -> list[Path]:
    return sorted((generation / ANSWERS).glob("*.note.txt"))


@pytest.mark.slow
def test_a_kept_answer_printed_whole_is_kept_as_printed_and_printed_from_there(
        study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "KEEP_AFTER_SECONDS", 0.0)
    # with configurations hypothesised, so that the answer says what it left out
    for example in ("clinical-microsystems-nhs.yaml", "larchfield-follow-up.yaml"):
        shutil.copy(Path(__file__).parents[1] / "examples" / example, study / "evaluations")
    monkeypatch.chdir(study)
    runner = CliRunner()
    first = runner.invoke(main, ["ask", "what-worked", "--format", "csv"])
    assert first.exit_code == 0, first.output
    generation = Project(study).store.open_live()[1]
    assert generation is not None
    [csv] = printed(generation)
    assert csv.name.endswith(".printed.csv") and csv.read_text(encoding="utf-8") == first.stdout
    [note] = notes(generation)  # what it left out, kept beside it
    assert note.read_text(encoding="utf-8") == first.stderr.strip() and "Left out by design" in first.stderr
    csv.write_text("outcome\nread from the kept file\n", encoding="utf-8")  # so that reading them shows
    again = runner.invoke(main, ["ask", "what-worked", "--format", "csv"])
    assert again.exit_code == 0 and again.stdout == "outcome\nread from the kept file\n"
    assert again.stderr == first.stderr  # what the answer left out, said the same way
    note.write_text("Left out by design: read from the kept note.", encoding="utf-8")
    assert runner.invoke(main, ["ask", "what-worked", "--format", "csv"]).stderr == (
        "Left out by design: read from the kept note.\n")
    note.unlink()  # a printed form without its note (kept by an older cmograph) is not used, and is kept anew
    anew = runner.invoke(main, ["ask", "what-worked", "--format", "csv"])
    assert (anew.stdout, anew.stderr) == (first.stdout, first.stderr)
    assert csv.read_text(encoding="utf-8") == first.stdout and note.is_file()
    shown = runner.invoke(main, ["ask", "what-worked", "--format", "csv", "--show-sparql"])
    assert shown.stdout == first.stdout and "SELECT" in shown.stderr
    # a page, a format for people and another data format are not that file
    page = runner.invoke(main, ["ask", "what-worked", "--format", "csv", "--limit", "2"])
    assert page.stdout.splitlines() == first.stdout.splitlines()[:3]
    assert "read from the kept file" not in runner.invoke(main, ["ask", "what-worked", "--format", "markdown"]).stdout
    tsv = runner.invoke(main, ["ask", "what-worked", "--format", "tsv"])
    formulas = runner.invoke(main, ["ask", "what-worked", "--format", "csv", "--keep-formulas"])
    assert "read from the kept file" not in tsv.stdout + formulas.stdout
    assert sorted(p.name.split(".printed.")[1] for p in printed(generation)) == ["csv", "csv-formulas", "tsv"]
    # an answer too quick to keep is not kept as printed either
    monkeypatch.setattr(answers, "KEEP_AFTER_SECONDS", 3600.0)
    quick = runner.invoke(main, ["ask", "why", "--outcome", "Staff morale", "--like", "--format", "csv"])
    assert quick.exit_code == 0, quick.output
    assert len(printed(generation)) == 3


@pytest.mark.slow
def test_load_keeps_prepared_answers_as_printed(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(study)
    runner = CliRunner()
    assert runner.invoke(main, ["load", "--prepare"]).exit_code == 0
    generation = Project(study).store.open_live()[1]
    assert generation is not None
    ids = _needing_no_option()
    answered = {qid: runner.invoke(main, ["ask", qid]) for qid in ids}
    assert 0 < len(printed(generation)) == len(notes(generation)) <= len(ids)  # every prepared answer with rows
    assert any(n.read_text(encoding="utf-8").startswith("Left out by design") for n in notes(generation))
    for path in printed(generation) + notes(generation):
        path.unlink()
    for qid in ids:  # printed from the kept rows, as before: the same bytes
        fresh = runner.invoke(main, ["ask", qid])
        assert (answered[qid].stdout, answered[qid].stderr) == (fresh.stdout, fresh.stderr), qid


@pytest.mark.slow
def test_memory_mode_and_other_sources_keep_nothing(study: Path) -> None:
    assert isinstance(cmograph.open_data(study).engine, KeptAnswers)
    assert not isinstance(cmograph.open_data(study, memory=True).engine, KeptAnswers)
    assert not isinstance(cmograph.open_data(example=True).engine, KeptAnswers)


def _needing_no_option() -> list[str]:
    from cmograph.query.catalogue import questions

    return [q.id for q in questions().values() if not any(p.required for p in q.parameters)]


@pytest.mark.slow
def test_load_prepares_the_questions_that_need_no_option(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(study)
    result = CliRunner().invoke(main, ["load", "--prepare"])
    assert result.exit_code == 0, result.output
    ids = _needing_no_option()
    assert len(ids) >= 8 and "contradictions" in ids and "evidence" not in ids
    assert f"prepared the answers to {len(ids)} questions" in result.stdout
    store, generation = Project(study).store.open_live()
    assert generation is not None and len(kept(generation)) == len(ids)
    counting = Counting(store)
    keeping = KeptAnswers(counting, generation)
    for qid in ids:  # every first ask reads the prepared answer, the same answer the store itself gives
        question = get_question(qid)
        prepared = ask(question, keeping, {})
        fresh = ask(question, StoreEngine(store), {})
        assert (prepared.columns, prepared.rows) == (fresh.columns, fresh.rows), qid
    assert counting.runs == 1  # only whether there are several evaluations
    again = CliRunner().invoke(main, ["load", "--prepare"])  # all kept already: nothing to do
    assert again.exit_code == 0 and "prepared" not in again.stdout


@pytest.mark.slow
def test_answers_prepared_from_disk_are_the_same(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cmograph.store.answers import prepare_answers
    from cmograph.store.disk import DiskStore

    disk = Project(study).store
    assert Project(study).refresh().report.conforms
    opened: list[bool] = []
    real = DiskStore.open_generation

    def open_generation(self: DiskStore, current: Path, *, memory: bool = False) -> object:
        opened.append(memory)
        return real(self, current, memory=memory)

    monkeypatch.setattr(DiskStore, "open_generation", open_generation)
    monkeypatch.setattr(answers, "PREPARE_IN_MEMORY_BYTES", 0)
    told: list[tuple[int, int, str]] = []
    done = prepare_answers(disk, lambda d, t, label: told.append((d, t, label)), force=True, workers=2)
    assert sorted(done) == sorted(_needing_no_option()) and opened == [False]  # from disk only, not in memory
    assert [d for d, _, _ in told] == list(range(1, len(done) + 1)) and {t for _, t, _ in told} == {len(done)}
    assert sorted(label for _, _, label in told) == sorted(done)
    store, generation = disk.open_live()
    assert generation is not None
    for qid in done:
        question = get_question(qid)
        assert ask(question, KeptAnswers(StoreEngine(store), generation), {}).rows == \
            ask(question, StoreEngine(store), {}).rows


@pytest.mark.slow
def test_by_default_only_a_store_of_the_right_size_is_prepared(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(study)
    runner = CliRunner()
    small = runner.invoke(main, ["load"])  # two small evaluations: quick to answer, nothing prepared
    assert small.exit_code == 0 and "prepared" not in small.stdout
    generation = Project(study).store.open_live()[1]
    assert generation is not None and not kept(generation)
    monkeypatch.setattr(answers, "PREPARE_FROM_BYTES", 0)
    monkeypatch.setattr(answers, "PREPARE_IN_MEMORY_BYTES", 1)  # too large to copy to memory: only if asked
    assert "prepared" not in runner.invoke(main, ["load"]).stdout
    monkeypatch.setattr(answers, "PREPARE_IN_MEMORY_BYTES", 10**12)
    assert "prepared" not in runner.invoke(main, ["load", "--no-prepare"]).stdout
    assert not kept(generation)
    large = runner.invoke(main, ["load"])  # now large enough: prepared by a process of its own
    ids = _needing_no_option()
    assert large.exit_code == 0, large.output
    assert f"preparing the answers to {len(ids)} questions in the background" in large.stdout
    assert wait_for(lambda: len(kept(generation)) == len(ids)), kept(generation)
    with_rows = [p for p in kept(generation) if json.loads(p.read_text(encoding="utf-8"))["rows"]]
    assert wait_for(lambda: len(printed(generation)) == len(with_rows) > 0)  # each answer with rows, as printed
    for qid in ids:  # the answers it kept are the store's own
        question = get_question(qid)
        store = Project(study).store.open()
        prepared = ask(question, KeptAnswers(StoreEngine(store), generation), {})
        assert (prepared.columns, prepared.rows) == (lambda a: (a.columns, a.rows))(
            ask(question, StoreEngine(store), {})), qid
    assert "prepar" not in runner.invoke(main, ["load"]).stdout  # nothing left to prepare


@pytest.mark.slow
def test_one_process_at_a_time_prepares_a_generation(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(study)
    assert CliRunner().invoke(main, ["load", "--no-prepare"]).exit_code == 0
    generation = Project(study).store.open_live()[1]
    assert generation is not None and not kept(generation)
    preparing = [sys.executable, "-m", "cmograph.cli.prepare", str(generation)]
    with lock.held(generation / PREPARING):  # as the process a first load started holds it
        assert subprocess.run(preparing, timeout=120).returncode == 0  # a second one leaves at once
        assert not kept(generation)
    assert subprocess.run(preparing, timeout=120).returncode == 0
    assert len(kept(generation)) == len(_needing_no_option())


def wait_for(condition: Callable[[], bool], seconds: float = 120.0) -> bool:
    """Whether ``condition`` holds within ``seconds`` (a hang bound, not a timing: it normally holds in one)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.slow
def test_a_load_that_cannot_start_a_process_prepares_its_answers_itself(
        study: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(study)
    monkeypatch.setattr(answers, "PREPARE_FROM_BYTES", 0)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    result = CliRunner().invoke(main, ["load"])
    assert result.exit_code == 0, result.output
    ids = _needing_no_option()
    assert f"prepared the answers to {len(ids)} questions" in result.stdout and "background" not in result.stdout
    generation = Project(study).store.open_live()[1]
    assert generation is not None and len(kept(generation)) == len(ids) and printed(generation)


@pytest.mark.slow
def test_a_load_that_fails_prepares_nothing(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(study)
    runner = CliRunner()
    assert runner.invoke(main, ["load", "--no-prepare"]).exit_code == 0
    generation = Project(study).store.open_live()[1]
    bad = Path(__file__).parent / "data" / "invalid" / "self-refines.yaml"
    failed = runner.invoke(main, ["load", "--prepare", str(bad)])
    assert failed.exit_code == 1 and "Nothing was loaded" in failed.stderr
    assert Project(study).store.open_live()[1] == generation and generation is not None and not kept(generation)


@pytest.mark.slow
def test_preparing_stops_at_the_first_error(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cmograph.store.answers import prepare_answers

    assert Project(study).refresh().report.conforms
    calls: list[str] = []

    def failing(question: Question, *args: object, **kwargs: object) -> None:
        calls.append(question.id)
        raise RuntimeError("the store failed")

    monkeypatch.setattr(answers, "ask", failing)
    with pytest.raises(RuntimeError, match="the store failed"):
        prepare_answers(Project(study).store, force=True, workers=1)
    assert 1 <= len(calls) <= 2 < len(_needing_no_option())  # the questions not started were not started


@pytest.mark.slow
def test_an_answer_too_large_to_keep_is_not_counted_as_prepared(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cmograph.store.answers import prepare_answers

    assert Project(study).refresh().report.conforms
    monkeypatch.setattr(answers, "KEEP_AT_MOST_BYTES", 0)
    assert prepare_answers(Project(study).store, force=True) == []
    generation = Project(study).store.open_live()[1]
    assert generation is not None and not kept(generation)


@pytest.mark.slow
def test_prepared_from_python_as_the_library_page_shows(study: Path) -> None:
    from cmograph.store.answers import prepare_answers

    assert Project(str(study)).refresh().report.conforms  # a project's folder may be given as text
    assert prepare_answers(Project(str(study)).store, force=True) == sorted(_needing_no_option())


def test_a_folder_that_is_no_store_is_not_made_one(tmp_path: Path) -> None:
    from cmograph.store.answers import prepare_answers

    assert prepare_answers(Project(tmp_path / "not-a-project").store, force=True) == []
    assert not (tmp_path / "not-a-project").exists()
