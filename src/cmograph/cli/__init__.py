"""The ``cmograph`` command line: thin click commands, each one call into the library.

Library modules are imported inside command bodies so that ``cmograph --help`` starts fast.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from cmograph.version import __version__

# Each command by name: the module under cmograph.cli that defines it, and the function's name there. A command's
# module is imported when the command is run (or listed by --help), so `cmograph ask` loads no other command's imports.
COMMANDS = {
    "init": ("data", "init"), "validate": ("data", "validate"), "load": ("data", "load"), "ask": ("ask", "ask"),
    "query": ("data", "query"), "export": ("data", "export"), "match": ("match", "match"),
    "report": ("reporting", "report"),
    "publish": ("publishing", "publish"), "push": ("remote", "push"), "serve": ("remote", "serve"),
    "schema": ("data", "schema"), "import": ("importing", "import_command"), "template": ("importing", "template"),
}


class CmographGroup(click.Group):
    """The top-level group: turns library errors into a message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from cmograph.cli.common import guarded

        return guarded(lambda: super(CmographGroup, self).invoke(ctx), lambda: ctx.invoked_subcommand)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(f"cmograph.cli.{module}"), name)
        return command


@click.group(cls=CmographGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cmograph")
def main() -> None:
    """Realist evaluation evidence as a knowledge graph: what worked, for whom, in what circumstances, and why.

    \b
    Start with the bundled example:
      cmograph ask --list
      cmograph ask what-worked --example
    or your own evidence:
      cmograph init && cmograph validate && cmograph ask what-worked
    """


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
