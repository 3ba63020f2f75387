"""``python -m immunocourse quiz check PATH...`` and ``python -m immunocourse quiz build``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from immunocourse.quiz.bank import BANKS_DIR, BankError, shared_question_ids, validate_paths


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's usage dump, but exit 2 like us
        self.print_usage(sys.stderr)
        print(f"quiz: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m immunocourse quiz", description="Question banks.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate banks (files or folders); writes nothing")
    check.add_argument("paths", nargs="*", type=Path, default=[BANKS_DIR],
                       help=f"bank files or folders (default: {BANKS_DIR})")
    build = sub.add_parser("build", help="write the nbgrader source notebooks")
    build.add_argument("--banks", type=Path, default=BANKS_DIR, help="folder of banks")
    build.add_argument("--out", type=Path, default=None,
                       help="folder for <quiz-id>/<quiz-id>.ipynb (default: quizzes/source)")
    grade = sub.add_parser(
        "grade", help="autograde a quiz for the whole class, then feedback and grades.csv")
    grade.add_argument("quiz_id")
    grade.add_argument("--course", type=Path, default=BANKS_DIR.parent,
                       help="nbgrader course folder (default: quizzes)")
    grade.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="worker processes (default: the number of cores)")
    export = sub.add_parser(
        "export", help="write banks for Moodle (XML) or Canvas (QTI .zip); see quiz/lms.py")
    export.add_argument("--format", required=True, choices=("moodle", "qti"), dest="fmt",
                        help="moodle: <quiz-id>.moodle.xml; qti: <quiz-id>.qti.zip (Canvas)")
    export.add_argument("quiz_ids", nargs="*", metavar="QUIZ",
                        help="quiz ids (default: every bank)")
    export.add_argument("--out", type=Path, required=True, help="output folder")
    export.add_argument("--banks", type=Path, default=BANKS_DIR, help="folder of banks")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        problems = validate_paths(args.paths)
        for line in problems:
            print(line)  # like linters: problems on stdout, one per line
        if problems:
            print(f"quiz check: {len(problems)} problem(s)", file=sys.stderr)
            return 1
        for warning in shared_question_ids(args.paths):
            print(f"warning: {warning}", file=sys.stderr)
        print(f"quiz check: OK ({', '.join(map(str, args.paths))})")
        return 0

    if args.command == "grade":
        if args.jobs is not None and args.jobs < 1:
            print(f"quiz grade: --jobs must be at least 1, not {args.jobs}", file=sys.stderr)
            return 2
        return _grade(args.course, args.quiz_id, args.jobs)

    if args.command == "export":
        from immunocourse.quiz.lms import main_export

        return main_export(args.quiz_ids, args.fmt, args.out, args.banks)

    from immunocourse.quiz.build import SOURCE_DIR, build

    try:
        written = build(args.banks, args.out or SOURCE_DIR)
    except BankError as exc:
        return exc.report("quiz build")
    except OSError as exc:
        print(f"quiz build: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def _grade(course: Path, quiz_id: str, jobs: int | None) -> int:
    from immunocourse.quiz.class_grading import grade_class
    from immunocourse.quiz.course import export_grades

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
    return 1 if result.failures else 0
