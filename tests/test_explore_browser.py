"""The explorer in a real browser: headless Chromium (the system's, no browser download) driven by Playwright.

For every question on the example, served by the explorer and as written into a published site (a folder served
by a real HTTP server), the options are chosen by typing and picking from the names suggested; the table must be
the rows of ``cmograph ask ... --format json``, the CSV downloaded the bytes of ``--format csv``, the diagram a
node per element. No console error, no request off the machine; keyboard-only use works; axe-core finds nothing
serious; names that are HTML or script stay text. Screenshots are saved as test artefacts (their folder is
printed); with ``CMOGRAPH_EXPLORER_SCREENSHOTS=DIR`` they are saved there too (docs/images for the docs).
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import shlex
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from click.testing import CliRunner

from cmograph.cli import main
from cmograph.explore.app import Explorer
from cmograph.explore.local import LocalServer
from cmograph.explore.static import write
from cmograph.query.catalogue import Question, get_question, questions
from cmograph.source import Source, open_source

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CMOGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
HERE = "127.0.0.1"
REFUSED = "Failed to load resource: the server responded with a status of 400"

if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (set CMOGRAPH_CHROMIUM)", allow_module_level=True)


# ------------------------------------------------------------------------------------------ servers and pages


class Site:
    """The explorer at ``url``, served (``mode`` "served") or published (``mode`` "static")."""

    def __init__(self, mode: str, url: str, explorer: Explorer) -> None:
        self.mode, self.url, self.explorer = mode, url, explorer

    def document(self, qid: str, options: dict[str, str]) -> dict[str, Any]:
        """What the explorer's API answers for the question (for what the page cannot be compared with alone)."""
        status, _, body = self.explorer.handle("GET", "/api/ask", urlencode({"question": qid, **options}), [])
        assert status == 200, body
        found: dict[str, Any] = json.loads(body)
        return found


class Folder(http.server.ThreadingHTTPServer):
    """A folder served as a static site by the standard library's server, on 127.0.0.1."""

    daemon_threads = True

    def __init__(self, root: Path) -> None:
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__((HERE, 0), functools.partial(Quiet, directory=str(root)))
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{HERE}:{self.server_address[1]}"


@pytest.fixture(scope="module")
def example() -> Source:
    return open_source(example=True, memory=True)


@pytest.fixture(scope="module", params=["served", "static"])
def site(request: pytest.FixtureRequest, example: Source, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    explorer = Explorer(example, data_args=["--example"])
    if request.param == "served":
        server = LocalServer(explorer).start()
        yield Site("served", server.url + "/", explorer)
        server.stop()
    else:
        root = tmp_path_factory.mktemp("site")
        write(root, example, data_args=["--example"])
        folder = Folder(root)
        yield Site("static", folder.url + "/explorer/", explorer)
        folder.shutdown()
        folder.server_close()


@pytest.fixture(scope="module")
def served(example: Source) -> Iterator[Site]:
    explorer = Explorer(example, data_args=["--example"])
    server = LocalServer(explorer).start()
    yield Site("served", server.url + "/", explorer)
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


class Watch:
    """What a page did that it must not: console errors, uncaught errors, dialogs, requests off the machine."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []

    def check(self, refused: int = 0) -> None:
        """No error, but for ``refused`` requests the test made to be refused (the browser reports each)."""
        assert self.outside == [], "requests off the machine"
        refusals = [e for e in self.errors if e.startswith(REFUSED)]
        assert len(refusals) == refused and [e for e in self.errors if e not in refusals] == [], self.errors


def open_page(browser: Any, *, bypass_csp: bool = False) -> tuple[Any, Watch]:
    context = browser.new_context(accept_downloads=True, bypass_csp=bypass_csp, viewport={"width": 1100, "height": 800})
    watch = Watch()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith("data:") or urlsplit(url).hostname == HERE:
            request_route.continue_()
        else:
            watch.outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: watch.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: watch.errors.append(f"uncaught: {error}"))
    page.on("dialog", lambda dialog: (watch.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return page, watch


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    opened, watch = open_page(browser)
    yield opened, watch
    opened.context.close()
    watch.check()


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("explorer-screenshots")
    print(f"\nexplorer screenshots: {folder}")
    return folder


# ------------------------------------------------------------------------------------------ helpers


def cli(command: str, fmt: str) -> bytes:
    """What a ``cmograph ask`` command line prints with ``--format FMT`` (split as a shell splits it)."""
    words = shlex.split(command)
    assert words[:2] == ["cmograph", "ask"]
    result = CliRunner().invoke(main, [*words[1:], "--format", fmt], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def cell_text(value: Any) -> str:
    """A JSON cell as the command line's table shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def typed_options(question: Question, names: Callable[[str], list[str]]) -> dict[str, str]:
    """What to choose for a question: the options of its example command, else its first element option whose
    example names something in the data (the example has no periods: ``when`` is asked with none)."""
    words = shlex.split(question.example)
    chosen = {w[2:]: words[i + 1] for i, w in enumerate(words) if w.startswith("--") and w != "--example"}
    if not chosen:
        for p in question.parameters:
            if p.is_element and p.example and p.example in names(p.type):
                return {p.name: p.example}
    return chosen


def pick(page: Any, option: str, wanted: str) -> str:
    """Type the start of ``wanted`` (lower case) into the option's box and choose it from the names suggested with
    the arrow keys and Enter; the value the box then holds."""
    box = page.locator(f"#opt-{option}")
    box.click()
    typed = wanted[:12].lower()
    box.press_sequentially(typed, delay=20)
    listbox = f"#opt-{option}-list"
    page.wait_for_function("([list, typed]) => { const l = document.querySelector(list);"
                           " return l && !l.hidden && l.dataset.for === typed; }", arg=[listbox, typed])
    labels = page.eval_on_selector_all(f"{listbox} [role=option]", "items => items.map(i => i.dataset.label)")
    assert wanted in labels, (typed, labels)
    for _ in range(labels.index(wanted) + 1):
        box.press("ArrowDown")
    assert page.get_attribute(f"{listbox} [aria-selected=true]", "data-label") == wanted
    box.press("Enter")
    assert page.is_hidden(listbox)
    value: str = box.input_value()
    return value


def wait_for_answer(page: Any) -> None:
    page.wait_for_function("() => !document.querySelector('#answer').hidden"
                           " && !document.querySelector('#answer').hasAttribute('aria-busy')")


def table(page: Any) -> tuple[list[str], list[list[str]]]:
    """The answer's table, every page of it."""
    page.select_option("#page-size", "0")
    head = page.eval_on_selector_all("#table thead th button", "bs => bs.map(b => b.dataset.column)")
    rows = page.eval_on_selector_all("#table tbody tr", "trs => trs.map(r => Array.from(r.cells, c => c.textContent))")
    return head, rows


def not_blank(page: Any, png: bytes) -> dict[str, float]:
    """How many colours a screenshot has and what share of it is not the background (decoded by the browser)."""
    found: dict[str, float] = page.evaluate("""async (data) => {
        const image = new Image();
        image.src = 'data:image/png;base64,' + data;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width; canvas.height = image.height;
        const context = canvas.getContext('2d');
        context.drawImage(image, 0, 0);
        const pixels = context.getImageData(0, 0, image.width, image.height).data;
        const colours = new Set();
        let ink = 0;
        for (let i = 0; i < pixels.length; i += 4) {
            colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
            if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 600) ink++;
        }
        return {colours: colours.size, ink: ink / (pixels.length / 4), width: image.width};
    }""", base64.b64encode(png).decode())
    assert found["colours"] > 20 and found["ink"] > 0.01, found
    return found


def screenshot(page: Any, folder: Path, name: str, selector: str | None = None) -> None:
    target = page.locator(selector) if selector else page
    png: bytes = target.screenshot(path=str(folder / name), **({} if selector else {"full_page": False}))
    not_blank(page, png)
    docs = os.environ.get("CMOGRAPH_EXPLORER_SCREENSHOTS")
    if docs:
        (Path(docs) / name).write_bytes(png)


def axe(page: Any) -> list[dict[str, Any]]:
    """The serious and critical problems axe-core finds in the page as it is."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html).slice(0, 3)}))")
    return [v for v in violations if v["impact"] in ("serious", "critical")]


# ------------------------------------------------------------------------------------------ the tests


@pytest.mark.parametrize("qid", list(questions()))
def test_every_question_answers_as_the_command_line(site: Site, page: tuple[Any, Watch], qid: str,
                                                    example: Source) -> None:
    opened, _ = page
    question = get_question(qid)

    def names(kind: str) -> list[str]:
        return [n.label for n in site.explorer.names.of(kind)]

    opened.goto(site.url)
    opened.click(f"a[data-question='{qid}']")
    chosen = typed_options(question, names)
    values: dict[str, str] = {}
    for option, wanted in chosen.items():
        parameter = question.parameter(option)
        assert parameter is not None
        if parameter.is_element:  # chosen by the name offered for it (an evaluation by its title)
            offered = next((n.label for n in site.explorer.names.of(parameter.type) if wanted in (n.label, n.id)),
                           wanted)
            values[option] = pick(opened, option, offered)
        elif parameter.type == "choice" or site.mode == "static":
            opened.select_option(f"#opt-{option}", wanted)
            values[option] = wanted
        else:
            opened.fill(f"#opt-{option}", wanted)
            values[option] = wanted
    opened.click("#ask")
    wait_for_answer(opened)
    command = opened.text_content("#command")
    defaults = {p.name: str(p.default) for p in question.parameters}
    for option, value in values.items():
        if value != defaults[option]:
            assert f"--{option} {shlex.quote(value)}" in command
    rows = json.loads(cli(command, "json"))
    if rows:
        head, shown = table(opened)
        assert head == list(rows[0])
        assert shown == [[cell_text(v) for v in row.values()] for row in rows]  # row for row
    else:
        assert opened.is_hidden("#table-box")
    document = site.document(qid, values)
    said = question.empty if not rows else opened.text_content("#status").split(".")[0] + "."
    assert opened.text_content("#status") == (f"{said} {document['note']}" if document["note"] else said)
    with opened.expect_download() as download:
        opened.click("#dl-csv")
    assert Path(download.value.path()).read_bytes() == cli(command, "csv")
    drawing = document["diagram"]
    if drawing and drawing["configurations"]:
        nodes = opened.eval_on_selector_all("#diagram g.node", "ns => ns.map(n => [n.dataset.iri, n.dataset.label])")
        assert sorted(iri for iri, _ in nodes) == sorted(drawing["elements"])  # a node per element
        labels = {label for _, label in nodes}
        for row in rows:
            for column in ("mechanism", "mechanisms", "outcome", "contexts"):
                if qid == "recurring" and column == "mechanism":  # a concept's label, drawn as its elements
                    continue
                if column in row and not (qid == "demi-regularities" and "--by" in command):
                    assert set(row[column] if isinstance(row[column], list) else [row[column]]) <= labels
    else:
        assert opened.is_hidden("#diagram-box")


def test_the_downloads_are_what_the_command_line_prints(site: Site, page: tuple[Any, Watch]) -> None:
    opened, _ = page
    opened.goto(site.url + "?" + urlencode({"question": "why", "outcome": "Higher staff morale"}))
    wait_for_answer(opened)
    command = opened.text_content("#command")
    for fmt in ("csv", "markdown", "json"):
        with opened.expect_download() as download:
            opened.click(f"#dl-{fmt}")
        assert download.value.suggested_filename == f"why.{ {'markdown': 'md'}.get(fmt, fmt) }"
        assert Path(download.value.path()).read_bytes() == cli(command, fmt)


def test_a_permalink_gives_the_same_answer(site: Site, browser: Any) -> None:
    first, watch = open_page(browser)
    first.goto(site.url)
    first.click("a[data-question='circumstances']")
    pick(first, "mechanism", "Democratic, consensual approach to change and improvement")
    first.click("#ask")
    wait_for_answer(first)
    link = first.get_attribute("#permalink", "href")
    assert "question=circumstances" in link and "mechanism=" in link
    rows = table(first)
    second, again = open_page(browser)
    second.goto(link)
    wait_for_answer(second)
    assert table(second) == rows
    assert second.input_value("#opt-mechanism") == first.input_value("#opt-mechanism")
    for opened in (first, second):
        opened.context.close()
    watch.check()
    again.check()


def test_the_table_sorts_and_pages(served: Site, page: tuple[Any, Watch]) -> None:
    opened, _ = page
    opened.goto(served.url + "?question=demi-regularities&min-sites=1")
    wait_for_answer(opened)
    _, rows = table(opened)
    assert len(rows) > 10
    opened.select_option("#page-size", "10")
    assert opened.text_content("#page-status") == f"Rows 1\u201310 of {len(rows)}"
    opened.click("#next")
    assert opened.text_content("#page-status") == f"Rows 11\u2013{len(rows)} of {len(rows)}"
    assert opened.is_disabled("#next") and not opened.is_disabled("#prev")
    opened.click("#table thead button[data-column='mechanism']")
    assert opened.get_attribute("#table thead th:nth-child(2)", "aria-sort") == "ascending"
    _, ascending = table(opened)
    assert [r[1].casefold() for r in ascending] == sorted(r[1].casefold() for r in rows)
    opened.click("#table thead button[data-column='mechanism']")
    assert opened.get_attribute("#table thead th:nth-child(2)", "aria-sort") == "descending"
    assert [r[1].casefold() for r in table(opened)[1]] == sorted((r[1].casefold() for r in rows), reverse=True)


def test_screenshots_of_the_list_an_answer_and_a_diagram(served: Site, page: tuple[Any, Watch],
                                                         artefacts: Path) -> None:
    opened, _ = page
    opened.goto(served.url)
    opened.wait_for_selector("#question-list a")
    screenshot(opened, artefacts, "explorer-questions.png")
    opened.goto(served.url + "?" + urlencode({"question": "why", "outcome": "Higher staff morale"}))
    wait_for_answer(opened)
    opened.locator("#answer").scroll_into_view_if_needed()
    screenshot(opened, artefacts, "explorer-answer.png", "#table-box")
    opened.goto(served.url + "?question=what-worked")
    wait_for_answer(opened)
    screenshot(opened, artefacts, "explorer-diagram.png", "#diagram-box")
    assert sorted(p.name for p in artefacts.iterdir()) == ["explorer-answer.png", "explorer-diagram.png",
                                                           "explorer-questions.png"]


def test_keyboard_alone_finds_asks_and_reads(served: Site, page: tuple[Any, Watch]) -> None:
    opened, _ = page
    opened.goto(served.url)
    opened.wait_for_selector("#question-list a")

    def focused() -> dict[str, Any]:
        info: dict[str, Any] = opened.evaluate("""() => {
            const e = document.activeElement;
            const labelled = e.labels && e.labels.length ? Array.from(e.labels, l => l.textContent).join(' ') : '';
            const by = (e.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
                .map(id => document.getElementById(id).textContent).join(' ');
            return {tag: e.tagName.toLowerCase(), id: e.id, question: e.dataset.question || null,
                    name: (e.getAttribute('aria-label') || by || labelled || e.textContent || '').trim(),
                    visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)};
        }""")
        return info

    opened.keyboard.press("Tab")
    assert focused()["name"] == "Skip to the question"
    order = []
    for _ in questions():
        opened.keyboard.press("Tab")
        order.append(focused()["question"])
    assert order == list(questions())  # the questions in their order
    while focused()["question"] != "why":
        opened.keyboard.press("Shift+Tab")
    opened.keyboard.press("Enter")
    assert focused()["id"] == "q-title"
    opened.keyboard.press("Tab")
    assert focused() == {"tag": "input", "id": "opt-outcome", "question": None, "name": "outcome (required)",
                         "visible": True}
    opened.keyboard.type("higher staff")
    opened.wait_for_function("() => document.querySelector('#opt-outcome-list').dataset.for === 'higher staff'")
    opened.keyboard.press("ArrowDown")
    opened.keyboard.press("Enter")
    assert opened.input_value("#opt-outcome") == "Higher staff morale"
    opened.keyboard.press("Tab")
    assert focused()["id"] == "like"
    opened.keyboard.press("Tab")
    assert focused()["id"] == "ask"
    opened.keyboard.press("Enter")
    wait_for_answer(opened)
    assert opened.text_content("#status") == "1 row."
    seen = []
    for _ in range(80):  # every control after the form, each named and visible, until the page ends
        opened.keyboard.press("Tab")
        now = focused()
        if now["tag"] == "body" or now["name"] == "Skip to the question":
            break
        assert now["name"] and now["visible"], now
        seen.append(now["id"] or now["name"])
    assert seen[:4] == ["copy", "dl-csv", "dl-markdown", "dl-json"]
    assert "page-size" in seen and "Rows per page" not in seen
    assert [s for s in seen if s.startswith("outcome")]  # the table's sort buttons
    opened.focus("#table thead button[data-column='mechanism']")
    opened.keyboard.press("Enter")
    assert opened.get_attribute("#table thead th:nth-child(2)", "aria-sort") == "ascending"
    assert focused()["name"].startswith("mechanism")  # the focus stays on the button


def test_axe_finds_nothing_serious(served: Site, page: tuple[Any, Watch]) -> None:
    opened, _ = page
    opened.goto(served.url)
    opened.wait_for_selector("#question-list a")
    assert axe(opened) == []
    opened.goto(served.url + "?question=what-worked")
    wait_for_answer(opened)
    assert axe(opened) == []  # the form, the table and the diagram
    opened.goto(served.url + "?question=why")
    opened.click("#opt-outcome")
    opened.keyboard.type("staff")
    opened.wait_for_function("() => document.querySelector('#opt-outcome-list').dataset.for === 'staff'")
    opened.keyboard.press("ArrowDown")
    assert axe(opened) == []  # the list of names open
    opened.keyboard.press("Escape")
    assert opened.is_hidden("#opt-outcome-list")
    opened.fill("#opt-outcome", "")
    opened.click("#ask")
    assert opened.is_visible("#form-error")
    assert axe(opened) == []  # an error shown


def test_the_published_explorer_answers_one_name_at_a_time(site: Site, page: tuple[Any, Watch]) -> None:
    opened, _ = page
    opened.goto(site.url + "?question=what-worked")
    wait_for_answer(opened)
    pick(opened, "outcome", "Higher staff morale")
    pick(opened, "for", "Clinical microsystem staff (teams and individuals)")
    opened.click("#ask")
    if site.mode == "static":
        opened.wait_for_selector("#form-error:not([hidden])")
        assert opened.text_content("#form-error-text") == (
            "The published explorer answers with one of for, outcome at a time.")
        assert opened.is_visible("#static-note") and opened.is_hidden("#like-field")
    else:
        wait_for_answer(opened)
        command = opened.text_content("#command")
        assert "--for" in command and "--outcome" in command
        assert table(opened)[1] == [[cell_text(v) for v in row.values()] for row in json.loads(cli(command, "json"))]


def clean(page: Any) -> None:
    """Nothing from the data ran, or became an element: only the page's own elements are there."""
    assert page.evaluate("() => window.__xss") is None
    injected = "script:not([src]), img, iframe, b, i, [onload], [onerror], [onmouseover], [srcdoc]"
    assert page.evaluate(f"() => document.querySelectorAll('{injected}').length") == 0


def test_names_that_are_html_or_script_stay_text(browser: Any, tmp_path: Path) -> None:
    """Labels, quotes and options that are HTML or script are shown as text, and nothing they hold runs (the page's
    content security policy is bypassed here, so that escaping alone is what is tested)."""
    from test_explore import CONTEXT, MECHANISM, OUTCOME, hostile_file

    data = hostile_file(tmp_path)
    server = LocalServer(Explorer(open_source([data]), data_args=["--data", str(data)])).start()
    opened, watch = open_page(browser, bypass_csp=True)
    try:
        opened.goto(server.url + "/")
        opened.click("a[data-question='why']")
        opened.click("#opt-outcome")
        opened.keyboard.type("<script")
        opened.wait_for_function("() => document.querySelector('#opt-outcome-list').dataset.for === '<script'")
        opened.keyboard.press("ArrowDown")
        opened.keyboard.press("Enter")
        assert opened.input_value("#opt-outcome") == OUTCOME
        opened.click("#ask")
        wait_for_answer(opened)
        _, rows = table(opened)
        assert rows[0][0] == OUTCOME and rows[0][1] == MECHANISM and rows[0][4] == CONTEXT
        labels = opened.eval_on_selector_all("#diagram g.node", "ns => ns.map(n => n.firstChild.textContent)")
        assert f"outcome: {OUTCOME} (o1) direction positive" in labels
        assert shlex.split(opened.text_content("#command"))[-2:] == ["--outcome", OUTCOME]
        clean(opened)
        for query in ({"question": "what-worked"}, {"question": "evidence", "cmoc": "CMO'1\"<i>"},
                      {"question": "site", "site": "s1"}, {"question": "for-whom"}, {"question": "compare-sites"}):
            opened.goto(server.url + "/?" + urlencode(query))
            wait_for_answer(opened)
            assert table(opened)[1]
            clean(opened)
        image = '<img src=x onerror="window.__xss=1">'
        opened.goto(server.url + "/?" + urlencode({"question": "why", "outcome": image}))
        opened.wait_for_selector("#form-error:not([hidden])")
        assert opened.text_content("#form-error-text") == f"no outcome is called '{image}'"
        clean(opened)
        watch.check(refused=1)
    finally:
        opened.context.close()
        server.stop()
