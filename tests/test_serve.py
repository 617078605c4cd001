"""``cmograph serve``: a real Oxigraph server over the data, on 127.0.0.1, stopped cleanly by Ctrl-C or SIGTERM."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
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
from cmograph.remote.serve import Serving, start
from cmograph.remote.serve_front import BODIES_HELD, Front
from cmograph.remote.serve_guard import check_request
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


def test_the_explorer_is_at_the_root_of_the_same_port(tmp_path: Path) -> None:
    with serving("--example", cwd=tmp_path, tmp=tmp_path) as (process, url):
        root = url.removesuffix("/query")
        with urllib.request.urlopen(root + "/", timeout=30) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
        with urllib.request.urlopen(root + "/api/ask?question=what-worked", timeout=60) as answer:
            found = json.loads(answer.read())
        cli = processes.run([CMOGRAPH, "ask", "what-worked", "--example", "-f", "json"], capture_output=True,
                            text=True, check=True)
        assert found["rows"] == json.loads(cli.stdout) and found["command"].startswith("cmograph ask what-worked")
        with urllib.request.urlopen(root + "/query?query=ASK%7B%7D", timeout=30) as sparql:  # still the endpoint
            assert b"true" in sparql.read()
        assert "explorer (questions in a web page): " + root + "/" in stop(process)


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
        # a connection closed: TIME_WAIT
        assert sorted(Endpoint(url).evaluation_graphs()) == ["clinical-microsystems-nhs", "larchfield-follow-up"]
        stop(process)
    port = url.split(":")[2].split("/")[0]
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    again = processes.start([CMOGRAPH, "serve", "--example", "--port", port], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert again.stdout is not None
        assert again.stdout.readline().strip() == url, again.stderr and again.stderr.read()
        assert sorted(Endpoint(url).evaluation_graphs()) == ["clinical-microsystems-nhs", "larchfield-follow-up"]
        stop(again)
    finally:
        processes.stop(again)


# ---------------------------------------------------------------------------------------------- the front
# Clients reach the front (cmograph.remote.serve_front); Oxigraph listens behind it. These tests run the front
# in this process, in front of the real Oxigraph server or of a small real HTTP server that echoes what reached it.

def exchange(port: int, data: bytes, timeout: float = 15) -> bytes:
    """Send ``data`` on a new connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data)
        received = b""
        while piece := connection.recv(65536):
            received += piece
        return received


def status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def body(response: bytes) -> bytes:
    return response.split(b"\r\n\r\n", 1)[1]


def get(port: int, target: str, *headers: str) -> bytes:
    lines = [f"GET {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", *headers, "", ""]
    return exchange(port, "\r\n".join(lines).encode())


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Serving]:
    """A writable server over minimal.yaml, started in this process, with its copy under ``tmp_path``."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    serving = start(load_memory([VALID / "minimal.yaml"]), 0, writable=True)
    try:
        yield serving
    finally:
        serving.stop()


class Echo(http.server.BaseHTTPRequestHandler):
    """Answers every request with JSON saying what reached it: method, target, headers, body."""

    protocol_version = "HTTP/1.1"

    def do_any(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        seen = {"method": self.command, "target": self.path, "headers": dict(self.headers.items()),
                "body": self.rfile.read(length).decode("latin-1")}
        answer = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_any

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def front(max_body: int = 10_000, **options: float) -> Iterator[int]:
    """A front (in this process) before an echoing HTTP server; yields the front's port."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    listener = socket.create_server(("127.0.0.1", 0))
    running = Front(listener, ("127.0.0.1", upstream.server_address[1]), check_request, max_body, **options)
    running.start()
    try:
        yield running.port
    finally:
        running.stop()
        upstream.shutdown()
        upstream.server_close()


def test_the_front_answers_as_oxigraph_does(served: Serving) -> None:
    select = urllib.parse.quote("SELECT ?g { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    for target in (f"/query?query={select}", "/query?query=ASK%7B%7D", "/", "/logo.svg", "/nothing-here"):
        direct, through = get(served.server.port, target), get(served.front.port, target)
        assert status(through) == status(direct) and body(through) == body(direct), target
    form = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}).encode()
    posted = exchange(served.front.port, b"POST /query HTTP/1.1\r\nHost: localhost:%d\r\nAccept: text/csv\r\n"
                      b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s"
                      % (served.front.port, len(form), form))
    assert status(posted) == 200 and b"\r\nn\r\n" in body(posted)  # chunked: the size, then the CSV


def test_writes_pass_in_pieces_and_after_100_continue(served: Serving) -> None:
    update = b"INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 'through the front' } }"
    pieces = b"".join(b"%x\r\n%s\r\n" % (len(update[i:i + 10]), update[i:i + 10]) for i in range(0, len(update), 10))
    chunked = exchange(served.front.port, b"POST /update HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                       b"application/sparql-update\r\nTransfer-Encoding: chunked\r\n\r\n%s0\r\n\r\n"
                       % (served.front.port, pieces))
    assert status(chunked) == 204, chunked
    turtle = b"<urn:c> <urn:d> 'uploaded' ."
    with socket.create_connection(("127.0.0.1", served.front.port), timeout=15) as connection:
        connection.sendall(b"PUT /store?graph=urn:h HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/turtle\r\n"
                           b"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n" % (served.front.port, len(turtle)))
        assert connection.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"  # curl waits for this before uploading
        connection.sendall(turtle)
        assert connection.recv(100).startswith(b"HTTP/1.1 201")
    ask = urllib.parse.quote("ASK { GRAPH <urn:g> { ?s ?p 'through the front' } GRAPH <urn:h> { ?x ?y 'uploaded' } }")
    assert json.loads(body(get(served.front.port, f"/query?query={ask}")))["boolean"] is True


def test_what_reaches_the_server_is_what_the_front_read() -> None:
    with front() as port:
        sent = exchange(port, b"POST /query?x=1 HTTP/1.1\r\nHost: localhost:%d\r\nConnection: keep-alive, X-Hop\r\n"
                        b"X-Hop: dropped\r\nX-Kept: kept\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"5\r\nquery\r\n3;ext=1\r\n=AS\r\n3\r\nK{}\r\n0\r\nX-Trailer: t\r\n\r\n" % port)
        assert status(sent) == 200 and b"Connection: close\r\n" in sent
        seen = json.loads(body(sent))
        assert seen["method"] == "POST" and seen["target"] == "/query?x=1" and seen["body"] == "query=ASK{}"
        assert seen["headers"] == {"Host": f"localhost:{port}", "X-Kept": "kept", "Content-Length": "11",
                                   "Connection": "close"}


@pytest.mark.parametrize(("request_bytes", "code", "says"), [
    (b"GET /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n", 408, b"took more than 0.5 s"),
    (b"GET /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Long: " + b"x" * 70_000, 431, b"longer than 64 KiB"),
    (b"GET http://elsewhere/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n", 400, b"name a path"),
    (b"GET /query#?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n", 400, b"name a path"),
    (b"GET /query HTTP/2.0\r\nHost: 127.0.0.1:{port}\r\n\r\n", 400, b"request line"),
    (b"GET /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n folded: header\r\n\r\n", 400, b"not `Name: value`"),
    (b"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
     400, b"only transfer coding"),
    (b"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400,
     b"2 content-length headers"),
    (b"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: -1\r\n\r\n", 400, b"not a number"),
    (b"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
     b"no valid size"),
])
def test_requests_the_front_cannot_read_are_refused_with_a_reason(request_bytes: bytes, code: int,
                                                                   says: bytes) -> None:
    with front(header_seconds=0.5) as port:
        answer = exchange(port, request_bytes.replace(b"{port}", str(port).encode()))
    assert status(answer) == code and says in body(answer), answer


def test_the_longest_unfinished_request_makes_room_for_a_new_one() -> None:
    with front(max_connections=3) as port:
        slow = [socket.create_connection(("127.0.0.1", port), timeout=15) for _ in range(3)]
        try:
            for connection in slow:
                connection.sendall(b"GET /query HTTP/1.1\r\n")
                time.sleep(0.05)  # in this order
            assert status(get(port, "/query")) == 200
            assert slow[0].recv(100) == b""  # closed to make room
            slow[1].sendall(b"Host: 127.0.0.1:%d\r\n\r\n" % port)  # the others are still served
            assert slow[1].recv(100).startswith(b"HTTP/1.1 200")
        finally:
            for connection in slow:
                connection.close()


def test_the_bodies_held_at_once_are_bounded() -> None:
    with front(max_body=1000) as port:
        senders = [socket.create_connection(("127.0.0.1", port), timeout=15) for _ in range(BODIES_HELD)]
        try:
            for connection in senders:  # each announces the largest body, and sends a little of it
                connection.sendall(b"PUT /store HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 1000\r\n\r\nabc"
                                   % port)
            time.sleep(0.2)
            busy = exchange(port, b"PUT /store HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 10\r\n\r\n0123456789"
                            % port)
            assert status(busy) == 503 and b"Retry-After: 1\r\n" in busy
            senders[0].sendall(b"x" * 997)  # one body arrives whole and is answered: room for another
            assert senders[0].recv(100).startswith(b"HTTP/1.1 200")
            again = exchange(port, b"PUT /store HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 10\r\n\r\n0123456789"
                             % port)
            assert status(again) == 200
        finally:
            for connection in senders:
                connection.close()


def test_max_upload_is_an_option(tmp_path: Path) -> None:
    with serving("--example", "--max-upload", "1", cwd=tmp_path, tmp=tmp_path) as (process, url):
        port = int(url.split(":")[2].split("/")[0])
        small = urllib.parse.urlencode({"query": "ASK {}", "pad": "x" * 1_000_000}).encode()
        answer = exchange(port, b"POST /query HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/"
                          b"x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s" % (port, len(small), small))
        assert status(answer) == 200
        large = exchange(port, b"POST /query HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/"
                         b"x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % (port, 2**20 + 1))
        assert status(large) == 413
        assert body(large) == (b"the request's body is 1,048,577 bytes, more than this server accepts (1 MiB); "
                               b"start it with a larger --max-upload, or send the data in smaller parts\n")
        stop(process)


def test_a_watched_server_stops_when_its_pipe_closes(tmp_path: Path) -> None:
    """How cmograph stops the server on macOS and Windows, where a watcher runs it (see test_crash.py for when
    cmograph dies instead)."""
    from cmograph.remote.serve import Server, free_port, oxigraph_command
    from cmograph.remote.serve_child import watched

    port = free_port()
    process = processes.start(watched([oxigraph_command(), "serve", "--bind", f"127.0.0.1:{port}"]),
                               stdin=subprocess.PIPE)
    server = Server(process, port, True, tempfile.TemporaryDirectory(dir=tmp_path))
    try:
        server.wait_until_ready()
        assert get(port, "/query?query=ASK%7B%7D").startswith(b"HTTP/1.1 200")
        server.stop()
        assert process.returncode == 0 and refused(server.query_url)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


HOLD = """
import sys, time
from pathlib import Path
from cmograph.store import lock
with lock.held(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_start_removes_only_the_copies_whose_owner_is_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale, live = tmp_path / "cmograph-serve-1-stale", tmp_path / "cmograph-serve-2-live"
    for folder in (stale, live):
        (folder / "oxigraph").mkdir(parents=True)
        (folder / "owner.lock").write_text("1")  # as a killed owner leaves it: its PID, and no lock held
    holder = processes.start([sys.executable, "-c", HOLD, str(live / "owner.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        first = start(load_memory([VALID / "minimal.yaml"]), 0)
        try:
            second = start(load_memory([VALID / "minimal.yaml"]), 0)  # this process's own first copy stays
            try:
                assert not stale.exists() and live.is_dir()
                assert len(list(tmp_path.glob("cmograph-serve-*"))) == 3
                for serving in (first, second):
                    assert list(Endpoint(serving.query_url).evaluation_graphs()) == ["minimal"]
            finally:
                second.stop()
        finally:
            first.stop()
        assert [p.name for p in tmp_path.glob("cmograph-serve-*")] == [live.name]
    finally:
        holder.kill()
        holder.wait()
