"""How the endpoint client behaves when a server misbehaves: a small real HTTP server on 127.0.0.1 plays the part."""

from __future__ import annotations

import base64
import email.utils
import json
import re
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import processes
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cmograph.cli import main
from cmograph.errors import EndpointError, UsageError
from cmograph.remote.credentials import ENV_ALLOW_HTTP, ENV_HOST, ENV_PASSWORD, ENV_USER, Credentials
from cmograph.remote.endpoint import Endpoint
from cmograph.remote.http import ENV_MAX_MB, ENV_TIMEOUT, max_answer_bytes

PASSWORD = "s3cret-Pa55word-never-shown"
EMPTY = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}})
Reply = Callable[[BaseHTTPRequestHandler], None]


def answer(status: int, body: str | bytes = EMPTY, headers: dict[str, str] | None = None, delay: float = 0.0) -> Reply:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        payload = body if isinstance(body, bytes) else body.encode()
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
    """Answers each request with the next scripted reply (the last one repeats) and records what it was sent (its
    headers, and its method and path in ``paths``)."""

    def __init__(self, *replies: Reply, host: str = "127.0.0.1") -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                fake.requests.append(dict(self.headers))
                fake.paths.append(f"{self.command} {self.path}")
                reply = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
                reply(self)

            do_GET = do_PUT = do_HEAD = do_DELETE = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.base = f"http://{host}:{self.server.server_port}"
        self.url = f"{self.base}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Fake:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (ENV_USER, ENV_PASSWORD, ENV_HOST, ENV_ALLOW_HTTP, ENV_TIMEOUT, ENV_MAX_MB):
        monkeypatch.delenv(name, raising=False)
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


def run_cli(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


# ---------------------------------------------------------------------------------------------- retries


@pytest.mark.slow
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


@pytest.mark.slow
def test_retry_after_as_a_date_is_honoured() -> None:
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    with Fake(answer(503, "busy", {"Retry-After": later}), answer(200)) as fake:
        started = time.monotonic()
        assert remote(fake.url).select("SELECT ?x WHERE {}")[1] == [{"x": "ok"}]
    assert time.monotonic() - started >= 1.0  # at least the 2 whole seconds the date still names


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


@pytest.mark.slow
def test_slower_than_the_timeout() -> None:
    with Fake(answer(200, delay=2)) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url, timeout=0.3).select("SELECT ?x WHERE {}")
    assert caught.value.message == f"{fake.url} did not answer within 0.3 s"
    assert "CMOGRAPH_ENDPOINT_TIMEOUT" in str(caught.value.hint)


@pytest.mark.slow
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


# ---------------------------------------------------------------------------------------------- credentials, echoed

USER, HUNTER = "alice", "hunter2"
TOKEN = base64.b64encode(f"{USER}:{HUNTER}".encode()).decode()  # YWxpY2U6aHVudGVyMg==
BASIC_CHALLENGE = answer(401, "", {"WWW-Authenticate": 'Basic realm="sparql"'})
DIGEST_CHALLENGE = answer(401, "", {"WWW-Authenticate": 'Digest realm="sparql", nonce="6b1a5c9e03d2", qop="auth"'})


@pytest.fixture
def alice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_USER, USER)
    monkeypatch.setenv(ENV_PASSWORD, HUNTER)


def echo_authorization(status: int) -> Reply:
    """An error whose body shows the request's Authorization header, what a Basic one decodes to, and the password."""

    def reply(handler: BaseHTTPRequestHandler) -> None:
        header = handler.headers.get("Authorization", "")
        decoded = base64.b64decode(header.split()[1]).decode() if header.startswith("Basic ") else ""
        answer(status, f"you sent Authorization: {header} = {decoded}, password {HUNTER}")(handler)

    return reply


@pytest.mark.slow
@pytest.mark.usefixtures("alice")
@pytest.mark.parametrize("status", [400, 403, 500])
def test_an_echoed_basic_header_is_scrubbed_in_every_form(status: int) -> None:
    with Fake(BASIC_CHALLENGE, echo_authorization(status)) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    assert fake.requests[1]["Authorization"] == f"Basic {TOKEN}"  # sent, then echoed
    assert code == 2 and "Traceback" not in output
    assert "you sent Authorization: *** = ***, password ***" in output.splitlines()[0]
    for secret in (TOKEN, TOKEN.rstrip("="), f"{USER}:{HUNTER}", HUNTER):
        assert secret not in output


@pytest.mark.usefixtures("alice")
def test_an_echoed_digest_answer_is_scrubbed() -> None:
    with Fake(DIGEST_CHALLENGE, echo_authorization(500)) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    sent = fake.requests[1]["Authorization"]
    fields = dict(re.findall(r'(\w+)="?([^",]+)"?', sent))
    assert sent.startswith("Digest ") and fields["username"] == USER
    assert code == 2 and output.splitlines()[0] == f"error: {fake.url} failed (500 Internal Server Error): you sent " \
                                                   "Authorization: *** = , password ***"
    for secret in (sent, fields["response"], fields["cnonce"], HUNTER):
        assert secret not in output


@pytest.mark.slow
@pytest.mark.usefixtures("alice")
@pytest.mark.parametrize("challenge", ['realm="x", nonce="1", algorithm=SHA-999', 'realm="x", nonce="1", stale',
                                       'realm="x", nonce="1", qop="auth-int"', 'realm="x", nonce="1", qop="x"',
                                       'realm="x"'])
def test_a_digest_challenge_that_cannot_be_met_is_one_clear_error(challenge: str) -> None:
    with Fake(answer(401, "", {"WWW-Authenticate": f"Digest {challenge}"})) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    assert code == 2 and "Traceback" not in output
    assert output.startswith(f"error: {fake.url} asks for Digest authentication in a form cmograph cannot answer (")
    assert all("Authorization" not in r for r in fake.requests)


@pytest.mark.usefixtures("alice")
def test_a_malformed_answer_echoing_the_credentials_is_scrubbed() -> None:
    bad = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": f"{TOKEN} {HUNTER}"}}]}}
    with Fake(BASIC_CHALLENGE, answer(200, json.dumps(bad))) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert caught.value.message.startswith(f"{fake.url} answered with malformed SPARQL JSON results: row 1, ?x: "
                                           "'*** ***' is not an IRI")


# ---------------------------------------------------------------------------------------------- credentials, where


def project_naming(root: Path, url: str) -> Path:
    """The project ``root`` (a clone, say) with ``url`` as its endpoint in cmograph.toml."""
    settings = root / "cmograph.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + f'endpoint = "{url}"\n', encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.usefixtures("alice")
def test_a_server_a_project_names_never_gets_the_environments_credentials(study: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with Fake(BASIC_CHALLENGE) as fake:
        monkeypatch.chdir(project_naming(study, fake.url))
        results = [run_cli("ask", "what-worked"), run_cli("push")]
    assert len(fake.requests) == 2 and all("Authorization" not in r for r in fake.requests)
    for code, output in results:
        assert code == 2
        assert output.splitlines()[0] == f"error: {fake.url} needs credentials (401 Unauthorized)"
        assert f"name it with --endpoint, or set {ENV_HOST}={fake.base.removeprefix('http://')}" in output


@pytest.mark.usefixtures("alice")
def test_cmograph_endpoint_host_ties_the_environments_credentials_to_one_host(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with Fake(BASIC_CHALLENGE, answer(200)) as fake:
        monkeypatch.setenv(ENV_HOST, fake.base.removeprefix("http://"))
        assert Endpoint(fake.url, from_project=True).select("SELECT ?x WHERE {}")[1] == [{"x": "ok"}]
    assert fake.requests[1]["Authorization"] == f"Basic {TOKEN}"
    with Fake(BASIC_CHALLENGE) as fake, pytest.raises(EndpointError) as caught:
        monkeypatch.setenv(ENV_HOST, "db.example.org")
        Endpoint(fake.url).select("SELECT ?x WHERE {}")  # named by the user, but not that host
    assert all("Authorization" not in r for r in fake.requests)
    assert caught.value.message == f"{fake.url} needs credentials (401 Unauthorized)"
    assert caught.value.hint == (f"{ENV_HOST} is db.example.org, so the credentials in {ENV_USER} and {ENV_PASSWORD} "
                                 f"were not sent to {fake.base.removeprefix('http://')}")
    monkeypatch.setenv(ENV_HOST, "db.example.org:port")
    with pytest.raises(UsageError, match=f"{ENV_HOST} must be a host, or host:port"):
        Endpoint("http://127.0.0.1:1/sparql")


def outward_address() -> str | None:
    """This machine's address on its network (no packet is sent), or None if it has only loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


@pytest.mark.usefixtures("alice")
def test_a_basic_password_is_never_sent_over_plain_http_to_another_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    address = outward_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    with Fake(BASIC_CHALLENGE, BASIC_CHALLENGE, answer(200), host=address) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
        assert code == 2
        assert output.splitlines()[0] == (f"error: {fake.url} asks for the password in plain text (Basic "
                                          "authentication) over http, where anyone on the way could read it, so "
                                          "cmograph did not send it")
        assert f"use the server's https:// URL, or set {ENV_ALLOW_HTTP}=1" in output
        assert all("Authorization" not in r for r in fake.requests)
        monkeypatch.setenv(ENV_ALLOW_HTTP, "1")
        assert remote(fake.url).select("SELECT ?x WHERE {}")[1] == [{"x": "ok"}]
    assert fake.requests[-1]["Authorization"] == f"Basic {TOKEN}"


@pytest.mark.usefixtures("alice")
def test_an_unquoted_realm_is_answered_without_a_warning() -> None:
    unquoted = answer(401, "", {"WWW-Authenticate": "Basic realm=sparql"})
    with Fake(unquoted, answer(200)) as fake, warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert remote(fake.url).select("SELECT ?x WHERE {}")[1] == [{"x": "ok"}]
    assert fake.requests[1]["Authorization"] == f"Basic {TOKEN}"
    assert [str(w.message) for w in seen] == []


# ---------------------------------------------------------------------------------------------- size and time


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A SPARQL JSON answer that never ends (no Content-Length: it would end when the connection closes)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.end_headers()
    row = b'{"x": {"type": "literal", "value": "' + b"x" * 1000 + b'"}},'
    try:
        handler.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": [')
        while True:
            handler.wfile.write(row * 64)
    except OSError:
        pass


def test_the_answer_size_cap_has_a_default_and_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert max_answer_bytes() == 256 * 1024 * 1024
    monkeypatch.setenv(ENV_MAX_MB, "0.5")
    assert max_answer_bytes() == 512 * 1024
    monkeypatch.setenv(ENV_MAX_MB, "lots")
    with pytest.raises(UsageError, match=f"{ENV_MAX_MB} must be a number of MiB above 0, not 'lots'"):
        Endpoint("http://127.0.0.1:1/sparql")


def test_an_endless_answer_is_cut_off_at_the_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MAX_MB, "2")
    with Fake(endless) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    assert code == 2 and "Traceback" not in output
    assert output.splitlines()[0] == (f"error: {fake.url} sent an answer larger than 2 MiB, so cmograph stopped "
                                      "reading it")
    assert f"raise {ENV_MAX_MB} (MiB)" in output


def test_an_answer_declared_larger_than_the_cap_is_refused_unread() -> None:
    def gigabyte(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(1 << 30))
        handler.end_headers()
        handler.wfile.write(b'{"head": {"vars": ["x"]}, ')

    with Fake(gigabyte) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert caught.value.message == f"{fake.url} sent an answer larger than 256 MiB, so cmograph stopped reading it"


WHOLE = (f"HTTP/1.0 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: {len(EMPTY) + 200}"
         f"\r\n\r\n{EMPTY}{' ' * 200}").encode()  # a whole answer: about 17 s at a byte every 0.05 s


def drip(at_once: int) -> Reply:
    """Send the first ``at_once`` bytes of ``WHOLE`` at once, then the rest a byte every 0.05 s."""

    def reply(handler: BaseHTTPRequestHandler) -> None:
        try:
            handler.wfile.write(WHOLE[:at_once])
            for byte in WHOLE[at_once:]:
                time.sleep(0.05)
                handler.wfile.write(bytes([byte]))
        except OSError:
            pass

    return reply


@pytest.mark.slow
def test_an_answer_sent_a_byte_at_a_time_is_cut_off_at_the_deadline() -> None:
    with Fake(drip(WHOLE.index(b"\r\n\r\n") + 4)) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url, timeout=1).select("SELECT ?x WHERE {}")
    assert caught.value.message == f"{fake.url} was still sending its answer after 1 s, so cmograph stopped reading it"
    assert ENV_TIMEOUT in str(caught.value.hint)
    assert len(fake.requests) == 1  # not tried again


@pytest.mark.slow
def test_headers_sent_a_byte_at_a_time_are_cut_off_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_TIMEOUT, "1")
    with Fake(drip(0)) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    assert code == 2 and output.splitlines()[0] == f"error: {fake.url} did not answer within 1 s"


# ---------------------------------------------------------------------------------------------- malformed answers


def bindings(*rows: object, variables: object = ("x",)) -> dict[str, object]:
    return {"head": {"vars": list(variables) if isinstance(variables, tuple) else variables},
            "results": {"bindings": list(rows)}}


MALFORMED: dict[str, tuple[object, str]] = {
    "a binding without a type": (bindings({"x": {"value": "v"}}), "row 1, ?x has no 'type'"),
    "a row that is a list": (bindings(["v"]), "row 1 is not an object"),
    "no head": ({"results": {"bindings": []}}, "there is no 'head'"),
    "a bad IRI": (bindings({"x": {"type": "uri", "value": "not an iri"}}), "row 1, ?x: 'not an iri' is not an IRI ("),
    "a bad language tag": (bindings({"x": {"type": "literal", "value": "v", "xml:lang": "12 3!"}}),
                           "row 1, ?x: '12 3!' is not a language tag ("),
    "a bad datatype": (bindings({"x": {"type": "literal", "value": "v", "datatype": "integer"}}),
                       "row 1, ?x: 'integer' is not a datatype IRI ("),
    "a binding of a variable the head does not name": (bindings({"y": {"type": "literal", "value": "v"}}),
                                                       "row 1 binds 'y', which 'head' does not name"),
    "a binding that is null": (bindings({"x": None}), "row 1, ?x is not an object"),
    "a value that is not text": (bindings({"x": {"type": "literal", "value": 1}}), "row 1, ?x has no text 'value'"),
    "an unknown type": (bindings({"x": {"type": "triple", "value": "v"}}), "row 1, ?x has the unknown type 'triple'"),
    "bindings that are not a list": ({"head": {"vars": ["x"]}, "results": {"bindings": {}}},
                                     "there is no 'results' object with a list of 'bindings'"),
    "variables that are not names": (bindings(variables=["x y"]), "'x y' in 'vars' is not a SPARQL variable name"),
    "a variable named twice": (bindings(variables=["x", "x"]), "'head' names a variable twice"),
    "a boolean that is not true or false": ({"head": {}, "boolean": "yes"}, "'boolean' is not true or false"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_sparql_json_is_one_clear_error(case: str) -> None:
    data, problem = MALFORMED[case]
    with Fake(answer(200, json.dumps(data))) as fake:
        code, output = run_cli("query", "--endpoint", fake.url, stdin="SELECT ?x WHERE { ?x ?p ?o }")
        with pytest.raises(EndpointError) as caught:
            remote(fake.url).select("SELECT ?x WHERE { ?x ?p ?o }")
    expected = f"{fake.url} answered with malformed SPARQL JSON results: {problem}"
    assert caught.value.message.startswith(expected)
    assert code == 2 and output.startswith(f"error: {expected}") and "Traceback" not in output


def test_json_nested_past_pythons_limit_is_a_clear_error() -> None:
    with Fake(answer(200, "[" * 200_000 + "]" * 200_000)) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert caught.value.message == (f"{fake.url} did not answer with SPARQL JSON results "
                                    "(application/sparql-results+json)")


def test_blank_node_labels_that_rdf_does_not_allow_are_read() -> None:
    data = bindings({"a": {"type": "bnode", "value": "nodeID://b1"}, "b": {"type": "bnode", "value": "nodeID://b1"},
                     "c": {"type": "bnode", "value": "b2"}}, variables=("a", "b", "c"))
    with Fake(answer(200, json.dumps(data))) as fake:
        _, rows = remote(fake.url).select("SELECT ?a ?b ?c WHERE {}")
    assert rows[0]["a"] == rows[0]["b"] != rows[0]["c"] == "_:b2"
    assert str(rows[0]["a"]).startswith("_:")


def test_an_export_of_a_triple_rdf_does_not_allow_is_a_clear_error() -> None:
    graph, evaluation = "https://example.org/e/graph", "https://example.org/e"
    listing = bindings({"g": {"type": "uri", "value": graph}, "e": {"type": "uri", "value": evaluation},
                        "id": {"type": "literal", "value": "e"}}, variables=("g", "id", "e"))
    triple = bindings({"s": {"type": "uri", "value": evaluation}, "p": {"type": "literal", "value": "not a predicate"},
                       "o": {"type": "literal", "value": "v"}}, variables=("s", "p", "o"))
    with Fake(answer(200, json.dumps(listing)), answer(200, json.dumps(triple))) as fake:
        code, output = run_cli("export", "--endpoint", fake.url)
    assert code == 2 and "Traceback" not in output
    assert output.splitlines()[0] == f"error: {fake.url} answered with a triple that RDF does not allow in {graph}"


def test_unreadable_rdf_is_a_clear_error() -> None:
    with Fake(answer(200, "<not> turtle at all", {"Content-Type": "text/turtle"})) as fake:
        code, output = run_cli("query", "--endpoint", fake.url, stdin="CONSTRUCT WHERE { ?s ?p ?o }")
    assert code == 2 and "Traceback" not in output
    assert output.startswith(f"error: {fake.url} answered with unreadable RDF (")


# ---------------------------------------------------------------------------------------------- redirects


def redirect(status: int, location: str) -> Reply:
    return answer(status, "", {"Location": location})


@pytest.mark.parametrize("status", [307, 308])
def test_a_post_redirected_within_the_server_is_followed(status: int) -> None:
    with Fake(redirect(status, "/moved/sparql"), answer(200)) as fake:
        assert remote(fake.url).select("SELECT ?x WHERE {}")[1] == [{"x": "ok"}]
    assert fake.paths == ["POST /sparql", "POST /moved/sparql"]


def test_a_redirect_to_another_server_is_not_followed() -> None:
    with Fake(answer(200)) as other, Fake(redirect(307, other.url)) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    assert other.requests == []
    assert code == 2 and output.splitlines()[0] == (f"error: {fake.url} redirected the request to {other.url} (307 "
                                                    "Temporary Redirect), which cmograph does not follow")
    assert "only 307 and 308 redirects within one server" in output


def test_a_post_redirect_that_would_become_a_get_is_explained() -> None:
    with Fake(redirect(302, "/elsewhere")) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    assert code == 2
    assert output.splitlines()[0] == (f"error: {fake.url} redirected the request to {fake.base}/elsewhere (302 Found), "
                                      "which cmograph does not follow")
    assert fake.paths == ["POST /sparql"]


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/sparql", "javascript:alert(1)"])
def test_a_redirect_to_another_scheme_is_refused(location: str) -> None:
    with Fake(redirect(302, location)) as fake:
        code, output = run_cli("ask", "what-worked", "--endpoint", fake.url)
    scheme = location.split(":")[0]
    assert code == 2 and output.splitlines()[0] == (f"error: {fake.url} redirected to a {scheme}: URL ({location}), "
                                                    "which cmograph never follows")


def test_a_redirect_loop_ends() -> None:
    with Fake(redirect(307, "/sparql")) as fake, pytest.raises(EndpointError) as caught:
        remote(fake.url).select("SELECT ?x WHERE {}")
    assert caught.value.message == f"{fake.url} redirected more than 5 times"
    assert len(fake.requests) == 6


# ---------------------------------------------------------------------------------------------- start-up


@pytest.mark.slow
def test_help_does_not_import_httpx() -> None:
    code = ("import sys; from cmograph.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('httpx' in sys.modules, 'cmograph.remote.http' in sys.modules)")
    out = processes.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False False"
