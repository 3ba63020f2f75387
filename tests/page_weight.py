"""What a reader's browser downloads on a first visit to a page (empty cache), in bytes.

Shared by the weight test (tests/test_book_readers.py) and ``make bench``
(benchmarks/bench_book_weight.py).
"""

from __future__ import annotations


def first_visit(browser, url: str) -> dict[str, int]:
    """Every response a fresh browser context loads for ``url`` until the network is idle:
    URL -> uncompressed body size (the book's static server sends no compression)."""
    context = browser.new_context()  # a new context: nothing cached
    responses = []
    page = context.new_page()
    page.on("response", lambda r: responses.append(r))  # bodies are read after the load
    sizes: dict[str, int] = {}
    try:
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)  # anything loaded just after idle (fonts, figures)
        for response in responses:
            try:
                sizes[response.url] = len(response.body())
            except Exception:  # redirects and aborted requests have no body
                sizes.setdefault(response.url, 0)
    finally:
        context.close()
    return sizes
