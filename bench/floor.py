"""cmograph against the engine's floor, measured in the same run, interleaved round by round.

- Cold questions: the floor of a question is a bare ``python -c`` process that opens the store generation
  read-only and lists the solutions of the exact SPARQL ``cmograph ask ... --show-sparql`` prints (default graph
  as the union, as cmograph asks). A second floor, "click floor", is the same process importing click first: the
  least a command line built on click can take.
- Load: the floor is a ``python -c`` process that bulk-loads the N-Quads of the store generation (the files
  ``cmograph load`` wrote) into a new on-disk store, in the batches cmograph uses, and compacts it as cmograph
  does after a large load; cmograph's side is ``cmograph load --no-prepare`` into an empty store, validation
  included. ``cmograph validate`` of the same files is timed in the same rounds.

Each ratio is taken round by round (cmograph, floor, cmograph, floor, ...) so that a busy moment falls on both,
and its median reported.

    python -m bench.floor --project /tmp/perf10k [--rounds 9] [--load-rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ONE_ELEMENT = ("why", "in-context", "circumstances", "site", "evidence")
FLOOR = ("import sys, pyoxigraph as ox\n"
         "store = ox.Store.read_only(sys.argv[1])\n"
         "for solution in store.query(sys.stdin.read(), use_default_graph_as_union=True):\n"
         "    list(solution)\n")
CLICK_FLOOR = "import click\n" + FLOOR
LOAD_FLOOR = ("import os, sys, pyoxigraph as ox\n"
              "folder, target, batch_bytes, optimize_bytes = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:5])\n"
              "store = ox.Store(target)\n"
              "batch, size, total = [], 0, 0\n"
              "for name in sorted(os.listdir(folder)):\n"
              "    with open(os.path.join(folder, name), 'rb') as f:\n"
              "        batch.append(f.read())\n"
              "    size += len(batch[-1])\n"
              "    if size >= batch_bytes:\n"
              "        store.bulk_load(b''.join(batch), format=ox.RdfFormat.N_QUADS)\n"
              "        total, batch, size = total + size, [], 0\n"
              "if batch:\n"
              "    store.bulk_load(b''.join(batch), format=ox.RdfFormat.N_QUADS)\n"
              "    total += size\n"
              "if total >= optimize_bytes:\n"
              "    store.optimize()\n"
              "store.flush()\n")


def _cmograph(*args: str) -> list[str]:
    return [sys.executable, "-m", "cmograph", *args]


def _timed(argv: list[str], cwd: Path, stdin: str = "") -> float:
    from bench.run import child_env

    env = child_env()
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, input=stdin, text=True, capture_output=True, check=True, env=env)
    return time.perf_counter() - start


def _generation(root: Path) -> Path:
    store = root / ".cmograph" / "store"
    return store / (store / "CURRENT").read_text(encoding="utf-8").strip()


def cold_vs_floor(root: Path, seed: int = 1, rounds: int = 9,
                  questions: tuple[str, ...] = ONE_ELEMENT) -> dict[str, dict[str, float]]:
    """For each question, the median cold ``cmograph ask``, floor and click floor seconds, and the medians of the
    paired ratios (``ratio``: cmograph / floor; ``click_ratio``: click floor / floor)."""
    from bench.run import options_for, question_options
    from cmograph.query.catalogue import get_question

    picks = question_options(seed)
    generation = _generation(root)
    results: dict[str, dict[str, float]] = {}
    for qid in questions:
        options = [x for k, v in options_for(get_question(qid), picks).items() for x in (f"--{k}", v)]
        ask = _cmograph("ask", qid, *options)
        shown = subprocess.run([*ask, "--show-sparql"], cwd=root, capture_output=True, text=True, check=True).stderr
        sparql = "\n".join(line for line in shown.splitlines() if not line.startswith("#+"))
        floor = [sys.executable, "-c", FLOOR, str(generation / "oxigraph")]
        click_floor = [sys.executable, "-c", CLICK_FLOOR, str(generation / "oxigraph")]
        _timed(ask, root), _timed(floor, root, sparql), _timed(click_floor, root, sparql)  # warm caches
        rows = [(_timed(ask, root), _timed(floor, root, sparql), _timed(click_floor, root, sparql))
                for _ in range(rounds)]
        results[qid] = {"cold_seconds": statistics.median(a for a, _, _ in rows),
                        "floor_seconds": statistics.median(f for _, f, _ in rows),
                        "click_floor_seconds": statistics.median(c for _, _, c in rows),
                        "ratio": statistics.median(a / f for a, f, _ in rows),
                        "click_ratio": statistics.median(c / f for _, f, c in rows)}
    return results


def load_vs_floor(root: Path, rounds: int = 3) -> dict[str, float]:
    """The median ``cmograph load --no-prepare`` (into an empty store), floor and ``cmograph validate`` seconds,
    and the medians of the paired ratios: ``ratio`` is the floor over the load (the load's speed as a fraction of
    the floor's), ``validate_ratio`` the load over validate (validate's speed as a fraction of the load's)."""
    import shutil
    import tempfile

    from cmograph.store.disk import BATCH_BYTES, GRAPHS, OPTIMIZE_BYTES

    store = root / ".cmograph" / "store"
    rows = []
    for _ in range(rounds):
        shutil.rmtree(store, ignore_errors=True)
        load = _timed(_cmograph("load", "--no-prepare"), root)
        with tempfile.TemporaryDirectory(dir=root.parent) as scratch:
            snapshots = Path(scratch) / "graphs"
            shutil.copytree(_generation(root) / GRAPHS, snapshots)
            floor = _timed([sys.executable, "-c", LOAD_FLOOR, str(snapshots), str(Path(scratch) / "store"),
                            str(BATCH_BYTES), str(OPTIMIZE_BYTES)], root)
        validate = _timed(_cmograph("validate"), root)
        rows.append((load, floor, validate))
    return {"load_seconds": statistics.median(r[0] for r in rows),
            "floor_seconds": statistics.median(r[1] for r in rows),
            "validate_seconds": statistics.median(r[2] for r in rows),
            "ratio": statistics.median(f / lo for lo, f, _ in rows),
            "validate_ratio": statistics.median(lo / v for lo, _, v in rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, required=True, help="a generated project, loaded (cmograph load)")
    parser.add_argument("--seed", type=int, default=1, help="the seed it was generated with")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of cold questions")
    parser.add_argument("--load-rounds", type=int, default=0, help="rounds of load (it empties the store first)")
    args = parser.parse_args(argv)
    print(f"load average at the start: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results: dict[str, Any] = {}
    if args.load_rounds:
        results["load"] = load_vs_floor(args.project.resolve(), args.load_rounds)
    results |= cold_vs_floor(args.project.resolve(), args.seed, args.rounds)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
