"""What a reader's browser downloads on a first visit to a page (empty cache), in bytes.

Shared by the weight test (tests/test_book_readers.py) and ``make bench``
(benchmarks/bench_book_weight.py).
"""

from __future__ import annotations


def first_visit(browser, url: str) -> dict[str, int]:
    """Every response a fresh browser context loads for ``url`` until the network is idle:
    URL -> uncompressed body size (the book's static server sends no compression)."""
    context = browser.new_context()  # a new context: nothing cached
    sizes: dict[str, int] = {}
    page = context.new_page()

    def record(response) -> None:
        try:
            sizes[response.url] = len(response.body())
        except Exception:  # redirects and aborted requests have no body
            sizes.setdefault(response.url, 0)

    page.on("response", record)
    try:
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(300)  # scripts that load more after idle (MathJax fonts)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return sizes
