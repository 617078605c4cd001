"""Transcripts: the text of a plain-text (``.txt``) or Word (``.docx``) file, and how cmograph counts places in it.

Places are counted in the text with its line ends made ``\\n`` (a Windows CRLF is one character, as the
REFI-QDA standard's example and ATLAS.ti count), in Unicode code points from 0, the end excluded; lines from 1.
A locator written by cmograph says both: ``line 4, characters 244-330`` or ``lines 4-6, characters 244-503``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cmograph.errors import InputError

TEXT_SUFFIXES = (".txt", ".text")
WORD_SUFFIXES = (".docx",)
MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class UnreadableTranscript(InputError):
    """A transcript that cannot be read as text."""

    page = "evidence-format"


def transcript_text(path: Path, name: str, data: bytes | None = None) -> str:
    """The text of the transcript ``path`` (``data``, when already read), by its suffix; ``name`` is how messages
    name it. Raises :class:`UnreadableTranscript` (or an :class:`~cmograph.ingest.archive.ArchiveRefused`)."""
    suffix = path.suffix.lower()
    if suffix in WORD_SUFFIXES:
        return docx_text(path, name, data)
    if suffix not in TEXT_SUFFIXES:
        raise UnreadableTranscript(f"{name}: a transcript is a plain-text (.txt) or Word (.docx) file",
                                   "save the transcript as .txt or .docx")
    if data is None:
        try:
            if path.stat().st_size > MAX_TRANSCRIPT_BYTES:
                raise UnreadableTranscript(f"{name}: more than the {MAX_TRANSCRIPT_BYTES // 2**20} MiB cmograph "
                                           "reads in a transcript")
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableTranscript(f"{name}: cannot be read ({exc.strerror})", "check the path") from None
    return decode_text(data, name)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a byte order mark is read past), or UTF-16 with a byte order mark."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableTranscript(f"{name}: not UTF-8 text (byte {exc.start})",
                                   "save the transcript as UTF-8 text") from None


def docx_text(path: Path, name: str, data: bytes | None = None) -> str:
    """The text of a Word document: its paragraphs (in tables and text boxes too), one per line; tabs and line
    breaks as ``\\t`` and ``\\n``. Read from ``word/document.xml`` with DTDs and entities refused."""
    import defusedxml.ElementTree as safe
    from defusedxml import DefusedXmlException

    from cmograph.ingest.archive import open_archive

    archive = open_archive(path, name, "Word document (.docx)", data)
    with archive.zip:
        entry = archive.find("word/document.xml")
        if entry is None:
            raise UnreadableTranscript(f"{name}: not a Word document (no word/document.xml)",
                                       "save it again as a .docx from Word or LibreOffice")
        xml = archive.read(entry)
    try:
        root = safe.fromstring(xml, forbid_dtd=True)
    except (DefusedXmlException, safe.ParseError) as exc:
        raise UnreadableTranscript(f"{name}: the document's XML cannot be read safely "
                                   f"({' '.join(str(exc).split())[:200]})") from None
    return "\n".join(_paragraphs(root))


def _paragraphs(root: Any) -> list[str]:
    """The text of each ``w:p``, in document order; a paragraph inside another (a text box) is one of its own."""
    out: list[str] = []
    open_: list[list[str]] = []  # the paragraphs being read, innermost last
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, leaving = stack.pop()
        if leaving:
            out.append("".join(open_.pop()))
            continue
        tag = element.tag
        if tag == _W + "p":
            open_.append([])
            stack.append((element, True))
        elif open_ and tag == _W + "t":
            open_[-1].append(element.text or "")
        elif open_ and tag == _W + "tab":
            open_[-1].append("\t")
        elif open_ and tag in (_W + "br", _W + "cr"):
            open_[-1].append("\n")
        stack.extend((child, False) for child in reversed(list(element)))
    return out


def lf_text(text: str) -> str:
    """``text`` with every Windows line end (CRLF) made ``\\n``, as cmograph counts places."""
    return text.replace("\r\n", "\n")


def line_of(text: str, index: int) -> int:
    """The line (from 1) of the character at ``index`` of an :func:`lf_text`."""
    return text.count("\n", 0, index) + 1


def locator(text: str, start: int, end: int) -> str:
    """How cmograph writes where a passage ``text[start:end]`` is (``text`` an :func:`lf_text`)."""
    first, last = line_of(text, start), line_of(text, max(start, end - 1))
    lines = f"line {first}" if first == last else f"lines {first}-{last}"
    return f"{lines}, characters {start}-{end}"
