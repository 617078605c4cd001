"""The explorer on the standard library's HTTP server, on 127.0.0.1 only: for tests, and for running the page
without ``cmograph serve``'s front. Like the front, it answers only requests addressed to 127.0.0.1 or localhost
at its port (``Host``), so a web page that points its own name at this computer reads nothing."""

from __future__ import annotations

import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from cmograph.explore.app import Headers, Response

HOST = "127.0.0.1"


class App(Protocol):
    def handle(self, method: str, path: str, query_string: str, headers: Headers) -> Response: ...


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        path, _, query = self.path.partition("?")
        headers = [(k, v) for k, v in self.headers.items()]
        port = self.server.server_address[1]
        hosts = {f"{host}:{port}" for host in (HOST, "localhost")}
        if (self.headers.get("Host") or "").lower() not in hosts:
            status, extra, body = 403, [("Content-Type", "text/plain; charset=utf-8")], b"wrong Host\n"
        else:
            try:
                status, extra, body = self.server.app.handle(self.command, path, query, headers)
            except Exception:
                traceback.print_exc(file=sys.stderr)
                status, extra, body = 500, [("Content-Type", "text/plain; charset=utf-8")], b"internal error\n"
        self.send_response(status)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:  # quiet: the page asks often
        pass


class LocalServer(ThreadingHTTPServer):
    """A threading HTTP server on 127.0.0.1 answering with ``app``; ``port`` 0 takes any free port."""

    daemon_threads = True

    def __init__(self, app: App, port: int = 0) -> None:
        self.app = app
        super().__init__((HOST, port), _Handler)
        self._thread = threading.Thread(target=self.serve_forever, name="cmograph-explorer", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()
