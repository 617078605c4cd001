"""The ``cmograph`` command line: thin click commands, each one call into the library.

Library modules are imported inside command bodies so that ``cmograph --help`` starts fast.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from cmograph.cli.ask import ask
from cmograph.cli.data import export, init, load, query, schema, validate
from cmograph.cli.importing import import_command, template
from cmograph.cli.remote import push, serve
from cmograph.cli.reporting import report


class CmographGroup(click.Group):
    """The top-level group: turns library errors into a message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from cmograph.cli.common import guarded

        return guarded(lambda: super(CmographGroup, self).invoke(ctx), lambda: ctx.invoked_subcommand)


@click.group(cls=CmographGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cmograph", prog_name="cmograph")
def main() -> None:
    """Realist evaluation evidence as a knowledge graph: what worked, for whom, in what circumstances, and why.

    \b
    Start with the bundled example:
      cmograph ask --list
      cmograph ask what-worked --example
    or your own evidence:
      cmograph init && cmograph validate && cmograph ask what-worked
    """


for command in (init, validate, load, ask, query, export, report, push, serve, schema, import_command,
                template):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
