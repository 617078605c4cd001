"""Every rule of the evidence format: a failing fixture file and the exact message a user sees."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from cmograph.checks.pipeline import check_file, check_files, validate_paths
from cmograph.diagnostics import Diagnostic, Location, Severity, ValidationReport
from cmograph.errors import InputError

DATA = Path(__file__).parent / "data"
INVALID = DATA / "invalid"
VALID = DATA / "valid"

# One fixture per rule; each holds exactly one defect. Messages are what `cmograph validate` prints.
EXPECTED: dict[str, list[str]] = {
    'bad-doi.yaml': [
        "[ERROR] bad-doi.yaml:7: evaluation.doi: 'see the paper' is not a DOI (write the DOI bare "
        "(10.1108/14777260910942597), as doi:10.1108/... or as https://doi.org/10.1108/...; leave 'doi' out if there "
        "is none)",
    ],
    'bad-orcid-check-digit.yaml': [
        "[ERROR] bad-orcid-check-digit.yaml:9: evaluation.authors[1].orcid: '0000-0002-1825-0098' is not a valid "
        "ORCID iD: its last character, the check digit, should be 7 (a digit is mistyped: copy the iD from the "
        "person's ORCID record: 16 digits in fours, e.g. 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097)",
    ],
    'bad-date.yaml': [
        "[ERROR] bad-date.yaml:10: periods[p-setup].start: 'March 2008' is not an ISO 8601 date (write YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2008-05)",
    ],
    'bad-enum-confidence.yaml': [
        "[ERROR] bad-enum-confidence.yaml:21: cmocs[cmoc-1].confidence: 'medium' is not a valid value for 'confidence' (use one of: high, moderate, low, very-low)",
    ],
    'bad-enum-context-level.yaml': [
        "[ERROR] bad-enum-context-level.yaml:10: contexts[c-minimal].level: 'organisational' is not a valid value for 'level' (did you mean 'institutional'? use one of: individual, interpersonal, institutional, infrastructural)",
    ],
    'bad-enum-data.yaml': [
        "[ERROR] bad-enum-data.yaml:23: cmocs[cmoc-1].evidence[1].data: 'mixed' is not a valid value for 'data' (use one of: qualitative, quantitative)",
    ],
    'bad-enum-design.yaml': [
        "[ERROR] bad-enum-design.yaml:7: evaluation.design: 'realist evaluation' is not a valid value for 'design' (did you mean 'realist-evaluation'? use one of: realist-evaluation, realist-review, realist-synthesis, trial-with-realist-process-evaluation, other)",
    ],
    'bad-enum-direction.yaml': [
        "[ERROR] bad-enum-direction.yaml:16: outcomes[o-minimal].direction: 'up' is not a valid value for 'direction' (use one of: positive, negative, mixed, no-change)",
    ],
    'bad-enum-interpretation.yaml': [
        "[ERROR] bad-enum-interpretation.yaml:23: cmocs[cmoc-1].evidence[1].interpretation: 'researcher' is not a valid value for 'interpretation' (did you mean 'reviewer'? use one of: participant, author, reviewer)",
    ],
    'bad-enum-mechanism-kind.yaml': [
        "[ERROR] bad-enum-mechanism-kind.yaml:13: mechanisms[m-minimal].kind: 'reasoning' is not a valid value for 'kind' (did you mean 'response'? use one of: resource, response)",
    ],
    'bad-enum-method.yaml': [
        "[ERROR] bad-enum-method.yaml:23: cmocs[cmoc-1].evidence[1].method: 'workshop' is not a valid value for 'method' (use one of: interview, focus-group, observation, survey, routine-data, document, literature)",
    ],
    'bad-enum-outcome-level.yaml': [
        "[ERROR] bad-enum-outcome-level.yaml:16: outcomes[o-minimal].level: 'intermediate' is not a valid value for 'level' (use one of: proximal, distal)",
    ],
    'bad-enum-setting.yaml': [
        "[ERROR] bad-enum-setting.yaml:10: sites[ward-7].setting: 'hospital' is not a valid value for 'setting' (use one of: primary, secondary, tertiary, community, social-care, other)",
    ],
    'bad-enum-source-kind.yaml': [
        "[ERROR] bad-enum-source-kind.yaml:10: sources[src-interviews].kind: 'transcript' is not a valid value for 'kind' (did you mean 'interview-transcript'? use one of: interview-transcript, focus-group-transcript, field-notes, survey, routine-data, report, article, other)",
    ],
    'bad-enum-stance.yaml': [
        "[ERROR] bad-enum-stance.yaml:23: cmocs[cmoc-1].evidence[1].stance: 'contradicts' is not a valid value for 'stance' (use one of: supports, refutes, qualifies)",
    ],
    'bad-enum-status.yaml': [
        "[ERROR] bad-enum-status.yaml:21: cmocs[cmoc-1].status: 'confirmed' is not a valid value for 'status' (did you mean 'refined'? use one of: hypothesised, supported, refuted, refined, mixed, partial)",
    ],
    'bad-enum-theory-status.yaml': [
        "[ERROR] bad-enum-theory-status.yaml:25: theories[v1].status: 'draft' is not a valid value for 'status' (use one of: initial, refined, final)",
    ],
    'baseline-not-number.yaml': [
        "[ERROR] baseline-not-number.yaml:20: outcomes[o-minimal].measures[1].baseline: 'about 6' is not a number (write the number without units or quotes, e.g. 42 or 3.5; put the unit under 'unit')",
    ],
    'blank-evidence-quote.yaml': [
        "[ERROR] blank-evidence-quote.yaml:22: cmocs[cmoc-1].evidence[1].quote: 'quote' holds only white space (write verbatim text from the source, or leave 'quote' out)",
    ],
    'dangling-context-ref.yaml': [
        "[ERROR] dangling-context-ref.yaml:18: cmocs[cmoc-1].context: 'c-minmal' is not a context in this file (did you mean 'c-minimal'?)",
    ],
    'dangling-evidence-source.yaml': [
        "[ERROR] dangling-evidence-source.yaml:26: cmocs[cmoc-1].evidence[1].source: 'src-interview' is not a source in this file (did you mean 'src-interviews'?)",
    ],
    'dangling-for-whom.yaml': [
        "[ERROR] dangling-for-whom.yaml:24: cmocs[cmoc-1].for_whom: 'nurse' is not a group in this file (did you mean 'nurses'?)",
    ],
    'dangling-informant.yaml': [
        "[ERROR] dangling-informant.yaml:26: cmocs[cmoc-1].evidence[1].informant: 'patient' is not a group in this file (did you mean 'patients'?)",
    ],
    'dangling-leads-to.yaml': [
        "[ERROR] dangling-leads-to.yaml:21: cmocs[cmoc-1].leads_to: 'cmoc-2' is not a configuration in this file ('cmoc-1' itself is the only configuration in this file)",
    ],
    'dangling-measure-at.yaml': [
        "[ERROR] dangling-measure-at.yaml:23: outcomes[o-minimal].measures[1].at: 'p-embeding' is not a period in this file (did you mean 'p-embedding'? A date (YYYY-MM-DD, YYYY-MM or YYYY) is accepted too.)",
    ],
    'dangling-refines.yaml': [
        "[ERROR] dangling-refines.yaml:21: cmocs[cmoc-1].refines: 'cmoc-0' is not a configuration in this file ('cmoc-1' itself is the only configuration in this file)",
    ],
    'dangling-revises.yaml': [
        "[ERROR] dangling-revises.yaml:28: theories[v2].revises: 'v0' is not a theory in this file (did you mean 'v1'?)",
    ],
    'dangling-sites.yaml': [
        "[ERROR] dangling-sites.yaml:24: cmocs[cmoc-1].sites: 'ward7' is not a site in this file (did you mean 'ward-7'?)",
    ],
    'dangling-theory-cmocs.yaml': [
        "[ERROR] dangling-theory-cmocs.yaml:24: theories[v1].cmocs: 'cmoc-01' is not a configuration in this file (did you mean 'cmoc-1'?)",
    ],
    'dangling-theory.yaml': [
        "[ERROR] dangling-theory.yaml:21: cmocs[cmoc-1].theory: 'pt-2' is not a theory in this file (did you mean 'pt-1'?)",
    ],
    'dangling-when.yaml': [
        "[ERROR] dangling-when.yaml:24: cmocs[cmoc-1].when: 'p-set-up' is not a period in this file (did you mean 'p-setup'?)",
    ],
    'duplicate-context-id.yaml': [
        "[ERROR] duplicate-context-id.yaml:10: contexts[c-minimal]: the id 'c-minimal' is used twice in contexts (ids must be unique within a list; the first is at line 8)",
    ],
    'empty-title.yaml': [
        "[ERROR] empty-title.yaml:6: evaluation.title: 'title' is empty (write the study's title)",
    ],
    'empty-context-list.yaml': [
        "[ERROR] empty-context-list.yaml:18: cmocs[cmoc-1].context: 'context' is empty (give at least one context id; if the study does not give one yet, leave 'context' out and mark the configuration 'status: partial')",
    ],
    'evaluation-as-list.yaml': [
        '[ERROR] evaluation-as-list.yaml:5: evaluation: expected a mapping (id, title, ...), found a list',
    ],
    'evaluation-id-as-list.yaml': [
        "[ERROR] evaluation-id-as-list.yaml:5: evaluation.id: expected a single value, found a list (write one value on the same line as the key)",
    ],
    'evaluation-id-not-slug.yaml': [
        "[ERROR] evaluation-id-not-slug.yaml:5: evaluation.id: 'Minimal Study' is not a slug (use lower-case letters, digits and hyphens, e.g. 'ford-2009')",
    ],
    'evidence-without-content.yaml': [
        '[ERROR] evidence-without-content.yaml:22: cmocs[cmoc-1].evidence[1]: an evidence item needs a quote, a summary or refs',
    ],
    'id-with-slash.yaml': [
        "[ERROR] id-with-slash.yaml:8: contexts[c/minimal].id: 'c/minimal' is not a usable id (ids hold no spaces, '/', '#' or '?'; e.g. 'CMOC1' or 'c-staffing')",
    ],
    'intended-not-bool.yaml': [
        "[ERROR] intended-not-bool.yaml:16: outcomes[o-minimal].intended: 'sometimes' is not true or false (write true or false)",
    ],
    'json-syntax-error.json': [
        'INPUT: json-syntax-error.json:17:5: JSON syntax error: Expecting property name enclosed in double quotes',
    ],
    'mechanism-activated-not-bool.yaml': [
        "[ERROR] mechanism-activated-not-bool.yaml:21: cmocs[cmoc-1].mechanism_activated: 'maybe' is not true or false (write true or false)",
    ],
    'missing-cmoc-mechanism.yaml': [
        "[ERROR] missing-cmoc-mechanism.yaml:17: cmocs[cmoc-1]: missing required key 'mechanism' (add 'mechanism:' to this configuration; if the study does not give one yet, mark the configuration 'status: partial')",
    ],
    'missing-cmograph-version.yaml': [
        "[ERROR] missing-cmograph-version.yaml:4: cmograph: missing required key 'cmograph' (add 'cmograph: 1' as the first line of the file)",
    ],
    'missing-context-label.yaml': [
        "[ERROR] missing-context-label.yaml:8: contexts[c-minimal]: missing required key 'label' (add 'label:' to this context)",
    ],
    'missing-contexts-list.yaml': [
        '[ERROR] missing-contexts-list.yaml:5: contexts: the file has no contexts; at least one context is required',
        "[ERROR] missing-contexts-list.yaml:15: cmocs[cmoc-1].context: 'c-minimal' is not a context in this file (add a context with this id under 'contexts:')",
    ],
    'missing-evaluation-id.yaml': [
        "[ERROR] missing-evaluation-id.yaml:5: evaluation: missing required key 'id' (add a short slug such as 'id: ford-2009'; every IRI of the evaluation is built from it)",
    ],
    'missing-evaluation-title.yaml': [
        "[ERROR] missing-evaluation-title.yaml:5: evaluation: missing required key 'title' (add 'title:' to this evaluation)",
    ],
    'partial-but-complete.yaml': [
        "[ERROR] partial-but-complete.yaml:21: cmocs[cmoc-1].status: a partial configuration has two of context, mechanism and outcome, not all three or only one (with all three it is complete: give it the status the evidence gives it, e.g. hypothesised or supported; with only one, add another from the study)",
    ],
    'partial-with-one-part.yaml': [
        "[ERROR] partial-with-one-part.yaml:19: cmocs[cmoc-1].status: a partial configuration has two of context, mechanism and outcome, not all three or only one (with all three it is complete: give it the status the evidence gives it, e.g. hypothesised or supported; with only one, add another from the study)",
    ],
    'prefix-not-an-iri.yaml': [
        "[ERROR] prefix-not-an-iri.yaml:5: prefixes.cmoc: 'not an iri/' is not an absolute IRI (write in full the IRI 'cmoc:' stands for, e.g. 'https://w3id.org/cmograph/concepts/')",
    ],
    'period-ends-before-start.yaml': [
        "[ERROR] period-ends-before-start.yaml:11: periods[p-setup].end: the period ends (2008-03-31) before it starts (2008-05) (correct one of the two dates; perhaps they are the wrong way round)",
    ],
    'refines-cycle.yaml': [
        "[ERROR] refines-cycle.yaml:26: cmocs[cmoc-2].refines: the versions go round in a circle: cmoc-1 refines cmoc-2, cmoc-2 refines cmoc-1 (each 'refines' names an earlier configuration: leave it out of the first version)",
    ],
    'revises-cycle.yaml': [
        "[ERROR] revises-cycle.yaml:33: theories[v3].revises: the versions go round in a circle: v2 revises v1, v1 revises v3, v3 revises v2 (each 'revises' names an earlier theory: leave it out of the first version)",
    ],
    'self-refines.yaml': [
        "[ERROR] self-refines.yaml:21: cmocs[cmoc-1].refines: a configuration cannot be an earlier version of itself ('refines' names its own id) (name the earlier configuration, or leave 'refines' out)",
    ],
    'self-revises.yaml': [
        "[ERROR] self-revises.yaml:28: theories[v2].revises: a theory cannot be an earlier version of itself ('revises' names its own id) (name the earlier theory, or leave 'revises' out)",
    ],
    'unknown-cmoc-key.yaml': [
        "[ERROR] unknown-cmoc-key.yaml:24: cmocs[cmoc-1].for_who: unknown key 'for_who' (did you mean 'for_whom'?)",
    ],
    'unknown-top-level-key.yaml': [
        "[ERROR] unknown-top-level-key.yaml:11: mechanisims: unknown key 'mechanisims' (did you mean 'mechanisms'?)",
    ],
    'value-not-number.yaml': [
        "[ERROR] value-not-number.yaml:18: outcomes[o-minimal].measures[1].value: 'high' is not a number (write the number without units or quotes, e.g. 42 or 3.5; put the unit under 'unit')",
    ],
    'value-too-many-digits.yaml': [
        "[ERROR] value-too-many-digits.yaml:18: outcomes[o-minimal].measures[1].value: '12345678901234567890123456789' has more digits than cmograph keeps (at most 20 before the decimal point and 18 after it) (round it, or give it in a larger or smaller unit and say so under 'unit')",
    ],
    'wrong-format-version.yaml': [
        "[ERROR] wrong-format-version.yaml:3: cmograph: format version 2 is not supported (this release reads version 1 files: write 'cmograph: 1')",
    ],
    'yaml-merge-key.yaml': [
        "[ERROR] yaml-merge-key.yaml:8: mechanisms[m-minimal].<<: unknown key '<<' (cmograph does not read YAML merge keys ('<<: *name'); write the keys out in full)",
    ],
    'yaml-syntax-error.yaml': [
        'INPUT: yaml-syntax-error.yaml:9:13: YAML syntax error: mapping values are not allowed in this context',
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_gives_exact_message(name: str) -> None:
    path = INVALID / name
    try:
        messages = [str(d) for d in check_file(path).report]
    except InputError as exc:
        messages = ["INPUT: " + exc.message]
    assert messages == EXPECTED[name]


def test_every_invalid_fixture_is_covered() -> None:
    assert sorted(p.name for p in INVALID.iterdir()) == sorted(EXPECTED)


def test_a_non_conforming_file_yields_no_graph() -> None:
    result = check_file(INVALID / "dangling-context-ref.yaml")
    assert not result.report.conforms
    assert result.graphs == []


@pytest.mark.parametrize("path", sorted(VALID.iterdir()), ids=lambda p: p.name)
def test_valid_files_conform(path: Path) -> None:
    result = check_file(path)
    assert [str(d) for d in result.report] == []
    assert len(result.graphs) == 1


def test_bundled_example_conforms() -> None:
    from cmograph.source import example_path

    result = check_file(example_path())
    assert result.report.conforms, [str(d) for d in result.report]
    assert result.graphs[0].evaluation_id == "clinical-microsystems-nhs"


def test_diagnostic_names_file_item_key_and_hint() -> None:
    [diagnostic] = list(check_file(INVALID / "dangling-for-whom.yaml").report)
    assert diagnostic.location.file == "dangling-for-whom.yaml"
    assert diagnostic.where == "cmocs[cmoc-1].for_whom"
    assert diagnostic.hint == "did you mean 'nurses'?"
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.location.line is not None and diagnostic.location.line > 1


@pytest.mark.parametrize(("location", "shown"), [
    (Location("study.yaml"), "study.yaml"),
    (Location("study.yaml", 12), "study.yaml:12"),
    (Location("study.yaml", 12, 5), "study.yaml:12:5"),
    (Location("study.xlsx", sheet="Contexts", cell="C12"), "study.xlsx:Contexts!C12"),
    (Location("study.xlsx", sheet="Site A", cell="C12"), "study.xlsx:'Site A'!C12"),
    (Location("study.xlsx", sheet="Bob's", cell="A1"), "study.xlsx:'Bob''s'!A1"),
    (Location("contexts.csv", cell="C12"), "contexts.csv:C12"),
    (Location("project.qdpx", source="interview-3.txt", start=120, end=245),
     "project.qdpx:interview-3.txt#char=120,245"),
    (Location("project.qdpx", source="interview-3.txt"), "project.qdpx:interview-3.txt"),
    (Location("notes.txt", start=0, end=7), "notes.txt#char=0,7"),
    (Location("a\nb.yaml", 3), "a\\nb.yaml:3"),
])
def test_a_location_is_shown_as_reports_write_it(location: Location, shown: str) -> None:
    assert str(location) == shown
    assert str(Diagnostic(location, "contexts[c1].level", "'x' is not a valid value for 'level'")) == \
        f"[ERROR] {shown}: contexts[c1].level: 'x' is not a valid value for 'level'"


@pytest.mark.parametrize("parts", [
    {"line": 3, "cell": "C3"}, {"line": 3, "start": 1, "end": 2}, {"sheet": "S", "cell": "A1", "source": "x"},
    {"column": 4}, {"sheet": "Contexts"}, {"start": 4}, {"start": 9, "end": 4},
])
def test_a_location_is_one_kind_of_place_and_whole(parts: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Location("study.xlsx", **parts)


def test_a_report_lists_problems_by_file_then_place_in_it_cells_row_by_row() -> None:
    places = [Location("b.yaml", 2), Location("a.xlsx", sheet="S", cell="C12"), Location("a.xlsx", sheet="S", cell="C2"),
              Location("a.xlsx", sheet="S", cell="AA2"), Location("a.xlsx", sheet="S", cell="B2"), Location("b.yaml"),
              Location("b.yaml", 10)]
    report = ValidationReport([Diagnostic(place, "", "m") for place in places])
    assert [str(d.location) for d in report] == ["a.xlsx:S!B2", "a.xlsx:S!C2", "a.xlsx:S!AA2", "a.xlsx:S!C12",
                                                 "b.yaml", "b.yaml:2", "b.yaml:10"]


def test_every_constraint_of_the_shapes_has_its_message() -> None:
    """A shape's constraint whose component has no entry in the table of messages must say its own (sh:message)."""
    from rdflib import SH

    from cmograph.checks.messages import MESSAGES
    from cmograph.checks.shapes import shapes_graph

    shapes = shapes_graph()
    parameters = {"minCount", "maxCount", "in", "class", "datatype", "or", "nodeKind", "pattern", "qualifiedMinCount",
                  "minLength", "maxLength", "hasValue", "node", "not", "and", "xone", "sparql", "equals", "disjoint",
                  "lessThan", "uniqueLang", "languageIn", "minInclusive", "maxInclusive", "closed"}
    used = {(shape, name) for shape, predicate, _ in shapes for name in parameters if predicate == SH[name]}
    assert {name for _, name in used} >= {"minCount", "in", "class", "pattern", "qualifiedMinCount"}
    unexplained = {name for shape, name in used if SH[name[0].upper() + name[1:] + "ConstraintComponent"] not in MESSAGES
                   and shapes.value(shape, SH.message) is None}
    assert unexplained == set()


def test_a_value_holding_a_newline_is_shown_escaped_so_each_problem_is_one_line(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "study.yaml"
    path.write_text(text.replace("c-minimal", '"c\\nminimal"'), encoding="utf-8")  # a YAML escape: a real newline
    assert [str(d) for d in check_file(path).report] == [
        "[ERROR] study.yaml:8: contexts[c\\nminimal].id: 'c\\nminimal' is not a usable id (ids hold no spaces, '/', "
        "'#' or '?'; e.g. 'CMOC1' or 'c-staffing')",
    ]
    # also in the shape round, and for the other characters that would break or reorder a line
    path.write_text(text.replace("label: Minimal context\n", "label: Minimal context\n  - id: \"c\\r\\u2028\\u202e\"\n"
                                 "    label: x\n    \"note\\t\": y\n"), encoding="utf-8")
    [diagnostic] = check_file(path).report
    assert diagnostic.where == "contexts[c\\r\\u2028\\u202e].note\\t"
    assert diagnostic.message == "unknown key 'note\\t'"
    assert "\n" not in str(diagnostic) and "\t" not in str(diagnostic)
    path.write_text(text.replace("id: minimal\n", "id: |\n    minimal\n"), encoding="utf-8")  # a block keeps its newline
    assert [str(d) for d in check_file(path).report] == [
        "[ERROR] study.yaml:5: evaluation.id: 'minimal\\n' is not a slug (use lower-case letters, digits and hyphens, "
        "e.g. 'ford-2009')"]
    path.write_text(text.replace("  - id: c-minimal\n", "  - id: |\n      c-minimal\n"), encoding="utf-8")
    assert [str(d) for d in check_file(path).report] == [
        "[ERROR] study.yaml:8: contexts[c-minimal\\n].id: the id ends with a line break (write the id on the same line "
        "as 'id:', without '|' or '>')"]


def test_text_of_every_kind_must_say_something(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("  title: Minimal made-up evaluation\n", "  title: Minimal made-up evaluation\n"
                        "  authors: [A. Example, '']\n  programme: '  '\n  license: ''\n"
                        "sites:\n  - id: s1\n    label: Ward\n    microsystem:\n      purpose: \"\\t\"\n")
    text += "    statement: ''\n    evidence:\n      - refs: ['[1]', ' ']\n"
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    assert [str(d) for d in check_file(path).report] == [
        "[ERROR] study.yaml:7: evaluation.authors: a value of 'authors' is empty (write the authors, or leave "
        "'authors' out)",
        "[ERROR] study.yaml:8: evaluation.programme: 'programme' holds only white space (write the intervention or "
        "approach evaluated, or leave 'programme' out)",
        "[ERROR] study.yaml:9: evaluation.license: 'license' is empty (write the licence of this evidence file (IRI "
        "or SPDX id), or leave 'license' out)",
        "[ERROR] study.yaml:14: sites[s1].microsystem.purpose: 'microsystem.purpose' holds only white space (write "
        "the microsystem's purpose (the first of the 5 Ps), or leave 'microsystem.purpose' out)",
        "[ERROR] study.yaml:29: cmocs[cmoc-1].statement: 'statement' is empty (write the if-then-because sentence, "
        "or leave 'statement' out)",
        "[ERROR] study.yaml:31: cmocs[cmoc-1].evidence[1].refs: a value of 'refs' holds only white space (write "
        "citations as printed, or leave 'refs' out)",
    ]
    path.write_text(text.replace("''", "'x'").replace("' '", "'x'").replace("'  '", "'x'").replace('"\\t"', "x"),
                    encoding="utf-8")
    assert [str(d) for d in check_file(path).report] == []


@pytest.mark.parametrize("number", ["1e999", "-1e21", "0.1234567890123456789", "1e-19", "100000000000000000000"])
def test_a_number_with_more_digits_than_are_kept_is_refused_as_written(number: str, tmp_path: Path) -> None:
    from cmograph.format.values import kept_decimal

    path = tmp_path / "study.json"
    text = (INVALID / "value-too-many-digits.yaml").read_text(encoding="utf-8")
    path.write_text(json.dumps(yaml.safe_load(text)).replace("12345678901234567890123456789", number), encoding="utf-8")
    assert [str(d) for d in check_file(path).report] == [
        f"[ERROR] study.json:1: outcomes[o-minimal].measures[1].value: '{number}' has more digits than cmograph "
        "keeps (at most 20 before the decimal point and 18 after it) (round it, or give it in a larger or smaller "
        "unit and say so under 'unit')"]
    assert kept_decimal(Decimal("1e-999999999")) is None  # refused without writing its digits out


@pytest.mark.parametrize(("start", "end", "fine"), [
    ("2019-07-15", "2019-07-15", True), ("2019-06-30", "2019-07-01", True), ("2019", "2019", True),
    ("2019-07", "2019-07-15", True), ("2019-07-15", "2019-07", True), ("2019", "2019-01-01", True),  # as far as
    ("2019-07-16", "2019-07-15", False), ("2020", "2019-12-31", False), ("2019-07-15", "2019-06", False),  # both go
    ("2019-02-30", "2019-01-01", None),  # not a date: only that is reported
])
def test_a_period_ends_when_or_after_it_starts_compared_as_far_as_both_dates_go(start: str, end: str,
                                                                                 fine: bool | None,
                                                                                 tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    text = (INVALID / "period-ends-before-start.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("start: 2008-05", f"start: {start}").replace("end: 2008-03-31", f"end: {end}"),
                    encoding="utf-8")
    messages = [str(d) for d in check_file(path).report]
    if fine:
        assert messages == []
    elif fine is None:
        assert messages == [f"[ERROR] study.yaml:10: periods[p-setup].start: '{start}' is not an ISO 8601 date (write "
                            "YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2008-05)"]
    else:
        assert messages == [f"[ERROR] study.yaml:11: periods[p-setup].end: the period ends ({end}) before it starts "
                            f"({start}) (correct one of the two dates; perhaps they are the wrong way round)"]


def test_a_cycle_of_versions_is_reported_once_and_a_history_is_not(tmp_path: Path) -> None:
    text = (INVALID / "revises-cycle.yaml").read_text(encoding="utf-8")
    path = tmp_path / "study.yaml"
    path.write_text(text + "  - id: v4\n    label: Later\n    cmocs: [cmoc-1]\n    revises: v1\n", encoding="utf-8")
    assert [d.where for d in check_file(path).report] == ["theories[v3].revises"]  # v4 leads into it, is not on it
    path.write_text(text.replace("    revises: v3\n", ""), encoding="utf-8")  # v3 revises v2, which revises v1
    assert [str(d) for d in check_file(path).report] == []


def test_an_empty_id_is_shown_as_written(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "study.yaml"
    path.write_text(text.replace("context: [c-minimal]", "context: ['']").replace(
        "label: Minimal outcome\n", "label: Minimal outcome\n    measures: [{indicator: i, value: 1, unit: u, at: ''}]\n"),
        encoding="utf-8")
    assert [str(d) for d in check_file(path).report] == [
        "[ERROR] study.yaml:16: outcomes[o-minimal].measures[1].at: '' is not a period in this file (add a period with "
        "this id under 'periods:'. A date (YYYY-MM-DD, YYYY-MM or YYYY) is accepted too.)",
        "[ERROR] study.yaml:19: cmocs[cmoc-1].context: '' is not a context in this file (the context ids are: "
        "c-minimal)",
    ]


def test_many_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    broken = text.replace("direction: positive", "direction: upwards") if "direction:" in text else text
    broken += "\nsites:\n  - id: s1\n    label: S\n    setting: hospitals\n"
    path = tmp_path / "two.yaml"
    path.write_text(broken, encoding="utf-8")
    messages = [str(d) for d in check_file(path).report]
    assert any("'hospitals' is not a valid value for 'setting'" in m for m in messages)
    assert len(messages) >= 1


@pytest.mark.parametrize(("prefixes", "concept", "expected"), [
    ("{cmoc: 'https://example.org/c/'}", "cmoc:staffing", []),
    ("{cmoc: 'https://example.org/c/'}", "'cmoc:staff ing'",
     ["[ERROR] study.yaml:10: contexts[c-minimal].concept: 'cmoc:staff ing' does not make an IRI with its prefix: "
      "'https://example.org/c/staff ing' (write the part after 'cmoc:' without spaces or <>\"{}|^`\\)"]),
    ("{other: 'https://example.org/c/'}", "cmoc:staffing",
     ["[ERROR] study.yaml:10: contexts[c-minimal].concept: 'cmoc:staffing' is not an IRI or a CURIE with a declared "
      "prefix (declare its prefix under 'prefixes:' or write the full IRI)"]),
])
def test_a_concept_message_says_whether_its_prefix_is_declared(prefixes: str, concept: str, expected: list[str],
                                                                tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8").replace(
        "label: Minimal context\n", f"label: Minimal context\n    concept: {concept}\n")
    path = tmp_path / "study.yaml"
    path.write_text(f"{text}prefixes: {prefixes}\n", encoding="utf-8")
    checked = check_file(path)
    assert [str(d) for d in checked.report] == expected
    if not expected:
        assert b"<https://example.org/c/staffing>" in checked.graphs[0].nquads


def test_same_evaluation_id_in_two_files_is_an_error(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    shutil.copy(VALID / "minimal.yaml", first)
    shutil.copy(VALID / "minimal.yaml", second)
    results = check_files([first, second])
    assert results[0].report.conforms
    [diagnostic] = list(results[1].report)
    assert "is also in a.yaml" in diagnostic.message
    assert results[1].graphs == []


def test_folder_is_searched_and_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    assert validate_paths([VALID]).conforms
    with pytest.raises(InputError, match="no evidence files"):
        validate_paths([tmp_path])
    with pytest.raises(InputError, match="no such file"):
        validate_paths([tmp_path / "missing.yaml"])


@pytest.mark.slow
def test_rdf_input_is_checked_by_the_same_shapes(tmp_path: Path) -> None:
    from cmograph.render.rdf import export
    from cmograph.source import load_memory

    store = load_memory([VALID / "riverside-wards.yaml"])
    good = tmp_path / "riverside.ttl"
    good.write_bytes(export(store, "turtle"))
    checked = check_file(good)
    assert checked.report.conforms, [str(d) for d in checked.report]
    assert [g.evaluation_id for g in checked.graphs] == ["riverside-wards"]
    bad = tmp_path / "broken.ttl"
    text = good.read_text(encoding="utf-8")
    assert "cmo:DirectionPositive" in text
    bad.write_text(text.replace("cmo:DirectionPositive", "cmo:Upwards"), encoding="utf-8")
    messages = [str(d) for d in check_file(bad).report]
    assert messages, "a wrong direction in Turtle must be reported"
    assert all(m.startswith("[ERROR] broken.ttl:") for m in messages)
    assert any(".direction: 'Upwards' is not a valid value for 'direction'" in m for m in messages), messages
    long = tmp_path / "long.ttl"
    assert "cmo:value 7.4 " in text
    long.write_text(text.replace("cmo:value 7.4 ", f"cmo:value 7.{'4' * 400} "), encoding="utf-8")
    [diagnostic] = check_file(long).report
    assert diagnostic.message == f"'7.{'4' * 400}' has more digits than cmograph keeps (at most 20 before the " \
                                 "decimal point and 18 after it)"
    reversed_ = tmp_path / "reversed.ttl"
    assert 'cmo:end "2020-03"^^xsd:gYearMonth' in text and "prov:wasRevisionOf <" in text
    reversed_.write_text(text.replace('cmo:end "2020-03"^^xsd:gYearMonth', 'cmo:end "2019-06"^^xsd:gYearMonth'),
                         encoding="utf-8")
    assert [str(d) for d in check_file(reversed_).report] == [
        "[ERROR] reversed.ttl: periods[p-embedding].end: the period ends (2019-06) before it starts (2019-07-01) "
        "(correct one of the two dates; perhaps they are the wrong way round)"]
    circle = tmp_path / "circle.ttl"
    v1, v2 = (f"<https://w3id.org/cmograph/data/riverside-wards/theory/{v}>" for v in ("v1", "v2"))
    circle.write_text(text + f"{v1} prov:wasRevisionOf {v2} .\n", encoding="utf-8")
    assert [str(d) for d in check_file(circle).report] == [
        "[ERROR] circle.ttl: theories[v2].revises: the versions go round in a circle: v1 revises v2, v2 revises v1 "
        "(each 'revises' names an earlier theory: leave it out of the first version)"]
    circle.write_text(text + f"{v1} prov:wasRevisionOf {v1} .\n", encoding="utf-8")
    assert [str(d) for d in check_file(circle).report] == [
        "[ERROR] circle.ttl: theories[v1].revises: a theory cannot be an earlier version of itself ('revises' names "
        "its own id) (name the earlier theory, or leave 'revises' out)"]
    blank = tmp_path / "blank.ttl"
    blank.write_text(text.replace('rdfs:label "Daily improvement huddle"', 'rdfs:label " "'), encoding="utf-8")
    assert [str(d) for d in check_file(blank).report] == [
        "[ERROR] blank.ttl: mechanisms[m-huddle].label: 'label' holds only white space (write a short "
        "human-readable name)"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["riverside-wards.yaml", "hillside-review.json", "riverside.ttl"])
def test_a_file_is_read_once_so_the_digest_names_what_was_checked(name: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from cmograph.render.rdf import export
    from cmograph.source import load_memory

    path = tmp_path / name
    if name.endswith(".ttl"):
        path.write_bytes(export(load_memory([VALID / "riverside-wards.yaml"]), "turtle"))
    else:  # Windows line ends, which a read as text would have turned into plain ones
        path.write_bytes((VALID / name).read_bytes().replace(b"\n", b"\r\n"))
    reads: list[Path] = []
    for method in ("read_bytes", "read_text"):
        real = getattr(Path, method)

        def counted(self: Path, *args: object, real: object = real, **kwargs: object) -> object:
            if self == path:
                reads.append(self)
            return real(self, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(Path, method, counted)
    checked = check_file(path)
    assert len(reads) == 1
    assert checked.report.conforms and checked.graphs
    assert checked.digest == hashlib.sha256(path.read_bytes()).hexdigest()


RIVERSIDE_IRI = "https://w3id.org/cmograph/data/riverside-wards"


def _riverside_with_blank_nodes(tmp_path: Path, *paths: str) -> Path:
    """riverside-wards as Turtle, with the nodes at ``paths`` (below the evaluation's IRI) made blank nodes."""
    from cmograph.render.rdf import export
    from cmograph.source import load_memory

    text = export(load_memory([VALID / "riverside-wards.yaml"]), "turtle").decode()
    for n, path in enumerate(paths):
        iri = f"<{RIVERSIDE_IRI}{path}>"
        assert iri in text
        text = text.replace(iri, f"_:b{n}")
    blank = tmp_path / "blank.ttl"
    blank.write_text(text, encoding="utf-8")
    return blank


@pytest.mark.slow
def test_an_element_that_is_a_blank_node_is_refused(tmp_path: Path) -> None:
    path = _riverside_with_blank_nodes(tmp_path, "/context/c-leadership", "/group/nurses", "/cmoc/CMO1", "")
    checked = check_file(path)
    assert [str(d) for d in checked.report] == [
        "[ERROR] blank.ttl: cmocs[CMO1]: the configuration is a blank node (give the cmo:Configuration node an IRI)",
        "[ERROR] blank.ttl: contexts[c-leadership]: the context is a blank node (give the cmo:Context node an IRI)",
        "[ERROR] blank.ttl: evaluation[riverside-wards]: the evaluation is a blank node (give the cmo:Evaluation "
        "node an IRI)",
        "[ERROR] blank.ttl: groups[nurses]: the group is a blank node (give the cmo:Group node an IRI)",
    ]
    assert not checked.graphs


@pytest.mark.slow
def test_a_measure_or_evidence_item_may_be_a_blank_node_and_is_answered(tmp_path: Path) -> None:
    from cmograph.query.catalogue import get_question
    from cmograph.query.local import StoreEngine
    from cmograph.query.run import ask
    from cmograph.store.disk import memory_store

    path = _riverside_with_blank_nodes(tmp_path, "/cmoc/CMO1/evidence/1", "/outcome/o-falls/measure/1")
    checked = check_file(path)
    assert checked.report.conforms, [str(d) for d in checked.report]
    engine = StoreEngine(memory_store(checked.graphs))
    evidence = ask(get_question("evidence"), engine, {"cmoc": "CMO1"})
    assert [row["position"] for row in evidence.rows] == [1, 2, 3]
    assert ask(get_question("what-worked"), engine, {}).rows


def test_rdf_without_evaluation_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> 'c' .\n", encoding="utf-8")
    [diagnostic] = list(check_file(path).report)
    assert diagnostic.message == "no cmo:Evaluation in this graph"


def test_broken_rdf_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid turtle RDF"):
        check_file(path)


MINIMAL_IRI = "https://w3id.org/cmograph/data/minimal"
OUTCOME = f"\n<{MINIMAL_IRI}/outcome/o-minimal> "
MEASURE = (f'cmo:hasMeasure <{MINIMAL_IRI}/m> . <{MINIMAL_IRI}/m> a cmo:Measure ; cmo:inEvaluation <{MINIMAL_IRI}> ; '
           f'cmo:indicator "falls" ; cmo:unit "per 1,000 bed days" ; cmo:position 1 ; ')


@pytest.mark.slow
@pytest.mark.parametrize(("old", "new", "message"), [
    ("\tcmo:formatVersion 1 ;\n", "",
     "cmograph: missing required key 'cmograph' (add cmo:formatVersion 1 to the cmo:Evaluation node)"),
    ("cmo:formatVersion 1 ;", 'cmo:formatVersion "1" ;',
     'cmograph: the format version is written as text (write cmo:formatVersion 1 as a number, not "1")'),
    ("cmo:formatVersion 1 ;", "cmo:formatVersion 2 ;",
     "cmograph: format version 2 is not supported (this release reads version 1 graphs: write cmo:formatVersion 1)"),
    ('rdfs:label "Minimal context" ;', "",
     "contexts[c-minimal]: missing required key 'label' (add rdfs:label to this context)"),
    (f"\tcmo:hasMechanism <{MINIMAL_IRI}/mechanism/m-minimal> ;\n", "",
     "cmocs[cmoc-1]: missing required key 'mechanism' (add cmo:hasMechanism to this configuration; if the study "
     "does not give one yet, add cmo:status cmo:StatusPartial)"),
    (OUTCOME, OUTCOME + "cmo:direction cmo:DirectionNoChang ; ",
     "outcomes[o-minimal].direction: 'DirectionNoChang' is not a valid value for 'direction' (did you mean "
     "'cmo:DirectionNoChange'? use one of: cmo:DirectionPositive, cmo:DirectionNegative, cmo:DirectionMixed, "
     "cmo:DirectionNoChange)"),
    (OUTCOME, OUTCOME + 'cmo:intended "sometimes" ; ',
     "outcomes[o-minimal].intended: 'sometimes' is not an xsd:boolean (write true or false)"),
    (f"\n<{MINIMAL_IRI}/context/c-minimal> ", f'\n<{MINIMAL_IRI}/context/c-minimal> cmo:concept "cmoc:x" ; ',
     "contexts[c-minimal].concept: 'cmoc:x' is not an IRI (write it as an IRI, e.g. "
     "<https://w3id.org/cmograph/concepts/x>)"),
    (OUTCOME, OUTCOME + MEASURE + 'cmo:value "high" .' + OUTCOME,
     f"measures[{MINIMAL_IRI}/m].value: 'high' is not an xsd:decimal (write it without units, e.g. 3.5 or "
     "42.0 in Turtle, where 42 alone is an xsd:integer; put the unit in cmo:unit)"),
    (OUTCOME, OUTCOME + MEASURE + f"cmo:value 2.0 ; cmo:atPeriod <{MINIMAL_IRI}/period/p1> ." + OUTCOME,
     f"measures[{MINIMAL_IRI}/m].at: 'p1' is not a period in this file (type the node cmo:Period. A date goes in "
     "cmo:atDate instead.)"),
])
def test_rdf_input_gets_hints_in_rdf_terms(old: str, new: str, message: str, tmp_path: Path) -> None:
    from cmograph.render.rdf import export
    from cmograph.source import load_memory

    text = export(load_memory([VALID / "minimal.yaml"]), "turtle").decode()
    assert text.count(old) == 1
    path = tmp_path / "study.ttl"
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert [str(d) for d in check_file(path).report] == [f"[ERROR] study.ttl: {message}"]


@pytest.mark.parametrize(("name", "text", "reason"), [
    ("bad.ttl", None, "line {n}: objectList expected, in: <a> <b> ."),
    ("bad.nq", "<http://example.org/a> <http://example.org/b> .\n",
     "Invalid line (Unrecognised object type): '<http://example.org/a> <http://example.org/b> .'"),
])
def test_the_parsers_reason_for_refusing_rdf_is_shown_in_one_line(name: str, text: str | None, reason: str,
                                                                  tmp_path: Path) -> None:
    from cmograph.render.rdf import export
    from cmograph.source import load_memory

    if text is None:  # a valid export with one bad line at the end
        text = export(load_memory([VALID / "minimal.yaml"]), "turtle").decode() + "<a> <b> .\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        check_file(path)
    fmt = "turtle" if name.endswith(".ttl") else "nquads"
    assert error.value.message == f"{name}: not valid {fmt} RDF: {reason.format(n=text.count(chr(10)))}"


def test_unknown_suffix_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="not an evidence file"):
        check_file(path)


def _result_keys(results: object) -> set[tuple[str, ...]]:
    from rdflib import RDF, SH, Graph

    assert isinstance(results, Graph)
    keys = set()
    for r in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(r, SH.resultPath)
        fields = [str(results.value(r, p)) for p in (SH.focusNode, SH.sourceConstraintComponent, SH.value,
                                                     SH.resultSeverity)]
        keys.add((*fields, str(path) if path is not None and not str(path).startswith("N") else ""))
    return keys


def _reaching_the_shapes() -> list[Path]:
    """The fixtures whose data the shapes check: a syntax or structural error stops a file before them."""
    from cmograph.checks.structure import check_structure
    from cmograph.ingest.yaml_json import read_document

    reaching = []
    for path in [*sorted(INVALID.glob("*.yaml")), *sorted(VALID.iterdir())]:
        try:
            doc = read_document(path)
        except InputError:
            continue
        if not check_structure(doc):
            reaching.append(path)
    return reaching


@pytest.mark.slow  # pySHACL, the reference, takes 3 s over the fixtures
@pytest.mark.parametrize("path", _reaching_the_shapes(), ids=lambda p: p.name)
def test_pyshacl_turbo_gives_the_same_results_as_pyshacl(path: Path) -> None:
    from rdflib import Graph

    from cmograph.checks.shapes import shacl_results
    from cmograph.ingest.build import build
    from cmograph.ingest.yaml_json import read_document

    doc = read_document(path)
    data = Graph()
    for triple in build(doc).triples:
        data.add(triple)
    turbo = shacl_results(data, "turbo")
    reference = shacl_results(data, "pyshacl")
    assert turbo[0] == reference[0]
    assert _result_keys(turbo[1]) == _result_keys(reference[1])


@pytest.mark.parametrize("path", _reaching_the_shapes(), ids=lambda p: p.name)
def test_the_shapes_find_the_same_in_a_files_n_triples_as_in_a_store_of_them(path: Path) -> None:
    # checking hands turbo the N-Triples as text; what it finds there is what it finds in a store of them
    import pyoxigraph as ox

    from cmograph.checks.shapes import shacl_results
    from cmograph.ingest.build import build
    from cmograph.ingest.convert import ox_triples
    from cmograph.ingest.yaml_json import read_document

    ntriples = ox.serialize(ox_triples(build(read_document(path)).triples), format=ox.RdfFormat.N_TRIPLES) or b""
    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    text, stored = shacl_results(ntriples), shacl_results(store)
    assert text[0] == stored[0]
    assert _result_keys(text[1]) == _result_keys(stored[1])


# ---------------------------------------------------------------------------------------------- many files


def _many(folder: Path, count: int) -> list[Path]:
    """``count`` valid files (the riverside fixture under other evaluation ids), plus the invalid fixtures."""
    folder.mkdir(exist_ok=True)
    text = (VALID / "riverside-wards.yaml").read_text(encoding="utf-8")
    paths = []
    for n in range(count):
        path = folder / f"copy-{n:02d}.yaml"
        path.write_text(text.replace("\n  id: riverside-wards\n", f"\n  id: riverside-copy-{n:02d}\n", 1),
                        encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.slow
def test_many_files_are_checked_in_workers_with_the_same_results_in_order(tmp_path: Path) -> None:
    from cmograph.checks.pipeline import PARALLEL_FILES, iter_checked

    paths = _many(tmp_path / "many", PARALLEL_FILES)
    paths[3:3] = sorted(INVALID.glob("bad-enum-*.yaml"))[:3]
    paths.append(paths[0])  # the same evaluation twice: an error in the second
    seen: list[tuple[int, int, str]] = []
    parallel = list(iter_checked(paths, progress=lambda done, total, label: seen.append((done, total, label))))
    assert seen == [(n, len(paths), path.name) for n, path in enumerate(paths, 1)]
    serial = [check_file(p) for p in paths]
    assert [c.path for c in parallel] == paths
    assert [[str(d) for d in c.report.diagnostics] for c in parallel[:-1]] == \
        [[str(d) for d in c.report.diagnostics] for c in serial[:-1]]
    assert [[(g.evaluation_id, g.nquads) for g in c.graphs] for c in parallel[:-1]] == \
        [[(g.evaluation_id, g.nquads) for g in c.graphs] for c in serial[:-1]]
    assert sum(bool(c.graphs) for c in parallel) == PARALLEL_FILES
    assert "is also in copy-00.yaml" in str(parallel[-1].report.diagnostics[0])


@pytest.mark.slow
def test_an_unreadable_file_among_many_is_the_same_input_error(tmp_path: Path) -> None:
    from cmograph.checks.pipeline import PARALLEL_FILES

    paths = _many(tmp_path / "many", PARALLEL_FILES)
    broken = tmp_path / "many" / "broken.yaml"
    broken.write_text("evaluation: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as alone:
        check_file(broken)
    with pytest.raises(InputError) as among:
        check_files([*paths[:4], broken, *paths[4:]])
    assert (among.value.message, among.value.hint) == (alone.value.message, alone.value.hint)
    assert among.value.hint


def test_files_of_the_same_name_in_different_folders_are_told_apart(tmp_path: Path) -> None:
    from cmograph.checks.pipeline import iter_checked

    for site in ("site-a", "site-b"):
        (tmp_path / site).mkdir()
        shutil.copy(INVALID / "bad-date.yaml", tmp_path / site / "interviews.yaml")
    shutil.copy(INVALID / "bad-enum-design.yaml", tmp_path / "site-a" / "design.yaml")
    messages = [str(d) for d in validate_paths([tmp_path])]
    places = {m.split(" ", 1)[1].split(":", 1)[0] for m in messages}
    assert places == {"site-a/interviews.yaml", "site-b/interviews.yaml", "design.yaml"}, messages
    alone = [str(d) for d in validate_paths([tmp_path / "site-b" / "interviews.yaml"])]
    assert alone and all(m.startswith("[ERROR] interviews.yaml:") for m in alone)
    # the same evaluation in two files of the same name: the second names the first by its folder
    for site in ("site-a", "site-b"):
        shutil.copy(VALID / "minimal.yaml", tmp_path / site / "minimal.yaml")
    told: list[str] = []
    paths = [tmp_path / "site-a" / "minimal.yaml", tmp_path / "site-b" / "minimal.yaml"]
    checked = list(iter_checked(paths, progress=lambda done, total, label: told.append(label)))
    [duplicate] = [str(d) for c in checked for d in c.report]
    assert duplicate.startswith("[ERROR] site-b/minimal.yaml: evaluation.id:") and "also in site-a/minimal.yaml" in duplicate
    assert told == ["site-a/minimal.yaml", "site-b/minimal.yaml"]



@pytest.mark.slow
def test_a_project_refresh_names_a_changed_file_apart_from_its_namesakes(tmp_path: Path) -> None:
    from cmograph.store.project import Project, init_project

    init_project(tmp_path)
    (tmp_path / "evaluations" / "my-evaluation.yaml").unlink()
    for site, evaluation in (("site-a", "riverside-wards"), ("site-b", "other-wards")):
        (tmp_path / "evaluations" / site).mkdir()
        text = (VALID / "riverside-wards.yaml").read_text(encoding="utf-8")
        (tmp_path / "evaluations" / site / "study.yaml").write_text(
            text.replace("id: riverside-wards", f"id: {evaluation}", 1), encoding="utf-8")
    assert Project(tmp_path).refresh().report.conforms
    changed = tmp_path / "evaluations" / "site-b" / "study.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("direction: positive", "direction: upwards", 1),
                       encoding="utf-8")
    result = Project(tmp_path).refresh()  # only the changed file is checked again
    messages = [str(d) for d in result.report]
    assert messages and all(m.startswith("[ERROR] site-b/study.yaml:") for m in messages), messages


def test_one_file_named_two_ways_keeps_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cmograph.checks.crossfile import display_names

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").mkdir()
    one, other = Path("a/x.yaml"), tmp_path / "a" / "x.yaml"
    assert display_names([one, other]) == {one: "x.yaml", other: "x.yaml"}
    assert display_names([Path("a/x.yaml"), Path("b/c/x.yaml")]) == {Path("a/x.yaml"): "a/x.yaml",
                                                                     Path("b/c/x.yaml"): "b/c/x.yaml"}


def test_a_version_naming_itself_is_listed_with_every_other_problem(tmp_path: Path) -> None:
    text = (DATA / "invalid" / "self-revises.yaml").read_text(encoding="utf-8")
    text = text.replace("  title: Minimal made-up evaluation\n", "  title: ''\n")
    text += "periods:\n  - id: p1\n    label: P1\n    start: '2020-05'\n    end: '2020-03-31'\n"
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [f"{d.where}: {d.message}" for d in check_file(path).report]
    assert len(messages) == 3, messages
    assert any(m.startswith("evaluation.title: 'title' is empty") for m in messages), messages
    assert "periods[p1].end: the period ends (2020-03-31) before it starts (2020-05)" in messages
    assert "theories[v2].revises: a theory cannot be an earlier version of itself ('revises' names its own id)" \
        in messages


def test_a_reference_is_owned_by_the_longest_evaluation_iri_it_lies_under() -> None:
    """The owner of an IRI is found by looking up its prefixes (a comparison with every evaluation was quadratic:
    minutes at 565 evaluations); the same owner as that comparison, on IRIs built to trip it."""
    from cmograph.checks.crossfile import _owner

    evaluations = {"https://x/ev": "a", "https://x/ev/sub": "b", "https://x/e#": "c", "https://y/ev/": "d",
                   "urn:ev": "e"}

    def compared(iri: str) -> str | None:
        return max((e for e in evaluations if iri.startswith((f"{e}/", f"{e}#"))), key=len, default=None)

    iris = ["https://x/ev/cmoc/1", "https://x/ev/sub/cmoc/1", "https://x/ev#a", "https://x/evil/1",
            "https://x/e##k", "https://y/ev//c", "https://y/ev/c", "https://x/ev", "https://x/ev/", "urn:ev/x", "x",
            "", "/", "#", "https://x/ev/sub", "https://x/ev/sub#c"]
    assert [_owner(iri, evaluations) for iri in iris] == [compared(iri) for iri in iris]
    assert _owner("https://x/ev/sub/cmoc/1", evaluations) == "https://x/ev/sub"
