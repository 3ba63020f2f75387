"""Driving the class's JupyterHub in Chromium: PAM passwords, the login page, JupyterLab's
menus, the hub's Services menu, and what to keep when a step fails."""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.helpers.paths import ROOT

SCREENSHOTS = ROOT / "_build" / "class-demo" / "screenshots"
# What Chromium logs when a page refuses to be framed (CSP frame-ancestors, X-Frame-Options)
FRAME_REFUSED = re.compile(r"frame-ancestors|Content Security Policy|X-Frame-Options|"
                           r"Refused to (frame|display)", re.IGNORECASE)


def give_password(user: str) -> str:
    """A fresh random password for a Linux account, for the hub's PAM login.

    Through ``chpasswd``'s stdin: a password in the arguments would show in ``ps``.
    """
    password = secrets.token_urlsafe(18)
    subprocess.run(["chpasswd"], input=f"{user}:{password}\n", text=True, check=True,
                   capture_output=True, timeout=60)
    return password


def log_in(page, hub_url: str, user: str, password: str) -> None:
    """The hub's login page, then wait until the hub has spawned the user's JupyterLab."""
    page.goto(f"{hub_url}/hub/login")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(password)
    page.locator("#login_submit").click()
    page.wait_for_url(re.compile(rf"/user/{re.escape(user)}/lab"), timeout=180_000)
    wait_for_lab(page)


def wait_for_lab(page) -> None:
    """JupyterLab is up once its menu bar has its menus (the extensions have loaded).

    Its "get notified about Jupyter news?" toast comes at some moment after that and lies
    over the page's buttons: whenever it shows, answer No, as a user would.
    """
    page.get_by_role("menuitem", name="Nbgrader", exact=True).wait_for(timeout=180_000)
    toast = page.locator(".jp-toast-message", has_text="notified about")
    page.add_locator_handler(toast, lambda: page.locator("#react-toastify-container")
                             .get_by_role("button", name="No", exact=True).click())


def lab_menu(page, menu: str, item: str) -> None:
    """Click ``menu`` in JupyterLab's menu bar, then ``item`` in it.

    Answering the news toast (``wait_for_lab``) closes an open menu: then open it again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    entry = page.get_by_role("menuitem", name=item, exact=True)
    for _ in range(3):
        page.get_by_role("menuitem", name=menu, exact=True).click()
        try:
            entry.click(timeout=15_000)
            return
        except PlaywrightTimeout:
            if entry.is_visible():
                raise  # the menu is open and the item did not take the click: a real failure
    entry.click()


def frame_refusals(page) -> list[str]:
    """Collect every console message (any level, any frame) that says a frame was refused."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if FRAME_REFUSED.search(msg.text)
            else None)
    return seen


def wait_framed(target, refused: list[str], timeout: float = 240) -> None:
    """Until ``target`` (a locator inside a frame) shows; a frame the browser refused fails
    at once, with Chromium's own message, rather than after the whole timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout
    while True:
        assert not refused, f"the browser refused to show the frame: {refused}"
        try:
            target.wait_for(timeout=1_000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise


@contextlib.contextmanager
def evidence(pages: dict[str, object], hub_log: Path, name: str) -> Iterator[Path]:
    """On failure keep a screenshot of every page and a copy of the hub's log (the class's
    work folder, where the log lives, is removed at teardown) and name them in the error."""
    folder = SCREENSHOTS / name
    shutil.rmtree(folder, ignore_errors=True)  # an earlier run's evidence would mislead
    try:
        yield folder
    except BaseException as exc:
        folder.mkdir(parents=True, exist_ok=True)
        kept = []
        for label, page in pages.items():
            with contextlib.suppress(Exception):  # a closed page must not hide the failure
                page.screenshot(path=str(folder / f"{label}.png"), full_page=True)
                kept.append(label)
        if hub_log.exists():
            shutil.copy2(hub_log, folder / "jupyterhub.log")
        note = (f"screenshots ({', '.join(kept) or 'none'}) and jupyterhub.log kept in "
                f"{folder}")
        print(note, flush=True)
        exc.add_note(note)
        raise
