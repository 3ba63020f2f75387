"""Driving a notebook in a real JupyterLab page (Playwright)."""

from __future__ import annotations

import re


def accept_kernel_dialog(page) -> None:
    """Wait until the notebook's kernel is idle, accepting JupyterLab's "select kernel"
    dialog (the notebook's own kernel is preselected) if it comes first: a condition, not
    a guess at how long the dialog might take to appear."""
    accept = page.locator(".jp-Dialog button.jp-mod-accept")
    idle = page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\|\s*Idle"))
    for _ in range(3):
        accept.or_(idle).first.wait_for(timeout=120_000)
        if not accept.is_visible():
            return
        accept.click()
    idle.first.wait_for(timeout=120_000)


def run_all_cells(page) -> None:
    """Run -> Run All Cells, once the kernel is ready (the caller waits for the output)."""
    accept_kernel_dialog(page)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
