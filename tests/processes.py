"""Processes started by tests: Ctrl-C acts on them as in a terminal, and they are stopped by PID however a test ends.

``start`` is ``subprocess.Popen`` and ``run`` is ``subprocess.run``, with three differences:

- the child resets SIGINT to its default, so that a test's Ctrl-C reaches it even when pytest itself was started
  with SIGINT ignored (as a background job of a shell is), which every child would otherwise inherit;
- the child leads a process group of its own, so that it is stopped together with every process it started
  (``cmograph serve`` and its ``oxigraph``, ``bash`` and what it runs in the background);
- it is recorded: ``stop_started`` (run by an autouse fixture in ``conftest.py`` after every test and at the end of
  the session) kills the process group of every process a test started, by PID, even if the test failed or timed
  out; ``run`` does so as soon as its process ends or its ``timeout`` passes.

On Windows, which has neither process groups nor POSIX signals, children start as usual and only the child is
killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence
from typing import Any

POSIX = os.name == "posix"
TIMEOUT = 600.0  # seconds: a process of a test that takes longer has hung, and is stopped
STARTED: list[subprocess.Popen[Any]] = []


def _default_sigint() -> None:
    """In the child, before it runs its command: SIGINT does what it does in a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(args: Sequence[Any], **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen(args, **kwargs)`` in a process group of its own, with SIGINT at its default; recorded."""
    if POSIX:
        kwargs.setdefault("start_new_session", True)
        kwargs.setdefault("preexec_fn", _default_sigint)
    process: subprocess.Popen[Any] = subprocess.Popen(args, **kwargs)
    STARTED.append(process)
    return process


def run(args: Sequence[Any], *, input: Any = None, capture_output: bool = False, timeout: float | None = TIMEOUT,
        check: bool = False, **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    """``subprocess.run`` through ``start``; the process group is killed when the process ends or times out."""
    if input is not None:
        kwargs["stdin"] = subprocess.PIPE
    if capture_output:
        kwargs["stdout"] = kwargs["stderr"] = subprocess.PIPE
    process = start(args, **kwargs)
    try:
        stdout, stderr = process.communicate(input, timeout=timeout)
    finally:
        stop(process)
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if check:
        done.check_returncode()
    return done


def stop(process: subprocess.Popen[Any]) -> None:
    """Kill ``process`` and its process group (whatever it left running there), and wait for it.

    Until ``process`` is reaped its PID cannot be reused, nor while its group has a member left; once it is reaped,
    a process found under its PID is another's, and its group is left alone."""
    if POSIX and not (process.returncode is not None and _exists(process.pid)):
        with contextlib.suppress(ProcessLookupError, PermissionError):  # a group that is gone has nothing left
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_started(since: int = 0) -> None:
    """Stop every process recorded from index ``since`` on, and forget them."""
    while len(STARTED) > since:
        stop(STARTED.pop())
