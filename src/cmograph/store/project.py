"""A cmograph project: evidence files in ``evaluations/`` (the source of truth) and a derived store.

The store in ``.cmograph/store`` refreshes itself before every question: files whose content hash changed are
checked and reloaded, new files are added, deleted files are dropped; nothing else is touched. If a changed file
does not conform, nothing is written and the questions are not answered until it is fixed.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from cmograph.diagnostics import Diagnostic, Progress, ValidationReport
from cmograph.errors import InputError, UsageError
from cmograph.ingest.files import (
    CONCEPTS_FILES,
    PROJECT_CONFIG,
    FileSeen,
    evidence_files,
    find_project,
    is_evidence_file,
    scan_folder_seen,
)
from cmograph.namespaces import DEFAULT_BASE
from cmograph.resources import EXAMPLE, STARTER, data
from cmograph.store.disk import DiskStore, Manifest, StoreInUse

if TYPE_CHECKING:
    import pyoxigraph as ox

    from cmograph.checks.results import CheckedFile, EvaluationGraph
    from cmograph.store.answers import Forms

EVALUATIONS = "evaluations"
STARTER_NAME = "my-evaluation.yaml"  # the starter file of a new project, in its evaluations folder
STORE = ".cmograph/store"


@dataclass
class LoadResult:
    """What a load or refresh did, and the report of every file it checked."""

    report: ValidationReport = field(default_factory=ValidationReport)
    loaded: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    prepared: list[str] = field(default_factory=list)  # questions whose answers were prepared (see ``answers``)
    to_prepare: list[str] = field(default_factory=list)  # and those left to a process of their own (``background``)
    generation: Path | None = None  # the generation they are to be prepared on
    behind: str | None = None  # why a reading refresh left the store behind files that changed

    @property
    def warnings(self) -> list[str]:
        """What a reader must be told about the data it is answered from."""
        if self.behind is None:
            return []
        return [f"answering from the data as last loaded: files in evaluations/ have changed, but {self.behind}"]

    @property
    def written(self) -> bool:
        return bool(self.loaded or self.removed)


@dataclass(frozen=True)
class Settings:
    """Settings from ``cmograph.toml`` (all optional)."""

    base: str = DEFAULT_BASE
    endpoint: str | None = None
    update_endpoint: str | None = None
    license: str | None = None  # the licence `cmograph publish` gives the dataset (an SPDX id or an IRI)


def read_settings(path: Path) -> Settings:
    text = path.read_text(encoding="utf-8")
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return Settings()  # comments only, as `cmograph init` writes it: no TOML parser to import (a few ms)
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    known = {"base", "endpoint", "update_endpoint", "license"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"{path}: unknown setting '{unknown[0]}'", f"known settings: {', '.join(sorted(known))}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise InputError(f"{path}: '{key}' must be text")
    return Settings(**data)


def init_project(folder: Path, example: bool = False) -> list[tuple[str, Path]]:
    """Create a project in ``folder``: settings, ``evaluations/`` with a starter file (and, with ``example``, a copy
    of the bundled example), a ``.gitignore``; returns what was done to which file ("created", "updated", or
    "kept" for a file of the same name already there, never overwritten). Checks everything before it writes
    anything. With ``example``, a folder that is a project already just gets the example."""
    evaluations = folder / EVALUATIONS
    if (folder / PROJECT_CONFIG).exists() and example:
        _check_folders(folder, evaluations)
        evaluations.mkdir(exist_ok=True)
        return [_copy(EXAMPLE, evaluations)]
    if (folder / PROJECT_CONFIG).exists():
        raise UsageError(f"{folder} is already a cmograph project", "run `cmograph ask --list` to start asking, or "
                         "`cmograph init --example` to add the bundled example to it")
    where = folder.resolve()
    parent = find_project(where.parent) if where.parent != where else None
    if parent is not None and where.is_relative_to((parent / EVALUATIONS).resolve()):
        raise UsageError(f"{folder} is inside the evaluations folder of the project in {parent}, which would read "
                         "the new project's files as its own", "start the new project outside that folder")
    _check_folders(folder, evaluations)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / PROJECT_CONFIG
    config.write_text(
        "# cmograph project settings (all optional)\n"
        f'# base = "{DEFAULT_BASE}"   # where the IRIs of your evaluations live\n'
        '# endpoint = "http://127.0.0.1:7878/query"   # a SPARQL server to ask instead of the local store\n',
        encoding="utf-8",
    )
    done = [("created", config)]
    evaluations.mkdir(exist_ok=True)
    starter = _copy(STARTER, evaluations, STARTER_NAME)
    if starter[0] == "created":
        done.append(starter)
    if example:
        done.append(_copy(EXAMPLE, evaluations))
    ignore = folder / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.exists() else []
    if ".cmograph/" not in lines:
        done.append(("updated" if ignore.exists() else "created", ignore))
        ignore.write_text("\n".join([*lines, ".cmograph/"]) + "\n", encoding="utf-8")
    return done


def _check_folders(*paths: Path) -> None:
    for path in paths:
        if path.exists() and not path.is_dir():
            raise UsageError(f"{path} is a file, where the project needs a folder", "move it, or start elsewhere")


def _copy(name: str, folder: Path, as_name: str | None = None) -> tuple[str, Path]:
    """Copy the bundled ``examples/name`` into ``folder`` (as ``as_name``), byte for byte, unless a file of that
    name is there."""
    target = folder / (as_name or name)
    if target.exists():
        return "kept", target
    target.write_bytes((data("examples") / name).read_bytes())
    return "created", target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_into(store: DiskStore, paths: Sequence[Path], base: str = DEFAULT_BASE, *, refresh_root: Path | None = None,
              progress: Progress | None = None, recheck: bool = False, concepts: Path | None = None,
              seen: Mapping[Path, FileSeen] | None = None) -> LoadResult:
    """Check ``paths`` and, only if every one conforms, write them into ``store`` in one atomic step.

    With ``refresh_root`` the paths are the whole set of files the store should hold: files the manifest knows
    but that are no longer named (or no longer exist) are dropped, and unchanged files are not re-checked.
    Unless there is nothing to do, the store's writer lock is held throughout, so the manifest read here is the
    one replaced, and a second writer is refused at once, before it spends time checking files. With ``recheck``
    every file is checked and loaded again, changed or not.

    ``concepts`` is the project's concept scheme (see :mod:`cmograph.ingest.concepts`): checked again, against
    the evaluations as they will be, whenever it or any evaluation changed, and written in the same step.
    ``seen`` is what a scan of the folder saw of the paths (:func:`~cmograph.ingest.files.scan_folder_seen`), so
    that telling whether they changed needs no second status call per file.
    """
    if up_to_date(store, paths, refresh_root, concepts, seen) and not recheck:
        return LoadResult(unchanged=len(paths))
    with store.writing():
        return _load_into(store, paths, base, refresh_root, progress, recheck, concepts)


def up_to_date(store: DiskStore, paths: Sequence[Path], root: Path | None, concepts: Path | None = None,
               seen: Mapping[Path, FileSeen] | None = None) -> bool:
    """Whether ``store`` holds the files ``paths`` and the concept scheme ``concepts`` of the project in ``root`` as
    they are now, and nothing else (``seen``: see :func:`load_into`)."""
    if root is None or not store.exists():
        return False
    manifest = store.manifest()
    seen = seen or {}
    keyed = _keys(paths, root, seen)
    return (set(keyed) == set(manifest.files)
            and all(unchanged(manifest.files[k], p, seen[p][0] if p in seen else None) for k, p in keyed.items())
            and not _concepts_changed(manifest, concepts, root))


def _concepts_changed(manifest: Manifest, concepts: Path | None, root: Path | None) -> bool:
    """Whether the concept scheme differs from the one the store holds (or is new, or gone)."""
    recorded = manifest.concepts
    if concepts is None or recorded is None:
        return (concepts is None) != (recorded is None)
    return recorded["path"] != next(iter(_keys([concepts], root))) or not unchanged(recorded, concepts)


RACY_NS = 2_000_000_000  # a file changed this soon before it was read may change again with the same timestamp


def unchanged(entry: dict[str, Any] | None, path: Path, status: os.stat_result | None = None) -> bool:
    """Whether ``path`` still holds what ``entry`` recorded: by size, times and inode (see
    :func:`~cmograph.checks.pipeline.file_stat`) when the file had not been touched for a while when it was read (as git
    and make do), else by content hash. ``status`` is the file's status if it was just taken."""
    if entry is None:
        return False
    recorded = entry.get("stat")
    if recorded is not None and len(recorded) == 5 and max(recorded[1], recorded[3]) < recorded[2] - RACY_NS:
        seen = status or path.stat()
        if (seen.st_size, seen.st_mtime_ns, seen.st_ctime_ns, seen.st_ino) == (*recorded[:2], *recorded[3:]):
            return True
    return bool(entry["digest"] == digest(path))


class _Rejected(Exception):
    """A file did not conform: the generation being written is abandoned."""


def _load_into(store: DiskStore, paths: Sequence[Path], base: str, refresh_root: Path | None,
               progress: Progress | None, recheck: bool, concepts: Path | None) -> LoadResult:
    manifest = store.manifest()
    result = LoadResult()
    keyed = _keys(paths, refresh_root)
    todo = [p for k, p in keyed.items()
            if refresh_root is None or recheck or not unchanged(manifest.files.get(k), p)]
    result.unchanged = len(keyed) - len(todo)
    keys = {path: key for key, path in keyed.items()}
    kept = {k for k in manifest.files if refresh_root is None or k in keyed}
    gone = [k for k in manifest.files if k not in kept]
    # the files read again own nothing until they are: one may take the id another gives up in the same edit
    again = {keys[p] for p in todo}
    new = Manifest({k: v for k, v in manifest.files.items() if k in kept - again}, manifest.concepts)
    remove = [g for k in gone for g in manifest.files[k]["evaluations"].values()]
    remove += [g for p in todo for g in manifest.files.get(keys[p], {}).get("evaluations", {}).values()]
    changed = _concepts_changed(manifest, concepts, refresh_root)
    if not todo and not gone and not changed and not recheck and store.exists():
        return result
    if manifest.concepts is not None:  # checked again below: its members may have gone with an evaluation
        remove.append(manifest.concepts["graph"])
        new.concepts = None
    from cmograph.checks.crossfile import display_names, shared_graph
    from cmograph.checks.pipeline import iter_checked

    # checked before the store is opened, which may start worker processes; named apart from the project's others
    checked = iter_checked(todo, base, progress, among=list(keyed.values()))
    # of the files checked, what the references among all files are checked against (not the files themselves:
    # their N-Quads, held until the end, took as much memory as the whole store's, 2.5 GiB at 10M triples)
    configurations: set[str] = set()
    graphs: set[str] = set()

    def added() -> Iterator[EvaluationGraph]:
        """Each checked file's graphs, as it is checked; every file is checked even after one fails; then the
        references among all the files the store will hold."""
        owners, holders = new.owners()  # kept up to date below: looking each graph up in the manifest took n²
        for item in checked:
            result.report.extend(item.report.diagnostics)
            configurations.update(item.items.configurations)
            graphs.update(str(g.graph) for g in item.graphs)
            if not result.report.conforms:
                continue
            key = keys[item.path]
            for graph in item.graphs:
                other = owners.get(graph.evaluation_id)
                if other is not None:
                    raise InputError(f"{item.path.name}: the evaluation '{graph.evaluation_id}' is already loaded "
                                     f"from {other}", "give each evaluation its own id; nothing was loaded")
                holder = holders.get(str(graph.graph))
                if holder is not None:
                    problem = shared_graph(item.path.name, graph, holder[1], holder[0])
                    raise InputError(f"{problem.location}: {problem.message}", f"{problem.hint}; nothing was loaded")
            new.files[key] = _entry(item)
            for graph in item.graphs:
                owners.setdefault(graph.evaluation_id, key)
                holders.setdefault(str(graph.graph), (key, graph.evaluation_id))
            result.loaded.extend(g.evaluation_id for g in item.graphs)
            yield from item.graphs
        if result.report.conforms:
            shown = display_names(list(keyed.values()))
            result.report.extend(_reference_problems(store, new, configurations, graphs,
                                                     {k: shown[p] for k, p in keyed.items()},
                                                     complete=refresh_root is not None))
        if not result.report.conforms:
            raise _Rejected

    def scheme(written: ox.Store) -> list[EvaluationGraph]:
        """The concept scheme's graph, checked against the evaluations as written."""
        if concepts is None or not result.report.conforms:
            return []
        from cmograph.checks.concepts import check_scheme
        from cmograph.checks.pipeline import file_stat

        stat, content = file_stat(concepts), digest(concepts)
        problems, graph = check_scheme(concepts, written, base)
        result.report.extend(problems.diagnostics)
        if graph is None:
            raise _Rejected
        new.concepts = {"path": next(iter(_keys([concepts], refresh_root))), "digest": content, "stat": stat,
                        "graph": str(graph.graph)}
        return [graph]

    try:
        store.write(remove, added(), new, scheme)
    except _Rejected:
        result.loaded.clear()
        return result
    result.removed.extend(eid for k in gone for eid in manifest.files[k]["evaluations"])
    return result


def _entry(item: CheckedFile) -> dict[str, object]:
    entry: dict[str, object] = {"digest": item.digest, "stat": item.stat,
                                "evaluations": {g.evaluation_id: str(g.graph) for g in item.graphs}}
    if item.items.references:  # kept, so that a change to the evaluations they name is checked against them
        entry["references"] = [r.to_json() for r in item.items.references]
    return entry


CONFIGURATIONS = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
SELECT ?g ?c WHERE { GRAPH ?g { ?c a cmo:Configuration } }
"""


def _reference_problems(store: DiskStore, manifest: Manifest, fresh: set[str], fresh_graphs: set[str],
                        shown: dict[str, str], *, complete: bool) -> list[Diagnostic]:
    """The problems of the references the files of the new ``manifest`` make to other evaluations' configurations
    (kept in the manifest, so that an unchanged file's are checked again when the evaluations they name change),
    checked against the configurations ``fresh`` of the files just checked (whose graphs are ``fresh_graphs``) and
    those of the unchanged ones (read from the live store). Files are named as ``shown`` says, by manifest key."""
    from cmograph.checks.crossfile import check_references
    from cmograph.checks.results import Reference

    referring = {key: entry["references"] for key, entry in manifest.files.items() if entry.get("references")}
    if not referring:
        return []
    evaluations = {graph.removesuffix("/graph"): eid for entry in manifest.files.values()
                   for eid, graph in entry["evaluations"].items()}
    configurations = set(fresh)
    if store.live() is not None:
        found = store.open().query(CONFIGURATIONS)
        assert isinstance(found, ox.QuerySolutions)
        for row in found:
            graph, configuration = row["g"], row["c"]
            if (isinstance(graph, ox.NamedNode) and isinstance(configuration, ox.NamedNode)
                    and graph.value not in fresh_graphs and graph.value.removesuffix("/graph") in evaluations):
                configurations.add(configuration.value)
    files = [(shown.get(key, key), [Reference.from_json(r) for r in refs]) for key, refs in referring.items()]
    return check_references(files, evaluations, configurations, complete=complete)


def _keys(paths: Sequence[Path], root: Path | None, seen: Mapping[Path, FileSeen] | None = None) -> dict[str, Path]:
    """Each path by its key in the manifest: relative to ``root`` (symbolic links followed) when it lies below
    it, else absolute. Folders are resolved once each and files only when they are links, so that checking
    thousands of files before every question stays cheap (``seen`` tells which are links without asking again)."""
    top = os.path.realpath(root) + os.sep if root is not None else None
    folders: dict[str, str] = {}
    keyed: dict[str, Path] = {}
    for path in paths:
        folder, name = os.path.split(os.fspath(path))
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(os.path.abspath(folder))
        full = os.path.join(real, name)
        if (seen[path][1] if seen and path in seen else os.path.islink(full)):
            full = os.path.realpath(full)
        keyed[full[len(top):].replace(os.sep, "/") if top and full.startswith(top) else full] = path
    return keyed


@dataclass
class Project:
    """A project folder (its path may be given as text)."""

    root: Path

    def __post_init__(self) -> None:
        self.root = Path(self.root)

    @property
    def settings(self) -> Settings:
        return read_settings(self.root / PROJECT_CONFIG)

    @property
    def store(self) -> DiskStore:
        return DiskStore(self.root / STORE)

    def evidence(self) -> list[Path]:
        """The project's evidence files (an error if ``evaluations/`` is missing: its evaluations are not dropped)."""
        return list(self.evidence_seen())

    def evidence_seen(self) -> dict[Path, FileSeen]:
        """:meth:`evidence`, each file with what one folder scan saw of it (see :func:`load_into`)."""
        folder = self.root / EVALUATIONS
        if not folder.is_dir():
            raise InputError(f"{folder}: the project's evaluations folder is missing",
                             "restore it (an empty folder removes every evaluation); nothing was changed")
        return scan_folder_seen(folder)

    def concepts(self) -> Path | None:
        """The project's concept scheme, ``concepts.yaml`` (or ``.yml``, or SKOS as ``concepts.ttl``) beside
        ``cmograph.toml``, if it has one."""
        found = [self.root / name for name in CONCEPTS_FILES if (self.root / name).is_file()]
        if len(found) > 1:
            raise UsageError(f"{self.root} has two concept schemes: {found[0].name} and {found[1].name}",
                             "keep one of them; nothing was changed")
        return found[0] if found else None

    def refresh(self, progress: Progress | None = None, *, reading: bool = False, recheck: bool = False) -> LoadResult:
        """Bring the store up to date with ``evaluations/`` (with ``recheck``, check and load every file again).

        For ``reading`` (a question), a store another process is writing is left to it, and a store that cannot be
        written is read as it is: the question is then answered from the data loaded before, never from a mix,
        and the result says why (``behind``).
        """
        try:
            seen = self.evidence_seen()
            return load_into(self.store, list(seen), self.settings.base, refresh_root=self.root,
                             progress=progress, recheck=recheck, concepts=self.concepts(), seen=seen)
        except StoreInUse as busy:
            if not reading:
                raise
            return LoadResult(behind=f"another cmograph command (PID {busy.holder}) is loading the store now; ask "
                              "again once it has finished")
        except OSError as exc:
            if not reading or exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise
            return LoadResult(behind=f"the store cannot be updated ({exc.strerror}); run `cmograph load` where "
                              "you may write the project's .cmograph/ folder")


def project_or_store(store: Path | None, cwd: Path) -> tuple[DiskStore, Project | None]:
    """The store a write goes to: ``--store DIR``, else the project's."""
    if store is not None:
        return DiskStore(store), None
    root = find_project(cwd)
    if root is None:
        raise UsageError("no store: this folder is not a cmograph project and no --store was given",
                         "run `cmograph init` here, or name a store folder with --store DIR")
    project = Project(root)
    return project.store, project


def load_paths(paths: Sequence[Path], store: Path | None = None, base: str | None = None,
               cwd: Path | None = None, progress: Progress | None = None, *, prepare: bool | None = None,
               preparing: Progress | None = None, recheck: bool = False, forms: Forms | None = None,
               background: bool = False) -> LoadResult:
    """``cmograph load``: in a project, copy the files into ``evaluations/`` and refresh; else load a store.

    Either every file conforms and all are loaded in one atomic step, or nothing changes (files included). Then
    the answers to the questions that need no option are prepared (:func:`cmograph.store.answers.prepare_answers`),
    and kept as printed in ``forms`` too: by default only on a large store, with ``prepare=True`` always, with
    ``prepare=False`` never. With ``background``, answers prepared by default are not: the result names them
    (``to_prepare``) and the generation, for a process of their own. With ``recheck``, every file is checked and
    loaded again, changed or not.

    A project whose store is up to date is not written at all (so a read-only project loads with nothing to do).
    """
    from cmograph.store.answers import prepare_answers

    disk, project = project_or_store(store, cwd or Path.cwd())
    if project is not None and not paths and not recheck and not prepare:
        files_ = project.evidence()
        if up_to_date(disk, files_, project.root, project.concepts()):
            due = [] if prepare is False else prepare_answers(disk, dry_run=True)
            if not due:
                return LoadResult(unchanged=len(files_))
            if background:
                return LoadResult(unchanged=len(files_), to_prepare=due, generation=disk.live())
    with disk.writing():  # a second writer is refused before anything is checked or copied
        if project is None:
            result = load_into(disk, evidence_files(paths), base or DEFAULT_BASE, progress=progress)
        else:
            result = _load_into_project(project, paths, base, progress, recheck)
        if result.report.conforms and prepare is None and background:
            result.to_prepare, result.generation = prepare_answers(disk, dry_run=True), disk.live()
        elif result.report.conforms and prepare is not False:
            result.prepared = prepare_answers(disk, preparing, force=bool(prepare), forms=forms)
        return result


def _load_into_project(project: Project, paths: Sequence[Path], base: str | None,
                       progress: Progress | None, recheck: bool) -> LoadResult:
    from cmograph.checks.pipeline import check_files

    if not paths:
        return project.refresh(progress, recheck=recheck)
    files_ = evidence_files(paths)
    folder = project.root / EVALUATIONS
    result = LoadResult()
    for item in check_files(files_, base or project.settings.base, progress):
        result.report.extend(item.report.diagnostics)
    if not result.report.conforms:
        return result
    copies: list[tuple[Path, Path]] = []
    for path in files_:
        target = folder / path.name
        if path.resolve().parent == folder.resolve():
            continue
        if target.exists():
            if target.read_bytes() != path.read_bytes():
                raise UsageError(f"{target} already exists with other content",
                                 "edit that file, or rename yours; nothing was loaded")
            continue
        copies.append((path, target))
    folder.mkdir(exist_ok=True)
    for path, target in copies:
        target.write_bytes(path.read_bytes())
    try:
        refreshed = project.refresh(progress, recheck=recheck)
    except BaseException:
        for _, target in copies:
            target.unlink(missing_ok=True)
        raise
    if not refreshed.report.conforms:
        for _, target in copies:
            target.unlink(missing_ok=True)
    return refreshed


def check_not_evidence(output: Path, data: Sequence[Path], cwd: Path) -> None:
    """Refuse to write ``output`` over evidence: a file in a project's evaluations folder, one of the ``data``
    files or folders being read, or a YAML or JSON evidence file anywhere."""
    target = output.resolve()
    root = find_project(target.parent)
    if root is not None and target.is_relative_to((root / EVALUATIONS).resolve()):
        raise UsageError(f"{output} is in the evaluations folder of the project in {root}, where every file is "
                         "read as evidence", "write the export outside evaluations/; nothing was written")
    for path in data:
        if target == path.resolve() or target.is_relative_to(path.resolve()):
            raise UsageError(f"{output} is evidence being read (--data {path})",
                             "name another output file; nothing was written")
    if is_evidence_file(target):
        raise UsageError(f"{output} is an evidence file, which an export would replace",
                         "name another output file; nothing was written")


def project_paths(paths: Sequence[Path], base: str | None, cwd: Path) -> tuple[list[Path], str]:
    """The files a command should check (``paths``, else the project's) and the base IRI to use."""
    root = find_project(cwd)
    settings = Project(root).settings if root else Settings()
    if paths:
        return evidence_files(paths), base or settings.base
    if root is None:
        raise UsageError("no files given and this folder is not a cmograph project",
                         "name evidence files or folders, e.g. `cmograph validate ford.yaml`")
    found = Project(root).evidence()
    if not found:
        raise UsageError(f"{root / EVALUATIONS} holds no evidence files", "add a .yaml file there")
    return found, base or settings.base


def project_concepts(cwd: Path) -> Path | None:
    """The concept scheme of the project in (or above) ``cwd``, if there is a project and it has one."""
    root = find_project(cwd)
    return Project(root).concepts() if root is not None else None
