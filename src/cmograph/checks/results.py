"""What checking a file gives: its evaluations' graphs, ready to load, and its report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from cmograph.diagnostics import ValidationReport


@dataclass
class EvaluationGraph:
    """The triples of one evaluation in its named graph, as N-Quads: what the store loads and keeps as the graph's
    snapshot, and cheap to pass from the process that checked the file to the one that writes the store."""

    evaluation_id: str
    graph: URIRef
    nquads: bytes

    @classmethod
    def of(cls, evaluation_id: str, graph: URIRef, triples: Sequence[ox.Triple]) -> EvaluationGraph:
        name = ox.NamedNode(str(graph))
        quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        return cls(evaluation_id, graph, ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

    def quads(self) -> list[ox.Quad]:
        return list(ox.parse(self.nquads, format=ox.RdfFormat.N_QUADS))

    def size(self) -> int:
        """How many distinct triples the graph holds (read back from the N-Quads: not for hot paths)."""
        return len(set(self.quads()))


@dataclass
class CheckedFile:
    """One file after checking: its content hash, its evaluations (if it conforms) and its report."""

    path: Path
    digest: str
    stat: tuple[int, ...] | None = None  # see cmograph.checks.pipeline.file_stat: taken before reading
    graphs: list[EvaluationGraph] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
