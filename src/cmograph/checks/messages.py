"""What a SHACL result says in plain words: one entry per constraint component in :data:`MESSAGES`, each giving the
message and hint for a result of its component (as pySHACL has one class per constraint).

A result of a component not in the table, or one its entry does not explain, says what the shape says
(``sh:message``) or, failing that, names the component.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from rdflib import SH, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from cmograph.format.generate import curie
from cmograph.format.model import (
    ENUMERATIONS,
    NUMBER_DECIMALS,
    NUMBER_DIGITS,
    NUMBER_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    Partial,
    Section,
    section_for_class,
)
from cmograph.format.values import kept_decimal
from cmograph.ingest.build import Origin

NOTATIONS: dict[Node, str] = {e.iri(v): v for e in ENUMERATIONS for v in e.values}

Explained = tuple[str, str | None]
"""A message and its hint."""


@dataclass(frozen=True)
class Finding:
    """One SHACL result with what its message may name: the shape that failed, the value, the key and the item, and
    what the file holds (its ids by section, its declared prefixes)."""

    component: Node | None
    shape: Node | None
    shapes: Graph
    value: Node | None
    key: str | None
    origin: Origin | None
    written: bool  # the key is in the file (with no value in it, if the result is of sh:minCount)
    path: Node | None  # sh:resultPath
    custom: Node | None  # sh:resultMessage
    ids: dict[str, dict[str, str]] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    rdf: bool = False  # an RDF file: hints name properties and RDF terms, not keys

    @property
    def shown(self) -> str:
        return show(self.value)

    @property
    def noun(self) -> str:
        return self.origin.section.noun if self.origin else "item"

    def of_shape(self, predicate: Node) -> Node | None:
        """The value of ``predicate`` on the shape that failed (its ``sh:in``, ``sh:class``, ``sh:datatype``...)."""
        return self.shapes.value(self.shape, predicate)


def explain(finding: Finding) -> Explained:
    """The message and hint for ``finding``."""
    entry = MESSAGES.get(finding.component) if finding.component is not None else None
    explained = entry(finding) if entry is not None else None
    if explained is not None:
        return explained
    if finding.custom is not None:
        return str(finding.custom), None
    return f"does not conform ({show(finding.component)})", None


def show(value: Node | None) -> str:
    """A value as the file wrote it: a literal's text, an enumeration value's notation, an IRI's last segment."""
    if value is None:
        return ""
    if isinstance(value, Literal):
        return str(value)
    if value in NOTATIONS:
        return NOTATIONS[value]
    return unquote(re.split(r"[/#]", str(value))[-1]) or str(value)


# ---------------------------------------------------------------------------------------------- one per component


def _min_count(f: Finding) -> Explained:
    if f.written:
        return f"'{f.key}' is empty", f"give at least one {_target_noun(f) or 'value'}"
    if f.key == "cmograph":
        return "missing required key 'cmograph'", ("add cmo:formatVersion 1 to the cmo:Evaluation node" if f.rdf
                                                   else "add 'cmograph: 1' as the first line of the file")
    hint = f"add {curie(str(f.of_shape(SH.path)))} to this {f.noun}" if f.rdf else f"add '{f.key}:' to this {f.noun}"
    return f"missing required key '{f.key}'", hint


def _max_count(f: Finding) -> Explained:
    return f"'{f.key}' takes one value, found several", "keep one"


def _in(f: Finding) -> Explained:
    shown, rdf = f.shown, f.rdf
    if f.key == "cmograph" and shown == "1":
        return "the format version is written as text", ('write cmo:formatVersion 1 as a number, not "1"' if rdf
                                                          else "write cmograph: 1 without quotes")
    if f.key == "cmograph":
        return (f"format version {shown} is not supported", "this release reads version 1 "
                + ("graphs: write cmo:formatVersion 1" if rdf else "files: write 'cmograph: 1'"))
    head = f.of_shape(SH["in"])
    values = [] if head is None else list(f.shapes.items(head))
    options = {NOTATIONS.get(v, str(v)): curie(str(v)) if rdf else NOTATIONS.get(v, str(v)) for v in values}
    written = shown
    if rdf:  # an IRI such as cmo:DirectionNoChang: compared as the value it names ('no-chang')
        enumeration = next((e for e in ENUMERATIONS if e.iri(e.values[0]) in values), None)
        words = shown.removeprefix(enumeration.name if enumeration else "")
        written = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", words).lower()
    close = difflib.get_close_matches(written, list(options), n=1, cutoff=0.5)
    hint = f"did you mean '{options[close[0]]}'? " if close else ""
    return f"'{shown}' is not a valid value for '{f.key}'", f"{hint}use one of: {', '.join(options.values())}"


def _class(f: Finding) -> Explained:
    target = f.of_shape(SH["class"])
    section = section_for_class(target) if isinstance(target, URIRef) else None
    if section is None:
        return f"'{f.shown}' is not the right kind of element", None
    message, hint = not_in_file(f.shown, section, f.ids.get(section.name, {}), f.origin, f.rdf)
    if f.key == "at":
        stop = "" if hint.endswith(("?", ".")) else "."
        hint += (f"{stop} A date goes in cmo:atDate instead." if f.rdf
                 else f"{stop} A date (YYYY-MM-DD, YYYY-MM or YYYY) is accepted too.")
    return message, hint


def not_in_file(shown: str, section: Section, ids: Iterable[str], origin: Origin | None,
                rdf: bool) -> tuple[str, str]:
    """The message for ``shown``, written where an id of ``section`` goes but naming no item of it in the file
    (``ids``), found in the item ``origin``."""
    every = set(ids)
    known = every - ({origin.item_id or ""} if origin is not None and origin.section is section else set())
    close = difflib.get_close_matches(shown, list(known), n=1, cutoff=0.4)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif known:
        hint = f"the {section.noun} ids are: {', '.join(sorted(known)[:8])}{' ...' if len(known) > 8 else ''}"
    elif origin is not None and origin.item_id in every:
        hint = f"'{origin.item_id}' itself is the only {section.noun} in this file"
    elif rdf:
        hint = f"type the node {curie(str(section.cls))}."
    else:
        hint = f"add a {section.noun} with this id under '{section.name}:'"
    return f"'{shown}' is not a {section.noun} in this file", hint


def _datatype(f: Finding) -> Explained:
    shown = f.shown
    datatype = f.of_shape(SH.datatype)
    if datatype == XSD.decimal and _is_long_number(shown):
        return _too_many_digits(shown)
    expected = {str(XSD.decimal): "a number", str(XSD.boolean): "true or false",
                str(XSD.gYear): "a year (e.g. 2009)", str(XSD.string): "text"}.get(str(datatype), str(datatype))
    if f.rdf:
        expected = f"an {curie(str(datatype))}"
    return f"'{shown}' is not {expected}", _datatype_hint(datatype, f.rdf)


def _or(f: Finding) -> Explained | None:
    partial = f.origin.section.partial if f.origin else None
    if f.path is None and partial is not None and f.key in partial.parts:  # required unless the item is partial
        return _missing_part(f, partial)
    if f.path is None and partial is not None and f.key == partial.key and f.custom is not None:
        return str(f.custom), (f"with all three it is complete: give it the {partial.key} the evidence gives it, "
                               "e.g. hypothesised or supported; with only one, add another from the study")
    if f.path is None:
        return None
    if any(f.shapes.value(choice, SH.nodeKind) is not None for choice in _choices(f)):  # people: text or an IRI
        return f"'{f.shown}' is neither a name nor an IRI", ('write a name as an xsd:string, or the IRI of the '
                                                            'person (an ORCID iD)' if f.rdf else "write a name")
    return f"'{f.shown}' is not an ISO 8601 date", ('write an xsd:date, xsd:gYearMonth or xsd:gYear, e.g. '
                                                    '"2008-05"^^xsd:gYearMonth' if f.rdf
                                                    else "write YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2008-05")


def _choices(f: Finding) -> list[Node]:
    """The alternatives of the ``sh:or`` of the shape that failed."""
    head = f.of_shape(SH["or"])
    return [] if head is None else list(f.shapes.items(head))


def _missing_part(f: Finding, partial: Partial) -> Explained:
    """A key that only a partial item may lack, missing or empty."""
    assert f.origin is not None and f.key is not None
    keys = {k.name: k for k in f.origin.section.keys}
    status = keys[partial.key].enum
    assert status is not None
    if f.rdf:
        return (f"missing required key '{f.key}'", f"add {curie(str(keys[f.key].iri))} to this {f.noun}; if the "
                f"study does not give one yet, add {curie(str(keys[partial.key].iri))} "
                f"{curie(str(status.iri(partial.value)))}")
    if f.written:
        return f"'{f.key}' is empty", (f"give at least one {f.key} id; if the study does not give one yet, leave "
                                       f"'{f.key}' out and mark the {f.noun} '{partial.key}: {partial.value}'")
    return f"missing required key '{f.key}'", (f"add '{f.key}:' to this {f.noun}; if the study does not give one "
                                               f"yet, mark the {f.noun} '{partial.key}: {partial.value}'")


def _node_kind(f: Finding) -> Explained:
    shown = f.shown
    if f.key == "doi":
        return _not_a_doi(f)
    if f.key == "url":
        return f"'{shown}' is not a web address", ("write it as an IRI, e.g. <https://example.org/report>" if f.rdf
                                                   else "start it with https:// or http://")
    if f.rdf:
        return f"'{shown}' is not an IRI", "write it as an IRI, e.g. <https://w3id.org/cmograph/concepts/x>"
    prefix, _, local = shown.partition(":")
    if local and prefix in f.prefixes:  # declared (as an absolute IRI: see check_structure)
        return (f"'{shown}' does not make an IRI with its prefix: '{f.prefixes[prefix]}{local}'",
                f"write the part after '{prefix}:' without spaces or <>\"{{}}|^`\\")
    return (f"'{shown}' is not an IRI or a CURIE with a declared prefix",
            "declare its prefix under 'prefixes:' or write the full IRI")


def _pattern(f: Finding) -> Explained:
    shown = f.shown
    if f.key == "doi":
        return _not_a_doi(f)
    pattern = str(f.of_shape(SH.pattern))
    if pattern == TEXT_PATTERN:
        return _blank(f)
    if pattern == NUMBER_PATTERN:
        return _too_many_digits(shown)
    if pattern == SLUG_PATTERN:
        return f"'{shown}' is not a slug", "use lower-case letters, digits and hyphens"
    return f"'{shown}' is not a usable id", "ids hold no spaces, '/', '#' or '?'; e.g. 'CMOC1' or 'c-staffing'"


MESSAGES: dict[Node, Callable[[Finding], Explained | None]] = {
    SH.MinCountConstraintComponent: _min_count,
    SH.MaxCountConstraintComponent: _max_count,
    SH.InConstraintComponent: _in,
    SH.ClassConstraintComponent: _class,
    SH.DatatypeConstraintComponent: _datatype,
    SH.OrConstraintComponent: _or,
    SH.NodeKindConstraintComponent: _node_kind,
    SH.PatternConstraintComponent: _pattern,
}
"""The message of each constraint component the shapes use; an entry may return ``None`` for a result it does not
explain."""


# ---------------------------------------------------------------------------------------------- shared wording


def _not_a_doi(f: Finding) -> Explained:
    """A DOI that is not one, or (in an RDF file) not written as its doi.org IRI: one message, whichever of the
    key's two constraints found it."""
    shown = str(f.value)
    if f.rdf:
        return f"'{shown}' is not a DOI's IRI", "write it as an IRI, e.g. <https://doi.org/10.1108/14777260910942597>"
    return (f"'{shown}' is not a DOI",
            "write the DOI bare (10.1108/14777260910942597), as doi:10.1108/... or as https://doi.org/10.1108/...; "
            "leave 'doi' out if there is none")


def _is_long_number(text: str) -> bool:
    """Whether ``text`` is a number, with more digits than cmograph keeps (the builder writes it as text)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number.is_finite() and kept_decimal(number) is None


def _too_many_digits(shown: str) -> Explained:
    return (f"'{shown}' has more digits than cmograph keeps (at most {NUMBER_DIGITS} before the decimal point and "
            f"{NUMBER_DECIMALS} after it)",
            "round it, or give it in a larger or smaller unit and say so under 'unit'")


def _blank(f: Finding) -> Explained:
    """Text that says nothing: the key's own description says what to write."""
    subject = f"'{f.key}'" if f.of_shape(SH.maxCount) is not None else f"a value of '{f.key}'"
    what = "is empty" if f.shown == "" else "holds only white space"
    optional = "" if f.of_shape(SH.minCount) is not None else f", or leave '{f.key}' out"
    return f"{subject} {what}", f"write {f.of_shape(SH.description)}{optional}"


def _datatype_hint(datatype: Node | None, rdf: bool) -> str | None:
    if datatype == XSD.decimal:
        if rdf:
            return ("write it without units, e.g. 3.5 or 42.0 in Turtle, where 42 alone is an xsd:integer; "
                    "put the unit in cmo:unit")
        return "write the number without units or quotes, e.g. 42 or 3.5; put the unit under 'unit'"
    if datatype == XSD.boolean:
        return "write true or false"
    return None


def _target_noun(f: Finding) -> str | None:
    target = f.of_shape(SH["class"]) if f.shape is not None else None
    section = section_for_class(target) if isinstance(target, URIRef) else None
    return f"{section.noun} id" if section else None
