"""Turn a parsed evidence file into RDF triples, remembering where every node and key came from.

The builder writes what the file says and nothing else; values that are not what a key expects (an unknown
enumeration value, a date that is not ISO 8601, a reference to a missing id) are still written, as plain literals
or as IRIs of missing elements, so that the shapes catch them and the user sees every problem at once.
Only problems that make a graph impossible (a list where a mapping must be, an unknown key, a duplicate id, no
evaluation id) are reported here, by :func:`check_structure`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import RDF, RDFS, SH, XSD, Literal, URIRef
from rdflib.term import Node

from cmograph.diagnostics import Diagnostic
from cmograph.errors import UsageError
from cmograph.format.model import (
    EVALUATION,
    LIST_BY_NAME,
    LISTS,
    NUMBER_DECIMALS,
    NUMBER_DIGITS,
    NUMBER_PATTERN,
    SLUG_PATTERN,
    TOP_LEVEL_KEYS,
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
CONCEPT_SCHEME = re.compile(r"^(?:https?://|urn:)", re.IGNORECASE)  # a concept is named on the web or by a URN


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


# ---------------------------------------------------------------------------------------------- structure


def check_structure(doc: Document) -> list[Diagnostic]:
    """Problems that stop a graph being built: wrong shapes of values, unknown keys, duplicate ids."""
    out: list[Diagnostic] = []

    def report(path: Path_, where: str, message: str, hint: str | None = None) -> None:
        out.append(Diagnostic(doc.name, doc.line(path), where, message, hint))

    data = doc.data
    if not isinstance(data, dict):
        report((), "", f"the file must be a mapping of keys (cmograph, evaluation, ...), found {_kind(data)}",
               "start the file with 'cmograph: 1' and 'evaluation:'")
        return out
    _unknown_keys(data, TOP_LEVEL_KEYS, (), "", report)
    evaluation = data.get("evaluation")
    if evaluation is None:
        report((), "", "missing required key 'evaluation'", "add 'evaluation:' with at least 'id' and 'title'")
    elif not isinstance(evaluation, dict):
        report(("evaluation",), "evaluation", f"expected a mapping (id, title, ...), found {_kind(evaluation)}")
    else:
        _check_item(doc, evaluation, EVALUATION, ("evaluation",), "evaluation", report)
        eid = evaluation.get("id")
        if eid is None:
            report(("evaluation",), "evaluation", "missing required key 'id'",
                   "add a short slug such as 'id: ford-2009'; every IRI of the evaluation is built from it")
        elif _is_scalar(eid) and (not isinstance(eid, str) or not re.fullmatch(SLUG_PATTERN, eid)):  # else told above
            report(("evaluation", "id"), "evaluation.id", f"'{doc.text(('evaluation', 'id'), eid)}' is not a slug",
                   "use lower-case letters, digits and hyphens, e.g. 'ford-2009'")
    prefixes = data.get("prefixes")
    if prefixes is not None and not (
        isinstance(prefixes, dict) and all(isinstance(v, str) for v in prefixes.values())
    ):
        report(("prefixes",), "prefixes", "expected a mapping of prefix to IRI",
               "e.g. 'prefixes: {cmoc: https://w3id.org/cmograph/concepts/}'")
    elif prefixes is not None:
        for prefix, namespace in prefixes.items():
            if not (ABSOLUTE_IRI.match(namespace) and is_iri(namespace)):
                report(("prefixes", prefix), f"prefixes.{prefix}",
                       f"'{doc.text(('prefixes', prefix), namespace)}' is not an absolute IRI",
                       f"write in full the IRI '{prefix}:' stands for, e.g. 'https://w3id.org/cmograph/concepts/'")
            elif not CONCEPT_SCHEME.match(namespace):
                report(("prefixes", prefix), f"prefixes.{prefix}",
                       f"'{doc.text(('prefixes', prefix), namespace)}' is not an http, https or urn IRI",
                       "shared concepts are named by web IRIs, e.g. 'https://w3id.org/cmograph/concepts/', or URNs")
    for section in LISTS:
        items = data.get(section.name)
        if items is None:
            continue
        if not isinstance(items, list):
            report((section.name,), section.name, f"expected a list of {section.noun}s, found {_kind(items)}",
                   f"write each {section.noun} as an item starting with '- id:'")
            continue
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            path: Path_ = (section.name, i)
            if not isinstance(item, dict):
                report(path, f"{section.name}[{i + 1}]",
                       f"expected a {section.noun} (a mapping with id, ...), found {_kind(item)}")
                continue
            iid = item.get("id")
            where = f"{section.name}[{_scalar_text(doc, (*path, 'id'), iid) if _is_scalar(iid) else i + 1}]"
            _check_item(doc, item, section, path, where, report)
            if isinstance(iid, str) and iid.endswith(("\n", "\r")):  # a block scalar (id: |): the pattern misses it
                report((*path, "id"), f"{where}.id", "the id ends with a line break",
                       "write the id on the same line as 'id:', without '|' or '>'")
            elif _is_scalar(iid) and iid is not None:
                key = _scalar_text(doc, (*path, "id"), iid)
                if key in seen:
                    report((*path, "id"), where, f"the id '{key}' is used twice in {section.name}",
                           f"ids must be unique within a list; the first is at line {seen[key]}")
                else:
                    seen[key] = doc.line((*path, "id")) or 0
    return out


def _check_item(doc: Document, item: dict[str, Any], section: Section, path: Path_, where: str, report: Any) -> None:
    _unknown_keys(item, tuple(k.name for k in section.keys), path, where, report)
    for key in section.keys:
        if key.name not in item or item[key.name] is None:
            continue
        value = item[key.name]
        kpath = (*path, key.name)
        kwhere = f"{where}.{key.name}"
        if key.kind == "object":
            assert key.section is not None
            if not isinstance(value, dict):
                report(kpath, kwhere, f"expected a mapping, found {_kind(value)}")
            else:
                _check_item(doc, value, key.section, kpath, kwhere, report)
        elif key.kind == "objects":
            assert key.section is not None
            if not isinstance(value, list):
                report(kpath, kwhere, f"expected a list of {key.section.noun}s, found {_kind(value)}")
                continue
            for i, sub in enumerate(value):
                if isinstance(sub, dict):
                    _check_item(doc, sub, key.section, (*kpath, i), f"{kwhere}[{i + 1}]", report)
                else:
                    report((*kpath, i), f"{kwhere}[{i + 1}]", f"expected a {key.section.noun} (a mapping), "
                           f"found {_kind(sub)}")
        elif key.kind in ("refs", "texts"):
            values = value if isinstance(value, list) else [value]
            if not all(_is_scalar(v) for v in values):
                report(kpath, kwhere, f"expected {'ids' if key.kind == 'refs' else 'text'} or a list of them, "
                       f"found {_kind(value)}")
        elif not _is_scalar(value):
            report(kpath, kwhere, f"expected a single value, found {_kind(value)}",
                   "write one value on the same line as the key")


def _unknown_keys(mapping: dict[str, Any], known: tuple[str, ...], path: Path_, where: str, report: Any) -> None:
    for key in mapping:
        if key == "<<":
            hint = "cmograph does not read YAML merge keys ('<<: *name'); write the keys out in full"
        elif key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        else:
            continue
        report((*path, key), f"{where}.{key}".lstrip("."), f"unknown key '{key}'", hint)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"'{value}'"


def _scalar_text(doc: Document, path: Path_, value: Any) -> str:
    return doc.text(path, value)


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
        if local and prefix in self.prefixes and _concept_iri(self.prefixes[prefix] + local):
            return URIRef(self.prefixes[prefix] + local)
        if ABSOLUTE_IRI.match(text) and "://" in text and _concept_iri(text):
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


def _concept_iri(iri: str) -> bool:
    """Whether ``iri`` may name a shared concept: an IRI on the web (http, https) or a URN, as a ``url`` may only be
    http or https (no ``javascript:`` or ``file:`` link reaches the data)."""
    return bool(CONCEPT_SCHEME.match(iri)) and is_iri(iri)


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
