"""The explorer's HTTP paths as one plain function, ``handle(method, path, query_string, headers)``, which any
server can call (``cmograph serve``'s front, or :mod:`cmograph.explore.local`):

- ``/``: the page; ``/explorer/explorer.js`` and ``/explorer/explorer.css``: what it is made of;
- ``/api/questions``: every question, its options and columns;
- ``/api/names?kind=mechanism&q=peer&like=0``: names from the data for typing ahead;
- ``/api/ask?question=why&outcome=...&like=0``: an answer (see :func:`cmograph.explore.answers.document`);
- ``/api/download?question=why&outcome=...&format=csv``: the bytes ``cmograph ask ... --format csv`` prints.

Only GET (and HEAD) is answered. Options are bound as the command line binds them, never pasted into a query; a
bad option is a 400 with the command line's message and hint, as JSON. The API refuses requests a browser marks
as sent by another site (``Sec-Fetch-Site: cross-site``), so no web page can make the server work.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Sequence
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qsl

from cmograph.errors import CmographError, UsageError
from cmograph.explore.answers import MEDIA_TYPES, SUFFIXES, answer, document, download, download_format
from cmograph.explore.catalogue import RESERVED, catalogue
from cmograph.explore.names import Names
from cmograph.query.catalogue import get_question
from cmograph.query.types import ELEMENT_TYPES
from cmograph.source import Source

Headers = list[tuple[str, str]]
Response = tuple[int, Headers, bytes]
ASSETS = {"explorer.js": "text/javascript; charset=utf-8", "explorer.css": "text/css; charset=utf-8"}
MAX_FIELDS = 64
# the page may load its own script, style and data only: nothing inline, nothing from elsewhere
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SAFE: Headers = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                 ("X-Frame-Options", "DENY"), ("Cross-Origin-Resource-Policy", "same-origin")]


def asset(name: str) -> bytes:
    """A file of the page, as shipped in the package."""
    return (files("cmograph.explore") / "assets" / name).read_bytes()


def page(mode: str, assets: str, data: str, home: str = "") -> bytes:
    """The page, for ``mode`` "api" (asking a server at ``data``) or "static" (reading answers under ``data``),
    its script and style under ``assets``."""
    text = asset("index.html").decode("utf-8")
    for key, value in {"mode": mode, "assets": assets, "data": data, "home": home}.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return text.encode("utf-8")


class Parameters:
    """A request's query string: each name once, as UTF-8 text."""

    def __init__(self, query_string: str) -> None:
        try:
            pairs = parse_qsl(query_string, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
        except (ValueError, UnicodeDecodeError):
            raise UsageError("the query string is not readable: it must be UTF-8 name=value pairs, "
                             f"at most {MAX_FIELDS} of them") from None
        self.values: dict[str, str] = {}
        for name, value in pairs:
            if name in self.values:
                raise UsageError(f"'{name}' is given twice", "give it once")
            self.values[name] = value

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def flag(self, name: str) -> bool:
        value = self.get(name, "0")
        if value not in ("0", "1", "", "true", "false"):
            raise UsageError(f"'{name}' is 0 or 1, not '{value}'")
        return value in ("1", "true")

    def options(self) -> dict[str, str]:
        return {name: value for name, value in self.values.items() if name not in RESERVED}


class Explorer:
    """The explorer over one source of data; ``data_args`` are the command-line options that open the same data
    (``--example``, ``--store DIR``...), for the command lines it shows."""

    def __init__(self, source: Source, *, data_args: Sequence[str] = ()) -> None:
        self.source = source
        self.data_args = tuple(data_args)
        self.names = Names(source.engine)
        self._routes: dict[str, Callable[[Parameters], Response]] = {
            "/": self._page, "/api/questions": self._questions, "/api/names": self._names,
            "/api/ask": self._ask, "/api/download": self._download,
            **{f"/explorer/{name}": self._asset(name) for name in ASSETS},
        }

    def paths(self) -> list[str]:
        """Every path the explorer answers (exact paths: the query string is not part of them)."""
        return list(self._routes)

    def handle(self, method: str, path: str, query_string: str, headers: Iterable[tuple[str, str]]) -> Response:
        """The answer to one request: status, headers and body."""
        route = self._routes.get(path)
        if route is None:
            return _text(404, f"there is no {path} here")
        if method not in ("GET", "HEAD"):
            status, extra, body = _text(405, f"{path} answers GET only")
            return status, [*extra, ("Allow", "GET, HEAD")], body
        sent_by = next((v for k, v in headers if k.lower() == "sec-fetch-site"), "")
        if path.startswith("/api/") and sent_by.strip().lower() == "cross-site":
            return _text(403, "the explorer does not answer requests that pages of other sites send")
        try:
            status, extra, body = route(Parameters(query_string))
        except CmographError as exc:  # a bad option (400), or data the server cannot read (an endpoint down)
            status, extra, body = _json(400 if isinstance(exc, UsageError) else 502,
                                        {"error": exc.message, "hint": exc.hint})
        return status, extra, b"" if method == "HEAD" else body

    def _page(self, _: Parameters) -> Response:
        return 200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Security-Policy", POLICY),
                     ("Cache-Control", "no-store"), *SAFE], page("api", "/explorer/", "/api/")

    @staticmethod
    def _asset(name: str) -> Callable[[Parameters], Response]:
        def serve(_: Parameters) -> Response:
            return 200, [("Content-Type", ASSETS[name]), ("Cache-Control", "no-cache"), *SAFE], asset(name)

        return serve

    def _questions(self, _: Parameters) -> Response:
        return _json(200, {"questions": catalogue(), "data": self.source.description, "like": True})

    def _names(self, params: Parameters) -> Response:
        kind = params.get("kind")
        if kind not in ELEMENT_TYPES:
            raise UsageError(f"there is no kind of element '{kind}'", f"use one of {', '.join(ELEMENT_TYPES)}")
        return _json(200, self.names.suggest(kind, params.get("q"), params.flag("like")))

    def _ask(self, params: Parameters) -> Response:
        question = get_question(params.get("question"))
        options, like = params.options(), params.flag("like")
        answered = answer(question, self.source.engine, options, like)
        return _json(200, document(question, answered, self.source.engine, options, like, self.data_args))

    def _download(self, params: Parameters) -> Response:
        question = get_question(params.get("question"))
        chosen = download_format(params.get("format", "csv"))
        answered = answer(question, self.source.engine, params.options(), params.flag("like"))
        body = download(answered, chosen.name)
        name = f"{question.id}.{SUFFIXES[chosen.name]}"
        return 200, [("Content-Type", f"{MEDIA_TYPES[chosen.name]}; charset=utf-8"), ("Cache-Control", "no-store"),
                     ("Content-Disposition", f'attachment; filename="{name}"'), *SAFE], body


def _json(status: int, value: Any) -> Response:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return status, [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"), *SAFE], body


def _text(status: int, message: str) -> Response:
    return status, [("Content-Type", "text/plain; charset=utf-8"), *SAFE], (message + "\n").encode("utf-8")
