"""The helper every test starts processes with (tests/processes.py): Ctrl-C reaches its children even when pytest
ignores SIGINT, and a child is stopped with everything it started, by PID, when it ends or times out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import processes
import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT are POSIX")

SHOW_SIGINT = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by its new parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def gone(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not alive(pid)


@pytest.fixture
def sigint_ignored() -> Iterator[None]:
    """This process ignores SIGINT, as pytest does when a shell starts it in the background."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("sigint_ignored")
def test_a_child_takes_ctrl_c_even_when_pytest_ignores_it() -> None:
    inherited = processes.run([sys.executable, "-c", SHOW_SIGINT], preexec_fn=None, capture_output=True, text=True)
    assert inherited.stdout == "False\n"  # what every child would do without the helper
    done = processes.run([sys.executable, "-c", SHOW_SIGINT], capture_output=True, text=True)
    assert done.stdout == "True\n"
    child = processes.start([sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "up\n"
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGINT and "KeyboardInterrupt" in err


def test_stop_ends_the_child_and_what_it_started(tmp_path: Path) -> None:
    child = processes.start(["bash", "-c", "sleep 600 & echo $!; wait"], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    grandchild = int(child.stdout.readline())
    assert alive(grandchild)
    processes.stop(child)
    assert child.returncode == -signal.SIGKILL
    assert gone(grandchild)


@pytest.mark.slow
def test_run_stops_the_child_and_what_it_started_on_timeout(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    with pytest.raises(subprocess.TimeoutExpired):
        processes.run(["bash", "-c", f"sleep 600 & echo $! > {pid_file}; wait"], timeout=2)
    assert gone(int(pid_file.read_text()))


def test_run_stops_what_a_finished_child_left_running(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    done = processes.run(["bash", "-c", f"sleep 600 >/dev/null 2>&1 & echo $! > {pid_file}"])
    assert done.returncode == 0
    assert gone(int(pid_file.read_text()))


def test_every_recorded_process_is_stopped_once_and_forgotten() -> None:
    since = len(processes.STARTED)
    children = [processes.start([sys.executable, "-c", "import time; time.sleep(600)"]) for _ in range(2)]
    assert processes.STARTED[since:] == children
    processes.stop_started(since)
    assert processes.STARTED[since:] == []
    assert [c.returncode for c in children] == [-signal.SIGKILL, -signal.SIGKILL]
