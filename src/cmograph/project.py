"""A cmograph project: evidence files in ``evaluations/`` (the source of truth) and a derived store.

The store in ``.cmograph/store`` refreshes itself before every question: files whose content hash changed are
checked and reloaded, new files are added, deleted files are dropped; nothing else is touched. If a changed file
does not conform, nothing is written and the questions are not answered until it is fixed.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmograph.errors import InputError, UsageError
from cmograph.files import evidence_files, scan_folder
from cmograph.namespaces import DEFAULT_BASE
from cmograph.report import Progress, ValidationReport
from cmograph.store import DiskStore, Manifest, StoreInUse

if TYPE_CHECKING:
    from cmograph.validation import CheckedFile, EvaluationGraph

CONFIG = "cmograph.toml"
EVALUATIONS = "evaluations"
STORE = ".cmograph/store"


@dataclass
class LoadResult:
    """What a load or refresh did, and the report of every file it checked."""

    report: ValidationReport = field(default_factory=ValidationReport)
    loaded: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    prepared: list[str] = field(default_factory=list)  # questions whose answers were prepared (see ``answers``)

    @property
    def written(self) -> bool:
        return bool(self.loaded or self.removed)


@dataclass(frozen=True)
class Settings:
    """Settings from ``cmograph.toml`` (all optional)."""

    base: str = DEFAULT_BASE
    endpoint: str | None = None
    update_endpoint: str | None = None


def read_settings(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    known = {"base", "endpoint", "update_endpoint"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"{path}: unknown setting '{unknown[0]}'", f"known settings: {', '.join(sorted(known))}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise InputError(f"{path}: '{key}' must be text")
    return Settings(**data)


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``cmograph.toml``."""
    for folder in (start, *start.parents):
        if (folder / CONFIG).is_file():
            return folder
    return None


def init_project(folder: Path) -> list[tuple[str, Path]]:
    """Create a project in ``folder``: settings, ``evaluations/`` with a starter file, a ``.gitignore``; returns
    what was done to which file ("created", "updated"). Checks everything before it writes anything."""
    if (folder / CONFIG).exists():
        raise UsageError(f"{folder} is already a cmograph project", "run `cmograph ask --list` to start asking")
    where = folder.resolve()
    parent = find_project(where.parent) if where.parent != where else None
    if parent is not None and where.is_relative_to((parent / EVALUATIONS).resolve()):
        raise UsageError(f"{folder} is inside the evaluations folder of the project in {parent}, which would read "
                         "the new project's files as its own", "start the new project outside that folder")
    evaluations = folder / EVALUATIONS
    for path in (folder, evaluations):
        if path.exists() and not path.is_dir():
            raise UsageError(f"{path} is a file, where the project needs a folder", "move it, or start elsewhere")
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / CONFIG
    config.write_text(
        "# cmograph project settings (all optional)\n"
        f'# base = "{DEFAULT_BASE}"   # where the IRIs of your evaluations live\n'
        '# endpoint = "http://127.0.0.1:7878/query"   # a SPARQL server to ask instead of the local store\n',
        encoding="utf-8",
    )
    done = [("created", config)]
    evaluations.mkdir(exist_ok=True)
    starter = evaluations / "my-evaluation.yaml"
    if not starter.exists():
        starter.write_text((files("cmograph") / "examples" / "starter.yaml").read_text(encoding="utf-8"),
                           encoding="utf-8")
        done.append(("created", starter))
    ignore = folder / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.exists() else []
    if ".cmograph/" not in lines:
        done.append(("updated" if ignore.exists() else "created", ignore))
        ignore.write_text("\n".join([*lines, ".cmograph/"]) + "\n", encoding="utf-8")
    return done


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_into(store: DiskStore, paths: Sequence[Path], base: str = DEFAULT_BASE, *, refresh_root: Path | None = None,
              progress: Progress | None = None) -> LoadResult:
    """Check ``paths`` and, only if every one conforms, write them into ``store`` in one atomic step.

    With ``refresh_root`` the paths are the whole set of files the store should hold: files the manifest knows
    but that are no longer named (or no longer exist) are dropped, and unchanged files are not re-checked.
    Unless there is nothing to do, the store's writer lock is held throughout, so the manifest read here is the
    one replaced, and a second writer is refused at once, before it spends time checking files.
    """
    if refresh_root is not None and store.exists() and _up_to_date(store.manifest(), paths, refresh_root):
        return LoadResult(unchanged=len(paths))
    with store.writing():
        return _load_into(store, paths, base, refresh_root, progress)


def _up_to_date(manifest: Manifest, paths: Sequence[Path], root: Path) -> bool:
    keyed = _keys(paths, root)
    return set(keyed) == set(manifest.files) and all(_unchanged(manifest.files[k], p) for k, p in keyed.items())


RACY_NS = 2_000_000_000  # a file changed this soon before it was read may change again with the same timestamp


def _unchanged(entry: dict[str, Any] | None, path: Path) -> bool:
    """Whether ``path`` still holds what ``entry`` recorded: by size and modification time when the file had
    not been touched for a while when it was read (as git and make do), else by content hash."""
    if entry is None:
        return False
    recorded = entry.get("stat")
    if recorded is not None and recorded[1] < recorded[2] - RACY_NS:
        seen = path.stat()
        if (seen.st_size, seen.st_mtime_ns) == (recorded[0], recorded[1]):
            return True
    return bool(entry["digest"] == digest(path))


class _Rejected(Exception):
    """A file did not conform: the generation being written is abandoned."""


def _load_into(store: DiskStore, paths: Sequence[Path], base: str, refresh_root: Path | None,
               progress: Progress | None) -> LoadResult:
    manifest = store.manifest()
    result = LoadResult()
    keyed = _keys(paths, refresh_root)
    todo = [p for k, p in keyed.items() if refresh_root is None or not _unchanged(manifest.files.get(k), p)]
    result.unchanged = len(keyed) - len(todo)
    keys = {path: key for key, path in keyed.items()}
    kept = {k for k in manifest.files if refresh_root is None or k in keyed}
    gone = [k for k in manifest.files if k not in kept]
    # the files read again own nothing until they are: one may take the id another gives up in the same edit
    again = {keys[p] for p in todo}
    new = Manifest({k: v for k, v in manifest.files.items() if k in kept - again})
    remove = [g for k in gone for g in manifest.files[k]["evaluations"].values()]
    remove += [g for p in todo for g in manifest.files.get(keys[p], {}).get("evaluations", {}).values()]
    if not todo and not gone and store.exists():
        return result
    from cmograph.validation import iter_checked

    # checked before the store is opened, which may start worker processes; named apart from the project's others
    checked = iter_checked(todo, base, progress, among=list(keyed.values()))

    def added() -> Iterator[EvaluationGraph]:
        """Each checked file's graphs, as it is checked; every file is checked even after one fails."""
        for item in checked:
            result.report.extend(item.report.diagnostics)
            if not result.report.conforms:
                continue
            key = keys[item.path]
            for graph in item.graphs:
                other = new.owner(graph.evaluation_id)
                if other is not None:
                    raise InputError(f"{item.path.name}: the evaluation '{graph.evaluation_id}' is already loaded "
                                     f"from {other}", "give each evaluation its own id; nothing was loaded")
            new.files[key] = _entry(item)
            result.loaded.extend(g.evaluation_id for g in item.graphs)
            yield from item.graphs
        if not result.report.conforms:
            raise _Rejected

    try:
        store.write(remove, added(), new)
    except _Rejected:
        result.loaded.clear()
        return result
    result.removed.extend(eid for k in gone for eid in manifest.files[k]["evaluations"])
    return result


def _entry(item: CheckedFile) -> dict[str, object]:
    return {"digest": item.digest, "stat": item.stat,
            "evaluations": {g.evaluation_id: str(g.graph) for g in item.graphs}}


def _keys(paths: Sequence[Path], root: Path | None) -> dict[str, Path]:
    """Each path by its key in the manifest: relative to ``root`` (symbolic links followed) when it lies below
    it, else absolute. Folders are resolved once each and files only when they are links, so that checking
    thousands of files before every question stays cheap."""
    top = os.path.realpath(root) + os.sep if root is not None else None
    folders: dict[str, str] = {}
    keyed: dict[str, Path] = {}
    for path in paths:
        folder, name = os.path.split(os.path.abspath(path))
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder)
        full = os.path.join(real, name)
        if os.path.islink(full):
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
        return read_settings(self.root / CONFIG)

    @property
    def store(self) -> DiskStore:
        return DiskStore(self.root / STORE)

    def evidence(self) -> list[Path]:
        """The project's evidence files (an error if ``evaluations/`` is missing: its evaluations are not dropped)."""
        folder = self.root / EVALUATIONS
        if not folder.is_dir():
            raise InputError(f"{folder}: the project's evaluations folder is missing",
                             "restore it (an empty folder removes every evaluation); nothing was changed")
        return scan_folder(folder)

    def refresh(self, progress: Progress | None = None, *, reading: bool = False) -> LoadResult:
        """Bring the store up to date with ``evaluations/``.

        For ``reading`` (a question), a store another process is writing is left to it: the question is then
        answered from the data loaded before that write, or after it, never from a mix.
        """
        try:
            return load_into(self.store, self.evidence(), self.settings.base, refresh_root=self.root,
                             progress=progress)
        except StoreInUse:
            if not reading:
                raise
            return LoadResult()


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
               preparing: Progress | None = None) -> LoadResult:
    """``cmograph load``: in a project, copy the files into ``evaluations/`` and refresh; else load a store.

    Either every file conforms and all are loaded in one atomic step, or nothing changes (files included). Then
    the answers to the questions that need no option are prepared (:func:`cmograph.answers.prepare_answers`):
    by default only on a large store, with ``prepare=True`` always, with ``prepare=False`` never.
    """
    disk, project = project_or_store(store, cwd or Path.cwd())
    with disk.writing():  # a second writer is refused before anything is checked or copied
        if project is None:
            result = load_into(disk, evidence_files(paths), base or DEFAULT_BASE, progress=progress)
        else:
            result = _load_into_project(project, paths, base, progress)
        if result.report.conforms and prepare is not False:
            from cmograph.answers import prepare_answers

            result.prepared = prepare_answers(disk, preparing, force=bool(prepare))
        return result


def _load_into_project(project: Project, paths: Sequence[Path], base: str | None,
                       progress: Progress | None) -> LoadResult:
    from cmograph.validation import check_files

    if not paths:
        return project.refresh(progress)
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
        refreshed = project.refresh(progress)
    except BaseException:
        for _, target in copies:
            target.unlink(missing_ok=True)
        raise
    if not refreshed.report.conforms:
        for _, target in copies:
            target.unlink(missing_ok=True)
    return refreshed


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
