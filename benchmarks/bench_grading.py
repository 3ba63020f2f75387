"""Autograding cost of a quiz against nbgrader's floor, on this machine.

    .venv/bin/python benchmarks/bench_grading.py [--students 30]

Autogrades N submissions of the 10-question immune-system quiz and, in the same run, N
submissions of a one-cell assignment (one autograded cell, nothing else), and prints the
seconds per submission of each and their ratio (target: at most 1.3). Runs in a
temporary course folder; quizzes/ is not touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat  # noqa: E402

from immunocourse.quiz.answers import write_answers  # noqa: E402
from immunocourse.quiz.bank import load_bank  # noqa: E402
from immunocourse.quiz.course import new_course, run_nbgrader, simulate_student  # noqa: E402

QUIZ = "immune-system"
# The fixed 10-question bank the grading tests use (tests/data/banks/course).
BANKS = Path(__file__).resolve().parents[1] / "tests" / "data" / "banks" / "course"
FLOOR = "one-cell"


def floor_notebook() -> nbformat.NotebookNode:
    meta = {"nbgrader": {"grade": True, "grade_id": "only", "locked": True, "points": 1,
                         "schema_version": 3, "solution": False, "task": False}}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("assert True", metadata=meta)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def timed_autograde(course: Path, assignment: str, n: int) -> float:
    start = time.perf_counter()
    run_nbgrader(course, "autograde", assignment)
    elapsed = time.perf_counter() - start
    graded = list((course / "autograded").glob(f"*/{assignment}/{assignment}.ipynb"))
    if len(graded) != n:
        raise SystemExit(f"only {len(graded)} of {n} {assignment} submissions were graded")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    n = parser.parse_args(argv).students
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="immunocourse-bench-") as tmp:
        course = new_course(Path(tmp) / "quizzes", banks_dir=BANKS, quiz_ids=[QUIZ])
        floor_dir = course / "source" / FLOOR
        floor_dir.mkdir(parents=True)
        nbformat.write(floor_notebook(), floor_dir / f"{FLOOR}.ipynb")
        run_nbgrader(course, "generate_assignment", QUIZ)
        run_nbgrader(course, "generate_assignment", FLOOR)

        bank = load_bank(course / "banks" / f"{QUIZ}.yml")
        first = simulate_student(course, QUIZ, "s000", {q.id: q.answer if q.type != "multiple"
                                                       else list(q.answer)
                                                       for q in bank.questions})
        for i in range(1, n):
            folder = course / "submitted" / f"s{i:03d}" / QUIZ
            shutil.copytree(first, folder)
            # vary the answers so no two submissions are the same file
            answers = {"main-types-count": float(i % 7), "t-cells-destroy": bool(i % 2)}
            write_answers(folder / "answers.json", answers)
        for i in range(n):
            folder = course / "submitted" / f"s{i:03d}" / FLOOR
            shutil.copytree(course / "release" / FLOOR, folder)
            (folder / "timestamp.txt").write_text("2026-11-26 12:00:00 UTC")

        quiz_s = timed_autograde(course, QUIZ, n)
        floor_s = timed_autograde(course, FLOOR, n)
    per_quiz, per_floor = quiz_s / n, floor_s / n
    print(f"quiz ({len(bank.questions)} questions): {n} submissions in {quiz_s:.1f} s = "
          f"{per_quiz:.2f} s per submission")
    print(f"one-cell floor: {n} submissions in {floor_s:.1f} s = {per_floor:.2f} s per submission")
    print(f"ratio quiz/floor: {per_quiz / per_floor:.2f} (target <= 1.3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
