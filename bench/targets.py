"""The performance targets (issue "close to the floor") and the floor section of each size in RESULTS.md.

Every target is a ratio against a floor measured in the same run (see ``bench/floor.py``), except the start-up
times and the memory at 10M, which the issue sets in absolute terms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

COLD_ONE = 2.0  # cold one-element question / its floor
COLD_OTHER = 1.2  # cold question over everything, nothing kept / its floor
PREPARED_1M = 0.2  # seconds: first ask at 1M of a prepared answer, printing it as CSV
LOAD = 0.5  # floor / `cmograph load` (its speed as a fraction of a bulk-load process's)
VALIDATE = 0.7  # load / validate
WARM = 1.2  # warm in-memory question / raw pyoxigraph, worst case
ENDPOINT = 1.5  # through --endpoint on an Oxigraph server / embedded
HELP, ASK_LIST = 0.100, 0.120  # seconds
MEMORY_10M_GIB = 8.0


def _worst(ratios: dict[str, dict[str, Any]], key: str = "ratio") -> tuple[str, float]:
    qid = max(ratios, key=lambda q: ratios[q][key])
    return qid, ratios[qid][key]


def _shown(value: float | None, scale: float, spec: str) -> str:
    return "-" if value is None else format(value * scale, spec)


def render_floor(s: dict[str, Any]) -> list[str]:
    """The size's measurements against the floor, as tables (nothing if none were made)."""
    lines: list[str] = []
    load = s.get("floor_load")
    if load:
        lines += ["### Against the floor", "",
                  "Interleaved round by round with the floor (`bench/floor.py`); medians of the rounds.", "",
                  "| what | cmograph (s) | floor (s) | ratio |", "|---|---:|---:|---:|",
                  f"| `cmograph load --no-prepare` into an empty store vs a process bulk-loading the same N-Quads "
                  f"(and compacting, as the load does) | {load['load_seconds']:.2f} | {load['floor_seconds']:.2f} | "
                  f"{load['ratio']:.2f}x the floor's speed |",
                  f"| `cmograph validate` vs that `cmograph load` | {load['validate_seconds']:.2f} | "
                  f"{load['load_seconds']:.2f} | {load['validate_ratio']:.2f}x the load's speed |", ""]
    for key, title in (("floor_cold", "Cold questions about one element"),
                       ("floor_cold_unkept", "Cold questions over everything, nothing kept")):
        cold = s.get(key)
        if not cold:
            continue
        if not lines:
            lines += ["### Against the floor", ""]
        lines += [f"{title}: `cmograph ask Q --format csv` as a new process, against a bare `python -c` process "
                  "that opens the same store generation read-only and lists the solutions of the SPARQL "
                  "`--show-sparql` prints (the floor), and the same with `import click` first (the least a "
                  "click command line can take).", "",
                  "| question | cmograph (s) | floor (s) | click floor (s) | cmograph / floor | click floor / floor |",
                  "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {q} | {r['cold_seconds']:.3f} | {r['floor_seconds']:.3f} | {r['click_floor_seconds']:.3f} | "
                  f"{r['ratio']:.2f} | {r['click_ratio']:.2f} |" for q, r in cold.items()]
        lines.append("")
    endpoint = s.get("endpoint")
    if endpoint:
        lines += ["Warm through `--endpoint` on an Oxigraph server (`oxigraph serve-read-only` of the same "
                  "generation, union default graph) against embedded (`questions.ask` on the store on disk), in "
                  "turn round by round; names resolved on each side as each ask does. Server floor: in the same "
                  "rounds, the requests one such ask sends, sent by a bare client (one connection kept open, each "
                  "query the body of a POST, the answer read and not parsed): what the server alone takes.", "",
                  "| question | requests | endpoint (ms) | embedded (ms) | endpoint / embedded | server floor (ms) | "
                  "server floor / embedded | LATERAL sent | same rows |",
                  "|---|---:|---:|---:|---:|---:|---:|---|---|"]
        lines += [f"| {q} | {r.get('requests', '')} | {r['endpoint_seconds'] * 1e3:.1f} | "
                  f"{r['embedded_seconds'] * 1e3:.1f} | {r['ratio']:.2f} | "
                  f"{_shown(r.get('server_floor_seconds'), 1e3, '.1f')} | "
                  f"{_shown(r.get('server_floor_ratio'), 1, '.2f')} | {'yes' if r['lateral'] else 'no'} | "
                  f"{'yes' if r['same_rows'] else 'NO'} |" for q, r in endpoint.items()]
        lines.append("")
    return lines


def render_targets(sizes: list[dict[str, Any]], data: dict[str, Any],
                   warm_ratio: Callable[[dict[str, Any]], float | None]) -> list[str]:
    """The targets table: each target, what was measured, and whether it is met."""
    lines = ["## Targets", "", "| target | measured | met? |", "|---|---|---|"]

    def target(name: str, measured: str, met: bool | None) -> None:
        verdict = "not measured" if met is None else ("met" if met else "**not met**")
        lines.append(f"| {name} | {measured} | {verdict} |")

    by = {s["size"]: s for s in sizes}
    for label in ("10k", "100k", "1m"):
        s = by.get(label, {})
        name = f"cold one-element questions <= {COLD_ONE}x the floor ({label})"
        if s.get("floor_cold"):
            q, worst = _worst(s["floor_cold"])
            cq, click = _worst(s["floor_cold"], "click_ratio")
            target(name, f"worst {worst:.2f}x ({q}); importing click alone: up to {click:.2f}x ({cq})",
                   worst <= COLD_ONE)
        else:
            target(name, "not measured", None)
        name = f"cold questions over everything, nothing kept, <= {COLD_OTHER}x the floor ({label})"
        if s.get("floor_cold_unkept"):
            q, worst = _worst(s["floor_cold_unkept"])
            target(name, f"worst {worst:.2f}x ({q})", worst <= COLD_OTHER)
        else:
            target(name, "not measured", None)
    s1m = by.get("1m")
    prepared = [(q["cold_seconds"], qid, q.get("rows")) for qid, q in (s1m or {}).get("questions", {}).items()
                if q.get("cold_prepared") and "cold_seconds" in q]
    if prepared:
        worst, qid, rows = max(prepared)
        target(f"first ask of a prepared answer at 1M, printing it as CSV, <= {PREPARED_1M} s",
               f"worst {worst:.3f} s ({qid}, {rows:,} rows)" if rows else f"worst {worst:.3f} s ({qid})",
               worst <= PREPARED_1M)
    else:
        target(f"first ask of a prepared answer at 1M, printing it as CSV, <= {PREPARED_1M} s", "not measured", None)
    for label in ("100k", "1m"):
        load = by.get(label, {}).get("floor_load")
        target(f"`cmograph load` >= {LOAD}x the speed of a bulk-load process ({label})",
               f"{load['ratio']:.2f}x ({load['load_seconds']:.1f} s against {load['floor_seconds']:.1f} s)"
               if load else "not measured", None if not load else load["ratio"] >= LOAD)
    validates = [(s["floor_load"]["validate_ratio"], s["size"]) for s in sizes if s.get("floor_load")]
    target(f"`cmograph validate` >= {VALIDATE}x the load's speed (every size measured)",
           f"lowest {min(validates)[0]:.2f}x ({min(validates)[1]})" if validates else "not measured",
           None if not validates else min(validates)[0] >= VALIDATE)
    for s in sizes:
        ratios = {qid: r for qid, q in s["questions"].items() if (r := warm_ratio(q)) is not None}
        name = f"warm in-memory questions <= {WARM}x raw in-memory pyoxigraph ({s['size']}, worst case)"
        if ratios:
            qid = max(ratios, key=lambda k: ratios[k])
            over = sorted(q for q, r in ratios.items() if r > WARM)
            target(name, f"worst {ratios[qid]:.2f}x ({qid})" + (f"; over: {', '.join(over)}" if over else ""),
                   not over)
        else:
            target(name, "not measured", None)
    endpoint = by.get("100k", {}).get("endpoint")
    if endpoint:
        qid, worst = _worst(endpoint)
        floor = endpoint[qid].get("server_floor_ratio")
        target(f"questions through `--endpoint` on an Oxigraph server <= {ENDPOINT}x embedded (100k, warm)",
               f"worst {worst:.2f}x ({qid})" + (f"; the server floor alone: {floor:.2f}x" if floor else ""),
               worst <= ENDPOINT)
    else:
        target(f"questions through `--endpoint` on an Oxigraph server <= {ENDPOINT}x embedded (100k, warm)",
               "not measured", None)
    help_ = data.get("help", {})
    for key, name, bound in (("cmograph_help", "`cmograph --help`", HELP), ("ask_list", "`cmograph ask --list`",
                                                                            ASK_LIST)):
        seconds = help_.get(key, {}).get("seconds")
        python = help_.get("python_startup", {}).get("seconds")
        shown = "not measured" if seconds is None else f"{seconds * 1e3:.0f} ms" + (
            f" (`python -c pass`: {python * 1e3:.0f} ms)" if python else "")
        target(f"{name} <= {bound * 1e3:.0f} ms", shown, None if seconds is None else seconds <= bound)
    s10m = by.get("10m")
    if s10m:
        load_rss = s10m.get("load_process", {}).get("peak_rss_mib") or s10m["refresh"]["peak_rss_mib"]
        asks = [(q["cold_peak_rss_mib"], qid) for qid, q in s10m["questions"].items() if "cold_peak_rss_mib" in q]
        peak = max([load_rss, *(r for r, _ in asks)])
        text = f"peak RSS {peak / 1024:.1f} GiB: load {load_rss / 1024:.1f} GiB"
        if asks:
            text += f", cold `ask` at most {max(asks)[0] / 1024:.1f} GiB ({max(asks)[1]}; {len(asks)} questions)"
        target(f"10M triples: load and every question, peak memory <= {MEMORY_10M_GIB:.0f} GiB", text,
               peak / 1024 <= MEMORY_10M_GIB)
    else:
        target(f"10M triples: load and every question, peak memory <= {MEMORY_10M_GIB:.0f} GiB", "10M not run",
               None)
    lines.append("")
    return lines
