"""``cmograph serve``: a real Oxigraph server over the data, on 127.0.0.1, stopped cleanly by Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import processes
import pytest

from cmograph.errors import EndpointError
from cmograph.query.catalogue import questions
from cmograph.query.local import StoreEngine
from cmograph.query.run import ask
from cmograph.remote.endpoint import Endpoint
from cmograph.source import load_memory

pytestmark = pytest.mark.slow  # starts Oxigraph servers

ROOT = Path(__file__).resolve().parents[1]
VALID = ROOT / "tests" / "data" / "valid"
CMOGRAPH = str(Path(sys.executable).parent / "cmograph")


@contextmanager
def serving(*args: str, cwd: Path, tmp: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run ``cmograph serve ARGS`` until the block ends; yields the process and the URL it printed."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    process = processes.start([CMOGRAPH, "serve", "--port", "0", *args], cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/query"), process.stderr and process.stderr.read()
        yield process, url
    finally:
        processes.stop(process)  # with its oxigraph, if the test ended before stopping it


def stop(process: subprocess.Popen[str], how: int = signal.SIGINT) -> str:
    process.send_signal(how)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    return err


def refused(url: str) -> bool:
    host, port = url.split("//")[1].split("/")[0].split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) != 0


def test_serve_answers_like_the_embedded_store_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    files = [VALID / "riverside-wards.yaml", VALID / "minimal.yaml"]
    temp = tmp_path / "tmp"
    temp.mkdir()
    with serving(*(a for f in files for a in ("--data", str(f))), cwd=tmp_path, tmp=temp) as (process, url):
        embedded = StoreEngine(load_memory(files))
        remote = Endpoint(url)
        for qid in ("what-worked", "gaps", "demi-regularities"):
            question = questions()[qid]
            assert ask(question, remote, {}).rows == ask(question, embedded, {}).rows
        with pytest.raises(EndpointError):  # read-only
            Endpoint(url, url.replace("/query", "/store")).push(embedded.store)
        err = stop(process)
    assert "stopped" in err and "Traceback" not in err
    assert refused(url)
    assert list(temp.iterdir()) == []  # the server's copy of the data is gone


def test_writable_serves_a_scratch_copy_and_stops_on_sigterm(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    with serving("--data", str(VALID / "minimal.yaml"), "--writable", cwd=tmp_path, tmp=temp) as (process, url):
        pushed = processes.run([CMOGRAPH, "push", "--data", str(VALID / "hillside-review.json"), "--endpoint", url,
                                "--update-endpoint", url.replace("/query", "/store")],
                               cwd=tmp_path, capture_output=True, text=True, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert sorted(Endpoint(url).evaluation_graphs()) == ["hillside-review", "minimal"]
        stop(process, signal.SIGTERM)
    assert refused(url)
    assert list(temp.iterdir()) == []


def test_serving_a_project_leaves_its_store_free(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "evaluations").mkdir(parents=True)
    (project / "cmograph.toml").write_text("")
    (project / "evaluations" / "minimal.yaml").write_bytes((VALID / "minimal.yaml").read_bytes())
    with serving(cwd=project, tmp=tmp_path) as (process, url):
        assert sorted(Endpoint(url).evaluation_graphs()) == ["minimal"]
        # two new generations while the server runs: the one it started from is collected
        (project / "evaluations" / "hillside.json").write_bytes((VALID / "hillside-review.json").read_bytes())
        loaded = processes.run([CMOGRAPH, "load"], cwd=project, capture_output=True, text=True, check=False)
        assert loaded.returncode == 0, loaded.stderr
        (project / "evaluations" / "hillside.json").unlink()
        processes.run([CMOGRAPH, "load"], cwd=project, capture_output=True, check=True)
        assert len(list((project / ".cmograph" / "store").glob("gen-*"))) == 2
        assert sorted(Endpoint(url).evaluation_graphs()) == ["minimal"]  # the data as it was at start
        stop(process)


def test_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = processes.run([CMOGRAPH, "serve", "--example", "--port", port], cwd=tmp_path,
                               capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: port {port} on 127.0.0.1 is in use")
    assert result.stdout == ""


def test_the_same_port_serves_again_at_once_after_a_stop(tmp_path: Path) -> None:
    with serving("--example", cwd=tmp_path, tmp=tmp_path) as (process, url):
        assert list(Endpoint(url).evaluation_graphs()) == ["clinical-microsystems-nhs"]  # closed: TIME_WAIT
        stop(process)
    port = url.split(":")[2].split("/")[0]
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    again = processes.start([CMOGRAPH, "serve", "--example", "--port", port], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert again.stdout is not None
        assert again.stdout.readline().strip() == url, again.stderr and again.stderr.read()
        assert list(Endpoint(url).evaluation_graphs()) == ["clinical-microsystems-nhs"]
        stop(again)
    finally:
        processes.stop(again)
