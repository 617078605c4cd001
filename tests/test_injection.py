"""Injection: hostile text in every parameter of every question, and in the names given to --data, --store, --base.

Parameters are resolved to IRIs of elements in the data and bound as ``VALUES``; the tests check that nothing else
ever changes: the prepared query is the question's text plus ``VALUES`` blocks whose terms pyoxigraph reads back as
exactly elements of the asked kind (or valid numbers and choices). Names of files and stores never reach a query;
the tests check they give a clear error or the same answer as a plain name. Hypothesis runs derandomized.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from functools import cache
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


@pytest.mark.parametrize(("qid", "name"), PARAMETERS)
@FUZZ
@given(value=HOSTILE, like=st.booleans())
def test_hostile_text_in_any_parameter_never_changes_a_query(qid: str, name: str, value: str, like: bool) -> None:
    question = questions()[qid]
    parameter = question.parameter(name)
    assert parameter is not None
    ask_safely(question, parameter, value, like)


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


@FUZZ
@given(value=CLI_HOSTILE, index=st.integers(0, len(PARAMETERS) - 1))
def test_hostile_options_on_the_command_line_give_an_answer_or_a_clear_error(kb: DiskStore, value: str,
                                                                             index: int) -> None:
    qid, name = PARAMETERS[index]
    result = run("ask", qid, f"--{name}", value, "--store", kb.path, "-f", "csv", cwd=kb.path.parent)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output


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
