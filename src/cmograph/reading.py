"""Read an evidence file (YAML or JSON) into plain values, remembering the line of every value.

YAML is read with JSON-like typing: only ``true``/``false`` are booleans, dates stay text (``2008-05`` and
``2008-05-01`` reach the builder as written), ``12:30`` is text, not a sexagesimal number, and a key given twice in
one mapping is an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cmograph.errors import InputError

Path_ = tuple[str | int, ...]

JSON_SUFFIXES = (".json",)


class _Loader(yaml.SafeLoader):
    """SafeLoader with JSON-like implicit types."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?$",
     "-+.0123456789"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


@dataclass
class Document:
    """A parsed evidence file: its values, and the line and raw text of each value by path."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def line(self, path: Path_) -> int | None:
        """The line of the value at ``path``, or of its nearest enclosing value."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def text(self, path: Path_, value: Any) -> str:
        """The value as the user wrote it (``1.10`` stays ``1.10``)."""
        return self.raw.get(path, str(value))


def read_document(path: Path) -> Document:
    """Parse ``path`` (YAML or JSON by suffix); syntax errors raise :class:`InputError` with line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", "check the path, or run `cmograph init` to start a project") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})", "save the file as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if path.suffix.lower() in JSON_SUFFIXES:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path.name}:{exc.lineno}:{exc.colno}: JSON syntax error: {exc.msg}",
                "check for a missing comma, quote or bracket just before this point",
            ) from None
    return parse_text(path, text)


def parse_text(path: Path, text: str) -> Document:
    """Parse YAML (or JSON, a subset of it) text into a :class:`Document`."""
    doc = Document(path, None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        doc.data = {} if node is None else _walk(loader, node, (), doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise InputError(
            f"{path.name}{where}: YAML syntax error: {problem}",
            "check the indentation and that every 'key: value' pair has a space after the colon",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name}: YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    return doc


def _walk(loader: _Loader, node: yaml.Node, path: Path_, doc: Document) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node))
            if key in result:
                raise InputError(
                    f"{path_text(doc.path.name, path)}:{key_node.start_mark.line + 1}: the key '{key}' is given twice",
                    "keep one of them",
                )
            result[key] = _walk(loader, value_node, (*path, key), doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(loader, item, (*path, i), doc) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    doc.raw[path] = node.value
    return loader.construct_object(node)


def path_text(file: str, path: Path_) -> str:
    """``ford.yaml`` and ``("cmocs", 2)`` -> ``ford.yaml: cmocs[3]``."""
    parts = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return f"{file}: {parts}" if parts else file
