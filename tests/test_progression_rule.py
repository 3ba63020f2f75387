"""The RECIST 1.1 target progression rule exists once, in the engine, in a scalar and a
numpy form; both take exactly +20% and exactly +5 mm as progression, even in floats."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immunocourse.science.response import target_progression, target_progression_array


@pytest.mark.parametrize(("total", "nadir", "progressed"), [
    (30, 25, True),          # exactly +20% and exactly +5 mm
    (29, 25, False),         # +16%, +4 mm
    (31, 25, True),
    (24, 20, False),         # exactly +20% but only +4 mm
    (35, 30, False),         # exactly +5 mm but only +16.7%
    (36, 30, True),          # exactly +20%, +6 mm
    (35.99, 30, False),      # a hair under +20%
    (24.99, 20, False),      # +20% but a hair under +5 mm
    (40.44, 33.7, True),     # exactly +20% where 1.2 * 33.7 is 40.440000000000005 in floats
    (16.06, 11.06, True),    # exactly +5 mm where 16.06 - 11.06 is 4.999999999999998
    (16.05, 11.06, False),
    (5, 0, True),            # from a nadir of 0 mm only the 5 mm counts
    (4, 0, False),
])
def test_the_rule_at_its_thresholds(total, nadir, progressed):
    assert target_progression(total, nadir) is progressed
    assert target_progression_array(np.array([total]), np.array([nadir])).tolist() == [progressed]


def _around_thresholds(nadir: float, step: float) -> list[float]:
    """Totals at exactly +20% and +5 mm over ``nadir`` and one step either side of each."""
    at_20 = round(nadir * 1.2, 6)
    at_5 = round(nadir + 5, 6)
    return [x + d for x in (at_20, at_5) for d in (-step, 0, step)]


def _agree(totals: list[float], nadirs: list[float]) -> None:
    scalar = [target_progression(t, n) for t, n in zip(totals, nadirs, strict=True)]
    vector = target_progression_array(np.array(totals), np.array(nadirs)).tolist()
    assert vector == scalar


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 5000), min_size=1, max_size=20))
def test_scalar_and_array_agree_on_integer_sums(nadirs):
    totals = [t for n in nadirs for t in _around_thresholds(n, 1)]
    _agree([int(t) for t in totals], [n for n in nadirs for _ in range(6)])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 500_000), min_size=1, max_size=20),
       st.sampled_from([0.01, 0.1, 1e-9]))
def test_scalar_and_array_agree_on_decimal_sums(hundredths, step):
    nadirs = [h / 100 for h in hundredths]  # sums as typed: 2 decimals
    totals = [t for n in nadirs for t in _around_thresholds(n, step)]
    _agree(totals, [n for n in nadirs for _ in range(6)])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 5000), st.floats(0, 5000)), min_size=1, max_size=20))
def test_scalar_and_array_agree_on_any_sums(pairs):
    _agree([t for t, _ in pairs], [n for _, n in pairs])


@given(st.integers(0, 5000), st.integers(0, 5000))
def test_the_rule_is_both_conditions_for_integer_sums(total, nadir):
    # Exact integer arithmetic: the tolerance never moves an integer sum across the line.
    assert target_progression(total, nadir) == (5 * total >= 6 * nadir and total - nadir >= 5)

