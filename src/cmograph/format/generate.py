"""Generate the SHACL shapes and the JSON Schema from :mod:`cmograph.format.model`, so the two cannot drift.

``python -m cmograph.format.generate`` rewrites ``shapes/cmograph.shapes.ttl`` and
``schema/cmograph-evidence.schema.json``; a test fails when the committed files differ from what this makes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rdflib import URIRef

from cmograph.format.model import (
    EVALUATION,
    EVIDENCE,
    FORMAT_VERSION,
    ID_PATTERN,
    LIST_BY_NAME,
    LISTS,
    MEASURE,
    NUMBER_DIGITS,
    NUMBER_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    Key,
    Section,
)
from cmograph.format.vocab import CMO

SHAPES_NS = "https://w3id.org/cmograph/shapes#"
PREFIXES = {
    "cmo": str(CMO._NS),
    "cmosh": SHAPES_NS,
    "sh": "http://www.w3.org/ns/shacl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
DATE_OR = "( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYearMonth ] [ sh:datatype xsd:gYear ] )"


def curie(iri: URIRef | str) -> str:
    """Shorten ``iri`` with the shapes file's prefixes."""
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}:{str(iri)[len(ns):]}"
    return f"<{iri}>"


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _property(section: Section, key: Key, prefix: str = "") -> list[str]:
    """The constraint lines of one key (several property shapes for ``ref-or-date``)."""
    name = prefix + key.name
    if key.kind == "object":
        assert key.section is not None
        return [line for k in key.section.keys for line in _property(section, k, f"{name}.")]
    if key.kind == "ref-or-date":
        target = LIST_BY_NAME[key.target or ""]
        return [
            _block(name, CMO.atPeriod, [f"sh:class {curie(target.cls or '')}", "sh:maxCount 1"], key.doc),
            _block(name, CMO.atDate, [f"sh:or {DATE_OR}", "sh:maxCount 1"], key.doc),
        ]
    assert key.predicate is not None
    lines: list[str] = []
    if key.required:
        lines.append("sh:minCount 1")
    if key.kind not in ("texts", "refs", "objects"):
        lines.append("sh:maxCount 1")
    if key.kind in ("id", "text", "texts"):
        lines.append("sh:datatype xsd:string")
    if key.kind == "id" and section is not EVALUATION:
        lines.append(f"sh:pattern {_text(ID_PATTERN)}")
    elif key.kind in ("text", "texts", "license"):
        lines.append(f"sh:pattern {_text(TEXT_PATTERN)}")
    elif key.kind == "year":
        lines.append("sh:datatype xsd:gYear")
    elif key.kind == "bool":
        lines.append("sh:datatype xsd:boolean")
    elif key.kind == "number":
        lines.append("sh:datatype xsd:decimal")
        lines.append(f"sh:pattern {_text(NUMBER_PATTERN)}")
    elif key.kind == "date":
        lines.append(f"sh:or {DATE_OR}")
    elif key.kind == "enum":
        assert key.enum is not None
        lines.append("sh:in ( " + " ".join(curie(key.enum.iri(v)) for v in key.enum.values) + " )")
    elif key.kind in ("ref", "refs"):
        target = LIST_BY_NAME[key.target or ""]
        lines.append(f"sh:class {curie(target.cls or '')}")
    elif key.kind in ("concept", "url"):
        lines.append("sh:nodeKind sh:IRI")
    elif key.kind == "programme":  # a node of its own, whose label is the text written
        lines.append("sh:class cmo:Programme")
        label = ["sh:maxCount 1", f"sh:pattern {_text(TEXT_PATTERN)}"]
        return [_block(name, key.predicate, lines, key.doc),
                _block(name, f"( {curie(key.predicate)} rdfs:label )", label, key.doc)]
    elif key.kind == "objects":
        assert key.section is not None
        lines.append(f"sh:class {curie(key.section.cls or '')}")
    return [_block(name, key.predicate, lines, key.doc)]


def _block(name: str, path: URIRef | str, lines: list[str], doc: str) -> str:
    """A property shape; ``path`` is a predicate, or a SHACL path already written in Turtle."""
    written = curie(path) if isinstance(path, URIRef) else path
    body = [f"sh:path {written}", f"sh:name {_text(name)}", f"sh:description {_text(doc)}", *lines]
    return "    sh:property [\n" + " ;\n".join(f"        {line}" for line in body) + "\n    ]"


def _node_shape(section: Section, extra: list[str]) -> str:
    assert section.cls is not None
    name = curie(section.cls).split(":")[1]
    head = ["    a sh:NodeShape", f"    sh:targetClass {curie(section.cls)}", f"    rdfs:comment {_text(section.doc)}"]
    parts = head + extra + [p for key in section.keys for p in _property(section, key)]
    return f"cmosh:{name}Shape\n" + " ;\n".join(parts) + " .\n"


def shapes_turtle() -> str:
    """The SHACL shapes for every rule of the evidence format, as Turtle."""
    out = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    out.append("")
    out.append("# Generated from src/cmograph/model.py by `python -m cmograph.format.generate`; do not edit by hand.")
    out.append("# Each property shape's sh:name is the key as written in evidence files.")
    out.append("")
    evaluation_extra = [
        "    sh:property [\n        sh:path cmo:formatVersion ;\n        sh:name \"cmograph\" ;\n"
        "        sh:description \"format version\" ;\n        sh:minCount 1 ;\n        sh:maxCount 1 ;\n"
        f"        sh:in ( {FORMAT_VERSION} ) ;\n"
        f"        sh:message \"the format version must be {FORMAT_VERSION} (this release reads version "
        f"{FORMAT_VERSION} files)\"\n    ]",
        "    sh:property [\n        sh:path dcterms:identifier ;\n        sh:name \"id\" ;\n"
        f"        sh:pattern {_text(SLUG_PATTERN)}\n    ]",
    ]
    for section in LISTS:
        if section.min_items:
            assert section.cls is not None
            missing = f"the file has no {section.name}; at least one {section.noun} is required"
            evaluation_extra.append(
                "    sh:property [\n        sh:path [ sh:inversePath cmo:inEvaluation ] ;\n"
                f"        sh:name {_text(section.name)} ;\n"
                f"        sh:qualifiedValueShape [ sh:class {curie(section.cls)} ] ;\n"
                f"        sh:qualifiedMinCount {section.min_items} ;\n"
                f"        sh:message {_text(missing)}\n    ]"
            )
    out.append(_node_shape(EVALUATION, evaluation_extra))
    for section in LISTS:
        out.append(_node_shape(section, []))
    out.append(_node_shape(MEASURE, []))
    evidence_extra = [
        "    sh:or ( [ sh:path cmo:quote ; sh:minCount 1 ] [ sh:path cmo:summary ; sh:minCount 1 ] "
        "[ sh:path cmo:refs ; sh:minCount 1 ] ) ;\n"
        "    sh:message \"an evidence item needs a quote, a summary or refs\"",
    ]
    out.append(_node_shape(EVIDENCE, evidence_extra))
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- JSON Schema


def _schema_for_key(key: Key) -> dict[str, Any]:
    kind = key.kind
    doc = {"description": key.doc}
    # what cmograph reads, no more strictly: a number written where text or an id goes is read as its text
    ids = {"type": ["string", "number"], "minLength": 1}
    if kind == "id":
        return {**doc, "type": ["string", "number"], "pattern": ID_PATTERN}
    text = {"type": ["string", "number"], "pattern": TEXT_PATTERN}
    if kind in ("text", "license", "programme"):
        return {**doc, **text}
    if kind == "concept":
        return {**doc, "type": "string"}
    if kind == "texts":
        return {**doc, "oneOf": [text, {"type": "array", "items": text}]}
    if kind == "year":
        return {**doc, "type": ["integer", "string"], "minimum": 1000, "maximum": 9999, "pattern": r"^\d{4}$"}
    if kind == "bool":
        return {**doc, "type": "boolean"}
    if kind == "number":
        bound = 10**NUMBER_DIGITS  # the decimal places (NUMBER_DECIMALS) are the shapes' to check
        return {**doc, "type": "number", "exclusiveMinimum": -bound, "exclusiveMaximum": bound}
    if kind == "date":
        return {**doc, "type": ["string", "integer"], "pattern": r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$"}
    if kind == "ref-or-date":
        return {**doc, "type": ["string", "number"]}
    if kind == "url":
        return {**doc, "type": "string", "format": "uri"}
    if kind == "enum":
        assert key.enum is not None
        return {**doc, "enum": list(key.enum.values)}
    if kind == "ref":
        return {**doc, **ids}
    if kind == "refs":
        items: dict[str, Any] = {"type": "array", "items": ids, "minItems": 1 if key.required else 0}
        return {**doc, "oneOf": [ids, items]}
    assert key.section is not None
    if kind == "object":
        return {**doc, "$ref": f"#/$defs/{_def(key.section)}"}
    return {**doc, "type": "array", "items": {"$ref": f"#/$defs/{_def(key.section)}"}}


def _def(section: Section) -> str:
    """The ``$defs`` name of a section: its noun, hyphenated (``evidence-item``)."""
    return section.noun.replace(" ", "-")


def _schema_for_section(section: Section) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": section.doc,
        "properties": {k.name: _schema_for_key(k) for k in section.keys},
        "additionalProperties": False,
    }
    required = [k.name for k in section.keys if k.required]
    if required:
        schema["required"] = required
    if section is EVALUATION:
        schema["properties"]["id"] = {"description": "a slug", "type": "string", "pattern": SLUG_PATTERN}
    if section is EVIDENCE:
        schema["anyOf"] = [{"required": ["quote"]}, {"required": ["summary"]}, {"required": ["refs"]}]
    return schema


def json_schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) of evidence files, for editor completion and checking."""
    defs = {_def(s): _schema_for_section(s) for s in (EVALUATION, *LISTS, MEASURE, EVIDENCE)}
    defs["microsystem"] = _schema_for_section(LIST_BY_NAME["sites"].key("microsystem").section)  # type: ignore[union-attr,arg-type]
    properties: dict[str, Any] = {
        "cmograph": {"description": "format version", "const": FORMAT_VERSION},
        "evaluation": {"$ref": "#/$defs/evaluation"},
    }
    for section in LISTS:
        properties[section.name] = {
            "description": section.doc,
            "type": "array" if section.min_items else ["array", "null"],  # an empty list may be left bare
            "items": {"$ref": f"#/$defs/{_def(section)}"},
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
        "required": ["cmograph", "evaluation", "contexts", "mechanisms", "outcomes", "cmocs"],
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
