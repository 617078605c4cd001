"""Turn a parsed evidence file into RDF triples, remembering where every node and key came from.

The builder writes what the file says and nothing else; values that are not what a key expects (an unknown
enumeration value, a date that is not ISO 8601, a reference to a missing id) are still written, as plain literals
or as IRIs of missing elements, so that the shapes catch them and the user sees every problem at once.
Only problems that make a graph impossible (a list where a mapping must be, an unknown key, a duplicate id, no
evaluation id) are reported before, by :func:`cmograph.checks.structure.check_structure`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import RDF, RDFS, SH, XSD, Literal, URIRef
from rdflib.term import Node

from cmograph.errors import UsageError
from cmograph.format.model import (
    EVALUATION,
    LIST_BY_NAME,
    LISTS,
    NUMBER_DECIMALS,
    NUMBER_DIGITS,
    NUMBER_PATTERN,
    Key,
    Section,
)
from cmograph.format.terms import decimal_text
from cmograph.format.vocab import CMO, DEFAULT_BASE
from cmograph.ingest.yaml_json import Document, Path_

Triple = tuple[Node, Node, Node]

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
YEAR = re.compile(r"^\d{4}$")
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
HTTP_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Origin:
    """Where a node came from: its section, its place (``cmocs[BS3]``) and its line."""

    section: Section
    where: str
    line: int | None
    item_id: str | None = None


@dataclass
class Built:
    """The triples of one evaluation and the map back to the file."""

    evaluation_id: str
    evaluation: URIRef
    graph: URIRef
    triples: list[Triple] = field(default_factory=list)
    origins: dict[Node, Origin] = field(default_factory=dict)
    key_lines: dict[tuple[Node, str], int] = field(default_factory=dict)
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # section name -> id -> label
    prefixes: dict[str, str] = field(default_factory=dict)  # prefix -> namespace, as declared under 'prefixes'


def element_iri(base: str, evaluation_id: str, section: Section | None = None, item_id: str | None = None) -> URIRef:
    """The stable IRI of an evaluation (no section) or one of its elements."""
    root = base + quote(evaluation_id, safe="")
    if section is None:
        return URIRef(root)
    return URIRef(f"{root}/{section.path}/{segment(str(item_id))}")


def segment(text: str) -> str:
    """``text`` as one path segment of an IRI: percent-encoded, and ``.`` or ``..`` with their dots encoded too
    (as written, they would name the folder or its parent once the IRI is normalised)."""
    encoded = quote(text, safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def graph_iri(base: str, evaluation_id: str) -> URIRef:
    """The named graph that holds one evaluation."""
    return URIRef(base + quote(evaluation_id, safe="") + "/graph")


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


# ---------------------------------------------------------------------------------------------- triples


class _Builder:
    def __init__(self, doc: Document, base: str) -> None:
        self.doc = doc
        self.base = base
        data: dict[str, Any] = doc.data
        self.eid = str(data["evaluation"]["id"])
        eval_node = element_iri(base, self.eid)
        self.built = Built(self.eid, eval_node, graph_iri(base, self.eid))
        self.prefixes = self.built.prefixes = {str(k): str(v) for k, v in (data.get("prefixes") or {}).items()}
        for section in LISTS:
            labels: dict[str, str] = {}
            for i, item in enumerate(data.get(section.name) or []):
                if item.get("id") is not None:
                    iid = self.doc.text((section.name, i, "id"), item["id"])
                    label = item.get("label")
                    labels[iid] = iid if label is None else self.doc.text((section.name, i, "label"), label)
            self.built.ids[section.name] = labels

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.built.triples.append((s, p, o))

    def run(self) -> Built:
        data: dict[str, Any] = self.doc.data
        ev = self.built.evaluation
        self._origin(ev, EVALUATION, "evaluation", ("evaluation",), self.eid)
        self.add(ev, RDF.type, CMO.Evaluation)
        self.add(ev, CMO.inEvaluation, ev)
        if "cmograph" in data and data["cmograph"] is not None:
            version = data["cmograph"]
            self.add(ev, CMO.formatVersion, _int_literal(version))
            self.built.key_lines[(ev, "cmograph")] = self.doc.line(("cmograph",)) or 0
        evaluation = data["evaluation"]
        self._keys(ev, evaluation, EVALUATION, ("evaluation",))
        if evaluation.get("title") is not None:
            self.add(ev, RDFS.label, Literal(self.doc.text(("evaluation", "title"), evaluation["title"])))
        for prefix, namespace in sorted(self.prefixes.items()):
            declaration = URIRef(f"{ev}/prefix/{segment(prefix)}")
            self.add(ev, SH.declare, declaration)
            self.add(declaration, SH.prefix, Literal(prefix))
            self.add(declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI))
            self.add(declaration, CMO.inEvaluation, ev)
        for section in LISTS:
            for i, item in enumerate(data.get(section.name) or []):
                self._item(item, section, (section.name, i), i)
        return self.built

    def _origin(self, node: Node, section: Section, where: str, path: Path_, item_id: str | None) -> None:
        self.built.origins[node] = Origin(section, where, self.doc.line(path), item_id)

    def _item(self, item: dict[str, Any], section: Section, path: Path_, index: int) -> None:
        iid = None if item.get("id") is None else self.doc.text((*path, "id"), item["id"])
        node = element_iri(self.base, self.eid, section, iid if iid is not None else f"#{index + 1}")
        self._origin(node, section, f"{section.name}[{iid if iid is not None else index + 1}]", path, iid)
        assert section.cls is not None
        self.add(node, RDF.type, section.cls)
        self.add(node, CMO.inEvaluation, self.built.evaluation)
        self._keys(node, item, section, path)
        if section.name == "cmocs" and item.get("statement") is None:
            self.add(node, CMO.statement, Literal(self._render_statement(item)))
            self.add(node, CMO.statementGenerated, Literal(True))

    def _keys(self, node: URIRef, item: dict[str, Any], section: Section, path: Path_) -> None:
        for key in section.keys:
            value = item.get(key.name)
            if value is None and key.default is not None:
                value = key.default
            if value is None:
                continue
            kpath = (*path, key.name)
            self.built.key_lines[(node, key.name)] = self.doc.line(kpath) or 0
            for obj in self._objects(node, key, value, kpath):
                if key.predicate is not None:
                    self.add(node, key.predicate, obj)

    def _objects(self, node: URIRef, key: Key, value: Any, path: Path_) -> Iterator[Node]:
        kind = key.kind
        if kind in ("id", "text"):
            yield Literal(self.doc.text(path, value))
        elif kind == "texts":
            for i, v in enumerate(value if isinstance(value, list) else [value]):
                yield Literal(self.doc.text((*path, i) if isinstance(value, list) else path, v))
        elif kind == "year":
            text = self.doc.text(path, value)
            yield Literal(text, datatype=XSD.gYear) if YEAR.match(text) else Literal(text)
        elif kind == "bool":
            yield Literal(value) if isinstance(value, bool) else Literal(self.doc.text(path, value))
        elif kind == "number":
            yield _number_literal(value, self.doc.text(path, value))
        elif kind == "date":
            yield _date_literal(self.doc.text(path, value))
        elif kind == "enum":
            assert key.enum is not None
            text = self.doc.text(path, value)
            yield key.enum.iri(text) if text in key.enum.values else Literal(text)
        elif kind in ("ref", "refs"):
            assert key.target is not None
            values = value if isinstance(value, list) else [value]
            for i, v in enumerate(values):
                text = self.doc.text((*path, i) if isinstance(value, list) else path, v)
                yield self._ref(key.target, text)
        elif kind == "ref-or-date":
            text = self.doc.text(path, value)
            if DATE.match(text) or YEAR_MONTH.match(text) or YEAR.match(text):
                self.add(node, CMO.atDate, _date_literal(text))
            else:
                self.add(node, CMO.atPeriod, self._ref("periods", text))
        elif kind == "concept":
            yield self._concept(self.doc.text(path, value))
        elif kind == "url" or kind == "license":
            text = self.doc.text(path, value)
            yield URIRef(text) if HTTP_IRI.match(text) and is_iri(text) else Literal(text)
        elif kind == "programme":
            programme = URIRef(f"{self.built.evaluation}/programme")
            self.add(programme, RDF.type, CMO.Programme)
            self.add(programme, RDFS.label, Literal(self.doc.text(path, value)))
            self.add(programme, CMO.inEvaluation, self.built.evaluation)
            self._origin(programme, EVALUATION, "evaluation.programme", path, None)
            yield programme
        elif kind == "object":
            assert key.section is not None
            self._keys(node, value, key.section, path)
        elif kind == "objects":
            assert key.section is not None
            where = self.built.origins[node].where
            for i, sub in enumerate(value):
                child = URIRef(f"{node}/{key.section.path}/{i + 1}")
                self._origin(child, key.section, f"{where}.{key.name}[{i + 1}]", (*path, i), None)
                assert key.section.cls is not None
                self.add(child, RDF.type, key.section.cls)
                self.add(child, CMO.position, Literal(i + 1))
                self.add(child, CMO.inEvaluation, self.built.evaluation)
                self._keys(child, sub, key.section, (*path, i))
                yield child
        else:  # pragma: no cover - the model lists every kind above
            raise AssertionError(f"unhandled key kind {kind}")

    def _ref(self, section: str, text: str) -> Node:
        """The element an id names; no id at all (``''``) stays text, so that messages show it as written."""
        return element_iri(self.base, self.eid, LIST_BY_NAME[section], text) if text else Literal(text)

    def _concept(self, text: str) -> Node:
        prefix, _, local = text.partition(":")
        if local and prefix in self.prefixes and is_iri(self.prefixes[prefix] + local):
            return URIRef(self.prefixes[prefix] + local)
        if ABSOLUTE_IRI.match(text) and "://" in text and is_iri(text):
            return URIRef(text)
        return Literal(text)

    def _render_statement(self, item: dict[str, Any]) -> str:
        def labels(key: str, section: str) -> str:
            value = item.get(key)
            values = value if isinstance(value, list) else ([] if value is None else [value])
            names = [self.built.ids[section].get(str(v), str(v)) for v in values if _is_scalar(v)]
            return " and ".join(names) or "(none)"

        contexts = labels("context", "contexts")
        mechanisms = labels("mechanism", "mechanisms")
        outcomes = labels("outcome", "outcomes")
        if item.get("mechanism_activated") is False:
            return f"In the context of {contexts}, {mechanisms} is not triggered, and the outcome is {outcomes}."
        return f"In the context of {contexts}, {mechanisms} leads to {outcomes}."


def _int_literal(value: Any) -> Literal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Literal(value)
    return Literal(str(value))


def _number_literal(value: Any, text: str) -> Literal:
    """A number exactly as written, as an xsd:decimal in the canonical form stores keep (``3.50`` -> ``3.5``,
    ``1e3`` -> ``1000``); one with more digits than cmograph keeps, like text, stays the text written."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return Literal(text)
    try:
        number = Decimal(text)
    except InvalidOperation:  # YAML read it in another notation (!!int 0x1F)
        number = Decimal(str(value))
    lexical = kept_decimal(number)
    return Literal(text) if lexical is None else Literal(lexical, datatype=XSD.decimal)


def kept_decimal(number: Decimal) -> str | None:
    """The canonical xsd:decimal form of ``number``, exact, if it has no more digits than cmograph keeps
    (:data:`~cmograph.format.model.NUMBER_PATTERN`), else ``None``."""
    if not number.is_finite():
        return None
    if not number.is_zero() and not -NUMBER_DECIMALS <= number.adjusted() < NUMBER_DIGITS:
        return None  # too long, and not written out to find so (1e999 has a thousand digits)
    lexical = decimal_text(number)
    return lexical if re.fullmatch(NUMBER_PATTERN, lexical) else None


def _date_literal(text: str) -> Literal:
    if DATE.match(text):
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return Literal(text)
        return Literal(text, datatype=XSD.date)
    if YEAR_MONTH.match(text):
        return Literal(text, datatype=XSD.gYearMonth)
    if YEAR.match(text):
        return Literal(text, datatype=XSD.gYear)
    return Literal(text)


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI the store accepts (Oxigraph checks RFC 3987 strictly)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def build(doc: Document, base: str = DEFAULT_BASE) -> Built:
    """The triples of a structurally sound document (see :func:`check_structure`)."""
    if not is_iri(base + "x"):
        raise UsageError(f"the base IRI {base!r} is not an absolute IRI",
                         "set --base (or 'base' in cmograph.toml) to one like https://example.org/evaluations/")
    if not base.endswith(("/", "#")):  # evaluation ids are appended to it: ...evaluationsford-2009 is a typo
        raise UsageError(f"the base IRI {base!r} does not end with '/' or '#', so the evaluations' IRIs would run "
                         "into it", f"end --base (or 'base' in cmograph.toml) with a slash: {base}/")
    return _Builder(doc, base).run()
