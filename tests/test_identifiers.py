"""DOIs and ORCID iDs: written as people write them, stored as ``https://doi.org/`` and ``https://orcid.org/`` IRIs.

- A DOI written bare, as ``doi:10...`` or as a doi.org link is the IRI ``https://doi.org/10...`` (its case kept);
  one that is not a DOI is an error at its line; an RDF file with a DOI as text is told to write the IRI.
- An author (or a judgement's maker) is a name, as before, or a name with an ORCID iD: the iD's IRI, a
  ``prov:Person`` labelled with the name; an iD of the wrong form or check digit is an error at its line.
- Both go through the workbook and back, show in answers, and are linked from published pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from rdflib import RDF, RDFS, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from cmograph.checks.pipeline import check_file
from cmograph.cli import main
from cmograph.format.identifiers import doi_iri, doi_text, orcid_check_digit, orcid_iri, orcid_problem
from cmograph.format.vocab import CMO

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = (ROOT / "tests" / "data" / "valid" / "minimal.yaml").read_text(encoding="utf-8")
CARBERRY = "0000-0002-1825-0097"  # ORCID's documentation example: Josiah Carberry, a fictional test identity
BASE = "https://w3id.org/cmograph/data/"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def study(tmp_path: Path, evaluation: str = "", cmoc: str = "") -> Path:
    """The minimal file with ``evaluation`` lines added to its evaluation and ``cmoc`` lines to its configuration."""
    title = "  title: Minimal made-up evaluation\n"
    text = MINIMAL.replace(title, title + evaluation)
    path = tmp_path / "study.yaml"
    path.write_text(text + cmoc, encoding="utf-8")
    return path


def graph_of(path: Path) -> Dataset:
    checked = check_file(path)
    assert [str(d) for d in checked.report] == []
    dataset = Dataset(default_union=True)
    dataset.parse(data=checked.graphs[0].nquads, format="nquads")
    return dataset


# --- the identifiers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "iri"), [
    ("10.1108/14777260910942597", "https://doi.org/10.1108/14777260910942597"),
    ("doi:10.1234/AbC", "https://doi.org/10.1234/AbC"),
    ("DOI:10.1234/x", "https://doi.org/10.1234/x"),
    ("https://doi.org/10.1234/x", "https://doi.org/10.1234/x"),
    ("http://dx.doi.org/10.1234/x", "https://doi.org/10.1234/x"),
    ("HTTPS://DOI.ORG/10.1234/x", "https://doi.org/10.1234/x"),
    (" 10.1234/x ", "https://doi.org/10.1234/x"),
    ("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
     "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-O"),
    ("10.1234/a#b?c", "https://doi.org/10.1234/a%23b%3Fc"),
])
def test_a_doi_written_any_way_becomes_its_doi_org_iri(written: str, iri: str) -> None:
    assert doi_iri(written) == iri
    assert doi_iri(doi_text(iri)) == iri and doi_text(iri) in written


@pytest.mark.parametrize("written", ["n/a", "", "10.12/x", "10.1234", "10.1234/", "doi: 10.1234/x",
                                     "https://example.org/10.1234/x", "11.1234/x", "10.1234/a b"])
def test_what_is_not_a_doi_has_no_iri(written: str) -> None:
    assert doi_iri(written) is None


def test_an_orcid_id_is_checked_by_its_check_digit() -> None:
    assert orcid_check_digit(CARBERRY) == "7"
    assert orcid_check_digit("0000-0002-1694-233X") == "X"
    assert orcid_iri(CARBERRY) == orcid_iri(f"https://orcid.org/{CARBERRY}") == f"https://orcid.org/{CARBERRY}"
    assert orcid_iri(f"http://orcid.org/{CARBERRY}") == f"https://orcid.org/{CARBERRY}"
    assert orcid_problem(CARBERRY) is None and orcid_problem("0000-0002-1694-233X") is None
    assert orcid_iri("0000-0002-1825-0098") is None
    assert orcid_problem("0000-0002-1825-0098") == (
        "'0000-0002-1825-0098' is not a valid ORCID iD: its last character, the check digit, should be 7",
        "a digit is mistyped: copy the iD from the person's ORCID record: 16 digits in fours, e.g. "
        "0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097")
    for wrong in ("0000000218250097", "0000-0002-1825-009", "0000-0002-1694-233x", "https://example.org/0000-0002-1825-0097"):
        assert orcid_iri(wrong) is None
        problem = orcid_problem(wrong)
        assert problem is not None and problem[0] == f"'{wrong}' is not an ORCID iD"


# --- in the graph --------------------------------------------------------------------------------------------------


def test_dois_are_iris_and_an_author_with_an_orcid_is_a_person(tmp_path: Path) -> None:
    path = study(tmp_path, "  doi: doi:10.5555/Minimal-2024\n  authors:\n    - A. Example\n"
                           f"    - name: Josiah Carberry\n      orcid: https://orcid.org/{CARBERRY}\n"
                           "    - name: B. Example\n",
                 "    derived_from:\n      - operation: situating\n        cmocs: [other-review/c1]\n"
                 f"        by: {{name: Josiah Carberry, orcid: {CARBERRY}}}\n"
                 "sources:\n  - id: report\n    label: Report\n    doi: https://dx.doi.org/10.5555/report\n")
    graph = graph_of(path)
    evaluation = URIRef(BASE + "minimal")
    person = URIRef(f"https://orcid.org/{CARBERRY}")
    assert set(graph.objects(evaluation, CMO.doi)) == {URIRef("https://doi.org/10.5555/Minimal-2024")}
    assert set(graph.objects(URIRef(BASE + "minimal/source/report"), CMO.doi)) == {
        URIRef("https://doi.org/10.5555/report")}
    # plain names stay literals, as before; a name without an orcid is a plain name
    assert set(graph.objects(evaluation, DCTERMS.creator)) == {Literal("A. Example"), person, Literal("B. Example")}
    assert set(graph.objects(person, RDF.type)) == {PROV.Person}
    assert set(graph.objects(person, RDFS.label)) == {Literal("Josiah Carberry")}
    judgement = URIRef(BASE + "minimal/cmoc/cmoc-1/judgement/1")
    assert set(graph.objects(judgement, DCTERMS.creator)) == {person}


def test_without_identifiers_the_graph_is_as_before(tmp_path: Path) -> None:
    graph = graph_of(study(tmp_path, "  authors: [A. Example]\n"))
    assert set(graph.objects(URIRef(BASE + "minimal"), DCTERMS.creator)) == {Literal("A. Example")}
    assert set(graph.subjects(RDF.type, PROV.Person)) == set()


# --- bad input -----------------------------------------------------------------------------------------------------


def test_a_bad_doi_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = study(tmp_path, "  doi: see the paper\n")
    result = run("validate", path)
    assert result.exit_code == 1
    assert ("[ERROR] study.yaml:7: evaluation.doi: 'see the paper' is not a DOI (write the DOI bare "
            "(10.1108/14777260910942597), as doi:10.1108/... or as https://doi.org/10.1108/...; leave 'doi' out if "
            "there is none)") in result.output


def test_a_bad_orcid_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = study(tmp_path, "  authors:\n    - A. Example\n    - name: Josiah Carberry\n"
                           "      orcid: 0000-0002-1825-0098\n    - {orcid: 0000-0002-1825-0097, mail: x}\n"
                           "    - {name: ' ', orcid: 0000-0002-1825-0097}\n")
    result = run("validate", path)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("[")] == [
        "[ERROR] study.yaml:10: evaluation.authors[2].orcid: '0000-0002-1825-0098' is not a valid ORCID iD: its last "
        "character, the check digit, should be 7 (a digit is mistyped: copy the iD from the person's ORCID record: "
        "16 digits in fours, e.g. 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097)",
        "[ERROR] study.yaml:11: evaluation.authors[3]: missing required key 'name' (add 'name:' with the person's "
        "name as it is cited)",
        "[ERROR] study.yaml:11: evaluation.authors[3].mail: unknown key 'mail' (known keys: name, orcid)",
        "[ERROR] study.yaml:12: evaluation.authors[4].name: the name is empty (write the person's name as it is "
        "cited)",
    ]


def test_a_judgements_maker_with_a_bad_orcid_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = study(tmp_path, cmoc="    derived_from:\n      - operation: situating\n        cmocs: [other/c1]\n"
                                "        by:\n          - name: R. Viewer\n            orcid: orcid-0002\n")
    assert [str(d) for d in check_file(path).report] == [
        "[ERROR] study.yaml:26: cmocs[cmoc-1].derived_from[1].by[1].orcid: 'orcid-0002' is not an ORCID iD (copy the "
        "iD from the person's ORCID record: 16 digits in fours, e.g. 0000-0002-1825-0097 or "
        "https://orcid.org/0000-0002-1825-0097)"]


def test_rdf_with_a_doi_as_text_is_told_to_write_the_iri(tmp_path: Path) -> None:
    turtle = tmp_path / "study.ttl"
    assert run("export", "--data", study(tmp_path, "  doi: 10.1234/Demo\n"), "--format", "turtle", "-o",
               turtle).exit_code == 0
    text = turtle.read_text(encoding="utf-8")
    assert "cmo:doi <https://doi.org/10.1234/Demo>" in text
    assert run("validate", turtle).exit_code == 0
    turtle.write_text(text.replace("<https://doi.org/10.1234/Demo>", '"10.1234/Demo"'), encoding="utf-8")
    result = run("validate", turtle)
    assert result.exit_code == 1
    assert ("[ERROR] study.ttl: evaluation[minimal].doi: '10.1234/Demo' is not a DOI's IRI (write it as an IRI, "
            "e.g. <https://doi.org/10.1108/14777260910942597>)") in result.output


def test_rdf_with_an_author_neither_text_nor_an_iri_is_told_what_to_write(tmp_path: Path) -> None:
    turtle = tmp_path / "study.ttl"
    assert run("export", "--data", study(tmp_path, "  authors: [A. Example]\n"), "--format", "turtle", "-o",
               turtle).exit_code == 0
    text = turtle.read_text(encoding="utf-8")
    turtle.write_text(text.replace('dcterms:creator "A. Example"', "dcterms:creator 42"), encoding="utf-8")
    result = run("validate", turtle)
    assert result.exit_code == 1
    assert ("[ERROR] study.ttl: evaluation[minimal].authors: '42' is neither a name nor an IRI (write a name as an "
            "xsd:string, or the IRI of the person (an ORCID iD))") in result.output


@pytest.mark.parametrize("fmt", ["turtle", "trig", "jsonld"])
def test_an_rdf_export_with_an_orcid_author_reads_back_and_says_no_more_of_the_person(fmt: str,
                                                                                      tmp_path: Path) -> None:
    evidence = study(tmp_path, f"  authors: [A. Example, {{name: Josiah Carberry, orcid: {CARBERRY}}}]\n")
    exported = tmp_path / f"study.{fmt}"
    assert run("export", "--data", evidence, "--format", fmt, "-o", exported).exit_code == 0
    checked = check_file(exported)
    assert [str(d) for d in checked.report] == []
    back = Dataset(default_union=True)
    back.parse(data=checked.graphs[0].nquads, format="nquads")
    assert set(back.triples((None, None, None))) == set(graph_of(evidence).triples((None, None, None)))


def test_an_rdf_file_may_say_only_that_an_author_is_a_person_and_their_name(tmp_path: Path) -> None:
    turtle = tmp_path / "study.ttl"
    evidence = study(tmp_path, f"  authors: [{{name: Josiah Carberry, orcid: {CARBERRY}}}]\n")
    assert run("export", "--data", evidence, "--format", "turtle", "-o", turtle).exit_code == 0
    text = turtle.read_text(encoding="utf-8")
    said = f"<https://orcid.org/{CARBERRY}> a prov:Person ;"
    assert said in text
    turtle.write_text(text.replace(said, f"<https://orcid.org/{CARBERRY}> a prov:Organization ; rdfs:seeAlso "
                                         "<https://example.org/> ;"), encoding="utf-8")
    messages = [d.message for d in check_file(turtle).report]
    person = f"https://orcid.org/{CARBERRY}"
    assert messages == [f"the triple <{person}> <{p}> <{o}> describes <{person}>, which is not under the IRI of this "
                        "file's evaluation" for p, o in ((RDF.type, PROV.Organization),
                                                         (RDFS.seeAlso, "https://example.org/"))]


# --- through the workbook, in answers ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_workbook_keeps_the_orcid_in_its_cell_and_gives_it_back(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = study(tmp_path, "  doi: doi:10.5555/x\n  authors:\n    - A. Example\n"
                           f"    - name: Josiah Carberry\n      orcid: https://orcid.org/{CARBERRY}\n",
                 "    derived_from:\n      - operation: situating\n        cmocs: [other/c1]\n"
                 f"        by: [{{name: R. Viewer, orcid: '{CARBERRY}'}}]\n")
    book = tmp_path / "book.xlsx"
    assert run("export", "--data", path, "--format", "xlsx", "-o", book).exit_code == 0
    sheets = load_workbook(book)
    evaluation = sheets["evaluation"]
    cells = {evaluation.cell(1, c).value: evaluation.cell(2, c).value for c in range(1, evaluation.max_column + 1)}
    assert cells["authors"] == f"A. Example\nJosiah Carberry (https://orcid.org/{CARBERRY})"
    assert cells["doi"] == "doi:10.5555/x"  # as written
    assert "Josiah Carberry (0000-0002-1825-0097)" in evaluation.cell(1, 1 + list(cells).index("authors")).comment.text
    back = tmp_path / "back.yaml"
    result = run("import", book, "-o", back)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(back.read_text(encoding="utf-8"))
    assert data["evaluation"]["authors"] == ["A. Example",
                                             {"name": "Josiah Carberry", "orcid": f"https://orcid.org/{CARBERRY}"}]
    assert data["cmocs"][0]["derived_from"][0]["by"] == [{"name": "R. Viewer", "orcid": CARBERRY}]
    assert data["evaluation"]["doi"] == "doi:10.5555/x"


@pytest.mark.slow
def test_a_bad_orcid_in_a_workbook_cell_is_refused(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "book.xlsx"
    assert run("export", "--data", study(tmp_path, "  authors: [A. Example]\n"), "--format", "xlsx", "-o",
               book).exit_code == 0
    edited = load_workbook(book)
    evaluation = edited["evaluation"]
    column = next(c.column_letter for c in evaluation[1] if c.value == "authors")
    evaluation[f"{column}2"] = "A. Example\nJosiah Carberry (0000-0002-1825-0098)"
    edited.save(book)
    out = tmp_path / "out.yaml"
    result = run("import", book, "-o", out)
    assert result.exit_code == 2 and not out.exists()  # as every import refused for its cells
    assert (f"book.xlsx:evaluation!{column}2: evaluation.authors[2].orcid: '0000-0002-1825-0098' is not a valid "
            "ORCID iD: its last character, the check digit, should be 7") in result.output


def test_an_answer_shows_a_doi_as_its_iri() -> None:
    result = CliRunner().invoke(main, ["query", "--example"],
                                input="SELECT ?evaluation ?doi WHERE { ?e a cmo:Evaluation ; cmo:doi ?doi ; "
                                      "dcterms:identifier ?evaluation } ORDER BY ?evaluation")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "evaluation,doi",
        "clinical-microsystems-nhs,https://doi.org/10.1108/14777260910942597",
        "larchfield-follow-up,https://doi.org/10.5555/larchfield-follow-up",
    ]


def test_an_answer_names_a_judgements_maker_given_with_an_orcid_by_name(tmp_path: Path) -> None:
    path = study(tmp_path, cmoc="    derived_from:\n      - operation: situating\n        cmocs: [other/c1]\n"
                                f"        by: [A. Reviewer, {{name: Josiah Carberry, orcid: {CARBERRY}}}]\n")
    result = run("ask", "rests-on", "--data", path, "-f", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert sorted(row["by"]) == ["A. Reviewer", "Josiah Carberry"]

