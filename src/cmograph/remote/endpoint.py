"""Any SPARQL 1.1 server as the place questions are asked (the SPARQL Protocol) and evaluations are pushed (the
Graph Store HTTP Protocol, or SPARQL Update where the write URL is not a graph store).

Every evaluation lives in its own named graph, so a push replaces that graph (never duplicates it) and a delete
drops it. HTTP, credentials, answers and writes are the other modules of this package.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from cmograph.errors import EndpointError, UsageError
from cmograph.format.terms import iri_term
from cmograph.namespaces import CMO_NS, COMMON_PREFIXES, ONTOLOGY_IRI
from cmograph.query.engine import several_evaluations
from cmograph.query.local import python_value
from cmograph.query.raw import QueryResult, Solution, check_read_only
from cmograph.query.types import Row
from cmograph.remote.credentials import check_url, credentials_for
from cmograph.remote.graphstore import GraphWriter
from cmograph.remote.http import Http, read_timeout
from cmograph.remote.sparql import Results, results, send_query, triples, with_prefixes

EVALUATION_GRAPHS = f"""PREFIX cmo: <{CMO_NS}>
PREFIX dcterms: <{COMMON_PREFIXES["dcterms"]}>
SELECT DISTINCT ?g ?id ?e WHERE {{ GRAPH ?g {{ ?e a cmo:Evaluation ; dcterms:identifier ?id }} }}"""
IN_DEFAULT_GRAPH = f"PREFIX cmo: <{CMO_NS}>\nASK {{ ?e a cmo:Evaluation }}"
IN_NAMED_GRAPHS = f"PREFIX cmo: <{CMO_NS}>\nASK {{ GRAPH ?g {{ ?e a cmo:Evaluation }} }}"
UNION_HINT = ("make it the union: Oxigraph: start it with `oxigraph serve --union-default-graph`; Fuseki: set "
              "`tdb2:unionDefaultGraph true` in the dataset's configuration (Virtuoso and GraphDB query every graph "
              "already)")
RDF_TYPE = ox.NamedNode(COMMON_PREFIXES["rdf"] + "type")
IDENTIFIER = ox.NamedNode(COMMON_PREFIXES["dcterms"] + "identifier")
EVALUATION = ox.NamedNode(CMO_NS + "Evaluation")


LATERAL_PROBE = "SELECT ?y WHERE { VALUES ?x { 1 } LATERAL { BIND(?x AS ?y) } }"


class Endpoint:
    """A SPARQL 1.1 server: an :class:`~cmograph.query.engine.Engine` for questions, and the place ``push`` writes.

    ``url`` answers queries; ``update_url`` (default ``url``) takes writes (see :mod:`cmograph.remote.graphstore`).
    ``from_project``: the URLs come from a project's ``cmograph.toml``, not from the user, so the environment's
    credentials go to them only if ``CMOGRAPH_ENDPOINT_HOST`` names their host
    (see :mod:`cmograph.remote.credentials`).
    """

    concurrent = False  # one request at a time (see cmograph.remote.http)

    def __init__(self, url: str, update_url: str | None = None, *, from_project: bool = False,
                 connect_timeout: float = 10.0, timeout: float | None = None, attempts: int = 4,
                 backoff: float = 0.5) -> None:
        self.url = check_url(url)
        self.update_url = check_url(update_url, "--update-endpoint") if update_url else self.url
        options: dict[str, Any] = {"connect_timeout": connect_timeout, "attempts": attempts, "backoff": backoff,
                                   "read_timeout": read_timeout() if timeout is None else timeout}
        self.http = Http(self.url, credentials_for(self.url, from_project=from_project), **options)
        self.write_http = self.http if self.update_url == self.url else Http(
            self.update_url, credentials_for(self.update_url, from_project=from_project), **options)
        self.writer = GraphWriter(self.write_http)

    @functools.cached_property
    def lateral(self) -> bool:
        """Whether the server runs ``LATERAL`` (Oxigraph does; it is not SPARQL 1.1): asked once, with a query of one
        row, the first time a question could use it. A server that runs it answers one-element questions in the form
        the embedded store uses, measured 5-20x faster on Oxigraph at 100k triples; any other answer (an error, a
        wrong row) keeps the portable form."""
        try:
            found = self._results(LATERAL_PROBE)
        except EndpointError:
            return False
        return [python_value(s["y"]) for s in found.solutions if "y" in found.variables] == [1]

    def names(self) -> None:
        """Names are resolved by lookup queries on the server."""
        return None

    def __repr__(self) -> str:
        return f"Endpoint({self.url!r}, update_url={self.update_url!r})"

    # ------------------------------------------------------------------ reading

    def _results(self, sparql: str) -> Results:
        _, answer = send_query(self.http, sparql)
        return results(self.http, answer)

    def select(self, sparql: str) -> tuple[list[str], list[Row]]:
        """Run a SELECT query; rows hold plain Python values, as the embedded engine gives them."""
        found = self._results(sparql)
        if found.boolean is not None:
            raise self.http.fail(f"{self.url} did not answer with SELECT results")
        return found.variables, [{v: python_value(s[v]) for v in found.variables} for s in found.solutions]

    def several_evaluations(self) -> bool:
        """Asked afresh each time: the server's data may change between questions."""
        return several_evaluations(self)

    def check_default_graph(self) -> None:
        """Raise if the server's named graphs hold evaluations that its default graph, which the questions read,
        does not: there every answer would be empty. One or two ASK queries, so asked only of empty answers."""
        if not self._ask(IN_DEFAULT_GRAPH) and self._ask(IN_NAMED_GRAPHS):
            raise EndpointError(f"the default graph of {self.url} is not the union of its named graphs, so questions "
                                "see none of the evaluations held there", UNION_HINT)

    def _ask(self, sparql: str) -> bool:
        """The truth of an ASK query."""
        found = self._results(sparql)
        if found.boolean is None:
            raise self.http.fail(f"{self.url} did not answer with ASK results")
        return found.boolean

    def run_query(self, sparql: str) -> QueryResult:
        """``cmograph query`` on the endpoint: SELECT rows, ASK truth, or CONSTRUCT/DESCRIBE triples as N-Triples."""
        check_read_only(sparql)
        form, answer = send_query(self.http, with_prefixes(sparql))
        if form in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult.of_triples(triples(self.http, answer))
        found = results(self.http, answer)
        if found.boolean is not None:
            return QueryResult.of_boolean(found.boolean)
        return QueryResult.of_solutions(found.variables, found.solutions)

    def evaluation_graphs(self) -> dict[str, set[str]]:
        """Evaluation id -> the named graphs holding it on the endpoint."""
        _, rows = self.select(EVALUATION_GRAPHS)
        found: dict[str, set[str]] = {}
        for row in rows:
            found.setdefault(str(row["id"]), set()).add(str(row["g"]))
        return found

    def dataset(self, evaluations: Sequence[str] = ()) -> ox.Store:
        """An in-memory copy of the chosen evaluations' graphs (all by default), for ``cmograph export``.

        Every evaluation's ``a cmo:Evaluation`` and identifier are copied too, so the export can name them.
        """
        store = ox.Store()
        chosen: set[str] = set()
        for row in self._results(EVALUATION_GRAPHS).solutions:
            graph, subject, name = row["g"], row["e"], row["id"]
            if not (isinstance(graph, ox.NamedNode) and isinstance(subject, ox.NamedNode) and name is not None):
                raise self.http.fail(f"{self.url} answered with an evaluation that is not in a named graph or has "
                                     "no IRI or identifier")
            store.add(ox.Quad(subject, RDF_TYPE, EVALUATION, graph))
            store.add(ox.Quad(subject, IDENTIFIER, ox.Literal(name.value), graph))
            if not evaluations or name.value in evaluations:
                chosen.add(graph.value)
        for iri in sorted(chosen):
            query = f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri_term(iri)} {{ ?s ?p ?o }} }}"
            blanks: dict[ox.BlankNode, ox.BlankNode] = {}  # new ones for each graph, as the server's are its own
            store.extend(self._quad(row, ox.NamedNode(iri), blanks) for row in self._results(query).solutions)
        return store

    def _quad(self, row: Solution, graph: ox.NamedNode, blanks: dict[ox.BlankNode, ox.BlankNode]) -> ox.Quad:
        subject, predicate, value = (blanks.setdefault(t, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t
                                     for t in (row["s"], row["p"], row["o"]))
        if not (isinstance(subject, ox.NamedNode | ox.BlankNode) and isinstance(predicate, ox.NamedNode)
                and value is not None):
            raise self.http.fail(f"{self.url} answered with a triple that RDF does not allow in {graph.value}",
                                 "a subject must be an IRI or blank node, a predicate an IRI")
        return ox.Quad(subject, predicate, value, graph)

    # ------------------------------------------------------------------ writing

    def push(self, store: ox.Store) -> list[str]:
        """Write every evaluation of ``store`` (and the ontology) to its named graph; returns the ids pushed.

        An evaluation already on the endpoint under another graph (another base IRI) is dropped there first, so
        an evaluation is never held twice.
        """
        local = {str(row["id"]): str(row["g"]) for row in _select(store, EVALUATION_GRAPHS)}
        remote = self.evaluation_graphs()
        self.writer.replace(ONTOLOGY_IRI, _graph(store, ONTOLOGY_IRI))
        for eid, graph in sorted(local.items()):
            for other in sorted(remote.get(eid, set()) - {graph}):
                self.writer.replace(other, None)
            self.writer.replace(graph, _graph(store, graph))
        after = self.evaluation_graphs()
        wrong = [eid for eid, graph in local.items() if after.get(eid) != {graph}]
        if wrong:
            raise EndpointError(f"{self.update_url} accepted the writes, but '{wrong[0]}' is not there as written",
                                "check that --update-endpoint writes to the dataset --endpoint reads")
        return sorted(local)

    def delete(self, evaluations: Sequence[str]) -> None:
        """Drop the named graphs of these evaluation ids."""
        remote = self.evaluation_graphs()
        missing = [e for e in evaluations if e not in remote]
        if missing:
            raise UsageError(f"there is no evaluation '{missing[0]}' at {self.url}",
                             f"the evaluations there are: {', '.join(sorted(remote)) or '(none)'}")
        for eid in evaluations:
            for graph in sorted(remote[eid]):
                self.writer.replace(graph, None)
        left = [e for e in evaluations if e in self.evaluation_graphs()]
        if left:
            raise EndpointError(f"{self.update_url} accepted the delete, but '{left[0]}' is still there",
                                "check that --update-endpoint writes to the dataset --endpoint reads")


def _select(store: ox.Store, sparql: str) -> list[dict[str, str]]:
    solutions = store.query(sparql)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names} for s in solutions]


def _graph(store: ox.Store, graph: str) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
