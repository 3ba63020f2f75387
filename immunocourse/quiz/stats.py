"""Item statistics of a graded quiz, computed as Moodle's quiz statistics report computes them.

The input is a class's marks (students x questions, in points, the order of the quiz) and the
answers they gave; nothing here reads a file. The formulas follow Moodle's calculators line by
line, so an instructor who knows Moodle reads the numbers the same way:

* the test as a whole: ``mod/quiz/report/statistics/classes/calculator.php``
  (``calculator::calculate``: mean, median, standard deviation, skewness and kurtosis from the
  k-statistics k2, k3, k4, the coefficient of internal consistency (Cronbach's alpha), the
  error ratio and the standard error);
* each question: ``question/classes/statistics/questions/calculator.php``
  (``initial_question_walker``, ``secondary_steps_walker``, ``secondary_question_walker`` and
  the effective weights at the end of ``calculate``).

With s students, x_i a student's mark on question i, T = sum of x_i their total and
X_-i = T - x_i the rest of the quiz, all variances and covariances divided by s - 1:

* facility = 100 * mean(x_i) / max_i; sd = sqrt(var(x_i)), in points;
* intended weight = 100 * max_i / sum of max; random guess score in percent of max_i;
* effective weight = 100 * sqrt(cov(x_i, T)) / sum over j with cov(x_j, T) >= 0 of
  sqrt(cov(x_j, T)); a question whose cov(x_i, T) < 0 gets none (Moodle's ``negcovar``);
* discrimination index = 100 * cov(x_i, X_-i) / sqrt(var(x_i) var(X_-i));
* discriminative efficiency = 100 * cov(x_i, X_-i) / cov_max, where cov_max pairs the sorted
  x_i with the sorted X_-i;
* s > 1: sd of T; s > 2 and k2 != 0: skewness = k3 / k2^1.5, and with p > 1 questions
  CIC = 100 p / (p - 1) * (1 - sum var(x_i) / k2), error ratio = 100 sqrt(1 - CIC / 100),
  standard error = error ratio / 100 * sd; s > 3: kurtosis = k4 / k2^2.

Where Moodle stores null (too few students, a variance or covariance of 0) the value here is
None with a reason; nothing is ever NaN. One deliberate difference: Moodle tests "is it 0" on
the float it computed, so a constant item whose mean is not exactly representable (three
marks of 0.1) can get a variance of 1e-34 and a meaningless index; here a variance or
covariance within rounding error of 0 (see :func:`_zero`) counts as 0.

Moodle has no random guess score for a multiple-answer question; the course's is the
expected score of ticking each option, or not, at random (every subset of the options equally
likely; the prompt says "tick every one that applies", so the number of right options is not
given away), scored by :func:`immunocourse.quiz.scoring.score` itself.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from immunocourse.quiz.model import Question, is_number
from immunocourse.quiz.scoring import score, within_tolerance


@dataclass(frozen=True)
class Thresholds:
    """When a question is flagged. One place; the source of each number is below.

    Moodle's documentation of the report ("Quiz report statistics", docs.moodle.org/dev/
    Quiz_report_statistics, the Open University's guidance written with the report) reads a
    facility of 90-94 as "very easy" and 11-20 as "difficult" (5 or less: "extremely
    difficult or something wrong with the question"), a discrimination index of 20-29 as
    "weak", 0-19 as "very weak" and a negative one as "question probably invalid". A
    distractor nobody picks only means something in a class large enough to expect a pick.
    """

    check_key_below: float = 0.0  # discrimination index (percent): below, check the key
    weak_below: float = 20.0  # discrimination index (percent): below (and >= 0), weak
    too_easy_above: float = 90.0  # facility (percent)
    too_hard_below: float = 20.0  # facility (percent)
    dead_distractor_class: int = 20  # students: a wrong option nobody picked, from this many


THRESHOLDS = Thresholds()

# Flags an instructor acts on, then the reasons a cell is empty; in words for the report.
FLAGS: dict[str, str] = {
    "check-key": "negative discrimination: students who did well on the rest of the quiz "
                 "did worse on this question; check the key and the wording",
    "weak": f"discrimination index below {THRESHOLDS.weak_below:g}: the question hardly "
            "separates stronger from weaker students",
    "too-easy": f"facility above {THRESHOLDS.too_easy_above:g}%: nearly everyone got it",
    "too-hard": f"facility below {THRESHOLDS.too_hard_below:g}%: few got it; check the key, "
                "the wording and the teaching",
    "dead-distractor": "a wrong option nobody chose (in a class of "
                       f"{THRESHOLDS.dead_distractor_class} or more): it distracts no one",
    "negative-covariance": "its marks go against the total (negative covariance), so, as in "
                           "Moodle, it has no effective weight",
    "one-student": "only one student: sd, weights and discrimination need at least 2",
    "no-variance": "every student got the same mark on it, so it cannot discriminate "
                   "(no discrimination index or efficiency)",
    "rest-constant": "every student got the same mark on the rest of the quiz, so there is "
                     "nothing to discriminate against",
    "no-spread": "no question's marks vary with the total, so no question has an "
                 "effective weight",
}
ACTION_FLAGS = ("check-key", "weak", "too-easy", "too-hard", "dead-distractor")

NO_ANSWER = "(no answer)"
INVALID = "(not a valid answer)"
CLASS_MEAN = "(class mean)"  # the student_id of the class's row in <quiz>.objectives.csv


def _zero(value: float, scale: float) -> bool:
    """``value`` (a variance or covariance in points squared) is 0 up to rounding error.

    Marks are sums of a few floats, so a real spread is never below ~1e-6 of ``scale`` (the
    squared points involved), while rounding leaves ~1e-32 of it.
    """
    return abs(value) <= 1e-18 * max(scale, 1e-300)


# ---------------------------------------------------------------- the test as a whole


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None
    reasons: dict[str, str] = field(default_factory=dict)  # field -> why it is None

    FIELDS = ("n", "mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio",
              "standard_error")


def summary_statistics(totals: Sequence[float], item_variances: Sequence[float] | None,
                       questions: int, max_total: float) -> Summary:
    """Moodle's ``quiz_statistics\\calculator::calculate`` over the students' totals.

    ``item_variances`` are the questions' mark variances (their sum is Moodle's
    ``sumofmarkvariance``; None with fewer than 2 students), ``questions`` is p.
    """
    t = np.asarray(totals, dtype=float)
    s = int(t.size)
    values: dict[str, float | None] = dict.fromkeys(Summary.FIELDS[1:])
    reasons: dict[str, str] = {}
    if s == 0:
        return Summary(0, **values, reasons=dict.fromkeys(values, "no graded submissions"))
    mean = float(t.mean())
    values["mean"] = mean
    values["median"] = float(np.median(t))  # Moodle: the middle one, or the middle two's mean
    if s < 2:
        for key in Summary.FIELDS[3:]:
            reasons[key] = "needs at least 2 students"
        return Summary(s, **values, reasons=reasons)
    d = t - mean
    power2, power3, power4 = float((d ** 2).sum()), float((d ** 3).sum()), float((d ** 4).sum())
    values["sd"] = math.sqrt(power2 / (s - 1))
    if s < 3:
        for key in Summary.FIELDS[4:]:
            reasons[key] = "Moodle computes it for 3 or more students"
        return Summary(s, **values, reasons=reasons)
    m2, m3, m4 = power2 / s, power3 / s, power4 / s
    k2 = s * m2 / (s - 1)
    k3 = s * s * m3 / ((s - 1) * (s - 2))
    if _zero(k2, max_total ** 2):
        for key in Summary.FIELDS[4:]:
            reasons[key] = "every student has the same total"
        return Summary(s, **values, reasons=reasons)
    values["skewness"] = k3 / k2 ** 1.5
    if s > 3:
        k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
        values["kurtosis"] = k4 / (k2 * k2)
    else:
        reasons["kurtosis"] = "Moodle computes it for 4 or more students"
    if questions > 1 and item_variances is not None:
        p = questions
        cic = (100 * p / (p - 1)) * (1 - float(np.sum(item_variances)) / k2)
        values["cic"] = cic
        # alpha <= 1 in exact arithmetic; rounding must not take the root of -1e-16
        values["error_ratio"] = 100 * math.sqrt(max(0.0, 1 - cic / 100))
        values["standard_error"] = values["error_ratio"] * values["sd"] / 100
    else:
        for key in ("cic", "error_ratio", "standard_error"):
            reasons[key] = "needs 2 or more questions"
    return Summary(s, **values, reasons=reasons)


# ---------------------------------------------------------------- each question


@dataclass(frozen=True)
class ItemStats:
    position: int
    question_id: str
    type: str
    max_points: float
    facility: float | None
    sd: float | None
    random_guess_score: float | None
    intended_weight: float
    effective_weight: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    flags: tuple[str, ...] = ()  # FLAGS keys: what to act on, then why a cell is empty
    reasons: dict[str, str] = field(default_factory=dict)  # field -> why it is None

    CSV_FIELDS = ("position", "question_id", "type", "max_points", "facility", "sd",
                  "random_guess_score", "intended_weight", "effective_weight",
                  "discrimination_index", "discriminative_efficiency", "flags")


@dataclass(frozen=True)
class ItemNumbers:
    """The per-question numbers as arrays over the questions (None where undefined)."""

    facility: list[float | None]
    sd: list[float | None]
    variance: list[float] | None  # Moodle's markvariance, for the CIC
    effective_weight: list[float | None]
    discrimination_index: list[float | None]
    discriminative_efficiency: list[float | None]
    reasons: list[dict[str, str]]
    flags: list[list[str]]


def item_numbers(marks: np.ndarray, max_points: Sequence[float]) -> ItemNumbers:
    """Moodle's question calculator over a students x questions matrix of marks."""
    x = np.asarray(marks, dtype=float)
    s, p = x.shape
    top = np.asarray(max_points, dtype=float)
    reasons: list[dict[str, str]] = [{} for _ in range(p)]
    flags: list[list[str]] = [[] for _ in range(p)]
    facility: list[float | None] = [None] * p
    if s:
        facility = [float(v) for v in 100 * x.mean(axis=0) / top]
    else:
        for r in reasons:
            r["facility"] = "no graded submissions"
    none: list[float | None] = [None] * p
    if s < 2:
        for r, f in zip(reasons, flags, strict=True):
            for key in ("sd", "effective_weight", "discrimination_index",
                        "discriminative_efficiency"):
                r[key] = FLAGS["one-student"]
            f.append("one-student")
        return ItemNumbers(facility, list(none), None, list(none), list(none), list(none),
                           reasons, flags)
    total = x.sum(axis=1)
    rest = total[:, None] - x  # X_-i: the rest of the quiz, per student and question
    dx = x - x.mean(axis=0)
    drest = rest - rest.mean(axis=0)
    dtotal = total - total.mean()
    variance = (dx ** 2).sum(axis=0) / (s - 1)
    rest_variance = (drest ** 2).sum(axis=0) / (s - 1)
    covariance = (dx * drest).sum(axis=0) / (s - 1)
    with_total = (dx * dtotal[:, None]).sum(axis=0) / (s - 1)
    # cov_max: the i-th smallest mark paired with the i-th smallest rest (Moodle sorts both)
    sorted_dx = np.sort(x, axis=0) - x.mean(axis=0)
    sorted_drest = np.sort(rest, axis=0) - rest.mean(axis=0)
    covariance_max = (sorted_dx * sorted_drest).sum(axis=0) / (s - 1)

    rest_top = float(top.sum()) - top
    sd: list[float | None] = []
    di: list[float | None] = []
    de: list[float | None] = []
    roots: list[float | None] = []
    item_var: list[float] = []
    for i in range(p):
        item_zero = _zero(variance[i], top[i] ** 2)
        rest_zero = _zero(rest_variance[i], rest_top[i] ** 2)
        item_var.append(0.0 if item_zero else float(variance[i]))
        sd.append(0.0 if item_zero else math.sqrt(variance[i]))
        if item_zero or rest_zero:
            di.append(None)
            de.append(None)
            why = "no-variance" if item_zero else "rest-constant"
            reasons[i]["discrimination_index"] = FLAGS[why]
            reasons[i]["discriminative_efficiency"] = FLAGS[why]
            flags[i].append(why)
        else:
            di.append(float(100 * covariance[i] / math.sqrt(variance[i] * rest_variance[i])))
            if _zero(covariance_max[i], top[i] * rest_top[i]):  # not reached: both vary
                de.append(None)
                reasons[i]["discriminative_efficiency"] = FLAGS["no-variance"]
            else:
                de.append(float(100 * covariance[i] / covariance_max[i]))
        c = float(with_total[i])
        if _zero(c, top[i] * float(top.sum())):
            c = 0.0
        roots.append(math.sqrt(c) if c >= 0 else None)
    root_sum = sum(r for r in roots if r is not None)
    ew: list[float | None] = []
    for i, root in enumerate(roots):
        if root is None:
            ew.append(None)
            reasons[i]["effective_weight"] = FLAGS["negative-covariance"]
            flags[i].append("negative-covariance")
        elif root_sum == 0:
            ew.append(None)
            reasons[i]["effective_weight"] = FLAGS["no-spread"]
            flags[i].append("no-spread")
        else:
            ew.append(100 * root / root_sum)
    return ItemNumbers(facility, sd, item_var, ew, di, de, reasons, flags)


# ---------------------------------------------------------------- guessing


def random_guess_score(question: Question) -> float:
    """Expected percent of the points from answering at random, under the course's scoring.

    single: 100 / options (Moodle's for one right answer); true/false: 50; numeric: 0;
    multiple: every subset of the options equally likely, each scored by ``score``.
    """
    kind = question.type
    if kind == "single":
        return 100.0 / len(question.options or ())
    if kind == "truefalse":
        return 50.0
    if kind == "numeric":
        return 0.0
    if kind == "multiple":
        options = list(question.options or ())
        right = [o for o in options if o in set(question.answer)]
        wrong = [o for o in options if o not in set(question.answer)]
        # A subset's score depends only on how many right (h) and wrong (m) options it
        # holds: score one subset per (h, m) and weight it by how many subsets share it.
        expected = 0.0
        for h in range(len(right) + 1):
            for m in range(len(wrong) + 1):
                ways = math.comb(len(right), h) * math.comb(len(wrong), m)
                points = score(question, right[:h] + wrong[:m]).points
                expected += ways * points
        return 100 * expected / (2 ** len(options)) / question.points
    raise ValueError(f"unknown question type {kind!r}")


# ---------------------------------------------------------------- responses


@dataclass(frozen=True)
class ResponseRow:
    question_id: str
    response: str
    is_key: bool
    count: int
    frequency: float | None  # percent of the students with a graded submission
    partial_credit: float  # percent of the question's points this response is worth

    CSV_FIELDS = ("question_id", "response", "is_key", "count", "frequency", "partial_credit")


def number_text(value: float) -> str:
    """A number as a student typed it: 30, not 30.0; 0.5, not 5e-01."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _given(answers: Mapping[str, Any] | None, question_id: str) -> Any:
    return None if answers is None else answers.get(question_id)


def response_rows(question: Question, answers: Sequence[Mapping[str, Any] | None]
                  ) -> list[ResponseRow]:
    """How often each response was given: every option (chosen or not) or, for a numeric
    question, each distinct number given (and the key, if nobody gave it), then the
    students who gave no answer (or whose answers file could not be read) and those whose
    answer is not one of the options or of the wrong type.

    ``answers`` has one entry per student with a graded submission: their answers
    ``{question id: answer}``, or None when their answers file is missing or unreadable.
    """
    n = len(answers)
    qid, kind = question.id, question.type
    counts: Counter[Any] = Counter()
    missing = invalid = 0
    options = tuple(question.options or ())
    for student in answers:
        given = _given(student, qid)
        if given is None or (kind == "multiple" and given == []):
            missing += 1
        elif kind == "single":
            if isinstance(given, str) and given in options:
                counts[given] += 1
            else:
                invalid += 1
        elif kind == "multiple":
            if (isinstance(given, list) and all(isinstance(g, str) for g in given)
                    and set(given) <= set(options)):
                counts.update(set(given))
            else:
                invalid += 1
        elif kind == "truefalse":
            if isinstance(given, bool):
                counts[given] += 1
            else:
                invalid += 1
        elif kind == "numeric":
            if is_number(given):
                counts[float(given)] += 1
            else:
                invalid += 1

    def freq(count: int) -> float | None:
        return 100 * count / n if n else None

    rows: list[ResponseRow] = []
    if kind == "single":
        rows = [ResponseRow(qid, o, o == question.answer, counts[o], freq(counts[o]),
                            100.0 if o == question.answer else 0.0) for o in options]
    elif kind == "multiple":
        right = set(question.answer)
        share = 100 / len(right)  # each right option adds, each wrong one takes away
        rows = [ResponseRow(qid, o, o in right, counts[o], freq(counts[o]),
                            share if o in right else -share) for o in options]
    elif kind == "truefalse":
        rows = [ResponseRow(qid, "true" if v else "false", v is question.answer, counts[v],
                            freq(counts[v]), 100.0 if v is question.answer else 0.0)
                for v in (True, False)]
    elif kind == "numeric":
        key = float(question.answer)

        def right(v: float) -> bool:
            return within_tolerance(v, key, question.tolerance)

        ordered = sorted(counts, key=lambda v: (-counts[v], v))
        rows = [ResponseRow(qid, number_text(v), right(v), counts[v], freq(counts[v]),
                            100.0 if right(v) else 0.0) for v in ordered]
        if not any(right(v) for v in counts):
            shown = number_text(key)
            if question.tolerance:
                shown += f" ± {number_text(question.tolerance)}"
            rows.insert(0, ResponseRow(qid, shown, True, 0, freq(0), 100.0))
    rows.append(ResponseRow(qid, NO_ANSWER, False, missing, freq(missing), 0.0))
    if invalid:
        rows.append(ResponseRow(qid, INVALID, False, invalid, freq(invalid), 0.0))
    return rows


# ---------------------------------------------------------------- flags


def action_flags(item_facility: float | None, discrimination: float | None,
                 question: Question, responses: Sequence[ResponseRow], n: int,
                 limits: Thresholds = THRESHOLDS) -> list[str]:
    """The flags an instructor acts on, in :data:`ACTION_FLAGS` order."""
    found = []
    if discrimination is not None and discrimination < limits.check_key_below:
        found.append("check-key")
    elif discrimination is not None and discrimination < limits.weak_below:
        found.append("weak")
    if item_facility is not None and item_facility > limits.too_easy_above:
        found.append("too-easy")
    if item_facility is not None and item_facility < limits.too_hard_below:
        found.append("too-hard")
    if (question.type in ("single", "multiple") and n >= limits.dead_distractor_class
            and any(r.count == 0 and not r.is_key for r in responses
                    if r.response in (question.options or ()))):
        found.append("dead-distractor")
    return found


def dead_distractors(question: Question, responses: Sequence[ResponseRow]) -> list[str]:
    options = question.options or ()
    return [r.response for r in responses
            if r.response in options and not r.is_key and r.count == 0]


# ---------------------------------------------------------------- objectives


def objectives_of(question: Question) -> tuple[str, ...]:
    """The objective ids a question names (none in a bank written without them)."""
    return tuple(getattr(question, "objectives", ()) or ())


@dataclass(frozen=True)
class ObjectiveRow:
    student_id: str
    objective: str
    score: float
    max: float
    mastery: float  # percent

    CSV_FIELDS = ("student_id", "objective", "score", "max", "mastery")


def objective_rows(questions: Sequence[Question], marks: np.ndarray,
                   students: Sequence[str], max_points: Sequence[float]) -> list[ObjectiveRow]:
    """Per student and objective, the points earned on the questions naming it, then one
    :data:`CLASS_MEAN` row per objective (the class's mean score). Empty when no question
    names an objective. Objectives in order of first mention."""
    x = np.asarray(marks, dtype=float)
    order: dict[str, list[int]] = {}
    for i, q in enumerate(questions):
        for objective in objectives_of(q):
            order.setdefault(objective, []).append(i)
    rows: list[ObjectiveRow] = []
    class_rows: list[ObjectiveRow] = []
    for objective, columns in order.items():
        top = float(sum(max_points[i] for i in columns))
        earned = x[:, columns].sum(axis=1) if len(students) else np.zeros(0)
        for student, value in zip(students, earned, strict=True):
            rows.append(ObjectiveRow(student, objective, float(value), top,
                                     100 * float(value) / top))
        if len(students):
            mean = float(earned.mean())
            class_rows.append(ObjectiveRow(CLASS_MEAN, objective, mean, top, 100 * mean / top))
    rows.sort(key=lambda r: (r.student_id, list(order).index(r.objective)))
    return rows + class_rows


# ---------------------------------------------------------------- a whole quiz


@dataclass(frozen=True)
class QuizStats:
    """Everything the report shows, for one quiz."""

    questions: tuple[Question, ...]
    students: tuple[str, ...]
    marks: np.ndarray  # students x questions, points
    summary: Summary
    items: tuple[ItemStats, ...]
    responses: dict[str, list[ResponseRow]]  # question id -> rows
    objectives: tuple[ObjectiveRow, ...]
    max_total: float

    @property
    def totals(self) -> np.ndarray:
        return self.marks.sum(axis=1)


def analyse(questions: Sequence[Question], marks: Any, students: Sequence[str],
            answers: Sequence[Mapping[str, Any] | None],
            max_points: Sequence[float] | None = None,
            limits: Thresholds = THRESHOLDS) -> QuizStats:
    """All of the statistics of one quiz from its marks and answers (one row per student)."""
    x = np.asarray(marks, dtype=float).reshape(len(students), len(questions))
    top = [float(m) for m in (max_points or [q.points for q in questions])]
    if len(answers) != len(students):
        raise ValueError("one answers entry per student is needed")
    numbers = item_numbers(x, top)
    total_max = float(sum(top))
    summary = summary_statistics(x.sum(axis=1), numbers.variance, len(questions), total_max)
    n = len(students)
    items = []
    responses = {}
    for i, q in enumerate(questions):
        rows = response_rows(q, answers)
        responses[q.id] = rows
        flags = action_flags(numbers.facility[i], numbers.discrimination_index[i], q, rows,
                             n, limits)
        items.append(ItemStats(
            position=i + 1, question_id=q.id, type=q.type, max_points=top[i],
            facility=numbers.facility[i], sd=numbers.sd[i],
            random_guess_score=random_guess_score(q),
            intended_weight=100 * top[i] / total_max,
            effective_weight=numbers.effective_weight[i],
            discrimination_index=numbers.discrimination_index[i],
            discriminative_efficiency=numbers.discriminative_efficiency[i],
            flags=tuple(flags + numbers.flags[i]), reasons=numbers.reasons[i],
        ))
    return QuizStats(tuple(questions), tuple(students), x, summary, tuple(items), responses,
                     tuple(objective_rows(questions, x, students, top)), total_max)
