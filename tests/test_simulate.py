"""Virtual patients: valid documents, calibrated proportions, patterns the engine agrees
with, growth-rate and Kaplan-Meier arithmetic, and the survival plateau."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immunocourse.science import simulate as sim
from immunocourse.science.response import classify


@pytest.fixture(scope="module")
def cohort() -> sim.Cohort:
    return sim.simulate_cohort(600, seed=11)


@pytest.fixture(scope="module")
def verdicts(cohort) -> list[tuple[sim.VirtualPatient, dict, dict]]:
    return [(p, classify(p.document, "recist1.1"), classify(p.document, "irecist"))
            for p in cohort.patients]


def test_default_proportions_match_the_cited_figures():
    io = sim.DEFAULT_PROPORTIONS["immunotherapy"]
    assert io["pseudoprogression"] == 0.06  # Park et al. 2020: 6.0%
    assert io["hyperprogression"] == 0.09  # Champiat et al. 2017: 12/131
    durable = sum(io[p] for p in sim.DURABLE_PATTERNS)
    assert durable == pytest.approx(0.22)  # Schadendorf et al. 2015: 3-year OS 22%
    for props in sim.DEFAULT_PROPORTIONS.values():
        assert sum(props.values()) == pytest.approx(1.0)
    chemo = sim.DEFAULT_PROPORTIONS["chemotherapy"]
    assert not set(chemo) & (sim.DURABLE_PATTERNS | {"pseudoprogression", "hyperprogression"})


def test_cohort_of_100_has_exactly_the_default_counts():
    counts = Counter(p.pattern for p in sim.simulate_cohort(100, seed=3).patients)
    assert counts["pseudoprogression"] == 6 and counts["hyperprogression"] == 9
    assert sum(counts[p] for p in sim.DURABLE_PATTERNS) == 22


@pytest.mark.parametrize(
    ("proportions", "message"),
    [
        ({"progression": 0.5, "stable_disease": 0.4}, "sum to 1"),
        ({"progression": 1.2, "stable_disease": -0.2}, "non-negative"),
        ({"progression": 0.5, "cure": 0.5}, "unknown pattern"),
        ({"progression": float("nan"), "stable_disease": 1.0}, "non-negative"),
    ],
)
def test_bad_proportions_are_rejected_clearly(proportions, message):
    with pytest.raises(ValueError, match=message):
        sim.simulate_cohort(10, proportions=proportions)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 500), weights=st.lists(st.floats(0, 1), min_size=7, max_size=7)
       .filter(lambda w: sum(w) > 0.01))
def test_allocation_is_whole_patients_close_to_n_times_p(n, weights):
    props = {p: w / sum(weights) for p, w in zip(sim.PATTERNS, weights, strict=True)}
    counts = sim.allocate(n, props)
    assert sum(counts.values()) == n
    assert all(abs(counts[p] - n * props[p]) < 1 for p in props)


def test_overridden_proportions_are_used():
    c = sim.simulate_cohort(50, proportions={"pseudoprogression": 1.0}, seed=2)
    assert {p.pattern for p in c.patients} == {"pseudoprogression"}


def test_same_seed_same_cohort_other_seed_other_cohort():
    a, b = sim.simulate_cohort(40, seed=5), sim.simulate_cohort(40, seed=5)
    assert a.documents() == b.documents()
    assert [p.os_weeks for p in a.patients] == [p.os_weeks for p in b.patients]
    assert sim.simulate_cohort(40, seed=6).documents() != a.documents()


def test_every_baseline_is_a_valid_recist_baseline(cohort):
    for doc in cohort.documents():
        targets = doc["baseline"]["targets"]
        assert 1 <= len(targets) <= 5
        organs = Counter(t["organ"] for t in targets)
        assert max(organs.values()) <= 2
        for t in targets:
            assert t["mm"] >= (15 if t["node"] else 10)
            assert t["node"] == (t["organ"] == "lymph node")
        assert doc["followups"], "every patient reaches a first scan"
        weeks = [f["week"] for f in doc["followups"]]
        assert weeks == sorted(weeks) and weeks[0] == 8


def test_the_engine_accepts_every_document(verdicts):
    assert all(r["timepoints"] and i["timepoints"] for _, r, i in verdicts)


def test_patterns_are_what_the_engine_says(verdicts):
    for p, rec, irec in verdicts:
        first = rec["timepoints"][0]["response"]
        best_r, best_i = rec["best_overall_response"], irec["best_overall_response"]
        if p.pattern == "pseudoprogression":  # RECIST stops at PD, iRECIST sees the response
            assert first == "PD" and best_r == "PD" and best_i in ("iPR", "iCR")
        elif p.pattern == "hyperprogression":  # Champiat 2017: PD at first scan, TGR ratio >= 2
            assert first == "PD" and p.tgr_ratio >= 2
        elif p.pattern == "progression":
            assert first == "PD" and not p.tgr_ratio >= 2
        elif p.pattern == "durable_response":
            assert best_r in ("PR", "CR") and "PD" not in [t["response"] for t in rec["timepoints"]]
        elif p.pattern == "early_response":
            assert first in ("PR", "CR")
        elif p.pattern == "stable_disease":
            assert best_r == "SD" and best_i == "iSD"
        elif p.pattern == "delayed_response":
            assert [t["response"] for t in rec["timepoints"][:2]] == ["SD", "SD"]
            assert best_r in ("PR", "CR")


def test_new_lesions_persist_and_confirm_progression(verdicts):
    seen = 0
    for p, _, irec in verdicts:
        ids = [{x["id"] for x in f["new_lesions"]} for f in p.document["followups"]]
        for earlier, later in zip(ids, ids[1:], strict=False):
            assert earlier <= later  # a new lesion does not silently vanish
        if p.pattern in ("progression", "hyperprogression") and len(p.weeks) >= 3:
            assert irec["timepoints"][1]["response"] == "iCPD"
            seen += 1
    assert seen > 50


def test_scan_interval_sets_the_schedule():
    c = sim.simulate_cohort(30, seed=1, scan_interval_weeks=6, full_schedule=True, n_scans=5)
    assert all(p.weeks == (0, 6, 12, 18, 24, 30) for p in c.patients)
    for bad in (5, 10):
        with pytest.raises(ValueError, match="6-9 weeks"):
            sim.simulate_cohort(10, scan_interval_weeks=bad)
    with pytest.raises(ValueError, match="n_scans"):
        sim.simulate_cohort(10, n_scans=3)


def test_scans_stop_at_death_and_after_confirmed_progression(cohort):
    for p in cohort.patients:
        if p.died:
            assert p.weeks[-1] < p.os_weeks
        if p.pattern == "hyperprogression":
            assert len(p.weeks) <= 3  # PD at week 8, confirmation at week 16, then off study


def test_lesions_stay_physically_plausible():
    c = sim.simulate_cohort(300, seed=4, full_schedule=True, n_scans=12)
    assert max(max(lz.mm) for p in c.patients for lz in p.lesions) < 300
    assert all(p.sums_mm.max() <= 3 * p.sums_mm[0] + 10 for p in c.patients)


def test_tables_are_tidy_and_labelled_simulated(cohort):
    lesions, patients = cohort.lesions_table(), cohort.patients_table()
    assert len(lesions) == sum(len(p.lesions) * len(p.weeks) for p in cohort.patients)
    assert lesions["simulated"].all() and patients["simulated"].all()
    assert list(patients["id"]) == [p.id for p in cohort.patients]


def test_tumour_growth_rate_worked_example():
    # 50 -> 60 mm in one month: volume x 1.2**3 = 1.728, i.e. +72.8% a month.
    assert sim.tumour_growth_rate(50, 60, sim.WEEKS_PER_MONTH) == pytest.approx(72.8)
    assert sim.tumour_growth_rate(50, 50, 8) == 0
    same = sim.tgr_ratio(40, 50, 62.5, 8, 8)  # x1.25 before and after
    assert same == pytest.approx(1.0)
    assert sim.tgr_ratio(40, 50, 80, 8, 8) > 2
    assert math.isnan(sim.tgr_ratio(50, 50, 60, 8, 8))  # no growth before: undefined
    with pytest.raises(ValueError):
        sim.tumour_growth_rate(0, 10, 8)


def test_kaplan_meier_hand_worked_example():
    km = sim.kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False])
    # t=1: 5 at risk, 1 death -> 0.8; t=2: 4 at risk -> 0.6; t=3: 2 at risk -> 0.3
    assert km.time.tolist() == [0, 1, 2, 3]
    assert km.survival.tolist() == pytest.approx([1.0, 0.8, 0.6, 0.3])
    assert km.at_risk([0, 2, 3, 4.5]) == [5, 4, 2, 0]
    assert km.median() == 3
    assert km.survival_at(2.5) == pytest.approx(0.6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.1, 100), min_size=1, max_size=40))
def test_kaplan_meier_without_censoring_is_the_empirical_survival(times):
    km = sim.kaplan_meier(times, [True] * len(times))
    t = np.array(times)
    for u, s in zip(km.time, km.survival, strict=True):
        assert s == pytest.approx(np.mean(t > u))


def test_kaplan_meier_rejects_bad_input():
    with pytest.raises(ValueError):
        sim.kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError):
        sim.kaplan_meier([-1], [True])


def test_immunotherapy_has_a_plateau_and_chemotherapy_none():
    io = sim.simulate_cohort(3000, seed=8)
    ct = sim.simulate_cohort(3000, arm="chemotherapy", seed=9)

    def km(c):
        return sim.kaplan_meier([p.os_weeks for p in c.patients], [p.died for p in c.patients])

    km_io, km_ct = km(io), km(ct)
    month = sim.WEEKS_PER_MONTH
    assert km_io.median() / month == pytest.approx(11.4, abs=0.8)  # Schadendorf 2015
    assert 0.20 <= km_io.survival_at(36 * month) <= 0.25  # 3-year OS 22%
    plateau = km_io.survival_at(36 * month) - km_io.survival_at(59 * month)
    assert plateau < 0.01 and km_io.survival[-1] == pytest.approx(0.22, abs=0.005)
    assert km_ct.survival_at(36 * month) < 0.02 and km_ct.survival[-1] == 0
