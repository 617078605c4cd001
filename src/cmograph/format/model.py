"""The evidence format as data: the single source for the builder, the shapes and the JSON Schema.

Every key a file may hold is a :class:`Key` of a :class:`Section`; the graph builder maps keys to predicates
with it, ``shapes/cmograph.shapes.ttl`` and ``schema/cmograph-evidence.schema.json`` are generated from it
(``python -m cmograph.format.generate``), and a test fails if either file drifts from this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rdflib import DCTERMS, RDFS, SKOS, URIRef

from cmograph.format.vocab import CMO, PROV

KeyKind = Literal[
    "id", "text", "texts", "int", "year", "bool", "number", "date", "enum", "ref", "refs", "ref-or-date",
    "concept", "url", "license", "programme", "object", "objects",
]


@dataclass(frozen=True)
class Enumeration:
    """A closed list of values; each value is an OWL individual and SKOS concept ``cmo:<name><Value>``."""

    name: str
    values: tuple[str, ...]
    definition: str

    def iri(self, value: str) -> URIRef:
        """The individual standing for ``value`` (which must be one of ``values``)."""
        return CMO[self.name + camel(value)]

    @property
    def cls(self) -> URIRef:
        return CMO[self.name]

    @property
    def scheme(self) -> URIRef:
        return CMO[self.name + "Scheme"]


def camel(value: str) -> str:
    """``no-change`` -> ``NoChange``."""
    return "".join(part.capitalize() for part in value.replace("_", "-").split("-"))


DESIGN = Enumeration(
    "Design",
    ("realist-evaluation", "realist-review", "realist-synthesis", "trial-with-realist-process-evaluation", "other"),
    "The design of an evaluation.",
)
SETTING = Enumeration(
    "Setting",
    ("primary", "secondary", "tertiary", "community", "social-care", "other"),
    "The care setting of a site.",
)
SOURCE_KIND = Enumeration(
    "SourceKind",
    ("interview-transcript", "focus-group-transcript", "field-notes", "survey", "routine-data", "report",
     "article", "other"),
    "The kind of document evidence comes from.",
)
CONTEXT_LEVEL = Enumeration(
    "ContextLevel",
    ("individual", "interpersonal", "institutional", "infrastructural"),
    "Pawson's four I's: the layer of social reality a context belongs to.",
)
MECHANISM_KIND = Enumeration(
    "MechanismKind",
    ("resource", "response"),
    "Dalkin et al. (2015): what the programme offers (resource) or how people reason and react (response).",
)
DIRECTION = Enumeration(
    "Direction", ("positive", "negative", "mixed", "no-change"), "The direction of an outcome."
)
OUTCOME_LEVEL = Enumeration(
    "OutcomeLevel", ("proximal", "distal"), "Whether an outcome is proximal (immediate) or distal (later)."
)
STATUS = Enumeration(
    "Status",
    ("hypothesised", "supported", "refuted", "refined", "mixed"),
    "How far the evaluation supports a configuration.",
)
CONFIDENCE = Enumeration(
    "Confidence", ("high", "moderate", "low", "very-low"), "CERQual-style confidence in a configuration."
)
STANCE = Enumeration(
    "Stance", ("supports", "refutes", "qualifies"), "How an evidence item bears on its configuration."
)
METHOD = Enumeration(
    "Method",
    ("interview", "focus-group", "observation", "survey", "routine-data", "document", "literature"),
    "The method by which evidence was collected.",
)
DATA_TYPE = Enumeration("DataType", ("qualitative", "quantitative"), "Whether evidence is qualitative or quantitative.")
INTERPRETATION = Enumeration(
    "Interpretation", ("participant", "author", "reviewer"), "Whose reading of the data an evidence item is."
)
THEORY_STATUS = Enumeration(
    "TheoryStatus", ("initial", "refined", "final"), "The stage of a programme-theory version."
)

ENUMERATIONS: tuple[Enumeration, ...] = (
    DESIGN, SETTING, SOURCE_KIND, CONTEXT_LEVEL, MECHANISM_KIND, DIRECTION, OUTCOME_LEVEL, STATUS, CONFIDENCE,
    STANCE, METHOD, DATA_TYPE, INTERPRETATION, THEORY_STATUS,
)


@dataclass(frozen=True)
class Key:
    """One key of a section: how it is written in a file and which triple it becomes."""

    name: str
    kind: KeyKind
    predicate: URIRef | None
    doc: str
    required: bool = False
    enum: Enumeration | None = None
    target: str | None = None  # for ref kinds: the section the id must name
    section: Section | None = None  # for object kinds
    default: bool | str | None = None


@dataclass(frozen=True)
class Section:
    """A kind of item (a list entry or nested object) and the class its node gets."""

    name: str  # the key that holds it, e.g. ``contexts``
    noun: str  # how messages name one item, e.g. ``context``
    cls: URIRef | None
    keys: tuple[Key, ...]
    doc: str
    min_items: int = 0
    path: str = ""  # IRI path segment under the evaluation (``context``)
    identified: bool = True  # has an ``id`` key
    extra: dict[str, str] = field(default_factory=dict)

    def key(self, name: str) -> Key | None:
        return next((k for k in self.keys if k.name == name), None)

    def key_for(self, predicate: URIRef) -> Key | None:
        return next((k for k in self.keys if k.predicate == predicate), None)


ID = Key("id", "id", DCTERMS.identifier, "identifier, unique within its list (no spaces, '/', '#' or '?')",
         required=True)
LABEL = Key("label", "text", RDFS.label, "a short human-readable name", required=True)
DESCRIPTION = Key("description", "text", DCTERMS.description, "a longer description")
CONCEPT = Key("concept", "concept", CMO.concept, "a shared concept (CURIE or IRI) this element instantiates")

MICROSYSTEM = Section(
    "microsystem", "microsystem", None,
    (
        Key("purpose", "text", CMO.microsystemPurpose, "the microsystem's purpose (the first of the 5 Ps)"),
        Key("patients", "text", CMO.microsystemPatients, "the patients it serves"),
        Key("professionals", "text", CMO.microsystemProfessionals, "the professionals who work in it"),
        Key("processes", "text", CMO.microsystemProcesses, "its processes"),
        Key("patterns", "text", CMO.microsystemPatterns, "its patterns of work and results"),
    ),
    "The clinical-microsystem 5 Ps as free text.", identified=False,
)
MEASURE = Section(
    "measures", "measure", CMO.Measure,
    (
        Key("indicator", "text", CMO.indicator, "what was measured", required=True),
        Key("value", "number", CMO.value, "the measured value", required=True),
        Key("unit", "text", CMO.unit, "the unit of the value", required=True),
        Key("baseline", "number", CMO.baseline, "the value before the programme"),
        Key("at", "ref-or-date", None, "when: an ISO 8601 date or a period id", target="periods"),
        Key("source", "ref", PROV.wasDerivedFrom, "the source id the measure comes from", target="sources"),
    ),
    "A quantitative measurement of an outcome.", path="measure", identified=False,
)
EVIDENCE = Section(
    "evidence", "evidence item", CMO.Evidence,
    (
        Key("stance", "enum", CMO.stance, "how it bears on the configuration", enum=STANCE, default="supports"),
        Key("quote", "text", CMO.quote, "verbatim text from the source"),
        Key("summary", "text", CMO.summary, "the researcher's paraphrase"),
        Key("refs", "texts", CMO.refs, "citations as printed"),
        Key("source", "ref", PROV.wasDerivedFrom, "the source id", target="sources"),
        Key("locator", "text", CMO.locator, "page, line or timestamp in the source"),
        Key("method", "enum", CMO.method, "how the evidence was collected", enum=METHOD),
        Key("data", "enum", CMO.dataType, "qualitative or quantitative", enum=DATA_TYPE),
        Key("informant", "ref", CMO.informant, "the group whose voice this is", target="groups"),
        Key("interpretation", "enum", CMO.interpretation, "whose reading of the data this is",
            enum=INTERPRETATION),
    ),
    "One piece of evidence for a configuration: a quote, a summary or references.",
    path="evidence", identified=False,
)

EVALUATION = Section(
    "evaluation", "evaluation", CMO.Evaluation,
    (
        ID,
        Key("title", "text", DCTERMS.title, "the study's title", required=True),
        Key("doi", "text", CMO.doi, "the DOI of the main publication"),
        Key("year", "year", DCTERMS.issued, "year of publication"),
        Key("authors", "texts", DCTERMS.creator, "the authors"),
        Key("design", "enum", CMO.design, "the study design", enum=DESIGN),
        Key("programme", "programme", CMO.evaluates, "the intervention or approach evaluated"),
        DESCRIPTION,
        Key("license", "license", DCTERMS.license, "the licence of this evidence file (IRI or SPDX id)"),
    ),
    "The study this file describes.",
)
SITES = Section(
    "sites", "site", CMO.Site,
    (
        ID, LABEL,
        Key("setting", "enum", CMO.setting, "the care setting", enum=SETTING),
        Key("size", "text", CMO.size, "the site's size, as reported"),
        DESCRIPTION,
        Key("microsystem", "object", None, "the clinical-microsystem 5 Ps", section=MICROSYSTEM),
    ),
    "Cases or sites of the evaluation.", path="site",
)
GROUPS = Section(
    "groups", "group", CMO.Group, (ID, LABEL, DESCRIPTION),
    'Populations or stakeholder groups: the "for whom".', path="group",
)
PERIODS = Section(
    "periods", "period", CMO.Period,
    (
        ID, LABEL,
        Key("start", "date", CMO.start, "start (ISO 8601 date, year-month or year)"),
        Key("end", "date", CMO.end, "end (ISO 8601 date, year-month or year)"),
        Key("phase", "text", CMO.phase, "the programme phase"),
    ),
    'Periods: the "when".', path="period",
)
SOURCES = Section(
    "sources", "source", CMO.Source,
    (
        ID, LABEL,
        Key("kind", "enum", CMO.sourceKind, "the kind of document", enum=SOURCE_KIND),
        Key("doi", "text", CMO.doi, "its DOI"),
        Key("url", "url", RDFS.seeAlso, "where it can be read"),
        Key("cited_as", "text", DCTERMS.bibliographicCitation, "how it is cited"),
    ),
    "Documents the evidence comes from.", path="source",
)
CONTEXTS = Section(
    "contexts", "context", CMO.Context,
    (ID, LABEL, Key("level", "enum", CMO.contextLevel, "Pawson's four I's", enum=CONTEXT_LEVEL), DESCRIPTION,
     CONCEPT),
    "Contexts: the circumstances in which mechanisms fire or not.", min_items=1, path="context",
)
MECHANISMS = Section(
    "mechanisms", "mechanism", CMO.Mechanism,
    (ID, LABEL, Key("kind", "enum", CMO.mechanismKind, "resource or response", enum=MECHANISM_KIND),
     DESCRIPTION, CONCEPT),
    "Mechanisms: programme resources and people's responses to them.", min_items=1, path="mechanism",
)
OUTCOMES = Section(
    "outcomes", "outcome", CMO.Outcome,
    (
        ID, LABEL,
        Key("direction", "enum", CMO.direction, "positive, negative, mixed or no-change", enum=DIRECTION),
        Key("intended", "bool", CMO.intended, "whether the programme intended it"),
        Key("level", "enum", CMO.outcomeLevel, "proximal or distal", enum=OUTCOME_LEVEL),
        DESCRIPTION, CONCEPT,
        Key("measures", "objects", CMO.hasMeasure, "quantitative measurements", section=MEASURE),
    ),
    "Outcomes, intended or not.", min_items=1, path="outcome",
)
CMOCS = Section(
    "cmocs", "configuration", CMO.Configuration,
    (
        ID,
        Key("context", "refs", CMO.hasContext, "context ids", required=True, target="contexts"),
        Key("mechanism", "refs", CMO.hasMechanism, "mechanism ids", required=True, target="mechanisms"),
        Key("outcome", "refs", CMO.hasOutcome, "outcome ids", required=True, target="outcomes"),
        Key("mechanism_activated", "bool", CMO.mechanismActivated,
            "false when the configuration reports the mechanism NOT being triggered", default=True),
        Key("for_whom", "refs", CMO.forWhom, "group ids", target="groups"),
        Key("when", "refs", CMO.inPeriod, "period ids", target="periods"),
        Key("sites", "refs", CMO.atSite, "site ids (absent: not attributed to a site)", target="sites"),
        Key("status", "enum", CMO.status, "how far the evidence supports it", enum=STATUS),
        Key("confidence", "enum", CMO.confidence, "CERQual-style confidence", enum=CONFIDENCE),
        Key("confidence_note", "text", CMO.confidenceNote, "why that confidence"),
        Key("statement", "text", CMO.statement, "the if-then-because sentence"),
        Key("leads_to", "refs", CMO.leadsTo, "configurations whose context this one's outcome becomes",
            target="cmocs"),
        Key("refines", "ref", CMO.refines, "the configuration this one refines (an earlier version)",
            target="cmocs"),
        Key("evidence", "objects", CMO.hasEvidence, "evidence items", section=EVIDENCE),
    ),
    "Context-mechanism-outcome configurations.", min_items=1, path="cmoc",
)
THEORIES = Section(
    "theories", "theory", CMO.ProgrammeTheory,
    (
        ID, LABEL,
        Key("cmocs", "refs", CMO.includesConfiguration, "the configurations of this version", required=True,
            target="cmocs"),
        Key("revises", "ref", PROV.wasRevisionOf, "the earlier version this one revises", target="theories"),
        Key("status", "enum", CMO.theoryStatus, "initial, refined or final", enum=THEORY_STATUS),
        Key("note", "text", SKOS.note, "what changed and why"),
    ),
    "Programme-theory versions.", path="theory",
)

LISTS: tuple[Section, ...] = (SITES, GROUPS, PERIODS, SOURCES, CONTEXTS, MECHANISMS, OUTCOMES, CMOCS, THEORIES)
LIST_BY_NAME: dict[str, Section] = {s.name: s for s in LISTS}
TOP_LEVEL_KEYS: tuple[str, ...] = ("cmograph", "evaluation", *(s.name for s in LISTS), "prefixes", "$schema")
REQUIRED_TOP_LEVEL: tuple[str, ...] = ("cmograph", "evaluation", "contexts", "mechanisms", "outcomes", "cmocs")
FORMAT_VERSION = 1
ID_PATTERN = r"^[^\s/#?]+$"
TEXT_PATTERN = r"\S"  # text says something: not empty, not only white space
# Numbers are kept exactly, with at most this many digits before the decimal point and after it: what the store's
# SPARQL compares and computes with (Oxigraph's decimals; a number beyond them would be kept but silently left out
# of every comparison, sort and sum).
NUMBER_DIGITS = 20
NUMBER_DECIMALS = 18
NUMBER_PATTERN = (rf"^[+-]?0*([0-9]{{1,{NUMBER_DIGITS}}}(\.[0-9]{{0,{NUMBER_DECIMALS}}}0*)?"
                  rf"|\.[0-9]{{1,{NUMBER_DECIMALS}}}0*)$")
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ALL_SECTIONS: tuple[Section, ...] = (EVALUATION, *LISTS, MEASURE, EVIDENCE, MICROSYSTEM)


def section_for_class(cls: URIRef) -> Section | None:
    """The section whose items have class ``cls``."""
    return next((s for s in ALL_SECTIONS if s.cls == cls), None)
