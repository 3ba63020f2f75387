"""Lesson 9: the quiz keys equal what the published table gives."""

from __future__ import annotations

from immunocourse import evidence
from immunocourse.lessons import side_effects


def test_hepatitis_ratio_is_eight() -> None:
    assert side_effects.hepatitis_grade3_times_combo_vs_nivo() == 8.0


def test_grade3_difference_is_39_points() -> None:
    assert side_effects.grade3_points_combo_minus_nivo() == 55 - 16


def test_most_common_and_earliest() -> None:
    assert side_effects.most_common_any_grade_with_combination() == "Diarrhoea"
    assert side_effects.earliest_onset_organ() == "Skin"
    assert side_effects.latest_typical_onset_week() == 9
    assert side_effects.grade_needing_hospital_care() == "3"


def test_tables_list_every_row() -> None:
    table = side_effects.adverse_event_table()
    for e in evidence.ADVERSE_EVENTS:
        assert e.event in table
    assert table.count("<tr>") == len(evidence.ADVERSE_EVENTS) + 1
    assert side_effects.ctcae_table().count("<tr>") == 6


def test_compare_arms_handles_a_zero_denominator() -> None:
    assert "8.0 times" in side_effects.compare_arms("Hepatitis", severe=True)
    assert "no ratio" in side_effects.compare_arms("Hypothyroidism", severe=True)


def test_call_list_is_the_seed_pages_six_items() -> None:
    assert len(side_effects.CALL_THE_CARE_TEAM) == 6
