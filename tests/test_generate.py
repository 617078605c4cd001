"""The shapes and the JSON Schema are generated from one model and cannot drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import jsonschema
import pytest
import yaml
from rdflib import RDF, SH, Graph, Literal
from rdflib.compare import isomorphic

from cmograph.checks.shapes import shapes_graph
from cmograph.format.generate import json_schema, json_schema_text, shapes, shapes_turtle
from cmograph.format.kinds import KINDS
from cmograph.format.model import ALL_SECTIONS, ENUMERATIONS, MICROSYSTEM, SITES, KeyKind

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"


def test_committed_shapes_are_generated_from_the_model() -> None:
    assert (ROOT / "shapes" / "cmograph.shapes.ttl").read_text(encoding="utf-8") == shapes_turtle(), (
        "run `python -m cmograph.format.generate .`")


def test_committed_schema_is_generated_from_the_model() -> None:
    assert (ROOT / "schema" / "cmograph-evidence.schema.json").read_text(encoding="utf-8") == json_schema_text()


@pytest.mark.slow
def test_the_shapes_are_a_graph_serialised_the_same_every_time() -> None:
    graph = shapes()
    assert isomorphic(graph, Graph().parse(data=shapes_turtle(), format="turtle"))
    assert shapes_turtle() == shapes_turtle()  # blank nodes are numbered, not random: no churn in the file


def test_every_kind_has_one_entry_and_every_kind_is_used() -> None:
    assert sorted(KINDS) == sorted(get_args(KeyKind))
    used = {key.kind for section in ALL_SECTIONS for key in section.keys}
    assert sorted(set(KINDS) - used) == [], "kinds no key of the model has"


def test_every_key_of_the_model_has_a_property_shape_named_after_it() -> None:
    graph = shapes_graph()
    for section in ALL_SECTIONS:
        holder = SITES if section is MICROSYSTEM else section  # the microsystem's keys describe its site
        prefix = "microsystem." if section is MICROSYSTEM else ""
        # the one node shape of the class with property shapes (a partial item's rules are node shapes of their own)
        (node_shape,) = (s for s in graph.subjects(SH.targetClass, holder.cls) if (s, SH.property, None) in graph)
        assert (node_shape, RDF.type, SH.NodeShape) in graph
        names = {graph.value(p, SH.name) for p in graph.objects(node_shape, SH.property)}
        for key in section.keys:
            if key.kind != "object":  # a nested mapping: its own keys have the shapes
                assert Literal(prefix + key.name) in names, f"{section.name}.{key.name}"


def test_every_enumeration_value_is_in_a_shape() -> None:
    shapes = shapes_graph()
    allowed = {o for head in shapes.objects(None, SH["in"]) for o in Graph.items(shapes, head)}
    for enum in ENUMERATIONS:
        assert {enum.iri(v) for v in enum.values} <= allowed, enum.name


def _load(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


@pytest.mark.slow
@pytest.mark.parametrize("path", [*sorted((DATA / "valid").iterdir()),
                                  *sorted((ROOT / "examples").glob("*.yaml"))], ids=lambda p: p.name)
def test_valid_files_pass_the_json_schema(path: Path) -> None:
    data = json.loads(json.dumps(_load(path), default=str))
    jsonschema.validate(data, json_schema())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bad-enum-direction.yaml", "unknown-cmoc-key.yaml", "missing-context-label.yaml",
                                  "value-not-number.yaml", "wrong-format-version.yaml",
                                  "empty-title.yaml", "blank-evidence-quote.yaml", "missing-cmoc-mechanism.yaml",
                                  "partial-but-complete.yaml", "partial-with-one-part.yaml", "bad-doi.yaml"])
def test_invalid_files_fail_the_json_schema(name: str) -> None:
    data = json.loads(json.dumps(_load(DATA / "invalid" / name), default=str))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


@pytest.mark.slow
def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.slow
def test_what_cmograph_reads_the_schema_does_not_underline(tmp_path: Path) -> None:
    from cmograph.checks.pipeline import check_file

    text = (DATA / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("  title: Minimal made-up evaluation\n", "  title: Minimal made-up evaluation\n"
                        "  year: '2009'\n  programme: 42\nsites:\ngroups:\n")
    text = text.replace("  - id: c-minimal\n", "  - id: 1\n").replace("context: [c-minimal]", "context: [1]")
    text = text.replace("  - id: o-minimal\n    label: Minimal outcome\n",
                        "  - id: 1.5\n    label: Minimal outcome\n    measures:\n"
                        "      - indicator: Falls\n        value: 3\n        unit: count\n        at: 2023\n")
    text = text.replace("outcome: [o-minimal]", "outcome: [1.5]")
    path = tmp_path / "loose.yaml"
    path.write_text(text, encoding="utf-8")
    assert [str(d) for d in check_file(path).report] == []  # cmograph reads it as it stands
    jsonschema.validate(yaml.safe_load(text), json_schema())  # and neither does the schema
