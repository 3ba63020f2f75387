"""Lesson 13: the quiz keys equal their hand derivations from the published records, every
trial the page names carries its serious-harm rate, every number is sourced and cited, and
the explorer redraws."""

from __future__ import annotations

import pytest

from immunocourse.figures.plots import alt_text
from immunocourse.lessons import earlier_treatment as et
from tests.citations import page, record_problems

PAGE = page("13-earlier-treatment.md")
RECORDS = [*et.RESULTS, *et.SINGLE_ARM, *et.STUDY_FIGURES]


def test_quiz_keys() -> None:
    # KEYNOTE-522 pCR 64.8 - 51.2 = 13.6 points (Schmid 2020).
    assert et.keynote522_pcr_gain() == 13.6
    # CheckMate 816 pCR 24.0 - 2.2 = 21.8 points (Forde 2022).
    assert et.checkmate816_pcr_gain() == 21.8
    # KEYNOTE-564 4-year OS 91.2 - 86.0 = 5.2 per 100; 100 / 5.2 = 19.2 -> 19 (Choueiri 2024).
    assert et.keynote564_extra_alive_per_100() == 5.2
    assert et.keynote564_treated_per_extra_survivor() == 19
    # Ratios: 24.0/2.2 = 10.9 against 64.8/51.2 = 1.27.
    assert et.trial_with_largest_pcr_ratio() == "CheckMate 816"


def test_single_arm_shares() -> None:
    assert et.single_arm("Cercek 2022").pct == 100.0  # 12 of 12
    assert et.single_arm("Abdel-Wahab 2018").pct == 74.8  # 92 of 123, "75%" in the paper
    with pytest.raises(KeyError):
        et.single_arm("Nobody 2030")


def test_dostarlimab_is_one_growing_study_in_which_some_cancers_came_back() -> None:
    # Cercek 2022 and 2025 report one phase 2 study (NCT04165772): 12 of 12, then 49 of 49
    # rectal cancers with a clinical complete response; across all 117 patients of 2025,
    # 92% recurrence-free at 2 years, median follow-up 20.0 months.
    assert et.single_arm("Cercek 2025").pct == 100.0  # 49 of 49
    assert et.study_figure("Cercek 2025 patients").value == 117
    assert et.study_figure("Cercek 2025 recurrence-free").value == 92
    assert et.study_figure("Cercek 2025 follow-up").value == 20.0
    section = PAGE[PAGE.index("## Rectal cancer"):PAGE.index("## Combining")]
    assert "one study, led by one cancer centre" in section
    assert "some cancers did come back" in section
    takeaways = PAGE[PAGE.index("## Key takeaways"):PAGE.index("## Quiz")]
    assert "two small reports" not in takeaways and "one small study" in takeaways
    assert "came back" in takeaways


@pytest.mark.parametrize("trial", et.trials())
def test_every_trial_reports_benefit_and_serious_harm(trial: str) -> None:
    rows = [r for r in et.RESULTS if r.trial == trial]
    assert sum(r.harm for r in rows) == 1, f"{trial}: one serious-harm measure"
    assert any(not r.harm for r in rows)
    assert all(0 <= v <= 100 for r in rows for v in (r.treatment_pct, r.comparator_pct))
    assert trial in PAGE


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: getattr(r, "trial", None)
                         or getattr(r, "study", None) or r.name)
def test_every_number_has_a_cited_checked_source(record) -> None:
    assert not record_problems(record, cited_on=PAGE)


def test_page_names_urgent_care_and_who_may_not_be_eligible() -> None:
    # lesson 9's "When to get help" section, the course's one list of urgent signs
    assert "{ref}`When to get help <when-to-get-help>`" in PAGE
    for situation in ("autoimmune disease", "organ transplant", "Pregnancy",
                      "ClinicalTrials.gov"):
        assert situation in PAGE


def test_per_100_uses_the_longest_follow_up_and_the_harm_row() -> None:
    d = et.per_100("KEYNOTE-522")
    assert d["benefit_measure"] == "alive at 5 years" and d["benefit"] == 4.9  # 86.6-81.7
    assert d["harm"] == 5.0  # 78.0 - 73.0
    with pytest.raises(KeyError):
        et.per_100("KEYNOTE-999")


def test_tables_and_figure_list_every_result() -> None:
    harms = [r for r in et.RESULTS if r.harm]
    assert et.results_table(harm=True).count("<tr>") == len(harms) + 1
    assert et.results_table().count("<tr>") == len(et.RESULTS) + 1
    alt = alt_text(et.benefit_harm_figure())
    for r in et.RESULTS:
        assert f"{r.trial} {r.measure} {r.treatment_pct:g}% versus" in alt


def test_trial_explorer_redraws() -> None:
    explorer = et.TrialExplorer()
    first = list(explorer.figure.data[0].x)
    caption = explorer.update("CheckMate 816")
    assert "CheckMate 816" in caption and "+10.4 people alive at 5 years" in caption
    assert "-3.4 people with grade 3-4" in caption
    assert list(explorer.figure.data[0].x) != first
    assert "CheckMate 816" in explorer.figure.layout.meta["alt"]
    assert explorer.choice.description == "Trial"  # labelled for screen readers


@pytest.mark.parametrize("query", ["neoadjuvant", "adjuvant", "surgery", "dostarlimab",
                                   "rectal", "pregnancy", "transplant", "trial"])
def test_the_book_search_finds_this_lesson(built_book, query: str) -> None:
    # the words a reader would type, medical and plain, lead to this page
    from tests.test_lesson_side_effects import search_hits

    assert "book/13-earlier-treatment" in search_hits(built_book, query)


def test_lung_cancer_combination_names_both_types() -> None:
    # US label: pembrolizumab with chemotherapy, first line, metastatic NSCLC, any PD-L1:
    # squamous, and non-squamous with no EGFR or ALK genomic tumour aberration.
    section = PAGE[PAGE.index("## Combining immunotherapy with chemotherapy"):
                   PAGE.index("## Who may not be able to have it")]
    flat = " ".join(section.split())
    assert "one kind of advanced lung cancer" not in flat
    assert "whatever its PD-L1 level" in flat
    assert "squamous type" in flat and "non-squamous type" in flat
    assert "no EGFR or ALK gene change" in flat
