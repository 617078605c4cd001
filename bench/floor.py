"""Cold one-element questions against the floor, measured in the same run, interleaved round by round.

The floor of a question is a bare ``python -c`` process that opens the store generation read-only and lists the
solutions of the exact SPARQL ``cmograph ask ... --show-sparql`` prints (default graph as the union, as
cmograph asks); the ratio is cmograph's cold process over
it, taken round by round (cmograph, floor, cmograph, floor, ...) so that a busy moment falls on both, and its median
reported.

    python -m bench.floor --project /tmp/perf10k [--rounds 9]
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


def _cmograph(*args: str) -> list[str]:
    return [sys.executable, "-m", "cmograph", *args]


def _timed(argv: list[str], cwd: Path, stdin: str = "") -> float:
    from bench.run import child_env

    env = child_env()
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, input=stdin, text=True, capture_output=True, check=True, env=env)
    return time.perf_counter() - start


def cold_vs_floor(root: Path, seed: int = 1, rounds: int = 9,
                  questions: tuple[str, ...] = ONE_ELEMENT) -> dict[str, dict[str, float]]:
    """For each question, the median cold ``cmograph ask`` and floor seconds and the median of the paired ratios."""
    from bench.run import options_for, question_options
    from cmograph.query.catalogue import get_question

    picks = question_options(seed)
    generation = (root / ".cmograph" / "store" / (root / ".cmograph" / "store" / "CURRENT").read_text().strip())
    results: dict[str, dict[str, float]] = {}
    for qid in questions:
        options = [x for k, v in options_for(get_question(qid), picks).items() for x in (f"--{k}", v)]
        ask = _cmograph("ask", qid, *options)
        shown = subprocess.run([*ask, "--show-sparql"], cwd=root, capture_output=True, text=True, check=True).stderr
        sparql = "\n".join(line for line in shown.splitlines() if not line.startswith("#+"))
        floor = [sys.executable, "-c", FLOOR, str(generation / "oxigraph")]
        _timed(ask, root), _timed(floor, root, sparql)  # warm the file cache and the bytecode
        pairs = [(_timed(ask, root), _timed(floor, root, sparql)) for _ in range(rounds)]
        results[qid] = {"cold_seconds": statistics.median(a for a, _ in pairs),
                        "floor_seconds": statistics.median(f for _, f in pairs),
                        "ratio": statistics.median(a / f for a, f in pairs)}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, required=True, help="a generated project, loaded (cmograph load)")
    parser.add_argument("--seed", type=int, default=1, help="the seed it was generated with")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    print(f"load average at the start: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results: dict[str, Any] = cold_vs_floor(args.project.resolve(), args.seed, args.rounds)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
