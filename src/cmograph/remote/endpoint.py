"""Any SPARQL 1.1 server: questions over the SPARQL Protocol (via SPARQLWrapper), evaluations written with the
Graph Store HTTP Protocol, or with SPARQL Update where the write URL is not a graph store.

Every evaluation lives in its own named graph, so a push replaces that graph (never duplicates it) and a delete
drops it. Credentials come from ``CMOGRAPH_ENDPOINT_USER`` / ``CMOGRAPH_ENDPOINT_PASSWORD`` or ``~/.netrc``,
are sent only when the server asks (Basic or Digest), and never appear in a ``repr`` or a message. Requests have
connect and read timeouts and are retried with backoff on 429, 502, 503 and dropped connections; every other
failure is one :class:`EndpointError` line naming the endpoint.
"""

from __future__ import annotations

import base64
import email.message
import http.client
import io
import json
import netrc
import os
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.response
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from cmograph.errors import EndpointError, UsageError
from cmograph.format.terms import iri_term
from cmograph.namespaces import COMMON_PREFIXES, ONTOLOGY_IRI
from cmograph.query.engine import several_evaluations
from cmograph.query.lexer import TOKEN
from cmograph.query.local import python_value
from cmograph.query.raw import QueryResult, check_read_only
from cmograph.query.types import Row, Value

ENV_USER = "CMOGRAPH_ENDPOINT_USER"
ENV_PASSWORD = "CMOGRAPH_ENDPOINT_PASSWORD"
ENV_TIMEOUT = "CMOGRAPH_ENDPOINT_TIMEOUT"
RETRIED = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable"}
NOT_HERE = {404, 405, 415, 501}  # the URL does not speak the protocol that was tried
GRAPH_STORE_PATH = re.compile(r"/(store|data|sparql-graph-crud(-auth)?|rdf-graphs/service)/?$")
CREDENTIALS_HINT = f"set {ENV_USER} and {ENV_PASSWORD}, or add the host to ~/.netrc"
BATCH = 1000  # triples per SPARQL Update request (Virtuoso refuses INSERT DATA of ~5000)
BLANK_BATCH = 100  # triples per INSERT template (Virtuoso compiles templates to SQL of bounded size)
EVALUATION_GRAPHS = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?g ?id ?e WHERE { GRAPH ?g { ?e a cmo:Evaluation ; dcterms:identifier ?id } }"""
IN_DEFAULT_GRAPH = "PREFIX cmo: <https://w3id.org/cmograph/ontology#>\nASK { ?e a cmo:Evaluation }"
IN_NAMED_GRAPHS = "PREFIX cmo: <https://w3id.org/cmograph/ontology#>\nASK { GRAPH ?g { ?e a cmo:Evaluation } }"
UNION_HINT = ("make it the union: Oxigraph: start it with `oxigraph serve --union-default-graph`; Fuseki: set "
              "`tdb2:unionDefaultGraph true` in the dataset's configuration (Virtuoso and GraphDB query every graph "
              "already)")
_STRING = re.compile(r'("""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\')')
_IRI = re.compile(r"<[^<>\s]*>")
_COMMENT = re.compile(r"#[^\n]*")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
EVALUATION = ox.NamedNode("https://w3id.org/cmograph/ontology#Evaluation")


# ---------------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Credentials:
    """A user and password for an endpoint; the password is kept out of ``repr``."""

    user: str
    password: str = field(repr=False)


def check_url(url: str, option: str = "--endpoint") -> str:
    """``url`` if it is an http(s) URL without credentials in it; else a :class:`UsageError`."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"{option} holds credentials ({redact(url)}); they would show in logs and shell history",
                         f"remove them from the URL and {CREDENTIALS_HINT}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} takes an http:// or https:// URL, not {url!r}",
                         "e.g. http://127.0.0.1:7878/query")
    return url


def redact(url: str) -> str:
    """``url`` with any ``user:password@`` removed."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def credentials_for(url: str) -> Credentials | None:
    """Credentials from the environment, else from ``~/.netrc`` for the URL's host, else none."""
    user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
    if user or password:
        if not (user and password):
            missing = ENV_PASSWORD if user else ENV_USER
            raise UsageError(f"{missing} is not set", f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        return Credentials(user, password)
    try:
        entry = netrc.netrc().authenticators(urllib.parse.urlsplit(url).hostname or "")
    except FileNotFoundError:
        return None
    except netrc.NetrcParseError as exc:
        raise UsageError(f"~/.netrc cannot be read (line {exc.lineno})", "fix or remove that line") from None
    except OSError:
        return None
    if entry is None or not entry[2]:
        return None
    return Credentials(entry[0], entry[2])


def read_timeout() -> float:
    """Seconds to wait for an answer: ``CMOGRAPH_ENDPOINT_TIMEOUT`` or 120."""
    raw = os.environ.get(ENV_TIMEOUT)
    if raw is None:
        return 120.0
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise UsageError(f"{ENV_TIMEOUT} must be a number of seconds above 0, not {raw!r}")
    return seconds


# ---------------------------------------------------------------------------------------------- HTTP


@dataclass
class Response:
    status: int
    headers: email.message.Message
    body: bytes


def _connection(base: type[http.client.HTTPConnection], read_timeout: float) -> type[http.client.HTTPConnection]:
    """``base`` with the socket timeout switched from the connect timeout to the read timeout once connected."""

    class Connection(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            super().connect()
            self.sock.settimeout(read_timeout)

    return Connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self.connection = _connection(http.client.HTTPConnection, read_timeout)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self.connection = _connection(http.client.HTTPSConnection, read_timeout)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.connection, req, context=self._context)  # type: ignore[attr-defined]


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that, once a host has challenged, answers its later requests at once.

    Without this every request is first sent without credentials, and a server that answers 401 before reading
    a large body (Virtuoso does) breaks the connection while the body is still being sent.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self._challenges: dict[str, dict[str, str]] = {}

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        challenge = auth.split(" ", 1)[1] if " " in auth else ""
        self._challenges[req.host] = urllib.request.parse_keqv_list(
            [part for part in urllib.request.parse_http_list(challenge) if part])
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        challenge = self._challenges.get(req.host)
        if challenge and not req.has_header(self.auth_header):
            answer = self.get_authorization(req, challenge)
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """Basic authentication that, once a host has asked for it, sends it with that host's later requests."""

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self._asked: set[str] = set()

    def retry_http_basic_auth(self, host: str, req: urllib.request.Request, realm: str) -> Any:
        self._asked.add(req.host)
        return super().retry_http_basic_auth(host, req, realm)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if req.host in self._asked and not req.has_header(self.auth_header):
            user, password = self.passwd.find_user_password("", req.full_url)  # falls back to any realm
            if user is not None and password is not None:
                token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
                req.add_unredirected_header(self.auth_header, f"Basic {token}")
        return req

    https_request = http_request


class Http:
    """Sends requests to one endpoint with timeouts, retries and (on challenge) credentials."""

    def __init__(self, endpoint: str, credentials: Iterable[tuple[str, Credentials]] = (), *,
                 connect_timeout: float = 10.0, read_timeout: float = 120.0, attempts: int = 4,
                 backoff: float = 0.5) -> None:
        self.endpoint = endpoint
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.attempts = attempts
        self.backoff = backoff
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        self._secrets: list[str] = []
        for origin, creds in credentials:
            passwords.add_password(None, origin, creds.user, creds.password)
            self._secrets.append(creds.password)
        self._opener = urllib.request.build_opener(
            _HTTPHandler(read_timeout), _HTTPSHandler(read_timeout),
            _DigestAuth(passwords), _BasicAuth(passwords))

    def __repr__(self) -> str:
        return f"Http({self.endpoint!r})"

    def send(self, request: urllib.request.Request, allow: Iterable[int] = ()) -> Response:
        """The answer to ``request``; statuses in ``allow`` are returned, other failures raise EndpointError."""
        allowed = set(allow)
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                with self._opener.open(request, timeout=self.connect_timeout) as answer:
                    return Response(answer.status, answer.headers, answer.read())
            except urllib.error.HTTPError as exc:
                body = _read(exc)
                if exc.code in RETRIED and not last:
                    self._pause(attempt, exc.headers.get("Retry-After"))
                    continue
                if exc.code in allowed:
                    return Response(exc.code, exc.headers, body)
                raise self._status_error(exc.code, body, tries=attempt) from None
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, ConnectionResetError | BrokenPipeError) and not last:
                    self._pause(attempt, None)
                    continue
                raise self._network_error(reason, connecting=True) from None
            except (ConnectionResetError, BrokenPipeError, http.client.IncompleteRead) as exc:
                if not last:
                    self._pause(attempt, None)
                    continue
                raise self._network_error(exc, connecting=False) from None
            except (OSError, http.client.HTTPException) as exc:
                raise self._network_error(exc, connecting=False) from None
            except ValueError:  # urllib's answer to a challenge it cannot meet (no credentials, or not Basic)
                if not self._secrets:
                    raise self._status_error(401, b"", tries=attempt) from None
                raise EndpointError(f"{self.endpoint} asks for a kind of authentication cmograph cannot give",
                                    "cmograph sends Basic or Digest credentials; use a URL that accepts them") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff * 2 ** (attempt - 1)
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        time.sleep(min(delay, 30.0))

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _status_error(self, status: int, body: bytes, tries: int) -> EndpointError:
        where = self.endpoint
        detail = _first_line(self._scrub(body.decode("utf-8", errors="replace")))
        detail = f": {detail}" if detail else ""
        if status == 401:
            if self._secrets:
                return EndpointError(f"{where} refused the credentials (401 Unauthorized)",
                                     f"check {ENV_USER} / {ENV_PASSWORD} or ~/.netrc")
            return EndpointError(f"{where} needs credentials (401 Unauthorized)", CREDENTIALS_HINT)
        if status == 403:
            return EndpointError(f"{where} does not allow this (403 Forbidden){detail}",
                                 "the user needs permission to read (or, to push, to write) there")
        if status == 404:
            return EndpointError(f"there is no SPARQL endpoint at {where} (404 Not Found)",
                                 "check the URL's path, e.g. /sparql or /query")
        if status in RETRIED:
            return EndpointError(f"{where} is busy ({status} {RETRIED[status]}) after {tries} tries",
                                 "try again later")
        if status == 400:
            return EndpointError(f"{where} rejected the request (400 Bad Request){detail}")
        reason = http.client.responses.get(status, "error")
        return EndpointError(f"{where} failed ({status} {reason}){detail}")

    def _network_error(self, reason: object, connecting: bool) -> EndpointError:
        where = self.endpoint
        if isinstance(reason, ConnectionRefusedError):
            return EndpointError(f"nothing is listening at {where} (connection refused)",
                                 "start the server, or check the host and port")
        if isinstance(reason, TimeoutError):
            if connecting:
                return EndpointError(f"{where} did not accept a connection within {self.connect_timeout:g} s",
                                     "check that the host is up and reachable")
            return EndpointError(f"{where} did not answer within {self.read_timeout:g} s",
                                 f"the server may be busy; for slow queries raise {ENV_TIMEOUT} (seconds)")
        if isinstance(reason, socket.gaierror):
            return EndpointError(f"the host of {where} cannot be found", "check the URL")
        if isinstance(reason, ssl.SSLError):
            return EndpointError(f"a secure connection to {where} failed ({reason.reason or reason})")
        if isinstance(reason, ConnectionResetError | BrokenPipeError):
            return EndpointError(f"{where} dropped the connection after {self.attempts} tries", "try again later")
        return EndpointError(f"{where} cannot be reached ({type(reason).__name__})", "check the URL")


def _read(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except (OSError, http.client.HTTPException):
        return b""
    finally:
        exc.close()


def _first_line(text: str) -> str:
    if re.search(r"<(html|!DOCTYPE)", text[:200], re.IGNORECASE):
        text = re.sub(r"<[^>]*>", " ", text)
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= 200 else line[:199] + "…"


# ---------------------------------------------------------------------------------------------- queries


class _Protocol(SPARQLWrapper):
    """SPARQLWrapper builds the SPARQL Protocol request and reads the results; :class:`Http` sends it."""

    def __init__(self, url: str, http: Http, sparql: str) -> None:
        super().__init__(url, agent="cmograph")
        self._http = http
        self.setMethod(POST)
        self.setQuery(sparql)
        self.setReturnFormat(TURTLE if self.queryType in ("CONSTRUCT", "DESCRIBE") else JSON)

    def _parseQueryType(self, query: str) -> str:  # SPARQLWrapper's own is misled by words in comments
        code = _COMMENT.sub("", _IRI.sub("<>", _STRING.sub('""', query)))
        found = _FORM.search(code)
        return found.group(1).upper() if found else "SELECT"

    def _query(self) -> tuple[Any, str]:
        answer = self._http.send(self._createRequest())
        where = self._http.endpoint
        if answer.headers.get("X-SPARQL-MaxRows"):
            raise EndpointError(f"{where} cut the answer short at {answer.headers['X-SPARQL-MaxRows']} rows",
                                "raise the server's result limit (Virtuoso: ResultSetMaxRows)")
        if answer.headers.get("X-SQL-State"):  # Virtuoso's "anytime" answers: partial, stopped by its time limit
            raise EndpointError(f"{where} gave a partial answer ({answer.headers['X-SQL-State']}: time limit)",
                                "raise the server's query time limit (Virtuoso: MaxQueryExecutionTime)")
        wrapped = urllib.response.addinfourl(io.BytesIO(answer.body), answer.headers, self.endpoint, answer.status)
        return wrapped, self.returnFormat


def _json(result: Any, where: str) -> dict[str, Any]:
    kind = result.info().get("content-type", "")
    try:
        data = json.loads(result.response.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EndpointError(f"{where} did not answer with SPARQL JSON results ({kind or 'no content type'})",
                            "check that the URL is a SPARQL query endpoint") from None
    if not isinstance(data, dict):
        raise EndpointError(f"{where} did not answer with SPARQL JSON results")
    return data


def _term(binding: dict[str, str], blanks: dict[str, ox.BlankNode]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return blanks.setdefault(value, ox.BlankNode())
    if binding.get("xml:lang"):
        return ox.Literal(value, language=binding["xml:lang"])
    if binding.get("datatype"):
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


def _value(binding: dict[str, str] | None) -> Value:
    if binding is None:
        return None
    if binding["type"] == "bnode":
        return f"_:{binding['value']}"
    return python_value(_term(binding, {}))


class Endpoint:
    """A SPARQL 1.1 server: an :class:`~cmograph.query.engine.Engine` for questions, and the place ``push`` writes.

    ``url`` answers queries; ``update_url`` (default ``url``) takes writes: with the Graph Store Protocol when its
    path is a graph store's (``/store``, ``/data``, ``/sparql-graph-crud[-auth]``, ``/rdf-graphs/service``), else
    with SPARQL Update; when the URL turns out not to speak the one tried, the other is tried.
    """

    def __init__(self, url: str, update_url: str | None = None, *, connect_timeout: float = 10.0,
                 timeout: float | None = None, attempts: int = 4, backoff: float = 0.5) -> None:
        self.url = check_url(url)
        self.update_url = check_url(update_url, "--update-endpoint") if update_url else self.url
        found: dict[str, Credentials] = {}
        for each in (self.url, self.update_url):
            creds = credentials_for(each)
            if creds is not None:
                parts = urllib.parse.urlsplit(each)
                found[f"{parts.scheme}://{parts.netloc}/"] = creds
        options: dict[str, Any] = {"connect_timeout": connect_timeout, "attempts": attempts, "backoff": backoff,
                                   "read_timeout": read_timeout() if timeout is None else timeout}
        self.http = Http(self.url, found.items(), **options)
        self.write_http = Http(self.update_url, found.items(), **options) if self.update_url != self.url else self.http
        self._protocol: str | None = None

    lateral = False  # SPARQL 1.1 servers

    def names(self) -> None:
        """Names are resolved by lookup queries on the server."""
        return None

    def __repr__(self) -> str:
        return f"Endpoint({self.url!r}, update_url={self.update_url!r})"

    # ------------------------------------------------------------------ reading

    def select(self, sparql: str) -> tuple[list[str], list[Row]]:
        """Run a SELECT query; rows hold plain Python values, as the embedded engine gives them."""
        data = _json(_Protocol(self.url, self.http, sparql).query(), self.url)
        try:
            variables = [str(v) for v in data["head"]["vars"]]
            bindings = data["results"]["bindings"]
        except (KeyError, TypeError):
            raise EndpointError(f"{self.url} did not answer with SELECT results") from None
        return variables, [{v: _value(b.get(v)) for v in variables} for b in bindings]

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
        data = _json(_Protocol(self.url, self.http, sparql).query(), self.url)
        if "boolean" not in data:
            raise EndpointError(f"{self.url} did not answer with ASK results")
        return bool(data["boolean"])

    def run_query(self, sparql: str) -> QueryResult:
        """``cmograph query`` on the endpoint: SELECT rows, ASK truth, or CONSTRUCT/DESCRIBE triples as N-Triples."""
        check_read_only(sparql)
        protocol = _Protocol(self.url, self.http, with_prefixes(sparql))
        result = protocol.query()
        if protocol.queryType in ("CONSTRUCT", "DESCRIBE"):
            kind = result.info().get("content-type", "text/turtle")
            fmt = ox.RdfFormat.from_media_type(kind.split(";")[0].strip()) or ox.RdfFormat.TURTLE
            try:
                triples = list(ox.parse(result.response.read(), format=fmt))
            except SyntaxError as exc:
                raise EndpointError(f"{self.url} answered with unreadable RDF ({exc})") from None
            return QueryResult([], [], triples=(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode())
        data = _json(result, self.url)
        if "boolean" in data:
            return QueryResult(["result"], [{"result": bool(data["boolean"])}], boolean=bool(data["boolean"]))
        variables = [str(v) for v in data["head"]["vars"]]
        rows: list[dict[str, Any]] = [{v: _value(b.get(v)) for v in variables} for b in data["results"]["bindings"]]
        return QueryResult(variables, rows)

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
        data = _json(_Protocol(self.url, self.http, EVALUATION_GRAPHS).query(), self.url)
        store = ox.Store()
        chosen: set[str] = set()
        for row in data["results"]["bindings"]:
            graph, subject = ox.NamedNode(row["g"]["value"]), ox.NamedNode(row["e"]["value"])
            store.add(ox.Quad(subject, RDF_TYPE, EVALUATION, graph))
            store.add(ox.Quad(subject, IDENTIFIER, ox.Literal(row["id"]["value"]), graph))
            if not evaluations or row["id"]["value"] in evaluations:
                chosen.add(graph.value)
        for iri in sorted(chosen):
            name = ox.NamedNode(iri)
            query = f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri_term(iri)} {{ ?s ?p ?o }} }}"
            blanks: dict[str, ox.BlankNode] = {}
            found = _json(_Protocol(self.url, self.http, query).query(), self.url)
            store.extend(ox.Quad(_term(b["s"], blanks), _term(b["p"], blanks), _term(b["o"], blanks), name)  # type: ignore[arg-type]
                         for b in found["results"]["bindings"])
        return store

    # ------------------------------------------------------------------ writing

    def push(self, store: ox.Store) -> list[str]:
        """Write every evaluation of ``store`` (and the ontology) to its named graph; returns the ids pushed.

        An evaluation already on the endpoint under another graph (another base IRI) is dropped there first, so
        an evaluation is never held twice.
        """
        local = {str(row["id"]): str(row["g"]) for row in _select(store, EVALUATION_GRAPHS)}
        remote = self.evaluation_graphs()
        self._replace(ONTOLOGY_IRI, _graph(store, ONTOLOGY_IRI))
        for eid, graph in sorted(local.items()):
            for other in sorted(remote.get(eid, set()) - {graph}):
                self._replace(other, None)
            self._replace(graph, _graph(store, graph))
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
                self._replace(graph, None)
        left = [e for e in evaluations if e in self.evaluation_graphs()]
        if left:
            raise EndpointError(f"{self.update_url} accepted the delete, but '{left[0]}' is still there",
                                "check that --update-endpoint writes to the dataset --endpoint reads")

    def _replace(self, graph: str, triples: list[ox.Triple] | None) -> None:
        """Replace a named graph with ``triples``, or drop it (``None``)."""
        if self._protocol is None:  # meet any authentication challenge with a request that has no body
            unchallenged = set(range(300, 600)) - {401}
            self.write_http.send(urllib.request.Request(self.update_url, method="HEAD"), allow=unchallenged)
        store_first = bool(GRAPH_STORE_PATH.search(urllib.parse.urlsplit(self.update_url).path))
        order = [self._protocol] if self._protocol else (["gsp", "update"] if store_first else ["update", "gsp"])
        for protocol in order:
            write = self._graph_store if protocol == "gsp" else self._update
            if write(graph, triples):
                self._protocol = protocol
                return
        if self._protocol:
            raise EndpointError(f"{self.update_url} stopped accepting writes")
        raise EndpointError(f"{self.update_url} accepts neither the Graph Store Protocol nor SPARQL Update",
                            "name the server's write URL with --update-endpoint (see docs/scale.md)")

    def _graph_store(self, graph: str, triples: list[ox.Triple] | None) -> bool:
        separator = "&" if urllib.parse.urlsplit(self.update_url).query else "?"
        target = f"{self.update_url}{separator}graph={urllib.parse.quote(graph, safe='')}"
        if triples is None:
            request = urllib.request.Request(target, method="DELETE")
            answer = self.write_http.send(request, allow=NOT_HERE)
            return answer.status < 300 or (answer.status == 404 and self._protocol == "gsp")
        request = urllib.request.Request(target, data=_ntriples(triples), method="PUT",
                                         headers={"Content-Type": "text/turtle; charset=utf-8"})
        return self.write_http.send(request, allow=NOT_HERE).status < 300

    def _update(self, graph: str, triples: list[ox.Triple] | None) -> bool:
        name = iri_term(graph)
        operations = [f"DROP SILENT GRAPH {name}"]
        for template, batch in _batches(triples or []):
            data = "{ GRAPH " + name + " {\n" + _ntriples(batch).decode("utf-8") + "} }"
            # some servers (Virtuoso) refuse blank nodes in INSERT DATA; an INSERT template takes them anywhere
            operations.append(f"INSERT {data} WHERE {{}}" if template else f"INSERT DATA {data}")
        first = 2 if len(operations) > 1 else 1
        for request_operations in [operations[:first], *([op] for op in operations[first:])]:
            request = urllib.request.Request(
                self.update_url, data=" ;\n".join(request_operations).encode("utf-8"), method="POST",
                headers={"Content-Type": "application/sparql-update; charset=utf-8"})
            if self.write_http.send(request, allow=NOT_HERE).status >= 300:
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


def with_prefixes(sparql: str) -> str:
    """``sparql`` preceded by declarations of the common prefixes it uses without declaring (as ``cmograph query``
    offers), on its first line, so that the server's error positions on the other lines are the query's own."""
    used: set[str] = set()
    declared: set[str] = set()
    after_prefix = False  # the previous token (not counting space and comments) is the keyword PREFIX
    for token in TOKEN.finditer(sparql):
        kind = token.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "local":
            (declared if after_prefix else used).add(token.group("prefix") or "")
        after_prefix = kind == "word" and token.group().upper() == "PREFIX"
    missing = [f"PREFIX {p}: <{ns}> " for p, ns in COMMON_PREFIXES.items() if p in used - declared]
    return "".join(missing) + sparql


def _select(store: ox.Store, sparql: str) -> list[dict[str, str]]:
    solutions = store.query(sparql)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names} for s in solutions]


def _graph(store: ox.Store, graph: str) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
