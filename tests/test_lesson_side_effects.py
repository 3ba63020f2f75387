"""Lesson 9: the quiz keys equal what the sources give, and the safety lists say what the
lesson promises a reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from immunocourse.content import evidence
from immunocourse.lessons import side_effects
from tests.citations import record_problems

# The finding 1: each sign in lay words beside its medical term.
LAY_SIGNS = {
    "hepatitis": ("yellow skin", "dark urine"),
    "hypophysitis": ("severe headache", "change in vision"),
    "adrenal insufficiency": ("extreme tiredness", "fainting"),
    "type 1 diabetes": ("great thirst", "passing a lot of urine"),
    "neurological": ("muscle weakness", "double vision"),
    "pneumonitis": ("new cough", "breathlessness"),
    "myocarditis": ("chest pain", "racing"),
}


@pytest.mark.parametrize("term", sorted(LAY_SIGNS))
def test_each_organ_has_its_lay_signs_on_the_printable_checklist(term: str) -> None:
    sign = side_effects.organ_sign(term)
    for words in LAY_SIGNS[term]:
        assert words in sign.signs, f"{term}: {words!r} missing from {sign.signs!r}"
    assert sign.emergency, f"{term} is not on the emergency checklist"
    checklist = side_effects.emergency_checklist()
    assert sign.term in checklist and sign.signs.capitalize() in checklist


def test_myocarditis_is_called_rare_but_often_fatal() -> None:
    assert "often fatal" in side_effects.organ_sign("myocarditis").note


def test_every_record_is_sourced_and_dated() -> None:
    records = [*side_effects.ORGAN_SIGNS, side_effects.FATAL, side_effects.LIVER_COMBO,
               *side_effects.SUBCUTANEOUS]
    for r in records:
        assert not record_problems(r), r


def test_fatal_rates_and_their_per_thousand_key() -> None:
    assert (side_effects.FATAL.low_pct, side_effects.FATAL.high_pct) == (0.3, 1.3)
    assert side_effects.fatal_per_thousand_highest() == 13.0


def test_liver_row_is_raised_alt_and_the_key_is_a_point_difference() -> None:
    assert side_effects.LIVER_ROW in side_effects.event_names()
    assert "Hepatitis" not in side_effects.event_names()
    assert side_effects.liver_grade3_points_combo_minus_nivo() == 8 - 1
    # Raised ALT was far more common than diagnosed hepatitis in the same arm.
    liver = side_effects.LIVER_COMBO
    assert liver.alt_any_pct > liver.hepatitis_any_pct


def test_grade3_difference_is_39_points() -> None:
    assert side_effects.grade3_points_combo_minus_nivo() == 55 - 16


def test_ctcae_grade3_is_the_official_wording_and_the_hospital_grade() -> None:
    assert side_effects.grade_needing_hospital_care() == "3"
    grade3 = evidence.CTCAE_GRADES[3]
    for phrase in ("Severe or medically significant but not immediately life-threatening",
                   "hospitalisation or prolongation of hospitalisation indicated",
                   "disabling", "limiting self-care ADL"):
        assert phrase in grade3


def test_most_common_and_earliest() -> None:
    assert side_effects.most_common_any_grade_with_combination() == "Diarrhoea"
    assert side_effects.earliest_onset_organ() == "Skin"
    assert side_effects.latest_typical_onset_week() == 9


def test_tables_list_every_row() -> None:
    table = side_effects.adverse_event_table()
    for e in evidence.ADVERSE_EVENTS:
        assert e.event.replace("(", "").split()[0] in table
    assert table.count("<tr>") == len(evidence.ADVERSE_EVENTS) + 1
    assert side_effects.ctcae_table().count("<tr>") == 6
    assert side_effects.organ_table().count("<tr>") == len(side_effects.ORGAN_SIGNS) + 1


def test_compare_arms_handles_a_zero_denominator() -> None:
    assert "7 percentage points" in side_effects.compare_arms(side_effects.LIVER_ROW, True)
    assert "no ratio" in side_effects.compare_arms("Hypothyroidism", severe=True)


def test_subcutaneous_checkpoint_inhibitors_are_named_with_their_years() -> None:
    assert side_effects.subcutaneous_sentence() == (
        "atezolizumab (2024), nivolumab (2024) and pembrolizumab (2025)")


def test_call_list_is_the_seed_pages_six_items() -> None:
    assert len(side_effects.CALL_THE_CARE_TEAM) == 6


def search_hits(built_book: Path, query: str) -> set[str]:
    """The pages the built book's own search (Sphinx's index, body and titles) returns for a
    query: split into words as the search box splits it ("PD-L1" -> "pd", "l1"), each word
    stemmed, and only the pages holding every word."""
    import json
    import re

    from sphinx.search.en import SearchEnglish

    text = (built_book / "searchindex.js").read_text()
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    stemmer = SearchEnglish({})
    pages: set[int] | None = None
    for word in re.findall(r"\w+", query.lower()):
        stem = stemmer.stem(word)
        hits: set[int] = set()
        for table in ("terms", "titleterms"):
            found = index[table].get(stem, [])
            hits |= {found} if isinstance(found, int) else set(found)
        pages = hits if pages is None else pages & hits
    return {index["docnames"][i] for i in pages or ()}


@pytest.mark.parametrize("query", ["pneumonitis", "colitis", "hepatitis", "hypophysitis",
                                   "adrenal", "diabetes", "myocarditis", "nephritis",
                                   "jaundice", "thirst", "breathlessness", "emergency"])
def test_the_book_search_finds_this_lesson(built_book: Path, query: str) -> None:
    assert "book/09-side-effects" in search_hits(built_book, query)
