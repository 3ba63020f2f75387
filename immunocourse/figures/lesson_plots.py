"""Figures drawn for single lessons: approval timeline, monitoring timeline, immune-boost
time courses and the welcome lesson's illustrative scan sums.

Each function returns a plotly ``go.Figure`` with its text alternative in
``fig.layout.meta["alt"]``, axis titles with units, hover text, and the Okabe-Ito palette with
a distinct marker or dash per category (``immunocourse.figures.palette``), so nothing relies
on colour alone. The lesson modules in ``immunocourse.lessons`` hold the data and call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from immunocourse.figures import palette
from immunocourse.figures.plots import finish

# Colour and marker pairs, in order; a category's pair is fixed by its position in its list.
_STYLES = (
    (palette.OKABE_ITO["blue"], "circle"),
    (palette.OKABE_ITO["vermillion"], "diamond"),
    (palette.OKABE_ITO["bluish_green"], "triangle-up"),
    (palette.OKABE_ITO["orange"], "square"),
    (palette.OKABE_ITO["reddish_purple"], "star"),
    (palette.OKABE_ITO["sky_blue"], "hexagon"),
    (palette.OKABE_ITO["black"], "x"),
    (palette.OKABE_ITO["yellow"], "pentagon"),
)


def _class_style(classes: Sequence[str], cls: str) -> tuple[str, str]:
    return _STYLES[list(classes).index(cls) % len(_STYLES)]


def approval_timeline(drugs: Sequence[Any], classes: Sequence[str]) -> go.Figure:
    """Lesson 4: dot timeline of first FDA approvals, one row per class of immunotherapy.

    ``drugs`` are ``immunocourse.lessons.immunotherapy_types.Drug`` records; those without a
    confirmed year are left out of the plot and named in the alt text.
    """
    fig = go.Figure()
    dated = [d for d in drugs if d.first_fda_year]
    for cls in classes:
        members = [d for d in dated if d.therapy_class == cls]
        if not members:
            continue
        color, symbol = _class_style(classes, cls)
        row = len(classes) - 1 - classes.index(cls)
        # Drugs sharing a class and a year are stacked a little apart so none hides another.
        seen: dict[int, int] = {}
        offsets = []
        for d in members:
            k = seen.get(d.first_fda_year, 0)
            seen[d.first_fda_year] = k + 1
            offsets.append(row + 0.22 * k)
        fig.add_trace(go.Scatter(
            x=[d.first_fda_year for d in members], y=offsets,
            mode="markers", name=cls,
            marker={"color": color, "symbol": symbol, "size": 14,
                    "line": {"color": "#000000", "width": 1}},
            text=[d.name for d in members],
            customdata=[[d.target, d.first_use, cls] for d in members],
            hovertemplate=("%{text} (%{customdata[2]})<br>target: %{customdata[0]}"
                           "<br>first FDA approval %{x}: %{customdata[1]}<extra></extra>"),
        ))
    undated = [d.name for d in drugs if not d.first_fda_year]
    firsts = "; ".join(
        f"{cls.lower()} {min(d.first_fda_year for d in dated if d.therapy_class == cls)}"
        for cls in classes if any(d.therapy_class == cls for d in dated))
    years = [d.first_fda_year for d in dated]
    alt = (
        f"Timeline of first US FDA approvals for a cancer use, {min(years)} to {max(years)}"
        f", one row per class of immunotherapy, one "
        f"marker per drug ({len(dated)} drugs). Earliest approval in each class: {firsts}. "
        f"Not shown, year not confirmed: {', '.join(undated)}."
    )
    return finish(
        fig,
        "First FDA approvals of immunotherapy drugs for cancer, by class",
        alt,
        xaxis={"title": {"text": "Year of first FDA approval (calendar year)"}, "dtick": 5,
               "showgrid": True},
        yaxis={"title": {"text": "Class of immunotherapy"},
               "tickvals": list(range(len(classes))), "ticktext": list(reversed(classes)),
               "range": [-0.6, len(classes) - 0.3]},
        legend={"title": {"text": "Class"}, "orientation": "h", "y": -0.25},
        height=560,
    )


def monitoring_timeline(events: dict[str, list[int]], weeks: int) -> go.Figure:
    """Lesson 8: an illustrative monitoring schedule, one row per kind of event, over weeks."""
    fig = go.Figure()
    names = list(events)
    for k, (name, when) in enumerate(events.items()):
        color, symbol = _STYLES[k % len(_STYLES)]
        fig.add_trace(go.Scatter(
            x=when, y=[len(names) - 1 - k] * len(when), mode="markers", name=name,
            marker={"color": color, "symbol": symbol, "size": 13,
                    "line": {"color": "#000000", "width": 1}},
            hovertemplate=name + " at week %{x}<extra></extra>",
        ))
    counts = "; ".join(f"{name}: {len(when)}, at weeks {', '.join(map(str, when))}"
                       for name, when in events.items())
    alt = (
        f"Illustrative monitoring schedule over {weeks} weeks of treatment (a course "
        f"illustration, not a real protocol), one row per kind of event. {counts}."
    )
    return finish(
        fig,
        "Illustrative monitoring schedule (course illustration, not a real "
                       "protocol)",
        alt,
        xaxis={"title": {"text": "Weeks since the first infusion"}, "dtick": 3,
               "range": [-1, weeks + 1], "showgrid": True},
        yaxis={"title": {"text": ""}, "tickvals": list(range(len(names))),
               "ticktext": list(reversed(names)), "range": [-0.6, len(names) - 0.4]},
        legend={"orientation": "h", "y": -0.3},
        height=420,
        margin={"l": 260},
    )


def supply_boost_time_courses(trajectories: Sequence[Any], boosts: Sequence[float],
                              threshold: float) -> go.Figure:
    """Lesson 3: simulated tumour cells over time, one line per effector-supply boost.

    ``trajectories`` are ``immunocourse.science.tumour_model.Trajectory`` runs, in the order of
    ``boosts``; ``threshold`` is drawn as a dotted reference line.
    """
    fig = go.Figure()
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    for k, (traj, boost) in enumerate(zip(trajectories, boosts, strict=True)):
        color, symbol = _STYLES[k % len(_STYLES)]
        name = "untreated (x1)" if boost == 1 else f"supply x{boost:g}"
        y = np.maximum(traj.tumour, 1.0)  # below one cell the tumour is gone; keep log axis
        fig.add_trace(go.Scatter(
            x=traj.days, y=y, mode="lines", name=name, legendgroup=name,
            line={"color": color, "dash": dashes[k % len(dashes)], "width": 2.5},
            hovertemplate=name + ": %{y:.3s} tumour cells on day %{x:.0f}<extra></extra>",
        ))
        # A marker every few weeks as well as the dash, so lines differ without colour.
        every = max(1, len(traj.days) // 12)
        fig.add_trace(go.Scatter(
            x=traj.days[::every], y=y[::every], mode="markers", name=name, legendgroup=name,
            showlegend=False, hoverinfo="skip",
            marker={"symbol": symbol, "size": 9, "color": color,
                    "line": {"color": "#000000", "width": 1}},
        ))
    fig.add_hline(y=threshold, line={"color": palette.GREY, "dash": "dot", "width": 1},
                  annotation_text=f"{threshold:.0e} cells", annotation_position="top right")
    ends = "; ".join(
        f"x{b:g} ends at {t.tumour[-1]:.2g} cells" if t.tumour[-1] >= 1
        else f"x{b:g} falls below one cell (eliminated)"
        for t, b in zip(trajectories, boosts, strict=True))
    alt = (
        f"Line chart of simulated tumour cells (log scale) over {trajectories[0].days[-1]:.0f} "
        f"days in the Kuznetsov et al. 1994 model, starting from an escaped tumour of "
        f"{trajectories[0].tumour[0]:.3g} cells, with the supply of new killer cells "
        f"multiplied by different amounts from day 0: {ends}. A dotted line marks "
        f"{threshold:.0e} cells."
    )
    return finish(
        fig,
        "Simulated: boosting the supply of killer cells (Kuznetsov 1994 model)",
        alt,
        xaxis={"title": {"text": "Days since treatment started"}},
        yaxis={"title": {"text": "Tumour cells (log scale)"}, "type": "log",
               "exponentformat": "power", "range": [0, 9]},
        legend={"title": {"text": "Effector supply"}},
        height=480,
    )


def illustrative_scan_sums(sums_mm: dict[int, float], changes: dict[int, float]) -> go.Figure:
    """Lesson 1: one made-up person's sum of tumour diameters at each scan, with % change."""
    weeks = list(sums_mm)
    totals = [sums_mm[w] for w in weeks]
    color, symbol = _STYLES[4]  # reddish purple triangle, the course's pseudoprogression style
    fig = go.Figure(go.Scatter(
        x=weeks, y=totals, mode="lines+markers+text", name="sum of diameters",
        line={"color": color, "dash": "dashdot", "width": 2.5},
        marker={"symbol": symbol, "size": 13, "color": color,
                "line": {"color": "#000000", "width": 1}},
        text=[f"{changes[w]:+.0f}%" if w else "baseline" for w in weeks],
        textposition="top center",
        customdata=[changes[w] for w in weeks],
        hovertemplate=("week %{x}: %{y:.0f} mm (%{customdata:+.1f}% from baseline)"
                       "<extra></extra>"),
    ))
    fig.add_hline(y=sums_mm[weeks[0]], line={"color": palette.GREY, "dash": "dot", "width": 1})
    story = "; ".join(f"week {w}: {sums_mm[w]:.0f} mm ({changes[w]:+.1f}%)" for w in weeks[1:])
    alt = (
        f"Line chart of an illustrative (made-up) person's sum of tumour diameters at "
        f"{len(weeks)} scans. Baseline at week {weeks[0]}: {sums_mm[weeks[0]]:.0f} mm; "
        f"{story}. The sum rises at the first follow-up scan and then falls below baseline."
    )
    return finish(
        fig,
        "Illustrative scans: worse before better (made-up numbers)",
        alt,
        xaxis={"title": {"text": "Weeks since treatment started"}, "tickvals": weeks},
        yaxis={"title": {"text": "Sum of tumour diameters (mm)"},
               "range": [0, 1.25 * max(totals)]},  # headroom for the % labels
        showlegend=False,
        height=400,
    )
