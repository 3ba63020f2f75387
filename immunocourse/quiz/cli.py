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
        return _grade(args.course, args.quiz_id)

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


def _grade(course: Path, quiz_id: str) -> int:
    from immunocourse.quiz.course import autograde, export_grades, run_nbgrader

    if not (course / "release" / quiz_id).is_dir():
        print(f"quiz grade: {course / 'release' / quiz_id} does not exist; run "
              f"`nbgrader generate_assignment {quiz_id}` in {course} first", file=sys.stderr)
        return 1
    result = autograde(course, quiz_id)
    for note in result.notes:
        print(f"note: {note}")
    for student in result.failed:
        print(f"quiz grade: {student} could not be autograded; see `nbgrader autograde "
              f"{quiz_id} --student={student}`", file=sys.stderr)
    feedback = run_nbgrader(course, "generate_feedback", quiz_id, check=False)
    if feedback.returncode != 0:
        print("quiz grade: nbgrader generate_feedback failed:", file=sys.stderr)
        print("\n".join(feedback.stderr.splitlines()[-10:]), file=sys.stderr)
    rows = [r for r in export_grades(course) if r["assignment"] == quiz_id]
    print(f"{'student':<20} {'score':>8} {'max':>8}")
    for row in rows:
        print(f"{row['student_id']:<20} {float(row['score']):>8g} {float(row['max_score']):>8g}")
    print(f"grades: {course / 'grades.csv'}  feedback: {course / 'feedback'}")
    return 1 if result.failed or feedback.returncode != 0 else 0
