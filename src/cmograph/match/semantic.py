"""Semantic similarity: each label embedded by WordLlama (its ``l2_supercat`` token embeddings, averaged over the
label's tokens and cut to their first :data:`DIMENSIONS` dimensions, which it was trained to allow), and two labels
scored by the cosine of their embeddings.

The weights and the tokenizer ship inside the ``wordllama`` wheel (the ``match`` extra: ``pip install
'cmograph[match]'``): they are read from the installed package, with ``safetensors`` and ``tokenizers``, and nothing
is ever downloaded. Without the package, :func:`available` says so and matching is lexical only.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from cmograph.errors import UsageError

DIMENSIONS = 64  # of the model's 256: measured best on the labelled pairs (docs/match.md)
TOP = 10  # a label's most similar labels considered, at most
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
MODEL = f"WordLlama l2_supercat, {DIMENSIONS} dimensions"


def _folder() -> Path | None:
    """Where the ``wordllama`` package is installed, found without importing it (its import sets up logging)."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder if (folder / WEIGHTS).is_file() and (folder / TOKENIZER).is_file() else None


def available() -> bool:
    """Whether the semantic step can run: the ``match`` extra is installed."""
    return _folder() is not None and all(
        importlib.util.find_spec(name) is not None for name in ("numpy", "safetensors", "tokenizers"))


def version() -> str:
    from importlib.metadata import version as installed

    return installed("wordllama")


@cache
def _model() -> tuple[Any, Any]:
    """The token embeddings (cut to :data:`DIMENSIONS`) and the tokenizer, read from the installed package."""
    folder = _folder()
    if folder is None or not available():
        raise UsageError("semantic matching needs the wordllama package, which is not installed",
                         "install it with `pip install 'cmograph[match]'`, or use --method lexical")
    import os

    # no thread pool in the tokenizer: a process that forks workers later (a project's files are checked in
    # forked processes) would hang on its locks
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import numpy as np
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    weights = load_file(str(folder / WEIGHTS))["embedding.weight"][:, :DIMENSIONS]
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return np.ascontiguousarray(weights, dtype=np.float32), tokenizer


def embed(labels: Sequence[str]) -> Any:
    """The unit-length embedding of each label (a ``len(labels)`` x :data:`DIMENSIONS` array)."""
    import numpy as np

    weights, tokenizer = _model()
    out = np.zeros((len(labels), weights.shape[1]), dtype=np.float32)
    for start in range(0, len(labels), 512):
        encoded = tokenizer.encode_batch(list(labels[start:start + 512]), add_special_tokens=False)
        for row, enc in enumerate(encoded, start):
            ids = np.clip(np.asarray(enc.ids, dtype=np.int64), 0, weights.shape[0] - 1)
            if len(ids):
                out[row] = weights[ids].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def candidates(groups: Sequence[str], labels: Sequence[str], threshold: float) -> Iterator[tuple[int, int, float]]:
    """Pairs ``(i, j, score)``, ``i < j``, of labels in different ``groups`` whose cosine similarity is at least
    ``threshold``, each label taking its :data:`TOP` most similar labels at most."""
    import numpy as np

    if len(labels) < 2:
        return
    vectors = embed(labels)
    group_ids = np.unique(np.asarray(groups, dtype=object), return_inverse=True)[1]
    seen: set[tuple[int, int]] = set()
    for start in range(0, len(labels), 1024):
        block = vectors[start:start + 1024] @ vectors.T
        rows = np.arange(start, start + len(block))
        block[group_ids[rows][:, None] == group_ids[None, :]] = -1.0  # never two labels of one evaluation
        top = min(TOP, block.shape[1])
        best = np.argpartition(-block, top - 1, axis=1)[:, :top]
        for r, i in enumerate(rows):
            for j in best[r]:
                score = float(block[r, j])
                pair = (min(i, j), max(i, j))
                if score >= threshold and pair not in seen:
                    seen.add(pair)
                    yield int(pair[0]), int(pair[1]), min(score, 1.0)
