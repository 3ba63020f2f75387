"""Every lesson's quiz works as an nbgrader assignment: perfect marks full, empty marks zero."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from immunocourse.grading.course import autograde, export_grades, new_course, run_nbgrader
from immunocourse.quiz import load_bank
from immunocourse.quiz.answers import write_answers
from immunocourse.quiz.bank import BANKS_DIR
from tests.test_lessons import LESSONS, bank_of

pytestmark = pytest.mark.slow

QUIZ_IDS = sorted({bank_of(lesson) for lesson in LESSONS})


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], float]:
    """Release every lesson quiz, submit a perfect and an empty folder each, grade all."""
    course = new_course(tmp_path_factory.mktemp("lessons") / "quizzes", quiz_ids=QUIZ_IDS)
    for quiz_id in QUIZ_IDS:
        run_nbgrader(course, "generate_assignment", quiz_id)
        key = {q.id: list(q.answer) if q.type == "multiple" else q.answer
               for q in load_bank(BANKS_DIR / f"{quiz_id}.yml").questions}
        for student, answers in (("perfect", key), ("empty", None)):
            folder = course / "submitted" / student / quiz_id
            shutil.copytree(course / "release" / quiz_id, folder)
            (folder / "timestamp.txt").write_text("2026-11-27 00:00:00 UTC")
            if answers is not None:
                write_answers(folder / "answers.json", answers)
        run = autograde(course, quiz_id)
        assert run.failed == [], f"{quiz_id}: could not autograde {run.failed}\n{run.log[-2000:]}"
    return {(row["assignment"], row["student_id"]): float(row["raw_score"])
            for row in export_grades(course)}


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_perfect_submission_gets_full_marks(graded_course, quiz_id: str) -> None:
    total = sum(q.points for q in load_bank(BANKS_DIR / f"{quiz_id}.yml").questions)
    assert graded_course[(quiz_id, "perfect")] == pytest.approx(total)


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_empty_submission_gets_zero(graded_course, quiz_id: str) -> None:
    assert graded_course[(quiz_id, "empty")] == 0


def test_every_lesson_quiz_is_graded() -> None:
    assert len(QUIZ_IDS) == len(LESSONS) and Path(BANKS_DIR).is_dir()
