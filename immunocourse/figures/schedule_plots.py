"""The treatment calendar of a :class:`~immunocourse.science.schedule.Regimen`, and its explorer.

:func:`timeline_figure` draws a calendar: one column per week, one row per day of the week, a
marker on each dose day and rest periods shaded. :class:`ScheduleExplorer` wraps it in
ipywidgets for the notebooks and updates the figure in place.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from immunocourse.figures import palette
from immunocourse.science.schedule import (
    DAYS_PER_WEEK,
    DEFAULT_WEEKS,
    REGIMENS,
    Regimen,
    custom,
    timeline_data,
)

_REST_COLOUR = "rgba(240, 228, 66, 0.45)"  # Okabe-Ito yellow, light: a background, not a mark


def timeline_figure(regimen: Regimen, weeks: int = DEFAULT_WEEKS) -> go.Figure:
    """Calendar of ``weeks`` weeks: dose days as markers, rest periods shaded."""
    data = timeline_data(regimen, weeks)
    fig = go.Figure()
    fig.add_trace(go.Heatmap(
        x=list(range(1, weeks + 1)), y=list(range(1, DAYS_PER_WEEK + 1)), z=data["rest"],
        colorscale=[[0, _REST_COLOUR], [1, _REST_COLOUR]], showscale=False, xgap=1, ygap=1,
        name="rest period", hovertemplate="week %{x}, day %{y}: rest period<extra></extra>",
        showlegend=True,
    ))
    fig.add_trace(go.Scatter(
        x=data["x"], y=data["y"], text=data["text"], mode="markers", name="dose day",
        marker={"symbol": "diamond", "size": 11, "color": palette.OKABE_ITO["blue"],
                "line": {"width": 1, "color": "#000000"}},
        hovertemplate="%{text}<extra></extra>",
    ))
    made_up = "Made-up example regimen" if regimen.example else "As described in its label"
    fig.update_layout(
        template="simple_white",
        title={"text": f"Treatment calendar: {html.escape(regimen.drug)} "
                       f"{html.escape(regimen.dose)}<br><sup>{html.escape(regimen.description)}"
                       f". {made_up}; not advice</sup>"},
        showlegend=True,
        meta={"alt": data["alt"]},
        xaxis={"title": {"text": "Week of treatment (week 1 starts with the first dose)"},
               "range": [0.5, weeks + 0.5], "dtick": 4 if weeks > 26 else 1},
        # Explicit reversed range: day 1 on top even when only day 1 has marks.
        yaxis={"title": {"text": "Day of the week"}, "range": [DAYS_PER_WEEK + 0.5, 0.5],
               "tickvals": list(range(1, DAYS_PER_WEEK + 1)),
               "ticktext": [f"day {i}" for i in range(1, DAYS_PER_WEEK + 1)]},
        legend={"orientation": "h", "y": -0.35},
        height=380, margin={"t": 80},
    )
    return fig


# ------------------------------------------------------------------------ explorer


class ScheduleExplorer:
    """Pick a labelled regimen, or build your own with sliders; the calendar updates in place.

    ``update(...)`` works without a browser (the controls call it too).
    """

    def __init__(self, key: str = "pembrolizumab-q3w", weeks: int = DEFAULT_WEEKS) -> None:
        import ipywidgets as widgets

        self.weeks = weeks
        self.regimen = REGIMENS[key]
        self.figure = go.FigureWidget(timeline_figure(self.regimen, weeks))
        options = [(r.title, k) for k, r in REGIMENS.items()] + [("Build your own (made up)",
                                                                  "custom")]
        style = {"description_width": "initial"}
        self.choice = widgets.Dropdown(options=options, value=key, description="Regimen",
                                       style=style, layout=widgets.Layout(width="95%"))
        self.sliders = {
            "interval_days": widgets.IntSlider(value=7, min=1, max=42, style=style,
                                               description="Days between doses"),
            "doses_per_cycle": widgets.IntSlider(value=3, min=1, max=28, style=style,
                                                 description="Doses per cycle"),
            "rest_days": widgets.IntSlider(value=7, min=0, max=28, style=style,
                                           description="Rest days after each cycle"),
        }
        self.caption = widgets.HTML()
        self._syncing = False
        self.choice.observe(lambda ch: self._on_change(), "value")
        for s in self.sliders.values():
            s.observe(lambda ch: self._on_change(custom=True), "value")
        self.widget = widgets.VBox([self.choice, widgets.HBox(list(self.sliders.values())),
                                    self.figure, self.caption])
        self._show()

    def _on_change(self, custom: bool = False) -> None:
        if self._syncing:
            return
        if custom:
            self.update(**{k: s.value for k, s in self.sliders.items()})
        else:
            self.update(key=self.choice.value)

    def update(self, key: str | None = None, interval_days: int | None = None,
               doses_per_cycle: int | None = None, rest_days: int | None = None) -> Regimen:
        """Show a labelled regimen (``key``) or a made-up one built from the slider values."""
        if key is not None and key != "custom":
            self.regimen = REGIMENS[key]
        else:
            values = {k: s.value for k, s in self.sliders.items()}
            given = {"interval_days": interval_days, "doses_per_cycle": doses_per_cycle,
                     "rest_days": rest_days}
            values.update({k: v for k, v in given.items() if v is not None})
            self.regimen = custom(**values)
        self._syncing = True
        try:
            self.choice.value = "custom" if self.regimen.key == "custom" else self.regimen.key
            if self.regimen.key == "custom":
                for name, s in self.sliders.items():
                    s.value = getattr(self.regimen, name)
        finally:
            self._syncing = False
        self._show()
        return self.regimen

    def _show(self) -> None:
        data = timeline_data(self.regimen, self.weeks)
        fresh = timeline_figure(self.regimen, self.weeks)
        with self.figure.batch_update():
            self.figure.data[0].z = data["rest"]
            self.figure.data[1].x, self.figure.data[1].y = data["x"], data["y"]
            self.figure.data[1].text = data["text"]
            self.figure.layout.title = fresh.layout.title
            self.figure.layout.meta = {"alt": data["alt"]}
        n = len(data["x"])
        self.caption.value = (f"<p>{n} doses in the first {self.weeks} weeks. "
                              f"{html.escape(data['alt'])}</p>")
