"""A REFI-QDA project (``.qdpx``): its archive opened safely, ``project.qde`` checked against the QDA-XML 1.0 schema,
and what cmograph uses of it as plain objects.

``project.qde`` is parsed by lxml with entities left unresolved, no DTD loaded and no network; a document with a
DOCTYPE is refused, and so is one nested deeper than libxml2's default limit (256 levels). The schema
(``schema/Project-mrt2019.xsd``, MIT, see its ``SOURCE.md``) ships with cmograph and is never fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from cmograph.diagnostics import Diagnostic, Location
from cmograph.ingest.archive import Archive, ArchiveRefused
from cmograph.ingest.importers.problems import ImportProblems, problem

NS = "{urn:QDA-XML:project:1.0}"
QDE = "project.qde"
MAX_SCHEMA_PROBLEMS = 20
OTHER_SOURCES = ("PDFSource", "PictureSource", "AudioSource", "VideoSource")


def guid_key(guid: str | None) -> str:
    """A GUID as compared: braces dropped, lower case (QDA-XML allows both)."""
    return (guid or "").strip().strip("{}").lower()


@dataclass
class Code:
    guid: str
    name: str
    codable: bool
    description: str | None
    line: int
    parent: str | None  # the GUID key of the code it is under
    children: list[str] = field(default_factory=list)


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    name: str | None
    description: str | None
    codes: list[str]  # GUID keys
    line: int


@dataclass
class Source:
    guid: str
    name: str
    plain_path: str | None
    rich_path: str | None
    content: str | None  # PlainTextContent, when the text is in project.qde itself
    line: int
    selections: list[Selection] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    whole_codings: int = 0  # codings of the whole source (not of a passage)


@dataclass
class Case:
    name: str | None
    variables: dict[str, str]
    sources: list[str]  # GUID keys


@dataclass
class CodeSet:
    name: str
    codes: list[str]
    sources: list[str]


@dataclass
class Project:
    """What cmograph uses of ``project.qde``."""

    file: str  # "project.qdpx:project.qde", as messages name it
    name: str
    origin: str
    description: str | None
    codes: dict[str, Code]  # by GUID key, in document order
    roots: list[str]  # GUID keys of the top-level codes
    sources: list[Source]
    cases: list[Case]
    sets: list[CodeSet]
    other_sources: dict[str, int]  # kinds of sources cmograph does not read: how many of each


def read_project(archive: Archive) -> Project:
    """The ``project.qde`` of ``archive``: refused (:class:`ImportProblems`, :class:`ArchiveRefused`) when it is
    missing, not well formed, has a DOCTYPE, or breaks the schema."""
    entry = archive.find(QDE)
    if entry is None:
        raise ArchiveRefused(f"{archive.name}: no project.qde in the archive",
                             "this is not a REFI-QDA project: export the project from your QDA program as .qdpx")
    where = f"{archive.name}:{entry.filename}"
    root = _parse(archive.read(entry), where, archive.name)
    schema = _schema()
    if not schema.validate(root):
        errors = list(schema.error_log)
        problems = [problem(Location(where, max(e.line, 1)), "breaks the REFI-QDA schema: " + _plain(e.message),
                            "export the project again; cmograph reads QDA-XML 1.0 as the schema defines it")
                    for e in errors[:MAX_SCHEMA_PROBLEMS]]
        raise ImportProblems(archive.name, problems)
    return _project(root, where)


def _parse(data: bytes, where: str, archive: str) -> Any:
    from lxml import etree

    if _DOCTYPE.match(_prolog(data)):
        raise ImportProblems(archive, [problem(Location(where, 1), "project.qde has a DOCTYPE (a DTD or entity "
                             "declarations), which REFI-QDA projects never need; it is not read",
                             "a DOCTYPE can read local files or expand into gigabytes: export the project again")])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise ImportProblems(archive, [problem(Location(where, max(line, 1)),
                             f"not well-formed XML: {_plain(exc.msg or str(exc))}",
                             "export the project again from your QDA program")]) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:  # in an encoding not seen above
        raise ImportProblems(archive, [problem(Location(where, 1), "project.qde has a DOCTYPE (a DTD or "
                             "entity declarations), which REFI-QDA projects never need; it is not read",
                             "a DOCTYPE can read local files or expand into gigabytes: export the project again")])
    return root


# what may come before the root element: the XML declaration, comments, processing instructions, white space
_BEFORE_ROOT = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)


def _prolog(data: bytes) -> str:
    """What follows the XML declaration, comments and white space at the start of ``data`` (decoded as UTF-16 or
    UTF-8 by its byte order mark): a DOCTYPE, if there is one, starts it."""
    head = data[:1 << 20]
    text = head.decode("utf-16", "replace") if head.startswith((b"\xff\xfe", b"\xfe\xff")) else \
        head.decode("utf-8", "replace").lstrip("\ufeff")
    return text[_BEFORE_ROOT.match(text).end():]  # type: ignore[union-attr]


@cache
def _schema() -> Any:
    from lxml import etree

    text = resources.files("cmograph.ingest.importers").joinpath("schema", "Project-mrt2019.xsd").read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.fromstring(text, parser))


def _plain(message: str) -> str:
    return " ".join(message.replace(NS, "").split())


def _text(element: Any, tag: str) -> str | None:
    found = element.find(NS + tag)
    text = None if found is None else (found.text or "").strip()
    return text or None


def _variables(element: Any, names: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for value in element.findall(NS + "VariableValue"):
        ref = value.find(NS + "VariableRef")
        name = names.get(guid_key(None if ref is None else ref.get("targetGUID")))
        held = next((child.text for child in value if child.tag != NS + "VariableRef"), None)
        if name and held and held.strip():
            values[name] = held.strip()
    return values


def _project(root: Any, where: str) -> Project:
    codes: dict[str, Code] = {}
    roots: list[str] = []
    book = root.find(NS + "CodeBook")
    pending: list[tuple[Any, str | None]] = [] if book is None else [
        (c, None) for c in book.find(NS + "Codes").findall(NS + "Code")]
    pending.reverse()
    while pending:  # depth first, in document order, without recursion
        element, parent = pending.pop()
        key = guid_key(element.get("guid"))
        codes[key] = Code(element.get("guid"), element.get("name"), element.get("isCodable") == "true",
                          _text(element, "Description"), element.sourceline or 1, parent)
        if parent is None:
            roots.append(key)
        else:
            codes[parent].children.append(key)
        pending.extend((child, key) for child in reversed(element.findall(NS + "Code")))
    variables = {guid_key(v.get("guid")): v.get("name") for v in root.iter(NS + "Variable")}
    sources = [_source(element, variables) for element in root.iter(NS + "TextSource")
               if element.getparent().tag == NS + "Sources"]
    cases = [Case(c.get("name"), _variables(c, variables),
                  [guid_key(r.get("targetGUID")) for r in c.findall(NS + "SourceRef")])
             for c in root.iter(NS + "Case")]
    sets = [CodeSet(s.get("name"), [guid_key(m.get("targetGUID")) for m in s.findall(NS + "MemberCode")],
                    [guid_key(m.get("targetGUID")) for m in s.findall(NS + "MemberSource")])
            for s in root.iter(NS + "Set")]
    other: dict[str, int] = {}
    container = root.find(NS + "Sources")
    for kind in OTHER_SOURCES:
        count = 0 if container is None else len(container.findall(NS + kind))
        if count:
            other[kind] = count
    return Project(where, root.get("name"), root.get("origin") or "", _text(root, "Description"), codes, roots,
                   sources, cases, sets, other)


def _source(element: Any, variables: dict[str, str]) -> Source:
    source = Source(element.get("guid"), element.get("name") or element.get("guid"), element.get("plainTextPath"),
                    element.get("richTextPath"), None, element.sourceline or 1,
                    variables=_variables(element, variables))
    content = element.find(NS + "PlainTextContent")
    if content is not None:
        source.content = content.text or ""
    source.whole_codings = len(element.findall(NS + "Coding"))
    for selection in element.findall(NS + "PlainTextSelection"):
        source.selections.append(Selection(
            selection.get("guid"), int(selection.get("startPosition")), int(selection.get("endPosition")),
            (selection.get("name") or "").strip() or None, _text(selection, "Description"),
            [guid_key(ref.get("targetGUID")) for coding in selection.findall(NS + "Coding")
             for ref in coding.findall(NS + "CodeRef")], selection.sourceline or 1))
    return source


def problems_at(where: str, found: list[tuple[int, str, str | None]], archive: str) -> ImportProblems:
    """:class:`ImportProblems` for ``found`` (line of ``project.qde``, message, hint)."""
    located: list[Diagnostic] = [problem(Location(where, line), message, hint) for line, message, hint in found]
    return ImportProblems(archive, located)
