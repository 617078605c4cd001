"""The if-then sentence cmograph writes for a configuration that has no ``statement``: its labels joined so that the
result reads as one sentence, whatever punctuation and capitals the labels bring with them.

Labels are often written as sentences of their own ("The TADA teams reassure patients."). At a join, a label's
closing punctuation is dropped and its first word is lower-cased when it is an ordinary capitalised word ("The",
"Staff"), but not when it is an acronym ("TADA", "NHS") or starts a run of capitalised words (a name such as
"Riverside Health Centre"); a label of several sentences has them joined with semicolons, each first word treated
the same way. A part the configuration does not name (a partial configuration) is said to be not yet known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SPACES = re.compile(r"\s+")
_CLOSING = " \t.,;:!?\u2026"  # punctuation a label may end with that would double up at a join
_WORD = re.compile(r"[A-Z][a-z\u2019'-]*(?=[\s,;:/)]|$)")  # "The", "Staff", "A"; not "TADA", "McKay"
_NAME = re.compile(r"[A-Z][a-z\u2019'-]+\s+[A-Z][a-z]")  # two capitalised words in a row: a name, kept as it is
_ARTICLES = ("The", "A", "An", "This", "These", "Those", "Some", "Many", "Most", "All", "No", "Not", "Each", "Every",
             "Both", "Their", "Its", "Our", "More", "Less", "Fewer")  # lower-cased even before a name
# a sentence's end inside a label: a full stop (or ! or ?) and a capital, not after an initial ("A. Example") or a
# common abbreviation ("e.g. The", "Dr. Smith")
_BREAK = re.compile(r"(?<=[a-z0-9)%\]\"\u201d\u2019])[.!?]\s+(?=[A-Z\"\u201c\u2018(])")
_INNER_CLOSING = re.compile(r"[.!?\u2026,;:]+(?=[\"\u201d\u2019')\]]+$)")  # 'it works."' -> 'it works"'
_ABBREVIATIONS = ("e.g", "i.e", "etc", "cf", "vs", "al", "approx", "dr", "mr", "mrs", "ms", "prof", "st", "no", "fig")


def phrase(label: str) -> str:
    """``label`` as a phrase inside a sentence: one line, its sentences joined with semicolons, no closing
    punctuation, no capital on an ordinary first word."""
    text = _INNER_CLOSING.sub("", _SPACES.sub(" ", label).strip().rstrip(_CLOSING))
    parts, start = [], 0
    for end in _BREAK.finditer(text):
        word = text[:end.start()].rsplit(" ", 1)[-1].lstrip("(").lower()
        if word not in _ABBREVIATIONS:
            parts.append(text[start:end.start()])
            start = end.end()
    parts.append(text[start:])
    return "; ".join(_lower_first(part) for part in parts)


def _lower_first(text: str) -> str:
    """``text`` with its first word lower-cased if it is an ordinary capitalised word."""
    word = _WORD.match(text)
    if word is None or word.group() == "I" or (_NAME.match(text) and word.group() not in _ARTICLES):
        return text
    return text[0].lower() + text[1:]


def listed(labels: Sequence[str]) -> str:
    """Several labels as one phrase: ``a and b``, ``a, b and c`` (a label holding a comma keeps ``and`` between
    every pair, so that its comma is not read as a separator)."""
    phrases = [p for p in map(phrase, labels) if p]
    if len(phrases) < 3 or any("," in p for p in phrases):
        return " and ".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def statement(contexts: Sequence[str], mechanisms: Sequence[str], outcomes: Sequence[str], triggered: bool) -> str:
    """The sentence for a configuration with these labels; an empty list is a part not yet known."""
    context, mechanism, outcome = listed(contexts), listed(mechanisms), listed(outcomes)
    where = f"In the context of {context}" if context else "In a context not yet identified"
    several = len(mechanisms) > 1
    mechanism = mechanism or "a mechanism not yet identified"
    outcome = outcome or "an outcome not yet known"
    if not triggered:
        return f"{where}, {mechanism} {'are' if several else 'is'} not triggered, and the outcome is {outcome}."
    return f"{where}, {mechanism} {'lead' if several else 'leads'} to {outcome}."
