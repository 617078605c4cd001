"""Turn a parsed evidence file into RDF triples, remembering where every node and key came from.

The builder writes what the file says and nothing else; values that are not what a key expects (an unknown
enumeration value, a date that is not ISO 8601, a reference to a missing id) are still written, as plain literals
or as IRIs of missing elements, so that the shapes catch them and the user sees every problem at once.
Only problems that make a graph impossible (a list where a mapping must be, an unknown key, a duplicate id, no
evaluation id) are reported before, by :func:`cmograph.checks.structure.check_structure`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from rdflib import RDF, RDFS, SH, XSD, Literal, URIRef
from rdflib.term import Node

from cmograph.errors import UsageError
from cmograph.format.kinds import KINDS
from cmograph.format.model import (
    EVALUATION,
    LIST_BY_NAME,
    LISTS,
    Section,
)
from cmograph.format.values import ABSOLUTE_IRI, is_iri
from cmograph.format.vocab import CMO, DEFAULT_BASE
from cmograph.ingest.statement import statement
from cmograph.ingest.yaml_json import Document, Path_, is_scalar

Triple = tuple[Node, Node, Node]
TYPE, IN_EVALUATION = RDF.type, CMO.inEvaluation  # made once: each use of RDF.type makes a new term


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


@lru_cache(maxsize=65536)
def element_iri(base: str, evaluation_id: str, section: Section | None = None, item_id: str | None = None) -> URIRef:
    """The stable IRI of an evaluation (no section) or one of its elements (the same term for each reference to
    it: a third of the build's terms, made once)."""
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



class _Builder:
    """Builds one file's triples, key by key, each as its kind says (:mod:`cmograph.format.kinds`)."""

    def __init__(self, doc: Document, base: str) -> None:
        self.doc = doc
        self.base = base
        data: dict[str, Any] = doc.data
        self.eid = str(data["evaluation"]["id"])
        self.evaluation = element_iri(base, self.eid)
        self.built = Built(self.eid, self.evaluation, graph_iri(base, self.eid))
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

    def text(self, place: Path_, value: Any) -> str:
        return self.doc.text(place, value)

    def run(self) -> Built:
        data: dict[str, Any] = self.doc.data
        ev = self.evaluation
        self.origin(ev, EVALUATION, "evaluation", ("evaluation",), self.eid)
        self.add(ev, TYPE, CMO.Evaluation)
        self.add(ev, IN_EVALUATION, ev)
        if "cmograph" in data and data["cmograph"] is not None:
            version = data["cmograph"]
            self.add(ev, CMO.formatVersion, _int_literal(version))
            self.built.key_lines[(ev, "cmograph")] = self.doc.line(("cmograph",)) or 0
        evaluation = data["evaluation"]
        self.keys(ev, evaluation, EVALUATION, ("evaluation",))
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

    def origin(self, node: Node, section: Section, where: str, place: Path_, item_id: str | None) -> None:
        self.built.origins[node] = Origin(section, where, self.doc.line(place), item_id)

    def where(self, node: Node) -> str:
        return self.built.origins[node].where

    def _item(self, item: dict[str, Any], section: Section, path: Path_, index: int) -> None:
        iid = None if item.get("id") is None else self.doc.text((*path, "id"), item["id"])
        node = element_iri(self.base, self.eid, section, iid if iid is not None else f"#{index + 1}")
        self.origin(node, section, f"{section.name}[{iid if iid is not None else index + 1}]", path, iid)
        assert section.cls is not None
        self.add(node, TYPE, section.cls)
        self.add(node, IN_EVALUATION, self.evaluation)
        self.keys(node, item, section, path)
        if section.name == "cmocs" and item.get("statement") is None:
            self.add(node, CMO.statement, Literal(self._render_statement(item)))
            self.add(node, CMO.statementGenerated, Literal(True))

    def keys(self, node: URIRef, item: dict[str, Any], section: Section, place: Path_) -> None:
        for key in section.keys:
            value = item.get(key.name)
            if value is None and key.default is not None:
                value = key.default
            if value is None:
                continue
            kplace = (*place, key.name)
            self.built.key_lines[(node, key.name)] = self.doc.line(kplace) or 0
            for obj in KINDS[key.kind].objects(self, node, key, value, kplace):
                if key.predicate is not None:
                    self.add(node, key.predicate, obj)

    def ref(self, section: str, text: str) -> Node:
        """The element an id names; no id at all (``''``) stays text, so that messages show it as written."""
        return element_iri(self.base, self.eid, LIST_BY_NAME[section], text) if text else Literal(text)

    def across(self, section: str, text: str) -> Node:
        """The element ``text`` names: an IRI as written, ``EVALUATION/ID`` in another evaluation (under the same
        base), else an id of this file."""
        if ABSOLUTE_IRI.match(text) and "://" in text and is_iri(text):
            return URIRef(text)
        evaluation, slash, item_id = text.partition("/")
        if slash and evaluation and item_id and "/" not in item_id:
            return element_iri(self.base, evaluation, LIST_BY_NAME[section], item_id)
        return self.ref(section, text)

    def _render_statement(self, item: dict[str, Any]) -> str:
        def labels(key: str, section: str) -> list[str]:
            value = item.get(key)
            values = value if isinstance(value, list) else ([] if value is None else [value])
            return [self.built.ids[section].get(str(v), str(v)) for v in values if is_scalar(v)]

        return statement(labels("context", "contexts"), labels("mechanism", "mechanisms"),
                         labels("outcome", "outcomes"), item.get("mechanism_activated") is not False)


def _int_literal(value: Any) -> Literal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Literal(value)
    return Literal(str(value))


def build(doc: Document, base: str = DEFAULT_BASE) -> Built:
    """The triples of a structurally sound document (see :func:`check_structure`)."""
    if not is_iri(base + "x"):
        raise UsageError(f"the base IRI {base!r} is not an absolute IRI",
                         "set --base (or 'base' in cmograph.toml) to one like https://example.org/evaluations/")
    if not base.endswith(("/", "#")):  # evaluation ids are appended to it: ...evaluationsford-2009 is a typo
        raise UsageError(f"the base IRI {base!r} does not end with '/' or '#', so the evaluations' IRIs would run "
                         "into it", f"end --base (or 'base' in cmograph.toml) with a slash: {base}/")
    return _Builder(doc, base).run()
