"""Accept a reviewed mapping set: the rows a team kept join their elements into concepts of the project's concept
scheme (``concepts.yaml``), with who decided and when. Only the scheme is written, whole or not at all; no
evaluation's file is ever touched."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cmograph.errors import InputError, UsageError
from cmograph.ingest.files import write_atomically
from cmograph.match.elements import Element
from cmograph.match.lexical import normalised
from cmograph.match.propose import clusters
from cmograph.match.sssom import MappingSet, Row

HEADER = ("# The project's concept scheme: its concepts and the elements of the evaluations that belong to each\n"
          "# (members, as EVALUATION-ID/ELEMENT-ID). `cmograph match --accept` adds to it; edit it freely.\n")


@dataclass
class Accepted:
    """What accepting a mapping set did."""

    added: list[str] = field(default_factory=list)  # concept ids
    extended: list[str] = field(default_factory=list)
    kept: int = 0
    rejected: int = 0
    unreviewed: int = 0
    members: int = 0  # elements newly placed in a concept
    text: str = ""  # the scheme as written


def accept(mappings: MappingSet, found: Sequence[Element], scheme: Path) -> Accepted:
    """The scheme ``scheme`` (made if missing) with the kept rows of ``mappings`` joined into concepts; the text
    is in the result, for the caller to check and write (:func:`write_scheme`)."""
    by_iri = {e.iri: e for e in found}
    for row in mappings.rows:
        for side, iri in (("subject_id", row.subject), ("object_id", row.object)):
            if iri not in by_iri:
                raise InputError(f"{mappings.path.name}:{row.line}: {side} <{iri}> is no element of the evaluations "
                                 "loaded", "match and accept on the same data; an element may have been renamed "
                                 "or removed since the file was written")
    done = Accepted()
    kept = [r for r in mappings.rows if r.author and not r.rejected]
    done.kept, done.rejected = len(kept), sum(r.rejected for r in mappings.rows)
    done.unreviewed = sum(not r.author and not r.rejected for r in mappings.rows)
    data = _existing(scheme)
    concepts: list[dict[str, Any]] = data.setdefault("concepts", [])
    owner = {str(m): c for c in concepts for m in (c.get("members") or [])}
    rows_of: dict[str, list[Row]] = defaultdict(list)
    for row in kept:
        rows_of[row.subject].append(row)
    for group in clusters((r.subject, r.object) for r in kept):
        members = [by_iri[iri] for iri in group]
        rows = [r for iri in group for r in rows_of[iri]]
        who = sorted({r.author for r in rows})
        when = max((r.date for r in rows if r.date), default=datetime.date.today().isoformat())
        target = next((owner[e.name] for e in members if e.name in owner), None)
        if target is None:
            target = {"id": _new_id(members, {str(c.get("id")) for c in concepts}), "label": _label(members),
                      "members": []}
            concepts.append(target)
            done.added.append(target["id"])
        elif str(target.get("id")) not in done.extended:
            done.extended.append(str(target.get("id")))
        listed = target.setdefault("members", [])
        for e in members:
            if e.name not in owner:
                listed.append(e.name)
                owner[e.name] = target
                done.members += 1
        target["decided_by"] = sorted({*_as_list(target.get("decided_by")), *who})
        target["decided_on"] = max(str(target.get("decided_on") or when), when)
        target["note"] = f"accepted from {mappings.path.name}" + (
            "" if not target.get("note") or str(target["note"]).startswith("accepted from")
            else f"; {target['note']}")
    done.text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    return done


def write_scheme(scheme: Path, text: str) -> None:
    """Write the scheme's new text, whole or not at all."""
    write_atomically(scheme, text.encode("utf-8"))


def _existing(scheme: Path) -> dict[str, Any]:
    if scheme.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{scheme.name}: --accept writes a YAML concept scheme (concepts.yaml)",
                         "keep the project's scheme as concepts.yaml to accept mappings into it")
    if not scheme.exists():
        return {"scheme": {"label": "Concepts of the project"}, "concepts": []}
    try:
        data = yaml.safe_load(scheme.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"{scheme.name}: not valid YAML ({' '.join(str(exc).split())[:200]})",
                         "fix it first: accepting writes the whole scheme") from None
    if not isinstance(data, dict) or not isinstance(data.get("concepts", []), list):
        raise InputError(f"{scheme.name}: not a concept scheme (a mapping with a 'concepts' list)",
                         "fix it first: accepting writes the whole scheme")
    return data


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [] if value is None else [str(value)]


def _label(members: Sequence[Element]) -> str:
    """The new concept's label: its members' shortest label, without a full stop at the end."""
    return min((e.label for e in members), key=lambda label: (len(label), label)).strip().rstrip(".")


def _new_id(members: Sequence[Element], taken: set[str]) -> str:
    """An id from the label: its first words, lower case, hyphenated; made unique with a number."""
    words = normalised(_label(members)).split()[:5]
    base = re.sub(r"[^a-z0-9-]", "", "-".join(words)) or members[0].kind
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    return found
