"""A class of 200 graded through nbgrader's exchange and a PostgreSQL gradebook.

    sudo .venv/bin/python benchmarks/bench_class.py [--students 200] [--jobs N]

Setup (not timed): a throwaway PostgreSQL cluster on 127.0.0.1, a temporary course folder
and exchange, the quiz released, and every student's fetch and submit done with nbgrader's
own exchange classes (ExchangeFetchAssignment, ExchangeSubmit), answers deterministic as
in the class demo. Timed: collect, parallel autograde against PostgreSQL, feedback, export.
Prints each step and the total from collect to exported grades, with the core count.
Needs root (PostgreSQL runs as the ``postgres`` account); otherwise it says so and skips.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from immunocourse.classroom.answers import answers_for, expected_score  # noqa: E402
from immunocourse.classroom.grading import autograde_parallel  # noqa: E402
from immunocourse.classroom.postgres import Postgres  # noqa: E402
from immunocourse.grading.course import COURSE_ID, new_course, run_nbgrader  # noqa: E402
from immunocourse.grading.parallel import Nbgrader  # noqa: E402
from immunocourse.quiz.answers import ANSWERS_FILE, write_answers  # noqa: E402
from immunocourse.quiz.bank import BANKS_DIR, load_bank  # noqa: E402

QUIZ = "immune-system"
DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "jupyterhub"


def exchange_config(exchange: Path, student: str, folder: Path, cache: Path) -> Any:
    from traitlets.config import Config

    cfg = Config()
    cfg.Exchange.root = str(exchange)
    cfg.Exchange.path_includes_course = True
    cfg.Exchange.assignment_dir = str(folder)
    cfg.Exchange.cache = str(cache)
    cfg.CourseDirectory.course_id = COURSE_ID
    cfg.CourseDirectory.assignment_id = QUIZ
    cfg.CourseDirectory.student_id = student
    return cfg


def fetch_and_submit(exchange: Path, student: str, folder: Path, cache: Path,
                     answers: dict) -> None:
    """What `nbgrader fetch_assignment` and `nbgrader submit` do, in this process."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit

    for cls in (ExchangeFetchAssignment, ExchangeSubmit):
        if cls is ExchangeSubmit:
            write_answers(folder / COURSE_ID / QUIZ / ANSWERS_FILE, answers)
        cfg = exchange_config(exchange, student, folder, cache)
        cls(coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg),
            config=cfg).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores")
    if os.geteuid() != 0:
        print("skipped: bench_class.py starts PostgreSQL as the postgres account; run as root")
        return 0
    questions = load_bank(BANKS_DIR / f"{QUIZ}.yml").questions
    students = [f"s{i:03d}" for i in range(1, args.students + 1)]
    with tempfile.TemporaryDirectory(prefix="immunocourse-bench-class-") as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)  # the postgres account must reach its data folder
        pg = Postgres(tmp / "postgres")
        pg.create()
        try:
            course = new_course(tmp / "course", quiz_ids=[QUIZ])
            with open(course / "nbgrader_config.py", "a") as fh:
                fh.write((DEPLOY / "nbgrader_course.py").read_text())
            exchange = tmp / "exchange"
            exchange.mkdir(mode=0o1777)
            os.environ["IMMUNOCOURSE_EXCHANGE_ROOT"] = str(exchange)
            os.environ["IMMUNOCOURSE_DB_URL"] = pg.url

            def run(*a: str, check: bool = True):
                return run_nbgrader(course, *a, check=check)

            run("generate_assignment", QUIZ)
            run("release_assignment", QUIZ)
            expected = {}
            for i, student in enumerate(students, start=1):
                answers = answers_for(questions, i)
                expected[student] = expected_score(questions, answers)
                fetch_and_submit(exchange, student, tmp / "homes" / student,
                                 tmp / "cache" / student, answers)
            print(f"{len(students)} submissions in the exchange; grading with "
                  f"{args.jobs} workers against PostgreSQL")

            steps = {}
            t0 = time.perf_counter()
            run("collect", QUIZ)
            steps["collect"] = time.perf_counter() - t0
            t = time.perf_counter()
            failed = autograde_parallel(Nbgrader.here(), course, QUIZ, args.jobs, pg.url)
            steps["autograde"] = time.perf_counter() - t
            t = time.perf_counter()
            run("generate_feedback", QUIZ)
            run("release_feedback", QUIZ)
            steps["feedback"] = time.perf_counter() - t
            t = time.perf_counter()
            run("export")
            steps["export"] = time.perf_counter() - t
            total = time.perf_counter() - t0
            with open(course / "grades.csv", encoding="utf-8") as fh:
                got = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
        finally:
            pg.stop()
    wrong = [s for s in students if abs(got.get(s, -1) - expected[s]) > 1e-6]
    for name, seconds in steps.items():
        print(f"  {name:<10}{seconds:8.1f} s")
    print(f"collect -> exported grades: {total:.1f} s for {len(students)} students "
          f"({total / len(students):.2f} s each) on {os.cpu_count()} cores")
    if failed or wrong:
        print(f"NOT all graded as expected: failed {failed[:5]}, wrong {wrong[:5]}")
        return 1
    print("every score as expected")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
