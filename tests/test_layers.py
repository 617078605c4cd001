"""The package's layers: a module imports only from its own layer and those below it, never from one above (imports
inside functions count too). The table is the order, top to bottom; the test reads it from this docstring.

| layer | what it owns | may import (its own layer too) |
|---|---|---|
| `cmograph` | the public API (`open_data`, `validate_paths`, `Diagnostic`...), lazily | `__main__` to `version` |
| `__main__` | `python -m cmograph`, the `cmograph` command: Ctrl-C handled from the start | `cli` to `version` |
| `cli` | the click commands, their options, error handling, reports, progress bars | `match` to `version` |
| `match` | matching elements across evaluations, SSSOM mapping sets, accepting them | `explore` to `version` |
| `explore` | the explorer: its web page, its HTTP paths, its copy in a published site | `source` to `version` |
| `source` | opening data to ask: a project, files, a store, the example, an endpoint | `report` to `version` |
| `report` | `cmograph report`: what a synthesis report shows, its figures, its HTML | `publish` to `version` |
| `publish` | `cmograph publish`'s linked-data site and web servers; nanopublications | `render` to `version` |
| `render` | answers as table, CSV, TSV, JSON or Markdown; RDF exports | `remote` to `version` |
| `remote` | SPARQL endpoints: the client, Graph Store writes, `cmograph serve` | `store` to `version` |
| `store` | the disk store and its generations, the lock, projects, kept answers | `query` to `version` |
| `query` | the questions (`.rq`), resolving names, binding, running, engines, raw queries | `checks` to `version` |
| `checks` | structure, shapes and messages, consistency, RDF input, cross-file, workers | `ingest` to `version` |
| `ingest` | finding evidence files, reading YAML, JSON and RDF, building triples | `format` to `version` |
| `format` | the format model (sections, keys), vocabulary, shapes, schema, term text | `resources` to `version` |
| `resources` | the shipped folders: ontology, shapes, queries, examples, schema | `namespaces` to `version` |
| `namespaces` | IRI constants | `errors` to `version` |
| `errors` | the errors users see (message, hint, docs link, exit code) | `diagnostics` to `version` |
| `diagnostics` | `Severity`, `Location`, `Diagnostic`, `ValidationReport`, `Progress` | `version` |
| `version` | the package's version | nothing of cmograph |
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cmograph"
ROW = re.compile(r"^\| `([\w.]+)` \| (.+) \| (.+) \|$", re.MULTILINE)
LAYERS = [layer for layer, _, _ in ROW.findall(__doc__ or "")]
RANK = {layer: rank for rank, layer in enumerate(LAYERS)}  # 0 is the top


def module_name(path: Path) -> str:
    """``cmograph.checks.shapes`` for ``src/cmograph/checks/shapes.py``; a package by its ``__init__``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    """The layer of a cmograph module (``cmograph`` for the package itself), ``None`` for another package's."""
    parts = module.split(".")
    if parts[0] != "cmograph":
        return None
    return parts[1] if len(parts) > 1 else "cmograph"


def imported(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every module ``source`` imports, wherever (at the top, in a function, under ``TYPE_CHECKING``), with its line;
    relative imports resolved against ``module``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + is_package]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            # ``from cmograph import checks`` imports that layer, as ``import cmograph.checks`` does; ``from cmograph
            # import Diagnostic``, the package's API
            found += [(node.lineno, f"{name}.{alias.name}" if name == "cmograph" and alias.name in RANK else name)
                      for alias in node.names]
    return found


def upward(module: str, source: str, is_package: bool = False) -> list[str]:
    """The imports of ``module`` (whose text is ``source``) from a layer above its own."""
    own = layer_of(module)
    assert own in RANK, f"{module}: the module is in no layer of the table"
    wrong = []
    for line, name in imported(module, source, is_package):
        layer = layer_of(name)
        if layer is not None and RANK.get(layer, -1) < RANK[own]:
            wrong.append(f"{module}:{line} imports {name} ({layer} is above {own})")
    return wrong


def test_the_table_lists_each_layer_once_and_each_may_import_exactly_those_below() -> None:
    rows = ROW.findall(__doc__ or "")
    assert len(rows) == len(set(LAYERS)) > 10
    for rank, (layer, owns, may) in enumerate(rows):
        assert owns.strip()
        below = LAYERS[rank + 1:]
        span = f"`{below[0]}`" + (f" to `{below[-1]}`" if len(below) > 1 else "") if below else "nothing of cmograph"
        assert may == span, layer


def test_every_module_is_in_a_layer() -> None:
    modules = [module_name(p) for p in PACKAGE.rglob("*.py")]
    assert len(modules) > 40
    assert [m for m in modules if layer_of(m) not in RANK] == []


@pytest.mark.slow
def test_no_module_imports_from_a_layer_above_its_own() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        wrong += upward(module_name(path), path.read_text(encoding="utf-8"), path.name == "__init__.py")
    assert wrong == []


@pytest.mark.parametrize(("module", "source", "found"), [
    ("cmograph.ingest.build", "def f():\n    from cmograph.checks.structure import check_structure\n",
     ["cmograph.ingest.build:2 imports cmograph.checks.structure (checks is above ingest)"]),
    ("cmograph.cli.common", "import cmograph.__main__\n",
     ["cmograph.cli.common:1 imports cmograph.__main__ (__main__ is above cli)"]),
    ("cmograph.errors", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cmograph import source\n",
     ["cmograph.errors:3 imports cmograph.source (source is above errors)"]),
    ("cmograph.format.model", "from ..store import disk\n",
     ["cmograph.format.model:1 imports cmograph.store (store is above format)"]),
    ("cmograph.query.run", "from cmograph import Diagnostic\n",
     ["cmograph.query.run:1 imports cmograph (cmograph is above query)"]),
    ("cmograph.store.disk", "from cmograph.store.lock import held\nfrom cmograph.checks.results import x\n"
     "import rdflib\nfrom . import lock\n", []),
])
def test_an_import_from_above_is_found_wherever_it_is(module: str, source: str, found: list[str]) -> None:
    assert upward(module, source) == found


def test_the_architecture_page_maps_every_layer() -> None:
    page = (PACKAGE.parent.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert [layer for layer, _, _ in ROW.findall(page)] == LAYERS, "copy the table above into docs/architecture.md"


def namespaces_declared_again(module: str, source: str, namespaces: set[str]) -> list[str]:
    """Where ``source`` writes out one of ``namespaces`` (or an IRI in it) as a string, rather than importing it from
    :mod:`cmograph.namespaces`, the one place that declares them."""
    return [f"{module}:{node.lineno} writes {node.value!r}" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and any(node.value.startswith(ns) for ns in namespaces)]


def declared_namespaces() -> set[str]:
    tree = ast.parse((PACKAGE / "namespaces.py").read_text(encoding="utf-8"))
    return {node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            and node.value.value.endswith(("#", "/"))}


@pytest.mark.slow
def test_namespaces_are_declared_in_one_place() -> None:
    namespaces = declared_namespaces()
    assert {"http://purl.org/dc/terms/", "http://www.w3.org/2002/07/owl#"} <= namespaces
    again = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "namespaces.py":
            again += namespaces_declared_again(module_name(path), path.read_text(encoding="utf-8"), namespaces)
    assert again == []


def test_a_namespace_written_out_is_found() -> None:
    source = 'SKOS = "http://www.w3.org/2004/02/skos/core#"\nLABEL = {"x": "http://purl.org/dc/terms/title"}\n'
    assert namespaces_declared_again("m", source, declared_namespaces()) == [
        "m:1 writes 'http://www.w3.org/2004/02/skos/core#'", "m:2 writes 'http://purl.org/dc/terms/title'"]
