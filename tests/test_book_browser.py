"""Every page of the built book in a real Chromium with the network fenced off."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import toc_pages

pytestmark = pytest.mark.browser

EXTRA_PAGES = ["index.html", "search.html", "genindex.html"]


@pytest.fixture(scope="module")
def book_url(built_book: Path):
    import functools
    import http.server
    import threading

    from conftest import _QuietHandler

    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("page", toc_pages() + EXTRA_PAGES)
def test_page_is_clean_offline_and_draws_its_figures(guarded_page, book_url: str, page: str):
    guard = guarded_page()
    guard.page.goto(f"{book_url}/{page}", wait_until="networkidle")
    figures = guard.page.locator("div.ic-plotly-figure")
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.locator("svg.main-svg").first.wait_for(state="attached", timeout=15_000)
        assert figure.get_attribute("role") == "img"
        assert len(figure.get_attribute("aria-label") or "") > 20, "figure lacks real alt text"
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
