"""Evidence data written as a YAML evidence file a person can read and edit: a header comment saying where it
came from, the sections in the format's order with a blank line between them, block lists, multi-line text as
``|`` blocks, and every value read back by cmograph exactly as it was (text that would read as a number, a
yes/no or nothing is quoted; numbers keep their digits)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import yaml

from cmograph.format.model import TOP_LEVEL_KEYS

# what cmograph's reader takes for a number, true/false or nothing when unquoted (ingest.yaml_json): such text is
# quoted, on top of what PyYAML quotes by itself
_TYPED = re.compile(r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?|true|True|TRUE|false|False"
                    r"|FALSE|~|null|Null|NULL)$")


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases (a list shared by two items is written twice)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if "\n" in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    if _TYPED.match(text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="'")
    return dumper.represent_str(text)


def _decimal(dumper: yaml.SafeDumper, number: Decimal) -> yaml.ScalarNode:
    text = format(number, "f")
    tag = dumper.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]  # int or float
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(Decimal, _decimal)


def evidence_yaml(data: dict[str, Any], header: Sequence[str] = ()) -> str:
    """``data`` (as a YAML evidence file holds it) as YAML text, after ``header`` lines as comments."""
    order = {key: i for i, key in enumerate(TOP_LEVEL_KEYS)}
    ordered = dict(sorted(data.items(), key=lambda item: order.get(item[0], len(order))))
    body = yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=False)
    lines = body.splitlines()
    spaced = [line if i == 0 or line[:1] in (" ", "-", "") else "\n" + line for i, line in enumerate(lines)]
    comments = [f"# {line}".rstrip() for text in header for line in text.splitlines() or [""]]
    return "\n".join([*comments, *spaced]) + "\n"
