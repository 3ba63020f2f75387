"""The report pages of ``quiz stats``: ``<quiz>.html`` and ``course.html``.

One page per quiz (``templates/stats.html.j2``): the summary, a facility against
discrimination scatter (every point labelled with its question), the score distribution,
each question (prompt, numbers, flags, responses) and the class's mastery per objective.
Every chart has a table beside it with the same numbers, always shown (and the only thing
printed: charts are left off paper). The page is offline: inline CSS, plotly.js from a
local copy beside it (written by :mod:`.stats_cli`), no web font, nothing fetched.
"""

from __future__ import annotations

import html
import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from immunocourse.grading.feedback import markdown_html
from immunocourse.quiz.stats import ACTION_FLAGS, CLASS_MEAN, FLAGS, THRESHOLDS, Summary

if TYPE_CHECKING:
    from immunocourse.grading.stats_data import CourseObjective, QuizReport
    from immunocourse.quiz.bank import Bank

TEMPLATES = Path(__file__).with_name("templates")
TYPE_WORDS = {"single": "single choice", "multiple": "multiple answer",
              "truefalse": "true or false", "numeric": "numeric"}

# label, unit, what it tells (short; book/instructors.md explains each at length)
SUMMARY_ROWS = (
    ("n", "Students", "", "students with a graded submission"),
    ("mean", "Mean", "points", "the class's average total"),
    ("median", "Median", "points", "half the class scored less"),
    ("sd", "Standard deviation", "points", "how spread out the totals are"),
    ("skewness", "Skewness", "", "0: symmetric; negative: a tail of low scores"),
    ("kurtosis", "Kurtosis", "", "0: like a bell curve; large: bunched in the middle"),
    ("cic", "Coefficient of internal consistency (Cronbach's alpha)", "%",
     "75% or more is satisfactory; below 64%, the quiz as a whole is unreliable"),
    ("error_ratio", "Error ratio", "%", "the share of the spread that is noise; below 50%"),
    ("standard_error", "Standard error", "points",
     "how far a student's total may be from their true score"),
)


def fmt(value: float | None, unit: str = "", digits: int = 2) -> str:
    """A number as the report shows it ("–" for none), with its unit."""
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


def pts(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class Cell:
    label: str
    value: str
    reason: str = ""
    help: str = ""


def summary_cells(summary: Summary, max_total: float) -> list[Cell]:
    cells = []
    for key, label, unit, help_ in SUMMARY_ROWS:
        value = getattr(summary, key)
        text = str(value) if key == "n" else fmt(value, unit)
        if key in ("mean", "median") and value is not None:
            text += f" of {pts(max_total)}"
        cells.append(Cell(label, text, summary.reasons.get(key, ""), help_))
    return cells


# ---------------------------------------------------------------- charts


PLOT_CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}
BLUE, VERMILLION, GREY = "#0072B2", "#D55E00", "#7F7F7F"


def figure_html(spec: dict[str, Any], alt: str, caption: str) -> str:
    """A plotly.js chart drawn by the page's local plotly.js: ``alt`` (every number) is its
    accessible name, ``caption`` is shown under it; a table beside it has the same numbers.

    Markup as for the book's figures (``figures.display``): the spec as JSON and a small
    script; no mode bar, so the chart holds no controls. Without plotly.js, a sentence.
    The spec is plain plotly.js JSON: plotly's Python figure objects validate every
    property and cost more than the rest of a report.
    """
    spec = {**spec, "config": PLOT_CONFIG}
    div = f"ic-fig-{uuid.uuid4().hex[:12]}"
    payload = json.dumps(spec, allow_nan=False).replace("</", "<\\/")
    height = int(spec.get("layout", {}).get("height") or 400)
    return (
        f'<figure class="chart">'
        f'<div id="{div}" class="ic-plotly-figure" role="img" aria-label="{html.escape(alt)}"'
        f' style="min-height:{height}px"></div>'
        f'<figcaption>{html.escape(caption)}</figcaption>'
        f'<script type="application/json" id="{div}-spec">{payload}</script>'
        "<script>(function(){"
        f'var el=document.getElementById("{div}");'
        f'var spec=JSON.parse(document.getElementById("{div}-spec").textContent);'
        'if(typeof Plotly==="undefined"){el.textContent="This chart needs plotly.js, which '
        'did not load; the table gives the same numbers.";el.style.minHeight="0";return;}'
        "Plotly.newPlot(el,spec.data,spec.layout,spec.config);"
        "})();</script></figure>"
    )


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    # plotly's "simple_white" look, spelled out (a template is a Python-side thing)
    return {"title": {"text": title}, "showline": True, "linecolor": "#444", "ticks": "outside",
            "showgrid": False, "zeroline": False, "automargin": True, **extra}


def _layout(height: int, x_title: str, y_title: str) -> dict[str, Any]:
    return {
        "height": height, "margin": {"l": 60, "r": 16, "t": 16, "b": 56},
        "paper_bgcolor": "#fff", "plot_bgcolor": "#fff",
        "font": {"size": 14, "color": "#1a1a1a",
                 "family": 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'},
        "showlegend": True, "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "xaxis": _axis(x_title), "yaxis": _axis(y_title),
    }


def _line(axis: str, at: float, dash: str) -> dict[str, Any]:
    """A reference line across the plot at ``axis`` = ``at`` (as plotly's add_hline/vline)."""
    other = "x" if axis == "y" else "y"
    return {"type": "line", "layer": "below", f"{axis}ref": axis, f"{axis}0": at,
            f"{axis}1": at, f"{other}ref": f"{other} domain", f"{other}0": 0, f"{other}1": 1,
            "line": {"color": GREY, "dash": dash, "width": 1}}


def scatter(report: QuizReport) -> tuple[str, list[str]]:
    """Facility against discrimination index, each point labelled Q<position>; the html
    and the questions left out (no discrimination index)."""
    items = report.stats.items
    shown = [it for it in items if it.facility is not None
             and it.discrimination_index is not None]
    left_out = [f"Q{it.position}" for it in items if it not in shown]
    if not shown:
        return "", left_out
    traces = []
    groups = (("No flag", BLUE, "circle", False), ("Flagged", VERMILLION, "diamond", True))
    for name, colour, symbol, flagged in groups:
        group = [it for it in shown if bool(set(it.flags) & set(ACTION_FLAGS)) == flagged]
        if not group:
            continue
        traces.append({
            "type": "scatter", "mode": "markers+text", "name": name,
            "x": [it.facility for it in group], "y": [it.discrimination_index for it in group],
            "text": [f"Q{it.position}" for it in group], "textposition": "top center",
            "cliponaxis": False, "customdata": [it.question_id for it in group],
            "marker": {"color": colour, "symbol": symbol, "size": 11,
                       "line": {"width": 1, "color": "#000"}},
            "hovertemplate": "%{text} %{customdata}<br>facility %{x:.1f}%"
                             "<br>discrimination %{y:.1f}%<extra></extra>"})
    limits = THRESHOLDS
    lows = [it.discrimination_index for it in shown]
    highs = [it.facility for it in shown]
    layout = _layout(420, "Facility (%): higher is easier", "Discrimination index (%)")
    layout["xaxis"]["range"] = [-5, max(105, max(highs) + 5)]
    layout["yaxis"]["range"] = [min(-10, min(lows) - 10), max(105, max(lows) + 10)]
    layout["shapes"] = [_line("y", limits.check_key_below, "dash"),
                        _line("y", limits.weak_below, "dash"),
                        _line("x", limits.too_hard_below, "dot"),
                        _line("x", limits.too_easy_above, "dot")]
    points = "; ".join(f"Q{it.position} facility {fmt(it.facility, '%', 0)}, "
                       f"discrimination {fmt(it.discrimination_index, '%', 0)}" for it in shown)
    alt = (f"Scatter plot of each question's facility (across, 0 to 100%) against its "
           f"discrimination index (up). Dashed lines mark discrimination {limits.weak_below:g}% "
           f"and 0; dotted lines facility {limits.too_hard_below:g}% and "
           f"{limits.too_easy_above:g}%. {points}.")
    caption = ("Each question's facility (across) against its discrimination index (up), "
               "labelled Q1, Q2, ...; flagged questions are diamonds. The table below gives "
               "the same numbers.")
    return figure_html({"data": traces, "layout": layout}, alt, caption), left_out


@dataclass
class Band:
    label: str
    count: int


def score_bands(totals: Sequence[float], max_total: float) -> list[Band]:
    """Students per tenth of the maximum (each band holds its lower end; the last, 100%)."""
    counts = [0] * 10
    for total in totals:
        share = 100 * total / max_total if max_total else 0.0
        counts[min(9, max(0, int(math.floor(share / 10))))] += 1
    return [Band(f"{10 * i}% to {'100% (included)' if i == 9 else f'under {10 * i + 10}%'}",
                 c) for i, c in enumerate(counts)]


def histogram(report: QuizReport, bands: list[Band]) -> str:
    bar = {"type": "bar", "name": "Students", "x": [f"{10 * i}–{10 * i + 10}" for i in range(10)],
           "y": [b.count for b in bands],
           "marker": {"color": BLUE, "line": {"width": 1, "color": "#000"}},
           "hovertemplate": "%{x}%: %{y} student(s)<extra></extra>"}
    layout = _layout(320, f"Total score (% of {pts(report.stats.max_total)} points)",
                     "Students")
    layout.update(showlegend=False, bargap=0.05)
    layout["yaxis"].update(rangemode="tozero", tickformat="d")
    parts = "; ".join(f"{10 * i}–{10 * i + 10}%: {b.count}" for i, b in enumerate(bands))
    alt = f"Bar chart of how many students scored in each tenth of the maximum. {parts}."
    return figure_html({"data": [bar], "layout": layout}, alt,
                       "How many students scored in each tenth of the maximum; the table "
                       "below gives the same numbers.")


# ---------------------------------------------------------------- pages


@dataclass
class Block:
    item: Any
    prompt_html: str
    type_words: str
    numbers: list[Cell]
    flags: list[tuple[str, str]]
    responses: list[Any]
    dead: list[str]
    objectives: list[str]

    @property
    def flagged(self) -> bool:
        return any(flag in ACTION_FLAGS for flag, _ in self.flags)


def _question_numbers(item: Any) -> list[Cell]:
    r = item.reasons

    def cell(label: str, key: str, unit: str) -> Cell:
        return Cell(label, fmt(getattr(item, key), unit), r.get(key, ""))

    return [
        cell("Facility", "facility", "%"),
        cell("Standard deviation", "sd", "points"),
        cell("Random guess score", "random_guess_score", "%"),
        cell("Intended weight", "intended_weight", "%"),
        cell("Effective weight", "effective_weight", "%"),
        cell("Discrimination index", "discrimination_index", "%"),
        cell("Discriminative efficiency", "discriminative_efficiency", "%"),
    ]


def objective_titles() -> dict[str, str]:
    """id -> the objective's sentence, from ``immunocourse.content.objectives`` if present."""
    from immunocourse.grading.stats_data import course_objective_records

    return {str(getattr(r, "id", "")): str(getattr(r, "text", "") or "")
            for r in course_objective_records()}


@dataclass
class ObjectiveLine:
    id: str
    title: str
    questions: list[str]
    score: float
    max: float
    mastery: float


def _objective_lines(report: QuizReport) -> list[ObjectiveLine]:
    from immunocourse.quiz.stats import objectives_of

    titles = objective_titles()
    by_objective: dict[str, list[str]] = {}
    for item, q in zip(report.stats.items, report.stats.questions, strict=True):
        for objective in objectives_of(q):
            by_objective.setdefault(objective, []).append(f"Q{item.position}")
    return [ObjectiveLine(r.objective, titles.get(r.objective, ""),
                          by_objective.get(r.objective, []), r.score, r.max, r.mastery)
            for r in report.stats.objectives if r.student_id == CLASS_MEAN]


@cache
def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["fmt"] = fmt
    env.filters["pts"] = pts
    return env


def _when(generated: datetime) -> str:
    return generated.strftime("%-d %B %Y, %H:%M UTC")


def render_quiz(report: QuizReport, generated: datetime, plotly_name: str) -> str:
    """The quiz's report page."""
    import markupsafe

    from immunocourse.quiz.stats import dead_distractors, objectives_of

    stats = report.stats
    blocks = []
    for item, q in zip(stats.items, stats.questions, strict=True):
        rows = stats.responses[q.id]
        blocks.append(Block(
            item=item, prompt_html=markupsafe.Markup(markdown_html(q.prompt)),
            type_words=TYPE_WORDS.get(q.type, q.type), numbers=_question_numbers(item),
            flags=[(f, FLAGS[f]) for f in item.flags], responses=rows,
            dead=dead_distractors(q, rows), objectives=list(objectives_of(q))))
    scatter_html, left_out = scatter(report)
    bands = score_bands(stats.totals.tolist(), stats.max_total)
    return _env().get_template("stats.html.j2").render(
        report=report, bank=report.bank, stats=stats, generated=_when(generated),
        summary=summary_cells(stats.summary, stats.max_total), blocks=blocks,
        scatter=markupsafe.Markup(scatter_html), left_out=left_out, bands=bands,
        histogram=markupsafe.Markup(histogram(report, bands)) if stats.students else "",
        objectives=_objective_lines(report), plotly=plotly_name,
        flag_legend=[(f, FLAGS[f]) for f in FLAGS], action_flags=ACTION_FLAGS,
        limits=THRESHOLDS)


def render_course(rows: Sequence[CourseObjective], banks: Sequence[Bank],
                  reports: Sequence[QuizReport], generated: datetime) -> str:
    """``course.html``: every objective with its questions and class mastery, and the quizzes."""
    by_id = {r.bank.id: r for r in reports}
    quizzes = []
    for bank in banks:
        report = by_id.get(bank.id)
        flagged = 0 if report is None else sum(
            bool(set(it.flags) & set(ACTION_FLAGS)) for it in report.stats.items)
        quizzes.append((bank, report, flagged))
    return _env().get_template("stats_course.html.j2").render(
        objectives=rows, quizzes=quizzes, generated=_when(generated),
        has_registry=bool(objective_titles()))
