"""Layer 3, what a reader sees: plotly figures (:mod:`.plots`, :mod:`.lesson_plots`,
:mod:`.evidence_plots`, :mod:`.schedule_plots`), the palette, how a figure is shown
(:mod:`.display`), HTML tables, and the explorers: live in a notebook (:mod:`.live_explorers`,
ipywidgets) or precomputed for the static book (:mod:`.static_explorers`, no kernel).

``from immunocourse import figures; figures.spider_plot(...)``, as notebooks wrote before the
package had layers, still works: names not found here are looked up in :mod:`.plots`.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    plots = importlib.import_module("immunocourse.figures.plots")
    try:
        return getattr(plots, name)
    except AttributeError:
        raise AttributeError(f"module 'immunocourse.figures' has no attribute {name!r}") from None
