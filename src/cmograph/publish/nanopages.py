"""The nanopublications in the site (``cmograph publish --nanopubs``): each at the path of its IRI, as TriG and
N-Quads, with an HTML page that shows its four graphs and links the configuration it states; the earlier ones
that new ones supersede stay too (and those of the earlier export that had been superseded before), so that their
IRIs keep answering."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from cmograph.errors import UsageError
from cmograph.namespaces import DCTERMS, NPX, RDFS
from cmograph.publish.nanopub import PARTS, Exported, Nanopub, nquads, trig
from cmograph.publish.paths import QUAD_FORMS, link, site_path
from cmograph.publish.views import Link, Page, Views

HEADINGS = {"assertion": "Assertion", "provenance": "Provenance", "pubinfo": "Publication info", "Head": "Head"}
Put = Callable[[str, bytes, str], None]


def _path(nanopub: Nanopub, base: str) -> str:
    path = site_path(nanopub.iri, base)
    if path is None:
        raise UsageError(f"the nanopublication <{nanopub.iri}> is not under the base IRI {base}",
                         "give --supersede an export of nanopublications made under the same base")
    return path


def _term(term: object, nanopub: Nanopub, views: Views, here: str) -> Link:
    """A subject, predicate or object of the nanopublication as a link: its own IRIs written ``this:`` and
    ``sub:``, the rest as any page of the site shows them."""
    if isinstance(term, ox.NamedNode) and term.value == nanopub.iri:
        return Link("this nanopublication")
    if isinstance(term, ox.NamedNode) and term.value.startswith(nanopub.iri + "#"):
        part = term.value[len(nanopub.iri) + 1:]
        return Link(f"sub:{part}", f"#{part}" if part in HEADINGS else None)
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return views.link(term, here)
    return Link(str(term))


def page(nanopub: Nanopub, base: str, views: Views, superseded_by: Nanopub | None) -> Page:
    """The HTML page of one nanopublication."""
    path = _path(nanopub, base)
    pubinfo, this = ox.NamedNode(f"{nanopub.iri}#pubinfo"), ox.NamedNode(nanopub.iri)

    def info(predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return [q.object for q in nanopub.quads  # type: ignore[misc]
                if q.graph_name == pubinfo and q.subject == this and q.predicate.value == predicate]

    title = next((t.value for t in info(RDFS + "label")), nanopub.iri)
    facts = [("Trusty URI", [Link(nanopub.iri)]),
             ("States", [views.link(ox.NamedNode(nanopub.configuration), path)]),
             ("Created", [Link(t.value) for t in info(DCTERMS + "created")]),
             ("Licence", [views.link(t, path) for t in info(DCTERMS + "license")]),
             ("Creator", [views.link(t, path) for t in info(DCTERMS + "creator")]),
             ("Supersedes", [Link(t.value, _link_to(t.value, path, base)) for t in info(NPX + "supersedes")]),
             ("Superseded by", [Link(superseded_by.iri, _link_to(superseded_by.iri, path, base))]
              if superseded_by is not None else []),
             ("Signed", [Link("yes, with the RSA key whose public half is in its publication info")
                         if _signed(nanopub) else Link("no")])]
    graphs = []
    for part in PARTS:
        name = ox.NamedNode(f"{nanopub.iri}#{part}")
        rows = [tuple(_term(t, nanopub, views, path) for t in (q.subject, q.predicate, q.object))
                for q in sorted(nanopub.quads, key=str) if q.graph_name == name]
        graphs.append((part, HEADINGS[part], rows))
    graphs.append(graphs.pop(0))  # the head, which only names the others, last
    forms = [Link(f.name, link(path, path, f.suffix)) for f in QUAD_FORMS]
    return Page(path, nanopub.iri, f"Nanopublication: {title}", "nanopublication", "nanopub.html",
                extra={"facts": [(name, links) for name, links in facts if links], "graphs": graphs,
                       "forms": forms}, forms=QUAD_FORMS)


def _signed(nanopub: Nanopub) -> bool:
    return any(q.predicate.value == NPX + "hasSignature" for q in nanopub.quads)


def _link_to(iri: str, here: str, base: str) -> str | None:
    target = site_path(iri, base)
    return link(here, target) if target is not None else None


def files(exported: Exported, older: list[Nanopub], base: str, views: Views, put: Put,
          render: Callable[[Page], bytes]) -> list[Nanopub]:
    """Each nanopublication's TriG, N-Quads and page, by ``put(path, content, owner)``: those of this export, those
    they supersede, and ``older`` ones (superseded before); all of them, in that order."""
    shown: dict[str, Nanopub] = {}
    older = [n for n in older if site_path(n.iri, base) is not None]  # another site's are not this one's to serve
    for nanopub in (*exported.nanopubs, *exported.superseded, *older):
        shown.setdefault(nanopub.iri, nanopub)
    newer = {q.object.value: n for n in shown.values() for q in n.quads
             if q.predicate.value == NPX + "supersedes" and isinstance(q.object, ox.NamedNode)}
    for nanopub in shown.values():
        path = _path(nanopub, base)
        put(f"{path}.trig", trig(nanopub), nanopub.iri)
        put(f"{path}.nq", nquads(nanopub), nanopub.iri)
        put(f"{path}.html", render(page(nanopub, base, views, newer.get(nanopub.iri))), nanopub.iri)
    return list(shown.values())
