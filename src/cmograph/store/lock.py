"""The store's one-writer lock: a lock file that names its holder's PID, held by the operating system.

The lock is an advisory lock on an open file (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so the system
drops it the moment its holder exits, however it exits: a lock whose holder is dead is free to take, with no
stale-lock guessing. A process forked while the lock is held (a worker that checks files) would share the open
file and keep the lock after its parent died; so every forked child lets go of it at once (see
:func:`_release_in_child`), and only the process that took the lock ever holds it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_HELD: dict[str, IO[str]] = {}  # lock files (by resolved path) that this process holds, with their open handles
_WINDOWS_BYTE = 2**30  # Windows locks a byte range, which others then cannot read: lock one far past the PID


class Busy(Exception):
    """Another live process holds the lock; ``holder`` is the PID it wrote, as text (or ``unknown``)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def _try_lock(handle: IO[str]) -> bool:
    """Take the lock on ``handle`` without waiting; whether it was free."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(_WINDOWS_BYTE)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def held(path: Path) -> Iterator[None]:
    """Hold the lock file ``path`` while the block runs (re-entrant within this process); :class:`Busy` at once
    if another process holds it. The holder's PID is written into the file while it holds it."""
    key = str(path.resolve())
    if key in _HELD:
        yield
        return
    with open(path, "a+", encoding="utf-8") as handle:
        if not _try_lock(handle):
            handle.seek(0)
            raise Busy(handle.read(32).strip() or "unknown")
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        _HELD[key] = handle
        try:
            yield
        finally:
            _HELD.pop(key, None)  # (a forked child that got this far has let go already)
            handle.seek(0)
            handle.truncate()


def is_held(path: Path) -> bool:
    """Whether this process holds the lock file ``path``."""
    return str(path.resolve()) in _HELD


def _release_in_child() -> None:
    """In a child just forked: point each lock file's descriptor at the null device, so that the child never
    shares the lock (the parent still holds it, and the system frees it when the parent exits)."""
    if not _HELD:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for handle in _HELD.values():
            os.dup2(null, handle.fileno())
    finally:
        os.close(null)
    _HELD.clear()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_release_in_child)
