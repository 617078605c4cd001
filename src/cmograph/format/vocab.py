"""The cmograph vocabulary as an rdflib ``DefinedNamespace``: a misspelt term fails loudly."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from cmograph.namespaces import CMO_NS, DEFAULT_BASE, ONTOLOGY_IRI

__all__ = ["CMO", "DEFAULT_BASE", "ONTOLOGY_IRI", "PROV"]
PROV = Namespace("http://www.w3.org/ns/prov#")


class CMO(DefinedNamespace):
    """Terms of the cmograph ontology (``ontology/cmograph.ttl``)."""

    _NS = Namespace(CMO_NS)
    _fail = True

    # classes
    Evaluation: URIRef
    Programme: URIRef
    Site: URIRef
    Group: URIRef
    Period: URIRef
    Source: URIRef
    Context: URIRef
    Mechanism: URIRef
    Outcome: URIRef
    Measure: URIRef
    Configuration: URIRef
    Evidence: URIRef
    ProgrammeTheory: URIRef
    # enumeration classes (each also has a concept scheme ``<Name>Scheme``)
    Design: URIRef
    Setting: URIRef
    SourceKind: URIRef
    ContextLevel: URIRef
    MechanismKind: URIRef
    Direction: URIRef
    OutcomeLevel: URIRef
    Status: URIRef
    Confidence: URIRef
    Stance: URIRef
    Method: URIRef
    DataType: URIRef
    Interpretation: URIRef
    TheoryStatus: URIRef
    # object properties
    inEvaluation: URIRef
    evaluates: URIRef
    design: URIRef
    setting: URIRef
    sourceKind: URIRef
    contextLevel: URIRef
    mechanismKind: URIRef
    direction: URIRef
    outcomeLevel: URIRef
    concept: URIRef
    hasMeasure: URIRef
    atPeriod: URIRef
    hasContext: URIRef
    hasMechanism: URIRef
    hasOutcome: URIRef
    forWhom: URIRef
    inPeriod: URIRef
    atSite: URIRef
    status: URIRef
    confidence: URIRef
    leadsTo: URIRef
    refines: URIRef
    hasEvidence: URIRef
    stance: URIRef
    method: URIRef
    dataType: URIRef
    informant: URIRef
    interpretation: URIRef
    includesConfiguration: URIRef
    theoryStatus: URIRef
    # datatype properties
    doi: URIRef
    size: URIRef
    microsystemPurpose: URIRef
    microsystemPatients: URIRef
    microsystemProfessionals: URIRef
    microsystemProcesses: URIRef
    microsystemPatterns: URIRef
    start: URIRef
    end: URIRef
    phase: URIRef
    intended: URIRef
    indicator: URIRef
    value: URIRef
    unit: URIRef
    baseline: URIRef
    atDate: URIRef
    mechanismActivated: URIRef
    confidenceNote: URIRef
    statement: URIRef
    statementGenerated: URIRef
    quote: URIRef
    summary: URIRef
    refs: URIRef
    locator: URIRef
    position: URIRef
    formatVersion: URIRef
    # enumeration individuals and schemes
    DesignScheme: URIRef
    DesignRealistEvaluation: URIRef
    DesignRealistReview: URIRef
    DesignRealistSynthesis: URIRef
    DesignTrialWithRealistProcessEvaluation: URIRef
    DesignOther: URIRef
    SettingScheme: URIRef
    SettingPrimary: URIRef
    SettingSecondary: URIRef
    SettingTertiary: URIRef
    SettingCommunity: URIRef
    SettingSocialCare: URIRef
    SettingOther: URIRef
    SourceKindScheme: URIRef
    SourceKindInterviewTranscript: URIRef
    SourceKindFocusGroupTranscript: URIRef
    SourceKindFieldNotes: URIRef
    SourceKindSurvey: URIRef
    SourceKindRoutineData: URIRef
    SourceKindReport: URIRef
    SourceKindArticle: URIRef
    SourceKindOther: URIRef
    ContextLevelScheme: URIRef
    ContextLevelIndividual: URIRef
    ContextLevelInterpersonal: URIRef
    ContextLevelInstitutional: URIRef
    ContextLevelInfrastructural: URIRef
    MechanismKindScheme: URIRef
    MechanismKindResource: URIRef
    MechanismKindResponse: URIRef
    DirectionScheme: URIRef
    DirectionPositive: URIRef
    DirectionNegative: URIRef
    DirectionMixed: URIRef
    DirectionNoChange: URIRef
    OutcomeLevelScheme: URIRef
    OutcomeLevelProximal: URIRef
    OutcomeLevelDistal: URIRef
    StatusScheme: URIRef
    StatusHypothesised: URIRef
    StatusSupported: URIRef
    StatusRefuted: URIRef
    StatusRefined: URIRef
    StatusMixed: URIRef
    ConfidenceScheme: URIRef
    ConfidenceHigh: URIRef
    ConfidenceModerate: URIRef
    ConfidenceLow: URIRef
    ConfidenceVeryLow: URIRef
    StanceScheme: URIRef
    StanceSupports: URIRef
    StanceRefutes: URIRef
    StanceQualifies: URIRef
    MethodScheme: URIRef
    MethodInterview: URIRef
    MethodFocusGroup: URIRef
    MethodObservation: URIRef
    MethodSurvey: URIRef
    MethodRoutineData: URIRef
    MethodDocument: URIRef
    MethodLiterature: URIRef
    DataTypeScheme: URIRef
    DataTypeQualitative: URIRef
    DataTypeQuantitative: URIRef
    InterpretationScheme: URIRef
    InterpretationParticipant: URIRef
    InterpretationAuthor: URIRef
    InterpretationReviewer: URIRef
    TheoryStatusScheme: URIRef
    TheoryStatusInitial: URIRef
    TheoryStatusRefined: URIRef
    TheoryStatusFinal: URIRef
