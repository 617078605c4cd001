"""``cmograph export --format nanopub``: each configuration as a nanopublication (https://nanopub.net), in TriG.

A nanopublication is four named graphs: the head names the other three; the assertion holds the configuration with
its contexts, mechanisms, outcomes, groups, sites and periods (the statements about each); the provenance, the
evaluation, evidence items and sources it was derived from; the publication info, its licence, creation time,
creator (when given), the cmograph version that made it, the one it supersedes and its signature (when a key is
given). Its IRI is ``{evaluation IRI}/np/`` and a trusty URI artifact code (:mod:`cmograph.publish.trusty`), so the
same content always gets the same IRI and any change to it, a new one.

Given an earlier export, a configuration whose nanopublication would say the same (leaving aside when and by which
cmograph version it was made) keeps it as it was; one that changed gets a new one that supersedes it
(``npx:supersedes``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from cmograph.errors import UsageError
from cmograph.namespaces import CMO_NS, COMMON_PREFIXES, DCTERMS, NP, NPX, OWL, PROV, RDF, RDFS, XSD
from cmograph.publish.graph import Node, SiteGraph, cmo
from cmograph.publish.licences import IRI, licence_iri
from cmograph.publish.signing import SigningKey
from cmograph.publish.trusty import artifact_code, normalized, verifies
from cmograph.render.rdf import rdf_text

PREFIXES = {**COMMON_PREFIXES, "np": NP, "npx": NPX, "owl": OWL}
STAND_IN = "RA" + "_" * 43  # the artifact code until it is known (hashed as a blank, as the code itself is)
PARTS = ("Head", "assertion", "provenance", "pubinfo")
# what the assertion says besides the configuration: the elements it names, each with what is said about it
NAMED = ("hasContext", "hasMechanism", "hasOutcome", "forWhom", "atSite", "inPeriod")
# what the provenance says about the evaluation: which study it is
STUDY = (RDF + "type", DCTERMS + "identifier", DCTERMS + "title", DCTERMS + "creator", DCTERMS + "issued",
         CMO_NS + "doi")
# what may differ between two nanopublications that say the same: when and by what they were made, what they
# supersede, the signature (of a text that holds the time)
MADE = (DCTERMS + "created", NPX + "supersedes", NPX + "hasSignature", PROV + "wasGeneratedBy")
MADE_BY = ("#export", "#cmograph")
SUPERSEDE_HINT = "give --supersede a file that `cmograph export --format nanopub` wrote"


def iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


@dataclass
class Settings:
    """How nanopublications are made: when, by which cmograph version, under which licence (an IRI or SPDX id:
    ``licence`` for all, else each evaluation's own, else ``default_licence``), by whom (an IRI) and signed with
    which key."""

    made: datetime
    version: str
    licence: str | None = None
    default_licence: str | None = None
    creator: str | None = None
    key: SigningKey | None = None


@dataclass
class Nanopub:
    """One nanopublication: its IRI (a trusty URI), the configuration it is about and its quads."""

    iri: str
    configuration: str
    evaluation: str
    quads: list[ox.Quad]


@dataclass
class Exported:
    """The nanopublications (and the earlier ones they supersede), written as TriG, how many are new, kept
    unchanged or supersede an earlier one, and what the user must be told."""

    data: bytes
    new: int = 0
    unchanged: int = 0
    superseding: int = 0
    warnings: list[str] = field(default_factory=list)
    nanopubs: list[Nanopub] = field(default_factory=list)
    superseded: list[Nanopub] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.new + self.unchanged + self.superseding


@dataclass
class Earlier:
    """The nanopublications of an earlier export: the latest of each configuration, and those that a later one in
    the file supersedes."""

    latest: dict[str, Nanopub]
    older: list[Nanopub]


def check_creator(creator: str) -> str:
    if not IRI.match(creator):
        raise UsageError(f"--creator: '{creator}' is not an http(s) IRI",
                         "give the IRI of who publishes, such as an ORCID: https://orcid.org/0000-0002-1825-0097")
    return creator


def export_nanopubs(store: ox.Store, evaluations: Sequence[str], settings: Settings,
                    earlier: dict[str, Nanopub] | None = None) -> Exported:
    """The configurations of the chosen evaluations (all by default) as nanopublications; with ``earlier`` (by
    configuration IRI, from :func:`read_earlier`), unchanged ones are kept and changed ones supersede theirs."""
    graph = SiteGraph(store)
    missing = [e for e in evaluations if e not in graph.graphs]
    if missing:
        raise UsageError(f"no evaluation '{missing[0]}' in the data",
                         f"the evaluations are: {', '.join(sorted(graph.graphs)) or '(none)'}")
    chosen = [e for e in graph.evaluations
              if not evaluations or graph.text(e, DCTERMS + "identifier") in evaluations]
    earlier = earlier or {}
    configurations = sorted(graph.of_type("Configuration"), key=str)
    exported = Exported(b"")
    made: list[Nanopub] = []
    for evaluation in sorted(chosen, key=str):
        licence = _licence(graph, evaluation, settings)
        for configuration in (c for c in configurations if graph.evaluation_of(c) == evaluation):
            assert isinstance(configuration, ox.NamedNode), "a configuration has an IRI"
            before = earlier.get(configuration.value)
            content = _content(graph, configuration, evaluation, licence, settings, before)
            if before is not None and _said(content.quads, content.iri) == _said(before.quads, before.iri):
                made.append(before)
                exported.unchanged += 1
                continue
            made.append(_finished(content, settings.key))
            if before is None:
                exported.new += 1
            else:
                exported.superseding += 1
                exported.superseded.append(before)
    kept = {n.configuration for n in made}
    exported_evaluations = {e.value for e in chosen}
    for old in sorted(earlier.values(), key=lambda n: n.configuration):
        if old.configuration not in kept and old.evaluation in exported_evaluations:
            exported.warnings.append(f"the configuration <{old.configuration}> is no longer in the data, so its "
                                     f"nanopublication <{old.iri}> is not in this export (retract it where it "
                                     "was published)")
    exported.data = b"\n".join(trig(n) for n in made)
    exported.nanopubs = made
    return exported


def _licence(graph: SiteGraph, evaluation: Node, settings: Settings) -> str:
    given = settings.licence or graph.text(evaluation, DCTERMS + "license") or settings.default_licence
    if not given:
        raise UsageError(f"the evaluation '{graph.text(evaluation, DCTERMS + 'identifier')}' has no licence, and a "
                         "nanopublication must say how others may reuse it",
                         "give one with --license (an SPDX id such as CC-BY-4.0, or a licence IRI), or `license` in "
                         "the evaluation or in cmograph.toml")
    return licence_iri(given)


def _described(graph: SiteGraph, node: Node, leave_out: Iterable[str] = ()) -> list[ox.Triple]:
    """What is said about ``node``, and about what it holds: the blank nodes and the IRIs under its own (an outcome's
    measures) that it names; statements of ``node`` whose predicate is in ``leave_out`` are left out."""
    left_out = {iri(p) for p in leave_out}
    found: list[ox.Triple] = []
    seen: set[Node] = set()
    todo = [node]
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for quad in graph.out.get(subject, ()):
            if subject == node and quad.predicate in left_out:
                continue
            found.append(ox.Triple(quad.subject, quad.predicate, quad.object))
            held = quad.object
            if isinstance(held, ox.BlankNode) or (
                    isinstance(held, ox.NamedNode) and held.value.startswith(f"{node.value}/")):
                todo.append(held)
    return found


def _content(graph: SiteGraph, configuration: ox.NamedNode, evaluation: Node, licence: str, settings: Settings,
             before: Nanopub | None) -> Nanopub:
    """The nanopublication of ``configuration``, named with the stand-in artifact code, unsigned."""
    name = f"{evaluation.value}/np/{STAND_IN}"
    head, assertion, provenance, pubinfo = (iri(f"{name}#{part}") for part in PARTS)
    this = iri(name)
    said = _described(graph, configuration, leave_out=[CMO_NS + "hasEvidence"])
    for predicate in NAMED:
        for element in graph.values(configuration, cmo(predicate)):
            if isinstance(element, ox.NamedNode | ox.BlankNode):
                said += _described(graph, element)
    evidence = [e for e in graph.values(configuration, cmo("hasEvidence"))
                if isinstance(e, ox.NamedNode | ox.BlankNode)]
    origin = [ox.Triple(assertion, iri(PROV + "wasDerivedFrom"), evaluation)]
    for item in evidence:
        origin.append(ox.Triple(assertion, iri(PROV + "wasDerivedFrom"), item))
        origin += _described(graph, item)
    sources = sorted({t.object for t in [*said, *origin] if t.predicate == iri(PROV + "wasDerivedFrom")
                      and isinstance(t.object, ox.NamedNode | ox.BlankNode) and graph.is_a(t.object, "Source")},
                     key=str)
    for source in sources:
        origin.append(ox.Triple(assertion, iri(PROV + "hadPrimarySource"), source))
        origin += _described(graph, source)
    origin += [ox.Triple(evaluation, q.predicate, q.object) for q in graph.out.get(evaluation, ())
               if q.predicate.value in STUDY]
    for author in graph.values(evaluation, DCTERMS + "creator"):  # a person's IRI (ORCID): their type and name
        if isinstance(author, ox.NamedNode):
            origin += [ox.Triple(author, q.predicate, q.object) for q in graph.out.get(author, ())]
    identifier = graph.text(configuration, DCTERMS + "identifier") or configuration.value
    info: list[tuple[ox.NamedNode, str, ox.NamedNode | ox.Literal]] = [
        (this, DCTERMS + "license", iri(licence)),
        (this, DCTERMS + "created", ox.Literal(settings.made.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                datatype=iri(XSD + "dateTime"))),
        (this, NPX + "hasNanopubType", cmo("Configuration")),
        (this, RDFS + "label", ox.Literal(f"Configuration {identifier} of {graph.label(evaluation)}")),
        (this, PROV + "wasGeneratedBy", iri(f"{name}#export")),
        (iri(f"{name}#export"), RDF + "type", iri(PROV + "Activity")),
        (iri(f"{name}#export"), PROV + "wasAssociatedWith", iri(f"{name}#cmograph")),
        (iri(f"{name}#cmograph"), RDF + "type", iri(PROV + "SoftwareAgent")),
        (iri(f"{name}#cmograph"), RDFS + "label", ox.Literal("cmograph")),
        (iri(f"{name}#cmograph"), OWL + "versionInfo", ox.Literal(settings.version)),
    ]
    if settings.creator:
        info.append((this, DCTERMS + "creator", iri(settings.creator)))
    if before is not None:
        info.append((this, NPX + "supersedes", iri(before.iri)))
    if settings.key is not None:
        info += [(iri(f"{name}#sig"), NPX + "hasAlgorithm", ox.Literal("RSA")),
                 (iri(f"{name}#sig"), NPX + "hasPublicKey", ox.Literal(settings.key.public)),
                 (iri(f"{name}#sig"), NPX + "hasSignatureTarget", this)]
    quads = [ox.Quad(this, iri(RDF + "type"), iri(NP + "Nanopublication"), head),
             ox.Quad(this, iri(NP + "hasAssertion"), assertion, head),
             ox.Quad(this, iri(NP + "hasProvenance"), provenance, head),
             ox.Quad(this, iri(NP + "hasPublicationInfo"), pubinfo, head)]
    skolem = _skolem_names([*said, *origin], name)
    quads += [_skolemised(t, skolem, assertion) for t in said]
    quads += [_skolemised(t, skolem, provenance) for t in origin]
    quads += [ox.Quad(s, iri(p), o, pubinfo) for s, p, o in info]
    return Nanopub(name, configuration.value, evaluation.value, sorted(set(quads), key=str))


def _skolem_names(triples: list[ox.Triple], name: str) -> dict[object, ox.NamedNode]:
    """An IRI for each blank node (``{nanopub}#_1``, ...), numbered in an order that follows what is said about
    them, so that the same statements get the same names whichever names the store gave the blank nodes."""
    out: dict[object, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        out[triple.subject].append(triple)

    shapes: dict[object, str] = {}

    def shape(node: object) -> str:
        if not isinstance(node, ox.BlankNode):
            return str(node)
        if node not in shapes:
            shapes[node] = "_"  # met again below it: a cycle of blank nodes, whose order is left to the store
            shapes[node] = "[" + " ".join(sorted(f"{t.predicate} {shape(t.object)}" for t in out[node])) + "]"
        return shapes[node]

    blanks = {n for t in triples for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)}
    into = {n: sorted(f"{t.subject} {t.predicate}" for t in triples if t.object == n) for n in blanks}
    ordered = sorted(blanks, key=lambda n: (shape(n), into[n], str(n)))
    return {node: iri(f"{name}#_{number}") for number, node in enumerate(ordered, 1)}


def _skolemised(triple: ox.Triple, names: dict[object, ox.NamedNode], graph: ox.NamedNode) -> ox.Quad:
    """The statement in ``graph``, its blank nodes named as ``names`` says."""
    subject, obj = names.get(triple.subject, triple.subject), names.get(triple.object, triple.object)
    return ox.Quad(subject, triple.predicate, obj, graph)


def _renamed(quads: Iterable[ox.Quad], old: str, new: str) -> list[ox.Quad]:
    """The quads with the nanopublication IRI ``old`` (and ``old#...``) written ``new``."""

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph | ox.Triple) -> object:
        if isinstance(node, ox.NamedNode) and (node.value == old or node.value.startswith(old + "#")):
            return iri(new + node.value[len(old):])
        return node

    return [ox.Quad(term(q.subject), term(q.predicate), term(q.object), term(q.graph_name))  # type: ignore[arg-type]
            for q in quads]


def _finished(content: Nanopub, key: SigningKey | None) -> Nanopub:
    """The nanopublication signed (with ``key``) and named by its trusty URI."""
    quads = content.quads
    if key is not None:
        signature = key.sign(normalized(quads, content.iri, STAND_IN, leave_out=NPX + "hasSignature"))
        quads = [*quads, ox.Quad(iri(content.iri + "#sig"), iri(NPX + "hasSignature"), ox.Literal(signature),
                                 iri(content.iri + "#pubinfo"))]
    code = artifact_code(quads, content.iri, STAND_IN)
    name = content.iri[: -len(STAND_IN)] + code
    return Nanopub(name, content.configuration, content.evaluation, _renamed(quads, content.iri, name))


def _said(quads: Iterable[ox.Quad], name: str) -> frozenset[ox.Quad]:
    """What a nanopublication says, for comparing two: named with the stand-in, without what :data:`MADE` lists
    nor the description of the export that made it."""
    stand_in = name[: name.rindex("/") + 1] + STAND_IN
    made_by = {iri(stand_in + suffix) for suffix in MADE_BY}
    pubinfo = iri(f"{stand_in}#pubinfo")
    return frozenset(q for q in _renamed(quads, name, stand_in)
                     if q.graph_name != pubinfo or (q.predicate.value not in MADE and q.subject not in made_by))


def _ordered(nanopub: Nanopub) -> list[ox.Quad]:
    """The quads of a nanopublication graph by graph: head, assertion, provenance, publication info."""
    order: dict[object, int] = {iri(f"{nanopub.iri}#{part}"): rank for rank, part in enumerate(PARTS)}
    return sorted(nanopub.quads, key=lambda q: (order.get(q.graph_name, len(PARTS)), str(q)))


def trig(nanopub: Nanopub) -> bytes:
    """One nanopublication as TriG, with ``this:`` and ``sub:`` for its own IRIs, graph by graph."""
    prefixes = {"this": nanopub.iri, "sub": nanopub.iri + "#", **PREFIXES}
    return rdf_text(ox.serialize(_ordered(nanopub), format=ox.RdfFormat.TRIG, prefixes=prefixes) or b"")


def nquads(nanopub: Nanopub) -> bytes:
    """One nanopublication as N-Quads, graph by graph."""
    return rdf_text(ox.serialize(_ordered(nanopub), format=ox.RdfFormat.N_QUADS) or b"")


def read_earlier(path: Path) -> Earlier:
    """The nanopublications of configurations in an earlier export, the latest by configuration IRI: each must match
    its trusty URI."""
    try:
        quads = list(ox.parse(path=path, format=ox.RdfFormat.TRIG))
    except SyntaxError as exc:
        raise UsageError(f"{path} is not a TriG file of nanopublications: {exc}", SUPERSEDE_HINT) from None
    by_graph: dict[object, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        by_graph[quad.graph_name].append(quad)
    found: list[Nanopub] = []
    superseded: set[str] = set()
    for head in (q for q in quads if q.predicate == iri(RDF + "type") and q.object == iri(NP + "Nanopublication")):
        if not isinstance(head.subject, ox.NamedNode):
            raise UsageError(f"{path}: a nanopublication has no IRI", SUPERSEDE_HINT)
        name = head.subject.value
        parts = [next((q.object for q in by_graph[head.graph_name] if q.subject == head.subject
                       and q.predicate == iri(NP + part)), None)
                 for part in ("hasAssertion", "hasProvenance", "hasPublicationInfo")]
        if any(part is None for part in parts):
            raise UsageError(f"{path}: <{name}> lacks an assertion, provenance or publication info graph",
                             SUPERSEDE_HINT)
        own = [q for graph in (head.graph_name, *parts) for q in by_graph[graph]]
        if not verifies(own, name):
            raise UsageError(f"{path}: the nanopublication <{name}> does not match its trusty URI (it was changed "
                             "after it was made, or has none)", SUPERSEDE_HINT)
        superseded |= {q.object.value for q in by_graph[parts[2]] if q.predicate == iri(NPX + "supersedes")
                       and isinstance(q.object, ox.NamedNode)}
        about = [q.subject for q in by_graph[parts[0]] if q.predicate == iri(RDF + "type")
                 and q.object == cmo("Configuration")]
        if len(about) == 1 and isinstance(about[0], ox.NamedNode):
            evaluation = next((q.object.value for q in by_graph[parts[0]] if q.subject == about[0]
                               and q.predicate == cmo("inEvaluation") and isinstance(q.object, ox.NamedNode)), "")
            found.append(Nanopub(name, about[0].value, evaluation, own))
    if not found:
        raise UsageError(f"{path} holds no nanopublication of a configuration", SUPERSEDE_HINT)
    latest: dict[str, Nanopub] = {}
    for nanopub in found:
        if nanopub.iri in superseded:
            continue
        if nanopub.configuration in latest:
            raise UsageError(f"{path} holds more than one nanopublication of <{nanopub.configuration}>, and none "
                             "supersedes the other", "give --supersede the latest export only")
        latest[nanopub.configuration] = nanopub
    return Earlier(latest, [n for n in found if n.iri in superseded])
