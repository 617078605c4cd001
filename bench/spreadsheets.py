"""Measure the spreadsheet readers and writers cmograph could use for ``cmograph import`` and the workbook template.

    python -m bench.spreadsheets [--rows 3000] [--runs 5]

Makes a SYNTHETIC table (``--rows`` configurations of 8 text columns, multi-line cells), writes it as .xlsx with
openpyxl and with XlsxWriter, converts it to .ods with LibreOffice (when ``soffice`` is on PATH), and times reading
each back with python-calamine, openpyxl (normal and read-only) and odfpy. Prints medians in seconds; the numbers
are quoted in docs/import.md. Optional packages that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

COLUMNS = ["ID", "Context", "Mechanism resource", "Mechanism response", "Outcome", "For whom", "Site", "Quote"]


def rows(n: int) -> list[list[str]]:
    return [[f"CMOC{i}"] + [f"{name} {i % 97}: made-up text\nsecond line {i % 13}" for name in COLUMNS[1:]]
            for i in range(1, n + 1)]


def median(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = rows(args.rows)
    folder = Path(tempfile.mkdtemp(prefix="cmograph-sheets-"))
    results: list[tuple[str, float]] = []

    def write_openpyxl(path: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(COLUMNS)
        for row in data:
            sheet.append(row)
        book.save(path)

    def write_xlsxwriter(path: Path) -> None:
        import xlsxwriter  # type: ignore[import-untyped]

        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, COLUMNS)
        for r, row in enumerate(data, start=1):
            sheet.write_row(r, 0, row)
        book.close()

    xlsx = folder / "table.xlsx"
    results.append(("write .xlsx, openpyxl", median(args.runs, lambda: write_openpyxl(xlsx))))
    with contextlib.suppress(ImportError):
        results.append(("write .xlsx, XlsxWriter", median(args.runs, lambda: write_xlsxwriter(folder / "w.xlsx"))))
    ods = folder / "table.ods"
    soffice = shutil.which("soffice")
    if soffice:
        subprocess.run([soffice, "--headless", "--convert-to", "ods", "--outdir", str(folder), str(xlsx)],
                       check=True, capture_output=True, env=dict(os.environ, HOME=str(folder)), timeout=300)

    def calamine(path: Path) -> object:
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges

    def openpyxl_read(path: Path, read_only: bool) -> object:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=read_only)
        return [[c.value for c in row] for row in book.active.iter_rows()]

    def odfpy_read(path: Path) -> object:
        from odf import teletype  # type: ignore[import-untyped]
        from odf.opendocument import load  # type: ignore[import-untyped]
        from odf.table import TableCell  # type: ignore[import-untyped]

        return [teletype.extractText(c) for c in load(str(path)).spreadsheet.getElementsByType(TableCell)]

    results.append(("read .xlsx, python-calamine", median(args.runs, lambda: calamine(xlsx))))
    results.append(("read .xlsx, openpyxl", median(args.runs, lambda: openpyxl_read(xlsx, False))))
    results.append(("read .xlsx, openpyxl read-only", median(args.runs, lambda: openpyxl_read(xlsx, True))))
    if ods.exists():
        results.append(("read .ods, python-calamine", median(args.runs, lambda: calamine(ods))))
        with contextlib.suppress(ImportError):
            results.append(("read .ods, odfpy", median(args.runs, lambda: odfpy_read(ods))))
    print(f"{args.rows} rows x {len(COLUMNS)} columns, median of {args.runs} runs")
    for what, seconds in results:
        print(f"{what:34} {seconds:8.3f} s")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
