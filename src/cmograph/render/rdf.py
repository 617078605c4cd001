"""``cmograph export``: the evaluations' graphs as Turtle, N-Triples, JSON-LD, TriG or N-Quads."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from cmograph.errors import UsageError
from cmograph.namespaces import COMMON_PREFIXES

EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
EVALUATION_GRAPHS = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?g ?id WHERE { GRAPH ?g { ?e a cmo:Evaluation ; dcterms:identifier ?id } }"""


def export(store: ox.Store, fmt: str, evaluations: Sequence[str] = ()) -> bytes:
    """Serialise the chosen evaluations (all by default), each graph's statements in sorted order; the ontology
    and store bookkeeping are left out."""
    graphs = {str(s["id"].value): s["g"] for s in store.query(EVALUATION_GRAPHS)}  # type: ignore[union-attr]
    missing = [e for e in evaluations if e not in graphs]
    if missing:
        raise UsageError(f"no evaluation '{missing[0]}' in the data",
                         f"the evaluations are: {', '.join(sorted(graphs)) or '(none)'}")
    chosen = [graphs[e] for e in (evaluations or sorted(graphs))]
    target = EXPORT_FORMATS[fmt]
    # sorted within each graph, so an export reads the same whichever store or server it came from
    quads = [q for g in chosen for q in sorted(store.quads_for_pattern(None, None, None, g), key=str)]
    if target.supports_datasets:
        prefixes = COMMON_PREFIXES if target == ox.RdfFormat.TRIG else None
        data = ox.serialize(quads, format=target, prefixes=prefixes) or b""
    else:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        prefixes = COMMON_PREFIXES if target == ox.RdfFormat.TURTLE else None
        data = ox.serialize(triples, format=target, prefixes=prefixes) or b""
    return data if data.endswith(b"\n") or not data else data + b"\n"  # JSON-LD ends without one
