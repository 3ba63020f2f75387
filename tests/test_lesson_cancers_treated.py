"""Lesson 5: the quiz keys equal what the published response rates give."""

from __future__ import annotations

from immunocourse.content import evidence
from immunocourse.lessons import cancers_treated


def test_within_trial_gaps() -> None:
    assert cancers_treated.kidney_orr_gap_points() == 20.0  # 25% vs 5%
    assert cancers_treated.lung_orr_gap_points() == 17.0  # 44.8% vs 27.8%


def test_melanoma_ratio_and_msi() -> None:
    assert cancers_treated.melanoma_combination_over_ipilimumab() == round(57.6 / 19.0, 1)
    # Le et al., Science 2017, abstract: "Objective radiographic responses occurred in 53%
    # of patients" -> 53 of every 100 similar patients.
    assert cancers_treated.msi_responders_per_100() == 53.0


def test_longest_bar_is_the_maximum_of_the_records() -> None:
    top = max(r.orr_pct for r in evidence.RESPONSE_RATES)
    cancer = cancers_treated.highest_orr_cancer()
    assert any(r.cancer == cancer and r.orr_pct == top for r in evidence.RESPONSE_RATES)


def test_table_has_a_row_and_a_source_for_every_bar() -> None:
    table = cancers_treated.response_table()
    assert table.count("<tr>") == len(evidence.RESPONSE_RATES) + 1
    for r in evidence.RESPONSE_RATES:
        assert r.source in table
