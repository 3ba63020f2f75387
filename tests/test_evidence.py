"""The cited numbers in ``immunocourse.content.evidence`` and the figures drawn from them."""

from __future__ import annotations

import pytest

from immunocourse.content import evidence
from immunocourse.figures import evidence_plots
from immunocourse.figures.plots import alt_text
from tests.citations import BIB_KEYS


def all_keys() -> set[str]:
    keys = {r.key for r in evidence.RESPONSE_RATES}
    keys |= {e.key for e in evidence.ADVERSE_EVENTS}
    keys |= {w.key for w in evidence.ONSET_WINDOWS}
    keys |= {s.key for s in evidence.SURVIVAL_LANDMARKS}
    return keys | {evidence.POOLED_ONSET_KEY, evidence.CTCAE_KEY}


def test_every_number_has_a_source_in_the_bibliography() -> None:
    missing = all_keys() - BIB_KEYS
    assert not missing, f"keys without a BibTeX entry: {missing}"


def test_published_values_are_the_ones_read_in_the_papers() -> None:
    assert evidence.response_rate("CheckMate 025", "nivolumab").orr_pct == 25.0
    assert evidence.response_rate("CheckMate 025", "everolimus").orr_pct == 5.0
    assert evidence.response_rate("CheckMate 067", "nivolumab + ipilimumab").orr_pct == 57.6
    assert evidence.response_rate("KEYNOTE-024", "pembrolizumab").orr_pct == 44.8
    hep = evidence.adverse_event("Raised liver enzyme (ALT)")
    assert (hep.grade3plus["nivolumab + ipilimumab"], hep.grade3plus["nivolumab"]) == (8, 1)
    assert evidence.landmark("ipilimumab pooled analysis", "all patients").os_pct == 22.0
    assert evidence.landmark("KEYNOTE-001", "previously treated").os_pct == 15.5
    assert evidence.landmark("KEYNOTE-001", "treatment-naive", "Melanoma").os_pct == 41.0
    with pytest.raises(KeyError):  # ambiguous: KEYNOTE-001 reports two cancers
        evidence.landmark("KEYNOTE-001", "treatment-naive")
    assert evidence.POOLED_MEDIAN_ONSET_WEEKS == (2.2, 14.8)
    # Added in the review of 2026-12-01 (issue 9)
    # Wang 2018's exact regimen-specific rates (rechecked in issue 19, finding 4)
    assert (evidence.FATAL_CHECKPOINT.low_pct, evidence.FATAL_CHECKPOINT.high_pct) == (0.36, 1.23)
    medians = {m.group: m.median_os_months for m in evidence.MEDIAN_SURVIVAL}
    assert medians == {"nivolumab + ipilimumab": 71.9, "nivolumab": 36.9, "ipilimumab": 19.9}
    assert evidence.median_survival("CheckMate 067", "nivolumab").key == "wolchok2025"


def test_records_are_consistent() -> None:
    for r in evidence.RESPONSE_RATES:
        assert 0 <= r.orr_pct <= 100
    for e in evidence.ADVERSE_EVENTS:
        for arm in evidence.ARMS_067:
            assert 0 <= e.grade3plus[arm] <= e.any_grade[arm] <= 100
    for w in evidence.ONSET_WINDOWS:
        assert 0 < w.first_week <= w.last_week
    assert sorted(evidence.CTCAE_GRADES) == [1, 2, 3, 4, 5]


def test_unknown_records_raise() -> None:
    with pytest.raises(KeyError):
        evidence.response_rate("CheckMate 999", "placebo")
    with pytest.raises(KeyError):
        evidence.adverse_event("Sneezing")


@pytest.mark.parametrize("make", [evidence_plots.response_rate_bars,
                                  evidence_plots.adverse_event_bars,
                                  evidence_plots.onset_timeline])
def test_figures_carry_alt_text_axes_and_sources(make) -> None:
    fig = make()
    alt = alt_text(fig)
    assert len(alt) > 80
    assert fig.layout.xaxis.title.text
    for trace in fig.data:
        assert "Source" in trace.hovertemplate
    assert "Simulated" not in fig.layout.title.text  # published data, not simulated


def test_every_response_bar_names_its_trial_and_source() -> None:
    fig = evidence_plots.response_rate_bars()
    bars = sum(len(t.x) for t in fig.data)
    assert bars == len(evidence.RESPONSE_RATES)
    for r in evidence.RESPONSE_RATES:
        assert r.trial in alt_text(fig) and r.source in alt_text(fig)


def test_rounded_grade3_table_agrees_with_the_trials_own_report() -> None:
    # CMAJ 2019's rounded table (27 | 16 | 55) against Larkin 2015's 27.3 | 16.3 | 55.0.
    table = evidence.adverse_event("All treatment-related events").grade3plus
    exact = evidence.CHECKMATE_067_SAFETY.grade34_pct
    assert set(exact) == set(evidence.ARMS_067)
    assert all(abs(table[arm] - exact[arm]) <= 0.5 for arm in evidence.ARMS_067), (table, exact)
    assert evidence.CHECKMATE_067_SAFETY.patients == 945
