"""First-visit weight of every page of the built book: what a reader's browser downloads with
an empty cache (HTML, scripts, styles, fonts, data), uncompressed, in a real Chromium.

Needs a built book (`make book`). Target: every lesson page at most 3 MB.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from pathlib import Path

from immunocourse.book.build import ROOT

_REPO = Path(__file__).resolve().parents[1]  # this checkout: tests.helpers, tests.page_weight
sys.path.insert(0, str(_REPO))
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.helpers.paths import toc_pages  # noqa: E402
from tests.page_weight import first_visit  # noqa: E402

LIMIT = 3_000_000


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    from playwright.sync_api import sync_playwright

    html = ROOT / "_build" / "html"
    if not (html / "index.html").exists():
        raise SystemExit("bench_book_weight: no built book in _build/html (run `make book`)")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"book first-visit weight, uncompressed (machine: {os.cpu_count()} cores)")
    worst = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for page in toc_pages():
                sizes = first_visit(browser, f"{base}/{page}")
                total = sum(sizes.values())
                lesson = bool(re.match(r"book/\d\d-", page))
                if lesson:
                    worst = max(worst, total)
                big = max(sizes.items(), key=lambda kv: kv[1])
                print(f"  {page:34s} {total / 1e6:6.2f} MB  {len(sizes):3d} files  "
                      f"largest {Path(big[0].split('?')[0]).name} {big[1] / 1e6:.2f} MB")
            browser.close()
    finally:
        server.shutdown()
    verdict = "met" if worst <= LIMIT else "MISSED"
    print(f"  heaviest lesson page: {worst / 1e6:.2f} MB  (target <= 3 MB: {verdict})")


if __name__ == "__main__":
    main()
