"""``python -m immunocourse quiz grade QUIZ [--jobs N]``: autograde, feedback, grades.csv and
the quiz's statistics for a whole class, with a closing table; ``quiz stats`` (the parsers
are :mod:`immunocourse.quiz.cli`'s)."""

from __future__ import annotations

import sys
from pathlib import Path

from immunocourse.grading.course import export_grades
from immunocourse.grading.parallel import grade_class


def grade(course: Path, quiz_id: str, jobs: int | None) -> int:
    """Grade ``quiz_id`` in the course folder ``course`` with ``jobs`` workers; the exit status."""
    if not (course / "release" / quiz_id).is_dir():
        print(f"quiz grade: {course / 'release' / quiz_id} does not exist; run "
              f"`nbgrader generate_assignment {quiz_id}` in {course} first", file=sys.stderr)
        return 1
    try:
        result = grade_class(course, quiz_id, jobs)
    except RuntimeError as exc:
        print(f"quiz grade: {exc}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"note: {note}")
    rows = [r for r in export_grades(course) if r["assignment"] == quiz_id
            and r["student_id"] in result.graded]
    print(f"{'student':<20} {'score':>8} {'max':>8}")
    for row in rows:
        print(f"{row['student_id']:<20} {float(row['score']):>8g} {float(row['max_score']):>8g}")
    mean = sum(float(r["score"]) for r in rows) / len(rows) if rows else 0.0
    top = float(rows[0]["max_score"]) if rows else 0.0
    print(f"students graded: {len(result.graded)}   mean score: {mean:.2f} of {top:g}   "
          f"failures: {len(result.failures)}")
    for student, reason in sorted(result.failures.items()):
        print(f"failed: {student}: {reason}")
    print(f"grades: {course / 'grades.csv'}  feedback: {course / 'feedback'}")
    if result.graded:  # what the class learned; its faults never change grading's status
        from immunocourse.grading.stats_cli import run_stats

        try:
            run_stats(course, [quiz_id])
        except Exception as exc:  # the grades are saved: a report bug must not hide that
            print(f"quiz stats: {quiz_id}: not written ({type(exc).__name__}: "
                  f"{' '.join(str(exc).split())[:200]}); run `quiz stats {quiz_id}` again",
                  file=sys.stderr)
    return 1 if result.failures else 0


def stats(course: Path, quiz_ids: list[str], all_quizzes: bool, out: Path | None) -> int:
    """``quiz stats``: see :mod:`immunocourse.grading.stats_cli`; the exit status."""
    from immunocourse.grading.stats_cli import run_stats

    return run_stats(course, quiz_ids, all_quizzes=all_quizzes, out=out)
