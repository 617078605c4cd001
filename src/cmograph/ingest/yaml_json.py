"""Read an evidence file (YAML or JSON) into plain values, remembering the line of every value.

YAML is read with JSON-like typing: only ``true``/``false`` are booleans, dates stay text (``2008-05`` and
``2008-05-01`` reach the builder as written), ``12:30`` is text, not a sexagesimal number, and a key given twice in
one mapping is an error.

Files are untrusted, so reading is bounded: a file is at most :data:`MAX_EVIDENCE_BYTES` and holds at most
:data:`MAX_VALUES` keys and values (counted before they are built, so that the time and memory of checking a file stay
bounded), a list inside an item at most :data:`MAX_ITEMS` items, a value is at most :data:`MAX_TEXT_CHARS`
characters and :data:`MAX_DEPTH` levels deep, keys are plain text, a value's tag (``!!str``) is one YAML defines,
and YAML aliases may not expand the file to more values than its own size allows (no "billion laughs") nor refer
to themselves.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cmograph.errors import InputError

Path_ = tuple[str | int, ...]

JSON_SUFFIXES = (".json",)
MAX_EVIDENCE_BYTES = 16 * 1024 * 1024
MAX_TEXT_CHARS = 1024 * 1024
MAX_VALUES = 20_000  # keys and values in one file (see docs/reliability.md for the time and memory this bounds)
MAX_ITEMS = 1_000  # items in one list inside an item (cmocs[1].context): checking them takes quadratic time
MAX_DEPTH = 64
_BOM = "\ufeff"
# What YAML reads differently from JSON: a character beyond U+FFFF written as two escapes (a surrogate pair, as
# json.dumps writes it), which YAML refuses, and, in strings, characters YAML reads as line breaks (NEL, LINE and
# PARAGRAPH SEPARATOR) or does not allow (DEL, C1 controls, U+FFFE, U+FFFF), which JSON takes as text. A pair's
# escapes follow an even number of backslashes (after an odd one, the first backslash is plain text).
_JSON_ONLY = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})"
                        r"|[\x7f-\x9f\u2028\u2029\ufffe\uffff]", re.IGNORECASE)


_STR = "tag:yaml.org,2002:str"


class _Loader(yaml.CSafeLoader):
    """SafeLoader with JSON-like implicit types."""

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        """A scalar's tag: text when it is quoted, or plain and starting with a character no implicit type starts
        with (most values; PyYAML's own resolver, called for each of them, took a tenth of reading a file)."""
        if kind is yaml.ScalarNode and (not implicit[0] or (value and value[0] not in self.yaml_implicit_resolvers)):
            return _STR
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
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


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Parse ``path`` (YAML or JSON by suffix), or ``data`` already read from it; syntax errors raise
    :class:`InputError` with line and column."""
    try:
        if data is None:
            check_size(path, MAX_EVIDENCE_BYTES)
            data = path.read_bytes()
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # newlines as a text read has them
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", "check the path, or run `cmograph init` to start a project") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})", "save the file as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if text.startswith(_BOM):  # a byte order mark, as Windows Notepad writes: not part of the text
        text = text[1:]
    if path.suffix.lower() in JSON_SUFFIXES:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path.name}:{exc.lineno}:{exc.colno}: JSON syntax error: {exc.msg}",
                "check for a missing comma, quote or bracket just before this point",
            ) from None
        except RecursionError:
            raise InputError(f"{path.name}: nested too deeply to read", _DEPTH_HINT) from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise InputError(f"{path.name}: JSON value cannot be read: {exc}") from None
    return parse_text(path, text)


_DEPTH_HINT = f"evidence files nest a few levels; cmograph reads at most {MAX_DEPTH}"


def check_size(path: Path, limit: int) -> None:
    """Refuse a file of more than ``limit`` bytes before reading any of it (``OSError`` if it cannot be found)."""
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{path.name}: {-(-size // 2**20)} MiB is larger than the {limit // 2**20} MiB cmograph "
                         "reads in one file", "split it into one file per evaluation")


def _syntax(path: Path) -> str:
    return "JSON" if path.suffix.lower() in JSON_SUFFIXES else "YAML"


def parse_text(path: Path, text: str) -> Document:
    """Parse YAML (or JSON, a subset of it) text into a :class:`Document`.

    JSON is parsed as YAML (for the lines of its values) once ``json.loads`` has accepted it, so a YAML error in
    JSON is about something YAML reads differently, and its hint says so.
    """
    doc = Document(path, None)
    fed, starts, moved = _json_for_yaml(text) if _syntax(path) == "JSON" else (text, [], [0])
    loader = _Loader(fed)
    try:
        if len(fed) > _COUNT_FIRST:
            _count_values(path, fed)
        node = loader.get_single_node()
        doc.data = {} if node is None else _Walker(loader, doc, 2 * len(text) + 1000).walk(node, ())
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow anywhere
        # the reader stops at the first such character, so this is where it is (its own position counts bytes)
        line, column = _place(text, text.find(chr(exc.character)))
        raise InputError(f"{path.name}:{line}:{column}: the character U+{exc.character:04X} is not allowed here",
                         f"remove it, or write it as the escape \\u{exc.character:04x} inside double quotes") from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, text, starts, moved, exc) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name}: {_syntax(path)} syntax error: {exc}") from None
    except RecursionError:
        raise InputError(f"{path.name}: nested too deeply to read", _DEPTH_HINT) from None
    finally:
        loader.dispose()
    return doc


_NODES = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
# A text longer than this has its keys and values counted as the parser reads them, before they are built (a 16 MiB
# file of 600k contexts took 190 s and 5 GB to check); a shorter one is counted as it is walked (counting first would
# add a fifth to the time of checking a typical file, of 20-80 KiB), and building the most values 256 KiB can hold
# (130k, in a flow list) before counting them takes 0.6 s.
_COUNT_FIRST = 256 * 1024


def _count_values(path: Path, fed: str) -> None:
    """Refuse a file of more than :data:`MAX_VALUES` keys and values, counted as the parser reads them; syntax
    errors are raised as YAML's."""
    loader = _Loader(fed)
    try:
        count = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _NODES):
                count += 1
                if count > MAX_VALUES:
                    raise _too_many(path, event.start_mark.line + 1 if event.start_mark else None)
    finally:
        loader.dispose()


def _too_many(path: Path, line: int | None) -> InputError:
    return InputError(f"{path.name}{'' if line is None else f':{line}'}: the file holds more than the "
                      f"{MAX_VALUES:,} keys and values cmograph reads in one file",
                      "that is far more than an evaluation needs (the worked example has under 600): check the file "
                      "was not generated by mistake, or describe the study as several evaluations, one per file")


def _json_for_yaml(text: str) -> tuple[str, list[int], list[int]]:
    """JSON text with what YAML reads differently (see ``_JSON_ONLY``) written as an escape YAML reads as JSON
    does; to place errors in the text as written, also where each escape starts and how far the text after it
    has moved."""
    starts: list[int] = []
    moved: list[int] = [0]

    def escape(match: re.Match[str]) -> str:
        backslashes = match[1] or ""
        if match[2] is None:
            written = f"\\u{ord(match[0]):04x}"
        else:
            code = 0x10000 + ((int(match[2], 16) - 0xD800) << 10) + int(match[3], 16) - 0xDC00
            written = f"{backslashes}\\U{code:08x}"
        starts.append(match.start() + len(backslashes) + moved[-1])
        moved.append(moved[-1] + len(written) - len(match[0]))
        return written

    return _JSON_ONLY.sub(escape, text), starts, moved


def _place(text: str, index: int) -> tuple[int, int]:
    """The line and column (from 1) of ``index`` in ``text``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _syntax_error(path: Path, text: str, starts: list[int], moved: list[int], exc: yaml.MarkedYAMLError) -> InputError:
    """The message for a YAML parser error, placed in ``text`` as written (see :func:`_json_for_yaml`)."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "not valid YAML"
    escape = problem == "found invalid Unicode character escape code"
    where = ""
    if mark is not None:
        index = mark.index - 2 if escape else mark.index  # an escape is marked at its digits, after '\\u'
        line, column = _place(text, index - moved[bisect.bisect_left(starts, index)])
        where = f":{line}:{column}"
    if problem == "exceeded maximum nesting depth":  # libyaml's own limit, far beyond MAX_DEPTH
        return InputError(f"{path.name}{where}: nested too deeply to read", _DEPTH_HINT)
    if problem == "but found another document":
        return InputError(f"{path.name}{where}: this file has several YAML documents (separated by '---')",
                          "put one evaluation per file, and remove the '---' line")
    if escape:
        if _syntax(path) == "JSON":  # pairs are joined (see _json_for_yaml): this is a lone surrogate
            return InputError(f"{path.name}{where}: the text holds an unpaired surrogate escape (\\ud800-\\udfff), "
                              "which is not a character", "write the character itself, or its pair of surrogates")
        return InputError(f"{path.name}{where}: the text holds an escape that is not a character (a surrogate "
                          "\\ud800-\\udfff, or a code above \\U0010ffff)",
                          "write the character itself, or its code as \\U and 8 hex digits, e.g. \\U0001f600")
    if _syntax(path) == "JSON":
        return InputError(f"{path.name}{where}: JSON that cmograph cannot read: {problem}",
                          "it is valid JSON, but cmograph reads JSON as YAML, which needs each key on the same line "
                          "as its ':' and at most 1024 characters long")
    key = exc.context_mark
    if exc.context == "while scanning a simple key" and key is not None and mark is not None \
            and key.line == mark.line and mark.index - key.index > 1024:
        line, column = _place(text, key.index)
        return InputError(f"{path.name}:{line}:{column}: a key longer than 1024 characters",
                          "YAML does not allow implicit keys that long; keys are short names such as 'label': if "
                          "this is text, write it after its key, as in 'description: ...'")
    return InputError(f"{path.name}{where}: YAML syntax error: {problem}",
                      "check the indentation and that every 'key: value' pair has a space after the colon")


@dataclass
class _Walker:
    """Turns YAML nodes into values, recording lines and raw text, within the limits in the module docstring."""

    loader: _Loader
    doc: Document
    budget: int  # how many more values the file may expand to
    open: set[int] = field(default_factory=set)  # ids of the collections being walked (an alias to one loops)
    values: int = 0  # keys and values walked (see MAX_VALUES)

    def count(self, node: yaml.Node) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _too_many(self.doc.path, node.start_mark.line + 1)

    def fail(self, node: yaml.Node, path: Path_, message: str, hint: str | None = None) -> InputError:
        return InputError(f"{path_text(self.doc.name, path)}:{node.start_mark.line + 1}: {message}", hint)

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.count(node)
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(node, path, "YAML aliases (*name) expand this file to too many values",
                            "write the repeated values out, or use fewer aliases")
        if len(path) > MAX_DEPTH:
            raise self.fail(node, path, f"nested more than {MAX_DEPTH} levels deep", _DEPTH_HINT)
        self.doc.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            self.doc.raw[path] = node.value
            return self.scalar(node, path)
        if id(node) in self.open:
            raise self.fail(node, path, "a YAML alias (*name) refers to a value that contains it",
                            "an alias may only repeat a value defined before it and outside it")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if len(path) > 1 and len(node.value) > MAX_ITEMS:
                    raise self.fail(node, path, f"a list of {len(node.value):,} items is longer than the "
                                    f"{MAX_ITEMS:,} cmograph reads inside an item", "split the item into several")
                return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)
            self.loader.flatten_mapping(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                self.count(key_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, path, "a key must be plain text, not a list or a mapping")
                key = str(self.scalar(key_node, path))
                if key in result:
                    raise self.fail(key_node, path, f"the key '{key}' is given twice", "keep one of them")
                result[key] = self.walk(value_node, (*path, key))
            return result
        finally:
            self.open.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        """The value of a scalar (a value, or a key of the mapping at ``path``)."""
        text = node.value
        if len(text) > MAX_TEXT_CHARS:
            raise self.fail(node, path, f"a value of {len(text):,} characters is longer than the "
                            f"{MAX_TEXT_CHARS:,} cmograph reads", "shorten it, or link to the document instead")
        if node.tag == _STR:  # most values and every key: the text itself, as the constructor would give it
            return text
        if node.tag not in self.loader.yaml_constructors:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
            tag = tag if tag.startswith("!") else f"!<{tag}>"  # as written
            raise self.fail(node, path, f"the YAML tag '{tag}' is not one cmograph reads",
                            f"remove '{tag}' and write the value alone")
        try:
            return self.loader.construct_object(node)
        except (ValueError, OverflowError) as exc:  # a valid scalar whose value Python cannot hold
            raise self.fail(node, path, f"the value cannot be read: {exc}") from None
        except yaml.constructor.ConstructorError as exc:  # e.g. !!binary that is not base64
            raise self.fail(node, path, f"the value cannot be read: {exc.problem}") from None


def path_text(file: str, path: Path_) -> str:
    """``ford.yaml`` and ``("cmocs", 2)`` -> ``ford.yaml: cmocs[3]``."""
    parts = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return f"{file}: {parts}" if parts else file


def is_scalar(value: Any) -> bool:
    """Whether a value read from YAML or JSON is one value (not a mapping or a list)."""
    return not isinstance(value, dict | list)


def described(value: Any) -> str:
    """A value read from YAML or JSON as a message names it: ``a mapping``, ``a list``, ``nothing`` or ``'it'``."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else f"'{value}'"
