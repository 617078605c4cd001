"""What answers questions: the embedded store or a remote endpoint, behind one small interface."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from cmograph.query.types import Row

if TYPE_CHECKING:
    from cmograph.query.names import NameIndex

# whether there are several evaluations: two are enough to tell
EVALUATIONS_QUERY = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
SELECT DISTINCT ?e WHERE { ?e a cmo:Evaluation } LIMIT 2
"""


class Engine(Protocol):
    """Something that answers SPARQL SELECT queries: the embedded store or a remote endpoint."""

    def select(self, sparql: str) -> tuple[list[str], list[Row]]:
        """Run a SELECT query; rows map variable names to plain Python values (IRIs as strings)."""
        ...

    def several_evaluations(self) -> bool:
        """Whether the data holds more than one evaluation (see :func:`several_evaluations`)."""
        ...

    @property
    def lateral(self) -> bool:
        """Whether the engine runs ``LATERAL`` (Oxigraph does; it is not SPARQL 1.1)."""
        ...

    @property
    def concurrent(self) -> bool:
        """Whether two queries may run at once, each on its own thread (the embedded store's run outside Python's
        lock)."""
        ...

    def names(self) -> NameIndex | None:
        """The engine's index of element names, if it keeps one (see :mod:`cmograph.names`)."""
        ...

    def check_default_graph(self) -> None:
        """Raise if the data is there but the queries cannot see it (asked only when an answer is empty)."""
        ...


def several_evaluations(engine: Engine) -> bool:
    """Whether the data holds more than one evaluation: a question shows its ``evaluation`` column only then."""
    _, rows = engine.select(EVALUATIONS_QUERY)
    return len(rows) > 1
