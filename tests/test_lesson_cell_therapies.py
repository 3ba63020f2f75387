"""Lesson 11: the products, grading rules and quiz keys say what the labels and the ASTCT
consensus say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from immunocourse.lessons import cell_therapies as ct
from immunocourse.quiz.bank import BANKS_DIR
from tests.citations import BIB_KEYS, page, record_problems

PAGE = page("11-cell-therapies.md")


def test_every_record_is_sourced_and_dated() -> None:
    records = [*ct.PRODUCTS, *ct.CAR_T_STEPS, ct.STAY_NEAR, ct.ASTCT, *ct.LABEL_NUMBERS]
    for r in records:
        assert not record_problems(r), r
    # The records added for the review of issue 19 are cited on the page that quotes them.
    for r in [*ct.MORE_CAR_T, *ct.HARM_RATES, *ct.LATE_RATES, *ct.ENGAGER_DRIVING]:
        assert not record_problems(r, cited_on=PAGE), r
    for p in ct.PRODUCTS:  # the approval date's own source, read by lessons 4 and 12 too
        assert p.approval_key in BIB_KEYS, f"{p.name}: {p.approval_key!r} not in references.bib"


def test_us_approval_years() -> None:
    years = {p.name: p.us_approval[:4] for p in ct.PRODUCTS}
    assert years == {"tisagenlecleucel": "2017", "lifileucel": "2024",
                     "afamitresgene autoleucel": "2024", "blinatumomab": "2014",
                     "teclistamab": "2022", "tarlatamab": "2024", "tebentafusp": "2022"}


def test_lymphoma_and_myeloma_car_t_approvals() -> None:
    years = {p.short_name: p.year for p in ct.MORE_CAR_T}
    assert years == {"axi-cel": 2017, "ide-cel": 2021, "cilta-cel": 2022}
    assert {p.target for p in ct.MORE_CAR_T} == {"CD19", "BCMA"}


def test_how_often_crs_and_nerve_problems_happen() -> None:
    # Yescarta label (ZUMA-1, 108 patients); MajesTEC-1 (Moreau 2022, 165 patients).
    axicel = ct.harm_rate("axicabtagene ciloleucel", ct.CRS)
    assert (axicel.patients, axicel.any_grade, axicel.grade3_plus) == (108, 94, 13)
    assert ct.harm_rate("axicabtagene ciloleucel", "neurological problems").any_grade == 87
    tec = ct.harm_rate("teclistamab", ct.CRS)
    assert (tec.patients, tec.any_grade, tec.grade3_plus) == (165, 72.1, 0.6)
    assert ct.harm_rate("teclistamab", "neurological problems").any_grade == 14.5
    assert ct.harm_rates_table().count("<tr>") == len(ct.HARM_RATES) + 1


def test_an_unconfirmed_figure_is_not_shown_never_said_to_be_missing() -> None:
    """Review finding B: a grade 3 figure the course has not confirmed in its source is
    "not shown here", never "not given" (the sources may well give one)."""
    table = ct.harm_rates_table()
    assert "not given" not in table
    unconfirmed = [r for r in ct.HARM_RATES if r.grade3_plus is None]
    assert table.count(f"<td>{ct.NOT_SHOWN}</td>") == len(unconfirmed)
    if unconfirmed:
        assert "has not yet checked this figure against its source" in table


def test_long_term_effects_after_car_t() -> None:
    # Cordeiro et al. 2024: ranges across the studies of CD19 CAR T in lymphoma.
    assert ct.late_rate("severe low blood counts more than 30").text == "30% to 40%"
    assert ct.late_rate("severe low blood counts more than 90").text == "3% to 22%"
    assert ct.late_rate("IgG").text == "44% to 53%"
    assert ct.late_rate("given antibodies").text == "27% to 38%"
    later = PAGE.split("## Later risks and long-term effects", 1)[1].split("\n## ", 1)[0]
    for effect in ("Low blood counts", "Low antibodies", "Infections", "Second cancers",
                   "Brain and memory problems"):
        assert f"\n{effect}\n: " in later, effect


def test_boxed_warnings_as_on_the_labels() -> None:
    assert ct.products_boxing_icans() == ["blinatumomab", "teclistamab", "tarlatamab"]
    # Tebentafusp and afami-cel box CRS only; lifileucel's box names other harms.
    assert ct.product("tebentafusp").boxed_warning == (ct.CRS,)
    assert ct.product("afamitresgene autoleucel").boxed_warning == (ct.CRS,)
    assert "lifileucel" not in ct.products_boxing_crs()
    assert ct.boxes(ct.product("tisagenlecleucel"), "T cell malignancies")


def test_a_box_that_could_not_be_read_now_is_dated() -> None:
    """Review finding C: Kymriah's box was revised in June 2025 and could not be read, so its
    row and the table's caption say the box shown is the one as of 2024."""
    assert ct.product("tisagenlecleucel").box_as_of == "2024"
    table = ct.boxed_warning_table()
    assert "T cell malignancies (box as of 2024)</td>" in table
    assert "except: tisagenlecleucel, its box as of 2024" in table
    assert [p.name for p in ct.PRODUCTS if p.box_as_of] == ["tisagenlecleucel"]


def test_the_crs_count_counts_the_boxed_warning_table() -> None:
    """Review finding E: the page says how many of the treatments in the boxed-warning table
    name CRS, both numbers taken from the table's own rows, not a typed count."""
    rows = ct.boxed_warning_products()
    assert ct.boxed_warning_table().count("<tr>") == len(rows) + 1
    assert ct.products_boxing_crs_in_table() == [p.name for p in rows if ct.boxes(p, ct.CRS)]
    assert 'glue("n_box_rows", len(ct.boxed_warning_products())' in PAGE
    assert 'glue("n_crs_box", len(ct.products_boxing_crs_in_table())' in PAGE
    assert "products in this lesson" not in PAGE
    assert ("The table of boxed warnings\n  below lists {glue:text}`n_box_rows` treatments. "
            "For {glue:text}`n_crs_box` of them") in PAGE


def test_hla_requirements() -> None:
    assert ct.product("tebentafusp").hla == "HLA-A*02:01"
    assert "A*02:01P" in ct.product("afamitresgene autoleucel").hla
    assert ct.product("teclistamab").hla is None


def test_stay_near_and_driving_rules_after_june_2025() -> None:
    assert (ct.STAY_NEAR.stay_near_weeks_now, ct.STAY_NEAR.no_driving_weeks_now) == (2, 2)
    assert ct.driving_weeks_saved() == 8 - 2


def test_t_cell_engagers_carry_driving_advice_too() -> None:
    """Review finding A: Blincyto's label (5.6) says not to drive while the drip runs;
    Tecvayli's asks for 48 hours in hospital after each of the 3 step-up doses, and no driving
    during them and for 48 hours after the last."""
    blin = ct.engager_driving("blinatumomab")
    assert blin.no_driving == "while the drip is running" and blin.key == "blincytolabel"
    tec = ct.engager_driving("teclistamab")
    assert (tec.first_doses, tec.hospital_hours, tec.no_driving_hours_after) == (3, 48, 48)
    assert str(tec.no_driving_hours_after) in tec.no_driving
    engagers = PAGE.split("## T-cell engagers", 1)[1].split("\n## ", 1)[0]
    assert "not to drive while the drip is\nrunning" in engagers
    for name in ("tec_first_doses", "tec_hospital_hours", "tec_drive_hours"):
        assert f"{{glue:text}}`{name}`" in engagers
    for key in ("blincytolabel", "tecvaylilabel", "crukteclistamab"):
        assert key in engagers
    takeaways = PAGE.split("## Key takeaways", 1)[1].split("\n## ", 1)[0]
    assert "blinatumomab" in takeaways and "{glue:text}`tec_drive_hours`" in takeaways


def test_late_nerve_problems_after_cilta_cel_need_a_call_at_once() -> None:
    """Review finding D: the Carvykti label warns of parkinsonism and Guillain-Barre syndrome,
    which can start weeks or months after the infusion; the page says to call at once."""
    later = PAGE.split("Brain and memory problems\n: ", 1)[1].split("\n\n", 1)[0]
    assert "days,\n  weeks or even months" in later
    assert "parkinsonism" in later and "Guillain-Barré syndrome" in later
    assert "call your team at\n  once, day or night" in later
    assert "carvyktilabel" in later and "medlineplusciltacel" in later
    section = PAGE.split("## When to get urgent care", 1)[1].split("\n## ", 1)[0]
    assert "After cilta-cel, call at once" in section and "months later" in section
    assert "{ref}`Lesson 9 <when-to-get-help>`" in section


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


def test_crs_grade_needs_no_fever_once_treated() -> None:
    """Lee 2019: after antipyretics, tocilizumab or steroids, fever is no longer required;
    blood pressure and oxygen set the grade."""
    assert ct.crs_grade(False, ct.BP_ONE_PRESSOR, ct.O2_NONE, fever_treated=True) == 3
    assert ct.crs_grade(False, ct.BP_NONE, ct.O2_PRESSURE, fever_treated=True) == 4
    assert "paracetamol" in ct.crs_table() and "tocilizumab" in ct.crs_table()


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


def test_icans_table_follows_astct_motor_and_oedema_rows() -> None:
    """Lee 2019, Table 5: focal or local oedema is grade 3; deep focal motor weakness
    (hemiparesis or paraparesis) and diffuse oedema are grade 4."""
    grades = {g: signs for g, _, signs in ct.ICANS_SIGNS}
    assert "focal or local oedema" in grades["3"]
    assert "hemiparesis or paraparesis" in grades["4"]
    assert "diffuse oedema" in grades["4"] and "over 5 minutes" in grades["4"]


def test_urgent_care_section_prints_the_shared_rules() -> None:
    """The section carries the label lesson 9 links to and glues both rules verbatim from
    immunocourse.content.safety: a seizure needs an ambulance, not a phone call."""
    assert "(cell-therapy-urgent-care)=\n## When to get urgent care" in PAGE
    section = PAGE.split("## When to get urgent care", 1)[1].split("\n## ", 1)[0]
    assert "{glue:text}`fever_rule`" in section and "{glue:text}`emergency_rule`" in section
    assert 'glue("fever_rule", safety.FEVER_RULE' in PAGE
    assert 'glue("emergency_rule", safety.EMERGENCY_RULE' in PAGE
    assert "Paracetamol can bring a fever down and hide it" in section
    for sign in ("bleed or bruise", "infection", "months later"):
        assert sign in section
    takeaways = PAGE.split("## Key takeaways", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"ambulance for confusion, severe breathlessness, chest pain, fainting "
                     r"or a\s+seizure", takeaways)


def test_driving_quiz_agrees_with_the_labels_on_carers() -> None:
    """The 2025 label changes set no carer rule; quiz, steps table and page say the team
    decides."""
    bank = yaml.safe_load((BANKS_DIR / "cell-therapies.yml").read_text())
    driving = next(q for q in bank["questions"] if q["id"] == "driving-weeks")
    assert "still need a caregiver" not in driving["explanation"]
    assert "no rule about a carer" in driving["explanation"]
    assert "team says whether a caregiver" in ct.steps_table()
    assert "set no\nrule about a carer" in PAGE


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
    from tests.test_lesson_side_effects import search_hits

    assert "book/11-cell-therapies" in search_hits(built_book, query)
