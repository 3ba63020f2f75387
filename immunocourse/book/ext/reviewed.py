"""Every page gets "Last reviewed: <date>" under its title, and every page's footer says
"Edition <date>", from the one review log in :mod:`immunocourse.content.review`.

A lesson page shows its own date (one missing from the log fails the build); any other page
(glossary, references, the study pages) shows the edition date, the day the course as a
whole was last reviewed.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from immunocourse.content import review

REVIEWED_CLASS = "ic-last-reviewed"
EDITION_CLASS = "ic-edition"
_log = logging.getLogger(__name__)


def _stamp_review_date(app: Sphinx, doctree: nodes.document) -> None:
    """Put "Last reviewed: <date>" under the page title, from the review log."""
    docname = app.env.docname
    iso = review.last_reviewed(docname)
    if iso is None and review.is_lesson(docname):
        _log.warning("lesson page %s has no review date in immunocourse/content/review.py "
                     "(LAST_REVIEWED)", docname, location=docname, subtype="review")
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        _log.warning("page %s has no title to put its review date under", docname,
                     location=docname, subtype="review")
        return
    stamp = nodes.paragraph("", "", classes=[REVIEWED_CLASS])
    stamp += nodes.Text(f"Last reviewed: {review.human_date(iso or review.EDITION)}")
    if iso is None:
        stamp += nodes.Text(", with this edition")
    if review.CHANGES_DOCNAME.lstrip("/") in app.env.found_docs:  # absent in one-page books
        # Resolved like {doc}`/book/changes`, so a broken link would fail the build.
        stamp += nodes.Text(" (")
        stamp += addnodes.pending_xref(
            "", nodes.inline("", "what changed"), refdomain="std", reftype="doc",
            reftarget=review.CHANGES_DOCNAME, refexplicit=True, refwarn=True, refdoc=docname)
        stamp += nodes.Text(")")
    section.insert(1, stamp)


def _footer_edition(app: Sphinx, config: Any) -> None:
    """Add "Edition YYYY-MM-DD" to the footer Jupyter Book builds from ``html.extra_footer``."""
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (options.get("extra_footer") or "") + (
        f'\n<p class="{EDITION_CLASS}">Edition {review.EDITION}</p>')
    config.html_theme_options = options


def setup(app: Sphinx) -> None:
    app.connect("doctree-read", _stamp_review_date)
    app.connect("config-inited", _footer_edition)
