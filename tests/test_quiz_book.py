"""The book rendering of quizzes: the ``{quiz}`` directive and ``quiz.js``.

A tiny Sphinx project (tests/data/quizbook: MyST, the book theme, two quizzes on one page)
is built strictly once per module; the HTML is checked as a screen-reader user would meet
it, then answered by keyboard in Chromium, and the browser's scores are compared with
``immunocourse.quiz.scoring.score`` for many answers.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from immunocourse.quiz.bank import Question, load_bank
from immunocourse.quiz.scoring import score

ROOT = Path(__file__).resolve().parent.parent
QUIZBOOK = Path(__file__).resolve().parent / "data" / "quizbook"
STATIC = ROOT / "immunocourse" / "quiz" / "static"

# One worker builds the book once for every test here (`pytest -n 2 --dist loadgroup`).
pytestmark = pytest.mark.xdist_group("quiz_book")


def sphinx_build(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``sphinx-build -W -n --keep-going -b html``, as strict as the course's book build."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    cmd = [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html",
           *extra, str(src), str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built HTML folder of the test project."""
    src = tmp_path_factory.mktemp("quizbook") / "src"
    shutil.copytree(QUIZBOOK, src)
    out = src.parent / "html"
    result = sphinx_build(src, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def soup(book: Path) -> BeautifulSoup:
    return BeautifulSoup((book / "index.html").read_text(encoding="utf-8"), "html.parser")


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def banks() -> dict[str, object]:
    return {p.stem: load_bank(p) for p in sorted((QUIZBOOK / "banks").glob("*.yml"))}


# --- static HTML -----------------------------------------------------------------------------


def test_each_quiz_is_a_titled_section_of_fieldsets_with_legends(soup: BeautifulSoup) -> None:
    quizzes = soup.select("section.quiz")
    assert [q["data-quiz-id"] for q in quizzes] == ["cells", "dosing"]
    for quiz, bank in zip(quizzes, banks().values(), strict=True):
        heading = soup.find(id=quiz["aria-labelledby"])
        assert heading.name in {"h2", "h3", "h4"} and text(heading) == bank.title
        fieldsets = quiz.find_all("fieldset", recursive=False)
        assert [f["data-question-id"] for f in fieldsets] == [q.id for q in bank.questions]
        for fieldset in fieldsets:
            assert fieldset.find("legend", recursive=False) is not None
            button = fieldset.select_one("button.quiz-check")
            assert button["type"] == "button" and text(button).startswith("Check")
            status = fieldset.select_one('[role="status"]')
            assert status is not None and status["aria-live"] == "polite"


def test_prompts_render_markdown_and_math_like_the_page(soup: BeautifulSoup) -> None:
    legend = soup.select_one("#quiz-cells-antibodies legend")
    assert legend.find("strong").get_text() == "antibodies"  # **antibodies**
    math = soup.select("#quiz-dosing-dose legend span.math")
    assert [m.get_text() for m in math] == [r"\(70\)", r"\(3\,\mathrm{mg/kg}\)"]
    # A prompt with a list keeps its blocks next to the legend, tied to the group.
    fieldset = soup.select_one("#quiz-dosing-interval")
    more = soup.find(id=fieldset["aria-describedby"])
    assert [text(li) for li in more.select("li")] == ["day 1: first dose", "day 22: second dose"]
    assert soup.select_one('label[for="quiz-dosing-interval-opt-0"] code').get_text() == "21"


def test_every_input_has_a_label_and_ids_are_unique(soup: BeautifulSoup) -> None:
    inputs = soup.select("section.quiz input")
    assert len(inputs) == 3 + 4 + 2 + 1 + 2 + 2
    for element in inputs:
        label = soup.select_one(f'label[for="{element["id"]}"]')
        assert label is not None and text(label), element
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    # Both banks have a question "warm-up"; each gets its own radio group.
    assert {i["name"] for i in soup.select('input[value="true"]')} == {
        "quiz-cells-warm-up", "quiz-dosing-warm-up"}
    number = soup.select_one("#quiz-dosing-dose input")
    assert number["type"] == "number" and number["step"] == "any"
    assert text(soup.select_one(f'label[for="{number["id"]}"]')) == "Your answer"
    assert [i["type"] for i in soup.select("#quiz-cells-granulocytes input")] == ["checkbox"] * 4
    assert [text(soup.select_one(f'label[for="{i["id"]}"]'))
            for i in soup.select("#quiz-cells-warm-up input")] == ["True", "False"]


def test_explanations_are_hidden_and_the_key_matches_the_bank(soup: BeautifulSoup) -> None:
    explanations = soup.select(".quiz-explanation")
    assert len(explanations) == 6 and all(e.has_attr("hidden") for e in explanations)
    assert all(text(v) == "" for v in soup.select(".quiz-verdict"))
    # The explanation text appears nowhere else on the page.
    assert text(soup).count("Cytotoxic T cells kill") == 1
    for quiz in soup.select("section.quiz"):
        key = json.loads(quiz.select_one('script[type="application/json"].quiz-key').string)
        bank = banks()[key["quiz"]]
        for entry, question in zip(key["questions"], bank.questions, strict=True):
            if question.type == "single":
                assert question.options[entry["answer"]] == question.answer
            elif question.type == "multiple":
                assert [question.options[i] for i in entry["answer"]] == list(question.answer)
            else:
                assert entry["answer"] == question.answer


def test_assets_are_local_and_only_on_quiz_pages(book: Path, soup: BeautifulSoup) -> None:
    scripts = [s.get("src", "") for s in soup.find_all("script")]
    assert any(s.startswith("_static/quiz.js") for s in scripts)
    assert any(link["href"].startswith("_static/quiz.css") for link in soup.select("link"))
    assert (book / "_static" / "quiz.js").read_bytes() == (STATIC / "quiz.js").read_bytes()
    assert "quiz.js" not in (book / "search.html").read_text(encoding="utf-8")
    quiz_html = "".join(str(q) for q in soup.select("section.quiz"))
    assert not re.search(r"\son[a-z]+=", quiz_html), "inline event handler"
    assert not re.search(r"https?://", (STATIC / "quiz.js").read_text(encoding="utf-8"))


# --- strict build failures and incremental rebuilds ---------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(QUIZBOOK, src)
    return src


def test_unknown_quiz_or_invalid_bank_fails_the_strict_build_naming_the_page(
    project: Path, tmp_path: Path
) -> None:
    (project / "bad.md").write_text(
        "---\norphan: true\n---\n\n# Bad\n\n```{quiz} no-such-quiz\n```\n", encoding="utf-8")
    (project / "broken.md").write_text(
        "---\norphan: true\n---\n\n# Broken\n\n```{quiz} broken\n```\n", encoding="utf-8")
    (project / "banks" / "broken.yml").write_text(
        "id: broken\ntitle: Broken\nquestions:\n  - id: q\n    type: single\n"
        "    prompt: Which?\n    options: [A, B]\n    answer: C\n    explanation: E\n",
        encoding="utf-8")
    result = sphinx_build(project, tmp_path / "html", "-D", "html_theme=alabaster")
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert re.search(r"bad\.md:7: WARNING: quiz 'no-such-quiz': no question bank", log), log
    assert re.search(r"broken\.md:7: WARNING: quiz 'broken': invalid question bank: "
                     r".*broken\.yml:8: .*'C' is not one of the options", log), log


def test_editing_a_bank_rebuilds_the_page(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    assert sphinx_build(project, out, "-D", "html_theme=alabaster").returncode == 0
    bank = project / "banks" / "dosing.yml"
    bank.write_text(bank.read_text(encoding="utf-8").replace(
        "title: Doses and schedules", "title: Doses, revised"), encoding="utf-8")
    result = sphinx_build(project, out, "-D", "html_theme=alabaster")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Doses, revised" in (out / "index.html").read_text(encoding="utf-8")


# --- in the browser ---------------------------------------------------------------------------


def feedback(page, question_dom: str):
    return page.locator(f"#{question_dom}-feedback")


@pytest.mark.browser
def test_a_quiz_answered_by_keyboard_alone(book: Path, serve_dir, guarded_page) -> None:
    from playwright.sync_api import expect

    guard = guarded_page()
    page = guard.page
    page.goto(f"{serve_dir(book)}/index.html")
    keys = page.keyboard

    def focused() -> str:
        return page.evaluate("document.activeElement && document.activeElement.id")

    for _ in range(300):  # Tab through the theme's links until the first option
        keys.press("Tab")
        if focused() == "quiz-cells-antibodies-opt-0":
            break
    else:
        pytest.fail("Tab never reached the first quiz option")

    explanation = feedback(page, "quiz-cells-antibodies").locator(".quiz-explanation")
    expect(explanation).to_be_hidden()
    keys.press("Tab")  # nothing chosen yet: Check asks for an answer, tells nothing away
    keys.press("Enter")
    expect(feedback(page, "quiz-cells-antibodies")).to_contain_text("Choose an answer first")
    expect(explanation).to_be_hidden()

    keys.press("Shift+Tab")
    keys.press("Space")  # "B cells", the right answer
    keys.press("Tab")
    keys.press("Enter")
    status = feedback(page, "quiz-cells-antibodies")
    expect(status).to_contain_text("Correct. 1 / 1 point")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("B cells make antibodies")

    # Multiple: Neutrophils only is one of two right options, no wrong one: half marks.
    keys.press("Tab")
    assert focused() == "quiz-cells-granulocytes-opt-0"
    keys.press("Space")
    for _ in range(4):
        keys.press("Tab")
    keys.press("Space")  # Space on the Check button
    status = feedback(page, "quiz-cells-granulocytes")
    expect(status).to_contain_text("Not quite. 0.5 / 1 point")
    expect(status.locator(".quiz-explanation")).to_be_visible()

    # True/false by arrow keys: False is wrong, then back to True.
    keys.press("Tab")
    assert focused() == "quiz-cells-warm-up-true"
    keys.press("ArrowDown")
    assert focused() == "quiz-cells-warm-up-false"
    keys.press("Tab")
    keys.press("Enter")
    expect(feedback(page, "quiz-cells-warm-up")).to_contain_text("Not quite. 0 / 2 points")
    keys.press("Shift+Tab")
    keys.press("ArrowUp")
    # A changed answer drops the old verdict rather than leave "Not quite" beside it.
    expect(feedback(page, "quiz-cells-warm-up").locator(".quiz-verdict")).to_have_text("")
    keys.press("Tab")
    keys.press("Enter")
    expect(feedback(page, "quiz-cells-warm-up")).to_contain_text("Correct. 2 / 2 points")

    # Numeric, in the second quiz: within the tolerance of 0.5, Enter in the field checks.
    for _ in range(10):
        keys.press("Tab")
        if focused() == "quiz-dosing-dose-input":
            break
    keys.type("210.4")
    keys.press("Enter")
    expect(feedback(page, "quiz-dosing-dose")).to_contain_text("Correct. 2 / 2 points")
    expect(feedback(page, "quiz-dosing-dose").locator(".quiz-explanation")).to_be_visible()

    # The other quiz on the page was left alone.
    expect(feedback(page, "quiz-dosing-interval").locator(".quiz-explanation")).to_be_hidden()
    assert guard.console_errors == []
    assert guard.external == []


def answers(question: Question) -> list[object]:
    """Answers in the bank's form: every option or subset, and numbers around the edges."""
    if question.type == "single":
        return list(question.options)
    if question.type == "multiple":
        opts = question.options
        return [list(c) for n in range(1, len(opts) + 1) for c in itertools.combinations(opts, n)]
    if question.type == "truefalse":
        return [True, False]
    a, t = float(question.answer), question.tolerance
    return [a, a + t, a - t, a + t + 1e-9, a - t - 0.001, a + 2 * t, 0.0, -a, 1e6]


def dom_answer(question: Question, given: object) -> object:
    """The same answer as what quiz.js reads: option indices, "true"/"false", field text."""
    if question.type == "single":
        return [question.options.index(given)]
    if question.type == "multiple":
        return [question.options.index(g) for g in given]
    if question.type == "truefalse":
        return ["true" if given else "false"]
    return repr(given)


SET_AND_CHECK = """([dom, type, answer]) => {
  const fieldset = document.getElementById(dom);
  if (type === "numeric") {
    fieldset.querySelector('input[type="number"]').value = answer;
  } else {
    for (const input of fieldset.querySelectorAll("input")) {
      const wanted = answer.map(String).includes(input.value);
      input.checked = wanted;
    }
  }
  fieldset.querySelector("button.quiz-check").click();
  const fb = fieldset.querySelector(".quiz-feedback");
  return [Number(fb.dataset.points), Number(fb.dataset.max), fb.dataset.state];
}"""


@pytest.mark.browser
def test_browser_scores_equal_python_scores(book: Path, serve_dir, guarded_page) -> None:
    guard = guarded_page()
    page = guard.page
    page.goto(f"{serve_dir(book)}/index.html")
    page.wait_for_function("window.immunocourseQuiz !== undefined")
    checked = 0
    for bank in banks().values():
        for question in bank.questions:
            dom = f"quiz-{bank.id}-{question.id}"
            for given in answers(question):
                expected = score(question, given)
                points, max_points, state = page.evaluate(
                    SET_AND_CHECK, [dom, question.type, dom_answer(question, given)])
                assert (points, max_points, state == "correct") == (
                    expected.points, expected.max_points, expected.correct), (dom, given)
                assert (state == "partial") == (0 < expected.points < expected.max_points)
                checked += 1
    assert checked == 3 + 15 + 2 + 9 + 2 + 2  # every case above was really compared
    assert guard.console_errors == [] and guard.external == []


# Ends of the interval as a student types them; in binary floats |2.9 - 3.0| > 0.1.
NUMERIC_ENDS = [(3.0, 0.1), (7.7, 0.1), (8.2, 1.0), (-7.2, 0.05), (23.3, 0.5), (0.3, 0.1),
                (210, 0.5), (1e6, 0.001)]


@pytest.mark.browser
def test_browser_and_python_agree_on_the_written_ends_of_a_tolerance(
        book: Path, serve_dir, guarded_page) -> None:
    cases = []
    for a, t in NUMERIC_ENDS:
        da, dt = Decimal(repr(a)), Decimal(repr(t))
        cases += [[a, t, float(g)] for g in (da - dt, da + dt, da - dt * 101 / 100,
                                              da + dt * 101 / 100)]
    python = [score(Question("q", "numeric", "P", "E", a, None, t, 1.0, None), g).points
              for a, t, g in cases]
    assert python == [1.0, 1.0, 0.0, 0.0] * len(NUMERIC_ENDS)  # ends in, just outside out
    guard = guarded_page()
    page = guard.page
    page.goto(f"{serve_dir(book)}/index.html")
    page.wait_for_function("window.immunocourseQuiz !== undefined")
    browser = page.evaluate(
        "(cases) => cases.map(([a, t, g]) => window.immunocourseQuiz.score("
        "{type: 'numeric', answer: a, tolerance: t, points: 1}, g).points)", cases)
    assert browser == python
    assert guard.console_errors == [] and guard.external == []
