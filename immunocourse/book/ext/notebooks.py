"""From page to notebook: a lesson page links its student notebooks, copied into the HTML
output so the download links work offline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from immunocourse.book.ext.paths import ROOT

NOTEBOOKS = ROOT / "notebooks"
NOTEBOOKS_OUT = "notebooks"  # the folder under the HTML output that holds the copies
_LESSON_PAGE = re.compile(r"^book/(\d\d)-")


WELCOME_PAGE, WELCOME_NUMBERS = "book/index", ("00", "01")  # the start and welcome notebooks


def student_notebooks() -> list[Path]:
    """The notebooks the book copies into its output: ``notebooks/NN-*.ipynb``."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def lesson_notebooks(pagename: str, notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The student notebooks of a lesson page: ``book/NN-topic`` -> ``notebooks/NN-*.ipynb``
    (a lesson may have more than one, e.g. an explorer beside the lesson); the welcome page
    (``book/index``) has lessons 00 and 01."""
    match = _LESSON_PAGE.match(pagename)
    numbers = (match.group(1),) if match else WELCOME_NUMBERS if pagename == WELCOME_PAGE else ()
    return sorted(nb for n in numbers for nb in notebooks.glob(f"{n}-*.ipynb"))


def notebook_links_html(pagename: str, notebooks: Sequence[Path]) -> str:
    """The "work through it in JupyterLab" box: a download link per notebook, and how to
    open them with ``make start``."""
    up = "../" * pagename.count("/")
    links = ", ".join(
        f'<a class="reference download" href="{up}{NOTEBOOKS_OUT}/{nb.name}" download>'
        f"<code>{nb.name}</code></a>" for nb in notebooks)
    noun = "notebook" if len(notebooks) == 1 else "notebooks"
    return (
        '<aside class="admonition tip ic-notebook-links" aria-label="Student notebook">'
        f'<p class="admonition-title">Work through this lesson in JupyterLab</p>'
        f"<p>Download the student {noun} {links}, or open {'it' if len(notebooks) == 1 else 'them'}"
        " from the course folder: run <code>make start</code>, and JupyterLab opens with every "
        f"notebook in <code>notebooks/</code>. "
        f"{'It runs' if len(notebooks) == 1 else 'They run'} the explorers live and "
        f"{'holds' if len(notebooks) == 1 else 'hold'} the quiz for grading.</p></aside>")


def _add_notebook_links(app: Sphinx, pagename: str, body: str) -> str:
    """Put the notebook box after the page's first heading (lesson pages only)."""
    notebooks = lesson_notebooks(pagename)
    if not notebooks or app.builder.name != "html":
        return body
    box = notebook_links_html(pagename, notebooks)
    end = body.find("</h1>")
    return body[: end + 5] + box + body[end + 5:] if end >= 0 else box + body


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                  doctree: Any) -> None:
    if "body" in context:
        context["body"] = _add_notebook_links(app, pagename, context["body"])


def _copy_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Copy the student notebooks into the HTML output, so the download links work offline."""
    if exception is not None or app.builder.name != "html":
        return
    target = Path(app.outdir) / NOTEBOOKS_OUT
    target.mkdir(exist_ok=True)
    for notebook in student_notebooks():
        (target / notebook.name).write_bytes(notebook.read_bytes())


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_notebooks)
