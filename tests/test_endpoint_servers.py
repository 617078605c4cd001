"""``ask``, ``query``, ``export`` and ``push`` on real SPARQL servers, answering exactly as the embedded store.

The servers are started by ``scripts/servers`` (run by ``./scripts/test``), which writes their URLs to
``.servers/servers.env``. A server that is not configured is skipped, except under ``CI=true``, where every one
must be there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import processes
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cmograph.cli import main
from cmograph.errors import UsageError
from cmograph.query.catalogue import Question, questions
from cmograph.query.engine import Engine
from cmograph.query.local import StoreEngine
from cmograph.query.resolve import Resolver
from cmograph.query.run import Answer, ask, prepare
from cmograph.remote.credentials import ENV_HOST, ENV_PASSWORD, ENV_USER
from cmograph.remote.endpoint import Endpoint
from cmograph.remote.serve import HOST, free_port, oxigraph_command
from cmograph.remote.serve import Server as Served
from cmograph.remote.sparql import with_prefixes
from cmograph.render.rdf import export
from cmograph.source import example_path, load_memory

pytestmark = pytest.mark.slow  # needs the SPARQL servers of scripts/servers

ROOT = Path(__file__).resolve().parents[1]
SERVERS_FILE = Path(os.environ.get("CMOGRAPH_TEST_SERVERS", ROOT / ".servers" / "servers.env"))
VALID = sorted(p for p in (ROOT / "tests" / "data" / "valid").iterdir() if p.suffix in (".yaml", ".json"))
DATA = [*VALID, example_path()]
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yaml"
SERVER_NAMES = ("oxigraph", "virtuoso")


@dataclass(frozen=True)
class Server:
    """One test server: its query URL, its SPARQL Update and Graph Store URLs, and any credentials."""

    name: str
    query: str
    update: str
    store: str
    user: str | None = None
    password: str | None = None

    def env(self) -> dict[str, str]:
        """The credentials, tied to the server's host (so that a project's cmograph.toml naming it gets them)."""
        if not (self.user and self.password):
            return {}
        return {ENV_USER: self.user, ENV_PASSWORD: self.password, ENV_HOST: urllib.parse.urlsplit(self.query).netloc}


def _configured() -> dict[str, Server]:
    if not SERVERS_FILE.is_file():
        return {}
    settings = dict(line.split("=", 1) for line in SERVERS_FILE.read_text().splitlines() if "=" in line)
    found = {}
    for name in SERVER_NAMES:
        key = name.upper()
        if f"{key}_QUERY" in settings and _alive(settings.get(f"{key}_PID")):
            found[name] = Server(name, settings[f"{key}_QUERY"], settings[f"{key}_UPDATE"], settings[f"{key}_STORE"],
                                 settings.get(f"{key}_USER"), settings.get(f"{key}_PASSWORD"))
    return found


def _alive(pid: str | None) -> bool:
    try:
        os.kill(int(pid or ""), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


CONFIGURED = _configured()


def server_named(name: str) -> Server:
    if name not in CONFIGURED:
        reason = f"no {name} test server is running (start them with scripts/servers start, or ./scripts/test)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI needs every server")
        pytest.skip(reason)
    return CONFIGURED[name]


@pytest.fixture(params=SERVER_NAMES)
def server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    chosen = server_named(request.param)
    for key, value in chosen.env().items():
        monkeypatch.setenv(key, value)
    clear(chosen)
    yield chosen
    clear(chosen)


def clear(server: Server) -> None:
    """Remove every evaluation from the server."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in server.env().items():
            patch.setenv(key, value)
        remote = Endpoint(server.query, server.store)
        present = sorted(remote.evaluation_graphs())
        if present:
            remote.delete(present)


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# ---------------------------------------------------------------------------------------------- parity


def option_sets(question: Question, engine: Engine) -> list[dict[str, Any]]:
    """No options (where none is required), then each option alone with every value the data offers."""
    sets: list[dict[str, Any]] = [] if any(p.required for p in question.parameters) else [{}]
    for p in question.parameters:
        if p.is_element:
            sets += [{p.name: c.iri} for c in Resolver(engine).candidates(p.type)]
        elif p.type == "choice":
            sets += [{p.name: choice} for choice in p.choices]
        else:
            sets += [{p.name: n} for n in (1, 2, 3)]
    return sets


def outcome(question: Question, engine: Engine, options: dict[str, Any]) -> Any:
    """The answer's columns and rows (sorted unless the question orders them) and what it left out by design, or
    the error a user would see."""
    try:
        answer: Answer = ask(question, engine, options)
    except UsageError as exc:
        return str(exc)
    ordered = re.search(r"\bORDER\s+BY\b", question.sparql, re.IGNORECASE)
    rows = answer.rows if ordered else sorted(answer.rows, key=repr)
    return answer.columns, rows, answer.left_out


@pytest.fixture(scope="module")
def embedded() -> StoreEngine:
    return StoreEngine(load_memory(DATA))


@pytest.fixture(scope="class", params=SERVER_NAMES)
def loaded(request: pytest.FixtureRequest, embedded: StoreEngine) -> Iterator[Endpoint]:
    """A server holding the test data and the bundled example."""
    chosen = server_named(request.param)
    clear(chosen)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in chosen.env().items():
            patch.setenv(key, value)
        remote = Endpoint(chosen.query, chosen.store)
        remote.push(embedded.store)
    yield remote
    clear(chosen)


class TestParity:
    @pytest.mark.parametrize("qid", sorted(questions()))
    def test_every_question_answers_as_the_embedded_store(self, qid: str, loaded: Endpoint,
                                                          embedded: StoreEngine) -> None:
        question = questions()[qid]
        sets = option_sets(question, embedded)
        assert sets, f"{qid} was asked nothing"
        for options in sets:
            assert outcome(question, loaded, options) == outcome(question, embedded, options), (qid, options)

    def test_ask_on_the_command_line(self, loaded: Endpoint) -> None:
        data = [arg for p in DATA for arg in ("--data", str(p))]
        for args in (["what-worked"], ["why", "--outcome", "Higher staff morale", "--like"], ["gaps"]):
            local = CliRunner().invoke(main, ["ask", *args, *data, "-f", "json"])
            remote = CliRunner().invoke(main, ["ask", *args, "--endpoint", loaded.url, "-f", "json"])
            assert local.exit_code == remote.exit_code == 0, remote.output
            assert json.loads(remote.stdout) == json.loads(local.stdout)  # what was left out is said on stderr
            assert remote.stderr == local.stderr

    def test_query_on_the_command_line(self, loaded: Endpoint) -> None:
        data = [arg for p in DATA for arg in ("--data", str(p))]
        texts = {
            "select": "SELECT ?id WHERE { ?c a cmo:Configuration ; dcterms:identifier ?id } ORDER BY ?id",
            "ask": "ASK { ?c a cmo:Configuration ; cmo:mechanismActivated false }",
            "construct": "CONSTRUCT { ?e dcterms:identifier ?i } WHERE { ?e a cmo:Evaluation ; dcterms:identifier ?i }",
        }
        for kind, text in texts.items():
            local = CliRunner().invoke(main, ["query", *data, "-f", "csv"], input=text)
            remote = CliRunner().invoke(main, ["query", "--endpoint", loaded.url, "-f", "csv"], input=text)
            assert local.exit_code == remote.exit_code == 0, remote.output
            if kind == "construct":
                assert sorted(remote.output.splitlines()) == sorted(local.output.splitlines())
            else:
                assert remote.output == local.output, kind

    def test_export_on_the_command_line(self, loaded: Endpoint, embedded: StoreEngine) -> None:
        code, output = cli("export", "--endpoint", loaded.url, "-f", "nquads", "-e", "riverside-wards", "-e", "minimal")
        assert code == 0, output
        local = export(embedded.store, "nquads", ["riverside-wards", "minimal"])
        assert canonical(output.encode()) == canonical(local)

    def test_export_of_a_missing_evaluation(self, loaded: Endpoint) -> None:
        code, output = cli("export", "--endpoint", loaded.url, "-e", "nope")
        assert code == 2
        assert "no evaluation 'nope'" in output and "riverside-wards" in output


def canonical(nquads: bytes) -> set[tuple[Any, ...]]:
    """Quads compared by RDF value: servers may rewrite lexical forms (Virtuoso: ``1`` for ``true``, ``2.5`` for
    ``2.50``, lower-case language tags), which are the same literal values."""
    found = set()
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        obj = quad.object
        value: Any = obj.value
        if isinstance(obj, ox.Literal):
            kind = obj.datatype.value.rpartition("#")[2]
            if kind == "boolean":
                value = obj.value in ("true", "1")
            elif kind in ("decimal", "integer", "double"):
                value = Decimal(obj.value)
            value = (value, kind, (obj.language or "").lower())
        found.add((quad.subject.value, quad.predicate.value, value, quad.graph_name.value))
    return found


# ---------------------------------------------------------------------------------------------- push


def write_urls() -> list[tuple[str, str]]:
    return [(name, kind) for name in SERVER_NAMES for kind in ("store", "update")]


@pytest.mark.parametrize(("name", "kind"), write_urls(), ids=[f"{n}-{k}" for n, k in write_urls()])
def test_push_replaces_and_deletes(name: str, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = server_named(name)
    for key, value in chosen.env().items():
        monkeypatch.setenv(key, value)
    clear(chosen)
    target = ["--endpoint", chosen.query, "--update-endpoint", getattr(chosen, kind)]
    remote = Endpoint(chosen.query)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/cmograph/data/minimal/graph> { ?s ?p ?o } }"
    graph = ox.NamedNode("https://w3id.org/cmograph/data/minimal/graph")
    local_count = len(list(load_memory([MINIMAL]).quads_for_pattern(None, None, None, graph)))
    try:
        for _ in range(2):  # pushing again replaces, never duplicates
            code, output = cli("push", "--data", str(MINIMAL), *target)
            assert code == 0, output
            assert output == f"pushed 1 evaluation to {chosen.query}: minimal\n"
            assert remote.evaluation_graphs() == {"minimal": {"https://w3id.org/cmograph/data/minimal/graph"}}
            assert remote.select(count)[1] == [{"n": local_count}]
        code, output = cli("push", "--data", str(MINIMAL), "--base", "https://example.org/other/", *target)
        assert code == 0, output
        assert remote.evaluation_graphs() == {"minimal": {"https://example.org/other/minimal/graph"}}
        code, output = cli("push", "--delete", "nope", *target)
        assert code == 2 and "there is no evaluation 'nope'" in output and "minimal" in output
        code, output = cli("push", "--delete", "minimal", *target)
        assert code == 0 and output == f"deleted minimal from {chosen.query}\n"
        assert remote.evaluation_graphs() == {}
    finally:
        clear(chosen)


def test_push_from_a_project_with_a_default_endpoint(server: Server, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "evaluations").mkdir(parents=True)
    (project / "evaluations" / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    (project / "cmograph.toml").write_text(f'endpoint = "{server.query}"\nupdate_endpoint = "{server.store}"\n')
    monkeypatch.chdir(project)
    code, output = cli("push")
    assert code == 0, output
    code, output = cli("ask", "gaps", "-f", "json")  # asks the endpoint the project names
    assert code == 0, output
    assert [row["cmoc"] for row in json.loads(output)] == ["cmoc-1"]


def test_wrong_password_is_refused_without_showing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = server_named("virtuoso")
    secret = "not-the-Password-42"
    monkeypatch.setenv(ENV_USER, chosen.user or "dba")
    monkeypatch.setenv(ENV_PASSWORD, secret)
    code, output = cli("push", "--data", str(MINIMAL), "--endpoint", chosen.query, "--update-endpoint", chosen.store)
    assert code == 2
    assert output.splitlines()[0] == f"error: {chosen.store} refused the credentials (401 Unauthorized)"
    assert secret not in output


def test_writing_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = server_named("virtuoso")
    monkeypatch.delenv(ENV_USER, raising=False)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    monkeypatch.setenv("HOME", "/nonexistent")
    code, output = cli("push", "--data", str(MINIMAL), "--endpoint", chosen.query, "--update-endpoint", chosen.store)
    assert code == 2
    assert output.splitlines()[0] == f"error: {chosen.store} needs credentials (401 Unauthorized)"


def test_a_query_url_that_takes_no_writes() -> None:
    chosen = server_named("oxigraph")  # Virtuoso's query URL takes updates from users allowed to make them
    code, output = cli("push", "--data", str(MINIMAL), "--endpoint", chosen.query)
    assert code == 2
    assert "accepts neither the Graph Store Protocol nor SPARQL Update" in output


# ---------------------------------------------------------------------------------------------- query


def test_query_errors_point_where_they_do_locally() -> None:
    chosen = server_named("oxigraph")  # Virtuoso counts lines of its own before the query's
    text = "SELECT ?s WHERE {\n  ?s a cmo:Configuration ; rdfs:label ?l FILTR(?l) }"
    local = CliRunner().invoke(main, ["query", "--data", str(MINIMAL)], input=text)
    remote = CliRunner().invoke(main, ["query", "--endpoint", chosen.query], input=text)
    assert local.exit_code == remote.exit_code == 2, remote.output
    position = re.search(r"error at \d+:\d+", local.output)
    assert position is not None and position.group() == "error at 2:50", local.output
    assert position.group() in remote.output.splitlines()[0]


def test_query_is_given_only_the_prefixes_it_uses_and_does_not_declare(server: Server) -> None:
    Endpoint(server.query, server.store).push(load_memory([MINIMAL]))
    undeclared = 'ASK { ?c a cmo:Configuration FILTER(?c != "rdfs:x") } # skos:\n'
    own = "PREFIX cmo: <https://w3id.org/cmograph/ontology#>\nASK { ?c a cmo:Configuration }"
    elsewhere = "PREFIX cmo: <https://example.org/not-cmo#>\nASK { ?c a cmo:Configuration }"
    assert with_prefixes(undeclared) == "PREFIX cmo: <https://w3id.org/cmograph/ontology#> " + undeclared
    assert with_prefixes(own) == own and with_prefixes(elsewhere) == elsewhere
    for text, answer in ((undeclared, "true"), (own, "true"), (elsewhere, "false")):
        result = CliRunner().invoke(main, ["query", "--endpoint", server.query], input=text)
        assert result.exit_code == 0, result.output
        assert result.output == answer + "\n", text


# ---------------------------------------------------------------------------------------------- default graph


@pytest.fixture
def separate_default_graph(tmp_path: Path) -> Iterator[str]:
    """An Oxigraph server started without ``--union-default-graph`` (its default graph is a graph of its own);
    its base URL."""
    folder = tempfile.TemporaryDirectory(dir=tmp_path)
    port = free_port()
    with open(Path(folder.name) / "server.log", "wb") as log:
        process = processes.start(
            [oxigraph_command(), "serve", "--location", str(Path(folder.name) / "data"), "--bind", f"{HOST}:{port}"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    served = Served(process, port, True, folder)
    try:
        served.wait_until_ready()
        yield served.url
    finally:
        served.stop()


def test_a_default_graph_that_is_not_the_union_is_named(separate_default_graph: str) -> None:
    query, store = f"{separate_default_graph}/query", f"{separate_default_graph}/store"
    problem = f"the default graph of {query} is not the union of its named graphs"
    pushed = CliRunner().invoke(main, ["push", "--data", str(MINIMAL), "--endpoint", query, "--update-endpoint", store])
    assert pushed.exit_code == 0, pushed.output
    assert pushed.stdout == f"pushed 1 evaluation to {query}: minimal\n"
    assert pushed.stderr.startswith(f"warning: {problem}") and "--union-default-graph" in pushed.stderr
    for args in (["gaps"], ["why", "--outcome", "Minimal outcome"]):  # an empty answer; a name found nowhere
        code, output = cli("ask", *args, "--endpoint", query)
        assert code == 2, output
        assert output.splitlines()[0].startswith(f"error: {problem}")
        assert "--union-default-graph" in output and "tdb2:unionDefaultGraph true" in output


def test_an_empty_answer_on_a_union_default_graph(server: Server) -> None:
    code, output = cli("push", "--data", str(MINIMAL), "--endpoint", server.query, "--update-endpoint", server.store)
    assert code == 0 and output == f"pushed 1 evaluation to {server.query}: minimal\n"  # no warning
    code, output = cli("ask", "contradictions", "--endpoint", server.query, "-f", "table")
    assert code == 0, output
    assert output == questions()["contradictions"].empty + "\n"


def test_the_fastest_form_each_server_accepts_is_found_once(loaded: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    oxigraph = loaded.url == server_named("oxigraph").query
    remote = Endpoint(loaded.url)
    sent: list[str] = []
    real = remote._results

    def counted(sparql: str) -> Any:
        sent.append(sparql)
        return real(sparql)

    monkeypatch.setattr(remote, "_results", counted)
    assert remote.lateral is oxigraph  # Oxigraph runs LATERAL; Virtuoso keeps the SPARQL 1.1 form
    assert remote.lateral is oxigraph and len(sent) == 1  # asked once
    question = questions()["why"]
    bound = prepare(question, remote, {"outcome": "Higher staff morale"}, like=True)
    assert ("LATERAL" in bound) is oxigraph
    assert outcome(question, remote, {"outcome": "Higher staff morale"}) == outcome(
        question, Endpoint(loaded.url), {"outcome": "Higher staff morale"})
