"""Read RDF safely: no network, no file but the one named, bounded size.

Untrusted RDF is parsed with rdflib, but never allowed to fetch: JSON-LD documents whose ``@context`` (or
``@import``) names a remote or ``file:`` document are refused before parsing, RDF/XML with a DOCTYPE (external
entities, entity expansion) is refused, and ``owl:imports`` are never followed (rdflib does not follow them).
Every term must be one the store can hold (a valid IRI, language tag and text) and no literal may be longer than
:data:`MAX_TEXT_CHARS`, so a file either loads whole or fails here with its name and the offending term.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any, TextIO, cast
from xml.parsers import expat

from rdflib import Dataset, Literal
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from cmograph.errors import InputError
from cmograph.ingest.convert import to_ox
from cmograph.ingest.files import RDF_FORMATS
from cmograph.ingest.yaml_json import MAX_TEXT_CHARS, check_size

MAX_RDF_BYTES = 512 * 1024 * 1024
_LINE_BASED = ("nt", "nquads")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # as rdflib ends an N-Triples line


def is_rdf(path: Path) -> bool:
    return path.suffix.lower() in RDF_FORMATS


def parse_rdf(path: Path, data: bytes | None = None) -> Dataset:
    """Parse an RDF file, or ``data`` already read from it, into a dataset (triples of a plain Turtle file land
    in its default graph)."""
    fmt = RDF_FORMATS[path.suffix.lower()]
    try:
        if data is None:
            check_size(path, MAX_RDF_BYTES)
            data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if fmt == "json-ld":
        _refuse_remote_contexts(path, data)
    if fmt == "xml" and _has_doctype(data):
        raise InputError(f"{path.name}: RDF/XML with a DOCTYPE is not read (it can expand entities or fetch "
                         "external ones)", "remove the DOCTYPE declaration")
    dataset = Dataset(default_union=False)
    try:
        if fmt in _LINE_BASED:
            lines = cast("TextIO", _Lines(data.decode("utf-8")))  # a text stream, as rdflib reads one
            dataset.parse(source=lines, format=fmt, publicID=path.resolve().as_uri())
        else:
            dataset.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many unrelated types for syntax errors
        raise InputError(f"{path.name}: not valid {fmt} RDF: {_reason(exc, data)}",
                         f"check the file is {fmt}, or give it the right suffix "
                         f"({', '.join(RDF_FORMATS)})") from None
    for quad in dataset.quads((None, None, None, None)):
        for term in quad[:3]:
            _check_term(path, term)
    return dataset


class _Lines(io.TextIOBase):
    """N-Triples or N-Quads text handed to rdflib's reader one whole line per ``read``, whatever size it asks for.

    The reader asks for 2 KiB at a time and searches all it holds for the end of the line after each read, so a
    long line (one long literal) took quadratic time: 5 MiB, 100 s. Given whole lines, it reads as fast as Turtle.
    """

    def __init__(self, text: str) -> None:
        self._lines = (match.group() for match in _LINE.finditer(text))

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1, /) -> str:
        return next(self._lines, "")


def _check_term(path: Path, term: Node) -> None:
    """Refuse a term the store cannot hold, or a literal longer than cmograph reads."""
    if isinstance(term, Literal) and len(term) > MAX_TEXT_CHARS:
        raise InputError(f"{path.name}: a literal of {len(term):,} characters is longer than the "
                         f"{MAX_TEXT_CHARS:,} cmograph reads", "shorten it, or link to the document instead")
    try:
        to_ox(term)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path.name}: {str(term)[:200]!r} cannot be stored: {_one_line(exc)}",
                         "use absolute IRIs without spaces or <>\"{}|^`\\, and valid language tags") from None


class _Prolog(Exception):
    """Raised by the expat handlers to stop reading once the prolog is known."""

    def __init__(self, doctype: bool) -> None:
        self.doctype = doctype


def _has_doctype(data: bytes) -> bool:
    """Whether the XML prolog declares a DOCTYPE (read by expat, whatever the encoding or what comes first)."""
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise _Prolog(True)

    def element(*_: object) -> None:
        raise _Prolog(False)

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = element
    try:
        parser.Parse(data, True)
    except _Prolog as stop:
        return stop.doctype
    except expat.ExpatError:
        return False  # not well-formed before any DOCTYPE: rdflib reports it
    return False


def _reason(exc: Exception, data: bytes) -> str:
    """Why the parser refused ``data``, in one line: for Turtle and TriG (whose rdflib message takes three lines
    and quotes the text as bytes), the line, the reason and that line's text."""
    if isinstance(exc, BadSyntax):
        start = 0
        for _ in range(exc.lines):  # exc.lines counts the lines before the one in error
            start = data.find(b"\n", start) + 1 or len(data)
        end = data.find(b"\n", start)
        text = data[start:end if end >= 0 else len(data)].decode("utf-8", "replace").strip()
        return f"line {exc.lines + 1}: {exc._why}, in: {text[:120]}{'...' if len(text) > 120 else ''}"
    return _one_line(exc)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def _refuse_remote_contexts(path: Path, data: bytes) -> None:
    try:
        document = json.loads(data)
    except RecursionError:
        raise InputError(f"{path.name}: not valid JSON-LD: nested too deeply") from None
    except ValueError as exc:
        raise InputError(f"{path.name}: not valid JSON-LD: {exc}") from None
    if _has_reference(document):
        raise InputError(
            f"{path.name}: the JSON-LD refers to a remote or file context; cmograph never fetches documents "
            "while reading data", "inline the @context object in the file")


def _has_reference(document: Any) -> bool:
    """Whether any ``@context`` or ``@import`` names a document (walked without recursion: JSON may be deep)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import") and _names_document(value):
                    return True
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _names_document(value: Any) -> bool:
    """A context value that names a document: a string, in a list at any depth, or as a nested ``@import``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) or (isinstance(item, dict) and isinstance(item.get("@import"), str)):
            return True
        if isinstance(item, list):
            stack.extend(item)
    return False
