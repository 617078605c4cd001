"""Which codes of a QDA project are contexts, mechanisms and outcomes, and which make configurations.

A code is placed by the group it is in, found by name (compared as :func:`~cmograph.ingest.importers.columns.normal`
does, so ``Contexts``, ``context`` and ``C`` are alike):

- every code under a *context*, *mechanism* or *outcome* group (at any depth; the first code whose name names a
  group is the group) is an element of that kind;
- every code under a *CMOC* group is a configuration, and the codes under it are its contexts, mechanisms and
  outcomes, by a group inside it or by a name prefix;
- a code outside any group whose name starts with a group's name and ``::`` or ``:`` (``C::Staff shortage``,
  ``M: Trust``) is an element of that kind, the prefix dropped from its label;
- a code in a code set (a ``Set``) named as a group is an element of that kind.

The names of the groups are :data:`DEFAULT_GROUPS`, and more can be given (``--codes "Kontext=context"``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from cmograph.errors import UsageError
from cmograph.ingest.importers.columns import normal, parse_pairs
from cmograph.ingest.importers.qde import Project

PARTS = ("context", "mechanism", "outcome")
GROUP_TARGETS = (*PARTS, "cmoc")
DEFAULT_GROUPS: dict[str, str] = {
    "context": "context", "contexts": "context", "c": "context", "context codes": "context",
    "mechanism": "mechanism", "mechanisms": "mechanism", "m": "mechanism", "mechanism codes": "mechanism",
    "outcome": "outcome", "outcomes": "outcome", "o": "outcome", "outcome codes": "outcome",
    "cmoc": "cmoc", "cmocs": "cmoc", "cmo": "cmoc", "cmos": "cmoc", "configurations": "cmoc",
    "cmo configurations": "cmoc", "cmoc configurations": "cmoc",
}
_PREFIX = re.compile(r"^\s*(?P<group>[^:]{1,40}?)\s*::?\s*(?P<rest>\S.*)$", re.DOTALL)


@dataclass(frozen=True)
class Role:
    """What a code stands for: an element (``part``, ``label``), a configuration (``part`` None), or both an
    element and a member of a configuration (``configuration``, the configuration code's GUID key)."""

    part: str | None
    label: str
    configuration: str | None = None


@dataclass
class Placed:
    """Every code's role, and how the groups were found (for the import report)."""

    roles: dict[str, Role] = field(default_factory=dict)
    configurations: list[str] = field(default_factory=list)  # GUID keys of configuration codes, in order
    groups: list[str] = field(default_factory=list)  # "'Context' -> contexts", ...


def place_codes(project: Project, mapping: dict[str, str]) -> Placed:
    """The role of each code of ``project``; ``mapping`` holds group names (compared as :func:`normal` does) and
    their targets (one of :data:`GROUP_TARGETS`)."""
    placed = Placed()
    seen_groups: dict[str, str] = {}
    # each entry: a code's key and what it inherits: ("", "") nothing yet, ("part", P), ("cmoc", ""),
    # ("config", K) under configuration K, ("config:P", K) under a P group of configuration K
    stack: list[tuple[str, tuple[str, str]]] = [(key, ("", "")) for key in reversed(project.roots)]
    while stack:
        key, (kind, value) = stack.pop()
        code = project.codes[key]
        target = mapping.get(normal(code.name))
        prefix = _prefixed(code.name, mapping)
        inherit: tuple[str, str] = (kind, value)
        if kind == "":
            if target in PARTS or target == "cmoc":
                seen_groups.setdefault(code.name, "configurations" if target == "cmoc" else f"{target}s")
                inherit = ("cmoc", "") if target == "cmoc" else ("part", target or "")
            elif prefix is not None:
                placed.roles[key] = Role(prefix[0], prefix[1])
                head = code.name[:len(code.name) - len(code.name.lstrip())] + code.name.strip()
                head = head[:len(head) - len(prefix[1])].strip()
                seen_groups.setdefault(f"codes named '{head} ...'", f"{prefix[0]}s")
                inherit = ("part", prefix[0])
        elif kind == "part":
            if code.codable or not code.children:
                placed.roles[key] = Role(value, _label(code.name, value, mapping))
        elif kind == "cmoc":
            placed.roles[key] = Role(None, code.name, key)
            placed.configurations.append(key)
            inherit = ("config", key)
        elif kind == "config":
            if target in PARTS:
                inherit = (f"config:{target}", value)
            elif prefix is not None:
                placed.roles[key] = Role(prefix[0], prefix[1], value)
                inherit = (f"config:{prefix[0]}", value)
        else:  # a code under a context, mechanism or outcome group of a configuration
            part = kind.split(":")[1]
            if code.codable or not code.children:
                placed.roles[key] = Role(part, _label(code.name, part, mapping), value)
        stack.extend((child, inherit) for child in reversed(code.children))
    for code_set in project.sets:
        target = mapping.get(normal(code_set.name))
        if target not in PARTS:
            continue
        members = [m for m in code_set.codes if m in project.codes and m not in placed.roles]
        for member in members:
            placed.roles[member] = Role(target, _label(project.codes[member].name, target or "", mapping))
        if members:
            seen_groups.setdefault(f"the code set '{code_set.name}'", f"{target}s")
    placed.groups = [f"{name} -> {what}" if name.startswith(("the code set", "codes named")) else
                     f"'{name}' -> {what}" for name, what in seen_groups.items()]
    return placed


def _prefixed(name: str, mapping: dict[str, str]) -> tuple[str, str] | None:
    """(part, label) of a name such as ``C::Staff shortage`` or ``M: Trust``."""
    match = _PREFIX.match(name)
    if match is None:
        return None
    part = mapping.get(normal(match["group"]))
    return (part, match["rest"].strip()) if part in PARTS and part is not None else None


def _label(name: str, part: str, mapping: dict[str, str]) -> str:
    """A code's name as an element's label: a prefix naming its own kind dropped."""
    prefix = _prefixed(name, mapping)
    return prefix[1] if prefix is not None and prefix[0] == part else name.strip()


def parse_code_groups(values: tuple[str, ...]) -> dict[str, str]:
    """``--codes`` values: ``"Kontext=context,KMO=cmoc"``, or the path of a YAML, JSON or TOML file of
    ``name: target``. Raises :class:`UsageError` for a target that is none of :data:`GROUP_TARGETS`."""
    mapping = parse_pairs(values, "--codes", "NAME", 'e.g. --codes "Kontext=context,Mechanismus=mechanism", or name '
                          "a YAML file of them", ("names of code groups", "'Kontext: context' for each group"))
    for name, target in mapping.items():
        if target not in GROUP_TARGETS:
            close = difflib.get_close_matches(target, GROUP_TARGETS, n=1)
            raise UsageError(f"--codes: '{target}' (for '{name}') is not what a group of codes can hold",
                             f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(GROUP_TARGETS)}")
    return mapping
