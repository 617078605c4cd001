"""Injection: hostile text in every parameter of every question, and in the names given to --data, --store, --base.

Parameters are resolved to IRIs of elements in the data and bound as ``VALUES``; the tests check that nothing else
ever changes: the prepared query is the question's text plus ``VALUES`` blocks whose terms pyoxigraph reads back as
exactly elements of the asked kind (or valid numbers and choices). Names of files and stores never reach a query;
the tests check they give a clear error or the same answer as a plain name. Hypothesis runs derandomized.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import processes
import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cmograph.checks.pipeline import check_files
from cmograph.cli import main
from cmograph.errors import UsageError
from cmograph.query.catalogue import Parameter, Question, questions
from cmograph.query.lexer import lateral_optionals
from cmograph.query.local import StoreEngine
from cmograph.query.resolve import Resolver
from cmograph.query.run import prepare
from cmograph.render.formats import EXPORTS
from cmograph.store.disk import DiskStore, memory_store
from cmograph.store.project import load_into

VALID = Path(__file__).parent / "data" / "valid"
DATA = "https://w3id.org/cmograph/data/"
FIXED = [
    '"', "'", '"""', "'''", "{", "}", "{}", "#", "\\", "\\u0022", "\u0022", "\\u003E", ">", "<", "\n", "\r\n", "\t",
    "\x00", "\x1f", "\u2028", "\ufeff", " ", "",
    'x" } UNION { ?s ?p ?o } #',
    "x' } UNION { ?s ?p ?o } #",
    '""" } UNION { ?s ?p ?o } #',
    "} UNION { ?s ?p ?o",
    "x\n} UNION { ?s ?p ?o }\n#",
    "?s ?p ?o",
    "?_outcome",
    "VALUES ?_outcome { <urn:x> }",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "DROP ALL",
    f"{DATA}riverside-wards/outcome/o-morale-up> }} UNION {{ ?s ?p ?o }} #",
    f"{DATA}riverside-wards/outcome/o-morale-up>",
    f"<{DATA}riverside-wards/outcome/o-morale-up>",
    f"{DATA}riverside-wards/outcome/o-morale-up",
    f"{DATA}riverside-wards/outcome/o-morale-up#frag",
    f"{DATA}riverside-wards/outcome/o%3Emorale",
    "urn:x:\"y\"",
    "http://example.org/a b",
    "cmo:Outcome",
    "cmo:> } UNION {",
    "cmoc:staff-morale\" }",
    "riverside-wards/o-morale-up",
    "riverside-wards/o-morale-up\" } #",
    "Higher staff morale",
    'Higher staff morale" } UNION { ?s ?p ?o } #',
    "HIGHER STAFF MORALE",
    "\u0130",  # a capital I with a dot: case folding changes its length
    "\U0001F600",
    "\ud800",
    "1", "0", "-1", "2", "٣", "1_000", "9" * 5000, "label", "concept", "concept\" }",
]
HOSTILE = st.one_of(
    st.sampled_from(FIXED),
    st.text(max_size=30),
    st.lists(st.sampled_from(FIXED), min_size=2, max_size=4).map("".join),
    st.tuples(st.sampled_from(FIXED), st.text(max_size=8)).map("".join),
)
FUZZ = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
PARAMETERS = [(q.id, p.name) for q in questions().values() for p in q.parameters]
VALUES_BLOCK = re.compile(r"\n  VALUES \?(\w+) \{ (.*?) \}")


@cache
def engine() -> StoreEngine:
    checked = check_files([VALID / "riverside-wards.yaml", VALID / "hillside-review.json", VALID / "minimal.yaml"])
    assert all(c.report.conforms for c in checked)
    return StoreEngine(memory_store(g for c in checked for g in c.graphs))


@cache
def elements(kind: str) -> frozenset[str]:
    return frozenset(c.iri for c in Resolver(engine()).candidates(kind))


def read_terms(terms: str) -> list[ox.NamedNode | ox.Literal]:
    """The terms of a VALUES block as pyoxigraph parses them."""
    solutions = ox.Store().query(f"SELECT ?v WHERE {{ VALUES ?v {{ {terms} }} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    return [s["v"] for s in solutions]  # type: ignore[misc]


def assert_only_values_added(question: Question, sparql: str) -> None:
    """``sparql`` is the question's text plus VALUES blocks binding its parameters to data elements or valid values
    (with its OPTIONALs as LATERAL ones, for a question that asks for that on the embedded engine)."""
    texts = [question.sparql, *([lateral_optionals(question.sparql)] if question.lateral else [])]
    assert VALUES_BLOCK.sub("", sparql) in texts
    for variable, terms in VALUES_BLOCK.findall(sparql):
        parameter = next(p for p in question.parameters if p.variable == variable)
        read = read_terms(terms)
        assert read, sparql
        if parameter.is_element:
            assert all(isinstance(t, ox.NamedNode) and t.value in elements(parameter.type) for t in read), terms
        elif parameter.type == "integer":
            assert len(read) == 1 and isinstance(read[0], ox.Literal) and int(read[0].value) >= 1
        else:
            assert [t.value for t in read] == [v for v in parameter.choices if v == read[0].value]


def ask_safely(question: Question, parameter: Parameter, value: str, like: bool) -> None:
    options = {parameter.name: value}
    for other in question.parameters:  # a required partner gets a real name
        if other.required and other is not parameter:
            options[other.name] = sorted(elements(other.type))[0]
    try:
        sparql = prepare(question, engine(), options, like=like)
    except UsageError as exc:
        assert str(exc)
        return
    assert_only_values_added(question, sparql)
    engine().select(sparql)


@pytest.mark.slow
@pytest.mark.parametrize(("qid", "name"), PARAMETERS)
@FUZZ
@given(value=HOSTILE, like=st.booleans())
def test_hostile_text_in_any_parameter_never_changes_a_query(qid: str, name: str, value: str, like: bool) -> None:
    question = questions()[qid]
    parameter = question.parameter(name)
    assert parameter is not None
    ask_safely(question, parameter, value, like)


@pytest.mark.slow
@pytest.mark.parametrize(("qid", "name"), PARAMETERS)
def test_every_fixed_hostile_string_in_every_parameter(qid: str, name: str) -> None:
    question = questions()[qid]
    parameter = question.parameter(name)
    assert parameter is not None
    for value in FIXED:
        for like in (False, True):
            ask_safely(question, parameter, value, like)


def test_the_meaning_check_catches_an_injected_query() -> None:
    question = questions()["why"]
    injected = question.sparql.replace("WHERE {", "WHERE {\n  VALUES ?_outcome { <urn:x> } } UNION { ?s ?p ?o ", 1)
    with pytest.raises(AssertionError):
        assert_only_values_added(question, injected)
    foreign = question.sparql.replace("WHERE {", "WHERE {\n  VALUES ?_outcome { <urn:x> }", 1)
    with pytest.raises(AssertionError):
        assert_only_values_added(question, foreign)


def test_a_real_name_still_binds_its_element() -> None:
    question = questions()["why"]
    sparql = prepare(question, engine(), {"outcome": "Higher staff morale"})
    assert f"VALUES ?_outcome {{ <{DATA}riverside-wards/outcome/o-morale-up> }}" in sparql
    assert_only_values_added(question, sparql)


# ---------------------------------------------------------------------------------------------- command line


def run(*args: str | Path, cwd: Path) -> Result:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> DiskStore:
    store = DiskStore(tmp_path_factory.mktemp("injection") / "kb")
    load_into(store, [VALID / "riverside-wards.yaml", VALID / "hillside-review.json"])
    return store


# what a shell can pass: no NUL, and no lone surrogate but those Python makes of undecodable bytes (tested below)
CLI_HOSTILE = HOSTILE.filter(lambda s: "\x00" not in s and not s.startswith("-")
                             and not re.search("[\ud800-\udc7f\udd00-\udfff]", s))


@pytest.mark.slow
@FUZZ
@given(value=CLI_HOSTILE, index=st.integers(0, len(PARAMETERS) - 1))
def test_hostile_options_on_the_command_line_give_an_answer_or_a_clear_error(kb: DiskStore, value: str,
                                                                             index: int) -> None:
    qid, name = PARAMETERS[index]
    result = run("ask", qid, f"--{name}", value, "--store", kb.path, "-f", "csv", cwd=kb.path.parent)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
@FUZZ
@given(name=CLI_HOSTILE)
def test_hostile_data_and_store_names_give_a_clear_error(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    empty = tmp_path_factory.mktemp("empty")
    assume(name not in ("", ".", "..") and not name.strip(" /").startswith(("/", "~")))
    for option in ("--data", "--store"):
        result = run("ask", "what-worked", option, name, cwd=empty)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert any(m in result.output for m in ("no such file or folder", "is not a cmograph store", "too long"))


def test_a_name_too_long_for_the_system_is_a_clear_error(tmp_path: Path) -> None:
    name = "n" * 5000
    for args in (("ask", "what-worked", "--data", name), ("ask", "what-worked", "--store", name),
                 ("load", VALID / "minimal.yaml", "--store", name)):
        result = run(*args, cwd=tmp_path)
        assert result.exit_code == 2 and "File name too long" in result.output, result.output
        assert result.stderr.endswith("  hint: use a shorter path\n"), result.stderr


@pytest.mark.slow
@FUZZ
@given(base=CLI_HOSTILE)
def test_a_hostile_base_iri_is_used_only_if_valid(base: str) -> None:
    result = run("ask", "what-worked", "--data", VALID / "minimal.yaml", "--base", base, "-f", "csv", cwd=VALID)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "is not an absolute IRI" in result.output or "--base" in result.output


NAMES = ['x" } UNION { ?s ?p ?o } #', "it's {a} #1", "new\nline", "tab\tand space", "ünïcødé-名前", "$(id)", ";ls",
         "--not-an-option", "back\\slash", "%20encoded%3E"]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_files_and_stores_with_hostile_names_answer_like_plain_ones(tmp_path: Path, name: str) -> None:
    plain = run("ask", "what-worked", "--data", VALID / "riverside-wards.yaml", "-f", "csv", cwd=tmp_path)
    assert plain.exit_code == 0 and plain.output.count("\n") > 1
    odd = tmp_path / (name + ".yaml")
    shutil.copy(VALID / "riverside-wards.yaml", odd)
    assert run("ask", "what-worked", "--data", odd, "-f", "csv", cwd=tmp_path).output == plain.output
    store = tmp_path / name
    assert run("load", odd, "--store", store, cwd=tmp_path).exit_code == 0
    assert run("ask", "what-worked", "--store", store, "-f", "csv", cwd=tmp_path).output == plain.output


@pytest.mark.slow
@pytest.mark.parametrize("name", [b"\xff\xfe.yaml", b"caf\xe9", b"x\" } UNION {\xff"])
def test_undecodable_names_from_the_shell_give_a_clear_error(tmp_path: Path, name: bytes) -> None:
    for option in (b"--data", b"--store"):
        done = processes.run([sys.executable.encode(), b"-c", b"from cmograph.cli import main; main()", b"ask",
                              b"what-worked", option, name], cwd=tmp_path, capture_output=True, check=False)
        assert done.returncode == 2, done.stderr
        assert b"Traceback" not in done.stderr and b"error:" in done.stderr


# ---------------------------------------------------------------------------------------------- terminal output
# Text from the data, from a server or typed by the user never reaches a terminal as a control sequence: tables,
# Markdown and every error message show control characters escaped (ESC as \u001b), JSON and RDF write them as \u
# escapes, CSV and TSV keep the data exact for programs (escaped only when printed on a terminal), and CSV and TSV
# cells that a spreadsheet would run as formulas get a leading ' unless --keep-formulas says otherwise.

HOSTILE_LABEL = "Morale \x1b[2J\x1b]0;pwned\x07\x9b31m\u202eup"
FORMULAS = {"c-1": '=HYPERLINK("http://example.org","click")', "m-1": "-2+3+cmd|' /C calc'!A0", "g-1": "@SUM(1+1)"}
HOSTILE_YAML = r"""cmograph: 1
evaluation:
  id: hostile
  title: "Title \e]0;pwned\a"
contexts:
  - id: c-1
    label: "=HYPERLINK(\"http://example.org\",\"click\")"
mechanisms:
  - id: m-1
    label: "-2+3+cmd|' /C calc'!A0"
outcomes:
  - id: o-1
    label: "Morale \e[2J\e]0;pwned\a\x9b31m\u202eup"
    direction: positive
groups:
  - id: g-1
    label: "@SUM(1+1)"
cmocs:
  - id: cmoc-1
    context: [c-1]
    mechanism: [m-1]
    outcome: [o-1]
    for_whom: [g-1]
"""
# what must never reach a terminal raw: C0 controls but tab and line feed, DEL, C1, line separators, bidi controls
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ESCAPED_LABEL = "Morale \\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202eup"


def cmograph(*args: str | Path, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process, its output read as UTF-8 text."""
    return processes.run([sys.executable, "-m", "cmograph", *map(str, args)], cwd=cwd, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", check=False)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_YAML, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "markdown", "md"])
def test_control_sequences_in_the_data_are_shown_escaped_in_tables_and_markdown(hostile: Path, fmt: str) -> None:
    done = cmograph("ask", "what-worked", "--data", hostile, "-f", fmt, cwd=hostile.parent)
    assert done.returncode == 0, done.stderr
    assert ESCAPED_LABEL in done.stdout
    assert not RAW_CONTROL.search(done.stdout + done.stderr)


@pytest.mark.slow
def test_data_formats_keep_control_characters_exact_and_json_escapes_them(hostile: Path) -> None:
    runs = {fmt: cmograph("ask", "what-worked", "--data", hostile, "-f", fmt, cwd=hostile.parent)
            for fmt in ("csv", "tsv", "json")}
    assert all(done.returncode == 0 and not RAW_CONTROL.search(done.stderr) for done in runs.values())
    assert next(csv.DictReader(io.StringIO(runs["csv"].stdout)))["outcome"] == HOSTILE_LABEL  # nothing stripped
    assert runs["tsv"].stdout.splitlines()[1].split("\t")[0] == HOSTILE_LABEL
    assert not RAW_CONTROL.search(runs["json"].stdout)  # as \u escapes, which read back the same
    assert json.loads(runs["json"].stdout)[0]["outcome"] == HOSTILE_LABEL


@pytest.mark.slow
def test_data_formats_printed_on_a_terminal_show_control_characters_escaped(hostile: Path) -> None:
    pty = pytest.importorskip("pty")
    for fmt in ("csv", "tsv"):
        leader, follower = pty.openpty()
        with processes.start([sys.executable, "-m", "cmograph", "ask", "what-worked", "--data", str(hostile), "-f",
                               fmt], stdout=follower, stderr=subprocess.PIPE, cwd=hostile.parent) as process:
            os.close(follower)
            screen = b""
            while chunk := _read_or_end(leader):
                screen += chunk
            assert process.wait() == 0
        os.close(leader)
        text = screen.decode("utf-8").replace("\r\n", "\n")  # the terminal turns line feeds into CR LF
        assert ESCAPED_LABEL in text, fmt
        assert not RAW_CONTROL.search(text), fmt


def _read_or_end(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the command has exited and closed the terminal
        return b""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_cells_a_spreadsheet_would_run_as_formulas_get_a_leading_quote(hostile: Path, fmt: str) -> None:
    columns = {"c-1": "contexts", "m-1": "mechanisms", "g-1": "for_whom"}
    guarded = cmograph("ask", "what-worked", "--data", hostile, "-f", fmt, cwd=hostile.parent)
    exact = cmograph("ask", "what-worked", "--data", hostile, "-f", fmt, "--keep-formulas", cwd=hostile.parent)
    for done, prefix in ((guarded, "'"), (exact, "")):
        assert done.returncode == 0, done.stderr
        rows = csv.DictReader(io.StringIO(done.stdout), delimiter="," if fmt == "csv" else "\t", quoting=(
            csv.QUOTE_MINIMAL if fmt == "csv" else csv.QUOTE_NONE))
        row = next(rows)
        assert {columns[k]: row[columns[k]] for k in FORMULAS} == {columns[k]: prefix + v for k, v in FORMULAS.items()}
        assert row["sites"] == "0"
    as_json = json.loads(cmograph("ask", "what-worked", "--data", hostile, "-f", "json", cwd=hostile.parent).stdout)
    assert as_json[0]["contexts"] == [FORMULAS["c-1"]]  # JSON is for programs: never changed


@pytest.mark.slow
def test_numbers_are_never_taken_for_formulas(hostile: Path) -> None:
    query = 'SELECT (-3.5 AS ?number) ("-3.5" AS ?text) (+2 AS ?plus) WHERE {}'
    done = cmograph("query", "--data", hostile, "-f", "csv", cwd=hostile.parent, stdin=query)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["number,text,plus", "-3.5,'-3.5,2"]


LONG = "n" * 100_000


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ("ask", "why", "--example", "--outcome", HOSTILE_LABEL),
    ("ask", HOSTILE_LABEL, "--example"),
    ("ask", "what-worked", "--example", "-f", HOSTILE_LABEL),
    ("ask", "what-worked", "--example", "--" + HOSTILE_LABEL),
    ("ask", "what-worked", "--example", "--limit", HOSTILE_LABEL),
    ("export", "--example", "-e", HOSTILE_LABEL),
    ("ask", "what-worked", "--data", HOSTILE_LABEL),
    ("query", "--example", HOSTILE_LABEL),
], ids=["name", "question", "format", "option", "number", "evaluation", "data", "query-file"])
def test_error_messages_show_control_characters_escaped(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = cmograph(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "\\u001b[2J" in done.stderr or "\\x1b[2J" in done.stderr, done.stderr  # click quotes values with repr()
    assert not RAW_CONTROL.search(done.stdout + done.stderr)


@pytest.mark.parametrize("args", [
    ("ask", "why", "--example", "--outcome", LONG),
    ("ask", LONG, "--example"),
    ("ask", "what-worked", "--example", "-f", LONG),
    ("ask", "what-worked", "--example", "--" + LONG),
    ("export", "--example", "-e", LONG),
    ("ask", "what-worked", "--data", LONG),
], ids=["name", "question", "format", "option", "evaluation", "data"])
@pytest.mark.slow
def test_a_long_name_in_an_error_is_cut_and_its_length_given(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = cmograph(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"n{90}…'? \(100,00\d characters\)", done.stderr), done.stderr[:500]
    assert len(done.stderr) < 2000, done.stderr[:500]


class HostileServer:
    """A real SPARQL endpoint on 127.0.0.1 whose answers hold control sequences: a SELECT answer with them in a
    value (and in the column name ``variable``), or (``failing``) an error whose first line holds them."""

    def __init__(self, *, failing: bool = False, variable: str = "x") -> None:
        body = json.dumps({"head": {"vars": [variable]},
                           "results": {"bindings": [{variable: {"type": "literal", "value": HOSTILE_LABEL}}]}})
        status, payload = (500, "failed \x1b]0;pwned\x07\nmore") if failing else (200, body)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                data = payload.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_control_sequences_from_an_endpoint_are_escaped(tmp_path: Path, fmt: str) -> None:
    with HostileServer() as server:
        done = cmograph("query", "--endpoint", server.url, "-f", fmt, cwd=tmp_path, stdin="SELECT * WHERE {}")
    assert done.returncode == 0, done.stderr
    assert not RAW_CONTROL.search(done.stdout + done.stderr)
    if fmt == "json":
        assert json.loads(done.stdout) == [{"x": HOSTILE_LABEL}]
    else:
        assert ESCAPED_LABEL in done.stdout
    with HostileServer(variable="x\x1b[2J") as server:  # not a variable name: refused, and shown escaped
        refused = cmograph("query", "--endpoint", server.url, "-f", fmt, cwd=tmp_path, stdin="SELECT * WHERE {}")
    assert refused.returncode == 2 and "'x\\x1b[2J' in 'vars' is not a SPARQL variable name" in refused.stderr
    assert not RAW_CONTROL.search(refused.stdout + refused.stderr)
    with HostileServer(failing=True) as server:
        failed = cmograph("query", "--endpoint", server.url, cwd=tmp_path, stdin="SELECT * WHERE {}")
    assert failed.returncode == 2 and "failed \\u001b]0;pwned\\u0007" in failed.stderr, failed.stderr
    assert not RAW_CONTROL.search(failed.stderr)


@pytest.mark.slow
def test_rdf_exports_and_constructs_write_control_characters_as_escapes(hostile: Path) -> None:
    for fmt in EXPORTS.spellings():
        done = processes.run([sys.executable, "-m", "cmograph", "export", "--data", str(hostile), "-f", fmt],
                              cwd=hostile.parent, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        assert not RAW_CONTROL.search(done.stdout.decode("utf-8")), fmt
        copy = hostile.parent / f"copy.{fmt}"
        copy.write_bytes(done.stdout)
        back = cmograph("ask", "what-worked", "--data", copy, "-f", "json", cwd=hostile.parent)
        assert json.loads(back.stdout)[0]["outcome"] == HOSTILE_LABEL, fmt  # the same data, read back
    construct = cmograph("query", "--data", hostile, cwd=hostile.parent,
                         stdin="CONSTRUCT { ?o rdfs:label ?l } WHERE { ?o a cmo:Outcome ; rdfs:label ?l }")
    assert construct.returncode == 0 and "\\u001b[2j" in construct.stdout.lower(), construct.stderr
    assert not RAW_CONTROL.search(construct.stdout)
