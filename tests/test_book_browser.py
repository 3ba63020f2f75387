"""Every page of the built book in a real Chromium with the network fenced off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers.paths import ROOT, toc_pages

pytestmark = pytest.mark.browser

EXTRA_PAGES = ["index.html", "search.html", "genindex.html"]


@pytest.fixture(scope="module")
def book_url(built_book: Path):
    from tests.helpers.serving import serving

    with serving() as serve:
        yield serve(built_book)


def figures_in_source(page: str) -> int:
    """How many figures the page's source shows: one per ``show(...)`` call in a code cell."""
    source = ROOT / page.replace(".html", ".md")
    if not source.exists():  # the root redirect, search, index: generated pages
        return 0
    return len(re.findall(r"(?<![\w.])show\(", source.read_text()))


def test_the_book_has_figures_to_check() -> None:
    # guards the test below against passing vacuously on pages that lost their figures
    assert sum(figures_in_source(page) for page in toc_pages()) >= 20


@pytest.mark.parametrize("page", toc_pages() + EXTRA_PAGES)
def test_page_is_clean_offline_and_draws_its_figures(guarded_page, book_url: str, page: str):
    guard = guarded_page()
    guard.page.goto(f"{book_url}/{page}", wait_until="networkidle")
    figures = guard.page.locator("div.ic-plotly-figure")
    landed = guard.page.url.removeprefix(f"{book_url}/").split("#")[0]  # after redirects
    # a figure's script may re-create its div while drawing: wait for the count to settle
    expect(figures).to_have_count(figures_in_source(landed), timeout=15_000)
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.locator("svg.main-svg").first.wait_for(state="attached", timeout=15_000)
        # A group, not an img: the plot holds controls, which an img may not contain.
        assert figure.get_attribute("role") == "group"
        assert len(figure.get_attribute("aria-label") or "") > 20, "figure lacks real alt text"
        description = guard.page.locator(f"#{figure.get_attribute('aria-describedby')}")
        assert description.text_content() == figure.get_attribute("aria-label")
        # Drawn means data, not just axes: at least one trace group holds a path or point.
        assert figure.locator("g.trace, g.scatterlayer path, g.barlayer path").count() > 0
    assert guard.console_errors == [], guard.console_errors
    assert guard.external == [], guard.external


def test_lesson_figure_draws_with_network_blocked(guarded_page, book_url: str):
    """The foundation lesson has at least one figure, and it draws."""
    guard = guarded_page()
    guard.page.goto(f"{book_url}/book/02-immune-system.html", wait_until="networkidle")
    figure = guard.page.locator("div.ic-plotly-figure").first
    figure.locator("svg.main-svg").first.wait_for(state="attached", timeout=15_000)
    assert figure.bounding_box()["height"] > 200
    assert guard.external == []


def test_lesson_quiz_answers_by_keyboard_in_the_built_book(guarded_page, book_url: str):
    """A reader answers lesson 2's first question with the keyboard and reads the verdict."""
    from immunocourse.quiz import load_bank
    from immunocourse.quiz.bank import BANKS_DIR

    question = load_bank(BANKS_DIR / "immune-system.yml").questions[0]
    assert question.type == "single"
    guard = guarded_page()
    page = guard.page
    page.goto(f"{book_url}/book/02-immune-system.html", wait_until="networkidle")
    fieldset = page.locator(f"fieldset[data-question-id='{question.id}']")
    fieldset.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")  # selects the first option
    for _ in range(question.options.index(question.answer)):
        page.keyboard.press("ArrowDown")  # arrow keys move the choice within the group
    page.keyboard.press("Tab")  # on to the Check button
    page.keyboard.press("Enter")
    feedback = fieldset.locator("[role=status]")
    assert "Correct" in feedback.inner_text()
    assert fieldset.locator(".quiz-explanation").is_visible()
    assert guard.console_errors == [] and guard.external == []
