"""Read a project's concept scheme: ``concepts.yaml`` (or SKOS as ``concepts.ttl``), the review team's own concepts
and the elements of the evaluations that belong to each.

Reading checks what the file alone can tell (its keys and their values, ids given twice, a ``broader`` concept the
file does not define) and keeps the line of every value, so that :mod:`cmograph.checks.concepts` can tell, at the
same lines, which members name no element of the evaluations loaded with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef

from cmograph.diagnostics import Diagnostic, Location
from cmograph.format.model import ID_PATTERN
from cmograph.format.values import ABSOLUTE_IRI, is_iri
from cmograph.format.vocab import CMO
from cmograph.ingest.build import segment
from cmograph.ingest.rdf import is_rdf, parse_rdf
from cmograph.ingest.yaml_json import Document, Path_, described, is_scalar, read_document
from cmograph.namespaces import SKOS

DEFAULT_PREFIX = "concept"  # the CURIE prefix that names the scheme's concepts in questions: concept:trust
NAMESPACE_SEGMENT = "_concepts/"  # under the base IRI; '_' is in no evaluation id, so no evaluation owns it
SCHEME_KEYS = {"label": "text", "description": "text", "namespace": "iri", "prefix": "id"}
CONCEPT_KEYS = {"id": "id", "label": "text", "definition": "text", "broader": "ids", "members": "members",
                "iri": "iri", "exact_match": "iris", "close_match": "iris", "decided_by": "texts",
                "decided_on": "date", "note": "text"}
REQUIRED = ("id", "label")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Member:
    """An element named as a member: ``evaluation-id/element-id`` or an IRI, with its line."""

    text: str
    line: int | None


@dataclass
class Concept:
    """One concept of the scheme, as written."""

    id: str
    iri: str
    label: str
    line: int | None
    where: str
    definition: str | None = None
    broader: list[str] = field(default_factory=list)  # IRIs of concepts of this scheme
    members: list[Member] = field(default_factory=list)
    exact_match: list[str] = field(default_factory=list)
    close_match: list[str] = field(default_factory=list)
    decided_by: list[str] = field(default_factory=list)
    decided_on: str | None = None
    note: str | None = None


@dataclass
class Scheme:
    """A concept scheme file: its IRI, label, CURIE prefix and concepts, and what is wrong with it on its own."""

    path: Path
    iri: str
    label: str
    prefix: str
    description: str | None = None
    concepts: list[Concept] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    rdf: Graph | None = None  # a SKOS file: its triples, loaded as they are once checked

    @property
    def name(self) -> str:
        return self.path.name


def default_namespace(base: str) -> str:
    """Where the concepts of a scheme that names no ``namespace`` live: ``{base}_concepts/``."""
    return base + NAMESPACE_SEGMENT


def read_scheme(path: Path, base: str) -> Scheme:
    """Read a concept scheme file (YAML, JSON or RDF by its suffix); a file that does not parse raises
    :class:`InputError`, every other problem is in the scheme's ``problems``."""
    if is_rdf(path):
        return _read_skos(path, base)
    doc = read_document(path)
    return _Reader(doc, base).scheme


class _Reader:
    """Reads a YAML or JSON scheme, value by value, reporting each problem at its line."""

    def __init__(self, doc: Document, base: str) -> None:
        self.doc = doc
        data = doc.data
        namespace = default_namespace(base)
        self.scheme = Scheme(doc.path, namespace, "Concepts of the project", DEFAULT_PREFIX)
        if not isinstance(data, dict):
            self.fail((), "", f"the file must be a mapping with 'scheme' and 'concepts', found {described(data)}")
            return
        self.unknown(data, {"scheme", "concepts"}, (), "")
        head = data.get("scheme") or {}
        if not isinstance(head, dict):
            self.fail(("scheme",), "scheme", f"expected a mapping (label, namespace, ...), found {described(head)}")
            head = {}
        self.unknown(head, set(SCHEME_KEYS), ("scheme",), "scheme")
        values = {k: self.value(head[k], kind, ("scheme", k), f"scheme.{k}")
                  for k, kind in SCHEME_KEYS.items() if head.get(k) is not None}
        if "namespace" in values and not str(values["namespace"]).endswith(("/", "#")):
            self.fail(("scheme", "namespace"), "scheme.namespace", "the namespace must end with '/' or '#'",
                      "the concepts' ids are appended to it")
            values.pop("namespace")
        self.scheme.iri = str(values.get("namespace", namespace))
        self.scheme.label = str(values.get("label", self.scheme.label))
        self.scheme.prefix = str(values.get("prefix", DEFAULT_PREFIX))
        self.scheme.description = values.get("description")
        items = data.get("concepts")
        if items is None:
            self.fail((), "concepts", "no 'concepts' list", "list the concepts, each with an id and a label")
            return
        if not isinstance(items, list):
            self.fail(("concepts",), "concepts", f"expected a list of concepts, found {described(items)}")
            return
        self.read_concepts(items)

    def read_concepts(self, items: list[Any]) -> None:
        broader: list[tuple[Concept, list[str], Path_]] = []
        by_id: dict[str, Concept] = {}
        iris: dict[str, Concept] = {}
        for i, item in enumerate(items):
            place: Path_ = ("concepts", i)
            shown = item.get("id") if isinstance(item, dict) and is_scalar(item.get("id")) else i + 1
            where = f"concepts[{self.doc.text((*place, 'id'), shown) if shown != i + 1 else shown}]"
            if not isinstance(item, dict):
                self.fail(place, where, f"expected a concept (a mapping with id and label), found {described(item)}")
                continue
            self.unknown(item, set(CONCEPT_KEYS), place, where)
            values = {k: self.value(item[k], kind, (*place, k), f"{where}.{k}")
                      for k, kind in CONCEPT_KEYS.items() if item.get(k) is not None}
            missing = [k for k in REQUIRED if values.get(k) is None and item.get(k) is None]
            for key in missing:
                self.fail(place, where, f"the concept has no '{key}'", f"give every concept an {key}"
                          if key == "id" else "give every concept a label: answers show it")
            if values.get("id") is None or values.get("label") is None:
                continue
            cid = str(values["id"])
            iri = str(values.get("iri") or self.scheme.iri + segment(cid))
            concept = Concept(cid, iri, str(values["label"]), self.doc.line(place), where,
                              values.get("definition"), [], values.get("members") or [],
                              values.get("exact_match") or [], values.get("close_match") or [],
                              values.get("decided_by") or [], values.get("decided_on"), values.get("note"))
            if cid in by_id:
                self.fail((*place, "id"), where, f"the id '{cid}' is also the concept on line {by_id[cid].line}",
                          "give each concept its own id, or merge the two")
                continue
            if iri in iris:
                self.fail((*place, "iri"), where, f"<{iri}> is also the concept '{iris[iri].id}'",
                          "give each concept its own IRI")
                continue
            by_id[cid] = iris[iri] = concept
            self.scheme.concepts.append(concept)
            if values.get("broader"):
                broader.append((concept, values["broader"], (*place, "broader")))
        for concept, names, place in broader:
            for name in names:
                if name not in by_id:
                    close = _close(name, list(by_id))
                    self.fail(place, f"{concept.where}.broader", f"no concept has the id '{name}'",
                              f"did you mean {close}?" if close else "name a concept of this file by its id")
                elif name == concept.id:
                    self.fail(place, f"{concept.where}.broader", "a concept cannot be broader than itself")
                else:
                    concept.broader.append(by_id[name].iri)

    def value(self, value: Any, kind: str, place: Path_, where: str) -> Any:
        """``value`` read as ``kind`` (``None``, reported, when it is not one)."""
        many = kind in ("ids", "iris", "texts", "members")
        values = value if isinstance(value, list) and many else [value]
        out: list[Any] = []
        for i, v in enumerate(values):
            at = (*place, i) if isinstance(value, list) else place
            if not is_scalar(v):
                expected = "a list of values" if many else "a single value"
                self.fail(at, where, f"expected {expected}, found {described(v)}")
                continue
            text = self.doc.text(at, v).strip()
            problem = _problem(kind, text)
            if problem:
                self.fail(at, where, *problem)
            elif kind == "members":
                out.append(Member(text, self.doc.line(at)))
            else:
                out.append(text)
        if many:
            return out
        return out[0] if out else None

    def unknown(self, mapping: dict[str, Any], known: set[str], place: Path_, where: str) -> None:
        for key in mapping:
            if key not in known:
                close = _close(str(key), sorted(known))
                self.fail((*place, key), f"{where}.{key}".lstrip("."), f"unknown key '{key}'",
                          f"did you mean '{close}'?" if close else f"known keys: {', '.join(sorted(known))}")

    def fail(self, place: Path_, where: str, message: str, hint: str | None = None) -> None:
        self.scheme.problems.append(Diagnostic(Location(self.doc.name, self.doc.line(place)), where, message, hint))


def _problem(kind: str, text: str) -> tuple[str, str] | None:
    """What is wrong with ``text`` as a value of ``kind``, as a message and a hint."""
    if not text:
        return "the value is empty", "write something, or remove the key"
    if kind in ("id", "ids") and not re.fullmatch(ID_PATTERN, text):
        return f"'{text}' is not an id", "no spaces, '/', '#' or '?'"
    if kind in ("iri", "iris") and not (ABSOLUTE_IRI.match(text) and is_iri(text)):
        return f"'{text}' is not an IRI", "write a full IRI, such as https://example.org/concepts/trust"
    if kind == "date" and not _DATE.match(text):
        return f"'{text}' is not a date", "write it as YYYY-MM-DD"
    if kind == "members" and "://" not in text:
        evaluation, slash, local = text.partition("/")
        if not (slash and evaluation and local):
            return (f"'{text}' does not name an element",
                    "name it as EVALUATION-ID/ELEMENT-ID (such as ford-2009/m-trust), or by its IRI")
    return None




def _close(name: str, known: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return found[0] if found else None


# --------------------------------------------------------------------------------------------------- SKOS input


def _read_skos(path: Path, base: str) -> Scheme:
    """A SKOS file: one skos:ConceptScheme, its skos:Concepts (skos:inScheme) each with a skos:prefLabel, and
    members linked to their concepts with cmo:concept."""
    dataset = parse_rdf(path)
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    scheme = Scheme(path, default_namespace(base), "Concepts of the project", DEFAULT_PREFIX, rdf=graph)

    def fail(message: str, hint: str | None = None) -> None:
        scheme.problems.append(Diagnostic(Location(path.name), "", message, hint))

    schemes = sorted(set(graph.subjects(RDF.type, URIRef(SKOS + "ConceptScheme"))), key=str)
    if len(schemes) != 1 or not isinstance(schemes[0], URIRef):
        fail(f"expected one skos:ConceptScheme with an IRI, found {len(schemes)}",
             "declare the scheme: <https://example.org/concepts/> a skos:ConceptScheme")
        return scheme
    scheme.iri = str(schemes[0])
    label = graph.value(schemes[0], URIRef(SKOS + "prefLabel"))
    scheme.label = str(label) if label is not None else scheme.label
    in_scheme = set(graph.subjects(URIRef(SKOS + "inScheme"), schemes[0]))
    typed = set(graph.subjects(RDF.type, URIRef(SKOS + "Concept")))
    for node in sorted(typed | in_scheme, key=str):
        shown = f"<{node}>"
        if not isinstance(node, URIRef):
            fail(f"a concept is a blank node ({node.n3()})", "give every concept an IRI")
            continue
        if node not in typed or node not in in_scheme:
            fail(f"{shown} is not a skos:Concept in the scheme <{scheme.iri}>",
                 "give it both rdf:type skos:Concept and skos:inScheme")
            continue
        labels = [o for o in graph.objects(node, URIRef(SKOS + "prefLabel")) if isinstance(o, Literal)]
        if not labels:
            fail(f"the concept {shown} has no skos:prefLabel", "give every concept a label: answers show it")
            continue
        concept = Concept(str(node).removeprefix(scheme.iri) or str(node), str(node), str(labels[0]), None, shown)
        concept.members = [Member(str(s), None) for s in graph.subjects(CMO.concept, node)]
        scheme.concepts.append(concept)
    known = {c.iri for c in scheme.concepts}
    for s, o in graph.subject_objects(URIRef(SKOS + "broader")):
        if str(o) not in known:
            fail(f"<{s}> has a broader concept <{o}> that is not a concept of this scheme",
                 "declare it as a skos:Concept in the scheme, or remove the skos:broader")
    described = {URIRef(scheme.iri), *(URIRef(iri) for iri in known)}
    outside = sorted({s for s, p, _ in graph if s not in described and p != CMO.concept}, key=str)
    for s in outside[:10]:
        fail(f"the file describes {s.n3()}, which is neither the scheme nor one of its concepts",
             "a concept scheme says only what its concepts are and, with cmo:concept, which elements belong to "
             "them")
    for s, o in graph.subject_objects(CMO.concept):
        if str(o) not in known:
            fail(f"<{s}> belongs to <{o}>, which is not a concept of this scheme",
                 "declare it as a skos:Concept in the scheme, or remove the cmo:concept")
    return scheme
