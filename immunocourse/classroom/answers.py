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
