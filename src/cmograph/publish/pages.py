"""HTML from the templates: autoescaped, so every label, quote and note the data holds is shown as text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from cmograph.publish.paths import link
from cmograph.publish.views import Page


@dataclass(frozen=True)
class SiteText:
    """What every page's footer says: the licence, how to cite the dataset, and how the site was made."""

    title: str
    licence: str
    licence_name: str
    citation: str
    version: str
    inputs: str
    made: str


@dataclass(frozen=True)
class Alternate:
    media_type: str
    href: str
    name: str


@cache
def environment() -> Environment:
    return Environment(loader=PackageLoader("cmograph.publish", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True)


def script_json(value: Any) -> Markup:
    """``value`` as JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` that could end it."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def render(page: Page, site: SiteText) -> bytes:
    """The HTML of ``page``, linking its other forms."""
    alternates = [Alternate(f.media_type, link(page.path, page.path, f.suffix), f.name) for f in page.forms]
    root = "../" * page.path.count("/")
    html = environment().get_template(page.template).render(page=page, site=site, alternates=alternates, root=root)
    return html.encode()
