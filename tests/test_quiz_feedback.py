"""The feedback page's model and rendering on hand-made graded notebooks (no nbgrader run).

The real round trip is in test_quiz_nbgrader.py; these cover what that class never meets:
a test cell that stopped before showing its feedback, a mark the instructor changed, an
answer holding HTML, and the rounding of the percentage.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

from immunocourse.grading.cells import FEEDBACK_MIME
from immunocourse.grading.feedback import build_page, render_page
from immunocourse.quiz.bank import load_bank
from immunocourse.quiz.build import source_notebook

COURSE_BANKS = Path(__file__).parent / "data" / "banks" / "course"  # as test_quiz_nbgrader
QUIZ = "immune-system"
BANK = load_bank(COURSE_BANKS / f"{QUIZ}.yml")


def graded(scores: dict[str, float], records: dict[str, dict]) -> nbformat.NotebookNode:
    """The quiz's source notebook as autograding leaves it: outputs and gradebook scores."""
    nb = source_notebook(BANK)
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if not meta.get("grade"):
            continue
        qid = meta["grade_id"].removeprefix("test-")
        meta["score"] = scores.get(qid, 0.0)
        if qid in records:
            cell.outputs = [nbformat.v4.new_output(
                "display_data", data={"text/plain": "...", FEEDBACK_MIME: records[qid]})]
    return nb


def page_of(nb, score: float = 0.0) -> BeautifulSoup:
    resources = {"nbgrader": {"student": "zoe", "assignment": QUIZ, "db_url": "sqlite://",
                              "score": score, "max_score": 13.0}}
    return BeautifulSoup(render_page(build_page(nb, resources)), "html.parser")


def block(soup: BeautifulSoup, number: int) -> str:
    return " ".join(soup.select_one(f"#question-{number}").get_text(" ").split())


def test_a_cell_that_stopped_still_shows_its_question_from_the_source():
    soup = page_of(graded({}, {}))  # no test cell showed anything
    q = BANK.questions[2]
    section = soup.select_one("#question-3")
    assert section.select_one(".prompt").get_text().strip() == (
        "Which of these are granulocytes? Tick every one that applies.")
    answers = [dd.get_text() for dd in section.select("dl.answers dd")]
    assert answers[:2] == ["No answer", "Neutrophils; Eosinophils; Basophils"]
    assert "could not be marked automatically" in answers[2]
    assert section.select_one(".explanation").get_text().strip() == " ".join(
        q.explanation.split())
    assert "could not be marked automatically" in soup.select_one("section.notes").get_text()
    assert "grade(" not in str(soup) and "HIDDEN" not in str(soup)


def test_points_and_status_come_from_the_gradebook():
    record = {"prompt": "Q?", "given": "B cells", "right": "B cells", "points": 0.0,
              "max_points": 1.0, "status": "wrong", "reason": "Not the right answer.",
              "explanation": "", "notes": []}
    soup = page_of(graded({"which-cells-make-antibodies": 1.0},
                          {"which-cells-make-antibodies": record}), score=1.0)
    text = block(soup, 1)
    assert "✓ Right" in text and "1 of 1." in text
    assert "Your instructor changed the points" in text


def test_a_student_answer_is_text_never_markup():
    record = {"prompt": "Q?", "given": "<script>alert(1)</script>", "right": "B cells",
              "points": 0.0, "max_points": 1.0, "status": "wrong", "reason": "x",
              "explanation": "[link](javascript:alert(1))", "notes": ["<b>note</b>"]}
    soup = page_of(graded({}, {"which-cells-make-antibodies": record}))
    assert soup.find("script") is None and soup.find("b") is None
    assert "<script>alert(1)</script>" in block(soup, 1)
    assert not any("javascript:" in a.get("href", "") for a in soup.find_all("a"))


def test_percentage_shows_100_only_for_full_marks():
    nb = graded({}, {})
    assert "12.95 out of 13 (99%)" in page_of(nb, score=12.95).select_one(".score").get_text()
    assert "13 out of 13 (100%)" in page_of(nb, score=13.0).select_one(".score").get_text()


def test_ignored_cells_note_is_plain_words():
    nb = graded({}, {})
    nb.metadata["immunocourse"] = {"ignored_cells": {"added": 2, "edited": 0}}
    notes = page_of(nb).select_one("section.notes").get_text()
    assert "2 cells you added in the notebook were ignored" in notes
    nb.metadata["immunocourse"] = {"ignored_cells": {"added": 0, "edited": 0}}
    assert "ignored" not in page_of(nb).get_text()
