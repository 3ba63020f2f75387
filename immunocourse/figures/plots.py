"""The course's plotly figures; each returns a ``go.Figure`` carrying its own text alternative.

Every figure uses the Okabe-Ito palette plus marker symbols or dashes (``palette``), puts units
on its axes, has hover text, says "Simulated" in its title when the data are simulated, and
stores a plain-language description in ``fig.layout.meta["alt"]`` (read it with
:func:`alt_text`). Nothing here calls ``fig.show()``.

Figures of cohorts take ``results``: the ``immunocourse.science.response.classify`` outputs, one per
patient in the same order; when omitted they are computed with each document's criteria.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from immunocourse.figures import palette
from immunocourse.figures.display import alt_text as alt_text  # re-exported: figures.alt_text(fig)
from immunocourse.science.simulate import WEEKS_PER_MONTH, KaplanMeier, VirtualPatient
from immunocourse.science.tumour_model import (
    KuznetsovParams,
    Trajectory,
    apparent_diameter,
    equilibria,
)

RECIST_ORDER = ("CR", "PR", "SD", "PD", "NE")
IRECIST_ORDER = ("iCR", "iPR", "iSD", "iUPD", "iCPD", "NE")
PR_LINE, PD_LINE = -30.0, 20.0  # RECIST 1.1: PR <= -30% from baseline; PD >= +20% from nadir
_TEMPLATE = "simple_white"
_BAR_PATTERN = {"CR": "", "PR": "/", "SD": ".", "PD": "x", "NE": "-", "UPD": "\\", "CPD": "x"}


def finish(fig: go.Figure, title: str, alt: str, **layout) -> go.Figure:
    """The course's common figure layout: template, title, text alternative, full hover
    names; ``legend_title`` sets the legend's title unless ``legend`` gives one."""
    legend = {"title": {"text": layout.pop("legend_title", "")}, **layout.pop("legend", {})}
    fig.update_layout(
        template=_TEMPLATE,
        title={"text": title},
        meta={"alt": alt},
        hoverlabel={"namelength": -1},
        legend=legend,
        **layout,
    )
    return fig


def _results(patients: Sequence[VirtualPatient], results: Sequence[dict] | None) -> list[dict]:
    if results is None:
        from immunocourse.science.response import classify  # lazy: figures of models need no engine

        return [classify(p.document) for p in patients]
    if len(results) != len(patients):
        raise ValueError(f"{len(results)} results for {len(patients)} patients")
    return list(results)


def _order(results: Sequence[dict]) -> tuple[str, ...]:
    irecist = any(r["criteria"] == "irecist" for r in results)
    return IRECIST_ORDER if irecist else RECIST_ORDER


def _count_phrase(labels: Sequence[str], order: Sequence[str]) -> str:
    counts = [(lab, sum(1 for x in labels if x == lab)) for lab in order]
    return ", ".join(f"{n} {lab}" for lab, n in counts if n)


def _criteria_name(results: Sequence[dict]) -> str:
    return "iRECIST" if _order(results) is IRECIST_ORDER else "RECIST 1.1"


def _reference_lines(fig: go.Figure, **where) -> None:
    fig.add_hline(y=0, line={"color": palette.GREY, "width": 1}, **where)
    fig.add_hline(
        y=PR_LINE, line={"color": palette.GREY, "dash": "dash", "width": 1},
        annotation_text="-30%: partial response threshold", annotation_position="bottom left",
        **where,
    )
    fig.add_hline(
        y=PD_LINE, line={"color": palette.GREY, "dash": "dot", "width": 1},
        annotation_text="+20%: progression threshold (RECIST measures it from the nadir)",
        annotation_position="top left", **where,
    )


# --- spider plot ---------------------------------------------------------------------

def spider_data(
    patients: Sequence[VirtualPatient], results: Sequence[dict]
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per best-response label: x (weeks), y (% change) and hover text as numpy arrays, the
    patients' lines separated by NaN gaps so each label is one trace (numpy arrays make an
    explorer's in-place update about twice as fast as lists)."""
    parts: dict[str, tuple[list, list, list]] = {lab: ([], [], []) for lab in _order(results)}
    for p, r in zip(patients, results, strict=True):
        best = r["best_overall_response"]
        xs, ys, texts = parts.setdefault(best, ([], [], []))
        scan_labels = ["baseline"] + [t["response"] for t in r["timepoints"]]
        xs.extend(p.weeks)
        xs.append(math.nan)
        sums = p.target_sums  # plain Python: numpy per patient costs more than it saves here
        ys.extend(round(100.0 * (x - sums[0]) / sums[0], 1) for x in sums)
        ys.append(math.nan)
        texts.extend(f"{p.id} ({best} best); scan: {label}" for label in scan_labels)
        texts.append("")
    return {
        lab: (np.array(xs, dtype=float), np.array(ys, dtype=float), np.array(texts, dtype=object))
        for lab, (xs, ys, texts) in parts.items()
    }


def spider_alt(patients: Sequence[VirtualPatient], results: Sequence[dict]) -> str:
    """Text alternative of :func:`spider_plot` (also used by the cohort explorer)."""
    labels = [r["best_overall_response"] for r in results]
    weeks = max(p.weeks[-1] for p in patients)
    return (
        f"Spider plot of simulated data: change in the sum of target lesion diameters from "
        f"baseline, in percent, at each scan for {len(patients)} simulated patients over up to "
        f"{weeks} weeks, one line each. Lines are grouped by {_criteria_name(results)} best "
        f"overall response: {_count_phrase(labels, _order(results))}. Dashed line at -30% "
        f"(partial response) and dotted line at +20% (progression)."
    )


def spider_plot(
    patients: Sequence[VirtualPatient], results: Sequence[dict] | None = None
) -> go.Figure:
    """Spider plot: % change of the target sum from baseline at each scan, one line per
    simulated patient, coloured (and marked) by best overall response."""
    results = _results(patients, results)
    fig = go.Figure()
    for label, (xs, ys, texts) in spider_data(patients, results).items():
        style = palette.response_style(label)
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, text=texts, name=label, mode="lines+markers", connectgaps=False,
                line={"color": style.color, "dash": style.dash, "width": 1.5},
                marker={"symbol": style.symbol, "size": 7, "color": style.color},
                hovertemplate="%{text}<br>week %{x}: %{y:+.1f}% from baseline<extra></extra>",
            )
        )
    _reference_lines(fig)
    crit = _criteria_name(results)
    return finish(
        fig, f"Simulated cohort: change in tumour size over time ({crit})",
        spider_alt(patients, results),
        xaxis_title="Weeks since start of treatment",
        yaxis_title="Change in sum of target diameters from baseline (%)",
        legend_title=f"Best response ({crit})",
    )


# --- waterfall plot ------------------------------------------------------------------

def waterfall_data(
    patients: Sequence[VirtualPatient], results: Sequence[dict]
) -> dict[str, tuple[list, list, list]]:
    """Per best-response label: bar positions, best % change and hover text; bars sorted
    from largest increase to deepest shrinkage across all labels."""
    best = [float(np.min(p.percent_change[1:])) for p in patients]
    order = sorted(range(len(patients)), key=lambda i: -best[i])
    data: dict[str, tuple[list, list, list]] = {lab: ([], [], []) for lab in _order(results)}
    for rank, i in enumerate(order, start=1):
        label = results[i]["best_overall_response"]
        xs, ys, texts = data.setdefault(label, ([], [], []))
        xs.append(rank)
        ys.append(round(best[i], 1))
        texts.append(f"{patients[i].id}: best response {label}")
    return data


def waterfall_plot(
    patients: Sequence[VirtualPatient], results: Sequence[dict] | None = None
) -> go.Figure:
    """Waterfall: each simulated patient's best (most negative) % change of the target sum,
    sorted, coloured and hatched by best overall response, with -30% and +20% lines."""
    results = _results(patients, results)
    fig = go.Figure()
    for label, (xs, ys, texts) in waterfall_data(patients, results).items():
        style = palette.response_style(label)
        key = label[1:] if label.startswith("i") else label
        fig.add_trace(
            go.Bar(
                x=xs, y=ys, text=texts, name=label, textposition="none",
                marker={"color": style.color, "pattern": {"shape": _BAR_PATTERN.get(key, "")},
                        "line": {"color": "#000000", "width": 0.5}},
                hovertemplate="%{text}<br>best change %{y:+.1f}%<extra></extra>",
            )
        )
    _reference_lines(fig)
    best = [float(np.min(p.percent_change[1:])) for p in patients]
    shrank = sum(1 for b in best if b <= PR_LINE)
    crit = _criteria_name(results)
    alt = (
        f"Waterfall plot of simulated data: one bar per simulated patient ({len(patients)}), "
        f"showing the best change in the sum of target lesion diameters from baseline in "
        f"percent, sorted from largest increase to deepest shrinkage. {shrank} of "
        f"{len(patients)} bars reach the -30% partial-response line. Bars are coloured and "
        f"hatched by {crit} best overall response: "
        f"{_count_phrase([r['best_overall_response'] for r in results], _order(results))}."
    )
    return finish(
        fig, f"Simulated cohort: best change in tumour size ({crit})", alt,
        xaxis_title="Simulated patients, sorted by best change",
        yaxis_title="Best change in sum of target diameters (%)",
        legend_title=f"Best response ({crit})", bargap=0.15, xaxis_showticklabels=False,
    )


# --- swimmer plot --------------------------------------------------------------------

_EVENTS = (  # name, marker symbol, colour
    ("first response", "triangle-down", palette.OKABE_ITO["bluish_green"]),
    ("first progression", "x", palette.OKABE_ITO["vermillion"]),
    ("progression confirmed", "square", palette.OKABE_ITO["reddish_purple"]),
    ("death", "circle-open", palette.OKABE_ITO["black"]),
)


def _events(patient: VirtualPatient, result: dict) -> dict[str, float]:
    found: dict[str, float] = {}
    for week, tp in zip(patient.weeks[1:], result["timepoints"], strict=True):
        label = tp["response"].removeprefix("i")
        if label in ("CR", "PR"):
            found.setdefault("first response", week)
        if label in ("PD", "UPD"):
            found.setdefault("first progression", week)
        if label == "CPD":
            found.setdefault("progression confirmed", week)
    if patient.died:
        found["death"] = patient.os_weeks
    return found


def swimmer_plot(
    patients: Sequence[VirtualPatient], results: Sequence[dict] | None = None
) -> go.Figure:
    """Swimmer plot: one bar per simulated patient from start of treatment to the last scan,
    with markers for first response, first progression, confirmed progression and death."""
    results = _results(patients, results)
    ids = [p.id for p in patients]
    fig = go.Figure()
    by_arm: dict[str, list[int]] = {}
    for i, p in enumerate(patients):
        by_arm.setdefault(p.arm, []).append(i)
    for arm, idx in by_arm.items():
        style = palette.arm_style(arm)
        fig.add_trace(
            go.Bar(
                y=[ids[i] for i in idx], x=[patients[i].weeks[-1] for i in idx],
                orientation="h", name=f"time on study ({arm})",
                marker={"color": style.color, "opacity": 0.45,
                        "pattern": {"shape": "" if arm == "immunotherapy" else "/"}},
                customdata=[
                    [results[i]["best_overall_response"], patients[i].pattern] for i in idx
                ],
                hovertemplate="%{y}: last scan week %{x}<br>best response %{customdata[0]}"
                "<br>simulated pattern: %{customdata[1]}<extra></extra>",
            )
        )
    events = [_events(p, r) for p, r in zip(patients, results, strict=True)]
    for name, symbol, color in _EVENTS:
        ys = [ids[i] for i, e in enumerate(events) if name in e]
        xs = [e[name] for e in events if name in e]
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="markers", name=name,
                marker={"symbol": symbol, "size": 10, "color": color,
                        "line": {"width": 1.5, "color": color}},
                hovertemplate="%{y}: " + name + " at week %{x:.0f}<extra></extra>",
            )
        )
    n_resp = sum(1 for e in events if "first response" in e)
    n_dead = sum(1 for e in events if "death" in e)
    alt = (
        f"Swimmer plot of simulated data: one horizontal bar per simulated patient "
        f"({len(patients)}) from the start of treatment to the last scan, in weeks. Markers "
        f"show the first response ({n_resp} patients), first and confirmed progression, and "
        f"death ({n_dead} patients)."
    )
    return finish(
        fig, "Simulated patients: time on study and response events", alt,
        xaxis_title="Weeks since start of treatment", yaxis_title="Simulated patient",
        yaxis={"autorange": "reversed", "type": "category"}, barmode="overlay",
        height=max(350, 22 * len(patients) + 150), legend_title="",
    )


# --- Kaplan-Meier --------------------------------------------------------------------

def kaplan_meier_plot(
    curves: Mapping[str, KaplanMeier],
    at_risk_months: Sequence[float] = (0, 12, 24, 36, 48, 60),
    simulated: bool = True,
) -> go.Figure:
    """Kaplan-Meier overall survival (months) per arm, censor ticks, and a numbers-at-risk
    table under the plot. ``curves`` maps an arm name to a ``simulate.kaplan_meier`` result
    whose times are in weeks."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.8, 0.2],
                        vertical_spacing=0.12)
    names = list(curves)
    phrases = []
    for name, km in curves.items():
        style = palette.arm_style(name)
        months = km.time / WEEKS_PER_MONTH
        end = float(np.max(km.durations)) / WEEKS_PER_MONTH
        x = np.append(months, end)
        y = np.append(km.survival, km.survival[-1]) * 100
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines", line_shape="hv", name=name,
                line={"color": style.color, "dash": style.dash, "width": 2.5},
                hovertemplate=name + ": %{y:.1f}% alive at %{x:.1f} months<extra></extra>",
            ),
            row=1, col=1,
        )
        censored = km.durations[~km.died] / WEEKS_PER_MONTH
        if censored.size:
            at = [100 * km.survival_at(c * WEEKS_PER_MONTH) for c in censored]
            fig.add_trace(
                go.Scatter(
                    x=censored, y=at, mode="markers", showlegend=False, name=f"{name} censored",
                    marker={"symbol": "line-ns-open", "size": 8, "color": style.color},
                    hovertemplate=name + ": censored at %{x:.1f} months<extra></extra>",
                ),
                row=1, col=1,
            )
        risk = km.at_risk([m * WEEKS_PER_MONTH for m in at_risk_months])
        fig.add_trace(
            go.Scatter(
                x=list(at_risk_months), y=[name] * len(risk), text=[str(r) for r in risk],
                mode="text", showlegend=False, textfont={"color": style.color},
                hovertemplate=name + ": %{text} at risk at %{x} months<extra></extra>",
            ),
            row=2, col=1,
        )
        median = km.median() / WEEKS_PER_MONTH
        median_txt = f"median {median:.1f} months" if np.isfinite(median) else "median not reached"
        pct36 = 100 * km.survival_at(36 * WEEKS_PER_MONTH)
        last = 100 * km.survival[-1]
        phrases.append(
            f"{name} ({len(km.durations)} patients): {median_txt}, {pct36:.0f}% alive at 3 "
            f"years, curve ends at {last:.0f}%"
        )
    prefix = "Simulated overall survival" if simulated else "Overall survival"
    alt = (
        f"Kaplan-Meier plot{' of simulated data' if simulated else ''}: percent of patients "
        f"alive against months since start of treatment. " + "; ".join(phrases) + ". "
        f"Numbers at risk at {', '.join(str(m) for m in at_risk_months)} months are listed "
        f"under the plot."
    )
    fig.update_yaxes(title_text="Alive (%)", range=[0, 102], row=1, col=1)
    # Pad the categorical range by half a row so the numbers clear the subplot's edges.
    fig.update_yaxes(title_text="Number at risk", categoryorder="array",
                     categoryarray=names[::-1], range=[-0.6, len(names) - 0.4],
                     showgrid=False, zeroline=False, showline=False, ticks="", row=2, col=1)
    fig.update_xaxes(title_text="Months since start of treatment", row=2, col=1,
                     tickvals=list(at_risk_months), showline=False, ticks="")
    fig.update_xaxes(tickvals=list(at_risk_months), showticklabels=True, row=1, col=1)
    return finish(fig, f"{prefix} by treatment arm (Kaplan-Meier)", alt,
                   legend_title="Arm", height=520)


# --- single patient ------------------------------------------------------------------

def patient_trajectory(
    patient: VirtualPatient,
    recist: dict | None = None,
    irecist: dict | None = None,
    labels: bool = True,
) -> go.Figure:
    """One simulated patient's target lesions and their sum (mm) at each scan, with the
    RECIST 1.1 and the iRECIST time-point label written at every scan (``labels=False``
    leaves them out, for exercises where the student gives the label)."""
    if labels and (recist is None or irecist is None):
        from immunocourse.science.response import classify

        recist = recist or classify(patient.document, "recist1.1")
        irecist = irecist or classify(patient.document, "irecist")
    fig = go.Figure()
    for k in range(len(patient.lesions)):
        fig.add_trace(go.Scatter(**lesion_trace_style(k), **lesion_trace_data(patient, k)))
    sums = patient.sums_mm.tolist()
    new = [", ".join(f"{x['id']} {x['mm']} mm" for x in patient.new_lesions.get(w, ())) or "none"
           for w in patient.weeks]
    if labels:
        rec = ["baseline"] + [t["response"] for t in recist["timepoints"]]
        irec = ["baseline"] + [t["response"] for t in irecist["timepoints"]]
        text = [a if a == "baseline" else f"{a} | {b}" for a, b in zip(rec, irec, strict=True)]
        styles = [palette.response_style(x) for x in irec]
    else:
        text = ["baseline"] + [f"scan {i}" for i in range(1, len(patient.weeks))]
        styles = [palette.response_style("")] * len(patient.weeks)
    fig.add_trace(
        go.Scatter(
            x=patient.weeks, y=sums, mode="lines+markers+text", name="sum of targets",
            text=text, textposition="top center", customdata=[[n] for n in new],
            line={"color": palette.OKABE_ITO["blue"], "width": 3},
            marker={"symbol": [st.symbol for st in styles], "size": 11,
                    "color": [st.color for st in styles], "line": {"width": 1, "color": "#000"}},
            hovertemplate="week %{x}: sum %{y} mm<br>%{text}"
            "<br>new lesions: %{customdata[0]}<extra></extra>",
        )
    )
    fig.add_hline(y=sums[0], line={"color": palette.GREY, "dash": "dash", "width": 1},
                  annotation_text=f"baseline sum {sums[0]} mm", annotation_position="bottom right")
    if labels:
        steps = "; ".join(
            f"week {w}: sum {s} mm, RECIST {a}, iRECIST {b}"
            + (f", new lesions {n}" if n != "none" else "")
            for w, s, a, b, n in zip(patient.weeks[1:], sums[1:], rec[1:], irec[1:], new[1:],
                                     strict=True)
        )
        verdict = (f" Best overall response: RECIST 1.1 {recist['best_overall_response']}, "
                   f"iRECIST {irecist['best_overall_response']}.")
        title = f"Simulated patient {patient.id}: target lesions with RECIST | iRECIST labels"
    else:
        steps = "; ".join(
            f"week {w}: sum {s} mm" + (f", new lesions {n}" if n != "none" else "")
            for w, s, n in zip(patient.weeks[1:], sums[1:], new[1:], strict=True)
        )
        verdict = ""
        title = f"Simulated patient {patient.id}: target lesions at each scan"
    alt = (
        f"Line chart of simulated patient {patient.id}: sizes of {len(patient.lesions)} target "
        f"lesions and their sum in millimetres at each scan. Baseline sum {sums[0]} mm; "
        f"{steps}.{verdict}"
    )
    return finish(fig, title, alt, xaxis_title="Weeks since start of treatment",
                   yaxis_title="Diameter (mm)", legend_title="Lesion",
                   yaxis_rangemode="tozero")


_LESION_DASHES = ("dot", "dash", "longdash", "dashdot", "longdashdot")


def lesion_trace_style(k: int) -> dict:
    """Line style of the k-th target lesion in a trajectory (grey, its own dash)."""
    return {
        "mode": "lines+markers",
        "line": {"color": palette.GREY, "dash": _LESION_DASHES[k % 5], "width": 1},
        "marker": {"symbol": "circle-open", "size": 6, "color": palette.GREY},
        "hovertemplate": "%{meta}: %{y} mm at week %{x}<extra></extra>",
    }


def lesion_trace_data(patient: VirtualPatient, k: int) -> dict:
    """Data of the k-th target lesion's trace: weeks, mm, legend name and hover label."""
    lesion = patient.lesions[k]
    kind = "node, short axis" if lesion.node else "longest diameter"
    return {"x": list(patient.weeks), "y": list(lesion.mm), "name": f"{lesion.id} {lesion.organ}",
            "meta": f"{lesion.id} ({lesion.organ}, {kind})"}


# --- Kuznetsov model -----------------------------------------------------------------

def kuznetsov_time_course(
    traj: Trajectory, infiltration: float = 1000.0, baseline_mm: float = 40.0
) -> go.Figure:
    """Top: tumour and effector cells (log scale) over days. Bottom: the course's apparent
    lesion diameter (course illustration, not a published model)."""
    diameter = apparent_diameter(traj, infiltration, baseline_mm)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=("Cells (Kuznetsov et al. 1994 model)",
                                        "Apparent lesion diameter (course illustration, "
                                        "not a published model)"))
    for name, y, key, dash in (("tumour cells T", traj.tumour, "vermillion", "solid"),
                               ("effector cells E", traj.effectors, "blue", "dash")):
        fig.add_trace(
            go.Scatter(x=traj.days, y=y, name=name, mode="lines",
                       line={"color": palette.OKABE_ITO[key], "dash": dash, "width": 2.5},
                       hovertemplate=name + ": %{y:.3s} cells at day %{x:.0f}<extra></extra>"),
            row=1, col=1,
        )
    fig.add_trace(
        go.Scatter(x=traj.days, y=diameter, name="apparent diameter", mode="lines",
                   line={"color": palette.OKABE_ITO["reddish_purple"], "dash": "dashdot",
                         "width": 2.5},
                   hovertemplate="apparent diameter %{y:.1f} mm at day %{x:.0f}<extra></extra>"),
        row=2, col=1,
    )
    fig.add_hline(y=baseline_mm, line={"color": palette.GREY, "dash": "dot", "width": 1},
                  row=2, col=1)
    fig.update_yaxes(type="log", title_text="Cells (log scale)", exponentformat="power",
                     row=1, col=1)
    fig.update_yaxes(title_text="Apparent diameter (mm)", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text="Days since start of treatment", row=2, col=1)
    alt = time_course_alt(traj, diameter, infiltration, baseline_mm)
    title = ("Simulated tumour-immune dynamics (Kuznetsov 1994) and apparent lesion size "
             "(course illustration, not a published model)")
    return finish(fig, title, alt,
                   height=620, legend_title="")


def time_course_alt(traj: Trajectory, diameter: np.ndarray, infiltration: float,
                    baseline_mm: float) -> str:
    """Text alternative of :func:`kuznetsov_time_course` (also used by its explorer)."""
    peak = int(np.argmax(diameter))
    below = np.nonzero(diameter < baseline_mm)[0]
    below = below[below > peak]
    story = (
        f"The apparent diameter peaks at {diameter[peak]:.1f} mm on day {traj.days[peak]:.0f}"
        + (f" and falls below baseline on day {traj.days[below[0]]:.0f}" if below.size else "")
    )
    return (
        f"Two stacked line charts of a simulated Kuznetsov tumour-immune model over "
        f"{traj.days[-1]:.0f} days (effector supply x{traj.params.s / 1.3e4:.3g}, killing "
        f"x{traj.params.n / 1.101e-7:.3g}). Top: tumour cells go from {traj.tumour[0]:.3g} to "
        f"{traj.tumour[-1]:.3g}; effector cells from {traj.effectors[0]:.3g} to "
        f"{traj.effectors[-1]:.3g}. Bottom: apparent lesion diameter, a course illustration "
        f"(infiltration factor {infiltration:g}), starting at {baseline_mm:g} mm. {story}; it "
        f"ends at {diameter[-1]:.1f} mm."
    )


def kuznetsov_phase_portrait(
    trajectories: Sequence[Trajectory], params: KuznetsovParams | None = None
) -> go.Figure:
    """Phase portrait (tumour cells vs effector cells, log-log): trajectories, the model's
    nullclines and its equilibria (filled = stable, open = unstable)."""
    params = params or trajectories[0].params
    fig = go.Figure()
    t_grid = np.logspace(3, np.log10(0.999 / params.b), 300)
    e_t_null = params.a * (1 - params.b * t_grid) / params.n  # dT/dt = 0, T > 0
    e_e_null = params.s / (params.d + params.m * t_grid - params.p * t_grid / (params.g + t_grid))
    e_e_null = np.where(e_e_null > 0, e_e_null, np.nan)  # no positive E-nullcline there
    for name, y, dash in (("T-nullcline (dT/dt = 0)", e_t_null, "dot"),
                          ("E-nullcline (dE/dt = 0)", e_e_null, "dash")):
        fig.add_trace(go.Scatter(x=t_grid, y=y, name=name, mode="lines",
                                 line={"color": palette.GREY, "dash": dash, "width": 1.5},
                                 hoverinfo="skip"))
    symbols = ("circle", "square", "diamond", "triangle-up", "star", "x")
    colors = ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue")
    for k, tr in enumerate(trajectories):
        color = palette.OKABE_ITO[colors[k % len(colors)]]
        label = f"start T = {tr.tumour[0]:.2g} cells"
        fig.add_trace(go.Scatter(
            x=tr.tumour, y=tr.effectors, mode="lines", name=label,
            line={"color": color, "width": 2},
            hovertemplate="T %{x:.3s}, E %{y:.3s}<extra>" + label + "</extra>"))
        fig.add_trace(go.Scatter(
            x=[tr.tumour[0]], y=[tr.effectors[0]], mode="markers", showlegend=False,
            marker={"symbol": symbols[k % len(symbols)], "size": 10, "color": color},
            hovertemplate=label + "<extra></extra>"))
    eqs = [eq for eq in equilibria(params) if eq.tumour > 0]
    fig.add_trace(go.Scatter(
        x=[eq.tumour for eq in eqs], y=[eq.effectors for eq in eqs], mode="markers+text",
        name="equilibria", text=[eq.kind for eq in eqs], textposition="top right",
        marker={"symbol": ["circle" if eq.stable else "circle-open" for eq in eqs], "size": 13,
                "color": "#000000", "line": {"width": 2, "color": "#000000"}},
        hovertemplate="%{text} equilibrium: T %{x:.3s}, E %{y:.3s}<extra></extra>"))
    ends = "; ".join(
        f"from {tr.tumour[0]:.2g} tumour cells it ends at {tr.tumour[-1]:.2g}"
        for tr in trajectories
    )
    eq_txt = "; ".join(
        f"{eq.kind} at {eq.tumour:.3g} tumour cells ({'stable' if eq.stable else 'unstable'})"
        for eq in eqs
    )
    alt = (
        f"Phase portrait of the simulated Kuznetsov et al. 1994 tumour-immune model, tumour "
        f"cells on the horizontal axis against effector cells on the vertical axis, both on "
        f"log scales. Equilibria: {eq_txt}. Trajectories: {ends}."
    )
    return finish(
        fig, "Simulated Kuznetsov et al. (1994) model: phase portrait", alt,
        xaxis={"type": "log", "title": {"text": "Tumour cells T (cells, log scale)"},
               "exponentformat": "power"},
        yaxis={"type": "log", "title": {"text": "Effector cells E (cells, log scale)"},
               "exponentformat": "power"},
        legend_title="",
    )
