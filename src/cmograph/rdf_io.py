"""Read and write RDF safely: no network, no file outside the one named, bounded size.

Untrusted RDF is parsed with rdflib, but never allowed to fetch: JSON-LD documents whose ``@context`` (or
``@import``) names a remote or ``file:`` document are refused before parsing, RDF/XML with a DOCTYPE (external
entities, entity expansion) is refused, and ``owl:imports`` are never followed (rdflib does not follow them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Dataset

from cmograph.errors import InputError

RDF_FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
MAX_RDF_BYTES = 512 * 1024 * 1024


def is_rdf(path: Path) -> bool:
    return path.suffix.lower() in RDF_FORMATS


def parse_rdf(path: Path) -> Dataset:
    """Parse an RDF file into a dataset (triples of a plain Turtle file land in its default graph)."""
    fmt = RDF_FORMATS[path.suffix.lower()]
    try:
        size = path.stat().st_size
        if size > MAX_RDF_BYTES:
            raise InputError(f"{path.name}: {size // 2**20} MiB is larger than the {MAX_RDF_BYTES // 2**20} MiB "
                             "cmograph reads in one file", "split it into one file per evaluation")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if fmt == "json-ld":
        _refuse_remote_contexts(path, data)
    if fmt == "xml" and b"<!doctype" in data[:65536].lower():
        raise InputError(f"{path.name}: RDF/XML with a DOCTYPE is not read (it can expand entities or fetch "
                         "external ones)", "remove the DOCTYPE declaration")
    dataset = Dataset(default_union=False)
    try:
        dataset.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many unrelated types for syntax errors
        raise InputError(f"{path.name}: not valid {fmt} RDF: {_first_line(exc)}",
                         f"check the file is {fmt}, or give it the right suffix "
                         f"({', '.join(RDF_FORMATS)})") from None
    return dataset


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def _refuse_remote_contexts(path: Path, data: bytes) -> None:
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise InputError(f"{path.name}: not valid JSON-LD: {exc}") from None
    if _has_reference(document):
        raise InputError(
            f"{path.name}: the JSON-LD refers to a remote or file context; cmograph never fetches documents "
            "while reading data", "inline the @context object in the file")


def _has_reference(node: Any) -> bool:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import") and _names_document(value):
                return True
            if _has_reference(value):
                return True
    elif isinstance(node, list):
        return any(_has_reference(v) for v in node)
    return False


def _names_document(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return any(_names_document(v) for v in value)
    if isinstance(value, dict):
        return "@import" in value and isinstance(value["@import"], str)
    return False
