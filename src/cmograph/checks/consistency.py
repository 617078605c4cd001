"""Rules the shapes do not state: a period does not end before it starts, versions do not go round in a circle,
two different ids do not look the same, and a reference that may name another evaluation's item
(``theories[].cmocs``) names an item of this file when it names one of this file's evaluations.

They are checked on the triples of a file (built from YAML or JSON, or read as RDF) beside the shapes, so that
their problems are listed with the shapes' ones, each at the key that is wrong.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from re import Pattern

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from cmograph.checks.messages import not_in_file, show
from cmograph.diagnostics import Diagnostic, Location, Severity
from cmograph.format.model import ALL_SECTIONS, EVALUATION, LIST_BY_NAME, LISTS, PERIODS, Key, Section
from cmograph.format.values import DATE, YEAR, YEAR_MONTH
from cmograph.format.vocab import CMO
from cmograph.ingest.build import Origin, Triple

DATES: dict[Node, Pattern[str]] = {XSD.date: DATE, XSD.gYearMonth: YEAR_MONTH, XSD.gYear: YEAR}
VERSIONS: tuple[tuple[Section, Key], ...] = tuple(
    (section, key) for section in LISTS for key in section.keys if key.kind == "ref" and key.target == section.name
)  # theories' revises, configurations' refines: each names an earlier version of its own kind
ACROSS: tuple[tuple[Section, Key], ...] = tuple(
    (section, key) for section in ALL_SECTIONS for key in section.keys if key.across
)  # keys whose ids may name another evaluation's items: theories' cmocs, judgements' cmocs


def check_consistency(triples: Iterable[Triple], file: str, origins: dict[Node, Origin],
                      key_lines: dict[tuple[Node, str], int], *, rdf: bool = False) -> list[Diagnostic]:
    """Periods that end before they start, cycles of versions, and references to this file's evaluations that name
    none of its items, in ``triples`` (located by ``origins`` and ``key_lines``, as the shapes' problems are; ``rdf``:
    the file is RDF, so hints name RDF terms)."""
    wanted = {CMO.start, CMO.end, *(key.predicate for _, key in (*VERSIONS, *ACROSS))}
    values: dict[tuple[Node, Node], list[Node]] = {}
    for s, p, o in triples:
        if p in wanted:
            values.setdefault((s, p), []).append(o)

    def one(node: Node, predicate: Node) -> Node | None:
        found = values.get((node, predicate), [])
        return found[0] if len(found) == 1 else None  # several are the shapes' to report

    def report(node: Node, key: str, message: str, hint: str) -> Diagnostic:
        origin = origins[node]
        line = key_lines.get((node, key)) or origin.line
        return Diagnostic(Location(file, line), f"{origin.where}.{key}", message, hint)

    out = []
    for node, origin in origins.items():
        if origin.section is PERIODS:
            start, end = _date(one(node, CMO.start)), _date(one(node, CMO.end))
            if start is not None and end is not None and _ends_before(start, end):
                out.append(report(node, "end", f"the period ends ({end}) before it starts ({start})",
                                  "correct one of the two dates; perhaps they are the wrong way round"))
    for section, key in VERSIONS:
        assert key.predicate is not None
        earlier = {node: one(node, key.predicate) for node, origin in origins.items() if origin.section is section}
        for cycle in _cycles({n: e for n, e in earlier.items() if e is not None}, origins):
            names = [origins[n].item_id or origins[n].where for n in cycle]
            if len(cycle) == 1:
                message = (f"a {section.noun} cannot be an earlier version of itself ('{key.name}' names its own "
                           "id)")
                hint = f"name the earlier {section.noun}, or leave '{key.name}' out"
            else:
                steps = ", ".join(f"{a} {key.name} {b}" for a, b in zip(names, [*names[1:], names[0]], strict=True))
                message = f"the versions go round in a circle: {steps}"
                hint = f"each '{key.name}' names an earlier {section.noun}: leave it out of the first version"
            out.append(report(cycle[-1], key.name, message, hint))
    own = tuple(f"{node}/" for node, origin in origins.items() if origin.section is EVALUATION)
    for section, key in ACROSS:
        assert key.predicate is not None and key.target is not None
        target = LIST_BY_NAME[key.target]
        items = {node for node, origin in origins.items() if origin.section is target}
        ids = [origin.item_id for origin in origins.values() if origin.section is target and origin.item_id]
        for node, origin in origins.items():
            if origin.section is not section:
                continue
            for value in values.get((node, key.predicate), []):
                if value not in items and (not isinstance(value, URIRef) or str(value).startswith(own)):
                    out.append(report(node, key.name, *not_in_file(show(value), target, ids, origin, rdf)))
    by_line = sorted(origins.values(), key=lambda o: o.line or 0)
    out.extend(confusables(Named(o.item_id, file, o.line, o.where) for o in by_line if o.item_id is not None))
    return out


# Letters of other scripts that look like Latin ones (escaped), and those Latin ones: a part of Unicode's confusables
# (UTS #39)
_LOOK_ALIKES = dict(zip(
    "\u0430\u0441\u0501\u0435\u04bb\u0456\u0458\u04cf\u043e\u0440\u051b\u0455\u051d\u0445\u0443\u0410"  # Cyrillic
    "\u0412\u0421\u0415\u041d\u0406\u0408\u041a\u041c\u041e\u0420\u051a\u0405\u0422\u0425\u04ae\u051c"
    "\u03b1\u03b9\u03bf\u03ba\u03bd\u03c1\u03c5\u03c7\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c"  # Greek
    "\u039d\u039f\u03a1\u03a4\u03a5\u03a7",
    "acdehijlopqswxyABCEHIJKMOPQSTXYW"  # the Latin letters they look like
    "aiokvpuxABEZHIKMNOPTYX", strict=True))
_SKELETON = str.maketrans({**_LOOK_ALIKES, **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff")})


def skeleton(text: str) -> str:
    """How ``text`` looks: compatibility forms folded (a fullwidth ``c`` is ``c``), invisible characters dropped,
    and Cyrillic and Greek letters that look like Latin ones read as those (Cyrillic ``\u0441`` is ``c``)."""
    return unicodedata.normalize("NFKC", text).translate(_SKELETON)


@dataclass(frozen=True)
class Named:
    """An id, and where it is given."""

    id: str
    file: str
    line: int | None
    where: str


def confusables(named: Iterable[Named]) -> list[Diagnostic]:
    """A warning for each id that looks the same as an earlier, different one (the same :func:`skeleton`): a
    question given one of them would find that one only."""
    first: dict[str, Named] = {}
    out = []
    for item in named:
        seen = first.setdefault(skeleton(item.id), item)
        if seen.id != item.id:
            place = seen.file if seen.line is None else f"{seen.file}:{seen.line}"
            odd = "; ".join(f"in '{n}', {_odd(n)}" for n in (item.id, seen.id) if _odd(n))
            out.append(Diagnostic(
                Location(item.file, item.line), item.where,
                f"the id '{item.id}' looks the same as '{seen.id}' ({seen.where}, {place}) but is written with other "
                f"characters ({odd})", "write both with the same letters (plain ASCII is safest), or make them "
                "look different", severity=Severity.WARNING))
    return out


def _odd(text: str) -> str:
    """The characters of ``text`` that only look like others, named."""
    return ", ".join(f"'{c}' is U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip()
                     for c in dict.fromkeys(text) if skeleton(c) != c)


def _date(value: Node | None) -> str | None:
    """An ISO 8601 date, year-month or year, as written, if ``value`` is one."""
    if isinstance(value, Literal) and value.datatype in DATES and DATES[value.datatype].match(str(value)):
        return str(value)
    return None


def _ends_before(start: str, end: str) -> bool:
    """Whether ``end`` is before ``start``, compared as far as both go: 2019-07 ends after 2019-07-15 starts, and a
    period may start and end in the same month (both are written year first, so text order is time order)."""
    shared = min(len(start), len(end))
    return end[:shared] < start[:shared]


def _cycles(earlier: dict[Node, Node], origins: dict[Node, Origin]) -> list[list[Node]]:
    """Each cycle of the ``earlier`` links once, in link order, ending with the item written last in the file (by
    line, then id): its link is the one that closes the cycle."""
    def order(node: Node) -> tuple[int, str]:
        origin = origins[node]
        return origin.line or 0, origin.item_id or str(node)

    cycles = []
    seen: set[Node] = set()
    for first in sorted(earlier, key=order):
        path: dict[Node, int] = {}
        node: Node | None = first
        while node is not None and node not in seen and node not in path:
            path[node] = len(path)
            node = earlier.get(node)
        seen.update(path)
        if node is not None and node in path:
            cycle = list(path)[path[node]:]
            last = cycle.index(max(cycle, key=order)) + 1
            cycles.append(cycle[last:] + cycle[:last])
    return cycles
