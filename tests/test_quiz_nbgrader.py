"""The grading round trip with real nbgrader, in a temporary course folder.

One class of seven students is built, answered (through the quiz widgets, in a real
kernel), autograded, given feedback and exported once per session; each test then checks
one thing a teacher would look at. The faults: deleted and edited graded cells plus an
added cell that never ends, dropped before grading (carol), no answers.json (dave),
corrupt answers.json (erin), answers of the wrong type and unknown question ids (frank),
and a notebook file that is not JSON (gina).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from immunocourse.grading.cells import right_answer
from immunocourse.grading.course import (
    COURSE_ID,
    autograde,
    export_grades,
    new_course,
    question_scores,
    run_nbgrader,
)
from immunocourse.quiz.answers import write_answers
from immunocourse.quiz.bank import BANKS_DIR, load_bank
from immunocourse.quiz.build import test_spec as spec_of
from tests.helpers.lab import run_all_cells
from tests.helpers.students import simulate_student

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]

# A fixed 10-question bank (the course's first draft of its seed-page quiz): the scenarios
# below are written against its questions, so lesson edits never move these expectations.
COURSE_BANKS = Path(__file__).parent / "data" / "banks" / "course"
QUIZ = "immune-system"
BANK = load_bank(COURSE_BANKS / f"{QUIZ}.yml")
RIGHT = {q.id: list(q.answer) if q.type == "multiple" else q.answer for q in BANK.questions}
GRAN = ["Neutrophils", "Eosinophils", "Basophils"]
DOES = RIGHT["what-immunotherapy-does"]

# Expected points per question (only non-zero ones listed) and totals; 13 points in all.
EXPECTED = {
    "alice": {q.id: q.points for q in BANK.questions},
    "bob": {"granulocytes": 1.0,  # 2 right - 1 wrong, of 3 right options, x 3 points
            "what-immunotherapy-does": 1.0,  # 1 of 2 right options, x 2 points
            "main-types-count": 1.0},
    "carol": {"granulocytes": 3.0, "t-cells-destroy": 1.0},
    "dave": {},
    "erin": {},
    "frank": {"car-t-is-adoptive": 1.0},
    "gina": {"into-the-bladder": 1.0, "length-depends-on-response": 1.0},
}
# Seconds per cell. Carol's endless cell is dropped before anything runs (the quiz is rebuilt
# from its source), so no cell here should need more than a second or two; the margin is for
# a loaded 2-core machine running two test workers, where 8 s once cut honest cells short.
TIMEOUT = 60


def set_cells(folder: Path, edit) -> None:
    path = folder / f"{QUIZ}.ipynb"
    nb = nbformat.read(path, as_version=4)
    edit(nb)
    nbformat.write(nb, path)


def grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def carol_edits(nb) -> None:
    nb.cells = [c for c in nb.cells if grade_id(c) != "test-granulocytes"]
    for cell in nb.cells:
        if grade_id(cell) == "test-which-cells-make-antibodies":
            cell.source = "1.0  # full marks, please"
        if grade_id(cell) == "t-cells-destroy-widget":
            cell.source = "print('I changed this')"
    nb.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass"))


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    """The graded class, built once per test session even when xdist runs two workers.

    (pytest-xdist 3.8's ``loadgroup`` does not group tests under pytest 9, so the workers
    share one folder under the session's base temp and a lock decides who builds it.)
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _grade_class(tmp_path_factory.mktemp("class"))
    shared = tmp_path_factory.getbasetemp().parent  # pytest-N/, this session's only
    with open(shared / "quiz-class.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = shared / "quiz-class"
        if not (folder / "quizzes" / "results.json").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            _grade_class(folder)
        return folder / "quizzes"


def _snapshot(folder: Path, names: list[str]) -> dict[str, tuple[int, int]]:
    """Every file under ``folder/<name>``: its size and modification time (ns)."""
    found = {}
    for name in names:
        top = folder / name
        for path in [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []:
            if path.is_file():
                st = path.stat()
                found[str(path.relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return found


def _grade_class(folder: Path) -> Path:
    real = BANKS_DIR.parent
    outputs = ["release", "submitted", "autograded", "feedback", "gradebook.db", "grades.csv",
               "exchange", "source"]
    # Grading a copy must not touch the real course: not one file there is added or changed.
    before = _snapshot(real, outputs)
    course = new_course(folder / "quizzes", banks_dir=COURSE_BANKS, quiz_ids=[QUIZ])
    # the instructor tried the source notebook: its answers.json must reach no student
    write_answers(course / "source" / QUIZ / "answers.json", RIGHT)
    run_nbgrader(course, "generate_assignment", QUIZ)
    simulate_student(course, QUIZ, "alice", RIGHT)
    simulate_student(course, QUIZ, "bob", {
        "granulocytes": ["Neutrophils", "Basophils", "Dendritic cells"],
        "what-immunotherapy-does": DOES[:1], "main-types-count": 5.0,
        "number-of-granulocyte-types": 3.4, "t-cells-destroy": False,
    })
    carol = simulate_student(course, QUIZ, "carol", {
        "which-cells-make-antibodies": "T-cell lymphocytes", "granulocytes": GRAN,
        "t-cells-destroy": True,
    })
    set_cells(carol, carol_edits)
    dave = simulate_student(course, QUIZ, "dave", RIGHT)
    (dave / "answers.json").unlink()
    erin = course / "submitted" / "erin" / QUIZ
    shutil.copytree(course / "submitted" / "alice" / QUIZ, erin)
    (erin / "answers.json").write_text('{"which-cells-make-antibodies": "B-cell lymph')
    frank = course / "submitted" / "frank" / QUIZ
    shutil.copytree(course / "submitted" / "alice" / QUIZ, frank)
    write_answers(frank / "answers.json", {
        "which-cells-make-antibodies": 1, "t-cells-destroy": "true", "main-types-count": "5",
        "granulocytes": "Neutrophils", "no-such-question": "x",
        "car-t-is-adoptive": "Adoptive cell therapy",
    })
    gina = simulate_student(course, QUIZ, "gina", {
        "into-the-bladder": "Bladder cancer", "length-depends-on-response": False,
    })
    (gina / f"{QUIZ}.ipynb").write_bytes(b'{"cells": [ this is not JSON')

    course_run = autograde(course, QUIZ, timeout=TIMEOUT)
    feedback = run_nbgrader(course, "generate_feedback", QUIZ, check=False)
    rows = export_grades(course)
    after = _snapshot(real, outputs)
    course.joinpath("results.json").write_text(json.dumps({
        "notes": course_run.notes, "failed": course_run.failed,
        "feedback_rc": feedback.returncode, "rows": rows, "real_untouched": before == after,
    }))
    return course


def results(course: Path) -> dict:
    return json.loads((course / "results.json").read_text())


def feedback_html(course: Path, student: str) -> str:
    return (course / "feedback" / student / QUIZ / f"{QUIZ}.html").read_text(encoding="utf-8")


def feedback_text(course: Path, student: str) -> str:
    return " ".join(BeautifulSoup(feedback_html(course, student), "html.parser").get_text().split())


def words(markdown: str) -> str:
    """A bank's Markdown as the rendered page reads (these banks use only ** and *)."""
    return " ".join(markdown.replace("**", "").replace("*", "").split())


def blocks(course: Path, student: str) -> list[dict[str, str]]:
    """Each question block of a feedback page, as the text a reader sees in each part."""
    soup = BeautifulSoup(feedback_html(course, student), "html.parser")
    out = []
    for section in soup.select("section.question"):
        answers = {dt.get_text(strip=True): " ".join(dt.find_next_sibling("dd").get_text().split())
                   for dt in section.select("dl.answers dt")}
        explanation = section.select_one(".explanation")
        out.append({
            "id": section["id"], "status": " ".join(section.h3.get_text().split()),
            "prompt": " ".join(section.select_one(".prompt").get_text().split()),
            "explanation": " ".join(explanation.get_text().split()) if explanation else "",
            **answers,
        })
    return out


def test_released_notebook_holds_no_key_and_no_explanation(course: Path):
    release = course / "release" / QUIZ
    assert sorted(p.name for p in release.iterdir()) == [f"{QUIZ}.ipynb"]
    text = (release / f"{QUIZ}.ipynb").read_text()
    assert "HIDDEN TESTS" not in text and "grade(" not in text and "'answer'" not in text
    for q in BANK.questions:
        assert q.explanation not in text, q.id
        assert json.dumps(q.explanation)[1:-1] not in text, q.id
    nb = nbformat.reads(text, as_version=4)
    tests = [c for c in nb.cells if c.metadata["nbgrader"].get("grade")]
    assert [c.metadata["nbgrader"]["points"] for c in tests] == [q.points for q in BANK.questions]
    # the source notebook does hold the key, between the hidden-test markers
    source = (course / "source" / QUIZ / f"{QUIZ}.ipynb").read_text()
    assert source.count("### BEGIN HIDDEN TESTS") == len(BANK.questions)


def test_whole_class_is_graded_and_nothing_else_was_touched(course: Path):
    r = results(course)
    assert r["failed"] == [] and r["feedback_rc"] == 0 and r["real_untouched"]
    assert r["notes"] == [f"gina: {QUIZ}.ipynb could not be read, kept as "
                          f"{QUIZ}.ipynb.unreadable; graded from answers.json"]


def test_exact_scores_per_question_including_partial_credit(course: Path):
    scores = question_scores(course, QUIZ)
    assert sorted(scores) == sorted(EXPECTED)
    for student, expected in EXPECTED.items():
        wanted = {f"test-{q.id}": expected.get(q.id, 0.0) for q in BANK.questions}
        assert scores[student] == pytest.approx(wanted), student


def test_export_csv_has_every_student_with_exact_totals(course: Path):
    rows = {r["student_id"]: r for r in results(course)["rows"] if r["assignment"] == QUIZ}
    assert {s: float(r["score"]) for s, r in rows.items()} == {
        s: sum(e.values()) for s, e in EXPECTED.items()}
    assert {float(r["max_score"]) for r in rows.values()} == {13.0}


def test_gradebook_is_intact(course: Path):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        assert sorted(s.id for s in gb.students) == sorted(EXPECTED)
        assignment = gb.find_assignment(QUIZ)
        assert assignment.max_score == 13.0 and len(assignment.submissions) == len(EXPECTED)
        for sub in assignment.submissions:
            assert all(g.auto_score is not None for nb in sub.notebooks for g in nb.grades)
            assert not sub.needs_manual_grade


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_feedback_page_has_every_question_in_words_and_no_code(course: Path, student: str):
    page = feedback_html(course, student)
    for code in ("BEGIN HIDDEN TESTS", "grade(", "Test cell", "'id'", "None", "<script",
                 "{'", "['", "Out["):
        assert code not in page, (student, code)
    soup = BeautifulSoup(page, "html.parser")
    total = sum(EXPECTED[student].values())
    assert soup.h1.get_text() == f"Feedback: {BANK.title}"
    facts = {dt.get_text(): dd.get_text() for dt, dd in zip(
        soup.select(".facts dt"), soup.select(".facts dd"), strict=True)}
    assert facts["Student"] == student
    assert facts["Score"] == f"{total:g} out of 13 ({round(100 * total / 13)}%)"
    assert re.fullmatch(r"\d{1,2} \w+ 20\d\d, \d\d:\d\d UTC", facts["Graded"])

    found = blocks(course, student)
    assert len(found) == len(BANK.questions)
    for number, (q, block) in enumerate(zip(BANK.questions, found, strict=True), start=1):
        assert block["id"] == f"question-{number}"
        assert block["prompt"] == words(q.prompt)
        assert block["explanation"] == words(q.explanation)
        assert block["Right answer"] == right_answer(spec_of(q))
        assert block["Your answer"]
        points = EXPECTED[student].get(q.id, 0.0)
        assert block["Points"].startswith(f"{points:g} of {q.points:g}. "), (q.id, block)
        word = ("Right" if points == q.points else "Partly right" if points else
                "(Wrong|Not answered)")
        assert re.fullmatch(f"Question {number} [✓◐✗] {word}", block["status"]), block

    # the summary names each question by its prompt and links to its block
    links = soup.select("nav.summary li > a")
    assert [" ".join(a.get_text().split()) for a in links] == [
        words(q.prompt) for q in BANK.questions]
    for a in links:
        assert soup.find(id=a["href"].removeprefix("#")) is not None


def test_feedback_shows_each_answer_given_and_why(course: Path):
    bob = {b["prompt"]: b for b in blocks(course, "bob")}
    granulocytes = bob[words(BANK.question("granulocytes").prompt)]
    assert granulocytes["Your answer"] == "Neutrophils; Basophils; Dendritic cells"
    assert granulocytes["Right answer"] == "Neutrophils; Eosinophils; Basophils"
    assert granulocytes["Points"] == (
        "1 of 3. You ticked 2 of the 3 right options and 1 wrong option.")
    assert granulocytes["status"].endswith("◐ Partly right")
    t_cells = bob[words(BANK.question("t-cells-destroy").prompt)]
    assert t_cells["Your answer"] == "False" and t_cells["status"].endswith("✗ Wrong")
    alice = blocks(course, "alice")
    assert all(b["status"].endswith("✓ Right") for b in alice)
    assert [b["Your answer"] for b in alice] == [
        right_answer(spec_of(q)).split(" (±")[0] for q in BANK.questions]


@pytest.mark.parametrize(("student", "note"), [
    ("dave", "No answers.json was submitted, so none of your answers could be read"),
    ("erin", "Your answers.json could not be read, so none of your answers could be marked"),
    ("erin", "answers.json:1: not valid JSON"),
    ("frank", "The answer should be one of the options, but it was a number"),
    ("frank", "The answer should be true or false, but it was text"),
    ("frank", "The answer should be a number, but it was text"),
    ("frank", "The answer should be a list of ticked options, but it was text"),
    ("gina", "Your notebook file could not be read"),
    # carol added 1 cell (the endless loop), edited 2 (a test cell and a widget cell) and
    # deleted 1 (test-granulocytes): see carol_edits
    ("carol", "1 cell you added was ignored: no code of yours runs when the quiz is graded."),
    ("carol", "2 cells of the quiz that you edited were ignored and graded as released."),
    ("carol", "1 cell of the quiz that you deleted was put back."),
    ("frank", "has answers for question ids that are not in this quiz, so they were ignored: "
              "'no-such-question'"),
])
def test_feedback_explains_each_fault_in_plain_words(course: Path, student: str, note: str):
    assert note in feedback_text(course, student)


def test_notes_stand_at_the_top_only_when_something_went_wrong(course: Path):
    for student in EXPECTED:
        soup = BeautifulSoup(feedback_html(course, student), "html.parser")
        notes = soup.select_one("section.notes")
        has_notes = student in ("carol", "dave", "erin", "frank", "gina")
        assert (notes is not None) == has_notes, student
        if has_notes:  # before the summary and the questions
            assert notes.find_next("nav", class_="summary") is not None


def test_formgrader_generate_feedback_makes_the_same_page(course: Path, tmp_path: Path):
    """The formgrader's Generate Feedback button calls NbGraderAPI, which forces nbgrader's
    own template name: the course's page must still be the one written."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    copy = shutil.copytree(course, tmp_path / "quizzes")
    (copy / "feedback").rename(copy / "feedback-cli")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(copy)).load_config()
    result = NbGraderAPI(config=config).generate_feedback(QUIZ, "bob")
    assert result["success"], result.get("error")
    page = (copy / "feedback" / "bob" / QUIZ / f"{QUIZ}.html").read_text(encoding="utf-8")
    assert page == (copy / "feedback-cli" / "bob" / QUIZ / f"{QUIZ}.html").read_text(
        encoding="utf-8")


@pytest.mark.browser
def test_feedback_page_passes_axe_on_a_phone_and_prints(course: Path, guarded_page, serve_dir):
    from tests.axe import run_axe

    base = serve_dir(course / "feedback")
    guard = guarded_page()
    page = guard.page
    page.set_viewport_size({"width": 390, "height": 844})
    for student in ("bob", "erin"):  # partly right answers; a note at the top
        page.goto(f"{base}/{student}/{QUIZ}/{QUIZ}.html")
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert run_axe(page) == [], student
        page.get_by_role("link", name=re.compile("granulocytes")).first.click()
        assert page.evaluate("location.hash") == "#question-3"
        page.emulate_media(media="print")
        assert page.locator(".top").first.is_hidden()
        assert page.locator("section.question").count() == len(BANK.questions)
        assert page.pdf(width="148mm", height="210mm")[:4] == b"%PDF"  # A5 fits too
        page.emulate_media(media="screen")
    assert guard.external == [] and guard.console_errors == []


def test_feedback_maths_becomes_mathml_and_bad_latex_stays_readable():
    from immunocourse.grading.feedback import markdown_html

    assert "<math" in markdown_html("Solve $x^2 = 4$ for **x**.")
    assert "<strong>x</strong>" in markdown_html("Solve $x^2 = 4$ for **x**.")
    assert 'display="block"' in markdown_html("$$\\frac{a}{b}$$")
    assert "$x^$" in markdown_html("$x^$ stays") and "<math" not in markdown_html("$x^$")
    assert "&lt;b&gt;" in markdown_html("<b>raw html</b> is shown, not run")


def test_edited_and_deleted_cells_were_restored_in_place_and_the_added_cell_never_ran(
        course: Path):
    nb = nbformat.read(course / "autograded" / "carol" / QUIZ / f"{QUIZ}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / QUIZ / f"{QUIZ}.ipynb", as_version=4)
    note, *cells = nb.cells
    # every source cell, each at its own place (the deleted test cell included)
    assert [grade_id(c) for c in cells] == [grade_id(c) for c in source.cells]
    edited = cells[[grade_id(c) for c in cells].index("test-which-cells-make-antibodies")]
    assert "full marks" not in edited.source and "### BEGIN HIDDEN TESTS" in edited.source
    assert not any(c.source.startswith("while True") for c in nb.cells)
    assert "1 cell you added was ignored" in note.source
    assert "2 cells of the quiz that you edited were ignored" in note.source
    assert "1 cell of the quiz that you deleted was put back" in note.source
    assert nb.metadata["immunocourse"]["ignored_cells"] == {"added": 1, "edited": 2}


def test_student_work_is_kept(course: Path):
    gina = course / "submitted" / "gina" / QUIZ
    kept = gina / f"{QUIZ}.ipynb.unreadable"
    assert kept.read_bytes() == b'{"cells": [ this is not JSON'
    assert json.loads((gina / "answers.json").read_text()) == {
        "into-the-bladder": "Bladder cancer", "length-depends-on-response": False}
    erin = course / "submitted" / "erin" / QUIZ / "answers.json"
    assert erin.read_text() == '{"which-cells-make-antibodies": "B-cell lymph'


def _run_all(page) -> None:
    run_all_cells(page)
    page.locator(".immunocourse-quiz-question").nth(9).wait_for(timeout=120_000)


@pytest.mark.browser
def test_answers_clicked_in_jupyterlab_are_saved_and_restored(
    course: Path, tmp_path: Path, jupyterlab, guarded_page, monkeypatch
):
    import time

    # the kernel JupyterLab starts runs `python` from PATH: make it this environment's
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    root = tmp_path / "lab"
    shutil.copytree(course / "release" / QUIZ, root / QUIZ)
    lab = jupyterlab(root)
    guard = guarded_page()
    page = guard.page
    page.set_default_timeout(60_000)
    page.goto(lab.lab_url(f"{QUIZ}/{QUIZ}.ipynb"))
    page.locator(".jp-Notebook").wait_for()
    _run_all(page)

    questions = page.locator(".immunocourse-quiz-question")
    questions.nth(0).get_by_label("B-cell lymphocytes").check()
    granulocytes = questions.nth(2)
    granulocytes.get_by_label("Neutrophils").check()
    granulocytes.get_by_label("Dendritic cells").check()
    questions.nth(4).get_by_role("button", name="True").click()
    number = questions.nth(3).locator("input")
    number.fill("3")
    number.press("Enter")

    answers_file = root / QUIZ / "answers.json"
    expected = {
        "which-cells-make-antibodies": "B-cell lymphocytes",
        "granulocytes": ["Neutrophils", "Dendritic cells"],
        "t-cells-destroy": True,
        "number-of-granulocyte-types": 3.0,
    }
    deadline = time.monotonic() + 30
    seen = None
    while time.monotonic() < deadline:
        if answers_file.exists():
            seen = json.loads(answers_file.read_text())
            if seen == expected:
                break
        time.sleep(0.2)
    assert seen == expected
    assert "Saved" in questions.nth(0).inner_text()

    # reopen the notebook and run it again: the widgets come back with the answers
    page.reload()
    page.locator(".jp-Notebook").wait_for()
    _run_all(page)
    questions = page.locator(".immunocourse-quiz-question")
    assert questions.nth(0).get_by_label("B-cell lymphocytes").is_checked()
    assert questions.nth(2).get_by_label("Dendritic cells").is_checked()
    assert not questions.nth(2).get_by_label("Basophils").is_checked()
    assert json.loads(answers_file.read_text()) == expected
    assert guard.external == []
    assert not any(key in page.content() for key in ("HIDDEN TESTS", "Explanation:"))


def test_quiz_grade_command_prints_the_grade_table(course: Path):
    import subprocess

    from immunocourse.grading.course import nbgrader_env

    env = nbgrader_env(TIMEOUT)
    proc = subprocess.run(
        [sys.executable, "-m", "immunocourse", "quiz", "grade", QUIZ, "--course", str(course)],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = {line.split()[0]: line.split()[1:] for line in proc.stdout.splitlines()
             if line.split() and line.split()[0] in EXPECTED}
    assert table == {s: [f"{sum(e.values()):g}", "13"] for s, e in EXPECTED.items()}
    assert "Traceback" not in proc.stdout + proc.stderr
