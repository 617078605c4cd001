"""Synthesis across evaluations: configurations derived from other evaluations' configurations (Pawson's operations
as PROV), references checked among files and on project load, the cross-study questions row by row, and what an
answer leaves out by design.

The data is the bundled example (the published 2009 evaluation and the made-up Larchfield follow-up that builds on
it), the made-up test evaluations in tests/data/valid/, and small review files written here. Expected rows were
written by reading those files.
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import RDF, URIRef

from cmograph.checks.pipeline import check_file, check_files, validate_paths
from cmograph.cli import main
from cmograph.diagnostics import Severity
from cmograph.errors import UsageError
from cmograph.format.vocab import CMO, PROV
from cmograph.query.catalogue import get_question
from cmograph.query.local import StoreEngine
from cmograph.query.run import Answer, ask
from cmograph.store.disk import memory_store
from cmograph.store.project import Project, init_project

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"
RIVERSIDE = VALID / "riverside-wards.yaml"
HILLSIDE = VALID / "hillside-review.json"
MINIMAL = VALID / "minimal.yaml"
STUDY = ROOT / "examples" / "clinical-microsystems-nhs.yaml"
FOLLOW_UP = ROOT / "examples" / "larchfield-follow-up.yaml"
DATA = "https://w3id.org/cmograph/data/"
SKOS_NOTE = URIRef("http://www.w3.org/2004/02/skos/core#note")
CREATOR = URIRef("http://purl.org/dc/terms/creator")

# A made-up review (written here; from no study) that derives configurations from the test evaluations.
REVIEW = """\
# MADE UP test fixture, written by tests/test_synthesis.py (illustrative, from no study).
cmograph: 1
evaluation:
  id: huddle-synthesis
  title: Huddles across two evaluations (made up)
  design: realist-synthesis
contexts:
  - id: c1
    label: Leaders protect the huddle
mechanisms:
  - id: m1
    label: A daily huddle
outcomes:
  - id: o1
    label: Better morale
    direction: positive
cmocs:
  - id: R1
    context: c1
    mechanism: m1
    outcome: o1
    derived_from:
      - operation: consolidating
        cmocs: [riverside-wards/CMO1, hillside-review/CMOC-A]
        note: Both find the huddle lifts morale where leaders protect it.
        by: [A. Reviewer, B. Reviewer]
      - operation: reconciling
        cmocs: [riverside-wards/CMO3]
        note: Morale fell where staff were short, so the context decides.
        by: A. Reviewer
theories:
  - id: t1
    label: The synthesis theory
    cmocs: [R1, riverside-wards/CMO6]
"""


def run_cli(*args: object, cwd: Path | None = None) -> Any:
    import os

    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


@cache
def engine_for(*paths: Path) -> StoreEngine:
    checked = check_files(list(paths))
    assert all(c.report.conforms for c in checked), [str(d) for c in checked for d in c.report]
    return StoreEngine(memory_store(g for c in checked for g in c.graphs))


def answer(qid: str, *paths: Path, **options: Any) -> Answer:
    return ask(get_question(qid), engine_for(*paths), options)


def rows(qid: str, *paths: Path, **options: Any) -> list[dict[str, Any]]:
    return answer(qid, *paths, **options).rows


@pytest.fixture
def review(tmp_path: Path) -> Path:
    path = tmp_path / "review.yaml"
    path.write_text(REVIEW, encoding="utf-8")
    return path


def messages(report: Any) -> list[str]:
    return [str(d) for d in report]


# ---------------------------------------------------------------------------------------------- the graph


def test_each_judgement_is_a_prov_activity_that_used_the_configurations_and_generated_the_review_one(
        review: Path) -> None:
    [graph] = check_file(review).graphs
    triples = {(str(s.value), str(p.value), str(o.value)) for s, p, o, _ in graph.quads()}
    r1 = f"{DATA}huddle-synthesis/cmoc/R1"
    first, second = f"{r1}/judgement/1", f"{r1}/judgement/2"
    assert (r1, str(CMO.derivedBy), first) in triples and (r1, str(CMO.derivedBy), second) in triples
    for judgement in (first, second):
        assert (judgement, str(RDF.type), str(CMO.SynthesisJudgement)) in triples
    assert (first, str(CMO.operation), str(CMO.OperationConsolidating)) in triples
    assert (second, str(CMO.operation), str(CMO.OperationReconciling)) in triples
    used = {(s, o) for s, p, o in triples if p == str(PROV.used)}
    assert used == {(first, f"{DATA}riverside-wards/cmoc/CMO1"), (first, f"{DATA}hillside-review/cmoc/CMOC-A"),
                    (second, f"{DATA}riverside-wards/cmoc/CMO3")}
    assert (first, str(SKOS_NOTE), "Both find the huddle lifts morale where leaders protect it.") in triples
    assert {o for s, p, o in triples if s == first and p == str(CREATOR)} == {"A. Reviewer", "B. Reviewer"}
    theory = f"{DATA}huddle-synthesis/theory/t1"
    assert (theory, str(CMO.includesConfiguration), f"{DATA}riverside-wards/cmoc/CMO6") in triples
    assert (theory, str(CMO.includesConfiguration), r1) in triples


def test_a_reference_may_be_a_full_iri(tmp_path: Path) -> None:
    path = tmp_path / "review.yaml"
    path.write_text(REVIEW.replace("riverside-wards/CMO3", f"{DATA}riverside-wards/cmoc/CMO3"), encoding="utf-8")
    report = validate_paths([path, RIVERSIDE, HILLSIDE])
    assert report.conforms and not report.diagnostics, messages(report)


# ---------------------------------------------------------------------------------------------- references


def test_a_lone_review_says_which_references_it_could_not_check(review: Path) -> None:
    report = validate_paths(review)
    assert report.conforms
    assert {d.severity for d in report} == {Severity.WARNING}
    assert messages(report) == [
        "[WARNING] review.yaml:24: cmocs[R1].derived_from[1].cmocs: could not check 'hillside-review/CMOC-A': the "
        "evaluation 'hillside-review' it names is not among the files checked (check this file together with that "
        "evaluation's file, or in a project that holds both)",
        "[WARNING] review.yaml:24: cmocs[R1].derived_from[1].cmocs: could not check 'riverside-wards/CMO1': the "
        "evaluation 'riverside-wards' it names is not among the files checked (check this file together with that "
        "evaluation's file, or in a project that holds both)",
        "[WARNING] review.yaml:28: cmocs[R1].derived_from[2].cmocs: could not check 'riverside-wards/CMO3': the "
        "evaluation 'riverside-wards' it names is not among the files checked (check this file together with that "
        "evaluation's file, or in a project that holds both)",
        "[WARNING] review.yaml:34: theories[t1].cmocs: could not check 'riverside-wards/CMO6': the evaluation "
        "'riverside-wards' it names is not among the files checked (check this file together with that "
        "evaluation's file, or in a project that holds both)",
    ]


def test_with_the_studies_every_reference_is_checked(review: Path) -> None:
    assert messages(validate_paths([review, RIVERSIDE, HILLSIDE])) == []


def test_a_missing_configuration_is_an_error_at_file_item_and_key(tmp_path: Path) -> None:
    path = tmp_path / "review.yaml"
    path.write_text(REVIEW.replace("riverside-wards/CMO1,", "riverside-wards/CMO11,").replace(
        "riverside-wards/CMO6]", "riverside-wards/c-leadership]"), encoding="utf-8")
    report = validate_paths([path, RIVERSIDE, HILLSIDE])
    assert not report.conforms
    assert messages(report) == [
        "[ERROR] review.yaml:24: cmocs[R1].derived_from[1].cmocs: 'riverside-wards/CMO11' is not a configuration of "
        "the evaluation 'riverside-wards' (did you mean 'riverside-wards/CMO1'?)",
        "[ERROR] review.yaml:34: theories[t1].cmocs: 'riverside-wards/c-leadership' is not a configuration of the "
        "evaluation 'riverside-wards' (its configurations are: CMO1, CMO10, CMO2, CMO3, CMO4, CMO5, CMO6, CMO7 ...)",
    ]


def test_references_among_many_files_are_checked_against_their_configurations_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Validating a project checked each file's references against every configuration again (n files x n
    evaluations' configurations: half of ``cmograph validate``'s time at 1M triples)."""
    from cmograph.checks import crossfile
    from cmograph.checks.pipeline import with_references_checked
    from cmograph.checks.results import CheckedFile, Items, Reference

    looked_up = []
    owner = crossfile._owner
    monkeypatch.setattr(crossfile, "_owner", lambda iri, evaluations: looked_up.append(iri) or owner(iri, evaluations))
    base = "https://example.org/e"
    files = [CheckedFile(Path(f"e{n}.yaml"), "", items=Items(
        {f"{base}{n}": f"e{n}"}, {f"{base}{n}/cmoc/C{c}" for c in range(20)},
        [Reference(f"{base}{(n + 1) % 50}/cmoc/C{'1X' if n % 2 else 1}", "cmocs[R1].derived_from", 3)]))
        for n in range(50)]
    checked = with_references_checked(files, complete=True)
    wrong = [item.path.name for item in checked if not item.report.conforms]
    assert wrong == [f"e{n}.yaml" for n in range(1, 50, 2)]
    assert str(checked[1].report.diagnostics[0]) == (
        "[ERROR] e1.yaml:3: cmocs[R1].derived_from: 'e2/C1X' is not a configuration of the evaluation 'e2' "
        "(did you mean 'e2/C1'?)")
    assert len(looked_up) <= 50 * 20 + 25  # each configuration once, and each wrong reference's target


def test_an_id_of_the_file_itself_must_name_one_of_its_configurations(tmp_path: Path) -> None:
    path = tmp_path / "review.yaml"
    path.write_text(REVIEW.replace("cmocs: [riverside-wards/CMO3]", "cmocs: [R2]").replace(
        "cmocs: [R1, riverside-wards/CMO6]", "cmocs: [huddle-synthesis/R9, riverside-wards/CMO6]"), encoding="utf-8")
    checked = check_file(path)
    assert messages(checked.report) == [
        "[ERROR] review.yaml:28: cmocs[R1].derived_from[2].cmocs: 'R2' is not a configuration in this file "
        "(did you mean 'R1'?)",
        "[ERROR] review.yaml:34: theories[t1].cmocs: 'R9' is not a configuration in this file (did you mean 'R1'?)",
    ]


def test_an_operation_must_be_one_of_pawsons(tmp_path: Path) -> None:
    path = tmp_path / "review.yaml"
    path.write_text(REVIEW.replace("operation: reconciling", "operation: reconcile"), encoding="utf-8")
    assert messages(check_file(path).report) == [
        "[ERROR] review.yaml:27: cmocs[R1].derived_from[2].operation: 'reconcile' is not a valid value for "
        "'operation' (did you mean 'reconciling'? use one of: juxtaposing, reconciling, adjudicating, "
        "consolidating, situating)"]
    path.write_text(REVIEW.replace("      - operation: reconciling\n        cmocs:", "      - cmocs:"),
                    encoding="utf-8")
    assert "missing required key 'operation'" in " ".join(messages(check_file(path).report))


@pytest.mark.slow
def test_an_rdf_review_is_checked_the_same_way(tmp_path: Path, review: Path) -> None:
    turtle = tmp_path / "review.ttl"
    turtle.write_bytes(run_cli("export", "--data", review, "-f", "turtle").stdout_bytes)
    assert validate_paths([turtle, RIVERSIDE, HILLSIDE]).diagnostics == []
    alone = validate_paths(turtle)
    assert alone.conforms and len(alone.diagnostics) == 4
    assert all(d.severity is Severity.WARNING and d.location.line is None for d in alone)
    broken = tmp_path / "broken.ttl"
    broken.write_text(turtle.read_text(encoding="utf-8").replace("cmoc/CMO3>", "cmoc/CMO33>"), encoding="utf-8")
    [error] = validate_paths([broken, RIVERSIDE, HILLSIDE]).diagnostics
    assert str(error) == (f"[ERROR] broken.ttl: derived_from[{DATA}huddle-synthesis/cmoc/R1/judgement/2].cmocs: "
                          "'riverside-wards/CMO33' is not a "
                          "configuration of the evaluation 'riverside-wards' (did you mean 'riverside-wards/CMO3'?)")


def test_validate_in_a_project_reports_an_evaluation_it_does_not_hold(tmp_path: Path, review: Path) -> None:
    init_project(tmp_path)
    (tmp_path / "evaluations" / "my-evaluation.yaml").unlink()
    shutil.copy(review, tmp_path / "evaluations")
    shutil.copy(RIVERSIDE, tmp_path / "evaluations")
    result = run_cli("validate", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "[ERROR] review.yaml:24: cmocs[R1].derived_from[1].cmocs: 'hillside-review/CMOC-A' names the evaluation "
        "'hillside-review' that is not in this project (add that evaluation's file to evaluations/, or correct the "
        "reference (the evaluations are: huddle-synthesis, riverside-wards))")
    shutil.copy(HILLSIDE, tmp_path / "evaluations")
    assert run_cli("validate", cwd=tmp_path).exit_code == 0


@pytest.mark.slow
def test_a_project_checks_an_unchanged_review_against_a_changed_study(tmp_path: Path, review: Path) -> None:
    init_project(tmp_path)
    folder = tmp_path / "evaluations"
    (folder / "my-evaluation.yaml").unlink()
    for path in (review, RIVERSIDE, HILLSIDE):
        shutil.copy(path, folder)
    project = Project(tmp_path)
    assert sorted(project.refresh().loaded) == ["hillside-review", "huddle-synthesis", "riverside-wards"]
    before = project.store.live()
    study = folder / "riverside-wards.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace("CMO3", "CMO3b"), encoding="utf-8")
    refreshed = project.refresh()
    assert messages(refreshed.report) == [
        "[ERROR] review.yaml:28: cmocs[R1].derived_from[2].cmocs: 'riverside-wards/CMO3' is not a configuration of "
        "the evaluation 'riverside-wards' (did you mean 'riverside-wards/CMO3b'?)"]
    assert refreshed.loaded == [] and project.store.live() == before  # nothing was loaded
    study.unlink()  # the study gone: the review names an evaluation the project does not hold
    gone = project.refresh()
    assert not gone.report.conforms and project.store.live() == before
    assert all("names the evaluation 'riverside-wards' that is not in this project" in d.message for d in gone.report)
    shutil.copy(RIVERSIDE, folder)  # as it was when loaded: the store, never changed meanwhile, holds it
    assert project.refresh().report.conforms and project.store.live() == before


# ---------------------------------------------------------------------------------------------- questions

STUDY_TITLE = "Clinical microsystems and the NHS: a sustainable method for improvement?"
PARTICIPATIVE = "Democratic, consensual approach to change and improvement"
TEAM_DECIDES = "The team decides together what to improve"
ENGLISH_NHS = "Pilot clinical microsystem sites in the English NHS"
PROTECTED = "Protected time for a weekly team improvement meeting"
IMPOSED_2009 = "Change driven by externally derived initiatives with imposed targets"
IMPOSED_LARCHFIELD = "Improvement targets set by the trust, vacancies covered by agency staff"
L_R1 = ("Across the two evaluations: where staff have time and say to decide what to improve, change is better "
        "received than where targets are imposed.")


def test_elements_of_a_kind_across_evaluations() -> None:
    found = rows("elements", STUDY, FOLLOW_UP, kind="mechanism")
    assert [(r["element"], r["id"], r["concepts"], r["configurations"], r["evaluation"]) for r in found] == [
        (PARTICIPATIVE, "m-democratic-consensual", ["participative-change"], 2, "clinical-microsystems-nhs"),
        ("Identifying and nurturing the strengths of teams and individuals", "m-nurturing-strengths",
         ["strengths-based-working"], 1, "clinical-microsystems-nhs"),
        ("Leaders name what each member does well", "m-strengths", ["strengths-based-working"], 2,
         "larchfield-follow-up"),
        ("Patient involvement", "m-patient-involvement", ["patient-involvement"], 1, "clinical-microsystems-nhs"),
        ("Patients and carers join the improvement meeting", "m-patient-voice", ["patient-involvement"], 1,
         "larchfield-follow-up"),
        ("Process and outcome monitoring", "m-process-outcome-monitoring", ["process-outcome-monitoring"], 1,
         "clinical-microsystems-nhs"),
        ("Strong data collection", "m-strong-data-collection", ["data-collection"], 1, "clinical-microsystems-nhs"),
        ("The clinical microsystems approach as a whole (no single feature named)", "m-microsystems-approach",
         ["clinical-microsystems-approach"], 3, "clinical-microsystems-nhs"),
        (TEAM_DECIDES, "m-team-decides", ["participative-change"], 3, "larchfield-follow-up"),
    ]
    assert {r["kind"] for r in found} == {"mechanism"}


def test_elements_lists_unused_elements_and_every_kind_in_order() -> None:
    tidy = rows("elements", RIVERSIDE, kind="all", evaluation="riverside-wards")
    assert [r["kind"] for r in tidy] == ["context"] * 6 + ["mechanism"] * 6 + ["outcome"] * 7 + ["group"] * 4 + \
        ["site"] * 3
    by_id = {(r["kind"], r["id"]): r for r in tidy}
    assert by_id[("context", "c-shared-ownership")]["concepts"] == []  # no concept
    assert by_id[("mechanism", "m-peer-learning")]["concepts"] == ["peer-learning"]  # the IRI's last segment
    assert by_id[("group", "managers")]["configurations"] == 1  # CMO7 only
    assert by_id[("site", "cardiac-unit")]["configurations"] == 3  # CMO3, CMO6, CMO7
    assert rows("elements", MINIMAL, kind="site") == []


def test_a_concept_is_shown_by_its_label_where_the_data_gives_one(tmp_path: Path) -> None:
    labels = tmp_path / "concepts.ttl"
    labels.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                      "<https://w3id.org/cmograph/concepts/participative-change> skos:prefLabel "
                      '"Participative change"@en .\n', encoding="utf-8")
    store = engine_for(STUDY, FOLLOW_UP).store
    copy = StoreEngine(memory_store([]))
    copy.store.extend(store)
    copy.store.load(labels.read_bytes(), format=__import__("pyoxigraph").RdfFormat.TURTLE,
                    to_graph=__import__("pyoxigraph").NamedNode("https://example.org/concepts"))
    found = ask(get_question("recurring"), copy, {}).rows
    assert [r["mechanism"] for r in found] == ["strengths-based-working", "Participative change"]


def test_recurring_mechanisms_across_evaluations() -> None:
    found = answer("recurring", STUDY, FOLLOW_UP)
    assert found.rows == [
        {"mechanism": "strengths-based-working", "evaluations": 2, "sites": 2,
         "fired_in": [IMPOSED_LARCHFIELD, ENGLISH_NHS, PROTECTED],
         "outcomes": ["Fewer missed home visits (positive)", "Positive aspects reinforced (positive)",
                      "Staff spirits lifted in the weeks the meeting ran (positive)"],
         "not_fired_in": [], "supporting": 4, "qualifying": 0, "refuting": 0,
         "mechanisms": ["Identifying and nurturing the strengths of teams and individuals",
                        "Leaders name what each member does well"],
         "cmoc": ["cmoc-nurturing-strengths", "L3", "L5"],
         "evaluation": ["clinical-microsystems-nhs", "larchfield-follow-up"]},
        {"mechanism": "participative-change", "evaluations": 2, "sites": 1,
         "fired_in": [ENGLISH_NHS, PROTECTED],
         "outcomes": ["Better staff morale (positive)",
                      "Change and improvement better received (than externally derived initiatives with imposed "
                      "targets) (positive)", "Changes taken up by the whole team (positive)"],
         "not_fired_in": [IMPOSED_2009, IMPOSED_LARCHFIELD, ENGLISH_NHS],
         "supporting": 6, "qualifying": 0, "refuting": 0,
         "mechanisms": [PARTICIPATIVE, TEAM_DECIDES],
         "cmoc": ["cmoc-imposed-targets", "cmoc-participative-change", "L1", "L2", "L-R1"],
         "evaluation": ["clinical-microsystems-nhs", "larchfield-follow-up"]},
    ]
    # cmoc-patient-involvement-monitoring, cmoc-data-collection and L4 are hypothesised
    assert found.left_out == [("hypothesised (not yet tested)", 3)]
    assert found.note == "Left out by design: 3 configurations hypothesised (not yet tested)."


def test_recurring_counts_evaluations_where_it_fired() -> None:
    huddle = rows("recurring", RIVERSIDE, HILLSIDE)
    assert [(r["mechanism"], r["evaluations"], r["sites"], r["cmoc"]) for r in huddle] == [
        ("daily-huddle", 2, 3, ["CMO1", "CMO2", "CMO3", "CMOC-A"]),
        ("data-feedback", 2, 2, ["CMO6", "CMOC-B"]),
    ]
    assert rows("recurring", RIVERSIDE, HILLSIDE, **{"min-evaluations": 3}) == []
    assert rows("recurring", STUDY) == []  # one evaluation: nothing recurs across evaluations
    with pytest.raises(UsageError, match="must be at least 1"):
        answer("recurring", STUDY, **{"min-evaluations": 0})


def test_evidence_profile_by_concept() -> None:
    found = answer("evidence-profile", STUDY, FOLLOW_UP)
    first = found.rows[0]
    assert first == {
        "finding": "participative-change", "grouping": ["mechanism"], "evaluations": 2, "sites": 2,
        "configurations": 5, "supporting": 6, "qualifying": 0, "refuting": 0,
        "methods": ["interview: 2", "not stated: 2", "survey: 2"], "confidence": ["low: 2", "moderate: 3"],
        "cmoc": ["cmoc-imposed-targets", "cmoc-participative-change", "L1", "L2", "L-R1"],
        "evaluation": ["clinical-microsystems-nhs", "larchfield-follow-up"]}
    assert [(r["finding"], r["evaluations"], r["configurations"]) for r in found.rows[1:5]] == [
        ("acceptance-of-change", 2, 4), ("staff-morale", 2, 4), ("imposed-targets", 2, 3),
        ("strengths-based-working", 2, 3)]
    assert found.left_out == [("hypothesised (not yet tested)", 3)]
    assert rows("evidence-profile", MINIMAL) == []  # no concepts


def test_evidence_profile_by_review_statement() -> None:
    found = answer("evidence-profile", STUDY, FOLLOW_UP, by="review")
    assert found.rows == [{
        "finding": L_R1, "grouping": ["larchfield-follow-up/L-R1"], "evaluations": 2, "sites": 2,
        "configurations": 4, "supporting": 6, "qualifying": 0, "refuting": 0,
        "methods": ["interview: 2", "not stated: 2", "survey: 2"], "confidence": ["low: 2", "moderate: 2"],
        "cmoc": ["cmoc-imposed-targets", "cmoc-participative-change", "L1", "L2"],
        "evaluation": ["clinical-microsystems-nhs", "larchfield-follow-up"]}]
    assert found.left_out == []
    assert rows("evidence-profile", RIVERSIDE, by="review") == []


def test_triangulation_per_site_and_configuration() -> None:
    found = rows("triangulation", STUDY, FOLLOW_UP, evaluation="larchfield-follow-up")
    shown = [(r["site"], r["cmoc"], r["qual_supporting"], r["quant_supporting"], r["measures"], r["agreement"])
             for r in found]
    assert shown == [
        ("Larchfield district nursing team", "L1", 1, 1,
         ["Staff survey morale score (0-10), district nursing team: 6.1 to 7.2 points (+1.1)"], "agree"),
        ("Larchfield district nursing team", "L3", 0, 1, ["Missed home visits per month: 9 to 3 visits (-6)"],
         "quantitative only"),
        ("Larchfield Hospital, Ward 3", "L2", 1, 1,
         ["Staff survey morale score (0-10), Ward 3: 5.4 to 5.4 points (no change)"], "agree"),
        ("Larchfield Hospital, Ward 3", "L5", 2, 0,
         ["Staff survey morale score (0-10), Ward 3: 5.4 to 5.4 points (no change)"], "disagree"),
        ("", "L-R1", 0, 0, [], "no evidence"),
        ("", "L4", 0, 0, [], "no evidence"),
    ]
    assert found[0]["outcomes"] == ["Better staff morale (positive)", "Changes taken up by the whole team (positive)"]


def test_triangulation_on_the_test_evaluation() -> None:
    found = rows("triangulation", RIVERSIDE, site="cardiac-unit")
    assert [(r["cmoc"], r["qual_supporting"], r["qual_qualifying"], r["quant_supporting"], r["agreement"])
            for r in found] == [("CMO3", 1, 1, 1, "agree"), ("CMO6", 1, 0, 1, "agree"),
                                ("CMO7", 1, 0, 0, "qualitative only")]
    # a measure without a baseline says nothing about change; CMO8 has only measures, and CMO9 an untyped item
    everything = {r["cmoc"]: r for r in rows("triangulation", RIVERSIDE)}
    assert everything["CMO8"]["agreement"] == "quantitative only"
    assert everything["CMO8"]["measures"] == ["Median wait for a routine appointment: 21 to 21 days (no change)"]
    assert everything["CMO9"]["untyped"] == 1
    assert "Falls with moderate or severe harm: 2 count" in everything["CMO6"]["measures"]
    assert everything["CMO4"]["agreement"] == "qualitative only"  # one item for, one against: qualitative only
    assert rows("triangulation", MINIMAL, evaluation="minimal")[0]["agreement"] == "no evidence"


def test_rests_on_and_feeds_follow_the_derivation_both_ways() -> None:
    rested = rows("rests-on", STUDY, FOLLOW_UP)
    assert [(r["cmoc"], r["operation"], r["study"], r["study_cmoc"], r["status"], r["confidence"],
             r["supporting"], r["by"]) for r in rested] == [
        ("L-R1", "consolidating", "clinical-microsystems-nhs", "cmoc-participative-change", "supported", "moderate", 1,
         ["D. Example"]),
        ("L-R1", "consolidating", "larchfield-follow-up", "L1", "supported", "moderate", 2, ["D. Example"]),
        ("L-R1", "situating", "clinical-microsystems-nhs", "cmoc-imposed-targets", "supported", "low", 1,
         ["D. Example"]),
        ("L-R1", "situating", "larchfield-follow-up", "L2", "supported", "low", 2, ["D. Example"]),
    ]
    assert rested[0]["note"] == "Both find participative change better received; Larchfield adds protected time to " \
                                "the context."
    fed = rows("feeds", STUDY, FOLLOW_UP, cmoc="clinical-microsystems-nhs/cmoc-participative-change")
    assert [(r["cmoc"], r["via"], r["review_evaluation"], r["review"], r["review_statement"],
             r["review_confidence"]) for r in fed] == [
        ("cmoc-participative-change", "consolidating", "larchfield-follow-up", "L-R1", L_R1, "moderate"),
        ("cmoc-participative-change", "programme theory", "larchfield-follow-up", "t-larchfield",
         "Larchfield programme theory, building on the 2009 evaluation", None),
    ]
    # the follow-up's own configurations feed L-R1, but not its own theory (a theory of the same evaluation)
    own = rows("feeds", STUDY, FOLLOW_UP, evaluation="larchfield-follow-up")
    assert [(r["cmoc"], r["via"], r["review"]) for r in own] == [("L1", "consolidating", "L-R1"),
                                                                  ("L2", "situating", "L-R1")]
    assert rows("feeds", STUDY, FOLLOW_UP, cmoc="clinical-microsystems-nhs/cmoc-staff-outcomes") == []
    assert rows("rests-on", RIVERSIDE, HILLSIDE) == []


def test_rests_on_names_a_configuration_it_could_not_find_by_its_iri() -> None:
    alone = rows("rests-on", FOLLOW_UP, cmoc="L-R1")
    assert [(r["study"], r["study_cmoc"], r["supporting"]) for r in alone] == [
        (None, f"{DATA}clinical-microsystems-nhs/cmoc/cmoc-participative-change", 0),
        ("larchfield-follow-up", "L1", 2),
        (None, f"{DATA}clinical-microsystems-nhs/cmoc/cmoc-imposed-targets", 0),
        ("larchfield-follow-up", "L2", 2),
    ]


def test_rests_on_and_feeds_resolve_ambiguous_names(tmp_path: Path, review: Path) -> None:
    text = RIVERSIDE.read_text(encoding="utf-8")
    twin = tmp_path / "riverside-twin.yaml"
    twin.write_text(text.replace("\n  id: riverside-wards\n", "\n  id: riverside-twin\n", 1), encoding="utf-8")
    both = tmp_path / "both.yaml"
    both.write_text(REVIEW.replace("hillside-review/CMOC-A", "riverside-twin/CMO1"), encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(REVIEW.replace("id: huddle-synthesis", "id: other-synthesis").replace(
        "hillside-review/CMOC-A", "riverside-twin/CMO1"), encoding="utf-8")
    engine = engine_for(RIVERSIDE, twin, both, other)
    with pytest.raises(UsageError, match="names 2"):
        ask(get_question("feeds"), engine, {"cmoc": "CMO1"})
    fed = ask(get_question("feeds"), engine, {"cmoc": "cmo1"}, like=True)
    assert {(r["evaluation"], r["cmoc"]) for r in fed.rows} >= {("riverside-wards", "CMO1"),
                                                                 ("riverside-twin", "CMO1")}
    with pytest.raises(UsageError, match="names 2"):
        ask(get_question("rests-on"), engine, {"cmoc": "R1"})
    rested = ask(get_question("rests-on"), engine, {"cmoc": "R1"}, like=True)
    assert {r["evaluation"] for r in rested.rows} == {"huddle-synthesis", "other-synthesis"}


# ---------------------------------------------------------------------------------------------- left out


def test_what_worked_says_what_it_left_out() -> None:
    found = answer("what-worked", STUDY, FOLLOW_UP)
    assert found.left_out == [("hypothesised (not yet tested)", 1)]  # L4, whose outcome is positive
    assert answer("what-worked", STUDY).left_out == []  # hypothesised there, but with no direction
    assert answer("what-worked", STUDY, FOLLOW_UP, evaluation="clinical-microsystems-nhs").left_out == []


def test_what_worked_names_a_study_whose_configurations_are_all_left_out(tmp_path: Path) -> None:
    text = RIVERSIDE.read_text(encoding="utf-8").replace("status: supported", "status: hypothesised")
    path = tmp_path / "hypothesised.yaml"
    path.write_text(text.replace("status: refined\n    confidence: low", "status: refuted\n    confidence: low")
                    .replace("status: mixed", "status: refuted"), encoding="utf-8")
    found = answer("what-worked", path)
    assert found.rows == []
    # CMO1, CMO2, CMO6, CMO9 and CMO10 hypothesised, CMO4 and CMO5 refuted: CMO3, CMO7 and CMO8 lead to no
    # positive or mixed outcome, and would not be listed anyway
    assert found.left_out == [("hypothesised (not yet tested)", 5), ("refuted", 2)]


def test_demi_regularities_and_contradictions_say_what_they_left_out() -> None:
    assert answer("demi-regularities", RIVERSIDE, HILLSIDE, by="concept").left_out == [
        ("whose mechanism was not triggered", 1)]  # CMO7
    assert answer("contradictions", RIVERSIDE, HILLSIDE).left_out == [("whose mechanism was not triggered", 1)]
    assert answer("contradictions", HILLSIDE).left_out == []


@pytest.mark.slow
def test_the_note_goes_under_the_table_for_people_and_to_standard_error_for_programs() -> None:
    note = "Left out by design: 1 configuration hypothesised (not yet tested).\n"
    csv = run_cli("ask", "what-worked", "--example", "-f", "csv")
    assert note not in csv.stdout and csv.stderr == note
    js = run_cli("ask", "what-worked", "--example", "-f", "json")
    assert json.loads(js.stdout) and js.stderr == note
    table = run_cli("ask", "what-worked", "--example", "-f", "table", "--limit", "2")
    assert table.stdout.endswith("\n" + note) and table.stderr.startswith("(2 of 12 rows")
    markdown = run_cli("ask", "what-worked", "--example", "-f", "markdown")
    assert markdown.stdout.endswith("|\n\n" + note) and markdown.stderr == ""
    empty = run_cli("ask", "what-worked", "--example", "-f", "table", "--for", "Patients and carers", "--outcome",
                    "The approach is seen as legitimate by patients")
    assert empty.stdout.startswith("Nothing is recorded as having worked") and empty.stdout.endswith(note)
