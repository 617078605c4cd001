"""``cmograph export``: the evaluations' graphs in an RDF format of :data:`~cmograph.render.formats.EXPORTS`."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from cmograph.errors import UsageError
from cmograph.namespaces import COMMON_PREFIXES
from cmograph.render.controls import u_escaped
from cmograph.render.formats import EXPORTS

EVALUATION_GRAPHS = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?g ?id WHERE { GRAPH ?g { ?e a cmo:Evaluation ; dcterms:identifier ?id } }"""


def export(store: ox.Store, fmt: str, evaluations: Sequence[str] = ()) -> bytes:
    """Serialise the chosen evaluations (all by default), each graph's statements in sorted order; the ontology
    and store bookkeeping are left out. ``fmt`` is a name or alias of :data:`EXPORTS` (``turtle``, ``ttl``, ...)."""
    chosen_format = EXPORTS.find(fmt)
    graphs = {str(s["id"].value): s["g"] for s in store.query(EVALUATION_GRAPHS)}  # type: ignore[union-attr]
    missing = [e for e in evaluations if e not in graphs]
    if missing:
        raise UsageError(f"no evaluation '{missing[0]}' in the data",
                         f"the evaluations are: {', '.join(sorted(graphs)) or '(none)'}")
    chosen = [graphs[e] for e in (evaluations or sorted(graphs))]
    target: ox.RdfFormat = getattr(ox.RdfFormat, chosen_format.oxigraph)
    prefixes = COMMON_PREFIXES if chosen_format.prefixes else None
    # sorted within each graph, so an export reads the same whichever store or server it came from
    quads = [q for g in chosen for q in sorted(store.quads_for_pattern(None, None, None, g), key=str)]
    if target.supports_datasets:
        data = ox.serialize(quads, format=target, prefixes=prefixes) or b""
    else:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        data = ox.serialize(triples, format=target, prefixes=prefixes) or b""
    data = rdf_text(data)
    return data if data.endswith(b"\n") or not data else data + b"\n"  # JSON-LD ends without one


def rdf_text(data: bytes) -> bytes:
    """RDF written by pyoxigraph with the control and formatting characters it leaves raw as ``\\u`` escapes
    (the same data to any reader; nothing that moves a terminal's cursor when printed)."""
    text = data.decode("utf-8")
    escaped = u_escaped(text)
    return data if escaped is text else escaped.encode("utf-8")  # the same text when nothing was escaped
