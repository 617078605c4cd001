"""The command line, run for real: every command's happy path, empty answer and bad input, with exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import processes
import pytest
from click.testing import CliRunner, Result

from cmograph.cli import main

DATA = Path(__file__).parent / "data"
VALID = DATA / "valid"
INVALID = DATA / "invalid"
PUBLISHED = DATA.parent.parent / "examples" / "clinical-microsystems-nhs.yaml"  # the example's published evaluation


def run(*args: str | Path, cwd: Path | None = None, stdin: str | None = None) -> Result:
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return runner.invoke(main, [str(a) for a in args], input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)


def test_version_and_help() -> None:
    from importlib.metadata import version

    assert run("--version").output == f"cmograph, version {version('cmograph')}\n"  # the package's own
    result = run("--help")
    assert result.exit_code == 0
    for command in ("init", "validate", "load", "ask", "query", "export", "publish", "schema"):
        assert command in result.output


@pytest.mark.slow
def test_help_does_not_import_the_heavy_libraries() -> None:
    code = ("import sys; from cmograph.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rdflib', 'pyshacl', 'pyoxigraph', 'owlready2') if m in sys.modules))")
    out = processes.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"



@pytest.mark.slow
def test_asking_a_loaded_project_imports_no_reader_web_or_template_library(tmp_path: Path) -> None:
    """A cold question on a loaded project reads the store only: rdflib, yaml, httpx and jinja2 stay unimported."""
    root = tmp_path / "proj"
    assert run("init", root).exit_code == 0
    assert run("load", VALID / "riverside-wards.yaml", cwd=root).exit_code == 0
    code = ("import sys; from cmograph.cli import main\n"
            "try:\n    main(['ask', 'why', '--outcome', 'o-morale-up', '-f', 'csv'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rdflib', 'yaml', 'httpx', 'jinja2', 'pyshacl') if m in sys.modules))")
    out = processes.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.count("\n") > 2, out  # the question answered
    assert out.strip().splitlines()[-1] == "[]"

@pytest.mark.slow
def test_publish_exit_codes(tmp_path: Path) -> None:
    ok = run("publish", tmp_path / "site", "--example", "--base", "https://example.org/cmo/")
    assert ok.exit_code == 0
    assert ok.output == f"published 107 pages (548 files) to {tmp_path / 'site'}, to be served at https://example.org/cmo/\n"
    bad = run("publish", tmp_path / "other", "--data", INVALID / "dangling-context-ref.yaml", "--base",
              "https://example.org/cmo/", "--license", "CC0-1.0")
    assert bad.exit_code == 1
    assert "Nothing was loaded or published." in bad.output and not (tmp_path / "other").exists()
    usage = run("publish", tmp_path / "other", "--example", "--data", VALID / "minimal.yaml")
    assert usage.exit_code == 2 and "use only one of" in usage.output


def test_validate_exit_codes() -> None:
    ok = run("validate", VALID / "minimal.yaml")
    assert ok.exit_code == 0
    bad = run("validate", INVALID / "dangling-context-ref.yaml")
    assert bad.exit_code == 1
    assert "[ERROR] dangling-context-ref.yaml:18: cmocs[cmoc-1].context: 'c-minmal' is not a context" in bad.output
    syntax = run("validate", INVALID / "yaml-syntax-error.yaml")
    assert syntax.exit_code == 2
    assert "YAML syntax error" in syntax.output and "Traceback" not in syntax.output
    missing = run("validate", "nowhere.yaml")
    assert missing.exit_code == 2


def test_ask_list_and_question_help() -> None:
    listed = run("ask", "--list")
    assert listed.exit_code == 0
    assert "what-worked" in listed.output and "theory-changes" in listed.output
    helped = run("ask", "why", "--help")
    assert helped.exit_code == 0 and "--outcome" in helped.output and "Example:" in helped.output


@pytest.mark.slow
def test_ask_example_in_every_format() -> None:
    for fmt in ("table", "csv", "tsv", "markdown"):
        result = run("ask", "what-worked", "--example", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "Higher staff morale" in result.output
    rows = json.loads(run("ask", "what-worked", "--example", "--format", "json").stdout)
    assert {r["outcome"] for r in rows} >= {"Higher staff morale", "Clarity of purpose"}


def test_ask_show_sparql_prints_the_bound_query() -> None:
    result = run("ask", "why", "--example", "--outcome", "Higher staff morale", "--show-sparql", "-f", "csv")
    assert result.exit_code == 0
    assert "VALUES ?_outcome { <https://w3id.org/cmograph/data/clinical-microsystems-nhs/outcome/" in result.stderr
    assert result.stdout.startswith("outcome,mechanism,")  # the answer alone


def test_ask_unknown_question_and_unknown_name() -> None:
    unknown = run("ask", "what-workd", "--example")
    assert unknown.exit_code == 2
    assert "did you mean 'what-worked'?" in unknown.output
    name = run("ask", "why", "--example", "--outcome", "Staff morale upward")
    assert name.exit_code == 2 and "no outcome is called 'Staff morale upward'" in name.output
    assert "Traceback" not in name.output


def test_ask_missing_required_option() -> None:
    result = run("ask", "why", "--example")
    assert result.exit_code == 2
    assert "'why' needs --outcome" in result.output


def test_ask_without_data_says_how_to_get_some(tmp_path: Path) -> None:
    result = run("ask", "what-worked", cwd=tmp_path)
    assert result.exit_code == 2
    assert "--example" in result.output and "cmograph init" in result.output


@pytest.mark.slow
def test_ask_on_non_conforming_data_exits_1() -> None:
    result = run("ask", "what-worked", "--data", INVALID / "bad-date.yaml")
    assert result.exit_code == 1
    assert "'March 2008' is not an ISO 8601 date" in result.output


def test_empty_answer_is_said_plainly() -> None:
    result = run("ask", "what-worked", "--data", VALID / "minimal.yaml", "--format", "table")
    assert result.exit_code == 0
    assert result.output.strip() and "─" not in result.output
    csv_out = run("ask", "what-worked", "--data", VALID / "minimal.yaml", "--format", "csv")
    assert csv_out.stdout.count("\n") == 1  # the header alone; the sentence goes to standard error


@pytest.mark.slow
def test_project_workflow(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    assert run("init", root).exit_code == 0
    assert run("init", root).exit_code == 2
    assert run("validate", cwd=root).exit_code == 0
    loaded = run("load", VALID / "riverside-wards.yaml", cwd=root)
    assert loaded.exit_code == 0 and "riverside-wards" in loaded.output
    assert (root / "evaluations" / "riverside-wards.yaml").exists()
    asked = run("ask", "what-worked", "-f", "json", cwd=root)
    assert asked.exit_code == 0
    assert {r["evaluation"] for r in json.loads(asked.stdout)} == {"my-evaluation", "riverside-wards"}
    failed = run("load", INVALID / "bad-date.yaml", cwd=root)
    assert failed.exit_code == 1 and "Nothing was loaded" in failed.output
    assert json.loads(run("ask", "what-worked", "-f", "json", cwd=root).stdout) == json.loads(asked.stdout)


@pytest.mark.slow
def test_the_starter_of_a_new_project_answers_what_worked(tmp_path: Path) -> None:
    assert run("init", tmp_path / "p").exit_code == 0
    asked = run("ask", "what-worked", "-f", "json", cwd=tmp_path / "p")
    assert asked.exit_code == 0 and asked.stderr == ""
    assert json.loads(asked.stdout) == [{
        "outcome": "Improvement work is sustained", "direction": "positive",
        "mechanisms": ["Staff feel ownership of the change"], "for_whom": ["Practice staff"],
        "contexts": ["Protected time for the team to meet"], "sites": 1, "supporting": 1, "qualifying": 0,
        "refuting": 0, "cmoc": ["CMOC1"]}]
    starter = (tmp_path / "p" / "evaluations" / "my-evaluation.yaml").read_text(encoding="utf-8")
    assert "MADE UP" in starter and "made up: give the status your evidence gives it" in starter


@pytest.mark.slow
def test_init_example_writes_the_bundled_example_and_never_overwrites(tmp_path: Path) -> None:
    bundled = (Path(__file__).parent.parent / "examples" / "clinical-microsystems-nhs.yaml").read_bytes()
    made = run("init", "--example", tmp_path / "new")
    example = tmp_path / "new" / "evaluations" / "clinical-microsystems-nhs.yaml"
    assert made.exit_code == 0 and f"created {example}\n" in made.output
    assert example.read_bytes() == bundled
    assert (tmp_path / "new" / "evaluations" / "my-evaluation.yaml").is_file()
    checked = run("validate", cwd=tmp_path / "new")
    assert checked.exit_code == 0 and "2 files checked: 0 errors" in checked.output
    worked = run("ask", "what-worked", "-f", "json", cwd=tmp_path / "new")
    assert {r["evaluation"] for r in json.loads(worked.stdout)} == {"clinical-microsystems-nhs", "my-evaluation"}
    # in a project already made: only the example is added; a file of that name is kept as it is
    assert run("init", tmp_path / "old").exit_code == 0
    added = run("init", "--example", cwd=tmp_path / "old")
    assert added.exit_code == 0 and added.output.splitlines()[0] == (
        "created evaluations/clinical-microsystems-nhs.yaml")
    mine = tmp_path / "old" / "evaluations" / "clinical-microsystems-nhs.yaml"
    mine.write_text("# my own notes\n", encoding="utf-8")
    again = run("init", "--example", cwd=tmp_path / "old")
    assert again.exit_code == 0
    assert "kept evaluations/clinical-microsystems-nhs.yaml (a file of that name" in again.output
    assert mine.read_text(encoding="utf-8") == "# my own notes\n"
    assert run("init", cwd=tmp_path / "old").exit_code == 2  # without --example, a project is still refused
    # a project whose evaluations folder went missing gets it back; a file in its place is refused
    shutil.rmtree(tmp_path / "old" / "evaluations")
    assert run("init", "--example", cwd=tmp_path / "old").exit_code == 0 and mine.read_bytes() == bundled
    shutil.rmtree(tmp_path / "old" / "evaluations")
    (tmp_path / "old" / "evaluations").write_text("a file", encoding="utf-8")
    refused = run("init", "--example", cwd=tmp_path / "old")
    assert refused.exit_code == 2 and "is a file, where the project needs a folder" in refused.output


@pytest.mark.slow
def test_load_into_a_named_store_and_ask_it(tmp_path: Path) -> None:
    store = tmp_path / "kb"
    assert run("load", VALID / "riverside-wards.yaml", "--store", store).exit_code == 0
    result = run("ask", "what-worked", "--store", store, "-f", "csv")
    assert result.exit_code == 0 and result.output.count("\n") > 1
    assert run("ask", "what-worked", "--store", tmp_path / "nothing").exit_code == 2


def test_init_refuses_what_would_break_a_project_and_says_what_it_did(tmp_path: Path) -> None:
    parent = tmp_path / "parent"
    assert run("init", parent).exit_code == 0
    inside = run("init", parent / "evaluations" / "nested")
    assert inside.exit_code == 2 and "inside the evaluations folder of the project in" in inside.output
    assert not (parent / "evaluations" / "nested").exists()
    assert run("validate", cwd=parent).exit_code == 0
    assert run("init", parent / "beside").exit_code == 0  # a project beside the evaluations is no trouble
    clash = tmp_path / "clash"
    clash.mkdir()
    (clash / "evaluations").write_text("a file", encoding="utf-8")
    refused = run("init", clash)
    assert refused.exit_code == 2 and "is a file, where the project needs a folder" in refused.output
    assert sorted(p.name for p in clash.iterdir()) == ["evaluations"]  # nothing written
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    done = run("init", kept)
    assert f"updated {kept / '.gitignore'}" in done.output and f"created {kept / 'cmograph.toml'}" in done.output
    assert (kept / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n.cmograph/\n"


def test_the_schema_kept_beside_the_evidence_files_is_not_read_as_evidence(tmp_path: Path) -> None:
    root = tmp_path / "study"
    assert run("init", root).exit_code == 0
    (root / "evaluations" / "cmograph.schema.json").write_text(run("schema").output, encoding="utf-8")
    starter = root / "evaluations" / "my-evaluation.yaml"
    starter.write_text("# yaml-language-server: $schema=./cmograph.schema.json\n" + starter.read_text("utf-8"),
                       encoding="utf-8")
    checked = run("validate", cwd=root)
    assert checked.exit_code == 0 and "1 file checked" in checked.output, checked.output


def test_load_outside_a_project_needs_a_store(tmp_path: Path) -> None:
    result = run("load", VALID / "minimal.yaml", cwd=tmp_path)
    assert result.exit_code == 2 and "--store" in result.output


@pytest.mark.slow
def test_query_select_ask_construct_and_refusals() -> None:
    select = "SELECT ?id WHERE { ?e a <https://w3id.org/cmograph/ontology#Evaluation> ; " \
             "<http://purl.org/dc/terms/identifier> ?id }"
    result = run("query", "--data", PUBLISHED, "-f", "csv", stdin=select)  # the example's published evaluation
    assert result.exit_code == 0 and result.output == "id\nclinical-microsystems-nhs\n"
    assert run("query", "--example", stdin="ASK { ?s ?p ?o }").output == "true\n"
    construct = run("query", "--example", stdin="CONSTRUCT { ?e a ?c } WHERE { ?e a ?c . "
                    "FILTER(?c = <https://w3id.org/cmograph/ontology#Evaluation>) }")
    assert construct.output.strip().endswith("<https://w3id.org/cmograph/ontology#Evaluation> .")
    empty = run("query", "--example", "-f", "table", stdin="SELECT ?x WHERE { ?x a <urn:nothing> }")
    assert empty.exit_code == 0 and "no rows" in empty.output
    for bad in ("DELETE WHERE { ?s ?p ?o }", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }",
                "LOAD <http://example.org/data.ttl>", "SELEC nonsense"):
        refused = run("query", "--example", stdin=bad)
        assert refused.exit_code == 2, bad
        assert "Traceback" not in refused.output


def test_query_prints_measures_exactly_as_stored(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "study.yaml"
    path.write_text(text.replace("label: Minimal outcome\n", "label: Minimal outcome\n    measures:\n"
                                 "      - {indicator: a, value: 123456789012345678.123456789012345678, unit: u}\n"
                                 "      - {indicator: b, value: 3.50, unit: u, baseline: 1e3}\n"), encoding="utf-8")
    select = "SELECT ?i ?v ?b WHERE { ?m cmo:indicator ?i ; cmo:value ?v OPTIONAL { ?m cmo:baseline ?b } } ORDER BY ?i"
    csv_text = run("query", "--data", path, "-f", "csv", stdin=select).output
    assert csv_text == "i,v,b\na,123456789012345678.123456789012345678,\nb,3.5,1000\n"
    assert json.loads(run("query", "--data", path, "-f", "json", stdin=select).output) == [
        {"i": "a", "v": "123456789012345678.123456789012345678", "b": None}, {"i": "b", "v": 3.5, "b": 1000}]


def test_query_words_inside_strings_are_not_refused() -> None:
    result = run("query", "--example", "-f", "csv", stdin='SELECT ("DELETE me" AS ?x) WHERE {}')
    assert result.exit_code == 0 and "DELETE me" in result.output


@pytest.mark.slow
def test_query_from_reads_only_the_graphs_it_names() -> None:
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    everything = int(run("query", "--data", VALID, "-f", "csv", stdin=count.format("")).output.split()[1])
    graph = "<https://w3id.org/cmograph/data/riverside-wards/graph>"
    one = run("query", "--data", VALID, "-f", "csv", stdin=count.format(f"FROM {graph}"))
    alone = run("query", "--data", VALID / "riverside-wards.yaml", "-f", "csv",
                stdin="SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/"
                      "cmograph/ontology>) }")
    assert one.exit_code == 0 and 0 < int(one.output.split()[1]) == int(alone.output.split()[1]) < everything
    nothing = run("query", "--data", VALID, "-f", "csv", stdin=count.format("FROM <urn:nothing>"))
    assert nothing.output.split()[1] == "0"
    named = run("query", "--data", VALID, "-f", "csv",
                stdin=f"SELECT (COUNT(*) AS ?n) FROM NAMED {graph} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert named.output.split()[1] == one.output.split()[1]


@pytest.mark.slow
def test_a_file_given_twice_is_read_once() -> None:
    twice = run("ask", "gaps", "--data", VALID / "hillside-review.json", "--data", VALID, "-f", "csv")
    once = run("ask", "gaps", "--data", VALID, "-f", "csv")
    assert twice.exit_code == 0 and twice.output == once.output


@pytest.mark.slow
def test_paging_notes_say_what_was_left_out() -> None:
    first = run("ask", "for-whom", "--data", PUBLISHED, "-f", "csv", "--limit", "2")
    assert first.stdout.count("\n") == 3
    assert first.stderr == "(2 of 9 rows, from row 1; use --limit and --offset to page, --limit 0 for all)\n"
    rest = run("ask", "for-whom", "--data", PUBLISHED, "-f", "csv", "--limit", "0", "--offset", "7")
    assert rest.stdout.count("\n") == 3
    assert rest.stderr == "(2 of 9 rows, from row 8; --offset skipped the rows before)\n"
    past = run("ask", "for-whom", "--data", PUBLISHED, "-f", "table", "--offset", "9")
    assert past.exit_code == 0 and past.stdout == "No rows from row 10: the answer has 9 (use a smaller --offset).\n"
    assert run("ask", "for-whom", "--data", PUBLISHED, "-f", "csv", "--offset", "9").stdout.count("\n") == 1  # header


def test_data_that_does_not_conform_is_said_to_stop_the_command_given() -> None:
    bad = INVALID / "bad-date.yaml"
    for args, undone in ((["ask", "gaps"], "answered"), (["export"], "exported"), (["query"], "queried"),
                         (["push", "--endpoint", "http://127.0.0.1:9/query"], "pushed")):
        result = run(*args, "--data", bad, stdin="ASK {}")
        assert result.exit_code == 1, args
        assert result.stderr.endswith(f"The data does not conform: 1 error, 0 warnings. Nothing was loaded or "
                                      f"{undone}.\n"), args


@pytest.mark.slow
def test_export_formats_and_unknown_evaluation(tmp_path: Path) -> None:
    out = tmp_path / "kb.ttl"
    assert run("export", "--example", "-o", out).exit_code == 0
    assert "@prefix cmo:" in out.read_text(encoding="utf-8")
    nt = run("export", "--example", "-f", "nt")
    assert nt.exit_code == 0 and nt.output.count(" .\n") > 50
    jsonld = json.loads(run("export", "--example", "-f", "jsonld").output)
    assert jsonld
    dash = run("export", "--example", "-f", "nt", "-o", "-")
    assert dash.stdout == nt.output and not Path("-").exists()  # - is standard output, not a file named -
    for fmt in ("turtle", "nquads"):  # a file named after its format reads back
        named = tmp_path / f"example.{fmt}"
        assert run("export", "--example", "-f", fmt, "-o", named).exit_code == 0
        assert run("validate", named).exit_code == 0, fmt
    missing = run("export", "--example", "-e", "nope")
    assert missing.exit_code == 2 and "no evaluation 'nope'" in missing.output


def test_schema_command_prints_the_json_schema() -> None:
    schema = json.loads(run("schema").output)
    assert schema["title"] == "cmograph evidence file"


@pytest.mark.slow
def test_the_installed_command_runs_the_example_without_a_traceback(tmp_path: Path) -> None:
    exe = shutil.which("cmograph")
    assert exe is not None, "cmograph must be installed"
    done = processes.run([exe, "ask", "what-worked", "--example", "-f", "csv"], capture_output=True, text=True,
                         cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("outcome,")
    bad = processes.run([exe, "ask", "why", "--example", "--outcome", 'x" } UNION { ?s ?p ?o } #'],
                        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr



@pytest.mark.slow
def test_a_command_that_leaves_at_once_prints_all_of_a_big_answer_into_a_pipe(tmp_path: Path) -> None:
    """`ask` and `query` leave without the interpreter's teardown once their output is flushed: every byte of an
    answer far bigger than a pipe's buffer still arrives, and the exit codes are as before."""
    everything = tmp_path / "all.rq"
    everything.write_text("SELECT * WHERE { GRAPH ?g { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } } "
                          "ORDER BY ?g ?s ?p ?o\n", encoding="utf-8")
    argv = ["query", "--example", str(everything), "-f", "csv"]
    done = processes.run([sys.executable, "-m", "cmograph", *argv], capture_output=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 256 * 1024  # several pipe buffers
    assert done.stdout.decode() == run(*argv).output
    bad = processes.run([sys.executable, "-m", "cmograph", "ask", "nosuch", "--example"], capture_output=True,
                        text=True, check=False, cwd=tmp_path)
    assert bad.returncode == 2 and "there is no question 'nosuch'" in bad.stderr

@pytest.mark.slow
@pytest.mark.parametrize("question", ["gaps", "what-worked", "for-whom"])
def test_example_questions_answer(question: str) -> None:
    result = run("ask", question, "--example", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)


class _Terminal:
    """A stand-in for stderr on a terminal, recording what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


CURSOR = re.compile(r"\x1b\[\?25[lh]")  # what click writes to hide the cursor while it draws, and show it


def test_progress_bar_shows_only_on_a_terminal_and_only_for_slow_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from cmograph.cli import common

    assert common.progress_printer("checking") is None  # pytest's stderr is not a terminal
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    clock = [100.0]
    monkeypatch.setattr(common.time, "monotonic", lambda: clock[0])
    quick = common.progress_printer("checking")
    assert quick is not None
    for done in (1, 2, 3):
        quick(done, 3, f"f{done}.yaml")
    assert terminal.text == ""  # done within a second: quiet
    slow = common.progress_printer("checking")
    assert slow is not None
    slow(1, 4, "a.yaml")
    assert terminal.text == ""
    clock[0] += 1.5
    slow(2, 4, "b.yaml")
    slow(4, 4, "d.yaml")
    lines = CURSOR.sub("", terminal.text).split("\r")
    assert lines[1].startswith("checking  [############------------]  2/4") and lines[1].endswith("b.yaml")
    assert lines[2].startswith("checking  [########################]  4/4") and lines[2].endswith("d.yaml\n")
    assert terminal.text.endswith("\x1b[?25h\n")  # the cursor, hidden while the bar is drawn, is back
    monkeypatch.setattr(common, "terminal_width", lambda: 60)  # a long item is cut: a wrapped line stays behind
    narrow = common.progress_printer("preparing answers")
    assert narrow is not None
    clock[0] += 1.5
    narrow(1, 8, "demi-regularities")
    last = CURSOR.sub("", terminal.text).split("\r")[-1]
    assert last.startswith("preparing answers  [#") and " 1/8 " in last and len(last.rstrip()) <= 59
    assert "demi-regularities" not in last


@pytest.mark.slow
def test_a_long_answer_says_how_long_it_has_taken_then_erases_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from cmograph.cli import common

    with common.waiting("answering gaps", after=0.0):  # pytest's stderr is not a terminal: nothing at all
        time.sleep(0.05)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with common.waiting("answering gaps", after=0.5):
        time.sleep(0.05)
    assert terminal.text == ""  # done before it was worth saying
    with common.waiting("answering gaps", after=0.05, every=0.05):
        time.sleep(0.4)
    updates = [part for part in terminal.text.split("\r") if part.strip()]
    assert len(updates) >= 2 and all(re.fullmatch(r"answering gaps\.\.\. \d+ s", u) for u in updates)
    assert terminal.text.endswith("\r" + " " * len(updates[-1]) + "\r")  # the line is erased
    terminal.text = ""
    with pytest.raises(KeyError), common.waiting("answering gaps", after=0.0, every=0.05):
        time.sleep(0.1)
        raise KeyError("the answer failed")
    assert terminal.text.endswith("\r")  # erased on failure too, and the error goes through unchanged


def test_progress_is_told_of_every_file_with_the_total(tmp_path: Path) -> None:
    from cmograph.checks.pipeline import validate_paths

    calls: list[tuple[int, int, str]] = []
    validate_paths([DATA / "valid"], progress=lambda done, total, label: calls.append((done, total, label)))
    files = sorted(p.name for p in (DATA / "valid").iterdir())
    assert [c[:2] for c in calls] == [(n, len(calls)) for n in range(1, len(calls) + 1)]
    assert len(calls) >= 3 and {c[2] for c in calls} <= set(files)


@pytest.mark.slow
def test_load_of_many_evaluations_names_the_first_ten(tmp_path: Path) -> None:
    text = (VALID / "riverside-wards.yaml").read_text(encoding="utf-8")
    for n in range(12):
        (tmp_path / f"e{n:02d}.yaml").write_text(text.replace("\n  id: riverside-wards\n", f"\n  id: e{n:02d}\n", 1),
                                                 encoding="utf-8")
    result = CliRunner().invoke(main, ["load", "--store", str(tmp_path / "store"), str(tmp_path)])
    assert result.exit_code == 0, result.output
    named = ", ".join(f"e{n:02d}" for n in range(10))
    assert result.output == f"loaded 12 evaluations: {named} and 2 more; removed 0; 0 unchanged\n"


@pytest.mark.slow
def test_export_never_writes_over_evidence(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run("init", project).exit_code == 0
    starter = project / "evaluations" / "my-evaluation.yaml"
    loose = tmp_path / "minimal.yaml"
    shutil.copy(VALID / "minimal.yaml", loose)
    cases = [
        (["-o", starter], project, "is in the evaluations folder of the project in"),
        (["-o", project / "evaluations" / "new.ttl"], project, "is in the evaluations folder of the project in"),
        (["--data", loose, "-o", loose], tmp_path, "is evidence being read (--data"),
        (["--example", "-o", loose], tmp_path, "is an evidence file, which an export would replace"),
    ]
    for args, cwd, message in cases:
        before = {p: p.read_bytes() for p in (starter, loose)}
        done = run("export", *args, cwd=cwd)
        assert done.exit_code == 2 and message in done.output and "nothing was written" in done.output, done.output
        assert {p: p.read_bytes() for p in (starter, loose)} == before
        assert not (project / "evaluations" / "new.ttl").exists()
    again = tmp_path / "out.json"  # an earlier export (JSON-LD) is replaced when asked
    assert run("export", "--example", "-f", "jsonld", "-o", again).exit_code == 0
    assert run("export", "--example", "-f", "nt", "-o", again).exit_code == 0
    assert again.read_text(encoding="utf-8").startswith("<https://")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


@pytest.mark.slow
@pytest.mark.parametrize("command", [("ask", "what-worked"), ("query",)])
def test_an_empty_answer_in_a_data_format_is_said_on_standard_error(command: tuple[str, ...]) -> None:
    query = "SELECT ?x WHERE { ?x a <urn:nothing> }"
    said = "The query returned no rows." if command == ("query",) else "Nothing is recorded as having worked"
    for fmt, empty in (("csv", "x\n"), ("tsv", "x\n"), ("json", "[]\n")):
        result = run(*command, "--data", VALID / "minimal.yaml", "-f", fmt, stdin=query)
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith(said) and result.stderr.count("\n") == 1, (fmt, result.stderr)
        if command == ("query",):
            assert result.stdout == empty, fmt  # a program reads the empty answer alone
        else:
            assert json.loads(result.stdout) == [] if fmt == "json" else result.stdout.count("\n") == 1
    for fmt in ("table", "markdown"):  # for people: the sentence is the answer
        result = run(*command, "--data", VALID / "minimal.yaml", "-f", fmt, stdin=query)
        assert result.stdout.startswith(said) and result.stderr == "", fmt


@pytest.mark.slow
def test_export_takes_the_usual_short_names_of_formats(tmp_path: Path) -> None:
    for short, name in (("ttl", "turtle"), ("nq", "nquads")):
        exported = run("export", "--data", VALID / "riverside-wards.yaml", "-f", short)
        assert exported.exit_code == 0, exported.output
        assert exported.stdout_bytes == run("export", "--data", VALID / "riverside-wards.yaml", "-f", name).stdout_bytes
        path = tmp_path / f"riverside.{short}"
        assert run("export", "--data", VALID / "riverside-wards.yaml", "-f", short, "-o", path).exit_code == 0
        assert run("validate", path).exit_code == 0, short
        again = run("ask", "what-worked", "--data", path, "-f", "csv")  # the same answers from the export
        assert again.stdout == run("ask", "what-worked", "--data", VALID / "riverside-wards.yaml", "-f", "csv").stdout
    helped = run("export", "--help").output
    assert "[turtle|ttl|nt|jsonld|trig|nquads|nq|xlsx|nanopub]" in helped
    assert helped.count("ttl") == 2  # the choice, the note
    refused = run("export", "--example", "-f", "turtle2")
    assert refused.exit_code == 2 and "'turtle2' is not one of 'turtle', 'ttl'," in refused.output


@pytest.mark.slow
def test_markdown_answers_to_md() -> None:
    short = run("ask", "what-worked", "--example", "-f", "md", "--limit", "2")
    assert short.exit_code == 0 and short.stdout.startswith("| outcome |")
    assert short.output == run("ask", "what-worked", "--example", "-f", "markdown", "--limit", "2").output
    queried = run("query", "--example", "-f", "md", stdin="SELECT (1 AS ?one) WHERE {}")
    assert queried.stdout == "| one |\n|---|\n| 1 |\n"


def test_messages_cut_long_quoted_values_only() -> None:
    from cmograph.cli.common import said

    long = "n" * 300
    assert said(f"no outcome is called '{long}'") == f"no outcome is called '{'n' * 100}…' (300 characters)"
    prose = f"the project's {long} isn't there"  # apostrophes, not quotes: nothing to cut
    assert said(prose) == prose
    assert said(f"'{'n' * 200}' and a\x1b[2Jb") == f"'{'n' * 200}' and a\\u001b[2Jb"  # 200 is not long
