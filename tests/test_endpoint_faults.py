"""How the endpoint client behaves when a server misbehaves: a small real HTTP server on 127.0.0.1 plays the part."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cmograph.cli import main
from cmograph.errors import EndpointError, UsageError
from cmograph.remote.endpoint import ENV_PASSWORD, ENV_TIMEOUT, ENV_USER, Credentials, Endpoint

PASSWORD = "s3cret-Pa55word-never-shown"
EMPTY = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}})
Reply = Callable[[BaseHTTPRequestHandler], None]


def answer(status: int, body: str = EMPTY, headers: dict[str, str] | None = None, delay: float = 0.0) -> Reply:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        payload = body.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(payload)

    return reply


def hang_up(handler: BaseHTTPRequestHandler) -> None:
    """Close the connection without answering (the client sees a reset or a dropped connection)."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    handler.close_connection = True
    handler.connection.close()


class Fake:
    """Answers each request with the next scripted reply (the last one repeats) and records what it was sent."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                fake.requests.append(dict(self.headers))
                reply = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
                reply(self)

            do_GET = do_PUT = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Fake:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_USER, raising=False)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    monkeypatch.delenv(ENV_TIMEOUT, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc unless a test writes one


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_USER, "alice")
    monkeypatch.setenv(ENV_PASSWORD, PASSWORD)


def remote(url: str, update_url: str | None = None, **options: float) -> Endpoint:
    return Endpoint(url, update_url, backoff=options.pop("backoff", 0.01), **options)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# ---------------------------------------------------------------------------------------------- retries


@pytest.mark.parametrize("status", [503, 502, 429])
def test_busy_then_success_is_retried(status: int) -> None:
    with Fake(answer(status, "busy"), answer(200)) as fake:
        assert remote(fake.url).select("SELECT ?x WHERE {}") == (["x"], [{"x": "ok"}])
    assert len(fake.requests) == 2


@pytest.mark.slow
def test_retry_after_is_honoured() -> None:
    with Fake(answer(503, "busy", {"Retry-After": "1"}), answer(200)) as fake:
        started = time.monotonic()
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert time.monotonic() - started >= 1.0


def test_dropped_connection_is_retried() -> None:
    with Fake(hang_up, answer(200)) as fake:
        assert remote(fake.url).select("SELECT ?x WHERE {}")[1] == [{"x": "ok"}]
    assert len(fake.requests) == 2


def test_busy_for_good_is_one_clear_error() -> None:
    with Fake(answer(503, "busy")) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url, attempts=3).select("SELECT ?x WHERE {}")
    assert len(fake.requests) == 3
    assert caught.value.message == f"{fake.url} is busy (503 Service Unavailable) after 3 tries"


# ---------------------------------------------------------------------------------------------- errors


def test_slower_than_the_timeout() -> None:
    with Fake(answer(200, delay=2)) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url, timeout=0.3).select("SELECT ?x WHERE {}")
    assert caught.value.message == f"{fake.url} did not answer within 0.3 s"
    assert "CMOGRAPH_ENDPOINT_TIMEOUT" in str(caught.value.hint)


def test_timeout_from_the_environment_on_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_TIMEOUT, "0.3")
    with Fake(answer(200, delay=2)) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    assert code == 2
    assert output.startswith(f"error: {fake.url} did not answer within 0.3 s\n")
    assert "Traceback" not in output


def test_bad_timeout_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_TIMEOUT, "soon")
    with pytest.raises(UsageError, match="CMOGRAPH_ENDPOINT_TIMEOUT must be a number"):
        Endpoint("http://127.0.0.1:1/sparql")


def test_nothing_listening() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    code, output = run_cli("ask", "what-worked", "--endpoint", url)
    assert code == 2
    assert output.splitlines()[0] == f"error: nothing is listening at {url} (connection refused)"
    assert "Traceback" not in output


def test_not_found() -> None:
    with Fake(answer(404, "no such page")) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert caught.value.message == f"there is no SPARQL endpoint at {fake.url} (404 Not Found)"


def test_server_error_shows_the_servers_first_line() -> None:
    with Fake(answer(500, "Query failed: out of memory\nstack trace...")) as fake, pytest.raises(EndpointError) as e:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert e.value.message == f"{fake.url} failed (500 Internal Server Error): Query failed: out of memory"


def test_unauthorised_without_credentials() -> None:
    with Fake(answer(401, "", {"WWW-Authenticate": 'Basic realm="sparql"'})) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    assert code == 2
    assert output.splitlines()[0] == f"error: {fake.url} needs credentials (401 Unauthorized)"
    assert "CMOGRAPH_ENDPOINT_USER" in output


@pytest.mark.usefixtures("credentials")
def test_refused_credentials_never_show_the_password() -> None:
    with Fake(answer(401, f"bad password {PASSWORD}", {"WWW-Authenticate": 'Basic realm="sparql"'})) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
        with pytest.raises(EndpointError) as caught:
            remote(fake.url).select("SELECT ?x WHERE {}")
    assert code == 2
    assert output.splitlines()[0] == f"error: {fake.url} refused the credentials (401 Unauthorized)"
    sent = [r.get("Authorization", "") for r in fake.requests]
    assert "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode() in sent
    for text in (output, str(caught.value), repr(caught.value), caught.value.message, str(caught.value.hint)):
        assert PASSWORD not in text


@pytest.mark.usefixtures("credentials")
def test_credentials_are_sent_only_when_asked() -> None:
    challenge = answer(401, "", {"WWW-Authenticate": 'Basic realm="sparql"'})
    with Fake(challenge, answer(200)) as fake:
        assert remote(fake.url).select("SELECT ?x WHERE {}")[1] == [{"x": "ok"}]
    assert "Authorization" not in fake.requests[0]
    assert fake.requests[1]["Authorization"].startswith("Basic ")


def test_credentials_from_netrc(tmp_path: Path) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login bob password {PASSWORD}\n")
    netrc.chmod(0o600)
    with Fake(answer(401, "", {"WWW-Authenticate": 'Basic realm="x"'}), answer(200)) as fake:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert fake.requests[1]["Authorization"] == "Basic " + base64.b64encode(f"bob:{PASSWORD}".encode()).decode()


@pytest.mark.usefixtures("credentials")
def test_credentials_stay_out_of_repr() -> None:
    endpoint = Endpoint("http://127.0.0.1:1/sparql")
    for text in (repr(endpoint), repr(endpoint.http), repr(Credentials("alice", PASSWORD)), str(vars(endpoint))):
        assert PASSWORD not in text


def test_half_the_credentials_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_USER, "alice")
    with pytest.raises(UsageError, match="CMOGRAPH_ENDPOINT_PASSWORD is not set"):
        Endpoint("http://127.0.0.1:1/sparql")


def test_credentials_in_the_url_are_refused_without_echoing_them() -> None:
    code, output = run_cli("ask", "what-worked", "--endpoint", f"http://alice:{PASSWORD}@127.0.0.1:1/sparql")
    assert code == 2
    assert "holds credentials" in output and PASSWORD not in output


@pytest.mark.parametrize("url", ["ftp://example.org/sparql", "127.0.0.1:7878/query", "http:///query"])
def test_not_an_http_url(url: str) -> None:
    code, output = run_cli("ask", "what-worked", "--endpoint", url)
    assert code == 2 and "takes an http:// or https:// URL" in output


def test_an_answer_that_is_not_sparql_json() -> None:
    with Fake(answer(200, "<html>hello</html>")) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert "did not answer with SPARQL JSON results" in caught.value.message


def test_truncated_answers_are_refused() -> None:
    with Fake(answer(200, headers={"X-SPARQL-MaxRows": "10000"})) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert "cut the answer short at 10000 rows" in caught.value.message


def test_partial_answers_are_refused() -> None:
    with Fake(answer(200, headers={"X-SQL-State": "S1TAT"})) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert "gave a partial answer" in caught.value.message


def test_push_needs_a_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run_cli("push", "--example")
    assert code == 2 and "push needs a server" in output


@pytest.mark.slow
def test_large_writes_carry_credentials_from_the_first_byte(credentials: None) -> None:
    """A server that refuses an unauthenticated write before reading its body (as Virtuoso does) breaks the
    connection under a large body: cmograph meets the challenge first, with a request that has no body."""
    graph, evaluation = "https://example.org/big/graph", "https://example.org/big"
    expected = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    puts: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def challenge(self) -> None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True

        def do_HEAD(self) -> None:
            if self.headers.get("Authorization") != expected:
                return self.challenge()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_PUT(self) -> None:
            puts.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != expected:
                return self.challenge()  # without reading the body
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # the evaluations on the server: the big one once it was written
            self.rfile.read(int(self.headers["Content-Length"]))
            rows = [{"g": {"type": "uri", "value": graph}, "e": {"type": "uri", "value": evaluation},
                     "id": {"type": "literal", "value": "big"}}] if len(puts) > 1 else []
            answer(200, json.dumps({"head": {"vars": ["g", "id", "e"]}, "results": {"bindings": rows}}))(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    store = ox.Store()
    name = ox.NamedNode(graph)
    store.add(ox.Quad(ox.NamedNode(evaluation), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/cmograph/ontology#Evaluation"), name))
    store.add(ox.Quad(ox.NamedNode(evaluation), ox.NamedNode("http://purl.org/dc/terms/identifier"),
                      ox.Literal("big"), name))
    store.extend(ox.Quad(ox.NamedNode(f"https://example.org/big/item/{i}"), ox.NamedNode("http://example.org/text"),
                         ox.Literal("x" * 200), name) for i in range(60_000))  # about 15 MB
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        assert remote(f"{base}/sparql", update_url=f"{base}/store").push(store) == ["big"]
    finally:
        server.shutdown()
        server.server_close()
    assert puts and all(header == expected for header in puts)
