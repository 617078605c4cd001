"""``cmograph publish``: the evaluations as a static linked-data site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import click

from cmograph.cli.common import data_options

if TYPE_CHECKING:
    from cmograph.publish.nanopub import Earlier, Exported
    from cmograph.publish.nanopub import Settings as NanopubSettings


@click.command()
@click.argument("outdir", type=click.Path(path_type=Path))
@data_options
@click.option("--license", "licence", metavar="IRI|SPDX",
              help="The dataset's licence: an SPDX id such as CC-BY-4.0, or a licence IRI (default: the licence "
                   "every evaluation carries).")
@click.option("--title", help="The dataset's title (default: the evaluation's title, or how many there are).")
@click.option("--sparql-endpoint", metavar="URL", help="A public SPARQL endpoint serving the data, for the VoID "
              "description.")
@click.option("--replace", is_flag=True, help="Replace the site OUTDIR holds (one `cmograph publish` wrote).")
@click.option("--default-base", is_flag=True,
              help="Publish even under cmograph's default base IRI, https://w3id.org/cmograph/data/ (for a "
                   "preview: those IRIs are not yours to serve).")
@click.option("--nanopubs", is_flag=True,
              help="Also publish each configuration as a nanopublication (as `cmograph export --format nanopub` "
                   "makes them), served at its IRI and linked from the configuration's page.")
@click.option("--supersede", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="FILE",
              help="--nanopubs: an earlier export (the site's dumps/nanopubs.trig); unchanged configurations keep "
                   "their nanopublications, changed ones get new ones that supersede theirs.")
@click.option("--sign-key", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="FILE",
              help="--nanopubs: sign them with this RSA private key (e.g. ~/.nanopub/id_rsa).")
@click.option("--creator", metavar="IRI", help="--nanopubs: who publishes them, e.g. your ORCID IRI.")
def publish(outdir: Path, data: tuple[Path, ...], store: Path | None, example: bool, base: str | None,
            endpoint: str | None, licence: str | None, title: str | None, sparql_endpoint: str | None,
            replace: bool, default_base: bool, nanopubs: bool, supersede: Path | None, sign_key: Path | None,
            creator: str | None) -> None:
    """Publish the evaluations as a static linked-data site in OUTDIR.

    Every IRI under the base gets an HTML page and its description in Turtle, JSON-LD, N-Triples and RDF/XML;
    the site also holds the dataset's VoID and DCAT description, dumps with checksums, a search, the ontology's
    documentation, and nginx and Apache configurations that serve each IRI in the form asked for. With
    --nanopubs, each configuration's nanopublication too. OUTDIR is written whole or not at all.
    """
    from cmograph.cli.common import open_source, progress_printer
    from cmograph.errors import UsageError
    from cmograph.publish.paths import check_base
    from cmograph.publish.site import Settings, check_folder
    from cmograph.publish.site import publish as publish_site
    from cmograph.store.project import check_not_evidence

    given = [name for name, value in (("--supersede", supersede), ("--sign-key", sign_key), ("--creator", creator))
             if value is not None]
    if given and not nanopubs:
        raise UsageError(f"{given[0]} is for nanopublications", "add --nanopubs, or leave it out")
    if base is not None:
        check_base(base)
    check_folder(outdir, replace)
    check_not_evidence(outdir / "index.ttl", data, Path.cwd())
    making = (nanopub_settings(NanopubOptions(supersede, sign_key, creator, licence), data, store, example, endpoint)
              if nanopubs else None)
    source = open_source(data, store, example, base, progress=progress_printer("checking"), endpoint=endpoint)
    dataset = source.remote.dataset() if source.remote is not None else source.local()
    if licence is None:
        licence = project_licence(data, store, example, endpoint)
    from cmograph.explore import static

    data_args = (["--example"] if example else [a for p in data for a in ("--data", str(p))] if data
                 else ["--store", str(store)] if store is not None else ["--endpoint", endpoint] if endpoint else [])

    def explorer(site: Path) -> None:
        static.write(site, source, data_args=data_args)

    settings = Settings(base=base, licence=licence, title=title, inputs=inputs(data, store, example),
                        endpoint=sparql_endpoint, default_base=default_base, explorer=explorer,
                        nanopubs=making[0] if making else None, earlier_nanopubs=making[1] if making else None)
    published = publish_site(dataset, outdir, settings, replace=replace)
    for warning in published.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"published {published.pages} pages ({published.files} files) to {outdir}, to be served at "
               f"{published.base}")
    if published.nanopubs is not None:
        click.echo(f"with {counted(published.nanopubs)}")


def inputs(data: tuple[Path, ...], store: Path | None, example: bool) -> list[str]:
    """The evidence a site says it was made from: file names only (never where they are on this machine)."""
    if example:
        from cmograph.resources import EXAMPLE

        return [EXAMPLE]
    if data:
        from cmograph.ingest.files import evidence_files

        return sorted({p.name for p in evidence_files(list(data))})
    if store is not None:
        return [f"the store {store.name}"]
    from cmograph.ingest.files import find_project
    from cmograph.store.project import Project

    root = find_project(Path.cwd())
    return sorted(p.name for p in Project(root).evidence()) if root else []


def project_licence(data: tuple[Path, ...], store: Path | None, example: bool, endpoint: str | None) -> str | None:
    """The ``license`` of the project in this folder, when its data is the one read (no data option given)."""
    if data or store or example or endpoint:
        return None
    from cmograph.ingest.files import find_project
    from cmograph.store.project import Project

    root = find_project(Path.cwd())
    return Project(root).settings.license if root else None


class NanopubOptions(NamedTuple):
    """The options of ``cmograph export`` for nanopublications."""

    supersede: Path | None
    sign_key: Path | None
    creator: str | None
    licence: str | None


def nanopub_settings(options: NanopubOptions, data: tuple[Path, ...], store: Path | None, example: bool,
                     endpoint: str | None) -> tuple[NanopubSettings, Earlier | None]:
    """How nanopublications are made with these options, and the earlier ones they may supersede; the options are
    checked before any data is read."""
    from cmograph.publish import nanopub
    from cmograph.publish.signing import SigningKey
    from cmograph.publish.site import made_at
    from cmograph.version import __version__

    creator = nanopub.check_creator(options.creator) if options.creator is not None else None
    earlier = nanopub.read_earlier(options.supersede) if options.supersede is not None else None
    key = SigningKey(options.sign_key) if options.sign_key is not None else None
    return nanopub.Settings(made_at(), __version__, options.licence,
                            project_licence(data, store, example, endpoint), creator, key), earlier


def export_nanopubs(data: tuple[Path, ...], store: Path | None, example: bool, base: str | None,
                    endpoint: str | None, evaluations: tuple[str, ...], output: Path | None,
                    options: NanopubOptions) -> None:
    """``cmograph export --format nanopub``: the configurations as nanopublications, in TriG."""
    from cmograph.cli.common import open_source, progress_printer, said
    from cmograph.ingest.files import write_atomically
    from cmograph.publish import nanopub

    to_file = output if output is not None and str(output) != "-" else None
    if to_file is not None:
        from cmograph.store.project import check_not_evidence

        check_not_evidence(to_file, data, Path.cwd())
    settings, earlier = nanopub_settings(options, data, store, example, endpoint)
    source = open_source(data, store, example, base, progress=progress_printer("checking"), endpoint=endpoint)
    dataset = source.remote.dataset(evaluations) if source.remote is not None else source.local()
    exported = nanopub.export_nanopubs(dataset, evaluations, settings, earlier.latest if earlier else None)
    for warning in exported.warnings:
        click.echo(f"warning: {said(warning)}", err=True)
    if not exported.count:
        click.echo("The data holds no configuration, so no nanopublication was written.", err=True)
        return
    if to_file is None:
        sys.stdout.buffer.write(exported.data)
        return
    write_atomically(to_file, exported.data)
    click.echo(f"wrote {said(str(to_file))}: {counted(exported)}", err=True)


def counted(exported: Exported) -> str:
    """``8 nanopublications (7 unchanged, 1 superseding an earlier one)``."""
    superseding = "superseding an earlier one" if exported.superseding == 1 else "superseding earlier ones"
    counts = [f"{n} {what}" for n, what in ((exported.new, "new"), (exported.unchanged, "unchanged"),
                                             (exported.superseding, superseding)) if n]
    return f"{exported.count} nanopublication{'s' * (exported.count != 1)} ({', '.join(counts) or 'none'})"
