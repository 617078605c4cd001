"""Trusty URIs of module ``RA`` (https://github.com/trustyuri/trustyuri-spec): a set of named graphs hashed into
the 45-character artifact code (``RA`` and 43 Base64 characters of a SHA-256 hash) that ends the IRI naming them.

The IRI may occur in its own graphs, as may IRIs made of it and a ``#`` suffix (``...RA5Ab...#assertion``): they are
hashed with the artifact code written as one space, so the code is the same before and after it is put in. The
quads are sorted (graph, subject, predicate, then IRI objects before literals, literals by text, then datatype or
language) and written four lines each, the same text a nanopublication's signature signs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

import pyoxigraph as ox

CODE_LENGTH = 45
MODULE = "RA"
_ARTIFACT_CODE = re.compile(r"(?:^|[^A-Za-z0-9_-])(RA[A-Za-z0-9_-]{43})$")


def artifact_code_of(iri: str) -> str | None:
    """The ``RA`` artifact code ending ``iri``, or ``None`` if it is no potential trusty URI of that module."""
    found = _ARTIFACT_CODE.search(iri)
    return found.group(1) if found else None


def _iri(value: str, iri: str, placed: str) -> str:
    """``value`` as hashed: ``iri`` and ``iri#...`` with the artifact code part (``placed``) as a blank."""
    if value == iri or value.startswith(iri + "#"):
        return iri[: len(iri) - len(placed)] + " " + value[len(iri):]
    return value


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def normalized(quads: Iterable[ox.Quad], iri: str, placed: str, leave_out: str | None = None) -> str:
    """The text hashed for the quads that ``iri`` names, whose last ``len(placed)`` characters (the artifact code,
    or a stand-in before it is known) are hashed as a blank; quads whose predicate is ``leave_out`` are left out
    (a signature, which cannot sign itself). Blank nodes have no place in it: skolemise them first."""
    rows = []
    for quad in set(quads):
        if leave_out is not None and quad.predicate.value == leave_out:
            continue
        assert not isinstance(quad.graph_name, ox.DefaultGraph | ox.BlankNode), "named graphs only"
        assert isinstance(quad.subject, ox.NamedNode), "no blank nodes"
        obj = quad.object
        if isinstance(obj, ox.Literal):
            kind = f"@{obj.language.lower()}" if obj.language else f"^{obj.datatype.value}"
            key: tuple[object, ...] = (1, obj.value, 0 if obj.language else 1, obj.datatype.value,
                                       (obj.language or "").lower())
            text = f"{kind} {_escaped(obj.value)}"
        else:
            assert isinstance(obj, ox.NamedNode), "no blank nodes"
            text = _iri(obj.value, iri, placed)
            key = (0, text)
        graph, subject = _iri(quad.graph_name.value, iri, placed), _iri(quad.subject.value, iri, placed)
        predicate = _iri(quad.predicate.value, iri, placed)
        rows.append(((graph, subject, predicate, key), f"{graph}\n{subject}\n{predicate}\n{text}\n"))
    return "".join(text for _, text in sorted(rows))


def artifact_code(quads: Iterable[ox.Quad], iri: str, placed: str) -> str:
    """The ``RA`` artifact code of the quads that ``iri`` names (see :func:`normalized`)."""
    digest = hashlib.sha256(normalized(quads, iri, placed).encode("utf-8")).digest()
    return MODULE + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def verifies(quads: Iterable[ox.Quad], iri: str) -> bool:
    """Whether ``iri`` is a trusty URI whose artifact code is that of ``quads`` (which it cannot be if they have
    a blank node, a statement in the default graph or a quoted triple)."""
    code = artifact_code_of(iri)
    found = list(quads)
    hashable = all(isinstance(q.graph_name, ox.NamedNode) and isinstance(q.subject, ox.NamedNode)
                   and isinstance(q.object, ox.NamedNode | ox.Literal) for q in found)
    return code is not None and hashable and artifact_code(found, iri, code) == code
