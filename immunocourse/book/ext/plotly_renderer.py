"""The MyST-NB mime-render plugin for plotly figures (an entry point in pyproject.toml).

It drops plotly's JSON mime type from HTML builds so the HTML half of
:func:`immunocourse.figures.display.show` is rendered. A figure displayed *without* ``show``
has no such twin and would draw nothing, so it is reported as a warning (failing the build).
"""

from __future__ import annotations

from typing import Any

from immunocourse.figures.display import HTML_TWIN_KEY, PLOTLY_MIME


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
