"""``cmograph report``: the synthesis report as HTML and Markdown, its figures, escaping, bad input, and the HTML in
a real browser (Chromium, as Debian packages it, driven by Playwright; marked slow)."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cmograph.cli import main

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"
MINIMAL = VALID / "minimal.yaml"
CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = "<script>alert('x')</script> | *bold* [link](http://example.org) `code`"


def run(*args: object, cwd: Path) -> Any:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the bundled example, in HTML and Markdown, each with its figures."""
    folder = tmp_path_factory.mktemp("report")
    for name in ("report.html", "report.md"):
        result = run("report", "--example", "-o", name, cwd=folder)
        assert result.exit_code == 0, result.output
    return folder


@pytest.mark.slow
def test_the_html_report_holds_every_section_and_is_self_contained(example: Path) -> None:
    text = (example / "report.html").read_text(encoding="utf-8")
    for section in ("evaluations", "concepts", "reviews", "evidence-map", "configurations", "confidence", "sites",
                    "rameses"):
        assert f'id="{section}"' in text
    assert '<a href="https://doi.org/10.1108/14777260910942597">10.1108/14777260910942597</a>' in text
    assert "<script" not in text
    sources = re.findall(r'\ssrc="([^"]*)"', text)
    assert len(sources) == 15 and all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    assert not re.search(r"<link\b|@import|url\(", text)  # no style sheet or font from elsewhere
    links = re.findall(r'href="#([^"]*)"', text)
    ids = set(re.findall(r'\sid="([^"]*)"', text))
    assert links and set(links) <= ids
    # what the example holds: the derivation, the disagreement at Ward 3, the RAMESES II items
    assert "larchfield-follow-up/L-R1" in text and "consolidating" in text and "situating" in text
    assert "<td>disagree</td>" in text
    assert text.count('<span class="yes">yes</span>') + text.count('<span class="no">no</span>') == 20


@pytest.mark.slow
def test_the_figures_are_written_as_svg_and_png(example: Path) -> None:
    figures = sorted(p.name for p in (example / "report-figures").iterdir())
    assert "evidence-map.svg" in figures and "evidence-map.png" in figures
    assert len([f for f in figures if f.endswith(".svg")]) == 15  # the map and the 14 configurations
    assert len([f for f in figures if f.endswith(".png")]) == 15
    assert (example / "report-figures" / "evidence-map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (example / "report-figures" / "evidence-map.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_the_markdown_report_links_the_figures_beside_it(example: Path) -> None:
    text = (example / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Synthesis report\n")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) == 15
    assert all((example / image).is_file() for image in images)
    assert "[10.1108/14777260910942597](https://doi.org/10.1108/14777260910942597)" in text
    assert "## RAMESES II reporting items" in text and "| 6. Ethical approval | no |" in text
    for line in text.splitlines():  # every table row has as many cells as its header
        if line.startswith("|"):
            assert not line.endswith("\\|"), line


def test_an_author_with_an_orcid_is_named_and_a_doi_shown_as_the_doi(example: Path) -> None:
    text = (example / "report.md").read_text(encoding="utf-8")
    [row] = [line for line in text.splitlines() if line.startswith("| larchfield-follow-up | Clinical")]
    cells = [cell.strip() for cell in row.strip("|").split(" | ")]
    assert sorted(cells[4].split("; ")) == ["D. Example", "Josiah Carberry"]  # by name, not the ORCID IRI
    assert cells[6] == "[10.5555/larchfield-follow-up](https://doi.org/10.5555/larchfield-follow-up)"


@pytest.mark.slow
def test_the_report_is_the_same_every_time(example: Path, tmp_path: Path) -> None:
    assert run("report", "--example", "-o", "again.html", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "again.html").read_bytes() == (example / "report.html").read_bytes()
    again = tmp_path / "again-figures" / "cmoc-9.svg"
    assert again.read_bytes() == (example / "report-figures" / "cmoc-9.svg").read_bytes()


@pytest.mark.slow
def test_everything_shown_is_escaped(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    hostile = text.replace("label: Minimal mechanism", f"label: \"{HOSTILE}\"").replace(
        "title: ", "title: \"<img src=x onerror=alert(1)>\" #", 1)
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile, encoding="utf-8")
    for name in ("hostile.html", "hostile.md"):
        result = run("report", "--data", path, "-o", name, cwd=tmp_path)
        assert result.exit_code == 0, result.output
    page = (tmp_path / "hostile.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img src=x" not in page and "onerror=alert" not in page.replace(
        "&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    markdown = (tmp_path / "hostile.md").read_text(encoding="utf-8")
    assert "<script" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;alert('x')&lt;/script&gt; \\| \\*bold\\* \\[link\\](http://example.org) \\`code\\`" \
        in markdown


@pytest.mark.slow
def test_a_report_of_data_with_no_concepts_sites_or_derivations(tmp_path: Path) -> None:
    result = run("report", "--data", MINIMAL, "-o", "minimal.html", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output == "wrote minimal.html and 2 figures (SVG and PNG) in minimal-figures\n"
    page = (tmp_path / "minimal.html").read_text(encoding="utf-8")
    assert "No element is linked to a shared concept" in page
    assert "No configuration is derived from configurations of other evaluations" in page
    assert "No site is recorded." in page


def test_bad_output_names_and_no_data_are_usage_errors(tmp_path: Path) -> None:
    wrong = run("report", "--example", "-o", "report.pdf", cwd=tmp_path)
    assert wrong.exit_code == 2
    assert wrong.output.startswith("error: report.pdf: a report is written as .html or .md\n")
    assert not (tmp_path / "report-figures").exists()
    nothing = run("report", "-o", "report.html", cwd=tmp_path)
    assert nothing.exit_code == 2 and "not a cmograph project" in nothing.output
    assert run("report", "--example", cwd=tmp_path).exit_code == 2  # -o is required
    assert run("init", "project", cwd=tmp_path).exit_code == 0
    shutil.copy(MINIMAL, tmp_path / "project" / "evaluations")
    inside = run("report", "-o", "evaluations/report.html", cwd=tmp_path / "project")
    assert inside.exit_code == 2 and "is in the evaluations folder of the project" in inside.output
    assert not (tmp_path / "project" / "evaluations" / "report-figures").exists()


def _browser() -> Any:
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return playwright


@pytest.mark.slow
def test_the_report_in_a_real_browser(example: Path) -> None:
    """Chromium loads the report from disk with no console error and no failed or outside request; every
    internal link lands on an element; the evidence map is drawn (its screenshot is not blank)."""
    from PIL import Image

    playwright = _browser()
    errors: list[str] = []
    requests: list[str] = []
    failed: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto((example / "report.html").as_uri(), wait_until="load")
            broken = page.evaluate("""() => [...document.querySelectorAll('a[href^="#"]')]
                .map(a => a.getAttribute('href').slice(1))
                .filter(id => !document.getElementById(id))""")
            loaded = page.evaluate("""() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
                .map(i => i.alt)""")
            shot = page.locator("#evidence-map-figure img").screenshot()
        finally:
            browser.close()
    assert errors == [] and failed == []
    assert [r for r in requests if not r.startswith(("file:", "data:"))] == []
    assert broken == [] and loaded == []
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert image.width > 300 and image.height > 150
    assert len(colours) > 20  # drawn, not blank
    assert any(abs(r - 0x1B) < 8 and abs(g - 0x9E) < 8 and abs(b - 0x77) < 8 for _, (r, g, b) in colours)  # positive
