"""Every way a student could change their own grade, against stock ``nbgrader autograde``.

One class, graded once with ``nbgrader autograde`` in a temporary course folder. Every
cheater really answered the same two questions (granulocytes: all three right options of
3 points; t-cells-destroy: true, 1 point), so each must get exactly 4 of 13 -- or 0 when
their answers.json cannot be read -- and nothing outside their submission may be read or
written. An honest student graded in the same run gets 13 of 13.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from immunocourse.grading.course import (
    nbgrader_env,
    new_course,
    question_scores,
    run_nbgrader,
)
from immunocourse.quiz.answers import MAX_ANSWERS_BYTES, write_answers
from immunocourse.quiz.bank import load_bank

pytestmark = pytest.mark.slow

COURSE_BANKS = Path(__file__).parent / "data" / "banks" / "course"
QUIZ = "immune-system"
BANK = load_bank(COURSE_BANKS / f"{QUIZ}.yml")
RIGHT = {q.id: list(q.answer) if q.type == "multiple" else q.answer for q in BANK.questions}
# What every cheater really answered: 3 points (granulocytes, all 3 of 3 right options,
# none wrong) + 1 point (t-cells-destroy, true is right) = 4 of the bank's 13.
REAL = {"granulocytes": ["Neutrophils", "Eosinophils", "Basophils"], "t-cells-destroy": True}
SECRET = "SECRET-MARKER-7f3a"  # in a file outside every submission

PATCH_GRADE = ("import immunocourse.grading.cells as g\n"
               "g.grade = lambda spec, *a, **k: float(spec['points'])")


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _submit(course: Path, student: str, answers: dict | None = None, edit=None) -> Path:
    """A submission: the released notebook (edited by ``edit``) and answers.json."""
    folder = course / "submitted" / student / QUIZ
    folder.mkdir(parents=True)
    nb = nbformat.read(course / "release" / QUIZ / f"{QUIZ}.ipynb", as_version=4)
    if edit:
        edit(nb)
    nbformat.write(nb, folder / f"{QUIZ}.ipynb")
    if answers is not None:
        write_answers(folder / "answers.json", answers)
    (folder / "timestamp.txt").write_text("2026-11-26 12:00:00 UTC")
    return folder


def _patch_first(nb) -> None:
    nb.cells.insert(0, nbformat.v4.new_code_cell(PATCH_GRADE))


def _hide_and_edit_setup(nb) -> None:
    """The setup cell loses its nbgrader metadata (stock nbgrader then leaves it alone) and
    patches grade(); a test cell's points and source are edited too."""
    for cell in nb.cells:
        if _grade_id(cell) == "setup":
            cell.metadata = {}
            cell.source += "\n" + PATCH_GRADE
        if _grade_id(cell) == "test-which-cells-make-antibodies":
            cell.metadata["nbgrader"]["points"] = 100
            cell.source = "1.0"


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("cheating")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text(json.dumps({**RIGHT, "note": SECRET}))
    course = new_course(root / "quizzes", banks_dir=COURSE_BANKS, quiz_ids=[QUIZ])
    run_nbgrader(course, "generate_assignment", QUIZ)

    honest = _submit(course, "honest", RIGHT)
    _submit(course, "patcher", REAL, _patch_first)
    _submit(course, "editor", REAL, _hide_and_edit_setup)
    writes = [outside / "written-by-cell.txt", course / "written-by-cell.txt"]
    _submit(course, "writer", REAL, lambda nb: nb.cells.extend(
        nbformat.v4.new_code_cell(f"open({str(p)!r}, 'w').write('x')") for p in writes))
    # a package beside the notebook, shadowing the course's own when imported from the
    # grading kernel's working directory
    shadow = _submit(course, "shadow", REAL)
    (shadow / "immunocourse").mkdir()
    (shadow / "immunocourse" / "__init__.py").write_text(
        f"open({str(writes[0])!r}, 'w').write('shadow')\n")
    (shadow / "ipywidgets.py").write_text(f"open({str(writes[0])!r}, 'w').write('shadow')\n")
    # answers.json pointing elsewhere: another student's answers, a file outside
    (_submit(course, "copycat") / "answers.json").symlink_to(honest / "answers.json")
    (_submit(course, "linker") / "answers.json").symlink_to(outside / "secret.json")
    os.mkfifo(_submit(course, "fifo") / "answers.json")
    folder = _submit(course, "folder") / "answers.json"
    folder.mkdir()
    write_answers(folder / "answers.json", RIGHT)
    # a symlinked folder and file beside the answers: never followed
    linked = _submit(course, "linkdir", REAL)
    (linked / "data").symlink_to(outside)
    (linked / "data.json").symlink_to(outside / "secret.json")
    big = _submit(course, "big", {**REAL, "padding": "x" * MAX_ANSWERS_BYTES})
    deep = _submit(course, "deep")
    nested = "[" * 100_000 + "]" * 100_000
    (deep / "answers.json").write_text(
        json.dumps(REAL)[:-1] + f', "deep": {nested}}}', encoding="utf-8")
    _submit(course, "many", REAL, lambda nb: nb.cells.extend(
        nbformat.v4.new_code_cell(f"x = {i}") for i in range(10_000)))
    _submit(course, "unknown", {**REAL, "no-such-question": "x", "another-one": 1})

    assert big.joinpath("answers.json").stat().st_size > MAX_ANSWERS_BYTES
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", QUIZ],
        cwd=course, env=nbgrader_env(60), capture_output=True, text=True, timeout=600,
    )
    feedback = run_nbgrader(course, "generate_feedback", QUIZ, check=False)
    return {"course": course, "outside": outside, "writes": writes, "proc": proc,
            "feedback": feedback, "scores": question_scores(course, QUIZ)}


def _total(graded: dict, student: str) -> float:
    return sum(graded["scores"][student].values())


def _feedback(graded: dict, student: str) -> str:
    page = graded["course"] / "feedback" / student / QUIZ / f"{QUIZ}.html"
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


def test_the_whole_class_is_graded_in_one_run(graded: dict):
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-3000:]
    assert graded["feedback"].returncode == 0
    students = sorted(p.name for p in (graded["course"] / "submitted").iterdir())
    assert sorted(graded["scores"]) == students
    assert _total(graded, "honest") == 13


@pytest.mark.parametrize("student", [
    "patcher", "editor", "writer", "shadow", "linkdir", "many", "unknown"])
def test_a_cheater_gets_exactly_the_score_of_their_real_answers(graded: dict, student: str):
    scores = graded["scores"][student]
    assert scores.pop("test-granulocytes") == 3 and scores.pop("test-t-cells-destroy") == 1
    assert set(scores.values()) == {0}, student


@pytest.mark.parametrize(("student", "reason"), [
    ("copycat", "is a symbolic link"),
    ("linker", "is a symbolic link"),
    ("fifo", "is a named pipe (FIFO)"),
    ("folder", "is a folder, not a file"),
    ("big", "at most 1,000,000"),
    ("deep", "nested too deeply"),
])
def test_answers_that_cannot_be_trusted_score_zero_with_the_reason(
        graded: dict, student: str, reason: str):
    assert _total(graded, student) == 0
    assert reason in _feedback(graded, student)


def test_nothing_outside_the_submission_is_read_or_written(graded: dict):
    assert not any(p.exists() for p in graded["writes"])
    course = graded["course"]
    for step in ("autograded", "feedback"):
        for path in (course / step).rglob("*"):
            if path.is_file():
                assert SECRET not in path.read_text(errors="replace"), path
            assert not path.is_symlink(), path
    # a linked answers.json or folder is not even copied for grading
    assert not (course / "autograded" / "linker" / QUIZ / "answers.json").exists()
    assert not (course / "autograded" / "linkdir" / QUIZ / "data").exists()


def test_the_feedback_says_which_cells_were_ignored(graded: dict):
    text = _feedback(graded, "patcher")
    assert "1 cell you added was ignored: no code of yours runs" in text
    assert "10000 cells you added were ignored" in _feedback(graded, "many")
    assert "cell of the quiz that you edited was ignored" in _feedback(graded, "editor")
    assert "not in this quiz, so they were ignored: 'another-one', 'no-such-question'" \
        in _feedback(graded, "unknown")
    assert "Notes on your submission" not in _feedback(graded, "honest")


def test_the_graded_notebook_is_the_source_in_source_order(graded: dict):
    course = graded["course"]
    source = nbformat.read(course / "source" / QUIZ / f"{QUIZ}.ipynb", as_version=4)
    for student in ("patcher", "editor", "many"):
        nb = nbformat.read(course / "autograded" / student / QUIZ / f"{QUIZ}.ipynb",
                           as_version=4)
        note, *cells = nb.cells
        assert note.metadata.get("immunocourse-note")
        assert [_grade_id(c) for c in cells] == [_grade_id(c) for c in source.cells]
        assert [c.source for c in cells] == [c.source for c in source.cells]
    meta = nbformat.read(course / "autograded" / "editor" / QUIZ / f"{QUIZ}.ipynb",
                         as_version=4).metadata["immunocourse"]
    # the setup cell without its metadata counts as added; the test cell as edited
    assert meta["ignored_cells"] == {"added": 1, "edited": 1}


def test_collect_copies_a_link_as_a_link(tmp_path: Path):
    """A student swaps answers.json in the exchange inbox for a link after submitting."""
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.collect import ExchangeCollect

    from immunocourse.grading.preprocessors import guard_submission_copies

    guard_submission_copies()
    (tmp_path / "secret.json").write_text(SECRET)
    inbox = tmp_path / "inbound" / "student+quiz+2026"
    inbox.mkdir(parents=True)
    (inbox / "answers.json").symlink_to(tmp_path / "secret.json")
    collect = ExchangeCollect(coursedir=CourseDirectory())
    collect.do_copy(str(inbox), str(tmp_path / "submitted"))
    copied = tmp_path / "submitted" / "answers.json"
    assert copied.is_symlink()  # the grading copy then refuses it (see the tests above)
