"""Lesson 10: simulated survival keys come from the Kaplan-Meier estimator on the seeded
cohort, and the explorer redraws in place."""

from __future__ import annotations

import math

import pytest

from immunocourse.content import evidence
from immunocourse.figures.plots import alt_text
from immunocourse.lessons import biomarkers, outcomes
from immunocourse.science import simulate


def test_three_year_key_is_the_kaplan_meier_estimate_of_the_same_cohort() -> None:
    cohort = simulate.simulate_cohort(outcomes.COHORT_SIZE, arm="immunotherapy",
                                      seed=outcomes.SEED)
    km = simulate.kaplan_meier([p.os_weeks for p in cohort.patients],
                               [p.died for p in cohort.patients])
    expected = round(100 * km.survival_at(36 * simulate.WEEKS_PER_MONTH), 1)
    assert outcomes.simulated_three_year_os_pct() == expected
    # Calibrated to Schadendorf 2015's 22% plateau: the simulated value sits near it.
    assert abs(expected - 22.0) < 4


def test_chemotherapy_arm_has_no_tail() -> None:
    assert outcomes.simulated_chemo_three_year_os_pct() < 5


def test_published_gaps() -> None:
    assert outcomes.checkmate067_five_year_gap() == 52.0 - 26.0
    assert outcomes.lung_naive_minus_pretreated() == 7.7


@pytest.mark.parametrize("fraction", [0.0, 0.22, 0.5])
def test_proportions_set_the_durable_share(fraction: float) -> None:
    props = outcomes.proportions(fraction)
    assert math.isclose(sum(props.values()), 1.0)
    durable = sum(v for k, v in props.items() if k in simulate.DURABLE_PATTERNS)
    assert math.isclose(durable, fraction)


def test_proportions_reject_impossible_fractions() -> None:
    with pytest.raises(ValueError):
        outcomes.proportions(1.5)


def test_figure_is_labelled_simulated() -> None:
    fig = outcomes.survival_figure()
    assert "Simulated" in fig.layout.title.text
    assert "simulated" in alt_text(fig)


def test_explorer_redraws_and_reports_the_new_tail() -> None:
    explorer = outcomes.SurvivalTailExplorer()
    before = explorer.figure.data[0].y
    caption = explorer.update(durable_fraction=0.4)
    assert "0.40" in caption and "Simulated" in caption
    assert list(explorer.figure.data[0].y) != list(before)
    assert "simulated" in explorer.figure.layout.meta["alt"]
    explorer.update(n=100)
    assert "100 patients" in explorer.caption.value


def test_landmark_table_lists_every_source() -> None:
    table = outcomes.landmark_table()
    for s in evidence.SURVIVAL_LANDMARKS:
        assert s.source in table


def test_tmb_approval_and_ten_year_medians_come_from_their_records() -> None:
    assert outcomes.tmb_approval().year == 2020
    assert outcomes.tmb_cutoff() == 10
    # one record, lesson 12's, behind both pages
    assert outcomes.tmb_approval() is biomarkers.approval("TMB-H")
    assert outcomes.tmb_approval().key == biomarkers.TMB_CUTOFF.key == "marcus2021tmb"
    medians = outcomes.ten_year_medians()
    # the combination's median survival is the longest of the three arms, ipilimumab's the shortest
    assert medians["nivolumab + ipilimumab"] > medians["nivolumab"] > medians["ipilimumab"]
