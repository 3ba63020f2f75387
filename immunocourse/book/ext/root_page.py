"""The root page: ``index.html`` at the output's root, sending the reader to the book."""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.application import Sphinx


def _write_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """``index.html`` at the root sends the reader to the book's first page. Written before
    sphinx-external-toc's bare ``<meta>`` version (which then leaves it), with a language, a
    title and a link for browsers that do not follow the refresh."""
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    target = f"{app.config.root_doc}.html"
    title = html.escape(app.config.project or "Course")
    (Path(app.outdir) / "index.html").write_text(
        f'<!DOCTYPE html>\n<html lang="{app.config.language or "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<meta http-equiv="Refresh" content="0; url={target}">\n</head>\n<body>\n'
        f'<p><a href="{target}">{title}: open the course</a></p>\n</body>\n</html>\n',
        encoding="utf-8")


def setup(app: Sphinx) -> None:
    # Priority 400: before sphinx-external-toc's build-finished handler (500).
    app.connect("build-finished", _write_root_redirect, priority=400)
