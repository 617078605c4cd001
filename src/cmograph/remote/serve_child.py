"""The Oxigraph server as a child process that never outlives ``cmograph serve``, however that ends.

On Linux the child asks the kernel, between fork and exec, for SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``; the kernel sends it when the thread that started the child ends, so start it from
the main thread). Elsewhere (macOS, Windows), or where that call is missing, a small Python watcher runs the
server as its own child and reads a pipe from cmograph until it closes, because cmograph closed it or died; the
watcher then stops the server (SIGTERM, then SIGKILL after 10 s; on Windows, TerminateProcess) and exits.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import IO

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

WATCHER = """\
import os, signal, subprocess, sys, threading
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for cmograph (and the server) to handle


def stop(*_):
    child.terminate()
    try:
        child.wait(10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    os._exit(0)


def follow():
    os._exit(max(child.wait(), 0))  # the server ended on its own: so does the watcher (a signal is a stop)


signal.signal(signal.SIGTERM, stop)
threading.Thread(target=follow, daemon=True).start()
sys.stdin.buffer.read()  # until cmograph closes the pipe, or dies
stop()
"""


def spawn(command: list[str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start ``command``, its output going to ``log``, so that it ends when this process does. Where a watcher
    runs it, the returned process is the watcher and its ``stdin`` the pipe: closing it stops the server."""
    tie = _death_signal()
    if tie is None:
        return subprocess.Popen(watched(command), stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, preexec_fn=tie)


def watched(command: list[str]) -> list[str]:
    """``command`` run by the watcher."""
    return [sys.executable, "-c", WATCHER, *command]


def _death_signal() -> Callable[[], None] | None:
    """On Linux, what the child runs before exec to be killed with its parent; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def tie() -> None:
        if prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL)) != 0 or os.getppid() != parent:
            os._exit(1)  # the call failed, or the parent died already: never serve for nobody

    return tie
