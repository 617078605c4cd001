"""Where a resource's files go in the site, and the links between pages.

A resource ``<base>a/b/c`` is described by ``a/b/c.html``, ``a/b/c.ttl`` and so on: the path of its IRI after the
base, percent-decoded (web servers decode a request's path before they look for the file). The base itself is the
dataset, described by ``index.*``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from cmograph.errors import UsageError


@dataclass(frozen=True)
class Form:
    """One way a resource is served: the file suffix and the media type."""

    suffix: str
    media_type: str
    name: str


HTML = Form("html", "text/html", "HTML")
RDF_FORMS: tuple[Form, ...] = (
    Form("ttl", "text/turtle", "Turtle"),
    Form("jsonld", "application/ld+json", "JSON-LD"),
    Form("nt", "application/n-triples", "N-Triples"),
    Form("rdf", "application/rdf+xml", "RDF/XML"),
)
FORMS: tuple[Form, ...] = (HTML, *RDF_FORMS)
# how a resource that is named graphs (a nanopublication) is served besides HTML
QUAD_FORMS: tuple[Form, ...] = (
    Form("trig", "application/trig", "TriG"),
    Form("nq", "application/n-quads", "N-Quads"),
)
INDEX = "index"
UNSAFE = frozenset({"", ".", ".."})


def check_base(base: str) -> str:
    """``base`` if it can be a site's address: an absolute http(s) IRI ending with ``/``, with no query or
    fragment."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or "#" in base or not base.endswith("/"):
        raise UsageError(f"the base IRI '{base}' cannot be a site's address",
                         "give an http(s) IRI ending with '/', such as https://example.org/my-review/")
    return base


def site_path(iri: str, base: str) -> str | None:
    """The path of ``iri``'s files in the site, without suffix (``index`` for the base itself); ``None`` for an
    IRI that is not under the base or that has a query or fragment (it has no page of its own)."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    if "?" in rest or "#" in rest:
        return None
    if rest == "":
        return INDEX
    segments = [unquote(s) for s in rest.split("/")]
    if any(s in UNSAFE or "/" in s or "\\" in s or any(ord(c) < 32 or ord(c) == 127 for c in s) for s in segments):
        raise UsageError(f"the IRI <{iri}> cannot be a file's path in the site (an empty, '.' or '..' segment, an "
                         "encoded '/' or '\\', or a control character)",
                         "rename the element whose id makes that IRI, then publish again")
    return "/".join(segments)


def link(source: str, target: str, suffix: str = "html") -> str:
    """The relative URL from the page at site path ``source`` to the file of ``target`` with ``suffix``."""
    relative = posixpath.relpath(f"{target}.{suffix}" if suffix else target, posixpath.dirname(source) or ".")
    return quote(relative, safe="/")


def file_link(source: str, target: str) -> str:
    """The relative URL from the page at ``source`` to the site file ``target`` (a path with its suffix)."""
    return link(source, target, "")
