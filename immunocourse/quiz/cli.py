"""``python -m immunocourse quiz check|build|grade|stats|export``: the quiz command line.

``grade`` and ``stats`` belong to the grading layer, above this one: ``python -m immunocourse``
passes them in (``grade=``, ``stats=``), so this module never imports upwards.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
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
    stats = sub.add_parser(
        "stats", help="item statistics as Moodle computes them, and the instructor's report, "
                      "from the gradebook and the graded answers")
    stats.add_argument("quiz_ids", nargs="*", metavar="QUIZ", help="quiz ids")
    stats.add_argument("--all", action="store_true", dest="all_quizzes",
                       help="every quiz of the course's banks, then course.objectives.csv "
                            "and course.html")
    stats.add_argument("--course", type=Path, default=BANKS_DIR.parent,
                       help="nbgrader course folder (default: quizzes)")
    stats.add_argument("--out", type=Path, default=None,
                       help="folder for the reports (default: COURSE/reports, so "
                            "quizzes/reports)")
    export = sub.add_parser(
        "export", help="write banks for Moodle (XML) or Canvas (QTI .zip); see quiz/lms.py")
    export.add_argument("--format", required=True, choices=("moodle", "qti"), dest="fmt",
                        help="moodle: <quiz-id>.moodle.xml; qti: <quiz-id>.qti.zip (Canvas)")
    export.add_argument("quiz_ids", nargs="*", metavar="QUIZ",
                        help="quiz ids (default: every bank)")
    export.add_argument("--out", type=Path, required=True, help="output folder")
    export.add_argument("--banks", type=Path, default=BANKS_DIR, help="folder of banks")
    return parser


GradeCommand = Callable[[Path, str, "int | None"], int]
# (course, quiz ids, --all, --out) -> exit status
StatsCommand = Callable[[Path, list[str], bool, "Path | None"], int]


def main(argv: list[str], grade: GradeCommand | None = None,
         stats: StatsCommand | None = None) -> int:
    """Run one quiz command; ``grade`` is :func:`immunocourse.grading.cli.grade` and
    ``stats`` :func:`immunocourse.grading.cli.stats`."""
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
        if grade is None:
            print("quiz grade: run it as `python -m immunocourse quiz grade`", file=sys.stderr)
            return 2
        return grade(args.course, args.quiz_id, args.jobs)

    if args.command == "stats":
        if not args.quiz_ids and not args.all_quizzes:
            print("quiz stats: name one or more quizzes, or give --all", file=sys.stderr)
            return 2
        if stats is None:
            print("quiz stats: run it as `python -m immunocourse quiz stats`", file=sys.stderr)
            return 2
        return stats(args.course, list(args.quiz_ids), args.all_quizzes, args.out)

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
