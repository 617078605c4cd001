"""Preparing answers in a process of its own after ``cmograph load``, so that the load does not wait for them.

At a million triples preparing the 8 questions that need no option takes about 10 s on top of a 30-40 s load; the
load now ends when the data is in, and this process prepares the answers meanwhile, at a lower priority. A question
asked before its answer is ready runs on the store as usual. ``cmograph load --prepare`` still waits.

    python -m cmograph.cli.prepare STORE/gen-000042
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cmograph.diagnostics import Progress


def start(generation: Path) -> bool:
    """Start preparing the answers of ``generation`` in a detached process; whether it could be started."""
    options: dict[str, object] = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL,
                                  "stderr": subprocess.DEVNULL, "close_fds": True}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS
    else:
        options["start_new_session"] = True  # not stopped by the terminal's Ctrl-C or hang-up
    try:
        subprocess.Popen([sys.executable, "-m", "cmograph.cli.prepare", str(generation)], **options)  # type: ignore[call-overload]
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

    try:
        prepare(Path(argv[0]))
    except (CmographError, OSError):  # the store moved on or went away meanwhile: nothing left to prepare
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
