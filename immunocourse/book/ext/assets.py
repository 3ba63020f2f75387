"""The book's own static files: CSS, small page repairs in JS, templates, and plotly.js.

plotly.js is the pinned npm partial bundle ``plotly.js-cartesian-dist-min`` (every trace
type the course draws; package.json, installed by ``make setup``), copied once into
``_static/`` and linked only from pages that hold a figure (see
:mod:`immunocourse.figures.display`). Small page repairs for accessibility and phones live
in ``static/`` (see each file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from immunocourse.book.ext.paths import ROOT, STATIC, TEMPLATES
from immunocourse.figures.display import FIGURE_CLASS

PLOTLY_JS = ROOT / "node_modules" / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js"
PLOTLY_STATIC = "plotly-cartesian.min.js"


def _config_inited(app: Sphinx, config: Any) -> None:
    if not PLOTLY_JS.exists():
        raise ExtensionError(f"{PLOTLY_JS} is missing: run `make setup` (npm ci) first")
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def _link_plotly(app: Sphinx, pagename: str, templatename: str, context: dict,
                 doctree: Any) -> None:
    """Only pages that hold a figure load the 1 MB plotly bundle."""
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file(PLOTLY_STATIC, priority=200)


def _copy_plotly(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / PLOTLY_STATIC
        if not target.exists() or target.stat().st_size != PLOTLY_JS.stat().st_size:
            target.write_bytes(PLOTLY_JS.read_bytes())


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("html-page-context", _link_plotly)
    app.connect("build-finished", _copy_plotly)
    app.add_css_file("immunocourse.css")
    app.add_js_file("immunocourse-a11y.js", loading_method="defer")
    app.add_js_file("immunocourse-figures.js")
