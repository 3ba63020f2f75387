"""``python -m immunocourse quiz grade QUIZ --jobs N`` on fresh, never-graded submissions.

One class is submitted once, copied, and graded twice: serially (``--jobs 1``) and by two
workers (``--jobs 2``). Both must turn every submission into the grade its answers are
worth, end with the same summary, and leave a gradebook whose ``nbgrader export`` is the
same CSV apart from timestamps.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from immunocourse.grading.course import nbgrader_env, new_course, run_nbgrader
from immunocourse.quiz.answers import write_answers
from immunocourse.quiz.bank import load_bank
from tests.helpers.students import simulate_student

pytestmark = pytest.mark.slow

COURSE_BANKS = Path(__file__).parent / "data" / "banks" / "course"
QUIZ = "immune-system"
BANK = load_bank(COURSE_BANKS / f"{QUIZ}.yml")
RIGHT = {q.id: list(q.answer) if q.type == "multiple" else q.answer for q in BANK.questions}
# Totals worked out by hand from tests/data/banks/course/immune-system.yml (13 points):
EXPECTED = {
    "alice": 13.0,  # every answer right, clicked through the widgets in a real kernel
    # granulocytes: 1 right - 1 wrong picked = 0 of 3; main-types-count 5 is right: 1
    "bob": 1.0,
    # antibodies (1) + t-cells-destroy true (1) + length-depends-on-response false (1)
    "cara": 3.0,
    # notebook replaced by a link to alice's: set aside, graded from answers.json: 1
    "dan": 1.0,
}


def _grade(course: Path, jobs: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "immunocourse", "quiz", "grade", QUIZ,
         "--course", str(course), "--jobs", str(jobs)],
        env=nbgrader_env(60), capture_output=True, text=True, timeout=900,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("parallel")
    course = new_course(root / "serial", banks_dir=COURSE_BANKS, quiz_ids=[QUIZ])
    run_nbgrader(course, "generate_assignment", QUIZ)
    alice = simulate_student(course, QUIZ, "alice", RIGHT)
    answers = {
        "bob": {"granulocytes": ["Neutrophils", "Dendritic cells"], "main-types-count": 5},
        "cara": {"which-cells-make-antibodies": "B-cell lymphocytes", "t-cells-destroy": True,
                 "length-depends-on-response": False},
        "dan": {"into-the-bladder": "Bladder cancer"},
        "eve": RIGHT,
    }
    for student, given in answers.items():
        folder = course / "submitted" / student / QUIZ
        shutil.copytree(alice, folder)
        write_answers(folder / "answers.json", given)
    assert not (course / "autograded").exists()  # nothing graded before `quiz grade`
    parallel = root / "parallel"
    shutil.copytree(course, parallel)
    for folder in (course, parallel):
        dan = folder / "submitted" / "dan" / QUIZ / f"{QUIZ}.ipynb"
        dan.unlink()
        dan.symlink_to(folder / "submitted" / "alice" / QUIZ / f"{QUIZ}.ipynb")
        eve_stamp = folder / "submitted" / "eve" / QUIZ / "timestamp.txt"
        eve_stamp.unlink()
        os.mkfifo(eve_stamp)  # nbgrader would block reading it: eve cannot be graded
    return {"serial": (course, _grade(course, 1)), "parallel": (parallel, _grade(parallel, 2))}


def _table(stdout: str) -> dict[str, float]:
    return {line.split()[0]: float(line.split()[1]) for line in stdout.splitlines()
            if line.split() and line.split()[0] in EXPECTED}


@pytest.mark.parametrize("mode", ["serial", "parallel"])
def test_fresh_submissions_become_grades(runs: dict, mode: str):
    course, proc = runs[mode]
    assert proc.returncode == 1, proc.stderr[-3000:]  # eve could not be graded
    assert _table(proc.stdout) == EXPECTED
    assert "students graded: 4   mean score: 4.50 of 13   failures: 1" in proc.stdout
    assert "failed: eve: NbGraderException:" in proc.stdout
    assert "timestamp.txt is a named pipe (FIFO)" in proc.stdout
    for student in EXPECTED:
        assert (course / "feedback" / student / QUIZ / f"{QUIZ}.html").is_file(), student
    assert "Traceback" not in proc.stdout


def test_progress_bar_counts_the_class(runs: dict):
    _, proc = runs["parallel"]
    assert f"autograde {QUIZ}: 100%" in proc.stderr and "5/5" in proc.stderr
    assert f"feedback {QUIZ}: 100%" in proc.stderr and "4/4" in proc.stderr


def _csv_without_timestamps(course: Path) -> list[dict[str, str]]:
    run_nbgrader(course, "export")
    with open(course / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = [{k: v for k, v in row.items() if k != "timestamp"} for row in csv.DictReader(fh)]
    return sorted(rows, key=lambda r: (r["assignment"], r["student_id"]))


def test_export_after_a_parallel_run_equals_a_serial_one(runs: dict):
    serial = _csv_without_timestamps(runs["serial"][0])
    parallel = _csv_without_timestamps(runs["parallel"][0])
    assert [r["student_id"] for r in serial] == ["alice", "bob", "cara", "dan", "eve"]
    assert parallel == serial


def test_workers_share_sqlite_through_wal_and_a_busy_timeout(tmp_path: Path):
    from nbgrader.api import Gradebook

    from immunocourse.grading.parallel import prepare_gradebook, worker_db_url

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.add_assignment(QUIZ)
    prepare_gradebook(url, QUIZ, ["ann", "ben"])  # before any worker starts
    with Gradebook(worker_db_url(url)) as gb:
        assert sorted(s.id for s in gb.students) == ["ann", "ben"]
    import sqlite3

    with sqlite3.connect(tmp_path / "gradebook.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert worker_db_url(url) == f"{url}?timeout=300"
    # a server database is shared as it is
    assert worker_db_url("postgresql://grader@db/course") == "postgresql://grader@db/course"
