"""The explorer's HTTP paths (``cmograph.explore``) on a real server on 127.0.0.1: the same answers, downloads and
command lines as ``cmograph ask``; names matched as the command line matches them; bad requests refused; the
diagram's configurations; and the explorer written into a published site. The page itself, in a browser, is
tests/test_explore_browser.py."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from click.testing import CliRunner

from cmograph.cli import main
from cmograph.explore.app import Explorer
from cmograph.explore.catalogue import RESERVED
from cmograph.explore.local import LocalServer
from cmograph.explore.names import Names
from cmograph.explore.static import write
from cmograph.query.catalogue import get_question, questions
from cmograph.query.resolve import Resolver
from cmograph.query.types import natural_key
from cmograph.render.formats import render
from cmograph.source import Source, open_source

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"
STUDY = [VALID / "riverside-wards.yaml", VALID / "hillside-review.json"]
ASSETS = ROOT / "src" / "cmograph" / "explore" / "assets"
DRAWN = {"circumstances", "compare-sites", "contradictions", "demi-regularities", "for-whom", "in-context",
         "recurring", "what-worked", "why"}


def options_of(example: str) -> dict[str, str]:
    """The options of a question's example command line (``--outcome "Higher staff morale"``)."""
    words = shlex.split(example)
    found = {}
    for i, word in enumerate(words):
        if word.startswith("--") and word != "--example":
            found[word[2:]] = words[i + 1]
    return found


def cli(*args: str) -> tuple[bytes, str]:
    """``cmograph ARGS``: standard output as bytes, and standard error."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.stdout_bytes, result.stderr


def command_output(command: str, fmt: str) -> bytes:
    """What the command line the explorer shows prints with ``--format FMT`` (split as a shell splits it)."""
    words = shlex.split(command)
    assert words[:2] == ["cmograph", "ask"]
    return cli(*words[1:], "--format", fmt)[0]


class Client:
    """Requests to a server on 127.0.0.1, with the headers chosen."""

    def __init__(self, url: str) -> None:
        self.port = urlsplit(url).port

    def request(self, path: str, method: str = "GET", headers: dict[str, str] | None = None
                ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def json(self, path: str, **query: Any) -> tuple[int, Any]:
        status, _, body = self.request(path + ("?" + urlencode(query) if query else ""))
        return status, json.loads(body)


@pytest.fixture(scope="module")
def example() -> Source:
    return open_source(example=True, memory=True)


@pytest.fixture(scope="module")
def study() -> Source:
    return open_source(STUDY)


@pytest.fixture(scope="module")
def served(example: Source) -> Iterator[Client]:
    server = LocalServer(Explorer(example, data_args=["--example"])).start()
    yield Client(server.url)
    server.stop()


def test_the_catalogue_lists_every_question_its_options_and_columns(served: Client) -> None:
    status, found = served.json("/api/questions")
    assert status == 200
    assert found["data"] == "the bundled example" and found["like"] is True
    assert [q["id"] for q in found["questions"]] == list(questions())
    for entry in found["questions"]:
        question = get_question(entry["id"])
        assert entry["title"] == question.title and entry["description"] == question.description
        assert [(c["name"], c["explanation"]) for c in entry["columns"]] == list(question.columns.items())
        assert [(o["name"], o["type"], o["required"]) for o in entry["options"]] == [
            (p.name, p.type, p.required) for p in question.parameters]
    assert {q["id"] for q in found["questions"] if q["diagram"]} == DRAWN


def test_no_option_is_called_as_a_name_the_explorer_keeps_for_itself() -> None:
    """Nor ``query`` or ``update``, which ``cmograph serve``'s front reads as SPARQL in any request's URL."""
    kept = {*RESERVED, "query", "update"}
    assert [p.name for q in questions().values() for p in q.parameters if p.name in kept] == []


@pytest.mark.slow
@pytest.mark.parametrize("qid", list(questions()))
def test_every_question_answers_as_the_command_line(served: Client, qid: str) -> None:
    question = get_question(qid)
    options = options_of(question.example)
    status, found = served.json("/api/ask", question=qid, **options)
    assert status == 200, found
    expected = command_output(question.example, "json")
    assert found["rows"] == json.loads(expected)
    assert found["count"] == len(found["rows"])
    assert shlex.split(found["command"])[:4] == ["cmograph", "ask", qid, "--example"]
    assert command_output(found["command"], "json") == expected  # the command shown gives the same answer
    for fmt in ("csv", "markdown", "json"):
        status, headers, body = served.request("/api/download?" + urlencode({"question": qid, **options,
                                                                             "format": fmt}))
        assert status == 200
        assert body == command_output(found["command"], fmt)
        suffix = {"markdown": "md"}.get(fmt, fmt)
        assert headers["content-disposition"] == f'attachment; filename="{qid}.{suffix}"'
    assert (found["diagram"] is not None) == (qid in DRAWN)


def test_an_empty_answer_says_why(served: Client) -> None:
    status, found = served.json("/api/ask", question="when")  # the example places nothing in a period
    assert status == 200
    assert found["rows"] == [] and found["count"] == 0
    assert found["empty"] == get_question("when").empty
    _, _, body = served.request("/api/download?question=when&format=csv")
    assert body == cli("ask", "when", "--example", "--format", "csv")[0]
    assert body == b"period,phase,start,end,cmoc,triggered,statement,evaluation\n"


def test_like_takes_every_name_that_holds_the_text(served: Client, example: Source) -> None:
    status, found = served.json("/api/ask", question="for-whom", mechanism="APPROACH", like="1")
    assert status == 200
    assert shlex.split(found["command"])[-3:] == ["--mechanism", "APPROACH", "--like"]
    assert found["rows"] == json.loads(command_output(found["command"], "json")) != []
    status, refused = served.json("/api/ask", question="for-whom", mechanism="APPROACH")
    assert status == 400 and refused["error"] == "no mechanism is called 'APPROACH'"


def test_names_are_matched_as_the_command_line_matches_them(served: Client, example: Source) -> None:
    status, found = served.json("/api/names", kind="outcome", q="higher staff MORALE", like="0")
    assert status == 200 and found["error"] is None
    assert found["names"][0] == {"value": "Higher staff morale", "label": "Higher staff morale",
                                 "id": "o-staff-morale", "evaluation": "clinical-microsystems-nhs", "group": None,
                                 "count": 1, "taken": True}
    _, found = served.json("/api/names", kind="outcome", q="morale", like="0")
    _, stderr = cli("ask", "why", "--example", "--outcome", "morale")
    assert f"error: {found['error']}\n  hint: {found['hint']}" in stderr  # the command line's own words
    assert not any(n["taken"] for n in found["names"]) and "Higher staff morale" in {n["label"] for n in found["names"]}
    _, liked = served.json("/api/names", kind="mechanism", q="approach", like="1")
    taken = {n["value"] for n in liked["names"] if n["taken"]}
    iris = Resolver(example.engine, like=True).resolve("mechanism", "approach")
    assert len(taken) == len(iris) == 2
    assert [n["group"] for n in liked["names"] if not n["taken"]] == ["concept"]  # its CURIE holds the text
    _, everything = served.json("/api/names", kind="cmoc", q="")
    ids = sorted((c.id for c in Resolver(example.engine).candidates("cmoc")), key=natural_key)
    assert everything["total"] == len(ids) > 8 and everything["error"] is None
    assert [n["value"] for n in everything["names"]] == ids  # configurations have no labels: their ids


@pytest.mark.slow
@pytest.mark.parametrize("twice", [False, True], ids=["two evaluations", "one of them twice"])
def test_every_name_offered_stands_for_its_elements_alone(study: Source, twice: bool, tmp_path: Path) -> None:
    """Each element is offered under a name the command line takes for it alone: its label where no other element
    of its kind is called so, else its id, else EVALUATION/ID (an evaluation loaded twice under two ids shares
    every label and id with the other)."""
    if twice:
        copy = tmp_path / "riverside-copy.yaml"
        text = (VALID / "riverside-wards.yaml").read_text(encoding="utf-8")
        copy.write_text(text.replace("  id: riverside-wards\n", "  id: riverside-copy\n", 1), encoding="utf-8")
        study = open_source([*STUDY, copy])
    names = Names(study.engine)
    resolver = Resolver(study.engine)
    for kind in ("context", "mechanism", "outcome", "group", "site", "cmoc", "evaluation", "period"):
        listed = names.of(kind)
        assert len({n.value for n in listed}) == len(listed), kind
        assert {i for n in listed if n.group is None for i in n.iris} == {c.iri for c in resolver.candidates(kind)}
        for name in listed:
            assert set(resolver.resolve(kind, name.value)) == name.iris, (kind, name.value)
    concepts = {n.value: len(n.iris) for n in names.of("mechanism") if n.group == "concept"}
    assert concepts["cmoc:daily-huddle"] == 2 + twice  # a mechanism in each evaluation
    evaluations = {"hillside-review", "riverside-wards", *(["riverside-copy"] if twice else [])}
    assert {n.value for n in names.of("evaluation")} == evaluations  # ids, not titles
    huddles = sorted(n.value for n in names.of("mechanism") if n.id == "m-huddle")
    assert huddles == (["riverside-copy/m-huddle", "riverside-wards/m-huddle"] if twice else
                       ["Daily improvement huddle"])


@pytest.mark.parametrize(("path", "status", "error"), [
    ("/api/ask?question=wy", 400, {"error": "there is no question 'wy'", "hint": "did you mean 'why'?"}),
    ("/api/ask?question=why", 400, {"error": "'why' needs --outcome",
                                    "hint": "the outcome to explain (by id, label, IRI, or a shared concept CURIE to "
                                            "take it across evaluations), e.g. --outcome 'Higher staff morale'"}),
    ("/api/ask?question=why&outcom=x", 400, {"error": "'why' has no option 'outcom'",
                                             "hint": "did you mean 'outcome'?"}),
    ("/api/ask?question=why&outcome=a&outcome=b", 400, {"error": "'outcome' is given twice", "hint": "give it once"}),
    ("/api/ask?question=demi-regularities&min-sites=0", 400, {"error": "--min-sites must be at least 1, not 0",
                                                             "hint": None}),
    ("/api/ask?question=demi-regularities&min_sites=2&min-sites=2", 400, {
        "error": "the option 'min-sites' is given twice (as 'min-sites' too)", "hint": "give it once"}),
    ("/api/ask?question=what-worked&like=maybe", 400, {"error": "'like' is 0 or 1, not 'maybe'", "hint": None}),
    ("/api/ask?question=why&outcome=%FF", 400, {
        "error": "the query string is not readable: it must be UTF-8 name=value pairs, at most 64 of them",
        "hint": None}),
    ("/api/download?question=gaps&format=table", 400, {"error": "the format 'table' is for a terminal, not a file",
                                                       "hint": "use one of csv, tsv, json, markdown"}),
    ("/api/download?question=gaps&format=xlsx", 400, {
        "error": "there is no output format 'xlsx'", "hint": "use one of table, csv, tsv, json, markdown, md"}),
    ("/api/names?kind=person&q=x", 400, {
        "error": "there is no kind of element 'person'",
        "hint": "use one of context, mechanism, outcome, group, site, cmoc, evaluation, period"}),
])
def test_a_bad_request_gets_the_command_lines_message(served: Client, path: str, status: int,
                                                      error: dict[str, str]) -> None:
    got, headers, body = served.request(path)
    assert (got, json.loads(body)) == (status, error)
    assert headers["content-type"] == "application/json; charset=utf-8"


def test_user_text_is_bound_never_pasted_into_a_query(served: Client) -> None:
    hostile = '" } UNION { ?s ?p ?o } #'
    status, found = served.json("/api/ask", question="why", outcome=hostile)
    assert status == 400 and found["error"] == f"no outcome is called '{hostile}'"
    status, found = served.json("/api/ask", question="why", outcome="<https://w3id.org/cmograph/data/x> } #")
    assert status == 400 and "rows" not in found


def test_only_get_and_only_its_own_paths(served: Client) -> None:
    assert served.request("/nothing")[0] == 404
    assert served.request("/api/questions/")[0] == 404
    status, headers, _ = served.request("/api/ask?question=gaps", method="POST")
    assert (status, headers["allow"]) == (405, "GET, HEAD")
    status, headers, body = served.request("/api/questions", method="HEAD")
    assert (status, body) == (200, b"")
    status, _, body = served.request("/api/ask?question=gaps", headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403 and b"other sites" in body
    assert served.request("/api/ask?question=gaps", headers={"Sec-Fetch-Site": "same-origin"})[0] == 200


def test_the_server_listens_on_127_0_0_1_and_answers_only_requests_for_it(served: Client) -> None:
    assert served.request("/", headers={"Host": f"attacker.example:{served.port}"})[0] == 403  # DNS rebinding
    assert served.request("/", headers={"Host": f"localhost:{served.port}"})[0] == 200
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    for address in sorted(a for a in addresses if not a.startswith("127.")):  # none on a machine with no network
        with pytest.raises(OSError):
            socket.create_connection((address, served.port), timeout=5).close()


def test_the_page_loads_its_own_files_only_and_never_parses_data_as_html(served: Client) -> None:
    status, headers, body = served.request("/")
    assert status == 200
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    page = body.decode()
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/explorer/explorer.js" defer>']
    assert re.search(r"\son\w+=|\sstyle=", page) is None  # no inline handler or style: the policy allows none
    for name in ("explorer.js", "explorer.css"):
        status, headers, body = served.request(f"/explorer/{name}")
        assert status == 200 and body == (ASSETS / name).read_bytes()
    script = (ASSETS / "explorer.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "DOMParser", "createContextualFragment", "srcdoc"):
        assert sink not in script, sink
    assert re.findall(r"https?://[^\s\"'`]+", script) == ["http://www.w3.org/2000/svg"]  # fetches nothing elsewhere


@pytest.mark.slow
def test_the_command_line_shown_is_quoted_for_a_shell(tmp_path: Path) -> None:
    """A name with quotes, a dollar and a command substitution is one word to the shell: run as printed, it
    answers (and runs nothing)."""
    data = hostile_file(tmp_path)
    source = open_source([data])
    explorer = Explorer(source, data_args=["--data", str(data)])
    status, _, body = explorer.handle("GET", "/api/ask", urlencode({"question": "why", "outcome": OUTCOME}), [])
    found = json.loads(body)
    assert status == 200 and len(found["rows"]) == 1
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(["bash", "-c", found["command"] + " --format json"], capture_output=True, cwd=tmp_path,
                          env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == found["rows"]
    assert not (tmp_path / "pwned").exists()


OUTCOME = """Morale "rose" $(touch pwned) `touch pwned` 'it's' <script>window.__xss=1</script>"""
CONTEXT = """<img src=x onerror="window.__xss=1"> & 'quoted'"""
MECHANISM = """"><svg onload=window.__xss=1><script>window.__xss=1</script>"""


def hostile_file(folder: Path) -> Path:
    """An evaluation whose labels are HTML, script and shell syntax."""
    path = folder / "hostile.yaml"
    path.write_text(f"""cmograph: 1
evaluation:
  id: hostile
  title: {json.dumps('<script>window.__xss=1</script> title')}
  design: realist-evaluation
sites:
  - id: s1
    label: {json.dumps('<b onmouseover=window.__xss=1>Site</b>')}
groups:
  - id: g1
    label: {json.dumps('<iframe srcdoc="<script>parent.__xss=1</script>">')}
contexts:
  - id: c1
    label: {json.dumps(CONTEXT)}
mechanisms:
  - id: m1
    label: {json.dumps(MECHANISM)}
outcomes:
  - id: o1
    label: {json.dumps(OUTCOME)}
    direction: positive
cmocs:
  - id: "CMO'1\\"<i>"
    context: [c1]
    mechanism: [m1]
    outcome: [o1]
    for_whom: [g1]
    sites: [s1]
    evidence:
      - quote: {json.dumps('<script>window.__xss=1</script>')}
        method: interview
""", encoding="utf-8")
    return path


def test_the_diagram_draws_the_configurations_and_their_chains(study: Source) -> None:
    explorer = Explorer(study)

    def ask(**query: str) -> dict[str, Any]:
        status, _, body = explorer.handle("GET", "/api/ask", urlencode(query), [])
        assert status == 200, body
        return json.loads(body)

    found = ask(question="what-worked")
    drawing = found["diagram"]
    named = {(row["evaluation"], cmoc) for row in found["rows"] for cmoc in row["cmoc"]}
    assert {(c["evaluation"], c["id"]) for c in drawing["configurations"] if c["in_answer"]} == named
    chained = {t["id"] for c in drawing["configurations"] for t in c["leads_to"]}
    assert chained and chained <= {c["id"] for c in drawing["configurations"]}  # CMO5, which CMO4 leads to
    elements = drawing["elements"]
    for c in drawing["configurations"]:
        assert {elements[i]["kind"] for i in c["contexts"]} == {"context"}
        assert {elements[i]["kind"] for i in c["outcomes"]} == {"outcome"}
    found = ask(question="contradictions")
    sides = {(r["evaluation"], r["cmoc"]) for r in found["rows"]} | {
        (r["negative_evaluation"], r["negative_cmoc"]) for r in found["rows"]}
    assert {(c["evaluation"], c["id"]) for c in found["diagram"]["configurations"]} == sides
    assert ask(question="gaps")["diagram"] is None


def test_a_configuration_is_drawn_for_a_pattern_only_if_it_shows_it(tmp_path: Path) -> None:
    """``demi-regularities`` lists the ids of a pattern's configurations and their evaluations apart: an id that
    is also another evaluation's configuration, one that does not show the pattern, is not drawn."""
    hillside = tmp_path / "hillside-review.json"
    hillside.write_text((VALID / "hillside-review.json").read_text(encoding="utf-8").replace("CMOC-B", "CMO2"),
                        encoding="utf-8")
    explorer = Explorer(open_source([VALID / "riverside-wards.yaml", hillside]))
    _, _, body = explorer.handle("GET", "/api/ask", "question=demi-regularities&by=concept", [])
    found = json.loads(body)
    row = found["rows"][0]
    assert row["cmoc"] == ["CMO1", "CMO2", "CMOC-A"] and row["evaluation"] == ["hillside-review", "riverside-wards"]
    drawn = {(c["evaluation"], c["id"]) for c in found["diagram"]["configurations"]}
    assert {("riverside-wards", "CMO1"), ("riverside-wards", "CMO2"), ("hillside-review", "CMOC-A")} <= drawn
    assert ("hillside-review", "CMO2") not in drawn  # blame and dashboards: not this pattern


@pytest.mark.slow
def test_the_published_explorer_has_every_answer_the_page_can_ask_for(tmp_path: Path, example: Source) -> None:
    written = write(tmp_path, example, data_args=["--example"])
    folder = tmp_path / "explorer"
    assert written.skipped == []
    assert written.files == sum(1 for p in folder.rglob("*") if p.is_file())
    assert written.size == sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'data-mode="static"' in page and 'data-data="data/"' in page
    catalogue = json.loads((folder / "data" / "questions.json").read_bytes())
    assert [q["id"] for q in catalogue["questions"]] == list(questions()) and catalogue["like"] is False
    demi = next(q for q in catalogue["questions"] if q["id"] == "demi-regularities")
    numbers = next(o for o in demi["options"] if o["name"] == "min-sites")["values"]
    assert numbers[0] == 1 and numbers == list(range(1, len(numbers) + 1))
    answers = 0
    for entry in catalogue["questions"]:
        question = get_question(entry["id"])
        keys = {p.name[:-5] for p in (folder / "data" / "answers" / question.id).glob("*.json")
                if not p.name.endswith(".rows.json")}
        elements = [p for p in question.parameters if p.is_element]
        required = [p for p in elements if p.required]
        listed = sum(len(json.loads((folder / "data" / "names" / f"{p.type}.json").read_bytes()))
                     for p in required or elements)
        scalars = 1
        for p in question.parameters:
            if not p.is_element:
                values = next(o for o in entry["options"] if o["name"] == p.name).get("values", [])
                scalars *= len(p.choices) if p.type == "choice" else len(values)
        assert len(keys) == scalars * (listed + (not required)), question.id
        answers += len(keys)
        for key in sorted(keys):
            document = json.loads((folder / "data" / "answers" / question.id / f"{key}.json").read_bytes())
            options = options_of(document["command"])
            answer = example.ask(question.id, options)
            base = folder / "data" / "answers" / question.id / key
            assert Path(f"{base}.rows.json").read_bytes() == render(answer.columns, answer.rows, "json").encode()
            assert Path(f"{base}.csv").read_bytes() == render(answer.columns, answer.rows, "csv").encode()
            markdown = render(answer.columns, answer.rows, "markdown") if answer.rows else question.empty + "\n"
            if answer.note:  # what it left out by design, as a paragraph of its own (as `ask --format markdown`)
                markdown += f"\n{answer.note}\n"
            assert Path(f"{base}.md").read_bytes() == markdown.encode()
            assert document["note"] == answer.note
            assert document["count"] == len(answer.rows) and "rows" not in document
    assert answers == written.answers
    assert command_output(json.loads((folder / "data" / "answers" / "why" / "outcome.3.json").read_bytes())[
        "command"], "csv") == (folder / "data" / "answers" / "why" / "outcome.3.csv").read_bytes()


def test_the_published_explorer_is_written_once_into_a_site(tmp_path: Path, example: Source) -> None:
    from cmograph.errors import UsageError

    (tmp_path / "explorer").mkdir()
    with pytest.raises(UsageError, match="is there already"):
        write(tmp_path, example)


@pytest.mark.slow
def test_a_project_concept_is_offered_and_drawn_under_its_label(study_project: Path) -> None:
    """A concept of the project's scheme (concepts.yaml) is suggested under its label, and a pattern shown by that
    label (``demi-regularities --by concept``) draws the configurations that show it."""
    (study_project / "concepts.yaml").write_text("""scheme:
  label: Huddles
concepts:
  - id: huddles
    label: Daily huddles of the ward team
    members: [riverside-wards/m-huddle, hillside-review/h-m-huddle]
""", encoding="utf-8")
    source = open_source(cwd=study_project)
    names = {n.label: n for n in Names(source.engine).of("mechanism") if n.group == "concept"}
    huddles = names["Daily huddles of the ward team"]
    assert len(huddles.iris) == 2
    assert set(Resolver(source.engine).resolve("mechanism", huddles.value)) == huddles.iris
    _, _, body = Explorer(source).handle("GET", "/api/ask", "question=demi-regularities&by=concept", [])
    found = json.loads(body)
    rows = [r for r in found["rows"] if r["mechanism"] == "Daily huddles of the ward team"]
    assert rows
    drawn = {c["id"] for c in found["diagram"]["configurations"]}
    assert {c for r in rows for c in r["cmoc"]} <= drawn  # found by the concept's label the rows show


@pytest.fixture
def study_project(tmp_path: Path) -> Path:
    """A project of the two evaluations."""
    from cmograph.store.project import init_project

    root = tmp_path / "project"
    init_project(root)
    (root / "evaluations" / "my-evaluation.yaml").unlink()
    for path in STUDY:
        (root / "evaluations" / path.name).write_bytes(path.read_bytes())
    return root
