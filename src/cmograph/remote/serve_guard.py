"""What ``cmograph serve`` never passes to the Oxigraph server: SPARQL that would make it fetch from elsewhere.

Oxigraph runs ``SERVICE <url>`` in queries and updates, and ``LOAD <url>`` in updates, by sending HTTP requests
from native code, so the only barrier is reading the text first. Every SPARQL text a request carries is read:
the ``query`` and ``update`` parameters of its URL and of a form body, and the whole body when it is sent as
SPARQL or to ``/query`` or ``/update``. Each text is split into SPARQL tokens (:data:`cmograph.query.lexer.TOKEN`)
as written and, once more, with ``\\u`` escapes read; any word or prefix holding a refused keyword in any case
(``SERVICE`` everywhere, ``LOAD`` in updates) refuses the request, also when glued to other letters, which
Oxigraph's parser may read as the keyword.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NoReturn
from urllib.parse import parse_qsl

from cmograph.query.lexer import TOKEN, escape_views, holds
from cmograph.remote.serve_front import Refusal, Request

_FORM = "application/x-www-form-urlencoded"
_REFUSED = {"query": ("SERVICE",), "update": ("SERVICE", "LOAD")}


def check_request(request: Request) -> None:
    """Refuse (:class:`Refusal`, 403) a request whose SPARQL could make Oxigraph reach another server."""
    for kind, text in sparql_texts(request):
        for view in escape_views(text):
            _check_tokens(kind, view)


def sparql_texts(request: Request) -> Iterator[tuple[str, str]]:
    """Each SPARQL text in a request, with its kind (``query`` or ``update``), decoded as Oxigraph decodes it."""
    media = (request.header("content-type") or "").split(";", 1)[0].strip().lower()
    body, path = request.body, request.path
    forms = [request.query, body.decode("utf-8", "replace") if media == _FORM else ""]
    for form in forms:
        for name, value in parse_qsl(form, keep_blank_values=True, encoding="utf-8", errors="replace"):
            if name in _REFUSED:
                yield name, value
    if body and media != _FORM and (path in ("/query", "/update") or "sparql" in media):
        yield "update" if path == "/update" or "update" in media else "query", body.decode("utf-8", "replace")


def _check_tokens(kind: str, text: str) -> None:
    upper = text.upper()
    if text.isascii() and not any(keyword in upper for keyword in _REFUSED[kind]):
        return  # no word can hold a refused keyword (nor can a string hide one): quick, for most texts
    for token in TOKEN.finditer(text):
        word = token.group("prefix") if token.lastgroup == "local" else \
            token.group() if token.lastgroup == "word" else None
        if word:
            for keyword in _REFUSED[kind]:
                if holds(word, keyword):
                    _refuse(keyword, word)
        elif token.lastgroup == "other" and token.group() in "\"'\\":
            # a quote or backslash outside any string: the tokens may then not be the parser's
            raise Refusal(400, f"the {kind} is not valid SPARQL: an unclosed string or a stray backslash")


def _refuse(keyword: str, word: str) -> NoReturn:
    named = keyword if word.upper() == keyword else f"{keyword} (in {word!r})"
    instead = "send the data to /store instead" if keyword == "LOAD" else "query the data it holds"
    rename = "" if word.upper() == keyword else "; a prefix that holds the word needs another name"
    raise Refusal(403, f"this server does not run SPARQL that uses {named}: cmograph serve never fetches data "
                       f"from other servers; {instead}{rename}")
