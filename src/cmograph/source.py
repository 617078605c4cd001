"""Where a command's data comes from: ``--example``, ``--data``, ``--store``, ``--endpoint``, or the project in
this folder (its store, or the endpoint its ``cmograph.toml`` names)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from cmograph.diagnostics import Progress, ValidationReport
from cmograph.errors import NotConforming, UsageError
from cmograph.ingest.files import evidence_files, find_project
from cmograph.namespaces import DEFAULT_BASE
from cmograph.query.local import StoreEngine
from cmograph.resources import EXAMPLE, EXAMPLES, data
from cmograph.store.disk import DiskStore, memory_store
from cmograph.store.project import LoadResult, Project

if TYPE_CHECKING:
    from cmograph.query.engine import Engine
    from cmograph.query.raw import QueryResult
    from cmograph.query.run import Answer
    from cmograph.remote.endpoint import Endpoint

NO_DATA_HINT = ("try `cmograph ask what-worked --example` for the bundled example, `--data FILE` for your own "
                "evidence file, or `cmograph init` to start a project here")


@dataclass
class Source:
    """An open store, or a SPARQL endpoint (``remote``), and a description of where it came from."""

    store: ox.Store | None
    description: str
    refreshed: LoadResult | None = None
    remote: Endpoint | None = None
    many: bool = False  # opened to answer many questions: names are resolved through an index
    generation: Path | None = None  # the store generation opened, where slow answers are kept (not when ``many``)

    @property
    def warnings(self) -> list[str]:
        """What a user must be told about the data before its answers (e.g. that it is not the latest)."""
        return self.refreshed.warnings if self.refreshed is not None else []

    @cached_property
    def engine(self) -> Engine:
        if self.remote is not None:
            return self.remote
        engine = StoreEngine(self.local(), index_names=self.many)
        if self.generation is None or self.many:  # in memory, answers are quick already
            return engine
        from cmograph.store.answers import KeptAnswers

        return KeptAnswers(engine, self.generation)

    def ask(self, question: str, options: Mapping[str, Any] | None = None, *, like: bool = False) -> Answer:
        """Answer a canned question, e.g. ``ask("what-worked", {"for": "Nurses"})``; options are named as on
        the command line (without ``--``) and take names, ids or IRIs, as there."""
        from cmograph.query.catalogue import get_question
        from cmograph.query.run import ask

        return ask(get_question(question), self.engine, options or {}, like=like)

    def local(self) -> ox.Store:
        """The store, for a source that is not an endpoint (``open_source(..., remote=False)`` gives one)."""
        assert self.store is not None, "an endpoint has no local store"
        return self.store

    def run_query(self, sparql: str, max_rows: int | None = None) -> QueryResult:
        """``cmograph query``: the user's read-only SPARQL, on the store or the endpoint; an error at more than
        ``max_rows`` rows or triples (default :data:`~cmograph.query.raw.QUERY_ROWS`, ``0``: no cap)."""
        from cmograph.query.raw import QUERY_ROWS, check_rows, run_query

        max_rows = QUERY_ROWS if max_rows is None else max_rows
        if self.remote is None:
            return run_query(self.local(), sparql, max_rows=max_rows)
        result = self.remote.run_query(sparql)
        check_rows(len(result.rows) if result.triples is None else result.triples.count("\n"), max_rows)
        return result

    def export(self, fmt: str, evaluations: Sequence[str] = ()) -> bytes:
        """``cmograph export``: the chosen evaluations' graphs (all by default) in ``fmt``."""
        from cmograph.render.rdf import export

        store = self.remote.dataset(evaluations) if self.remote is not None else self.local()
        return export(store, fmt, evaluations)


def example_path(name: str = EXAMPLE) -> Path:
    """A bundled example evidence file: by default the published evaluation."""
    return data("examples") / name


def example_paths() -> list[Path]:
    """The files ``--example`` reads: the published evaluation and the made-up follow-up that builds on it."""
    return [example_path(name) for name in EXAMPLES]


def load_memory(paths: Sequence[Path], base: str = DEFAULT_BASE,
                progress: Progress | None = None, concepts: Path | None = None) -> ox.Store:
    """Check files, and the concept scheme ``concepts`` among them, and put them in an in-memory store; raises
    :class:`NotConforming` if any fails."""
    from cmograph.checks.pipeline import check_files

    checked = check_files(evidence_files(paths), base, progress)
    report = ValidationReport([d for c in checked for d in c.report.diagnostics])
    if not report.conforms:
        raise NotConforming(report)
    store = memory_store(g for c in checked for g in c.graphs)
    if concepts is not None:
        from cmograph.checks.concepts import check_scheme

        problems, graph = check_scheme(concepts, store, base)
        if graph is None:
            raise NotConforming(problems)
        store.bulk_load(graph.nquads, format=ox.RdfFormat.N_QUADS)
    return store


def open_data(project: Path | str | None = None, *, data: Sequence[Path | str] = (), store: Path | str | None = None,
              example: bool = False, endpoint: str | None = None, memory: bool = False,
              base: str | None = None, concepts: Path | str | None = None) -> Source:
    """Open data to ask questions of, from Python: the project in (or above) ``project`` (default: the current
    folder), brought up to date first; or evidence files (``data``), a store folder, the bundled ``example``, or
    a SPARQL ``endpoint``. With ``memory`` a project or store is read into memory once and the names of its
    elements are indexed, after which questions are answered 4-6x faster than from disk (for notebooks and
    scripts that ask many)::

        data = cmograph.open_data("my-study", memory=True)
        answer = data.ask("what-worked", {"for": "Nurses"})
        answer.columns, answer.rows

    Raises :class:`~cmograph.UsageError` or :class:`~cmograph.InputError` as the command line would report
    them, and :class:`NotConforming` (with the ``report``) when the evidence does not conform. ``concepts`` is a
    concept scheme file (``concepts.yaml``) to read with ``data`` or the ``example``; a project reads its own.
    """
    return open_source([Path(p) for p in data], None if store is None else Path(store), example, base,
                       None if project is None else Path(project), endpoint=endpoint, memory=memory,
                       concepts=None if concepts is None else Path(concepts))


def open_source(data: Sequence[Path] = (), store: Path | None = None, example: bool = False,
                base: str | None = None, cwd: Path | None = None,
                progress: Progress | None = None, endpoint: str | None = None,
                *, remote: bool = True, memory: bool = False, concepts: Path | None = None) -> Source:
    """Open the data a command should use, in the order of precedence of the CLI options.

    With ``remote=False`` a project's ``endpoint`` setting is ignored (for commands that read the local data);
    with ``memory`` a store is read into memory (see :meth:`DiskStore.open`) and names are resolved through an
    index (see :mod:`cmograph.query.names`): the mode for asking many questions.
    """
    chosen = sum([bool(data), store is not None, example, endpoint is not None])
    if chosen > 1:
        raise UsageError("use only one of --example, --data, --store and --endpoint")
    if concepts is not None and not (data or example):
        raise UsageError("--concepts goes with --data or --example",
                         "a project reads its own concepts.yaml, and a store holds the scheme loaded into it")
    if endpoint is not None:
        return open_endpoint(endpoint)
    if example:
        return Source(load_memory(example_paths(), base or DEFAULT_BASE, concepts=concepts), "the bundled example",
                      many=memory)
    if data:
        names = ", ".join(str(p) for p in data)
        return Source(load_memory(list(data), base or DEFAULT_BASE, progress, concepts), names, many=memory)
    if store is not None:
        disk = DiskStore(store)
        if not disk.exists():
            raise UsageError(f"{store} is not a cmograph store", "create one with `cmograph load FILE --store DIR`")
        opened, generation = disk.open_live(memory=memory)
        return Source(opened, str(store), many=memory, generation=generation)
    root = find_project(cwd or Path.cwd())
    if root is None:
        raise UsageError("no data: this folder is not a cmograph project", NO_DATA_HINT)
    project = Project(root)
    if remote and project.settings.endpoint:
        return open_endpoint(project.settings.endpoint, root / "cmograph.toml")
    refreshed = project.refresh(progress, reading=True)
    if not refreshed.report.conforms:
        raise NotConforming(refreshed.report)
    opened, generation = project.store.open_live(memory=memory)
    return Source(opened, f"the project in {root}", refreshed, many=memory, generation=generation)


def open_endpoint(url: str, settings: Path | None = None) -> Source:
    """A SPARQL endpoint as a source of data: one the user named, or one a project's ``settings`` file names."""
    from cmograph.remote.endpoint import Endpoint

    remote = Endpoint(url, from_project=settings is not None)
    origin = f" (from {settings})" if settings is not None else ""
    return Source(None, f"the endpoint {remote.url}{origin}", remote=remote)
