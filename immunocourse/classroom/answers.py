"""Deterministic simulated students and the score each one must get.

Student ``i`` answers the first ``i mod (questions + 1)`` questions right and leaves the
rest unanswered; every third student also picks one right option of a multiple-choice
question it would have skipped, for a partial score. The expected score comes from
:func:`immunocourse.quiz.scoring.score`, the same rules the quiz shows the student,
computed before anything is submitted.
"""

from __future__ import annotations

from typing import Any

from immunocourse.quiz.model import Question
from immunocourse.quiz.scoring import score


def right_answer(question: Question) -> Any:
    return list(question.answer) if question.type == "multiple" else question.answer


def answers_for(questions: list[Question], index: int) -> dict[str, Any]:
    """Student ``index``'s answers, {question id: answer}."""
    k = index % (len(questions) + 1)
    answers = {q.id: right_answer(q) for q in questions[:k]}
    if index % 3 == 1:
        for q in questions[k:]:
            if q.type == "multiple" and len(q.answer) > 1:
                answers[q.id] = [q.answer[0]]
                break
    return answers


def expected_score(questions: list[Question], answers: dict[str, Any]) -> float:
    return sum(score(q, answers.get(q.id)).points for q in questions)


def wrong_answer(question: Question) -> Any:
    """An answer that does not score full points (a multiple choice half right)."""
    if question.type == "truefalse":
        return not question.answer
    if question.type == "numeric":
        return float(question.answer) + 10 * (abs(float(question.answer)) + question.tolerance
                                              + 1)
    if question.type == "multiple" and len(question.answer) > 1:
        return [question.answer[0]]
    wrong = [o for o in question.options or () if o not in question.answer]
    return [wrong[0]] if question.type == "multiple" else wrong[0]


def distinct_answers(questions: list[Question], index: int) -> dict[str, Any]:
    """Student ``index``'s answers, unlike any other student's (``1 <= index < 2**n``).

    Bit q of ``index`` says whether question q is answered right, so which questions score
    full points tells the students apart: a grade given to the wrong student shows in the
    scores, not only in the total. A question not answered right is left blank or
    answered wrong, alternating, so both kinds of miss are graded.
    """
    if not 1 <= index < 2 ** len(questions):
        raise ValueError(f"student {index}: at most {2 ** len(questions) - 1} students "
                         f"can answer {len(questions)} questions each differently")
    answers: dict[str, Any] = {}
    for q, question in enumerate(questions):
        if index >> q & 1:
            answers[question.id] = right_answer(question)
        elif (index + q) % 2:
            answers[question.id] = wrong_answer(question)
    return answers


def expected_points(questions: list[Question], answers: dict[str, Any]) -> dict[str, float]:
    """{question id: points} the quiz gives these answers."""
    return {q.id: score(q, answers.get(q.id)).points for q in questions}
