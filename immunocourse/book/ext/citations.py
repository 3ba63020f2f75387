"""The bibliography as plain containers, which ARIA allows."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _accessible_citations(body: str) -> str:
    """docutils marks the bibliography ``role="list"`` over ``role="doc-biblioentry"`` items,
    which ARIA does not allow as list children (axe aria-required-children): plain
    containers instead; each entry keeps its anchor and text."""
    return body.replace('<div role="list" class="citation-list">', '<div class="citation-list">'
                        ).replace(' role="doc-biblioentry"', "")


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                  doctree: Any) -> None:
    if "body" in context:
        context["body"] = _accessible_citations(context["body"])


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", _page_context)
