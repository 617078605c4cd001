"""Generate the SHACL shapes and the JSON Schema from :mod:`cmograph.format.model`, so the two cannot drift.

``python -m cmograph.format.generate`` rewrites ``shapes/cmograph.shapes.ttl`` and
``schema/cmograph-evidence.schema.json``; a test fails when the committed files differ from what this makes.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from cmograph.format.kinds import KINDS, Shape, ShapeValue, definition
from cmograph.format.model import (
    EVALUATION,
    EVIDENCE,
    FORMAT_VERSION,
    JUDGEMENTS,
    LISTS,
    MEASURE,
    MICROSYSTEM,
    REQUIRED_TOP_LEVEL,
    Key,
    Section,
)
from cmograph.format.vocab import CMO
from cmograph.namespaces import CMO_NS, COMMON_PREFIXES, SHAPES_NS

PREFIXES = {
    "cmo": CMO_NS,
    "cmosh": SHAPES_NS,
    **{p: COMMON_PREFIXES[p] for p in ("sh", "xsd", "rdfs", "dcterms", "prov", "skos")},
}
EVIDENCE_NEEDS = ("quote", "summary", "refs")  # an evidence item has at least one of these keys
HEADER = ("# Generated from src/cmograph/format/model.py by `python -m cmograph.format.generate .`; do not edit.\n"
          "# Each property shape's sh:name is the key as written in evidence files.\n\n")


def curie(iri: URIRef | str) -> str:
    """Shorten ``iri`` with the shapes file's prefixes."""
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}:{str(iri)[len(ns):]}"
    return f"<{iri}>"


class _ShapesGraph:
    """The shapes as an rdflib graph. Blank nodes are numbered in the order they are made, so that a node shape's
    property shapes are written in the order of the model's keys."""

    def __init__(self) -> None:
        self.graph = Graph(bind_namespaces="none")
        for prefix, ns in {**PREFIXES, "rdf": str(RDF)}.items():
            self.graph.bind(prefix, ns)
        self._made = 0

    def node(self, value: ShapeValue) -> Node:
        """The RDF node of ``value``, its triples added: a list is a collection, a mapping a blank node (whose
        property with a tuple has each of its values)."""
        if isinstance(value, list):
            cells = [self._blank() for _ in value]
            for item, cell, rest in zip(value, cells, [*cells[1:], RDF.nil], strict=True):
                self.graph.add((cell, RDF.first, self.node(item)))
                self.graph.add((cell, RDF.rest, rest))
            return cells[0] if cells else RDF.nil
        if isinstance(value, dict):
            blank = self._blank()
            for predicate, obj in value.items():
                for one in obj if isinstance(obj, tuple) else (obj,):
                    self.graph.add((blank, predicate, self.node(one)))
            return blank
        assert not isinstance(value, tuple), "several values are the values of a property"
        return value

    def _blank(self) -> BNode:
        self._made += 1
        return BNode(f"b{self._made:05d}")

    def node_shape(self, section: Section, extra: list[Shape], rules: Shape | None = None) -> None:
        """The shape of the items of ``section``: a property shape per key, after the ``extra`` ones, and the
        node-level ``rules``; a key that a partial item may lack is required by a shape of its own."""
        assert section.cls is not None
        name = curie(section.cls).split(":")[1]
        self._shape(name + "Shape", section, Literal(section.doc), rules or {})
        properties = [*extra, *(p for key in section.keys
                                for p in KINDS[key.kind].shapes(_optional(section, key), key.name))]
        for prop in properties:
            self.graph.add((Namespace(SHAPES_NS)[name + "Shape"], SH.property, self.node(prop)))
        if section.partial is None:
            return
        partial = section.partial
        status = next(k for k in section.keys if k.name == partial.key)
        assert status.enum is not None and status.predicate is not None
        # (sh:in and counts: constraints whose results cmograph explains, should a validator report the inner ones)
        is_partial: Shape = {SH.path: status.predicate, SH.minCount: Literal(1),
                             SH["in"]: [status.enum.iri(partial.value)]}
        not_partial: Shape = {SH["not"]: is_partial,
                              SH.message: Literal(f"its {partial.key} is not {partial.value}")}
        paths = {k.name: k.predicate for k in section.keys if k.name in partial.parts and k.predicate is not None}
        for part, path in paths.items():  # required unless the item is partial
            comment = f"A {section.noun} has at least one {part} unless its {partial.key} is {partial.value}."
            self._shape(f"{name}{part.capitalize()}Shape", section, Literal(comment),
                        {SH.name: Literal(part), SH["or"]: [is_partial, {SH.path: path, SH.minCount: Literal(1)}]})
        lacks_one: list[ShapeValue] = [  # one part absent, the others present
            {SH.property: tuple({SH.path: path, **({SH.maxCount: Literal(0)} if part == lacking
                                                   else {SH.minCount: Literal(1)})} for part, path in paths.items())}
            for lacking in paths]
        self._shape(f"{name}{partial.value.capitalize()}Shape", section,
                    Literal(f"A {section.noun} whose {partial.key} is {partial.value} lacks exactly one of its "
                            f"{partial.named}."),
                    {SH.name: Literal(partial.key), SH["or"]: [not_partial, *lacks_one],
                     SH.message: Literal(f"a {partial.value} {section.noun} has two of {partial.named}, not all "
                                         "three or only one")})

    def _shape(self, local: str, section: Section, comment: Literal, rules: Shape) -> None:
        """A node shape of the items of ``section``, with its ``rules``."""
        assert section.cls is not None
        shape = Namespace(SHAPES_NS)[local]
        self.graph.add((shape, RDF.type, SH.NodeShape))
        self.graph.add((shape, SH.targetClass, section.cls))
        self.graph.add((shape, RDFS.comment, comment))
        for predicate, obj in rules.items():
            self.graph.add((shape, predicate, self.node(obj)))


def _optional(section: Section, key: Key) -> Key:
    """``key`` as its property shape sees it: a key that a partial item may lack is required by another shape."""
    return replace(key, required=False) if section.partial and key.name in section.partial.parts else key


def shapes() -> Graph:
    """The SHACL shapes for every rule of the evidence format."""
    out = _ShapesGraph()
    version = f"the format version must be {FORMAT_VERSION} (this release reads version {FORMAT_VERSION} files)"
    evaluation: list[Shape] = [{
        SH.path: CMO.formatVersion, SH.name: Literal("cmograph"), SH.description: Literal("format version"),
        SH.minCount: Literal(1), SH.maxCount: Literal(1), SH["in"]: [Literal(FORMAT_VERSION)],
        SH.message: Literal(version),
    }]
    for section in LISTS:
        if section.min_items:
            assert section.cls is not None
            evaluation.append({
                SH.path: {SH.inversePath: CMO.inEvaluation}, SH.name: Literal(section.name),
                SH.qualifiedValueShape: {SH["class"]: section.cls}, SH.qualifiedMinCount: Literal(section.min_items),
                SH.message: Literal(f"the file has no {section.name}; at least one {section.noun} is required"),
            })
    out.node_shape(EVALUATION, evaluation)
    for section in (*LISTS, MEASURE, JUDGEMENTS):
        out.node_shape(section, [])
    one_of: list[ShapeValue] = [{SH.path: key.predicate, SH.minCount: Literal(1)}
                                for key in EVIDENCE.keys if key.name in EVIDENCE_NEEDS and key.predicate]
    out.node_shape(EVIDENCE, [], {SH["or"]: one_of,
                                  SH.message: Literal("an evidence item needs a quote, a summary or refs")})
    return out.graph


def shapes_turtle() -> str:
    """The SHACL shapes as Turtle, under a header that says they are generated."""
    return HEADER + shapes().serialize(format="turtle")


# ---------------------------------------------------------------------------------------------- JSON Schema


def _schema_for_section(section: Section) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": section.doc,
        "properties": {k.name: KINDS[k.kind].schema(k) for k in section.keys},
        "additionalProperties": False,
    }
    parts = section.partial.parts if section.partial else ()
    required = [k.name for k in section.keys if k.required and k.name not in parts]
    if required:
        schema["required"] = required
    if section.partial is not None:  # all the parts, or (when it says it is partial) all but one of them
        partial = section.partial
        schema["if"] = {"required": [partial.key], "properties": {partial.key: {"const": partial.value}}}
        schema["then"] = {"oneOf": [{"required": [p for p in parts if p != lacking], "not": {"required": [lacking]}}
                                    for lacking in parts]}
        schema["else"] = {"required": list(parts)}
    if section is EVIDENCE:
        schema["anyOf"] = [{"required": [name]} for name in EVIDENCE_NEEDS]
    return schema


def json_schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) of evidence files, for editor completion and checking."""
    defs = {definition(s): _schema_for_section(s) for s in (EVALUATION, *LISTS, MEASURE, EVIDENCE, JUDGEMENTS,
                                                   MICROSYSTEM)}
    properties: dict[str, Any] = {
        "cmograph": {"description": "format version", "const": FORMAT_VERSION},
        "evaluation": {"$ref": "#/$defs/evaluation"},
    }
    for section in LISTS:
        properties[section.name] = {
            "description": section.doc,
            "type": "array" if section.min_items else ["array", "null"],  # an empty list may be left bare
            "items": {"$ref": f"#/$defs/{definition(section)}"},
            **({"minItems": section.min_items} if section.min_items else {}),
        }
    properties["$schema"] = {"description": "the JSON Schema this file follows (ignored by cmograph)",
                             "type": "string"}
    properties["prefixes"] = {
        "description": "CURIE prefixes used by concept values",
        "type": "object",
        "additionalProperties": {"type": "string", "format": "uri"},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/cmograph/schema/evidence-1.json",
        "title": "cmograph evidence file",
        "description": "One realist evaluation: its sites, groups, periods, sources, contexts, mechanisms, "
        "outcomes, configurations and programme theories. Generated from cmograph's format model.",
        "type": "object",
        "required": list(REQUIRED_TOP_LEVEL),
        "properties": properties,
        "additionalProperties": False,
        "$defs": defs,
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(root: Path) -> None:
    """Rewrite the generated files under ``root`` (the repository)."""
    (root / "shapes" / "cmograph.shapes.ttl").write_text(shapes_turtle(), encoding="utf-8")
    (root / "schema" / "cmograph-evidence.schema.json").write_text(json_schema_text(), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd())
