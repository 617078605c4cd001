"""The dataset as a whole: its dumps (with checksums), and its description in VoID and DCAT (the RDF forms of
the base IRI) and as a schema.org ``Dataset`` for dataset search engines."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyoxigraph as ox

from cmograph.namespaces import MEDIA_TYPES, ONTOLOGY_IRI, SCHEMA_ORG
from cmograph.publish.forms import PREFIXES
from cmograph.publish.graph import RDF_TYPE, SiteGraph
from cmograph.render.rdf import export

DUMPS = "dumps"
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"  # UTC, as xsd:dateTime writes it canonically
NAME = "dataset"
# (export format, suffix, media type, what it is)
DUMP_FORMATS = (("trig", "trig", "application/trig", "TriG"), ("nquads", "nq", "application/n-quads", "N-Quads"))
VOCABULARIES = {PREFIXES["cmo"]: ONTOLOGY_IRI}
DCTERMS_CREATOR = PREFIXES["dcterms"] + "creator"


@dataclass(frozen=True)
class Dump:
    """One file of the whole dataset: its site path, media type, bytes and checksum."""

    path: str
    media_type: str
    name: str
    content: bytes
    compressed: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class About:
    """What the site says about the dataset: its IRI (the base), title, licence, when it was made."""

    base: str
    title: str
    description: str
    licence: str
    made: datetime
    version: str
    endpoint: str | None = None


def dumps(store: ox.Store) -> list[Dump]:
    """The whole dataset in TriG and N-Quads, as ``cmograph export`` writes them, each also gzipped."""
    found = []
    for fmt, suffix, media_type, name in DUMP_FORMATS:
        content = export(store, fmt)
        path = f"{DUMPS}/{NAME}.{suffix}"
        found.append(Dump(path, media_type, name, content))
        found.append(Dump(path + ".gz", media_type, f"{name}, gzipped", gzip.compress(content, mtime=0), True))
    return found


def checksums(found: list[Dump]) -> bytes:
    """``SHA256SUMS``: the dumps' checksums as ``sha256sum --check`` reads them."""
    return "".join(f"{d.sha256}  {d.path.rsplit('/', 1)[-1]}\n" for d in found).encode()


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


def _term(prefix: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + name)


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=_term("xsd", datatype))


def description(graph: SiteGraph, about: About, found: list[Dump], entities: int) -> list[ox.Triple]:
    """The dataset (the base IRI) as a ``void:Dataset`` and ``dcat:Dataset``: statistics, vocabularies, one
    subset per evaluation, and a ``dcat:Distribution`` per dump."""
    dataset = _iri(about.base)
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        triples.append(ox.Triple(s, p, o))

    made = _typed(about.made.strftime(TIMESTAMP), "dateTime")
    add(dataset, RDF_TYPE, _term("void", "Dataset"))
    add(dataset, RDF_TYPE, _term("dcat", "Dataset"))
    add(dataset, _term("dcterms", "title"), ox.Literal(about.title))
    add(dataset, _term("dcterms", "description"), ox.Literal(about.description))
    add(dataset, _term("dcterms", "license"), _iri(about.licence))
    add(dataset, _term("dcterms", "modified"), made)
    add(dataset, _term("dcat", "landingPage"), _iri(about.base + "index.html"))
    add(dataset, _term("void", "uriSpace"), ox.Literal(about.base))
    add(dataset, _term("void", "triples"), _typed(len(graph.quads), "integer"))
    add(dataset, _term("void", "entities"), _typed(entities, "integer"))
    classes = {q.object for q in graph.quads if q.predicate == RDF_TYPE}
    predicates = {q.predicate for q in graph.quads}
    add(dataset, _term("void", "classes"), _typed(len(classes), "integer"))
    add(dataset, _term("void", "properties"), _typed(len(predicates), "integer"))
    add(dataset, _term("void", "distinctSubjects"), _typed(len(graph.out), "integer"))
    used = {VOCABULARIES.get(ns, ns) for ns in PREFIXES.values() for term in classes | predicates
            if isinstance(term, ox.NamedNode) and term.value.startswith(ns)}
    for vocabulary in sorted(used):
        add(dataset, _term("void", "vocabulary"), _iri(vocabulary))
    if about.endpoint:
        add(dataset, _term("void", "sparqlEndpoint"), _iri(about.endpoint))
    for number, evaluation in enumerate(graph.evaluations, 1):
        subset = ox.BlankNode(f"subset{number}")
        add(dataset, _term("void", "subset"), subset)
        add(subset, RDF_TYPE, _term("void", "Dataset"))
        add(subset, _term("dcterms", "title"), ox.Literal(graph.label(evaluation)))
        add(subset, _term("void", "rootResource"), evaluation)
        identifier = graph.text(evaluation, PREFIXES["dcterms"] + "identifier") or ""
        named = graph.graphs.get(identifier)
        count = sum(1 for q in graph.quads if q.graph_name == named)
        add(subset, _term("void", "triples"), _typed(count, "integer"))
        add(dataset, _term("void", "exampleResource"), evaluation)
    for number, dump in enumerate(found, 1):
        url = _iri(about.base + dump.path)
        add(dataset, _term("void", "dataDump"), url)
        distribution = ox.BlankNode(f"distribution{number}")
        add(dataset, _term("dcat", "distribution"), distribution)
        add(distribution, RDF_TYPE, _term("dcat", "Distribution"))
        add(distribution, _term("dcterms", "title"), ox.Literal(dump.name))
        add(distribution, _term("dcat", "downloadURL"), url)
        add(distribution, _term("dcat", "mediaType"),
            _iri(MEDIA_TYPES + dump.media_type))
        if dump.compressed:
            add(distribution, _term("dcat", "compressFormat"),
                _iri(MEDIA_TYPES + "application/gzip"))
        add(distribution, _term("dcat", "byteSize"), _typed(dump.size, "nonNegativeInteger"))
        add(distribution, _term("dcterms", "license"), _iri(about.licence))
        checksum = ox.BlankNode(f"checksum{number}")
        add(distribution, _term("spdx", "checksum"), checksum)
        add(checksum, RDF_TYPE, _term("spdx", "Checksum"))
        add(checksum, _term("spdx", "algorithm"), _term("spdx", "checksumAlgorithm_sha256"))
        add(checksum, _term("spdx", "checksumValue"), _typed(dump.sha256, "hexBinary"))
    return sorted(triples, key=str)


def creators(graph: SiteGraph) -> list[dict[str, str]]:
    """The authors of the evaluations, once each, as schema.org people: by name, with their ORCID IRI as ``@id``
    where the evidence gives one."""
    people: dict[str, dict[str, str]] = {}
    for evaluation in graph.evaluations:
        for author in graph.values(evaluation, DCTERMS_CREATOR):
            if isinstance(author, ox.NamedNode):
                people[author.value] = {"@type": "Person", "@id": author.value, "name": graph.label(author)}
            elif isinstance(author, ox.Literal):
                people.setdefault(author.value, {"@type": "Person", "name": author.value})
    return sorted(people.values(), key=lambda p: (p["name"], p.get("@id", "")))


def schema_org(about: About, found: list[Dump], keywords: list[str], authors: list[dict[str, str]]) -> dict[str, Any]:
    """The schema.org ``Dataset`` of the index page, for dataset search engines."""
    return {
        "@context": SCHEMA_ORG,
        "@type": "Dataset",
        "@id": about.base,
        "name": about.title,
        "description": about.description,
        "url": about.base,
        "license": about.licence,
        "isAccessibleForFree": True,
        "dateModified": about.made.strftime(TIMESTAMP),
        "keywords": keywords,
        **({"creator": authors} if authors else {}),
        "distribution": [{"@type": "DataDownload", "encodingFormat": d.media_type, "contentUrl": about.base + d.path,
                          "contentSize": f"{d.size} B", "name": d.name} for d in found],
    }
