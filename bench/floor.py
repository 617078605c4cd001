"""cmograph against the engine's floor, measured in the same run, interleaved round by round.

- Cold questions: the floor of a question is a bare ``python -c`` process that opens the store generation
  read-only and lists the solutions of the exact SPARQL ``cmograph ask ... --show-sparql`` prints (made here by
  the same call; default graph as the union, as cmograph asks). A second floor, "click floor", is the same
  process importing click first: the least a command line built on click can take.
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
from collections.abc import Callable
from functools import partial
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


def cold_vs_floor(root: Path, seed: int = 1, rounds: int = 9, questions: tuple[str, ...] = ONE_ELEMENT,
                  forget: bool = False) -> dict[str, dict[str, float]]:
    """For each question, the median cold ``cmograph ask``, floor and click floor seconds, and the medians of the
    paired ratios (``ratio``: cmograph / floor; ``click_ratio``: click floor / floor). With ``forget``, the
    answers kept in the store are deleted before each ``cmograph ask`` (the query runs, as with nothing kept)."""
    import shutil

    from bench.run import options_for, question_options
    from cmograph.query.catalogue import get_question
    from cmograph.query.run import prepare
    from cmograph.source import open_data
    from cmograph.store.answers import ANSWERS

    root = root.resolve()
    picks = question_options(seed)
    generation = _generation(root)
    engine = open_data(root).engine  # as `cmograph ask` in the project opens it
    results: dict[str, dict[str, float]] = {}
    for qid in questions:
        question = get_question(qid)
        chosen = options_for(question, picks)
        options = [x for k, v in chosen.items() for x in (f"--{k}", v)]
        ask = _cmograph("ask", qid, *options, "--format", "csv")
        sparql = prepare(question, engine, chosen)  # what `cmograph ask ... --show-sparql` prints
        floor = [sys.executable, "-c", FLOOR, str(generation / "oxigraph")]
        click_floor = [sys.executable, "-c", CLICK_FLOOR, str(generation / "oxigraph")]

        def asked(ask: list[str] = ask) -> float:
            if forget:
                shutil.rmtree(generation / ANSWERS, ignore_errors=True)
            return _timed(ask, root)

        asked(), _timed(floor, root, sparql), _timed(click_floor, root, sparql)  # warm caches
        rows = [(asked(), _timed(floor, root, sparql), _timed(click_floor, root, sparql)) for _ in range(rounds)]
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

    root = root.resolve()
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


def endpoint_vs_embedded(root: Path, binary: Path, seed: int = 1, questions: tuple[str, ...] = (),
                         rounds: int = 5) -> dict[str, dict[str, Any]]:
    """Each question warm through ``--endpoint`` on an Oxigraph server (``binary``, serving the store's live
    generation read-only, its default graph the union) and embedded (on the store on disk), in turn round by
    round: the median seconds of each, the median of the paired ratios (endpoint / embedded), and whether the rows
    are the same. Options are resolved once per round on each side, as each ``cmograph ask`` does. In the same
    rounds, the server floor: the requests one ask sends, sent by a bare client (see :func:`_raw_requests`)."""
    import socket
    import urllib.request

    import httpx

    from bench.run import options_for, question_options
    from cmograph.query.catalogue import get_question
    from cmograph.query.catalogue import questions as all_questions
    from cmograph.query.local import StoreEngine
    from cmograph.query.run import ask
    from cmograph.remote.endpoint import Endpoint
    from cmograph.store.disk import DiskStore

    root = root.resolve()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/query"
    server = subprocess.Popen([str(binary), "serve-read-only", "--location", str(_generation(root) / "oxigraph"),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        picks = question_options(seed)
        embedded = StoreEngine(DiskStore(root / ".cmograph" / "store").open())
        client = httpx.Client()  # one connection kept open: the least a client's requests can take
        results: dict[str, dict[str, Any]] = {}
        for qid in questions or tuple(all_questions()):
            question = get_question(qid)
            options = options_for(question, picks)

            def timed(engine: Any, question: Any = question, options: dict[str, str] = options
                      ) -> tuple[float, list[Any]]:
                start = time.perf_counter()
                answer = ask(question, engine, options)
                return time.perf_counter() - start, answer.rows

            remote = Endpoint(url)  # one per question, as one per process: the LATERAL probe included
            timed(remote), timed(embedded)
            sent = _queries_of_one_ask(remote, partial(timed, remote))
            pairs = [(timed(remote), timed(embedded), _raw_requests(client, url, sent)) for _ in range(rounds)]
            results[qid] = {"endpoint_seconds": statistics.median(r[0] for r, _, _ in pairs),
                            "embedded_seconds": statistics.median(e[0] for _, e, _ in pairs),
                            "ratio": statistics.median(r[0] / e[0] for r, e, _ in pairs),
                            "server_floor_seconds": statistics.median(f for _, _, f in pairs),
                            "server_floor_ratio": statistics.median(f / e[0] for _, e, f in pairs),
                            "requests": len(sent),
                            "same_rows": pairs[0][0][1] == pairs[0][1][1], "lateral": remote.lateral}
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def _queries_of_one_ask(remote: Any, ask_once: Callable[[], Any]) -> list[str]:
    """The SPARQL texts ``remote`` (an :class:`~cmograph.remote.endpoint.Endpoint`) sends for one ask."""
    sent: list[str] = []
    send = remote._results

    def recording(sparql: str) -> Any:
        sent.append(sparql)
        return send(sparql)

    remote._results = recording
    try:
        ask_once()
    finally:
        del remote._results
    return sent


def _raw_requests(client: Any, url: str, queries: list[str]) -> float:
    """Seconds to send ``queries`` to the server as a bare client would (one kept connection, each query as the
    body of a POST, the JSON answer read and not parsed): the server floor of an ask through ``--endpoint``."""
    start = time.perf_counter()
    for sparql in queries:
        answer = client.post(url, content=sparql.encode("utf-8"), headers={
            "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        answer.read()
        answer.raise_for_status()
    return time.perf_counter() - start


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
