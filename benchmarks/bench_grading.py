"""Autograding cost of a quiz against nbgrader's floor, on this machine.

    .venv/bin/python benchmarks/bench_grading.py [--students 30]

Autogrades N submissions of the 10-question immune-system quiz and, in the same run, N
submissions of a one-cell assignment (one autograded cell, nothing else), in two rounds
(the second with ``--force``), and prints the seconds per submission of each (its faster
round) and their ratio (target: at most 1.3). Both go through the course's
``nbgrader_config.py``, warm grading kernels included.

Then grades a class of ``--class-size`` (default 200) simulated students on the same quiz
with ``quiz grade``'s machinery (``class_grading.grade_class``, autograde only), serially
(one worker) and with ``--jobs`` workers (default 2), and prints both times and their
ratio (target: the class of 200 in at most 120 s on 2 cores). ``--class-size 0`` skips it.
Runs in temporary course folders; quizzes/ is not touched. The timings are wall-clock and
include anything else the machine is doing: run it on a quiet machine.
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

from immunocourse.grading.course import new_course, run_nbgrader  # noqa: E402
from immunocourse.quiz.answers import write_answers  # noqa: E402
from immunocourse.quiz.bank import load_bank  # noqa: E402
from tests.helpers.students import simulate_student  # noqa: E402

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


def timed_autograde(course: Path, assignment: str, n: int, *extra: str) -> float:
    start = time.perf_counter()
    run_nbgrader(course, "autograde", assignment, *extra)
    elapsed = time.perf_counter() - start
    graded = list((course / "autograded").glob(f"*/{assignment}/{assignment}.ipynb"))
    if len(graded) != n:
        raise SystemExit(f"only {len(graded)} of {n} {assignment} submissions were graded")
    return elapsed


def bench_class(size: int, jobs: int) -> None:
    """A class of ``size`` graded by one worker, then by ``jobs`` workers."""
    from immunocourse.grading.parallel import grade_class

    with tempfile.TemporaryDirectory(prefix="immunocourse-bench-class-") as tmp:
        serial = new_course(Path(tmp) / "serial", banks_dir=BANKS, quiz_ids=[QUIZ])
        run_nbgrader(serial, "generate_assignment", QUIZ)
        bank = load_bank(serial / "banks" / f"{QUIZ}.yml")
        first = simulate_student(serial, QUIZ, "s000", {
            q.id: q.answer if q.type != "multiple" else list(q.answer) for q in bank.questions})
        for i in range(1, size):
            folder = serial / "submitted" / f"s{i:03d}" / QUIZ
            shutil.copytree(first, folder)
            write_answers(folder / "answers.json",
                          {"main-types-count": float(i % 7), "t-cells-destroy": bool(i % 2)})
        parallel = Path(tmp) / "parallel"
        shutil.copytree(serial, parallel)
        times = {}
        for label, course, workers in (("serial", serial, 1), (f"--jobs {jobs}", parallel, jobs)):
            start = time.perf_counter()
            run = grade_class(course, QUIZ, workers, progress=False, feedback=False)
            times[label] = time.perf_counter() - start
            if run.failures or len(run.graded) != size:
                raise SystemExit(f"{label}: {len(run.graded)} of {size} graded, "
                                 f"failures: {run.failures}")
            print(f"class of {size}, {label}: {times[label]:.1f} s "
                  f"({times[label] / size:.2f} s per student)", flush=True)
    ratio = times["serial"] / times[f"--jobs {jobs}"]
    print(f"speed-up serial/--jobs {jobs}: {ratio:.2f} on {os.cpu_count()} cores "
          f"(target: class of 200 in <= 120 s on 2 cores)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--class-size", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    n = args.students
    print(f"machine: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
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

        # Two rounds, quiz and floor in turn (the second regrades with --force); each one's
        # faster round counts, so a burst of other work on the machine skews neither.
        rounds = []
        for extra in ((), ("--force",)):
            rounds.append((timed_autograde(course, QUIZ, n, *extra),
                           timed_autograde(course, FLOOR, n, *extra)))
    for i, (q, f) in enumerate(rounds, start=1):
        print(f"round {i}: quiz {q:.1f} s, floor {f:.1f} s for {n} submissions each")
    quiz_s, floor_s = min(q for q, _ in rounds), min(f for _, f in rounds)
    per_quiz, per_floor = quiz_s / n, floor_s / n
    print(f"quiz ({len(bank.questions)} questions): {n} submissions in {quiz_s:.1f} s = "
          f"{per_quiz:.2f} s per submission")
    print(f"one-cell floor: {n} submissions in {floor_s:.1f} s = {per_floor:.2f} s per submission")
    print(f"ratio quiz/floor: {per_quiz / per_floor:.2f} (target <= 1.3)", flush=True)
    if args.class_size > 0:
        bench_class(args.class_size, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
