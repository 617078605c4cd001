"""The embedded store: Oxigraph on disk, written in immutable generations so nothing is ever half-written.

A store folder holds numbered generations (``gen-000001/``), each an Oxigraph database plus ``manifest.json``
(which file gave which evaluation, with its content hash), and a ``CURRENT`` file naming the live generation.
A write copies the live generation (a cheap RocksDB checkpoint), changes the copy, and then replaces ``CURRENT``
atomically: a crash at any moment leaves the old generation live and untouched, readers always see one whole
generation, and one writer at a time is enforced by a lock file that names its holder's PID.

Each generation also keeps every evaluation graph as an N-Quads file in ``graphs/`` (hard links to the previous
generation's for graphs that did not change), so a long-lived process can load the whole generation into an
in-memory store (``DiskStore.open(memory=True)``), which answers the aggregating questions 4-6x faster than the
on-disk database; see ``docs/performance.md``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from cmograph.errors import StoreError
from cmograph.namespaces import ONTOLOGY_IRI
from cmograph.resources import data
from cmograph.store import lock

if TYPE_CHECKING:
    from cmograph.checks.results import EvaluationGraph

ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY_IRI)
STORE_FORMAT = 1
GRAPHS = "graphs"  # a generation's folder of N-Quads snapshots, one per evaluation graph
BATCH_BYTES = 64 * 1024 * 1024  # N-Quads handed to one bulk load (about 250k triples)
OPTIMIZE_BYTES = 16 * 1024 * 1024  # a write that loads this much (about 60k triples) compacts the database


class StoreInUse(StoreError):
    """Another process is writing the store; ``holder`` is its PID."""

    def __init__(self, message: str, hint: str | None = None, holder: str = "unknown") -> None:
        super().__init__(message, hint)
        self.holder = holder


@cache
def ontology_quads() -> tuple[ox.Quad, ...]:
    """The shipped ontology as quads in its own named graph."""
    text = (data("ontology") / "cmograph.ttl").read_bytes()
    return tuple(ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH)
                 for t in ox.parse(text, format=ox.RdfFormat.TURTLE))


@dataclass
class Manifest:
    """Which file gave which evaluations, with the hash of the file's content when it was loaded."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> {digest, evaluations: {id: graph}}
    concepts: dict[str, Any] | None = None  # the project's concept scheme: {path, digest, stat, graph}

    def graphs(self) -> dict[str, str]:
        """Evaluation id -> named graph IRI, over all files."""
        return {eid: g for entry in self.files.values() for eid, g in entry["evaluations"].items()}

    def owners(self) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
        """Who gave what: the file of each evaluation id, and the file and evaluation id of each named graph (the
        first file, in the manifest's order, where two give one)."""
        ids: dict[str, str] = {}
        graphs: dict[str, tuple[str, str]] = {}
        for path, entry in self.files.items():
            for eid, graph in entry["evaluations"].items():
                ids.setdefault(eid, path)
                graphs.setdefault(graph, (path, eid))
        return ids, graphs

    def to_json(self) -> str:
        written: dict[str, Any] = {"format": STORE_FORMAT, "files": self.files}
        if self.concepts is not None:
            written["concepts"] = self.concepts
        return json.dumps(written, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format") != STORE_FORMAT:
            raise StoreError(f"the store was written by an incompatible cmograph (format {data.get('format')})",
                             "delete the store folder; it is rebuilt from your evidence files")
        return cls(data["files"], data.get("concepts"))


def memory_store(graphs: Iterable[EvaluationGraph]) -> ox.Store:
    """An in-memory store with the ontology and the given evaluations (for ``--data`` and ``--example``)."""
    store = ox.Store()
    store.extend(ontology_quads())
    for graph in graphs:
        store.bulk_load(graph.nquads, format=ox.RdfFormat.N_QUADS)
    return store


class DiskStore:
    """A store folder on disk (see the module docstring)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    # ------------------------------------------------------------------ reading

    def live(self) -> Path | None:
        """The folder of the live generation (``None`` before the first write)."""
        try:
            name = (self.path / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        generation = self.path / name
        if not (generation / "oxigraph").is_dir():
            raise StoreError(f"{self.path}: the store names a generation that is missing ({name})",
                             "delete the store folder; it is rebuilt from your evidence files")
        return generation

    def exists(self) -> bool:
        return (self.path / "CURRENT").is_file()

    def manifest(self) -> Manifest:
        current = self.live()
        if current is None:
            return Manifest()
        try:
            return Manifest.from_json((current / "manifest.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise self._gone(current) from None

    def open(self, *, memory: bool = False) -> ox.Store:
        """The live generation, read-only (it is never written again), or with ``memory`` a copy in memory.

        The in-memory copy takes about 0.4 s per 100k triples to load and then answers like
        :func:`memory_store`; it suits a process that asks many questions (a notebook, a script).
        """
        return self.open_live(memory=memory)[0]

    def open_live(self, *, memory: bool = False) -> tuple[ox.Store, Path | None]:
        """:meth:`open`, with the folder of the generation opened (``None`` for a store not yet written)."""
        current = self.live()
        if current is None:
            return memory_store([]), None
        return self.open_generation(current, memory=memory), current

    def open_generation(self, current: Path, *, memory: bool = False) -> ox.Store:
        """The generation in the folder ``current`` (live or not), as :meth:`open` opens the live one."""
        try:
            disk = ox.Store.read_only(str(current / "oxigraph"))
            if not memory:
                return disk
            store = ox.Store()
            snapshots = current / GRAPHS
            if snapshots.is_dir():  # one N-Quads file per evaluation graph, plus the ontology
                store.extend(ontology_quads())
                for snapshot in sorted(snapshots.iterdir()):
                    store.load(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
            else:  # a generation written before snapshots were kept: copy the database (slower, same quads)
                store.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
            return store
        except (OSError, RuntimeError) as exc:  # RocksDB reports a file deleted under it as corruption
            if self._moved_on(current):
                raise self._gone(current) from None
            raise StoreError(f"{self.path}: the store cannot be opened ({exc})",
                             "delete the store folder; it is rebuilt from your evidence files") from None

    def _moved_on(self, generation: Path) -> bool:
        """Whether ``generation`` is no longer the live one, or no longer whole (deleted while it was read)."""
        try:
            name = (self.path / "CURRENT").read_text(encoding="utf-8").strip()
        except OSError:
            return True
        return name != generation.name or not (generation / "manifest.json").is_file()

    def _gone(self, generation: Path) -> StoreError:
        return StoreError(f"{self.path}: the store changed or was deleted while it was being read "
                          f"({generation.name})", "run the command again")

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the one-writer lock (re-entrant in this process); :class:`StoreInUse` at once if another holds it."""
        if lock.is_held(self.path / "lock"):
            yield
            return
        self._check_is_a_store()
        self.path.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(lock.held(self.path / "lock"))
            except lock.Busy as busy:
                raise StoreInUse(f"the store {self.path} is in use (PID {busy.holder})",
                                 "wait for the other cmograph command to finish, then try again",
                                 busy.holder) from None
            yield

    def _check_is_a_store(self) -> None:
        """Refuse to write into a path that is a file, or a folder of other files (a mistyped ``--store``)."""
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: not a folder, so it cannot hold a store",
                             "name a new or empty folder, or a cmograph store, with --store")
        if self.path.is_dir() and not self.exists():
            others = sorted(p.name for p in self.path.iterdir() if p.name not in ("lock", "CURRENT.tmp")
                            and not p.name.startswith("gen-"))
            if others:
                raise StoreError(f"{self.path}: this folder holds other files ({', '.join(others[:3])}"
                                 f"{', ...' if len(others) > 3 else ''}), so cmograph will not make it a store",
                                 "name a new or empty folder, or a cmograph store, with --store")

    def write(self, remove: Iterable[str], add: Iterable[EvaluationGraph], manifest: Manifest,
              finish: Callable[[ox.Store], Iterable[EvaluationGraph]] | None = None) -> None:
        """Atomically replace graphs: drop the ``remove`` graph IRIs, add ``add``, record ``manifest``.

        ``add`` is consumed as the new generation is built, in batches of about :data:`BATCH_BYTES`, so memory
        stays bounded whatever the size of the load; if it raises, the new generation is deleted and the store
        is exactly as it was. ``finish`` is then given the new generation's store, whole, and gives graphs to add
        that depend on it (the concept scheme, whose members must be elements of the store); it may raise too.
        ``manifest`` is written once both are done (it may be filled in meanwhile).
        """
        import shutil  # here, not at start-up: questions only read
        import traceback

        with self.writing():
            current = self.live()
            number = 1 + max([int(p.name[4:]) for p in self.path.glob("gen-*") if p.name[4:].isdigit()] or [0])
            generation = self.path / f"gen-{number:06d}"
            generation.mkdir()
            store: ox.Store | None = None
            removed = list(remove)
            try:
                if current is not None:
                    ox.Store.read_only(str(current / "oxigraph")).backup(str(generation / "oxigraph"))
                store = ox.Store(str(generation / "oxigraph"))
                store.remove_graph(ONTOLOGY_GRAPH)
                store.extend(ontology_quads())
                for name in removed:
                    store.remove_graph(ox.NamedNode(name))
                snapshots = _Snapshots(current, generation / GRAPHS, removed)
                total = _bulk_load(store, add, snapshots)
                for graph in finish(store) if finish is not None else ():
                    snapshots.write(graph)
                    store.bulk_load(graph.nquads, format=ox.RdfFormat.N_QUADS)
                if total >= OPTIMIZE_BYTES:  # compact what bulk loads left in many files: queries 20-25% faster
                    store.optimize()
                store.flush()
                store = None  # closes the database
                _write_synced(generation / "manifest.json", manifest.to_json())
            except BaseException as exc:
                # close the half-written generation, then delete it: the store is as it was. The frames of the
                # failure (``finish``'s, say) hold the database too: cleared, so that it closes now and a later
                # write in this process (a library user's, a test's) is not refused its lock
                traceback.clear_frames(exc.__traceback__)
                store = None
                shutil.rmtree(generation, ignore_errors=True)
                if isinstance(exc, OSError) and _no_room(exc):
                    raise StoreError(f"{self.path}: there is no room to write the store ({exc})",
                                     "free some space on that disk (or name a store elsewhere with --store), then "
                                     "run the command again; nothing was changed") from None
                raise
            _write_synced(self.path / "CURRENT.tmp", generation.name)
            os.replace(self.path / "CURRENT.tmp", self.path / "CURRENT")
            _fsync_dir(self.path)
            self._collect({generation.name, current.name if current else generation.name})

    def _collect(self, keep: set[str]) -> None:
        """Delete every generation but the live one and the one before it (a reader may still use it)."""
        import shutil

        for generation in self.path.glob("gen-*"):
            if generation.name not in keep:
                shutil.rmtree(generation, ignore_errors=True)


_FULL = {errno.ENOSPC: "No space left on device", errno.EDQUOT: "Disk quota exceeded", errno.EFBIG: "File too large"}


def _bulk_load(store: ox.Store, graphs: Iterable[EvaluationGraph], snapshots: _Snapshots) -> int:
    """Load ``graphs`` into ``store`` in batches of about :data:`BATCH_BYTES`, keeping each one's snapshot; returns
    the bytes loaded. A batch loads on a thread while the next is gathered: the bulk load works outside Python's
    lock, so taking the next graphs from their worker processes goes on (otherwise the workers stop once they are
    a few files ahead, for the 3-6 s each batch takes). An error in either is raised once the other has stopped."""
    from concurrent.futures import Future, ThreadPoolExecutor

    total = 0
    with ThreadPoolExecutor(1, thread_name_prefix="cmograph-bulk-load") as loader:
        loading: Future[None] | None = None
        batch: list[bytes] = []
        size = 0
        for graph in graphs:
            snapshots.write(graph)
            batch.append(graph.nquads)
            size += len(graph.nquads)
            if size >= BATCH_BYTES:
                if loading is not None:
                    loading.result()  # one batch in memory beside the one gathered: memory stays bounded
                loading = loader.submit(store.bulk_load, b"".join(batch), format=ox.RdfFormat.N_QUADS)
                total, batch, size = total + size, [], 0
        if loading is not None:
            loading.result()
    if batch:
        store.bulk_load(b"".join(batch), format=ox.RdfFormat.N_QUADS)
    return total + size


def _no_room(error: OSError) -> bool:
    """Whether ``error`` says the disk is full, or the user's quota, or the size a file may grow to; RocksDB's errors
    give no ``errno``, only the system's text."""
    return error.errno in _FULL or (error.errno is None and any(text in str(error) for text in _FULL.values()))


def snapshot_name(graph: str) -> str:
    """The file a graph's N-Quads snapshot is kept in, inside a generation's ``graphs/``."""
    return hashlib.sha256(graph.encode("utf-8")).hexdigest()[:40] + ".nq"


class _Snapshots:
    """A new generation's ``graphs/``: the unchanged graphs' snapshots linked from ``current``, the added ones
    written (not synced: they are derived, and only read once the generation is live)."""

    def __init__(self, current: Path | None, folder: Path, removed: Iterable[str]) -> None:
        previous = current / GRAPHS if current is not None else None
        self.folder: Path | None = folder
        if previous is not None and not previous.is_dir():
            self.folder = None  # a generation written before snapshots were kept: its successors work from disk
            return
        folder.mkdir()
        dropped = {snapshot_name(name) for name in removed}
        if previous is not None:
            for snapshot in previous.iterdir():
                if snapshot.name not in dropped:
                    os.link(snapshot, folder / snapshot.name)

    def write(self, graph: EvaluationGraph) -> None:
        if self.folder is not None:
            (self.folder / snapshot_name(str(graph.graph))).write_bytes(graph.nquads)


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
