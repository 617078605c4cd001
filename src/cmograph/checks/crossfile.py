"""What is wrong only among several files: an evaluation given by two of them, two evaluations with one IRI, or a
reference to another evaluation's configuration that names none; and how each file is named so that it is told apart
from the others."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from pathlib import Path
from urllib.parse import unquote

from rdflib import DCTERMS, RDF, URIRef
from rdflib.term import Node

from cmograph.checks.consistency import ACROSS
from cmograph.checks.results import CheckedFile, EvaluationGraph, Items, Reference
from cmograph.diagnostics import Diagnostic, Location, Severity
from cmograph.format.model import Section
from cmograph.format.vocab import CMO
from cmograph.ingest.build import Origin, Triple


def display_names(paths: Sequence[Path]) -> dict[Path, str]:
    """How each file is named in messages: by its name, or, where several files share that name (in different
    folders), by its path below the folder they have in common (``site-a/interviews.yaml``)."""
    by_name: dict[str, set[str]] = {}
    for path in paths:
        by_name.setdefault(path.name, set()).add(os.path.abspath(path))
    shown: dict[Path, str] = {}
    for path in paths:
        same = by_name[path.name]
        if len(same) == 1:
            shown[path] = path.name
        else:
            shown[path] = Path(os.path.abspath(path)).relative_to(os.path.commonpath(list(same))).as_posix()
    return shown


class Claims:
    """The evaluations of the files met so far, by id and by named graph, so that a later file giving one again is
    told (an error in the later file)."""

    def __init__(self, shown: dict[Path, str]) -> None:
        self.shown = shown  # see display_names
        self.ids: dict[str, Path] = {}
        self.graphs: dict[URIRef, tuple[str, Path]] = {}  # named graph -> the evaluation it holds, and its file

    def claim(self, item: CheckedFile) -> list[Diagnostic]:
        """The evaluations of ``item`` that an earlier file gave; remember the others."""
        name = self.shown.get(item.path, item.path.name)
        found = []
        for graph in item.graphs:
            if graph.evaluation_id in self.ids:
                other = self.ids[graph.evaluation_id]
                found.append(Diagnostic(
                    Location(name), "evaluation.id",
                    f"the evaluation '{graph.evaluation_id}' is also in {self.shown.get(other, other.name)}",
                    "give each evaluation its own id, or keep only one of the two files"))
            elif graph.graph in self.graphs:
                owner, path = self.graphs[graph.graph]
                found.append(shared_graph(name, graph, owner, self.shown.get(path, path.name)))
            self.ids[graph.evaluation_id] = item.path
            self.graphs.setdefault(graph.graph, (graph.evaluation_id, item.path))
        return found


def shared_graph(file: str, graph: EvaluationGraph, owner: str, owner_file: str) -> Diagnostic:
    """The error for an evaluation whose IRI, and so its named graph, is another evaluation's: loading both would
    mix them in one graph, and dropping one would drop the other's data."""
    iri = str(graph.graph).removesuffix("/graph")
    return Diagnostic(Location(file), "evaluation", f"the evaluation '{graph.evaluation_id}' has the IRI <{iri}>, "
                      f"which is the evaluation '{owner}' of {owner_file}", "give each evaluation its own IRI")


# ---------------------------------------------------------------------------------------------- references


def items_of(triples: Iterable[Triple], origins: dict[Node, Origin], key_lines: dict[tuple[Node, str], int]) -> Items:
    """The :class:`Items` of a file, from its ``triples`` and where they came from (``origins``, ``key_lines``)."""
    found = Items()
    typed: dict[Node, Node] = {}
    identifiers: dict[Node, str] = {}
    # the terms looked for, as locals: a namespace's attribute is a Python call, and this runs per triple
    rdf_type, identifier, evaluation = RDF.type, DCTERMS.identifier, CMO.Evaluation
    classes = {evaluation, CMO.Configuration}
    keys: dict[tuple[Section, Node | None], str] = {(section, key.predicate): key.name for section, key in ACROSS}
    across = {str(predicate) for _, predicate in keys}
    # rdflib compares and hashes its terms in Python; as text (an IRI's term is its text) that is done in C
    same, text = str.__eq__, str.__str__
    candidates = []
    for s, p, o in triples:
        if same(p, rdf_type):  # type: ignore[arg-type]  # a predicate is an IRI
            if o in classes:
                typed[s] = o
        elif same(p, identifier):  # type: ignore[arg-type]
            identifiers[s] = str(o)
        elif isinstance(o, URIRef) and text(p) in across:
            candidates.append((s, p, o))
    for node, cls in typed.items():
        if isinstance(node, URIRef) and cls == evaluation:
            found.evaluations[str(node)] = identifiers.get(node, str(node))
        elif isinstance(node, URIRef):
            found.configurations.add(str(node))
    own = tuple(f"{e}/" for e in found.evaluations)
    for s, p, o in candidates:
        holder = origins.get(s)
        name = keys.get((holder.section, p)) if holder is not None else None
        if holder is None or name is None or str(o).startswith(own):
            continue  # not a reference outside the file (one inside is checked by check_consistency)
        found.references.append(Reference(str(o), f"{holder.where}.{name}", key_lines.get((s, name)) or holder.line))
    return found


def check_references(files: Iterable[tuple[str, Sequence[Reference]]], evaluations: Mapping[str, str],
                     configurations: Set[str], *, complete: bool) -> list[Diagnostic]:
    """What is wrong with the references ``files`` (each by its name as messages show it) make to items outside
    themselves, among files whose ``evaluations`` (IRI -> id) and ``configurations`` (IRIs) are known.

    A reference into a known evaluation must name one of its configurations (an error otherwise). One into an
    evaluation that is not known is an error when the files are ``complete`` (a project: every evaluation is
    there), and otherwise a warning that it could not be checked."""
    by_evaluation: dict[str, list[str]] = {}  # filled when a reference is wrong: a project is checked file by file
    found = []
    for file, references in files:
        for ref in references:
            if ref.target in configurations:
                continue
            owner = _owner(ref.target, evaluations)
            shown = shown_reference(ref.target)
            if owner is not None:
                eid = evaluations[owner]
                if not by_evaluation:
                    for iri in configurations:
                        by_evaluation.setdefault(_owner(iri, evaluations) or "", []).append(iri)
                ids = sorted(shown_reference(c).partition("/")[2] for c in by_evaluation.get(owner, []))
                wanted = shown.partition("/")[2] if "/" in shown else shown
                close = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.4)
                hint = (f"did you mean '{eid}/{close[0]}'?" if close else
                        f"its configurations are: {', '.join(ids[:8])}{' ...' if len(ids) > 8 else ''}" if ids else
                        f"the evaluation '{eid}' has no configurations")
                found.append(Diagnostic(Location(file, ref.line), ref.where,
                                        f"'{shown}' is not a configuration of the evaluation '{eid}'", hint))
                continue
            named = _named_evaluation(ref.target)
            what = f"the evaluation '{named}'" if named else "an evaluation"
            if complete:
                known = ", ".join(sorted(evaluations.values())[:8])
                found.append(Diagnostic(
                    Location(file, ref.line), ref.where, f"'{shown}' names {what} that is not in this project",
                    f"add that evaluation's file to evaluations/, or correct the reference (the evaluations are: "
                    f"{known})"))
            else:
                found.append(Diagnostic(
                    Location(file, ref.line), ref.where,
                    f"could not check '{shown}': {what} it names is not among the files checked",
                    "check this file together with that evaluation's file, or in a project that holds both",
                    Severity.WARNING))
    return found


_ELEMENT = re.compile(r"^(?P<evaluation>.*)/cmoc/(?P<id>[^/]+)$")


def shown_reference(iri: str) -> str:
    """A reference as a file writes it: ``EVALUATION/ID`` for an IRI cmograph makes, else the IRI."""
    match = _ELEMENT.match(iri)
    if match is None or _named_evaluation(iri) is None:
        return iri
    return f"{_named_evaluation(iri)}/{unquote(match['id'])}"


def _named_evaluation(iri: str) -> str | None:
    """The id of the evaluation an IRI cmograph makes belongs to (``riverside-wards``)."""
    match = _ELEMENT.match(iri)
    if match is None:
        return None
    return unquote(re.split(r"[/#]", match["evaluation"])[-1]) or None


def _owner(iri: str, evaluations: Mapping[str, str]) -> str | None:
    """The evaluation (IRI) of ``evaluations`` that ``iri`` lies under: the longest that ``iri`` starts with,
    followed by ``/`` or ``#``. Looked up at each of those characters, from the end: comparing every IRI with
    every evaluation took minutes for a project of 565 evaluations."""
    end = len(iri)
    while (end := max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))) > 0:
        if iri[:end] in evaluations:
            return iri[:end]
    return None
