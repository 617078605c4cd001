"""Writing named graphs to a server: the Graph Store HTTP Protocol (``PUT``/``DELETE`` of a whole graph) where the
write URL is a graph store's, SPARQL 1.1 Update otherwise; when the URL turns out not to speak the one tried, the
other is tried, and the one that worked is kept."""

from __future__ import annotations

import re
import urllib.parse

import pyoxigraph as ox

from cmograph.format.terms import iri_term
from cmograph.remote.http import Http

NOT_HERE = {404, 405, 415, 501}  # the URL does not speak the protocol that was tried
GRAPH_STORE_PATH = re.compile(r"/(store|data|sparql-graph-crud(-auth)?|rdf-graphs/service)/?$")
BATCH = 1000  # triples per SPARQL Update request (Virtuoso refuses INSERT DATA of ~5000)
BLANK_BATCH = 100  # triples per INSERT template (Virtuoso compiles templates to SQL of bounded size)


class GraphWriter:
    """Replaces or drops named graphs at ``http``'s URL."""

    def __init__(self, http: Http) -> None:
        self.http = http
        self.url = http.endpoint
        self._protocol: str | None = None  # "gsp" or "update", once one has worked

    def replace(self, graph: str, triples: list[ox.Triple] | None) -> None:
        """Replace a named graph with ``triples``, or drop it (``None``)."""
        if self._protocol is None:  # meet any authentication challenge with a request that has no body
            self.http.send("HEAD", allow=set(range(300, 600)) - {401})
        store_first = bool(GRAPH_STORE_PATH.search(urllib.parse.urlsplit(self.url).path))
        order = [self._protocol] if self._protocol else (["gsp", "update"] if store_first else ["update", "gsp"])
        for protocol in order:
            write = self._graph_store if protocol == "gsp" else self._update
            if write(graph, triples):
                self._protocol = protocol
                return
        if self._protocol:
            raise self.http.fail(f"{self.url} stopped accepting writes")
        raise self.http.fail(f"{self.url} accepts neither the Graph Store Protocol nor SPARQL Update",
                             "name the server's write URL with --update-endpoint (see docs/scale.md)")

    def _graph_store(self, graph: str, triples: list[ox.Triple] | None) -> bool:
        separator = "&" if urllib.parse.urlsplit(self.url).query else "?"
        target = f"{self.url}{separator}graph={urllib.parse.quote(graph, safe='')}"
        if triples is None:
            answer = self.http.send("DELETE", target, allow=NOT_HERE)
            return answer.status < 300 or (answer.status == 404 and self._protocol == "gsp")
        answer = self.http.send("PUT", target, content=_ntriples(triples), allow=NOT_HERE,
                                headers={"Content-Type": "text/turtle; charset=utf-8"})
        return answer.status < 300

    def _update(self, graph: str, triples: list[ox.Triple] | None) -> bool:
        name = iri_term(graph)
        operations = [f"DROP SILENT GRAPH {name}"]
        for template, batch in _batches(triples or []):
            data = "{ GRAPH " + name + " {\n" + _ntriples(batch).decode("utf-8") + "} }"
            # some servers (Virtuoso) refuse blank nodes in INSERT DATA; an INSERT template takes them anywhere
            operations.append(f"INSERT {data} WHERE {{}}" if template else f"INSERT DATA {data}")
        first = 2 if len(operations) > 1 else 1
        for request_operations in [operations[:first], *([op] for op in operations[first:])]:
            answer = self.http.send("POST", content=" ;\n".join(request_operations).encode("utf-8"), allow=NOT_HERE,
                                    headers={"Content-Type": "application/sparql-update; charset=utf-8"})
            if answer.status >= 300:
                return False
        return True


def _batches(triples: list[ox.Triple]) -> list[tuple[bool, list[ox.Triple]]]:
    """Requests of at most ``BATCH`` triples: ``(True, ...)`` for triples with blank nodes, where the triples
    sharing a blank node (transitively) stay in one request so that its label means one node."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            label = parent[label]
        return label

    plain: list[ox.Triple] = []
    blank: list[tuple[ox.Triple, list[str]]] = []
    for triple in triples:
        labels = [n.value for n in (triple.subject, triple.object) if isinstance(n, ox.BlankNode)]
        if not labels:
            plain.append(triple)
            continue
        blank.append((triple, labels))
        for other in labels[1:]:
            parent[root(other)] = root(labels[0])
    components: dict[str, list[ox.Triple]] = {}
    for triple, labels in blank:
        components.setdefault(root(labels[0]), []).append(triple)
    batches: list[tuple[bool, list[ox.Triple]]] = []
    for component in components.values():
        if batches and len(batches[-1][1]) + len(component) <= BLANK_BATCH:
            batches[-1][1].extend(component)
        else:
            batches.append((True, list(component)))
    batches += [(False, plain[i: i + BATCH]) for i in range(0, len(plain), BATCH)]
    return batches


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
