"""Measure `cmograph match`: precision and recall on the labelled pairs of tests/data/matching/pairs.tsv, and the
time to match 10,000 labels.

    python -m bench.match quality              # precision, recall, F1 at the shipped thresholds, and a sweep
    python -m bench.match speed --labels 10000 # seconds to propose mappings for N labels (lexical, then both)

The 10,000 labels are SYNTHETIC: words of the real labels of tests/data/matching/elements.tsv recombined at random
(seed 1) into labels of 2 to 12 words, spread over 40 made-up evaluations and the three kinds.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from pathlib import Path

from cmograph.match import lexical, semantic
from cmograph.match.elements import Element
from cmograph.match.propose import LEXICAL_ALONE, LEXICAL_WITH_SEMANTIC, SEMANTIC_THRESHOLD, propose

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "matching"


def pairs() -> list[dict[str, str]]:
    with open(DATA / "pairs.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def scores(rows: list[dict[str, str]]) -> tuple[list[float], list[float]]:
    """Each pair's lexical score (as matching computes it) and cosine similarity."""
    lex = []
    for r in rows:
        same = lexical.normalised(r["label_a"]) == lexical.normalised(r["label_b"])
        lex.append(1.0 if same else lexical.jaccard(lexical.stems(r["label_a"]), lexical.stems(r["label_b"])))
    if not semantic.available():
        return lex, [0.0] * len(rows)
    a = semantic.embed([r["label_a"] for r in rows])
    b = semantic.embed([r["label_b"] for r in rows])
    return lex, [float(x) for x in (a * b).sum(axis=1)]


def measure(predicted: list[bool], truth: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def quality(sweep: bool) -> None:
    rows = pairs()
    truth = [r["same"] == "1" for r in rows]
    lex, sem = scores(rows)
    print(f"{len(rows)} labelled pairs, {sum(truth)} the same; semantic step: "
          f"{semantic.MODEL if semantic.available() else 'not installed'}")
    print("| method | threshold | precision | recall | F1 |\n|---|---|---|---|---|")
    p, r, f = measure([x >= LEXICAL_ALONE for x in lex], truth)
    print(f"| lexical only | Jaccard >= {LEXICAL_ALONE} | {p:.2f} | {r:.2f} | {f:.2f} |")
    if semantic.available():
        p, r, f = measure([x >= LEXICAL_WITH_SEMANTIC or y >= SEMANTIC_THRESHOLD
                           for x, y in zip(lex, sem, strict=True)], truth)
        print(f"| lexical + semantic | Jaccard >= {LEXICAL_WITH_SEMANTIC} or cosine >= {SEMANTIC_THRESHOLD} "
              f"| {p:.2f} | {r:.2f} | {f:.2f} |")
    if sweep:
        print("\nsweep (F1): lexical threshold t; lexical + semantic with cosine threshold s")
        for t in (0.2, 0.25, 0.3, 0.34, 0.4, 0.5):
            line = f"t={t:.2f} lexical {measure([x >= t for x in lex], truth)[2]:.3f}"
            if semantic.available():
                for s in (0.4, 0.45, 0.5, 0.55, 0.6):
                    both = [x >= t or y >= s for x, y in zip(lex, sem, strict=True)]
                    line += f" | s={s:.2f} {measure(both, truth)[2]:.3f}"
            print(line)


def synthetic(n: int, seed: int = 1) -> list[Element]:
    with open(DATA / "elements.tsv", encoding="utf-8", newline="") as handle:
        words = [w for row in csv.DictReader(handle, delimiter="\t") for w in row["label"].split()]
    rng = random.Random(seed)
    kinds = ("context", "mechanism", "outcome")
    out = []
    for i in range(n):
        evaluation, kind = f"study-{i % 40:02d}", kinds[i % 3]
        label = " ".join(rng.choice(words) for _ in range(rng.randint(2, 12)))
        out.append(Element(f"https://example.org/{evaluation}/{kind}/e{i}", evaluation, f"e{i}", kind, label))
    return out


def speed(n: int) -> None:
    found = synthetic(n)
    for method in ("lexical", "auto"):
        started = time.perf_counter()
        proposal = propose(found, method)  # type: ignore[arg-type]
        took = time.perf_counter() - started
        print(f"{n} labels, {proposal.describe()}: {len(proposal.mappings)} mappings in {took:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("quality").add_argument("--sweep", action="store_true")
    sub.add_parser("speed").add_argument("--labels", type=int, default=10_000)
    args = parser.parse_args()
    if args.what == "quality":
        quality(args.sweep)
    else:
        speed(args.labels)


if __name__ == "__main__":
    main()
