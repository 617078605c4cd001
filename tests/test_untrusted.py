"""Untrusted RDF, YAML and queries: refused or read safely, with no network, no file but the one named, and limits.

An audit hook (``sys.addaudithook``) watches every socket and every ``open`` of this process while a hostile file
is read, and a listening socket on 127.0.0.1 records any connection (pyoxigraph's HTTP client is native code the
hook cannot see). All data here is MADE UP.
"""

from __future__ import annotations

import os
import random
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import processes
import pyoxigraph as ox
import pytest

from cmograph.checks.pipeline import check_file, check_files
from cmograph.diagnostics import Severity
from cmograph.errors import InputError, UsageError
from cmograph.ingest.rdf import MAX_RDF_BYTES, parse_rdf
from cmograph.ingest.yaml_json import MAX_EVIDENCE_BYTES, MAX_ITEMS, MAX_TEXT_CHARS, MAX_VALUES
from cmograph.query.catalogue import questions
from cmograph.query.raw import check_read_only, run_query
from cmograph.store.disk import DiskStore, memory_store
from cmograph.store.project import load_into

VALID = Path(__file__).parent / "data" / "valid"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SEED = 20261127


# ---------------------------------------------------------------------------------------------- guards


class Guard:
    """Audit-hook state: while armed, any socket use or ``open`` outside the allowed paths is recorded and refused.

    A hook cannot be removed once added, so one hook is installed for the whole test session and armed per test.
    """

    def __init__(self) -> None:
        self.allowed: list[Path] = []
        self.violations: list[str] = []
        self.armed = False
        roots = [Path(p).resolve() for p in sys.path if p and Path(p).is_dir()]
        self.library = [r for r in roots if r != Path.cwd().resolve() and "pytest-of" not in str(r)]
        sys.addaudithook(self.hook)

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.armed:
            return
        if event.startswith("socket.") or event in ("urllib.Request", "http.client.connect", "subprocess.Popen",
                                                     "os.system", "os.posix_spawn", "os.exec"):
            self.refuse(f"{event} {args!r}")
        elif event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            path = Path(os.fsdecode(args[0])).resolve()
            if not any(path == a or a in path.parents for a in self.allowed + self.library):
                self.refuse(f"open {path}")

    def refuse(self, what: str) -> None:
        self.armed = False  # the hook itself must not recurse while it records
        self.violations.append(what)
        self.armed = True
        raise PermissionError(f"blocked by the test's audit hook: {what}")

    @contextmanager
    def only(self, *allowed: Path) -> Iterator[list[str]]:
        """Arm the guard, allowing ``open`` of these paths (files or folders) besides Python's own libraries."""
        self.allowed = [Path(a).resolve() for a in allowed]
        self.violations = []
        self.armed = True
        try:
            yield self.violations
        finally:
            self.armed = False


GUARD = Guard()


class Listener:
    """A TCP server on 127.0.0.1 that records the first bytes of every connection and closes it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests: list[bytes] = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(1)
                try:
                    self.requests.append(connection.recv(4096))
                except OSError:
                    self.requests.append(b"")

    def settle(self) -> list[bytes]:
        time.sleep(0.05)  # a connection made just before is accepted by now
        return self.requests


SERVER = Listener()


@pytest.fixture
def listener() -> Listener:
    SERVER.requests.clear()
    return SERVER


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A local file that hostile input tries to read."""
    path = tmp_path / "secret.txt"
    path.write_text("do not read me", encoding="utf-8")
    return path


def refused(path: Path, match: str, *allowed: Path) -> list[str]:
    """Check ``path`` under the guard: an :class:`InputError` matching ``match``; the guard's record."""
    with GUARD.only(path, *allowed) as violations, pytest.raises(InputError, match=match):
        check_file(path)
    return violations


# ---------------------------------------------------------------------------------------------- RDF/XML


def rdf_xml(doctype: str, body: str = "&x;", prefix: str = "") -> str:
    return (f'<?xml version="1.0"?>\n{prefix}{doctype}\n<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">'
            f'<rdf:Description rdf:about="http://example.org/a"><ex:p>{body}</ex:p></rdf:Description></rdf:RDF>\n')


def test_the_guard_and_listener_see_what_they_must(tmp_path: Path, secret: Path, listener: Listener) -> None:
    with GUARD.only(tmp_path / "other") as violations, pytest.raises(PermissionError):
        secret.read_text(encoding="utf-8")
    assert violations == [f"open {secret.resolve()}"]
    with GUARD.only() as violations, pytest.raises(PermissionError):
        socket.create_connection(("127.0.0.1", listener.port))
    assert violations and violations[0].startswith("socket.")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o")))
    with pytest.raises(OSError):  # pyoxigraph really does HTTP for SERVICE: the check in rawquery is the barrier
        list(store.query(f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"))  # type: ignore
    assert any(b"POST /sparql" in r for r in listener.settle())
    listener.requests.clear()


@pytest.mark.slow
@pytest.mark.parametrize("case", ["external", "after-70k-comment", "after-70k-blank-lines", "utf-16", "dtd-only",
                                  "billion-laughs"])
def test_rdf_xml_with_a_doctype_is_refused_before_any_access(case: str, tmp_path: Path, secret: Path,
                                                             listener: Listener) -> None:
    external = (f'<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "{listener.url}/entity"> '
                f'<!ENTITY f SYSTEM "{secret.as_uri()}"> ]>')
    laughs = '<!DOCTYPE rdf:RDF [ <!ENTITY x0 "ha">' + "".join(
        f' <!ENTITY x{i} "{f"&x{i - 1};" * 10}">' for i in range(1, 10)) + " <!ENTITY x \"&x9;\"> ]>"
    text = {
        "external": rdf_xml(external, "&x;&f;"),
        "after-70k-comment": rdf_xml(external, "&x;&f;", "<!--" + "x" * 70_000 + "-->\n"),
        "after-70k-blank-lines": rdf_xml(external, "&x;&f;", "\n" * 70_000),
        "utf-16": rdf_xml(external, "&x;&f;").replace('version="1.0"', 'version="1.0" encoding="UTF-16"'),
        "dtd-only": rdf_xml(f'<!DOCTYPE rdf:RDF SYSTEM "{listener.url}/dtd">', "x"),
        "billion-laughs": rdf_xml(laughs),
    }[case]
    path = tmp_path / "hostile.rdf"
    path.write_bytes(text.encode("utf-16" if case == "utf-16" else "utf-8"))
    started = time.monotonic()
    assert refused(path, "DOCTYPE is not read") == []
    assert time.monotonic() - started < 2
    assert listener.settle() == []


def test_plain_rdf_xml_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "plain.rdf"
    path.write_text(rdf_xml("", "a value", "<!-- a comment -->\n"), encoding="utf-8")
    with GUARD.only(path) as violations:
        checked = check_file(path)
    assert violations == []
    assert "no cmo:Evaluation" in str(checked.report.diagnostics[0])


# ---------------------------------------------------------------------------------------------- JSON-LD


@pytest.mark.slow
@pytest.mark.parametrize("context", [
    "{url}/context.jsonld",
    "{file}",
    "context.jsonld",  # relative: would resolve next to the file
    ["{url}/a.jsonld", {"ex": "http://example.org/"}],
    [[[["{url}/deep.jsonld"]]]],
    {"@import": "{url}/imported.jsonld", "ex": "http://example.org/"},
    [{"@import": "{file}"}],
    {"@context": "{url}/nested.jsonld"},
    {"ex": "http://example.org/", "knows": {"@id": "http://example.org/knows", "@context": "{url}/scoped.jsonld"}},
    {"@base": "{url}/", "@vocab": "{url}/vocab#"},  # allowed: naming a base does not fetch it
])
def test_json_ld_never_fetches_a_context(context: Any, tmp_path: Path, secret: Path, listener: Listener) -> None:
    import json

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return value.format(url=listener.url, file=secret.as_uri())
        if isinstance(value, list):
            return [fill(v) for v in value]
        return {k: fill(v) for k, v in value.items()}

    (tmp_path / "context.jsonld").write_text('{"@context": {}}', encoding="utf-8")
    path = tmp_path / "hostile.jsonld"
    path.write_text(json.dumps({"@context": fill(context), "@id": "http://example.org/a",
                                "http://example.org/p": "v"}), encoding="utf-8")
    if "@base" in str(context):
        with GUARD.only(path) as violations:
            checked = check_file(path)
        assert "no cmo:Evaluation" in str(checked.report.diagnostics[0])
    else:
        violations = refused(path, "refers to a remote or file context")
    assert violations == []
    assert listener.settle() == []


def test_json_ld_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonld"
    path.write_text('{"@context": {}, "http://example.org/p": ' + "[" * 100_000 + "]" * 100_000 + "}",
                    encoding="utf-8")
    assert refused(path, "nested too deeply") == []


# ---------------------------------------------------------------------------------------------- Turtle


@pytest.mark.slow
def test_owl_imports_are_never_followed(tmp_path: Path, secret: Path, listener: Listener) -> None:
    example = tmp_path / "example.ttl"
    example.write_bytes(memory_store(check_file(VALID / "riverside-wards.yaml").graphs).dump(
        format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode("https://w3id.org/cmograph/data/riverside-wards/graph"))
        or b"")
    with example.open("a", encoding="utf-8") as handle:
        handle.write(f"\n<https://w3id.org/cmograph/data/riverside-wards> <http://www.w3.org/2002/07/owl#imports> "
                     f"<{listener.url}/ontology.ttl>, <{secret.as_uri()}> .\n")
    store = DiskStore(tmp_path / "store")
    with GUARD.only(example, store.path) as violations:
        checked = check_file(example)
        assert checked.report.conforms, checked.report.diagnostics
        load_into(store, [example])
    assert violations == []
    assert listener.settle() == []
    assert {str(g) for g in store.manifest().graphs()} == {"riverside-wards"}


def big_literal_turtle(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.write(b"<http://example.org/a> <http://example.org/p> \"")
        chunk = b"x" * 2**20
        for _ in range(size // len(chunk)):
            handle.write(chunk)
        handle.write(b'" .\n')


def test_a_literal_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.ttl"
    big_literal_turtle(path, 2 * 2**20)
    assert refused(path, f"longer than the {MAX_TEXT_CHARS:,} cmograph reads") == []


@pytest.mark.slow
def test_a_100_mb_literal_is_refused_within_time_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.ttl"
    big_literal_turtle(path, 100 * 2**20)
    started = time.monotonic()
    done = processes.run([sys.executable, "-c", "from cmograph.cli import main; main()", "validate", str(path)],
                         capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    assert done.returncode == 2 and "longer than the 1,048,576 cmograph reads" in done.stderr
    assert "Traceback" not in done.stderr
    assert seconds < 30 and peak_mib < 1536, (seconds, peak_mib)


def test_an_rdf_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.nt"
    with path.open("wb") as handle:  # sparse: takes no disk
        handle.truncate(MAX_RDF_BYTES + 1)
    started = time.monotonic()
    assert refused(path, "is larger than the 512 MiB cmograph reads in one file") == []
    assert time.monotonic() - started < 1


@pytest.mark.slow
@pytest.mark.parametrize("triple", [
    '<http://example.org/a b> <http://example.org/p> "v" .',
    '<http://example.org:port/> <http://example.org/p> "v" .',
    '<http://example.org/a%zz> <http://example.org/p> "v" .',
    '<http://example.org/a> <http://example.org/p> "v"@en-toolongsubtag .',
    '<http://example.org/a> <http://example.org/p> "\\uD800" .',
])
def test_terms_the_store_cannot_hold_are_refused_with_the_file(triple: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.ttl"
    path.write_text(triple + "\n", encoding="utf-8")
    store = DiskStore(tmp_path / "store")
    load_into(store, [VALID / "minimal.yaml"])
    before = sorted(map(str, store.open()))
    with pytest.raises(InputError, match=r"odd.ttl: .* cannot be stored"):
        load_into(store, [path])
    assert sorted(map(str, store.open())) == before


def test_an_evaluation_that_is_a_blank_node_is_an_error_not_a_crash(tmp_path: Path) -> None:
    graph = ox.NamedNode("https://w3id.org/cmograph/data/minimal/graph")
    text = (memory_store(check_file(VALID / "minimal.yaml").graphs).dump(format=ox.RdfFormat.TURTLE,
                                                                        from_graph=graph) or b"").decode()
    path = tmp_path / "blank.ttl"
    path.write_text(text.replace("<https://w3id.org/cmograph/data/minimal>", "_:evaluation"), encoding="utf-8")
    checked = check_files([path])[0]
    assert any("the evaluation is a blank node" in d.message for d in checked.report.diagnostics)
    assert not checked.graphs


# ---------------------------------------------------------------------------------------------- YAML and JSON


def yaml_file(tmp_path: Path, text: str, suffix: str = ".yaml") -> Path:
    path = tmp_path / f"hostile{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def laughs(levels: int) -> str:
    lines = ["cmograph: 1", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "match"), [
    (laughs(9), r"hostile.yaml: a3\[1\]\[.*:\d+: YAML aliases \(\*name\) expand this file to too many values"),
    ("evaluation: &e {id: x, again: *e}\n", r"hostile.yaml: evaluation.again:1: a YAML alias .* refers to a value"),
    ("contexts: &c [*c]\n", r"hostile.yaml: contexts\[1\]:1: a YAML alias"),
    ("evaluation: " + "[" * 1000 + "]" * 1000 + "\n",
     r"hostile.yaml:1:\d+: nested too deeply to read\n  hint: evidence files nest a few levels"),
    ("evaluation: " + "[" * 200 + "]" * 200 + "\n", r"nested more than 64 levels deep"),
    ("? [a, b]\n: c\n", "a key must be plain text"),
    ("evaluation: {id: x, title: \"a \\ud800 b\"}\n",
     r"hostile.yaml:1:31: the text holds an escape that is not a character \(a surrogate"),
    ("cmograph: " + "9" * 5000 + "\n", r"hostile.yaml: cmograph:1: the value cannot be read"),
    ("evaluation: {id: x, title: !!timestamp 2001-02-30}\n", "evaluation.title:1: the value cannot be read"),
    ("evaluation: {id: x, title: !!python/object/apply:os.system ls}\n",
     r"hostile.yaml: evaluation.title:1: the YAML tag '!!python/object/apply:os.system' is not one cmograph reads"),
    ("evaluation:\n  id: x\n  title: !custom x\n",
     r"hostile.yaml: evaluation.title:3: the YAML tag '!custom' is not one cmograph reads\n  hint: remove '!custom'"),
    ("evaluation: {id: x, title: !!binary \"\u00e9\"}\n", "hostile.yaml: evaluation.title:1: the value cannot be read"),
])
def test_hostile_yaml_is_refused_quickly_with_file_item_and_key(text: str, match: str, tmp_path: Path) -> None:
    path = yaml_file(tmp_path, text)
    started = time.monotonic()
    assert refused(path, match) == []
    assert time.monotonic() - started < 2


def test_a_python_tag_on_a_list_is_not_run_but_read_as_a_list(tmp_path: Path) -> None:
    path = yaml_file(tmp_path, "evaluation: {id: x, title: !!python/object/apply:os.system [ls]}\n")
    with GUARD.only(path) as violations:
        checked = check_file(path)
    assert violations == []
    assert any(d.where == "evaluation.title" and "found a list" in d.message for d in checked.report.diagnostics)


@pytest.mark.parametrize(("text", "match"), [
    ('{"evaluation": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ('{"cmograph": ' + "9" * 5000 + "}", "JSON value cannot be read"),
    ('{"evaluation": {"id": "x", "title": "\\ud800"}}',
     r"hostile.json:1:38: the text holds an unpaired surrogate escape \(\\ud800-\\udfff\), which is not a character\n"
     r"  hint: write the character itself, or its pair of surrogates"),
])
def test_hostile_json_is_refused(text: str, match: str, tmp_path: Path) -> None:
    assert refused(yaml_file(tmp_path, text, ".json"), match) == []


def test_a_long_text_value_names_its_item_and_key(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8").replace(
        "label: Minimal context", "label: " + "x" * (MAX_TEXT_CHARS + 1))
    assert refused(yaml_file(tmp_path, text), r"hostile.yaml: contexts\[1\].label:9: a value of 1,048,577") == []


def test_an_evidence_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(17 * 2**20)
    started = time.monotonic()
    assert refused(path, "17 MiB is larger than the 16 MiB") == []
    assert time.monotonic() - started < 1


# ---------------------------------------------------------------------------------------------- queries


def sample_store() -> ox.Store:
    return memory_store(check_file(VALID / "minimal.yaml").graphs)


TRICKS = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }}",
    "silent": "SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE SILENT <{url}/s> {{ ?s ?p ?o }} }} }}",
    "mixed case": "SELECT * WHERE {{ sErViCe <{url}/s> {{ ?s ?p ?o }} }}",
    "glued to a prefixed name": "PREFIX ex: <{url}/> SELECT * WHERE {{ ?x ?y ?z SERVICEex:s {{ ?s ?p ?o }} }}",
    "glued to a number": "SELECT * WHERE {{ ?x ?y 1SERVICE <{url}/s> {{ ?s ?p ?o }} }}",
    "after a '#' in an IRI": "SELECT * WHERE {{ ?x ?y <http://example.org/#> SERVICE <{url}/s> {{ ?s ?p ?o }} }}",
    "after a quote in an IRI": "SELECT * WHERE {{ ?x ?y <http://example.org/'> SERVICE <{url}/s> {{ ?s ?p ?o }} "
                               "FILTER(?x != 'a') }}",
    "after an escaped quote": 'SELECT * WHERE {{ ?x ?y """a\\"""" SERVICE <{url}/s> {{ ?s ?p ?o }} }}',
    "after an escaped '#'": "PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?x ?y ex:a\\# SERVICE <{url}/s> "
                            "{{ ?s ?p ?o }} }}",
    "unicode escape": "SELECT * WHERE {{ \\u0053ERVICE <{url}/s> {{ ?s ?p ?o }} }}",
    "long s": "SELECT * WHERE {{ \u017fervice <{url}/s> {{ ?s ?p ?o }} }}",
    "service variable": "SELECT * WHERE {{ VALUES ?u {{ <{url}/s> }} SERVICE ?u {{ ?s ?p ?o }} }}",
    "in EXISTS": "SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }} }}",
    "load": "LOAD <{url}/data.ttl>",
    "update": "INSERT DATA {{ <http://example.org/a> <http://example.org/b> <http://example.org/c> }}",
}


@pytest.mark.slow
@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_service_and_updates_are_refused_against_tricks(trick: str, listener: Listener) -> None:
    query = TRICKS[trick].format(url=listener.url)
    with pytest.raises(UsageError, match=r"SERVICE|LOAD|INSERT|not valid SPARQL"):
        run_query(sample_store(), query)
    assert listener.settle() == []


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p 'SERVICE' } # SERVICE <http://example.org/>",
    "SELECT * WHERE { ?s ?p <http://example.org/self-service> }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:self-service ?o }",
    'SELECT * WHERE { ?s ?p """a "quoted" SERVICE""" }',
    'SELECT * WHERE { ?s ?p "caf\\u00e9" }',
    "SELECT ?add ?load ?drop WHERE { ?add ?load ?drop }",
    'SELECT ("DELETE me" AS ?x) WHERE {}',
])
def test_reading_queries_that_only_mention_the_words_run(query: str) -> None:
    run_query(sample_store(), query)


def test_every_shipped_question_passes_the_check() -> None:
    for question in questions().values():  # users copy them into `cmograph query`
        check_read_only(question.sparql)


# Pieces of a query that smuggles SERVICE past a lexical check: a term that may hide what follows (an IRI holding
# '#' or a quote, escaped quotes and '#', a prefixed name with a dot), a separator (a comment ended by \r), a
# spelling of the keyword (escaped, folded, glued to what follows) and a service IRI, prefixed name or variable.
OBJECTS = ["?o", "1", "1.5e0", "true", "<http://example.org/#>", "<http://example.org/'>", "'a'", '"a"', '"""a\\""""',
           "'''a\\''''", '"a\\u0022"', "'a\\u0027'", "ex:a", "ex:a\\#", "ex:a\\'", "ex:a.b", "_:b", '"x"@en',
           '"1"^^ex:t', "(1 ?o)", "[]", "ex:a\\u0023", "<http://example.org/\\u0023>", '"#"', "'#'"]
SEPARATORS = ["", " ", "\n", " . ", ".", " #c\n", " #c\r", "\t", "#\n"]
KEYWORDS = [("SERVICE", ""), ("service", ""), ("sErViCe", ""), ("\\u0053ERVICE", ""), ("SERVIC\\u0045", ""),
            ("\u017fervice", ""), ("SERVICE SILENT", ""), ("OPTIONAL { SERVICE", "}"), ("MINUS{SERVICE", "}"),
            ("FILTER EXISTS { SERVICE", "}"), ("{ SERVICE", "} UNION {}")]
TARGETS = ["<{url}/s>", "ex:s", "?u", ":s"]
GROUPS = ["{ ?a ?b ?c }", "{?a?b?c}", "{}"]
TAILS = ["", " FILTER(?x != 'a')", ' FILTER(?x != "a")', " #", " .", " FILTER(1<2)"]


def smuggling_query(rng: random.Random, url: str) -> str:
    keyword, close = rng.choice(KEYWORDS)
    return (f"PREFIX ex: <{url}/> PREFIX : <{url}/> SELECT * WHERE {{ VALUES ?u {{ <{url}/s> }} ?x ?y "
            f"{rng.choice(OBJECTS)}{rng.choice(SEPARATORS)}{keyword}{rng.choice(['', ' ', chr(10)])}"
            f"{rng.choice(TARGETS).format(url=url)} {rng.choice(GROUPS)} {close}{rng.choice(TAILS)} }}")


@pytest.mark.slow
def test_no_query_that_passes_the_check_reaches_the_network(listener: Listener) -> None:
    """Differential test against pyoxigraph itself: every generated query it sends to a service is refused."""
    rng = random.Random(SEED)
    store = sample_store()
    connected = 0
    for _ in range(800):
        query = smuggling_query(rng, listener.url)
        try:
            check_read_only(query)
            passed = True
        except UsageError:
            passed = False
        listener.requests.clear()
        try:
            result = store.query(query)
            if isinstance(result, ox.QuerySolutions):
                list(result)
        except SyntaxError:
            continue
        except (OSError, RuntimeError):  # the listener closes without answering
            pass
        if listener.requests:  # recorded before the query returned: the listener answers after reading
            connected += 1
            assert not passed, f"the check let through a query that called a service: {query!r}"
    assert connected > 100, "the generator must produce queries that really call a service"


STORE = sample_store()


@pytest.mark.slow
def test_a_query_over_the_time_limit_is_given_up_with_a_clear_error() -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    with pytest.raises(UsageError, match=r"ran for more than 0.5 seconds"):
        run_query(sample_store(), heavy, timeout=0.5)
    assert time.monotonic() - started < 2


@pytest.mark.slow
def test_the_command_exits_promptly_after_giving_up_a_query() -> None:
    code = ("from cmograph.cli.common import guarded\nfrom cmograph.query.raw import run_query\n"
            "from cmograph.source import example_path, load_memory\n"
            "store = load_memory([example_path()])\n"
            "guarded(lambda: run_query(store, 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }', "
            "timeout=0.5))\n")
    started = time.monotonic()
    done = processes.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "ran for more than 0.5 seconds" in done.stderr, done.stderr
    assert time.monotonic() - started < 15


# ---------------------------------------------------------------------------------------------- one evaluation per IRI

MINIMAL = "https://w3id.org/cmograph/data/minimal"


def turtle_of(path: Path) -> str:
    """The evaluation of ``path`` as cmograph exports it (Turtle)."""
    graphs = check_file(path).graphs
    return (memory_store(graphs).dump(format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(str(graphs[0].graph)))
            or b"").decode()


@pytest.mark.slow
def test_an_rdf_evaluation_with_another_evaluations_iri_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.ttl"
    other.write_text(turtle_of(VALID / "minimal.yaml").replace('"minimal"', '"other"'), encoding="utf-8")
    together = check_files([VALID / "minimal.yaml", other])  # checked side by side: an error in the second
    assert [str(d) for d in together[1].report.diagnostics] == [
        f"[ERROR] other.ttl: evaluation: the evaluation 'other' has the IRI <{MINIMAL}>, which is the evaluation "
        "'minimal' of minimal.yaml (give each evaluation its own IRI)"]
    store = DiskStore(tmp_path / "store")
    load_into(store, [VALID / "minimal.yaml"])
    before = sorted(map(str, store.open()))
    root = tmp_path / "p"  # and in a project where minimal is loaded already: the new file is refused
    processes.run([sys.executable, "-m", "cmograph", "init", str(root)], check=True, capture_output=True)
    (root / "evaluations" / "my-evaluation.yaml").unlink()
    (root / "evaluations" / "minimal.yaml").write_bytes((VALID / "minimal.yaml").read_bytes())
    assert processes.run([sys.executable, "-m", "cmograph", "load"], cwd=root, capture_output=True).returncode == 0
    other.rename(root / "evaluations" / "other.ttl")
    done = processes.run([sys.executable, "-m", "cmograph", "load"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 2 and "the evaluation 'other' has the IRI" in done.stderr, done.stderr
    (root / "evaluations" / "other.ttl").unlink()  # as the issue found: deleting it must drop nothing of minimal's
    done = processes.run([sys.executable, "-m", "cmograph", "ask", "gaps", "-f", "csv"], cwd=root,
                         capture_output=True, text=True)
    assert done.returncode == 0 and "cmoc-1" in done.stdout
    assert sorted(map(str, load_into(store, [VALID / "minimal.yaml"]) and store.open())) == before


def test_an_rdf_file_cannot_describe_another_evaluations_elements(tmp_path: Path) -> None:
    evil = tmp_path / "evil.ttl"
    text = turtle_of(VALID / "minimal.yaml").replace(MINIMAL, "https://w3id.org/cmograph/data/evil")
    evil.write_text(text.replace('"minimal"', '"evil"') + f"""
<{MINIMAL}/outcome/o-minimal> <https://w3id.org/cmograph/ontology#inEvaluation> <https://w3id.org/cmograph/data/evil> ;
  <http://www.w3.org/2000/01/rdf-schema#label> "Minimal outcome (fabricated)" .
""", encoding="utf-8")
    checked = check_files([VALID / "minimal.yaml", evil])[1]
    assert not checked.graphs
    assert sorted(str(d) for d in checked.report.diagnostics) == [
        f"[ERROR] evil.ttl: the triple <{MINIMAL}/outcome/o-minimal> <http://www.w3.org/2000/01/rdf-schema#label> "
        f"\"Minimal outcome (fabricated)\" describes <{MINIMAL}/outcome/o-minimal>, which is not under the IRI of "
        "this file's evaluation (an evaluation's file may only describe the evaluation and IRIs under it, such as "
        "<https://w3id.org/cmograph/data/evil/context/c1>)",
        f"[ERROR] evil.ttl: the triple <{MINIMAL}/outcome/o-minimal> <https://w3id.org/cmograph/ontology#inEvaluation>"
        " <https://w3id.org/cmograph/data/evil> describes <"
        f"{MINIMAL}/outcome/o-minimal>, which is not under the IRI of this file's evaluation (an evaluation's file "
        "may only describe the evaluation and IRIs under it, such as <https://w3id.org/cmograph/data/evil/context/c1>)",
    ]


def test_an_element_under_one_evaluation_cannot_claim_another(tmp_path: Path) -> None:
    path = tmp_path / "two.ttl"
    one = turtle_of(VALID / "minimal.yaml")
    two = one.replace(MINIMAL, "https://w3id.org/cmograph/data/two").replace('"minimal"', '"two"')
    claim = (f"<{MINIMAL}/context/c-minimal> <https://w3id.org/cmograph/ontology#inEvaluation> "
             "<https://w3id.org/cmograph/data/two> .\n")
    path.write_text(one + two + claim, encoding="utf-8")
    messages = [d.message for d in check_file(path).report.diagnostics]
    assert any(f"describes <{MINIMAL}/context/c-minimal>, which says it is part of another evaluation" in m
               for m in messages), messages


# ---------------------------------------------------------------------------------------------- cmograph serve
# `cmograph serve` puts a front (src/cmograph/remote/serve_front.py, with the checks of serve_guard.py) before the
# real Oxigraph server, which runs as a child process. Issue #18, item 5. Helpers here are named serve_*.


@pytest.fixture
def serve_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``cmograph serve --writable`` over minimal.yaml, started in this process (Oxigraph is a child process);
    its copy of the data in ``tmp_path``."""
    import tempfile

    from cmograph.remote.serve import start

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    serving = start(sample_store(), 0, writable=True)
    try:
        yield serving
    finally:
        serving.stop()


def serve_request(port: int, method: str, target: str, body: bytes | None = None,
                  headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One HTTP request (``Host: 127.0.0.1:PORT`` unless ``headers`` name another); the status and the body."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, target, body, {"Host": f"127.0.0.1:{port}", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def serve_sparql(port: int, kind: str, text: str, way: int) -> int:
    """Send a query or update in one of the protocol's ways (URL, form, SPARQL body); the status."""
    from urllib.parse import quote, urlencode

    path = f"/{kind}"
    if way == 0 and kind == "query":
        return serve_request(port, "GET", f"{path}?{kind}={quote(text)}")[0]
    if way in (0, 1):
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return serve_request(port, "POST", path, urlencode({kind: text}).encode(), form)[0]
    return serve_request(port, "POST", path, text.encode(), {"Content-Type": f"application/sparql-{kind}"})[0]


SERVE_TRICKS = [("query", text) for name, text in TRICKS.items() if name not in ("load", "update")] + [
    ("update", "LOAD <{url}/data.ttl>"),
    ("update", "load silent <{url}/data.ttl> INTO GRAPH <urn:g>"),
    ("update", "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ;LOAD<{url}/data.ttl>"),
    ("update", "\\u004cOAD <{url}/data.ttl>"),
    ("update", "PREFIX ex: <{url}/> LOAD ex:data.ttl"),
    ("update", "PREFIX ex: <{url}/> INSERT DATA {{ <urn:a> <urn:b> <urn:c> }};\nLOADex:data.ttl"),
    ("update", "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }}"),
    ("update", "DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER EXISTS {{ \u017fervice <{url}/s> {{ ?s ?p ?o }} }} }}"),
]


@pytest.mark.slow
def test_serve_never_fetches_for_service_or_load(serve_writable: Any, listener: Listener) -> None:
    direct, front = serve_writable.server.port, serve_writable.front.port
    for kind, text in (("query", TRICKS["plain"]), ("update", TRICKS["load"])):  # Oxigraph alone fetches both
        serve_sparql(direct, kind, text.format(url=listener.url), 2)
        assert listener.settle(), f"Oxigraph itself runs {kind}s that fetch: the test could not fail otherwise"
        listener.requests.clear()
    for kind, text in SERVE_TRICKS:
        for way in range(3):
            assert serve_sparql(front, kind, text.format(url=listener.url), way) in (400, 403), (kind, text, way)
    assert listener.settle() == []
    service = "/query?query=SELECT%20*%20%7B%20SERVICE%20%3Curn%3Ax%3E%20%7B%7D%20%7D"
    status, answer = serve_request(front, "GET", service)
    assert status == 403 and answer == (b"this server does not run SPARQL that uses SERVICE: cmograph serve never "
                                        b"fetches data from other servers; query the data it holds\n")
    for query in ("SELECT ?service WHERE { ?service ?p 'SERVICE' } # SERVICE <http://example.org/>",
                  "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:self-service ?o }",
                  "SELECT ?load WHERE { ?load ?p 'LOAD <http://example.org/>' }"):
        assert serve_sparql(front, "query", query, 0) == 200, query  # mentioning the words is fine
    assert serve_sparql(front, "update", "INSERT DATA { <urn:a> <urn:b> 'LOAD SERVICE' }", 2) == 204


def serve_smuggling_update(rng: random.Random, url: str) -> str:
    """An update that may smuggle LOAD (or, in its WHERE clause, SERVICE) past a lexical check."""
    if rng.random() < 0.5:
        return smuggling_query(rng, url).replace("SELECT * WHERE", "INSERT { <urn:a> <urn:b> <urn:c> } WHERE", 1)
    keyword = rng.choice(["LOAD", "load", "LoAd", "\\u004cOAD", "LOA\\u0044", "LOAD SILENT", "LOADSILENT"])
    end = rng.choice([";", " ;", ";#c\n", " ;\n"])
    return (f"PREFIX ex: <{url}/> PREFIX : <{url}/> INSERT DATA {{ <urn:a> <urn:b> {rng.choice(OBJECTS)} }}"
            f"{end}{rng.choice(SEPARATORS)}{keyword}{rng.choice(['', ' ', chr(10)])}"
            f"{rng.choice(['<{url}/x>', 'ex:x', ':x']).format(url=url)}{rng.choice(['', ' INTO GRAPH <urn:g>'])}")


@pytest.mark.slow
def test_serve_refuses_every_generated_request_that_oxigraph_would_send_out(serve_writable: Any,
                                                                             listener: Listener) -> None:
    """Differential test against the Oxigraph server: whatever makes it fetch when asked directly, the front
    refuses, in every way of sending it."""
    import http.client
    from contextlib import suppress

    rng = random.Random(SEED)
    direct, front = serve_writable.server.port, serve_writable.front.port
    fetched = 0
    for i in range(300):
        kind = "query" if i % 2 else "update"
        text = smuggling_query(rng, listener.url) if kind == "query" else serve_smuggling_update(rng, listener.url)
        listener.requests.clear()
        with suppress(OSError, http.client.HTTPException):  # the listener closes without answering
            serve_sparql(direct, kind, text, 2)
        if not listener.requests:  # recorded before Oxigraph answered: the listener closes after reading
            continue
        fetched += 1
        listener.requests.clear()
        assert serve_sparql(front, kind, text, rng.randrange(3)) in (400, 403), text
        assert listener.settle() == [], text
    assert fetched > 100, "the generator must produce requests that really make Oxigraph fetch"


@pytest.mark.slow
def test_serve_answers_only_requests_for_its_own_host_from_its_own_pages(serve_writable: Any) -> None:
    port = serve_writable.front.port
    ask = "/query?query=ASK%7B%7D"
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        assert serve_request(port, "GET", ask, headers={"Host": host})[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}",
                 f"localhost.evil.example:{port}", f"127.0.0.1:{port}.evil.example", f"127.0.0.1:{port}@evil", ""):
        status, answer = serve_request(port, "GET", ask, headers={"Host": host})
        assert status == 403 and b"(the Host header)" in answer, host
    with socket.create_connection(("127.0.0.1", port)) as old:  # HTTP/1.0 without a Host header
        old.sendall(b"GET /query?query=ASK%7B%7D HTTP/1.0\r\n\r\n")
        assert old.recv(100).startswith(b"HTTP/1.1 403 Forbidden")
    update = b"update=INSERT%20DATA%20%7B%20%3Curn%3Aa%3E%20%3Curn%3Ab%3E%20%3Curn%3Ac%3E%20%7D"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{port}.evil.example", f"https://localhost:{port}"):
        status, answer = serve_request(port, "POST", "/update", update, {**form, "Origin": origin})
        assert status == 403 and b"web pages of other sites" in answer, origin
    written = "/query?query=ASK%7B%3Curn%3Aa%3E%20%3Curn%3Ab%3E%20%3Curn%3Ac%3E%7D"
    assert serve_request(port, "GET", written)[1] == b'{"head":{},"boolean":false}'  # no page wrote
    assert serve_request(port, "POST", "/update", update, {**form, "Origin": f"http://localhost:{port}"})[0] == 204
    assert serve_request(port, "GET", written)[1] == b'{"head":{},"boolean":true}'


@contextmanager
def serve_process(tmp_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """``cmograph serve ARGS --port 0`` as a process of its own (stopped by PID at the end, whatever happens);
    yields the process and its port."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = processes.start([sys.executable, "-m", "cmograph", "serve", "--port", "0", *args], cwd=tmp_path,
                               env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield process, int(url.split(":")[2].split("/")[0])
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_slow_clients_do_not_stop_serve_from_answering(tmp_path: Path) -> None:
    """300 connections that send their headers a line at a time (slow-loris: about 256 of them stopped the bare
    Oxigraph server answering anyone) do not keep a query from being answered."""
    from contextlib import suppress

    from cmograph.remote.serve_front import MAX_CONNECTIONS

    with serve_process(tmp_path, "--example") as (_, port):
        slow: list[socket.socket] = []
        try:
            for _ in range(300):
                connection = socket.create_connection(("127.0.0.1", port), timeout=10)
                connection.sendall(b"GET /query?query=ASK%%7B%%7D HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port)
                slow.append(connection)
            for _ in range(3):
                for connection in slow:
                    with suppress(OSError):  # closed by the server to make room
                        connection.sendall(b"X-Slow: 1\r\n")
                time.sleep(0.2)
            assert serve_request(port, "GET", "/query?query=ASK%7B%7D") == (200, b'{"head":{},"boolean":true}')
            closed = 0
            for connection in slow:
                connection.settimeout(0.01)
                try:
                    closed += connection.recv(1) == b""
                except TimeoutError:
                    pass
                except OSError:
                    closed += 1
            assert closed >= len(slow) - MAX_CONNECTIONS  # the longest waiting made room
        finally:
            for connection in slow:
                connection.close()


def serve_peak_kib(pid: int) -> int:
    """The most memory (resident) the process has used so far, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0])


@pytest.mark.slow
def test_serve_refuses_a_too_large_upload_with_413_and_bounded_memory(tmp_path: Path) -> None:
    from contextlib import suppress

    if not Path("/proc/self/status").exists():
        pytest.skip("reads memory use from /proc")
    with serve_process(tmp_path, "--data", str(VALID / "minimal.yaml"), "--writable", "--max-upload", "1") as (
            process, port):
        oxigraph = int(Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()[0])
        before = serve_peak_kib(process.pid), serve_peak_kib(oxigraph)
        head = b"PUT /store?graph=urn:big HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/turtle\r\n" % port
        with socket.create_connection(("127.0.0.1", port), timeout=30) as announced:  # as curl sends a large file
            announced.sendall(head + b"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n" % 2**30)
            assert announced.recv(4096).startswith(b"HTTP/1.1 413 ")
        with socket.create_connection(("127.0.0.1", port), timeout=30) as streamed:  # 256 MiB, in 1 MiB chunks
            sent = [0]

            def send() -> None:
                chunk = b"100000\r\n" + b"x" * 2**20 + b"\r\n"
                with suppress(OSError):  # the server closes the connection after refusing
                    streamed.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
                    while sent[0] < 256:
                        streamed.sendall(chunk)
                        sent[0] += 1

            sender = threading.Thread(target=send)
            sender.start()
            try:
                answer = streamed.recv(4096)
            finally:
                sender.join(60)
            assert answer.startswith(b"HTTP/1.1 413 ") and b"--max-upload" in answer, answer
        after = serve_peak_kib(process.pid), serve_peak_kib(oxigraph)
        assert after[0] - before[0] < 32 * 1024 and after[1] - before[1] < 32 * 1024, (before, after)
        small = b"<urn:s> <urn:p> '" + b"y" * 900_000 + b"' .\n"  # within the limit: taken
        assert serve_request(port, "PUT", "/store?graph=urn:small", small, {"Content-Type": "text/turtle"})[0] == 201


# ---------------------------------------------------------------------------------------------- bounds (issue #18)


@pytest.mark.slow
def test_a_long_literal_in_n_triples_or_n_quads_reads_as_fast_as_in_turtle(tmp_path: Path) -> None:
    # rdflib's line reader took quadratic time on a long line: a 5 MiB literal took 104 s, in Turtle 0.2 s
    literal = "x" * (5 * 2**20)
    seconds = {}
    for suffix, graph in ((".ttl", ""), (".nt", ""), (".nq", " <http://example.org/g>")):
        path = tmp_path / f"long{suffix}"
        path.write_text(f'<http://example.org/a> <http://example.org/p> "{literal}"{graph} .\n', encoding="utf-8")
        started = time.monotonic()
        with pytest.raises(InputError, match=r"a literal of 5,242,880 characters is longer than the 1,048,576"):
            check_file(path)
        seconds[suffix] = time.monotonic() - started
    turtle = max(seconds[".ttl"], 0.05)
    assert seconds[".nt"] < 20 * turtle and seconds[".nq"] < 20 * turtle, seconds


def test_n_triples_and_n_quads_read_as_rdflib_reads_them(tmp_path: Path) -> None:
    from rdflib import BNode, Dataset

    text = ('<http://example.org/a> <http://example.org/p> "one\\nline" <http://example.org/g> .\r\n'
            '_:b <http://example.org/p> "\\u00e9"@fr .\r<http://example.org/a> <http://example.org/q> _:b _:g .\n'
            '# a comment\n\n<http://example.org/a> <http://example.org/p> "last line, no newline" .')
    for suffix, fmt in ((".nq", "nquads"), (".nt", "nt")):
        path = tmp_path / f"lines{suffix}"
        written = text if fmt == "nquads" else text.replace(" <http://example.org/g>", "").replace(" _:g", "")
        path.write_text(written, encoding="utf-8")
        theirs = Dataset(default_union=False)
        theirs.parse(data=written.encode(), format=fmt, publicID=path.resolve().as_uri())

        def shape(dataset: Dataset) -> list[tuple[str, ...]]:
            return sorted(tuple("_" if isinstance(t, BNode) else str(t) for t in quad)
                          for quad in dataset.quads((None, None, None, None)))

        assert shape(parse_rdf(path)) == shape(theirs) and len(shape(theirs)) == 4
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/a> <http://example.org/p> "x" .\n<http://example.org/a> <b> .\n',
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.nt: not valid nt RDF: Invalid line"):
        check_file(bad)


def many_contexts(path: Path, n: int) -> None:
    """A made-up evaluation of ``n`` contexts, one per line."""
    with path.open("w", encoding="utf-8") as out:
        out.write("cmograph: 1\nevaluation: {id: many, title: Many}\ncontexts:\n")
        out.writelines(f"  - {{id: c{i}, label: C}}\n" for i in range(n))


READ_AND_MEASURE = """import resource, sys
from pathlib import Path
from cmograph.checks.pipeline import check_file
from cmograph.errors import InputError
try:
    check_file(Path(sys.argv[1]))
except InputError as error:
    print(error.message)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.mark.slow
def test_an_evidence_file_of_too_many_values_is_refused_within_time_and_memory(tmp_path: Path) -> None:
    # the file: 603k contexts in 16 MiB, under the size limit, took 187 s and 5.1 GB to check
    path = tmp_path / "many.yaml"
    many_contexts(path, 603_000)
    assert path.stat().st_size < MAX_EVIDENCE_BYTES
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", READ_AND_MEASURE, str(path)], capture_output=True, text=True,
                          check=True, timeout=120)
    seconds = time.monotonic() - started
    message, peak_mib = done.stdout.splitlines()
    assert message == (f"many.yaml:4001: the file holds more than the {MAX_VALUES:,} keys and values cmograph reads "
                       "in one file")
    assert seconds < 10 and int(peak_mib) < 512, (seconds, peak_mib)
    under = tmp_path / "under.yaml"  # just under the limit: read, not refused
    many_contexts(under, (MAX_VALUES - 20) // 5)
    assert not any("keys and values" in d.message for d in check_file(under).report.diagnostics)


@pytest.mark.slow
def test_a_json_file_of_too_many_values_is_refused(tmp_path: Path) -> None:
    # under 64 KiB, so counted as it is walked, not by the parser first (as the file above)
    path = yaml_file(tmp_path, '{"cmograph": 1, "x": [' + ", ".join(["1"] * MAX_VALUES) + "]}", ".json")
    assert refused(path, f"hostile.json:1: the file holds more than the {MAX_VALUES:,} keys and values") == []


def test_a_long_list_inside_an_item_is_refused(tmp_path: Path) -> None:
    ids = ", ".join(["c-minimal"] * (MAX_ITEMS + 1))
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8").replace("context: [c-minimal]", f"context: [{ids}]")
    assert refused(yaml_file(tmp_path, text), r"hostile.yaml: cmocs\[1\].context:18: a list of 1,001 items is longer "
                   r"than the 1,000 cmograph reads inside an item") == []


def test_a_query_with_more_rows_than_the_cap_is_stopped_with_a_clear_error() -> None:
    cross = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    with pytest.raises(UsageError) as error:
        run_query(STORE, cross, max_rows=1000)
    assert error.value.message == "the query gives more than 1,000 rows, so cmograph stopped it"
    assert error.value.hint == ("narrow it with more specific patterns, a FILTER or a LIMIT, or allow more rows with "
                                "--max-rows (0 for no cap)")
    with pytest.raises(UsageError, match="more than 1,000 rows"):
        run_query(STORE, "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }", max_rows=1000)
    assert len(run_query(STORE, cross + " LIMIT 1000", max_rows=1000).rows) == 1000  # the cap itself is allowed
    assert len(run_query(STORE, cross + " LIMIT 5000", max_rows=0).rows) == 5000  # 0: no cap


@pytest.mark.slow
def test_the_row_cap_of_the_query_command_is_an_option() -> None:
    def query(sparql: str, *options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cmograph", "query", "--example", "-f", "csv", *options],
                              input=sparql, capture_output=True, text=True, check=False, timeout=120)

    capped = query("SELECT * WHERE { ?a ?b ?c } LIMIT 7", "--max-rows", "6")
    assert capped.returncode == 2 and capped.stdout == ""
    assert capped.stderr.startswith("error: the query gives more than 6 rows, so cmograph stopped it\n")
    assert len(query("SELECT * WHERE { ?a ?b ?c } LIMIT 7", "--max-rows", "7").stdout.splitlines()) == 8
    refused_option = query("ASK {}", "--max-rows", "-1")
    assert refused_option.returncode == 2 and "--max-rows" in refused_option.stderr


@pytest.mark.slow
def test_a_huge_answer_under_a_memory_limit_ends_in_a_clear_error() -> None:
    # the issue: this ended in a MemoryError traceback or a Rust abort (exit 134)
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (768 * 2**20, 768 * 2**20))

    done = subprocess.run([sys.executable, "-m", "cmograph", "query", "--example", "-f", "csv"],
                          input="SELECT * { ?a ?b ?c . ?d ?e ?f }", preexec_fn=limit, capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: the query gives more than 100,000 rows, so cmograph stopped it\n")
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.slow
def test_a_query_past_its_time_limit_stops_taking_rows() -> None:
    before = set(threading.enumerate())
    huge = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # about 10^9 rows, given one at a time
    with pytest.raises(UsageError, match=r"ran for more than 0.5 seconds"):
        run_query(STORE, huge, timeout=0.5, max_rows=0)
    mine = [t for t in threading.enumerate() if t not in before and t.name == "cmograph-query"]
    for thread in mine:
        thread.join(5)
    assert not any(thread.is_alive() for thread in mine), "the query's thread must stop taking rows"


@pytest.mark.slow
def test_an_option_that_is_not_utf8_is_named() -> None:
    done = subprocess.run([sys.executable.encode(), b"-m", b"cmograph", b"ask", b"what-worked", b"--example",
                           b"--for", b"a\xffb"], capture_output=True, check=False, timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines()[:2] == [
        "error: --for: the text given is not valid UTF-8 (byte 0xFF at character 2)",
        "  hint: type it again, in a terminal that uses UTF-8"]
    query = subprocess.run([sys.executable, "-m", "cmograph", "query", "--example"], input=b"ASK { ?a ?b \"\xff\" }",
                           capture_output=True, check=False, timeout=120)
    assert query.returncode == 2 and query.stderr.decode().startswith("error: <stdin>: the query is not UTF-8 text")


def test_ids_that_only_look_the_same_are_warned_about(tmp_path: Path) -> None:
    # the issue: contexts 'c-minimal' (Latin c) and '\u0441-minimal' (Cyrillic es) passed without a warning
    cyrillic = "\u0441-minimal"
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8").replace(
        "contexts:\n", f"contexts:\n  - id: {cyrillic}\n    label: Another context\n")
    checked = check_file(yaml_file(tmp_path, text))
    assert checked.report.conforms and checked.graphs
    assert [(d.severity, str(d)) for d in checked.report.diagnostics] == [(Severity.WARNING, (
        f"[WARNING] hostile.yaml:10: contexts[c-minimal]: the id 'c-minimal' looks the same as '{cyrillic}' "
        f"(contexts[{cyrillic}], hostile.yaml:8) but is written with other characters (in '{cyrillic}', "
        "'\u0441' is U+0441 CYRILLIC SMALL LETTER ES) (write both with the same letters (plain ASCII is safest), or "
        "make them look different)"))]
    for other in ("c-m\u0456nimal", "c-m\u03b9nimal", "\uff43-minimal", "c-mini\u200bmal"):  # Cyrillic and Greek
        # i, a fullwidth c, a zero-width space
        assert len(check_file(yaml_file(tmp_path, text.replace(cyrillic, other))).report.diagnostics) == 1, other
    plain = text.replace(cyrillic, "c-minimal2")
    assert check_file(yaml_file(tmp_path, plain)).report.diagnostics == []


def test_a_concept_iri_is_only_http_https_or_urn(tmp_path: Path) -> None:
    # the issue: a concept took a javascript: IRI through a prefix, while a url refuses it
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8").replace(
        "contexts:\n", "prefixes:\n  js: 'javascript:alert'\n  web: https://example.org/c/\n  u: 'urn:example:'\n"
        "contexts:\n").replace("label: Minimal context", "label: Minimal context\n    concept: js:(1)")
    checked = check_file(yaml_file(tmp_path, text))
    assert [str(d) for d in checked.report.diagnostics] == [
        "[ERROR] hostile.yaml:8: prefixes.js: 'javascript:alert' is not an http, https or urn IRI (shared concepts "
        "are named by web IRIs, e.g. 'https://w3id.org/cmograph/concepts/', or URNs)"]
    for concept, conforms in (("web:x", True), ("u:x", True), ("https://example.org/y", True),
                              ("file:///etc/passwd", False), ("ftp://example.org/z", False)):
        fine = text.replace("  js: 'javascript:alert'\n", "").replace("concept: js:(1)", f"concept: {concept}")
        assert check_file(yaml_file(tmp_path, fine)).report.conforms is conforms, concept


# ====================================================================================================================
# REFI-QDA projects (.qdpx) and transcripts: `cmograph import` and the quote check. The hostile archives are in
# tests/data/qdpx/hostile/ (HOSTILE.json says what each is and what an importer should do; make_fixtures.py in the
# folder above makes them). Each is refused with a clear error, exit 2, nothing written, no file outside the
# archive opened and no connection made (the guard and the listener above watch).
# ====================================================================================================================

QDPX_HOSTILE = Path(__file__).parent / "data" / "qdpx" / "hostile"
QDPX_REFUSALS = {  # file -> what the error says
    "zipbomb_source.qdpx": "unpacks to 1,100,000,007 bytes, more than the 67,108,864 cmograph reads",
    "zipbomb_qde.qdpx": "the entry 'project.qde' unpacks to 1,100,000,018 bytes, more than the 67,108,864",
    "zip_slip_dotdot.qdpx": "the entry '../../cmograph_zip_slip_poc.txt' leads out of the archive (..)",
    "absolute_entry.qdpx": "the entry '/tmp/cmograph_absolute_entry_poc.txt' is an absolute path",
    "path_traversal_in_qde.qdpx": "has the path 'internal://../../../../etc/passwd', which leads out of the archive",
    "absolute_source_path.qdpx": "is kept outside the archive (absolute:///etc/passwd); cmograph reads no file a "
                                 "project names by itself",
    "xxe_file.qdpx": "project.qde has a DOCTYPE",
    "xxe_external_dtd.qdpx": "project.qde has a DOCTYPE",
    "billion_laughs.qdpx": "project.qde has a DOCTYPE",
    "not_a_zip.qdpx": "not_a_zip.qdpx: not a REFI-QDA project (.qdpx, a zip archive)",
    "truncated_zip.qdpx": "truncated_zip.qdpx: not a REFI-QDA project (.qdpx, a zip archive)",
    "no_project_qde.qdpx": "no project.qde in the archive",
    "duplicate_project_qde.qdpx": "two entries are named 'project.qde' (ignoring case)",
    "invalid_schema.qdpx": "invalid_schema.qdpx:project.qde:7: breaks the REFI-QDA schema: Element "
                           "'PlainTextSelection', attribute 'startPosition': 'ten' is not a valid value",
    "positions_out_of_range.qdpx": "positions_out_of_range.qdpx:t#char=40,5000: a passage of 't' is outside its "
                                   "text of 12 characters",
    "deep_code_nesting.qdpx": "Excessive depth in document: 256",
}


def import_guarded(archive: Path, out: Path, *options: str, allowed: tuple[Path, ...] = ()) -> tuple[Any, list[str]]:
    """`cmograph import ARCHIVE -o OUT` in this process under the guard (``archive`` and ``allowed`` may be opened);
    the result and the guard's record."""
    from click.testing import CliRunner

    from cmograph.cli import main

    with GUARD.only(archive, *allowed) as violations:
        result = CliRunner().invoke(main, ["import", str(archive), *options, "-o", str(out)], catch_exceptions=False)
    return result, violations


def test_the_hostile_qdpx_list_is_complete() -> None:
    import json

    listed = {entry["file"] for entry in json.loads((QDPX_HOSTILE / "HOSTILE.json").read_text(encoding="utf-8"))}
    assert listed == set(QDPX_REFUSALS) == {p.name for p in QDPX_HOSTILE.glob("*.qdpx")}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(QDPX_REFUSALS))
def test_every_hostile_qdpx_is_refused_with_nothing_written_read_or_fetched(name: str, tmp_path: Path,
                                                                          listener: Listener) -> None:
    out = tmp_path / "out.yaml"
    result, violations = import_guarded(QDPX_HOSTILE / name, out)
    assert result.exit_code == 2, result.output
    assert QDPX_REFUSALS[name] in result.output and "Traceback" not in result.output
    assert violations == [] and listener.settle() == []
    assert list(tmp_path.iterdir()) == []  # neither the file nor a transcript


def small_qdpx(path: Path, qde: bytes, *entries: tuple[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in entries:
            archive.writestr(name, data)
    return path


QDE_HEAD = '<Project xmlns="urn:QDA-XML:project:1.0" name="made up">'


@pytest.mark.slow
@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE Project SYSTEM "{url}/project.dtd">',
    '<!DOCTYPE Project [ <!ENTITY x SYSTEM "{secret}"> ]>',
    '<!DOCTYPE Project [ <!ENTITY % p SYSTEM "{url}/p.dtd"> %p; ]>',
    '<!-- a comment first --><!DOCTYPE Project [ <!ENTITY x SYSTEM "{url}/x"> ]>',
])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_qde_with_a_doctype_is_refused_before_any_access(doctype: str, encoding: str, tmp_path: Path,
                                                           secret: Path, listener: Listener) -> None:
    text = (f'<?xml version="1.0" encoding="{encoding.split("-sig")[0]}"?>\n'
            + doctype.format(url=listener.url, secret=secret.as_uri())
            + f"\n{QDE_HEAD}<Description>&x;</Description></Project>\n")
    archive = small_qdpx(tmp_path / "doctype.qdpx", text.encode(encoding))
    result, violations = import_guarded(archive, tmp_path / "out.yaml")
    assert result.exit_code == 2 and "project.qde has a DOCTYPE" in result.output, result.output
    assert violations == [] and listener.settle() == [] and not (tmp_path / "out.yaml").exists()


def test_a_qdpx_entry_that_unpacks_too_far_for_its_size_is_refused_as_a_bomb(tmp_path: Path) -> None:
    """An entry under the size limit whose unpacked size is over 200 times its packed size."""
    guid = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    qde = (f'{QDE_HEAD}<Sources><TextSource guid="{guid}" name="t" plainTextPath="internal://{guid}.txt">'
           f'<PlainTextSelection guid="{guid}" startPosition="0" endPosition="5"/></TextSource></Sources>'
           "</Project>").encode()
    archive = small_qdpx(tmp_path / "ratio.qdpx", qde, (f"sources/{guid}.txt", b"a" * 8 * 2**20))
    result, violations = import_guarded(archive, tmp_path / "out.yaml")
    assert result.exit_code == 2 and "times its packed size: a zip bomb" in result.output, result.output
    assert violations == []


@pytest.mark.parametrize("path", ["relative:///../secret.txt", "relative:///sub/../../secret.txt",
                                  "absolute:///{secret}", "absolute:///C:/Data/secret.txt"])
def test_a_qdpx_source_outside_the_archive_is_read_only_from_the_sources_folder(path: str, tmp_path: Path,
                                                                             secret: Path) -> None:
    """With --sources FOLDER, a relative path stays in FOLDER and an absolute one is looked up there by its name
    only: the file beside the folder (the secret) is never opened."""
    guid = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    folder = tmp_path / "sources"
    folder.mkdir()
    qde = (f'{QDE_HEAD}<Sources><TextSource guid="{guid}" name="t" '
           f'plainTextPath="{path.format(secret=secret.as_posix().lstrip("/"))}">'
           f'<PlainTextSelection guid="{guid}" startPosition="0" endPosition="5"/></TextSource></Sources>'
           "</Project>").encode()
    archive = small_qdpx(tmp_path / "external.qdpx", qde)
    result, violations = import_guarded(archive, tmp_path / "out.yaml", "--sources", str(folder), allowed=(folder,))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "leads out of --sources" in result.output or "cannot be read from" in result.output, result.output
    assert violations == [] and not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("written", ["../secret.txt", "{secret}", "link/secret.txt"])
def test_a_transcript_outside_the_project_is_never_opened(written: str, tmp_path: Path, secret: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    if written.startswith("link/"):
        (project / "link").symlink_to(tmp_path, target_is_directory=True)
    path = project / "study.yaml"
    path.write_text(f"""cmograph: 1
evaluation: {{id: s, title: Made up}}
sources: [{{id: s1, label: Source, transcript: '{written.format(secret=secret)}'}}]
contexts: [{{id: c1, label: C}}]
mechanisms: [{{id: m1, label: M}}]
outcomes: [{{id: o1, label: O}}]
cmocs: [{{id: CMOC1, context: c1, mechanism: m1, outcome: o1, evidence: [{{quote: do not read me, source: s1}}]}}]
""", encoding="utf-8")
    with GUARD.only(path) as violations:
        checked = check_file(path)
    assert not checked.report.conforms and violations == []
    (found,) = checked.report
    assert (found.where == "sources[s1].transcript" and "leads out of the project" in found.message) or \
        "is an absolute path" in found.message
