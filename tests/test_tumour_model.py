"""Kuznetsov et al. 1994 model: equilibria, bistability, positivity, and the course's
apparent-size construction showing pseudoprogression."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immunocourse.science import tumour_model as tm

P = tm.PUBLISHED


def test_published_parameters_are_the_papers():
    assert (P.s, P.p, P.g, P.m, P.d, P.a, P.b, P.n) == (
        1.3e4, 0.1245, 2.019e7, 3.422e-10, 0.0412, 0.18, 2.0e-9, 1.101e-7)


def test_equilibria_dormant_saddle_escape():
    eqs = tm.equilibria()
    assert [e.kind for e in eqs] == ["tumour-free", "dormant", "saddle", "escape"]
    assert [e.stable for e in eqs] == [False, True, False, True]
    free, dormant, saddle, escape = eqs
    assert free.effectors == pytest.approx(P.s / P.d)  # E = s/d without tumour
    assert dormant.tumour == pytest.approx(8.186e6, rel=1e-3)
    assert saddle.tumour == pytest.approx(2.680e8, rel=1e-3)
    assert escape.tumour == pytest.approx(4.470e8, rel=1e-3)
    for e in eqs:  # each really is a steady state
        de, dt = tm.rhs(0.0, np.array([e.effectors, e.tumour]))
        assert abs(de) < 1e-6 * P.s and abs(dt) < 1e-6 * max(e.tumour, 1.0)


def test_bistability_two_tumour_sizes_two_fates():
    e0 = P.s / P.d
    small = tm.simulate(1500, e0, 1e7)
    large = tm.simulate(1500, e0, 1e8)
    dormant, escape = tm.equilibria()[1].tumour, tm.equilibria()[3].tumour
    assert small.tumour[-1] == pytest.approx(dormant, rel=0.02)
    assert large.tumour[-1] == pytest.approx(escape, rel=0.02)


def test_strong_boost_removes_the_escape_state():
    boosted = tm.PUBLISHED.boosted(supply=10)
    assert all(e.kind != "escape" for e in tm.equilibria(boosted))
    assert tm.treat(365, supply_boost=10).tumour[-1] < 1.0  # under one cell: eliminated


@settings(max_examples=25, deadline=None)
@given(
    e0=st.floats(1e2, 1e8), t0=st.floats(1.0, 5e8),
    supply=st.floats(1.0, 30.0), killing=st.floats(1.0, 5.0),
)
def test_cell_counts_stay_positive(e0, t0, supply, killing):
    traj = tm.simulate(400, e0, t0, P.boosted(supply, killing), points=100)
    assert np.all(traj.effectors > 0)  # supply s > 0 keeps effectors strictly positive
    assert np.all(traj.tumour >= 0)  # may underflow to 0.0 once far below one cell
    assert np.all(np.isfinite(traj.effectors)) and np.all(np.isfinite(traj.tumour))


def test_invalid_inputs_are_rejected():
    with pytest.raises(ValueError, match="multipliers"):
        P.boosted(supply=0)
    with pytest.raises(ValueError, match="> 0"):
        tm.simulate(10, 0, 1e6)
    with pytest.raises(ValueError, match="infiltration"):
        tm.apparent_diameter(tm.treat(10, points=5), infiltration=-1)


def test_pseudoprogression_emerges_with_a_strong_boost():
    traj = tm.treat(365, supply_boost=3.0)
    d = tm.apparent_diameter(traj, infiltration=1000, baseline_mm=40)
    peak = int(np.argmax(d))
    assert d[0] == pytest.approx(40)
    assert d[peak] > 1.2 * 40  # looks like progression (> +20%) ...
    assert traj.tumour[peak] < traj.tumour[0]  # ... while tumour cells are already falling
    assert d[peak:].min() < 0.7 * 40  # then shrinks well below baseline


def test_no_infiltration_no_bump_and_no_boost_no_change():
    traj = tm.treat(365, supply_boost=3.0)
    assert tm.apparent_diameter(traj, infiltration=0).max() <= 40 * 1.001
    untreated = tm.treat(365, supply_boost=1.0)
    d = tm.apparent_diameter(untreated, infiltration=1000)
    assert np.allclose(d, 40, rtol=1e-3)  # at the escape equilibrium nothing moves
