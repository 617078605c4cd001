"""The cmograph vocabulary as an rdflib ``DefinedNamespace`` of exactly the terms the format model names.

The classes, properties, enumeration classes, schemes and individuals are not listed here: they are read from
:mod:`cmograph.format.model`, so a key written there is a term here, and a misspelt term fails loudly.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta

from cmograph import namespaces
from cmograph.format.model import ALL_SECTIONS, BUILDER_TERMS, ENUMERATIONS
from cmograph.namespaces import CMO_NS, DEFAULT_BASE, ONTOLOGY_IRI

__all__ = ["CMO", "DEFAULT_BASE", "ONTOLOGY_IRI", "PROV", "TERMS"]
PROV = Namespace(namespaces.PROV)


def _model_terms() -> tuple[str, ...]:
    """The local names of every ``cmo:`` term of the model, once each: classes, then properties, then the
    enumerations (class, scheme, individuals)."""
    iris = [s.class_iri for s in ALL_SECTIONS]
    iris += [k.iri for s in ALL_SECTIONS for k in s.keys]
    iris += BUILDER_TERMS
    names = [iri[len(CMO_NS):] for iri in iris if iri is not None and iri.startswith(CMO_NS)]
    for enum in ENUMERATIONS:
        names += [enum.name, enum.name + "Scheme", *(enum.local_name(v) for v in enum.values)]
    return tuple(dict.fromkeys(names))


TERMS: tuple[str, ...] = _model_terms()
CMO = DefinedNamespaceMeta("CMO", (DefinedNamespace,), {
    "__doc__": "Terms of the cmograph ontology (``ontology/cmograph.ttl``), as the format model names them.",
    "__annotations__": dict.fromkeys(TERMS, URIRef),
    "_NS": Namespace(CMO_NS),
    "_fail": True,
})
