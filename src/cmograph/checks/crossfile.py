"""What is wrong only among several files: an evaluation given by two of them, or two evaluations with one IRI; and
how each file is named so that it is told apart from the others."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from rdflib import URIRef

from cmograph.checks.results import CheckedFile, EvaluationGraph
from cmograph.diagnostics import Diagnostic, Location


def display_names(paths: Sequence[Path]) -> dict[Path, str]:
    """How each file is named in messages: by its name, or, where several files share that name (in different
    folders), by its path below the folder they have in common (``site-a/interviews.yaml``)."""
    by_name: dict[str, set[str]] = {}
    for path in paths:
        by_name.setdefault(path.name, set()).add(os.path.abspath(path))
    shown: dict[Path, str] = {}
    for path in paths:
        same = by_name[path.name]
        if len(same) == 1:
            shown[path] = path.name
        else:
            shown[path] = Path(os.path.abspath(path)).relative_to(os.path.commonpath(list(same))).as_posix()
    return shown


class Claims:
    """The evaluations of the files met so far, by id and by named graph, so that a later file giving one again is
    told (an error in the later file)."""

    def __init__(self, shown: dict[Path, str]) -> None:
        self.shown = shown  # see display_names
        self.ids: dict[str, Path] = {}
        self.graphs: dict[URIRef, tuple[str, Path]] = {}  # named graph -> the evaluation it holds, and its file

    def claim(self, item: CheckedFile) -> list[Diagnostic]:
        """The evaluations of ``item`` that an earlier file gave; remember the others."""
        name = self.shown.get(item.path, item.path.name)
        found = []
        for graph in item.graphs:
            if graph.evaluation_id in self.ids:
                other = self.ids[graph.evaluation_id]
                found.append(Diagnostic(
                    Location(name), "evaluation.id",
                    f"the evaluation '{graph.evaluation_id}' is also in {self.shown.get(other, other.name)}",
                    "give each evaluation its own id, or keep only one of the two files"))
            elif graph.graph in self.graphs:
                owner, path = self.graphs[graph.graph]
                found.append(shared_graph(name, graph, owner, self.shown.get(path, path.name)))
            self.ids[graph.evaluation_id] = item.path
            self.graphs.setdefault(graph.graph, (graph.evaluation_id, item.path))
        return found


def shared_graph(file: str, graph: EvaluationGraph, owner: str, owner_file: str) -> Diagnostic:
    """The error for an evaluation whose IRI, and so its named graph, is another evaluation's: loading both would
    mix them in one graph, and dropping one would drop the other's data."""
    iri = str(graph.graph).removesuffix("/graph")
    return Diagnostic(Location(file), "evaluation", f"the evaluation '{graph.evaluation_id}' has the IRI <{iri}>, "
                      f"which is the evaluation '{owner}' of {owner_file}", "give each evaluation its own IRI")
