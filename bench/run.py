"""Measure cmograph on synthetic projects and write ``bench/RESULTS.md``.

    python -m bench.run --sizes 10k,100k[,1m,10m] [--quick] [--runs 7] [--cold-runs 3] [--questions Q1,Q2]

For each size: generate a project (cached under ``bench/out/``), then measure

- load: ``cmograph load`` as a process from scratch (every size), and in a child process
  ``Project(root).refresh()`` from scratch twice: as shipped (files checked by worker processes when there are
  enough), then serially with a breakdown (YAML reading, structure checks, building, rdflib -> pyoxigraph terms,
  SHACL, N-Quads from the N-Triples, store write without the wait for file checks), with peak RSS;
- validation: ``cmograph validate`` as a process; pySHACL (as cmograph calls it) against pyshacl-turbo on the
  same graphs, with the reports compared for identity (on the generated files, on mutated copies and on the
  invalid fixtures in ``tests/data/invalid``);
- every canned question as (a) a cold ``cmograph ask Q --format csv`` process in the project folder (store already
  refreshed; the OS page cache is warm), (b) a warm library call (``questions.ask`` on an open ``DiskStore``: "warm
  disk"), (b*) the same call on the live generation loaded into memory once per size (``open_data(store,
  memory=True)``: "warm memory", the mode for long-lived processes, which also indexes the names of the elements; the
  one-time load and index are timed too), (b') the same bound SPARQL through ``StoreEngine.select`` on the disk store
  (no name resolution), (c) raw pyoxigraph: an in-memory ``Store`` holding the same quads running the same bound
  SPARQL, consuming every solution, and (d) rdflib's SPARQL engine (``Dataset(default_union=True)``) in a child
  process, bounded per question, at the sizes given by ``--rdflib-max``;
- ``cmograph --help`` as a process.

At 10M and more, each question gets one cold process (with its peak RSS) and nothing else unless
``--warm-at-10m`` / ``--memory-at-10m`` ask for it; rdflib and the pySHACL comparison do not run there.

Times are medians of several runs. Ratios compare numbers measured in the same run on the same machine;
``bench/out/results.json`` keeps every size's raw numbers and ``bench/RESULTS.md`` is rendered from it.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import importlib
import io
import json
import os
import platform
import re
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RESULTS_JSON = OUT / "results.json"
RESULTS_MD = HERE / "RESULTS.md"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
CMOGRAPH = Path(sys.executable).parent / "cmograph"
ENDPOINT_BINARY = Path(sys.executable).parent / "oxigraph"  # the Oxigraph server (PyPI package `oxigraph`)
PYCACHE = OUT / "pycache"
TIME = Path("/usr/bin/time")
BIG = 10_000_000  # from this size on: one cold run per question, no rdflib, warm and raw only when asked for


def child_env(bytecode_cache: bool = True) -> dict[str, str]:
    """The environment of measured processes: with a bytecode cache, as an installed package has.

    The cache goes to ``bench/out/pycache`` (``PYTHONPYCACHEPREFIX``), never next to the sources. Without it
    (``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__``, as in some CI images) every start compiles
    cmograph's modules again.
    """
    env = dict(os.environ)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache-none")
        shutil.rmtree(OUT / "pycache-none", ignore_errors=True)
    return env


# ---------------------------------------------------------------------------------------------- helpers


def parse_size(text: str) -> tuple[str, int]:
    text = text.strip().lower()
    if text in SIZES:
        return text, SIZES[text]
    match = re.fullmatch(r"(\d+)([km]?)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text}")
    n = int(match[1]) * {"": 1, "k": 1000, "m": 1_000_000}[match[2]]
    return text, n


def log(*parts: Any) -> None:
    print(*parts, file=sys.stderr, flush=True)


def median_time(fn: Callable[[], Any], runs: int, *, warmup: int = 1, budget: float = 20.0) -> tuple[float, Any]:
    """Median wall time of ``fn`` over ``runs`` calls after ``warmup`` calls; fewer runs when slow."""
    result = None
    samples: list[float] = []
    for _ in range(warmup):
        t = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t)
    if warmup and samples[0] > budget / 2:  # a slow call: its one run is the measurement
        return samples[0], result
    if warmup and samples[0] * runs > budget:
        runs = max(1, min(runs, int(budget / max(samples[0], 1e-9))))
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), result


FAST_ROUNDS_SECONDS, FAST_ROUNDS_MAX = 1.0, 300  # quick pairs get more rounds: a median of 3 ms-long calls is noise


def median_times(fns: dict[str, Callable[[], Any]], runs: int, *, budget: float = 40.0) -> dict[str, tuple[float, Any]]:
    """:func:`median_time` of several functions whose times are compared, called in turn (one call of each per
    round, after one warm-up round), so that a busy moment of the machine falls on all of them alike. Quick ones
    get more rounds than ``runs``: as many as fit in :data:`FAST_ROUNDS_SECONDS`, up to :data:`FAST_ROUNDS_MAX`."""
    results: dict[str, Any] = {}
    warm: dict[str, float] = {}
    for name, fn in fns.items():
        t = time.perf_counter()
        results[name] = fn()
        warm[name] = time.perf_counter() - t
    per_round = sum(warm.values())
    if per_round > budget / 2:  # slow calls: the warm-up round is the measurement
        return {name: (warm[name], results[name]) for name in fns}
    runs = max(1, min(runs, int(budget / max(per_round, 1e-9))),
               min(FAST_ROUNDS_MAX, int(FAST_ROUNDS_SECONDS / max(per_round, 1e-9))))
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t = time.perf_counter()
            results[name] = fn()
            samples[name].append(time.perf_counter() - t)
    return {name: (statistics.median(samples[name]), results[name]) for name in fns}


def run_process(argv: list[str], cwd: Path | None = None, timeout: float | None = None,
                stdin: str | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a process; wall seconds, exit code, peak RSS (MiB), stdout and stderr tails.

    Peak RSS comes from ``/usr/bin/time -f %M`` when it is there: a child forked from this (large) process
    inherits its resident set in ``ru_maxrss``, so ``wait4`` alone over-reports. ``/usr/bin/time`` is small, and
    its few milliseconds are within the noise of the wall time.
    """
    rss_file = None
    if TIME.exists():
        fd, rss_file = tempfile.mkstemp(prefix="rss-")
        os.close(fd)
        argv = [str(TIME), "-f", "%M", "-o", rss_file, *argv]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env or child_env(),
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                start_new_session=True)  # its own process group, so a timeout stops it all
        if stdin is not None:
            assert proc.stdin is not None
            proc.stdin.write(stdin.encode())
            proc.stdin.close()
        deadline = None if timeout is None else time.monotonic() + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    rss_mib = usage.ru_maxrss / 1024
    if rss_file is not None:
        text = Path(rss_file).read_text().strip().splitlines()
        Path(rss_file).unlink(missing_ok=True)
        if text and text[-1].isdigit():
            rss_mib = int(text[-1]) / 1024
        if proc.returncode != 0 and stderr.rstrip().splitlines()[-1:] == [f"Command exited with non-zero status "
                                                                         f"{proc.returncode}"]:
            stderr = "\n".join(stderr.rstrip().splitlines()[:-1])
    return {"seconds": seconds, "code": proc.returncode, "rss_mib": rss_mib,
            "stdout": stdout, "stderr": stderr[-2000:], "timed_out": timed_out}


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("cmograph", "pyoxigraph", "rdflib", "pyshacl", "pyshacl-turbo", "PyYAML", "click"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = 0.0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) / 2**20
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(ram, 1), "os": platform.platform()}


# ---------------------------------------------------------------------------------------------- project


def project_for(label: str, triples: int, seed: int) -> tuple[Path, dict[str, Any], float]:
    """The generated project for a size (reused when it is already there for the same seed)."""
    from bench.generate import generate

    root = OUT / f"{label}-seed{seed}"
    info_path = root / "GENERATED.json"
    if info_path.is_file():
        info = json.loads(info_path.read_text())
        if info.get("triples_requested") == triples and info.get("seed") == seed:
            return root, info, float(info.get("generate_seconds", 0.0))
    shutil.rmtree(root, ignore_errors=True)
    t = time.perf_counter()
    info = generate(triples, root, seed, quiet=False)
    seconds = time.perf_counter() - t
    info["generate_seconds"] = round(seconds, 2)
    info_path.write_text(json.dumps(info, indent=1) + "\n")
    return root, info, seconds


def question_options(seed: int) -> dict[str, dict[str, str]]:
    """Parameter values for the questions that need them, picked from the generated data.

    Mechanisms, outcomes and contexts are named by their shared concept's IRI (a cross-evaluation question,
    matching every element linked to the concept in evaluation 0's community); a configuration, site, group
    and period by ``EVALUATION/ID``.
    """
    from bench.generate import concept_namespace, evaluation

    doc = evaluation(seed, 0)
    index = 0
    while not doc.get("sites"):
        index += 1
        doc = evaluation(seed, index)
    eid = doc["evaluation"]["id"]
    namespace = concept_namespace(index)

    def concept(section: str) -> str:
        item = next(i for i in doc[section] if "concept" in i)
        return str(namespace + item["concept"].split(":", 1)[1])

    return {
        "mechanism": {"mechanism": concept("mechanisms")},
        "outcome": {"outcome": concept("outcomes")},
        "context": {"context": concept("contexts")},
        "cmoc": {"cmoc": f"{eid}/{doc['cmocs'][0]['id']}"},
        "site": {"site": f"{eid}/{doc['sites'][0]['id']}"},
        "group": {"for": f"{eid}/patients"},
        "period": {"period": f"{eid}/{doc['periods'][0]['id']}"},
        "evaluation": {"evaluation": eid},
    }


def options_for(question: Any, picks: dict[str, dict[str, str]]) -> dict[str, str]:
    """Values for the question's required parameters (optional ones keep their defaults)."""
    chosen: dict[str, str] = {}
    for p in question.parameters:
        if p.required and p.type in picks:
            chosen[p.name] = next(iter(picks[p.type].values()))
    return chosen


# ---------------------------------------------------------------------------------------------- children


def _peak_rss_mib() -> float | None:
    """This process's peak resident set so far (``VmHWM``), in MiB."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def child_refresh(root: Path, breakdown: bool = True) -> dict[str, Any]:
    """Two ``Project(root).refresh()`` from scratch: as shipped, then (with ``breakdown``) serially, timed by stage.

    (a) ``refresh_seconds``: the shipped path, untouched (files checked in worker processes when there are
    enough of them). (b) The store folder is deleted and the project refreshed again in this one process
    (``validation.PARALLEL_FILES`` set out of reach), with timers wrapped around, never changing, cmograph's
    stages: YAML reading, structure checks, building, rdflib -> pyoxigraph terms, SHACL, N-Quads from the
    N-Triples (``EvaluationGraph.of_ntriples``; writing the N-Triples is in "the rest") and ``DiskStore.write``
    minus the time it spends waiting on its ``add`` iterator (which checks the files as it goes).
    """
    import resource

    t0 = time.perf_counter()
    from cmograph.checks import pipeline as validation_mod
    from cmograph.checks import results as results_mod
    from cmograph.store import disk as store_mod
    from cmograph.store import project as project_mod

    imported = time.perf_counter() - t0
    project = project_mod.Project(root)
    files = len(project.evidence())
    cores = len(os.sched_getaffinity(0))
    workers = min(cores, files) if files >= validation_mod.PARALLEL_FILES and min(cores, files) >= 2 else 0

    # (a) as shipped
    t = time.perf_counter()
    shipped = project.refresh()
    refresh = time.perf_counter() - t
    out: dict[str, Any] = {
        "import_seconds": imported, "refresh_seconds": refresh, "workers": workers,
        "shipped_peak_rss_mib": _peak_rss_mib(),
        "shipped_workers_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 or None,
        "conforms": shipped.report.conforms, "loaded": len(shipped.loaded)}
    store = project.store.open()
    out["store_quads"] = len(store)
    del store
    if not breakdown:
        return out

    # (b) again from scratch, serially, with timers
    shutil.rmtree(root / project_mod.STORE)
    validation_mod.PARALLEL_FILES = sys.maxsize
    spent: dict[str, float] = {}

    def add(name: str, seconds: float) -> None:
        spent[name] = spent.get(name, 0.0) + seconds

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                add(name, time.perf_counter() - t)
        return wrapper

    for attr, name in (("read_document", "read_yaml"), ("check_structure", "check_structure"),
                       ("build", "build_triples"), ("ox_triples", "to_ox_terms"), ("shape_diagnostics", "shacl")):
        setattr(validation_mod, attr, timed(name, getattr(validation_mod, attr)))

    graph_class = results_mod.EvaluationGraph
    of = graph_class.__dict__["of_ntriples"].__func__  # the function under the classmethod

    def timed_of(cls: type, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return of(cls, *args, **kwargs)
        finally:
            add("nquads", time.perf_counter() - t)

    graph_class.of_ntriples = classmethod(timed_of)
    write = store_mod.DiskStore.write

    def waited(items: Iterable[Any]) -> Iterator[Any]:
        """``items``, with the time spent waiting for each (the file checks) counted apart."""
        iterator = iter(items)
        while True:
            t = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                add("add_wait", time.perf_counter() - t)
            yield item

    def timed_write(self: Any, remove: Any, items: Any, manifest: Any, finish: Any = None) -> None:
        t = time.perf_counter()
        try:
            write(self, remove, waited(items), manifest, finish)
        finally:
            add("store_write_total", time.perf_counter() - t)

    store_mod.DiskStore.write = timed_write
    t = time.perf_counter()
    serial = project_mod.Project(root).refresh()
    out["serial_refresh_seconds"] = time.perf_counter() - t
    spent.setdefault("add_wait", 0.0)
    spent["store_write"] = spent.get("store_write_total", 0.0) - spent["add_wait"]
    checks = ("read_yaml", "check_structure", "build_triples", "to_ox_terms", "shacl", "nquads")
    out["stages"] = spent
    out["file_checks_rest_seconds"] = spent["add_wait"] - sum(spent.get(k, 0.0) for k in checks)
    out["refresh_rest_seconds"] = out["serial_refresh_seconds"] - spent.get("store_write_total", 0.0)
    out["serial_conforms"] = serial.report.conforms
    out["serial_peak_rss_mib"] = _peak_rss_mib()  # the peak of both runs in this process
    return out


def _normal_results(results: Any) -> list[tuple[str, ...]]:
    from rdflib import RDF, SH

    rows = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        rows.append(tuple(str(results.value(r, p)) for p in (
            SH.focusNode, SH.resultPath, SH.value, SH.sourceConstraintComponent, SH.resultSeverity,
            SH.sourceShape)))
    return sorted(rows)


def _mutations(doc: dict[str, Any], k: int) -> dict[str, Any]:
    """A copy of ``doc`` with value-level defects the shapes must catch."""
    import copy

    bad = copy.deepcopy(doc)
    cmoc = bad["cmocs"][k % len(bad["cmocs"])]
    cmoc["confidence"] = "medium"
    cmoc["context"] = [*cmoc["context"], "c-missing"]
    bad["contexts"][0]["level"] = "organisational"
    bad["periods"][0]["start"] = "March 2008"
    for outcome in bad["outcomes"]:
        if outcome.get("measures"):
            outcome["measures"][0]["value"] = "about ten"
            break
    cmoc["evidence"][0]["informant"] = "nobody"
    if bad.get("sites"):
        bad["sites"][0]["setting"] = "hospital"
    return bad


def child_bulk_load(root: Path) -> dict[str, Any]:
    """The baseline of the store write: pyoxigraph's own bulk load of the live generation's N-Quads (already in
    memory) into a new on-disk store, in batches as ``DiskStore.write`` hands them over, then its compaction."""
    import tempfile

    import pyoxigraph as ox

    from cmograph.store.disk import BATCH_BYTES, GRAPHS
    from cmograph.store.project import STORE

    store_dir = root / STORE
    generation = store_dir / (store_dir / "CURRENT").read_text(encoding="utf-8").strip()
    data = [path.read_bytes() for path in sorted((generation / GRAPHS).iterdir())]
    with tempfile.TemporaryDirectory(dir=root) as scratch:
        store = ox.Store(scratch)
        started = time.perf_counter()
        batch: list[bytes] = []
        size = 0
        for chunk in data:
            batch.append(chunk)
            size += len(chunk)
            if size >= BATCH_BYTES:
                store.bulk_load(b"".join(batch), format=ox.RdfFormat.N_QUADS)
                batch, size = [], 0
        if batch:
            store.bulk_load(b"".join(batch), format=ox.RdfFormat.N_QUADS)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        store.optimize()
        optimized = time.perf_counter() - started
        quads = len(store)
        del store
    return {"bulk_load_seconds": loaded, "optimize_seconds": optimized, "quads": quads,
            "bytes": sum(map(len, data))}


def child_validate(root: Path, pyshacl_max_files: int) -> dict[str, Any]:
    """pySHACL against pyshacl-turbo on the same graphs; timings and report identity."""
    from rdflib import RDF, SH, Graph

    from bench.generate import evaluation
    from cmograph.checks import shapes as V
    from cmograph.checks.structure import check_structure
    from cmograph.ingest.build import build
    from cmograph.ingest.yaml_json import Document, read_document

    files = sorted((root / "evaluations").glob("*.yaml"))
    shapes = V.shapes_graph()
    import pyshacl

    pyshacl_turbo: Any
    try:
        pyshacl_turbo = importlib.import_module("pyshacl_turbo")
    except ImportError:
        pyshacl_turbo = None

    def graph_of(doc: Document) -> tuple[Graph, Any]:
        built = build(doc)
        g = Graph()
        for triple in built.triples:
            g.add(triple)
        return g, V.Locator(doc.name, built.origins, built.key_lines, built.ids, built.prefixes)

    t = time.perf_counter()
    graphs = [graph_of(read_document(p)) for p in files]
    prepare = time.perf_counter() - t
    out: dict[str, Any] = {"files": len(files), "triples": sum(len(g) for g, _ in graphs),
                           "read_and_build_seconds": prepare}
    sample = graphs if pyshacl_max_files <= 0 else graphs[:pyshacl_max_files]
    out["pyshacl_files"] = len(sample)
    kwargs: dict[str, Any] = {"inference": "none", "advanced": True, "allow_warnings": True}

    engines: dict[str, Callable[[Graph], Any]] = {
        "pyshacl": lambda g: pyshacl.validate(g, shacl_graph=shapes, **kwargs)}
    if pyshacl_turbo is not None:
        compiled = pyshacl_turbo.compile_shapes(shapes, advanced=True)
        engines["turbo"] = lambda g: pyshacl_turbo.validate(g, shacl_graph=shapes, **kwargs)
        engines["turbo_compiled"] = lambda g: compiled.validate(
            g, inference="none", allow_warnings=True)

    reports: dict[str, list[Any]] = {}
    for name, fn in engines.items():
        todo = sample if name == "pyshacl" else graphs
        t = time.perf_counter()
        reports[name] = [fn(g) for g, _ in todo]
        out[f"{name}_seconds"] = time.perf_counter() - t
        out[f"{name}_conforms"] = all(r[0] for r in reports[name])
    if pyshacl_turbo is not None and out["pyshacl_files"]:
        scale = len(graphs) / out["pyshacl_files"]
        out["pyshacl_seconds_all_files"] = out["pyshacl_seconds"] * scale

    def diagnostics(report: Any, locator: Any) -> list[str]:
        _, results, _ = report
        return sorted(str(V.diagnostic(results, shapes, r, locator))
                      for r in results.subjects(RDF.type, SH.ValidationResult))

    def messages(results: Any) -> list[str]:
        return sorted(str(m) for m in results.objects(None, SH.resultMessage))

    def compare(cases: list[tuple[Graph, Any]]) -> dict[str, Any]:
        same_results = same_messages = same_texts = 0
        differences: list[str] = []
        for g, locator in cases:
            a = pyshacl.validate(g, shacl_graph=shapes, **kwargs)
            b = compiled.validate(g, inference="none", allow_warnings=True)
            if a[0] == b[0] and _normal_results(a[1]) == _normal_results(b[1]):
                same_results += 1
            elif len(differences) < 3:
                differences.append(f"{locator.file}: raw SHACL results differ")
            if messages(a[1]) == messages(b[1]):
                same_texts += 1
            if diagnostics(a, locator) == diagnostics(b, locator):
                same_messages += 1
            elif len(differences) < 3:
                differences.append(f"{locator.file}: cmograph messages differ")
        return {"cases": len(cases), "identical_results": same_results, "identical_messages": same_messages,
                "identical_result_messages": same_texts, "differences": differences}

    if pyshacl_turbo is not None:
        out["identity_generated"] = compare(sample)
        mutated = []
        for k in range(min(8, len(files))):
            doc = Document(Path(f"mutated-{k}.yaml"), _mutations(evaluation(1, k), k))
            mutated.append(graph_of(doc))
        out["identity_mutated"] = compare(mutated)
        invalid = []
        for p in sorted((HERE.parent / "tests" / "data" / "invalid").glob("*.yaml")):
            try:
                doc = read_document(p)
            except Exception:  # syntax-error fixtures never reach SHACL
                continue
            if not check_structure(doc):
                invalid.append(graph_of(doc))
        out["identity_fixtures"] = compare(invalid)
    return out


GROUP_CONCAT_ARG = re.compile(r"GROUP_CONCAT\(\s*(DISTINCT\s+)?\?(\w+)", re.IGNORECASE)


def child_rdflib(nquads: Path) -> None:
    """A worker: load the dataset, then answer queries read as JSON lines on stdin."""
    t = time.perf_counter()
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(str(nquads), format="nquads")
    print(json.dumps({"loaded": time.perf_counter() - t, "triples": len(ds)}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sparql = request["sparql"]
        try:
            t = time.perf_counter()
            try:
                rows = list(ds.query(sparql))
                rewritten = False
            except Exception as exc:
                # rdflib raises NotBoundError when GROUP_CONCAT meets a variable left unbound by an OPTIONAL
                # (SPARQL 1.1 says the unbound value is skipped); retry with COALESCE(?x, "") around the
                # argument, which gives the same groups and rows, and report that the query was rewritten.
                if type(exc).__name__ != "NotBoundError":
                    raise
                sparql = GROUP_CONCAT_ARG.sub(r'GROUP_CONCAT(\1COALESCE(?\2, "")', sparql)
                t = time.perf_counter()
                rows = list(ds.query(sparql))
                rewritten = True
            print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(rows), "rewritten": rewritten}),
                  flush=True)
        except Exception as exc:
            print(json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:200]}"}), flush=True)


class Portable:
    """An engine as a SPARQL 1.1 server is asked: the same data, without the embedded engine's LATERAL rewrite
    (what rdflib, which has no LATERAL, runs)."""

    lateral = False

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def select(self, sparql: str) -> Any:
        return self.engine.select(sparql)

    def several_evaluations(self) -> bool:
        return bool(self.engine.several_evaluations())

    def names(self) -> Any:
        return self.engine.names()

    def check_default_graph(self) -> None:
        self.engine.check_default_graph()


class RdflibWorker:
    """The rdflib child process, restarted after a query overruns its bound."""

    def __init__(self, nquads: Path, load_timeout: float) -> None:
        self.nquads = nquads
        self.load_timeout = load_timeout
        self.proc: subprocess.Popen[str] | None = None
        self.load_seconds: float | None = None

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.run", "--child", "rdflib", str(self.nquads)],
                                     cwd=HERE.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=child_env())
        reply = self._read(self.load_timeout)
        if reply is None:
            self.stop()
            raise TimeoutError("rdflib could not load the data in time")
        self.load_seconds = reply["loaded"]

    def _read(self, timeout: float) -> dict[str, Any] | None:
        assert self.proc is not None and self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else {"error": "rdflib worker died"}

    def query(self, sparql: str, timeout: float) -> dict[str, Any]:
        if self.proc is None:
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"sparql": sparql}) + "\n")
        self.proc.stdin.flush()
        reply = self._read(timeout)
        if reply is None:
            self.stop()
            return {"timeout": timeout}
        if "error" in reply and self.proc.poll() is not None:
            self.stop()
        return reply

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


# ---------------------------------------------------------------------------------------------- one size


def measure_size(label: str, triples: int, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"size": label, "triples_requested": triples,
                              "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                              "loadavg_start": os.getloadavg(),
                              "runs": {"warm": args.runs, "cold": args.cold_runs}}
    log(f"== {label}: generating")
    root, info, gen_seconds = project_for(label, triples, args.seed)
    result["generated"] = info | {"generate_seconds": round(gen_seconds, 2)}
    files = len(list((root / "evaluations").glob("*.yaml")))
    result["files"] = files

    # --- load: library refresh in a child (as shipped, then serially with a breakdown), then `cmograph load`
    shutil.rmtree(root / ".cmograph", ignore_errors=True)
    log(f"== {label}: loading {files} files (library refresh in a child process: as shipped"
        f"{'' if triples >= BIG else ', then serially'})")
    how = ["shipped"] if triples >= BIG else []  # at 10M the serial breakdown would double a long load
    child = run_process([sys.executable, "-m", "bench.run", "--child", "refresh", str(root), *how], cwd=HERE.parent)
    if child["code"] != 0:
        raise RuntimeError(f"refresh failed: {child['stderr']}")
    refresh = json.loads(child["stdout"])
    refresh["process_seconds"] = child["seconds"]
    refresh["peak_rss_mib"] = child["rss_mib"]
    result["refresh"] = refresh
    quads = refresh["store_quads"]
    result["store_quads"] = quads
    log(f"   refresh as shipped {refresh['refresh_seconds']:.2f} s ({refresh['workers']} workers), serial "
        f"{refresh.get('serial_refresh_seconds', float('nan')):.2f} s")
    shutil.rmtree(root / ".cmograph", ignore_errors=True)
    log(f"== {label}: cmograph load (process, from scratch)")
    proc = run_process([str(CMOGRAPH), "load"], cwd=root)
    result["load_process"] = {"seconds": proc["seconds"], "peak_rss_mib": proc["rss_mib"], "code": proc["code"]}
    if proc["code"] != 0:
        raise RuntimeError(f"cmograph load failed: {proc['stderr']}")
    log(f"   {proc['seconds']:.2f} s, peak RSS {proc['rss_mib']:.0f} MiB")
    result["noop_refresh_seconds"] = noop_refresh_seconds(root)
    if triples < BIG:
        log(f"== {label}: raw pyoxigraph bulk load of the same N-Quads (baseline of the store write)")
        proc = run_process([sys.executable, "-m", "bench.run", "--child", "bulkload", str(root)], cwd=HERE.parent)
        if proc["code"] != 0:
            raise RuntimeError(f"bulk load failed: {proc['stderr']}")
        result["raw_bulk_load"] = json.loads(proc["stdout"])
        log(f"   {result['raw_bulk_load']}")

    # --- validation
    if triples <= args.process_load_max:
        log(f"== {label}: cmograph validate (process)")
        proc = run_process([str(CMOGRAPH), "validate"], cwd=root)
        result["validate_process"] = {"seconds": proc["seconds"], "peak_rss_mib": proc["rss_mib"],
                                      "code": proc["code"]}
    if triples >= BIG:
        result["shacl_compare"] = {"skipped": "pySHACL against pyshacl-turbo not run at 10M: it holds every "
                                   "evaluation as an rdflib graph at once (1.5 GiB at 1M)"}
    else:
        log(f"== {label}: pySHACL vs pyshacl-turbo")
        max_files = 0 if triples <= args.pyshacl_all_max else args.pyshacl_sample
        proc = run_process([sys.executable, "-m", "bench.run", "--child", "validate", str(root), str(max_files)],
                           cwd=HERE.parent)
        if proc["code"] != 0:
            result["shacl_compare"] = {"error": proc["stderr"]}
        else:
            result["shacl_compare"] = json.loads(proc["stdout"]) | {"peak_rss_mib": proc["rss_mib"]}

    # --- against the floor (bench.floor): load and validate, rounds interleaved with a bulk-load process
    if triples < BIG:
        from bench import floor

        log(f"== {label}: load and validate against a bulk-load process (interleaved rounds)")
        result["floor_load"] = floor.load_vs_floor(root, rounds=3 if triples <= 100_000 else 1)
        log(f"   {result['floor_load']}")

    # --- questions
    if not args.load_only:
        measure_questions(label, triples, args, root, result)
        measure_floors(label, triples, args, root, result)
    return result


def measure_floors(label: str, triples: int, args: argparse.Namespace, root: Path, result: dict[str, Any]) -> None:
    """Cold questions against their floor (bench.floor), interleaved round by round: the one-element questions,
    then every other one with nothing kept; at 100k, questions through an Oxigraph server against embedded."""
    from bench import floor

    chosen = selected_questions(args)
    one = tuple(q for q in floor.ONE_ELEMENT if q in chosen)
    others = tuple(q for q in chosen if q not in floor.ONE_ELEMENT)
    big = triples >= BIG
    log(f"== {label}: cold questions against the floor (interleaved rounds)")
    result["floor_cold"] = floor.cold_vs_floor(root, args.seed, rounds=1 if big else 5, questions=one)
    if not big:
        rounds = 3 if triples <= 100_000 else 1
        result["floor_cold_unkept"] = floor.cold_vs_floor(root, args.seed, rounds=rounds, questions=others,
                                                          forget=True)
    if triples == 100_000 and ENDPOINT_BINARY.exists():
        log(f"== {label}: questions through an Oxigraph server against embedded")
        result["endpoint"] = floor.endpoint_vs_embedded(root, ENDPOINT_BINARY, args.seed, tuple(chosen))


def noop_refresh_seconds(root: Path) -> float:
    """An unchanged refresh (what every ``ask`` does first), in a fresh process."""
    proc = run_process([sys.executable, "-c", "import sys,time; from pathlib import Path; "
                        "from cmograph.store.project import Project; t=time.perf_counter(); "
                        "Project(Path(sys.argv[1])).refresh(); print(time.perf_counter()-t)", str(root)])
    return float(proc["stdout"].strip() or "nan")


def code_version() -> str:
    """The git commit of the checkout measured, with ``+changes`` when the work tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "queries", "shapes"], cwd=HERE.parent,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def selected_questions(args: argparse.Namespace) -> dict[str, Any]:
    """The canned questions to measure: all, or those named by ``--questions`` (in the shipped order)."""
    from cmograph.query.catalogue import questions

    known = questions()
    if not args.questions:
        return dict(known)
    wanted = [q.strip() for q in args.questions.split(",") if q.strip()]
    unknown = [q for q in wanted if q not in known]
    if unknown:
        raise SystemExit(f"unknown question(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return {qid: q for qid, q in known.items() if qid in wanted}


def measure_questions(label: str, triples: int, args: argparse.Namespace, root: Path,
                      result: dict[str, Any]) -> None:
    """The canned questions (all, or ``--questions``), cold, warm, raw and with rdflib (see the module docstring).

    At 10M and more only one cold process per question runs (with its peak RSS), unless ``--warm-at-10m`` (warm
    disk, select, resolve, raw disk) or ``--memory-at-10m`` (warm memory, raw in-memory pyoxigraph) add more;
    rdflib never runs there.
    """
    import hashlib

    import pyoxigraph as ox

    from cmograph.query.local import StoreEngine
    from cmograph.query.run import ask, prepare
    from cmograph.source import open_data
    from cmograph.store.answers import KeptAnswers
    from cmograph.store.disk import DiskStore
    from cmograph.store.project import STORE

    big = triples >= BIG
    warm = not big or args.warm_at_10m
    in_memory = not big or args.memory_at_10m
    cold_runs = 1 if big else args.cold_runs
    chosen = selected_questions(args)
    store_dir = root / STORE
    stamp = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
             "loadavg_start": os.getloadavg(), "code_version": code_version()}
    again = bool(args.questions) and "questions" in result  # some questions measured again: the rest are kept
    if not again:
        result["questions_date"] = stamp["date"]
        result["questions_loadavg_start"] = stamp["loadavg_start"]
        result["code_version"] = stamp["code_version"]
        result["questions_measured"] = {"cold_runs": cold_runs, "warm_disk": warm, "memory": in_memory,
                                        "rdflib": not big and triples <= args.rdflib_max,
                                        "filter": list(chosen) if args.questions else None}
    for key in ("memory_store_load_seconds", "memory_open_seconds", "memory_open_from_snapshots",
                "memory_index_seconds", "rdflib_load_seconds"):
        result.pop(key, None)  # from an earlier pass over this size
    disk = DiskStore(store_dir).open()
    engine = StoreEngine(disk)
    memory: Any = None
    memory_engine: Any = None
    if in_memory:
        t = time.perf_counter()
        memory = ox.Store()
        memory.bulk_extend(list(disk))
        result["memory_store_load_seconds"] = time.perf_counter() - t
        # the library's in-memory mode, opened once per size (what a notebook or script keeps open)
        t = time.perf_counter()
        memory_engine = open_data(store=store_dir, memory=True).engine
        result["memory_open_seconds"] = time.perf_counter() - t
        result["memory_open_from_snapshots"] = memory_snapshots(store_dir)
        t = time.perf_counter()
        memory_engine.names()  # built by the first question given a name; timed here, outside the questions
        result["memory_index_seconds"] = time.perf_counter() - t
    # the state `cmograph load` leaves once it has prepared the answers it prepares by default (in a process of
    # its own, after the load: on a store of the size it prepares), and no other; waited for with --prepare
    from cmograph.store.answers import prepare_answers

    forget_answers(store_dir)
    due = prepare_answers(DiskStore(store_dir), dry_run=True)
    proc = run_process([str(CMOGRAPH), "load", "--prepare" if due else "--no-prepare"], cwd=root)
    if proc["code"] != 0:
        raise RuntimeError(f"cmograph load failed: {proc['stderr']}")
    prepared = {path.name: path.read_bytes() for path in kept_answers(store_dir)}
    result["prepare_process"] = {"seconds": proc["seconds"], "peak_rss_mib": proc["rss_mib"],
                                 "prepared": sum(name.endswith(".json") for name in prepared)}
    log(f"   cmograph load with nothing changed: {proc['seconds']:.2f} s, "
        f"{result['prepare_process']['prepared']} answers prepared, "
        f"peak RSS {proc['rss_mib']:.0f} MiB")
    picks = question_options(args.seed)
    rdflib_worker = None
    nquads = root / "dump.nq"
    if result["questions_measured"]["rdflib"]:
        if not nquads.exists():
            disk.dump(str(nquads), format=ox.RdfFormat.N_QUADS)
        rdflib_worker = RdflibWorker(nquads, load_timeout=600)
    rdflib_timeout = args.rdflib_timeout if triples <= 10_000 else args.rdflib_timeout_large

    def raw(s: str, store: Any) -> int:
        return len([tuple(solution) for solution in store.query(s, use_default_graph_as_union=True)])

    rows_out: dict[str, Any] = {}
    for qid, question in chosen.items():
        options = options_for(question, picks)
        log(f"== {label}: {qid} {options}")
        row: dict[str, Any] = {"options": options}
        # (a) cold process first, bounded: a question that cannot finish is not measured further. Each is the
        # first ask after `cmograph load`: the answers kept in the live generation are those the load prepared.
        argv = [str(CMOGRAPH), "ask", qid, "--format", "csv"]
        for name, value in options.items():
            argv += [f"--{name}", value]

        def after_load(argv: list[str] = argv) -> dict[str, Any]:
            restore_answers(store_dir, prepared)
            return run_process(argv, cwd=root, timeout=args.question_timeout)

        def unkept(argv: list[str] = argv) -> dict[str, Any]:
            forget_answers(store_dir)
            return run_process(argv, cwd=root, timeout=args.question_timeout)

        colds = [after_load()]
        if colds[0]["timed_out"]:
            row["cold_timeout"] = args.question_timeout
            row["cold_peak_rss_mib"] = colds[0]["rss_mib"]
            rows_out[qid] = row
            log(f"   cold process stopped after {args.question_timeout:.0f} s; not measured further")
            continue
        more = cold_runs - 1 if colds[0]["seconds"] < 20 else 0  # one run of a slow question is enough
        colds += [after_load() for _ in range(more)]
        row["cold_seconds"] = statistics.median(p["seconds"] for p in colds)
        row["cold_prepared"] = KeptAnswers(engine, store_dir).path(prepare(question, engine, options)).name in prepared
        # (a') the first ask with no answer kept (as after a refresh by `ask`, or on a store too small to
        # prepare): the query runs from disk
        if prepared:
            firsts = [unkept()]
            firsts += [unkept() for _ in range(more if firsts[0]["seconds"] < 20 else 0)]
            row["cold_unkept_seconds"] = statistics.median(p["seconds"] for p in firsts)
        else:  # the answer the last cold process kept, if any, stays for (a''), as after a first ask
            row["cold_unkept_seconds"] = row["cold_seconds"]
        # (a'') asked again, as a new process: from the answer the first ask kept, if its query took long enough
        agains = [run_process(argv, cwd=root, timeout=args.question_timeout) for _ in range(1 + more)]
        row["cold_again_seconds"] = statistics.median(p["seconds"] for p in agains)
        row["answer_kept"] = any(kept_answers(store_dir))
        row["cold_peak_rss_mib"] = max(p["rss_mib"] for p in colds)
        row["cold_code"] = colds[-1]["code"]
        if colds[-1]["code"] != 0:
            row["cold_error"] = colds[-1]["stderr"][-300:]
        elif not warm and not in_memory:  # rows of the process's CSV answer (after its header)
            row["cold_rows"] = max(0, len(list(csv.reader(io.StringIO(colds[-1]["stdout"])))) - 1)
        sparql = prepare(question, engine, options) if warm or in_memory else ""
        if warm:
            # (b) warm library call on the disk store
            row["warm_seconds"], answer = median_time(partial(ask, question, engine, options), args.runs)
            row["rows"] = len(answer.rows)
        if in_memory:
            # (b*) warm library call on the in-memory store (open_data(store, memory=True), opened once above),
            # and (c) raw pyoxigraph in memory running the same bound SPARQL, called in turn
            paired = median_times({"memory": partial(ask, question, memory_engine, options),
                                   "raw": partial(raw, sparql, memory)}, args.runs)
            row["warm_memory_seconds"], answer = paired["memory"]
            row["raw_seconds"], row["raw_rows"] = paired["raw"]
            row["warm_memory_rows"] = len(answer.rows)
            row.setdefault("rows", row["warm_memory_rows"])
            if row["warm_memory_rows"] != row["rows"]:
                log(f"   warm memory gave {row['warm_memory_rows']} rows, warm disk {row['rows']}")
        if warm:
            # (b') warm engine.select on the disk store, bound SPARQL only
            row["select_seconds"], _ = median_time(partial(engine.select, sparql), args.runs)
            # (b'') name resolution alone (prepare)
            row["prepare_seconds"], _ = median_time(partial(prepare, question, engine, options), args.runs)
        # (c') raw pyoxigraph on the same read-only disk store
        if warm:
            row["raw_disk_seconds"], _ = median_time(partial(raw, sparql, disk), args.runs)
        # (d) rdflib, on the SPARQL 1.1 form a server gets (without the embedded engine's LATERAL rewrite)
        if rdflib_worker is not None:
            portable = prepare(question, Portable(engine), options)
            row["rdflib_sparql_differs"] = portable != sparql
            try:
                first = rdflib_worker.query(portable, rdflib_timeout)
                samples = [first]
                if "seconds" in first and first["seconds"] < 2.0:
                    samples += [rdflib_worker.query(portable, rdflib_timeout) for _ in range(2)]
                good = [s for s in samples if "seconds" in s]
                if good:
                    row["rdflib_seconds"] = statistics.median(s["seconds"] for s in good)
                    row["rdflib_rows"] = good[0]["rows"]
                    row["rdflib_rewritten"] = good[0].get("rewritten", False)
                elif "timeout" in first:
                    row["rdflib_timeout"] = first["timeout"]
                else:
                    row["rdflib_error"] = first.get("error")
            except TimeoutError as exc:
                row["rdflib_error"] = str(exc)
        rows_out[qid] = row
        shown = [f"rows {row.get('rows', row.get('cold_rows', '?'))}", f"cold {row['cold_seconds']:.3f} s "
                 f"(peak RSS {row['cold_peak_rss_mib']:.0f} MiB)"]
        for key, name in (("warm_seconds", "warm disk"), ("warm_memory_seconds", "warm memory"),
                          ("raw_seconds", "raw")):
            if key in row:
                shown.append(f"{name} {row[key] * 1e3:.2f} ms")
        if rdflib_worker is not None:
            shown.append(f"rdflib {row.get('rdflib_seconds', row.get('rdflib_timeout'))}")
        log("   " + ", ".join(shown))
    if rdflib_worker is not None:
        result["rdflib_load_seconds"] = rdflib_worker.load_seconds
        rdflib_worker.stop()
    hashes = {qid: hashlib.sha256(q.sparql.encode()).hexdigest()[:12] for qid, q in chosen.items()}
    if again:
        for qid, row in rows_out.items():
            row["measured_again"] = stamp | {"before": result["questions"].get(qid)}
        result["questions"] = result["questions"] | rows_out
        result["query_sha256"] = result.get("query_sha256", {}) | hashes
    else:
        result["questions"] = rows_out
        result["loadavg_end"] = os.getloadavg()
        result["query_sha256"] = hashes


def project_store() -> str:
    """The store folder inside a project."""
    from cmograph.store.project import STORE

    return STORE


def kept_answers(store_dir: Path) -> list[Path]:
    """The answers kept in the live generation of the store in ``store_dir`` (see ``cmograph.store.answers``)."""
    from cmograph.store.answers import ANSWERS

    folder = store_dir / (store_dir / "CURRENT").read_text(encoding="utf-8").strip() / ANSWERS
    return sorted(folder.iterdir()) if folder.is_dir() else []  # the rows (.json) and as printed (.printed.csv)


def restore_answers(store_dir: Path, prepared: dict[str, bytes]) -> None:
    """Leave exactly the ``prepared`` answers in the live generation (as ``cmograph load`` left them)."""
    from cmograph.store.answers import ANSWERS

    forget_answers(store_dir)
    folder = store_dir / (store_dir / "CURRENT").read_text(encoding="utf-8").strip() / ANSWERS
    for name, data in prepared.items():
        (folder / name).write_bytes(data)


def forget_answers(store_dir: Path) -> None:
    """Delete the answers kept in the live generation, so the next ask runs its query."""
    for path in kept_answers(store_dir):
        path.unlink()


def memory_snapshots(store_dir: Path) -> bool:
    """Whether the live generation keeps N-Quads snapshots (else ``open(memory=True)`` copies the database)."""
    try:
        live = (store_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return (store_dir / live / "graphs").is_dir()


def measure_help(runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, argv, cache in (("cmograph_help", [str(CMOGRAPH), "--help"], True),
                              ("cmograph_help_no_bytecode_cache", [str(CMOGRAPH), "--help"], False),
                              ("cmograph_version", [str(CMOGRAPH), "--version"], True),
                              ("python_startup", [sys.executable, "-c", "pass"], True),
                              ("ask_list", [str(CMOGRAPH), "ask", "--list"], True)):
        runs_ = [run_process(argv, env=child_env(cache)) for _ in range(runs + 1)][1:]
        out[name] = {"seconds": statistics.median(r["seconds"] for r in runs_),
                     "peak_rss_mib": max(r["rss_mib"] for r in runs_)}
    return out


# ---------------------------------------------------------------------------------------------- report




def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e3:.1f}" if seconds >= 0.01 else f"{seconds * 1e3:.2f}"


def _again(q: dict[str, Any]) -> str:
    """The cold process asked again: ``(k)`` when it answered from the kept answer."""
    if "cold_again_seconds" not in q:
        return "-"
    return f"{q['cold_again_seconds']:.3f}" + (" (k)" if q.get("answer_kept") else "")


def _x(value: float | None, prefix: str = "") -> str:
    if value is None:
        return "-"
    return f"{prefix}{value:.0f}x" if value >= 100 else f"{prefix}{value:.1f}x" if value >= 10 else \
        f"{prefix}{value:.2f}x"


def rdflib_ratio(row: dict[str, Any], warm: str = "warm_seconds") -> tuple[float | None, bool]:
    """rdflib time / our warm time (``warm``: the key of warm disk or warm memory); (ratio, is_lower_bound).

    ``(None, False)`` when rdflib did not finish or did not run, or when ``warm`` was not measured (results
    written before warm memory was).
    """
    if warm not in row:
        return None, False
    if "rdflib_seconds" in row:
        return row["rdflib_seconds"] / row[warm], False
    if "rdflib_timeout" in row:
        return row["rdflib_timeout"] / row[warm], True
    return None, False


def raw_ratio(row: dict[str, Any], warm: str = "warm_seconds") -> float | None:
    """Our warm time (``warm_seconds`` on disk or ``warm_memory_seconds``) / raw in-memory pyoxigraph's."""
    return row[warm] / row["raw_seconds"] if warm in row and "raw_seconds" in row else None


def render(data: dict[str, Any]) -> str:
    m = data["machine"]
    v = data["versions"]
    sizes = sorted(data["sizes"].values(), key=lambda s: s["triples_requested"])
    lines = [
        "# cmograph benchmark results",
        "",
        "Written by `python -m bench.run` (see `bench/run.py` for what each number is). All data is SYNTHETIC,",
        "made by `bench/generate.py`. Ratios compare numbers measured in the same run on this machine.",
        "",
        f"- Machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gib']} GiB RAM; {m['os']}",
        f"- Date: {data['date']}",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- Method: medians of {data['args']['runs']} warm runs after one warm-up (fewer within a 20 s budget; "
        "a call over 10 s is measured once; warm memory and raw are called in turn, one call of each per round, "
        "so that a busy moment of the machine falls on both alike, within 40 s a pair, and a quick pair gets as "
        f"many rounds as fit in {FAST_ROUNDS_SECONDS:g} s, up to {FAST_ROUNDS_MAX}); cold processes: median of "
        f"{data['args']['cold_runs']} runs (one when the first takes over 20 s; a new process each time, OS page "
        "cache warm, store already refreshed); rdflib: one run, or the median of 3 when under 2 s, bounded "
        "per question "
        f"({data['args']['rdflib_timeout']} s at 10k, {data['args']['rdflib_timeout_large']} s above), "
        "in a child process.",
        "",
    ]
    help_ = data.get("help")
    if help_:
        lines += ["## Start-up", "", "| command | median (ms) | peak RSS (MiB) |", "|---|---:|---:|"]
        for name, label in (("cmograph_help", "`cmograph --help`"),
                            ("cmograph_help_no_bytecode_cache", "`cmograph --help`, no bytecode cache (see notes)"),
                            ("cmograph_version", "`cmograph --version`"),
                            ("ask_list", "`cmograph ask --list`"), ("python_startup", "`python -c pass`")):
            if name in help_:
                lines.append(f"| {label} | {_ms(help_[name]['seconds'])} | {help_[name]['peak_rss_mib']:.0f} |")
        lines.append("")

    for s in sizes:
        lines += _render_size(s)

    lines += _render_summary(sizes, data)
    return "\n".join(lines) + "\n"


def _render_size(s: dict[str, Any]) -> list[str]:
    g = s["generated"]
    r = s["refresh"]
    quads = s["store_quads"]
    lines = [
        f"## {s['size']}: {s['files']} evaluations, {quads:,} quads in the store",
        "",
        f"Measured {s['date']} (load average {_load(s, 'loadavg_start')} at the start, "
        f"{_load(s, 'loadavg_end')} at the end). Generated in {g['generate_seconds']:.1f} s "
        f"(mean {g['mean_triples_per_evaluation']} triples per evaluation).",
        "",
        "### Load and validation",
        "",
        "| what | seconds | triples/s | peak RSS (MiB) |",
        "|---|---:|---:|---:|",
    ]
    if "load_process" in s:
        lp = s["load_process"]
        lines.append(f"| `cmograph load` (process, from scratch) | {lp['seconds']:.2f} | "
                     f"{quads / lp['seconds']:,.0f} | {lp['peak_rss_mib']:.0f} |")
    if "raw_bulk_load" in s:
        rb = s["raw_bulk_load"]
        lines.append(f"| baseline: pyoxigraph `bulk_load` of the same N-Quads (in memory already) into a new on-disk "
                     f"store, in the same batches | {rb['bulk_load_seconds']:.2f} | "
                     f"{rb['quads'] / rb['bulk_load_seconds']:,.0f} | |")
        both = rb["bulk_load_seconds"] + rb["optimize_seconds"]
        lines.append(f"| &nbsp;&nbsp;then its compaction (`optimize`, as a large load does) | "
                     f"{rb['optimize_seconds']:.2f} | {rb['quads'] / both:,.0f} (both) | |")
    if "prepare_process" in s:
        pp = s["prepare_process"]
        lines.append(f"| &nbsp;&nbsp;preparing answers ({pp['prepared']} prepared; measured alone as `cmograph load` "
                     f"with nothing changed and no answer kept) | {pp['seconds']:.2f} | | {pp['peak_rss_mib']:.0f} |")
    lines += _render_refresh(r, quads)
    lines.append(f"| unchanged refresh (done by every `ask`) | {s['noop_refresh_seconds']:.3f} | | |")
    if "validate_process" in s:
        vp = s["validate_process"]
        lines.append(f"| `cmograph validate` (process) | {vp['seconds']:.2f} | {quads / vp['seconds']:,.0f} | "
                     f"{vp['peak_rss_mib']:.0f} |")
    c = s.get("shacl_compare", {})
    if "skipped" in c:
        lines += ["", c["skipped"] + "."]
    if "pyshacl_seconds" in c:
        n_all = c["files"]
        n_py = c["pyshacl_files"]
        py_all = c.get("pyshacl_seconds_all_files", c["pyshacl_seconds"])
        note = "" if n_py == n_all else f" (measured on {n_py} of {n_all} files, scaled)"
        lines.append(f"| SHACL only, pySHACL `validate` (cmograph's options){note} | {py_all:.2f} | "
                     f"{c['triples'] / py_all:,.0f} | |")
        if "turbo_seconds" in c:
            lines.append(f"| SHACL only, pyshacl-turbo `validate` | {c['turbo_seconds']:.2f} | "
                         f"{c['triples'] / c['turbo_seconds']:,.0f} | |")
            lines.append(f"| SHACL only, pyshacl-turbo with shapes compiled once | {c['turbo_compiled_seconds']:.2f}"
                         f" | {c['triples'] / c['turbo_compiled_seconds']:,.0f} | {c['peak_rss_mib']:.0f} |")
        lines.append("")
        if "identity_generated" in c:
            lines += ["Report identity, pySHACL vs pyshacl-turbo (compiled shapes), same graphs, same options:", "",
                      "| data | cases | identical SHACL results (all but `sh:resultMessage`) | identical "
                      "`sh:resultMessage` texts | identical cmograph messages |",
                      "|---|---:|---:|---:|---:|"]
            for key, label in (("identity_generated", "generated files (conforming)"),
                               ("identity_mutated", "generated files with 7 injected defects each"),
                               ("identity_fixtures", "`tests/data/invalid` fixtures reaching SHACL")):
                i = c[key]
                lines.append(f"| {label} | {i['cases']} | {i['identical_results']} | "
                             f"{i.get('identical_result_messages', '-')} | {i['identical_messages']} |")
            diffs = [d for key in ("identity_generated", "identity_mutated", "identity_fixtures")
                     for d in c[key]["differences"]]
            if diffs:
                lines += ["", "Differences: " + "; ".join(diffs)]
    lines.append("")

    lines += [
        "### Questions",
        "",
        f"Measured {s.get('questions_date', s['date'])} on cmograph {s.get('code_version', '(commit not recorded)')}"
        f" (load average {_load(s, 'questions_loadavg_start')} at the start).",
        "",
        "Cold = a new `cmograph ask Q --format csv` process in the project folder, asking for the first time after "
        "`cmograph load`: (p) marks an answer the load prepared (`cmograph.store.answers.prepare_answers`; by default "
        "on stores of about 150k to 3M triples). Nothing kept = the same first ask with no answer kept (the query runs "
        "from disk, as after a refresh done by `ask`, or with `load --no-prepare`). Again = the same process run "
        "again: (k) marks an answer kept by an earlier ask, as queries taking 0.5 s or more are. Warm disk = "
        "`questions.ask` on an open `DiskStore`. Warm memory = `questions.ask` on `open_data(store, memory=True)` "
        "(the live generation loaded into memory, and the names of its elements indexed, once per size). Select = the"
        " same bound SPARQL through `StoreEngine.select` on the disk store. Resolve = `questions.prepare` alone (name"
        " resolution and binding). Raw disk = pyoxigraph on the same read-only disk store, consuming every solution. "
        "Raw = pyoxigraph in-memory `Store` with the same quads running the same bound SPARQL. rdflib = "
        "`Dataset(default_union=True)`.",
        "",
        "| question | options | rows | cold (s) | nothing kept (s) | again (s) | warm disk (ms) | warm memory (ms) "
        "| select (ms) | resolve (ms) | raw disk (ms) | raw (ms) | disk/raw | memory/raw | rdflib (s) "
        "| rdflib/warm disk | rdflib/raw | rows agree |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    scope = _scope(s)
    if scope:
        lines[-3:-3] = ["", scope]
    for qid, q in s["questions"].items():
        opts = " ".join(f"--{k} {_short(v)}" for k, v in q["options"].items()) or ""
        if "cold_timeout" in q:
            lines.append(f"| {qid} | {opts} | - | >{q['cold_timeout']:.0f} (stopped) | not measured | | | | | "
                         "| | | | | | | | |")
            continue
        ratio, bound = rdflib_ratio(q)
        rdflib_raw = None if ratio is None or "raw_seconds" not in q else ratio * q["warm_seconds"] / q["raw_seconds"]
        if "rdflib_seconds" in q:
            rd = f"{q['rdflib_seconds']:.3f}" + (" (r)" if q.get("rdflib_rewritten") else "")
        elif "rdflib_timeout" in q:
            rd = f">{q['rdflib_timeout']:.0f} (stopped)"
        elif "rdflib_error" in q:
            rd = "error"
        else:
            rd = "not run"
        rows = q.get("rows", q.get("cold_rows"))
        agree = "-"
        if "rdflib_rows" in q:
            agree = "yes" if q["rdflib_rows"] == q["raw_rows"] else f"no ({q['rdflib_rows']} vs {q['raw_rows']})"
        if "warm_memory_rows" in q and "warm_seconds" in q and q["warm_memory_rows"] != q["rows"]:
            agree += f"; warm memory {q['warm_memory_rows']} vs disk {q['rows']}"
        cold = f"{q['cold_seconds']:.3f}" + (" (p)" if q.get("cold_prepared") else "") + (
            "" if q.get("cold_code", 0) == 0 else f" (exit {q['cold_code']})")
        unkept = f"{q['cold_unkept_seconds']:.3f}" if "cold_unkept_seconds" in q else "-"
        lines.append(
            f"| {qid} | {opts} | {'-' if rows is None else rows} | {cold} | {unkept} | {_again(q)} | "
            f"{_ms(q.get('warm_seconds'))} | "
            f"{_ms(q.get('warm_memory_seconds'))} | {_ms(q.get('select_seconds'))} | "
            f"{_ms(q.get('prepare_seconds'))} | {_ms(q.get('raw_disk_seconds'))} | {_ms(q.get('raw_seconds'))} | "
            f"{_ratio(raw_ratio(q))} | {_ratio(raw_ratio(q, 'warm_memory_seconds'))} | {rd} | "
            f"{_x(ratio, '>' if bound else '')} | {_x(rdflib_raw, '>' if bound else '')} | {agree} |")
    again = {qid: q["measured_again"] for qid, q in s["questions"].items() if "measured_again" in q}
    if again:
        lines += ["", "Measured again after the run above (`--questions-only --questions ...`), with the figures "
                  "shown: " + "; ".join(f"{qid} at {m['date']} on cmograph {m['code_version']} (load average "
                                         f"{'/'.join(f'{x:.1f}' for x in m['loadavg_start'])})"
                                         for qid, m in again.items())
                  + ". The first figures are kept in results.json (`measured_again.before`)."]
    if any(q.get("rdflib_rewritten") for q in s["questions"].values()):
        lines += ["", "(r): rdflib raised `NotBoundError` on `GROUP_CONCAT` over a variable an `OPTIONAL` left "
                  "unbound (SPARQL 1.1 skips such values), so it ran the query with `COALESCE(?x, \"\")` around "
                  "each `GROUP_CONCAT` argument: same groups, same rows."]
    lines.append("")
    rss = [q["cold_peak_rss_mib"] for q in s["questions"].values() if "cold_peak_rss_mib" in q]
    if rss:
        lines += [f"Peak RSS of the cold `cmograph ask` processes: {min(rss):.0f}-{max(rss):.0f} MiB.", ""]
    loads = []
    if s.get("rdflib_load_seconds"):
        loads.append(f"rdflib parsed the N-Quads dump in {s['rdflib_load_seconds']:.1f} s")
    if "memory_store_load_seconds" in s:
        loads.append(f"pyoxigraph's in-memory store took {s['memory_store_load_seconds']:.2f} s to fill from the "
                     "disk store")
    if "memory_open_seconds" in s:
        source = "its N-Quads snapshots" if s.get("memory_open_from_snapshots") else \
            "a copy of the disk database (a generation written before snapshots were kept)"
        loads.append(f"`open_data(store, memory=True)` (warm memory's one-time load of the live generation, from "
                     f"{source}) took {s['memory_open_seconds']:.2f} s")
    if "memory_index_seconds" in s:
        loads.append(f"indexing the names of its elements (once, for warm memory) took "
                     f"{s['memory_index_seconds']:.2f} s")
    if loads:
        lines += ["; ".join(loads) + ".", ""]
    from bench import targets

    return lines + targets.render_floor(s)


def _scope(s: dict[str, Any]) -> str:
    """What was left out of a size's questions (``--questions``, the 10M mode), or ``""``."""
    m = s.get("questions_measured")
    if not m:
        return ""
    parts = []
    if m.get("filter"):
        parts.append(f"only {', '.join(m['filter'])} (`--questions`)")
    if m.get("cold_runs") == 1 and s["triples_requested"] >= BIG:
        parts.append("one cold process per question (its peak RSS recorded)")
    left = [name for name, key in (("warm disk, select, resolve and raw disk (`--warm-at-10m`)", "warm_disk"),
                                   ("warm memory and raw (`--memory-at-10m`)", "memory")) if not m.get(key)]
    if left:
        parts.append("not measured: " + ", ".join(left))
        if not m.get("warm_disk") and not m.get("memory"):
            parts.append("rows are those of the cold process's CSV answer")
    if not parts:
        return ""
    return "Measured at this size: " + "; ".join(parts) + " (\"-\" = not measured)."


def _rate(quads: int, seconds: float | None) -> str:
    return f"{quads / seconds:,.0f}" if seconds else ""


def _render_refresh(r: dict[str, Any], quads: int) -> list[str]:
    """The refresh child's rows: the shipped refresh, then the serial one with its breakdown."""
    st = r.get("stages", {})
    workers = f"{r['workers']} worker processes check the files" if r.get("workers") else \
        "files checked in this process: too few for workers"
    rss = _mib(r.get("shipped_peak_rss_mib"))
    if r.get("shipped_workers_peak_rss_mib"):
        rss += f" (workers {_mib(r['shipped_workers_peak_rss_mib'])})"
    lines = [f"| `Project.refresh()` from scratch, as shipped ({workers}) | {r['refresh_seconds']:.2f} | "
             f"{_rate(quads, r['refresh_seconds'])} | {rss} |"]
    if "serial_refresh_seconds" not in r:  # at 10M: no serial breakdown
        return [*lines, f"| refresh child process, whole | {r['process_seconds']:.2f} | | {r['peak_rss_mib']:.0f} |"]
    lines.append(f"| `Project.refresh()` from scratch again, one process (serial), for the breakdown | "
                 f"{r['serial_refresh_seconds']:.2f} | {_rate(quads, r['serial_refresh_seconds'])} | |")
    for key, label in (("read_yaml", "reading YAML (`read_document`)"), ("check_structure", "structure checks"),
                       ("build_triples", "building rdflib triples (`build`)"),
                       ("to_ox_terms", "rdflib -> pyoxigraph terms (`ox_triples`)"), ("shacl", "SHACL (`_shacl`)"),
                       ("nquads", "N-Quads from the N-Triples (`EvaluationGraph.of_ntriples`)")):
        if key in st:
            lines.append(f"| &nbsp;&nbsp;{label} | {st[key]:.2f} | {_rate(quads, st[key])} | |")
    if "file_checks_rest_seconds" in r:
        lines.append(f"| &nbsp;&nbsp;rest of the file checks (hashing, writing N-Triples, consistency rules, ...) | "
                     f"{r['file_checks_rest_seconds']:.2f} | | |")
    if "store_write" in st:
        lines.append(f"| &nbsp;&nbsp;store write (`DiskStore.write` minus waiting for the file checks) | "
                     f"{st['store_write']:.2f} | {_rate(quads, st['store_write'])} | |")
    if "refresh_rest_seconds" in r:
        lines.append(f"| &nbsp;&nbsp;rest of the refresh (finding files, manifest, lock) | "
                     f"{r['refresh_rest_seconds']:.2f} | | |")
    lines += [f"| refresh child process, whole (imports and both refreshes) | {r['process_seconds']:.2f} | | "
              f"{r['peak_rss_mib']:.0f} |",
              f"| of which: imports | {r['import_seconds']:.2f} | | |"]
    return lines


def _mib(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _load(s: dict[str, Any], key: str) -> str:
    value = s.get(key)
    return "/".join(f"{v:.1f}" for v in value) if value else "?"


def measured(s: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The questions of a size that finished within the bound."""
    return {qid: q for qid, q in s["questions"].items() if "warm_seconds" in q}


def _short(value: str) -> str:
    from bench.generate import SYNTHETIC_NS

    return value.replace(SYNTHETIC_NS, "syn/")


def _render_summary(sizes: list[dict[str, Any]], data: dict[str, Any]) -> list[str]:
    lines = ["## Ratios", "",
             "| size | quads | disk/raw max (median) | memory/raw max (median) | rdflib/warm disk min (median) "
             "| cold max (s) | load triples/s (`cmograph load`, end to end) | store write triples/s "
             "| validation (s): pySHACL / turbo |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in sizes:
        qs = measured(s).values()
        wr = [r for r in (raw_ratio(q) for q in qs) if r is not None]
        disk = f"{max(wr):.2f} ({statistics.median(wr):.2f})" if wr else "-"
        mr = [r for r in (raw_ratio(q, "warm_memory_seconds") for q in s["questions"].values()) if r is not None]
        memory = f"{max(mr):.2f} ({statistics.median(mr):.2f})" if mr else "-"
        if mr and len(mr) < len(wr):
            memory += f" ({len(mr)} of {len(wr)} questions)"
        rd_ratios = [rdflib_ratio(q) for q in qs]
        rr_known = [r for r, _ in rd_ratios if r is not None]
        rd = "not run"
        if rr_known:
            rd = f"{_x(min(rr_known))} ({_x(statistics.median(rr_known))})"
            if any(b for r, b in rd_ratios if r is not None):
                rd += "; some stopped at the bound (lower bounds)"
        load = s.get("load_process", {}).get("seconds") or s["refresh"]["process_seconds"]
        c = s.get("shacl_compare", {})
        val = "-"
        if "pyshacl_seconds" in c:
            val = f"{c.get('pyshacl_seconds_all_files', c['pyshacl_seconds']):.1f} / " \
                  f"{c.get('turbo_compiled_seconds', float('nan')):.2f}"
        sw = s["refresh"].get("stages", {}).get("store_write")
        colds = [q["cold_seconds"] for q in s["questions"].values() if "cold_seconds" in q]
        stopped = [q["cold_timeout"] for q in s["questions"].values() if "cold_timeout" in q]
        cold = f">{max(stopped):.0f}" if stopped else f"{max(colds):.2f}" if colds else "-"
        lines.append(f"| {s['size']} | {s['store_quads']:,} | {disk} | {memory} | {rd} | {cold} | "
                     f"{s['store_quads'] / load:,.0f} | {_rate(s['store_quads'], sw) or '-'} | {val} |")
    lines.append("")

    from bench import targets

    lines += targets.render_targets(sizes, data, lambda q: raw_ratio(q, "warm_memory_seconds"))
    if data.get("notes"):
        lines += ["## Notes", "", *[f"- {n}" for n in data["notes"]], ""]
    return lines


# ---------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        kind = argv[1]
        if kind == "refresh":
            print(json.dumps(child_refresh(Path(argv[2]), breakdown=argv[3:] != ["shipped"])))
        elif kind == "validate":
            print(json.dumps(child_validate(Path(argv[2]), int(argv[3]))))
        elif kind == "bulkload":
            print(json.dumps(child_bulk_load(Path(argv[2]))))
        elif kind == "rdflib":
            child_rdflib(Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k,100k,1m,10m (or e.g. 50k)")
    parser.add_argument("--quick", action="store_true", help="fewer runs (3 warm, 1 cold)")
    parser.add_argument("--runs", type=int, default=7, help="warm runs per measurement (median)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold processes per question (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rdflib-max", type=lambda t: parse_size(t)[1], default=100_000,
                        help="largest size rdflib runs at")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="bound per question at 10k (s)")
    parser.add_argument("--rdflib-timeout-large", type=float, default=60.0,
                        help="bound per question above 10k (s)")
    parser.add_argument("--process-load-max", type=lambda t: parse_size(t)[1], default=1_000_000,
                        help="largest size at which `cmograph validate` also runs as a process (`cmograph load` "
                        "runs at every size)")
    parser.add_argument("--pyshacl-all-max", type=lambda t: parse_size(t)[1], default=100_000,
                        help="largest size at which pySHACL validates every file")
    parser.add_argument("--pyshacl-sample", type=int, default=40,
                        help="files pySHACL validates above --pyshacl-all-max (turbo does all)")
    parser.add_argument("--question-timeout", type=float, default=300.0,
                        help="bound on one cold `cmograph ask` (s); a question over it is not measured further")
    parser.add_argument("--max-minutes", type=float, default=15.0,
                        help="skip a size whose estimated generation + load exceeds this")
    parser.add_argument("--force-size", action="store_true",
                        help="measure every size given, even over --max-minutes (the estimate goes in the notes)")
    parser.add_argument("--questions", default="",
                        help="comma-separated question ids to measure (default: all)")
    parser.add_argument("--warm-at-10m", action="store_true",
                        help="at 10M and more, also time warm disk, select, resolve and raw disk")
    parser.add_argument("--memory-at-10m", action="store_true",
                        help="at 10M and more, also time warm memory and raw in-memory pyoxigraph (loads the "
                        "quads into memory twice)")
    parser.add_argument("--fresh", action="store_true", help="forget earlier sizes in bench/out/results.json")
    parser.add_argument("--output", type=Path, default=RESULTS_MD)
    parser.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from results.json")
    parser.add_argument("--cold-rss-only", action="store_true",
                        help="run each cold question once again, only to record its peak RSS")
    parser.add_argument("--questions-only", action="store_true",
                        help="measure only the questions (and start-up) again, on sizes already loaded")
    parser.add_argument("--load-only", action="store_true",
                        help="measure only the load and validation (and start-up) again, keeping the questions")
    args = parser.parse_args(argv)
    if args.render_only:
        args.output.write_text(render(json.loads(RESULTS_JSON.read_text())))
        return 0
    if args.quick:
        args.runs, args.cold_runs = 3, 1
    selected_questions(args)  # an unknown question id stops here, before anything is measured
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(HERE.parent)
    data: dict[str, Any] = {"sizes": {}, "notes": []}
    if RESULTS_JSON.exists() and not args.fresh:
        data = json.loads(RESULTS_JSON.read_text())
        data.setdefault("notes", [])
    data.update(machine=machine(), versions=versions(),
                date=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                args={k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()})
    log("== start-up")
    data["help"] = measure_help(10 if not args.quick else 5)
    for text in args.sizes.split(","):
        label, triples = parse_size(text)
        estimate = estimate_minutes(data, triples)
        over = estimate is not None and estimate > args.max_minutes
        data["notes"] = [n for n in data["notes"] if not n.startswith((f"{label} skipped", f"{label} measured"))]
        if over and not args.force_size:
            note = (f"{label} skipped: generation + load estimated at {estimate:.0f} min from the largest size "
                    f"measured (over the {args.max_minutes:.0f} min bound)")
            log("== " + note)
            if label == "10m":
                data["note_10m"] = note
            data["notes"].append(note)
            continue
        if over:
            note = (f"{label} measured although generation + load was estimated at {estimate:.0f} min from the "
                    f"largest size measured before it (over the {args.max_minutes:.0f} min bound; --force-size)")
            log("== " + note)
            data["notes"].append(note)
        if args.cold_rss_only and label in data["sizes"]:
            log(f"== {label}: peak RSS of cold questions")
            chosen = selected_questions(args)
            for qid, q in data["sizes"][label]["questions"].items():
                if "cold_seconds" not in q or qid not in chosen:
                    continue
                argv = [str(CMOGRAPH), "ask", qid, "--format", "csv"]
                for name, value in q["options"].items():
                    argv += [f"--{name}", value]
                forget_answers(OUT / f"{label}-seed{args.seed}" / project_store())
                q["cold_peak_rss_mib"] = run_process(argv, cwd=OUT / f"{label}-seed{args.seed}",
                                                     timeout=args.question_timeout)["rss_mib"]
            continue
        if args.questions_only and label in data["sizes"]:
            log(f"== {label}: questions only (and the unchanged refresh each question starts with)")
            data["sizes"][label]["noop_refresh_seconds"] = noop_refresh_seconds(OUT / f"{label}-seed{args.seed}")
            measure_questions(label, triples, args, OUT / f"{label}-seed{args.seed}", data["sizes"][label])
        elif args.load_only and label in data["sizes"]:  # the questions measured before are kept
            data["sizes"][label] = data["sizes"][label] | measure_size(label, triples, args)
        else:
            data["sizes"][label] = measure_size(label, triples, args)
            if label == "10m":  # measured now: drop what was written when it was not
                data.pop("note_10m", None)
                data["notes"] = [n for n in data["notes"] if not n.startswith("10M: not run")]
        RESULTS_JSON.write_text(json.dumps(data, indent=1, default=str))
        args.output.write_text(render(data))
    RESULTS_JSON.write_text(json.dumps(data, indent=1, default=str))
    text = render(data)
    args.output.write_text(text)
    print(text)
    return 0


def estimate_minutes(data: dict[str, Any], triples: int) -> float | None:
    """Generation + load time for ``triples``, scaled linearly from the largest size measured so far.

    The load is ``cmograph load`` as a process when it was measured, else the refresh child (results from before
    the load process ran at every size)."""
    measured = [s for s in data["sizes"].values() if s["triples_requested"] < triples]
    if not measured:
        return None
    s = max(measured, key=lambda s: s["triples_requested"])
    load = s.get("load_process", {}).get("seconds") or s["refresh"]["process_seconds"]
    seconds = s["generated"]["generate_seconds"] + load
    return float(seconds * triples / s["triples_requested"] / 60)


if __name__ == "__main__":
    sys.exit(main())
