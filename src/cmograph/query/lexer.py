"""SPARQL text as tokens, for the few places cmograph reads query text: refusing updates in user queries, and
rewriting a question's OPTIONAL groups for the embedded engine."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ESCAPE = r"""\\[tbnrf\\"']|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"""
# One SPARQL token at a time, in the order the grammar's terminals must be tried (SPARQL 1.1, section 19.8).
# Strings, comments, IRIs and the local part of prefixed names can never hold a keyword; everything else can.
TOKEN = re.compile(rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
  | (?P<string>\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ESCAPE}))*\"\"\"
             | '''(?:(?:'|'')?(?:[^'\\]|{_ESCAPE}))*'''
             | "(?:[^"\\\r\n]|{_ESCAPE})*"
             | '(?:[^'\\\r\n]|{_ESCAPE})*')
  | (?P<variable>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]*)
  | (?P<prefix>[^\W\d][\w.-]*)?:(?P<local>(?:[\w:-]|%[0-9A-Fa-f]{{2}}|\\[_~.!$&'()*+,;=/?\#@%-])*)
  | (?P<word>[^\s"'<>\#?$:\\(){{}}\[\],;.=!|^/*+&@-]+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@lru_cache(maxsize=64)
def lateral_optionals(sparql: str) -> str:
    """Every ``OPTIONAL { P }`` as ``LATERAL { OPTIONAL { P } }``: Oxigraph then evaluates P once per row, with the
    row's values, instead of all of P once and joining. Same answers (P's free variables join as before); far
    faster when the rows are few, far slower when they are many, so questions opt in (``lateral: true``).
    """
    tokens = [t for t in TOKEN.finditer(sparql) if t.lastgroup not in ("space", "comment")]
    inserts: list[tuple[int, str]] = []
    for i, token in enumerate(tokens):
        if token.lastgroup != "word" or token.group().upper() != "OPTIONAL":
            continue
        depth = 0
        for following in tokens[i + 1:]:
            text = following.group() if following.lastgroup == "other" else ""
            depth += (text == "{") - (text == "}")
            if text == "}" and depth == 0:
                inserts += [(token.start(), "LATERAL { "), (following.end(), " }")]
                break
    for at, text in sorted(inserts, reverse=True):
        sparql = sparql[:at] + text + sparql[at:]
    return sparql


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def escape_views(sparql: str) -> list[str]:
    """The text as written and, for parsers that read ``\\u0053`` escapes before parsing (as the SPARQL grammar
    says), once more with those escapes read: a keyword must be looked for in both."""
    if not _CODEPOINT.search(sparql):
        return [sparql]
    return [sparql, _CODEPOINT.sub(_codepoint, sparql)]


def _codepoint(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


def holds(word: str, keyword: str) -> bool:
    """Whether ``word`` holds ``keyword`` in any case, also after Unicode case folding and normalisation (some
    parsers read a keyword glued to other letters, or spelt with compatibility characters)."""
    if word.isascii():
        return keyword in word.upper()
    forms = {word.upper(), word.casefold().upper(), unicodedata.normalize("NFKC", word).upper()}
    return any(keyword in form for form in forms)
