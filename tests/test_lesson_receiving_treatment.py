"""Lesson 6: quiz keys come from the schedules, the numbers in explanations match, and the
capsule taken at home (lenalidomide) comes with its boxed warning and the urgent-care rules."""

from __future__ import annotations

from pathlib import Path

from immunocourse.lessons import receiving_treatment as lesson
from immunocourse.science import schedule
from tests.citations import BIB_KEYS, page


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


def test_lenalidomide_is_given_with_its_boxed_warning_and_the_two_rules() -> None:
    # Revlimid US label, boxed warning: embryo-fetal toxicity, hematologic toxicity, and
    # venous and arterial thromboembolism. Lenalidomide lowers blood counts, so the fever
    # rule applies; chest pain or breathlessness from a clot, the emergency rule.
    text = page("06-receiving-treatment.md")
    section = text[text.index("\n## Serious side effects and when to get help\n"):]
    section = section[:section.index("\n## Key takeaways")]
    flat = " ".join(section.split())
    assert "{cite:p}`revlimidlabel`" in flat
    for harm in ("birth defects", "blood clots", "lowers blood counts", "heart attack",
                 "stroke", "prevents pregnancy"):
        assert harm in flat, harm
    assert 'glue("emergency_rule", safety.EMERGENCY_RULE' in text
    assert 'glue("fever_rule", safety.FEVER_RULE' in text
    assert "{glue:text}`emergency_rule`" in flat and "{glue:text}`fever_rule`" in flat
    assert "<when-to-get-help>`" in flat


def test_the_built_page_prints_both_rules_verbatim(built_book: Path) -> None:
    from immunocourse.book import readability
    from immunocourse.content import safety

    main = readability._main_column(built_book / "book/06-receiving-treatment.html")
    printed = " ".join(main.get_text(" ").split()).replace(" ,", ",").replace(" .", ".")
    for rule in (safety.EMERGENCY_RULE, safety.FEVER_RULE):
        assert rule in printed
