"""Check evidence files (YAML, JSON or RDF) against the shapes and say what is wrong in plain words.

A user never sees a raw SHACL report: each result becomes one :class:`Diagnostic` naming the file, the item
(``cmocs[BS3]``), the key (``context``), what was found, what was expected and a hint.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import multiprocessing
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import RDF, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cmograph.checks.consistency import check_consistency
from cmograph.diagnostics import Diagnostic, Progress, Severity, ValidationReport
from cmograph.errors import InputError
from cmograph.format.generate import curie
from cmograph.format.model import (
    ENUMERATIONS,
    LISTS,
    NUMBER_DECIMALS,
    NUMBER_DIGITS,
    NUMBER_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    TOP_LEVEL_KEYS,
    section_for_class,
)
from cmograph.format.values import kept_decimal
from cmograph.format.vocab import CMO, DEFAULT_BASE
from cmograph.ingest.build import Origin, Triple, build, check_structure
from cmograph.ingest.convert import ox_triples
from cmograph.ingest.files import EVIDENCE_SUFFIXES, SUFFIXES, evidence_files
from cmograph.ingest.rdf import MAX_RDF_BYTES, is_rdf, parse_rdf
from cmograph.ingest.yaml_json import MAX_EVIDENCE_BYTES, check_size, read_document
from cmograph.resources import data

DCTERMS_IDENTIFIER = URIRef("http://purl.org/dc/terms/identifier")
NOTATIONS: dict[Node, str] = {e.iri(v): v for e in ENUMERATIONS for v in e.values}


@dataclass
class EvaluationGraph:
    """The triples of one evaluation in its named graph, as N-Quads: what the store loads and keeps as the graph's
    snapshot, and cheap to pass from the process that checked the file to the one that writes the store."""

    evaluation_id: str
    graph: URIRef
    nquads: bytes

    @classmethod
    def of(cls, evaluation_id: str, graph: URIRef, triples: Sequence[ox.Triple]) -> EvaluationGraph:
        name = ox.NamedNode(str(graph))
        quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        return cls(evaluation_id, graph, ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

    def quads(self) -> list[ox.Quad]:
        return list(ox.parse(self.nquads, format=ox.RdfFormat.N_QUADS))

    def size(self) -> int:
        """How many distinct triples the graph holds (read back from the N-Quads: not for hot paths)."""
        return len(set(self.quads()))


@dataclass
class CheckedFile:
    """One file after checking: its content hash, its evaluations (if it conforms) and its report."""

    path: Path
    digest: str
    stat: tuple[int, ...] | None = None  # see file_stat: taken before reading
    graphs: list[EvaluationGraph] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)


@dataclass
class _Locator:
    """Maps graph nodes back to places in the file for messages."""

    file: str
    origins: dict[Node, Origin]
    key_lines: dict[tuple[Node, str], int]
    ids: dict[str, dict[str, str]]
    prefixes: dict[str, str] = field(default_factory=dict)  # as declared under 'prefixes' in the file
    rdf: bool = False  # an RDF file: hints name properties and RDF terms, not keys


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes shipped with cmograph."""
    text = (data("shapes") / "cmograph.shapes.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


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
        locator = _Locator(doc.name, built.origins, built.key_lines, built.ids, built.prefixes)
        triples = ox_triples(built.triples)
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        result.report.extend(_shacl(store, locator))
        result.report.extend(check_consistency(built.triples, doc.name, built.origins, built.key_lines))
        if result.report.conforms:
            result.graphs.append(EvaluationGraph.of(built.evaluation_id, built.graph, triples))
    elif is_rdf(path):
        data = Graph()
        for s, p, o, _ in parse_rdf(path, content).quads((None, None, None, None)):
            data.add((s, p, o))
        _check_rdf(path.name, data, result)
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


def check_files(paths: Sequence[Path], base: str = DEFAULT_BASE,
                progress: Progress | None = None) -> list[CheckedFile]:
    """Check several files; an evaluation id given by two files is an error in the second."""
    return list(iter_checked(paths, base, progress))


PARALLEL_FILES = 8  # from this many files on, they are checked in worker processes, one per core
AHEAD = 16  # files a worker may have checked before the caller takes them (bounds memory)
ORPHAN_POLL = 0.2  # seconds between a worker's checks that its parent is alive


def iter_checked(paths: Sequence[Path], base: str = DEFAULT_BASE, progress: Progress | None = None,
                 among: Sequence[Path] = ()) -> Iterator[CheckedFile]:
    """:func:`check_files` one file at a time, in order, so a caller can write each before the next is read.

    Messages name each file so that it is told apart from the other ``paths`` and ``among`` (the rest of a
    project, when only some of its files are checked again); see :func:`display_names`.

    Many files are checked in worker processes (forked here, when this function is called, not later: call it
    before opening anything that runs threads); an error reading one is raised as it would be here.
    """
    workers = min(usable_cores(), len(paths))
    shown = display_names([*paths, *among])
    if len(paths) < PARALLEL_FILES or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _numbered((check_file(path, base) for path in paths), len(paths), shown, progress)
    _compiled_shapes()  # compiled once, here, and inherited by the workers
    # the workers are forked by the first submits: with Ctrl-C held back meanwhile, none is born able to take it
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(os.getpid(),))
        queue = iter(paths)
        pending = deque(pool.submit(check_file, path, base) for path in itertools.islice(queue, AHEAD))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C pressed meanwhile reaches this process now
    return _numbered(_results(pool, pending, queue, base), len(paths), shown, progress)


def usable_cores() -> int:
    """The cores this process may run on (all of the machine's where the system cannot say, as on macOS)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def display_names(paths: Sequence[Path]) -> dict[Path, str]:
    """How each file is named in messages: by its name, or, where several files share that name (in different
    folders), by its path below the folder they have in common (``site-a/interviews.yaml``)."""
    by_name: dict[str, set[str]] = {}
    for path in paths:
        by_name.setdefault(path.name, set()).add(os.path.abspath(path))
    shown: dict[Path, str] = {}
    for path in paths:
        same = by_name[path.name]
        if len(same) == 1:
            shown[path] = path.name
        else:
            shown[path] = Path(os.path.abspath(path)).relative_to(os.path.commonpath(list(same))).as_posix()
    return shown


def _start_worker(parent: int) -> None:
    """In a worker (born with Ctrl-C held back): Ctrl-C is the caller's to handle (it stops the pool), not each
    worker's to print; and the worker ends as soon as its parent does, however the parent ended (a SIGKILL gives
    the pool no chance to stop it), so that no orphan goes on working for nobody."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_exit_with, args=(parent,), name="cmograph-orphan-watch", daemon=True).start()


def _exit_with(parent: int) -> None:
    """Exit this process once ``parent`` is no longer its parent (it died, and the process was adopted)."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL)
    os._exit(1)


def _results(pool: ProcessPoolExecutor, pending: deque[Future[CheckedFile]], queue: Iterator[Path],
             base: str) -> Iterator[CheckedFile]:
    try:
        while pending:
            checked = pending.popleft().result()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(check_file, following, base))
            yield checked
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _numbered(checked: Iterable[CheckedFile], total: int, shown: dict[Path, str],
              progress: Progress | None) -> Iterator[CheckedFile]:
    """Flag an evaluation id given by two files (an error in the second), name files as ``shown`` (see
    :func:`display_names`) and report progress."""
    seen: dict[str, Path] = {}
    graphs: dict[URIRef, tuple[str, Path]] = {}  # named graph -> the evaluation it holds, and its file
    for done, item in enumerate(checked, 1):
        name = shown.get(item.path, item.path.name)
        if name != item.path.name:
            item.report.diagnostics = [replace(d, file=name) if d.file == item.path.name else d
                                       for d in item.report.diagnostics]
        for graph in item.graphs:
            if graph.evaluation_id in seen:
                other = seen[graph.evaluation_id]
                item.report.extend([Diagnostic(
                    name, None, "evaluation.id",
                    f"the evaluation '{graph.evaluation_id}' is also in {shown.get(other, other.name)}",
                    "give each evaluation its own id, or keep only one of the two files")])
            elif graph.graph in graphs:
                owner, path = graphs[graph.graph]
                item.report.extend([shared_graph(name, graph, owner, shown.get(path, path.name))])
            seen[graph.evaluation_id] = item.path
            graphs.setdefault(graph.graph, (graph.evaluation_id, item.path))
        if not item.report.conforms:
            item.graphs.clear()
        yield item
        if progress is not None:
            progress(done, total, name)


def shared_graph(file: str, graph: EvaluationGraph, owner: str, owner_file: str) -> Diagnostic:
    """The error for an evaluation whose IRI, and so its named graph, is another evaluation's: loading both would
    mix them in one graph, and dropping one would drop the other's data."""
    iri = str(graph.graph).removesuffix("/graph")
    return Diagnostic(file, None, "evaluation", f"the evaluation '{graph.evaluation_id}' has the IRI <{iri}>, which "
                      f"is the evaluation '{owner}' of {owner_file}", "give each evaluation its own IRI")


# ---------------------------------------------------------------------------------------------- RDF input


def _check_rdf(name: str, data: Graph, result: CheckedFile) -> None:
    evaluations = sorted(set(data.subjects(RDF.type, CMO.Evaluation)), key=str)
    if not evaluations:
        result.report.extend([Diagnostic(name, None, "", "no cmo:Evaluation in this graph",
                                         "a cmograph graph has one node typed cmo:Evaluation per evaluation")])
        return
    origins: dict[Node, Origin] = {}
    ids: dict[str, dict[str, str]] = {s.name: {} for s in LISTS}
    for node, cls in data.subject_objects(RDF.type):
        section = section_for_class(cls) if isinstance(cls, URIRef) else None
        if section is None:
            continue
        identifier = data.value(node, DCTERMS_IDENTIFIER)
        shown = identifier if identifier is not None else node.n3() if isinstance(node, BNode) else node
        where = f"{section.name}[{shown}]"
        origins[node] = Origin(section, where, None, None if identifier is None else str(identifier))
        if identifier is not None and section.name in ids:
            label = data.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
            ids[section.name][str(identifier)] = str(label or identifier)
        # Questions find elements by IRI (an option resolves to one) and an evaluation's graph is named after it,
        # so what has an id must have an IRI. Measures and evidence items have none: they are reached only through
        # their outcome or configuration, so a blank node serves as well as the IRI the builder mints for them.
        if section.identified and isinstance(node, BNode):
            result.report.extend([Diagnostic(name, None, where, f"the {section.noun} is a blank node",
                                             f"give the {curie(str(cls))} node an IRI")])
    result.report.extend(_shacl(data, _Locator(name, origins, {}, ids, rdf=True)))
    result.report.extend(check_consistency(data, name, origins, {}))
    by_evaluation: dict[Node, list[Triple]] = {e: [] for e in evaluations}
    outside: list[Triple] = []
    owners: dict[Node, Node | None] = {}
    for s, p, o in data:
        owner = owners[s] if s in owners else owners.setdefault(s, _owner(s, evaluations, data))
        if owner is None:
            outside.append((s, p, o))
        else:
            by_evaluation[owner].append((s, p, o))
    if all(isinstance(e, URIRef) for e in evaluations):  # else what belongs to the blank one is not told (above)
        result.report.extend(_outside(name, outside, evaluations, data))
    for evaluation in evaluations:
        identifier = data.value(evaluation, DCTERMS_IDENTIFIER)
        if identifier is None or not isinstance(evaluation, URIRef):  # reported by the shapes, or above
            continue
        result.graphs.append(EvaluationGraph.of(str(identifier), URIRef(f"{evaluation}/graph"),
                                                ox_triples(by_evaluation[evaluation])))


def _owner(subject: Node, evaluations: list[Node], data: Graph) -> Node | None:
    """The evaluation of ``data`` that a triple about ``subject`` belongs to, if it may describe it: an IRI is
    described by the evaluation it is (or is under: ``{evaluation}/...``) and only if it claims no other with
    ``cmo:inEvaluation``; a blank node, by the evaluation it is linked to with ``cmo:inEvaluation``."""
    claimed = set(data.objects(subject, CMO.inEvaluation))
    if isinstance(subject, BNode):
        return next(iter(claimed)) if len(claimed) == 1 and next(iter(claimed)) in evaluations else None
    text = str(subject)
    under = [e for e in evaluations if text == str(e) or text.startswith((f"{e}/", f"{e}#"))]
    owner = max(under, key=lambda e: len(str(e)), default=None)
    return owner if owner is not None and claimed <= {owner} else None


SHOWN_OUTSIDE = 10  # triples listed one by one before the rest are counted


def _outside(name: str, triples: list[Triple], evaluations: list[Node], data: Graph) -> list[Diagnostic]:
    """An error per triple that describes something its file's evaluations do not own: an evaluation's file may
    only describe the evaluation and what lies under its IRI, so it can never change another's data."""
    found = []
    for s, p, o in sorted(triples, key=lambda t: tuple(map(str, t)))[:SHOWN_OUTSIDE]:
        claimed = sorted(str(e) for e in data.objects(s, CMO.inEvaluation))
        if isinstance(s, BNode):
            message = "a blank node linked to no evaluation of this file"
            hint = "link the node to its evaluation with cmo:inEvaluation"
        elif any(str(s) == str(e) or str(s).startswith((f"{e}/", f"{e}#")) for e in evaluations):
            message = f"<{s}>, which says it is part of another evaluation ({', '.join(f'<{c}>' for c in claimed)})"
            hint = "an evaluation's file describes its own elements only; remove the other cmo:inEvaluation"
        else:
            message = f"<{s}>, which is not under the IRI of this file's evaluation"
            hint = (f"an evaluation's file may only describe the evaluation and IRIs under it, such as "
                    f"<{evaluations[0]}/context/c1>")
        found.append(Diagnostic(name, None, "", f"the triple {_triple_text((s, p, o))} describes {message}", hint))
    if len(triples) > SHOWN_OUTSIDE:
        found.append(Diagnostic(name, None, "", f"{len(triples) - SHOWN_OUTSIDE} more triples describe what this "
                                "file's evaluations do not own", "see the triples above"))
    return found


def _triple_text(triple: Triple) -> str:
    """A triple as N-Triples writes it, cut to a readable length."""
    text = " ".join(term.n3() for term in triple)
    return text if len(text) <= 300 else text[:299] + "…"


# ---------------------------------------------------------------------------------------------- messages


@cache
def _compiled_shapes() -> Any:
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(shapes_graph(), advanced=True)  # type: ignore[no-untyped-call]


def shacl_results(data: Graph | ox.Store, engine: str = "turbo") -> tuple[bool, Graph]:
    """Run the shapes on ``data``: with pyshacl-turbo (compiled once; measured 10-15x faster, same results, see
    bench/RESULTS.md) or, for comparison, with pySHACL."""
    if engine == "pyshacl":
        from pyshacl import validate

        conforms, results, _ = validate(data,  # type: ignore[arg-type]
                                         shacl_graph=shapes_graph(), inference="none", advanced=True,
                                        allow_warnings=True)
    else:
        conforms, results, _ = _compiled_shapes().validate(data, inference="none", allow_warnings=True)
    assert isinstance(results, Graph)
    return bool(conforms), results


def _shacl(data: Graph | ox.Store, locator: _Locator, engine: str = "turbo") -> list[Diagnostic]:
    conforms, results = shacl_results(data, engine)
    if conforms:
        return []
    shapes = shapes_graph()
    found = list(results.subjects(RDF.type, SH.ValidationResult))
    mistyped = {_value_at(results, r) for r in found
                if results.value(r, SH.sourceConstraintComponent) == SH.DatatypeConstraintComponent}
    return sorted({_diagnostic(results, shapes, r, locator) for r in found  # a value not of its type: one message
                   if results.value(r, SH.sourceConstraintComponent) != SH.PatternConstraintComponent
                   or _value_at(results, r) not in mistyped})


def _value_at(results: Graph, result: Node) -> tuple[Node | None, ...]:
    return tuple(results.value(result, p) for p in (SH.focusNode, SH.resultPath, SH.value))


def _diagnostic(results: Graph, shapes: Graph, result: Node, locator: _Locator) -> Diagnostic:
    focus = results.value(result, SH.focusNode)
    component = results.value(result, SH.sourceConstraintComponent)
    shape = results.value(result, SH.sourceShape)
    value = results.value(result, SH.value)
    severity = {SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}.get(
        results.value(result, SH.resultSeverity), Severity.ERROR)  # type: ignore[call-overload]
    key = shapes.value(shape, SH.name)
    key_name = None if key is None else str(key)
    origin = locator.origins.get(focus) if focus is not None else None
    where = origin.where if origin else str(focus)
    line = None
    if origin is not None:
        line = locator.key_lines.get((focus, (key_name or "").split(".")[0])) or origin.line  # type: ignore[arg-type]
    absent = component == SH.MinCountConstraintComponent and (focus, key_name or "") not in locator.key_lines
    if origin is not None and origin.section.name == "evaluation" and key_name in TOP_LEVEL_KEYS:
        where = key_name
    elif key_name and not absent:
        where = f"{where}.{key_name}"
    message, hint = _explain(component, shape, shapes, value, key_name, origin, focus, locator, results, result)
    return Diagnostic(locator.file, line, where, message, hint, severity)


def _explain(component: Node | None, shape: Node | None, shapes: Graph, value: Node | None, key: str | None,
             origin: Origin | None, focus: Node | None, locator: _Locator, results: Graph,
             result: Node) -> tuple[str, str | None]:
    shown = _show(value)
    noun = origin.section.noun if origin else "item"
    custom = results.value(result, SH.resultMessage)
    rdf = locator.rdf
    if component == SH.MinCountConstraintComponent:
        if focus is not None and (focus, key or "") in locator.key_lines:
            return f"'{key}' is empty", f"give at least one {_target_noun(shape, shapes) or 'value'}"
        if key == "cmograph":
            return "missing required key 'cmograph'", ("add cmo:formatVersion 1 to the cmo:Evaluation node" if rdf
                                                       else "add 'cmograph: 1' as the first line of the file")
        prop = curie(str(shapes.value(shape, SH.path)))
        return f"missing required key '{key}'", f"add {prop} to this {noun}" if rdf else f"add '{key}:' to this {noun}"
    if component == SH.MaxCountConstraintComponent:
        return f"'{key}' takes one value, found several", "keep one"
    if component == SH.InConstraintComponent:
        if key == "cmograph" and shown == "1":
            return "the format version is written as text", ('write cmo:formatVersion 1 as a number, not "1"' if rdf
                                                              else "write cmograph: 1 without quotes")
        if key == "cmograph":
            return (f"format version {shown} is not supported", "this release reads version 1 "
                    + ("graphs: write cmo:formatVersion 1" if rdf else "files: write 'cmograph: 1'"))
        values = _list(shapes, shapes.value(shape, SH["in"]))
        options = {NOTATIONS.get(v, str(v)): curie(str(v)) if rdf else NOTATIONS.get(v, str(v)) for v in values}
        written = shown
        if rdf:  # an IRI such as cmo:DirectionNoChang: compared as the value it names ('no-chang')
            enumeration = next((e for e in ENUMERATIONS if e.iri(e.values[0]) in values), None)
            words = shown.removeprefix(enumeration.name if enumeration else "")
            written = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", words).lower()
        close = difflib.get_close_matches(written, list(options), n=1, cutoff=0.5)
        hint = f"did you mean '{options[close[0]]}'? " if close else ""
        return f"'{shown}' is not a valid value for '{key}'", f"{hint}use one of: {', '.join(options.values())}"
    if component == SH.ClassConstraintComponent:
        target = shapes.value(shape, SH["class"])
        section = section_for_class(target) if isinstance(target, URIRef) else None
        if section is None:
            return f"'{shown}' is not the right kind of element", None
        known = dict(locator.ids.get(section.name, {}))
        if origin is not None and origin.section is section:
            known.pop(origin.item_id or "", None)
        close = difflib.get_close_matches(shown, list(known), n=1, cutoff=0.4)
        if close:
            hint = f"did you mean '{close[0]}'?"
        elif known:
            hint = f"the {section.noun} ids are: {', '.join(sorted(known)[:8])}{' ...' if len(known) > 8 else ''}"
        elif origin is not None and origin.item_id in locator.ids.get(section.name, {}):
            hint = f"'{origin.item_id}' itself is the only {section.noun} in this file"
        elif rdf:
            hint = f"type the node {curie(str(target))}."
        else:
            hint = f"add a {section.noun} with this id under '{section.name}:'"
        if key == "at":
            stop = "" if hint.endswith(("?", ".")) else "."
            hint += (f"{stop} A date goes in cmo:atDate instead." if rdf
                     else f"{stop} A date (YYYY-MM-DD, YYYY-MM or YYYY) is accepted too.")
        return f"'{shown}' is not a {section.noun} in this file", hint
    if component == SH.DatatypeConstraintComponent:
        datatype = shapes.value(shape, SH.datatype)
        if datatype == XSD.decimal and _is_long_number(shown):
            return _too_many_digits(shown)
        expected = {str(XSD.decimal): "a number", str(XSD.boolean): "true or false",
                    str(XSD.gYear): "a year (e.g. 2009)", str(XSD.string): "text"}.get(str(datatype), str(datatype))
        if rdf:
            expected = f"an {curie(str(datatype))}"
        return f"'{shown}' is not {expected}", _datatype_hint(datatype, rdf)
    if component == SH.OrConstraintComponent and results.value(result, SH.resultPath) is not None:
        return f"'{shown}' is not an ISO 8601 date", ('write an xsd:date, xsd:gYearMonth or xsd:gYear, e.g. '
                                                      '"2008-05"^^xsd:gYearMonth' if rdf
                                                      else "write YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2008-05")
    if component == SH.NodeKindConstraintComponent:
        if key == "url":
            return f"'{shown}' is not a web address", ("write it as an IRI, e.g. <https://example.org/report>" if rdf
                                                       else "start it with https:// or http://")
        if rdf:
            return f"'{shown}' is not an IRI", "write it as an IRI, e.g. <https://w3id.org/cmograph/concepts/x>"
        prefix, _, local = shown.partition(":")
        if local and prefix in locator.prefixes:  # declared (as an absolute IRI: see check_structure)
            return (f"'{shown}' does not make an IRI with its prefix: '{locator.prefixes[prefix]}{local}'",
                    f"write the part after '{prefix}:' without spaces or <>\"{{}}|^`\\")
        return (f"'{shown}' is not an IRI or a CURIE with a declared prefix",
                "declare its prefix under 'prefixes:' or write the full IRI")
    if component == SH.PatternConstraintComponent:
        pattern = str(shapes.value(shape, SH.pattern))
        if pattern == TEXT_PATTERN:
            return _blank(shape, shapes, shown, key)
        if pattern == NUMBER_PATTERN:
            return _too_many_digits(shown)
        if pattern == SLUG_PATTERN:
            return f"'{shown}' is not a slug", "use lower-case letters, digits and hyphens"
        return f"'{shown}' is not a usable id", "ids hold no spaces, '/', '#' or '?'; e.g. 'CMOC1' or 'c-staffing'"
    if custom is not None:
        return str(custom), None
    return f"does not conform ({_show(component)})", None


def _is_long_number(text: str) -> bool:
    """Whether ``text`` is a number, with more digits than cmograph keeps (the builder writes it as text)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number.is_finite() and kept_decimal(number) is None


def _too_many_digits(shown: str) -> tuple[str, str]:
    return (f"'{shown}' has more digits than cmograph keeps (at most {NUMBER_DIGITS} before the decimal point and "
            f"{NUMBER_DECIMALS} after it)",
            "round it, or give it in a larger or smaller unit and say so under 'unit'")


def _blank(shape: Node | None, shapes: Graph, shown: str, key: str | None) -> tuple[str, str]:
    """Text that says nothing: the key's own description says what to write."""
    subject = f"'{key}'" if shapes.value(shape, SH.maxCount) is not None else f"a value of '{key}'"
    what = "is empty" if shown == "" else "holds only white space"
    optional = "" if shapes.value(shape, SH.minCount) is not None else f", or leave '{key}' out"
    return f"{subject} {what}", f"write {shapes.value(shape, SH.description)}{optional}"


def _datatype_hint(datatype: Node | None, rdf: bool) -> str | None:
    if datatype == XSD.decimal:
        if rdf:
            return ("write it without units, e.g. 3.5 or 42.0 in Turtle, where 42 alone is an xsd:integer; "
                    "put the unit in cmo:unit")
        return "write the number without units or quotes, e.g. 42 or 3.5; put the unit under 'unit'"
    if datatype == XSD.boolean:
        return "write true or false"
    return None


def _target_noun(shape: Node | None, shapes: Graph) -> str | None:
    target = shapes.value(shape, SH["class"]) if shape is not None else None
    section = section_for_class(target) if isinstance(target, URIRef) else None
    return f"{section.noun} id" if section else None


def _list(graph: Graph, head: Node | None) -> list[Node]:
    return [] if head is None else list(graph.items(head))


def _show(value: Node | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Literal):
        return str(value)
    if value in NOTATIONS:
        return NOTATIONS[value]
    return unquote(re.split(r"[/#]", str(value))[-1]) or str(value)



def validate_paths(paths: Sequence[Path | str] | Path | str, base: str = DEFAULT_BASE,
                   progress: Progress | None = None) -> ValidationReport:
    """Check files and folders (or one of them); one report for all of them."""
    named = [paths] if isinstance(paths, Path | str) else paths
    checked = check_files(evidence_files([Path(p) for p in named]), base, progress)
    return ValidationReport([d for c in checked for d in c.report.diagnostics])


__all__ = [
    "CheckedFile",
    "EvaluationGraph",
    "check_file",
    "check_files",
    "evidence_files",
    "iter_checked",
    "shapes_graph",
    "validate_paths",
]
