"""The benchmark in CI: the synthetic generator is valid and deterministic, warm questions stay close to raw
pyoxigraph, and cold questions and the load close to their floors. Only ratios measured in the same run are
asserted, never absolute times.

Warm memory = ``questions.ask`` on ``open_data(store, memory=True)`` (the library's fastest mode, for long-lived
processes: the store in memory, names resolved through an index); warm disk = ``questions.ask`` on the on-disk
store (what every ``cmograph ask`` process uses); both checked against regression guards. The floors are those
of ``bench/floor.py``."""

from __future__ import annotations

import importlib
import math
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # the benchmark

ROOT = Path(__file__).resolve().parents[1]
TRIPLES = 10_000
SEED = 1
# Warm memory within 1.5x of raw in-memory pyoxigraph, per question (name resolution and turning solutions into
# Python rows included, as a user's call has them; raw runs the already bound SPARQL): the first performance
# issue's target, kept as a guard; the current target, 1.2x worst case, is tracked in bench/RESULTS.md.
TARGET_PER_QUESTION = 1.5
REMEASURE = 4  # times a question over the target is measured again (the lowest ratio counts)
# A guard against regressions of the on-disk path that holds today: the geometric mean of warm disk/raw over the
# questions (about 9x when this was written). Lower it as the warm path gets faster.
GUARD_GEOMETRIC_MEAN = 20.0


def bench(module: str) -> Any:
    """``bench.<module>``, importable whatever the working folder of pytest."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"bench.{module}")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "project"
    bench("generate").generate(TRIPLES, root, SEED)
    return root


def test_generated_files_validate(project: Path) -> None:
    from cmograph.checks.pipeline import check_files

    files = sorted((project / "evaluations").glob("*.yaml"))
    assert len(files) >= 3
    checked = check_files(files)
    problems = [str(d) for c in checked for d in c.report.diagnostics]
    assert problems == []
    triples = sum(g.size() for c in checked for g in c.graphs)
    assert 0.75 * TRIPLES <= triples <= 1.25 * TRIPLES
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("# SYNTHETIC DATA")
    assert "SYNTHETIC" in text.split("title:", 1)[1].splitlines()[0]


def test_generator_is_deterministic(project: Path, tmp_path: Path) -> None:
    generate = bench("generate")
    again = tmp_path / "again"
    generate.generate(TRIPLES, again, SEED)
    names = sorted(p.name for p in (project / "evaluations").glob("*.yaml"))
    assert names == sorted(p.name for p in (again / "evaluations").glob("*.yaml"))
    for name in names:
        assert (again / "evaluations" / name).read_bytes() == (project / "evaluations" / name).read_bytes()
    other = generate.dump(generate.evaluation(SEED + 1, 0), SEED + 1, 0)
    assert other != (project / "evaluations" / names[0]).read_text(encoding="utf-8")


def _best(fn: Any, budget: float = 0.2, most: int = 40) -> float:
    """The fastest of several calls (after one warm-up), at least three and as many as fit in ``budget`` seconds:
    the least noisy estimate on a shared CI machine, where sub-millisecond calls jitter."""
    fn()
    best = math.inf
    spent = 0.0
    runs = 0
    while runs < 3 or (spent < budget and runs < most):
        t = time.perf_counter()
        fn()
        took = time.perf_counter() - t
        best = min(best, took)
        spent += took
        runs += 1
    return best


@pytest.fixture(scope="module")
def ratios(project: Path) -> dict[str, dict[str, float]]:
    """Per question, warm / raw: ``disk`` is ``questions.ask`` on the open project store, ``memory`` the same call
    on ``open_data(store, memory=True)``; raw is an in-memory pyoxigraph store with the same quads running the same
    bound SPARQL."""
    import pyoxigraph as ox

    from cmograph.query.catalogue import questions
    from cmograph.query.local import StoreEngine
    from cmograph.query.run import ask, prepare
    from cmograph.source import open_data
    from cmograph.store.project import Project

    known = questions()
    if not known:
        pytest.skip("no canned questions shipped yet")
    run = bench("run")
    result = Project(project).refresh()
    assert result.report.conforms
    store = Project(project).store
    disk = store.open()
    many = open_data(store=store.path, memory=True)
    assert len(many.local()) == len(disk)
    engines = {"memory": many.engine, "disk": StoreEngine(disk)}
    memory = ox.Store()
    memory.bulk_extend(list(disk))
    picks = run.question_options(SEED)
    out: dict[str, dict[str, float]] = {mode: {} for mode in engines}
    for qid, question in known.items():
        options = run.options_for(question, picks)
        sparql = prepare(question, engines["disk"], options)

        def raw(s: str = sparql) -> int:
            solutions = memory.query(s, use_default_graph_as_union=True)
            assert isinstance(solutions, ox.QuerySolutions)
            return len([tuple(x) for x in solutions])

        rows = raw()
        for mode, engine in engines.items():
            warm = partial(ask, question, engine, options)
            assert len(warm().rows) == rows, (qid, mode)
            out[mode][qid] = _best(warm) / _best(raw)
            for _ in range(REMEASURE):  # a ratio over the target is measured again: a busy moment is not a regression
                if mode != "memory" or out[mode][qid] <= TARGET_PER_QUESTION:
                    break
                out[mode][qid] = min(out[mode][qid], _best(warm) / _best(raw))
    return out


def test_warm_path_has_not_regressed(ratios: dict[str, dict[str, float]]) -> None:
    disk = ratios["disk"]
    geometric_mean = math.exp(sum(math.log(r) for r in disk.values()) / len(disk))
    shown = ", ".join(f"{q} {r:.1f}x" for q, r in sorted(disk.items()))
    assert geometric_mean <= GUARD_GEOMETRIC_MEAN, f"warm disk/raw geometric mean {geometric_mean:.1f}x: {shown}"


def test_every_question_within_target_of_raw(ratios: dict[str, dict[str, float]]) -> None:
    over = {q: round(r, 2) for q, r in ratios["memory"].items() if r > TARGET_PER_QUESTION}
    assert not over, f"warm memory/raw above {TARGET_PER_QUESTION}x: {over}"


# Ratios against the floor, measured in the same run and interleaved round by round (bench.floor), at 10k. The
# targets (cold one-element questions within 2.0x of the floor, load at 0.5x of a bulk-load process at 100k and 1M)
# are tracked in bench/RESULTS.md; these guards, measured here at 2.5-3.9x and 0.15x, catch a regression.
GUARD_COLD_VS_FLOOR = 5.0  # cold `cmograph ask` / bare pyoxigraph process, per question (median of the rounds)
GUARD_LOAD_VS_FLOOR = 0.08  # bulk-load process / `cmograph load --no-prepare` (start-up weighs most at 10k)
TARGET_VALIDATE_VS_LOAD = 0.7  # `cmograph load` / `cmograph validate`: validating is no slower than loading


def test_load_and_validate_stay_near_the_bulk_load_floor(project: Path) -> None:
    load = bench("floor").load_vs_floor(project, rounds=3)
    shown = ", ".join(f"{k} {v:.2f}" for k, v in load.items())
    assert load["ratio"] >= GUARD_LOAD_VS_FLOOR, shown
    assert load["validate_ratio"] >= TARGET_VALIDATE_VS_LOAD, shown


def test_cold_questions_stay_near_the_floor(project: Path) -> None:
    from cmograph.store.project import Project

    assert Project(project).refresh().report.conforms
    results = bench("floor").cold_vs_floor(project, SEED, rounds=3, questions=("why", "site"))
    over = {q: round(r["ratio"], 2) for q, r in results.items() if r["ratio"] > GUARD_COLD_VS_FLOOR}
    assert not over, f"cold / floor above {GUARD_COLD_VS_FLOOR}x: {over} ({results})"
    assert all(r["click_ratio"] < r["ratio"] for r in results.values())  # the floors are measured apart


def test_the_endpoint_is_measured_with_its_server_floor(project: Path) -> None:
    """Through an Oxigraph server the rows are the embedded ones, and the requests each ask sends are sent again
    by a bare client, which takes less than cmograph's own client."""
    from cmograph.store.project import Project

    binary = bench("run").ENDPOINT_BINARY
    if not binary.exists():
        pytest.skip(f"no Oxigraph server at {binary}")
    assert Project(project).refresh().report.conforms
    results = bench("floor").endpoint_vs_embedded(project, binary, SEED, ("site", "compare-sites"), rounds=5)
    assert all(r["same_rows"] and r["lateral"] for r in results.values()), results
    assert results["site"]["requests"] >= 2  # the site's name looked up, then the question
    assert all(0 < r["server_floor_seconds"] < r["endpoint_seconds"] for r in results.values()), results


def _size(label: str, triples: int, refresh: dict[str, Any], questions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"size": label, "triples_requested": triples, "date": "2026-01-01T00:00:00+00:00", "files": 3,
            "store_quads": triples, "generated": {"generate_seconds": 1.0, "mean_triples_per_evaluation": 100.0},
            "refresh": {"import_seconds": 0.1, "process_seconds": 2.0, "peak_rss_mib": 90.0, "refresh_seconds": 1.0,
                        **refresh},
            "noop_refresh_seconds": 0.01, "questions": questions, **extra}


def test_results_render_for_small_and_cold_only_sizes() -> None:
    """RESULTS.md renders from a size measured in full, one without warm memory, and a 10M size with only cold
    processes and no serial breakdown (one question stopped at the bound)."""
    run = bench("run")
    warm = {"options": {}, "rows": 2, "cold_seconds": 0.2, "cold_peak_rss_mib": 40.0, "warm_seconds": 0.002,
            "select_seconds": 0.001, "prepare_seconds": 0.0, "raw_disk_seconds": 0.001, "raw_seconds": 0.001,
            "raw_rows": 2}
    old = _size("10k", 10_000, {"serial_refresh_seconds": 0.5, "workers": 0, "stages": {"read_yaml": 0.2}},
                {"why": warm})
    new = _size("100k", 100_000, {"serial_refresh_seconds": 1.5, "workers": 2, "shipped_peak_rss_mib": 80.0,
                                  "shipped_workers_peak_rss_mib": 60.0, "file_checks_rest_seconds": 0.1,
                                  "refresh_rest_seconds": 0.0,
                                  "stages": {"read_yaml": 0.5, "nquads": 0.1, "add_wait": 1.0, "store_write": 0.4}},
                {"why": warm | {"warm_memory_seconds": 0.0012, "warm_memory_rows": 2}},
                load_process={"seconds": 1.2, "peak_rss_mib": 100.0, "code": 0},
                floor_load={"load_seconds": 4.0, "floor_seconds": 2.4, "validate_seconds": 3.2, "ratio": 0.6,
                            "validate_ratio": 1.25},
                floor_cold={"why": {"cold_seconds": 0.25, "floor_seconds": 0.1, "click_floor_seconds": 0.18,
                                    "ratio": 2.5, "click_ratio": 1.8}})
    cold = _size("10m", 10_000_000, {"workers": 2, "breakdown": False},
                 {"why": {"options": {}, "cold_seconds": 9.0, "cold_peak_rss_mib": 900.0, "cold_code": 0,
                          "cold_rows": 2},
                  "gaps": {"options": {}, "cold_timeout": 300.0, "cold_peak_rss_mib": 2000.0}},
                 load_process={"seconds": 100.0, "peak_rss_mib": 500.0, "code": 0},
                 questions_measured={"cold_runs": 1, "warm_disk": False, "memory": False, "rdflib": False,
                                     "filter": None},
                 shacl_compare={"skipped": "not run at 10M"})
    data = {"machine": {"nproc": 2, "cpu": "cpu", "ram_gib": 8, "os": "os"}, "versions": {"python": "3"},
            "date": "2026-01-01", "args": {"runs": 3, "cold_runs": 1, "rdflib_timeout": 1, "rdflib_timeout_large": 1},
            "sizes": {s["size"]: s for s in (old, new, cold)}, "notes": []}
    text = run.render(data)
    assert "one process (serial), for the breakdown" in text
    assert "files checked in this process: too few for workers" in text
    assert text.count("for the breakdown") == 2  # not at 10m
    assert "| 10m | 10,000,000 | - | - | not run | >300 |" in text
    assert "| why |  | 2 | 9.000 | - | - |" in text
    assert "peak RSS 2.0 GiB" in text
    assert "| cold one-element questions <= 2.0x the floor (100k) | worst 2.50x (why); importing click alone: up " \
           "to 1.80x (why) | **not met** |" in text
    assert "| `cmograph load` >= 0.5x the speed of a bulk-load process (100k) | 0.60x (4.0 s against 2.4 s) | met |" \
        in text
    assert "| `cmograph validate` >= 0.7x the load's speed (every size measured) | lowest 1.25x (100k) | met |" in text
    assert "| why | 0.250 | 0.100 | 0.180 | 2.50 | 1.80 |" in text  # the size's own floor table
