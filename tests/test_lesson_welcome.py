"""Lesson 1 (welcome): the illustrative scan series, its keys and its figure."""

from __future__ import annotations

from immunocourse.figures.plots import alt_text
from immunocourse.lessons import measuring_response, welcome
from immunocourse.quiz import find_bank, load_bank
from tests.citations import page

PAGE = page("index.md")


def test_series_gets_worse_before_better() -> None:
    sums = welcome.EXAMPLE_SUMS_MM
    weeks = sorted(sums)
    assert sums[weeks[1]] > sums[weeks[0]] > sums[weeks[-1]]
    assert welcome.week_of_largest_sum() == weeks[1]


def test_keys_are_the_response_engine() -> None:
    sums = welcome.EXAMPLE_SUMS_MM
    # By hand: 50 mm at baseline, 60 mm at week 8: (60 - 50) / 50 = +20%.
    assert sums[0] == 50 and sums[8] == 60
    assert welcome.week8_change_percent() == 20.0
    bank = load_bank(find_bank("welcome"))
    assert bank.question("week8-change").answer == welcome.week8_change_percent()
    prompt = bank.question("week8-change").prompt
    assert f"{sums[0]:.0f} mm" in prompt and f"{sums[8]:.0f} mm" in prompt


def test_figure_is_labelled_illustrative_with_alt_text() -> None:
    fig = welcome.scan_figure()
    assert "made-up" in fig.layout.title.text
    assert "illustrative" in alt_text(fig)


def test_first_look_says_pseudoprogression_is_uncommon_with_its_glued_rate() -> None:
    section = PAGE[PAGE.index("## A first look: worse before better"):PAGE.index("## The lessons")]
    flat = " ".join(section.split())
    # the rate is Park 2020's pooled figure, glued from lesson 7's record, never retyped
    assert 'glue("pp_pct", measuring_response.pseudoprogression_pct(), display=False)' in PAGE
    assert "{glue:text}`pp_pct:.0f`" in flat and "{cite:p}`park2020`" in flat
    assert measuring_response.PSEUDOPROGRESSION["cite"] == "park2020"
    assert "uncommon" in flat and "most growth on a scan is real" in flat
    assert "new or worse symptom" in flat
