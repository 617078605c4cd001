"""Preparing answers in a process of its own after ``cmograph load``, so that the load does not wait for them.

At a million triples preparing the 8 questions that need no option takes about 10 s on top of a 30-40 s load; the
load now ends when the data is in, and this process prepares the answers meanwhile, at a lower priority. A question
asked before its answer is ready runs on the store as usual. ``cmograph load --prepare`` still waits.

    python -m cmograph.cli.prepare STORE/gen-000042

One process prepares a generation at a time: a second ``cmograph load`` of unchanged data, run while the first
one's answers are still being prepared, starts a process that finds the generation's ``preparing`` lock held and
leaves at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cmograph.diagnostics import Progress

PREPARING = "preparing"  # the lock file, in the generation's folder, of the process preparing its answers


def start(generation: Path) -> bool:
    """Start preparing the answers of ``generation`` in a detached process; whether it could be started."""
    argv = [sys.executable, "-m", "cmograph.cli.prepare", str(generation)]
    quiet = subprocess.DEVNULL
    try:
        if sys.platform == "win32":
            subprocess.Popen(argv, stdin=quiet, stdout=quiet, stderr=quiet, close_fds=True,
                             creationflags=subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS)
        else:  # a session of its own: not stopped by the terminal's Ctrl-C or hang-up
            subprocess.Popen(argv, stdin=quiet, stdout=quiet, stderr=quiet, close_fds=True, start_new_session=True)
    except OSError:
        return False
    return True


def prepare(generation: Path, progress: Progress | None = None) -> list[str]:
    """Prepare the answers of ``generation`` here (what the detached process does); the ids prepared."""
    from cmograph.cli.common import printed_forms
    from cmograph.store.answers import prepare_generation
    from cmograph.store.disk import DiskStore

    return prepare_generation(DiskStore(generation.parent), generation, progress, force=True, forms=printed_forms)


def main(argv: list[str]) -> int:
    if hasattr(os, "nice"):
        os.nice(10)  # the user's own commands first
    from cmograph.errors import CmographError
    from cmograph.store import lock

    generation = Path(argv[0])
    try:
        with lock.held(generation / PREPARING):
            prepare(generation)
    except lock.Busy:  # another process prepares them already
        return 0
    except (CmographError, OSError):  # the store moved on or went away meanwhile: nothing left to prepare
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
