"""Check evidence files (YAML, JSON or RDF): read each, check its structure, build its triples, run the shapes and
the consistency rules, and tell what is wrong among the files; many files are checked in worker processes."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from cmograph.checks.consistency import check_consistency
from cmograph.checks.crossfile import Claims, check_references, display_names, items_of
from cmograph.checks.quotes import check_quotes
from cmograph.checks.rdf_input import check_rdf
from cmograph.checks.results import CheckedFile, EvaluationGraph
from cmograph.checks.shapes import Locator, compiled_shapes, shape_diagnostics
from cmograph.checks.structure import check_structure
from cmograph.checks.workers import can_fork, in_workers, usable_cores
from cmograph.diagnostics import Diagnostic, Progress, ValidationReport
from cmograph.errors import InputError
from cmograph.format.vocab import DEFAULT_BASE
from cmograph.ingest.build import build
from cmograph.ingest.convert import ox_triples
from cmograph.ingest.files import EVIDENCE_SUFFIXES, SUFFIXES, evidence_files
from cmograph.ingest.rdf import MAX_RDF_BYTES, is_rdf, parse_rdf
from cmograph.ingest.yaml_json import MAX_EVIDENCE_BYTES, check_size, read_document

PARALLEL_FILES = 8  # from this many files on, they are checked in worker processes, one per core


def check_file(path: Path, base: str = DEFAULT_BASE) -> CheckedFile:
    """Read and validate one file. Unreadable files raise :class:`InputError`; problems go in the report."""
    try:
        check_size(path, MAX_EVIDENCE_BYTES if path.suffix.lower() in EVIDENCE_SUFFIXES else MAX_RDF_BYTES)
        stat = file_stat(path)
        content = path.read_bytes()  # read once: what is checked and loaded is what the digest names
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})", "check the path") from None
    result = CheckedFile(path, hashlib.sha256(content).hexdigest(), stat)
    suffix = path.suffix.lower()
    if suffix in EVIDENCE_SUFFIXES:
        doc = read_document(path, content)
        problems = check_structure(doc)
        if problems:
            result.report.extend(problems)
            return result
        built = build(doc, base)
        locator = Locator(doc.name, built.origins, built.key_lines, built.ids, built.prefixes)
        ntriples = ox.serialize(ox_triples(built.triples), format=ox.RdfFormat.N_TRIPLES) or b""
        result.report.extend(shape_diagnostics(ntriples, locator))
        result.report.extend(check_consistency(built.triples, doc.name, built.origins, built.key_lines))
        result.report.extend(check_quotes(doc))
        result.items = items_of(built.triples, built.origins, built.key_lines)
        if result.report.conforms:
            result.graphs.append(EvaluationGraph.of_ntriples(built.evaluation_id, built.graph, ntriples))
    elif is_rdf(path):
        data = Graph()
        for s, p, o, _ in parse_rdf(path, content).quads((None, None, None, None)):
            data.add((s, p, o))
        problems, graphs, result.items = check_rdf(path.name, data)
        result.report.extend(problems)
        result.graphs.extend(graphs)
    else:
        raise InputError(f"{path.name}: not an evidence file", f"use one of {', '.join(SUFFIXES)}")
    if not result.report.conforms:
        result.graphs.clear()
    return result


def file_stat(path: Path) -> tuple[int, ...]:
    """What tells a file's content changed without reading it, as git does: its size, modification and status-change
    times and inode number (an edit that keeps the size and sets the old modification time back, as ``touch -d``,
    ``cp -p``, ``rsync -t`` and ``tar x`` do, still changes the status-change time or the inode), and when they were
    looked at (ns). See :func:`cmograph.store.project.unchanged`."""
    seen = path.stat()
    return seen.st_size, seen.st_mtime_ns, time.time_ns(), seen.st_ctime_ns, seen.st_ino


def check_files(paths: Sequence[Path], base: str = DEFAULT_BASE, progress: Progress | None = None, *,
                complete: bool = False, keep_graphs: bool = True) -> list[CheckedFile]:
    """Check several files; an evaluation id given by two files is an error in the second, and a reference to a
    configuration of another evaluation is checked among them (see :func:`with_references_checked`). Without
    ``keep_graphs`` each file's graphs are dropped as soon as it is checked (2.5 GiB at 10M triples)."""
    checked = []
    for item in iter_checked(paths, base, progress):
        if not keep_graphs:
            item.graphs.clear()
        checked.append(item)
    return with_references_checked(checked, complete=complete)


def with_references_checked(checked: list[CheckedFile], *, complete: bool) -> list[CheckedFile]:
    """``checked`` with the problems of the references each file makes to the others' configurations added to its
    report: ``complete`` files are a whole project, where an evaluation none of them gives is an error (else a
    warning that the reference could not be checked)."""
    evaluations = {iri: eid for c in checked for iri, eid in c.items.evaluations.items()}
    configurations = {iri for c in checked for iri in c.items.configurations}
    shown = display_names([c.path for c in checked])
    names = [shown.get(c.path, c.path.name) for c in checked]
    problems: dict[str, list[Diagnostic]] = {}
    for problem in check_references([(name, c.items.references) for name, c in zip(names, checked, strict=True)],
                                    evaluations, configurations, complete=complete):
        problems.setdefault(problem.location.file, []).append(problem)
    for name, item in zip(names, checked, strict=True):
        item.report.extend(problems.get(name, []))
        if not item.report.conforms:
            item.graphs.clear()
    return checked


def iter_checked(paths: Sequence[Path], base: str = DEFAULT_BASE, progress: Progress | None = None,
                 among: Sequence[Path] = ()) -> Iterator[CheckedFile]:
    """:func:`check_files` one file at a time, in order, so a caller can write each before the next is read.

    Messages name each file so that it is told apart from the other ``paths`` and ``among`` (the rest of a
    project, when only some of its files are checked again); see :func:`~cmograph.checks.crossfile.display_names`.

    Many files are checked in worker processes (forked here, when this function is called, not later: call it
    before opening anything that runs threads); an error reading one is raised as it would be here.
    """
    workers = min(usable_cores(), len(paths))
    shown = display_names([*paths, *among])
    if len(paths) < PARALLEL_FILES or workers < 2 or not can_fork():
        return _numbered((check_file(path, base) for path in paths), len(paths), shown, progress)
    compiled_shapes()  # compiled once, here, and inherited by the workers
    return _numbered(in_workers(partial(check_file, base=base), paths, workers), len(paths), shown, progress)


def _numbered(checked: Iterable[CheckedFile], total: int, shown: dict[Path, str],
              progress: Progress | None) -> Iterator[CheckedFile]:
    """Name files as ``shown``, flag an evaluation given by two files (an error in the second), and report
    progress."""
    claims = Claims(shown)
    for done, item in enumerate(checked, 1):
        name = shown.get(item.path, item.path.name)
        if name != item.path.name:
            item.report.diagnostics = [_renamed(d, name) if d.location.file == item.path.name else d
                                       for d in item.report.diagnostics]
        item.report.extend(claims.claim(item))
        if not item.report.conforms:
            item.graphs.clear()
        yield item
        if progress is not None:
            progress(done, total, name)


def _renamed(diagnostic: Diagnostic, file: str) -> Diagnostic:
    return replace(diagnostic, location=replace(diagnostic.location, file=file))


def validate_paths(paths: Sequence[Path | str] | Path | str, base: str = DEFAULT_BASE,
                   progress: Progress | None = None, concepts: Path | str | None = None, *,
                   complete: bool = False) -> ValidationReport:
    """Check files and folders (or one of them), and the concept scheme ``concepts`` among them; one report for
    all of them. ``complete``: they are a whole project, so a reference to an evaluation none of them gives is an
    error, not a warning."""
    named = [paths] if isinstance(paths, Path | str) else paths
    # only a concept scheme is checked against the graphs: without one, none are held
    checked = check_files(evidence_files([Path(p) for p in named]), base, progress, complete=complete,
                          keep_graphs=concepts is not None)
    report = ValidationReport([d for c in checked for d in c.report.diagnostics])
    if concepts is not None:
        report.extend(scheme_problems(Path(concepts), checked, base, among=report.conforms))
    return report


def scheme_problems(concepts: Path, checked: Sequence[CheckedFile], base: str, *, among: bool) -> list[Diagnostic]:
    """The problems of the concept scheme ``concepts``: ``among`` the evaluations ``checked`` (its members must be
    their elements), or, while they have errors of their own, those of the file alone."""
    from cmograph.checks.concepts import check_scheme
    from cmograph.ingest.concepts import read_scheme

    if not among:
        return read_scheme(concepts, base).problems
    store = ox.Store()
    for item in checked:
        for graph in item.graphs:
            store.bulk_load(graph.nquads, format=ox.RdfFormat.N_QUADS)
    return check_scheme(concepts, store, base)[0].diagnostics

