"""Lesson 12: PD-L1 scores and predictive values equal their hand derivations, bad counts are
refused with a clear message, every published number is sourced and cited, and the
explorers redraw."""

from __future__ import annotations

import math

import pytest

from immunocourse.figures import palette
from immunocourse.figures.plots import alt_text
from immunocourse.lessons import biomarkers as bm
from tests.citations import page, record_problems

PAGE = page("12-biomarkers.md")
RECORDS = [*bm.APPROVALS, *bm.NUMBERS, bm.ODAC_2024]


def test_worked_example_scores() -> None:
    # Page and quiz example: 400 viable tumour cells, 72 stained tumour cells, 48 stained
    # lymphocytes/macrophages. TPS = 72/400 x 100 = 18.0; CPS = (72+48)/400 x 100 = 30.0.
    assert bm.example_tps() == 18.0
    assert bm.example_cps() == 30.0


def test_cps_is_capped_at_100_and_tps_ignores_immune_cells() -> None:
    # (90 + 60) / 100 x 100 = 150 raw, reported as 100; TPS = 90/100 x 100 = 90.
    assert bm.combined_positive_score(90, 60, 100) == 100.0
    assert bm.tumour_proportion_score(90, 100) == 90.0
    # Just under the cap stays uncapped: (50 + 49) / 100 x 100 = 99.
    assert bm.combined_positive_score(50, 49, 100) == 99.0


@pytest.mark.parametrize(("args", "message"), [
    ((5, 0), "no viable tumour cells"),
    ((11, 10), "more than the 10 viable"),
    ((-1, 10), "cannot be negative"),
])
def test_impossible_counts_are_refused(args: tuple[int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bm.tumour_proportion_score(*args)


def test_counts_must_be_whole_numbers() -> None:
    with pytest.raises(TypeError, match="whole number"):
        bm.tumour_proportion_score(2.5, 10)
    with pytest.raises(ValueError, match="cannot be negative"):
        bm.combined_positive_score(1, -3, 10)


def test_predictive_value_keys_equal_bayes_by_hand() -> None:
    # Prevalence 31.1%, sensitivity 0.9, specificity 0.9:
    # TP = 0.9 x 0.311 = 0.2799; FP = 0.1 x 0.689 = 0.0689; PPV = 0.2799/0.3488 = 80.2%.
    assert bm.ppv_pct_common() == 80.2
    # Prevalence 3%: TP = 0.027; FP = 0.097; PPV = 0.027/0.124 = 21.8%.
    assert bm.ppv_pct_rare() == 21.8
    # TN = 0.9 x 0.97 = 0.873; FN = 0.1 x 0.03 = 0.003; NPV = 0.873/0.876 = 99.7%.
    assert bm.npv_pct_rare() == 99.7


def test_ppv_rises_and_npv_falls_with_prevalence() -> None:
    grid = [0.01, 0.05, 0.2, 0.5, 0.8, 0.99]
    ppv, npv = zip(*(bm.predictive_values(p) for p in grid), strict=True)
    assert list(ppv) == sorted(ppv) and list(npv) == sorted(npv, reverse=True)
    # A perfect test is always right, whatever the prevalence.
    assert bm.predictive_values(0.02, 1.0, 1.0) == (1.0, 1.0)
    with pytest.raises(ValueError, match="prevalence"):
        bm.predictive_values(1.5)


def test_per_thousand_counts_add_up() -> None:
    n = bm.per_thousand(bm.RARE_PREVALENCE)
    # 30 with the marker: 27 found, 3 missed; 970 without: 97 false alarms, 873 cleared.
    assert math.isclose(n["true positives"] + n["false negatives"], n["with marker"])
    total = n["true positives"] + n["false positives"] + n["true negatives"] \
        + n["false negatives"]
    assert math.isclose(total, 1000)
    assert round(n["false positives"]) == 97


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: getattr(r, "name", None)
                         or getattr(r, "biomarker", None) or r.date)
def test_every_number_has_a_cited_checked_source(record) -> None:
    assert not record_problems(record, cited_on=PAGE)


def test_approval_dates_are_the_fdas_and_read_as_words() -> None:
    assert bm.date_text(bm.approval("MSI-H").us_approval) == "23 May 2017"
    assert bm.date_text(bm.approval("TMB-H").us_approval) == "16 June 2020"
    assert bm.date_text(bm.approval("HLA").us_approval) == "January 2022"
    assert "dates are the FDA" in bm.approvals_table()
    with pytest.raises(ValueError):
        bm.date_text("2017")


def test_a_negative_result_rules_some_uses_out() -> None:
    # Since 2025 the US labels of pembrolizumab and nivolumab limit a first treatment of
    # advanced HER2-negative gastric/GEJ adenocarcinoma and of oesophageal cancer to PD-L1 of
    # 1 or more (a CPS), after the FDA advisory committee of 26 September 2024.
    cutoff = bm.number("gastro_pdl1_cutoff")
    assert (cutoff.value, cutoff.unit) == (1, "CPS")
    assert bm.number("gastro_limit_year").value == 2025
    assert bm.date_text(bm.ODAC_2024.date) == "26 September 2024"
    section = PAGE[PAGE.index("## The limits of these tests"):PAGE.index("## Key takeaways")]
    assert "does rule treatment out" in section and "HER2-negative" in section
    assert "{glue:text}`gastro_pdl1_cutoff`" in section


def test_tps_counts_membrane_staining_of_tumour_cells_only() -> None:
    tps = PAGE[PAGE.index("(TPS)\n:"):PAGE.index("(CPS)\n:")]
    assert "membrane" in tps and "cytoplasm" in tps and "nor do immune cells" in tps


def test_page_links_the_urgent_care_lesson_and_names_the_boxed_warning() -> None:
    # lesson 9's "When to get help" section, the course's one list of urgent signs
    assert "{ref}`When to get help <when-to-get-help>`" in PAGE
    assert "cytokine release syndrome" in PAGE


def test_lung_cancer_approvals_without_a_pd_l1_level_name_both_types() -> None:
    # US label: pembrolizumab with chemotherapy, first line, metastatic NSCLC, no PD-L1 level:
    # squamous, and non-squamous with no EGFR or ALK genomic tumour aberration.
    section = PAGE[PAGE.index("Negative does not always mean no chance"):
                   PAGE.index("But sometimes a negative result")]
    flat = " ".join(section.split())
    assert "one kind of advanced lung cancer" not in flat
    assert "squamous type" in flat and "non-squamous type" in flat
    assert "no EGFR or ALK gene change" in flat and "has spread" in flat


def test_figure_describes_itself_and_uses_the_palette() -> None:
    fig = bm.predictive_value_figure()
    alt = alt_text(fig)
    assert "illustrative test" in alt and "80.2%" in alt and "21.8%" in alt
    assert [t.line.color for t in fig.data] == [palette.OKABE_ITO["blue"],
                                                palette.OKABE_ITO["vermillion"]]
    assert fig.data[0].line.dash != fig.data[1].line.dash  # not colour alone
    assert "prevalence" in fig.layout.xaxis.title.text


def test_predictive_value_explorer_redraws() -> None:
    explorer = bm.PredictiveValueExplorer()
    before = list(explorer.figure.data[0].y)
    caption = explorer.update(prevalence=0.03)
    assert "Illustrative test" in caption and "21.8%" in caption
    explorer.update(specificity=0.99)
    assert list(explorer.figure.data[0].y) != before
    assert "specificity 99%" in explorer.figure.layout.meta["alt"]


def test_score_calculator_scores_and_explains_bad_counts() -> None:
    calc = bm.ScoreCalculator()
    assert "TPS) = 18.0%" in calc.result.value and "CPS) = 30.0." in calc.result.value
    assert "capped" in calc.update(positive_immune_cells=400)
    assert "Cannot score" in calc.update(positive_tumour_cells=500)
    assert all(c.description for c in calc.controls.values())  # labelled inputs


@pytest.mark.parametrize("query", ["biomarker", "PD-L1", "microsatellite", "mismatch",
                                   "mutational", "companion", "prevalence", "HLA"])
def test_the_book_search_finds_this_lesson(built_book, query: str) -> None:
    # the words a reader would type, medical and plain, lead to this page
    from tests.test_lesson_side_effects import search_hits

    assert "book/12-biomarkers" in search_hits(built_book, query)
