"""Control characters in output: shown escaped to people, written as ``\\u`` escapes in data formats that have
them, and escaped in any data printed on a terminal, so that no text from the data can move the cursor, clear the
screen, retitle the terminal or reorder a line, while data written to a file or a program reads back exactly."""

from __future__ import annotations

import re

from cmograph.diagnostics import one_line

_BREAKS = re.compile(r"\r\n|[\t\n\r]")
# what JSON and RDF writers leave raw: DEL, the C1 controls (U+009B starts a terminal command, as ESC [ does), the
# line separators and the bidirectional formatting characters; the C0 controls other than tab and line breaks are
# listed too, although the writers escape them already
_RAW = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ON_SCREEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # \r too


def readable(text: str) -> str:
    """``text`` for a person's screen, on one line: tabs and line breaks as spaces, and every other character that
    could control the terminal or reorder the line escaped as ``validate`` shows it (``ESC`` as ``\\u001b``)."""
    if text.isprintable():  # every character escaped below is unprintable: most text is returned at once
        return text
    return one_line(_BREAKS.sub(" ", text))


def u_escaped(text: str) -> str:
    """Text written by a JSON or RDF writer with its remaining control and formatting characters as ``\\uXXXX``.

    Those characters only occur inside the strings and IRIs of such text, where a ``\\u`` escape means the same
    character: the data is unchanged for any reader, and nothing raw reaches a terminal."""
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def on_screen(text: str) -> str:
    """Data (CSV, TSV) for a terminal: tabs and line feeds as they are, every other control or formatting character
    as ``\\uXXXX`` (a carriage return too, which would let the rest of a line overwrite its start)."""
    return _ON_SCREEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
