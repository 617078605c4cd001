"""The documentation cannot fall behind the code.

- The worked file in ``docs/evidence-format.md`` (the ```yaml block whose first line is ``# worked-example``)
  validates with no diagnostics at all (beside the files the guide shows after ``<!-- file: NAME -->``: the
  transcript its quotes are checked against), and uses every key of every section of
  :mod:`cmograph.format.model`.
- Every value of every closed list appears in the format guide.
- Every top-level command has a page ``docs/commands/<command>.md`` that names each of its options.
- Every canned question has a page ``docs/questions/<id>.md``.
- Every ```console block of ``docs/commands/*.md``, ``docs/questions/*.md`` and ``docs/publish.md`` prints what it
  shows:

  - A block is a series of ``$ command`` lines, each followed by the output shown for it (standard output and
    standard error together). A block whose one command asks for ``-f markdown`` and shows no output is followed
    by its output, rendered: the paragraph right after the block, and the one after that too when it is the
    answer's note of what it left out by design (it starts with ``Left out by design:``).
  - The blocks of a page run in order, as one would type them in one terminal: in a scratch folder where
    ``tests`` is the repository's test folder (so commands written to run from the repository root find their
    files, and what they write stays in the scratch folder), each block starting in the folder where the one
    before it ended (``cd my-study`` holds for the blocks after it).
  - ``COLUMNS`` is 80, unless the text before the block says "on a terminal N columns wide".
  - HTML comments on the line right before a block (or another fenced block) say what the reader is told in
    words: ``<!-- setup: COMMANDS -->`` runs COMMANDS first, unshown (to make the project the text describes);
    ``<!-- file: NAME -->`` before a fenced block writes its text to NAME in the scratch folder before the page's
    blocks run; ``<!-- not run: REASON -->`` leaves a block out. Only blocks that need a SPARQL server are left
    out.
  - Blocks of plain ``cmograph`` commands (nothing for a shell to do) run in this process, with click's test
    runner, many times faster than starting one process per command; the others run in ``bash``.
"""

from __future__ import annotations

import gc
import os
import re
import shlex
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import processes
import pytest
import yaml

from cmograph.checks.pipeline import check_file
from cmograph.cli import main
from cmograph.format.model import ALL_SECTIONS, ENUMERATIONS, EVALUATION, LISTS, TOP_LEVEL_KEYS, Section
from cmograph.query.catalogue import questions

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDE = DOCS / "evidence-format.md"
MARK = "# worked-example"
TOP = "(top level)"
FENCE = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def yaml_blocks(text: str) -> list[str]:
    """The contents of every ```yaml fenced block of a Markdown text."""
    return [m.group(1) for m in FENCE.finditer(text)]


def worked_examples() -> list[str]:
    return [b for b in yaml_blocks(GUIDE.read_text(encoding="utf-8")) if b.splitlines()[:1] == [MARK]]


def guide_files() -> dict[str, str]:
    """The files the guide shows beside the worked file (a fenced block right after ``<!-- file: NAME -->``)."""
    found = re.finditer(r"^<!-- file: (\S+) -->\n```\w*\n(.*?)^```", GUIDE.read_text(encoding="utf-8"),
                        re.MULTILINE | re.DOTALL)
    return {m.group(1): m.group(2) for m in found}


def keys_used(data: dict[str, Any]) -> dict[str, set[str]]:
    """Per section name, the keys the file writes in any item of that section (nested sections included)."""
    used: dict[str, set[str]] = defaultdict(set)
    used[TOP] = set(data)

    def visit(section: Section, value: Any) -> None:
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, dict):
                continue
            used[section.name] |= set(item)
            for key in section.keys:
                if key.section is not None and key.name in item:
                    visit(key.section, item[key.name])

    visit(EVALUATION, data.get("evaluation"))
    for section in LISTS:
        visit(section, data.get(section.name) or [])
    return used


def test_the_guide_has_exactly_one_worked_example() -> None:
    assert len(worked_examples()) == 1, f"expected one ```yaml block starting with {MARK!r} in {GUIDE}"


@pytest.mark.parametrize("index", range(len(worked_examples())))
def test_worked_example_validates_without_any_diagnostic(index: int, tmp_path: Path) -> None:
    path = tmp_path / "worked-example.yaml"
    path.write_text(worked_examples()[index], encoding="utf-8")
    for name, text in guide_files().items():  # the transcripts its quotes are checked against
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    checked = check_file(path)
    assert checked.report.conforms, "\n".join(str(d) for d in checked.report)
    assert not checked.report.diagnostics, "\n".join(str(d) for d in checked.report)
    assert checked.graphs, "the worked example produced no graph"


def test_worked_example_uses_every_key_of_the_model() -> None:
    (text,) = worked_examples()
    used = keys_used(yaml.safe_load(text))
    top = {k for k in TOP_LEVEL_KEYS if not k.startswith("$")}
    expected = {TOP: top} | {s.name: {k.name for k in s.keys} for s in ALL_SECTIONS}
    missing = {name: sorted(keys - used.get(name, set())) for name, keys in expected.items()}
    missing = {name: keys for name, keys in missing.items() if keys}
    assert not missing, f"the worked example in {GUIDE.name} does not use these keys: {missing}"


def test_every_key_and_value_of_the_model_is_in_the_guide() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    keys = {k for k in TOP_LEVEL_KEYS if not k.startswith("$")} | {k.name for s in ALL_SECTIONS for k in s.keys}
    named = set(re.findall(r"`(?:\w+\.)*(\w+)`", text))  # `key` or `section.key`
    assert not sorted(keys - named), "keys the guide never names"
    values = {v for e in ENUMERATIONS for v in e.values}
    assert not sorted(v for v in values if f"`{v}`" not in text), "allowed values the guide never names"


def top_level_commands() -> dict[str, click.Command]:
    ctx = click.Context(main)
    return {name: command for name in main.list_commands(ctx) if (command := main.get_command(ctx, name))}


@pytest.mark.parametrize("name", sorted(top_level_commands()))
def test_every_command_has_a_page_naming_its_options(name: str) -> None:
    page = DOCS / "commands" / f"{name}.md"
    assert page.is_file(), f"missing {page.relative_to(DOCS.parent)}"
    text = page.read_text(encoding="utf-8")
    command = top_level_commands()[name]
    options = [o for p in command.params if isinstance(p, click.Option) for o in p.opts if o.startswith("--")]
    absent = [o for o in options if o not in text]
    assert not absent, f"{page.name} does not mention {absent}"


def test_the_commands_index_lists_every_command() -> None:
    text = (DOCS / "commands" / "index.md").read_text(encoding="utf-8")
    assert [name for name in top_level_commands() if f"[`{name}`]({name}.md)" not in text] == []


@pytest.mark.parametrize("qid", sorted(questions()))
def test_every_question_has_a_page(qid: str) -> None:
    page = DOCS / "questions" / f"{qid}.md"
    assert page.is_file(), f"missing {page.relative_to(DOCS.parent)}"


# --- The example outputs of the command and question pages --------------------------------------------------------

PAGES = sorted((DOCS / "commands").glob("*.md")) + sorted((DOCS / "questions").glob("*.md")) + [DOCS / "publish.md"]
FENCED = re.compile(r"^```(\w*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"^<!-- (not run|setup|file): (\S.*?) -->$")
WIDTH = re.compile(r"on a terminal (\d+) columns wide")
MARKDOWN = re.compile(r"(?:-f|--format)[ =]markdown\b")
SHELL = re.compile(r"[|&;<>()$`\\*?~\[\]{}#\n]")
END = "@@ end of command @@"
NOTE = "Left out by design:"  # how an answer's note of what it left out begins


@dataclass
class Shown:
    """One ``$ command`` of a console block and the output the page shows for it (``start``:``end`` in the page)."""

    command: str
    output: str
    start: int
    end: int


@dataclass
class Console:
    """A ```console block: its commands, what it needs, and how wide a terminal it shows."""

    line: int
    commands: list[Shown]
    columns: int = 80
    not_run: str | None = None
    setup: str | None = None


@dataclass
class Page:
    path: Path
    consoles: list[Console] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)


def _commands(text: str, start: int, end: int) -> list[Shown]:
    """The ``$ `` commands of the block body ``text[start:end]``, each with the lines up to the next one."""
    shown: list[Shown] = []
    position = start
    lines = text[start:end].splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            raise AssertionError(f"output before any command at offset {position}: {line!r}")
        command = line[2:].rstrip("\n")
        position += len(line)
        i += 1
        while command.endswith("\\") and i < len(lines):  # a command continued on the next line
            command += "\n" + lines[i].rstrip("\n")
            position += len(lines[i])
            i += 1
        begin = position
        while i < len(lines) and not lines[i].startswith("$ "):
            position += len(lines[i])
            i += 1
        shown.append(Shown(command, text[begin:position], begin, position))
    return shown


def _paragraph_after(text: str, at: int) -> tuple[int, int]:
    """The span of the paragraph that follows offset ``at`` (after blank lines), up to the next blank line."""
    start = at
    while text.startswith("\n", start):
        start += 1
    end = text.find("\n\n", start)
    return start, len(text) if end < 0 else end + 1


def parse_page(path: Path) -> Page:
    """The console blocks of a page, with their markers, and the files its ``<!-- file: NAME -->`` blocks hold."""
    text = path.read_text(encoding="utf-8")
    page = Page(path)
    previous = 0
    for fence in FENCED.finditer(text):
        before = text[previous:fence.start()]
        previous = fence.end()
        lines = before.rstrip("\n").splitlines()
        marker = MARKER.match(lines[-1]) if lines else None
        if marker and marker.group(1) == "file":
            page.files[marker.group(2)] = fence.group(2)
        if fence.group(1) != "console":
            continue
        console = Console(text.count("\n", 0, fence.start()) + 1, _commands(text, fence.start(2), fence.end(2)))
        if marker and marker.group(1) == "not run":
            console.not_run = marker.group(2)
        elif marker and marker.group(1) == "setup":
            console.setup = marker.group(2)
        if width := WIDTH.findall(before):
            console.columns = int(width[-1])
        last = console.commands[-1] if console.commands else None
        if len(console.commands) == 1 and last is not None and not last.output and MARKDOWN.search(last.command):
            last.start, last.end = _paragraph_after(text, fence.end() + 1)
            note = _paragraph_after(text, last.end)
            if text.startswith(NOTE, note[0]):
                last.end = note[1]
            last.output = text[last.start:last.end]
        page.consoles.append(console)
    return page


def _script(console: Console) -> str:
    """Bash that runs the block's commands one by one, each followed by END, then prints where it ended up."""
    parts = []
    if console.setup:
        parts.append(f'__log=$(mktemp)\n{{ {console.setup}\n}} >"$__log" 2>&1 '
                     '|| { echo "setup failed:"; cat "$__log"; }\nrm -f "$__log"')
    for shown in console.commands:
        parts.append(f"{{ {shown.command}\n}} 2>&1\n__rc=$?; printf '\\n%s\\n' '{END}'; (exit $__rc)")
    parts.append('printf "%s" "$PWD"')
    return "\n".join(parts)


def plain(command: str) -> bool:
    """Whether ``command`` is ``cmograph`` with arguments and nothing for a shell to do (quoted text aside)."""
    unquoted = re.sub(r"'[^']*'|\"[^\"$`\\]*\"", "", command)
    return (command == "cmograph" or command.startswith("cmograph ")) and not SHELL.search(unquoted)


def _in_process(console: Console, where: Path) -> list[str]:
    """The outputs of a block of plain ``cmograph`` commands, run in this process (standard error mixed in)."""
    from click.testing import CliRunner

    old = Path.cwd()
    os.chdir(where)
    try:
        return [CliRunner().invoke(main, shlex.split(shown.command)[1:], prog_name="cmograph",
                                   env={"COLUMNS": str(console.columns)}, catch_exceptions=False).output
                for shown in console.commands]
    finally:
        os.chdir(old)
        gc.collect()  # no store of the project stays open for the commands after


def _in_bash(console: Console, where: Path) -> tuple[list[str], Path]:
    """The outputs of a block run by bash in ``where`` (standard error mixed in), and the folder it ended in."""
    env = dict(os.environ, COLUMNS=str(console.columns),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = processes.run(["bash", "-c", _script(console)], cwd=where, env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, check=False, timeout=300)
    *outputs, last = done.stdout.split(f"\n{END}\n")
    assert len(outputs) == len(console.commands), f"line {console.line}: {done.stdout}{done.stderr}"
    return outputs, Path(last)


def run_page(page: Page, scratch: Path) -> list[tuple[Console, list[str]]]:
    """Run the page's console blocks in order, as one would type them in one terminal (see the module docstring)."""
    (scratch / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
    for name, content in page.files.items():
        (scratch / name).write_text(content, encoding="utf-8")
    where = scratch
    runs = []
    for console in page.consoles:
        if console.not_run:
            continue
        if console.setup is None and all(plain(shown.command) for shown in console.commands):
            outputs = _in_process(console, where)
        else:
            outputs, where = _in_bash(console, where)
        runs.append((console, outputs))
    return runs


def _transcript(command: str, output: str) -> str:
    """``$ command`` and its output, as the page shows them (trailing blank lines aside)."""
    return f"$ {command}\n{output}".rstrip("\n")


@pytest.mark.slow  # every console block of the page, run again
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib reading JSON-LD
@pytest.mark.parametrize("path", [p for p in PAGES if "```console" in p.read_text(encoding="utf-8")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_page_examples_print_what_they_show(path: Path, tmp_path: Path) -> None:
    """Every ```console block of the page, run again, prints what the page shows (see the module docstring)."""
    page = parse_page(path)
    expected, actual = [], []
    for console, outputs in run_page(page, tmp_path):
        for shown, output in zip(console.commands, outputs, strict=True):
            expected.append(f"(line {console.line}) " + _transcript(shown.command, shown.output))
            actual.append(f"(line {console.line}) " + _transcript(shown.command, output))
    assert "\n".join(actual) == "\n".join(expected)


def test_blocks_left_unrun_need_a_server() -> None:
    """Only blocks that need a SPARQL server are left out, and each says why."""
    skipped = {(p.path.name, c.line): c.not_run for p in map(parse_page, PAGES) for c in p.consoles if c.not_run}
    assert all("server" in str(reason) for reason in skipped.values()), skipped


def test_the_explorer_page_shows_its_screenshots_paths_and_measurements() -> None:
    """docs/explorer.md: its three screenshots (made by tests/test_explore_browser.py with
    ``CMOGRAPH_EXPLORER_SCREENSHOTS=docs/images``) are there and are pictures; the HTTP paths it lists are those the
    explorer answers; the choice for published sites has its figures, at both sizes; the index and the README
    link it."""
    from cmograph.explore.app import Explorer
    from cmograph.source import open_source

    text = (DOCS / "explorer.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]+\]\((images/explorer-[a-z]+\.png)\)", text)
    assert images == ["images/explorer-questions.png", "images/explorer-answer.png", "images/explorer-diagram.png"]
    for image in images:
        picture = (DOCS / image).read_bytes()
        assert picture[:8] == b"\x89PNG\r\n\x1a\n" and 10_000 < len(picture) < 250_000, image
    paths = set(Explorer(open_source(example=True)).paths())
    assert {p for p in paths if p.startswith("/api/")} == set(re.findall(r"^\| `(/api/\w+)", text, re.MULTILINE))
    table = text.split("## In a published site", 1)[1]
    rows = re.findall(r"^\| \*\*\((?:i|ii)\) .*$", table, re.MULTILINE)
    assert len(rows) == 2
    for row in rows:  # the page weight (or size) and the time to first answer, on the example and at 100k
        cells = row.strip("| ").split(" | ")
        assert all(re.search(r"[0-9.]+ MB", c) and re.search(r"first answer [0-9.\u2013]+ s", c) for c in cells[1:])
    assert "| the example (2,081 triples) | a 100k-triple project" in table
    assert "**The published explorer writes every answer beforehand** (ii)" in table
    assert "(explorer.md)" in (DOCS / "index.md").read_text(encoding="utf-8")
    quick = (ROOT / "README.md").read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "[the explorer](docs/explorer.md)" in quick
