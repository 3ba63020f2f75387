"""The whole book as one offline PDF: ``python -m immunocourse.book.pdf`` (``make pdf``).

1. A strict Sphinx ``singlehtml`` build of the book (same configuration as the HTML book;
   executed pages come from the shared execution cache).
2. That page is served on 127.0.0.1 and opened in the system Chromium with every other request
   refused; the figures draw, folded text opens, and an answer key (each quiz's answers and
   explanations, from the page's own quiz keys) is added at the end, after a cover with the
   disclaimer and the course's edition date.
3. Chromium prints it (the print stylesheet in ``static/immunocourse.css`` hides navigation and
   quiz buttons) with a tagged PDF outline: the headings become bookmarks, links stay live.

Nothing is downloaded at run time. Writes ``_build/pdf/immunotherapy-course.pdf``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

from immunocourse import DISCLAIMER
from immunocourse.book.build import ROOT, build_command, invalidate_stale_cache
from immunocourse.content import review

PDF_NAME = "immunotherapy-course.pdf"
PRINT_PAGE = "print.html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ANSWER_KEY_JS = Path(__file__).parent / "templates" / "answer-key.js"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def content_date(root: Path = ROOT) -> str:
    """The cover's date: the course's edition (the latest review, content/review.py)."""
    return review.EDITION


def build_singlehtml(root: Path = ROOT) -> Path:
    """Strict singlehtml build; returns the folder holding the single page."""
    build_dir = root / "_build"
    invalidate_stale_cache(build_dir)
    cmd = build_command(root, builder="singlehtml")
    if subprocess.call(cmd, cwd=root) != 0:
        raise RuntimeError(f"strict singlehtml build of {root} failed")
    return build_dir / "singlehtml"


def print_pdf(site: Path, out: Path, date: str) -> Path:
    """Open ``site``'s single page in Chromium (loopback only) and print it to ``out``."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # singlehtml links its assets from the output's root even when the root page lives in a
    # folder (book/index.html): print a copy that sits at the root.
    (site / PRINT_PAGE).write_bytes((site / "book" / "index.html").read_bytes())
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{PRINT_PAGE}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # A4 at 96 dpi minus the margins: figures are laid out at the printed width.
            page = browser.new_page(viewport={"width": 720, "height": 1000})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                "http://127.0.0.1") else r.abort())
            page.goto(url, wait_until="networkidle")
            page.wait_for_function("""() => document.readyState === 'complete'
                && [...document.querySelectorAll('div.ic-plotly-figure')]
                   .every(el => el.querySelector('svg.main-svg'))
                && [...document.querySelectorAll('section.quiz')]
                   .every(q => q.querySelector('script.quiz-key'))""", timeout=120_000)
            page.evaluate(ANSWER_KEY_JS.read_text(encoding="utf-8"),
                          {"disclaimer": DISCLAIMER, "date": date})
            page.emulate_media(media="print")
            tmp = out.with_suffix(".part")
            page.pdf(path=str(tmp), format="A4", print_background=True, outline=True,
                     tagged=True, margin={"top": "18mm", "bottom": "18mm", "left": "15mm",
                                          "right": "15mm"},
                     display_header_footer=True, header_template="<span></span>",
                     footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                     '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
            browser.close()
        tmp.replace(out)  # nothing half-written under the final name
    finally:
        server.shutdown()
        server.server_close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunocourse.book.pdf", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="book root (with _config.yml)")
    parser.add_argument("--out", type=Path, help=f"PDF to write (default _build/pdf/{PDF_NAME})")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = args.out or root / "_build" / "pdf" / PDF_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        site = build_singlehtml(root)
        print_pdf(site, out, content_date(root))
    except (RuntimeError, FileNotFoundError) as exc:
        print(f"pdf: {exc}", file=sys.stderr)
        return 1
    print(f"pdf: wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
