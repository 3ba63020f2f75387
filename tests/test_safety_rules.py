"""One urgent-care rule, worded the same wherever a reader meets it (issue 19, findings 1-3).

Lesson 9 (its "When to get help" text and the printable checklist) and lesson 11 (its "When
to get urgent care" section) must print ``safety.EMERGENCY_RULE`` and ``safety.FEVER_RULE``
verbatim, and nothing may send a reader with chest pain, fainting, severe breathlessness,
confusion or a seizure to drive themselves or to phone the team first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from immunocourse.book import readability
from immunocourse.content import safety

SECTIONS = {
    "book/09-side-effects": ("when-to-get-help", "emergency-checklist"),
    "book/11-cell-therapies": ("when-to-get-urgent-care",),
}
RULES = {"EMERGENCY_RULE": safety.EMERGENCY_RULE, "FEVER_RULE": safety.FEVER_RULE}


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).replace(" ,", ",").replace(" .", ".")


def _section_text(built_book: Path, page: str, ident: str) -> str:
    path = built_book / f"{page}.html"
    main = readability._main_column(path)
    return _text(readability._section(main, ident, path))


@pytest.mark.parametrize("page,ident", [(p, i) for p, ids in SECTIONS.items() for i in ids])
@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_safety_section_gives_both_rules_verbatim(built_book, page, ident, rule):
    assert RULES[rule] in _section_text(built_book, page, ident), (
        f"{page}#{ident} does not print safety.{rule} verbatim")


def test_lesson_9_links_to_lesson_11s_urgent_care_section(built_book):
    soup = BeautifulSoup((built_book / "book/09-side-effects.html").read_text(), "html.parser")
    section = soup.select_one("#when-to-get-help").find_parent("section")
    hrefs = [a.get("href", "") for a in section.select("a")]
    assert any(h.startswith("11-cell-therapies.html#") for h in hrefs), hrefs


@pytest.mark.parametrize("page", sorted(SECTIONS))
def test_no_page_says_to_drive_or_phone_for_an_emergency_sign(built_book, page):
    text = _text(readability._main_column(built_book / f"{page}.html")).lower()
    assert "if you cannot get there safely" not in text
    # A seizure is on the ambulance list, never on a list of reasons to phone the team.
    for sentence in re.split(r"(?<=[.!?])\s", text):
        if "seizure" in sentence and "team" in sentence:
            assert "ambulance" in sentence or "emergency" in sentence, sentence


def test_the_rules_themselves_read_at_grade_6_or_below():
    for name, rule in RULES.items():
        assert readability.score(name, rule).fk_grade <= readability.SAFETY_TARGET["fk_grade"]
    assert f"{safety.FEVER_THRESHOLD_C} °C" in safety.FEVER_RULE
    for sign in safety.EMERGENCY_SIGNS:
        assert sign in safety.EMERGENCY_RULE


# Every page that tells readers when to get urgent help gives the ambulance rule; every page
# that names a treatment able to cause a dangerous fever gives the fever rule too.
EMERGENCY_PAGES = ("book/index", "book/04-immunotherapy-types", "book/06-receiving-treatment",
                   "book/08-monitoring", "book/09-side-effects", "book/11-cell-therapies",
                   "book/12-biomarkers", "book/13-earlier-treatment")
FEVER_PAGES = ("book/04-immunotherapy-types", "book/06-receiving-treatment",
               "book/09-side-effects", "book/11-cell-therapies", "book/12-biomarkers",
               "book/13-earlier-treatment")


@pytest.mark.parametrize("page", EMERGENCY_PAGES)
def test_pages_with_urgent_advice_give_the_ambulance_rule(built_book, page):
    assert safety.EMERGENCY_RULE in _text(readability._main_column(built_book / f"{page}.html"))


@pytest.mark.parametrize("page", FEVER_PAGES)
def test_pages_naming_fever_risks_give_the_fever_rule(built_book, page):
    assert safety.FEVER_RULE in _text(readability._main_column(built_book / f"{page}.html"))


@pytest.mark.parametrize("page", EMERGENCY_PAGES)
def test_lesson_9s_urgent_signs_are_never_called_a_same_day_matter(built_book, page):
    main = readability._main_column(built_book / f"{page}.html")
    for block in main.find_all(["p", "li", "dd"]):
        for sentence in re.split(r"(?<=[.!?;])\s", _text(block).lower()):
            urgent = "at once" in sentence or "ambulance" in sentence
            if "same day" in sentence and "warning sign" in sentence and not urgent:
                raise AssertionError(f"{page}: {sentence}")
