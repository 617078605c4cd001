"""``cmograph match``: propose mappings between the elements of different evaluations, or accept reviewed ones."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cmograph.cli.common import concepts_option, data_options

if TYPE_CHECKING:
    from cmograph.match.elements import Element
    from cmograph.source import Source

KIND_CHOICES = ("context", "mechanism", "outcome", "group", "site")
SHOWN_CLUSTERS = 20


@click.command()
@data_options
@concepts_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write the proposed mappings (SSSOM TSV) to this file (- for standard output).")
@click.option("--method", type=click.Choice(["auto", "lexical", "semantic"]), default="auto", show_default=True,
              help="lexical: labels' word stems; semantic: also sentence embeddings (the `match` extra); auto: "
                   "semantic when it is installed.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KIND_CHOICES),
              help="Match only elements of this kind (repeatable; default: all five).")
@click.option("--license", "license_", metavar="IRI", default=None,
              help="The licence of the mapping set (default: CC BY 4.0).")
@click.option("--accept", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write the rows a team kept in this reviewed mapping file into the concept scheme.")
def match(data: tuple[Path, ...], store: Path | None, example: bool, base: str | None, endpoint: str | None,
          concepts: Path | None, output: Path | None, method: str, kinds: tuple[str, ...], license_: str | None,
          accept: Path | None) -> None:
    """Propose which elements of different evaluations are the same thing, as an SSSOM mapping set to review.

    Pairs of contexts, mechanisms, outcomes, groups and sites of different evaluations are proposed by their
    labels' words and, with the `match` extra installed, by meaning. Review the file (author_id on the rows you
    keep, Not in predicate_modifier on those you reject), then run `cmograph match --accept FILE` to write them
    into the project's concepts.yaml (with --data, into the --concepts FILE).
    """
    from cmograph.cli.common import open_source, progress_printer
    from cmograph.errors import UsageError
    from cmograph.match.elements import KINDS, elements

    if accept is None and output is None:
        raise UsageError("name the file to write the proposed mappings to with -o FILE",
                         "e.g. `cmograph match -o mappings.sssom.tsv`; or review one with --accept FILE")
    if accept is not None and output is not None:
        raise UsageError("use -o to propose mappings, or --accept to accept reviewed ones, not both")
    scheme = None
    if accept is not None:
        scheme = _scheme_to_write(data, example, concepts)
    reading = concepts if accept is None or (concepts is not None and concepts.exists()) else None  # new: to write
    source = open_source(data, store, example, base, progress=progress_printer("checking"), endpoint=endpoint,
                         concepts=reading)
    found = elements(source.engine, kinds or KINDS)
    if accept is not None:
        assert scheme is not None
        _accept(accept, found, scheme, source, base)
        return
    assert output is not None
    _propose(found, method, output, data, base, license_)


def _scheme_to_write(data: tuple[Path, ...], example: bool, concepts: Path | None) -> Path:
    """The concept scheme ``--accept`` writes: the project's, or with ``--data`` the ``--concepts`` file."""
    from cmograph.errors import UsageError
    from cmograph.ingest.files import PROJECT_CONFIG, find_project
    from cmograph.store.project import Project

    if data or example:
        if concepts is None:
            raise UsageError("--accept with --data needs --concepts FILE: the concept scheme to write",
                             "e.g. --concepts concepts.yaml (made if missing)")
        return concepts
    root = find_project(Path.cwd())
    if root is None:
        raise UsageError(f"--accept writes the concept scheme of a project, and this folder has no {PROJECT_CONFIG}",
                         "run it in the project, or with --data FILES --concepts FILE")
    return Project(root).concepts() or root / "concepts.yaml"


def _propose(found: list[Element], method: str, output: Path, data: tuple[Path, ...], base: str | None,
             license_: str | None) -> None:
    import hashlib
    import sys

    from cmograph.cli.common import said
    from cmograph.ingest.files import write_atomically
    from cmograph.match.propose import clusters, mutual_best, propose
    from cmograph.match.sssom import DEFAULT_LICENSE, write_sssom
    from cmograph.namespaces import DEFAULT_BASE
    from cmograph.version import __version__

    evaluations = len({e.evaluation for e in found})
    proposal = propose(found, method)  # type: ignore[arg-type]
    named = "\n".join(sorted({e.evaluation for e in found})).encode("utf-8")
    set_id = f"{base or DEFAULT_BASE}_mappings/{hashlib.sha256(named).hexdigest()[:16]}"
    text = write_sssom(proposal, set_id=set_id, license_=license_ or DEFAULT_LICENSE, version=__version__,
                       evaluations=evaluations)
    if str(output) == "-":
        sys.stdout.write(text)
    else:
        from cmograph.store.project import check_not_evidence

        check_not_evidence(output, data, Path.cwd())
        write_atomically(output, text.encode("utf-8"))
    where = "standard output" if str(output) == "-" else said(str(output))
    if evaluations < 2:
        click.echo(f"No mappings proposed: the data holds {evaluations} evaluation{'s' * (evaluations != 1)}, and "
                   f"matching pairs elements of different evaluations; wrote an empty mapping set to {where}.",
                   err=True)
        return
    by_iri = {e.iri: e for e in found}
    groups = clusters(mutual_best(proposal.mappings))
    click.echo(f"{len(proposal.mappings)} mapping{'s' * (len(proposal.mappings) != 1)} proposed between "
               f"{len(found)} elements of {evaluations} evaluations, {proposal.describe()}; written to {where}.",
               err=True)
    if groups:
        click.echo(f"Proposed clusters ({len(groups)}; elements that are each other's best match):", err=True)
    for n, group in enumerate(groups[:SHOWN_CLUSTERS], 1):
        items = [by_iri[iri] for iri in group]
        click.echo(said(f"{n:>3}. {items[0].kind}: " + " = ".join(f"{e.name} ({e.label})" for e in items)), err=True)
    if len(groups) > SHOWN_CLUSTERS:
        click.echo(f"     and {len(groups) - SHOWN_CLUSTERS} more", err=True)
    if groups:
        click.echo("Next: review the file (author_id on each row you keep, Not in predicate_modifier on those you "
                   "reject), then `cmograph match --accept FILE`.", err=True)


def _accept(path: Path, found: list[Element], scheme: Path, source: Source, base: str | None) -> None:
    import tempfile

    from cmograph.checks.concepts import check_scheme
    from cmograph.cli.common import said
    from cmograph.errors import NotConforming
    from cmograph.match.accept import accept, write_scheme
    from cmograph.match.sssom import read_sssom
    from cmograph.namespaces import DEFAULT_BASE

    done = accept(read_sssom(path), found, scheme)
    if source.store is not None:  # the new scheme must check against the data before it replaces the old one
        with tempfile.TemporaryDirectory() as folder:
            trial = Path(folder) / scheme.name
            trial.write_text(done.text, encoding="utf-8")
            problems, _ = check_scheme(trial, source.local(), base or DEFAULT_BASE)
        if not problems.conforms:
            raise NotConforming(problems)
    write_scheme(scheme, done.text)
    changed = (f"{len(done.added)} concept{'s' * (len(done.added) != 1)} added, {len(done.extended)} extended, "
               f"{done.members} member{'s' * (done.members != 1)} placed")
    here = Path.cwd().resolve()
    shown = scheme.resolve().relative_to(here) if scheme.resolve().is_relative_to(here) else scheme
    click.echo(said(f"wrote {shown}: {changed}; from {done.kept} kept row{'s' * (done.kept != 1)} "
                    f"({done.rejected} rejected, {done.unreviewed} not reviewed: no author_id)."), err=True)

