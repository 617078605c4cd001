"""Quotes checked against their transcripts.

A source may name its transcript (``transcript: transcripts/interview-3.txt``, a plain-text or ``.docx`` file, the
path relative to the evidence file's project: the nearest folder at or above the file that holds
``cmograph.toml``, else the file's own folder). Each evidence ``quote`` of that source must then be in the
transcript, word for word, with these differences allowed: white space (any run of spaces, tabs and line breaks
is one space), straight or curly quote marks (``'``, ``"``, their curly forms, ``«`` and ``»``), dashes and
hyphens (``-`` and the Unicode hyphens and dashes), and left-out words marked ``...``, an ellipsis character or
``[...]`` (a gap: the parts around it must come in that order). Outer quote marks around the whole quote are
ignored.

- A quote that is not in its transcript is an error at the quote, naming the closest passage and its line.
- A quote that is there, in an item with no ``locator``, gets one suggested (information).
- A transcript path that is absolute or leads out of the project is an error; one that names no file is a
  warning (transcripts are often kept out of shared copies), and the quotes of that source are not checked.
"""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from cmograph.diagnostics import Diagnostic, Location, Severity
from cmograph.errors import InputError
from cmograph.ingest.files import project_root
from cmograph.ingest.transcripts import lf_text, line_of, locator, transcript_text
from cmograph.ingest.yaml_json import Document, Path_

_SAME = str.maketrans({**dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`\u00b4", "'"),
                       **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
                       **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")})
_GAP = re.compile(r"\[\s*(?:\.{3,}|\u2026)\s*\]|\.{3,}|\u2026")
_OUTER = "'\" "
MAX_STARTS = 10_000  # places tried for the first part of a quote with gaps
SHOWN = 100  # characters of the closest passage shown


@dataclass
class Normal:
    """A text as quotes are compared with it, and where each of its characters came from in the original."""

    text: str
    starts: list[int]  # index in the original of the character that gave text[k]
    ends: list[int]  # index just after it

    def original(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normal:
    """``text`` with white space runs made one space, quote marks and dashes made plain, ``…`` made ``...``, and
    combining marks joined to the letter before them (so a decomposed é is an é)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                ends[-1] = index + 1
                continue
            char = " "
        elif unicodedata.combining(char) and out:
            joined = unicodedata.normalize("NFC", out[-1] + char)
            if len(joined) == 1:
                out[-1] = joined
                ends[-1] = index + 1
                continue
        elif char == "\u2026":
            out.extend("...")
            starts.extend([index] * 3)
            ends.extend([index + 1] * 3)
            continue
        out.append(char.translate(_SAME))
        starts.append(index)
        ends.append(index + 1)
    return Normal("".join(out), starts, ends)


def quote_parts(quote: str) -> list[str]:
    """The parts of a quote between its gaps, normalised, outer quote marks and white space dropped."""
    parts = [normalise(part).text.strip() for part in _GAP.split(quote)]
    if parts:
        parts[0] = parts[0].lstrip(_OUTER)
        parts[-1] = parts[-1].rstrip(_OUTER)
    return [p for p in parts if p]


def find_quote(transcript: Normal, parts: list[str]) -> tuple[int, int] | None:
    """Where the parts of a quote are, in order, in ``transcript`` (the shortest such stretch), as a span of the
    normalised text; None when they are not."""
    if not parts:
        return None
    text = transcript.text
    best: tuple[int, int] | None = None
    last = [-1] * len(parts)  # where each later part was last found: still the first one after a later start
    at = text.find(parts[0])
    tried = 0
    while at >= 0 and tried < MAX_STARTS:
        end = at + len(parts[0])
        for k, part in enumerate(parts[1:], 1):
            found = last[k] if last[k] >= end else text.find(part, end)
            if found < 0:
                return best
            last[k] = found
            end = found + len(part)
        if best is None or end - at < best[1] - best[0]:
            best = (at, end)
        if len(parts) == 1:
            return best
        at = text.find(parts[0], at + 1)
        tried += 1
    return best


def closest(transcript: Normal, parts: list[str]) -> tuple[int, int] | None:
    """The stretch of ``transcript`` (as a normalised span) most like the quote: windows of as many words as the
    quote, ranked by the words they share with it, the best few compared letter by letter."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", transcript.text)]
    wanted_words = " ".join(parts).split()
    if not words or not wanted_words:
        return None
    size = min(len(wanted_words), len(words))
    wanted = Counter(wanted_words)
    window: Counter[str] = Counter()
    shared = 0
    ranked: list[tuple[int, int]] = []  # (shared words, first word)
    for index, (start, end) in enumerate(words):
        word = transcript.text[start:end]
        window[word] += 1
        shared += window[word] <= wanted[word]
        if index >= size:
            gone_start, gone_end = words[index - size]
            gone = transcript.text[gone_start:gone_end]
            shared -= window[gone] <= wanted[gone]
            window[gone] -= 1
        if index >= size - 1:
            ranked.append((shared, index - size + 1))
    ranked = heapq.nsmallest(5, ranked, key=lambda r: (-r[0], r[1]))
    if not ranked or ranked[0][0] == 0:
        return None
    quote = " ".join(parts)

    def likeness(first: int) -> float:
        start, end = words[first][0], words[first + size - 1][1]
        return difflib.SequenceMatcher(None, quote, transcript.text[start:end], autojunk=False).ratio()

    first = max((r[1] for r in ranked), key=lambda f: (likeness(f), -f))
    return words[first][0], words[first + size - 1][1]


@dataclass
class _Transcript:
    name: str  # as the file names it
    text: str  # lf_text of the transcript
    normal: Normal


def check_quotes(doc: Document) -> list[Diagnostic]:
    """The quotes of ``doc`` checked against the transcripts its sources name (see the module's docstring)."""
    data = doc.data
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, list) or not any(isinstance(s, dict) and "transcript" in s for s in sources):
        return []
    out: list[Diagnostic] = []
    root = project_root(doc.path)
    read: dict[str, _Transcript | None] = {}
    by_source: dict[str, _Transcript] = {}
    for index, source in enumerate(sources):
        if not isinstance(source, dict) or not isinstance(source.get("transcript"), str):
            continue
        where = f"sources[{source.get('id')}].transcript"
        place = Location(doc.name, doc.line(("sources", index, "transcript")))
        name = source["transcript"]
        if name not in read:
            read[name] = _read(root, name, place, where, out)
        transcript = read[name]
        if transcript is not None and isinstance(source.get("id"), str):
            by_source[source["id"]] = transcript
    for ci, cmoc in enumerate(data.get("cmocs") or []):
        if not isinstance(cmoc, dict):
            continue
        for ei, item in enumerate(cmoc.get("evidence") or []):
            if not isinstance(item, dict) or not isinstance(item.get("quote"), str):
                continue
            source = item.get("source")
            transcript = by_source.get(source) if isinstance(source, str) else None
            if transcript is not None:
                path: Path_ = ("cmocs", ci, "evidence", ei, "quote")
                where = f"cmocs[{cmoc.get('id')}].evidence[{ei + 1}].quote"
                out.extend(_checked(item, transcript, Location(doc.name, doc.line(path)), where))
    return out


def _read(root: Path, name: str, place: Location, where: str, out: list[Diagnostic]) -> _Transcript | None:
    """The transcript ``name`` (relative to ``root``), or None with its problem added to ``out``."""
    written = name.replace("\\", "/")
    if PurePosixPath(written).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        out.append(Diagnostic(place, where, f"'{name}' is an absolute path; a transcript is named by its path "
                              "relative to the project", "move the transcript into the project folder and give its "
                              "path from there, e.g. transcripts/interview-3.txt"))
        return None
    if ".." in PurePosixPath(written).parts:
        out.append(Diagnostic(place, where, f"'{name}' leads out of the project ('..'); a transcript must be in the "
                              "project", "move the transcript into the project folder and give its path from there"))
        return None
    path = root / written
    try:
        inside = path.resolve().is_relative_to(root.resolve())
        there = path.is_file()
    except (OSError, ValueError) as exc:  # a name too long, a NUL in it, a loop of links
        out.append(Diagnostic(place, where, f"'{name}' cannot be a transcript's path ({exc})",
                              "give the path of a file in the project"))
        return None
    if not inside:
        out.append(Diagnostic(place, where, f"'{name}' leads out of the project (through a link); a transcript must "
                              "be in the project", "copy the transcript into the project folder"))
        return None
    if not there:
        out.append(Diagnostic(place, where, f"no transcript at '{name}' (looked for {path}); the quotes of this source "
                              "are not checked", "put the transcript there, or correct the path",
                              Severity.WARNING))
        return None
    try:
        text = lf_text(transcript_text(path, name))
    except InputError as exc:
        out.append(Diagnostic(place, where, exc.message, exc.hint))
        return None
    return _Transcript(name, text, normalise(text))


def _checked(item: dict[str, Any], transcript: _Transcript, place: Location, where: str) -> list[Diagnostic]:
    parts = quote_parts(item["quote"])
    found = find_quote(transcript.normal, parts)
    if found is None:
        near = closest(transcript.normal, parts)
        if near is None:
            said = "nothing in it is close"
        else:
            start, end = transcript.normal.original(*near)
            passage = " ".join(transcript.text[start:end].split())
            shown = passage if len(passage) <= SHOWN else passage[:SHOWN] + "\u2026"
            said = f"the closest passage, at line {line_of(transcript.text, start)}, is: \u201c{shown}\u201d"
        return [Diagnostic(place, where, f"the quote is not in its transcript {transcript.name}; {said}",
                           "quote the transcript's words (white space, quote marks and dashes may differ; mark "
                           "left-out words with ... or [...])")]
    if "locator" in item:
        return []
    start, end = transcript.normal.original(*found)
    suggested = locator(transcript.text, start, end)
    return [Diagnostic(place, where, f"the quote is in {transcript.name} at {suggested.split(',')[0]}",
                       f"add locator: '{suggested}'", Severity.INFO)]
