"""Shared fixtures: a real Chromium driven by Playwright, static servers and JupyterLab.

Every browser test blocks requests that leave 127.0.0.1 and counts them, so a page that
reaches out to a CDN fails rather than silently passing on a networked laptop. Fixtures and
hooks only: what tests import lives in tests/helpers/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from immunocourse.book.launcher import lab_port
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, GuardedPage, is_local
from tests.helpers.paths import ROOT
from tests.helpers.serving import LabServer, serving, wait_for_http


@pytest.fixture(scope="session")
def browser():
    """A headless system Chromium; missing is a skip locally and a failure under CI=true."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def guarded_page(browser) -> Iterator[Callable[[], GuardedPage]]:
    """Factory: ``guarded_page()`` opens a fresh context with the network fenced off.

    ``allow`` says which URLs may load (default: 127.0.0.1); ``init`` is a script run before
    every page's own; other keywords go to ``browser.new_context`` (viewport, downloads)."""
    contexts = []

    def make(allow: Callable[[str], bool] = is_local, init: str | None = None,
             **context_options) -> GuardedPage:
        context = browser.new_context(**context_options)
        contexts.append(context)
        if init:
            context.add_init_script(init)
        page = context.new_page()
        guard = GuardedPage(page)

        def route(r):
            if allow(r.request.url):
                r.continue_()
            else:
                guard.external.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on(
            "console",
            lambda msg: guard.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: guard.console_errors.append(str(exc)))
        return guard

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def serve_dir() -> Iterator[Callable[..., str]]:
    """Factory: ``serve_dir(path)`` serves a folder on 127.0.0.1 and returns its base URL
    (``serve_dir(path, not_found="404.html")``: unknown paths get that page)."""
    with serving() as serve:
        yield serve


@pytest.fixture
def jupyterlab() -> Iterator[Callable[[Path], LabServer]]:
    """Factory: ``jupyterlab(root)`` starts a real JupyterLab on a free loopback port."""
    started: list[LabServer] = []

    def start(root: Path) -> LabServer:
        token = "immunocourse-test"
        jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
        cmd = [
            jupyter, "lab", "--no-browser", "--allow-root", "--port=0",
            "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        log = open(root.parent / f"jupyterlab-{root.name}.log", "w")  # noqa: SIM115 - closed at teardown
        proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT)
        port = lab_port(proc, 0)  # the OS picks a free port; the server's runtime file tells
        server = LabServer(f"http://127.0.0.1:{port}", token, root, proc)
        started.append(server)
        wait_for_http(f"{server.url}/api/status?token={token}", proc=proc)
        return server

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The strictly built book in _build/html, rebuilt first if its sources changed since.

    `make test` builds it just before pytest runs; a plain `pytest` after an edit would
    otherwise test yesterday's pages.
    """
    import fcntl

    from immunocourse.book.build import build, is_current

    html = ROOT / "_build" / "html"
    (ROOT / "_build").mkdir(exist_ok=True)
    with open(ROOT / "_build" / ".pytest-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers: one builds, the others wait
        if not is_current(html):
            assert build() == 0, "strict book build failed (run `make book` to see why)"
        assert is_current(html), "the book's sources changed while it was being built"
    return html


@pytest.fixture(scope="session")
def built_pdf(built_book: Path) -> Path:
    """`make pdf`'s _build/pdf/immunotherapy-course.pdf, built once for the whole run.

    tests/test_pdf.py and tests/test_offline.py share it (a PDF takes a few minutes on two
    cores); it is rebuilt only when the book's sources changed since it was printed.
    """
    import fcntl

    from immunocourse.book.build import sources_fingerprint
    from immunocourse.book.pdf import PDF_NAME

    if not Path(CHROMIUM).exists():  # the PDF is printed by Chromium: as `browser` does
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    out = ROOT / "_build" / "pdf" / PDF_NAME
    stamp = out.with_name(".immunocourse-sources")
    with open(ROOT / "_build" / ".pytest-build.lock", "w") as lock:
        # The singlehtml build shares the execution cache and doctrees with the HTML build.
        fcntl.flock(lock, fcntl.LOCK_EX)
        fingerprint = sources_fingerprint()
        if not (out.is_file() and stamp.is_file() and stamp.read_text() == fingerprint):
            stamp.unlink(missing_ok=True)
            result = subprocess.run([sys.executable, "-m", "immunocourse.book.pdf"], cwd=ROOT,
                                    capture_output=True, text=True, timeout=1200)
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
            stamp.write_text(fingerprint)
    return out
