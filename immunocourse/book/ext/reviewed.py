"""Every lesson page gets "Last reviewed: <date>" under its title, from the one review log in
:mod:`immunocourse.content.review`; a lesson page missing from the log fails the build."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from immunocourse.content import review

REVIEWED_CLASS = "ic-last-reviewed"
_log = logging.getLogger(__name__)


def _stamp_review_date(app: Sphinx, doctree: nodes.document) -> None:
    """Put "Last reviewed: <date>" under the page title, from the review log."""
    docname = app.env.docname
    iso = review.last_reviewed(docname)
    if iso is None:
        if review.is_lesson(docname):
            _log.warning("lesson page %s has no review date in immunocourse/content/review.py "
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


def setup(app: Sphinx) -> None:
    app.connect("doctree-read", _stamp_review_date)
