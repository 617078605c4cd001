"""Mapping sets as SSSOM TSV (https://mapping-commons.github.io/sssom/): written for a team to review, and read
back once reviewed.

A proposed row has no ``author_id``: nobody has decided on it yet. A reviewer keeps a row by writing their id in
``author_id`` (an ORCID as ``orcid:0000-...``, or any CURIE whose prefix the ``curie_map`` declares), rejects one
by also writing ``Not`` in ``predicate_modifier``, and may date it (``mapping_date``) and say why (``comment``).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cmograph.errors import InputError
from cmograph.match.propose import Proposal
from cmograph.namespaces import ORCID, SEMAPV, SKOS

COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "similarity_score", "predicate_modifier", "author_id", "mapping_date", "comment")
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification", "author_id")
PREFIXES = {"skos": SKOS, "semapv": SEMAPV, "orcid": ORCID}
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
_PREFIX = re.compile(r"[^A-Za-z0-9_.-]")


def prefix_for(evaluation: str, kind: str) -> str:
    """The CURIE prefix of the elements of one kind of one evaluation: ``luetsch-2021.mechanism``."""
    return _PREFIX.sub("_", f"{evaluation}.{kind}")


def write_sssom(proposal: Proposal, *, set_id: str, license_: str, version: str, evaluations: int) -> str:
    """The proposal as SSSOM TSV text."""
    curies = dict(PREFIXES)
    for m in proposal.mappings:
        for e in (m.subject, m.object):
            curies[prefix_for(e.evaluation, e.kind)] = e.namespace
    today = datetime.date.today()
    head = {
        "curie_map": curies,
        "mapping_set_id": set_id,
        "mapping_set_title": f"Candidate matches between the elements of {evaluations} evaluations",
        "mapping_set_description": f"Proposed by cmograph match, {proposal.describe()}. Keep a row by writing "
        "your id in author_id; reject it by also writing Not in predicate_modifier; then run `cmograph match "
        "--accept` on this file.",
        "license": license_,
        "mapping_tool": "cmograph match",
        "mapping_tool_version": version,
        "mapping_date": today,
    }
    text = yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=1000)
    out = io.StringIO()
    out.write("".join(f"# {line}\n" for line in text.splitlines()))
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for m in proposal.mappings:
        writer.writerow([_curie(m.subject), _cell(m.subject.label), m.predicate, _curie(m.object),
                         _cell(m.object.label), m.justification, f"{m.score:.3f}", "", "", "", m.comment])
    return out.getvalue()


def _curie(element: Any) -> str:
    return f"{prefix_for(element.evaluation, element.kind)}:{element.iri[len(element.namespace):]}"


def _cell(text: str) -> str:
    """A label in one TSV cell: tabs and line breaks as spaces."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Row:
    """One row of a reviewed mapping set, with its line in the file."""

    line: int
    subject: str  # IRI
    object: str  # IRI
    predicate: str
    rejected: bool
    author: str
    date: str
    comment: str


@dataclass
class MappingSet:
    """A reviewed mapping set: its metadata and rows."""

    path: Path
    metadata: dict[str, Any]
    rows: list[Row]


def read_sssom(path: Path) -> MappingSet:
    """Read a reviewed SSSOM TSV file; a file that is not one raises :class:`InputError` at its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", "name the mapping file `cmograph match -o` wrote") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    lines = text.splitlines()
    header = [line[1:] for line in lines if line.startswith("#")]
    start = len(header)
    if any(line.startswith("#") for line in lines[start:]):
        raise InputError(f"{path.name}: the '#' metadata lines must all come before the table",
                         "move them to the top of the file")
    try:
        metadata = yaml.safe_load("\n".join(h[1:] if h.startswith(" ") else h for h in header)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name}: the '#' metadata lines are not YAML ({' '.join(str(exc).split())[:200]})",
                         "keep the metadata block as `cmograph match` wrote it") from None
    if not isinstance(metadata, dict):
        raise InputError(f"{path.name}: the '#' metadata lines are not a mapping of keys")
    curies = metadata.get("curie_map") or {}
    if not isinstance(curies, dict):
        raise InputError(f"{path.name}: curie_map is not a mapping of prefixes to IRIs")
    table = list(csv.reader(lines[start:], delimiter="\t"))
    if not table:
        raise InputError(f"{path.name}: no table of mappings after the metadata", "write the header row and rows")
    columns = table[0]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"{path.name}:{start + 1}: the table has no column {', '.join(missing)}",
                         f"a reviewed mapping set has the columns {', '.join(REQUIRED)} (and may have the others "
                         "`cmograph match` writes)")
    rows = []
    for n, cells in enumerate(table[1:], start + 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise InputError(f"{path.name}:{n}: {len(cells)} cells where the header has {len(columns)}",
                             "a cell holds no tab; empty cells stay, between two tabs")
        row = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
        modifier = row.get("predicate_modifier", "")
        if modifier not in ("", "Not"):
            raise InputError(f"{path.name}:{n}: predicate_modifier '{modifier}' is not Not",
                             "write Not to reject the row, or leave it empty")
        rows.append(Row(n, _expand(row["subject_id"], curies, path, n), _expand(row["object_id"], curies, path, n),
                        row["predicate_id"], modifier == "Not", row["author_id"], row.get("mapping_date", ""),
                        row.get("comment", "")))
    return MappingSet(path, metadata, rows)


def _expand(curie: str, curies: dict[str, Any], path: Path, line: int) -> str:
    if "://" in curie:
        return curie
    prefix, colon, local = curie.partition(":")
    if not colon or prefix not in curies:
        raise InputError(f"{path.name}:{line}: '{curie}' is not a CURIE with a prefix of the curie_map",
                         "keep the ids `cmograph match` wrote, or declare the prefix in curie_map")
    return f"{curies[prefix]}{local}"


def authors(rows: Sequence[Row]) -> list[str]:
    return sorted({r.author for r in rows if r.author})
