"""Lexical matching: labels reduced to the stems of their words (Snowball's English stemmer, common words left
out), and two labels scored by the Jaccard index of their stems, found through an inverted index so that only
labels that share a stem are ever compared."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import cache

_STOP_WORDS = ("a an the of to and or in on for by with at from as is are was were be been being this that these those "
               "their they them it its who which when if where there can may will into than then so such our your his "
               "her we you i has have had do does did")
STOP = frozenset(_STOP_WORDS.split())
COMMON = 0.05  # a stem in more than this share of the labels (and at least 50 of them) does not pair labels alone
_WORD = re.compile(r"[^\W_]+")


def normalised(label: str) -> str:
    """``label`` compared as text: Unicode-normalised, case-folded, punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", label).casefold()
    return " ".join(_WORD.findall(text.replace("\u2019", "").replace("'", "")))  # apostrophes join


@cache
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def stems(label: str) -> frozenset[str]:
    """The stems of the words of ``label`` that carry meaning."""
    words = [w for w in normalised(label).split() if w not in STOP]
    return frozenset(_stemmer().stemWords(words))  # type: ignore[attr-defined]


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def candidates(groups: Sequence[str], labels: Sequence[str], threshold: float) -> Iterator[tuple[int, int, float]]:
    """Pairs ``(i, j, score)``, ``i < j``, of labels in different ``groups`` (evaluations) whose stems' Jaccard
    index is at least ``threshold``, or whose normalised text is the same (score 1)."""
    bags = [stems(label) for label in labels]
    texts = [normalised(label) for label in labels]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, bag in enumerate(bags):
        for stem in bag:
            postings[stem].append(i)
    common = max(50, int(COMMON * len(labels)))
    same_text: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        same_text[text].append(i)
    for i, bag in enumerate(bags):
        shared: dict[int, int] = defaultdict(int)
        for stem in bag:
            posting = postings[stem]
            if len(posting) > common:
                continue
            for j in posting:
                if j > i:
                    shared[j] += 1
        for j in same_text[texts[i]]:
            if j > i and groups[j] != groups[i]:
                shared.setdefault(j, 0)
        for j in shared:
            if groups[j] == groups[i]:
                continue
            score = 1.0 if texts[i] == texts[j] else jaccard(bag, bags[j])  # counts any common stem too
            if score >= threshold:
                yield i, j, score
