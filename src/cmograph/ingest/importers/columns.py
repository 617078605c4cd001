"""What a table's columns hold: the targets a column can be mapped to, the headers recognised for each, and the
``--columns`` mapping (``"Context=context,Actors=for_whom"``, or a small YAML, JSON or TOML file of header: target).
"""

from __future__ import annotations

import re
from pathlib import Path

from cmograph.errors import UsageError

# target -> what a column mapped to it holds (shown by `cmograph import --help` and in the docs)
TARGETS: dict[str, str] = {
    "id": "the configuration's id as the paper prints it (CMOC 3 becomes CMOC3; numbers stay numbers)",
    "context": "contexts",
    "mechanism": "mechanisms",
    "mechanism_resource": "mechanisms of kind resource (what the programme offers)",
    "mechanism_response": "mechanisms of kind response (how people reason and react)",
    "outcome": "outcomes",
    "outcome_not_activated": "outcomes when the mechanism is not activated: a second configuration with "
                             "mechanism_activated: false",
    "statement": "the configuration's statement; inline (context), (mechanism) and (outcome) tags are split out",
    "for_whom": "groups of people the configuration is about",
    "sites": "sites or cases",
    "when": "periods or phases",
    "status": "hypothesised, supported, refuted, refined, mixed, or partial (a row that lacks one part)",
    "confidence": "high, moderate, low or very-low",
    "theory": "the programme theory (or theme) the row belongs to: one theory per distinct text",
    "leads_to": "ids of the configurations this one leads to",
    "refines": "the id of the configuration this one refines",
    "quote": "an evidence item's verbatim quote",
    "summary": "an evidence item's summary",
    "refs": "an evidence item's references, as printed",
    "source": "the document an evidence item comes from",
    "locator": "page, line or timestamp of an evidence item",
    "informant": "the group whose voice an evidence item is",
    "ignore": "nothing: the column is left out",
}
# targets whose cells list several items (split on the separators) and that several columns may share
LISTS = frozenset({"context", "mechanism", "mechanism_resource", "mechanism_response", "outcome",
                   "outcome_not_activated", "for_whom", "sites", "when", "leads_to", "refs"})
CORE = frozenset({"context", "mechanism", "mechanism_resource", "mechanism_response", "outcome",
                  "outcome_not_activated", "statement"})

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "cmoc", "cmocs", "cmo", "cmoc id", "cmo id", "cmoc no", "cmoc number", "no", "number", "ccmo",
           "icamo", "configuration id", "configuration no", "configuration number", "cmoc ref"),
    "context": ("context", "contexts", "c", "context c"),
    "mechanism": ("mechanism", "mechanisms", "m", "mechanism m"),
    "mechanism_resource": ("mechanism resource", "mechanism resources", "resource", "resources", "m resource",
                           "mechanism intervention resource"),
    "mechanism_response": ("mechanism response", "mechanism responses", "mechanism reasoning", "response",
                           "reasoning", "m response", "m reasoning"),
    "outcome": ("outcome", "outcomes", "o", "outcome o"),
    "statement": ("statement", "statements", "cmoc statement", "configuration", "cmo configuration",
                  "cmoc configuration", "narrative", "if then because", "programme theory statement"),
    "for_whom": ("for whom", "whom", "who", "population", "populations", "actor", "actors", "stakeholders",
                 "participants", "target group"),
    "sites": ("site", "sites", "case", "cases"),
    "when": ("when", "period", "periods", "phase", "phases", "time", "timing", "time point"),
    "status": ("status", "cmoc status"),
    "confidence": ("confidence", "cerqual", "confidence cerqual", "cerqual confidence"),
    "theory": ("theory", "programme theory", "program theory", "ipt", "initial programme theory"),
    "leads_to": ("leads to",),
    "refines": ("refines",),
    "quote": ("quote", "quotes", "quotation", "quotations", "illustrative quote", "illustrative quotes",
              "example quote", "example quotes", "supporting quote", "supporting quotes", "verbatim"),
    "summary": ("summary", "evidence summary"),
    "refs": ("references", "reference", "refs", "ref", "citations", "supporting evidence", "evidence", "studies",
             "supporting studies", "included studies"),
    "source": ("source", "document", "data source"),
    "locator": ("locator", "page", "pages", "line", "lines", "timestamp"),
    "informant": ("informant", "informants"),
}
_BY_HEADER = {header: target for target, headers in _SYNONYMS.items() for header in headers}
_MECHANISM = r"(?:the )?(?:m|mechanisms?) (?:is |are |was |were )?"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^outcomes? (?:when|if) {_MECHANISM}(?:not present|absent|not triggered|not activated|not fired"
                r"|not active|inactive)$"), "outcome_not_activated"),
    (re.compile(rf"^outcomes? (?:when|if) {_MECHANISM}(?:present|triggered|activated|fired|active)$"), "outcome"),
    (re.compile(r"\bconfiguration$"), "statement"),  # "Conjectured CMO configuration", "Full C-M-O configuration"
)


def normal(header: str) -> str:
    """A header as it is compared: lower case, anything but letters and digits as one space."""
    return " ".join(re.sub(r"[^\w]+|_", " ", header.lower()).split())


def known_target(header: str) -> str | None:
    """The target a header names by itself, if it is one cmograph knows."""
    if header.strip() == "#":
        return "id"
    text = normal(header)
    if text in _BY_HEADER:
        return _BY_HEADER[text]
    return next((target for pattern, target in _PATTERNS if pattern.search(text)), None)


_PAIR = re.compile(r"\s*(?P<header>[^=]+?)\s*=\s*(?P<target>[A-Za-z_]+)\s*(?:,|$)")


def parse_columns(values: tuple[str, ...]) -> dict[str, str]:
    """``--columns`` values: ``"Header=target,Header 2=target"`` (a header may hold commas, not ``=``), or the path
    of a YAML, JSON or TOML file mapping headers to targets. Raises :class:`UsageError` for anything else."""
    mapping = parse_pairs(values, "--columns", "HEADER", 'e.g. --columns "Context=context,Actors=for_whom", or name '
                          "a YAML file of them", ("column headers", "'Actors: for_whom' for each column"))
    for header, target in mapping.items():
        check_target(header, target)
    return mapping


def parse_pairs(values: tuple[str, ...], option: str, name: str, example: str, named: tuple[str, str]
                ) -> dict[str, str]:
    """The ``NAME=target`` pairs of an option's values, each a comma-separated list of pairs or the path of a
    YAML, JSON or TOML file mapping names to targets (``named``: what the names are, and an example line)."""
    mapping: dict[str, str] = {}
    for value in values:
        path = Path(value)
        if path.suffix.lower() in (".yaml", ".yml", ".json", ".toml") and "=" not in value:
            mapping.update(_mapping_file(path, option, named))
            continue
        position = 0
        while position < len(value):
            match = _PAIR.match(value, position)
            if match is None or match.end() == position:
                raise UsageError(f"{option} {value!r}: expected {name}=TARGET pairs separated by commas", example)
            mapping[match["header"]] = match["target"]
            position = match.end()
    return mapping


def _mapping_file(path: Path, option: str, named: tuple[str, str]) -> dict[str, str]:
    import json  # these here, not at the top: `cmograph --help` reads this module's TARGETS
    import tomllib

    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot be read ({exc.strerror})", "check the path") from None
    try:
        data = (tomllib.loads(text) if path.suffix.lower() == ".toml" else
                json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text))
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"{option} {path}: cannot be read ({' '.join(str(exc).split())[:200]})") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise UsageError(f"{option} {path}: expected a mapping of {named[0]} to targets", f"e.g. a line {named[1]}")
    return data


def check_target(header: str, target: str) -> None:
    if target not in TARGETS:
        import difflib

        close = difflib.get_close_matches(target, TARGETS, n=1)
        raise UsageError(f"--columns: '{target}' (for '{header}') is not something a column can hold",
                         f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(TARGETS)}")
