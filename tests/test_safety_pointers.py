"""Pages that point to lesson 9's urgent signs give the course's rules, not lists of their own.

The welcome page and lessons 8, 12 and 13 tell readers when to get urgent help. Each prints
``safety.EMERGENCY_RULE`` verbatim (lessons 12 and 13 also ``safety.FEVER_RULE``), links to
lesson 9's "When to get help" section, which is the course's one list of urgent signs, and
never says that those signs can wait for a call "the same day": lesson 9 keeps "the same day"
for other new or worse symptoms only.
"""

from __future__ import annotations

import re

import pytest

from immunocourse.book import readability
from immunocourse.content import safety
from tests.citations import page

RULES = {"emergency_rule": ("EMERGENCY_RULE", safety.EMERGENCY_RULE),
         "fever_rule": ("FEVER_RULE", safety.FEVER_RULE)}
PAGES = {
    "index": ("emergency_rule",),
    "08-monitoring": ("emergency_rule",),
    "12-biomarkers": ("emergency_rule", "fever_rule"),
    "13-earlier-treatment": ("emergency_rule", "fever_rule"),
}


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_glues_the_rules_and_links_lesson_9s_list(name: str) -> None:
    text = page(f"{name}.md")
    for glued in PAGES[name]:
        constant = RULES[glued][0]
        assert f'glue("{glued}", safety.{constant}, display=False)' in text
        assert f"{{glue:text}}`{glued}`" in text
    assert "<when-to-get-help>`" in text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_keeps_the_same_day_for_other_symptoms_only(name: str) -> None:
    text = page(f"{name}.md")
    assert "severe diarrhoea" not in text  # lesson 9 sets the diarrhoea threshold
    for sentence in _sentences(text):
        if "same day" in sentence:
            assert "other new or worse symptom" in sentence, sentence


@pytest.mark.parametrize("name", sorted(PAGES))
def test_built_page_links_lesson_9s_list(built_book, name: str) -> None:
    # That the built page prints the rules verbatim is checked for every such page in
    # tests/test_safety_rules.py (EMERGENCY_PAGES, FEVER_PAGES).
    main = readability._main_column(built_book / f"book/{name}.html")
    hrefs = [a.get("href", "") for a in main.select("a")]
    assert any("09-side-effects.html#when-to-get-help" in h for h in hrefs), hrefs
