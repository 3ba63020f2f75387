"""Lesson 6: quiz keys come from the schedules, and the numbers in explanations match."""

from __future__ import annotations

from immunocourse.lessons import receiving_treatment as lesson
from immunocourse.science import schedule


def test_quiz_keys() -> None:
    # The bank's explanations walk through these counts; they must follow the schedules.
    assert lesson.nivolumab_q4w_doses_first_year() == 13
    assert lesson.nivolumab_q2w_week_of_dose_4() == 7
    assert lesson.lenalidomide_rest_days_first_12_weeks() == 21
    assert lesson.ipilimumab_last_dose_week() == 10
    assert lesson.pembrolizumab_q3w_doses_first_year() == 18
    assert lesson.pembrolizumab_q6w_doses_first_year() == 9
    assert lesson.pembrolizumab_q3w_week_of_dose_4() == 10


def test_tables() -> None:
    rows = lesson.regimen_table()
    assert len(rows) == len(schedule.REGIMENS)
    assert all(row["cite"] for row in rows)
    assert [r[0] for r in lesson.routes_table()] == [
        "Intravenous (IV)", "Subcutaneous", "Intratumoral", "Oral", "Topical", "Intravesical"]
    # US approvals of the under-the-skin checkpoint inhibitors (FDA notices)
    assert lesson.under_skin_years() == {"atezolizumab": 2024, "nivolumab": 2024,
                                         "pembrolizumab": 2025}
