"""Figures of published (not simulated) data, drawn from ``immunocourse.content.evidence``.

Each function returns a plotly ``go.Figure`` whose hover text names the trial and source of
every bar, with a text alternative in ``fig.layout.meta["alt"]``. Colours come from the
Okabe-Ito palette and every category also has its own bar pattern, so the figures read in
greyscale and with colour-vision deficiencies.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from immunocourse.content import evidence
from immunocourse.figures.palette import GREY, OKABE_ITO
from immunocourse.figures.plots import finish

# CheckMate 067 arms: colour and bar pattern, so the arms differ without colour too.
ARM_STYLE: dict[str, tuple[str, str]] = {
    "ipilimumab": (OKABE_ITO["orange"], "/"),
    "nivolumab": (OKABE_ITO["sky_blue"], "."),
    "nivolumab + ipilimumab": (OKABE_ITO["vermillion"], "x"),
}
IMMUNO_STYLE = (OKABE_ITO["blue"], "")
COMPARATOR_STYLE = (OKABE_ITO["orange"], "/")


# Short axis labels; the full names are in the hover text and the alt text.
_SHORT_REGIMEN = {
    "nivolumab + ipilimumab": "nivo + ipi",
    "platinum chemotherapy": "chemotherapy",
    "paclitaxel, docetaxel or vinflunine": "chemotherapy",
    "methotrexate, docetaxel or cetuximab": "standard therapy",
}
_SHORT_CANCER = {
    "Lung (non-small-cell)": "Lung",
    "Kidney (renal cell)": "Kidney",
    "Bladder (urothelial)": "Bladder",
    "Head and neck (squamous)": "Head and neck",
    "Classical Hodgkin lymphoma": "Hodgkin lymphoma",
    "MSI-high / dMMR, 12 tumour types": "MSI-high / dMMR",
}


def _short(r: evidence.ResponseRate) -> tuple[str, str]:
    return (f"{_SHORT_CANCER.get(r.cancer, r.cancer)}<br>({r.trial})",
            _SHORT_REGIMEN.get(r.regimen, r.regimen))


def response_rate_bars(
    rates: Sequence[evidence.ResponseRate] = evidence.RESPONSE_RATES,
) -> go.Figure:
    """Horizontal bars: published objective response rate of each trial arm, grouped by
    cancer and trial. Immunotherapy arms are solid blue, comparator arms hatched orange."""
    fig = go.Figure()
    # One trace per bar keeps the published order on the two-level (cancer, arm) axis.
    seen = set()
    for r in rates:
        color, pattern = IMMUNO_STYLE if r.immunotherapy else COMPARATOR_STYLE
        name = "Immunotherapy arm" if r.immunotherapy else "Comparator arm (not immunotherapy)"
        group, arm = _short(r)
        fig.add_trace(go.Bar(
            y=[[group], [arm]], x=[r.orr_pct], orientation="h", name=name,
            legendgroup=name, showlegend=name not in seen,
            marker={"color": color, "pattern": {"shape": pattern},
                    "line": {"color": "black", "width": 1}},
            text=[f"{r.orr_pct:g}%"], textposition="outside", cliponaxis=False,
            customdata=[[r.cancer, r.regimen, r.trial, r.population, r.source]],
            hovertemplate=("%{customdata[0]}, %{customdata[2]}<br>%{customdata[1]}: "
                           "objective response rate %{x:g}%<br>Patients: %{customdata[3]}"
                           "<br>Source: %{customdata[4]}<extra></extra>"),
        ))
        seen.add(name)
    fig.update_yaxes(autorange="reversed", title_text="", tickfont={"size": 11})
    fig.update_xaxes(title_text="Objective response rate (% of patients)", range=[0, 85])
    alt = ("Horizontal bar chart of published objective response rates, one bar per trial "
           "arm: " + "; ".join(f"{r.cancer}, {r.trial}, {r.regimen} {r.orr_pct:g}% "
                               f"({r.source})" for r in rates)
           + ". Trials differ in population and line of treatment, so bars from different "
           "trials are not directly comparable.")
    return finish(fig, "Published objective response rates by cancer type", alt,
                   height=140 + 38 * len(rates), barmode="overlay",
                   margin={"l": 20, "r": 30},
                   legend={"orientation": "h", "y": -0.12, "title": {"text": ""}})


def adverse_event_bars(
    events: Sequence[evidence.AdverseEventRate] = evidence.ADVERSE_EVENTS,
) -> go.Figure:
    """Two panels of grouped bars, any grade and grade 3 or higher, for each adverse event
    by CheckMate 067 arm."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.08,
                        subplot_titles=("Any grade", "Grade 3 or higher"))
    names = [e.event for e in events]
    for arm in evidence.ARMS_067:
        color, pattern = ARM_STYLE[arm]
        for col, field, label in ((1, "any_grade", "any grade"),
                                  (2, "grade3plus", "grade 3 or higher")):
            values = [getattr(e, field)[arm] for e in events]
            fig.add_trace(go.Bar(
                y=names, x=values, orientation="h", name=arm, legendgroup=arm,
                showlegend=col == 1,
                marker={"color": color, "pattern": {"shape": pattern},
                        "line": {"color": "black", "width": 1}},
                hovertemplate=(f"{arm}<br>%{{y}}, {label}: %{{x}}% of patients<br>"
                               f"Source: {events[0].source}<extra></extra>"),
            ), row=1, col=col)
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1])
    fig.update_xaxes(title_text="Patients (%)", range=[0, 100], row=1, col=1)
    # Severe events are rarer: a shorter axis keeps their small bars readable.
    fig.update_xaxes(title_text="Patients (%)", range=[0, 60], row=1, col=2)
    parts = []
    for e in events:
        arms = ", ".join(f"{a} {e.any_grade[a]}% ({e.grade3plus[a]}% grade 3+)"
                         for a in evidence.ARMS_067)
        parts.append(f"{e.event}: {arms}")
    alt = ("Grouped bar chart of treatment-related adverse events in the CheckMate 067 "
           "melanoma trial, percent of patients, any grade in the left panel and grade 3 or "
           "higher in the right, by arm. " + "; ".join(parts) + ".")
    return finish(fig, "Side effects in CheckMate 067 by treatment arm", alt,
                   barmode="group", height=520, bargap=0.25,
                   legend={"orientation": "h", "y": -0.15, "title": {"text": "Arm"}})


def onset_timeline(
    windows: Sequence[evidence.OnsetWindow] = evidence.ONSET_WINDOWS,
    pooled: tuple[float, float] = evidence.POOLED_MEDIAN_ONSET_WEEKS,
) -> go.Figure:
    """Floating bars: the weeks after starting ipilimumab when each organ's side effects
    typically begin, over a grey band for the pooled median onset across checkpoint
    inhibitors."""
    fig = go.Figure()
    lo, hi = pooled
    fig.add_vrect(x0=lo, x1=hi, fillcolor=GREY, opacity=0.15, line_width=0)
    fig.add_annotation(x=(lo + hi) / 2, y=1.02, yref="paper", showarrow=False,
                       text=f"Median onset across checkpoint inhibitors: {lo:g}-{hi:g} weeks")
    patterns = ("", "/", ".", "x")
    colors = (OKABE_ITO["reddish_purple"], OKABE_ITO["vermillion"], OKABE_ITO["orange"],
              OKABE_ITO["blue"])
    for i, w in enumerate(windows):
        fig.add_trace(go.Bar(
            y=[w.organ], x=[w.last_week - w.first_week], base=[w.first_week],
            orientation="h", name=w.organ, showlegend=False, width=0.5,
            marker={"color": colors[i % 4], "pattern": {"shape": patterns[i % 4]},
                    "line": {"color": "black", "width": 1}},
            hovertemplate=(f"{w.organ}: typically weeks {w.first_week:g}-{w.last_week:g} "
                           f"after the first dose<br>Source: {w.source}<extra></extra>"),
        ))
    fig.update_yaxes(categoryorder="array",
                     categoryarray=[w.organ for w in windows][::-1], title_text="")
    fig.update_xaxes(title_text="Weeks since the first dose", range=[0, 16], dtick=2)
    alt = ("Timeline of when immune-related side effects typically begin after starting "
           "ipilimumab: " + "; ".join(f"{w.organ} weeks {w.first_week:g} to {w.last_week:g}"
                                      for w in windows)
           + f" ({windows[0].source}). A grey band from {lo:g} to {hi:g} weeks shows the "
           "range of pooled median onset times across checkpoint-inhibitor trials.")
    return finish(fig, "When side effects typically start (ipilimumab)", alt, height=360)
