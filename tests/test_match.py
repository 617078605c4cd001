"""`cmograph match` and the project's concept scheme, on real wording (tests/data/matching: published CMOC tables).

Happy paths: match proposes the pairs a reviewer would (trust ~ trust), writes SSSOM that sssom-py reads and
validates, a reviewed file is accepted into concepts.yaml (never an evaluation's file), and the questions then see
the concepts by their labels (`demi-regularities --by concept` finds a pattern across two studies). Empty answer:
one evaluation, nothing to match. Bad input: a mapping file without a required column, an unknown element, a
concept scheme that does not parse or names an unknown member, each a clear error with its exit code.
"""

from __future__ import annotations

import csv
import gc
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmograph.cli import main
from cmograph.match import lexical, semantic

DATA = Path(__file__).resolve().parent / "data" / "matching"
EVALUATIONS = DATA / "evaluations"


def cmograph(*args: str, cwd: Path) -> tuple[int, str, str]:
    import os

    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
        gc.collect()  # no store stays open (and is closed in a forked worker) for the commands after
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of the nine real-wording evaluations."""
    cmograph("init", ".", cwd=tmp_path)
    (tmp_path / "evaluations" / "my-evaluation.yaml").unlink()
    for path in EVALUATIONS.glob("*.yaml"):
        shutil.copy(path, tmp_path / "evaluations" / path.name)
    return tmp_path


def rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_lexical_scores_real_wording() -> None:
    assert lexical.normalised("Patients\u2019 experience and attitudes.") == "patients experience and attitudes"
    assert lexical.stems("trust in pharmacist skill.") == {"trust", "pharmacist", "skill"}
    pairs = dict(((i, j), s) for i, j, s in lexical.candidates(
        ["a", "b", "c"], ["empowerment", "Empowerment.", "reducing stigma"], 0.2))
    assert pairs == {(0, 1): 1.0}


@pytest.mark.slow
def test_match_proposes_sssom_that_sssom_py_validates(project: Path) -> None:
    code, _, err = cmograph("match", "-o", "mappings.sssom.tsv", cwd=project)
    assert code == 0, err
    method = "lexical + semantic" if semantic.available() else "lexical only"
    assert f"between 130 elements of 9 evaluations, {method}" in err
    found = rows(project / "mappings.sssom.tsv")
    same = {(r["subject_label"], r["object_label"]): r for r in found}
    exact = same["empowerment", "empowerment"]
    assert (exact["predicate_id"], exact["mapping_justification"], exact["similarity_score"]) == (
        "skos:exactMatch", "semapv:LexicalMatching", "1.000")
    assert all(r["author_id"] == "" and r["predicate_modifier"] == "" for r in found)  # nobody has decided yet
    assert {r["subject_id"].split(":")[0].split(".")[0] for r in found} < {p.stem for p in EVALUATIONS.glob("*")}

    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    parsed = parse_sssom_table(str(project / "mappings.sssom.tsv"))
    assert len(parsed.df) == len(found)
    report = validate(parsed, validation_types=[SchemaValidationType.JsonSchema,
                                                SchemaValidationType.PrefixMapCompleteness,
                                                SchemaValidationType.StrictCurieFormat], fail_on_error=False)
    assert {str(k): [r.message for r in v.results] for k, v in report.items()} == {
        str(k): [] for k in report}


@pytest.mark.slow
@pytest.mark.skipif(not semantic.available(), reason="the match extra (wordllama) is not installed")
def test_semantic_step_finds_what_words_alone_miss(project: Path) -> None:
    cmograph("match", "-o", "both.tsv", "--kind", "outcome", cwd=project)
    code, _, err = cmograph("match", "-o", "lexical.tsv", "--kind", "outcome", "--method", "lexical", cwd=project)
    assert code == 0 and "lexical only" in err
    by_meaning = {(r["subject_label"], r["object_label"]) for r in rows(project / "both.tsv")
                  if r["mapping_justification"] == "semapv:SemanticSimilarityThresholdMatching"}
    assert ("Decreased fidelity of the planned implementation process", "a reduction in inappropriate prescribing") \
        not in by_meaning  # an unrelated pair stays out
    assert by_meaning - {(r["subject_label"], r["object_label"]) for r in rows(project / "lexical.tsv")}


def review(path: Path, keep: dict[tuple[str, str], str]) -> None:
    """Mark the rows whose labels are in ``keep``: author_id, and Not where the value says "reject"."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    header: list[str] = []
    for line in lines:
        if line.startswith("#"):
            out.append(line)
            continue
        cells = line.split("\t")
        if not header:
            header = cells
            out.append(line)
            continue
        row = dict(zip(header, cells, strict=True))
        decision = keep.get((row["subject_label"], row["object_label"]))
        if decision is not None:
            row["author_id"], row["mapping_date"] = "orcid:0000-0002-1825-0097", "2026-11-30"
            row["predicate_modifier"] = "Not" if decision == "reject" else ""
        out.append("\t".join(row[c] for c in header))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_accept_writes_the_kept_clusters_into_the_scheme_and_questions_see_them(project: Path) -> None:
    before = {p.name: p.read_bytes() for p in (project / "evaluations").iterdir()}
    code, _, err = cmograph("match", "-o", "m.tsv", "--method", "lexical", cwd=project)
    assert code == 0, err
    review(project / "m.tsv", {("empowerment", "empowerment"): "keep"})
    code, _, err = cmograph("match", "--accept", "m.tsv", cwd=project)
    assert code == 0, err
    assert "1 concept added, 0 extended, 2 members placed; from 1 kept row (0 rejected" in err
    scheme = (project / "concepts.yaml").read_text(encoding="utf-8")
    assert "- flynn-2021/m8\n" in scheme and "- thompson-2023/m7\n" in scheme
    assert "decided_by:\n  - orcid:0000-0002-1825-0097\n" in scheme and "decided_on: '2026-11-30'" in scheme
    assert {p.name: p.read_bytes() for p in (project / "evaluations").iterdir()} == before  # never rewritten

    code, _, err = cmograph("ask", "circumstances", "--mechanism", "concept:empowerment", "--like", "-f", "csv",
                              cwd=project)
    assert code == 0, err


@pytest.mark.slow
def test_demi_regularities_by_concept_across_studies_on_real_wording(project: Path) -> None:
    (project / "concepts.yaml").write_text("""scheme:
  label: Medication review
concepts:
  - id: mr-in-practice
    label: Medication review built into practice
    members: [luetsch-2021/c5, radcliffe-2023/c2]
  - id: pharmacist-integration
    label: Pharmacists integrated and recognised
    members: [luetsch-2021/m9, radcliffe-2023/m2]
  - id: safer-prescribing
    label: Medication review done routinely, prescribing safer
    members: [luetsch-2021/o8, radcliffe-2023/o2]
""", encoding="utf-8")
    code, out, err = cmograph("ask", "demi-regularities", "--by", "concept", "-f", "csv", cwd=project)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "context,mechanism,outcome,direction,sites,where,cmoc,evaluation"
    assert lines[1].startswith("Medication review built into practice,Pharmacists integrated and recognised,"
                               "\"Medication review done routinely, prescribing safer\",,2,")
    assert lines[1].endswith(",luetsch-2021; radcliffe-2023")
    assert "https://" not in out  # a concept by its label, never its IRI
    assert cmograph("ask", "demi-regularities", "-f", "csv", cwd=project)[1].count("\n") == 1  # by label: none


@pytest.mark.slow
def test_one_evaluation_has_nothing_to_match(tmp_path: Path) -> None:
    code, _, err = cmograph("match", "--data", str(EVALUATIONS / "howe-2024.yaml"), "-o", "m.tsv", cwd=tmp_path)
    assert code == 0
    assert "No mappings proposed: the data holds 1 evaluation" in err
    assert rows(tmp_path / "m.tsv") == []


@pytest.mark.slow
def test_a_mapping_file_without_a_required_column_is_refused(project: Path) -> None:
    cmograph("match", "-o", "m.tsv", "--method", "lexical", cwd=project)
    text = (project / "m.tsv").read_text(encoding="utf-8").replace("\tauthor_id", "\tauthor")
    (project / "m.tsv").write_text(text, encoding="utf-8")
    code, _, err = cmograph("match", "--accept", "m.tsv", cwd=project)
    assert code == 2
    assert "error: m.tsv:" in err and "the table has no column author_id" in err
    assert not (project / "concepts.yaml").exists()


@pytest.mark.slow
def test_an_unknown_element_in_a_mapping_file_is_refused(project: Path) -> None:
    cmograph("match", "-o", "m.tsv", "--method", "lexical", cwd=project)
    text = (project / "m.tsv").read_text(encoding="utf-8").replace("thompson-2023.mechanism:m7",
                                                                  "thompson-2023.mechanism:m77")
    (project / "m.tsv").write_text(text, encoding="utf-8")
    code, _, err = cmograph("match", "--accept", "m.tsv", cwd=project)
    assert code == 2
    assert "object_id <https://w3id.org/cmograph/data/thompson-2023/mechanism/m77> is no element" in err


@pytest.mark.slow
def test_a_concept_scheme_that_does_not_parse_stops_every_command(project: Path) -> None:
    (project / "concepts.yaml").write_text("scheme:\n  label: x\nconcepts:\n  - id: a\n    label: [oops\n",
                                           encoding="utf-8")
    for command in (("validate",), ("load",), ("ask", "what-worked")):
        code, _, err = cmograph(*command, cwd=project)
        assert code == 2, command
        assert "error: concepts.yaml:6:1: YAML syntax error" in err


@pytest.mark.slow
def test_an_unknown_member_or_broader_is_an_error_at_its_line(project: Path) -> None:
    (project / "concepts.yaml").write_text("""concepts:
  - id: trust
    label: Trust
    broader: relationship
    members:
      - luetsch-2021/m4
      - howe-2024/m33
      - luetsh-2021/m3
  - id: relationships
    label: Relationships
""", encoding="utf-8")
    code, _, err = cmograph("validate", cwd=project)
    assert code == 1
    assert err.splitlines()[:3] == [
        "[ERROR] concepts.yaml:4: concepts[trust].broader: no concept has the id 'relationship' (did you mean "
        "relationships?)",
        "[ERROR] concepts.yaml:7: concepts[trust].members: 'howe-2024/m33': the evaluation 'howe-2024' has no "
        "context, mechanism, outcome, group or site 'm33' (did you mean 'howe-2024/m3'?)",
        "[ERROR] concepts.yaml:8: concepts[trust].members: 'luetsh-2021/m3': no evaluation 'luetsh-2021' is loaded "
        "(did you mean 'luetsch-2021'?)",
    ]
    code, _, err = cmograph("ask", "what-worked", cwd=project)
    assert code == 1 and "Nothing was loaded or answered." in err


@pytest.mark.slow
def test_the_scheme_is_refreshed_when_it_or_an_evaluation_changes(project: Path) -> None:
    scheme = project / "concepts.yaml"
    scheme.write_text("concepts:\n  - id: trust\n    label: Trust\n    members: [howe-2024/m3]\n", encoding="utf-8")
    query = project / "q.rq"
    query.write_text("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                     "SELECT ?label WHERE { ?c skos:prefLabel ?label ; skos:inScheme ?s . ?s skos:prefLabel ?of . "
                     "FILTER(STR(?of) = 'Concepts of the project') }\n", encoding="utf-8")
    assert cmograph("query", "q.rq", cwd=project)[1] == "label\nTrust\n"
    scheme.write_text("concepts:\n  - id: trust\n    label: Trust formation\n    members: [howe-2024/m3]\n",
                      encoding="utf-8")
    assert cmograph("query", "q.rq", cwd=project)[1] == "label\nTrust formation\n"
    (project / "evaluations" / "howe-2024.yaml").unlink()  # its member is gone: the scheme no longer checks
    code, _, err = cmograph("query", "q.rq", cwd=project)
    assert code == 1 and "no evaluation 'howe-2024' is loaded" in err
    scheme.unlink()
    assert cmograph("query", "q.rq", cwd=project)[1] == "label\n"


@pytest.mark.slow
def test_a_skos_scheme_and_concepts_with_data(tmp_path: Path) -> None:
    (tmp_path / "concepts.ttl").write_text("""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix cmo: <https://w3id.org/cmograph/ontology#> .
<https://example.org/c/> a skos:ConceptScheme ; skos:prefLabel "Review concepts" .
<https://example.org/c/trust> a skos:Concept ; skos:inScheme <https://example.org/c/> ; skos:prefLabel "Trust" .
<https://w3id.org/cmograph/data/howe-2024/mechanism/m3> cmo:concept <https://example.org/c/trust> .
""", encoding="utf-8")
    code, _, err = cmograph("ask", "circumstances", "--data", str(EVALUATIONS), "--concepts", "concepts.ttl",
                              "--mechanism", "https://example.org/c/trust", "-f", "csv", cwd=tmp_path)
    assert code == 0, err
    code, _, err = cmograph("ask", "what-worked", "--example", "--concepts", "concepts.ttl", cwd=tmp_path)
    assert code == 1
    assert "<https://w3id.org/cmograph/data/howe-2024/mechanism/m3> is no context, mechanism" in err
    code, _, err = cmograph("ask", "what-worked", "--store", str(tmp_path), "--concepts", "concepts.ttl",
                            cwd=tmp_path)
    assert code == 2 and "--concepts goes with --data or --example" in err
