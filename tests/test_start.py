"""`make start`'s launcher: JupyterLab and the book on loopback, one Ctrl-C stops both."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, free_port, wait_for_http


@pytest.fixture
def started(built_book: Path, tmp_path: Path):
    lab_port, book_port = free_port(), free_port()
    log = open(tmp_path / "start.log", "w")  # noqa: SIM115 - closed below
    # A copy of quizzes/ (banks and config only) inside the project folder, as the
    # formgrader needs, so the test never writes into the real quizzes/.
    holder = Path(tempfile.mkdtemp(prefix="test-start-", dir=built_book.parent))
    shutil.copytree(ROOT / "quizzes" / "banks", holder / "quizzes" / "banks")
    shutil.copy2(ROOT / "quizzes" / "nbgrader_config.py", holder / "quizzes")
    proc = subprocess.Popen(
        [sys.executable, "-m", "immunocourse.start", "--port", str(lab_port),
         "--book-port", str(book_port), "--token", "t0ken", "--no-browser",
         "--course", str(holder / "quizzes")],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "IMMUNOCOURSE_EXCHANGE": str(tmp_path / "exchange")},
    )
    try:
        wait_for_http(f"http://127.0.0.1:{lab_port}/api/status?token=t0ken", proc=proc)
        yield proc, lab_port, book_port, tmp_path / "start.log"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(holder, ignore_errors=True)


@pytest.mark.browser
def test_start_serves_lab_on_the_start_notebook_and_the_book(started, guarded_page):
    proc, lab_port, book_port, log = started
    printed = log.read_text()
    assert f"http://127.0.0.1:{lab_port}/lab/tree/notebooks/00-start-here.ipynb" in printed
    assert f"http://127.0.0.1:{book_port}/" in printed

    with urllib.request.urlopen(f"http://127.0.0.1:{book_port}/book/index.html") as response:
        assert b"Immunotherapy: an interactive course" in response.read()

    # The formgrader is served by the same JupyterLab and lists every quiz of the course.
    api = f"http://127.0.0.1:{lab_port}/formgrader/api/assignments?token=t0ken"
    with urllib.request.urlopen(api) as response:
        listed = sorted(a["name"] for a in json.loads(response.read()))
    assert listed == sorted(p.stem for p in (ROOT / "quizzes" / "banks").glob("*.yml"))

    guard = guarded_page()
    # Lab's front page is the start notebook.
    guard.page.goto(f"http://127.0.0.1:{lab_port}/?token=t0ken")
    # The notebook is open when its first heading is rendered in a notebook panel.
    heading = guard.page.locator(".jp-NotebookPanel .jp-RenderedMarkdown h1", has_text="Start here")
    heading.first.wait_for(timeout=60_000)
    assert guard.external == []


def test_one_ctrl_c_stops_both(started):
    proc, lab_port, book_port, _ = started
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends to the group
    assert proc.wait(timeout=30) == 0
    for port in (lab_port, book_port):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3)
