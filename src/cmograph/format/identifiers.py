"""Persistent identifiers written in evidence files, as the IRIs the graph holds: a DOI as ``https://doi.org/10...``
and an ORCID iD as ``https://orcid.org/0000-...``, each parsed here once for the builder, the checks and the pages.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from cmograph.format.values import is_iri
from cmograph.namespaces import DOI, ORCID

DOI_RESOLVER = DOI
ORCID_RESOLVER = ORCID
UNSAFE_IN_IRI = '<>"{}|\\^`#?'  # percent-encoded in a DOI's IRI: they would end it or make a query or fragment


def _any_case(text: str) -> str:
    """A regular expression matching ``text`` in any case, without a flag (JSON Schema patterns take none)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in text)


# a DOI as people write it: bare (10.1108/...), as doi:10.1108/... or as a doi.org link (the prefixes in any case)
DOI_WRITTEN = (rf"^(?:{_any_case('http')}[Ss]?://(?:{_any_case('dx.')})?{_any_case('doi.org/')}"
               rf"|{_any_case('doi:')})?(10\.[0-9]{{4,9}}/\S+)$")
DOI_IRI = r"^https://doi\.org/10\.[0-9]{4,9}/\S+$"  # what the graph holds
# an ORCID iD as people write it: bare, or as an orcid.org link
ORCID_WRITTEN = r"^(?:https?://orcid\.org/)?([0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])$"
ORCID_EXAMPLE = "0000-0002-1825-0097"  # the ORCID documentation's own example (Josiah Carberry, a test identity)


def doi_iri(text: str) -> str | None:
    """``https://doi.org/10...`` for a DOI written bare, as ``doi:10...`` or as a doi.org link (the DOI's case as
    written), else ``None``."""
    match = re.match(DOI_WRITTEN, text.strip())
    if match is None:
        return None
    doi = "".join(f"%{ord(c):02X}" if c in UNSAFE_IN_IRI else c for c in match.group(1))
    iri = DOI_RESOLVER + doi
    return iri if is_iri(iri) else None


def doi_text(iri: str) -> str:
    """The DOI an IRI of :func:`doi_iri` stands for, as people read it: ``10.1108/14777260910942597``."""
    return unquote(iri.removeprefix(DOI_RESOLVER))


def orcid_iri(text: str) -> str | None:
    """``https://orcid.org/0000-...`` for an ORCID iD written bare or as an orcid.org link, whose check digit is
    right, else ``None``."""
    match = re.match(ORCID_WRITTEN, text.strip())
    if match is None or orcid_check_digit(match.group(1)) != match.group(1)[-1]:
        return None
    return ORCID_RESOLVER + match.group(1)


def orcid_check_digit(identifier: str) -> str:
    """The check digit an ORCID iD must end with (ISO 7064 MOD 11-2 of its first 15 digits)."""
    total = 0
    for digit in identifier.replace("-", "")[:15]:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid_problem(text: str) -> tuple[str, str] | None:
    """What is wrong with ``text`` as an ORCID iD (a message and a hint), or ``None``."""
    match = re.match(ORCID_WRITTEN, text.strip())
    hint = f"copy the iD from the person's ORCID record: 16 digits in fours, e.g. {ORCID_EXAMPLE} or " \
           f"{ORCID_RESOLVER}{ORCID_EXAMPLE}"
    if match is None:
        return f"'{text}' is not an ORCID iD", hint
    expected = orcid_check_digit(match.group(1))
    if expected != match.group(1)[-1]:
        return (f"'{text}' is not a valid ORCID iD: its last character, the check digit, should be {expected}",
                "a digit is mistyped: " + hint)
    return None
