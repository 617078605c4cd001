"""The elements a team matches across evaluations: every context, mechanism, outcome, group and site, with its
label."""

from __future__ import annotations

from dataclasses import dataclass

from cmograph.format.model import CONTEXTS, GROUPS, MECHANISMS, OUTCOMES, SITES
from cmograph.query.engine import Engine

SECTIONS = (CONTEXTS, MECHANISMS, OUTCOMES, GROUPS, SITES)
KINDS = tuple(s.noun for s in SECTIONS)  # context, mechanism, outcome, group, site
_QUERY = """PREFIX cmo: <https://w3id.org/cmograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?evaluation ?id ?label ?class WHERE {
  ?s a ?class ; cmo:inEvaluation ?e ; dcterms:identifier ?id ; rdfs:label ?label .
  ?e dcterms:identifier ?evaluation .
  VALUES ?class { %s }
}"""


@dataclass(frozen=True)
class Element:
    """One element: its IRI, evaluation, id, kind (``mechanism``) and label."""

    iri: str
    evaluation: str
    id: str
    kind: str
    label: str

    @property
    def name(self) -> str:
        """As a concept scheme names a member: ``evaluation-id/element-id``."""
        return f"{self.evaluation}/{self.id}"

    @property
    def namespace(self) -> str:
        """The IRI the element's id is appended to (its CURIE prefix in a mapping file)."""
        return self.iri[: len(self.iri) - len(self.iri.rsplit("/", 1)[1])]


def elements(engine: Engine, kinds: tuple[str, ...] = KINDS) -> list[Element]:
    """The elements of ``kinds`` in the data, sorted by evaluation, kind and id (one label each)."""
    classes = {s.class_iri: s.noun for s in SECTIONS if s.noun in kinds}
    _, rows = engine.select(_QUERY % " ".join(f"<{c}>" for c in classes))
    found: dict[str, Element] = {}
    for row in rows:
        iri = str(row["s"])
        element = Element(iri, str(row["evaluation"]), str(row["id"]), classes[str(row["class"])], str(row["label"]))
        if iri not in found or element.label < found[iri].label:
            found[iri] = element
    return sorted(found.values(), key=lambda e: (e.evaluation, KINDS.index(e.kind), e.id))
