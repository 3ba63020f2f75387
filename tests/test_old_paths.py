"""Names from before the package had layers still work where files outside the code keep them.

A gradebook stores each graded cell's source as generated (``from immunocourse.quiz.grading
import grade``), an instructor's ``nbgrader_config.py`` names preprocessors by dotted path, and a
student keeps last term's notebook. ``tests/data/gradebook-before-layers`` is a class graded
by the package as it was before the move (see its README).
"""

from __future__ import annotations

import csv
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from immunocourse.aliases import ALIASES
from immunocourse.grading.course import run_nbgrader

OLD_CLASS = Path(__file__).parent / "data" / "gradebook-before-layers"
QUIZ = "immune-system"


def _scores(grades_csv: Path) -> dict[str, tuple[str, str]]:
    with grades_csv.open(newline="", encoding="utf-8") as fh:
        return {r["student_id"]: (r["raw_score"], r["max_score"]) for r in csv.DictReader(fh)}


@pytest.mark.parametrize("old", sorted(ALIASES))
def test_old_name_is_todays_module(old: str) -> None:
    module = importlib.import_module(old)
    first = importlib.import_module(ALIASES[old][0])
    if len(ALIASES[old]) == 1:
        assert module is first
    # every public name of each part answers under the old name
    for part_name in ALIASES[old]:
        part = importlib.import_module(part_name)
        for name in getattr(part, "__all__", [n for n in vars(part) if not n.startswith("_")]):
            assert getattr(module, name) is getattr(part, name) or len(ALIASES[old]) > 1


def test_old_imports_in_a_fresh_interpreter() -> None:
    """The forms an old notebook or config wrote, each in a new process (no warm caches)."""
    code = (
        "from immunocourse.quiz.grading import grade\n"
        "from immunocourse.quiz import grading_kernels\n"
        "from immunocourse import figures, schedule, explorers, simulate, response\n"
        "from immunocourse.display import show\n"
        "from immunocourse.quiz.nbgrader_ext import RestoreQuizSource\n"
        "assert grade.__module__ == 'immunocourse.grading.cells'\n"
        "assert callable(figures.spider_plot) and callable(schedule.ScheduleExplorer)\n"
        "assert schedule.count_doses(schedule.REGIMENS['pembrolizumab-q3w'], 52) == 18\n"
        "assert response.classify is __import__('immunocourse.science.response',"
        " fromlist=['x']).classify\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


@pytest.mark.slow
def test_gradebook_from_before_the_move_still_grades(tmp_path: Path) -> None:
    course = tmp_path / "quizzes"
    shutil.copytree(OLD_CLASS, course)
    old_config = (course / "nbgrader_config.py").read_text()
    assert "immunocourse.quiz.nbgrader_ext.RestoreQuizSource" in old_config  # as it was
    expected = _scores(course / "grades.csv")
    (course / "grades.csv").unlink()

    run_nbgrader(course, "autograde", QUIZ, "--force")
    run_nbgrader(course, "export")
    assert _scores(course / "grades.csv") == expected  # ada 14, ben 3, cleo 1 of 14

    run_nbgrader(course, "generate_feedback", QUIZ, "--force")
    page = (course / "feedback" / "ben" / QUIZ / f"{QUIZ}.html").read_text(encoding="utf-8")
    # the course's own feedback page, question by question (not nbgrader's code dump)
    assert "Which cells make" in page and "grade(" not in page
