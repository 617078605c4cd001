"""The cmograph workbook: one sheet per section of the evidence format, a header row of keys, one row per item.

Made from :mod:`cmograph.format.model`, so that a key added to the format gets its column: the writer
(:mod:`cmograph.render.workbook`) and the reader (:mod:`cmograph.ingest.importers.workbook`) share this layout.

- ``evaluation``: one row; ``sites``, ``groups``, ..., ``theories``: one row per item; a site's ``microsystem``
  keys are columns ``microsystem.purpose``, ...;
- ``measures`` and ``evidence``: one row per measure or evidence item, its first column naming the outcome or the
  configuration it belongs to (in the order of the rows);
- ``prefixes``: one row per prefix;
- a cell of several ids holds them separated by spaces or line breaks; a cell of several texts (``authors``,
  ``refs``) one per line;
- a person with an ORCID iD (``{name: Josiah Carberry, orcid: 0000-0002-1825-0097}``) is the line
  ``Josiah Carberry (0000-0002-1825-0097)``, the iD as the file writes it (:func:`person_line`, :func:`person_of`).

This module also turns an evidence file into the plain values the workbook holds (:func:`plain_evidence`): each
value as the file writes it (``7.50`` stays a number with those digits, ``2019-06`` stays text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cmograph.format.model import (
    EVALUATION,
    FORMAT_VERSION,
    LISTS,
    Key,
    Section,
)
from cmograph.ingest.importers.sheets import Sheet
from cmograph.ingest.yaml_json import Document, Path_

INSTRUCTIONS = "instructions"
MARK = "cmograph evidence workbook"
PREFIX = Key("prefix", "text", None, "the short name used in concept CURIEs (cmoc in cmoc:daily-huddle)",
             required=True)
NAMESPACE = Key("iri", "url", None, "the IRI the prefix stands for", required=True)


# a line of a people cell that ends with an ORCID iD in brackets, bare or as a link (the check digit is the
# validation's to check)
PERSON_LINE = re.compile(r"^(.*?\S)\s*\(\s*((?:https?://orcid\.org/)?[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9Xx])\s*\)$")


def person_line(person: str | dict[str, str]) -> str:
    """A person as a line of a workbook cell: the name, then the ORCID iD (if any) in brackets."""
    if isinstance(person, str):
        return person
    return f"{person['name']} ({person['orcid']})" if person.get("orcid") else person["name"]


def person_of(line: str) -> str | dict[str, str]:
    """The person a line of a workbook cell names: a name, or a mapping of name and ORCID iD."""
    match = PERSON_LINE.match(line)
    return {"name": match.group(1), "orcid": match.group(2)} if match else line


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header and the key (at ``path`` in the item) its cells hold."""

    header: str
    key: Key
    path: tuple[str, ...]  # ("purpose",) is ("microsystem", "purpose") for a site's microsystem


@dataclass(frozen=True)
class SheetLayout:
    """One sheet: the section its rows are items of, and its columns."""

    name: str
    section: Section | None  # None for prefixes
    columns: tuple[Column, ...]
    doc: str
    parent: Section | None = None  # for measures and evidence: the list their items belong to
    parent_key: str = ""  # the parent's key that holds them (``measures``, ``evidence``)

    @property
    def parent_header(self) -> str:
        return "" if self.parent is None else self.parent.name.removesuffix("s")


def _columns(section: Section) -> tuple[Column, ...]:
    columns: list[Column] = []
    for key in section.keys:
        if key.kind == "object":
            assert key.section is not None
            columns += [Column(f"{key.name}.{sub.name}", sub, (key.name, sub.name)) for sub in key.section.keys]
        elif key.kind != "objects":
            columns.append(Column(key.name, key, (key.name,)))
    return tuple(columns)


def _layouts() -> tuple[SheetLayout, ...]:
    sheets = [SheetLayout("evaluation", EVALUATION, _columns(EVALUATION), EVALUATION.doc + " One row.")]
    for section in LISTS:
        sheets.append(SheetLayout(section.name, section, _columns(section), section.doc))
        for key in section.keys:
            if key.kind == "objects":
                assert key.section is not None
                parent = Column(section.name.removesuffix("s"),
                                Key(section.name.removesuffix("s"), "ref", None,
                                    f"the {section.noun} it belongs to", required=True, target=section.name),
                                ())
                sheets.append(SheetLayout(key.section.name, key.section, (parent, *_columns(key.section)),
                                          f"{key.section.doc} One row each, under the {section.noun} named in the "
                                          "first column, in the order of the rows.", section, key.name))
    sheets.append(SheetLayout("prefixes", None, (Column("prefix", PREFIX, ()), Column("iri", NAMESPACE, ())),
                              "Short names for the concept vocabularies used in 'concept' (optional)."))
    return tuple(sheets)


LAYOUT: tuple[SheetLayout, ...] = _layouts()
LAYOUT_BY_NAME = {sheet.name: sheet for sheet in LAYOUT}
REQUIRED_SHEETS = ("evaluation", "contexts", "mechanisms", "outcomes", "cmocs")


def is_workbook_layout(sheets: list[Sheet]) -> bool:
    """Whether a workbook is a cmograph workbook: it has the instructions sheet, or the sheets of the required
    sections with a header row of keys."""
    by_name = {s.name: s for s in sheets if s.name is not None}
    marker = by_name.get(INSTRUCTIONS)
    if marker is not None and marker.rows and marker.rows[0] and str(marker.rows[0][0]).startswith(MARK):
        return True
    for name in REQUIRED_SHEETS:
        sheet = by_name.get(name)
        headers = {str(v).strip() for v in (sheet.rows[0] if sheet and sheet.rows else [])}
        if not sheet or "id" not in headers:
            return False
    return True


def plain_evidence(doc: Document) -> dict[str, Any]:
    """The evidence of a valid file as plain values, each as the file writes it: text as written, numbers as
    :class:`~decimal.Decimal` with their digits, single ids as one-item lists. Keys follow the model's order."""
    data = doc.data
    out: dict[str, Any] = {"cmograph": data.get("cmograph", FORMAT_VERSION)}
    out["evaluation"] = _item(doc, data["evaluation"], EVALUATION, ("evaluation",))
    if data.get("prefixes"):
        out["prefixes"] = {str(k): doc.text(("prefixes", k), v) for k, v in data["prefixes"].items()}
    for section in LISTS:
        if data.get(section.name):
            out[section.name] = [_item(doc, item, section, (section.name, i))
                                 for i, item in enumerate(data[section.name])]
    return out


def _person(doc: Document, person: Any, path: Path_) -> str | dict[str, str]:
    """A person as the file writes it: a name, or a mapping of its name and ORCID iD."""
    if not isinstance(person, dict):
        return doc.text(path, person)
    return {key: doc.text((*path, key), person[key]) for key in ("name", "orcid") if person.get(key) is not None}


def _item(doc: Document, item: dict[str, Any], section: Section, path: Path_) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in section.keys:
        value = item.get(key.name)
        if value is None:
            continue
        kpath = (*path, key.name)
        if key.kind == "object":
            assert key.section is not None
            out[key.name] = _item(doc, value, key.section, kpath)
        elif key.kind == "objects":
            assert key.section is not None
            sub_section = key.section
            out[key.name] = [_item(doc, sub, sub_section, (*kpath, i)) for i, sub in enumerate(value)]
        elif key.kind in ("refs", "texts"):
            out[key.name] = ([doc.text((*kpath, i), v) for i, v in enumerate(value)] if isinstance(value, list)
                             else [doc.text(kpath, value)])
        elif key.kind == "people":
            places: list[Path_] = ([(*kpath, i) for i in range(len(value))] if isinstance(value, list)
                                   else [kpath])
            people = value if isinstance(value, list) else [value]
            out[key.name] = [_person(doc, person, at) for person, at in zip(people, places, strict=True)]
        elif key.kind == "concept" and isinstance(value, list):
            out[key.name] = [doc.text((*kpath, i), v) for i, v in enumerate(value)]
        elif key.kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            try:
                out[key.name] = Decimal(doc.text(kpath, value))
            except InvalidOperation:
                out[key.name] = Decimal(str(value))
        elif key.kind in ("int", "year", "bool") and not isinstance(value, str):
            out[key.name] = value
        else:
            out[key.name] = doc.text(kpath, value)
    return out

