"""The front of ``cmograph serve``: the one listener clients reach, in front of the Oxigraph server.

Oxigraph's own HTTP server does whatever a request asks. The front reads each request whole, checks it, and
only then passes it on, re-written from what it parsed (so Oxigraph never sees bytes the front did not read):

- only ``Host: 127.0.0.1:PORT``, ``localhost:PORT`` or ``[::1]:PORT`` is served (403 otherwise), so a web page
  that points its own name at 127.0.0.1 (DNS rebinding) reads nothing; nor is a request a web page of another
  origin sends (``Origin``), so no page can write to a writable server;
- ``check`` refuses what the front must never pass on (cmograph's SPARQL guard);
- headers must arrive within ``header_seconds`` and each next piece of a body within :data:`IDLE_SECONDS`;
- at most ``max_connections`` connections are open: when one more arrives, the connection that has been sending
  its request longest is closed to make room, so slow clients (slow-loris) cannot lock others out;
- a body over ``max_body`` bytes is refused (413) before it is held, and the bodies held at once stay within
  :data:`BODIES_HELD` times that (503 and ``Retry-After`` past it).

Each connection carries one request and closes after its answer. Paths in ``routes`` are answered by the front
itself (the explorer page will be one); every other request goes to Oxigraph, and its answer is streamed back.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import MappingProxyType

HEADER_SECONDS = 10.0  # the request line and headers must arrive within this time
IDLE_SECONDS = 30.0  # the longest wait for the next piece of a body, or for a client to take more of an answer
UPSTREAM_SECONDS = 120.0  # the longest wait for Oxigraph's next bytes (Oxigraph gives up on a query after 60 s)
LINGER_SECONDS = 1.0  # after a refusal, how long what the client still sends is read and dropped
MAX_HEAD_BYTES = 64 * 1024  # request line and headers together
MAX_CONNECTIONS = 128  # open at once (Oxigraph itself serves 128 per core)
BODIES_HELD = 4  # bodies of the largest size held at once, at most
MAX_TRAILERS = 64  # header lines after a chunked body
CHUNK = 64 * 1024
HOSTS = ("127.0.0.1", "localhost", "[::1]")
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
               "expect", "content-length"}
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class Refusal(Exception):
    """A request the front answers itself, with ``status`` and a plain-text ``message``."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers

    def answer(self) -> Answer:
        return Answer(self.status, f"{self.message}\n".encode(), headers=self.headers)


@dataclass
class Answer:
    """An answer made by the front."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()

    def encode(self) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {HTTPStatus(self.status).phrase}", f"Content-Type: {self.content_type}",
                 f"Content-Length: {len(self.body)}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return "\r\n".join([*lines, "", ""]).encode("latin-1") + self.body


@dataclass
class Request:
    """One request as the front read it."""

    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes = field(default=b"", repr=False)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]

    def header(self, name: str) -> str | None:
        """The value of the header ``name`` (lower case); a request that sends it twice is refused."""
        values = [value for key, value in self.headers if key.lower() == name]
        if len(values) > 1:
            raise Refusal(400, f"the request has {len(values)} {name} headers; send one")
        return values[0] if values else None

    def encode_head(self) -> bytes:
        """The request line and headers to pass on: without hop-by-hop headers, with the body's length."""
        named = {n.strip().lower() for n in (self.header("connection") or "").split(",")}
        lines = [f"{self.method} {self.target} {self.version}"]
        lines += [f"{name}: {value}" for name, value in self.headers if name.lower() not in _HOP_BY_HOP | named]
        if self.body or self.method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(self.body)}")
        return "\r\n".join([*lines, "Connection: close", "", ""]).encode("latin-1")


def parse_head(head: bytes) -> Request:
    """The request line and headers (ending with an empty line), or a :class:`Refusal` (400)."""
    request_line, *lines = head.decode("latin-1")[:-4].split("\r\n")
    parts = request_line.split(" ")
    if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or parts[2] not in ("HTTP/1.0", "HTTP/1.1"):
        raise Refusal(400, "the request line is not `METHOD /path HTTP/1.1`")
    method, target, version = parts
    if not target.startswith("/") or _CONTROL.search(target) or any(c in target for c in " \t#"):
        raise Refusal(400, "the request must name a path on this server, such as /query")
    headers = []
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.fullmatch(name) or _CONTROL.search(value):
            raise Refusal(400, f"a header line is not `Name: value`: {line[:80]!r}")
        headers.append((name, value.strip(" \t")))
    return Request(method, target, version, headers)


def body_length(request: Request) -> int | None:
    """The body's length from ``Content-Length`` (0 without one), or None for a chunked body."""
    coding, length = request.header("transfer-encoding"), request.header("content-length")
    if coding is not None:
        if coding.lower() != "chunked" or length is not None:
            raise Refusal(400, "the only transfer coding accepted is `chunked`, without a Content-Length")
        return None
    if length is None:
        return 0
    if not re.fullmatch(r"[0-9]{1,18}", length):
        raise Refusal(400, f"the Content-Length is not a number: {length[:40]!r}")
    return int(length)


Route = Callable[[Request], Answer]
Handler = Callable[[str, str, str, list[tuple[str, str]]], tuple[int, list[tuple[str, str]], bytes]]


def plain_route(handle: Handler) -> Route:
    """A route answered by ``handle(method, path, query string, headers) -> (status, headers, body)``: a handler
    that knows nothing of the front (the explorer's)."""
    def route(request: Request) -> Answer:
        status, headers, body = handle(request.method, request.path, request.query, request.headers)
        kind = next((v for k, v in headers if k.lower() == "content-type"), "application/octet-stream")
        return Answer(status, body, kind, tuple((k, v) for k, v in headers if k.lower() != "content-type"))

    return route


class Front:
    """The front, listening on ``listener`` (a bound, listening socket) in a thread of its own, passing requests
    on to the HTTP server at ``upstream``."""

    def __init__(self, listener: socket.socket, upstream: tuple[str, int], check: Callable[[Request], None],
                 max_body: int, routes: Mapping[str, Route] = MappingProxyType({}), *,
                 header_seconds: float = HEADER_SECONDS, max_connections: int = MAX_CONNECTIONS,
                 log: Path | None = None) -> None:
        self.listener, self.upstream, self.check, self.routes = listener, upstream, check, routes
        self.max_body, self.header_seconds, self.max_connections, self.log = (max_body, header_seconds,
                                                                               max_connections, log)
        self.port = int(listener.getsockname()[1])
        self.hosts = {f"{host}:{self.port}" for host in HOSTS} | (set(HOSTS) if self.port == 80 else set())
        self.origins = {f"http://{host}" for host in self.hosts}
        # each open connection, with the time since when it has been sending its request (None once it has)
        self._open: dict[asyncio.StreamWriter, float | None] = {}
        self._held = 0  # bytes of bodies held now
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="cmograph-serve-front", daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> None:
        self._thread.start()
        serving = asyncio.start_server(self._connected, sock=self.listener, limit=MAX_HEAD_BYTES)
        self._server = asyncio.run_coroutine_threadsafe(serving, self._loop).result()

    def stop(self) -> None:
        """Close the listener and every connection, and end the thread."""
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        if not self._loop.is_closed():
            self._loop.close()
        self.listener.close()

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in self._open:
            writer.transport.abort()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ------------------------------------------------------------------------------------------ connections

    def _admit(self, writer: asyncio.StreamWriter) -> bool:
        """Count a new connection in, closing the one that has been sending its request longest if all places
        are taken; False if none can be closed (every connection is being answered)."""
        if len(self._open) >= self.max_connections:
            sending = [(since, w) for w, since in self._open.items() if since is not None]
            if not sending:
                return False
            oldest = min(sending, key=lambda pair: pair[0])[1]
            del self._open[oldest]
            oldest.transport.abort()
        self._open[writer] = time.monotonic()
        return True

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.transport.set_write_buffer_limits(0)  # so that a drain waits until all is handed to the system
        try:
            if not self._admit(writer):
                busy = Refusal(503, "the server is answering as many requests as it can; try again in a moment",
                               (("Retry-After", "1"),))
                await self._refuse(reader, writer, busy)
                return
            try:
                await self._serve(reader, writer)
            except Refusal as refusal:
                await self._refuse(reader, writer, refusal)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            pass  # the client went away, or stopped reading
        except asyncio.CancelledError:
            pass  # the front is stopping (and a connection's task that ends cancelled is reported as an error)
        except Exception:
            self._record(traceback.format_exc())
        finally:
            self._open.pop(writer, None)
            if writer.transport.get_write_buffer_size():
                writer.transport.abort()  # the client does not take its answer
            else:
                writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.header_seconds)
        except TimeoutError:
            raise Refusal(408, f"the request's headers took more than {self.header_seconds:g} s to arrive") from None
        except asyncio.LimitOverrunError:
            raise Refusal(431, f"the request's headers are longer than {MAX_HEAD_BYTES // 1024} KiB") from None
        request = parse_head(head)
        self._check_host(request)
        length = body_length(request)
        if length is not None and length > self.max_body:
            raise self._too_large(f"the request's body is {length:,} bytes")
        if (request.header("expect") or "").lower() == "100-continue" and length != 0:
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.body = await self._read_body(reader, length)
        held = len(request.body)
        try:
            if writer in self._open:
                self._open[writer] = None  # received whole: no longer the first to be closed for room
            self.check(request)
            route = self.routes.get(request.path)
            if route is not None:  # in a thread: a question that takes a while holds up no other connection
                answer: bytes | tuple[asyncio.StreamReader, asyncio.StreamWriter] = (
                    await asyncio.to_thread(route, request)).encode()
            else:
                answer = await self._pass_on(request)
        finally:
            request.body = b""
            self._held -= held
        if isinstance(answer, bytes):
            await self._send(writer, answer)
        else:
            await self._relay(*answer, writer)

    def _check_host(self, request: Request) -> None:
        host = request.header("host")
        if host is None or host.lower() not in self.hosts:
            raise Refusal(403, f"this server answers requests for 127.0.0.1:{self.port} or localhost:{self.port} "
                               f"only, not for {host!r} (the Host header): a web page that gives its own name "
                               "to this computer cannot read it")
        origin = request.header("origin")
        if origin is not None and origin.lower() not in self.origins:
            raise Refusal(403, f"this server does not answer requests that web pages of other sites send "
                               f"(Origin: {origin!r})")

    def _too_large(self, what: str) -> Refusal:
        limit = f"{self.max_body / 2**20:g} MiB" if self.max_body >= 2**20 else f"{self.max_body:,} bytes"
        return Refusal(413, f"{what}, more than this server accepts ({limit}); start it with a larger "
                            "--max-upload, or send the data in smaller parts")

    def _hold(self, size: int) -> None:
        """Count ``size`` more bytes of body held, or refuse (503) if that is more than all bodies may hold."""
        if self._held + size > BODIES_HELD * self.max_body:
            raise Refusal(503, "the server is receiving other large requests; try again in a moment",
                          (("Retry-After", "1"),))
        self._held += size

    async def _read_body(self, reader: asyncio.StreamReader, length: int | None) -> bytes:
        """The whole body: ``length`` bytes, or chunked if None; counted as held (the caller lets go of it)."""
        body = bytearray()
        held = 0
        try:
            if length is not None:
                self._hold(length)
                held = length
                await _read_exactly(reader, length, body)
                return bytes(body)
            while size := _chunk_size(await asyncio.wait_for(reader.readuntil(b"\r\n"), IDLE_SECONDS)):
                if held + size > self.max_body:
                    raise self._too_large("the request's body is longer")
                self._hold(size)
                held += size
                await _read_exactly(reader, size, body)
                if await asyncio.wait_for(reader.readexactly(2), IDLE_SECONDS) != b"\r\n":
                    raise Refusal(400, "a chunk of the body does not end where its size says")
            for _ in range(MAX_TRAILERS):
                if await asyncio.wait_for(reader.readuntil(b"\r\n"), IDLE_SECONDS) == b"\r\n":
                    return bytes(body)
            raise Refusal(400, "the chunked body does not end")
        except BaseException:
            self._held -= held
            raise

    # ------------------------------------------------------------------------------------------ answers

    async def _pass_on(self, request: Request) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Send the request to Oxigraph; the connection its answer will come on."""
        try:
            connecting = asyncio.open_connection(*self.upstream, limit=MAX_HEAD_BYTES)
            upstream_reader, upstream = await asyncio.wait_for(connecting, UPSTREAM_SECONDS)
        except (OSError, TimeoutError):
            raise Refusal(502, "the Oxigraph server behind cmograph serve is not answering") from None
        try:
            head = request.encode_head()
            if len(request.body) <= CHUNK:  # one packet for most requests
                upstream.write(head + request.body)
            else:
                upstream.write(head)
                upstream.write(request.body)
            await asyncio.wait_for(upstream.drain(), UPSTREAM_SECONDS)
        except BaseException:
            upstream.transport.abort()
            raise
        return upstream_reader, upstream

    async def _relay(self, upstream_reader: asyncio.StreamReader, upstream: asyncio.StreamWriter,
                     writer: asyncio.StreamWriter) -> None:
        """Stream Oxigraph's answer back to the client, saying that the connection closes after it."""
        try:
            try:
                head = await asyncio.wait_for(upstream_reader.readuntil(b"\r\n\r\n"), UPSTREAM_SECONDS)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
                raise Refusal(502, "the Oxigraph server behind cmograph serve gave no answer") from None
            lines = head.decode("latin-1")[:-4].split("\r\n")
            kept = [lines[0], *(line for line in lines[1:]
                                if line.partition(":")[0].strip().lower() not in ("connection", "keep-alive"))]
            head = "\r\n".join([*kept, "Connection: close", "", ""]).encode("latin-1")
            piece = await asyncio.wait_for(upstream_reader.read(CHUNK), UPSTREAM_SECONDS)
            await self._send(writer, head + piece)  # with the first piece: one packet for most answers
            while piece := await asyncio.wait_for(upstream_reader.read(CHUNK), UPSTREAM_SECONDS):
                await self._send(writer, piece)
        finally:
            upstream.transport.abort()

    async def _send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await asyncio.wait_for(writer.drain(), IDLE_SECONDS)

    async def _refuse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, refusal: Refusal) -> None:
        """Answer with the refusal, then read and drop what the client still sends for a moment (closing at once
        would reset the connection, and the client might never read why)."""
        await self._send(writer, refusal.answer().encode())
        if writer.can_write_eof():
            writer.write_eof()
        deadline = time.monotonic() + LINGER_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            try:
                if not await asyncio.wait_for(reader.read(CHUNK), left):
                    return
            except TimeoutError:
                return

    def _record(self, text: str) -> None:
        """Write an unexpected error to the server's log (a bug, not the client's doing)."""
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as log:
                log.write(f"cmograph serve front: {text}\n")


def _chunk_size(line: bytes) -> int:
    size = line[:-2].split(b";", 1)[0].strip()
    if not re.fullmatch(rb"[0-9A-Fa-f]{1,15}", size):
        raise Refusal(400, "a chunk of the body has no valid size")
    return int(size, 16)


async def _read_exactly(reader: asyncio.StreamReader, size: int, into: bytearray) -> None:
    """Read ``size`` bytes into ``into``, waiting at most :data:`IDLE_SECONDS` for each next piece."""
    while size:
        piece = await asyncio.wait_for(reader.read(min(CHUNK, size)), IDLE_SECONDS)
        if not piece:
            raise asyncio.IncompleteReadError(bytes(into), None)
        into += piece
        size -= len(piece)
