"""The private copies ``cmograph serve`` serves: temporary folders named after, and locked by, their owner.

Each copy is a folder ``cmograph-serve-PID-XXXX`` in the system's temporary folder, holding a lock file
(:mod:`cmograph.store.lock`) that its owner holds while it serves. The system lets go of a lock when its holder
dies, so a copy whose owner was killed (SIGKILL, a crash, a closed terminal) is known at the next
start, and removed then.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from cmograph.store import lock

PREFIX = "cmograph-serve-"
OWNER = "owner.lock"


def new_folder() -> tempfile.TemporaryDirectory[str]:
    """A new temporary folder for a copy, named after this process."""
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-")


def remove_stale() -> None:
    """Remove every copy whose owner is gone."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        owner = folder / OWNER
        try:
            # empty: being made now, or let go of just now; held here: this process serves it
            if not owner.is_file() or owner.stat().st_size == 0 or lock.is_held(owner):
                continue
            with lock.held(owner):
                pass
        except (lock.Busy, OSError):
            continue
        shutil.rmtree(folder, ignore_errors=True)
