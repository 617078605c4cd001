"""Answers kept with the store generation that gave them, so asking again, or paging with ``--offset``, is instant.

A generation is never written again once it is live, so the rows a query gave on it stay its rows: they are
kept in the generation's ``answers/`` folder, one JSON file per query text (the SPARQL with every option bound),
when the query took long enough to be worth keeping and the answer is not too large (the limits below). A load
writes a new generation, whose folder starts empty, and removes the old ones with their answers, so a kept
answer is never older than the data. At a million triples the largest questions take 2-10 s from disk the first
time and 0.3-1.3 s after.

``cmograph load`` also prepares answers (:func:`prepare_answers`): on a large store it answers every question
that needs no option once, so that even the first ask of each reads a kept answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from cmograph.diagnostics import Progress
from cmograph.query.catalogue import Question, questions
from cmograph.query.local import StoreEngine
from cmograph.query.names import NameIndex
from cmograph.query.run import Answer, ask, prepare
from cmograph.query.types import Row
from cmograph.store.disk import GRAPHS, DiskStore

ANSWERS = "answers"  # a generation's folder of kept answers
Forms = Callable[[Answer], dict[str, bytes]]  # an answer as printed, by format (see :func:`prepare_answers`)
KEEP_AFTER_SECONDS = 0.5  # answers that took less are not worth a file
KEEP_AT_MOST_BYTES = 256 * 1024 * 1024  # nor are answers larger than this
KEEP_IN_ALL_BYTES = 1024 * 1024 * 1024  # a generation keeps no more answers once they take this much
PREPARE_FROM_BYTES = 32 * 1024 * 1024  # below about 150k triples (of N-Quads snapshots) every question is quick
PREPARE_IN_MEMORY_BYTES = 640 * 1024 * 1024  # up to about 3M triples, prepared on a copy in memory (~1 GiB per 1M)


class KeptAnswers:
    """An engine that answers from a generation's kept answers when it can, and keeps the slow ones it runs."""

    def __init__(self, engine: StoreEngine, generation: Path, keep_after: float | None = None) -> None:
        self.engine = engine
        self.folder = generation / ANSWERS
        self.keep_after = KEEP_AFTER_SECONDS if keep_after is None else keep_after

    @property
    def lateral(self) -> bool:
        return self.engine.lateral

    @property
    def concurrent(self) -> bool:
        return self.engine.concurrent

    def names(self) -> NameIndex | None:
        return self.engine.names()

    def several_evaluations(self) -> bool:
        return self.engine.several_evaluations()

    def check_default_graph(self) -> None:
        self.engine.check_default_graph()

    def path(self, sparql: str) -> Path:
        """Where the answer to ``sparql`` is kept."""
        return self.folder / (hashlib.sha256(sparql.encode("utf-8")).hexdigest()[:40] + ".json")

    def form_path(self, sparql: str, form: str) -> Path:
        """Where the answer to ``sparql`` is kept as printed in ``form`` (``csv``, say), beside its rows."""
        rows = self.path(sparql)
        return rows.with_name(f"{rows.stem}.printed.{form}")

    def note_path(self, sparql: str) -> Path:
        """Where what the answer to ``sparql`` left out by design is kept (its note; empty for none)."""
        rows = self.path(sparql)
        return rows.with_name(f"{rows.stem}.note.txt")

    def kept_form(self, sparql: str, form: str) -> tuple[bytes, str | None] | None:
        """The answer to ``sparql`` as printed in ``form``, with its note, if both are kept (with its rows)."""
        if not self.path(sparql).is_file():
            return None
        try:
            note = self.note_path(sparql).read_text(encoding="utf-8")
            return self.form_path(sparql, form).read_bytes(), note or None
        except (OSError, ValueError):
            return None

    def keep_form(self, sparql: str, form: str, data: bytes, note: str | None) -> None:
        """Keep the answer to ``sparql`` as printed in ``form``, and its note, when its rows are kept: printing
        50,000 rows of a kept answer again then reads two files instead of reading its rows, tidying and rendering
        them, and asking what it left out (about 1 s at 1M triples)."""
        if self.path(sparql).is_file():
            _write(self.note_path(sparql), (note or "").encode("utf-8"))  # first: a printed form comes with its note
            _write(self.form_path(sparql, form), data)

    def select(self, sparql: str) -> tuple[list[str], list[Row]]:
        path = self.path(sparql)
        kept = _read(path, sparql)
        if kept is not None:
            return kept
        started = time.perf_counter()
        variables, rows = self.engine.select(sparql)
        if time.perf_counter() - started >= self.keep_after:
            _keep(path, sparql, variables, rows)
        return variables, rows


def _read(path: Path, sparql: str) -> tuple[list[str], list[Row]] | None:
    """The answer kept in ``path`` for ``sparql``; ``None`` if there is none (or only a damaged file)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):  # none kept, or unreadable: run the query
        return None
    if not isinstance(data, dict) or data.get("sparql") != sparql:
        return None
    return data["variables"], data["rows"]


def _keep(path: Path, sparql: str, variables: list[str], rows: list[Row]) -> None:
    """Write the answer beside the generation, atomically. Keeping is only a saving: a store folder that cannot be
    written (read-only, full, or its generation already removed by a newer load) answers as before."""
    data = {"sparql": sparql, "variables": variables, "rows": rows}
    _write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _write(path: Path, data: bytes) -> None:
    """Write a kept file atomically, within the limits above; nothing (and no error) where it cannot be."""
    if len(data) > KEEP_AT_MOST_BYTES:
        return
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        if sum(kept.stat().st_size for kept in path.parent.iterdir() if kept.suffix != ".tmp") + len(data) > (
                KEEP_IN_ALL_BYTES):
            return
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def prepare_answers(disk: DiskStore, progress: Progress | None = None, *, force: bool = False,
                    workers: int = 2, dry_run: bool = False, forms: Forms | None = None) -> list[str]:
    """Answer, once, each question that needs no option and has no kept answer yet, and keep every answer, so that
    the first ``cmograph ask`` of each reads it (at 1M triples: 0.3-1.6 s instead of 1.3-11 s). Returns the ids
    of the questions whose answers were kept (an answer over the limits above is not); with ``dry_run``, the ids
    of those it would answer, writing nothing and taking no lock. ``forms`` gives an answer as printed in
    some formats (``{"csv": ...}``): those are kept too, so that printing it is reading a file.

    Unless ``force``, a store is prepared only when its snapshots take from :data:`PREPARE_FROM_BYTES` (below,
    every question answers in under a second anyway) to :data:`PREPARE_IN_MEMORY_BYTES`. Up to that size the
    questions run on a copy of the generation in memory (4-6x faster than from disk: 10-13 s at 1M triples,
    1 GiB); above it, only when forced, from disk, so that memory stays bounded (minutes at 10M). ``workers``
    questions run at once (the store works outside Python's lock). The store's writer lock is held while
    answers are written, so the generation prepared is the live one.
    """
    if not disk.exists():  # nothing loaded yet (or not a store): nothing to prepare, and no folder to make
        return []
    if dry_run:
        generation = disk.live()
        return [q.id for q, _ in _preparation(disk, generation, force)[0]] if generation is not None else []
    with disk.writing():
        generation = disk.live()
        if generation is None:
            return []
        return prepare_generation(disk, generation, progress, force=force, workers=workers, forms=forms)


def prepare_generation(disk: DiskStore, generation: Path, progress: Progress | None = None, *, force: bool = False,
                       workers: int = 2, forms: Forms | None = None) -> list[str]:
    """:func:`prepare_answers` on the generation in the folder ``generation``, taking no lock: a generation never
    changes once written and each answer is written whole, so this may run in a process of its own while the
    store moves on (the answers then go to a generation no longer live, and are deleted with it)."""
    todo, size, store = _preparation(disk, generation, force)
    if not todo:
        return []
    if size <= PREPARE_IN_MEMORY_BYTES:
        store = disk.open_generation(generation, memory=True)
    kept = KeptAnswers(StoreEngine(store), generation, keep_after=0.0)
    from concurrent.futures import ThreadPoolExecutor, as_completed

    pool = ThreadPoolExecutor(max(1, workers))
    try:
        answering = {pool.submit(ask, q, kept, {}): q.id for q, _ in todo}
        for done, future in enumerate(as_completed(answering), 1):
            answer = future.result()
            printed = forms(answer) if forms is not None else {}
            # the note asks the store itself: through ``kept``, what the answer left out would be kept as a file too
            note = replace(answer, engine=kept.engine).note if printed else None
            for form, data in printed.items():
                kept.keep_form(answer.sparql, form, data, note)
            if progress is not None:
                progress(done, len(todo), answering[future])
    finally:  # after an error or an interrupt, the questions not started are not started
        pool.shutdown(wait=True, cancel_futures=True)
    return [q.id for q, path in todo if path.is_file()]


def _preparation(disk: DiskStore, generation: Path, force: bool) -> tuple[list[tuple[Question, Path]], int, ox.Store]:
    """The questions to prepare on ``generation`` (none when its size does not call for it, unless ``force``), the
    size of its snapshots in bytes, and the generation opened read-only."""
    snapshots = generation / GRAPHS
    size = sum(f.stat().st_size for f in snapshots.iterdir()) if snapshots.is_dir() else 0
    if not force and not PREPARE_FROM_BYTES <= size <= PREPARE_IN_MEMORY_BYTES:
        return [], size, ox.Store()
    store = disk.open_generation(generation)
    return _unanswered(KeptAnswers(StoreEngine(store), generation)), size, store


def _unanswered(kept: KeptAnswers) -> list[tuple[Question, Path]]:
    """The questions that need no option and whose answer is not kept, with where it is to be kept."""
    wanted = [(q, kept.path(prepare(q, kept, {}))) for q in questions().values()
              if not any(p.required for p in q.parameters)]
    return [(q, path) for q, path in wanted if not path.is_file()]
