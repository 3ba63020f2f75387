"""The notebooks' explorers, for the static book: plotly figures with a slider or buttons over
frames computed at build time, so they move with plotly.js alone (no kernel, no network).

Each mirrors a live explorer of :mod:`immunocourse.figures.live_explorers` (the notebooks keep
those):

- :func:`tumour_boost` - the Kuznetsov model under a stronger or weaker immune boost;
- :func:`cohort_mix` - a simulated cohort as the share of pseudoprogression changes, read by
  iRECIST, with how many patients RECIST 1.1 alone would have called progression;
- :func:`classify_case` - one simulated patient's scans; a button per response label says
  whether it is right and why (the engine's explanation).

Every frame carries its own text alternative in ``layout.meta["alt"]``. The book's
``static/immunocourse-figures.js`` gives each slider and button row a native, labelled,
keyboard-operable control; a figure shown in JupyterLab keeps plotly's own slider.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from immunocourse.figures import plots
from immunocourse.figures.cases import scan_table_html, trajectory_alt
from immunocourse.science import simulate, tumour_model
from immunocourse.science.cases import draw_case
from immunocourse.science.explain import explain
from immunocourse.science.response import IRECIST_LABELS, RECIST_LABELS, classify

_FRAME_ARGS = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
               "transition": {"duration": 0}}


def _compact(values: Sequence[float], digits: int = 4) -> list[float | None]:
    """Round to ``digits`` significant figures: frames ship as JSON in the page."""
    return [None if not np.isfinite(v) else float(f"{v:.{digits}g}") for v in values]


def _slider(name: str, labels: Sequence[str], frames: Sequence[str], active: int) -> dict:
    """A plotly slider over named frames; ``name`` labels it (read by the book's script)."""
    return {
        "name": name, "active": active, "currentvalue": {"prefix": f"{name}: "},
        "pad": {"t": 50}, "len": 1.0, "x": 0, "xanchor": "left",
        "steps": [{"label": label, "method": "animate", "args": [[frame], _FRAME_ARGS]}
                  for label, frame in zip(labels, frames, strict=True)],
    }


# --- the immune boost on the tumour model ---------------------------------------------------

BOOSTS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
BOOST_NAME = "Immune boost (effector supply, times normal)"


def tumour_boost(boosts: Sequence[float] = BOOSTS, start: float = 3.0, days: float = 365.0,
                 infiltration: float = 1000.0, baseline_mm: float = 40.0,
                 points: int = 200) -> go.Figure:
    """:func:`figures.kuznetsov_time_course` with a slider over the effector supply boost."""
    if start not in boosts:
        raise ValueError(f"start boost {start} is not one of {list(boosts)}")
    frames, names = [], []
    for boost in boosts:
        traj = tumour_model.treat(days, supply_boost=boost, points=points)
        diameter = tumour_model.apparent_diameter(traj, infiltration, baseline_mm)
        name = f"boost {boost:g}"
        names.append(name)
        frames.append(go.Frame(
            name=name, traces=[0, 1, 2],
            data=[go.Scatter(y=_compact(traj.tumour)), go.Scatter(y=_compact(traj.effectors)),
                  go.Scatter(y=_compact(diameter))],
            layout={"meta": {"alt": plots.time_course_alt(traj, diameter, infiltration,
                                                            baseline_mm)}},
        ))
    fig = plots.kuznetsov_time_course(
        tumour_model.treat(days, supply_boost=start, points=points), infiltration, baseline_mm)
    for trace in fig.data:
        trace.x, trace.y = _compact(trace.x), _compact(trace.y)
    fig.frames = frames
    fig.update_layout(sliders=[_slider(BOOST_NAME, [f"x{b:g}" for b in boosts], names,
                                       list(boosts).index(start))],
                      height=700, margin={"b": 130})
    return fig


# --- the cohort mix ---------------------------------------------------------------------------

PSEUDO_SHARES = (0.0, 0.06, 0.12, 0.18, 0.24, 0.30)
MIX_NAME = "Share of patients with pseudoprogression"


def mix_with_pseudoprogression(share: float, arm: str = "immunotherapy") -> dict[str, float]:
    """The arm's default pattern mix with pseudoprogression set to ``share``, the other
    patterns scaled so the whole still sums to 1."""
    base = dict(simulate.DEFAULT_PROPORTIONS[arm])
    rest = 1.0 - base.get("pseudoprogression", 0.0)
    mix = {k: v * (1.0 - share) / rest for k, v in base.items() if k != "pseudoprogression"}
    mix["pseudoprogression"] = share
    return simulate.validate_proportions(mix)


def _recist_pd_only(patients: Sequence[simulate.VirtualPatient]) -> int:
    """Patients whose RECIST 1.1 best response is PD but iRECIST's is iSD or better."""
    count = 0
    for p in patients:
        recist = classify(p.document, "recist1.1")["best_overall_response"]
        irecist = classify(p.document, "irecist")["best_overall_response"]
        count += recist == "PD" and irecist in ("iCR", "iPR", "iSD")
    return count


def cohort_mix(shares: Sequence[float] = PSEUDO_SHARES, start: float = 0.06, n: int = 60,
               seed: int = 1) -> go.Figure:
    """:func:`figures.spider_plot` of one simulated cohort (iRECIST) with a slider over the
    share of patients whose course is pseudoprogression."""
    if start not in shares:
        raise ValueError(f"start share {start} is not one of {list(shares)}")
    frames, names, fig = [], [], None
    for share in shares:
        mix = mix_with_pseudoprogression(share)
        cohort = simulate.simulate_cohort(n, seed=seed, proportions=mix)
        results = [classify(p.document, "irecist") for p in cohort.patients]
        missed = _recist_pd_only(cohort.patients)
        title = (f"Simulated cohort, {share:.0%} pseudoprogression: {missed} of {n} patients "
                 f"PD under RECIST 1.1 but not under iRECIST")
        alt = (f"{plots.spider_alt(cohort.patients, results)} With {share:.0%} of patients "
               f"simulated as pseudoprogression, {missed} of {n} have a RECIST 1.1 best response "
               f"of progression but stable disease or better under iRECIST.")
        data = plots.spider_data(cohort.patients, results)
        name = f"share {share:g}"
        names.append(name)
        frames.append(go.Frame(
            name=name, traces=list(range(len(data))),
            data=[go.Scatter(x=_compact(xs), y=_compact(ys), text=list(texts))
                  for xs, ys, texts in data.values()],
            layout={"meta": {"alt": alt}, "title": {"text": title}},
        ))
        if share == start:
            fig = plots.spider_plot(cohort.patients, results)
            plots.finish(fig, title, alt)
    fig.frames = frames
    fig.update_layout(sliders=[_slider(MIX_NAME, [f"{s:.0%}" for s in shares], names,
                                       list(shares).index(start))],
                      height=620, margin={"b": 130})
    return fig


# --- a case to classify -----------------------------------------------------------------------

CASE_NAME = "Your answer"


def classify_case(seed: int = 4, criteria: str = "irecist") -> tuple[go.Figure, str]:
    """One simulated patient's scans (figure and HTML table) and a button per response label;
    pressing one shows whether it is right and the rule that decides (computed now).
    The patient is the one of ``explorers.ClassifyExercise(seed)``; no widget is made."""
    p, result = draw_case(seed, criteria)
    expected = result["timepoints"][-1]["response"]
    fig = go.Figure()
    for k in range(len(p.lesions)):
        fig.add_scatter(**plots.lesion_trace_style(k), **plots.lesion_trace_data(p, k))
    fig.add_scatter(x=list(p.weeks), y=p.sums_mm.tolist(), mode="lines+markers",
                    name="sum of targets", line={"color": "#0072B2", "width": 3},
                    marker={"size": 10, "color": "#0072B2"},
                    hovertemplate="week %{x}: sum %{y} mm<extra></extra>")
    name = "iRECIST" if criteria == "irecist" else "RECIST 1.1"
    question = f"Simulated patient {p.id}: what is the {name} response at week {p.weeks[-1]}?"
    alt = trajectory_alt(p)
    why = explain(p.document, result, len(result["timepoints"]) - 1)
    buttons = []
    for label in (IRECIST_LABELS if criteria == "irecist" else RECIST_LABELS):
        right = label == expected
        verdict = (f"{label}: correct. " if right else
                   f"{label}: not quite; the answer is {expected}. ") + f"Why: {why}."
        buttons.append({"label": label, "method": "relayout",
                        "args": [{"meta": {"alt": alt, "status": verdict},
                                  "title.text": f"{question}<br>You chose {label}: "
                                                + ("correct" if right else "not quite")}]})
    plots.finish(fig, question, alt, legend_title="Lesion",
                   xaxis_title="Weeks since start of treatment", yaxis_title="Diameter (mm)",
                   yaxis_rangemode="tozero")
    fig.update_layout(updatemenus=[{"type": "buttons", "name": CASE_NAME, "direction": "right",
                                    "showactive": True, "buttons": buttons, "x": 0,
                                    "xanchor": "left", "y": -0.25, "yanchor": "top"}],
                      margin={"b": 120})
    return fig, scan_table_html(p)
