"""The formgrader round trip in Chromium, inside the class's JupyterHub (issue 22, item 3).

A class of two (ClassDemo's setup: Linux accounts, PostgreSQL, the hub from
deploy/jupyterhub/jupyterhub_config.py) gets passwords for the hub's PAM login. Then,
through the hub's own pages only:
- the instructor logs in, goes File -> Hub Control Panel -> Services -> the formgrader
  service (the grader's JupyterLab) -> Nbgrader -> Formgrader, and in that iframe
  generates and releases the quiz, later collects, autogrades and releases feedback;
- a student logs in, fetches the quiz from Nbgrader -> Assignment List, runs it, answers
  in the quiz widgets, submits, then fetches the feedback and opens the page;
- a student opening the formgrader service's addresses gets 403.
Needs root, PostgreSQL, the proxy and Chromium: missing is a skip locally, a failure under
CI=true. On failure, screenshots and the hub's log are kept and their folder named.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from immunocourse.classroom.answers import expected_score
from immunocourse.classroom.term import QUIZ, SERVICE, ClassDemo
from immunocourse.grading.course import COURSE_ID
from immunocourse.quiz.answers import ANSWERS_FILE
from tests.helpers.browser import CHROMIUM, is_local
from tests.helpers.hub_browser import (
    evidence,
    frame_refusals,
    give_password,
    lab_menu,
    log_in,
    wait_for_lab,
    wait_framed,
)
from tests.helpers.lab import run_all_cells

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ROOT = Path(__file__).resolve().parent.parent
PROXY = ROOT / "deploy" / "jupyterhub" / "node_modules" / ".bin" / "configurable-http-proxy"
# What the student clicks, and so what answers.json must hold (questions of the bank)
CLICKS = {"where-t-cells-mature": "Thymus", "granulocytes": ["Neutrophils", "Dendritic cells"],
          "t-cells-destroy": True}
STEP = 240_000  # ms; a formgrader action or a spawn on a loaded 2-core machine


def _missing() -> str:
    if os.geteuid() != 0:
        return "the class's hub logs in Linux accounts: run as root"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "PostgreSQL server not installed (apt-get install postgresql)"
    if not PROXY.exists():
        return "configurable-http-proxy missing (npm ci --prefix deploy/jupyterhub)"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return ""


@pytest.fixture(scope="module")
def hub_class(tmp_path_factory):
    """One class of two on a running hub, with PAM passwords; all of it removed after."""
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    prefix = f"icb{os.getpid() % 10000}-"
    with ClassDemo(students=2, hub_students=0, prefix=prefix,
                   out=tmp_path_factory.mktemp("class-browser")) as demo:
        users = [demo.instructor, *demo.students]
        yield demo, {user: give_password(user) for user in users}


def _fenced(guard) -> object:
    """The page's whole context fenced off like the page (pop-ups included), 2 min waits."""
    def route(r):
        if is_local(r.request.url):
            r.fallback()
        else:
            guard.external.append(r.request.url)
            r.abort()

    guard.page.context.route("**/*", route)
    guard.page.context.set_default_timeout(120_000)
    return guard.page


def _action(frame, row, column: str, expect: str) -> None:
    """Click a formgrader button in ``row`` and wait for its dialog: success, ``expect``."""
    row.locator(f"td.{column} a").click()
    dialog = frame.locator("#success-modal, #error-modal")
    dialog.wait_for(timeout=STEP)
    text = dialog.inner_text()
    assert frame.locator("#success-modal").count() == 1, text
    assert expect in text, text
    frame.locator("#success-modal .modal-footer button").click()
    frame.locator("#success-modal").wait_for(state="detached")


def _wait_json(path: Path, expected: dict, timeout: float = 60) -> object:
    """What ``path`` holds once it equals ``expected`` (or when time runs out)."""
    deadline, seen = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if path.exists():
            seen = json.loads(path.read_text())
            if seen == expected:
                break
        time.sleep(0.2)
    return seen


def test_formgrader_round_trip_in_chromium_inside_the_hub(hub_class, guarded_page):
    demo, passwords = hub_class
    hub, student = demo.hub.url, demo.students[0]
    teacher_guard, student_guard = guarded_page(), guarded_page()
    teacher, learner = _fenced(teacher_guard), _fenced(student_guard)
    pages = {"instructor-lab": teacher, "student": learner}
    with evidence(pages, demo.work / "jupyterhub.log", "formgrader-round-trip"):
        # --- the instructor: login page, own JupyterLab, hub's Services menu, formgrader
        log_in(teacher, hub, demo.instructor, passwords[demo.instructor])
        with teacher.context.expect_page() as popup:
            lab_menu(teacher, "File", "Hub Control Panel")
        grader = pages["formgrader-lab"] = popup.value
        refused = frame_refusals(grader)
        grader.get_by_role("button", name="Services").click()
        grader.get_by_role("link", name=SERVICE, exact=True).click()
        wait_for_lab(grader)
        assert grader.url.startswith(f"{hub}/services/{SERVICE}/lab"), grader.url
        lab_menu(grader, "Nbgrader", "Formgrader")
        fg = grader.frame_locator("#formgrader-iframe iframe")
        row = fg.locator(f"tr:has(td.name a:text-is('{QUIZ}'))")
        wait_framed(row, refused)  # the framed page really loaded: the quiz is listed
        _action(fg, row, "assign", "Successfully created the student version")
        _action(fg, row, "release", "Successfully released")

        # --- the student: login page, Assignment List, fetch, answer in the widgets, submit
        log_in(learner, hub, student, passwords[student])
        lab_menu(learner, "Nbgrader", "Assignment List")
        panel = learner.locator("#nbgrader-assignment-list")
        panel.locator("#released_assignments_list").get_by_role("button", name="Fetch").click()
        fetched = panel.locator("#fetched_assignments_list")
        fetched.get_by_role("button", name=QUIZ).click()  # unfolds the quiz's notebooks
        fetched.get_by_role("link", name=QUIZ, exact=True).click()
        learner.locator(".jp-Notebook").wait_for()
        run_all_cells(learner)
        questions = learner.locator(".immunocourse-quiz-question")
        questions.last.wait_for(timeout=STEP)
        ids = [q.id for q in demo.questions]
        questions.nth(ids.index("where-t-cells-mature")).get_by_label("Thymus").check()
        granulocytes = questions.nth(ids.index("granulocytes"))
        for option in CLICKS["granulocytes"]:
            granulocytes.get_by_label(option).check()
        questions.nth(ids.index("t-cells-destroy")).get_by_role("button", name="True").click()
        answers_file = demo.home(student) / COURSE_ID / QUIZ / ANSWERS_FILE
        assert _wait_json(answers_file, CLICKS) == CLICKS
        lab_menu(learner, "Nbgrader", "Assignment List")
        fetched.get_by_role("button", name="Submit").click()
        submitted = panel.locator("#submitted_assignments_list")
        submitted.get_by_role("button", name="Fetch Feedback").wait_for(timeout=STEP)

        # --- the instructor, in the same framed formgrader: collect, autograde, feedback
        _action(fg, row, "collect", "Successfully collected")
        collected = demo.course / "submitted" / student / QUIZ / ANSWERS_FILE
        assert json.loads(collected.read_text()) == CLICKS  # the student's own answers
        row.locator("td.num-submissions a").click()
        sub = fg.locator(f"tr:has(td:text-is('{student}'))")
        _action(fg, sub, "autograde", "Successfully autograded")
        fg.get_by_role("link", name="Manage Assignments").click()
        _action(fg, row, "generate-feedback", "Successfully generated feedback")
        _action(fg, row, "release-feedback", "Successfully released feedback")
        assert refused == [], refused

        # --- the student fetches the feedback and opens its page: the grader's score
        submitted.get_by_role("button", name="Fetch Feedback").click()
        submitted.get_by_text("(view feedback)").click()
        learner.locator(".jp-DirListing-item", has_text=f"{QUIZ}.html").dblclick()
        page = learner.frame_locator(".jp-HTMLViewer iframe")
        shown = page.locator("dd.score").inner_text(timeout=STEP)
        expected = expected_score(demo.questions, CLICKS)
        graded = _gradebook_score(demo.pg.url, student)
        match = re.match(r"([\d.]+) out of ([\d.]+)", shown)
        assert match, shown
        assert float(match[1]) == pytest.approx(graded) == pytest.approx(expected), shown
        assert 0 < expected < float(match[2])  # some answers right, one half right, some left
        assert teacher_guard.external == student_guard.external == []


def _gradebook_score(db_url: str, student: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, COURSE_ID) as gb:
        return gb.find_submission(QUIZ, student).score


def test_a_student_gets_403_from_the_formgrader(hub_class, guarded_page):
    demo, passwords = hub_class
    student = demo.students[1]
    guard = guarded_page()
    page = _fenced(guard)
    with evidence({"student": page}, demo.work / "jupyterhub.log", "formgrader-403"):
        log_in(page, demo.hub.url, student, passwords[student])
        for path in ("formgrader", "formgrader/manage_assignments", "lab"):
            response = page.goto(f"{demo.hub.url}/services/{SERVICE}/{path}")
            assert response.status == 403, (path, response.status, page.url)
            assert page.locator("#formgrader-iframe, .jp-LabShell, #manage-assignments"
                                ).count() == 0, path
        page.goto(f"{demo.hub.url}/hub/home")
        assert page.get_by_role("link", name=SERVICE).count() == 0  # not in Services either
    assert guard.external == []
