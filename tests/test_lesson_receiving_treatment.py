"""Lesson 6: quiz keys come from the schedules, and the numbers in explanations match."""

from __future__ import annotations

from immunocourse.lessons import receiving_treatment as lesson
from immunocourse.science import schedule
from tests.citations import BIB_KEYS


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


def test_under_skin_forms_say_what_they_leave_out() -> None:
    # FDA notices: each form is mixed with a hyaluronidase and covers only some uses of the
    # drip. Opdivo Qvantig is not for use with ipilimumab by drip; Keytruda Qlex is approved
    # for solid tumours only, so not for the two lymphomas the drip is approved for.
    for a in lesson.UNDER_SKIN_APPROVALS:
        assert "hyaluronidase" in a.enzyme
        assert a.key in BIB_KEYS
    assert "ipilimumab" in lesson.under_skin("nivolumab").not_covered
    pembro = lesson.under_skin("pembrolizumab").not_covered
    assert "Hodgkin lymphoma" in pembro and "mediastinal B-cell lymphoma" in pembro
