"""The embedded store: atomic loads, refresh of changed files only, one writer, damage-free after a crash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import processes
import pyoxigraph as ox
import pytest
from rdflib import URIRef

from cmograph.diagnostics import Severity
from cmograph.errors import InputError, StoreError
from cmograph.query.raw import run_query
from cmograph.store.disk import DiskStore
from cmograph.store.project import Project, load_into, load_paths

DATA = Path(__file__).parent / "data"
VALID = DATA / "valid"
INVALID = DATA / "invalid"


def dump(store: ox.Store) -> list[str]:
    return sorted(str(q) for q in store)


def answers(store: ox.Store) -> list[dict[str, object]]:
    query = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?e (COUNT(?c) AS ?n) WHERE { ?c a cmo:Configuration ; cmo:inEvaluation/dcterms:identifier ?e }
    GROUP BY ?e ORDER BY ?e"""
    return run_query(store, query).rows  # type: ignore[return-value]


@pytest.fixture
def project(study: Path) -> Project:
    return Project(study)


@pytest.mark.slow
def test_refresh_loads_everything_then_only_what_changed(project: Project) -> None:
    first = project.refresh()
    assert sorted(first.loaded) == ["hillside-review", "riverside-wards"]
    again = project.refresh()
    assert (again.loaded, again.removed, again.unchanged) == ([], [], 2)
    path = project.root / "evaluations" / "riverside-wards.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Riverside", "Riverbank", 1), encoding="utf-8")
    edited = project.refresh()
    assert (edited.loaded, edited.removed, edited.unchanged) == (["riverside-wards"], [], 1)
    (project.root / "evaluations" / "hillside-review.json").unlink()
    dropped = project.refresh()
    assert dropped.removed == ["hillside-review"]
    assert [r["e"] for r in answers(project.store.open())] == ["riverside-wards"]


@pytest.mark.slow
def test_failed_load_after_a_good_one_changes_nothing(project: Project) -> None:
    project.refresh()
    before = dump(project.store.open())
    before_answers = answers(project.store.open())
    generations = sorted(p.name for p in project.store.path.glob("gen-*"))
    shutil.copy(INVALID / "dangling-context-ref.yaml", project.root / "evaluations")
    result = project.refresh()
    assert not result.report.conforms
    assert dump(project.store.open()) == before
    assert answers(project.store.open()) == before_answers
    assert sorted(p.name for p in project.store.path.glob("gen-*")) == generations


@pytest.mark.slow
def test_load_into_a_bare_store_is_all_or_nothing(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    assert not load_into(store, [VALID / "minimal.yaml"]).report.diagnostics
    before = dump(store.open())
    result = load_into(store, [VALID / "riverside-wards.yaml", INVALID / "bad-date.yaml"])
    assert not result.report.conforms
    assert dump(store.open()) == before


@pytest.mark.slow
def test_a_file_or_a_folder_of_other_files_is_not_made_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match=r"this folder holds other files \(notes.txt\)"):
        load_into(DiskStore(tmp_path), [VALID / "minimal.yaml"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    with pytest.raises(StoreError, match="not a folder, so it cannot hold a store"):
        load_into(DiskStore(tmp_path / "notes.txt"), [VALID / "minimal.yaml"])
    (tmp_path / "empty").mkdir()
    assert load_into(DiskStore(tmp_path / "empty"), [VALID / "minimal.yaml"]).loaded == ["minimal"]
    assert load_into(DiskStore(tmp_path / "empty"), [VALID / "riverside-wards.yaml"]).loaded  # a store: written again


@pytest.mark.slow
def test_reloading_a_file_replaces_its_graph(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    load_into(store, [VALID / "riverside-wards.yaml"])
    size = len(store.open())
    load_into(store, [VALID / "riverside-wards.yaml"])
    assert len(store.open()) == size


@pytest.mark.slow
def test_an_evaluation_id_loaded_from_another_file_is_refused(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    load_into(store, [VALID / "minimal.yaml"])
    before = dump(store.open())
    copy = tmp_path / "other-name.yaml"
    shutil.copy(VALID / "minimal.yaml", copy)
    with pytest.raises(InputError, match="already loaded from"):
        load_into(store, [copy])
    assert dump(store.open()) == before


@pytest.mark.slow
def test_an_evaluation_id_may_move_to_another_file_in_one_edit(tmp_path: Path) -> None:
    from cmograph.store.project import init_project

    init_project(tmp_path / "swap")
    project = Project(tmp_path / "swap")
    (project.root / "evaluations" / "my-evaluation.yaml").unlink()
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    a, b = project.root / "evaluations" / "a.yaml", project.root / "evaluations" / "b.yaml"
    a.write_text(text.replace("id: minimal\n", "id: ev-a\n"), encoding="utf-8")
    b.write_text(text.replace("id: minimal\n", "id: ev-c\n"), encoding="utf-8")
    assert sorted(project.refresh().loaded) == ["ev-a", "ev-c"]
    b.write_text(text.replace("id: minimal\n", "id: ev-z\n"), encoding="utf-8")  # b gives up ev-c ...
    a.write_text(text.replace("id: minimal\n", "id: ev-c\n"), encoding="utf-8")  # ... which a, read first, takes
    assert sorted(project.refresh().loaded) == ["ev-c", "ev-z"]
    assert project.store.manifest().owners()[0]["ev-c"] == "evaluations/a.yaml"
    a.write_text(text.replace("id: minimal\n", "id: ev-z\n"), encoding="utf-8")  # and a straight swap
    b.write_text(text.replace("id: minimal\n", "id: ev-c\n"), encoding="utf-8")
    assert sorted(project.refresh().loaded) == ["ev-c", "ev-z"]
    assert project.store.manifest().owners()[0]["ev-c"] == "evaluations/b.yaml"


@pytest.mark.slow
def test_a_second_writer_is_told_who_holds_the_store(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    load_into(store, [VALID / "minimal.yaml"])
    holder = processes.start(
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         f"h = open({str(store.path / 'lock')!r}, 'a+')\n"
         "fcntl.flock(h, fcntl.LOCK_EX)\nh.seek(0); h.truncate(); h.write(str(os.getpid())); h.flush()\n"
         "print('locked', flush=True)\ntime.sleep(30)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StoreError, match=rf"is in use \(PID {holder.pid}\)"):
            load_into(store, [VALID / "riverside-wards.yaml"])
        assert time.monotonic() - started < 1.0
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_a_generation_left_by_a_crash_is_ignored_and_cleaned(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    load_into(store, [VALID / "minimal.yaml"])
    before = dump(store.open())
    broken = store.path / "gen-000007"
    (broken / "oxigraph").mkdir(parents=True)
    (broken / "oxigraph" / "garbage").write_text("half written", encoding="utf-8")
    assert dump(store.open()) == before
    load_into(store, [VALID / "riverside-wards.yaml"])
    assert not broken.exists()
    assert [r["e"] for r in answers(store.open())] == ["minimal", "riverside-wards"]


def test_store_holds_the_ontology_for_notations(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    load_into(store, [VALID / "minimal.yaml"])
    rows = run_query(store.open(), "PREFIX cmo: <https://w3id.org/cmograph/ontology#> "
                     "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                     "SELECT ?n WHERE { cmo:DirectionNoChange skos:notation ?n }").rows
    assert rows == [{"n": "no-change"}]


@pytest.mark.slow
def test_load_in_a_project_copies_into_evaluations(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.refresh()
    result = load_paths([VALID / "minimal.yaml"], cwd=project.root)
    assert result.loaded == ["minimal"]
    assert (project.root / "evaluations" / "minimal.yaml").read_bytes() == (VALID / "minimal.yaml").read_bytes()
    failed = load_paths([INVALID / "bad-date.yaml"], cwd=project.root)
    assert not failed.report.conforms
    assert not (project.root / "evaluations" / "bad-date.yaml").exists()


def test_a_store_from_another_format_is_refused(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    load_into(store, [VALID / "minimal.yaml"])
    current = store.path / (store.path / "CURRENT").read_text(encoding="utf-8").strip()
    (current / "manifest.json").write_text('{"format": 99, "files": {}}', encoding="utf-8")
    with pytest.raises(StoreError, match="incompatible"):
        store.manifest()


def _evaluation_quads(store: ox.Store) -> list[str]:
    """Every quad outside the ontology graph (whose blank nodes are named afresh on each parse)."""
    return sorted(str(q) for q in store if q.graph_name != ox.NamedNode("https://w3id.org/cmograph/ontology"))


@pytest.mark.slow
def test_memory_open_holds_the_same_quads_as_the_disk_store_after_every_kind_of_change(project: Project) -> None:
    project.refresh()
    store = project.store
    assert _evaluation_quads(store.open(memory=True)) == _evaluation_quads(store.open())
    assert len(store.open(memory=True)) == len(store.open())
    path = project.root / "evaluations" / "riverside-wards.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Riverside", "Riverbank", 1), encoding="utf-8")
    project.refresh()
    memory = store.open(memory=True)
    assert _evaluation_quads(memory) == _evaluation_quads(store.open())
    assert any("Riverbank" in str(q) for q in memory)
    assert not any("Riverside Wards" in str(q.object) for q in memory)
    (project.root / "evaluations" / "hillside-review.json").unlink()
    project.refresh()
    assert _evaluation_quads(store.open(memory=True)) == _evaluation_quads(store.open())
    assert [r["e"] for r in answers(store.open(memory=True))] == ["riverside-wards"]


@pytest.mark.slow
def test_unchanged_graphs_share_their_snapshot_file_with_the_previous_generation(project: Project) -> None:
    project.refresh()
    path = project.root / "evaluations" / "riverside-wards.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Riverside", "Riverbank", 1), encoding="utf-8")
    project.refresh()
    first, second = sorted(project.store.path.glob("gen-*"))
    kept = {p.name: p.stat().st_ino for p in (first / "graphs").iterdir()}
    now = {p.name: p.stat().st_ino for p in (second / "graphs").iterdir()}
    assert set(kept) == set(now) and len(now) == 2
    assert sum(kept[name] == now[name] for name in now) == 1  # hillside's is a hard link; riverside's is new


@pytest.mark.slow
def test_memory_open_of_a_generation_without_snapshots_copies_the_database(project: Project) -> None:
    project.refresh()
    for folder in project.store.path.glob("gen-*/graphs"):
        shutil.rmtree(folder)  # as written by cmograph before snapshots were kept
    store = project.store
    assert _evaluation_quads(store.open(memory=True)) == _evaluation_quads(store.open())
    path = project.root / "evaluations" / "riverside-wards.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Riverside", "Riverbank", 1), encoding="utf-8")
    project.refresh()  # the next generation has no partial snapshots either
    assert not any(project.store.path.glob("gen-*/graphs"))
    assert _evaluation_quads(store.open(memory=True)) == _evaluation_quads(store.open())


def test_memory_open_of_an_empty_store_has_the_ontology_only(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "store")
    assert len(store.open(memory=True)) == len(store.open()) > 0
    assert _evaluation_quads(store.open(memory=True)) == []


def _same_size_edit(path: Path, mtime_ns: int) -> None:
    """Change the file's content, keeping its size and setting its modification time."""
    path.write_text(path.read_text(encoding="utf-8").replace("Riverside", "Riverbank", 1), encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


@pytest.mark.slow
def test_an_untouched_file_is_known_by_its_stat_without_reading_it(project: Project,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import cmograph.store.project

    monkeypatch.setattr(cmograph.store.project, "RACY_NS", 0)  # as if the files were last changed long before the load
    project.refresh()

    def unread(path: Path) -> str:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(cmograph.store.project, "digest", unread)
    assert project.refresh().unchanged == 2  # not re-read: the cost of every ask stays a stat per file


@pytest.mark.slow
@pytest.mark.parametrize("how", ["sed -i, then touch -d", "cp -p"])
def test_an_edit_that_keeps_size_and_modification_time_is_seen(project: Project, how: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import cmograph.store.project

    monkeypatch.setattr(cmograph.store.project, "RACY_NS", 0)  # the recorded stat is trusted: only it can tell
    path = project.root / "evaluations" / "riverside-wards.yaml"
    old = (time.time_ns() // 10**9 - 60) * 10**9  # a whole second, as touch -d sets it
    os.utime(path, ns=(old, old))
    project.refresh()
    if how == "cp -p":  # another file of the same size and times copied over it, times kept (as rsync -t, tar x)
        edited = project.root / "edited.yaml"
        _same_size_edit(path.rename(edited), old)
        processes.run(["cp", "-p", str(edited), str(path)], check=True)
    else:
        processes.run(["sed", "-i", "s/Riverside/Riverbank/", str(path)], check=True)
        processes.run(["touch", "-d", "@" + str(old // 10**9), str(path)], check=True)
    assert path.stat().st_size == (VALID / "riverside-wards.yaml").stat().st_size
    assert project.refresh().loaded == ["riverside-wards"]


@pytest.mark.slow
def test_load_recheck_checks_and_loads_every_file_again(project: Project) -> None:
    project.refresh()
    assert load_paths([], cwd=project.root).unchanged == 2
    assert sorted(load_paths([], cwd=project.root, recheck=True).loaded) == ["hillside-review", "riverside-wards"]


@pytest.mark.slow
def test_a_file_changed_just_before_it_was_read_is_compared_by_content(project: Project) -> None:
    path = project.root / "evaluations" / "riverside-wards.yaml"
    now = time.time_ns()
    os.utime(path, ns=(now, now))
    project.refresh()
    _same_size_edit(path, now)  # same size, same timestamp (an edit within the clock's granularity)
    assert project.refresh().loaded == ["riverside-wards"]


@pytest.mark.slow
def test_a_load_of_many_files_is_all_or_nothing(project: Project) -> None:
    from cmograph.checks.pipeline import PARALLEL_FILES

    project.refresh()
    before = dump(project.store.open())
    folder = project.root / "evaluations"
    text = (VALID / "riverside-wards.yaml").read_text(encoding="utf-8")
    for n in range(PARALLEL_FILES):
        (folder / f"copy-{n:02d}.yaml").write_text(
            text.replace("\n  id: riverside-wards\n", f"\n  id: copy-{n:02d}\n", 1), encoding="utf-8")
    shutil.copy(INVALID / "bad-date.yaml", folder / "copy-03b.yaml")  # checked among the copies, fails
    failed = project.refresh()
    assert not failed.report.conforms and failed.loaded == [] and failed.removed == []
    assert {d.location.file for d in failed.report if d.severity is Severity.ERROR} == {"copy-03b.yaml"}
    assert dump(project.store.open()) == before
    assert len(list(project.store.path.glob("gen-*"))) == 1
    (folder / "copy-03b.yaml").unlink()
    loaded = project.refresh()
    assert loaded.loaded == [f"copy-{n:02d}" for n in range(PARALLEL_FILES)] and loaded.unchanged == 2
    assert len(answers(project.store.open(memory=True))) == PARALLEL_FILES + 2


def _copies(folder: Path, count: int) -> None:
    text = (VALID / "riverside-wards.yaml").read_text(encoding="utf-8")
    for n in range(count):
        (folder / f"copy-{n:02d}.yaml").write_text(
            text.replace("\n  id: riverside-wards\n", f"\n  id: copy-{n:02d}\n", 1), encoding="utf-8")


@pytest.mark.slow
def test_a_load_in_many_batches_holds_what_one_batch_does(study: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # each graph a batch of its own: each loads on the loader thread while the next file's graphs are taken
    import cmograph.store.disk as store_mod
    from cmograph.checks.pipeline import PARALLEL_FILES

    _copies(study / "evaluations", PARALLEL_FILES)
    other = shutil.copytree(study, tmp_path / "other")
    assert Project(other).refresh().report.conforms  # one batch
    monkeypatch.setattr(store_mod, "BATCH_BYTES", 1)
    batched = Project(study).refresh()
    assert batched.report.conforms and len(batched.loaded) == PARALLEL_FILES + 2
    assert dump(Project(study).store.open()) == dump(Project(other).store.open())


@pytest.mark.slow
def test_a_load_failing_while_batches_load_changes_nothing(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import cmograph.store.disk as store_mod
    from cmograph.checks.pipeline import PARALLEL_FILES

    project.refresh()
    before = dump(project.store.open())
    monkeypatch.setattr(store_mod, "BATCH_BYTES", 1)
    _copies(project.root / "evaluations", PARALLEL_FILES)
    shutil.copy(INVALID / "bad-date.yaml", project.root / "evaluations" / "copy-99.yaml")  # the last, after batches
    failed = project.refresh()
    assert not failed.report.conforms and failed.loaded == []
    assert dump(project.store.open()) == before
    assert len(list(project.store.path.glob("gen-*"))) == 1


def test_a_batch_the_store_refuses_on_the_loader_thread_is_raised_and_nothing_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cmograph.store.disk as store_mod
    from cmograph.checks.results import EvaluationGraph

    store = DiskStore(tmp_path / "store")
    good = EvaluationGraph("a", URIRef("https://example.org/a/graph"),
                           b"<https://example.org/a> <https://example.org/p> \"x\" <https://example.org/a/graph> .\n")
    store.write([], [good], store_mod.Manifest())
    before = dump(store.open())
    monkeypatch.setattr(store_mod, "BATCH_BYTES", 1)
    bad = EvaluationGraph("b", URIRef("https://example.org/b/graph"), b"<https://example.org/b> not N-Quads .\n")
    with pytest.raises(SyntaxError):
        store.write([], [bad, good], store_mod.Manifest())
    assert dump(store.open()) == before
    assert len(list(store.path.glob("gen-*"))) == 1


@pytest.mark.slow
def test_a_large_write_compacts_the_database_with_the_same_quads(project: Project,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import cmograph.store.disk as store_mod

    project.refresh()
    before = dump(project.store.open())
    monkeypatch.setattr(store_mod, "OPTIMIZE_BYTES", 0)  # every write counts as large, and is compacted
    path = project.root / "evaluations" / "riverside-wards.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert project.refresh().loaded == ["riverside-wards"]
    assert dump(project.store.open()) == before
    assert dump(project.store.open(memory=True)) != [] and answers(project.store.open()) == answers(
        project.store.open(memory=True))


def test_manifest_keys_are_relative_below_the_project_and_absolute_outside(tmp_path: Path) -> None:
    from cmograph.store.project import _keys

    root = tmp_path / "proj"
    (root / "evaluations" / "sub").mkdir(parents=True)
    inside = root / "evaluations" / "sub" / "a.yaml"
    inside.write_text("x", encoding="utf-8")
    outside = tmp_path / "b.yaml"
    outside.write_text("x", encoding="utf-8")
    os.symlink(outside, root / "evaluations" / "b.yaml")  # a link out of the project: its target's path
    os.symlink(root, tmp_path / "alias")  # the project reached through a linked folder
    keyed = _keys([inside, root / "evaluations" / "b.yaml", tmp_path / "alias" / "evaluations" / "sub" / "a.yaml"],
                  tmp_path / "alias")
    assert list(keyed) == ["evaluations/sub/a.yaml", str(outside.resolve())]
    assert keyed["evaluations/sub/a.yaml"] == tmp_path / "alias" / "evaluations" / "sub" / "a.yaml"
    assert list(_keys([inside], None)) == [str(inside.resolve())]


# ---------------------------------------------------------------------------------------------- bounds (issue #18)


@pytest.mark.slow
def test_a_store_deleted_while_it_is_read_is_a_clear_error(tmp_path: Path) -> None:
    disk = DiskStore(tmp_path / "store")
    load_into(disk, [VALID / "minimal.yaml"])
    live = disk.live()
    assert live is not None
    for part in (live / "oxigraph").iterdir():  # what `rm -rf` of the store has done so far: the folders are left
        part.unlink()
    (live / "manifest.json").unlink()
    expected = f"{disk.path}: the store changed or was deleted while it was being read ({live.name})"
    for read in (disk.open, disk.manifest, lambda: disk.open(memory=True)):
        with pytest.raises(StoreError) as error:
            read()
        assert (error.value.message, error.value.hint) == (expected, "run the command again")
    done = subprocess.run([sys.executable, "-m", "cmograph", "ask", "what-worked", "--store", str(disk.path)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith(f"error: {expected}\n  hint: run the command again\n")


def test_a_damaged_store_that_did_not_change_says_to_delete_it(tmp_path: Path) -> None:
    disk = DiskStore(tmp_path / "store")
    load_into(disk, [VALID / "minimal.yaml"])
    live = disk.live()
    assert live is not None
    for part in (live / "oxigraph").glob("*.sst"):
        part.unlink()
    with pytest.raises(StoreError) as error:
        disk.open()
    assert error.value.message.startswith(f"{disk.path}: the store cannot be opened (")
    assert error.value.hint == "delete the store folder; it is rebuilt from your evidence files"
