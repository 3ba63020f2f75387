"""Show a plotly figure the same way in JupyterLab and in the static book.

MyST-NB cannot render plotly's own ``application/vnd.plotly.v1+json`` output, so a bare
``fig`` draws nothing in the book. :func:`show` returns an object whose mime bundle carries
both: the plotly JSON (JupyterLab's plotly renderer picks it, fully interactive) and an HTML
fragment that calls the page's single, locally served copy of plotly.js (the book's
``immunocourse.book.ext`` adds it and tells MyST-NB to prefer the HTML). Figures are never
inlined with their own plotly.js and nothing is fetched from a CDN.
"""

from __future__ import annotations

import html
import json
import uuid
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

PLOTLY_MIME = "application/vnd.plotly.v1+json"
FIGURE_CLASS = "ic-plotly-figure"
HTML_TWIN_KEY = "immunocourse_html_twin"  # output metadata: this bundle has an offline HTML half
CONFIG = {"displaylogo": False, "responsive": True}


def alt_text(fig: go.Figure) -> str:
    """The figure's text alternative (``fig.layout.meta["alt"]``); raises if it has none.

    A title is no substitute: alt text says what the figure shows, not what it is called.
    """
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("alt"):
        return str(meta["alt"])
    raise ValueError("figure has no text alternative: set fig.layout.meta = {'alt': '...'}")


class PlotlyFigure:
    """A displayable wrapper; build it with :func:`show`."""

    def __init__(self, fig: go.Figure, alt: str | None = None) -> None:
        self.figure = fig
        self.alt = alt or alt_text(fig)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        spec = json.loads(pio.to_json(self.figure, validate=False))
        spec["config"] = CONFIG
        data = {
            PLOTLY_MIME: spec,
            "text/html": self._html(spec),
            "text/plain": f"<figure: {self.alt}>",
        }
        return data, {PLOTLY_MIME: {HTML_TWIN_KEY: True}}

    def _html(self, spec: dict[str, Any]) -> str:
        div_id = f"ic-fig-{uuid.uuid4().hex[:12]}"
        # "</" would end the script element early; plotly JSON never needs it literally.
        payload = json.dumps(spec).replace("</", "<\\/")
        height = int(spec.get("layout", {}).get("height") or 450)
        alt = html.escape(self.alt)
        # role="group", not "img": the plot holds controls (mode bar, sliders), and an img
        # must not contain interactive content. The label and the description stay.
        return (
            f'<figure class="ic-plotly">'
            f'<div id="{div_id}" class="{FIGURE_CLASS}" role="group" aria-label="{alt}" '
            f'aria-describedby="{div_id}-alt" style="min-height:{height}px"></div>'
            # The text alternative, for everyone: folded away, one click or key press open.
            f'<figcaption><details class="ic-plotly-alt"><summary>Text description of '
            f'the figure</summary><p id="{div_id}-alt">{alt}</p></details></figcaption>'
            f'<script type="application/json" id="{div_id}-spec">{payload}</script>'
            "<script>(function(){"
            f'var el=document.getElementById("{div_id}");'
            f'var spec=JSON.parse(document.getElementById("{div_id}-spec").textContent);'
            'function draw(){if(typeof Plotly==="undefined"){el.textContent='
            '"This figure needs plotly.js, which did not load.";return;}'
            # immunocourse-figures.js fits the layout to the width (phones) and adds
            # keyboard controls for sliders; without it the figure still draws as built.
            "var f=window.immunocourseFigure;"
            "var p=Plotly.newPlot(el,spec.data,f?f.layout(el,spec.layout,spec.data):spec.layout,"
            "spec.config);if(spec.frames){p=p.then(function(){"
            "return Plotly.addFrames(el,spec.frames);});}"
            "if(f){p.then(function(){f.controls(el,spec);});}}"
            'if(document.readyState==="loading"){'
            'document.addEventListener("DOMContentLoaded",draw);}else{draw();}'
            "})();</script></figure>"
        )


def show(fig: go.Figure, alt: str | None = None) -> PlotlyFigure:
    """Return ``fig`` ready to display as a cell's last expression, with alt text.

    ``alt`` defaults to the figure's own text alternative (``layout.meta["alt"]``).
    """
    return PlotlyFigure(fig, alt)
