"""Problems that stop a graph being built from a YAML or JSON file: a list where a mapping must be, an unknown key, a
duplicate id, no evaluation id. Everything else is written as the file says and left to the shapes."""

from __future__ import annotations

import difflib
import re
from typing import Any

from cmograph.diagnostics import Diagnostic, Location
from cmograph.format.identifiers import orcid_problem
from cmograph.format.model import EVALUATION, LISTS, SLUG_PATTERN, TOP_LEVEL_KEYS, Section
from cmograph.format.values import ABSOLUTE_IRI, CONCEPT_SCHEME, is_iri
from cmograph.ingest.yaml_json import Document, Path_, described, is_scalar


def check_structure(doc: Document) -> list[Diagnostic]:
    """Problems that stop a graph being built: wrong shapes of values, unknown keys, duplicate ids."""
    out: list[Diagnostic] = []

    def report(path: Path_, where: str, message: str, hint: str | None = None) -> None:
        out.append(Diagnostic(Location(doc.name, doc.line(path)), where, message, hint))

    data = doc.data
    if not isinstance(data, dict):
        report((), "", f"the file must be a mapping of keys (cmograph, evaluation, ...), found {described(data)}",
               "start the file with 'cmograph: 1' and 'evaluation:'")
        return out
    _unknown_keys(data, TOP_LEVEL_KEYS, (), "", report)
    evaluation = data.get("evaluation")
    if evaluation is None:
        report((), "", "missing required key 'evaluation'", "add 'evaluation:' with at least 'id' and 'title'")
    elif not isinstance(evaluation, dict):
        report(("evaluation",), "evaluation", f"expected a mapping (id, title, ...), found {described(evaluation)}")
    else:
        _check_item(doc, evaluation, EVALUATION, ("evaluation",), "evaluation", report)
        eid = evaluation.get("id")
        if eid is None:
            report(("evaluation",), "evaluation", "missing required key 'id'",
                   "add a short slug such as 'id: ford-2009'; every IRI of the evaluation is built from it")
        elif is_scalar(eid) and (not isinstance(eid, str) or not re.fullmatch(SLUG_PATTERN, eid)):  # else told above
            report(("evaluation", "id"), "evaluation.id", f"'{doc.text(('evaluation', 'id'), eid)}' is not a slug",
                   "use lower-case letters, digits and hyphens, e.g. 'ford-2009'")
    prefixes = data.get("prefixes")
    if prefixes is not None and not (
        isinstance(prefixes, dict) and all(isinstance(v, str) for v in prefixes.values())
    ):
        report(("prefixes",), "prefixes", "expected a mapping of prefix to IRI",
               "e.g. 'prefixes: {cmoc: https://w3id.org/cmograph/concepts/}'")
    elif prefixes is not None:
        for prefix, namespace in prefixes.items():
            if not (ABSOLUTE_IRI.match(namespace) and is_iri(namespace)):
                report(("prefixes", prefix), f"prefixes.{prefix}",
                       f"'{doc.text(('prefixes', prefix), namespace)}' is not an absolute IRI",
                       f"write in full the IRI '{prefix}:' stands for, e.g. 'https://w3id.org/cmograph/concepts/'")
            elif not CONCEPT_SCHEME.match(namespace):
                report(("prefixes", prefix), f"prefixes.{prefix}",
                       f"'{doc.text(('prefixes', prefix), namespace)}' is not an http, https or urn IRI",
                       "shared concepts are named by web IRIs, e.g. 'https://w3id.org/cmograph/concepts/', or URNs")
    for section in LISTS:
        items = data.get(section.name)
        if items is None:
            continue
        if not isinstance(items, list):
            report((section.name,), section.name, f"expected a list of {section.noun}s, found {described(items)}",
                   f"write each {section.noun} as an item starting with '- id:'")
            continue
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            path: Path_ = (section.name, i)
            if not isinstance(item, dict):
                report(path, f"{section.name}[{i + 1}]",
                       f"expected a {section.noun} (a mapping with id, ...), found {described(item)}")
                continue
            iid = item.get("id")
            where = f"{section.name}[{doc.text((*path, 'id'), iid) if is_scalar(iid) else i + 1}]"
            _check_item(doc, item, section, path, where, report)
            if isinstance(iid, str) and iid.endswith(("\n", "\r")):  # a block scalar (id: |): the pattern misses it
                report((*path, "id"), f"{where}.id", "the id ends with a line break",
                       "write the id on the same line as 'id:', without '|' or '>'")
            elif is_scalar(iid) and iid is not None:
                key = doc.text((*path, "id"), iid)
                if key in seen:
                    report((*path, "id"), where, f"the id '{key}' is used twice in {section.name}",
                           f"ids must be unique within a list; the first is at line {seen[key]}")
                else:
                    seen[key] = doc.line((*path, "id")) or 0
    return out


def _check_item(doc: Document, item: dict[str, Any], section: Section, path: Path_, where: str, report: Any) -> None:
    _unknown_keys(item, tuple(k.name for k in section.keys), path, where, report)
    for key in section.keys:
        if key.name not in item or item[key.name] is None:
            continue
        value = item[key.name]
        kpath = (*path, key.name)
        kwhere = f"{where}.{key.name}"
        if key.kind == "object":
            assert key.section is not None
            if not isinstance(value, dict):
                report(kpath, kwhere, f"expected a mapping, found {described(value)}")
            else:
                _check_item(doc, value, key.section, kpath, kwhere, report)
        elif key.kind == "objects":
            assert key.section is not None
            if not isinstance(value, list):
                report(kpath, kwhere, f"expected a list of {key.section.noun}s, found {described(value)}")
                continue
            for i, sub in enumerate(value):
                if isinstance(sub, dict):
                    _check_item(doc, sub, key.section, (*kpath, i), f"{kwhere}[{i + 1}]", report)
                else:
                    report((*kpath, i), f"{kwhere}[{i + 1}]", f"expected a {key.section.noun} (a mapping), "
                           f"found {described(sub)}")
        elif key.kind == "people":
            _check_people(doc, value, kpath, kwhere, report)
        elif key.kind in _MANY:
            values = value if isinstance(value, list) else [value]
            if not all(is_scalar(v) for v in values):
                report(kpath, kwhere, f"expected {_MANY[key.kind]} or a list of them, found {described(value)}")
        elif not is_scalar(value):
            report(kpath, kwhere, f"expected a single value, found {described(value)}",
                   "write one value on the same line as the key")


_MANY = {"refs": "ids", "texts": "text", "concept": "a concept"}  # kinds of key that take one value or a list
PERSON_KEYS = ("name", "orcid")  # of a person written as a mapping


def _check_people(doc: Document, value: Any, path: Path_, where: str, report: Any) -> None:
    """People: one or a list, each a name or a mapping of its ``name`` and ``orcid`` (an ORCID iD, checked here:
    its check digit is more than a shape can say)."""
    several = isinstance(value, list)
    for i, person in enumerate(value if several else [value]):
        at, named = ((*path, i), f"{where}[{i + 1}]") if several else (path, where)
        if isinstance(person, list):
            report(at, named, f"expected a name, or a mapping of name and orcid, found {described(person)}")
        elif isinstance(person, dict):
            _unknown_keys(person, PERSON_KEYS, at, named, report)
            name, orcid = person.get("name"), person.get("orcid")
            if name is None:
                report(at, named, "missing required key 'name'", "add 'name:' with the person's name as it is cited")
            elif not is_scalar(name):
                report((*at, "name"), f"{named}.name", f"expected a name, found {described(name)}")
            elif not doc.text((*at, "name"), name).strip():  # a person's name is not in the shapes' reach
                report((*at, "name"), f"{named}.name", "the name is empty", "write the person's name as it is cited")
            if orcid is not None and not is_scalar(orcid):
                report((*at, "orcid"), f"{named}.orcid", f"expected an ORCID iD, found {described(orcid)}")
            elif orcid is not None:
                problem = orcid_problem(doc.text((*at, "orcid"), orcid))
                if problem is not None:
                    report((*at, "orcid"), f"{named}.orcid", *problem)


def _unknown_keys(mapping: dict[str, Any], known: tuple[str, ...], path: Path_, where: str, report: Any) -> None:
    for key in mapping:
        if key == "<<":
            hint = "cmograph does not read YAML merge keys ('<<: *name'); write the keys out in full"
        elif key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        else:
            continue
        report((*path, key), f"{where}.{key}".lstrip("."), f"unknown key '{key}'", hint)


