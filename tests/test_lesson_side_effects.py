"""Lesson 9: the quiz keys equal what the sources give, and the safety lists say what the
lesson promises a reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from immunocourse.content import evidence, safety
from immunocourse.lessons import side_effects
from tests.citations import page, record_problems

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


# --- The page (issue 19) ---------------------------------------------------------------------

PAGE = page("09-side-effects.md")
FLAT = " ".join(PAGE.split())  # the page with its line breaks folded, for phrase checks


@pytest.mark.parametrize("term", sorted(LAY_SIGNS))
def test_each_organ_has_its_lay_signs_on_the_printable_checklist(term: str) -> None:
    sign = side_effects.organ_sign(term)
    assert sign.emergency, f"{term} is not on the emergency checklist"
    for words in LAY_SIGNS[term]:
        assert words in sign.signs, f"{term}: {words!r} missing from {sign.signs!r}"
        assert words in sign.urgent, f"{term}: {words!r} missing from {sign.urgent!r}"
    checklist = side_effects.emergency_checklist()
    assert sign.term in checklist and sign.urgent.capitalize() in checklist


def _card() -> BeautifulSoup:
    return BeautifulSoup(side_effects.emergency_checklist(), "html.parser")


def test_the_card_prints_both_urgent_care_rules_verbatim() -> None:
    """Issue 19, findings 1 and 3: the ambulance rule and the fever rule, as worded once in
    content/safety.py, each a part of the card of its own."""
    rules = [p.get_text() for p in _card().select("p.ic-emergency-rule")]
    assert rules == [safety.EMERGENCY_RULE, safety.FEVER_RULE]


def test_on_the_card_the_ambulance_rule_comes_first_and_says_it_wins() -> None:
    """Chest pain, fainting and confusion are in the ambulance rule and in the lists below it
    (the fever rule names confusion too): the card says which rule wins."""
    paragraphs = [p.get_text() for p in _card().select("p")]
    first = paragraphs.index(safety.EMERGENCY_RULE)
    assert paragraphs[first - 1] == side_effects.CARD_AMBULANCE
    assert paragraphs[first + 1] == side_effects.CARD_AMBULANCE_FIRST
    assert first < paragraphs.index(safety.FEVER_RULE)


def test_the_card_tells_people_on_daily_hydrocortisone_what_to_do_at_once() -> None:
    paragraphs = [p.get_text() for p in _card().select("p")]
    for rule in side_effects.HYDROCORTISONE_RULES:
        assert rule in paragraphs
        assert rule in FLAT, "the page's sick-day list must say what the card says"


def test_the_sick_day_rules_follow_simpson_2020_and_assume_no_kit() -> None:
    """Sceptical-oncologist review, finding C: the double-dose rule; severe diarrhoea as well
    as vomiting means the injection and urgent help; ask for a kit rather than assume one;
    never stop steroids suddenly; the steroid emergency card. All on the card too."""
    rules = " ".join(side_effects.HYDROCORTISONE_RULES)
    for words in ("If you have a fever, or an illness that keeps you in bed or needs "
                  "antibiotics", "double your daily dose", "Follow the plan your team gives you",
                  "or you have severe diarrhoea", "if you have one",
                  "Ask your team for an emergency injection kit", "steroid emergency card",
                  "Never stop steroid tablets suddenly", "high-dose steroids"):
        assert words in rules, words
    assert "use your injection and call" not in rules  # no kit assumed


def test_the_card_and_the_text_list_the_same_signs_in_the_same_order() -> None:
    """Issue 19, finding 6: one list, rendered twice, so the two cannot disagree."""
    text = [line[2:] for line in side_effects.urgent_signs_markdown().splitlines()]
    card = []
    for li in _card().select("ul.emergency-checklist li"):
        for hidden in li.select("[aria-hidden=true], .medical-term"):
            hidden.decompose()
        card.append(li.get_text().strip())
    assert text == [s.urgent for s in side_effects.URGENT_SIGNS]
    assert card == [s.urgent.capitalize() for s in side_effects.URGENT_SIGNS]
    assert len(card) >= 9


def test_each_card_line_keeps_its_tick_box_and_marks_the_medical_term() -> None:
    """Issue 19, finding 10: the organ and the medical term are in a .medical-term span (the
    readability report skips it); the tick box is text hidden from screen readers."""
    items = _card().select("ul.emergency-checklist li")
    for li, sign in zip(items, side_effects.URGENT_SIGNS, strict=True):
        assert li.select_one('span[aria-hidden="true"]').get_text() == "\u2610"
        term = li.select_one("span.medical-term")
        assert term is not None and sign.term in term.get_text()
        assert term.get_text().startswith("\u2014")


def test_diarrhoea_has_the_ctcae_grade_2_threshold_on_the_urgent_list() -> None:
    """CTCAE v5.0 grade 2 (an increase of 4 or more stools a day over baseline; a moderate
    increase in stoma output), said so that it cannot be read as a total of 4 (review, finding
    A), with night-time stools and diarrhoea with fever, dizziness, blood, mucus or pain."""
    gut = side_effects.organ_sign("colitis").urgent
    for words in ("4 or more extra stools a day, on top of what is normal for you",
                  "stoma output", "wakes you at night", "any diarrhoea with a fever",
                  "dizziness", "blood or mucus", "tummy pain"):
        assert words in gut, words
    assert "4 or more stools a day more than usual" not in gut
    # Other new diarrhoea still needs a call the same day.
    assert "same day" in side_effects.organ_sign("colitis").note
    assert "Any other new diarrhoea needs a call the same day" in FLAT


def test_much_less_urine_is_on_the_urgent_list() -> None:
    kidney = side_effects.organ_sign("nephritis")
    assert kidney.emergency and "passing much less urine than usual" in kidney.urgent
    assert kidney.key in PAGE


def test_adrenal_row_names_the_signs_of_an_adrenal_crisis() -> None:
    """Issue 19, finding 2 (ASCO 2021; Society for Endocrinology): vomiting, dizziness on
    standing up and confusion, in the table and on the card."""
    adrenal = side_effects.organ_sign("adrenal insufficiency")
    for words in ("being sick", "dizzy when you stand up", "confusion"):
        assert words in adrenal.signs and words in adrenal.urgent


def test_thyroid_note_follows_asco_2021() -> None:
    note = side_effects.organ_sign("thyroiditis").note
    assert "TSH blood test every 4 to 6 weeks" in note
    assert "free T4 too if there are symptoms or the TSH is abnormal" in note


def test_myocarditis_is_called_rare_but_often_fatal() -> None:
    assert "often fatal" in side_effects.organ_sign("myocarditis").note


def test_every_record_is_sourced_and_dated() -> None:
    records = [*side_effects.ORGAN_SIGNS, side_effects.FATAL, side_effects.LIVER_COMBO,
               *side_effects.SUBCUTANEOUS]
    for r in records:
        assert not record_problems(r), r


def test_fatal_rates_and_their_per_thousand_key() -> None:
    """Wang 2018's exact regimen-specific rates (issue 19, finding 4), not the Key Points'
    rounded "0.3% to 1.3%": the combination is about 12 in every 1,000, not 13."""
    fatal = side_effects.FATAL
    assert fatal.by_regimen == {"anti-PD-1": 0.36, "anti-PD-L1": 0.38, "anti-CTLA-4": 1.08,
                                "anti-PD-1/PD-L1 + anti-CTLA-4": 1.23}
    assert (fatal.low_pct, fatal.high_pct) == (0.36, 1.23)
    assert side_effects.fatal_per_thousand_highest() == 12.3
    assert side_effects.fatal_per_thousand("anti-PD-1") == 4
    assert side_effects.fatal_per_thousand("anti-CTLA-4") == 11


def test_the_fatal_question_quotes_the_record_and_its_tolerance_excludes_13() -> None:
    from immunocourse.quiz.bank import find_bank, load_bank

    question = next(q for q in load_bank(find_bank("side-effects")).questions
                    if q.id == "fatal-per-1000")
    assert f"{side_effects.FATAL.high_pct}%" in question.prompt
    assert abs(13 - side_effects.fatal_per_thousand_highest()) > question.tolerance
    assert abs(12 - side_effects.fatal_per_thousand_highest()) <= question.tolerance


def test_the_rounded_table_cites_the_cmaj_review_and_the_exact_rates_the_trial() -> None:
    """Review, finding B: the rounded numbers are the CMAJ review's, cited as such on the
    page; Larkin 2015 for the exact grade 3-4 rates; the relabelling explained."""
    assert {e.key for e in evidence.ADVERSE_EVENTS} == {"esfahani2019"}
    assert all("CMAJ 2019" in e.source for e in evidence.ADVERSE_EVENTS)
    assert evidence.CHECKMATE_067_SAFETY.key == "larkin2015"
    section = " ".join(PAGE[PAGE.index("## How often"):PAGE.index("## How serious")].split())
    assert "{cite:p}`esfahani2019`" in section and "{cite:p}`larkin2015`" in section
    assert 'calls the liver row "hepatitis"' in section
    assert "CMAJ 2019;191:E40" not in section  # a bracket citation, not only prose
    assert "CMAJ" in side_effects.adverse_event_table()


def test_liver_row_is_raised_alt_and_the_key_is_a_point_difference() -> None:
    assert side_effects.LIVER_ROW in side_effects.event_names()
    assert "Hepatitis" not in side_effects.event_names()
    assert side_effects.liver_grade3_points_combo_minus_nivo() == 8 - 1
    # Raised ALT was far more common than diagnosed hepatitis in the same arm.
    liver = side_effects.LIVER_COMBO
    assert liver.alt_any_pct > liver.hepatitis_any_pct


def test_grade3_difference_is_39_points() -> None:
    assert side_effects.grade3_points_combo_minus_nivo() == 55 - 16


def test_ctcae_grade3_is_the_official_wording_and_the_lowest_severe_grade() -> None:
    assert side_effects.lowest_severe_grade() == "3"
    # CTCAE v5.0, word for word; the course's gloss is outside the quote (review, finding D).
    assert evidence.CTCAE_GRADES[3] == (
        "Severe or medically significant but not immediately life-threatening; "
        "hospitalization or prolongation of hospitalization indicated; disabling; limiting "
        "self care ADL")
    cell = side_effects.ctcae_meaning(3)
    quote_end = cell.index("\u201d")
    assert cell.startswith("\u201c") and "(" not in cell[:quote_end]
    assert "not part of the quote" in cell[quote_end:]


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


def _page_section(label: str) -> str:
    start = PAGE.index(f"({label})=")
    heading_end = PAGE.index("\n", PAGE.index("\n## ", start) + 1)
    return PAGE[start:PAGE.find("\n## ", heading_end)]


def test_when_to_get_help_gives_both_rules_from_the_constants_and_the_one_urgent_list() -> None:
    text = _page_section("when-to-get-help")
    assert '{glue:text}`emergency_rule`' in text and '{glue:text}`fever_rule`' in text
    assert 'glue("emergency_rule", safety.EMERGENCY_RULE' in PAGE
    assert 'glue("fever_rule", safety.FEVER_RULE' in PAGE
    assert "```{glue:md} urgent_list" in text
    assert side_effects.CARD_AMBULANCE_FIRST in " ".join(text.split())
    assert "side_effects.urgent_signs_markdown()" in PAGE
    # The old wording left the decision to drive to the patient (finding 3).
    assert "cannot get there safely" not in FLAT
    # Lesson 11's urgent-care section, which states the fever rule too (finding 1).
    assert "11-cell-therapies" in text or "cell-therapy-urgent-care" in text


def test_the_checklist_section_renders_the_card() -> None:
    assert "HTML(side_effects.emergency_checklist())" in _page_section("emergency-checklist")


def test_early_treatment_is_called_expert_consensus_not_trial_evidence() -> None:
    text = _page_section("when-to-get-help")
    flat = " ".join(text.split())
    assert "Experts agree that early treatment" in flat and "not on trial results" in flat


def test_grade_3_is_not_said_to_mean_hospital_care() -> None:
    assert "means hospital" not in FLAT
    takeaways = PAGE[PAGE.index("## Key takeaways"):PAGE.index("## Quiz")]
    flat = " ".join(takeaways.split())
    assert "Grade 3 is severe, but not at once a threat" in flat
    assert "may need care in hospital" in flat


def test_the_page_gives_sick_day_rules_for_lifelong_hydrocortisone() -> None:
    """Finding 2: what ASCO 2021 asks every patient with adrenal insufficiency to be taught."""
    for words in ("double your daily dose", "cannot keep your tablets down",
                  "severe diarrhoea", "emergency hydrocortisone injection",
                  "signs of an adrenal crisis", "emergency injection kit",
                  "steroid emergency card", "medical alert bracelet",
                  "Never stop steroid tablets suddenly"):
        assert words in FLAT, words
    assert "schneider2021,simpson2020" in PAGE


def test_the_page_gives_the_asco_2021_thyroid_tests() -> None:
    assert "blood test of {term}`TSH` every 4 to 6 weeks" in FLAT
    assert "free T4 (the thyroid hormone itself), is added if there are symptoms" in FLAT
    assert "two blood tests" not in FLAT
