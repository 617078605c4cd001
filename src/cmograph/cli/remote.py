"""Commands for SPARQL servers: push evaluations to one, or serve the data as one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cmograph.cli.common import DATA_OPTIONS


def _local_data_options(f: Any) -> Any:
    """``--data``, ``--store``, ``--example`` and ``--base`` (the data options without ``--endpoint``)."""
    for declarations, attributes in reversed(DATA_OPTIONS):
        if "--endpoint" not in declarations:
            f = click.option(*declarations, **attributes)(f)
    return f


@click.command()
@_local_data_options
@click.option("--endpoint", metavar="URL", help="The server's SPARQL query URL (default: `endpoint` in "
              "cmograph.toml). Credentials come from CMOGRAPH_ENDPOINT_USER and CMOGRAPH_ENDPOINT_PASSWORD, "
              "or ~/.netrc.")
@click.option("--update-endpoint", metavar="URL", help="Where writes go, if not to the query URL: a Graph Store "
              "URL (e.g. Oxigraph's /store) or a SPARQL Update URL. Default: with --endpoint, that same URL "
              "(`update_endpoint` in cmograph.toml is then ignored); without --endpoint, `update_endpoint` in "
              "cmograph.toml, or else `endpoint` there.")
@click.option("--delete", "deletions", multiple=True, metavar="ID",
              help="Remove this evaluation from the server instead of pushing (repeatable).")
def push(data: tuple[Path, ...], store: Path | None, example: bool, base: str | None, endpoint: str | None,
         update_endpoint: str | None, deletions: tuple[str, ...]) -> None:
    """Write the evaluations to a SPARQL 1.1 server, each into its own named graph.

    Pushing again replaces an evaluation's graph; it never duplicates it. The data is the project's (or --data,
    --store, --example), checked first; the ontology goes along, since the questions read it.
    """
    from cmograph.cli.common import open_source
    from cmograph.errors import EndpointError, UsageError
    from cmograph.ingest.files import find_project
    from cmograph.remote.endpoint import Endpoint
    from cmograph.store.project import Project

    root = find_project(Path.cwd())
    settings = Project(root).settings if root is not None else None
    from_project = False  # a server only the project (perhaps a clone) names gets no credentials from the environment
    if endpoint is None and settings is not None and settings.endpoint:
        endpoint, update_endpoint = settings.endpoint, update_endpoint or settings.update_endpoint
        from_project = True
    if endpoint is None:
        raise UsageError("push needs a server", "name it with --endpoint URL, or `endpoint` in cmograph.toml")
    remote = Endpoint(endpoint, update_endpoint, from_project=from_project)
    if deletions:
        if data or store is not None or example:
            raise UsageError("--delete takes no data options", "push and delete in two separate commands")
        remote.delete(deletions)
        click.echo(f"deleted {', '.join(deletions)} from {remote.url}")
        return
    source = open_source(data, store, example, base, remote=False)
    pushed = remote.push(source.local())
    click.echo(f"pushed {len(pushed)} evaluation{'s' * (len(pushed) != 1)} to {remote.url}"
               f"{': ' + ', '.join(pushed) if pushed else ''}")
    try:  # the push is done and verified; a default graph that hides it is the server's setting, so only a warning
        remote.check_default_graph()
    except EndpointError as exc:
        click.echo(f"warning: {exc}", err=True)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@click.command()
@_local_data_options
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port on 127.0.0.1 (0 for any free port).")
@click.option("--writable", is_flag=True, help="Accept SPARQL Update and Graph Store writes, to a scratch copy "
              "that is deleted when the server stops (evidence files stay the source of truth).")
@click.option("--max-upload", type=click.IntRange(1, 65536), default=64, show_default=True, metavar="MIB",
              help="Refuse request bodies (queries, updates, uploads) larger than this many MiB (413).")
def serve(data: tuple[Path, ...], store: Path | None, example: bool, base: str | None, port: int,
          writable: bool, max_upload: int) -> None:
    """Serve the data as a SPARQL 1.1 server on 127.0.0.1 until Ctrl-C (the project's store by default).

    Prints the query URL on standard output; `cmograph ask QUESTION --endpoint URL` asks it. The server shows
    the data as it was at start; restart it to see newer loads.
    """
    import signal

    from cmograph.cli.common import open_source
    from cmograph.explore.app import Explorer
    from cmograph.remote.serve import start
    from cmograph.remote.serve_front import plain_route

    source = open_source(data, store, example, base, remote=False)
    data_args = (["--example"] if example else [a for p in data for a in ("--data", str(p))] if data
                 else ["--store", str(store)] if store is not None else [])
    explorer = Explorer(source, data_args=data_args)
    routes = {path: plain_route(explorer.handle) for path in explorer.paths()}
    server = start(source.local(), port, writable, max_upload * 2**20, routes)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        click.echo(server.query_url)
        click.echo(f"Serving {source.description} at {server.url} "
                   f"({'writable scratch copy' if writable else 'read-only'}).", err=True)
        click.echo(f"  explorer (questions in a web page): {server.url}/", err=True)
        if writable:
            click.echo(f"  SPARQL Update: {server.url}/update   Graph Store: {server.url}/store  (discarded on stop)",
                       err=True)
        click.echo(f"  try: cmograph ask what-worked --endpoint {server.query_url}\nPress Ctrl-C to stop.", err=True)
        code = server.wait()
        if code > 0:  # a signal (Ctrl-C reaches the server too) is a normal stop
            from cmograph.errors import EndpointError

            raise EndpointError(f"the Oxigraph server stopped unexpectedly (exit {code}: {server.log_tail()})")
    except KeyboardInterrupt:
        click.echo("stopping...", err=True)
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    click.echo("stopped", err=True)
