"""axe-core in a Playwright page: ``run_axe(page)`` -> its serious and critical violations.

axe-core is pinned in package.json / package-lock.json and installed into node_modules/ by
``make axe`` (``make test`` runs it). Missing, it is a skip locally and a failure under
CI=true, like the browser itself. The script is injected from disk: no network.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def axe_script() -> Path:
    if not AXE_JS.is_file():
        message = f"axe-core not found at {AXE_JS} (run `make axe`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS


def run_axe(page, impacts: tuple[str, ...] = SERIOUS) -> list[dict]:
    """Violations of the given impacts on the page as it is now, one dict per rule."""
    page.add_script_tag(path=str(axe_script()))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations if v["impact"] in impacts
    ]
