"""Scoring: one function for the widgets, the book and the autograder."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immunocourse.quiz.bank import Question
from immunocourse.quiz.scoring import TOLERANCE_SLACK, Score, score


def q(kind: str, answer, options=None, tolerance=0.0, points=1.0) -> Question:
    return Question("q", kind, "P", "E", answer, options, tolerance, points, None)


SINGLE = q("single", "B cells", ("B cells", "T cells", "NK cells"), points=2)
TF = q("truefalse", False)
NUM = q("numeric", -35.0, tolerance=0.5, points=2)
MULTI = q("multiple", ("a", "b", "c"), ("a", "b", "c", "d", "e"), points=3)


def test_single_all_or_nothing():
    right = score(SINGLE, "B cells")
    assert (right.points, right.max_points, right.correct) == (2, 2, True)
    wrong = score(SINGLE, "T cells")
    assert (wrong.points, wrong.correct, wrong.reason) == (0, False, "incorrect")


def test_truefalse_all_or_nothing():
    assert score(TF, False).points == 1 and score(TF, True).points == 0


@pytest.mark.parametrize(("given", "points"), [
    (-35.0, 2), (-34.5, 2), (-35.5, 2), (-34.49, 0), (-35.51, 0), (35, 0), (-35, 2),
])
def test_numeric_tolerance_is_absolute_and_inclusive(given, points):
    assert score(NUM, given).points == points


@pytest.mark.parametrize(("answer", "tolerance", "given"), [
    (3.0, 0.1, 2.9), (3.0, 0.1, 3.1), (7.7, 0.1, 7.6), (7.7, 0.1, 7.8), (-7.2, 0.05, -7.25),
    # a large answer: 1000.1 - 1000.0 is 0.10000000000002274, an error that grows with the
    # answer, not with the tolerance
    (1000.0, 0.1, 1000.1), (1000.0, 0.1, 999.9),
    # a tolerance wider than the answer: 8.21 - 0.01 is 8.200000000000001
    (0.01, 8.2, 8.21), (0.01, 8.2, -8.19),
])
def test_numeric_tolerance_ends_are_decimal_not_binary(answer, tolerance, given):
    # abs(2.9 - 3.0) is 0.10000000000000009 in binary floating point
    assert score(q("numeric", answer, tolerance=tolerance), given).correct
    outside = given + (0.001 if given > answer else -0.001)
    assert not score(q("numeric", answer, tolerance=tolerance), outside).correct


def test_numeric_forgives_float_noise_only():
    # The ends are widened by 4 float epsilons of the largest magnitude (here 1):
    # 4 x 2.2e-16 = 8.9e-16. A written decimal 1.2e-15 past the end is outside.
    assert not score(q("numeric", 0.0, tolerance=0.5), 0.5000000000000012).correct
    assert score(q("numeric", 0.0, tolerance=0.5), 0.5).correct


def test_numeric_without_tolerance_is_exact():
    exact = q("numeric", 3)
    assert score(exact, 3.0).points == 1 and score(exact, 3.0001).points == 0


@pytest.mark.parametrize(("picked", "points"), [
    (["a", "b", "c"], 3),          # all right
    (["a", "b"], 2),               # 2 of 3
    (["a"], 1),
    (["a", "b", "c", "d"], 2),     # (3 - 1) / 3
    (["a", "d"], 0),               # (1 - 1) / 3
    (["a", "d", "e"], 0),          # negative is clipped to 0
    ([], 0),
    (("c", "b", "a"), 3),          # order and container do not matter
])
def test_multiple_partial_credit(picked, points):
    result = score(MULTI, picked)
    assert result.points == pytest.approx(points)
    assert result.correct == (points == 3)


@pytest.mark.parametrize(("question", "given", "expected"), [
    # the whole result, as the feedback and the autograder print it:
    # "Points: <points> of <max_points> -- <reason>"
    (SINGLE, "B cells", Score(2.0, 2.0, True, "correct")),
    (SINGLE, "T cells", Score(0.0, 2.0, False, "incorrect")),
    (TF, False, Score(1.0, 1.0, True, "correct")),
    (TF, True, Score(0.0, 1.0, False, "incorrect")),
    (NUM, -34.6, Score(2.0, 2.0, True, "correct")),
    (NUM, -36, Score(0.0, 2.0, False, "incorrect (accepted: -35.0 ± 0.5)")),
    (q("numeric", 3), 4, Score(0.0, 1.0, False, "incorrect")),
    (MULTI, ["c", "a", "b"], Score(3.0, 3.0, True, "correct")),
    # 2 right of 3, 1 wrong: 3 x (2 - 1) / 3 = 1 point
    (MULTI, ["a", "b", "e"], Score(1.0, 3.0, False,
                                  "partly correct: 2 of 3 right options, 1 wrong picked")),
    (MULTI, [], Score(0.0, 3.0, False, "partly correct: 0 of 3 right options, 0 wrong picked")),
])
def test_score_in_full(question, given, expected):
    assert score(question, given) == expected


def test_unknown_question_type_is_a_programming_error():
    with pytest.raises(ValueError, match=r"^unknown question type 'essay'$"):
        score(q("essay", "x"), "x")


def test_multiple_partial_reason_says_how_many():
    assert score(MULTI, ["a", "d"]).reason == "partly correct: 1 of 3 right options, 1 wrong picked"


@pytest.mark.parametrize(("question", "given", "reason"), [
    (SINGLE, 1, "expected one option as text, got int"),
    (SINGLE, "Platelets", "'Platelets' is not one of the options"),
    (SINGLE, ["B cells"], "expected one option as text, got list"),
    (TF, "false", "expected true or false, got str"),
    (TF, 0, "expected true or false, got int"),
    (NUM, "-35", "expected a number, got str"),
    (NUM, True, "expected a number, got bool"),
    (NUM, math.nan, "expected a number, got float"),
    (MULTI, "a", "expected a list of options, got str"),
    (MULTI, ["a", 1], "expected a list of options, got list"),
    (MULTI, ["a", "z"], "'z' is not one of the options"),
    (MULTI, {"a": 1}, "expected a list of options, got dict"),
    (SINGLE, None, "no answer given"),
])
def test_wrong_type_or_unknown_option_scores_zero_with_reason(question, given, reason):
    result = score(question, given)
    assert result == Score(0.0, question.points, False, reason)


options = st.lists(st.text(min_size=1, max_size=5), min_size=2, max_size=8, unique=True)


@settings(deadline=None)  # CI machines are shared; timing is not what is tested
@given(options.flatmap(lambda opts: st.tuples(
    st.just(opts),
    st.lists(st.sampled_from(opts), min_size=1, unique=True),
    st.lists(st.sampled_from(opts), unique=True),
    st.floats(min_value=0.25, max_value=10),
)))
def test_multiple_matches_the_formula(case):
    opts, right, picked, points = case
    question = q("multiple", tuple(right), tuple(opts), points=points)
    hits = len(set(picked) & set(right))
    misses = len(set(picked) - set(right))
    expected = points * max(0.0, (hits - misses) / len(right))
    result = score(question, picked)
    assert result.points == pytest.approx(expected)
    assert 0 <= result.points <= points  # nbgrader rejects partial credit above the maximum


@settings(deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
       st.floats(min_value=0, max_value=100),
       st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_numeric_matches_the_rule(answer, tolerance, given_value):
    result = score(q("numeric", answer, tolerance=tolerance), given_value)
    slack = TOLERANCE_SLACK * max(abs(tolerance), abs(answer), 1.0)
    assert result.points == (1.0 if abs(given_value - answer) <= tolerance + slack else 0.0)
    # the slack only ever admits answers within a few units in the last place of the end
    if result.points and abs(given_value - answer) > tolerance:
        assert abs(given_value - answer) - tolerance <= slack
