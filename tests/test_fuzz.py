"""Fuzzed evidence files: generated from the JSON Schema, mutated from the valid test files, and garbled as text.

Every input must give either a graph the store accepts or a clean error naming the file (and, in a report, the item
and key) - never a traceback, and a load that fails leaves the store exactly as it was. Documents are generated from
``schema/cmograph-evidence.schema.json`` by a small converter below (hypothesis-jsonschema 0.23 does not run with
current Hypothesis). Hypothesis runs derandomized, with bounded examples, so CI is stable. All data is MADE UP.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmograph.checks.pipeline import check_file
from cmograph.checks.results import CheckedFile
from cmograph.errors import InputError
from cmograph.store.disk import DiskStore, memory_store
from cmograph.store.project import load_into

pytestmark = pytest.mark.slow  # hundreds of generated files checked and loaded

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"
SCHEMA = json.loads((ROOT / "schema" / "cmograph-evidence.schema.json").read_text(encoding="utf-8"))
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])

# few distinct words, so that generated references often name generated ids (and some files conform)
WORDS = ["a", "b", "c1", "x-y", "2008-05", "2008-05-01", "https://example.org/c/1", "cmoc:x", "true", "1.10"]
HOSTILE = ['"', "'", "{", "}", "#", "\\u0022", ">", "<", "\n", "&a", "*a", "!!binary", "%", "@", "`", "|", ": ",
           "- ", "\t", "\u2028", "\ufeff", "\U0001F600", "x\" } UNION { ?s ?p ?o } #", "\x85", "\ud800"]
TEXT = st.one_of(st.sampled_from(WORDS), st.sampled_from(HOSTILE), st.text(max_size=12))
NUMBERS = st.one_of(st.integers(-3, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([0, 1.5, 10**30, -0.0, 1e-300]))


def from_schema(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A strategy for values valid against ``node`` (the subset of JSON Schema the evidence schema uses)."""
    if "$ref" in node:
        name = node["$ref"].split("/")[-1]
        return st.deferred(lambda: from_schema(SCHEMA["$defs"][name]))
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    for combinator in ("oneOf", "anyOf"):
        if combinator in node:
            return st.one_of([from_schema(option) for option in node[combinator]])
    types = node.get("type", ["string", "number"])
    return st.one_of([_typed(node, t) for t in (types if isinstance(types, list) else [types])])


def _typed(node: dict[str, Any], kind: str) -> st.SearchStrategy[Any]:
    if kind == "object":
        properties = {k: from_schema(v) for k, v in node.get("properties", {}).items()}
        required = set(node.get("required", ()))
        fixed = st.fixed_dictionaries({k: v for k, v in properties.items() if k in required},
                                      optional={k: v for k, v in properties.items() if k not in required})
        extra = node.get("additionalProperties", True)
        if isinstance(extra, dict):  # prefixes: a mapping of names to IRIs
            return st.dictionaries(st.sampled_from(["cmoc", "ex", "x"]), from_schema(extra), max_size=2)
        return fixed
    if kind == "array":
        return st.lists(from_schema(node.get("items", {})), min_size=node.get("minItems", 0), max_size=3)
    if kind == "string":
        if node.get("format") == "uri":
            return st.sampled_from(["https://example.org/c/", "urn:x:", "http://example.org/a#", "https://[::1/"])
        pattern = node.get("pattern")
        text = TEXT.filter(lambda s: len(s) >= node.get("minLength", 0))
        if pattern:
            return st.one_of(text, st.from_regex(pattern)).filter(lambda s: re.search(pattern, s) is not None)
        return text
    if kind == "integer":
        return st.integers(node.get("minimum", -3), node.get("maximum", 3000))
    if kind == "number":
        return NUMBERS
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise AssertionError(f"the schema uses a type this converter does not know: {kind}")


DOCUMENTS = from_schema(SCHEMA)


def write(folder: Path, data: Any, as_json: bool) -> Path:
    path = folder / ("fuzzed.json" if as_json else "fuzzed.yaml")
    if as_json:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8",
                        errors="surrogatepass")
    return path


def check_cleanly(path: Path) -> CheckedFile | None:
    """Check ``path``: a clean :class:`InputError` (None), or a report locating every problem; a conforming file
    must give graphs the store accepts whole."""
    try:
        checked = check_file(path)
    except InputError as exc:
        assert exc.message.startswith((path.name, str(path))), exc.message
        return None
    for diagnostic in checked.report.diagnostics:
        assert diagnostic.location.file == path.name and diagnostic.message, diagnostic
    if checked.report.conforms:
        assert checked.graphs
        store = memory_store(checked.graphs)
        for graph in checked.graphs:
            stored = store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph.graph)))
            assert len(list(stored)) == graph.size() == len(set(graph.quads()))
    else:
        assert not checked.graphs
    return checked


@FUZZ
@given(data=DOCUMENTS, as_json=st.booleans())
def test_documents_generated_from_the_schema(tmp_path_factory: Any, data: Any, as_json: bool) -> None:
    check_cleanly(write(tmp_path_factory.mktemp("schema"), data, as_json))


# ---------------------------------------------------------------------------------------------- mutations


@cache
def valid_documents() -> dict[str, Any]:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in
            (VALID / "minimal.yaml", VALID / "hillside-review.json")}


def paths_of(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document, parents before children."""
    found = [here]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_of(child, (*here, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths_of(child, (*here, index))
    return found


REPLACEMENTS = st.one_of(TEXT, NUMBERS, st.booleans(), st.none(), st.just([]), st.just({}),
                         st.lists(TEXT, max_size=3), st.dictionaries(TEXT, TEXT, max_size=2),
                         st.sampled_from(["9" * 5000, "x" * 2000, [[[[[]]]]], {"id": {"id": "a"}}]))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    name = draw(st.sampled_from(sorted(valid_documents())))
    data = json.loads(json.dumps(valid_documents()[name]))
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(paths_of(data)[1:]))
        parent = data
        for step in place[:-1]:
            parent = parent[step]
        key = place[-1]
        operation = draw(st.sampled_from(["delete", "replace", "duplicate", "rename", "add"]))
        if operation == "delete":
            del parent[key]
        elif operation == "replace":
            parent[key] = draw(REPLACEMENTS)
        elif operation == "duplicate" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(parent[key])))
        elif operation == "rename" and isinstance(parent, dict):
            parent[draw(TEXT | st.sampled_from(["id", "label", "context", "cmocs", "evidence"]))] = parent.pop(key)
        elif operation == "add" and isinstance(parent[key], dict):
            parent[key][draw(TEXT)] = draw(REPLACEMENTS)
    return name, data


@FUZZ
@given(case=mutated(), as_json=st.booleans())
def test_mutated_valid_files(tmp_path_factory: Any, case: tuple[str, Any], as_json: bool) -> None:
    check_cleanly(write(tmp_path_factory.mktemp("mutated"), case[1], as_json))


GARBAGE = st.sampled_from([":", "-", '"', "'", "{", "}", "[", "]", "&x", "*x", "!", "!!str", "%", "@", "`", "|",
                           ">", "#", "\t", "\n", " ", "\r", "\x00", "\x07", "\ufeff", "é", "\U0001F600", "? ", "---",
                           "...", "\\", "\\u", "&a [*a, *a]", "<<: *a"])


@st.composite
def garbled(draw: st.DrawFn) -> tuple[str, str]:
    path = draw(st.sampled_from([VALID / "minimal.yaml", VALID / "hillside-review.json"]))
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(GARBAGE | st.text(max_size=3)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
    return path.suffix, text


@FUZZ
@given(case=garbled())
def test_garbled_text(tmp_path_factory: Any, case: tuple[str, str]) -> None:
    path = tmp_path_factory.mktemp("garbled") / f"garbled{case[0]}"
    path.write_text(case[1], encoding="utf-8", errors="surrogatepass")
    check_cleanly(path)


# ---------------------------------------------------------------------------------------------- the store


@settings(FUZZ, max_examples=25)
@given(case=st.one_of(mutated(), DOCUMENTS.map(lambda d: ("schema", d))), as_json=st.booleans())
def test_a_fuzzed_load_is_all_or_nothing(tmp_path_factory: Any, case: tuple[str, Any], as_json: bool) -> None:
    folder = tmp_path_factory.mktemp("load")
    store = DiskStore(folder / "store")
    load_into(store, [VALID / "minimal.yaml"])
    before = sorted(map(str, store.open()))
    listing = sorted(p.name for p in store.path.iterdir())
    path = write(folder, case[1], as_json)
    checked = check_cleanly(path)
    try:
        result = load_into(store, [path])
    except InputError:
        result = None
    if result is not None and result.report.conforms:
        assert checked is not None and result.loaded == [g.evaluation_id for g in checked.graphs]
        assert set(result.loaded) < set(store.manifest().graphs())
    else:
        assert sorted(map(str, store.open())) == before
        assert sorted(p.name for p in store.path.iterdir()) == listing
