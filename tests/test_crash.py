"""Crash safety and concurrency of the embedded store, tested with real processes and real SIGKILLs.

A ``cmograph load`` of a large file is killed at random moments, and a load is killed right before every
filesystem step it takes (found with an audit hook in the child process, so no code is replaced): each time the
store reopens as exactly the old content or exactly the new, and the next load works without any repair. Writers
exclude each other at once with a clear message; readers answer from the old or the new data while a load runs.
All evidence written here is MADE UP synthetic test data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import processes
import pyoxigraph as ox
import pytest

from cmograph.errors import StoreError
from cmograph.query.catalogue import get_question
from cmograph.query.local import StoreEngine
from cmograph.query.run import ask
from cmograph.store.disk import ONTOLOGY_GRAPH, DiskStore
from cmograph.store.project import Project, digest, init_project, load_into

pytestmark = pytest.mark.slow  # real loads killed at random moments and before every filesystem step

VALID = Path(__file__).parent / "data" / "valid"
EXAMPLE = Path(__file__).parent.parent / "examples" / "clinical-microsystems-nhs.yaml"
CLI = [sys.executable, "-m", "cmograph"]  # the real command, in this Python
SEED = 20261127
KILLS = 24  # random SIGKILLs of a large load (the issue asks for at least 20)
SLOW = 80  # configurations in a load that runs for a few seconds
STUDY_GRAPH = ox.NamedNode("https://w3id.org/cmograph/data/crash-study/graph")


def synthetic(n: int, version: int) -> str:
    """A made-up evaluation with ``n`` configurations; version 2 renames everything and drops 5 of them."""
    lines = ["# MADE UP TEST DATA written by tests/test_crash.py: a synthetic evaluation from no study.",
             "cmograph: 1", "evaluation:", "  id: crash-study",
             f"  title: Synthetic crash-test study, version {version}", "sites:"]
    lines += [f"  - id: s{i}\n    label: Site {i} v{version}" for i in range(n // 10 + 1)]
    for section in ("contexts", "mechanisms", "outcomes"):
        lines.append(f"{section}:")
        extra = "\n    direction: positive" if section == "outcomes" else ""
        lines += [f"  - id: {section[0]}{i}\n    label: {section[:-1]} {i} v{version}{extra}" for i in range(n)]
    lines.append("cmocs:")
    for i in range(n - 5 * (version - 1)):
        lines.append(f"  - id: cmoc{i}\n    context: [c{i}]\n    mechanism: [m{i}]\n    outcome: [o{i}]\n"
                     f"    sites: [s{i // 10}]\n    status: supported\n    evidence:\n"
                     f"      - quote: A made-up quote {i}, version {version}.")
    return "\n".join(lines) + "\n"


def dump(store: DiskStore) -> list[str]:
    """The quads of the crash-study graph, and the size of the ontology graph (its blank nodes differ per process)."""
    quads = list(store.open())
    ontology = sum(q.graph_name == ONTOLOGY_GRAPH for q in quads)
    return [f"{ontology} ontology quads", *sorted(str(q) for q in quads if q.graph_name == STUDY_GRAPH)]


def what_worked(store: DiskStore) -> list[dict[str, object]]:
    return ask(get_question("what-worked"), StoreEngine(store.open()), {}).rows  # type: ignore[return-value]


def generations(store: DiskStore) -> list[str]:
    return sorted(p.name for p in store.path.glob("gen-*"))


@dataclass
class Scene:
    """A store holding version 1 of ``study.yaml`` (the template), the file now at version 2, and both states."""

    root: Path
    template: Path
    study: Path
    old: list[str]
    new: list[str]
    old_digest: str
    new_digest: str

    def trial(self, name: str) -> DiskStore:
        """A fresh copy of the template store."""
        target = self.root / name
        shutil.copytree(self.template, target)
        return DiskStore(target)

    def check(self, store: DiskStore) -> str:
        """Assert the store is whole (old or new, manifest included) and say which."""
        content = dump(store)
        assert content in (self.old, self.new), "the store holds a mix of the old and the new content"
        state = "old" if content == self.old else "new"
        entry = store.manifest().files[str(self.study.resolve())]
        assert entry["digest"] == (self.old_digest if state == "old" else self.new_digest)
        return state


def make_scene(root: Path, n: int) -> Scene:
    root.mkdir(parents=True, exist_ok=True)
    study = root / "study.yaml"
    study.write_text(synthetic(n, 1), encoding="utf-8")
    template = DiskStore(root / "template")
    load_into(template, [study])
    load_into(template, [study])  # a second generation, so that the next write deletes the first
    old, old_digest = dump(template), digest(study)
    study.write_text(synthetic(n, 2), encoding="utf-8")
    finished = DiskStore(root / "finished")
    shutil.copytree(template.path, finished.path)
    load_into(finished, [study])
    new = dump(finished)
    assert old != new
    return Scene(root, template.path, study, old, new, old_digest, digest(study))


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    """A load that takes a second or two in a fresh process."""
    return make_scene(tmp_path_factory.mktemp("large"), 30)


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    """A load that takes long enough to start other processes while it runs."""
    return make_scene(tmp_path_factory.mktemp("slow"), SLOW)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    return make_scene(tmp_path_factory.mktemp("small"), 6)


def start_load(scene: Scene, store: DiskStore) -> subprocess.Popen[str]:
    return processes.start([*CLI, "load", str(scene.study), "--store", str(store.path)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)


def wait_for_write(store: DiskStore, process: subprocess.Popen[str], known: list[str]) -> float | None:
    """Poll until the writer creates its new generation; the moment it did, or None if it finished first."""
    while process.poll() is None:
        if generations(store) != known:
            return time.monotonic()
        time.sleep(0.001)
    return None


def test_sigkill_at_random_moments_leaves_old_or_new(large: Scene) -> None:
    rng = random.Random(SEED)
    # calibrate: how long a whole load takes, and how long its write phase (new generation to CURRENT) takes
    store = large.trial("calibration")
    started = time.monotonic()
    process = start_load(large, store)
    known = generations(store)
    write_began = wait_for_write(store, process, known)
    current = (store.path / "CURRENT").read_text(encoding="utf-8")
    while process.poll() is None and (store.path / "CURRENT").read_text(encoding="utf-8") == current:
        time.sleep(0.001)
    write_ended = time.monotonic()
    assert process.wait() == 0, process.stderr.read() if process.stderr else ""
    total = time.monotonic() - started
    assert write_began is not None and large.check(store) == "new"
    window = max(write_ended - write_began, 0.005)

    # two loads at a time (two cores); each trial is killed at its own moment
    plans = [(i % 2 == 1, rng.uniform(0, window) if i % 2 else rng.uniform(0, 0.9 * total)) for i in range(KILLS)]

    def trial(i: int) -> tuple[DiskStore, bool, bool]:
        store = large.trial(f"trial-{i}")
        known = generations(store)
        process = start_load(large, store)
        in_write, delay = plans[i]
        # in_write: aim into the write phase (RocksDB checkpoint, extend, flush, manifest, CURRENT, clean-up)
        if in_write and wait_for_write(store, process, known) is None:
            return store, process.wait() == -signal.SIGKILL, False
        time.sleep(delay)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        return store, process.wait() == -signal.SIGKILL, in_write and alive

    with ThreadPoolExecutor(2) as pool:
        trials = list(pool.map(trial, range(KILLS)))
    for i, (store, _, _) in enumerate(trials):
        state = large.check(store)
        if i < 3:  # the command opens it as it is
            asked = processes.run([*CLI, "ask", "what-worked", "--store", str(store.path), "-f", "csv"],
                                  capture_output=True, text=True, check=False)
            assert asked.returncode == 0 and asked.stdout.startswith("outcome,"), asked.stderr
        # no manual repair: the next load works, and old generations and half-written ones are cleaned up
        assert not load_into(store, [VALID / "minimal.yaml"]).report.diagnostics
        assert len(generations(store)) <= 2
        assert large.check(store) == state
    assert sum(killed for _, killed, _ in trials) >= 20
    assert sum(inside for _, _, inside in trials) >= KILLS // 4, "too few kills landed in the write phase"


CHILD = r"""
import os, signal, sys
store, target, kill_at = os.path.realpath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
EVENTS = {"open", "os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.truncate", "shutil.rmtree", "os.link",
          "shutil.copyfile", "os.chmod"}
seen = []

def hook(event, args):
    if event not in EVENTS or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.realpath(os.fsdecode(args[0]))
    if path == store or path.startswith(store + os.sep):
        seen.append(f"{event} {os.path.relpath(path, store)} {args[1:2]}")
        if len(seen) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

sys.addaudithook(hook)
from pathlib import Path
from cmograph.store.project import load_into
from cmograph.store.disk import DiskStore
load_into(DiskStore(Path(sys.argv[1])), [Path(target)])
print("\n".join(seen))
"""


def run_child(scene: Scene, store: DiskStore, kill_at: int) -> subprocess.Popen[str]:
    return processes.start([sys.executable, "-c", CHILD, str(store.path), str(scene.study), str(kill_at)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_before_every_filesystem_step_of_a_load(small: Scene) -> None:
    counting = run_child(small, small.trial("count"), 0)
    out, err = counting.communicate()
    assert counting.returncode == 0, err
    steps = out.splitlines()
    assert any(s.startswith("os.rename") for s in steps), steps  # CURRENT is flipped by os.replace
    assert any(s.startswith("os.mkdir") for s in steps), steps
    assert any(s.startswith("shutil.rmtree gen-000001") for s in steps), steps  # the oldest generation goes

    def kill_at(k: int) -> tuple[int, DiskStore, int, str]:
        store = small.trial(f"step-{k}")
        child = run_child(small, store, k)
        _, err = child.communicate()
        return k, store, child.returncode, err

    states: list[str] = []
    with ThreadPoolExecutor(4) as pool:
        for k, store, code, err in pool.map(kill_at, range(1, len(steps) + 1)):
            assert code == -signal.SIGKILL, f"step {k} ({steps[k - 1]}) did not stop the load: {err}"
            states.append(small.check(store))
            assert not load_into(store, [VALID / "minimal.yaml"]).report.diagnostics
            assert len(generations(store)) <= 2
            assert small.check(store) == states[-1]
    rename = next(i for i, s in enumerate(steps) if s.startswith("os.rename"))
    assert set(states[: rename + 1]) == {"old"}, "until CURRENT is replaced, the old content stays live"
    assert set(states[rename + 1:]) == {"new"}, "once CURRENT is replaced, the new content is live"


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "LOG"}


def test_a_write_never_changes_the_live_generation(small: Scene) -> None:
    store = small.trial("immutable")
    live = store.path / (store.path / "CURRENT").read_text(encoding="utf-8").strip()
    before = tree_hashes(live)
    load_into(store, [small.study])
    assert small.check(store) == "new"
    assert tree_hashes(live) == before


def test_a_failed_write_leaves_the_store_folder_exactly_as_it_was(small: Scene) -> None:
    from rdflib import URIRef

    from cmograph.checks.results import EvaluationGraph

    store = small.trial("failed-write")
    listing = sorted(str(p.relative_to(store.path)) for p in store.path.rglob("*") if p.name != "lock")
    broken = b"<not an IRI> <https://example.org/p> <https://example.org/o> <https://example.org/g> .\n"
    bad = EvaluationGraph("bad", URIRef("https://example.org/bad/graph"), broken)
    with pytest.raises(SyntaxError):
        store.write([], [bad], store.manifest())
    assert sorted(str(p.relative_to(store.path)) for p in store.path.rglob("*") if p.name != "lock") == listing
    assert small.check(store) == "old"


# ---------------------------------------------------------------------------------------------- one writer


def wait_for_lock(store: DiskStore, process: subprocess.Popen[str]) -> None:
    """Until ``process`` holds the store's lock (the lock file names its PID)."""
    lock = store.path / "lock"
    while process.poll() is None:
        if lock.exists() and lock.read_text(encoding="utf-8").strip() == str(process.pid):
            return
        time.sleep(0.002)
    raise AssertionError("the writer finished before it was seen holding the lock")


def test_a_second_writer_is_refused_within_a_second_naming_the_first(slow: Scene) -> None:
    store = slow.trial("two-writers")
    first = start_load(slow, store)
    try:
        wait_for_lock(store, first)
        started = time.monotonic()
        second = processes.run([*CLI, "load", str(VALID / "minimal.yaml"), "--store", str(store.path)],
                               capture_output=True, text=True, check=False)
        assert time.monotonic() - started < 1.0  # a whole new process, refused before it checks anything
        assert second.returncode == 2 and f"is in use (PID {first.pid})" in second.stderr
        assert "Traceback" not in second.stderr
        started = time.monotonic()
        with pytest.raises(StoreError, match=rf"is in use \(PID {first.pid}\)"):
            load_into(store, [VALID / "minimal.yaml"])
        assert time.monotonic() - started < 1.0
        assert first.poll() is None, "the first writer must still be running for this to test anything"
    finally:
        assert first.wait() == 0
    assert slow.check(store) == "new"


def test_concurrent_writers_never_lose_track_of_a_graph(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    files = []
    for name in ("north", "south"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(synthetic(30, 1).replace("crash-study", f"{name}-study"), encoding="utf-8")
        files.append(path)
    writers = [processes.start([*CLI, "load", str(files[0]), "--store", str(store.path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)]
    wait_for_lock(store, writers[0])  # the second starts while the first is writing
    writers.append(processes.start([*CLI, "load", str(files[1]), "--store", str(store.path)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [(w.wait(), w.stderr.read() if w.stderr else "") for w in writers]
    assert all(code == 0 or (code == 2 and "is in use (PID" in err) for code, err in results), results
    assert any(code == 0 for code, _ in results)
    graphs = {str(s["g"].value) for s in store.open().query(  # type: ignore[union-attr]
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?e a <https://w3id.org/cmograph/ontology#Evaluation> } }")}
    assert graphs == set(store.manifest().graphs().values()), "the manifest and the store disagree"


# ---------------------------------------------------------------------------------------------- readers


READER = r"""
import sys
from pathlib import Path
from cmograph.store.disk import DiskStore
store = DiskStore(Path(sys.argv[1])).open()
before = len(store)
print("open", flush=True)
sys.stdin.readline()
print(before, len(store), len(list(store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"))), flush=True)
"""


def test_a_reader_keeps_its_generation_while_two_loads_delete_it(small: Scene) -> None:
    store = small.trial("reader")
    size = len(store.open())
    reader = processes.start([sys.executable, "-c", READER, str(store.path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert reader.stdin is not None and reader.stdout is not None
    assert reader.stdout.readline().strip() == "open"
    opened = generations(store)
    load_into(store, [small.study])
    load_into(store, [VALID / "minimal.yaml"])
    assert not set(opened) & set(generations(store)), "the reader's generation must have been deleted"
    reader.stdin.write("go\n")
    reader.stdin.flush()
    before, after, quads = map(int, reader.stdout.readline().split())
    assert reader.wait() == 0
    assert before == after == quads == size


def test_ask_answers_old_or_new_while_a_load_runs(large: Scene) -> None:
    store = large.trial("ask-while-loading")
    old = what_worked(store)
    known = generations(store)
    writer = start_load(large, store)
    answers = []
    cli = None
    while writer.poll() is None:
        answers.append(what_worked(store))
        if cli is None and generations(store) != known:
            cli = processes.run([*CLI, "ask", "what-worked", "--store", str(store.path), "-f", "json"],
                                capture_output=True, text=True, check=False)
    assert writer.wait() == 0
    new = what_worked(store)
    assert old != new
    assert len(answers) >= 3  # asked while the load ran (a faster load leaves time for fewer)
    assert all(a in (old, new) for a in answers)
    assert cli is not None and cli.returncode == 0, cli.stderr if cli else ""
    assert json.loads(cli.stdout) in (old, new)


def test_ask_in_a_project_answers_while_a_load_refreshes_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    init_project(root)
    (root / "evaluations" / "my-evaluation.yaml").unlink()
    study = root / "evaluations" / "study.yaml"
    study.write_text(synthetic(SLOW, 1), encoding="utf-8")
    project = Project(root)
    project.refresh()
    old = what_worked(project.store)
    study.write_text(synthetic(SLOW, 2), encoding="utf-8")
    writer = processes.start([*CLI, "load"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_lock(project.store, writer)
    reader = processes.run([*CLI, "ask", "what-worked", "-f", "json"], cwd=root, capture_output=True, text=True,
                           check=False)
    assert writer.poll() is None, "the load must still be running for this to test anything"
    assert reader.returncode == 0, reader.stderr
    assert writer.wait() == 0
    assert json.loads(reader.stdout) in (old, what_worked(project.store))


# ---------------------------------------------------------------------------------------------- folders and Ctrl-C


def without_root_file_access(args: list[str]) -> list[str]:
    """``args`` run so that file permissions apply (root reads any file unless its capabilities are dropped)."""
    if os.geteuid() != 0:
        return args
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to run without root's file access")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--", *args]


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    root = tmp_path / "study"
    init_project(root)
    (root / "evaluations" / "my-evaluation.yaml").unlink()
    (root / "evaluations" / "more").mkdir()
    shutil.copy(VALID / "riverside-wards.yaml", root / "evaluations")
    shutil.copy(VALID / "hillside-review.json", root / "evaluations" / "more")
    assert Project(root).refresh().report.conforms
    return root


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return processes.run(without_root_file_access([*CLI, *args]), cwd=root, capture_output=True, text=True,
                         check=False, timeout=120)


@pytest.mark.parametrize(("folder", "mode"), [("evaluations", 0), ("evaluations/more", 0),
                                             ("evaluations", 0o644), ("evaluations/more", 0o644)])
def test_a_folder_that_cannot_be_read_drops_nothing(loaded: Path, folder: str, mode: int) -> None:
    store = Project(loaded).store
    before = tree_hashes(store.path)
    (loaded / folder).chmod(mode)  # 0o644: its names can be listed, but its files not reached
    try:
        for args in (["load"], ["ask", "gaps", "-f", "csv"], ["validate"]):
            done = cli(loaded, *args)
            assert done.returncode == 2, (args, done.stderr)
            assert f"{loaded / folder}: this folder cannot be read (Permission denied)" in done.stderr
    finally:
        (loaded / folder).chmod(0o755)
    assert tree_hashes(store.path) == before
    assert "hillside-review" in cli(loaded, "ask", "gaps", "-f", "csv").stdout


def test_a_missing_evaluations_folder_or_a_broken_link_drops_nothing(loaded: Path) -> None:
    store = Project(loaded).store
    before = tree_hashes(store.path)
    (loaded / "evaluations" / "gone.yaml").symlink_to(loaded / "nowhere.yaml")
    done = cli(loaded, "load")
    assert done.returncode == 2 and "gone.yaml: a link that leads to no file (No such file or directory)" in done.stderr
    (loaded / "evaluations" / "gone.yaml").unlink()
    (loaded / "evaluations" / "round.yaml").symlink_to(loaded / "evaluations" / "round.yaml")
    done = cli(loaded, "load")
    assert done.returncode == 2 and "round.yaml: a link that leads to no file (Too many levels" in done.stderr
    (loaded / "evaluations" / "round.yaml").unlink()
    (loaded / "evaluations").rename(loaded / "moved")
    done = cli(loaded, "ask", "gaps")
    assert done.returncode == 2 and "the project's evaluations folder is missing" in done.stderr
    assert tree_hashes(store.path) == before


def test_ctrl_c_during_a_load_prints_one_line_and_leaves_old_or_new(tmp_path: Path) -> None:
    root = tmp_path / "many"
    init_project(root)
    (root / "evaluations" / "my-evaluation.yaml").unlink()
    text = synthetic(30, 1)
    for i in range(24):  # enough files for worker processes, and a load of a few seconds
        (root / "evaluations" / f"e{i}.yaml").write_text(text.replace("id: crash-study", f"id: e{i}"), "utf-8")
    codes = []
    for at in (0.4, 0.8, 1.2, 1.8):  # from as the workers are forked to well into the checks
        process = processes.start([*CLI, "load"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, start_new_session=True)  # Ctrl-C reaches the whole process group
        time.sleep(at)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        codes.append(process.returncode)
        assert not any(word in stderr for word in ("Traceback", "KeyboardInterrupt", "Exception")), stderr
        if process.returncode == 130:
            assert stderr.strip().splitlines()[-1].startswith("interrupted: any store is as it was")
        elif process.returncode == -signal.SIGINT:  # on a busy machine, before the interpreter had started
            assert not stderr.strip()
        else:
            assert process.returncode == 0, stderr
        loaded = Project(root).store.manifest().graphs() if Project(root).store.exists() else {}
        assert len(loaded) in (0, 24)  # all or nothing
    assert 130 in codes  # at least one load was interrupted
    done = processes.run([*CLI, "load"], cwd=root, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0 and len(Project(root).store.manifest().graphs()) == 24


# ---------------------------------------------------------------------------------------------- workers and the lock


def children(pid: int) -> set[int]:
    """The PIDs of the processes whose parent is ``pid`` (read from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def forty(tmp_path: Path) -> Path:
    """A loaded project of 40 evaluations: a load of them all starts a pool of worker processes."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads processes from /proc")
    root = tmp_path / "p"
    init_project(root)
    (root / "evaluations" / "my-evaluation.yaml").unlink()
    text = (VALID / "riverside-wards.yaml").read_text(encoding="utf-8")
    for i in range(40):
        (root / "evaluations" / f"rw-{i}.yaml").write_text(
            text.replace("\n  id: riverside-wards\n", f"\n  id: rw-{i}\n", 1), encoding="utf-8")
    assert processes.run([*CLI, "load"], cwd=root, capture_output=True, check=False).returncode == 0
    for path in (root / "evaluations").iterdir():
        path.write_text(path.read_text(encoding="utf-8").replace("Riverside General Hospital, Ward 7",
                                                                 "Ward 7 renamed"), encoding="utf-8")
    return root


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_a_load_while_workers_check_files_leaves_no_orphan_and_no_lock(forty: Path, sig: int) -> None:
    load = processes.start([*CLI, "load"], cwd=forty, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while not workers and load.poll() is None and time.monotonic() < deadline:
        workers = children(load.pid)
        time.sleep(0.01)
    assert workers, "the load must have started its workers for this to test anything"
    time.sleep(0.3)  # the workers are checking files now
    workers |= children(load.pid)
    load.send_signal(sig)
    load.wait()
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)], "workers outlived the load"
    again = processes.run([*CLI, "load"], cwd=forty, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    answer = processes.run([*CLI, "ask", "compare-sites", "-f", "csv"], cwd=forty, capture_output=True, text=True,
                           check=False)
    assert answer.returncode == 0 and "Ward 7 renamed" in answer.stdout and "warning" not in answer.stderr


HOLD_LOCK = """
import sys, time
from pathlib import Path
from cmograph.store import lock
with lock.held(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_lock_whose_holder_died_is_taken_at_once(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    store.path.mkdir()
    holder = processes.start([sys.executable, "-c", HOLD_LOCK, str(store.path / "lock")], stdout=subprocess.PIPE,
                             text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(StoreError, match=f"is in use \\(PID {holder.pid}\\)"), store.writing():
        pass
    holder.kill()
    holder.wait()
    with store.writing():  # the system let go of the dead holder's lock: no stale lock to clear
        assert (store.path / "lock").read_text() == str(os.getpid())


def test_ask_says_so_when_it_answers_from_data_a_load_is_replacing(loaded: Path) -> None:
    path = loaded / "evaluations" / "riverside-wards.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Riverside General Hospital, Ward 7", "Ward 7 renamed"),
                    encoding="utf-8")
    holder = processes.start([sys.executable, "-c", HOLD_LOCK, str(Project(loaded).store.path / "lock")],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        stale = cli(loaded, "ask", "compare-sites", "-f", "csv")
        assert stale.returncode == 0 and "Ward 7 renamed" not in stale.stdout
        assert (f"warning: answering from the data as last loaded: files in evaluations/ have changed, but another "
                f"cmograph command (PID {holder.pid}) is loading the store now") in stale.stderr
    finally:
        holder.kill()
        holder.wait()
    fresh = cli(loaded, "ask", "compare-sites", "-f", "csv")
    assert fresh.returncode == 0 and "Ward 7 renamed" in fresh.stdout and fresh.stderr == ""


def test_a_read_only_project_loads_with_nothing_to_do_and_asks_say_when_data_is_behind(loaded: Path) -> None:
    (loaded / ".cmograph" / "store").chmod(0o555)
    try:
        done = cli(loaded, "load")
        assert done.returncode == 0 and "0 evaluations" in done.stdout and "2 unchanged" in done.stdout, done.stderr
        path = loaded / "evaluations" / "riverside-wards.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("Ward 7", "Ward Seven"), encoding="utf-8")
        stale = cli(loaded, "ask", "compare-sites", "-f", "csv")
        assert stale.returncode == 0 and "Ward Seven" not in stale.stdout
        assert "warning: answering from the data as last loaded" in stale.stderr
        assert "the store cannot be updated (Permission denied)" in stale.stderr
        refused = cli(loaded, "load")
        assert refused.returncode == 2 and "Permission denied" in refused.stderr and "hint:" in refused.stderr
    finally:
        (loaded / ".cmograph" / "store").chmod(0o755)


# ---------------------------------------------------------------------------------------------- cmograph serve
# `cmograph serve` runs the Oxigraph server as a child process over a copy of the data in a temporary folder
# (src/cmograph/remote/serve_child.py, serve_scratch.py). Issue #18, item 5. Helpers here are named serve_*.


def serve_start(temp: Path) -> tuple[subprocess.Popen[str], str]:
    """``cmograph serve --example --writable --port 0`` with its temporary folder in ``temp``; the process and the
    URL it printed."""
    process = processes.start([*CLI, "serve", "--example", "--writable", "--port", "0"], cwd=temp, text=True,
                               env={**os.environ, "TMPDIR": str(temp)}, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def serve_gone(pids: set[int], seconds: float = 10) -> bool:
    """Whether all the processes end within ``seconds``."""
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(p) for p in pids)


def serve_kill(processes: list[subprocess.Popen[str]], pids: set[int]) -> None:
    """Stop what a test started, whatever happened: the processes, and any other PID still running."""
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_killing_serve_leaves_no_server_running_and_its_copy_goes_at_the_next_start(tmp_path: Path) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads processes from /proc")
    started: list[subprocess.Popen[str]] = []
    servers: set[int] = set()
    try:
        first, url = serve_start(tmp_path)
        started.append(first)
        assert url.startswith("http://127.0.0.1:")
        servers = children(first.pid)
        assert len(servers) == 1  # the Oxigraph server
        (copy,) = tmp_path.glob("cmograph-serve-*")
        assert copy.name.startswith(f"cmograph-serve-{first.pid}-")
        first.kill()  # SIGKILL: cmograph cannot stop the server or delete the copy itself
        first.wait()
        assert serve_gone(servers), "the Oxigraph server outlived cmograph serve"
        assert copy.is_dir()  # left behind, as nothing ran after the SIGKILL
        second, url = serve_start(tmp_path)
        started.append(second)
        assert url.startswith("http://127.0.0.1:")
        assert not copy.exists()  # removed at this start: its owner is gone
        assert [p.name.startswith(f"cmograph-serve-{second.pid}-") for p in tmp_path.glob("cmograph-serve-*")] == [True]
        second.terminate()
        assert second.wait(30) == 0
        assert list(tmp_path.glob("cmograph-serve-*")) == []
    finally:
        serve_kill(started, servers)


WATCHED_PARENT = """
import subprocess, sys, time
from cmograph.remote.serve_child import watched
watcher = subprocess.Popen(watched(sys.argv[1:]), stdin=subprocess.PIPE)
print(watcher.pid, flush=True)
time.sleep(600)
"""


def test_where_the_system_cannot_tie_the_server_to_cmograph_a_watcher_stops_it(tmp_path: Path) -> None:
    """macOS and Windows have no PR_SET_PDEATHSIG: a watcher runs the server there, and stops it when the pipe from
    cmograph closes. Here a stand-in for cmograph runs the real Oxigraph server through the watcher and is killed."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads processes from /proc")
    from cmograph.remote.serve import free_port, oxigraph_command

    port = free_port()
    parent = processes.start([sys.executable, "-c", WATCHED_PARENT, oxigraph_command(), "serve", "--bind",
                               f"127.0.0.1:{port}"], stdout=subprocess.PIPE, text=True)
    watched: set[int] = set()
    try:
        assert parent.stdout is not None
        watched = {int(parent.stdout.readline())}
        deadline = time.monotonic() + 30
        while len(watched) < 2 and time.monotonic() < deadline:
            watched |= {pid for w in list(watched) for pid in children(w)}
            time.sleep(0.05)
        assert len(watched) == 2, "the watcher must have started the server"
        parent.kill()
        parent.wait()
        assert serve_gone(watched), "the watcher or the server outlived the process that started them"
    finally:
        serve_kill([parent], watched)


# ---------------------------------------------------------------------------------------------- bounds (issue #18)


def test_deleting_the_store_during_asks_gives_answers_or_a_clear_error(tmp_path: Path) -> None:
    # the issue: deleting .cmograph 0.13 s into an ask raised "RuntimeError: Corruption" in 3 tries of 20
    root = tmp_path / "project"
    init_project(root)
    shutil.copy(VALID / "minimal.yaml", root / "evaluations" / "my-evaluation.yaml")
    rng = random.Random(SEED)
    outcomes = set()
    for _ in range(20):
        shutil.rmtree(root / ".cmograph", ignore_errors=True)
        assert Project(root).refresh().report.conforms
        reader = subprocess.Popen([*CLI, "ask", "what-worked", "-f", "csv"], cwd=root, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.05, 0.5))
        shutil.rmtree(root / ".cmograph", ignore_errors=True)  # the reader may be making it again: never mind
        _, err = reader.communicate(timeout=120)
        assert "Traceback" not in err, err
        assert reader.returncode == 0 or (reader.returncode == 2 and "\n  hint: run the command again" in err), err
        outcomes.add(reader.returncode)
    assert 0 in outcomes


@contextlib.contextmanager
def full_disk(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], None] | None]]:
    """A folder on a 2 MiB file system (mounted, where this may), else one where no file may grow past 1 MiB (a
    child's file-size limit); with what a child must run before it starts (the limit), if anything."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                                                  capture_output=True, check=False).returncode == 0
    if mounted:
        try:
            yield folder, None
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, rather than killing the child
        resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))

    yield folder, limit


def test_a_full_disk_is_a_clear_error_that_changes_nothing(tmp_path: Path) -> None:
    # the issue: a full disk showed RocksDB's own text, with no hint
    with full_disk(tmp_path) as (folder, limit):
        store = folder / "store"
        done = subprocess.run([*CLI, "load", "--store", str(store), str(EXAMPLE)], capture_output=True, text=True,
                              check=False, timeout=120, preexec_fn=limit)
        assert done.returncode == 2, done.stderr
        first, hint = done.stderr.splitlines()[:2]
        assert first.startswith(f"error: {store}: there is no room to write the store (IO error: "), first
        assert hint == ("  hint: free some space on that disk (or name a store elsewhere with --store), then run the "
                        "command again; nothing was changed")
        assert sorted(p.name for p in store.iterdir()) == ["lock"]  # no generation left behind
