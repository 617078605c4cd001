"""From evidence file to graph: stable IRIs, determinism, defaults and lossless RDF round trips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from cmograph.checks.pipeline import check_file
from cmograph.checks.results import EvaluationGraph
from cmograph.format.model import ALL_SECTIONS, BUILDER_TERMS, CMOCS
from cmograph.format.vocab import CMO, DEFAULT_BASE
from cmograph.ingest.build import element_iri, graph_iri
from cmograph.render.formats import EXPORTS
from cmograph.render.rdf import export
from cmograph.source import load_memory

VALID = Path(__file__).parent / "data" / "valid"
RIVERSIDE = VALID / "riverside-wards.yaml"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib's XSD, which warns when pytest probes it
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def canonical(path: Path, base: str = DEFAULT_BASE) -> bytes:
    [graph] = check_file(path, base).graphs
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in graph.quads()}
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""


def rdflib_graph(graph: EvaluationGraph) -> Graph:
    """An evaluation's triples as an rdflib graph."""
    parsed = Dataset()
    parsed.parse(data=graph.nquads, format="nquads")
    union = Graph()
    for s, p, o, _ in parsed.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def test_same_file_gives_identical_canonical_ntriples() -> None:
    assert canonical(RIVERSIDE) == canonical(RIVERSIDE)


@pytest.mark.slow
def test_yaml_and_json_of_the_same_data_give_the_same_graph(tmp_path: Path) -> None:
    data = yaml.safe_load(RIVERSIDE.read_text(encoding="utf-8"))
    as_json = tmp_path / "riverside-wards.json"
    as_json.write_text(json.dumps(data, default=str), encoding="utf-8")
    assert canonical(as_json) == canonical(RIVERSIDE)


def test_iris_are_readable_and_under_the_base() -> None:
    [graph] = check_file(RIVERSIDE, "https://example.org/kb/").graphs
    assert graph.graph == URIRef("https://example.org/kb/riverside-wards/graph")
    subjects = {s for s, _, _ in rdflib_graph(graph)}
    assert URIRef("https://example.org/kb/riverside-wards/cmoc/CMO1") in subjects
    assert URIRef("https://example.org/kb/riverside-wards/cmoc/CMO1/evidence/1") in subjects
    assert element_iri(DEFAULT_BASE, "e", CMOCS, "A B/1") == URIRef(DEFAULT_BASE + "e/cmoc/A%20B%2F1")
    assert element_iri(DEFAULT_BASE, "e", CMOCS, "..") == URIRef(DEFAULT_BASE + "e/cmoc/%2E%2E")  # not the parent
    assert element_iri(DEFAULT_BASE, "e", CMOCS, "...") == URIRef(DEFAULT_BASE + "e/cmoc/...")
    assert graph_iri(DEFAULT_BASE, "e") == URIRef(DEFAULT_BASE + "e/graph")


def test_a_base_must_end_with_a_slash_or_a_hash() -> None:
    from cmograph.errors import UsageError

    with pytest.raises(UsageError, match=re.escape("'https://example.org/kb' does not end with '/' or '#'")) as caught:
        check_file(RIVERSIDE, "https://example.org/kb")
    assert caught.value.hint is not None and caught.value.hint.endswith("https://example.org/kb/")
    [graph] = check_file(RIVERSIDE, "https://example.org/kb#").graphs
    assert graph.graph == URIRef("https://example.org/kb#riverside-wards/graph")


def test_a_file_with_every_key_writes_every_predicate_of_the_model_and_no_other(tmp_path: Path) -> None:
    """The builder writes each key as its kind says, with no code of its own per key: the worked example of the
    format guide (which uses every key; tests/test_docs.py) gives a triple for every predicate the model names."""
    guide = (Path(__file__).parent.parent / "docs" / "evidence-format.md").read_text(encoding="utf-8")
    (worked,) = (b for b in re.findall(r"^```yaml\n(.*?)^```$", guide, re.MULTILINE | re.DOTALL)
                 if b.startswith("# worked-example\n"))
    path = tmp_path / "worked.yaml"
    path.write_text(worked, encoding="utf-8")
    [graph] = check_file(path).graphs
    written = {p for _, p, _ in rdflib_graph(graph)}
    keys = {key.predicate for section in ALL_SECTIONS for key in section.keys if key.predicate is not None}
    assert sorted(keys - written) == []
    others = {RDF_TYPE, *(URIRef(t) for t in BUILDER_TERMS)}
    assert sorted(written - keys - others) == []


def test_defaults_and_generated_statement() -> None:
    [graph] = check_file(VALID / "minimal.yaml").graphs
    g = rdflib_graph(graph)
    [cmoc] = list(g.subjects(predicate=CMO.hasContext))
    assert g.value(cmoc, CMO.mechanismActivated) == Literal(True)
    assert g.value(cmoc, CMO.statementGenerated) == Literal(True)
    statement = str(g.value(cmoc, CMO.statement))
    assert statement.startswith("In the context of ") and " leads to " in statement


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_round_trip_through_every_rdf_format_is_lossless(fmt: str, tmp_path: Path) -> None:
    store = load_memory([RIVERSIDE, VALID / "hillside-review.json"])
    original = Graph()
    for graph in (*check_file(RIVERSIDE).graphs, *check_file(VALID / "hillside-review.json").graphs):
        for t in rdflib_graph(graph):
            original.add(t)
    payload = export(store, fmt)
    rdflib_format = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nquads": "nquads"}[fmt]
    parsed = Dataset()
    parsed.parse(data=payload, format=rdflib_format)
    back = Graph()
    for s, p, o, _ in parsed.quads((None, None, None, None)):
        back.add((s, p, o))
    assert len(back) == len(original)
    assert isomorphic(back, original)


def test_trig_export_keeps_one_named_graph_per_evaluation() -> None:
    store = load_memory([RIVERSIDE, VALID / "hillside-review.json"])
    parsed = Dataset()
    parsed.parse(data=export(store, "trig"), format="trig")
    names = {str(c.identifier) for c in parsed.graphs() if len(c)}
    assert {DEFAULT_BASE + "riverside-wards/graph", DEFAULT_BASE + "hillside-review/graph"} <= names


@pytest.mark.slow
def test_an_export_is_sorted_so_it_reads_the_same_from_any_store(tmp_path: Path) -> None:
    from cmograph.store.disk import DiskStore
    from cmograph.store.project import load_into

    memory = load_memory([RIVERSIDE])
    lines = export(memory, "nt").decode().splitlines()
    assert len(lines) > 100 and lines == sorted(lines)
    disk = DiskStore(tmp_path / "store")
    load_into(disk, [RIVERSIDE])
    for fmt in EXPORTS:
        assert export(disk.open(), fmt) == export(memory, fmt), fmt
        assert export(memory, fmt).endswith(b"\n"), fmt  # a file ends with a line break, JSON-LD too


def test_export_of_one_evaluation_and_of_an_unknown_one() -> None:
    from cmograph.errors import UsageError

    store = load_memory([RIVERSIDE, VALID / "hillside-review.json"])
    only = export(store, "nt", ["hillside-review"]).decode()
    assert "data/hillside-review/" in only and "data/riverside-wards/" not in only
    with pytest.raises(UsageError, match="no evaluation 'nope'"):
        export(store, "nt", ["nope"])



MEASURE = "    measures:\n      - indicator: Falls\n        value: {value}\n        unit: falls\n"
MINIMAL_JSON = ('{{"cmograph": 1, "evaluation": {{"id": "minimal", "title": "Minimal made-up evaluation"}}, '
                '"contexts": [{{"id": "c-minimal", "label": "Minimal context"}}], '
                '"mechanisms": [{{"id": "m-minimal", "label": "Minimal mechanism"}}], '
                '"outcomes": [{{"id": "o-minimal", "label": "Minimal outcome", '
                '"measures": [{{"indicator": "Falls", "value": {value}, "unit": "falls"}}]}}], '
                '"cmocs": [{{"id": "cmoc-1", "context": ["c-minimal"], "mechanism": ["m-minimal"], '
                '"outcome": ["o-minimal"]}}]}}')


@pytest.mark.slow
@pytest.mark.parametrize(("written", "stored"), [
    ("3.50", "3.5"), ("+7", "7"), ("1e3", "1000"), ("1.5E-3", "0.0015"), ("-0.0", "0"), ("5.", "5"), (".25", "0.25"),
    ("123456789012345678.123456789012345678", "123456789012345678.123456789012345678"),  # 36 digits, none rounded
    ("-99999999999999999999", "-99999999999999999999"), ("0.000000000000000001", "0.000000000000000001"),
    ("1.50000000000000000000000000000", "1.5"),  # trailing zeros are not digits kept
])
def test_numbers_are_stored_exactly_in_canonical_form(written: str, stored: str, tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "study.yaml"
    measure = MEASURE.format(value=written)
    path.write_text(text.replace("label: Minimal outcome\n", "label: Minimal outcome\n" + measure), encoding="utf-8")
    [graph] = check_file(path).graphs
    [value] = list(rdflib_graph(graph).objects(None, CMO.value))
    assert (str(value), value.datatype) == (stored, XSD.decimal)
    as_json = tmp_path / "study.json"
    as_json.write_text(MINIMAL_JSON.format(value=written), encoding="utf-8")
    try:
        json.loads(as_json.read_text(encoding="utf-8"))
    except ValueError:
        return  # +7, 5. and .25 are YAML numbers only
    assert canonical(as_json) == canonical(path)


def test_an_evaluation_graph_holds_its_triples_in_its_named_graph_whatever_their_text() -> None:
    s, p = ox.NamedNode("https://example.org/e/s"), ox.NamedNode("https://example.org/p")
    texts = ["ends with a dot .", "a line\nbreak .\nthen more", " .\n", "\r\n .\r\n", "\u2028 .\u2029", "\x85 .",
             'a "quoted" . \\ backslash', ""]
    triples = [ox.Triple(s, p, ox.Literal(t)) for t in texts]
    triples += [ox.Triple(s, p, ox.Literal("étiquette .", language="fr")), ox.Triple(ox.BlankNode("b1"), p, s),
                ox.Triple(s, p, ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))]
    graph = EvaluationGraph.of("e", URIRef("https://example.org/e/graph"), triples)
    name = ox.NamedNode("https://example.org/e/graph")
    assert set(graph.quads()) == {ox.Quad(t.subject, t.predicate, t.object, name) for t in triples}
    assert graph.size() == len(triples)
