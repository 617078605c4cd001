"""What checking a file gives: its evaluations' graphs, ready to load, and its report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
        return cls.of_ntriples(evaluation_id, graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")

    @classmethod
    def of_ntriples(cls, evaluation_id: str, graph: URIRef, ntriples: bytes) -> EvaluationGraph:
        """The graph of the triples ``ntriples`` (as Oxigraph writes them: one a line, each ending `` .``; a line
        break in a literal is written ``\\n``), each put in the named graph by adding its name before the dot
        (a third of the time of making and writing quads)."""
        name = ox.NamedNode(str(graph))  # checks the IRI
        return cls(evaluation_id, graph, ntriples.replace(b" .\n", f" {name} .\n".encode()))

    def quads(self) -> list[ox.Quad]:
        return list(ox.parse(self.nquads, format=ox.RdfFormat.N_QUADS))

    def size(self) -> int:
        """How many distinct triples the graph holds (read back from the N-Quads: not for hot paths)."""
        return len(set(self.quads()))


@dataclass(frozen=True)
class Reference:
    """A reference written in a file to an item outside it (``riverside-wards/CMO1``): the IRI it names, the
    item and key that hold it (``cmocs[R1].derived_from[1].cmocs``) and their line."""

    target: str
    where: str
    line: int | None = None

    def to_json(self) -> list[object]:
        return [self.target, self.where, self.line]

    @classmethod
    def from_json(cls, value: list[Any]) -> Reference:
        return cls(str(value[0]), str(value[1]), None if value[2] is None else int(value[2]))


@dataclass
class Items:
    """What a file gives that other files may name, and what it names of theirs: its evaluations (IRI -> id), its
    configurations' IRIs, and its references outside itself."""

    evaluations: dict[str, str] = field(default_factory=dict)
    configurations: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)


@dataclass
class CheckedFile:
    """One file after checking: its content hash, its evaluations (if it conforms) and its report."""

    path: Path
    digest: str
    stat: tuple[int, ...] | None = None  # see cmograph.checks.pipeline.file_stat: taken before reading
    graphs: list[EvaluationGraph] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    items: Items = field(default_factory=Items)  # what other files may name, and what it names of theirs
