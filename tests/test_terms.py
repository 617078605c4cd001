"""The shapes, the queries and the builder use only terms the ontology defines."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import processes
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from cmograph.cli import main
from cmograph.format.model import EVALUATION, LISTS
from cmograph.format.vocab import CMO, DEFAULT_BASE, ONTOLOGY_IRI
from cmograph.ingest.build import element_iri
from cmograph.query.types import ELEMENT_TYPES
from cmograph.resources import data

NS = ONTOLOGY_IRI + "#"


def defined_terms() -> set[str]:
    text = (data("ontology") / "cmograph.ttl").read_text(encoding="utf-8")
    ontology = Graph().parse(data=text, format="turtle")
    return {str(s) for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_every_shapes_term_is_defined() -> None:
    text = (data("shapes") / "cmograph.shapes.ttl").read_text(encoding="utf-8")
    shapes = Graph().parse(data=text, format="turtle")
    used = {str(t) for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert used, "the shapes must use cmo: terms"
    assert used - defined_terms() == set()


def test_every_query_term_is_defined() -> None:
    defined = defined_terms()
    folder = data("queries")
    for query in (p for p in folder.iterdir() if p.name.endswith(".rq")):
        body = "\n".join(line for line in query.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("#"))
        used = {NS + local for local in re.findall(r"\bcmo:([A-Za-z][A-Za-z0-9_]*)", body)}
        used |= set(re.findall(re.escape("<" + NS) + r"([A-Za-z0-9_]+)>", body))
        assert used - defined == set(), query.name


def test_every_vocabulary_term_is_defined() -> None:
    assert {NS + name for name in CMO.__annotations__} - defined_terms() == set()


@pytest.mark.slow
def test_the_element_types_of_questions_are_the_models_classes() -> None:
    """A question's element kind is the segment its elements' IRIs show, and its class is its section's."""
    sections = {s.cls: s for s in (EVALUATION, *LISTS)}
    assert len(ELEMENT_TYPES) == 8
    for kind, cls in ELEMENT_TYPES.items():
        section = sections[URIRef(cls)]
        assert cls in defined_terms()
        iri = element_iri(DEFAULT_BASE, "e", None if section is EVALUATION else section, "x")
        assert iri == URIRef(DEFAULT_BASE + "e") if kind == "evaluation" else iri.endswith(f"/{kind}/x")


@pytest.mark.slow
def test_asking_a_store_does_not_load_rdflib(tmp_path: Path) -> None:
    """The question path reads the format model (element classes) without rdflib, which only checking needs."""
    store = tmp_path / "kb"
    valid = Path(__file__).parent / "data" / "valid" / "riverside-wards.yaml"
    assert CliRunner().invoke(main, ["load", str(valid), "--store", str(store)]).exit_code == 0
    code = ("import sys; from cmograph.cli import main\n"
            f"try:\n    main(['ask', 'what-worked', '--store', {str(store)!r}, '-f', 'csv'])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "print(sorted(m for m in ('rdflib', 'pyshacl', 'owlready2') if m in sys.modules))")
    out = processes.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("outcome,") and len(out.splitlines()) > 2  # it answered
    assert out.strip().splitlines()[-1] == "[]"
