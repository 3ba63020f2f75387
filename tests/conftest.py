"""Shared fixtures: a real Chromium driven by Playwright, static servers and JupyterLab.

Every browser test blocks requests that leave 127.0.0.1 and counts them, so a page that
reaches out to a CDN fails rather than silently passing on a networked laptop.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from immunocourse.book.launcher import lab_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


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


@dataclass
class GuardedPage:
    """A page whose non-loopback requests are aborted and recorded, with console errors."""

    page: object
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def _is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:"))


@pytest.fixture
def guarded_page(browser) -> Iterator[Callable[[], GuardedPage]]:
    """Factory: ``guarded_page()`` opens a fresh context with the network fenced off."""
    contexts = []

    def make() -> GuardedPage:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        guard = GuardedPage(page)

        def route(r):
            if _is_local(r.request.url):
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output readable
        pass


@contextlib.contextmanager
def serving() -> Iterator[Callable[[Path], str]]:
    """``serve(path)`` serves a folder on 127.0.0.1 (a port the OS picks) and returns its
    base URL; every server stops when the block ends."""
    servers = []

    def serve(path: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(path))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    try:
        yield serve
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def serve_dir() -> Iterator[Callable[[Path], str]]:
    """Factory: ``serve_dir(path)`` serves a folder on 127.0.0.1 and returns its base URL."""
    with serving() as serve:
        yield serve


def wait_for_http(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answered, even if with an error status
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nothing answered at {url} within {timeout:.0f}s")


@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    process: subprocess.Popen

    def lab_url(self, path: str = "") -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}"


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


def toc_pages() -> list[str]:
    """Every page in _toc.yml, as its path under _build/html (the book's own index)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []) + entry.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return [f"{f}.html" for f in files]


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
