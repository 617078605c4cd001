"""Where a REFI-QDA selection is in its text: the programs count characters differently.

The standard counts Unicode code points from 0. ATLAS.ti counts a Windows line end (CRLF) as one character;
NVivo counts it as two, and is taken to count UTF-16 code units (a character beyond U+FFFF, such as most emoji, as
two); MAXQDA is taken to count as ATLAS.ti does. A reading is one of the four combinations. Which one a project
uses is found by trying each on every selection (see :func:`fits`) and keeping the one under which most fit,
the program named by the project's ``origin`` breaking ties.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property

from cmograph.ingest.transcripts import lf_text

READINGS: dict[str, str] = {
    "cp_lf": "Unicode code points, a CRLF line end counted as one character",
    "cp_crlf": "Unicode code points, a CRLF line end counted as two characters",
    "u16_lf": "UTF-16 code units (a character beyond U+FFFF counts two), a CRLF line end counted as one",
    "u16_crlf": "UTF-16 code units (a character beyond U+FFFF counts two), a CRLF line end counted as two",
}
HABITS: tuple[tuple[str, str, str], ...] = (  # a word of the project's origin, the program, its reading
    ("nvivo", "NVivo", "u16_crlf"), ("atlas", "ATLAS.ti", "cp_lf"), ("maxqda", "MAXQDA", "cp_lf"),
)
_ELLIPSES = ("\u2026", "...")


def program(origin: str) -> tuple[str | None, list[str]]:
    """The program named by a project's ``origin`` (or None) and the readings to try, its own first."""
    lowered = origin.lower()
    for word, name, reading in HABITS:
        if word in lowered:
            return name, [reading, *(r for r in READINGS if r != reading)]
    return None, list(READINGS)


@dataclass
class Text:
    """A source's text as stored (``\\r\\n`` kept), and places in it under each reading, as places of its
    :func:`~cmograph.ingest.transcripts.lf_text` (where cmograph counts)."""

    stored: str

    @cached_property
    def lf(self) -> str:
        return lf_text(self.stored)

    @cached_property
    def _crlfs(self) -> list[int]:  # where each CRLF of the stored text starts
        found, at = [], self.stored.find("\r\n")
        while at >= 0:
            found.append(at)
            at = self.stored.find("\r\n", at + 2)
        return found

    @cached_property
    def _wide_stored(self) -> list[int]:  # UTF-16 offsets of the characters beyond U+FFFF, in the stored text
        return _wide(self.stored)

    @cached_property
    def _wide_lf(self) -> list[int]:
        return _wide(self.lf)

    def differs(self) -> bool:
        """Whether the readings can give different places (the text has a CRLF or a character beyond U+FFFF)."""
        return bool(self._crlfs or self._wide_stored)

    def place(self, reading: str, position: int) -> int | None:
        """``position`` under ``reading`` as an index of :attr:`lf`; None when it is outside the text or inside
        a character (between the two halves of a CRLF or of a UTF-16 surrogate pair)."""
        wide = self._wide_lf if reading.endswith("_lf") else self._wide_stored
        index = _from_utf16(position, wide) if reading.startswith("u16") else position
        if index is None:
            return None
        if reading.endswith("_lf"):
            return index if 0 <= index <= len(self.lf) else None
        if not 0 <= index <= len(self.stored):
            return None
        crlfs = bisect_left(self._crlfs, index - 1)  # CRLFs wholly before index
        if crlfs < len(self._crlfs) and self._crlfs[crlfs] == index - 1:
            return None  # between CR and LF
        return index - crlfs

    def span(self, reading: str, start: int, end: int) -> tuple[int, int] | None:
        first, last = self.place(reading, start), self.place(reading, end)
        if first is None or last is None or first > last:
            return None
        return first, last


def _wide(text: str) -> list[int]:
    """The UTF-16 offset at which each character beyond U+FFFF of ``text`` starts."""
    offsets: list[int] = []
    if text.isascii():
        return offsets
    for index, char in enumerate(text):
        if ord(char) > 0xFFFF:
            offsets.append(index + len(offsets))
    return offsets


def _from_utf16(offset: int, wide: list[int]) -> int | None:
    before = bisect_left(wide, offset)
    if before and wide[before - 1] + 1 == offset:
        return None  # between the two halves of a surrogate pair
    return offset - before


def spans(text: Text, readings: list[str], start: int, end: int) -> dict[str, tuple[int, int]]:
    """The passage (as a span of ``text.lf``) a selection gives under each reading that keeps it inside the text,
    on whole characters, and not empty."""
    found = {}
    for reading in readings:
        span = text.span(reading, start, end)
        if span is not None and text.lf[span[0]:span[1]].strip():
            found[reading] = span
    return found


def fitting(text: Text, found: dict[str, tuple[int, int]], name: str | None) -> dict[str, tuple[int, int]]:
    """Of the ``found`` spans, those that look like what was selected: the ones whose text the selection's name is
    (ATLAS.ti writes the quoted text there, shortened with an ellipsis), when the name is the text of any; else
    those that start and end at the edges of words."""
    by_name = {r: s for r, s in found.items() if name and names_text(text.lf[s[0]:s[1]], name)}
    return by_name or {r: s for r, s in found.items() if _edge(text.lf, s[0]) and _edge(text.lf, s[1])}


def names_text(passage: str, name: str) -> bool:
    """Whether ``name`` is the text of ``passage`` (white space aside), or its start followed by an ellipsis."""
    shown = " ".join(name.split())
    truncated = shown.endswith(_ELLIPSES)
    for ellipsis in _ELLIPSES:
        shown = shown.removesuffix(ellipsis)
    said = " ".join(passage.split())
    return bool(shown) and (said == shown or (truncated and said.startswith(shown.rstrip())))


def _edge(text: str, index: int) -> bool:
    return index <= 0 or index >= len(text) or not (text[index - 1].isalnum() and text[index].isalnum())
