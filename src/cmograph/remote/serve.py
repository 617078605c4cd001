"""``cmograph serve``: the data as a local SPARQL 1.1 server on 127.0.0.1: the ``oxigraph`` command behind a front.

The server runs on a private copy of the data in a temporary folder: a RocksDB checkpoint of the store's live
generation (hard links, so instant) or, for ``--data`` and ``--example``, a fresh database. The project's store is
never opened by the server, so ``cmograph load`` keeps working (and keeps collecting old generations) while it
runs; restart the server to see newer data. Read-only by default; with ``--writable`` clients may write, but only
to that copy, which is deleted when the server stops: evidence files stay the one source of truth.

Clients reach only the front (:mod:`.serve_front`), on the port asked for; Oxigraph listens on another port of
127.0.0.1 and gets each request once the front has read and checked it (:mod:`.serve_guard`: no ``SERVICE``, no
``LOAD``). Oxigraph dies with cmograph (:mod:`.serve_child`), and a copy left by a killed run is removed at the
next start (:mod:`.serve_scratch`).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pyoxigraph as ox

from cmograph.errors import EndpointError, UsageError
from cmograph.remote.serve_child import spawn
from cmograph.remote.serve_front import Front, Route
from cmograph.remote.serve_guard import check_request
from cmograph.remote.serve_scratch import OWNER, new_folder, remove_stale
from cmograph.store import lock

HOST = "127.0.0.1"
MAX_UPLOAD_MIB = 64  # the largest request body, by default


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


def _listen(port: int) -> socket.socket:
    """A socket listening on ``port`` of 127.0.0.1 (any free port for 0); a port whose last connections are still
    closing (TIME_WAIT) is free to listen on."""
    try:
        return socket.create_server((HOST, port))
    except OSError:
        raise UsageError(f"port {port} on {HOST} is in use",
                         "choose another with --port, or --port 0 for any free one") from None


@dataclass
class Server:
    """A running ``oxigraph serve`` process over a temporary copy of the data (``process`` may be the watcher
    that runs it: see :mod:`.serve_child`)."""

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

    def halt(self) -> None:
        """Stop the server: close its watcher's pipe, if it has one, else SIGTERM; SIGKILL after 15 s."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        elif self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        """Stop the server and delete the copy of the data."""
        self.halt()
        self.folder.cleanup()


@dataclass
class Serving:
    """``cmograph serve`` running: the front on the port clients use, and the Oxigraph server behind it."""

    server: Server
    front: Front
    owner: contextlib.ExitStack = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.front.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def log_tail(self) -> str:
        return self.server.log_tail()

    def wait(self) -> int:
        """Block until the Oxigraph server exits; its exit code."""
        return self.server.wait()

    def stop(self) -> None:
        """Close the front, stop the server, let go of the copy of the data and delete it."""
        self.front.stop()
        self.server.halt()
        self.owner.close()


def copy_data(store: ox.Store, location: Path) -> None:
    """A private database at ``location`` holding what ``store`` holds."""
    try:
        store.backup(str(location))
    except RuntimeError:  # an in-memory store has no checkpoint
        copy = ox.Store(str(location))
        copy.bulk_extend(store)
        copy.flush()
        del copy


def start(store: ox.Store, port: int = 7878, writable: bool = False,
          max_upload: int = MAX_UPLOAD_MIB * 2**20, routes: Mapping[str, Route] = MappingProxyType({})) -> Serving:
    """Serve ``store`` on 127.0.0.1 (``port`` 0 for any free port) over the union of its graphs, refusing request
    bodies over ``max_upload`` bytes; the paths of ``routes`` (the explorer's) are answered by them. Call it from the
    main thread (see :mod:`.serve_child`)."""
    command = oxigraph_command()
    listener = _listen(port)
    owner = contextlib.ExitStack()
    try:
        remove_stale()
        folder = new_folder()
        owner.callback(folder.cleanup)
        owner.enter_context(lock.held(Path(folder.name) / OWNER))
        location = Path(folder.name) / "oxigraph"
        copy_data(store, location)
        mode = "serve" if writable else "serve-read-only"
        inner = free_port()
        with open(Path(folder.name) / "server.log", "wb") as log:
            process = spawn([command, mode, "--location", str(location), "--bind", f"{HOST}:{inner}",
                             "--union-default-graph"], log)
    except BaseException:
        listener.close()
        owner.close()
        raise
    server = Server(process, inner, writable, folder)
    front = Front(listener, (HOST, inner), check_request, max_upload, routes,
                  log=Path(folder.name) / "server.log")
    serving = Serving(server, front, owner)
    try:
        server.wait_until_ready()
        front.start()
    except BaseException:
        serving.stop()
        raise
    return serving
