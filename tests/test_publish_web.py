"""The published site on real web servers and in a real browser.

- nginx (Debian's package) is started on 127.0.0.1 with free ports and the site's own ``nginx.conf`` included in
  its ``server`` blocks, the site the ``root`` of one and the folder ``cmo`` of the other's, and stopped by its
  PID: every resource is asked for in every media type.
- Apache 2.4 (Debian's ``apache2``) is started the same way (``-X``, a minimal ``httpd.conf`` of its own, the
  site's ``.htaccess`` allowed to apply) and asked the same questions, with the site served at the root of a
  virtual host, as the folder ``cmo`` under the document root, and under ``Alias /review/``.
- Headless Chromium (Debian's ``chromium``), driven by Playwright's Python package with no browser download, crawls
  the site from its index through nginx, following every link, and runs axe-core (vendored) on one page of each
  kind. Screenshots are kept under pytest's temporary folder (the path is printed).

All are slow (``-m "not slow"`` leaves them out) and need their programs: a machine without nginx, apache2 or
chromium skips them, saying which is missing, except in CI (``CI`` set), where that fails the run.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import processes
import pytest
from click.testing import CliRunner

from cmograph.cli import main
from cmograph.source import example_path

pytestmark = pytest.mark.slow

BASE = "https://example.org/cmo/"
VALID = Path(__file__).parent / "data" / "valid"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
APACHE = shutil.which("apache2") or next((p for p in ("/usr/sbin/apache2",) if os.access(p, os.X_OK)), None)
APACHE_MODULES = Path(os.environ.get("APACHE_MODULES", "/usr/lib/apache2/modules"))  # Debian's
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
MEDIA_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
               "rdf": "application/rdf+xml", "trig": "application/trig", "nq": "application/n-quads"}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
HOSTILE = "<script>alert('x')</script>"
IN_CI = bool(os.environ.get("CI"))  # there, a missing program fails the run instead of skipping its tests


def missing(what: str) -> None:
    """Skip, or in CI fail: the web tests must run there."""
    (pytest.fail if IN_CI else pytest.skip)(what)


needs_nginx = pytest.mark.skipif(NGINX is None and not IN_CI,
                                 reason="nginx is not installed (Debian: apt-get install nginx)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example and an evaluation with awkward ids and hostile labels, published under the base with the
    configurations' nanopublications."""
    folder = tmp_path_factory.mktemp("web")
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("id: minimal", "id: odd").replace("title: Minimal made-up evaluation",
                                                          f'title: "Odd {HOSTILE}"\n  license: CC-BY-4.0')
    text = text.replace("id: c-minimal", "id: 'café:1'").replace("[c-minimal]", "['café:1']")
    text = text.replace("label: Minimal mechanism", f'label: "{HOSTILE}"')
    (folder / "odd.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["publish", str(folder / "site"), "--data", str(example_path()), "--data",
                                       str(folder / "odd.yaml"), "--base", BASE, "--license", "CC-BY-4.0",
                                       "--nanopubs"])
    assert result.exit_code == 0, result.output
    return folder / "site"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    prefix: Path
    path: str = ""  # the URL path the site is served under ("" at the root, else "/cmo" and so on)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{self.path}{path}"


def wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until something listens on ``port``; the server's log if its process ends first or it takes 10 s."""
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(log.read_text(encoding="utf-8") if log.exists() else "no log") from None
            time.sleep(0.05)


def logged_errors(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8").splitlines()
            if any(f"{level}]" in line for level in ("[error", "[crit", "[alert", "[emerg", ":error", ":crit",
                                                     ":alert", ":emerg"))]


def nginx_server(root: str, site: str) -> str:
    """What docs/publish.md puts in nginx's ``server`` block: ``root`` and the site's nginx.conf from ``site``."""
    return f"root {root};\n    include {site}/nginx.conf;"


@pytest.fixture(scope="module")
def nginx_servers(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    """nginx serving the site on 127.0.0.1 two ways, the site's nginx.conf included as the docs say: as the
    ``root`` of a ``server`` block, and as the folder ``cmo`` of another's ``root``; stopped by its PID."""
    if NGINX is None:
        missing("nginx is not installed (Debian: apt-get install nginx)")
    prefix = tmp_path_factory.mktemp("nginx")
    documents = tmp_path_factory.mktemp("nginx-documents")
    shutil.copytree(site, documents / "cmo")
    ports = free_port(), free_port()
    user = "user root root;" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""  # workers must read the site
    temporary = " ".join(f"{kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                        "scgi"))
    servers = "\n".join(f"""    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        {nginx_server(str(root), str(served))}
    }}""" for port, root, served in ((ports[0], site, site), (ports[1], documents, documents / "cmo")))
    (prefix / "nginx.conf").write_text(f"""daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    {temporary}
{servers}
}}
""", encoding="utf-8")
    command = [NGINX, "-p", f"{prefix}/", "-e", f"{prefix}/error.log", "-c", f"{prefix}/nginx.conf"]
    checked = processes.run([*command, "-t", "-q"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr + (prefix / "error.log").read_text(encoding="utf-8")
    process = processes.start(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for port in ports:
            wait_for(port, process, prefix / "error.log")
        yield [Server(ports[0], prefix), Server(ports[1], prefix, "/cmo")]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
    assert logged_errors(prefix / "error.log") == []


@pytest.fixture(scope="module")
def nginx(nginx_servers: list[Server]) -> Server:
    """nginx serving the site as the root of its ``server`` block."""
    return nginx_servers[0]


APACHE_OVERRIDE = "AllowOverride FileInfo Indexes Options=MultiViews"  # what docs/publish.md says the site needs
APACHE_LOADED = ("mpm_prefork", "authz_core", "dir", "mime", "rewrite", "headers", "alias")


@pytest.fixture(scope="module")
def apache(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    """Apache 2.4 (one process, ``-X``) serving the site with its .htaccess three ways: at the root of a virtual
    host, as the folder ``cmo`` of another's document root, and under ``Alias /review/``; stopped by its PID.

    Run as root, Apache's worker becomes ``nobody``: it serves a world-readable copy of the site (pytest's
    temporary folders are private)."""
    if APACHE is None:
        missing("Apache is not installed (Debian: apt-get install apache2)")
    prefix = tmp_path_factory.mktemp("apache")
    documents = Path(tempfile.mkdtemp(prefix="cmograph-apache-"))
    try:
        documents.chmod(0o755)
        shutil.copytree(site, documents / "cmo")
        (documents / "cmo").chmod(0o755)
        yield from _apache(documents, prefix)
    finally:
        shutil.rmtree(documents, ignore_errors=True)


def _apache(documents: Path, prefix: Path) -> Iterator[list[Server]]:
    root_port, folder_port = free_port(), free_port()
    modules = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so" for name in APACHE_LOADED)
    user = ""
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # Apache refuses to serve as root
        import pwd

        nobody = pwd.getpwnam("nobody")
        user = f"User #{nobody.pw_uid}\nGroup #{nobody.pw_gid}"
    site = documents / "cmo"
    (prefix / "httpd.conf").write_text(f"""ServerRoot {prefix}
DefaultRuntimeDir {prefix}
PidFile {prefix}/httpd.pid
ErrorLog {prefix}/error.log
LogLevel warn
{modules}
{user}
ServerName localhost
TypesConfig /dev/null
Listen 127.0.0.1:{root_port}
Listen 127.0.0.1:{folder_port}
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {documents}>
    {APACHE_OVERRIDE}
    Require all granted
</Directory>
<VirtualHost 127.0.0.1:{root_port}>
    DocumentRoot {site}
</VirtualHost>
<VirtualHost 127.0.0.1:{folder_port}>
    DocumentRoot {documents}
    Alias /review/ {site}/
</VirtualHost>
""", encoding="utf-8")
    command = [APACHE, "-X", "-f", f"{prefix}/httpd.conf"]
    checked = processes.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = processes.start(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(root_port, process, prefix / "error.log")
        wait_for(folder_port, process, prefix / "error.log")
        yield [Server(root_port, prefix), Server(folder_port, prefix, "/cmo"), Server(folder_port, prefix, "/review")]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
    assert logged_errors(prefix / "error.log") == []


SERVED = {"nginx": ("nginx_servers", 0), "nginx, folder cmo": ("nginx_servers", 1), "apache": ("apache", 0),
          "apache, folder cmo": ("apache", 1), "apache, Alias /review/": ("apache", 2)}


@pytest.fixture(scope="module", params=list(SERVED))
def server(request: pytest.FixtureRequest) -> Server:
    """The site on each web server, each way it is served."""
    name, which = SERVED[request.param]
    found: list[Server] = request.getfixturevalue(name)
    return found[which]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(server: Server, path: str, accept: str | None = None, method: str = "GET") -> Answer:
    """The answer to ``path`` of the site (a path after the base, starting with ``/``)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest(method, server.path + path, skip_accept_encoding=True)
        if accept is not None:
            connection.putheader("Accept", accept)
        connection.endheaders()
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def resources(site: Path) -> list[str]:
    """The URL path of every page of the site but the index (the IRI path after the base)."""
    return sorted("/" + quote(p.relative_to(site).with_suffix("").as_posix()) for p in site.rglob("*.html")
                  if p.name != "index.html")


# --------------------------------------------------------------------------------------------- nginx and Apache


def test_every_resource_answers_in_every_form_it_is_asked_for(site: Path, server: Server) -> None:
    """Each form a resource has (a nanopublication: HTML, TriG and N-Quads; any other: HTML and the four RDF forms
    of triples) is its answer when asked for, and any other RDF form gets 406."""
    paths = resources(site)
    assert len(paths) > 60
    nanopubs = [p for p in paths if "/np/RA" in p]
    assert len(nanopubs) > 8
    wrong = []
    for path in paths:
        local = unquote(path).lstrip("/")
        for accept, suffix in [("text/html", "html"), (BROWSER_ACCEPT, "html"), ("*/*", "html"), (None, "html"),
                               *((t, s) for s, t in MEDIA_TYPES.items())]:
            answer = fetch(server, path, accept)
            file = site / f"{local}.{suffix}"
            assert file.exists() == (suffix == "html" or (suffix in ("trig", "nq")) == (path in nanopubs))
            media_type = "text/html" if suffix == "html" else MEDIA_TYPES[suffix]
            expected = (200, f"{media_type}; charset=utf-8", "Accept", file.read_bytes() if file.exists() else b"")
            got = (answer.status, answer.headers.get("content-type"), answer.headers.get("vary"), answer.body)
            if (got if file.exists() else (got[0], got[2])) != (expected if file.exists() else (406, "Accept")):
                wrong.append(f"{path} {accept}: {answer.status} {answer.headers.get('content-type')} "
                             f"vary={answer.headers.get('vary')}")
    assert wrong == []


@pytest.mark.parametrize(("path", "accept", "status", "media_type", "vary"), [
    ("/", "text/turtle", 200, "text/turtle", "Accept"),  # the dataset's IRI: its VoID and DCAT
    ("/", "application/ld+json", 200, "application/ld+json", "Accept"),
    ("/", BROWSER_ACCEPT, 200, "text/html", "Accept"),
    ("/clinical-microsystems-nhs", "image/png", 406, "text/html", "Accept"),  # nothing in that form
    ("/clinical-microsystems-nhs", "application/json", 406, "text/html", "Accept"),
    ("/clinical-microsystems-nhs", "text/turtle;q=0.9, text/html", 200, "text/turtle", "Accept"),  # server's order
    ("/nothing-here", "text/turtle", 404, "text/html", "Accept"),
    ("/clinical-microsystems-nhs.ttl", "text/html", 200, "text/turtle", None),  # a suffix: as it is
    ("/clinical-microsystems-nhs.nt", "image/png", 200, "application/n-triples", None),
    ("/dumps/dataset.trig", None, 200, "application/trig", None),
    ("/dumps/nanopubs.trig", "text/html", 200, "application/trig", None),
    ("/ontology-classes.svg", None, 200, "image/svg+xml", None),
    ("/dumps/dataset.nq.gz", None, 200, "application/gzip", None),
    ("/context.jsonld", None, 200, "application/ld+json", None),
    ("/odd/context/caf%C3%A9:1", "text/turtle", 200, "text/turtle", "Accept"),
    ("/odd/context/caf%C3%A9%3A1", "application/rdf+xml", 200, "application/rdf+xml", "Accept"),
])
def test_what_the_server_answers(server: Server, path: str, accept: str | None, status: int, media_type: str,
                                 vary: str | None) -> None:
    answer = fetch(server, path, accept)
    assert answer.status == status
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert answer.headers.get("vary") == vary


@pytest.mark.parametrize(("accept", "status", "suffix"), [
    ("application/trig", 200, "trig"),
    ("text/turtle, application/trig", 200, "trig"),  # it has no Turtle: the form it has
    ("application/n-quads;q=0.5, text/html", 200, "nq"),  # RDF before HTML
    (BROWSER_ACCEPT, 200, "html"),
    ("text/turtle", 406, None),  # named graphs have no Turtle, N-Triples or RDF/XML
])
def test_a_nanopublication_answers_at_its_iri(site: Path, server: Server, accept: str, status: int,
                                              suffix: str | None) -> None:
    trig = next(site.glob("clinical-microsystems-nhs/np/RA*.trig"))
    answer = fetch(server, "/" + trig.relative_to(site).with_suffix("").as_posix(), accept)
    assert (answer.status, answer.headers.get("vary")) == (status, "Accept")
    if suffix is not None:
        assert answer.body == trig.with_suffix(f".{suffix}").read_bytes()
        assert answer.headers["content-type"] == f"{MEDIA_TYPES.get(suffix, 'text/html')}; charset=utf-8"


def test_the_docs_ask_apache_for_what_the_tests_give_it() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "publish.md").read_text(encoding="utf-8")
    assert f"<Directory /srv/cmo>\n    {APACHE_OVERRIDE}\n" in docs
    assert f"`{APACHE_OVERRIDE}`" in docs


def test_the_docs_give_nginx_what_the_tests_give_it() -> None:
    """The docs' server blocks, at the root and under a path, are the ones the tests serve the site with."""
    docs = (Path(__file__).parent.parent / "docs" / "publish.md").read_text(encoding="utf-8")
    blocks = [re.sub(r"\s*#[^\n]*", "", block) for block in re.findall(r"```nginx\n(.*?)```", docs, re.DOTALL)]
    for root in ("/srv/cmo", "/srv"):
        assert sum(nginx_server(root, "/srv/cmo") in block for block in blocks) == 1, root


def test_head_answers_as_get_does(server: Server) -> None:
    answer = fetch(server, "/clinical-microsystems-nhs/cmoc/cmoc-staff-outcomes", "text/turtle", "HEAD")
    assert (answer.status, answer.headers["content-type"], answer.body) == (200, "text/turtle; charset=utf-8", b"")


# --------------------------------------------------------------------------------------------- the browser


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # no name but localhost resolves: nothing leaves the machine, whatever the browser tries on its own
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
PAGE_CHECKS = """() => {
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  const named = el => (el.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
      .every(id => document.getElementById(id) && document.getElementById(id).textContent.trim());
  return {
    title: document.title, lang: document.documentElement.lang, headings,
    imagesWithoutAlt: [...document.querySelectorAll('img:not([alt])')].length,
    unnamedFigures: [...document.querySelectorAll('svg[role=img]')].filter(s => !named(s)).length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    resources: [...document.querySelectorAll('link[href], script[src]')].map(e => e.href || e.src),
  };
}"""
COLOURS = """async (data) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const seen = new Set();
  for (let i = 0; i < pixels.length; i += 4) { seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]); }
  return seen.size;
}"""
RUN_AXE = """async () => {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""


@pytest.fixture(scope="module")
def browser(nginx: Server) -> Iterator[object]:
    try:
        import playwright.sync_api as playwright_api
    except ImportError:
        missing("the playwright package is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM)")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def is_local(url: str, server: Server) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "about", "blob") or (parts.hostname == "127.0.0.1" and parts.port == server.port)


@needs_nginx
def test_a_browser_crawls_the_whole_site_without_a_fault(browser: object, nginx: Server, site: Path,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    outside: list[str] = []
    faults: list[str] = []

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if is_local(url, nginx):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and faults.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: faults.append(f"page error: {e}"))
    page.on("dialog", lambda d: (faults.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("response", lambda r: r.status >= 400 and faults.append(f"{r.status} {r.url}"))

    start = nginx.url("/")
    queue, seen, files_checked = [start], {start, nginx.url("/index.html")}, 0  # the index, at either URL
    visited = []
    while queue:
        url = queue.pop(0)
        page.goto(url, wait_until="load")
        facts = page.evaluate(PAGE_CHECKS)
        visited.append(url)
        assert facts["title"].strip(), url
        assert facts["lang"] == "en", url
        headings = facts["headings"]
        assert headings[:1] == [1] and headings.count(1) == 1, url
        assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), (url, headings)
        assert facts["imagesWithoutAlt"] == 0 and facts["unnamedFigures"] == 0, url
        for link in facts["links"] + facts["resources"]:
            target = urljoin(url, link).split("#")[0]
            if not target.startswith(start) or target in seen:  # links out of the site are not followed
                continue
            seen.add(target)
            if target.endswith(".html") or target == start:
                queue.append(target)
            else:  # an RDF form, a dump, the stylesheet: it must be there
                answer = context.request.get(target)
                files_checked += 1
                if answer.status != 200:
                    faults.append(f"{answer.status} {target} (linked from {url})")
    assert len(visited) == len(list(site.rglob("*.html")))  # every page is reachable from the index
    assert files_checked > 4 * 60
    assert faults == []
    assert outside == []
    context.close()


@needs_nginx
def test_search_screenshots_and_accessibility(browser: object, nginx: Server, site: Path,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    shots = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots of the published example: {shots}")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{m.text} {m.location}"))
    axe = (files("cmograph.publish") / "vendor" / "axe.min.js").read_text(encoding="utf-8")

    page.goto(nginx.url("/"), wait_until="load")
    page.fill("#search-box", "staff morale")
    page.wait_for_selector("#search-results li")
    found = page.locator("#search-results li a").all_inner_texts()
    assert found == ["Higher staff morale", "staff-morale"]  # the outcome and its shared concept
    assert page.locator("#search-status").inner_text() == "2 found."
    page.locator("#search-results li a").first.click()
    page.wait_for_url("**/o-staff-morale.html")
    page.goto(nginx.url("/"), wait_until="load")
    page.fill("#search-box", "no such label anywhere")
    page.wait_for_function("document.getElementById('search-status').textContent === 'Nothing found.'")

    concept = page.locator("section[aria-labelledby=concepts] a").first.get_attribute("href")
    pages = {"index": "/", "evaluation": "/clinical-microsystems-nhs.html",
             "configuration": "/clinical-microsystems-nhs/cmoc/cmoc-imposed-targets.html",
             "evidence": "/clinical-microsystems-nhs/cmoc/cmoc-imposed-targets/evidence/1.html",
             "outcome": "/clinical-microsystems-nhs/outcome/o-staff-morale.html",
             "concept": f"/{concept}", "ontology": "/ontology.html", "hostile": "/odd.html",
             "nanopublication": "/" + next(site.glob("odd/np/RA*.html")).relative_to(site).as_posix()}
    violations = {}
    for name, path in pages.items():
        page.goto(nginx.url(path), wait_until="load")
        if name in ("index", "evaluation", "configuration"):
            png = page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            colours = page.evaluate(COLOURS, base64.b64encode(png).decode())
            assert colours >= 8, f"{name}: the screenshot looks blank ({colours} colours)"
        page.add_script_tag(content=axe)
        violations[name] = page.evaluate(RUN_AXE)
    assert violations == {name: [] for name in pages}
    assert errors == []
    assert sorted(p.name for p in shots.iterdir()) == ["configuration.png", "evaluation.png", "index.png"]
    context.close()
