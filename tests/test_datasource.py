"""The library's entry point: ``cmograph.open_data(...)`` and ``.ask(...)``, on every kind of data."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import processes
import pytest

import cmograph
from cmograph.source import NotConforming

DATA = Path(__file__).parent / "data"
VALID = DATA / "valid"


def test_open_data_is_not_imported_until_used() -> None:
    code = "import sys, cmograph; print('cmograph.source' in sys.modules, 'pyoxigraph' in sys.modules)"
    out = processes.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    assert callable(cmograph.open_data) and callable(cmograph.validate_paths)
    with pytest.raises(AttributeError):
        cmograph.no_such_thing  # noqa: B018


@pytest.mark.slow
def test_ask_on_the_example_matches_the_command_line() -> None:
    from click.testing import CliRunner

    from cmograph.cli import main

    published = Path(__file__).parent.parent / "examples" / "clinical-microsystems-nhs.yaml"  # the example's first
    answer = cmograph.open_data(data=[published]).ask("what-worked")
    assert len(answer.rows) == 8 and "evaluation" not in answer.columns
    printed = CliRunner().invoke(main, ["ask", "what-worked", "--data", str(published), "--format", "json"])
    import json

    assert json.loads(printed.output) == answer.rows
    both = cmograph.open_data(example=True).ask("what-worked")  # with the made-up follow-up: 4 more outcomes
    assert len(both.rows) == 12 and both.note == "Left out by design: 1 configuration hypothesised (not yet tested)."
    printed = CliRunner().invoke(main, ["ask", "what-worked", "--example", "--format", "json"])
    assert json.loads(printed.stdout) == both.rows


@pytest.mark.slow
def test_a_project_in_memory_answers_as_from_disk(study: Path) -> None:
    on_disk = cmograph.open_data(study)
    in_memory = cmograph.open_data(study, memory=True)
    for question, options in [("what-worked", {}), ("why", {"outcome": "Higher staff morale"}),
                              ("gaps", {"evaluation": "riverside-wards"})]:
        assert in_memory.ask(question, options).rows == on_disk.ask(question, options).rows, question
    assert on_disk.ask("what-worked").columns[-1] == "evaluation"  # two evaluations: the column is shown


@pytest.mark.slow
def test_a_project_is_brought_up_to_date_before_it_is_opened(study: Path) -> None:
    assert cmograph.open_data(study).refreshed is not None
    (study / "evaluations" / "hillside-review.json").unlink()
    data = cmograph.open_data(study, memory=True)
    assert data.refreshed is not None and data.refreshed.removed == ["hillside-review"]
    assert "evaluation" not in data.ask("what-worked").columns


@pytest.mark.slow
def test_files_and_a_store_folder(study: Path, tmp_path: Path) -> None:
    from cmograph.store.project import load_paths

    files = cmograph.open_data(data=[VALID / "riverside-wards.yaml"])
    assert files.ask("site", {"site": "ward-7"}).rows
    load_paths([VALID / "riverside-wards.yaml"], tmp_path / "store")
    stored = cmograph.open_data(store=tmp_path / "store", memory=True)
    assert stored.ask("site", {"site": "ward-7"}).rows == files.ask("site", {"site": "ward-7"}).rows


@pytest.mark.slow
def test_an_empty_answer_is_no_rows(study: Path) -> None:
    answer = cmograph.open_data(study).ask("when", {"period": "Set-up"})
    assert answer.rows and answer.columns
    empty = cmograph.open_data(study, memory=True).ask("theory-changes", {"evaluation": "hillside-review"})
    assert empty.rows == [] and empty.columns


@pytest.mark.slow
def test_bad_input(study: Path, tmp_path: Path) -> None:
    data = cmograph.open_data(study, memory=True)
    with pytest.raises(cmograph.UsageError, match="there is no question 'what-work'"):
        data.ask("what-work")
    with pytest.raises(cmograph.UsageError, match="no outcome is called"):
        data.ask("why", {"outcome": "nothing like this"})
    with pytest.raises(cmograph.UsageError, match="not a cmograph project"):
        cmograph.open_data(tmp_path / "nowhere")
    shutil.copy(DATA / "invalid" / "bad-date.yaml", study / "evaluations")
    with pytest.raises(NotConforming) as caught:
        cmograph.open_data(study)
    assert not caught.value.report.conforms


@pytest.mark.slow
def test_validate_paths_takes_folders_as_text(tmp_path: Path) -> None:
    shutil.copy(VALID / "riverside-wards.yaml", tmp_path)
    assert cmograph.validate_paths([str(tmp_path)]).conforms
    assert cmograph.validate_paths(str(tmp_path)).conforms and cmograph.validate_paths(tmp_path).conforms
    shutil.copy(DATA / "invalid" / "bad-date.yaml", tmp_path)
    report = cmograph.validate_paths([str(tmp_path)])
    assert not report.conforms and all(str(d).startswith("[ERROR] bad-date.yaml:") for d in report)


@pytest.mark.slow
def test_options_are_named_as_on_the_command_line_and_unknown_ones_are_refused(study: Path) -> None:
    data = cmograph.open_data(study, memory=True)
    by_concept = {"by": "concept", "min-sites": 1}
    assert data.ask("demi-regularities", {"by": "concept", "min_sites": 1}).rows == \
        data.ask("demi-regularities", by_concept).rows
    assert data.ask("demi-regularities", by_concept).rows != data.ask("demi-regularities", {"by": "concept"}).rows
    with pytest.raises(cmograph.UsageError, match="'what-worked' has no option 'fore'") as caught:
        data.ask("what-worked", {"fore": "Nurses"})
    assert caught.value.hint == "did you mean 'for'?"
    with pytest.raises(cmograph.UsageError, match="the option 'min-sites' is given twice"):
        data.ask("demi-regularities", {"min_sites": 2, "min-sites": 3})
    with pytest.raises(cmograph.UsageError, match="'demi-regularities' has no option 'bogus'") as caught:
        data.ask("demi-regularities", {"bogus": 1})
    assert caught.value.hint is not None and "min-sites" in caught.value.hint
