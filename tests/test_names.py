"""The name index (cmograph.query.names) resolves every name exactly as the resolver's SPARQL lookups do."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmograph.checks.pipeline import check_files
from cmograph.errors import UsageError
from cmograph.query.catalogue import get_question
from cmograph.query.local import StoreEngine
from cmograph.query.names import NameIndex
from cmograph.query.resolve import Resolver
from cmograph.query.run import ask
from cmograph.query.types import ELEMENT_TYPES
from cmograph.source import open_data
from cmograph.store.disk import memory_store

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"
EXAMPLE = ROOT / "examples" / "clinical-microsystems-nhs.yaml"


def engines(*paths: Path) -> tuple[StoreEngine, StoreEngine]:
    """The same store twice: resolving by lookup queries, and through the name index."""
    checked = check_files(list(paths))
    assert all(c.report.conforms for c in checked)
    store = memory_store(g for c in checked for g in c.graphs)
    return StoreEngine(store), StoreEngine(store, index_names=True)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> tuple[StoreEngine, StoreEngine]:
    """riverside-wards twice under two evaluation ids (every id and label shared), with hillside and the example."""
    folder = tmp_path_factory.mktemp("names")
    text = (VALID / "riverside-wards.yaml").read_text(encoding="utf-8")
    twin = folder / "riverside-twin.yaml"
    twin.write_text(text.replace("\n  id: riverside-wards\n", "\n  id: riverside-twin\n", 1), encoding="utf-8")
    return engines(VALID / "riverside-wards.yaml", twin, VALID / "hillside-review.json", VALID / "minimal.yaml",
                   EXAMPLE)


def outcome(resolver: Resolver, kind: str, name: str) -> list[str] | str:
    """What resolving ``name`` gives: the IRIs, or the error message and hint."""
    try:
        return resolver.resolve(kind, name)
    except UsageError as error:
        return f"{error} / {error.hint}"


def names_to_try(resolver: Resolver, kind: str) -> set[str]:
    """Every way of naming each element of ``kind``, in and out of case, and a few names of nothing."""
    names = {"no such element", "", "riverside-wards/", "/x"}
    for c in resolver.candidates(kind):
        names |= {c.iri, c.iri.upper(), f"{c.evaluation}/{c.id}", f"{c.evaluation}/{(c.id or '').upper()}"}
        for text in (c.id, c.label, c.concept):
            if text:
                names |= {text, text.upper(), text.lower(), text.swapcase(), f"  {text} ", text[:-1]}
    return names


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(ELEMENT_TYPES))
def test_every_name_resolves_as_by_lookup_queries(twins: tuple[StoreEngine, StoreEngine], kind: str) -> None:
    queried, indexed = twins
    tried = names_to_try(Resolver(queried), kind)
    assert len(tried) > 10
    found = 0
    for name in sorted(tried):
        expected = outcome(Resolver(queried), kind, name)
        assert outcome(Resolver(indexed), kind, name) == expected, name
        found += isinstance(expected, list)
    assert found >= 3  # the sweep found elements, not only errors


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["context", "mechanism", "site", "cmoc"])
def test_within_one_evaluation_as_by_lookup_queries(twins: tuple[StoreEngine, StoreEngine], kind: str) -> None:
    queried, indexed = twins
    evaluation = Resolver(queried).resolve("evaluation", "riverside-twin")[0]
    for name in sorted(names_to_try(Resolver(queried), kind)):
        expected = outcome(Resolver(queried, evaluation=evaluation), kind, name)
        assert outcome(Resolver(indexed, evaluation=evaluation), kind, name) == expected, name


@pytest.mark.slow
def test_a_name_shared_by_two_evaluations_is_ambiguous_through_the_index(
        twins: tuple[StoreEngine, StoreEngine]) -> None:
    _, indexed = twins
    with pytest.raises(UsageError, match="'CMO1' names 2 configurations"):
        Resolver(indexed).resolve("cmoc", "CMO1")
    assert Resolver(indexed).resolve("cmoc", "riverside-twin/CMO1") == [
        "https://w3id.org/cmograph/data/riverside-twin/cmoc/CMO1"]


def test_the_index_is_built_once_and_only_when_asked(twins: tuple[StoreEngine, StoreEngine]) -> None:
    queried, indexed = twins
    assert queried.names() is None
    index = indexed.names()
    assert isinstance(index, NameIndex)
    assert indexed.names() is index


def test_an_empty_store_indexes_nothing() -> None:
    engine = StoreEngine(memory_store([]), index_names=True)
    assert engine.names() is not None
    with pytest.raises(UsageError, match="there are no mechanisms in the data"):
        Resolver(engine).resolve("mechanism", "Peer support")


def test_memory_mode_answers_through_the_index_with_the_same_rows() -> None:
    plain = open_data(example=True)
    many = open_data(example=True, memory=True)
    assert plain.engine.names() is None
    assert many.engine.names() is not None
    for qid, options in (("in-context", {"context": "c-imposed-targets"}),
                         ("why", {"outcome": "higher staff morale"}),
                         ("what-worked", {"evaluation": "clinical-microsystems-nhs"})):
        expected = ask(get_question(qid), plain.engine, options)
        assert expected.rows
        assert many.ask(qid, options).rows == expected.rows
    with pytest.raises(UsageError, match="no context is called"):
        many.ask("in-context", {"context": "Nothing of the sort"})
