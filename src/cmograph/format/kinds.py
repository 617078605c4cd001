"""The kinds of key, each in one place: the triples a key of that kind is built into, its property shapes and its
JSON Schema.

:data:`KINDS` maps the kind names of :mod:`cmograph.format.model` (``Key.kind``) to them; the graph builder
(:mod:`cmograph.ingest.build`) and the generator of the shapes and the schema (:mod:`cmograph.format.generate`)
ask the kind of each key instead of switching on its name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, ClassVar, Protocol, TypeAlias

from rdflib import RDF, RDFS, SH, XSD, Literal, URIRef
from rdflib.term import Node

from cmograph.format.identifiers import DOI_IRI, DOI_WRITTEN, ORCID_WRITTEN, doi_iri, orcid_iri
from cmograph.format.model import (
    EVALUATION,
    ID_PATTERN,
    LIST_BY_NAME,
    NUMBER_DIGITS,
    NUMBER_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    Key,
    Section,
)
from cmograph.format.values import (
    ABSOLUTE_IRI,
    HTTP_IRI,
    YEAR,
    date_literal,
    is_concept_iri,
    is_date,
    is_iri,
    number_literal,
)
from cmograph.format.vocab import CMO, PROV

Place = tuple[str | int, ...]  # where a value is in the file: keys and list indexes
# What a shape says, as RDF: a term, a list (an RDF collection), a blank node with these properties, or (a tuple)
# several values of one property.
ShapeValue: TypeAlias = Node | list["ShapeValue"] | dict[URIRef, "ShapeValue"] | tuple["ShapeValue", ...]
Shape: TypeAlias = dict[URIRef, ShapeValue]
DATE_OR: list[ShapeValue] = [{SH.datatype: XSD.date}, {SH.datatype: XSD.gYearMonth}, {SH.datatype: XSD.gYear}]


class Writer(Protocol):
    """What a kind builds with: the graph builder of one file."""

    @property
    def evaluation(self) -> URIRef: ...

    @property
    def prefixes(self) -> Mapping[str, str]: ...

    def text(self, place: Place, value: Any) -> str:
        """``value`` as written at ``place``."""

    def add(self, s: Node, p: Node, o: Node) -> None: ...

    def ref(self, section: str, text: str) -> Node:
        """The element of ``section`` whose id is ``text``."""

    def across(self, section: str, text: str) -> Node:
        """The element of ``section`` that ``text`` names: an id in this file, ``EVALUATION/ID`` (an item of another
        evaluation) or an IRI."""

    def origin(self, node: Node, section: Section, where: str, place: Place, item_id: str | None) -> None:
        """Remember where ``node`` came from, for messages."""

    def where(self, node: Node) -> str:
        """Where ``node`` came from, as messages name it (``cmocs[BS3]``)."""

    def keys(self, node: URIRef, item: dict[str, Any], section: Section, place: Place) -> None:
        """Build the keys of ``item`` (of ``section``) onto ``node``."""


class Kind:
    """One kind of key. By default a key of a kind takes one value, the object of one triple."""

    name: ClassVar[str]  # a KeyKind
    many: ClassVar[bool] = False  # takes a list of values (or one): no sh:maxCount

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        """The objects of the triples (``node``, the key's predicate, object) that ``value`` makes."""
        raise NotImplementedError

    def shapes(self, key: Key, name: str) -> list[Shape]:
        """The property shapes of ``key``, named in messages ``name`` (``microsystem.purpose`` when nested)."""
        assert key.predicate is not None
        return [self.shape(key, name, key.predicate, self.constraints(key))]

    def shape(self, key: Key, name: str, path: ShapeValue, constraints: Shape) -> Shape:
        """A property shape of ``key`` on ``path``: its name, description, counts and ``constraints``."""
        shape: Shape = {SH.path: path, SH.name: Literal(name), SH.description: Literal(key.doc)}
        if key.required:
            shape[SH.minCount] = Literal(1)
        if not self.many:
            shape[SH.maxCount] = Literal(1)
        return shape | constraints

    def constraints(self, key: Key) -> Shape:
        """What the shapes require of each value."""
        raise NotImplementedError

    def schema(self, key: Key) -> dict[str, Any]:
        """The JSON Schema of the key's value."""
        return {"description": key.doc, **self.json(key)}

    def json(self, key: Key) -> dict[str, Any]:
        """The JSON Schema of the key's value, less its description."""
        raise NotImplementedError


def _each(value: Any, place: Place) -> Iterator[tuple[Place, Any]]:
    """The values of a key that takes one or a list, with their places."""
    if isinstance(value, list):
        yield from (((*place, i), v) for i, v in enumerate(value))
    else:
        yield place, value


def definition(section: Section) -> str:
    """The JSON Schema ``$defs`` name of a section: its noun, hyphenated (``evidence-item``)."""
    return section.noun.replace(" ", "-")


# what cmograph reads, no more strictly: a number written where text or an id goes is read as its text
TEXT_JSON: dict[str, Any] = {"type": ["string", "number"], "pattern": TEXT_PATTERN}
IDS_JSON: dict[str, Any] = {"type": ["string", "number"], "minLength": 1}


class Id(Kind):
    """An item's identifier, unique within its list."""

    name = "id"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        yield Literal(w.text(place, value))

    def constraints(self, key: Key) -> Shape:
        return {SH.datatype: XSD.string, SH.pattern: Literal(ID_PATTERN)}

    def json(self, key: Key) -> dict[str, Any]:
        return {"type": ["string", "number"], "pattern": ID_PATTERN}


class Slug(Id):
    """The evaluation's identifier: every IRI of the evaluation is built from it."""

    name = "slug"

    def constraints(self, key: Key) -> Shape:
        return {SH.datatype: XSD.string, SH.pattern: Literal(SLUG_PATTERN)}

    def json(self, key: Key) -> dict[str, Any]:
        return {"type": "string", "pattern": SLUG_PATTERN}


class Text(Id):
    """Text that says something."""

    name = "text"

    def constraints(self, key: Key) -> Shape:
        return {SH.datatype: XSD.string, SH.pattern: Literal(TEXT_PATTERN)}

    def json(self, key: Key) -> dict[str, Any]:
        return dict(TEXT_JSON)


class Texts(Text):
    """One text or a list of them."""

    name = "texts"
    many = True

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        for at, v in _each(value, place):
            yield Literal(w.text(at, v))

    def json(self, key: Key) -> dict[str, Any]:
        return {"oneOf": [TEXT_JSON, {"type": "array", "items": TEXT_JSON}]}


class People(Kind):
    """People, one or a list: each a name, or a mapping of ``name`` and ``orcid`` that stands for the person's ORCID
    IRI, a ``prov:Person`` labelled with the name."""

    name = "people"
    many = True

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        for at, v in _each(value, place):
            if not isinstance(v, dict):
                yield Literal(w.text(at, v))
                continue
            name = Literal(w.text((*at, "name"), v["name"]))
            orcid = None if v.get("orcid") is None else orcid_iri(w.text((*at, "orcid"), v["orcid"]))
            if orcid is None:  # a name alone (check_structure refuses an ORCID iD that is not one)
                yield name
                continue
            person = URIRef(orcid)
            w.add(person, RDF.type, PROV.Person)
            w.add(person, RDFS.label, name)
            yield person

    def constraints(self, key: Key) -> Shape:
        return {SH["or"]: [{SH.datatype: XSD.string}, {SH.nodeKind: SH.IRI}], SH.pattern: Literal(TEXT_PATTERN)}

    def json(self, key: Key) -> dict[str, Any]:
        person = {"type": "object", "required": ["name"], "additionalProperties": False,
                  "properties": {"name": TEXT_JSON, "orcid": {"type": "string", "pattern": ORCID_WRITTEN}}}
        return {"oneOf": [TEXT_JSON, person, {"type": "array", "items": {"oneOf": [TEXT_JSON, person]}}]}


class Year(Kind):
    """A year, such as 2009."""

    name = "year"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        text = w.text(place, value)
        yield Literal(text, datatype=XSD.gYear) if YEAR.match(text) else Literal(text)

    def constraints(self, key: Key) -> Shape:
        return {SH.datatype: XSD.gYear}

    def json(self, key: Key) -> dict[str, Any]:
        return {"type": ["integer", "string"], "minimum": 1000, "maximum": 9999, "pattern": r"^\d{4}$"}


class Bool(Kind):
    """True or false."""

    name = "bool"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        yield Literal(value) if isinstance(value, bool) else Literal(w.text(place, value))

    def constraints(self, key: Key) -> Shape:
        return {SH.datatype: XSD.boolean}

    def json(self, key: Key) -> dict[str, Any]:
        return {"type": "boolean"}


class Number(Kind):
    """A number, kept exactly."""

    name = "number"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        yield number_literal(value, w.text(place, value))

    def constraints(self, key: Key) -> Shape:
        return {SH.datatype: XSD.decimal, SH.pattern: Literal(NUMBER_PATTERN)}

    def json(self, key: Key) -> dict[str, Any]:
        bound = 10**NUMBER_DIGITS  # the decimal places (NUMBER_DECIMALS) are the shapes' to check
        return {"type": "number", "exclusiveMinimum": -bound, "exclusiveMaximum": bound}


class Date(Kind):
    """An ISO 8601 date, year-month or year."""

    name = "date"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        yield date_literal(w.text(place, value))

    def constraints(self, key: Key) -> Shape:
        return {SH["or"]: DATE_OR}

    def json(self, key: Key) -> dict[str, Any]:
        return {"type": ["string", "integer"], "pattern": r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$"}


class Enum(Kind):
    """One value of a closed list: the list's individual for it."""

    name = "enum"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        assert key.enum is not None
        text = w.text(place, value)
        yield key.enum.iri(text) if text in key.enum.values else Literal(text)

    def constraints(self, key: Key) -> Shape:
        assert key.enum is not None
        return {SH["in"]: [key.enum.iri(v) for v in key.enum.values]}

    def json(self, key: Key) -> dict[str, Any]:
        assert key.enum is not None
        return {"enum": list(key.enum.values)}


class Refs(Kind):
    """Ids of items of another list (``target``), one or a list of them. A key that reaches ``across`` evaluations
    also takes ``EVALUATION/ID`` and IRIs; whether what it names exists is checked by
    :mod:`cmograph.checks.consistency` in its own file and :mod:`cmograph.checks.crossfile` among files, since
    the shapes see one file at a time."""

    name = "refs"
    many = True

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        assert key.target is not None
        for at, v in _each(value, place):
            text = w.text(at, v)
            yield w.across(key.target, text) if key.across else w.ref(key.target, text)

    def constraints(self, key: Key) -> Shape:
        return {} if key.across else {SH["class"]: _target(key)}

    def json(self, key: Key) -> dict[str, Any]:
        return {"oneOf": [IDS_JSON, {"type": "array", "items": IDS_JSON, "minItems": 1 if key.required else 0}]}


class Ref(Refs):
    """The id of one item of another list (``target``)."""

    name = "ref"
    many = False

    def json(self, key: Key) -> dict[str, Any]:
        return dict(IDS_JSON)


def _target(key: Key) -> URIRef:
    cls = LIST_BY_NAME[key.target or ""].cls
    assert cls is not None
    return cls


class RefOrDate(Kind):
    """A date, or the id of a period: the first is written with ``cmo:atDate``, the second with ``cmo:atPeriod``."""

    name = "ref-or-date"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        assert key.target is not None
        text = w.text(place, value)
        if is_date(text):
            w.add(node, CMO.atDate, date_literal(text))
        else:
            w.add(node, CMO.atPeriod, w.ref(key.target, text))
        return iter(())

    def shapes(self, key: Key, name: str) -> list[Shape]:
        return [self.shape(key, name, CMO.atPeriod, {SH["class"]: _target(key)}),
                self.shape(key, name, CMO.atDate, {SH["or"]: DATE_OR})]

    def json(self, key: Key) -> dict[str, Any]:
        return {"type": ["string", "number"]}


class Concept(Kind):
    """Shared concepts, one or a list of them: each an IRI, or a CURIE with a prefix the file declares."""

    name = "concept"
    many = True

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        for at, v in _each(value, place):
            text = w.text(at, v)
            prefix, _, local = text.partition(":")
            if local and prefix in w.prefixes and is_concept_iri(w.prefixes[prefix] + local):
                yield URIRef(w.prefixes[prefix] + local)
            elif ABSOLUTE_IRI.match(text) and "://" in text and is_concept_iri(text):
                yield URIRef(text)
            else:
                yield Literal(text)

    def constraints(self, key: Key) -> Shape:
        return {SH.nodeKind: SH.IRI}

    def json(self, key: Key) -> dict[str, Any]:
        return {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


class Url(Kind):
    """A web address."""

    name = "url"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        text = w.text(place, value)
        yield URIRef(text) if HTTP_IRI.match(text) and is_iri(text) else Literal(text)

    def constraints(self, key: Key) -> Shape:
        return {SH.nodeKind: SH.IRI}

    def json(self, key: Key) -> dict[str, Any]:
        return {"type": "string", "format": "uri"}


class Doi(Kind):
    """A DOI, written bare (``10.1108/...``), as ``doi:10...`` or as a doi.org link: its ``https://doi.org/`` IRI."""

    name = "doi"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        text = w.text(place, value)
        iri = doi_iri(text)
        yield Literal(text) if iri is None else URIRef(iri)

    def constraints(self, key: Key) -> Shape:
        return {SH.nodeKind: SH.IRI, SH.pattern: Literal(DOI_IRI)}

    def json(self, key: Key) -> dict[str, Any]:
        return {"type": "string", "pattern": DOI_WRITTEN}


class License(Url):
    """A licence: a web address, or a name such as an SPDX id."""

    name = "license"

    def constraints(self, key: Key) -> Shape:
        return {SH.pattern: Literal(TEXT_PATTERN)}

    def json(self, key: Key) -> dict[str, Any]:
        return dict(TEXT_JSON)


class Programme(Kind):
    """The programme evaluated: a node of its own, whose label is the text written."""

    name = "programme"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        programme = URIRef(f"{w.evaluation}/programme")
        w.add(programme, RDF.type, CMO.Programme)
        w.add(programme, RDFS.label, Literal(w.text(place, value)))
        w.add(programme, CMO.inEvaluation, w.evaluation)
        w.origin(programme, EVALUATION, f"{w.where(node)}.{key.name}", place, None)
        yield programme

    def shapes(self, key: Key, name: str) -> list[Shape]:
        assert key.predicate is not None
        return [self.shape(key, name, key.predicate, {SH["class"]: CMO.Programme}),
                self.shape(key, name, [key.predicate, RDFS.label], {SH.pattern: Literal(TEXT_PATTERN)})]

    def json(self, key: Key) -> dict[str, Any]:
        return dict(TEXT_JSON)


class Object(Kind):
    """A mapping of keys of another section, written onto the node that holds it."""

    name = "object"

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        assert key.section is not None
        w.keys(node, value, key.section, place)
        return iter(())

    def shapes(self, key: Key, name: str) -> list[Shape]:
        assert key.section is not None
        return [shape for k in key.section.keys for shape in KINDS[k.kind].shapes(k, f"{name}.{k.name}")]

    def json(self, key: Key) -> dict[str, Any]:
        assert key.section is not None
        return {"$ref": f"#/$defs/{definition(key.section)}"}


TYPE, POSITION, IN_EVALUATION = RDF.type, CMO.position, CMO.inEvaluation  # made once (each use makes a new term)


@lru_cache(maxsize=1024)
def _position(number: int) -> Literal:
    return Literal(number)


class Objects(Kind):
    """A list of items of another section, each a node of its own numbered from 1."""

    name = "objects"
    many = True

    def objects(self, w: Writer, node: URIRef, key: Key, value: Any, place: Place) -> Iterator[Node]:
        section = key.section
        assert section is not None and section.cls is not None
        where = w.where(node)
        for i, sub in enumerate(value):
            child = URIRef(f"{node}/{section.path}/{i + 1}")
            w.origin(child, section, f"{where}.{key.name}[{i + 1}]", (*place, i), None)
            w.add(child, TYPE, section.cls)
            w.add(child, POSITION, _position(i + 1))
            w.add(child, IN_EVALUATION, w.evaluation)
            w.keys(child, sub, section, (*place, i))
            yield child

    def constraints(self, key: Key) -> Shape:
        assert key.section is not None and key.section.cls is not None
        return {SH["class"]: key.section.cls}

    def json(self, key: Key) -> dict[str, Any]:
        assert key.section is not None
        return {"type": "array", "items": {"$ref": f"#/$defs/{definition(key.section)}"}}


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Id(), Slug(), Text(), Texts(), People(), Year(), Bool(), Number(), Date(), Enum(), Ref(), Refs(), RefOrDate(),
    Concept(), Url(), Doi(), License(), Programme(), Object(), Objects(),
)}
