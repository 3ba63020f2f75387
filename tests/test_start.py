"""`make start`'s launcher: JupyterLab and the book on loopback, one Ctrl-C stops both."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, free_port, wait_for_http


@pytest.fixture
def started(built_book: Path, tmp_path: Path):
    lab_port, book_port = free_port(), free_port()
    log = open(tmp_path / "start.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "immunocourse.start", "--port", str(lab_port),
         "--book-port", str(book_port), "--token", "t0ken", "--no-browser"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{lab_port}/api/status?token=t0ken", proc=proc)
        yield proc, lab_port, book_port, tmp_path / "start.log"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.mark.browser
def test_start_serves_lab_on_the_start_notebook_and_the_book(started, guarded_page):
    proc, lab_port, book_port, log = started
    printed = log.read_text()
    assert f"http://127.0.0.1:{lab_port}/lab/tree/notebooks/00-start-here.ipynb" in printed
    assert f"http://127.0.0.1:{book_port}/" in printed

    with urllib.request.urlopen(f"http://127.0.0.1:{book_port}/book/index.html") as response:
        assert b"Immunotherapy: an interactive course" in response.read()

    # The formgrader is served by the same JupyterLab, for the course in quizzes/.
    api = f"http://127.0.0.1:{lab_port}/formgrader/api/assignments?token=t0ken"
    with urllib.request.urlopen(api) as response:
        assert isinstance(json.loads(response.read()), list)

    guard = guarded_page()
    # Lab's front page is the start notebook.
    guard.page.goto(f"http://127.0.0.1:{lab_port}/?token=t0ken")
    # The notebook is open when its first heading is rendered in a notebook panel.
    heading = guard.page.locator(".jp-NotebookPanel .jp-RenderedMarkdown h1", has_text="Start here")
    heading.first.wait_for(timeout=60_000)
    # JupyterLab stays offline: no news or update check, no "get notified about news?" toast.
    guard.page.wait_for_timeout(30_000)
    assert guard.external == []
    assert guard.page.get_by_text("Jupyter news").count() == 0


def test_one_ctrl_c_stops_both(started):
    proc, lab_port, book_port, _ = started
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends to the group
    assert proc.wait(timeout=30) == 0
    for port in (lab_port, book_port):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3)
