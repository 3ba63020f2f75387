"""Lesson 8, monitoring during treatment: an illustrative schedule and the numbers it yields.

The schedule is a course illustration, not a real protocol: each trial protocol or care team
sets its own. Two of its intervals follow the ASCO guideline on immune-related side effects
(Brahmer 2018 and its 2021 update, Schneider 2021): liver tests before each infusion, and a
thyroid test (TSH) every 4 to 6 weeks during treatment, with free T4 added when there are
symptoms or the TSH is abnormal. The iRECIST confirmation window (4 to 8 weeks after a
first, unconfirmed progression) is from Seymour 2017. The figure, the page and the quiz all
read these parameters from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import plotly.graph_objects as go

from immunocourse.figures import lesson_plots
from immunocourse.science.response import percent_change

# Cited intervals, in weeks, with their sources.
THYROID_TEST_EVERY_WEEKS = (4, 6)  # routine TSH during treatment: schneider2021
IRECIST_CONFIRM_WEEKS = (4, 8)  # confirm an iUPD 4-8 weeks later: seymour2017


@dataclass(frozen=True)
class Schedule:
    """An illustrative monitoring schedule (course illustration, not a real protocol)."""

    illustrative: ClassVar[bool] = True  # made up for teaching; cited intervals are above
    weeks: int = 24  # how long the schedule runs
    infusion_every: int = 3  # a clinic visit with an infusion, a physical exam and liver tests
    thyroid_every: int = 6  # within the ASCO guideline's 4-6 weeks
    scan_every: int = 8  # a CT scan every 8 weeks after the baseline scan
    first_scan: int = 8  # the first follow-up scan

    def events(self) -> dict[str, list[int]]:
        """Week numbers of each kind of event, from week 0 (the first infusion)."""
        visits = list(range(0, self.weeks + 1, self.infusion_every))
        return {
            "Clinic visit, physical exam and infusion": visits,
            "Liver blood tests (before each infusion)": visits,
            "Thyroid blood test (TSH)": list(range(0, self.weeks + 1, self.thyroid_every)),
            "CT scan": [0] + scan_weeks(self.weeks, self.scan_every, self.first_scan),
        }


ILLUSTRATIVE = Schedule()


def scan_weeks(until_week: int, every: int = 8, first: int = 8) -> list[int]:
    """Follow-up scan weeks: ``first``, then every ``every`` weeks, up to ``until_week``."""
    if every <= 0 or first <= 0:
        raise ValueError("scan interval and first scan week must be > 0")
    return list(range(first, until_week + 1, every))


def confirmation_window(iupd_week: int) -> tuple[int, int]:
    """Earliest and latest week for the scan that confirms an iUPD (iRECIST)."""
    low, high = IRECIST_CONFIRM_WEEKS
    return iupd_week + low, iupd_week + high


def timeline_figure(schedule: Schedule = ILLUSTRATIVE) -> go.Figure:
    return lesson_plots.monitoring_timeline(schedule.events(), schedule.weeks)


# A worked example for the page and quiz: sums of target-lesion diameters (made-up numbers).
EXAMPLE_SUMS_MM = {0: 60.0, 8: 48.0, 16: 42.0}


# Quiz keys (quizzes/banks/monitoring.yml, answer_from)
def scans_by_week_48() -> int:
    """Follow-up scans by week 48 with scans every 8 weeks from week 8."""
    return len(scan_weeks(48, every=8, first=8))


def thyroid_tests_in_schedule() -> int:
    """Thyroid tests in the illustrative 24-week schedule, week 0 included."""
    return len(ILLUSTRATIVE.events()["Thyroid blood test (TSH)"])


def example_change_week8_percent() -> float:
    """% change of the example's target sum from baseline to week 8."""
    return round(percent_change(EXAMPLE_SUMS_MM[8], EXAMPLE_SUMS_MM[0]), 1)


def earliest_confirmation_after_week16_iupd() -> int:
    """Earliest week of the scan confirming an iUPD found at week 16."""
    return confirmation_window(16)[0]
