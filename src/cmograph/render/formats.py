"""Every output format, registered once: answer formats (``RENDERERS``), RDF export formats (``EXPORTS``) and
every format ``cmograph export`` writes (``EXPORT_CHOICES``: those, a workbook and nanopublications).

The command line offers the names and aliases registered here, and nothing else names a format. The code that
writes a format is named as ``"module:function"`` and imported only when that format is used, so listing the
formats (``cmograph --help``) imports no heavy library. A new format is one function, one entry here, and a line
in the docs. (Formats are named tuples rather than dataclasses because those are much quicker to define.)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, NamedTuple, Protocol, TypeVar

from cmograph.errors import UsageError

if TYPE_CHECKING:
    from cmograph.query.types import Cell


class Options(NamedTuple):
    """How answers are written: ``width`` bounds table lines; ``keep_formulas`` writes CSV and TSV text cells that
    a spreadsheet would run as formulas exactly as they are (by default they get a leading ``'``)."""

    width: int = 80
    keep_formulas: bool = False


Rows = Sequence[Mapping[str, "Cell"]]
RenderFunction = Callable[[Sequence[str], Rows, Options], str]


class Format(Protocol):
    """A format's name, the other names it answers to, and what it is (for the help)."""

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


class Renderer(NamedTuple):
    """An answer format, written by ``function`` (``"module:function"``). ``for_people``: the text is for reading,
    so control characters are shown escaped and an empty answer is a sentence; otherwise it is data, exact for
    programs, and that sentence goes to standard error."""

    name: str
    title: str
    function: str
    aliases: tuple[str, ...] = ()
    for_people: bool = False

    def load(self) -> RenderFunction:
        """The function that writes this format (``columns, rows, options -> text``)."""
        module, _, name = self.function.partition(":")
        function: RenderFunction = getattr(importlib.import_module(module), name)
        return function


class RdfFormat(NamedTuple):
    """An RDF export format: ``oxigraph`` names its ``pyoxigraph.RdfFormat``; ``prefixes``: written with the common
    prefixes (``cmo:``, ``dcterms:``, ...)."""

    name: str
    title: str
    oxigraph: str
    aliases: tuple[str, ...] = ()
    prefixes: bool = False


F = TypeVar("F", bound=Format, covariant=True)


class Registry(Mapping[str, F], Generic[F]):
    """Formats by name; an alias finds its format too (``EXPORTS["ttl"]`` is Turtle). Iterating gives the names."""

    def __init__(self, what: str, formats: Iterable[F]) -> None:
        self.what = what
        self._formats = {f.name: f for f in formats}
        self._spellings = {n: f for f in self._formats.values() for n in (f.name, *f.aliases)}
        assert len(self._spellings) == sum(1 + len(f.aliases) for f in self._formats.values()), "a name twice"

    def __getitem__(self, name: str) -> F:
        return self._spellings[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)

    def spellings(self) -> list[str]:
        """Every name a user may give: each format's name, followed by its aliases."""
        return list(self._spellings)

    def find(self, name: str) -> F:
        """The format called ``name``; raises :class:`UsageError` naming the choices if there is none."""
        if name not in self._spellings:
            raise UsageError(f"there is no {self.what} '{name}'", f"use one of {', '.join(self.spellings())}")
        return self._spellings[name]


RENDERERS: Registry[Renderer] = Registry("output format", [
    Renderer(name="table", title="a table wrapped to the terminal", function="cmograph.render.table:render",
             for_people=True),
    Renderer(name="csv", title="comma-separated values", function="cmograph.render.delimited:csv_text"),
    Renderer(name="tsv", title="tab-separated values", function="cmograph.render.delimited:tsv_text"),
    Renderer(name="json", title="a JSON list of objects", function="cmograph.render.json_rows:render"),
    Renderer(name="markdown", title="a Markdown table", aliases=("md",), function="cmograph.render.markdown:render",
             for_people=True),
])
EXPORTS: Registry[RdfFormat] = Registry("RDF format", [
    RdfFormat(name="turtle", title="Turtle", aliases=("ttl",), oxigraph="TURTLE", prefixes=True),
    RdfFormat(name="nt", title="N-Triples", oxigraph="N_TRIPLES"),
    RdfFormat(name="jsonld", title="JSON-LD", oxigraph="JSON_LD"),
    RdfFormat(name="trig", title="TriG", oxigraph="TRIG", prefixes=True),
    RdfFormat(name="nquads", title="N-Quads", aliases=("nq",), oxigraph="N_QUADS"),
])


class OtherExport(NamedTuple):
    """An export that is not the graph in an RDF format, written by code of its own that ``cmograph export`` calls:
    a workbook, from evidence files (:mod:`cmograph.render.workbook`), or nanopublications
    (:mod:`cmograph.publish.nanopub`)."""

    name: str
    title: str
    aliases: tuple[str, ...] = ()


EXPORT_CHOICES: Registry[Format] = Registry("export format", [
    *EXPORTS.values(), OtherExport(name="xlsx", title="a cmograph workbook of one evaluation"),
    OtherExport(name="nanopub", title="each configuration as a nanopublication, in TriG")])


def render(columns: Sequence[str], rows: Rows, fmt: str, options: Options | None = None) -> str:
    """The rows in format ``fmt`` (a name or alias of :data:`RENDERERS`), 80 columns wide unless told."""
    return RENDERERS.find(fmt).load()(columns, rows, options or Options())
