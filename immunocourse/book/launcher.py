"""``make start``: JupyterLab and the built book, both on 127.0.0.1, stopped by one Ctrl-C.

The book is served by a plain static server rather than JupyterLab's ``/files/`` route,
which serves HTML from a sandboxed origin where the theme's scripts cannot run.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Course-wide JupyterLab defaults (labconfig/default_setting_overrides.json): no news feed and
# no update check, so Lab neither asks about news nor makes a request off this machine.
LAB_CONFIG = Path(__file__).resolve().parent / "jupyter_config"
START_NOTEBOOK = "notebooks/00-start-here.ipynb"


class _BookHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep the terminal for Lab
        pass


def serve_book(html_dir: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_BookHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="book").start()
    return server


def lab_port(lab: subprocess.Popen, asked: int, timeout: float = 120.0) -> int:
    """The port JupyterLab listens on: ``asked``, or the one the OS gave it for port 0.

    Port 0 lets tests (and a crowded machine) start without guessing a free port: the
    server binds, then writes its runtime file, which names its pid and port.
    """
    if asked:
        return asked
    from jupyter_server.serverapp import list_running_servers

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and lab.poll() is None:
        for info in list_running_servers():
            if info.get("pid") == lab.pid:
                return int(info["port"])
        time.sleep(0.2)
    raise RuntimeError("JupyterLab exited or did not start listening in time")


def lab_command(port: int, token: str, open_browser: bool = True) -> list[str]:
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [str(jupyter), "lab", "--ip=127.0.0.1", f"--port={port}",
           "--port-retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={ROOT}", "--LabApp.news_url=",
           # Lab's front page is the start notebook, in the browser it opens and at /.
           f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # these course machines run as root
    return cmd


def lab_env(course: Path) -> dict[str, str]:
    """JupyterLab's environment: our Python first, and the formgrader's course folder."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        # nbgrader's formgrader reads nbgrader_config.py from the Jupyter config path:
        # point it at the course folder (quizzes/).
        "JUPYTER_CONFIG_PATH": os.pathsep.join(
            p for p in (str(course), str(LAB_CONFIG), os.environ.get("JUPYTER_CONFIG_PATH"))
            if p
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunocourse.book.launcher")
    parser.add_argument("--port", type=int, default=8888, help="JupyterLab port (0: any free)")
    parser.add_argument("--book-port", type=int, default=8000, help="book port (0: any free)")
    parser.add_argument("--token", default=None, help="JupyterLab token (default: random)")
    parser.add_argument("--no-browser", action="store_true", help="don't open a web browser")
    parser.add_argument("--course", type=Path, default=ROOT / "quizzes",
                        help="nbgrader course folder for the formgrader (default: quizzes; "
                        "must be inside the project folder, JupyterLab's root)")
    args = parser.parse_args(argv)
    course = args.course.resolve()

    html_dir = ROOT / "_build" / "html"
    if not (html_dir / "index.html").exists():
        print(f"start: {html_dir}/index.html is missing; run `make book` first", file=sys.stderr)
        return 2
    try:
        book = serve_book(html_dir, args.book_port)
    except OSError as exc:
        print(f"start: cannot serve the book on 127.0.0.1:{args.book_port}: {exc.strerror}",
              file=sys.stderr)
        return 2

    from immunocourse.grading.course import ready_for_formgrader

    try:  # every quiz listed in the formgrader, ready to generate and release
        quiz_ids = ready_for_formgrader(course)
    except Exception as exc:  # a bank error, an unwritable gradebook: say which, stop
        print(f"start: the formgrader's course {course} could not be prepared: {exc}",
              file=sys.stderr)
        return 2

    token = args.token or secrets.token_hex(16)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    lab = subprocess.Popen(lab_command(args.port, token, not args.no_browser), cwd=ROOT,
                           env=lab_env(course))
    try:
        port = lab_port(lab, args.port)
    except RuntimeError as exc:
        print(f"start: {exc}", file=sys.stderr)
        port = None
    if port is not None:
        print(
            "\n  Course notebooks (JupyterLab):\n"
            f"    http://127.0.0.1:{port}/lab/tree/{START_NOTEBOOK}?token={token}\n"
            "  Course book:\n"
            f"    http://127.0.0.1:{book.server_address[1]}/\n"
            f"  Formgrader ({len(quiz_ids)} quizzes, course folder {course}):\n"
            f"    http://127.0.0.1:{port}/formgrader?token={token}\n\n"
            "  Press Ctrl-C once to stop both.\n",
            flush=True,
        )
        while not stop.is_set() and lab.poll() is None:
            stop.wait(0.5)

    book.shutdown()
    book.server_close()
    if lab.poll() is None:
        # JupyterLab asks "Shutdown this Jupyter server (y/[n])?" on SIGINT; SIGTERM doesn't.
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()  # gone, and its port closed, before we say so
    print("start: JupyterLab and the book server stopped.", flush=True)
    if port is None:
        return 2
    return 0 if stop.is_set() else (lab.returncode or 0)


if __name__ == "__main__":
    raise SystemExit(main())
