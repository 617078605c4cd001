"""Where a command's data comes from: ``--example``, ``--data``, ``--store``, or the project in this folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

import pyoxigraph as ox

from cmograph.engine import StoreEngine
from cmograph.errors import UsageError
from cmograph.files import evidence_files
from cmograph.namespaces import DEFAULT_BASE
from cmograph.project import LoadResult, Project, find_project
from cmograph.report import ValidationReport
from cmograph.store import DiskStore, memory_store

EXAMPLE = "clinical-microsystems-nhs.yaml"
NO_DATA_HINT = ("try `cmograph ask what-worked --example` for the bundled example, `--data FILE` for your own "
                "evidence file, or `cmograph init` to start a project here")


class NotConforming(Exception):
    """Data was found but does not conform; the CLI prints the report and exits 1."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"{len(report)} problems")
        self.report = report


@dataclass
class Source:
    """An open store and a description of where it came from."""

    store: ox.Store
    description: str
    refreshed: LoadResult | None = None

    @property
    def engine(self) -> StoreEngine:
        return StoreEngine(self.store)


def example_path() -> Path:
    """The bundled example evidence file."""
    with as_file(files("cmograph") / "examples" / EXAMPLE) as path:
        return Path(path)


def load_memory(paths: Sequence[Path], base: str = DEFAULT_BASE,
                progress: Callable[[Path], None] | None = None) -> ox.Store:
    """Check files and put them in an in-memory store; raises :class:`NotConforming` if any fails."""
    from cmograph.validation import check_files

    checked = check_files(evidence_files(paths), base, progress)
    report = ValidationReport([d for c in checked for d in c.report.diagnostics])
    if not report.conforms:
        raise NotConforming(report)
    return memory_store(g for c in checked for g in c.graphs)


def open_source(data: Sequence[Path] = (), store: Path | None = None, example: bool = False,
                base: str | None = None, cwd: Path | None = None,
                progress: Callable[[Path], None] | None = None) -> Source:
    """Open the data a command should use, in the order of precedence of the CLI options."""
    chosen = sum([bool(data), store is not None, example])
    if chosen > 1:
        raise UsageError("use only one of --example, --data and --store")
    if example:
        return Source(load_memory([example_path()], base or DEFAULT_BASE), "the bundled example")
    if data:
        names = ", ".join(str(p) for p in data)
        return Source(load_memory(list(data), base or DEFAULT_BASE, progress), names)
    if store is not None:
        disk = DiskStore(store)
        if not disk.exists():
            raise UsageError(f"{store} is not a cmograph store", "create one with `cmograph load FILE --store DIR`")
        return Source(disk.open(), str(store))
    root = find_project(cwd or Path.cwd())
    if root is None:
        raise UsageError("no data: this folder is not a cmograph project", NO_DATA_HINT)
    project = Project(root)
    refreshed = project.refresh(progress)
    if not refreshed.report.conforms:
        raise NotConforming(refreshed.report)
    return Source(project.store.open(), f"the project in {root}", refreshed)
