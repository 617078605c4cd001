"""The whole site: every page and file, built in memory, written into a new folder beside the target and swapped
in at the end (a failed publish leaves the old site as it was)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files as package_files
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from cmograph.errors import UsageError
from cmograph.namespaces import COMMON_PREFIXES, DEFAULT_BASE
from cmograph.publish import nanopages
from cmograph.publish import ontology as ontology_docs
from cmograph.publish.answers import Table, answer_tables
from cmograph.publish.dataset import (
    TIMESTAMP,
    About,
    Dump,
    checksums,
    creators,
    description,
    dumps,
    schema_org,
)
from cmograph.publish.forms import CONTEXT_FILE, context_document, serialize
from cmograph.publish.graph import SiteGraph, cmo
from cmograph.publish.licences import licence_iri, licence_name
from cmograph.publish.nanopub import Earlier, Exported, export_nanopubs, trig
from cmograph.publish.nanopub import Settings as NanopubSettings
from cmograph.publish.pages import SiteText, render, script_json
from cmograph.publish.paths import INDEX, RDF_FORMS, check_base, site_path
from cmograph.publish.servers import htaccess, nginx_conf
from cmograph.publish.views import Page, Views
from cmograph.query.local import StoreEngine
from cmograph.version import __version__

MARKER = ".cmograph-publish"
ASSETS = ("site.css", "search.js")
SEARCH_INDEX = "assets/search.json"
CHECKSUMS = "dumps/sha256sums.txt"
NANOPUBS = "dumps/nanopubs.trig"
DCTERMS = COMMON_PREFIXES["dcterms"]


@dataclass
class Settings:
    """How to publish: the base IRI (``None``: the one the data's IRIs use), the licence (``None``: the one all
    evaluations carry), a title, where the data came from (for the provenance line) and a SPARQL endpoint."""

    base: str | None = None
    licence: str | None = None
    title: str | None = None
    inputs: list[str] = field(default_factory=list)
    endpoint: str | None = None
    default_base: bool = False
    explorer: Callable[[Path], object] | None = None  # writes the explorer into the site's folder
    nanopubs: NanopubSettings | None = None  # how to make the configurations' nanopublications, if the site has them
    earlier_nanopubs: Earlier | None = None  # an earlier export they may supersede


@dataclass
class Published:
    """What a publish wrote."""

    folder: Path
    base: str
    pages: int
    files: int
    warnings: list[str]
    nanopubs: Exported | None = None


def made_at() -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (for sites built reproducibly)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch) if epoch and epoch.isdigit() else time.time(), UTC).replace(microsecond=0)


def data_base(graph: SiteGraph) -> str:
    """The base the data's IRIs were made with: each evaluation's IRI less its (encoded) id."""
    bases = set()
    for evaluation in graph.evaluations:
        encoded = quote(graph.text(evaluation, DCTERMS + "identifier") or "", safe="")
        if not encoded or not evaluation.value.endswith(encoded):
            raise UsageError(f"the evaluation <{evaluation.value}> has no IRI made from a base and its id",
                             "name the base IRI to publish under with --base")
        bases.add(evaluation.value[: -len(encoded)])
    if len(bases) != 1:
        raise UsageError("the evaluations' IRIs do not share one base IRI", "name the base with --base IRI")
    return bases.pop()


def choose_base(graph: SiteGraph, settings: Settings) -> str:
    base = check_base(settings.base) if settings.base else data_base(graph)
    outside = [e.value for e in graph.evaluations if not e.value.startswith(base)]
    if outside:
        raise UsageError(f"the evaluation <{outside[0]}> is not under the base IRI {base}",
                         "load the data with that base (--base, or `base` in cmograph.toml), or publish under "
                         f"the base its IRIs have, {data_base(graph)}")
    if base == DEFAULT_BASE and not settings.default_base:
        raise UsageError(f"the data's IRIs are under {DEFAULT_BASE}, cmograph's default, which is not yours to serve",
                         "give the base IRI where you will publish with --base (or `base` in cmograph.toml), or "
                         "add --default-base for a preview")
    return base


def choose_licence(graph: SiteGraph, settings: Settings) -> str:
    if settings.licence:
        return licence_iri(settings.licence)
    given = {graph.text(e, DCTERMS + "license") for e in graph.evaluations}
    if None in given or not given:
        raise UsageError("no licence: a published dataset must say how others may reuse it",
                         "give one with --license (an SPDX id such as CC-BY-4.0, or a licence IRI), or `license` "
                         "in each evaluation")
    iris = {licence_iri(str(text)) for text in given}
    if len(iris) > 1:
        raise UsageError(f"the evaluations carry different licences ({', '.join(sorted(iris))})",
                         "choose the licence of the whole dataset with --license")
    return iris.pop()


def check_folder(folder: Path, replace: bool) -> None:
    """Refuse a target that is a file, a non-empty folder (unless ``replace``), or a folder this command did not
    write (never replaced: it could hold anything)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder", "name a new or empty folder for the site")
    if not folder.is_dir() or not any(folder.iterdir()):
        return
    if not replace:
        raise UsageError(f"{folder} is not empty", "add --replace to replace the site it holds, or name a new folder")
    if not (folder / MARKER).is_file():
        raise UsageError(f"{folder} holds files that `cmograph publish` did not write, so it is not replaced",
                         "name a new or empty folder for the site")


class Files(dict[str, bytes]):
    """The site's files by path; a path written twice is an error naming what collided."""

    def __init__(self) -> None:
        super().__init__()
        self.owners: dict[str, str] = {}

    def put(self, path: str, content: bytes, owner: str) -> None:
        """Add the file ``path``, written for ``owner`` (an IRI, or what the file is)."""
        named = f"<{owner}>" if "://" in owner else owner
        if path in self:
            raise UsageError(f"{self.owners[path]} and {named} would both be written to {path}",
                             "rename the element whose id makes one of them (the site's own files are index.*, "
                             "ontology.*, context.jsonld, assets/ and dumps/)")
        self[path] = content
        self.owners[path] = named


def build(store: ox.Store, settings: Settings) -> tuple[Files, str, list[str], Exported | None]:
    """Every file of the site (by path), the base IRI, warnings and the nanopublications."""
    graph = SiteGraph(store)
    if not graph.evaluations:
        raise UsageError("there is no evaluation to publish", "load evidence first, or use --example to try")
    base = choose_base(graph, settings)
    licence = choose_licence(graph, settings)
    made = made_at()
    engine = StoreEngine(store)
    answers: dict[str, list[Table]] = {e.value: answer_tables(engine, e.value) for e in graph.evaluations}
    earlier = settings.earlier_nanopubs
    nanopubs = None if settings.nanopubs is None else export_nanopubs(store, (), settings.nanopubs,
                                                                       earlier.latest if earlier else None)
    views = Views(graph, base, answers, {n.configuration: n.iri for n in nanopubs.nanopubs} if nanopubs else None)
    pages = views.pages()
    titles = [graph.label(e) for e in graph.evaluations]
    title = settings.title or (titles[0] if len(titles) == 1 else f"{len(titles)} realist evaluations")
    about = About(base, title, f"Context-mechanism-outcome configurations from {len(titles)} realist "
                  f"evaluation{'s' * (len(titles) != 1)} ({'; '.join(titles)}), with the evidence bearing on them, "
                  "published as linked data with cmograph.", licence, made, __version__, settings.endpoint)
    text = SiteText(title, licence, licence_name(licence), f"{title} [dataset]. {made.year}. {base}", about.version,
                    ", ".join(settings.inputs) or "its evidence files", made.strftime(TIMESTAMP))
    found = Files()
    context = base + CONTEXT_FILE
    for page in pages:
        found.put(f"{page.path}.html", render(page, text), page.iri)
        triples = graph.description(ox.NamedNode(page.iri))
        for form in RDF_FORMS:
            found.put(f"{page.path}.{form.suffix}", serialize(triples, form.suffix, context), page.iri)
    dumped = dumps(store)
    for dump in dumped:
        found.put(dump.path, dump.content, "the dataset's dumps")
    found.put(CHECKSUMS, checksums(dumped), "the dumps' checksums")
    dataset = description(graph, about, dumped, len(pages))
    for form in RDF_FORMS:
        found.put(f"{INDEX}.{form.suffix}", serialize(dataset, form.suffix, context), "the dataset's description")
    found.put(f"{INDEX}.html", render(index_page(views, about, dumped, len(graph.quads), pages,
                                                     settings.explorer is not None, nanopubs is not None), text), base)
    found.put(CONTEXT_FILE, context_document(), "the JSON-LD context")
    found.put(SEARCH_INDEX, search_index(pages, graph, views), "the search index")
    for name in ASSETS:
        found.put(f"assets/{name}", (package_files("cmograph.publish") / "assets" / name).read_bytes(), "the assets")
    for path, content in ontology_docs.files(text, context).items():
        found.put(path, content, "the ontology's documentation")
    found.put("nginx.conf", nginx_conf().encode(), "the nginx configuration")
    found.put(".htaccess", htaccess().encode(), "the Apache configuration")
    warnings = [f"<{s.value}> has a '?' or '#' in its IRI, so it has no page of its own (it is in the dumps)"
                for s in graph.subjects_under(base) if site_path(s.value, base) is None]
    if nanopubs is not None:
        shown = nanopages.files(nanopubs, earlier.older if earlier else [], base, views, found.put,
                                lambda page: render(page, text))
        found.put(NANOPUBS, b"\n".join(trig(n) for n in shown), "the nanopublications")
        warnings += nanopubs.warnings
    return found, base, warnings, nanopubs


def index_page(views: Views, about: About, dumped: list[Dump], triples: int, pages: list[Page],
               explorer: bool = False, nanopubs: bool = False) -> Page:
    graph = views.graph
    page = Page(INDEX, about.base, about.title, "dataset", "index.html")
    rows = []
    for evaluation in graph.evaluations:
        count = sum(1 for s in graph.subjects(cmo("inEvaluation"), evaluation)
                    if graph.is_a(s, "Configuration"))
        rows.append((views.link(evaluation, INDEX), graph.text(evaluation, DCTERMS + "issued") or "",
                     count))
    keywords = ["realist evaluation", "context-mechanism-outcome configuration", "linked data"]
    page.extra = {
        "description": about.description,
        "evaluations": rows,
        "concepts": [views.link(c, INDEX) for c in views.concepts()],
        "dumps": dumped,
        "checksums": CHECKSUMS,
        "search_index": SEARCH_INDEX,
        "explorer": explorer,
        "nanopubs": NANOPUBS if nanopubs else None,
        "statistics": f"{triples} triples, {len(pages)} resources",
        "schema_org": script_json(schema_org(about, dumped, keywords, creators(graph))),
    }
    return page


def search_index(pages: list[Page], graph: SiteGraph, views: Views) -> bytes:
    """The labels the index page's search looks through: text, kind, evaluation and the page's URL."""
    entries = []
    for page in pages:
        node = ox.NamedNode(page.iri)
        evaluation = graph.evaluation_of(node)
        entries.append({"t": page.title, "k": page.kind, "u": views.link(node, INDEX).href,
                        "e": graph.label(evaluation) if evaluation is not None and evaluation != node else ""})
    return (json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write(found: Files, folder: Path, more: Callable[[Path], object] | None = None) -> None:
    """Write the site into a new folder beside ``folder`` (and ``more`` into it: the explorer), then put it in
    ``folder``'s place."""
    folder = folder.absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.publishing-", dir=folder.parent))
    try:
        for path, content in found.items():
            target = temporary / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if more is not None:
            more(temporary)
        (temporary / MARKER).write_text("Written by `cmograph publish`, which may replace this folder.\n",
                                        encoding="utf-8")
        temporary.chmod(0o755)  # a web server's workers must read it (mkdtemp made it private)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
            folder.rename(old / folder.name)
            temporary.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            temporary.rename(folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def publish(store: ox.Store, folder: Path, settings: Settings, *, replace: bool = False) -> Published:
    """Publish the evaluations of ``store`` as a static site in ``folder`` (see :mod:`cmograph.publish`)."""
    check_folder(folder, replace)
    found, base, warnings, nanopubs = build(store, settings)
    check_folder(folder, replace)  # again: it may have changed while the site was built
    write(found, folder, settings.explorer)
    return Published(folder, base, sum(1 for p in found if p.endswith(".html")), len(found) + 1, warnings, nanopubs)

