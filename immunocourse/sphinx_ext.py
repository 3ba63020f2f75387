"""Sphinx extension for the course book: offline plotly and a quiet, local-only page.

- plotly.js is copied once from the installed plotly package into ``_static/`` and linked
  only from pages that hold a figure (see :mod:`immunocourse.display`).
- :class:`PlotlyMimeRenderer` (a MyST-NB mime-render plugin, registered as an entry point
  in pyproject.toml) drops plotly's JSON mime type from HTML builds so the HTML half of
  :func:`immunocourse.display.show` is rendered. A figure displayed *without* ``show`` has
  no such twin and would draw nothing, so it is reported as a warning (failing the build).
- Every lesson page gets "Last reviewed: <date>" under its title, from the one review log in
  :mod:`immunocourse.review`; a lesson page missing from the log fails the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from immunocourse import review
from immunocourse.display import FIGURE_CLASS, HTML_TWIN_KEY, PLOTLY_MIME

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STATIC = Path(__file__).parent / "static"


class PlotlyMimeRenderer:
    """MyST-NB plugin: plotly's JSON is never rendered; its HTML twin is."""

    mime_priority_overrides = [("*", PLOTLY_MIME, None)]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list | None:
        if data.mime_type != PLOTLY_MIME:
            return None
        if not data.output_metadata.get(PLOTLY_MIME, {}).get(HTML_TWIN_KEY):
            renderer.logger.warning(
                "plotly figure without an offline HTML twin: display it with "
                "immunocourse.display.show(fig)",
                subtype="plotly",
                line=data.line,
            )
        return []


def _drop_thebe(app: Sphinx) -> None:
    """Remove sphinx-thebe, which Jupyter Book 1 always loads.

    The book runs no kernel, and sphinx-thebe adds its inline config script once per
    read pass, so every page declared ``THEBE_JS_URL`` twice (a console error) and pointed
    at a CDN. Disconnecting its handlers drops the feature at its source.
    """
    for listeners in app.events.listeners.values():
        listeners[:] = [
            listener for listener in listeners
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
        ]
    app.registry.css_files = [
        (name, attrs) for name, attrs in app.registry.css_files if name != "sphinx-thebe.css"
    ]


def _config_inited(app: Sphinx, config: Any) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    _drop_thebe(app)


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file("plotly.min.js", priority=200)


REVIEWED_CLASS = "ic-last-reviewed"
_log = logging.getLogger(__name__)


def _stamp_review_date(app: Sphinx, doctree: nodes.document) -> None:
    """Put "Last reviewed: <date>" under the page title, from the review log."""
    docname = app.env.docname
    iso = review.last_reviewed(docname)
    if iso is None:
        if review.is_lesson(docname):
            _log.warning("lesson page %s has no review date in immunocourse/review.py "
                         "(LAST_REVIEWED)", docname, location=docname, subtype="review")
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        _log.warning("page %s has no title to put its review date under", docname,
                     location=docname, subtype="review")
        return
    stamp = nodes.paragraph("", "", classes=[REVIEWED_CLASS])
    stamp += nodes.Text(f"Last reviewed: {review.human_date(iso)}")
    if review.CHANGES_DOCNAME.lstrip("/") in app.env.found_docs:  # absent in one-page books
        # Resolved like {doc}`/book/changes`, so a broken link would fail the build.
        stamp += nodes.Text(" (")
        stamp += addnodes.pending_xref(
            "", nodes.inline("", "what changed"), refdomain="std", reftype="doc",
            reftarget=review.CHANGES_DOCNAME, refexplicit=True, refwarn=True, refdoc=docname)
        stamp += nodes.Text(")")
    section.insert(1, stamp)


def _copy_plotly(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / "plotly.min.js"
        if not target.exists() or target.stat().st_size != PLOTLY_JS.stat().st_size:
            target.write_bytes(PLOTLY_JS.read_bytes())


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_plotly)
    app.connect("doctree-read", _stamp_review_date)
    app.add_css_file("immunocourse.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
