"""Local servers for tests: static folders on 127.0.0.1, and waiting for a server to answer."""

from __future__ import annotations

import contextlib
import functools
import http.server
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    not_found_page: str | None = None  # served, with status 404, for a path with no file

    def log_message(self, *args) -> None:  # keep pytest output readable
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / self.not_found_page if self.not_found_page else None
        if code != 404 or page is None or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()  # as GitHub Pages serves a site's 404.html
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serving() -> Iterator[Callable[..., str]]:
    """``serve(path)`` serves a folder on 127.0.0.1 (a port the OS picks) and returns its
    base URL; every server stops when the block ends. ``serve(path, not_found="404.html")``
    answers an unknown path with that page (status 404), as a static host does."""
    servers = []

    def serve(path: Path, not_found: str | None = None) -> str:
        handler_class = type("_Handler", (_QuietHandler,), {"not_found_page": not_found})
        handler = functools.partial(handler_class, directory=str(path))
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


def wait_for_http(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    """Return once ``url`` answers (any status); fail early if ``proc`` exits first."""
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
    """A JupyterLab the ``jupyterlab`` fixture started."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen

    def lab_url(self, path: str = "") -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}"
