"""A resource's description in each RDF form: Turtle, JSON-LD (compacted with the site's ``@context``),
N-Triples and RDF/XML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from cmograph.namespaces import COMMON_PREFIXES, DCAT, RDF, SPDX, VOID, XSD

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
CONTEXT_FILE = "context.jsonld"
# the prefixes of every RDF file of the site: the data's, and those of the dataset's description
PREFIXES: dict[str, str] = {
    **COMMON_PREFIXES,
    "dcat": DCAT,
    "void": VOID,
    "spdx": SPDX,
}
FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
}


def context_document() -> bytes:
    """The ``@context`` every JSON-LD file of the site names: the prefixes of its compact IRIs."""
    return (json.dumps({"@context": dict(sorted(PREFIXES.items()))}, indent=1) + "\n").encode()


def compact(iri: str) -> str:
    """``cmo:Configuration`` for the IRI of that term; an IRI in no known namespace as it is."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _node_id(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else node.value


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if not isinstance(term, ox.Literal):
        return {"@id": _node_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def jsonld(triples: Sequence[ox.Triple], context: str) -> bytes:
    """The triples as compact JSON-LD whose ``@context`` is the document at ``context`` (see
    :func:`context_document`); values keep their lexical form, so nothing is lost."""
    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:
        node = nodes.setdefault(_node_id(triple.subject), {"@id": _node_id(triple.subject)})  # type: ignore[arg-type]
        if triple.predicate.value == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(triple.object.value))
        else:
            node.setdefault(compact(triple.predicate.value), []).append(_value(triple.object))  # type: ignore[arg-type]
    document = {"@context": context, "@graph": [nodes[k] for k in sorted(nodes)]}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def serialize(triples: Sequence[ox.Triple], suffix: str, context: str) -> bytes:
    """The triples in the form of the file suffix ``suffix`` (``ttl``, ``jsonld``, ``nt`` or ``rdf``)."""
    if suffix == "jsonld":
        return jsonld(triples, context)
    target = FORMATS[suffix]
    prefixes = None
    if target in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):  # the prefixes the triples use
        written = "".join(map(str, triples))
        prefixes = {prefix: namespace for prefix, namespace in PREFIXES.items() if f"<{namespace}" in written}
    text = ox.serialize(triples, format=target, prefixes=prefixes) or b""
    return text if text.endswith(b"\n") else text + b"\n"
