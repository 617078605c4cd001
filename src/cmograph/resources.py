"""The data folders the package reads (ontology, shapes, queries, examples, schema).

They live at the repository's top level, where users look for them; the wheel build copies them into the package
(``force-include`` in ``pyproject.toml``, no symlinks). An editable install of a checkout reads them in place.
"""

from __future__ import annotations

from pathlib import Path

FOLDERS = ("ontology", "shapes", "queries", "examples", "schema")
EXAMPLE = "clinical-microsystems-nhs.yaml"  # the bundled example evaluation, in ``examples``
EXAMPLES = (EXAMPLE, "larchfield-follow-up.yaml")  # --example: it, and a made-up follow-up to synthesise it with
STARTER = "starter.yaml"  # the made-up file a new project starts with, in ``examples``


def data(folder: str) -> Path:
    """The packaged folder ``folder`` (one of ``FOLDERS``).

    A path, not an ``importlib.resources`` traversable: the package is installed as files (never zipped), and
    ``importlib.resources`` would add about a tenth of every question's start-up.
    """
    here = Path(__file__).resolve().parent
    inside = here / folder
    if inside.is_dir():
        return inside
    return here.parents[1] / folder
