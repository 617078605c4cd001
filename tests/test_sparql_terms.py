"""Fuzz the one function family that puts values into query text: whatever goes in comes back out unchanged."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmograph.errors import UsageError
from cmograph.format.terms import XSD, iri_term, literal_term

STORE = ox.Store()
FORBIDDEN = [chr(c) for c in range(0x21)] + list('<>"{}|^`\\')
# text as Python holds it, minus lone surrogates (which are not text and are refused, see below)
TEXT = st.text(st.characters(exclude_categories=["Cs"]))


def parsed(term: str) -> ox.NamedNode | ox.Literal:
    """The term as pyoxigraph reads it back from a query."""
    solutions = STORE.query(f"SELECT ?x WHERE {{ BIND({term} AS ?x) }}")
    assert isinstance(solutions, ox.QuerySolutions)
    value = next(iter(solutions))["x"]
    assert isinstance(value, ox.NamedNode | ox.Literal)
    return value


@pytest.mark.slow
@settings(max_examples=400)
@given(TEXT)
def test_any_text_round_trips(text: str) -> None:
    assert parsed(literal_term(text)) == ox.Literal(text)


@pytest.mark.slow
@given(TEXT, st.from_regex(r"[a-z]{2,3}(-[A-Z]{2})?", fullmatch=True))
def test_language_literals_round_trip(text: str, language: str) -> None:
    assert parsed(literal_term(text, language=language)) == ox.Literal(text, language=language)


@given(TEXT)
def test_typed_literals_round_trip(text: str) -> None:
    assert parsed(literal_term(text, datatype=XSD + "token")) == ox.Literal(text, datatype=ox.NamedNode(XSD + "token"))


@given(TEXT)
def test_injection_stays_inside_the_literal(text: str) -> None:
    attack = f'{text}" . }} ; DROP ALL ; SELECT * {{ ?s ?p "'
    assert parsed(literal_term(attack)).value == attack


@given(st.integers())
def test_integers(number: int) -> None:
    assert parsed(literal_term(number)) == ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_doubles(number: float) -> None:
    term = parsed(literal_term(number))
    assert isinstance(term, ox.Literal) and float(term.value) == number


@pytest.mark.slow
@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimals(number: Decimal) -> None:
    term = parsed(literal_term(number))
    assert isinstance(term, ox.Literal)
    assert term.datatype == ox.NamedNode(XSD + "decimal") and Decimal(term.value) == number


def test_booleans() -> None:
    assert parsed(literal_term(True)) == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    assert parsed(literal_term(False)) == ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))


@pytest.mark.parametrize("number", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")])
def test_non_finite_numbers_are_refused(number: float | Decimal) -> None:
    with pytest.raises(UsageError):
        literal_term(number)


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
def test_lone_surrogates_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        literal_term(text)


@pytest.mark.parametrize("tag", ["", "en GB", "en-", "-en", 'en"', "en@x", "toolongtag"])
def test_bad_language_tags_are_refused(tag: str) -> None:
    with pytest.raises(UsageError):
        literal_term("x", language=tag)


def test_language_and_datatype_together_are_a_bug() -> None:
    with pytest.raises(ValueError):
        literal_term("x", language="en", datatype=XSD + "string")


IRI_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E).filter(lambda c: c not in [*FORBIDDEN, "%"])


@pytest.mark.slow
@given(st.text(IRI_CHARS, max_size=30))
def test_valid_iris_round_trip(tail: str) -> None:
    iri = "https://example.org/" + tail
    try:
        ox.NamedNode(iri)
    except ValueError:
        with pytest.raises(UsageError):
            iri_term(iri)
        return
    assert parsed(iri_term(iri)) == ox.NamedNode(iri)


@pytest.mark.slow
@given(st.text(max_size=10), st.sampled_from([*FORBIDDEN, "\ud800"]), st.text(max_size=10))
def test_iris_holding_a_forbidden_character_are_refused(head: str, bad: str, tail: str) -> None:
    with pytest.raises(UsageError):
        iri_term(f"https://example.org/{head}{bad}{tail}")


@pytest.mark.parametrize("text", ["", "no-scheme", "/relative/path", "1http://x", "http://x/%zz"])
def test_non_absolute_or_malformed_iris_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        iri_term(text)


def test_unicode_iris_are_kept() -> None:
    assert iri_term("https://example.org/caf\u00e9") == "<https://example.org/caf\u00e9>"


def test_answers_give_each_term_as_a_plain_value() -> None:
    """What comes back from the embedded store: IRIs and plain or language literals as text, numbers and booleans
    typed, a literal that is not of its datatype as its text, a blank node by its label and an unbound value as
    None; a term met again is the same value."""
    from cmograph.query.local import StoreEngine

    variables, rows = StoreEngine(ox.Store()).select(
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT * { VALUES (?iri ?text ?lang ?int ?huge ?dec ?dbl "
        "?yes ?no ?bad ?none) { (<https://example.org/a> 'a text' 'words'@en 42 "
        "'123456789012345678901234567890'^^xsd:integer 1.50 1.5e0 true '0'^^xsd:boolean 'x'^^xsd:integer UNDEF) "
        "(<https://example.org/a> 'a text' 'words'@en -7 1 0.1 'INF'^^xsd:double false 'maybe'^^xsd:boolean "
        "'1.5'^^xsd:int UNDEF) } BIND(BNODE('b') AS ?blank) }")
    assert sorted(variables) == ["bad", "blank", "dbl", "dec", "huge", "int", "iri", "lang", "no", "none", "text",
                                 "yes"]
    first, second = rows
    assert {k: v for k, v in first.items() if k != "blank"} == {
        "iri": "https://example.org/a", "text": "a text", "lang": "words", "int": 42,
        "huge": 123456789012345678901234567890, "dec": Decimal("1.50"), "dbl": 1.5, "yes": True, "no": False,
        "bad": "x", "none": None}
    assert {k: v for k, v in second.items() if k not in ("blank", "iri", "text", "lang")} == {
        "int": -7, "huge": 1, "dec": Decimal("0.1"), "dbl": float("inf"), "yes": False, "no": "maybe", "bad": "1.5",
        "none": None}
    assert second["iri"] is first["iri"] and second["text"] is first["text"]
    assert isinstance(first["blank"], str) and first["blank"].startswith("_:")
    assert type(first["yes"]) is bool and type(first["int"]) is int
