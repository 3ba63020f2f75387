"""Treatment schedules: dose counting, rest periods, the calendar figure and its explorer."""

from __future__ import annotations

import pytest

from immunocourse.figures import schedule_plots
from immunocourse.figures.plots import alt_text
from immunocourse.science import schedule

R = schedule.REGIMENS


def test_every_three_weeks() -> None:
    q3w = R["pembrolizumab-q3w"]
    assert schedule.dose_days(q3w, 64) == [0, 21, 42, 63]
    assert schedule.count_doses(q3w, 52) == 18  # days 0..357 of 0..363
    assert schedule.dose_week(q3w, 4) == 10  # day 63 = day 64 of treatment, week 10
    assert schedule.rest_days(q3w, 364) == []


def test_fixed_course_stops() -> None:
    ipi = R["ipilimumab-melanoma"]
    assert schedule.dose_days(ipi) == [0, 21, 42, 63]
    assert schedule.count_doses(ipi, 52) == 4
    with pytest.raises(ValueError):
        schedule.dose_week(ipi, 5)


def test_cycles_with_rest() -> None:
    lena = R["lenalidomide-myeloma"]
    assert lena.cycle_days == 28
    assert schedule.dose_days(lena, 28) == list(range(21))
    assert schedule.rest_days(lena, 28) == list(range(21, 28))
    assert len(schedule.rest_days(lena, 84)) == 21
    assert schedule.count_doses(lena, 4) == 21
    # A made-up regimen with a fixed number of cycles has no rest after the course ends.
    ex = schedule.custom(7, doses_per_cycle=3, rest_days=7, cycles=2)
    assert schedule.dose_days(ex) == [0, 7, 14, 28, 35, 42]
    assert schedule.rest_days(ex, 365) == list(range(21, 28)) + list(range(49, 56))


def test_same_drug_over_time() -> None:
    q3w, q6w = R["pembrolizumab-q3w"], R["pembrolizumab-q6w"]
    assert q6w.interval_days == 2 * q3w.interval_days
    assert q3w.dose == "200 mg" and q6w.dose == "400 mg"


def test_bad_regimens_are_refused() -> None:
    with pytest.raises(ValueError):
        schedule.custom(0)
    with pytest.raises(ValueError):
        schedule.dose_days(R["pembrolizumab-q3w"])  # open-ended needs a horizon


@pytest.mark.parametrize("key", sorted(R))
def test_every_labelled_regimen_has_a_source_and_a_figure(key: str) -> None:
    regimen = R[key]
    assert regimen.cite and not regimen.example
    fig = schedule_plots.timeline_figure(regimen)
    assert "not advice" in fig.layout.title.text
    assert f"{schedule.count_doses(regimen, 52)} dose days" in alt_text(fig)
    assert list(fig.layout.yaxis.range) == [7.5, 0.5]


def test_made_up_regimens_say_so() -> None:
    fig = schedule_plots.timeline_figure(schedule.EXAMPLE)
    assert "made-up" in fig.layout.title.text.lower()


def test_explorer_updates_the_figure_in_place() -> None:
    ex = schedule_plots.ScheduleExplorer()
    figure = ex.figure
    ex.update(key="nivolumab-q2w")
    assert ex.figure is figure and len(figure.data[1].x) == 26
    ex.update(interval_days=1, doses_per_cycle=21, rest_days=7)
    assert ex.choice.value == "custom" and ex.regimen.example
    assert len(figure.data[1].x) == schedule.count_doses(ex.regimen, 52)
    ex.choice.value = "ipilimumab-melanoma"  # the dropdown drives update() too
    assert len(figure.data[1].x) == 4
