"""Commands that make, check, load, read and export data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click

from cmograph.cli.common import KEEP_FORMULAS_HELP, concepts_option, data_options, format_option
from cmograph.errors import UsageError
from cmograph.render.formats import EXPORT_CHOICES, RENDERERS


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--example", is_flag=True,
              help="Also write the bundled example evaluation into evaluations/, as a YAML file to read and learn "
                   "from; in an existing project, only that (a file already there is never overwritten).")
def init(folder: Path, example: bool) -> None:
    """Start a project in FOLDER: cmograph.toml, evaluations/ with a starter file, and a .gitignore."""
    from cmograph.ingest.files import PROJECT_CONFIG
    from cmograph.store.project import EVALUATIONS, STARTER_NAME, init_project

    new = not (folder / PROJECT_CONFIG).exists()
    for what, path in init_project(folder, example):
        click.echo(f"{what} {path}" + (" (a file of that name was there already)" if what == "kept" else ""))
    if new:
        beside = " (and read the example beside it)" if example else ""
        click.echo(f"Next: edit {folder / EVALUATIONS / STARTER_NAME}{beside}, then `cmograph validate` and "
                   "`cmograph ask --list`.")
    else:
        click.echo("Next: `cmograph ask --list`; the questions answer from it with your evaluations.")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--base", metavar="IRI", help="Base IRI for the data's IRIs.")
@click.option("--concepts", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Also check this concept scheme (concepts.yaml, or SKOS as .ttl) against the files.")
def validate(paths: tuple[Path, ...], base: str | None, concepts: Path | None) -> None:
    """Check evidence files (YAML, JSON or RDF) against the format's rules.

    With no PATHS, checks the project's evaluations/ folder and its concepts.yaml. A reference to another
    evaluation's configuration is checked among the files given (or the project's); one it cannot check is a
    warning. Exits 1 if any file does not conform.
    """
    from cmograph.cli.common import echo_report, progress_printer, summary
    from cmograph.store.project import project_concepts, project_paths

    files, base_iri = project_paths(paths, base, Path.cwd())
    if concepts is None and not paths:
        concepts = project_concepts(Path.cwd())
    from cmograph.checks.pipeline import validate_paths

    report = validate_paths(files, base_iri, progress_printer("checking"), concepts, complete=not paths)
    echo_report(report)
    count = len(files) + (concepts is not None)
    verdict = ("it conforms" if report.conforms else "it does not conform") if count == 1 else (
        "they conform" if report.conforms else "they do not conform")
    click.echo(f"{count} file{'s' * (count != 1)} checked: {summary(report)}; {verdict}.", err=True)
    sys.exit(0 if report.conforms else 1)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", type=click.Path(path_type=Path, file_okay=False), help="Load into the store in this folder.")
@click.option("--base", metavar="IRI", help="Base IRI for the data's IRIs.")
@click.option("--prepare/--no-prepare", default=None,
              help="Answer the questions that need no option now, so that their first ask is quick (default: on "
                   "stores of about 150k to 3M triples).")
@click.option("--recheck", is_flag=True, help="Check and load every file again, even those that look unchanged.")
def load(paths: tuple[Path, ...], store: Path | None, base: str | None, prepare: bool | None, recheck: bool) -> None:
    """Check files and load them, all or nothing.

    In a project, the files are copied into evaluations/ and the store is refreshed (with no PATHS, just
    refreshed). With --store DIR, they are loaded into that store. A file that fails loads nothing.
    """
    from cmograph.cli import prepare as preparation
    from cmograph.cli.common import echo_report, printed_forms, progress_printer, summary
    from cmograph.store.project import load_paths

    result = load_paths(list(paths), store, base, Path.cwd(), progress_printer("checking"), prepare=prepare,
                        preparing=progress_printer("preparing answers"), recheck=recheck, forms=printed_forms,
                        background=True)
    echo_report(result.report)
    if not result.report.conforms:
        click.echo(f"Nothing was loaded: {summary(result.report)}.", err=True)
        sys.exit(1)
    named = ", ".join(result.loaded[:10]) + (f" and {len(result.loaded) - 10} more" if len(result.loaded) > 10 else "")
    later = ""
    if result.to_prepare and result.generation is not None:
        if preparation.start(result.generation):
            n = len(result.to_prepare)
            later = (f"; preparing the answers to {n} question{'s' * (n != 1)} in the background (until each is "
                     "ready it is answered from the store; `cmograph load --prepare` waits for them)")
        else:  # no process could be started: prepared here, as --prepare does
            result.prepared = preparation.prepare(result.generation, progress_printer("preparing answers"))
    prepared = len(result.prepared)
    click.echo(f"loaded {len(result.loaded)} evaluation{'s' * (len(result.loaded) != 1)}"
               f"{': ' + named if result.loaded else ''}; removed {len(result.removed)}; {result.unchanged} unchanged"
               + (f"; prepared the answers to {prepared} question{'s' * (prepared != 1)}" if prepared else "")
               + later)


@click.command()
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@data_options
@concepts_option
@format_option(RENDERERS, "How to print SELECT rows (default: table on a terminal, else csv).")
@click.option("--keep-formulas", is_flag=True, help=KEEP_FORMULAS_HELP)
@click.option("--max-rows", type=click.IntRange(min=0), default=None,
              help="Stop with an error at more rows (or triples) than this (default 100,000; 0 for no cap).")
def query(file: TextIO, data: tuple[Path, ...], store: Path | None, example: bool,
          base: str | None, endpoint: str | None, concepts: Path | None, fmt: str | None,
          keep_formulas: bool, max_rows: int | None) -> None:
    """Run your own read-only SPARQL query (from FILE, or standard input) over all evaluations.

    CONSTRUCT and DESCRIBE print N-Triples; ASK prints true or false. SERVICE, LOAD and updates are refused.
    """
    from cmograph.cli.common import echo_rows, open_source

    try:
        sparql = file.read()
    except UnicodeDecodeError:
        from cmograph.errors import UsageError

        raise UsageError(f"{file.name}: the query is not UTF-8 text", "save it as UTF-8") from None
    result = open_source(data, store, example, base, endpoint=endpoint, concepts=concepts).run_query(sparql, max_rows)
    if result.triples is not None:
        from cmograph.render.controls import u_escaped

        click.echo(u_escaped(result.triples), nl=False)
    elif result.boolean is not None:
        click.echo("true" if result.boolean else "false")
    else:
        echo_rows(result.columns, result.rows, fmt, "The query returned no rows.", keep_formulas=keep_formulas)


@click.command()
@data_options
@format_option(EXPORT_CHOICES, "RDF format; xlsx: a cmograph workbook of one evaluation; nanopub: each configuration "
               "as a nanopublication (TriG).", default="turtle")
@click.option("-e", "--evaluation", "evaluations", multiple=True, help="Only this evaluation id (repeatable).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write to this file (- for standard output, the default).")
@click.option("--supersede", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="FILE",
              help="nanopub: an earlier export; unchanged configurations keep their nanopublications, changed ones "
                   "get new ones that supersede theirs.")
@click.option("--sign-key", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="FILE",
              help="nanopub: sign with this RSA private key (e.g. ~/.nanopub/id_rsa).")
@click.option("--creator", metavar="IRI", help="nanopub: who publishes them, e.g. your ORCID IRI.")
@click.option("--license", "licence", metavar="IRI|SPDX",
              help="nanopub: their licence (default: each evaluation's, else the project's `license`).")
def export(data: tuple[Path, ...], store: Path | None, example: bool, base: str | None, endpoint: str | None,
           fmt: str, evaluations: tuple[str, ...], output: Path | None, supersede: Path | None,
           sign_key: Path | None, creator: str | None, licence: str | None) -> None:
    """Export the evaluations as linked data (each in its own named graph with TriG and N-Quads), one as a
    workbook (xlsx) that `cmograph import` reads back, or each configuration as a nanopublication (nanopub)."""
    if fmt == "nanopub":
        from cmograph.cli.publishing import NanopubOptions, export_nanopubs

        export_nanopubs(data, store, example, base, endpoint, evaluations, output,
                        NanopubOptions(supersede, sign_key, creator, licence))
        return
    given = [name for name, value in (("--supersede", supersede), ("--sign-key", sign_key), ("--creator", creator),
                                      ("--license", licence)) if value is not None]
    if given:
        raise UsageError(f"{given[0]} is for nanopublications", "add --format nanopub, or leave it out")
    if fmt == "xlsx":
        from cmograph.cli.importing import export_workbook

        export_workbook(data, store, example, endpoint, evaluations, output)
        return
    from cmograph.cli.common import open_source

    if output is not None and str(output) != "-":
        from cmograph.store.project import check_not_evidence

        check_not_evidence(output, data, Path.cwd())
    payload = open_source(data, store, example, base, endpoint=endpoint).export(fmt, evaluations)
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(payload)
    else:
        from cmograph.cli.common import said
        from cmograph.ingest.files import write_atomically

        write_atomically(output, payload)
        click.echo(f"wrote {said(str(output))}", err=True)


@click.command()
def schema() -> None:
    """Print the JSON Schema of evidence files (for editor completion and checking)."""
    from cmograph.format.generate import json_schema_text

    click.echo(json_schema_text(), nl=False)
