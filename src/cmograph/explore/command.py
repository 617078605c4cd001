"""The ``cmograph ask`` command line that gives the same answer as the explorer, quoted for a POSIX shell."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence

from cmograph.query.catalogue import Question


def command_line(question: Question, options: Mapping[str, str], like: bool, data_args: Sequence[str]) -> str:
    """``cmograph ask QUESTION DATA-OPTIONS --option VALUE ...`` with the options given (in the question's order),
    each word quoted where a shell would split or expand it."""
    words = ["cmograph", "ask", question.id, *data_args]
    for parameter in question.parameters:
        value = options.get(parameter.name)
        if value:
            words += [f"--{parameter.name}", value]
    if like:
        words.append("--like")
    return shlex.join(words)
