"""The student's learning loop in the static book, in a real Chromium: answers kept in this
browser, the "Your progress" page, and the spaced "Review" page (issue 21).

One built book, one server; each test opens a fresh browser context (its own empty
localStorage) with the network fenced off, and fails on any console error.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from immunocourse.quiz.progress import course_banks, course_lessons, course_progress, progress_html
from tests.axe import describe, run_axe
from tests.helpers.browser import GuardedPage

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("study_book")]

LESSON = "book/02-immune-system.html"
PROGRESS = "book/progress.html"
REVIEW = "book/review.html"
QUIZ = "immune-system"
PHONE = {"width": 390, "height": 844}
MONDAY = dt.datetime(2026, 3, 2, 12, 0)  # noon: the same calendar day in any time zone near UTC
LESSONS = course_lessons()
BANKS = course_banks(LESSONS)
BLOCKED = {
    # Private modes: the property itself throws ...
    "localStorage throws": """Object.defineProperty(window, "localStorage", {
        configurable: true, get() { throw new DOMException("blocked", "SecurityError"); }});""",
    # ... or reading works but every write fails, as in a full store.
    "quota exceeded": """Storage.prototype.setItem = function () {
        throw new DOMException("full", "QuotaExceededError"); };""",
}


@pytest.fixture(scope="module")
def url(built_book: Path) -> Iterator[str]:
    from tests.helpers.serving import serving

    with serving() as serve:
        yield serve(built_book)


@pytest.fixture
def open_page(guarded_page) -> Callable[..., GuardedPage]:
    """``open_page(viewport=None, init=None)``: a guarded page (tests/conftest.py) in a fresh
    context (empty storage) that accepts downloads."""
    def make(viewport: dict | None = None, init: str | None = None) -> GuardedPage:
        return guarded_page(init=init, viewport=viewport, accept_downloads=True)

    return make


def clean(guard: GuardedPage) -> None:
    assert guard.console_errors == [], guard.console_errors
    assert guard.external == [], guard.external


def fieldset(page, qid: str):
    return page.locator(f"fieldset[data-question-id='{qid}']")


def choose(page, qid: str, *texts: str) -> None:
    """Tick the options with these labels, as a student clicks them."""
    box = fieldset(page, qid)
    for text in texts:
        box.locator("label", has_text=text).first.click()


def check(page, qid: str) -> str:
    box = fieldset(page, qid)
    box.locator("button.quiz-check").click()
    return box.locator("[role=status]").inner_text()


def storage(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries(Object.keys(localStorage)
        .filter(k => k.startsWith("immunocourse:")).map(k => [k, localStorage.getItem(k)]))""")


def seed(page, items: dict[str, object]) -> None:
    """Put entries in localStorage (strings as they are, the rest as JSON), then reload."""
    page.evaluate("items => Object.entries(items).forEach(([k, v]) => localStorage.setItem(k, v))",
                  {k: v if isinstance(v, str) else json.dumps(v) for k, v in items.items()})
    page.reload()


def quiz_key(quiz_id: str) -> str:
    return f"immunocourse:quiz:{quiz_id}:{BANKS[quiz_id].hash}"


def note(page, selector: str = ".quiz-note") -> str:
    return page.locator(selector).first.inner_text()


def rows_text(html: str) -> list[list[str]]:
    """Each row of a progress table as its cells' text (links compared separately)."""
    soup = BeautifulSoup(html, "html.parser")
    return [[" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
            for row in soup.select("tbody tr")]


def as_bank_form(answers: dict[str, dict[str, object]]) -> dict[str, object]:
    """The browser's answers (option indices) in answers.json's form (option text)."""
    out: dict[str, object] = {}
    for quiz_id, given in answers.items():
        for q in BANKS[quiz_id].questions:
            if q.id not in given:
                continue
            value = given[q.id]
            options = list(q.options or ())
            if q.type == "single":
                out[q.id] = options[value] if 0 <= value < len(options) else "an option now gone"
            elif q.type == "multiple":
                out[q.id] = [options[i] if 0 <= i < len(options) else "gone" for i in value]
            else:
                out[q.id] = value
    return out


# --- answers persist, and the progress page shows them -------------------------------------


def test_answers_and_feedback_come_back_and_the_progress_page_shows_them(open_page, url):
    guard = open_page()
    page = guard.page
    page.goto(f"{url}/{LESSON}")
    choose(page, "where-t-cells-mature", "Bone marrow")  # wrong: the thymus
    assert "Not quite" in check(page, "where-t-cells-mature")
    choose(page, "which-cells-make-antibodies", "B cells")  # right, but not checked
    choose(page, "granulocytes", "Neutrophils", "Eosinophils")  # 2 of 3 right: 2 points
    assert "2 / 3 points" in check(page, "granulocytes")
    page.reload()
    assert fieldset(page, "where-t-cells-mature").get_by_label("Bone marrow").is_checked()
    wrong = fieldset(page, "where-t-cells-mature")
    assert "Not quite" in wrong.locator("[role=status]").inner_text()
    assert fieldset(page, "where-t-cells-mature").locator(".quiz-explanation").is_visible()
    assert fieldset(page, "which-cells-make-antibodies").get_by_label("B cells").is_checked()
    unchecked = fieldset(page, "which-cells-make-antibodies")
    assert unchecked.locator(".quiz-verdict").inner_text() == ""  # never checked: no verdict
    assert not unchecked.locator(".quiz-explanation").is_visible()
    assert "2 / 3 points" in fieldset(page, "granulocytes").locator("[role=status]").inner_text()
    assert page.locator(".quiz-note").count() == 0 or note(page) == ""

    page.goto(f"{url}/{PROGRESS}")
    row = page.locator("tr[data-quiz='immune-system']")
    assert "started (3 of 11)" in row.inner_text()
    assert "3 / 14" in row.inner_text()
    parts = row.locator("li[data-objective='immune-system/parts']").inner_text()
    assert "not yet (60%, 3 of 3 questions answered)" in parts
    assert "not started (0 of" in page.locator("tr[data-quiz='welcome']").inner_text()
    # Exactly what the notebook's progress.py says for the same answers.
    answers = {QUIZ: {"where-t-cells-mature": 0, "which-cells-make-antibodies": 0,
                      "granulocytes": [0, 1]}}
    expected = rows_text(progress_html(course_progress(as_bank_form(answers)), link="book"))
    assert rows_text(page.locator("table.immunocourse-progress").evaluate("t => t.outerHTML")) \
        == expected
    href = row.locator("a").evaluate("a => a.href")
    assert href == f"{url}/{LESSON}"
    assert "Nothing leaves it" in page.locator("main").inner_text()
    clean(guard)


@pytest.mark.parametrize("how", BLOCKED)
def test_with_storage_blocked_the_quiz_still_scores_and_says_answers_are_not_kept(
        open_page, url, how):
    guard = open_page(init=BLOCKED[how])
    page = guard.page
    # The theme itself logs errors when storage throws; a page without a quiz counts them,
    # and the quiz and progress pages may add none of their own.
    page.goto(f"{url}/book/glossary.html")
    theirs, guard.console_errors[:] = list(guard.console_errors), []
    page.goto(f"{url}/{LESSON}")
    choose(page, "where-t-cells-mature", "Thymus")
    assert "Correct" in check(page, "where-t-cells-mature")
    assert fieldset(page, "where-t-cells-mature").locator(".quiz-explanation").is_visible()
    assert "not kept" in note(page)
    page.goto(f"{url}/{PROGRESS}")
    assert "does not let the course keep your answers" in note(page, ".study-note")
    assert "not started" in page.locator("tr[data-quiz='immune-system']").inner_text()
    assert guard.console_errors == theirs + theirs, guard.console_errors
    assert guard.external == []


def test_forget_my_answers_asks_first_and_then_forgets(open_page, url):
    guard = open_page()
    page = guard.page
    page.goto(f"{url}/{PROGRESS}")
    seed(page, {quiz_key(QUIZ): {"answers": {"where-t-cells-mature": 1}, "checked": []},
                "immunocourse:review": {"format": 1, "cards": {}}})
    row = page.locator("tr[data-quiz='immune-system']")
    assert "started (1 of 11)" in row.inner_text()
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("button", name="Forget my answers").click()
    assert "started (1 of 11)" in row.inner_text()
    assert quiz_key(QUIZ) in storage(page)
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Forget my answers").click()
    assert "not started (0 of 11)" in row.inner_text()
    assert storage(page) == {}
    page.goto(f"{url}/{LESSON}")
    assert not fieldset(page, "where-t-cells-mature").get_by_label("Thymus").is_checked()
    clean(guard)


def test_download_my_progress_is_a_json_file_of_answers_progress_and_cards(open_page, url):
    guard = open_page()
    page = guard.page
    page.goto(f"{url}/{PROGRESS}")
    cards = {f"{QUIZ}/where-t-cells-mature": {"box": 2, "due": "2026-03-04"}}
    seed(page, {quiz_key(QUIZ): {"answers": {"where-t-cells-mature": 1, "cold-tumour": False},
                                 "checked": ["where-t-cells-mature"]},
                "immunocourse:review": {"format": 1, "cards": cards}})
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my progress").click()
    saved = json.loads(Path(info.value.path()).read_text())
    assert info.value.suggested_filename.endswith(".json")
    assert saved["answers"][QUIZ]["answers"] == {"where-t-cells-mature": 1, "cold-tumour": False}
    assert saved["answers"][QUIZ]["hash"] == BANKS[QUIZ].hash
    lesson = next(r for r in saved["progress"] if r["quiz"] == QUIZ)
    assert (lesson["status"], lesson["answered"], lesson["earned"]) == ("started", 2, 2.0)
    assert saved["review"]["cards"] == cards
    clean(guard)


def test_a_changed_bank_drops_the_stale_answers_with_a_note(open_page, url):
    guard = open_page()
    page = guard.page
    page.goto(f"{url}/{LESSON}")
    stale = f"immunocourse:quiz:{QUIZ}:0123456789abcdef"
    seed(page, {stale: {"answers": {"where-t-cells-mature": 1},
                        "checked": ["where-t-cells-mature"]}})
    assert "older version of this quiz" in note(page)
    assert not fieldset(page, "where-t-cells-mature").get_by_label("Thymus").is_checked()
    assert stale not in storage(page)
    choose(page, "where-t-cells-mature", "Spleen")
    assert json.loads(storage(page)[quiz_key(QUIZ)])["answers"] == {"where-t-cells-mature": 2}
    clean(guard)


def test_a_corrupt_quiz_entry_keeps_what_is_usable_with_a_one_line_note(open_page, url):
    guard = open_page()
    page = guard.page
    page.goto(f"{url}/{LESSON}")
    seed(page, {quiz_key(QUIZ): {
        "answers": {"where-t-cells-mature": 1, "which-cells-make-antibodies": 99,
                    "no-such-question": 0, "cold-tumour": "yes", "dormant-size": 8.2},
        "checked": ["where-t-cells-mature", "no-such-question", 7]}})
    line = note(page)
    assert "5 saved answers to this quiz could not be used" in line and "\n" not in line
    kept = fieldset(page, "where-t-cells-mature")
    assert kept.get_by_label("Thymus").is_checked() and "Correct" in kept.inner_text()
    assert fieldset(page, "dormant-size").locator("input").input_value() == "8.2"
    saved = json.loads(storage(page)[quiz_key(QUIZ)])  # the cleaned entry replaced it
    assert saved == {"answers": {"where-t-cells-mature": 1, "dormant-size": 8.2},
                     "checked": ["where-t-cells-mature"]}
    for broken in ("{not json", "x" * 200_000):
        seed(page, {quiz_key(QUIZ): broken})
        assert "could not be read, so they were cleared" in note(page)
        assert not kept.get_by_label("Thymus").is_checked()
    page.goto(f"{url}/{PROGRESS}")  # the progress page says which lesson, and carries on
    seed(page, {quiz_key("cytokines"): "[1, 2"})
    assert "Lesson 3: Your saved answers" in note(page, ".study-note")
    clean(guard)


# --- review --------------------------------------------------------------------------------


def review_card(page, qid: str) -> dict:
    return json.loads(storage(page)["immunocourse:review"])["cards"][f"{QUIZ}/{qid}"]


def test_a_missed_question_comes_back_on_the_leitner_schedule(open_page, url):
    guard = open_page()
    page = guard.page
    page.clock.set_fixed_time(MONDAY)
    page.goto(f"{url}/{LESSON}")
    choose(page, "where-t-cells-mature", "Bone marrow")
    check(page, "where-t-cells-mature")
    assert review_card(page, "where-t-cells-mature") == {"box": 1, "due": "2026-03-02"}

    page.goto(f"{url}/{REVIEW}")
    assert page.locator(".review-count").inner_text() == "1 question due today."
    shown = page.locator(".review-session fieldset")
    assert shown.count() == 1 and shown.get_attribute("data-question-id") == "where-t-cells-mature"
    choose(page, "where-t-cells-mature", "Thymus")
    status = check(page, "where-t-cells-mature")
    assert "Correct" in status and "Next review: in 2 days." in status
    assert fieldset(page, "where-t-cells-mature").locator(".quiz-explanation").is_visible()
    assert fieldset(page, "where-t-cells-mature").locator("button.quiz-check").is_disabled()
    assert review_card(page, "where-t-cells-mature") == {"box": 2, "due": "2026-03-04"}

    page.clock.set_fixed_time(MONDAY + dt.timedelta(days=1))
    page.reload()
    assert page.locator(".review-count").inner_text() == "Nothing is due today."
    assert "The next question is due tomorrow." in page.locator(".review-next").inner_text()
    assert page.locator(".review-next a").get_attribute("href") == "index.html"

    page.clock.set_fixed_time(MONDAY + dt.timedelta(days=2))
    page.reload()
    assert page.locator(".review-count").inner_text() == "1 question due today."
    choose(page, "where-t-cells-mature", "Thymus")
    assert "Next review: in 4 days." in check(page, "where-t-cells-mature")
    assert page.locator(".review-count").inner_text() == "1 question due today, 1 done."
    assert review_card(page, "where-t-cells-mature") == {"box": 3, "due": "2026-03-08"}
    assert "never marked and never sent anywhere" in page.locator("main").inner_text()
    clean(guard)


def test_review_syncs_lesson_answers_and_cleans_a_corrupt_state(open_page, url):
    guard = open_page()
    page = guard.page
    page.clock.set_fixed_time(MONDAY)
    page.goto(f"{url}/{REVIEW}")
    assert page.locator(".review-count").inner_text() == "Nothing is due today."
    assert "No questions are waiting" in page.locator(".review-next").inner_text()
    seed(page, {
        # answered in the lesson before any card existed, checked or not (as the notebook's
        # Review reads answers.json): wrong -> due today
        quiz_key(QUIZ): {"answers": {"cold-tumour": True, "smaller-tumour-escapes": True},
                         "checked": ["cold-tumour"]},
        "immunocourse:review": {"format": 1, "cards": {
            f"{QUIZ}/t-cells-destroy": {"box": 1, "due": "2026-03-01"},
            "no-such/question": {"box": 1, "due": "2026-03-01"},
            f"{QUIZ}/pd-l1-does": {"box": 2, "due": "2099-01-01"},
        }}})
    line = note(page, ".study-note")
    assert "saved review card" in line and "\n" not in line
    assert page.locator(".review-count").inner_text() == "3 questions due today."
    shown = page.locator(".review-session fieldset")
    assert [shown.nth(i).get_attribute("data-question-id") for i in range(3)] == [
        "t-cells-destroy", "cold-tumour", "smaller-tumour-escapes"]  # longest overdue first
    cards = json.loads(storage(page)["immunocourse:review"])["cards"]
    assert set(cards) == {f"{QUIZ}/t-cells-destroy", f"{QUIZ}/cold-tumour",
                          f"{QUIZ}/smaller-tumour-escapes"}  # saved cleaned
    for broken, says in (("{not json", "could not be read"), ("[]", "not a set of cards"),
                         ("x" * 300_000, "too big")):
        seed(page, {"immunocourse:review": broken})
        assert says in note(page, ".study-note")
        # afresh, yet the lesson's answers come straight back in
        assert page.locator(".review-count").inner_text() == "2 questions due today."
    clean(guard)


def test_a_review_question_can_be_answered_by_keyboard_alone(open_page, url):
    guard = open_page()
    page = guard.page
    page.clock.set_fixed_time(MONDAY)
    page.goto(f"{url}/{REVIEW}")
    seed(page, {"immunocourse:review": {"format": 1, "cards": {
        f"{QUIZ}/which-cells-make-antibodies": {"box": 1, "due": "2026-03-02"}}}})
    options = fieldset(page, "which-cells-make-antibodies").locator("input[type=radio]")
    for _ in range(200):  # Tab from the top of the page until the question has focus
        page.keyboard.press("Tab")
        if options.first.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the review question")
    page.keyboard.press("ArrowDown")  # "Cytotoxic T cells"
    page.keyboard.press("ArrowUp")  # back to "B cells", the right answer
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the Check button
    page.keyboard.press("Enter")
    status = fieldset(page, "which-cells-make-antibodies").locator("[role=status]").inner_text()
    assert "Correct" in status and "Next review: in 2 days." in status
    clean(guard)


@pytest.mark.parametrize("page_name", [PROGRESS, REVIEW])
def test_study_pages_pass_axe_and_fit_a_phone(open_page, url, page_name):
    guard = open_page(viewport=PHONE)
    page = guard.page
    page.clock.set_fixed_time(MONDAY)
    page.goto(f"{url}/{page_name}")
    seed(page, {quiz_key(QUIZ): {"answers": {"granulocytes": [0, 3], "escaped-size": 400},
                                 "checked": ["granulocytes", "escaped-size"]}})
    violations = run_axe(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    buttons = (["Download my progress", "Forget my answers"] if page_name == PROGRESS
               else ["Check question 1", "Check question 2"])
    for name in buttons:
        button = page.get_by_role("button", name=name)
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert button.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    if page_name == REVIEW:  # after an answer too: the verdict and the next date
        choose(page, "granulocytes", "Basophils")
        check(page, "granulocytes")
        assert run_axe(page) == []
    clean(guard)


# --- parity: the browser's table is progress.py's --------------------------------------------


def right(q) -> object:
    """The right answer in the browser's form."""
    options = list(q.options or ())
    if q.type == "single":
        return options.index(q.answer)
    if q.type == "multiple":
        return sorted(options.index(a) for a in q.answer)
    return q.answer


def all_right(skip_last: bool) -> dict[str, dict[str, object]]:
    """Every lesson answered right; with ``skip_last``, its last question left out (an
    objective can then reach 80 % without being met)."""
    return {quiz_id: {q.id: right(q) for q in bank.questions[:-1 if skip_last else None]}
            for quiz_id, bank in BANKS.items()}


def random_answers(rng: random.Random) -> dict[str, dict[str, object]]:
    """Answers as the browser keeps them, over every lesson: some missing, some odd."""
    out: dict[str, dict[str, object]] = {}
    for quiz_id, bank in BANKS.items():
        given: dict[str, object] = {}
        for q in bank.questions:
            roll = rng.random()
            if roll < 0.3:
                continue
            if roll < 0.6:
                given[q.id] = right(q)
                continue
            n = len(q.options or ())
            if q.type == "single":
                given[q.id] = rng.randrange(n + 1 if roll > 0.9 else n)  # n: a gone option
            elif q.type == "multiple":
                given[q.id] = rng.sample(range(n), rng.randrange(n + 1))
            elif q.type == "truefalse":
                given[q.id] = rng.random() < 0.5
            else:
                given[q.id] = rng.choice([float(q.answer), float(q.answer) + float(q.tolerance),
                                          float(q.answer) + 1.5, -3.25])
        out[quiz_id] = given
    return out


def test_the_progress_table_is_progress_py_for_many_answer_sets(open_page, url):
    guard = open_page()
    page = guard.page
    page.goto(f"{url}/{PROGRESS}")
    rng = random.Random(21)
    first_options = {quiz: {q.id: 0 for q in b.questions if q.type == "single"}
                     for quiz, b in BANKS.items()}
    sets = [{}, first_options, all_right(False), all_right(True),
            *(random_answers(rng) for _ in range(25))]
    tables = page.evaluate("""sets => {
        const data = JSON.parse(document.querySelector("script.study-data").textContent);
        return sets.map(answers => immunocourseStudy.progressTable(
            immunocourseStudy.courseProgress(data, answers)).outerHTML);
    }""", sets)
    for answers, table in zip(sets, tables, strict=True):
        expected = progress_html(course_progress(as_bank_form(answers)), link="book")
        assert rows_text(table) == rows_text(expected), answers
    clean(guard)
