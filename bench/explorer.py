"""Measure the explorer in a published site (answers written beforehand) and served, for docs/explorer.md.

    python -m bench.explorer --example
    python -m bench.explorer --project /tmp/synthetic-100k        # python -m bench.generate --triples 100000 ...

Writes the static explorer of the data into a scratch folder (``cmograph.explore.static.write``) and reports how
many answers and files it wrote, their size (raw, and gzipped file by file as a web server with gzip sends
them), the largest answer and the time it took. Then, in headless Chromium (``--chromium``, the system's), it
opens the published explorer from a real HTTP server on 127.0.0.1 and the served explorer
(``cmograph.explore.app``), each cold (a new browser context, nothing cached) ``--runs`` times, and reports the
median time from navigation to the answer's table on screen and the bytes transferred, for ``what-worked`` with
no option and for ``why`` with the first outcome listed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cmograph.explore.app import Explorer
from cmograph.explore.local import LocalServer
from cmograph.explore.static import write
from cmograph.source import Source, open_source

TRANSFERRED = ("() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
               ".reduce((sum, entry) => sum + entry.encodedBodySize, 0)")
ANSWERED = ("() => !document.querySelector('#answer').hidden"
            " && !document.querySelector('#answer').hasAttribute('aria-busy')")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_folder(root: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first_answer(browser: Any, url: str, runs: int) -> dict[str, float]:
    """Median milliseconds from navigation to the answer on screen, and bytes transferred, over cold runs."""
    times, sizes = [], []
    for _ in range(runs):
        context = browser.new_context()
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(ANSWERED, timeout=120_000)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(page.evaluate(TRANSFERRED))
        context.close()
    return {"ms": statistics.median(times), "bytes": statistics.median(sizes)}


def measure(source: Source, data_args: Sequence[str], chromium: str, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        written = write(root, source, data_args=data_args)
        files = [p for p in (root / "explorer").rglob("*") if p.is_file()]
        answers = [p for p in files if p.suffix == ".json" and p.parent.parent.name == "answers"
                   and not p.name.endswith(".rows.json")]
        largest = max((p.with_name(p.name[:-5] + ".rows.json") for p in answers), key=lambda p: p.stat().st_size)
        results["static"] = {
            "answers": written.answers, "files": written.files, "bytes": written.size,
            "gzipped": sum(len(gzip.compress(p.read_bytes(), 6)) for p in files), "seconds": written.seconds,
            "largest": {"path": str(largest.relative_to(root)), "bytes": largest.stat().st_size},
            "page": sum(p.stat().st_size for p in (root / "explorer").glob("*") if p.is_file()),
        }
        outcome = json.loads((root / "explorer" / "data" / "names" / "outcome.json").read_bytes())[0]["value"]
        queries = {"what-worked": {"question": "what-worked"}, "why": {"question": "why", "outcome": outcome}}
        folder = serve_folder(root)
        server = LocalServer(Explorer(source, data_args=data_args)).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium)
                for name, query in queries.items():
                    static_url = f"http://127.0.0.1:{folder.server_address[1]}/explorer/?{urlencode(query)}"
                    results[f"static {name}"] = first_answer(browser, static_url, runs)
                    results[f"served {name}"] = first_answer(browser, f"{server.url}/?{urlencode(query)}", runs)
                browser.close()
        finally:
            folder.shutdown()
            server.stop()
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explorer", description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--example", action="store_true", help="the bundled example")
    where.add_argument("--project", type=Path, help="a project folder (e.g. made by bench.generate)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    started = time.monotonic()
    source = open_source(example=args.example, cwd=args.project, memory=True)
    print(f"opened in {time.monotonic() - started:.1f} s", file=sys.stderr)
    results = measure(source, ["--example"] if args.example else [], args.chromium, args.runs)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
