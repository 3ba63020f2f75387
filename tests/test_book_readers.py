"""The published book for every reader: accessible (axe-core), on a phone, interactive without
a kernel, light, and linked to its notebooks. One built book, one browser, one page per width.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from immunocourse.book import ext
from tests.axe import describe, run_axe
from tests.helpers.paths import toc_pages
from tests.page_weight import first_visit

PAGES = [*toc_pages(), "index.html", "search.html", "genindex.html"]
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
MAX_FIRST_VISIT = 3_000_000  # bytes, uncompressed, everything a lesson page loads
SPEC = re.compile(r'<script type="application/json" id="(ic-fig-[0-9a-f]+)-spec">(.*?)</script>',
                  re.S)


@pytest.fixture(scope="module")
def book_url(built_book: Path, serve_dir_module):
    return serve_dir_module(built_book)


@pytest.fixture(scope="module")
def serve_dir_module():
    from tests.helpers.serving import serving

    with serving() as serve:
        yield serve


def _wait_for_figures(page) -> None:
    figures = page.locator("div.ic-plotly-figure")
    for i in range(figures.count()):
        figures.nth(i).locator("svg.main-svg").first.wait_for(state="attached", timeout=15_000)


def _figure_specs(html: str) -> list[dict]:
    return [json.loads(payload.replace("<\\/", "</")) for _, payload in SPEC.findall(html)]


# --- 1 and 2: accessible, and nothing wider than a phone --------------------------------------

@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_every_page_passes_axe_and_never_scrolls_sideways(browser, book_url: str, viewport):
    """axe-core (WCAG 2.1 A and AA) finds nothing serious or critical, and the page is no
    wider than the window, on every built page."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        "http://127.0.0.1") else r.abort())
    problems = []
    try:
        for name in PAGES:
            page.goto(f"{book_url}/{name}", wait_until="networkidle")
            _wait_for_figures(page)
            violations = run_axe(page)
            if violations:
                problems.append(f"{name}: {describe(violations)}")
            scroll, client = page.evaluate("""() => [document.documentElement.scrollWidth,
                                                     document.documentElement.clientWidth]""")
            if scroll > client:
                problems.append(f"{name}: {scroll} px wide in a {client} px window")
            too_wide = page.evaluate(f"""() => [...document.querySelectorAll(
                'div.ic-plotly-figure .main-svg')].filter(
                s => s.getBoundingClientRect().right > {viewport['width']} + 1).length""")
            if too_wide:
                problems.append(f"{name}: {too_wide} figure(s) wider than the window")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
def test_on_a_phone_figures_wrap_their_title_and_put_the_legend_below(browser, book_url: str):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{book_url}/book/07-measuring-response.html", wait_until="networkidle")
        _wait_for_figures(page)
        layouts = page.evaluate("""() => [...document.querySelectorAll('div.ic-plotly-figure')]
            .map(el => ({title: el.layout.title.text || '', legend: el.layout.legend || {},
                         width: el.getBoundingClientRect().width}))""")
        assert layouts
        for layout in layouts:
            assert layout["width"] <= PHONE["width"]
            assert layout["legend"].get("orientation") == "h"
        long_titles = [x["title"] for x in layouts if len(x["title"].replace("<br>", " ")) > 45]
        assert long_titles and all("<br>" in t for t in long_titles)
        # Wide tables scroll in their own keyboard-reachable box, not the page.
        box = page.locator(".ic-table-scroll").first
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    finally:
        context.close()


# --- 3: the explorers move in the static book --------------------------------------------------

@pytest.mark.browser
def test_explorers_move_by_keyboard_without_a_kernel(guarded_page, book_url: str):
    """Each explorer's slider, focused and moved with an arrow key, changes its figure's data
    and its text description; the case's answer buttons say whether the answer is right."""
    from playwright.sync_api import expect

    guard = guarded_page()
    page = guard.page
    page.goto(f"{book_url}/book/07-measuring-response.html", wait_until="networkidle")
    _wait_for_figures(page)
    sliders = page.locator(".ic-figure-controls input[type=range]")
    assert sliders.count() >= 2, "the immune boost and the cohort mix each have a slider"
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        label = page.locator(f"label[for='{slider.get_attribute('id')}']")
        assert label.inner_text().strip(), "every slider has a visible label"
        figure = page.locator(f"#{slider.get_attribute('id').rsplit('-slider-', 1)[0]}")
        data = "el => JSON.stringify(el.data.map(t => t.y))"
        before, alt = figure.evaluate(data), figure.get_attribute("aria-label")
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => JSON.stringify(document.getElementById("
                               f"'{figure.get_attribute('id')}').data.map(t => t.y)) !== "
                               f"{json.dumps(before)}", timeout=10_000)
        assert figure.evaluate(data) != before
        assert figure.get_attribute("aria-label") != alt, "the description follows the figure"
    buttons = page.locator(".ic-figure-buttons button")
    assert buttons.count() >= 5, "a case to classify offers every response label"
    status = page.locator(".ic-figure-controls", has=buttons.first).locator("[role=status]")
    verdicts = []
    for i in range(buttons.count()):
        label = buttons.nth(i).inner_text()
        buttons.nth(i).focus()
        page.keyboard.press("Enter")
        assert buttons.nth(i).get_attribute("aria-pressed") == "true"
        expect(status).to_contain_text(f"{label}:")
        verdicts.append(status.inner_text())
    assert sum("correct." in v and "not quite" not in v for v in verdicts) == 1, verdicts
    assert all("Why:" in v for v in verdicts)
    assert guard.console_errors == [] and guard.external == []


# --- 4: light -----------------------------------------------------------------------------------

@pytest.mark.browser
def test_every_trace_type_is_in_the_partial_plotly_bundle(browser, built_book: Path,
                                                          book_url: str):
    """The book ships plotly.js's cartesian bundle, not the full one: every figure on every page
    must use a trace type that bundle registers, at the version the Python package writes."""
    import plotly

    page = browser.new_page()
    try:
        page.goto(f"{book_url}/book/07-measuring-response.html", wait_until="networkidle")
        registered = set(page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)"))
        version = page.evaluate("() => Plotly.version")
    finally:
        page.close()
    assert version == plotly.offline.get_plotlyjs_version()
    used = {}
    for name in toc_pages():
        for spec in _figure_specs((built_book / name).read_text()):
            for trace in spec["data"]:
                used.setdefault(trace.get("type", "scatter"), name)
    assert used, "no figures found"
    missing = {kind: page for kind, page in used.items() if kind not in registered}
    assert missing == {}, f"trace types missing from the bundle: {missing}"


@pytest.mark.browser
@pytest.mark.parametrize("name", [p for p in toc_pages() if re.match(r"book/\d\d-", p)])
def test_a_lesson_first_visit_loads_at_most_3_mb(browser, book_url: str, name: str):
    sizes = first_visit(browser, f"{book_url}/{name}")
    total = sum(sizes.values())
    biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    assert total <= MAX_FIRST_VISIT, f"{name}: {total:,} bytes; largest {biggest}"
    assert not any("scripts/fontawesome.js" in url for url in sizes), "the 1.5 MB icon script"


def test_maths_is_mathml_and_no_page_loads_mathjax(built_book: Path):
    """Maths is MathML written at build time (browsers draw it natively, 0 bytes of script),
    with the TeX as its text alternative; MathJax (1.2 MB) is loaded nowhere."""
    formulas = 0
    for name in toc_pages():
        html = (built_book / name).read_text()
        assert "mathjax/" not in html and "window.MathJax" not in html, name
        formulas += len(re.findall(r'<math alttext="[^"]+" xmlns=', html))
    assert formulas > 0, "no page has maths: the check above proves nothing"


# --- 7 and 8: from page to notebook; the root page ---------------------------------------------

@pytest.mark.parametrize("name", [p for p in toc_pages() if re.match(r"book/(\d\d-|index)", p)])
def test_each_lesson_links_its_student_notebook(built_book: Path, name: str):
    pagename = name.removesuffix(".html")
    notebooks = ext.lesson_notebooks(pagename)
    if not notebooks:
        pytest.skip(f"{pagename} has no notebook yet")
    html = (built_book / name).read_text()
    for notebook in notebooks:
        href = f'href="../notebooks/{notebook.name}"'
        assert href in html, f"{name} does not link {notebook.name}"
        copy = built_book / "notebooks" / notebook.name
        assert copy.read_bytes() == notebook.read_bytes(), "the linked copy is not the notebook"
    assert "make start" in html


def test_a_new_lesson_gets_its_notebook_link_automatically(tmp_path: Path):
    (tmp_path / "12-new-topic.ipynb").write_text("{}")
    (tmp_path / "13-other.ipynb").write_text("{}")
    found = ext.lesson_notebooks("book/12-new-topic", tmp_path)
    assert [p.name for p in found] == ["12-new-topic.ipynb"]
    box = ext.notebook_links_html("book/12-new-topic", found)
    assert 'href="../notebooks/12-new-topic.ipynb" download' in box and "make start" in box
    assert ext.lesson_notebooks("book/glossary", tmp_path) == []
    (tmp_path / "01-welcome.ipynb").write_text("{}")
    assert [p.name for p in ext.lesson_notebooks("book/index", tmp_path)] == [
        "01-welcome.ipynb"]


def test_the_root_page_has_a_title_and_a_language(built_book: Path):
    html = (built_book / "index.html").read_text()
    assert re.search(r"<html lang=\"en\">", html)
    assert re.search(r"<title>[^<]+</title>", html)
    target = re.search(r'url=([^"]+)"', html).group(1)
    assert (built_book / target).exists()
