"""``python -m cmograph`` and the ``cmograph`` command: the command line, with Ctrl-C handled from the first moment.

The command's modules are imported here, inside the guard, so that an interrupt while they load prints the same
one line as one while the command runs, never a traceback.
"""

from __future__ import annotations

import os
import sys

from cmograph.errors import INTERRUPTED

# Commands that have written and closed everything of theirs when they return (a store brought up to date before a
# question is flushed, synced and closed by then; kept answers are closed files), and --help and --version: once
# their output is flushed they leave at once, without the interpreter's teardown (freeing every object and module,
# 10-20 ms) that the operating system does anyway.
LEAVE_AT_ONCE = frozenset({"ask", "query"})


def run() -> None:
    """Run the command line."""
    try:
        from cmograph.cli import main

        main()
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(130)
    except SystemExit as done:
        if isinstance(done.code, int | None) and leaves_at_once(sys.argv[1:]):
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):  # a closed or broken output: the interpreter's own exit says it, as ever
                raise done from None
            os._exit(done.code or 0)
        raise


def leaves_at_once(args: list[str]) -> bool:
    """Whether the command line ``args`` runs a command of :data:`LEAVE_AT_ONCE`, or none (--help, --version)."""
    command = next((a for a in args if not a.startswith("-")), None)
    return command is None or command in LEAVE_AT_ONCE


if __name__ == "__main__":
    run()
