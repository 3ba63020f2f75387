"""Lesson 5, which cancers immunotherapy treats: published response rates from ``evidence``.

The chart is ``evidence_figures.response_rate_bars``; the table and the quiz keys below read
the same records, so a number appears once. Nothing here is simulated.
"""

from __future__ import annotations

import plotly.graph_objects as go

from immunocourse.content import evidence
from immunocourse.figures import evidence_plots
from immunocourse.figures.tables import html_table


def response_figure() -> go.Figure:
    return evidence_plots.response_rate_bars()


def response_table() -> str:
    """Every bar of the chart as an HTML table row, with trial, patients and source."""
    header = ["Cancer (trial)", "Patients", "Treatment", "ORR", "Source"]
    rows = [[f"{r.cancer} ({r.trial})", r.population,
             r.regimen + ("" if r.immunotherapy else " (comparator)"),
             f"{r.orr_pct:g}%", r.source] for r in evidence.RESPONSE_RATES]

    return html_table(header, rows, "Published objective response rates shown in the chart",
                      font_size="0.85em")


def _gap(trial: str, immuno: str, comparator: str) -> float:
    return round(evidence.response_rate(trial, immuno).orr_pct
                 - evidence.response_rate(trial, comparator).orr_pct, 1)


# Quiz keys (quizzes/banks/cancers-treated.yml, answer_from)
def kidney_orr_gap_points() -> float:
    """CheckMate 025: nivolumab's ORR minus everolimus's, in percentage points."""
    return _gap("CheckMate 025", "nivolumab", "everolimus")


def lung_orr_gap_points() -> float:
    """KEYNOTE-024: pembrolizumab's ORR minus platinum chemotherapy's, percentage points."""
    return _gap("KEYNOTE-024", "pembrolizumab", "platinum chemotherapy")


def melanoma_combination_over_ipilimumab() -> float:
    """CheckMate 067: how many times the combination's ORR is ipilimumab's, one decimal."""
    combo = evidence.response_rate("CheckMate 067", "nivolumab + ipilimumab").orr_pct
    ipi = evidence.response_rate("CheckMate 067", "ipilimumab").orr_pct
    return round(combo / ipi, 1)


def highest_orr_cancer() -> str:
    """The cancer whose bar is longest in the chart."""
    return max(evidence.RESPONSE_RATES, key=lambda r: r.orr_pct).cancer


def msi_responders_per_100() -> float:
    """Le 2017: expected responders among 100 similar patients at the published ORR."""
    return evidence.response_rate("Le et al. phase 2", "pembrolizumab").orr_pct
