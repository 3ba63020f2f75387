"""Lesson 1, welcome: a first look at a scan series that gets worse before it gets better.

``EXAMPLE_SUMS_MM`` is made up for teaching (course illustration, not a patient): the sum of
a person's target-tumour diameters at four scans, rising at the first follow-up and then
falling, the pattern called pseudoprogression. The page's figure and the two computed quiz
keys read it from here; the percent changes come from the course's response engine.
"""

from __future__ import annotations

import plotly.graph_objects as go

from immunocourse.figures import lesson_plots
from immunocourse.science.response import percent_change

# Week of scan -> sum of target-lesion diameters in mm (illustrative, not real data).
EXAMPLE_SUMS_MM: dict[int, float] = {0: 50.0, 8: 60.0, 16: 40.0, 24: 30.0}


def changes_from_baseline() -> dict[int, float]:
    """Percent change of each scan's sum from the baseline (week 0) sum."""
    base = EXAMPLE_SUMS_MM[0]
    return {week: percent_change(total, base) for week, total in EXAMPLE_SUMS_MM.items()}


def scan_figure() -> go.Figure:
    return lesson_plots.illustrative_scan_sums(EXAMPLE_SUMS_MM, changes_from_baseline())


# Quiz keys (quizzes/banks/welcome.yml, answer_from)
def week8_change_percent() -> float:
    """% change from baseline to the week-8 scan, to one decimal."""
    return round(changes_from_baseline()[8], 1)


def week24_change_percent() -> float:
    """% change from baseline to the week-24 scan, to one decimal."""
    return round(changes_from_baseline()[24], 1)


def week_of_largest_sum() -> int:
    """The scan week at which the tumours looked largest."""
    return max(EXAMPLE_SUMS_MM, key=EXAMPLE_SUMS_MM.__getitem__)
