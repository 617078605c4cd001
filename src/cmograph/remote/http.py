"""HTTP for SPARQL endpoints, on httpx: one request at a time with a connect timeout, a read timeout and a deadline
for the whole answer, a cap on its size, retries with backoff on 429, 502, 503 and dropped connections (honouring
``Retry-After``), redirects followed only within the endpoint's own server, and credentials (Basic or Digest) sent
only once the server asks. Every failure is one :class:`~cmograph.errors.EndpointError` naming the endpoint, with
the credentials scrubbed from it.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, cached_property
from types import TracebackType
from typing import Any

import httpx

from cmograph.errors import EndpointError, UsageError
from cmograph.remote.credentials import (
    CREDENTIALS_HINT,
    ENV_PASSWORD,
    ENV_USER,
    Found,
    Secrets,
    check_basic_allowed,
    redact,
)

ENV_TIMEOUT = "CMOGRAPH_ENDPOINT_TIMEOUT"
ENV_MAX_MB = "CMOGRAPH_ENDPOINT_MAX_MB"
TIMEOUT = 120.0  # seconds, unless CMOGRAPH_ENDPOINT_TIMEOUT says otherwise
MAX_MB = 256  # MiB of one answer, unless CMOGRAPH_ENDPOINT_MAX_MB says otherwise
RETRIED = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable"}
REDIRECTED = {301, 302, 303, 307, 308}
REDIRECTS = 5  # redirects followed for one request
ERROR_BODY = 64 * 1024  # bytes of an error answer read, for its first line
MAX_PAUSE = 30.0  # seconds between tries, whatever Retry-After asks


def read_timeout() -> float:
    """Seconds to wait for an answer: ``CMOGRAPH_ENDPOINT_TIMEOUT`` or 120."""
    return _positive(ENV_TIMEOUT, TIMEOUT, "a number of seconds")


def max_answer_bytes() -> int:
    """The largest answer read, in bytes: ``CMOGRAPH_ENDPOINT_MAX_MB`` MiB, or 256 MiB."""
    return int(_positive(ENV_MAX_MB, MAX_MB, "a number of MiB") * 1024 * 1024)


def _positive(name: str, default: float, what: str) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise UsageError(f"{name} must be {what} above 0, not {raw!r}")
    return value


@dataclass
class Response:
    """A status, headers and the body as read (an error answer's only in part)."""

    status: int
    headers: httpx.Headers
    body: bytes


class _Dropped(Exception):
    """The connection broke before the answer was whole: worth another try."""


class _Deadline:
    """Cuts the connections of a request still running ``seconds`` after it started.

    A read timeout bounds each wait, not the whole answer: a server sending a byte a second would never be cut off.
    The connection is shut down from the watchdog thread, which ends any read or write blocked on it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.answered = False  # whether the status line and headers had come
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's ``trace`` extension: keep a handle on each connection made for the request."""
        if event != "connection.connect_tcp.complete" or info.get("return_value") is None:
            return
        sock = info["return_value"].get_extra_info("socket")
        if sock is None:
            return
        with self._lock:
            handle = sock.dup()  # survives the TLS layer taking over the original
            self._sockets.append(handle)
            if self.expired:
                _shut(handle)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for handle in self._sockets:
                _shut(handle)

    def __enter__(self) -> _Deadline:
        _WATCHDOG.watch(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        _WATCHDOG.forget(self)
        with self._lock:
            for handle in self._sockets:
                handle.close()


class _Watchdog:
    """One thread for the process that expires the deadlines of the requests under way (a thread per request would
    cost more than the request)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """No deadlines and no thread yet (also in a forked child, which has none of its parent's threads)."""
        self._due: dict[_Deadline, float] = {}
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: _Deadline) -> None:
        with self._changed:
            self._due[deadline] = time.monotonic() + deadline.seconds
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cmograph-deadlines", daemon=True)
                self._thread.start()
            self._changed.notify()

    def forget(self, deadline: _Deadline) -> None:
        with self._changed:
            self._due.pop(deadline, None)

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                for deadline in [d for d, due in self._due.items() if due <= now]:
                    del self._due[deadline]
                    deadline.expire()
                self._changed.wait(min(self._due.values(), default=now + 3600) - now)


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_WATCHDOG.reset)


def _shut(handle: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        handle.shutdown(socket.SHUT_RDWR)


class Http:
    """Sends requests to one endpoint; see the module for what it does about timeouts, retries and credentials."""

    def __init__(self, endpoint: str, found: Found | None = None, *, connect_timeout: float = 10.0,
                 read_timeout: float = TIMEOUT, attempts: int = 4, backoff: float = 0.5,
                 max_bytes: int | None = None) -> None:
        self.endpoint = endpoint
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.attempts = attempts
        self.backoff = backoff
        self.max_bytes = max_answer_bytes() if max_bytes is None else max_bytes
        found = found or Found(None)
        self._credentials = found.credentials
        self._withheld = found.withheld
        self.secrets = Secrets(found.credentials)
        self._scheme: httpx.Auth | None = None  # Basic or Digest, once the server has asked

    def __repr__(self) -> str:
        return f"Http({self.endpoint!r})"

    @cached_property
    def _client(self) -> httpx.Client:
        return httpx.Client(
            verify=_tls(), timeout=httpx.Timeout(self.read_timeout, connect=self.connect_timeout,
                                                 pool=self.connect_timeout),
            limits=httpx.Limits(max_keepalive_connections=0),  # a connection per request, for the deadline
            follow_redirects=False, headers={"User-Agent": "cmograph"},
            event_hooks={"response": [self._check_location]})

    def _check_location(self, response: httpx.Response) -> None:
        """Refuse a redirect to anything but an http(s) URL as soon as it comes (httpx would read its URL first)."""
        location = response.headers.get("Location", "").strip()
        if response.status_code not in REDIRECTED or not location:
            return
        target = _shorten(redact(urllib.parse.urljoin(str(response.request.url), location)))
        scheme = urllib.parse.urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            response.close()
            raise self.fail(f"{self.endpoint} redirected to a {scheme or 'relative'}: URL ({target}), which cmograph "
                            "never follows", "use the server's http:// or https:// SPARQL URL")
        try:
            httpx.URL(target)
        except httpx.InvalidURL:
            response.close()
            raise self.fail(f"{self.endpoint} redirected to a URL that is not valid ({target})") from None

    def fail(self, message: str, hint: str | None = None) -> EndpointError:
        """An :class:`EndpointError` with the credentials scrubbed from its text."""
        return EndpointError(self.secrets.scrub(message), self.secrets.scrub(hint) if hint else None)

    def send(self, method: str, url: str | None = None, *, content: bytes | None = None,
             headers: Mapping[str, str] | None = None, allow: Iterable[int] = ()) -> Response:
        """The answer to a request (to the endpoint by default); statuses in ``allow`` are returned, any other
        failure raises :class:`EndpointError`."""
        allowed = set(allow)
        target = url or self.endpoint
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                answer, target = self._attempt(method, target, content, dict(headers or {}))
            except _Dropped:
                if last:
                    raise self.fail(f"{self.endpoint} dropped the connection after {self.attempts} tries",
                                    "try again later") from None
                self._pause(attempt, None)
                continue
            if answer.status in RETRIED and not last:
                self._pause(attempt, answer.headers.get("Retry-After"))
                continue
            if answer.status < 300 or answer.status in allowed:
                return answer
            if answer.status < 400:
                raise self._redirect_error(answer, target)
            raise self._status_error(answer, tries=attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ one try

    def _attempt(self, method: str, url: str, content: bytes | None,
                 headers: dict[str, str]) -> tuple[Response, str]:
        """One try, redirects followed; the answer and the URL that gave it."""
        with _Deadline(self.read_timeout) as deadline:
            try:
                for _ in range(REDIRECTS + 1):
                    request = self._client.build_request(method, url, content=content, headers=headers,
                                                         extensions={"trace": deadline.trace})
                    answer = self._authorised(request, deadline)
                    following = self._follow(answer, url, method)
                    if following is None:
                        return answer, url
                    url = following
            except httpx.InvalidURL as exc:
                raise self.fail(f"{self.endpoint} cannot be requested ({exc})", "check the URL") from None
            except (httpx.HTTPError, OSError) as exc:
                if deadline.expired:
                    raise self._late(deadline) from None
                raise self._transport_error(exc) from None
        raise self.fail(f"{self.endpoint} redirected more than {REDIRECTS} times",
                        "use the URL the server finally answers at")

    def _authorised(self, request: httpx.Request, deadline: _Deadline) -> Response:
        """The answer to ``request``, meeting a Basic or Digest challenge with the credentials, if any."""
        if self._scheme is not None:
            return self._drive(self._scheme, request, None, deadline)
        answer = self._fetch(request, deadline)
        if answer.status != 401 or self._credentials is None:
            return answer
        offered = _schemes(answer.headers)
        user, password = self._credentials.user, self._credentials.password
        if "digest" in offered:
            self._scheme = httpx.DigestAuth(user, password)
        elif "basic" in offered:
            check_basic_allowed(str(request.url))
            self._scheme = httpx.BasicAuth(user, password)
        else:
            return answer
        return self._drive(self._scheme, request, answer, deadline)

    def _drive(self, scheme: httpx.Auth, request: httpx.Request, challenge: Response | None,
               deadline: _Deadline) -> Response:
        """Run httpx's flow for ``scheme``, from the ``challenge`` already answered to ``request`` if any."""
        flow: Generator[httpx.Request, httpx.Response, None] = scheme.auth_flow(request)
        outgoing = self._step(flow, None)
        if outgoing is not None and challenge is not None and "Authorization" not in outgoing.headers:
            outgoing = self._step(flow, httpx.Response(challenge.status, headers=challenge.headers, request=request))
        answer = challenge
        while outgoing is not None:
            self.secrets.sent(outgoing.headers.get("Authorization"))
            answer = self._fetch(outgoing, deadline)
            outgoing = self._step(flow, httpx.Response(answer.status, headers=answer.headers, request=outgoing))
        assert answer is not None
        return answer

    def _step(self, flow: Generator[httpx.Request, httpx.Response, None],
              response: httpx.Response | None) -> httpx.Request | None:
        """The flow's next request (given the answer to the last), or ``None`` when it is done."""
        try:
            return next(flow) if response is None else flow.send(response)
        except StopIteration:
            return None
        except (KeyError, ValueError, NotImplementedError, httpx.ProtocolError) as exc:  # a challenge httpx cannot meet
            raise self.fail(f"{self.endpoint} asks for Digest authentication in a form cmograph cannot answer "
                            f"({_shorten(str(exc) or type(exc).__name__)})",
                            "cmograph answers Digest challenges with qop=auth and the MD5, SHA or SHA-256/512 "
                            "algorithms") from None

    def _fetch(self, request: httpx.Request, deadline: _Deadline) -> Response:
        """Send one request and read its answer: a success up to the size cap (else an error), a failure's first
        ``ERROR_BODY`` bytes."""
        deadline.answered = False
        response = self._client.send(request, stream=True)
        deadline.answered = True
        try:
            ok = response.status_code < 300
            limit = self.max_bytes if ok else ERROR_BODY
            length = response.headers.get("Content-Length", "")
            if ok and request.method != "HEAD" and length.isdigit() and int(length) > limit:
                raise self._too_large()
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    if ok:
                        raise self._too_large()
                    chunks.append(chunk[: len(chunk) - (size - limit)])
                    break
                chunks.append(chunk)
        finally:
            response.close()
        if deadline.expired:  # a connection cut by the deadline may look like the end of the answer
            raise self._late(deadline)
        return Response(response.status_code, response.headers, b"".join(chunks))

    def _follow(self, answer: Response, url: str, method: str) -> str | None:
        """Where to send the request again: a 307 or 308 (or, for HEAD, any redirect) to the same scheme, host and
        port; otherwise ``None`` (the redirect is the answer, and :meth:`send` explains it)."""
        location = answer.headers.get("Location")
        if answer.status not in REDIRECTED or not location:
            return None
        if answer.status not in (307, 308) and method != "HEAD":
            return None
        target = urllib.parse.urljoin(url, location)
        return target if _origin(target) == _origin(url) else None

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff * 2 ** (attempt - 1)
        time.sleep(min(max(delay, _seconds(retry_after)), MAX_PAUSE))

    # ------------------------------------------------------------------ errors

    def _too_large(self) -> EndpointError:
        return self.fail(f"{self.endpoint} sent an answer larger than {_mib(self.max_bytes)}, so cmograph stopped "
                         "reading it", f"ask for less (a LIMIT, or fewer evaluations), or raise {ENV_MAX_MB} (MiB)")

    def _late(self, deadline: _Deadline) -> EndpointError:
        if deadline.answered:
            return self.fail(f"{self.endpoint} was still sending its answer after {self.read_timeout:g} s, so "
                             "cmograph stopped reading it",
                             f"the server sends slowly or the answer is large; ask for less, or raise {ENV_TIMEOUT} "
                             "(seconds)")
        return self._slow()

    def _slow(self) -> EndpointError:
        return self.fail(f"{self.endpoint} did not answer within {self.read_timeout:g} s",
                         f"the server may be busy; for slow queries raise {ENV_TIMEOUT} (seconds)")

    def _redirect_error(self, answer: Response, url: str) -> EndpointError:
        where, status = self.endpoint, answer.status
        reason = http.client.responses.get(status, "Redirect")
        location = answer.headers.get("Location", "").strip()
        if not location:
            return self.fail(f"{where} answered {status} {reason} without saying where to go")
        target = _shorten(redact(urllib.parse.urljoin(url, location)))
        return self.fail(f"{where} redirected the request to {target} ({status} {reason}), which cmograph does not "
                         "follow", "cmograph follows only 307 and 308 redirects within one server (scheme, host and "
                         "port); if that is the server's address, use it with --endpoint (or --update-endpoint)")

    def _status_error(self, answer: Response, tries: int) -> EndpointError:
        where, status = self.endpoint, answer.status
        detail = _first_line(self.secrets.scrub(answer.body.decode("utf-8", errors="replace")))
        detail = f": {detail}" if detail else ""
        if status == 401:
            if self._credentials is None:
                return self.fail(f"{where} needs credentials (401 Unauthorized)", self._withheld or CREDENTIALS_HINT)
            if not {"basic", "digest"} & _schemes(answer.headers):
                return self.fail(f"{where} asks for a kind of authentication cmograph cannot give",
                                 "cmograph sends Basic or Digest credentials; use a URL that accepts them")
            return self.fail(f"{where} refused the credentials (401 Unauthorized)",
                             f"check {ENV_USER} / {ENV_PASSWORD} or ~/.netrc")
        if status == 403:
            return self.fail(f"{where} does not allow this (403 Forbidden){detail}",
                             "the user needs permission to read (or, to push, to write) there")
        if status == 404:
            return self.fail(f"there is no SPARQL endpoint at {where} (404 Not Found)",
                             "check the URL's path, e.g. /sparql or /query")
        if status in RETRIED:
            return self.fail(f"{where} is busy ({status} {RETRIED[status]}) after {tries} tries", "try again later")
        if status == 400:
            return self.fail(f"{where} rejected the request (400 Bad Request){detail}")
        reason = http.client.responses.get(status, "error")
        return self.fail(f"{where} failed ({status} {reason}){detail}")

    def _transport_error(self, exc: Exception) -> Exception:
        """The error for a request that got no whole answer; :class:`_Dropped` when another try may work."""
        where, cause = self.endpoint, _cause(exc)
        if isinstance(exc, httpx.ConnectTimeout):
            return self.fail(f"{where} did not accept a connection within {self.connect_timeout:g} s",
                             "check that the host is up and reachable")
        if isinstance(exc, httpx.TimeoutException):
            return self._slow()
        if isinstance(cause, ConnectionRefusedError):
            return self.fail(f"nothing is listening at {where} (connection refused)",
                             "start the server, or check the host and port")
        if isinstance(cause, socket.gaierror):
            return self.fail(f"the host of {where} cannot be found", "check the URL")
        if isinstance(cause, ssl.SSLError):
            return self.fail(f"a secure connection to {where} failed ({cause.reason or cause})")
        if (isinstance(exc, httpx.ReadError | httpx.WriteError)
                or isinstance(cause, ConnectionResetError | BrokenPipeError | ConnectionAbortedError)):
            return _Dropped()
        if isinstance(exc, httpx.RemoteProtocolError):
            if re.search(r"disconnected|peer closed", str(exc), re.IGNORECASE):
                return _Dropped()
            return self.fail(f"{where} did not answer with valid HTTP ({_shorten(str(exc))})",
                             "check that the URL is a SPARQL endpoint")
        if isinstance(exc, httpx.DecodingError):
            return self.fail(f"{where} sent an answer that cannot be decoded ({_shorten(str(exc))})")
        return self.fail(f"{where} cannot be reached ({type(cause or exc).__name__})", "check the URL")


@cache
def _tls() -> ssl.SSLContext:
    """The certificates to trust (certifi's, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``), read once: reading them is
    most of the cost of a new client."""
    return httpx.create_ssl_context()


def _cause(exc: BaseException) -> BaseException | None:
    """The operating system's error under httpx's, if any."""
    seen: BaseException | None = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return exc if isinstance(exc, OSError) else None


def _schemes(headers: httpx.Headers) -> set[str]:
    """The authentication schemes a 401 answer offers, in lower case."""
    return {value.strip().split(" ", 1)[0].lower() for value in headers.get_list("WWW-Authenticate")}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return ("", "", None)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme)


def _seconds(retry_after: str | None) -> float:
    """Seconds a ``Retry-After`` asks to wait (a number, or an HTTP date); 0 if none or unreadable."""
    text = (retry_after or "").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"


def _shorten(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _first_line(text: str) -> str:
    if re.search(r"<(html|!DOCTYPE)", text[:200], re.IGNORECASE):
        text = re.sub(r"<[^>]*>", " ", text)
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= 200 else line[:199] + "…"
