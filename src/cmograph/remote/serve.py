"""``cmograph serve``: the data as a local SPARQL 1.1 server (the ``oxigraph`` command) on 127.0.0.1.

The server runs on a private copy of the data in a temporary folder: a RocksDB checkpoint of the store's live
generation (hard links, so instant) or, for ``--data`` and ``--example``, a fresh database. The project's store is
never opened by the server, so ``cmograph load`` keeps working (and keeps collecting old generations) while it
runs; restart the server to see newer data. Read-only by default; with ``--writable`` clients may write, but only
to that copy, which is deleted when the server stops: evidence files stay the one source of truth.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cmograph.errors import EndpointError, UsageError

HOST = "127.0.0.1"


def oxigraph_command() -> str:
    """The ``oxigraph`` executable: beside this Python's, else on ``PATH``."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise UsageError("the Oxigraph server is not installed",
                         "install it with `pip install 'cmograph[server]'` (the PyPI package oxigraph)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _check_port(port: int) -> None:
    with socket.socket() as probe:
        # as a server binds: a port whose last connections are still closing (TIME_WAIT) is free to listen on
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            raise UsageError(f"port {port} on {HOST} is in use",
                             "choose another with --port, or --port 0 for any free one") from None


@dataclass
class Server:
    """A running ``oxigraph serve`` process over a temporary copy of the data."""

    process: subprocess.Popen[bytes]
    port: int
    writable: bool
    folder: tempfile.TemporaryDirectory[str] = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def log_tail(self) -> str:
        log = Path(self.folder.name) / "server.log"
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines() if log.exists() else []
        return lines[-1] if lines else "no message"

    def wait_until_ready(self, seconds: float = 30.0) -> None:
        probe = f"{self.query_url}?query=ASK%7B%7D"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EndpointError(f"the Oxigraph server stopped while starting ({self.log_tail()})")
            try:
                with urllib.request.urlopen(probe, timeout=2):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        raise EndpointError(f"the Oxigraph server did not answer at {self.url} within {seconds:g} s")

    def wait(self) -> int:
        """Block until the server exits; its exit code."""
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and delete the copy of the data."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.folder.cleanup()


def copy_data(store: ox.Store, location: Path) -> None:
    """A private database at ``location`` holding what ``store`` holds."""
    try:
        store.backup(str(location))
    except RuntimeError:  # an in-memory store has no checkpoint
        copy = ox.Store(str(location))
        copy.bulk_extend(store)
        copy.flush()
        del copy


def start(store: ox.Store, port: int = 7878, writable: bool = False) -> Server:
    """Serve ``store`` on 127.0.0.1 (``port`` 0 for any free port) over the union of its graphs."""
    command = oxigraph_command()
    if port:
        _check_port(port)
    else:
        port = free_port()
    folder = tempfile.TemporaryDirectory(prefix="cmograph-serve-")
    try:
        location = Path(folder.name) / "oxigraph"
        copy_data(store, location)
        mode = "serve" if writable else "serve-read-only"
        with open(Path(folder.name) / "server.log", "wb") as log:
            process = subprocess.Popen(
                [command, mode, "--location", str(location), "--bind", f"{HOST}:{port}", "--union-default-graph"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    except BaseException:
        folder.cleanup()
        raise
    server = Server(process, port, writable, folder)
    try:
        server.wait_until_ready()
    except BaseException:
        server.stop()
        raise
    return server
