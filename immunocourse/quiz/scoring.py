"""Scoring: the one function every rendering and the autograder use.

* single, truefalse: all or nothing;
* numeric: full points when ``|given - answer| <= tolerance`` (as decimals: 2.9 is within
  3.0 ± 0.1);
* multiple: ``points * max(0, (right picked - wrong picked) / number of right options)``.

An answer of the wrong type, or naming something that is not an option, scores 0 and the
reason says why, so the student's feedback explains the zero.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from immunocourse.quiz.model import Question, is_number


@dataclass(frozen=True)
class Score:
    points: float
    max_points: float
    correct: bool
    reason: str


# In binary floating point |2.9 - 3.0| is 0.10000000000000009, so 3.0 ± 0.1 would reject the
# 2.9 that a student types. Rounding the written decimals to floats and subtracting errs by
# at most 2.5 units of float epsilon times the largest magnitude involved, so the interval is
# widened by 4 of them, as Moodle widens its own (qtype_numerical_answer's
# get_tolerance_interval). quiz.js does the same float operations, so the book agrees.
TOLERANCE_SLACK = 4 * sys.float_info.epsilon


def within_tolerance(given: float, answer: float, tolerance: float) -> bool:
    """``|given - answer| <= tolerance`` for the decimals as written (2.9 is in 3.0 ± 0.1)."""
    slack = TOLERANCE_SLACK * max(abs(tolerance), abs(answer), 1.0)
    return abs(given - answer) <= tolerance + slack


def score(question: Question, given: Any) -> Score:
    """Score ``given`` (in the bank's answer form) against ``question``."""
    full = float(question.points)

    def zero(reason: str) -> Score:
        return Score(0.0, full, False, reason)

    if given is None:
        return zero("no answer given")
    kind = question.type
    if kind == "single":
        if not isinstance(given, str):
            return zero(f"expected one option as text, got {type(given).__name__}")
        if given not in (question.options or ()):
            return zero(f"{given!r} is not one of the options")
        if given == question.answer:
            return Score(full, full, True, "correct")
        return zero("incorrect")
    if kind == "truefalse":
        if not isinstance(given, bool):
            return zero(f"expected true or false, got {type(given).__name__}")
        if given is question.answer:
            return Score(full, full, True, "correct")
        return zero("incorrect")
    if kind == "numeric":
        if not is_number(given):
            return zero(f"expected a number, got {type(given).__name__}")
        if within_tolerance(float(given), float(question.answer), question.tolerance):
            return Score(full, full, True, "correct")
        return zero(f"incorrect (accepted: {question.answer} ± {question.tolerance:g})"
                    if question.tolerance else "incorrect")
    if kind == "multiple":
        if not isinstance(given, (list, tuple)) or not all(isinstance(g, str) for g in given):
            return zero(f"expected a list of options, got {type(given).__name__}")
        picked = set(given)
        unknown = sorted(picked - set(question.options or ()))
        if unknown:
            return zero(f"{unknown[0]!r} is not one of the options")
        right = set(question.answer)
        hits, misses = len(picked & right), len(picked - right)
        fraction = max(0.0, (hits - misses) / len(right))
        points = full * fraction
        if fraction == 1.0:
            return Score(full, full, True, "correct")
        return Score(points, full, False,
                     f"partly correct: {hits} of {len(right)} right options, {misses} wrong picked")
    raise ValueError(f"unknown question type {kind!r}")
