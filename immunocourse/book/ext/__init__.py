"""Sphinx extension for the course book: offline plotly and a quiet, light, local-only page.

One small module per feature, each with its own ``setup``; :func:`setup` here calls them in
the order their handlers must run (Sphinx runs handlers of one priority in the order they
were connected):

- :mod:`.assets`: the course CSS and JS, the templates, and plotly.js (linked only from
  pages that hold a figure, copied once into ``_static/``).
- :mod:`.maths`: maths as MathML at build time; no page loads MathJax.
- :mod:`.thebe`: sphinx-thebe, which Jupyter Book always loads, removed.
- :mod:`.citations`: the bibliography without ARIA roles it may not have.
- :mod:`.reviewed`: "Last reviewed: <date>" under every page's title, the footer's edition.
- :mod:`.edition`: the front page's downloads and "How to cite" line; search from disk.
- :mod:`.objectives`: the ``{objectives}`` directive, a lesson's learning objectives from
  :mod:`immunocourse.content.objectives`, and the check that a question assesses each one.
- :mod:`.icons`: ``icons.js``, only the Font Awesome icons the built pages use.
- :mod:`.notebooks`: a lesson page's box of links to its student notebooks, and the copies.
- :mod:`.root_page`: ``index.html`` at the root, sending the reader to the book.
- :mod:`.redirects`: pages and notebook downloads under the names lessons had before they
  took their quiz id's name, sending the reader on.
- :mod:`.publish`: the book published: ``BOOK_BASE_URL`` (canonical links, sitemap,
  robots.txt), page descriptions and Open Graph tags, the link-preview image, the 404 page.
- :mod:`.plotly_renderer`: :class:`PlotlyMimeRenderer`, the MyST-NB plugin (an entry point in
  pyproject.toml) that renders plotly figures through their offline HTML twin.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from immunocourse.book.ext import (
    assets,
    citations,
    edition,
    icons,
    maths,
    notebooks,
    objectives,
    publish,
    redirects,
    reviewed,
    root_page,
    thebe,
)
from immunocourse.book.ext.icons import icons_used
from immunocourse.book.ext.maths import latex_to_mathml
from immunocourse.book.ext.notebooks import lesson_notebooks, notebook_links_html
from immunocourse.book.ext.plotly_renderer import PlotlyMimeRenderer
from immunocourse.book.ext.reviewed import REVIEWED_CLASS

__all__ = ["REVIEWED_CLASS", "PlotlyMimeRenderer", "icons_used", "latex_to_mathml",
           "lesson_notebooks", "notebook_links_html", "setup"]

# The order matters where two features handle one event at one priority:
# config-inited (900): assets, then maths, then thebe (last, once every extension connected);
# html-page-context: assets (plotly link, read from the untouched body), citations, notebooks;
# build-finished (500): assets copies plotly.js, icons scans _static, notebooks copies;
# build-finished (400): root_page, before sphinx-external-toc writes its bare index.html;
# build-finished (600): redirects, after the notebooks are copied.
FEATURES = (assets, maths, thebe, citations, reviewed, edition, objectives, icons, notebooks,
            root_page, redirects, publish)


def setup(app: Sphinx) -> dict[str, Any]:
    for feature in FEATURES:
        feature.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
