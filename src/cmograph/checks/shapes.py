"""Run the SHACL shapes on a file's triples and turn each result into a :class:`Diagnostic` at its place in the file.

A user never sees a raw SHACL report: each result names the file and line, the item (``cmocs[BS3]``), the key
(``context``) and, in the words of :mod:`cmograph.checks.messages`, what was found, what was expected and a hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, SH, Graph
from rdflib.term import Node

from cmograph.checks.messages import Finding, explain
from cmograph.diagnostics import Diagnostic, Location, Severity
from cmograph.format.model import TOP_LEVEL_KEYS
from cmograph.ingest.build import Origin
from cmograph.resources import data

SEVERITIES = {SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}  # else an error


@dataclass
class Locator:
    """Maps graph nodes back to places in the file for messages."""

    file: str
    origins: dict[Node, Origin]
    key_lines: dict[tuple[Node, str], int]
    ids: dict[str, dict[str, str]]
    prefixes: dict[str, str] = field(default_factory=dict)  # as declared under 'prefixes' in the file
    rdf: bool = False  # an RDF file: hints name properties and RDF terms, not keys


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes shipped with cmograph."""
    text = (data("shapes") / "cmograph.shapes.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


@cache
def compiled_shapes() -> Any:
    """The shapes compiled by pyshacl-turbo, once (before worker processes are forked, so that they inherit them)."""
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(shapes_graph(), advanced=True)  # type: ignore[no-untyped-call]


def shacl_results(data: Graph | ox.Store | bytes, engine: str = "turbo") -> tuple[bool, Graph]:
    """Run the shapes on ``data`` (an RDF file's graph, N-Triples of an evidence file as Oxigraph writes them, or a
    store: kept only for the test that the text gives a store's results): with pyshacl-turbo (compiled once; measured
    10-15x faster, same results, see bench/RESULTS.md) or, for comparison, with pySHACL."""
    if engine == "pyshacl":
        from pyshacl import validate

        if isinstance(data, bytes):
            data = Graph().parse(data=data, format="nt")
        conforms, results, _ = validate(data,  # type: ignore[arg-type]
                                        shacl_graph=shapes_graph(), inference="none", advanced=True,
                                        allow_warnings=True)
    else:
        given: Any = data
        if isinstance(data, bytes):
            # given as text, which turbo reads natively: a store would be made only to be written out as text
            # again for turbo to read (a third of the time of checking a file's shapes)
            from pyshacl_turbo.rdf import Input

            given = Input(data.decode("utf-8"), "oxigraph-nquads", None, {}, preserve_ids=True)
        conforms, results, _ = compiled_shapes().validate(given, inference="none", allow_warnings=True)
    assert isinstance(results, Graph)
    return bool(conforms), results


def shape_diagnostics(data: Graph | ox.Store | bytes, locator: Locator, engine: str = "turbo") -> list[Diagnostic]:
    """What the shapes find wrong in ``data``, one diagnostic per problem, in order."""
    conforms, results = shacl_results(data, engine)
    if conforms:
        return []
    shapes = shapes_graph()
    found = list(results.subjects(RDF.type, SH.ValidationResult))
    mistyped = {_value_at(results, r) for r in found
                if results.value(r, SH.sourceConstraintComponent) == SH.DatatypeConstraintComponent}
    return sorted({diagnostic(results, shapes, r, locator) for r in found  # a value not of its type: one message
                   if results.value(r, SH.sourceConstraintComponent) != SH.PatternConstraintComponent
                   or _value_at(results, r) not in mistyped})


def _value_at(results: Graph, result: Node) -> tuple[Node | None, ...]:
    return tuple(results.value(result, p) for p in (SH.focusNode, SH.resultPath, SH.value))


def diagnostic(results: Graph, shapes: Graph, result: Node, locator: Locator) -> Diagnostic:
    """The diagnostic for one SHACL ``result``: where it is in the file, and what it means."""
    focus = results.value(result, SH.focusNode)
    component = results.value(result, SH.sourceConstraintComponent)
    shape = results.value(result, SH.sourceShape)
    severity = SEVERITIES.get(results.value(result, SH.resultSeverity), Severity.ERROR)  # type: ignore[call-overload]
    key = shapes.value(shape, SH.name)
    key_name = None if key is None else str(key)
    origin = locator.origins.get(focus) if focus is not None else None
    where = origin.where if origin else str(focus)
    line = None
    if origin is not None:
        line = locator.key_lines.get((focus, (key_name or "").split(".")[0])) or origin.line  # type: ignore[arg-type]
    written = (focus, key_name or "") in locator.key_lines
    # a required key not written: a minimum count, or a node shape's rule naming a key (what a partial item may lack)
    absent = not written and (component == SH.MinCountConstraintComponent or (
        component == SH.OrConstraintComponent and results.value(result, SH.resultPath) is None))
    if origin is not None and origin.section.name == "evaluation" and key_name in TOP_LEVEL_KEYS:
        where = key_name
    elif key_name and not absent:
        where = f"{where}.{key_name}"
    finding = Finding(component, shape, shapes, results.value(result, SH.value), key_name, origin,
                      focus is not None and written, results.value(result, SH.resultPath),
                      results.value(result, SH.resultMessage), locator.ids, locator.prefixes, locator.rdf)
    message, hint = explain(finding)
    return Diagnostic(Location(locator.file, line), where, message, hint, severity)
