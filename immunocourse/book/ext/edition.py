"""The front page's downloads and "How to cite" line, and search that works from disk.

- ``{course-downloads}``: links to the PDF and the offline zip under ``downloads/`` (date-less
  names, so a link never breaks; the published site holds the files there) with the edition
  date beside them. :mod:`immunocourse.book.offline` puts the PDF there in the zip and
  replaces the zip's own link (``ZIP_LINK_CLASS``) by a note that this is the offline copy.
- ``{how-to-cite}``: one line built from ``CITATION.cff``, so the two cannot disagree; a
  ``version`` other than the edition date (:data:`immunocourse.content.review.EDITION`) is a
  warning, so the strict build fails.
- Sphinx's search fetches each hit's page for a summary, which a browser refuses over
  ``file://``: ``immunocourse-search.js`` skips the summaries there (the hits still list).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from immunocourse.book.ext.paths import ROOT
from immunocourse.content import review

CITATION = ROOT / "CITATION.cff"
PDF_NAME = "immunotherapy-course.pdf"
ZIP_NAME = "immunotherapy-course.zip"
DOWNLOADS = "downloads"  # folder of the published site that holds both files
DOWNLOADS_CLASS = "ic-downloads"
ZIP_LINK_CLASS = "ic-download-zip"
CITE_CLASS = "ic-how-to-cite"
_log = logging.getLogger(__name__)


def load_citation(path: Path = CITATION) -> dict[str, Any]:
    """CITATION.cff as plain data (dates as ISO strings, as the CFF schema expects)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("date-released", "version"):
        if key in data and not isinstance(data[key], str):
            data[key] = str(data[key])
    return data


def citation_line(data: dict[str, Any]) -> str:
    """``The Immunotherapy course team (2026). Title. Edition 2026-12-07.`` from the CFF."""
    names = [a.get("name") or " ".join(filter(None, (a.get("given-names"),
                                                      a.get("family-names"))))
             for a in data["authors"]]
    year = str(data["date-released"])[:4]
    return f"{', '.join(names)} ({year}). {data['title']}. Edition {data['version']}."


class HowToCite(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(CITATION))
        data = load_citation()
        if str(data.get("version")) != review.EDITION:
            _log.warning("CITATION.cff version %s is not the edition date %s "
                         "(immunocourse/content/review.py)", data.get("version"),
                         review.EDITION, location=self.get_location(), subtype="edition")
        line = nodes.paragraph("", "", classes=[CITE_CLASS])
        line += nodes.strong("", "How to cite: ")
        line += nodes.Text(citation_line(data))
        return [line]


class CourseDownloads(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        up = "../" * self.env.docname.count("/")
        box = nodes.container(classes=[DOWNLOADS_CLASS])
        intro = nodes.paragraph()
        intro += nodes.Text(f"Edition {review.human_date(review.EDITION)}. The published "
                            "course offers two downloads:")
        items = nodes.bullet_list()
        pdf = nodes.paragraph()
        pdf += nodes.reference("", "The whole course as one PDF",
                               refuri=f"{up}{DOWNLOADS}/{PDF_NAME}")
        pdf += nodes.Text(", to print or to read on any device.")
        zipped = nodes.paragraph()
        link = nodes.inline(classes=[ZIP_LINK_CLASS])
        link += nodes.reference("", "An offline copy (a zip file)",
                                refuri=f"{up}{DOWNLOADS}/{ZIP_NAME}")
        link += nodes.Text(". Unzip it and double-click index.html. It needs no internet.")
        zipped += link
        items += [nodes.list_item("", pdf), nodes.list_item("", zipped)]
        box += [intro, items]
        return [box]


def _search_from_disk(app: Sphinx, pagename: str, templatename: str, context: dict,
                      doctree: Any) -> None:
    if pagename == "search":
        app.add_js_file("immunocourse-search.js", priority=210)  # after documentation_options


def setup(app: Sphinx) -> None:
    app.add_directive("how-to-cite", HowToCite)
    app.add_directive("course-downloads", CourseDownloads)
    app.connect("html-page-context", _search_from_disk)
