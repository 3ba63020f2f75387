"""The system Chromium the browser tests drive, and a page fenced off from the network."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

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


@dataclass
class GuardedPage:
    """A page whose non-loopback requests are aborted and recorded, with console errors."""

    page: object
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (or in the page)."""
    return url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:"))
