"""Figures: the data drawn is the data computed, and every figure is accessible (palette,
non-colour cues, units, hover, "Simulated" titles, text alternative)."""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go
import pytest
from scipy.optimize import brentq

from immunocourse.figures import palette, plots
from immunocourse.science import simulate, tumour_model
from immunocourse.science.response import classify

ALLOWED = {c.upper() for c in palette.OKABE_ITO.values()} | {palette.GREY.upper(), "#000"}


@pytest.fixture(scope="module")
def cohort():
    return simulate.simulate_cohort(40, seed=3)


@pytest.fixture(scope="module")
def results(cohort):
    return [classify(p.document) for p in cohort.patients]


@pytest.fixture(scope="module")
def all_figures(cohort, results):
    km = {
        arm: simulate.kaplan_meier([p.os_weeks for p in c.patients], [p.died for p in c.patients])
        for arm, c in (("immunotherapy", simulate.simulate_cohort(300, seed=1)),
                       ("chemotherapy", simulate.simulate_cohort(300, "chemotherapy", seed=2)))
    }
    e0 = tumour_model.PUBLISHED.s / tumour_model.PUBLISHED.d
    return {
        "spider": plots.spider_plot(cohort.patients, results),
        "waterfall": plots.waterfall_plot(cohort.patients, results),
        "swimmer": plots.swimmer_plot(cohort.patients[:15], results[:15]),
        "km": plots.kaplan_meier_plot(km),
        "trajectory": plots.patient_trajectory(cohort.patients[0]),
        "time_course": plots.kuznetsov_time_course(tumour_model.treat(200, points=100)),
        "phase": plots.kuznetsov_phase_portrait(
            [tumour_model.simulate(400, e0, t0, points=100) for t0 in (1e7, 1e8)]),
    }


def _colours(fig: go.Figure) -> set[str]:
    found = set()
    for trace in fig.data:
        for part in ("line", "marker"):
            obj = getattr(trace, part, None)
            color = getattr(obj, "color", None) if obj is not None else None
            values = color if isinstance(color, (list, tuple, np.ndarray)) else [color]
            found |= {str(v).upper() for v in values if isinstance(v, str)}
    return found


@pytest.mark.parametrize("name", ["spider", "waterfall", "swimmer", "km", "trajectory",
                                  "time_course", "phase"])
def test_every_figure_is_accessible(all_figures, name):
    fig = all_figures[name]
    assert isinstance(fig, go.Figure)
    assert "simulated" in fig.layout.title.text.lower()
    alt = plots.alt_text(fig)
    assert len(alt) > 80 and "simulated" in alt.lower()
    assert _colours(fig) <= ALLOWED, _colours(fig) - ALLOWED
    named = {k[0] for k in fig.layout if k.startswith(("xaxis", "yaxis"))
             and fig.layout[k].title.text}
    assert named == {"x", "y"}  # both axes have a title
    assert all(t.hovertemplate or t.hoverinfo == "skip" for t in fig.data)


def test_axis_titles_carry_units(all_figures):
    units = {"spider": "(%)", "waterfall": "(%)", "trajectory": "(mm)", "km": "(%)"}
    for name, unit in units.items():
        fig = all_figures[name]
        assert any(unit in (fig.layout[k].title.text or "")
                   for k in fig.layout if k.startswith("yaxis")), name
    for name in ("spider", "swimmer", "trajectory"):
        assert "Weeks" in all_figures[name].layout.xaxis.title.text


def test_categories_differ_by_more_than_colour():
    labels = ("CR", "PR", "SD", "PD", "NE")
    assert len({palette.response_style(x).symbol for x in labels}) == len(labels)
    assert len({palette.pattern_style(x).symbol for x in simulate.PATTERNS}) == 7
    assert palette.arm_style("immunotherapy").dash != palette.arm_style("chemotherapy").dash
    assert palette.response_style("iPR") == palette.response_style("PR")
    assert palette.response_style("iUPD") != palette.response_style("iCPD")


def test_spider_plots_each_patients_percent_change(all_figures, cohort, results):
    fig = all_figures["spider"]
    by_label = {t.name: t for t in fig.data}
    for p, r in zip(cohort.patients, results, strict=True):
        trace = by_label[r["best_overall_response"]]
        hits = [k for k, text in enumerate(trace.text) if text and text.startswith(p.id + " ")]
        assert [trace.x[k] for k in hits] == list(p.weeks)
        assert np.allclose([trace.y[k] for k in hits], np.round(p.percent_change, 1))
    counts = {t.name: int(np.isnan(np.asarray(t.y, float)).sum()) for t in fig.data}
    assert sum(counts.values()) == len(cohort.patients)  # one NaN gap closes each patient
    for label, n in counts.items():
        if n:
            assert f"{n} {label}" in plots.alt_text(fig)


def test_waterfall_bars_are_sorted_best_changes_with_reference_lines(all_figures, cohort):
    fig = all_figures["waterfall"]
    bars = sorted((x, y) for t in fig.data for x, y in zip(t.x, t.y, strict=True))
    heights = [y for _, y in bars]
    assert heights == sorted(heights, reverse=True)
    best = sorted((round(float(p.percent_change[1:].min()), 1) for p in cohort.patients),
                  reverse=True)
    assert heights == pytest.approx(best)
    lines = {s.y0 for s in fig.layout.shapes}
    assert {-30.0, 20.0} <= lines
    shrank = sum(1 for b in best if b <= -30)
    assert f"{shrank} of {len(best)} bars" in plots.alt_text(fig)


def test_swimmer_marks_events_where_the_engine_put_them(cohort, results):
    fig = plots.swimmer_plot(cohort.patients, results)
    events = {t.name: dict(zip(t.y, t.x, strict=True)) for t in fig.data if t.type == "scatter"}
    for p, r in zip(cohort.patients, results, strict=True):
        labels = [t["response"] for t in r["timepoints"]]
        if "iUPD" in labels:
            assert events["first progression"][p.id] == p.weeks[1 + labels.index("iUPD")]
        if p.died:
            assert events["death"][p.id] == pytest.approx(p.os_weeks)
    bars = {y: x for t in fig.data if t.type == "bar" for y, x in zip(t.y, t.x, strict=True)}
    assert bars == {p.id: p.weeks[-1] for p in cohort.patients}


def test_kaplan_meier_numbers_at_risk_match_the_estimator(all_figures):
    fig = all_figures["km"]
    table = [t for t in fig.data if t.mode == "text"]
    assert {t.y[0] for t in table} == {"immunotherapy", "chemotherapy"}
    io = simulate.simulate_cohort(300, seed=1)
    km = simulate.kaplan_meier([p.os_weeks for p in io.patients], [p.died for p in io.patients])
    row = next(t for t in table if t.y[0] == "immunotherapy")
    expected = km.at_risk([m * simulate.WEEKS_PER_MONTH for m in row.x])
    assert [int(v) for v in row.text] == expected
    assert row.text[0] == "300"
    alt = plots.alt_text(fig)
    assert re.search(r"immunotherapy \(300 patients\): median \d+\.\d months", alt)


def test_trajectory_writes_both_labels_at_every_scan(cohort):
    p = next(x for x in cohort.patients if x.pattern == "pseudoprogression")
    rec, irec = classify(p.document, "recist1.1"), classify(p.document, "irecist")
    fig = plots.patient_trajectory(p, rec, irec)
    total = next(t for t in fig.data if t.name == "sum of targets")
    assert list(total.y) == p.sums_mm.tolist()
    expected = ["baseline"] + [f"{a['response']} | {b['response']}"
                               for a, b in zip(rec["timepoints"], irec["timepoints"], strict=True)]
    assert list(total.text) == expected
    assert total.text[1] == "PD | iUPD"  # pseudoprogression: RECIST PD, iRECIST unconfirmed
    plain = plots.patient_trajectory(p, labels=False)
    assert "PD" not in " ".join(next(t for t in plain.data if t.name == "sum of targets").text)
    assert "RECIST" not in plots.alt_text(plain)


def test_kuznetsov_figures_label_the_course_construction(all_figures):
    tc = all_figures["time_course"]
    assert "course illustration, not a published model" in tc.layout.title.text
    assert "course illustration" in plots.alt_text(tc)
    assert tc.layout.yaxis.type == "log"
    phase = all_figures["phase"]
    eq = next(t for t in phase.data if t.name == "equilibria")
    assert list(eq.text) == ["dormant", "saddle", "escape"]
    assert list(eq.marker.symbol) == ["circle", "circle-open", "circle"]  # open = unstable
    # The saddle, found here independently of tumour_model.equilibria: on the T-nullcline
    # E = a(1 - bT)/n, the tumour-bearing steady states are the roots of dE/dt, bracketed on
    # a log grid and refined by Brent's method, with Kuznetsov 1994's parameters.
    q = tumour_model.PUBLISHED

    def de_dt(t: float) -> float:
        e = q.a * (1 - q.b * t) / q.n
        return q.s + q.p * e * t / (q.g + t) - q.m * e * t - q.d * e

    grid = np.geomspace(1.0, 1 / q.b * (1 - 1e-9), 4000)
    roots = [brentq(de_dt, lo, hi) for lo, hi in zip(grid, grid[1:], strict=False)
             if de_dt(lo) * de_dt(hi) < 0]
    assert len(roots) == 3  # dormant, saddle, escape
    assert f"saddle at {roots[1]:.2e} tumour cells (unstable)" in plots.alt_text(phase)


def test_alt_text_requires_a_description():
    with pytest.raises(ValueError, match="text alternative"):
        plots.alt_text(go.Figure())
