"""The formgrader that `make start` serves: every quiz listed, and the whole round trip.

JupyterLab runs as `make start` runs it (``start.lab_command`` and ``start.lab_env``, after
``ready_for_formgrader``), on a temporary copy of the course with a temporary exchange
(``IMMUNOCOURSE_EXCHANGE``). The instructor works in the formgrader page in Chromium; the
student uses nbgrader's own commands, as JupyterLab's Assignments page does.
"""

from __future__ import annotations

import getpass
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from immunocourse.book.launcher import lab_command, lab_env, lab_port
from immunocourse.grading.course import COURSE_ID, new_course, ready_for_formgrader
from immunocourse.quiz.answers import write_answers
from immunocourse.quiz.bank import BANKS_DIR, load_bank
from tests.helpers.paths import ROOT
from tests.helpers.serving import wait_for_http

pytestmark = pytest.mark.slow

TOKEN = "formgrader-test"
QUIZ = "welcome"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    # The course must sit inside JupyterLab's root (the project folder) for the formgrader.
    (ROOT / "_build").mkdir(exist_ok=True)
    holder = Path(tempfile.mkdtemp(prefix="test-course-", dir=ROOT / "_build"))
    exchange = tmp_path_factory.mktemp("exchange") / "not-yet-made"  # the config makes it
    course = new_course(holder / "quizzes")
    ready_for_formgrader(course)
    env = {**lab_env(course), "IMMUNOCOURSE_EXCHANGE": str(exchange)}
    log_path = holder / "lab.log"
    proc = None
    try:
        with open(log_path, "w") as log:
            # port 0: the server binds a free port itself and names it in its runtime file
            proc = subprocess.Popen(lab_command(0, TOKEN, open_browser=False), cwd=ROOT,
                                    env=env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        port = lab_port(proc, 0)
        wait_for_http(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", proc=proc)
        yield {"url": f"http://127.0.0.1:{port}", "course": course, "exchange": exchange}
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(holder, ignore_errors=True)


def _get(lab: dict, path: str) -> str:
    with urllib.request.urlopen(f"{lab['url']}{path}?token={TOKEN}", timeout=60) as response:
        return response.read().decode()


def test_formgrader_lists_every_course_quiz_without_a_warning(lab: dict):
    names = sorted(a["name"] for a in json.loads(_get(lab, "/formgrader/api/assignments")))
    assert names == sorted(p.stem for p in BANKS_DIR.glob("*.yml"))
    assert len(names) >= 10
    page = _get(lab, "/formgrader/manage_assignments")
    assert 'class="alert alert-warning"' not in page


def _student(lab: dict, home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_CONFIG_PATH"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), *args,
         f"--Exchange.root={lab['exchange']}", f"--CourseDirectory.course_id={COURSE_ID}"],
        cwd=home, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def _click(page, row, column: str, expect: str) -> None:
    """Click a formgrader action and wait for its result dialog, then close it."""
    row.locator(f"td.{column} a").click()
    dialog = page.locator("#success-modal, #error-modal")
    dialog.wait_for(timeout=240_000)
    text = dialog.inner_text()
    assert page.locator("#success-modal").count() == 1, text
    assert expect in text, text
    page.locator("#success-modal .modal-footer button").click()
    page.locator("#success-modal").wait_for(state="detached")


@pytest.mark.browser
def test_the_whole_round_trip_from_the_formgrader(lab: dict, guarded_page, tmp_path: Path):
    bank = load_bank(lab["course"] / "banks" / f"{QUIZ}.yml")
    first = bank.questions[0]
    guard = guarded_page()
    page = guard.page
    base = lab["url"]

    def row():
        return page.locator("tr", has=page.locator(f"td.name a:text-is('{QUIZ}')"))

    page.goto(f"{base}/formgrader/manage_assignments?token={TOKEN}")
    row().wait_for()
    _click(page, row(), "assign", "Successfully created the student version")
    _click(page, row(), "release", "Successfully released")

    # The student fetches the quiz, answers the first question right, and submits.
    home = tmp_path / "student"
    home.mkdir()
    _student(lab, home, "fetch_assignment", QUIZ)
    folder = home / QUIZ
    assert (folder / f"{QUIZ}.ipynb").is_file()
    answer = list(first.answer) if first.type == "multiple" else first.answer
    write_answers(folder / "answers.json", {first.id: answer})
    _student(lab, home, "submit", QUIZ)

    _click(page, row(), "collect", "Successfully collected")
    student = getpass.getuser()
    page.goto(f"{base}/formgrader/manage_submissions/{QUIZ}?token={TOKEN}")
    sub = page.locator("tr", has=page.locator("td", has_text=student))
    sub.first.wait_for()
    _click(page, sub.first, "autograde", "Successfully autograded")
    page.goto(f"{base}/formgrader/manage_assignments?token={TOKEN}")
    row().wait_for()
    _click(page, row(), "generate-feedback", "Successfully generated feedback")
    _click(page, row(), "release-feedback", "Successfully released feedback")
    assert guard.external == []

    _student(lab, home, "fetch_feedback", QUIZ)
    pages = list((folder / "feedback").glob(f"*/{QUIZ}.html"))
    assert len(pages) == 1
    text = html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text()))
    flat = " ".join(text.split())
    # the course's feedback page: the first question right, with its points and explanation
    assert f"Right: {first.points:g} of {first.points:g} point" in flat
    assert f"Points{first.points:g} of {first.points:g}. Right." in flat
    assert " ".join(first.explanation.split())[:60] in flat
    total = sum(q.points for q in bank.questions)
    assert re.search(rf"Score\s*{first.points:g}\s*out of\s*{total:g}", flat), flat[:500]
