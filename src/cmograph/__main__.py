"""``python -m cmograph`` and the ``cmograph`` command: the command line, with Ctrl-C handled from the first moment.

The command's modules are imported here, inside the guard, so that an interrupt while they load prints the same
one line as one while the command runs, never a traceback.
"""

from __future__ import annotations

import sys

from cmograph.errors import INTERRUPTED


def run() -> None:
    """Run the command line."""
    try:
        from cmograph.cli import main

        main()
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    run()
