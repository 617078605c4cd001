"""Propose mappings: candidate pairs of elements of the same kind in different evaluations, by lexical matching and,
when it is installed, semantic similarity; and the clusters they join elements into."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from cmograph.match import lexical, semantic
from cmograph.match.elements import Element

Method = Literal["auto", "lexical", "semantic"]
# the best thresholds on the labelled pairs (docs/match.md): stems' Jaccard index alone, or with the cosine of the
# WordLlama embeddings beside it (which finds most of what a low Jaccard index would, and less noise)
LEXICAL_ALONE = 0.2
LEXICAL_WITH_SEMANTIC = 0.34
SEMANTIC_THRESHOLD = 0.45
LEXICAL = "semapv:LexicalMatching"
SEMANTIC = "semapv:SemanticSimilarityThresholdMatching"


@dataclass(frozen=True)
class Mapping:
    """A proposed mapping between two elements, how it was found, and its score (0 to 1)."""

    subject: Element
    object: Element
    predicate: str  # skos:exactMatch (the same label) or skos:closeMatch
    justification: str
    score: float
    comment: str


@dataclass
class Proposal:
    """What matching proposes, and which methods it used (``lexical``, ``semantic``)."""

    mappings: list[Mapping]
    methods: list[str]

    def describe(self) -> str:
        if "semantic" in self.methods:
            return f"lexical + semantic ({semantic.MODEL}, wordllama {semantic.version()})"
        return "lexical only" + ("" if semantic.available() else " (install 'cmograph[match]' to add semantic "
                                 "similarity)")


def propose(found: Sequence[Element], method: Method = "auto") -> Proposal:
    """Mappings between ``found`` elements of the same kind and different evaluations, best first."""
    if method == "semantic" and not semantic.available():
        semantic.embed([])  # raises the error that says how to install it
    methods = ["lexical"] + (["semantic"] if method == "semantic" or (method == "auto" and semantic.available())
                             else [])
    lexical_threshold = LEXICAL_WITH_SEMANTIC if "semantic" in methods else LEXICAL_ALONE
    by_kind: dict[str, list[Element]] = defaultdict(list)
    for element in found:
        by_kind[element.kind].append(element)
    pairs: dict[tuple[str, str], Mapping] = {}
    for items in by_kind.values():
        groups = [e.evaluation for e in items]
        labels = [e.label for e in items]
        for i, j, score in lexical.candidates(groups, labels, lexical_threshold):
            exact = lexical.normalised(labels[i]) == lexical.normalised(labels[j])
            pairs[items[i].iri, items[j].iri] = Mapping(
                items[i], items[j], "skos:exactMatch" if exact else "skos:closeMatch", LEXICAL, score,
                "the same label" if exact else f"shared word stems (Jaccard {score:.2f})")
        if "semantic" in methods:
            for i, j, score in semantic.candidates(groups, labels, SEMANTIC_THRESHOLD):
                key = (items[i].iri, items[j].iri)
                if key not in pairs:
                    pairs[key] = Mapping(items[i], items[j], "skos:closeMatch", SEMANTIC, score,
                                         f"similar meaning (cosine {score:.2f})")
    ordered = sorted(pairs.values(), key=lambda m: (-m.score, m.subject.iri, m.object.iri))
    return Proposal(ordered, methods)


def mutual_best(mappings: Sequence[Mapping]) -> list[tuple[str, str]]:
    """The pairs of elements each of which is the other's best-scored match: what proposed clusters join (joining
    every proposed pair would chain unlike elements together through like ones)."""
    best: dict[str, tuple[float, str]] = {}
    for m in mappings:
        for a, b in ((m.subject.iri, m.object.iri), (m.object.iri, m.subject.iri)):
            if a not in best or m.score > best[a][0]:
                best[a] = (m.score, b)
    return sorted({(min(a, b), max(a, b)) for a, (_, b) in best.items() if best[b][1] == a})


def clusters(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The groups of items that ``pairs`` join, directly or through others (each sorted; largest first)."""
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for item in parent:
        groups[root(item)].append(item)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))
