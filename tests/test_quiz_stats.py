"""Moodle's quiz statistics (immunocourse.quiz.stats) on small classes worked out by hand.

Each class is small enough to do on paper; the sums are in the comments and the expected
values are written as the arithmetic, not copied from the code's output. Notation: x a
question's marks, R = T - x the rest of the quiz, d a deviation from the mean, variances and
covariances over s - 1 (Moodle's ``question/classes/statistics/questions/calculator.php``
and ``mod/quiz/report/statistics/classes/calculator.php``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from immunocourse.quiz.model import Question
from immunocourse.quiz.stats import (
    CLASS_MEAN,
    FLAGS,
    INVALID,
    NO_ANSWER,
    THRESHOLDS,
    analyse,
    item_numbers,
    objective_rows,
    random_guess_score,
    response_rows,
    summary_statistics,
)

OPTIONS = ("A", "B", "C", "D")


def single(qid: str, answer: str = "A", points: float = 1.0) -> Question:
    return Question(qid, "single", "P", "E", answer, OPTIONS, 0.0, points, None)


@dataclass(frozen=True)
class WithObjectives(Question):
    """A question as banks will state it once objectives are data (issue 20, part 1)."""

    objectives: tuple[str, ...] = ()


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def no_nan(stats) -> None:
    for item in stats.items:
        for key in ("facility", "sd", "effective_weight", "discrimination_index",
                    "discriminative_efficiency", "random_guess_score"):
            value = getattr(item, key)
            assert value is None or math.isfinite(value), (item.question_id, key)
    for key in stats.summary.FIELDS[1:]:
        value = getattr(stats.summary, key)
        assert value is None or math.isfinite(value), key


# --- class 1: a perfect item, a second good one and a constant item ---------------------
#
#            q1  q2  q3   T
#   ann       1   1   1   3
#   ben       1   1   1   3
#   cat       0   1   1   2
#   dan       0   0   1   1
PERFECT = np.array([[1, 1, 1], [1, 1, 1], [0, 1, 1], [0, 0, 1]], dtype=float)
STUDENTS4 = ["ann", "ben", "cat", "dan"]


@pytest.fixture(scope="module")
def perfect():
    questions = [single("q1"), single("q2"), single("q3")]
    answers = [{"q1": "A", "q2": "A", "q3": "A"}, {"q1": "A", "q2": "A", "q3": "A"},
               {"q1": "B", "q2": "A", "q3": "A"}, {"q1": "C", "q2": "B", "q3": "A"}]
    return analyse(questions, PERFECT, STUDENTS4, answers)


def test_perfect_item(perfect):
    q1 = perfect.items[0]
    # x = 1 1 0 0, mean 1/2, d = +-1/2: var = 4 (1/4) / 3 = 1/3
    # R = 2 2 2 1, mean 7/4, dR = 1/4 1/4 1/4 -3/4: var = (3/16 + 9/16) / 3 = 1/4
    # sum dx dR = 1/8 + 1/8 - 1/8 + 3/8 = 1/2: cov = 1/6
    assert q1.facility == approx(50)
    assert q1.sd == approx(math.sqrt(1 / 3))
    assert q1.discrimination_index == approx(100 * (1 / 6) / math.sqrt(1 / 3 * 1 / 4))
    # sorted x 0 0 1 1 against sorted R 1 2 2 2: (-1/2)(-3/4) + (-1/2)(1/4) + 2 (1/2)(1/4)
    # = 1/2, the same as cov: the item ranks the class as the rest does, efficiency 100%
    assert q1.discriminative_efficiency == approx(100)
    assert q1.flags == ()


def test_effective_weight_is_the_share_of_sqrt_covariance_with_the_total(perfect):
    # T = 3 3 2 1, mean 9/4, dT = 3/4 3/4 -1/4 -5/4
    # cov(q1, T) = (3/8 + 3/8 + 1/8 + 5/8) / 3 = 1/2
    # cov(q2, T): dx = 1/4 1/4 1/4 -3/4, sum = 3/16 * 2 - 1/16 + 15/16 = 5/4: cov = 5/12
    # cov(q3, T) = 0 (q3 is constant)
    root1, root2 = math.sqrt(1 / 2), math.sqrt(5 / 12)
    weights = [it.effective_weight for it in perfect.items]
    assert weights[0] == approx(100 * root1 / (root1 + root2))
    assert weights[1] == approx(100 * root2 / (root1 + root2))
    assert weights[2] == 0
    assert [it.intended_weight for it in perfect.items] == [approx(100 / 3)] * 3


def test_constant_item_has_no_discrimination_and_says_why(perfect):
    q3 = perfect.items[2]
    assert (q3.facility, q3.sd) == (100, 0)
    assert q3.discrimination_index is None and q3.discriminative_efficiency is None
    assert q3.reasons["discrimination_index"] == FLAGS["no-variance"]
    assert q3.flags == ("too-easy", "no-variance")


def test_test_statistics_of_class_1(perfect):
    s = perfect.summary
    # T = 3 3 2 1: mean 9/4, median (2 + 3) / 2
    assert (s.n, s.mean, s.median) == (4, approx(9 / 4), approx(5 / 2))
    # sums of d^2, d^3, d^4 with d = 3/4 3/4 -1/4 -5/4
    p2 = 2 * (3 / 4) ** 2 + (1 / 4) ** 2 + (5 / 4) ** 2  # 11/4
    p3 = 2 * (3 / 4) ** 3 - (1 / 4) ** 3 - (5 / 4) ** 3  # -9/8
    p4 = 2 * (3 / 4) ** 4 + (1 / 4) ** 4 + (5 / 4) ** 4  # 197/64
    assert s.sd == approx(math.sqrt(p2 / 3))
    m2, m3, m4 = p2 / 4, p3 / 4, p4 / 4
    k2 = 4 * m2 / 3
    k3 = 16 * m3 / (3 * 2)
    k4 = 16 * (5 * m4 - 3 * 3 * m2 * m2) / (3 * 2 * 1)
    assert s.skewness == approx(k3 / k2 ** 1.5)
    assert s.kurtosis == approx(k4 / k2 ** 2)
    # Cronbach's alpha: p = 3, item variances 1/3 + 1/4 + 0
    cic = 100 * 3 / 2 * (1 - (1 / 3 + 1 / 4) / k2)
    assert s.cic == approx(cic)  # 54.5...%
    assert s.error_ratio == approx(100 * math.sqrt(1 - cic / 100))
    assert s.standard_error == approx(s.error_ratio / 100 * s.sd)
    assert s.reasons == {}
    no_nan(perfect)


# --- class 2: a reversed key -----------------------------------------------------------
#
# The key of q3 names the wrong option: the two strongest students chose the right one
# (B) and scored 0, the two weakest chose the keyed one (C) and scored 1.
#            q1  q2  q3   T
#   ann       1   1   0   2
#   ben       1   1   0   2
#   cat       0   1   1   2
#   dan       0   0   1   1
REVERSED = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]], dtype=float)


@pytest.fixture(scope="module")
def reversed_key():
    questions = [single("q1"), single("q2"), single("q3", answer="C")]
    answers = [{"q1": "A", "q2": "A", "q3": "B"}, {"q1": "A", "q2": "A", "q3": "B"},
               {"q1": "B", "q2": "A", "q3": "C"}, {"q1": "B", "q2": "C", "q3": "C"}]
    return analyse(questions, REVERSED, STUDENTS4, answers)


def test_reversed_key_is_flagged_check_key(reversed_key):
    q3 = reversed_key.items[2]
    # x = 0 0 1 1, dx = -1/2 -1/2 1/2 1/2, var 1/3
    # R = 2 2 1 0, mean 5/4, dR = 3/4 3/4 -1/4 -5/4, var = (9/16 * 2 + 1/16 + 25/16) / 3 = 11/12
    # sum dx dR = -3/8 - 3/8 - 1/8 - 5/8 = -3/2: cov = -1/2
    assert q3.discrimination_index == approx(100 * (-1 / 2) / math.sqrt(1 / 3 * 11 / 12))
    # sorted x 0 0 1 1 with sorted R 0 1 2 2: (-1/2)(-5/4) + (-1/2)(-1/4) + 2 (1/2)(3/4) = 3/2
    assert q3.discriminative_efficiency == approx(-100)
    assert "check-key" in q3.flags and "weak" not in q3.flags


def test_negative_covariance_with_the_total_leaves_effective_weight_empty(reversed_key):
    # T = 2 2 2 1, dT = 1/4 1/4 1/4 -3/4
    # cov(q3, T) = (-1/8 - 1/8 + 1/8 - 3/8) / 3 = -1/6 < 0: no effective weight (negcovar)
    # cov(q1, T) = (1/8 + 1/8 - 1/8 + 3/8) / 3 = 1/6; cov(q2, T) = (3/16 + 9/16) / 3 = 1/4
    q1, q2, q3 = reversed_key.items
    assert q3.effective_weight is None
    assert "negative-covariance" in q3.flags
    assert q3.reasons["effective_weight"] == FLAGS["negative-covariance"]
    root1, root2 = math.sqrt(1 / 6), math.sqrt(1 / 4)
    assert q1.effective_weight == approx(100 * root1 / (root1 + root2))
    assert q2.effective_weight == approx(100 * root2 / (root1 + root2))


def test_responses_show_where_the_strong_students_went(reversed_key):
    rows = {r.response: r for r in reversed_key.responses["q3"]}
    assert (rows["B"].count, rows["B"].is_key) == (2, False)
    assert (rows["C"].count, rows["C"].is_key, rows["C"].partial_credit) == (2, True, 100)
    assert (rows["A"].count, rows["D"].count, rows[NO_ANSWER].count) == (0, 0, 0)
    assert rows["B"].frequency == 50


# --- class 3: two students ------------------------------------------------------------


def test_two_students():
    #        q1  q2   T
    #  ann    1   2   3
    #  ben    0   0   0      (q2 is worth 2 points)
    stats = analyse([single("q1"), single("q2", points=2)], [[1, 2], [0, 0]], ["ann", "ben"],
                    [{"q1": "A", "q2": "A"}, {"q1": "B", "q2": "B"}])
    q1, q2 = stats.items
    # q1: x = 1 0, dx = +-1/2, var = 1/2 / 1; R = q2 = 2 0, var = 2; cov = 2 (1/2)(1) = 1
    assert q1.sd == approx(math.sqrt(1 / 2))
    assert q1.discrimination_index == approx(100 * 1 / math.sqrt(1 / 2 * 2))  # 100
    assert q1.discriminative_efficiency == approx(100)
    # cov(q1, T) = 2 (1/2)(3/2) = 3/2; cov(q2, T) = 2 (1)(3/2) = 3
    assert q1.effective_weight == approx(100 * math.sqrt(3 / 2) / (math.sqrt(3 / 2) + math.sqrt(3)))
    assert q2.intended_weight == approx(200 / 3)
    s = stats.summary
    assert (s.mean, s.median, s.sd) == (approx(3 / 2), approx(3 / 2), approx(math.sqrt(9 / 2)))
    # Moodle computes skewness, kurtosis and the CIC only from 3 students on
    for key in ("skewness", "kurtosis", "cic", "error_ratio", "standard_error"):
        assert getattr(s, key) is None
        assert s.reasons[key] == "Moodle computes it for 3 or more students"
    no_nan(stats)


# --- class 4: one student -------------------------------------------------------------


def test_one_student():
    multi = Question("m", "multiple", "P", "E", ("A", "B"), OPTIONS, 0.0, 2.0, None)
    stats = analyse([single("q1"), multi], [[1, 1]], ["ann"], [{"q1": "A", "m": ["A"]}])
    q1, m = stats.items
    assert (q1.facility, m.facility) == (100, 50)  # 1 of 2 right options, of 2 points
    for item in stats.items:
        for key in ("sd", "effective_weight", "discrimination_index",
                    "discriminative_efficiency"):
            assert getattr(item, key) is None
            assert item.reasons[key] == FLAGS["one-student"]
        assert "one-student" in item.flags
    s = stats.summary
    assert (s.n, s.mean, s.median) == (1, 2, 2)
    assert s.sd is None and s.reasons["sd"] == "needs at least 2 students"
    no_nan(stats)


def test_no_students_is_empty_not_nan():
    stats = analyse([single("q1")], np.zeros((0, 1)), [], [])
    assert stats.summary.n == 0 and stats.summary.mean is None
    assert stats.items[0].facility is None
    assert stats.responses["q1"][0].frequency is None
    no_nan(stats)


def test_every_student_with_the_same_total():
    # T = 1 1 1: k2 = 0, so no skewness, kurtosis or CIC (Moodle: "if ($k2 != 0)")
    stats = analyse([single("q1"), single("q2")], [[1, 0], [0, 1], [1, 0]], ["a", "b", "c"],
                    [{}, {}, {}])
    s = stats.summary
    assert s.sd == 0
    for key in ("skewness", "kurtosis", "cic", "error_ratio", "standard_error"):
        assert getattr(s, key) is None and s.reasons[key] == "every student has the same total"
    # q1 = 1 0 1 and its rest q2 = 0 1 0 = 1 - q1: exactly anti-correlated
    assert stats.items[0].discrimination_index == approx(-100)
    no_nan(stats)


def test_a_constant_item_of_awkward_floats_counts_as_constant():
    # three marks of 0.1: their mean is not exactly 0.1 in binary, so a literal "== 0" test
    # sees a variance of ~1e-34 and would print a meaningless discrimination index
    x = [[0.1, 1], [0.1, 0], [0.1, 1]]
    numbers = item_numbers(np.array(x), [1.0, 1.0])
    assert numbers.discrimination_index[0] is None
    assert numbers.sd[0] == 0


def test_cic_needs_two_questions():
    s = summary_statistics([1, 0, 1, 1], [0.25], 1, 1.0)
    assert s.cic is None and s.reasons["cic"] == "needs 2 or more questions"
    assert s.skewness is not None


def test_kurtosis_needs_four_students():
    s = summary_statistics([3, 1, 0], [0.3, 0.3], 2, 4.0)
    assert s.skewness is not None and s.kurtosis is None
    assert s.reasons["kurtosis"] == "Moodle computes it for 4 or more students"


# --- random guess score ---------------------------------------------------------------


def test_random_guess_scores():
    assert random_guess_score(single("q")) == 25  # 1 of 4 options
    assert random_guess_score(Question("t", "truefalse", "P", "E", True, None, 0, 1, None)) == 50
    assert random_guess_score(Question("n", "numeric", "P", "E", 3, None, 0.5, 1, None)) == 0
    # 2 right (a, b) and 1 wrong (c), every one of the 8 subsets equally likely, scored
    # max(0, right - wrong) / 2: {a}, {b}: 1/2; {a, b}: 1; {a, c}, {b, c}: 0; {a, b, c}: 1/2
    multi = Question("m", "multiple", "P", "E", ("a", "b"), ("a", "b", "c"), 0, 2, None)
    assert random_guess_score(multi) == approx(100 * (1 / 2 + 1 / 2 + 1 + 1 / 2) / 8)


# --- responses -------------------------------------------------------------------------


def test_responses_of_every_kind():
    multi = Question("m", "multiple", "P", "E", ("a", "b"), ("a", "b", "c"), 0, 2, None)
    num = Question("n", "numeric", "P", "E", 3, None, 0.5, 1, None)
    tf = Question("t", "truefalse", "P", "E", False, None, 0, 1, None)
    answers = [
        {"m": ["a", "c"], "n": 3.4, "t": False},
        {"m": ["a", "b"], "n": 7, "t": True},
        {"m": [], "n": "three", "t": "no"},  # [] is no answer; wrong types are invalid
        {"m": ["z"], "n": 7.0},  # "z" is not an option
        None,  # answers.json unreadable: no answer to anything
    ]
    m = {r.response: r for r in response_rows(multi, answers)}
    assert [r for r in m] == ["a", "b", "c", NO_ANSWER, INVALID]
    assert (m["a"].count, m["b"].count, m["c"].count) == (2, 1, 1)
    assert (m["a"].partial_credit, m["c"].partial_credit) == (50, -50)
    assert (m[NO_ANSWER].count, m[INVALID].count) == (2, 1)
    assert m["a"].frequency == 40
    n = response_rows(num, answers)
    assert [(r.response, r.count, r.is_key) for r in n] == [
        ("7", 2, False), ("3.4", 1, True), (NO_ANSWER, 1, False), (INVALID, 1, False)]
    t = response_rows(tf, answers)
    assert [(r.response, r.count, r.is_key) for r in t] == [
        ("true", 1, False), ("false", 1, True), (NO_ANSWER, 2, False), (INVALID, 1, False)]


def test_numeric_key_is_listed_when_nobody_gave_it():
    num = Question("n", "numeric", "P", "E", 5, None, 0.5, 1, None)
    rows = response_rows(num, [{"n": 4}])
    assert [(r.response, r.count, r.is_key) for r in rows][0] == ("5 ± 0.5", 0, True)


# --- flags -----------------------------------------------------------------------------


def test_dead_distractor_needs_a_class_of_twenty():
    marks = [[1.0]] * 10 + [[0.0]] * 10
    answers = [{"q": "A"}] * 10 + [{"q": "B"}] * 10  # nobody picks C or D
    stats = analyse([single("q")], marks, [f"s{i}" for i in range(20)], answers)
    assert "dead-distractor" in stats.items[0].flags
    assert THRESHOLDS.dead_distractor_class == 20
    stats = analyse([single("q")], marks[1:], [f"s{i}" for i in range(19)], answers[1:])
    assert "dead-distractor" not in stats.items[0].flags


def test_facility_and_discrimination_thresholds():
    from immunocourse.quiz.stats import action_flags

    q = single("q")
    assert action_flags(91, 50, q, [], 5) == ["too-easy"]
    assert action_flags(90, 50, q, [], 5) == []
    assert action_flags(19.9, 50, q, [], 5) == ["too-hard"]
    assert action_flags(50, 19.9, q, [], 5) == ["weak"]
    assert action_flags(50, 20, q, [], 5) == []
    assert action_flags(50, -0.1, q, [], 5) == ["check-key"]


# --- objectives ------------------------------------------------------------------------


def test_objective_scores_per_student_and_the_class_mean():
    questions = [
        WithObjectives("q1", "single", "P", "E", "A", OPTIONS, 0, 1, None, ("l/one",)),
        WithObjectives("q2", "single", "P", "E", "A", OPTIONS, 0, 2, None, ("l/one", "l/two")),
        WithObjectives("q3", "single", "P", "E", "A", OPTIONS, 0, 1, None),
    ]
    rows = objective_rows(questions, np.array([[1, 2, 1], [0, 0, 1]]), ["ann", "ben"],
                          [1, 2, 1])
    table = [(r.student_id, r.objective, r.score, r.max, r.mastery) for r in rows]
    assert table == [
        ("ann", "l/one", 3, 3, 100), ("ann", "l/two", 2, 2, 100),
        ("ben", "l/one", 0, 3, 0), ("ben", "l/two", 0, 2, 0),
        (CLASS_MEAN, "l/one", 1.5, 3, 50), (CLASS_MEAN, "l/two", 1, 2, 50),
    ]


def test_a_bank_without_objectives_has_no_objective_rows():
    assert objective_rows([single("q1")], np.array([[1.0]]), ["ann"], [1.0]) == []
