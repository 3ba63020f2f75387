"""A student's spaced review in their notebook folder: the clock, the course's questions
in order, and how answered questions join ``review.json``.

The lesson quiz (``widgets.Quiz.check``) and the Review notebook (``review_widget``) both
use this module, so neither imports the other. The scheduler itself is ``review.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from immunocourse.quiz import review
from immunocourse.quiz.model import Question
from immunocourse.quiz.progress import ROOT, Lesson, course_banks, course_lessons, unusable
from immunocourse.quiz.scoring import score
from immunocourse.settings import settings


def today() -> dt.date:
    """The local date, or ``IMMUNOCOURSE_TODAY`` (read at each call: a test or a demo can
    move a running kernel's clock by setting the variable)."""
    return settings.today or dt.date.today()


@dataclass(frozen=True)
class CourseQuestion:
    lesson: Lesson
    question: Question


@lru_cache(maxsize=4)
def course_questions(root: str = str(ROOT)) -> dict[str, CourseQuestion]:
    """Every bank question of the course, keyed ``<quiz-id>/<question-id>``, in course order.

    Cached: loading the banks computes their keys (about a second), and a Check button
    should not pay that each time.
    """
    lessons = course_lessons(root)
    banks = course_banks(lessons, root)
    return {review.key(lesson.quiz_id, q.id): CourseQuestion(lesson, q)
            for lesson in lessons for q in banks[lesson.quiz_id].questions}


def sync(cards: review.Cards, answers: Mapping[str, Any],
         questions: Mapping[str, CourseQuestion], day: str) -> list[str]:
    """Enter every question that has a usable saved answer and no card yet; the keys added.

    Question ids are unique across banks, so an answer's id finds its one question.
    """
    added = []
    for card_key, item in questions.items():
        q = item.question
        if (q.id in answers and not unusable(q, answers[q.id])
                and review.enter(cards, card_key, score(q, answers[q.id]).correct, day)):
            added.append(card_key)
    return added


def enter_checked(folder: str | Path, quiz_id: str, question_id: str, given: Any) -> str:
    """A question checked in a lesson quiz joins the review in ``folder``; '' or a problem.

    Questions that are not in the course's banks (a test bank, a renamed quiz) are skipped:
    the Review could never ask them.
    """
    questions = course_questions()
    card_key = review.key(quiz_id, question_id)
    if card_key not in questions or given is None:
        return ""
    day = review.day(today())
    path = Path(folder) / review.REVIEW_FILE
    cards, problems = review.read_state(path, questions, day)
    correct = score(questions[card_key].question, given).correct
    if review.enter(cards, card_key, correct, day) or problems:
        review.write_state(path, cards)
    return "; ".join(problems)
