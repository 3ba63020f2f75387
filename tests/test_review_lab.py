"""The spaced review in a real JupyterLab: a question missed in a lesson quiz comes back in
the Review notebook, and comes back again on the Leitner schedule as the clock moves on.

The clock is ``IMMUNOCOURSE_TODAY``: the server's environment sets the day the lesson quiz
is answered; the Review notebook's copy starts with a cell that reads the day from
``today.txt``, which the test rewrites before each run (a kernel reads the setting at each
use, so no restart is needed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.axe import run_axe
from tests.helpers.lab import run_all_cells
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.browser

D0 = dt.date(2026, 12, 7)
PROMPT = "This course can tell you whether a particular treatment is right for someone."
CARD = "welcome/not-medical-advice"  # the welcome quiz's first question; its key is False


def day(n: int) -> str:
    return (D0 + dt.timedelta(days=n)).isoformat()


def _wait_for_card(path: Path, expected: dict, timeout: float = 30) -> dict | None:
    deadline, seen = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if path.exists():
            seen = json.loads(path.read_text())["cards"].get(CARD)
            if seen == expected:
                break
        time.sleep(0.2)
    return seen


def test_a_question_missed_in_a_lesson_comes_back_in_the_review_on_schedule(
        tmp_path: Path, jupyterlab, guarded_page, monkeypatch):
    # the kernel JupyterLab starts runs `python` from PATH, importing this checkout's package
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("IMMUNOCOURSE_TODAY", day(0))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy2(ROOT / "notebooks" / "01-welcome.ipynb", root)
    review = nbformat.read(ROOT / "notebooks" / "review.ipynb", as_version=4)
    clock = nbformat.v4.new_code_cell(
        'import os, pathlib\n'
        'os.environ["IMMUNOCOURSE_TODAY"] = pathlib.Path("today.txt").read_text().strip()')
    clock.id = "test-clock"
    review.cells.insert(0, clock)
    nbformat.write(review, root / "review.ipynb")
    (root / "today.txt").write_text(day(0))

    lab = jupyterlab(root)
    guard = guarded_page()
    page = guard.page
    page.set_default_timeout(60_000)
    try:
        # the lesson: answer the first question wrongly and press Check
        page.goto(_workspace(lab, "lesson", "01-welcome.ipynb"))
        page.locator(".jp-Notebook").wait_for()
        run_all_cells(page)
        first = page.locator(".immunocourse-quiz-question").first
        first.wait_for(timeout=120_000)
        first.get_by_role("button", name="True", exact=True).click()
        first.get_by_role("button", name="Check").click()
        first.get_by_text("Not right").wait_for()
        assert _wait_for_card(root / "review.json", {"box": 1, "due": day(0)}) == {
            "box": 1, "due": day(0)}

        # the Review, the same day: the question is due; a right answer waits two days
        page.goto(_workspace(lab, "review", "review.ipynb"))
        page.locator(".jp-Notebook").wait_for()
        question = _review(page, day(0)).first
        assert PROMPT in question.inner_text()
        question.get_by_role("button", name="False", exact=True).click()
        question.get_by_role("button", name="Check").click()
        question.get_by_text(f"Next review in 2 days ({day(2)})").wait_for()
        assert question.get_by_role("button", name="Check").is_disabled()

        # a day later nothing is due; two days later it is, and a right answer waits four
        (root / "today.txt").write_text(day(1))
        _review(page, day(1))
        header = page.locator(".immunocourse-review-header")
        assert "Nothing is due today" in header.inner_text()
        assert f"due on {day(2)}" in header.inner_text()
        assert page.locator(".immunocourse-review-question").count() == 0

        (root / "today.txt").write_text(day(2))
        question = _review(page, day(2)).first
        assert PROMPT in question.inner_text()
        assert run_axe(page, context=".immunocourse-review-question") == []
        # keyboard only: the answer, Tab to Check, Enter; the verdict is a status message
        question.get_by_role("button", name="False", exact=True).focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "Check"
        page.keyboard.press("Enter")
        question.get_by_role("status").get_by_text(
            f"Next review in 4 days ({day(6)})").wait_for()
        assert _wait_for_card(root / "review.json", {"box": 3, "due": day(6)}) == {
            "box": 3, "due": day(6)}
        assert json.loads((root / "answers.json").read_text()) == {"not-medical-advice": True}
        assert guard.external == []
    except Exception:
        page.screenshot(path=str(tmp_path / "review-lab-failure.png"), full_page=True)
        raise


def _workspace(lab, name: str, notebook: str) -> str:
    """A fresh JupyterLab workspace showing only ``notebook``: the lesson's tab is not
    restored beside the review's, so "Run All Cells" and the locators mean one notebook."""
    return f"{lab.url}/lab/workspaces/{name}/tree/{notebook}?reset&token={lab.token}"


def _review(page, today: str):
    """Run the Review notebook and wait for the session of ``today``; its questions."""
    run_all_cells(page)
    page.locator(".immunocourse-review-header", has_text=f"Review for {today}").wait_for(
        timeout=120_000)
    return page.locator(".immunocourse-review-question")
