"""A dataset's licence as an IRI: SPDX ids of the licences data is published under are turned into their IRIs."""

from __future__ import annotations

import re

from cmograph.errors import UsageError

CC = "https://creativecommons.org/"
SPDX_IRIS: dict[str, str] = {
    "CC0-1.0": CC + "publicdomain/zero/1.0/",
    "CC-BY-4.0": CC + "licenses/by/4.0/",
    "CC-BY-SA-4.0": CC + "licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": CC + "licenses/by-nc/4.0/",
    "CC-BY-ND-4.0": CC + "licenses/by-nd/4.0/",
    "CC-BY-NC-SA-4.0": CC + "licenses/by-nc-sa/4.0/",
    "CC-BY-NC-ND-4.0": CC + "licenses/by-nc-nd/4.0/",
    "CC-BY-3.0": CC + "licenses/by/3.0/",
    "CC-BY-SA-3.0": CC + "licenses/by-sa/3.0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
    "ODC-By-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "OGL-UK-3.0": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
NAMES: dict[str, str] = {iri: spdx for spdx, iri in SPDX_IRIS.items()}
IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
HINT = ("give --license an SPDX id (" + ", ".join(list(SPDX_IRIS)[:7]) + ", ...) or the licence's http(s) IRI")


def licence_iri(text: str) -> str:
    """The IRI of the licence ``text`` names: an SPDX id (any case) or an http(s) IRI."""
    wanted = text.strip()
    for spdx, iri in SPDX_IRIS.items():
        if spdx.casefold() == wanted.casefold():
            return iri
    if IRI.match(wanted):
        return wanted
    raise UsageError(f"'{text}' is neither a licence IRI nor an SPDX id cmograph knows", HINT)


def licence_name(iri: str) -> str:
    """How a page names the licence: its SPDX id where there is one, else its IRI."""
    return NAMES.get(iri, iri)
