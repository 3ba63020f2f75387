"""Lesson 11: the products, grading rules and quiz keys say what the labels and the ASTCT
consensus say."""

from __future__ import annotations

from pathlib import Path

import pytest

from immunocourse.lessons import cell_therapies as ct
from tests.citations import BIB_KEYS, record_problems


def test_every_record_is_sourced_and_dated() -> None:
    records = [*ct.PRODUCTS, *ct.CAR_T_STEPS, ct.STAY_NEAR, ct.ASTCT, *ct.LABEL_NUMBERS]
    for r in records:
        assert not record_problems(r), r
    for p in ct.PRODUCTS:  # the approval date's own source, read by lessons 4 and 12 too
        assert p.approval_key in BIB_KEYS, f"{p.name}: {p.approval_key!r} not in references.bib"


def test_us_approval_years() -> None:
    years = {p.name: p.us_approval[:4] for p in ct.PRODUCTS}
    assert years == {"tisagenlecleucel": "2017", "lifileucel": "2024",
                     "afamitresgene autoleucel": "2024", "blinatumomab": "2014",
                     "teclistamab": "2022", "tarlatamab": "2024", "tebentafusp": "2022"}


def test_boxed_warnings_as_on_the_labels() -> None:
    assert ct.products_boxing_icans() == ["blinatumomab", "teclistamab", "tarlatamab"]
    # Tebentafusp and afami-cel box CRS only; lifileucel's box names other harms.
    assert ct.product("tebentafusp").boxed_warning == (ct.CRS,)
    assert ct.product("afamitresgene autoleucel").boxed_warning == (ct.CRS,)
    assert "lifileucel" not in ct.products_boxing_crs()
    assert ct.boxes(ct.product("tisagenlecleucel"), "T cell malignancies")


def test_hla_requirements() -> None:
    assert ct.product("tebentafusp").hla == "HLA-A*02:01"
    assert "A*02:01P" in ct.product("afamitresgene autoleucel").hla
    assert ct.product("teclistamab").hla is None


def test_stay_near_and_driving_rules_after_june_2025() -> None:
    assert (ct.STAY_NEAR.stay_near_weeks_now, ct.STAY_NEAR.no_driving_weeks_now) == (2, 2)
    assert ct.driving_weeks_saved() == 8 - 2


@pytest.mark.parametrize(("fever", "bp", "o2", "grade"), [
    (False, ct.BP_SEVERAL, ct.O2_PRESSURE, 0),  # no fever, no CRS by definition
    (True, ct.BP_NONE, ct.O2_NONE, 1),
    (True, ct.BP_FLUIDS, ct.O2_NONE, 2),
    (True, ct.BP_NONE, ct.O2_LOW, 2),
    (True, ct.BP_ONE_PRESSOR, ct.O2_LOW, 3),  # the worse of the two sets the grade
    (True, ct.BP_FLUIDS, ct.O2_HIGH, 3),
    (True, ct.BP_NONE, ct.O2_PRESSURE, 4),
    (True, ct.BP_SEVERAL, ct.O2_NONE, 4),
])
def test_crs_grade_follows_astct(fever: bool, bp: str, o2: str, grade: int) -> None:
    assert ct.crs_grade(fever, bp, o2) == grade


@pytest.mark.parametrize(("score", "grade"), [(10, 0), (9, 1), (7, 1), (6, 2), (3, 2),
                                              (2, 3), (0, 3)])
def test_icans_grade_from_ice_follows_astct(score: int, grade: int) -> None:
    assert ct.icans_grade_from_ice(score) == grade


def test_icans_grade_4_when_the_patient_cannot_be_woken() -> None:
    assert ct.icans_grade_from_ice(0, unarousable=True) == 4


def test_bad_grading_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="ICE score must be 0 to 10"):
        ct.icans_grade_from_ice(11)
    with pytest.raises(ValueError, match="oxygen must be one of"):
        ct.crs_grade(True, ct.BP_NONE, "a lot")


def test_quiz_examples() -> None:
    assert ct.crs_example_grade() == "3"
    assert ct.icans_example_grade() == "2"


def test_tables_list_every_row() -> None:
    assert ct.products_table().count("<tr>") == len(ct.PRODUCTS) + 1
    boxed = ct.boxed_warning_table()
    assert boxed.count("<tr>") == len(ct.PRODUCTS) + 1
    assert "HLA-A*02:01" in boxed and "T cell malignancies" in boxed
    assert ct.steps_table().count("<tr>") == len(ct.CAR_T_STEPS) + 1
    assert ct.crs_table().count("<tr>") == 5
    assert ct.icans_table().count("<tr>") == 5


@pytest.mark.parametrize("query", ["CRS", "ICANS", "apheresis", "lymphodepleting", "CAR",
                                   "tebentafusp", "teclistamab", "lifileucel", "driving"])
def test_the_book_search_finds_this_lesson(built_book: Path, query: str) -> None:
    from test_lesson_side_effects import search_hits

    assert "book/11-cell-therapies" in search_hits(built_book, query)
