"""Old addresses of renamed lessons keep working in the published book.

Issue 18 named each lesson after its quiz id (``book/04-types`` became
``book/04-immunotherapy-types``). Bookmarks, links in an LMS and last term's handouts still
name the old pages and the old notebook downloads, so after an HTML build each old page is a
small page that sends the reader on, and each old notebook name holds a copy of the renamed
notebook. A feature of the book's extension (:mod:`immunocourse.book.ext`).
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from immunocourse.book.ext.notebooks import NOTEBOOKS_OUT, student_notebooks

logger = logging.getLogger(__name__)

# old docname -> new docname: every lesson page that was renamed (add a line per rename)
RENAMED_PAGES: dict[str, str] = {
    "book/04-types": "book/04-immunotherapy-types",
    "book/05-cancers": "book/05-cancers-treated",
    "book/07-response": "book/07-measuring-response",
}
# old notebook -> new, under notebooks/ in the output (lesson 7's notebook kept its name)
RENAMED_NOTEBOOKS: dict[str, str] = {
    "04-types.ipynb": "04-immunotherapy-types.ipynb",
    "05-cancers.ipynb": "05-cancers-treated.ipynb",
}
# Marks our pages, so a rebuild removes only those; the module's first name, kept stable.
GENERATOR = '<meta name="generator" content="immunocourse.book.redirects">'


def redirect_html(old: str, new: str, title: str, lang: str = "en") -> str:
    """The page left at docname ``old``'s address, sending the reader to docname ``new``.

    The refresh works without scripts; the one-line script also keeps a ``#section`` of the
    old address (section ids did not change). Nothing is loaded from outside the book."""
    href = html.escape(posixpath.relpath(f"{new}.html", posixpath.dirname(old) or "."))
    title = html.escape(title)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Moved: {title}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'<link rel="canonical" href="{href}">\n<meta name="robots" content="noindex">\n'
        f"{GENERATOR}\n"
        f'<script>location.replace("{href}" + location.hash);</script>\n</head>\n<body>\n'
        f'<p>This page has moved to <a href="{href}">{title}</a>.</p>\n</body>\n</html>\n')


def write_redirects(outdir: Path, pages: Mapping[str, str], titles: Mapping[str, str],
                    lang: str = "en") -> list[Path]:
    """Write a redirect page for each old docname whose new page is in ``titles`` (the pages
    this build made); return the pages written."""
    written = []
    for old, new in pages.items():
        if new not in titles:  # a partial build (another toc, a test book) lacks the page
            continue
        path = outdir / f"{old}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(redirect_html(old, new, titles[new], lang), encoding="utf-8")
        written.append(path)
    return written


def copy_renamed_notebooks(outdir: Path, notebooks: Mapping[str, str]) -> list[Path]:
    """Copy each renamed notebook in the output to its old name; return the copies."""
    folder = outdir / NOTEBOOKS_OUT
    written = []
    for old, new in notebooks.items():
        if (folder / new).is_file():
            (folder / old).write_bytes((folder / new).read_bytes())
            written.append(folder / old)
    return written


def remove_leftovers(outdir: Path, pages: Mapping[str, str], notebooks: Mapping[str, str],
                     copied: set[str]) -> list[Path]:
    """Delete what an earlier build left at old names: a redirect page whose entry was since
    dropped from ``pages``, an old notebook name dropped from ``notebooks`` (``copied``: the
    notebooks this build copied). Sphinx never cleans its output, so a local build would go
    on serving them, and its tests would pass on them."""
    folders = {posixpath.dirname(old) for old in pages}
    stale = [page for folder in folders for page in (outdir / folder).glob("*.html")
             if posixpath.join(folder, page.stem) not in pages
             and GENERATOR in page.read_text(encoding="utf-8", errors="replace")]
    stale += [nb for nb in (outdir / NOTEBOOKS_OUT).glob("*.ipynb")
              if nb.name not in copied.union(notebooks)]
    for path in stale:
        path.unlink()
    return stale


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    env = app.env
    for old in sorted(RENAMED_PAGES.keys() & env.found_docs):
        logger.warning("%s is a page again: take it out of RENAMED_PAGES in %s", old, __name__)
    titles = {new: env.titles[new].astext() for new in RENAMED_PAGES.values()
              if new in env.found_docs}
    outdir = Path(app.outdir)
    remove_leftovers(outdir, RENAMED_PAGES, RENAMED_NOTEBOOKS,
                     {nb.name for nb in student_notebooks()})
    write_redirects(outdir, RENAMED_PAGES, titles, app.config.language or "en")
    copy_renamed_notebooks(outdir, RENAMED_NOTEBOOKS)


def setup(app: Sphinx) -> dict[str, Any]:
    # After the notebooks are copied into the output (default priority 500).
    app.connect("build-finished", _build_finished, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
