"""Finding evidence files: which suffixes count, and what a folder holds."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

from cmograph.errors import InputError

EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json")
RDF_FORMATS: dict[str, str] = {  # suffix -> rdflib's name of the format
    ".ttl": "turtle",
    ".turtle": "turtle",  # as `cmograph export -f turtle` is named
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".nquads": "nquads",  # as `cmograph export -f nquads` is named
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
RDF_SUFFIXES = tuple(RDF_FORMATS)
SUFFIXES = EVIDENCE_SUFFIXES + RDF_SUFFIXES
SCHEMA_SUFFIX = ".schema.json"  # a JSON Schema kept beside the evidence files, for an editor: not evidence
PROJECT_CONFIG = "cmograph.toml"  # the file that makes a folder a cmograph project
CONCEPTS_FILES = ("concepts.yaml", "concepts.yml", "concepts.ttl")  # the names a project's concept scheme may have


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``cmograph.toml``."""
    for folder in (start, *start.parents):
        if (folder / PROJECT_CONFIG).is_file():
            return folder
    return None


def project_root(evidence: Path) -> Path:
    """The folder paths in the evidence file ``evidence`` are relative to: its project, or, for a file in no
    project, its own folder."""
    folder = evidence.absolute().parent
    return find_project(folder) or folder


def scan_folder(folder: Path) -> list[Path]:
    """Evidence and RDF files below ``folder``, sorted, skipping hidden files and folders and JSON Schemas
    (``*.schema.json``); see :func:`scan_folder_seen`."""
    return list(scan_folder_seen(folder))


FileSeen = tuple[os.stat_result, bool]  # a file's status (links followed) and whether it is a symbolic link


def scan_folder_seen(folder: Path) -> dict[Path, FileSeen]:
    """:func:`scan_folder`'s files, each with what was seen of it in the same ``os.scandir`` pass (one status call
    per file, no more): its status, links followed, and whether it is a link. Linked folders are not entered.

    A folder that cannot be read, or a link to a file that is not there, is an error: skipping it would make its
    evaluations look deleted.
    """
    found: dict[str, FileSeen] = {}

    def unreadable(error: OSError) -> NoReturn:
        raise InputError(f"{error.filename}: this folder cannot be read ({error.strerror})",
                         "check its permissions; nothing was changed") from None

    pending = [os.fspath(folder)]
    while pending:
        top = pending.pop()
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError as error:
            unreadable(OSError(error.errno, error.strerror, top))
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.is_symlink():  # not into linked folders, as Path.rglob
                    pending.append(entry.path)
                continue
            if os.path.splitext(name)[1].lower() not in SUFFIXES \
                    or name.lower().endswith(SCHEMA_SUFFIX):  # an editor's copy of `cmograph schema`
                continue
            try:  # on Windows a DirEntry's status has no inode: ask for the whole status there
                seen = os.stat(entry.path) if os.name == "nt" else entry.stat()
            except OSError as error:
                if entry.is_symlink():  # to nothing, or round in a circle
                    raise InputError(f"{entry.path}: a link that leads to no file ({error.strerror})",
                                     "point the link at the evidence file, or remove it; nothing was changed") from None
                unreadable(OSError(error.errno, error.strerror, top))  # a folder that can be listed, not entered
            if stat.S_ISREG(seen.st_mode):
                found[entry.path] = (seen, entry.is_symlink())
    # in the order of their paths, as Path sorts them (part by part), by text: Path's own comparisons, in Python,
    # took a third of the check before every question at 10M triples (5,653 files)
    return {Path(path): found[path] for path in sorted(found, key=lambda path: os.path.normcase(path).split(os.sep))}


def evidence_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, and evidence or RDF files found (recursively, sorted) in folders named; a file named twice
    (also as part of a folder named) is taken once, where it first comes."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = scan_folder(path)
            if not found:
                raise InputError(f"{path}: no evidence files in this folder",
                                 f"evidence files end in {', '.join(SUFFIXES)}")
            out.extend(found)
        elif not path.exists():
            raise InputError(f"{path}: no such file or folder", "check the path")
        else:
            out.append(path)
    return _once(out)


def _once(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    kept: list[Path] = []
    for path in paths:
        same = path.resolve()
        if same not in seen:
            seen.add(same)
            kept.append(path)
    return kept


_EVIDENCE_MARK = re.compile(rb'^(\xef\xbb\xbf)?\s*("cmograph"\s*:|cmograph\s*:)|^\{?\s*"cmograph"\s*:', re.MULTILINE)


def is_evidence_file(path: Path) -> bool:
    """Whether ``path`` is a YAML or JSON evidence file (one with a top-level ``cmograph:`` key)."""
    if path.suffix.lower() not in EVIDENCE_SUFFIXES or not path.is_file():
        return False
    with open(path, "rb") as handle:
        return bool(_EVIDENCE_MARK.search(handle.read(64 * 1024)))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: into a new file beside it, then renamed over it."""
    import tempfile

    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
