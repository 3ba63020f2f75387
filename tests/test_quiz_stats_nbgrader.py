"""``quiz stats`` after a real ``quiz grade`` (real ``nbgrader autograde``) in a temporary course.

Five students on the fixed 10-question bank of the grading tests (13 points): alice answers
through the widgets in a real kernel, bob and cara have their answers written, dan's
answers.json is not JSON and eve handed in none. ``quiz grade`` writes the reports at the
end; every number below is worked out by hand from those answers.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from immunocourse.grading.course import COURSE_ID, course_db_url, nbgrader_env, new_course
from immunocourse.grading.course import run_nbgrader as nbgrader
from immunocourse.grading.stats_cli import questions_csv, run_stats
from immunocourse.quiz.answers import write_answers
from immunocourse.quiz.bank import load_bank
from immunocourse.quiz.stats import analyse
from tests.helpers.students import simulate_student

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]

COURSE_BANKS = Path(__file__).parent / "data" / "banks" / "course"
QUIZ = "immune-system"
BANK = load_bank(COURSE_BANKS / f"{QUIZ}.yml")
RIGHT = {q.id: list(q.answer) if q.type == "multiple" else q.answer for q in BANK.questions}
BOB = {"which-cells-make-antibodies": "T-cell lymphocytes",
       "granulocytes": ["Neutrophils", "Eosinophils", "Dendritic cells"],
       "main-types-count": 5}
CARA = {"which-cells-make-antibodies": "B-cell lymphocytes", "t-cells-destroy": True,
        "length-depends-on-response": False, "into-the-bladder": "Bladder cancer"}
# Points per question, by hand (only non-zero ones): 13, 2, 4, 0, 0
POINTS = {
    "alice": {q.id: q.points for q in BANK.questions},
    "bob": {"granulocytes": 1.0,  # 2 right - 1 wrong of 3 right options, x 3 points
            "main-types-count": 1.0},
    "cara": {"which-cells-make-antibodies": 1.0, "t-cells-destroy": 1.0,
             "length-depends-on-response": 1.0, "into-the-bladder": 1.0},
    "dan": {},  # answers.json is not JSON
    "eve": {},  # no answers.json
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    course = new_course(tmp_path_factory.mktemp("stats-nbgrader") / "course",
                        banks_dir=COURSE_BANKS, quiz_ids=[QUIZ])
    nbgrader(course, "generate_assignment", QUIZ)
    alice = simulate_student(course, QUIZ, "alice", RIGHT)
    for student, given in (("bob", BOB), ("cara", CARA), ("dan", None), ("eve", None)):
        folder = course / "submitted" / student / QUIZ
        shutil.copytree(alice, folder)
        if given is not None:
            write_answers(folder / "answers.json", given)
    (course / "submitted" / "dan" / QUIZ / "answers.json").write_bytes(b'{"granulocytes": [')
    (course / "submitted" / "eve" / QUIZ / "answers.json").unlink()
    proc = subprocess.run(
        [sys.executable, "-m", "immunocourse", "quiz", "grade", QUIZ, "--course", str(course),
         "--jobs", "2"],
        env=nbgrader_env(60), capture_output=True, text=True, timeout=900)
    return course, proc


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_quiz_grade_ends_with_the_statistics(graded):
    course, proc = graded
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "students graded: 5   mean score: 3.80 of 13   failures: 0" in proc.stdout
    # totals 13, 2, 4, 0, 0: mean 19/5
    assert f"{QUIZ}: 5 students, mean 3.80 of 13" in proc.stdout
    assert "note: immune-system: 2 of 5 students' answers.json was missing or could not be " \
           "read" in proc.stdout
    reports = course / "reports"
    assert sorted(p.name for p in reports.iterdir()) == [
        f"{QUIZ}.html", f"{QUIZ}.questions.csv", f"{QUIZ}.responses.csv",
        f"{QUIZ}.summary.json", "plotly-cartesian.min.js"]


def test_summary_by_hand(graded):
    course, _ = graded
    data = json.loads((course / "reports" / f"{QUIZ}.summary.json").read_text())
    assert (data["n"], data["mean"], data["median"]) == (5, pytest.approx(19 / 5), 2)
    assert data["answers_unreadable"] == 2  # dan's is not JSON, eve's is missing
    assert data["max"] == 13


def test_facility_and_responses_by_hand(graded):
    course, _ = graded
    items = {r["question_id"]: r for r in rows(course / "reports" / f"{QUIZ}.questions.csv")}
    # alice and cara of 5
    assert items["which-cells-make-antibodies"]["facility"] == "40"
    # granulocytes: alice 3 + bob 1 of 5 x 3 points = 4/15
    assert items["granulocytes"]["facility"] == "26.6667"
    responses = [(r["question_id"], r["response"], r["count"])
                 for r in rows(course / "reports" / f"{QUIZ}.responses.csv")]
    assert [r[1:] for r in responses if r[0] == "granulocytes"] == [
        ("Neutrophils", "2"), ("Eosinophils", "2"), ("Basophils", "1"),
        ("Dendritic cells", "1"), ("T-cell lymphocytes", "0"), ("(no answer)", "3")]
    assert [r[1:] for r in responses if r[0] == "which-cells-make-antibodies"] == [
        ("B-cell lymphocytes", "2"), ("T-cell lymphocytes", "1"), ("Dendritic cells", "0"),
        ("Neutrophils", "0"), ("(no answer)", "2")]
    # numeric: the distinct answers given, most frequent first
    assert [r[1:] for r in responses if r[0] == "main-types-count"] == [
        ("5", "2"), ("(no answer)", "3")]


def test_every_number_is_that_of_the_hand_worked_marks(graded):
    """The gradebook's marks after real grading are the hand-worked ones, so the whole table
    is what the (separately tested) formulas give for them."""
    course, _ = graded
    students = sorted(POINTS)
    marks = [[POINTS[s].get(q.id, 0.0) for q in BANK.questions] for s in students]
    answers = [RIGHT, BOB, CARA, None, None]
    expected = analyse(BANK.questions, marks, students, answers)
    assert (course / "reports" / f"{QUIZ}.questions.csv").read_text() == \
        questions_csv(expected.items)


def test_a_mark_changed_in_the_gradebook_counts(graded, tmp_path: Path):
    from nbgrader.api import Gradebook

    course, _ = graded
    with Gradebook(course_db_url(course), COURSE_ID) as gb:  # as the formgrader does
        grade = gb.find_grade("test-granulocytes", QUIZ, QUIZ, "cara")
        grade.manual_score = 3.0
        gb.db.commit()
    out = tmp_path / "out"
    assert run_stats(course, [QUIZ], out=out, quiet=True) == 0
    items = {r["question_id"]: r for r in rows(out / f"{QUIZ}.questions.csv")}
    assert items["granulocytes"]["facility"] == "46.6667"  # (3 + 1 + 3) / 15
