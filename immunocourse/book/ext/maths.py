"""Maths written as MathML at build time, which browsers draw natively: no page loads
MathJax's 1.2 MB."""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

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


def _config_inited(app: Sphinx, config: Any) -> None:
    config.html_math_renderer = "mathml"


def setup(app: Sphinx) -> None:
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_displaymath, None))
    app.connect("config-inited", _config_inited, priority=900)
