"""Sphinx extension for the course book: offline plotly and a quiet, light, local-only page.

- plotly.js is the pinned npm partial bundle ``plotly.js-cartesian-dist-min`` (every trace
  type the course draws; package.json, installed by ``make setup``), copied once into
  ``_static/`` and linked only from pages that hold a figure (see
  :mod:`immunocourse.figures.display`).
- The theme's 1.5 MB Font Awesome bundle is replaced by ``icons.js``, written at build time
  with only the icons the built pages use (``templates/layout.html`` links it).
- Maths is written as MathML at build time (:func:`latex_to_mathml`), which browsers draw
  natively: no page loads MathJax's 1.2 MB.
- Small page repairs for accessibility and phones live in ``static/`` (see each file).
- :class:`PlotlyMimeRenderer` (a MyST-NB mime-render plugin, registered as an entry point
  in pyproject.toml) drops plotly's JSON mime type from HTML builds so the HTML half of
  :func:`immunocourse.figures.display.show` is rendered. A figure displayed *without* ``show`` has
  no such twin and would draw nothing, so it is reported as a warning (failing the build).
- Every lesson page gets "Last reviewed: <date>" under its title, from the one review log in
  :mod:`immunocourse.content.review`; a lesson page missing from the log fails the build.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from immunocourse.content import review
from immunocourse.figures.display import FIGURE_CLASS, HTML_TWIN_KEY, PLOTLY_MIME

ROOT = Path(__file__).resolve().parents[2]
PLOTLY_JS = ROOT / "node_modules" / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js"
PLOTLY_STATIC = "plotly-cartesian.min.js"
STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
ICONS_STATIC = "icons.js"


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
                "immunocourse.figures.display.show(fig)",
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
    if not PLOTLY_JS.exists():
        raise ExtensionError(f"{PLOTLY_JS} is missing: run `make setup` (npm ci) first")
    config.html_math_renderer = "mathml"
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.templates_path = [str(TEMPLATES), *config.templates_path]
    _drop_thebe(app)


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file(PLOTLY_STATIC, priority=200)
    if "body" in context:
        context["body"] = _accessible_citations(context["body"])
        context["body"] = _add_notebook_links(app, pagename, context["body"])


def _accessible_citations(body: str) -> str:
    """docutils marks the bibliography ``role="list"`` over ``role="doc-biblioentry"`` items,
    which ARIA does not allow as list children (axe aria-required-children): plain
    containers instead; each entry keeps its anchor and text."""
    return body.replace('<div role="list" class="citation-list">', '<div class="citation-list">'
                        ).replace(' role="doc-biblioentry"', "")


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


def _copy_plotly(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / PLOTLY_STATIC
        if not target.exists() or target.stat().st_size != PLOTLY_JS.stat().st_size:
            target.write_bytes(PLOTLY_JS.read_bytes())


# --- maths as MathML ---------------------------------------------------------------------------

logger = logging.getLogger(__name__)


def latex_to_mathml(latex: str, display: str = "inline") -> str:
    """A TeX formula as a MathML ``<math>`` element (``display`` "inline" or "block"), with
    the TeX kept as its text alternative; raises ValueError if it cannot be converted."""
    from latex2mathml.converter import convert

    try:
        mathml = convert(latex.strip(), display=display)
    except Exception as exc:  # latex2mathml raises many types; the caller names the place
        raise ValueError(f"cannot convert maths {latex!r}: {exc}") from exc
    return mathml.replace("<math ", f'<math alttext="{html.escape(latex.strip())}" ', 1)


def _math_html(self: Any, node: nodes.Element, display: str) -> None:
    try:
        mathml = latex_to_mathml(node.astext(), display)
    except ValueError as exc:
        logger.warning(str(exc), location=node)
        mathml = f"<code>{html.escape(node.astext())}</code>"
    if display == "block":
        mathml = f'<div class="math-display">{mathml}</div>'
    self.body.append(mathml)
    raise nodes.SkipNode


def _visit_math(self: Any, node: nodes.Element) -> None:
    _math_html(self, node, "inline")


def _visit_displaymath(self: Any, node: nodes.Element) -> None:
    _math_html(self, node, "block")


# --- from page to notebook --------------------------------------------------------------------

NOTEBOOKS = ROOT / "notebooks"
NOTEBOOKS_OUT = "notebooks"  # the folder under the HTML output that holds the copies
_LESSON_PAGE = re.compile(r"^book/(\d\d)-")


WELCOME_PAGE, WELCOME_NUMBERS = "book/index", ("00", "01")  # the start and welcome notebooks


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
        f"notebook in <code>notebooks/</code>. The {noun} run the explorers live and hold "
        "the quiz for grading.</p></aside>")


def _add_notebook_links(app: Sphinx, pagename: str, body: str) -> str:
    """Put the notebook box after the page's first heading (lesson pages only)."""
    notebooks = lesson_notebooks(pagename)
    if not notebooks or app.builder.name != "html":
        return body
    box = notebook_links_html(pagename, notebooks)
    end = body.find("</h1>")
    return body[: end + 5] + box + body[end + 5:] if end >= 0 else box + body


def _copy_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Copy the student notebooks into the HTML output, so the download links work offline."""
    if exception is not None or app.builder.name != "html":
        return
    target = Path(app.outdir) / NOTEBOOKS_OUT
    target.mkdir(exist_ok=True)
    for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        (target / notebook.name).write_bytes(notebook.read_bytes())


# --- the root page ----------------------------------------------------------------------------

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


# --- icons -------------------------------------------------------------------------------

_FA_ICON = re.compile(  # name (quoted or bare):[width,height,[aliases],"unicode","path"]
    r'(?:"([a-z0-9-]+)"|([a-z0-9]+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]*","(M[^"]+)"\]')
_FA_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
ICONS_TEMPLATE = TEMPLATES / "icons.js"  # /*ICONS*/{} is replaced by the icon data


def _theme_icons() -> dict[str, list]:
    """Every icon in the theme's Font Awesome bundle: name (or alias) -> [width, height, path].

    The bundle defines the solid set last, so a later definition of a name wins."""
    import pydata_sphinx_theme

    bundle = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
              / "static" / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    icons: dict[str, list] = {}
    for quoted, bare, width, height, aliases, path in _FA_ICON.findall(bundle):
        icon = [int(width), int(height), path]
        for name in [quoted or bare, *re.findall(r'"([a-z0-9-]+)"', aliases)]:
            icons[name] = icon
    return icons


def icons_used(outdir: Path) -> set[str]:
    """Font Awesome names (``fa-NAME``) on the built pages and in their scripts."""
    names: set[str] = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        if path.name != ICONS_STATIC:
            names.update(_FA_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def _write_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    available = _theme_icons()
    icons = {name: available[name] for name in sorted(icons_used(outdir)) if name in available}
    script = ICONS_TEMPLATE.read_text(encoding="utf-8").replace(
        "/*ICONS*/{}", json.dumps(icons, separators=(",", ":")))
    (outdir / "_static" / ICONS_STATIC).write_text(script, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_displaymath, None))
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_plotly)
    app.connect("doctree-read", _stamp_review_date)
    app.connect("build-finished", _write_icons)
    app.connect("build-finished", _copy_notebooks)
    app.connect("build-finished", _write_root_redirect, priority=400)
    app.add_css_file("immunocourse.css")
    app.add_js_file("immunocourse-a11y.js", loading_method="defer")
    app.add_js_file("immunocourse-figures.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
