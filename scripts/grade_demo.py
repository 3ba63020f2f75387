"""The whole grading round trip on three simulated students, in _build/grade-demo/.

    .venv/bin/python scripts/grade_demo.py        (make grade-demo)

Builds the source notebooks from quizzes/banks, runs nbgrader generate_assignment, lets
three students answer through the quiz widgets in a real kernel, then autogrades,
generates feedback and exports grades.csv, and prints the grade table and the feedback
pages to open. The course folder is kept (and replaced by the next run) under
_build/grade-demo/quizzes; the real quizzes/ folder is never touched.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from immunocourse.grading.course import (  # noqa: E402
    QUIZZES_DIR,
    autograde,
    export_grades,
    new_course,
    question_scores,
    run_nbgrader,
)
from immunocourse.quiz.bank import load_bank  # noqa: E402
from tests.helpers.students import simulate_student  # noqa: E402

QUIZ = "immune-system"
DEMO_DIR = Path(__file__).resolve().parents[1] / "_build" / "grade-demo"


def student_answers() -> dict[str, dict]:
    bank = load_bank(QUIZZES_DIR / "banks" / f"{QUIZ}.yml")
    right = {q.id: list(q.answer) if q.type == "multiple" else q.answer for q in bank.questions}
    wrongish = {
        "which-cells-make-antibodies": "Cytotoxic T cells",
        "granulocytes": ["Neutrophils", "Basophils", "Dendritic cells"],  # 1 of 3 points
        "t-cells-destroy": True,
        "dormant-size": 8.5,  # read off the figure, within the tolerance
        "escaped-size": 100,  # too far off
    }
    return {"ada": right, "ben": wrongish, "cleo": {"granulocytes": ["Neutrophils"]}}


def main() -> int:
    start = time.perf_counter()
    shutil.rmtree(DEMO_DIR, ignore_errors=True)  # the previous run's class
    course = new_course(DEMO_DIR / "quizzes", quiz_ids=[QUIZ])
    print(f"course folder: {course}")
    run_nbgrader(course, "generate_assignment", QUIZ)
    count = len(load_bank(course / "banks" / f"{QUIZ}.yml").questions)
    for student, answers in student_answers().items():
        simulate_student(course, QUIZ, student, answers)
        print(f"{student}: answered {len(answers)} of {count} questions through the widgets")
    result = autograde(course, QUIZ)
    if result.failed:
        print(f"could not autograde: {', '.join(result.failed)}", file=sys.stderr)
        return 1
    run_nbgrader(course, "generate_feedback", QUIZ)
    rows = export_grades(course)
    per_question = question_scores(course, QUIZ)
    ids = [q.id for q in load_bank(course / "banks" / f"{QUIZ}.yml").questions]
    print()
    print("question".ljust(30) + "".join(f"{s:>8}" for s in per_question))
    for qid in ids:
        cells = "".join(f"{per_question[s][f'test-{qid}']:>8.3g}" for s in per_question)
        print(qid[:29].ljust(30) + cells)
    print()
    print(f"{'student':<10}{'score':>8}{'max':>8}")
    for row in rows:
        print(f"{row['student_id']:<10}{float(row['score']):>8.4g}"
              f"{float(row['max_score']):>8.4g}")
    print(f"\ngrades: {course / 'grades.csv'}")
    print("feedback pages (open in a browser):")
    for page in sorted(course.glob("feedback/*/*/*.html")):
        if page.is_file():  # print only what is there to open
            print(f"  {page}")
    print(f"round trip took {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
