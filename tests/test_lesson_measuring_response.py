"""Lesson 7: the worked cases, their quiz keys and figures agree with the response engine."""

from __future__ import annotations

import pytest

from immunocourse.figures import plots
from immunocourse.lessons import measuring_response as lesson
from immunocourse.science.response import classify


def labels(case_id: str, criteria: str) -> list[str]:
    return [tp["response"] for tp in classify(lesson.CASES[case_id].document, criteria)
            ["timepoints"]]


def test_the_cases_show_what_the_page_says_they_show() -> None:
    # A: rules agree; B: pseudoprogression; C: confirmed progression.
    assert labels("A", "recist1.1") == ["SD", "PR", "PR"]
    assert labels("A", "irecist") == ["iSD", "iPR", "iPR"]
    assert labels("B", "recist1.1") == ["PD", "SD", "PR"]
    assert labels("B", "irecist") == ["iUPD", "iSD", "iPR"]
    assert labels("C", "irecist") == ["iUPD", "iCPD"]
    assert lesson.classify_case("B", "recist1.1")["best_overall_response"] == "PD"
    assert lesson.classify_case("B", "irecist")["best_overall_response"] == "iPR"


def test_quiz_keys_equal_the_engine() -> None:
    assert lesson.case_a_week16_recist() == labels("A", "recist1.1")[1]
    assert lesson.case_b_week8_recist() == "PD"
    assert lesson.case_b_week8_irecist() == "iUPD"
    assert lesson.case_b_week14_irecist() == labels("B", "irecist")[1]
    assert lesson.case_c_week14_irecist() == labels("C", "irecist")[1]
    assert lesson.case_a_week24_change_from_baseline() == pytest.approx(-50.0)
    assert lesson.case_c_week8_change_from_nadir() == pytest.approx(100 * (53 - 43) / 43, abs=0.05)


def test_numbers_written_in_the_bank_explanations_match_the_cases() -> None:
    # The bank's explanations quote these sums (mm); they must follow the cases.
    assert lesson.sums_mm("A") == [60, 51, 40, 30]
    assert lesson.sums_mm("B") == [50, 62, 44, 28]
    assert lesson.sums_mm("C") == [43, 53, 59]
    assert lesson.nadir_before("A", 16) == 51


def test_literature_numbers() -> None:
    assert lesson.pseudoprogression_pct() == 6.0
    assert lesson.hyperprogression_pct() == pytest.approx(9.2)  # 12 of 131


@pytest.mark.parametrize("case_id", sorted(lesson.CASES))
def test_case_figures_and_tables(case_id: str) -> None:
    for with_labels in (False, True):
        fig = lesson.case_figure(case_id, labels=with_labels)
        assert "invented" in fig.layout.title.text
        assert plots.alt_text(fig)
    assert f"Worked case {case_id}" in lesson.case_table_html(case_id)
    answer = lesson.answer_html(case_id)
    assert "Best overall response" in answer


def test_cohort_has_pseudoprogressions_that_recist_calls_pd() -> None:
    ids = lesson.reclassified()
    patterns = {p.id: p.pattern for p in lesson.cohort().patients}
    assert ids and all(patterns[i] == "pseudoprogression" for i in ids)
