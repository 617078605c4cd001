"""The evidence format as data: the single source for the vocabulary, the builder, the shapes and the JSON Schema.

Every key a file may hold is a :class:`Key` of a :class:`Section`, which names its predicate; the vocabulary
(:mod:`cmograph.format.vocab`) is every term named here; the graph builder maps keys to predicates with it, each
by its kind (:mod:`cmograph.format.kinds`); ``shapes/cmograph.shapes.ttl`` and ``schema/cmograph-evidence.schema.json``
are generated from it (``python -m cmograph.format.generate``), and tests fail if either file, or the hand-written
ontology, drifts from this module. IRIs are plain strings here (rdflib terms on demand), so that questions can read
the model without loading rdflib.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from cmograph.namespaces import CMO_NS, COMMON_PREFIXES

if TYPE_CHECKING:
    from rdflib import URIRef

KeyKind = Literal[
    "id", "slug", "text", "texts", "people", "year", "bool", "number", "date", "enum", "ref", "refs", "ref-or-date",
    "concept", "url", "doi", "license", "programme", "object", "objects",
]


class Terms:
    """The IRIs of one namespace as plain strings, named as in Turtle: ``cmo.Context``."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace  # private: every public name is a term (sh.namespace)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._namespace + name


cmo = Terms(CMO_NS)
dcterms = Terms(COMMON_PREFIXES["dcterms"])
prov = Terms(COMMON_PREFIXES["prov"])
rdfs = Terms(COMMON_PREFIXES["rdfs"])
sh = Terms(COMMON_PREFIXES["sh"])
skos = Terms(COMMON_PREFIXES["skos"])


def uri(iri: str) -> URIRef:
    """``iri`` as an rdflib term, imported here rather than at the top: questions read the model (element classes)
    without loading rdflib."""
    from rdflib import URIRef

    return URIRef(iri)


@dataclass(frozen=True)
class Enumeration:
    """A closed list of values; each value is an OWL individual and SKOS concept ``cmo:<name><Value>``."""

    name: str
    values: tuple[str, ...]
    definition: str

    def local_name(self, value: str) -> str:
        """The local name of the individual standing for ``value``: ``DirectionNoChange``."""
        return self.name + camel(value)

    def iri(self, value: str) -> URIRef:
        """The individual standing for ``value`` (which must be one of ``values``)."""
        return self._individuals[value]

    @cached_property
    def _individuals(self) -> dict[str, URIRef]:
        return {value: uri(CMO_NS + self.local_name(value)) for value in self.values}

    @cached_property
    def cls(self) -> URIRef:
        return uri(CMO_NS + self.name)

    @cached_property
    def scheme(self) -> URIRef:
        return uri(CMO_NS + self.name + "Scheme")


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
    ("hypothesised", "supported", "refuted", "refined", "mixed", "partial"),
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
OPERATION = Enumeration(
    "Operation",
    ("juxtaposing", "reconciling", "adjudicating", "consolidating", "situating"),
    "Pawson's operations of realist synthesis: how a configuration was made from configurations of other "
    "evaluations.",
)

ENUMERATIONS: tuple[Enumeration, ...] = (
    DESIGN, SETTING, SOURCE_KIND, CONTEXT_LEVEL, MECHANISM_KIND, DIRECTION, OUTCOME_LEVEL, STATUS, CONFIDENCE,
    STANCE, METHOD, DATA_TYPE, INTERPRETATION, THEORY_STATUS, OPERATION,
)


@dataclass(frozen=True)
class Key:
    """One key of a section: how it is written in a file and which triple it becomes."""

    name: str
    kind: KeyKind  # how it is built, shaped and schemed: cmograph.format.kinds.KINDS[kind]
    iri: str | None  # of its predicate
    doc: str
    required: bool = False
    enum: Enumeration | None = None
    target: str | None = None  # for ref kinds: the section the id must name
    section: Section | None = None  # for object kinds
    default: bool | str | None = None
    across: bool = False  # for ref kinds: an id may name an item of another evaluation (EVALUATION/ID, or an IRI)

    @cached_property
    def predicate(self) -> URIRef | None:
        return None if self.iri is None else uri(self.iri)

    def __hash__(self) -> int:  # not field by field (its section's keys and theirs): keys are hashed per triple
        return hash((self.name, self.iri))


@dataclass(frozen=True)
class Partial:
    """Items of a section that may lack one of their ``parts`` (keys otherwise required) when ``key`` is ``value``,
    and only then: a configuration marked ``status: partial`` has two of its context, mechanism and outcome (CO,
    CM or MO) while a theory is being built."""

    key: str
    value: str
    parts: tuple[str, ...]

    @property
    def named(self) -> str:
        """The parts as a sentence names them: ``context, mechanism and outcome``."""
        return ", ".join(self.parts[:-1]) + " and " + self.parts[-1]


@dataclass(frozen=True)
class Section:
    """A kind of item (a list entry or nested object) and the class its node gets."""

    name: str  # the key that holds it, e.g. ``contexts``
    noun: str  # how messages name one item, e.g. ``context``
    class_iri: str | None
    keys: tuple[Key, ...]
    doc: str
    min_items: int = 0
    path: str = ""  # IRI path segment under the evaluation (``context``)
    identified: bool = True  # has an ``id`` key
    partial: Partial | None = None  # the items that may lack a required key, and which keys

    @cached_property
    def cls(self) -> URIRef | None:
        return None if self.class_iri is None else uri(self.class_iri)

    def __hash__(self) -> int:  # not field by field through every key: sections are hashed per triple checked
        return hash((self.name, self.path))


ID = Key("id", "id", dcterms.identifier, "identifier, unique within its list (no spaces, '/', '#' or '?')",
         required=True)
LABEL = Key("label", "text", rdfs.label, "a short human-readable name", required=True)
DESCRIPTION = Key("description", "text", dcterms.description, "a longer description")
CONCEPT = Key("concept", "concept", cmo.concept,
              "the shared concepts (CURIEs or IRIs) this element belongs to: one, or a list of them")

MICROSYSTEM = Section(
    "microsystem", "microsystem", None,
    (
        Key("purpose", "text", cmo.microsystemPurpose, "the microsystem's purpose (the first of the 5 Ps)"),
        Key("patients", "text", cmo.microsystemPatients, "the patients it serves"),
        Key("professionals", "text", cmo.microsystemProfessionals, "the professionals who work in it"),
        Key("processes", "text", cmo.microsystemProcesses, "its processes"),
        Key("patterns", "text", cmo.microsystemPatterns, "its patterns of work and results"),
    ),
    "The clinical-microsystem 5 Ps as free text.", identified=False,
)
MEASURE = Section(
    "measures", "measure", cmo.Measure,
    (
        Key("indicator", "text", cmo.indicator, "what was measured", required=True),
        Key("value", "number", cmo.value, "the measured value", required=True),
        Key("unit", "text", cmo.unit, "the unit of the value", required=True),
        Key("baseline", "number", cmo.baseline, "the value before the programme"),
        Key("at", "ref-or-date", None, "when: an ISO 8601 date or a period id", target="periods"),
        Key("source", "ref", prov.wasDerivedFrom, "the source id the measure comes from", target="sources"),
    ),
    "A quantitative measurement of an outcome.", path="measure", identified=False,
)
EVIDENCE = Section(
    "evidence", "evidence item", cmo.Evidence,
    (
        Key("stance", "enum", cmo.stance, "how it bears on the configuration", enum=STANCE, default="supports"),
        Key("quote", "text", cmo.quote, "verbatim text from the source"),
        Key("summary", "text", cmo.summary, "the researcher's paraphrase"),
        Key("refs", "texts", cmo.refs, "citations as printed"),
        Key("source", "ref", prov.wasDerivedFrom, "the source id", target="sources"),
        Key("locator", "text", cmo.locator, "page, line or timestamp in the source"),
        Key("method", "enum", cmo.method, "how the evidence was collected", enum=METHOD),
        Key("data", "enum", cmo.dataType, "qualitative or quantitative", enum=DATA_TYPE),
        Key("informant", "ref", cmo.informant, "the group whose voice this is", target="groups"),
        Key("interpretation", "enum", cmo.interpretation, "whose reading of the data this is",
            enum=INTERPRETATION),
    ),
    "One piece of evidence for a configuration: a quote, a summary or references.",
    path="evidence", identified=False,
)

EVALUATION = Section(
    "evaluation", "evaluation", cmo.Evaluation,
    (
        Key("id", "slug", dcterms.identifier, "a slug", required=True),
        Key("title", "text", dcterms.title, "the study's title", required=True),
        Key("doi", "doi", cmo.doi, "the DOI of the main publication"),
        Key("year", "year", dcterms.issued, "year of publication"),
        Key("authors", "people", dcterms.creator, "the authors"),
        Key("design", "enum", cmo.design, "the study design", enum=DESIGN),
        Key("programme", "programme", cmo.evaluates, "the intervention or approach evaluated"),
        DESCRIPTION,
        Key("license", "license", dcterms.license, "the licence of this evidence file (IRI or SPDX id)"),
    ),
    "The study this file describes.",
)
SITES = Section(
    "sites", "site", cmo.Site,
    (
        ID, LABEL,
        Key("setting", "enum", cmo.setting, "the care setting", enum=SETTING),
        Key("size", "text", cmo.size, "the site's size, as reported"),
        DESCRIPTION, CONCEPT,
        Key("microsystem", "object", None, "the clinical-microsystem 5 Ps", section=MICROSYSTEM),
    ),
    "Cases or sites of the evaluation.", path="site",
)
GROUPS = Section(
    "groups", "group", cmo.Group, (ID, LABEL, DESCRIPTION, CONCEPT),
    'Populations or stakeholder groups: the "for whom".', path="group",
)
PERIODS = Section(
    "periods", "period", cmo.Period,
    (
        ID, LABEL,
        Key("start", "date", cmo.start, "start (ISO 8601 date, year-month or year)"),
        Key("end", "date", cmo.end, "end (ISO 8601 date, year-month or year)"),
        Key("phase", "text", cmo.phase, "the programme phase"),
    ),
    'Periods: the "when".', path="period",
)
SOURCES = Section(
    "sources", "source", cmo.Source,
    (
        ID, LABEL,
        Key("kind", "enum", cmo.sourceKind, "the kind of document", enum=SOURCE_KIND),
        Key("doi", "doi", cmo.doi, "its DOI"),
        Key("url", "url", rdfs.seeAlso, "where it can be read"),
        Key("cited_as", "text", dcterms.bibliographicCitation, "how it is cited"),
        Key("transcript", "text", cmo.transcript,
            "its transcript file (.txt or .docx), a path relative to the project; quotes from it are checked "
            "against it"),
    ),
    "Documents the evidence comes from.", path="source",
)
CONTEXTS = Section(
    "contexts", "context", cmo.Context,
    (ID, LABEL, Key("level", "enum", cmo.contextLevel, "Pawson's four I's", enum=CONTEXT_LEVEL), DESCRIPTION,
     CONCEPT),
    "Contexts: the circumstances in which mechanisms fire or not.", min_items=1, path="context",
)
MECHANISMS = Section(
    "mechanisms", "mechanism", cmo.Mechanism,
    (ID, LABEL, Key("kind", "enum", cmo.mechanismKind, "resource or response", enum=MECHANISM_KIND),
     DESCRIPTION, CONCEPT),
    "Mechanisms: programme resources and people's responses to them.", min_items=1, path="mechanism",
)
OUTCOMES = Section(
    "outcomes", "outcome", cmo.Outcome,
    (
        ID, LABEL,
        Key("direction", "enum", cmo.direction, "positive, negative, mixed or no-change", enum=DIRECTION),
        Key("intended", "bool", cmo.intended, "whether the programme intended it"),
        Key("level", "enum", cmo.outcomeLevel, "proximal or distal", enum=OUTCOME_LEVEL),
        DESCRIPTION, CONCEPT,
        Key("measures", "objects", cmo.hasMeasure, "quantitative measurements", section=MEASURE),
    ),
    "Outcomes, intended or not.", min_items=1, path="outcome",
)
JUDGEMENTS = Section(
    "derived_from", "judgement", cmo.SynthesisJudgement,
    (
        Key("operation", "enum", cmo.operation, "the synthesis operation", required=True, enum=OPERATION),
        Key("cmocs", "refs", prov.used, "the configurations it rests on: EVALUATION/ID, an IRI, or an id in this "
            "file", required=True, target="cmocs", across=True),
        Key("note", "text", skos.note, "what the configurations show together, and why this operation"),
        Key("by", "people", dcterms.creator, "who made the judgement"),
    ),
    "A synthesis judgement: a configuration derived from configurations of other evaluations by one of Pawson's "
    "operations.", path="judgement", identified=False,
)
CMOCS = Section(
    "cmocs", "configuration", cmo.Configuration,
    (
        ID,
        Key("context", "refs", cmo.hasContext, "context ids", required=True, target="contexts"),
        Key("mechanism", "refs", cmo.hasMechanism, "mechanism ids", required=True, target="mechanisms"),
        Key("outcome", "refs", cmo.hasOutcome, "outcome ids", required=True, target="outcomes"),
        Key("mechanism_activated", "bool", cmo.mechanismActivated,
            "false when the configuration reports the mechanism NOT being triggered", default=True),
        Key("for_whom", "refs", cmo.forWhom, "group ids", target="groups"),
        Key("when", "refs", cmo.inPeriod, "period ids", target="periods"),
        Key("sites", "refs", cmo.atSite, "site ids (absent: not attributed to a site)", target="sites"),
        Key("status", "enum", cmo.status, "how far the evidence supports it", enum=STATUS),
        Key("confidence", "enum", cmo.confidence, "CERQual-style confidence", enum=CONFIDENCE),
        Key("confidence_note", "text", cmo.confidenceNote, "why that confidence"),
        Key("statement", "text", cmo.statement, "the if-then-because sentence"),
        Key("leads_to", "refs", cmo.leadsTo, "configurations whose context this one's outcome becomes",
            target="cmocs"),
        Key("refines", "ref", cmo.refines, "the configuration this one refines (an earlier version)",
            target="cmocs"),
        Key("theory", "refs", cmo.inTheory, "the programme theories it belongs to (theories held side by side)",
            target="theories"),
        Key("evidence", "objects", cmo.hasEvidence, "evidence items", section=EVIDENCE),
        Key("derived_from", "objects", cmo.derivedBy, "the synthesis judgements it was derived by, from "
            "configurations of other evaluations", section=JUDGEMENTS),
    ),
    "Context-mechanism-outcome configurations.", min_items=1, path="cmoc",
    partial=Partial("status", "partial", ("context", "mechanism", "outcome")),
)
THEORIES = Section(
    "theories", "theory", cmo.ProgrammeTheory,
    (
        ID, LABEL,
        Key("cmocs", "refs", cmo.includesConfiguration, "the configurations of this theory (EVALUATION/ID or an "
            "IRI for another evaluation's)", target="cmocs", across=True),
        Key("revises", "ref", prov.wasRevisionOf, "the earlier version this one revises", target="theories"),
        Key("status", "enum", cmo.theoryStatus, "initial, refined or final", enum=THEORY_STATUS),
        Key("note", "text", skos.note, "what changed and why"),
    ),
    "Programme theories: versions of one (revises) or theories held side by side.", path="theory",
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
ALL_SECTIONS: tuple[Section, ...] = (EVALUATION, *LISTS, MEASURE, EVIDENCE, JUDGEMENTS, MICROSYSTEM)
# The terms the builder writes besides rdf:type, the sections' classes and the keys' predicates.
BUILDER_TERMS: tuple[str, ...] = (
    cmo.inEvaluation,  # on every node made from a file: the evaluation it belongs to
    cmo.formatVersion,  # the file's 'cmograph' (format version)
    cmo.Programme,  # the class of the node that 'evaluation.programme' names
    cmo.position,  # the place of a measure or an evidence item in its list, from 1
    cmo.atPeriod,  # a measure's 'at' when it names a period
    cmo.atDate,  # a measure's 'at' when it is a date
    cmo.statementGenerated,  # true when cmograph wrote a configuration's statement from its parts
    prov.Person,  # the class of an author (or a judgement's maker) named with an ORCID iD
    sh.declare, sh.prefix, sh.namespace,  # the file's 'prefixes', as SHACL prefix declarations of its evaluation
)


def section_for_class(cls: URIRef) -> Section | None:
    """The section whose items have class ``cls``."""
    return next((s for s in ALL_SECTIONS if s.cls == cls), None)
