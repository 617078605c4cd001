"""``cmograph report``: a synthesis report of the data, as HTML or Markdown, with its figures."""

from __future__ import annotations

from pathlib import Path

import click

from cmograph.cli.common import data_options


@click.command()
@data_options
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The report to write: REPORT.html (one self-contained file) or REPORT.md (Markdown, for a "
                   "paper's appendix).")
@click.option("--figures", "folder", type=click.Path(path_type=Path, file_okay=False),
              help="Where to write the figures as SVG and PNG (default: REPORT-figures beside the report).")
def report(data: tuple[Path, ...], store: Path | None, example: bool, base: str | None, endpoint: str | None,
           output: Path, folder: Path | None) -> None:
    """Write a synthesis report: the evaluations included, findings by concept, review configurations and what
    they rest on, an evidence map, a context-mechanism-outcome diagram per configuration, the confidence summary,
    a case study per site, and the RAMESES II reporting items the data can support."""
    from cmograph.cli.common import open_source, progress_printer, said, waiting
    from cmograph.report.write import report_format
    from cmograph.store.project import check_not_evidence

    report_format(output)  # a wrong name is told before any work
    check_not_evidence(output, data, Path.cwd())
    if folder is not None:
        check_not_evidence(folder / "x.svg", data, Path.cwd())
    source = open_source(data, store, example, base, progress=progress_printer("checking"), endpoint=endpoint)
    from cmograph.report.collect import collect
    from cmograph.report.write import write_report

    with waiting("writing the report"):
        written = write_report(collect(source.engine, source.description), output, folder)
    figures = len(written.figures) // 2
    where = written.figures[0].parent if written.figures else None
    click.echo(f"wrote {said(str(written.report))}" + (
        f" and {figures} figure{'s' * (figures != 1)} (SVG and PNG) in {said(str(where))}" if where else ""))
