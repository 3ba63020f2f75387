"""Lesson 8 (monitoring): the schedule, the quiz keys and the figure agree with one another."""

from __future__ import annotations

from immunocourse.figures.plots import alt_text
from immunocourse.lessons import monitoring
from immunocourse.quiz import find_bank, load_bank


def test_scan_weeks_counts_follow_up_scans_only() -> None:
    assert monitoring.scan_weeks(48, every=8, first=8) == [8, 16, 24, 32, 40, 48]
    assert monitoring.scan_weeks(47, every=8, first=8)[-1] == 40
    assert monitoring.scans_by_week_48() == 6


def test_schedule_follows_the_cited_intervals() -> None:
    s = monitoring.ILLUSTRATIVE
    low, high = monitoring.THYROID_TEST_EVERY_WEEKS
    assert low <= s.thyroid_every <= high
    events = s.events()
    # Liver tests go with every infusion visit.
    assert events["Liver blood tests (before each infusion)"] == (
        events["Clinic visit, physical exam and infusion"])
    assert events["CT scan"][0] == 0  # baseline scan before treatment
    assert monitoring.thyroid_tests_in_schedule() == len(range(0, s.weeks + 1, s.thyroid_every))


def test_keys_are_the_engine_and_the_irecist_window() -> None:
    sums = monitoring.EXAMPLE_SUMS_MM
    # By hand: 60 mm at baseline, 48 mm at week 8: (48 - 60) / 60 = -20%.
    assert sums[0] == 60 and sums[8] == 48
    assert monitoring.example_change_week8_percent() == -20.0
    assert monitoring.confirmation_window(16) == (20, 24)
    bank = load_bank(find_bank("monitoring"))
    assert bank.question("scans-by-week-48").answer == 6
    q = bank.question("percent-change-week8")
    assert f"{sums[0]:.0f} mm" in q.prompt and f"{sums[8]:.0f} mm" in q.prompt


def test_timeline_has_alt_text_and_a_row_per_event() -> None:
    fig = monitoring.timeline_figure()
    assert "not a real protocol" in alt_text(fig)
    assert len(fig.data) == len(monitoring.ILLUSTRATIVE.events())


def test_thyroid_question_follows_the_guideline_interval() -> None:
    """ASCO 2021 (Schneider): TSH every 4 to 6 weeks during treatment, free T4 added with
    symptoms or an abnormal TSH. The bank's key states the module's interval."""
    low, high = monitoring.THYROID_TEST_EVERY_WEEKS
    q = load_bank(find_bank("monitoring")).question("tsh-measures")
    assert q.answer.startswith(f"TSH every {low} to {high} weeks")
    assert "free T4" in q.answer and "symptoms" in q.answer and "abnormal" in q.answer
