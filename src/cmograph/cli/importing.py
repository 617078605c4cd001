"""Commands that bring evidence in from tables and workbooks, and write the workbook: ``import``, ``template``,
and ``export --format xlsx`` (called from :func:`cmograph.cli.data.export`)."""

from __future__ import annotations

import re
import shlex
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cmograph.ingest.importers.columns import TARGETS

if TYPE_CHECKING:
    from cmograph.diagnostics import Diagnostic
    from cmograph.ingest.importers import Imported, ImportOptions


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the evidence to this YAML file (default: evaluations/ID.yaml in the project).")
@click.option("--id", "evaluation_id", metavar="ID", help="The evaluation's id (default: made from FILE's name).")
@click.option("--columns", multiple=True, metavar="MAPPING",
              help=f'What columns hold, by header: "Context=context,Actors=for_whom", or a YAML, JSON or TOML file of '
                   f"header: target (repeatable). Targets: {', '.join(TARGETS)}.")
@click.option("--fill-down", multiple=True, metavar="COLUMN",
              help="An empty cell of this column (by header) repeats the one above, as a cell the paper prints once "
                   "for several rows (repeatable; merged cells in a workbook need no option).")
@click.option("--separator", "separators", multiple=True, metavar="TEXT",
              help=r"What separates the items of a cell (repeatable; \n is a line break, the default; '' keeps each "
                   "cell whole).")
@click.option("--sheet", metavar="NAME", help="The sheet of the workbook to read (default: the first).")
@click.option("--codes", multiple=True, metavar="MAPPING",
              help='A QDA project (.qdpx): the names of its groups of codes, "Kontext=context,KMO=cmoc", or a YAML, '
                   "JSON or TOML file of name: target (repeatable). Targets: context, mechanism, outcome, cmoc.")
@click.option("--sources", "sources_folder", type=click.Path(path_type=Path, file_okay=False), metavar="FOLDER",
              help="A QDA project (.qdpx): the folder that holds the sources it keeps outside its archive.")
@click.option("--force", is_flag=True, help="Replace the output file (and transcripts) if they exist.")
def import_command(file: Path, output: Path | None, evaluation_id: str | None, columns: tuple[str, ...],
                   fill_down: tuple[str, ...], separators: tuple[str, ...], sheet: str | None, codes: tuple[str, ...],
                   sources_folder: Path | None, force: bool) -> None:
    """Turn a table of configurations (.csv, .tsv, .xlsx, .ods), a cmograph workbook, or a REFI-QDA project
    (.qdpx, from NVivo, ATLAS.ti, MAXQDA...) into an evidence file.

    A paper's CMOC table: one configuration per row, columns found by their headers (or --columns); each distinct
    text becomes one context, mechanism or outcome. A QDA project: codes grouped as contexts, mechanisms, outcomes
    or CMOCs become elements and configurations, coded passages evidence, and each source's text a transcript
    beside the file. The file is checked before it is written, and is written only if it is valid. Exits 2
    (writing nothing) when the input cannot become valid evidence, naming each place.
    """
    from cmograph.errors import UsageError
    from cmograph.format.model import SLUG_PATTERN
    from cmograph.ingest.files import write_atomically
    from cmograph.ingest.importers import ImportOptions, import_file
    from cmograph.ingest.importers.codegroups import parse_code_groups
    from cmograph.ingest.importers.columns import parse_columns
    from cmograph.ingest.importers.problems import ImportProblems

    if evaluation_id is not None and not re.fullmatch(SLUG_PATTERN, evaluation_id):
        raise UsageError(f"--id '{evaluation_id}' is not a slug", "use lower-case letters, digits and hyphens")
    if output is not None:
        _check_output(output, file, force)
    options = ImportOptions(evaluation_id, parse_columns(columns), fill_down,
                            tuple(s.replace("\\n", "\n").replace("\\t", "\t") for s in separators) or None, sheet,
                            parse_code_groups(codes), sources_folder)
    try:
        imported = import_file(file, options)
    except ImportProblems as exc:
        for found in exc.problems:
            click.echo(str(found), err=True)
        raise
    if output is None:
        output = _project_output(imported.data["evaluation"]["id"])
        _check_output(output, file, force)
    text = evidence_text(imported, file, options)
    companions = _companions(imported, output, force)
    warnings = check_imported(imported, text, output.name)
    for path, content in companions.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, content)
    write_atomically(output, text.encode("utf-8"))
    for line in imported.report:
        click.echo(line, err=True)
    for warning in warnings:
        click.echo(str(warning), err=True)
    count = len(imported.data.get("cmocs") or [])
    click.echo(f"wrote {output}: {count} configuration{'s' * (count != 1)}; it validates", err=True)


def _check_output(output: Path, source: Path, force: bool) -> None:
    from cmograph.errors import UsageError

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{output}: the evidence is written as YAML", "name a .yaml file with -o")
    if output.exists() and output.resolve() == source.resolve():
        raise UsageError(f"{output} is the file being imported", "name another output file with -o")
    if output.exists() and not force:
        raise UsageError(f"{output} exists; nothing was written", "name another file with -o, or replace it with "
                         "--force")


def _companions(imported: Imported, output: Path, force: bool) -> dict[Path, bytes]:
    """The files to write with the evidence (transcripts), by path: relative to the project of ``output`` (the
    nearest folder at or above it with ``cmograph.toml``, else its folder). One that exists with other content is
    replaced only with ``--force``."""
    from cmograph.errors import UsageError
    from cmograph.ingest.files import project_root

    root = project_root(output.absolute())
    out: dict[Path, bytes] = {}
    for name, content in imported.files.items():
        path = root / name
        try:
            same = path.read_bytes() == content
        except FileNotFoundError:
            same = False
        except OSError as exc:
            raise UsageError(f"{path}: cannot be read ({exc.strerror}); nothing was written") from None
        if path.exists() and not same and not force:
            raise UsageError(f"{path} exists with other text; nothing was written",
                             "replace it with --force, or import with another --id")
        if not same:
            out[path] = content
    return out


def _project_output(evaluation_id: str) -> Path:
    from cmograph.errors import UsageError
    from cmograph.ingest.files import find_project
    from cmograph.store.project import EVALUATIONS

    root = find_project(Path.cwd())
    if root is None:
        raise UsageError("no -o given and this folder is not a cmograph project; nothing was written",
                         "name the output file with -o, or start a project with `cmograph init`")
    return root / EVALUATIONS / f"{evaluation_id}.yaml"


def evidence_text(imported: Imported, file: Path, options: ImportOptions) -> str:
    """The YAML evidence file of an import, with a header saying where it came from and how it was made."""
    from cmograph.render.evidence_yaml import evidence_yaml

    command = ["cmograph", "import", file.name]
    if options.evaluation_id:
        command += ["--id", options.evaluation_id]
    if options.columns:
        command += ["--columns", ",".join(f"{h}={t}" for h, t in options.columns.items())]
    for name in options.fill_down:
        command += ["--fill-down", name]
    for separator in options.separators or ():
        command += ["--separator", separator.replace("\n", "\\n").replace("\t", "\\t")]
    if options.sheet:
        command += ["--sheet", options.sheet]
    if options.code_groups:
        command += ["--codes", ",".join(f"{h}={t}" for h, t in options.code_groups.items())]
    if options.sources:
        command += ["--sources", str(options.sources)]
    header = [f"Imported from {imported.source} by:", f"  {shlex.join(command)}", "", "Import report:",
              *(wrapped for line in imported.report
                for wrapped in textwrap.wrap(line, 100, initial_indent="  ", subsequent_indent="    ")), ""]
    return evidence_yaml(imported.data, header)


def check_imported(imported: Imported, text: str, name: str) -> list[Diagnostic]:
    """Validate the evidence text (as the file ``name``) with the pipeline every file goes through; raise
    :class:`ImportProblems` with each problem at the cell it came from, or return the warnings."""
    import tempfile

    from cmograph.checks.pipeline import check_file
    from cmograph.diagnostics import Severity
    from cmograph.ingest.files import PROJECT_CONFIG
    from cmograph.ingest.importers.problems import ImportProblems

    with tempfile.TemporaryDirectory(prefix="cmograph-import-") as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        (Path(folder) / PROJECT_CONFIG).touch()  # the folder is the file's project, whatever holds it
        for companion, content in imported.files.items():  # the transcripts, where the file names them
            (Path(folder) / companion).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / companion).write_bytes(content)
        checked = check_file(path)
    shown = [_at_cell(d, imported, text, name) for d in checked.report]
    errors = [d for d in shown if d.severity is Severity.ERROR]
    if errors:
        for diagnostic in errors:
            click.echo(str(diagnostic), err=True)
        raise ImportProblems(imported.source, errors)
    return shown


def _at_cell(diagnostic: Diagnostic, imported: Imported, text: str, name: str) -> Diagnostic:
    """A problem of the written YAML shown at the cell its value came from (else at the input file)."""
    from cmograph.diagnostics import Diagnostic, Location
    from cmograph.ingest.yaml_json import parse_text

    lines: dict[int, list[tuple[str | int, ...]]] = {}
    for path, line in parse_text(Path(name), text).lines.items():
        lines.setdefault(line, []).append(path)
    place = None
    for path in sorted(lines.get(diagnostic.location.line or -1, []), key=len, reverse=True):
        while path and place is None:
            place = imported.places.get(path)
            path = path[:-1]
        if place is not None:
            break
    location = place if place is not None else Location(imported.source.split(",")[0])
    return Diagnostic(location, diagnostic.where, diagnostic.message, diagnostic.hint, diagnostic.severity)


def _evaluation_id(data: object, path: Path) -> str:
    """The id of the evaluation a file describes (its name, when it has none: it is reported when checked)."""
    evaluation = data.get("evaluation") if isinstance(data, dict) else None
    return str(evaluation.get("id")) if isinstance(evaluation, dict) else path.name


@click.command()
@click.argument("output", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def template(output: Path, force: bool) -> None:
    """Write an empty cmograph workbook (.xlsx) to fill in: a sheet per section of the format, a note on each
    column, drop-down lists; `cmograph import` turns it into an evidence file."""
    from cmograph.errors import UsageError
    from cmograph.ingest.files import write_atomically
    from cmograph.render.workbook import workbook_bytes

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"{output}: the template is an Excel workbook", "name a .xlsx file")
    if output.exists() and not force:
        raise UsageError(f"{output} exists; nothing was written", "name another file, or replace it with --force")
    write_atomically(output, workbook_bytes())
    click.echo(f"wrote {output}: fill it in, then `cmograph import {output.name} -o my-study.yaml`", err=True)


def export_workbook(data: Sequence[Path], store: Path | None, example: bool, endpoint: str | None,
                    evaluations: Sequence[str], output: Path | None) -> None:
    """``cmograph export --format xlsx``: one evaluation's evidence file as a cmograph workbook."""
    from cmograph.checks.pipeline import check_file
    from cmograph.errors import NotConforming, UsageError
    from cmograph.ingest.files import EVIDENCE_SUFFIXES, evidence_files, find_project, write_atomically
    from cmograph.ingest.importers.layout import plain_evidence
    from cmograph.ingest.yaml_json import read_document
    from cmograph.render.workbook import workbook_bytes
    from cmograph.source import example_paths
    from cmograph.store.project import Project, check_not_evidence

    if store is not None or endpoint is not None:
        raise UsageError("--format xlsx is written from evidence files, not a store or a server",
                         "use --data FILE, --example, or run it in a project")
    if example:
        files = example_paths()
    elif data:
        files = evidence_files(list(data))
    else:
        root = find_project(Path.cwd())
        if root is None:
            raise UsageError("no data: this folder is not a cmograph project", "name an evidence file with --data")
        files = Project(root).evidence()
    files = [f for f in files if f.suffix.lower() in EVIDENCE_SUFFIXES]
    if not files:
        raise UsageError("--format xlsx is written from a YAML or JSON evidence file", "name one with --data")
    docs = {_evaluation_id(read_document(f).data, f): f for f in files}
    if evaluations:
        missing = [e for e in evaluations if e not in docs]
        if missing:
            raise UsageError(f"no evaluation '{missing[0]}' in the data",
                             f"the evaluations are: {', '.join(sorted(docs))}")
        docs = {e: docs[e] for e in evaluations}
    if len(docs) != 1:
        raise UsageError(f"a workbook holds one evaluation, and the data has {len(docs)}",
                         f"choose one with -e: {', '.join(sorted(docs))}")
    (path,) = docs.values()
    checked = check_file(path)
    if not checked.report.conforms:
        raise NotConforming(checked.report)
    payload = workbook_bytes(plain_evidence(read_document(path)))
    if output is None or str(output) == "-":
        if sys.stdout.isatty():
            raise UsageError("a workbook is not for the terminal", "name a file with -o, e.g. -o study.xlsx")
        sys.stdout.buffer.write(payload)
        return
    check_not_evidence(output, data, Path.cwd())
    write_atomically(output, payload)
    click.echo(f"wrote {output}", err=True)
