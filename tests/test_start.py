"""`make start`'s launcher: JupyterLab and the book on loopback, one Ctrl-C stops both."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.helpers.paths import ROOT
from tests.helpers.serving import wait_for_http


def printed_ports(log: Path, proc: subprocess.Popen, timeout: float = 120) -> tuple[int, int]:
    """The JupyterLab and book ports that `make start` printed (it was asked for port 0)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text()
        lab = re.search(r"http://127\.0\.0\.1:(\d+)/lab/tree/", text)
        book = re.search(r"Course book:\s+http://127\.0\.0\.1:(\d+)/", text)
        if lab and book:
            return int(lab.group(1)), int(book.group(1))
        assert proc.poll() is None, f"start exited early:\n{text}"
        time.sleep(0.2)
    raise TimeoutError(f"start printed no addresses:\n{log.read_text()}")


@pytest.fixture
def started(built_book: Path, tmp_path: Path):
    log = open(tmp_path / "start.log", "w")  # noqa: SIM115 - closed below
    # A copy of quizzes/ (banks and config only) inside the project folder, as the
    # formgrader needs, so the test never writes into the real quizzes/.
    holder = Path(tempfile.mkdtemp(prefix="test-start-", dir=built_book.parent))
    shutil.copytree(ROOT / "quizzes" / "banks", holder / "quizzes" / "banks")
    shutil.copy2(ROOT / "quizzes" / "nbgrader_config.py", holder / "quizzes")
    # Port 0 for both: the servers take free ports themselves, so two tests never race for
    # one that a probe found free a moment earlier.
    proc = subprocess.Popen(
        [sys.executable, "-m", "immunocourse.book.launcher", "--port", "0", "--book-port", "0",
         "--token", "t0ken", "--no-browser", "--course", str(holder / "quizzes")],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "IMMUNOCOURSE_EXCHANGE": str(tmp_path / "exchange")},
    )
    try:
        lab_port, book_port = printed_ports(tmp_path / "start.log", proc)
        wait_for_http(f"http://127.0.0.1:{lab_port}/api/status?token=t0ken", proc=proc)
        yield proc, lab_port, book_port, tmp_path / "start.log"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(holder, ignore_errors=True)


def listening(proc: subprocess.Popen) -> set[tuple[str, int]]:
    """(address, port) of every listening TCP socket of the launcher and its children."""
    procs = [psutil.Process(proc.pid)]
    procs += procs[0].children(recursive=True)
    found = set()
    for p in procs:
        try:
            conns = p.net_connections(kind="inet")
        except psutil.NoSuchProcess:
            continue
        found |= {(c.laddr.ip, c.laddr.port) for c in conns if c.status == psutil.CONN_LISTEN}
    return found


def test_servers_listen_on_loopback_only(started):
    proc, lab_port, book_port, _ = started
    sockets = listening(proc)
    ports = {port for _, port in sockets}
    assert {lab_port, book_port} <= ports, sockets
    # Not 0.0.0.0, not ::, not a LAN address: a course server is not for the network.
    assert {ip for ip, _ in sockets} == {"127.0.0.1"}, sockets


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
    # JupyterLab stays offline: no news or update check, no "get notified about news?" toast.
    guard.page.wait_for_timeout(30_000)
    assert guard.external == []
    assert guard.page.get_by_text("Jupyter news").count() == 0


def test_one_ctrl_c_stops_both(started):
    proc, lab_port, book_port, _ = started
    group = [psutil.Process(proc.pid)] + psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends to the group
    assert proc.wait(timeout=60) == 0
    # every process of the session ended (JupyterLab and its kernels), then the ports closed
    gone, alive = psutil.wait_procs(group, timeout=30)
    assert alive == []
    for port in (lab_port, book_port):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3)
