"""axe-core in a real page: ``run_axe(page)`` returns the serious and critical WCAG 2.1 A/AA
violations of what the page shows now.

axe-core comes from the pinned npm package (package.json, installed by ``make setup``) and is
injected from that local file, so the check needs no network. Reused by every browser test
that checks accessibility (book pages, feedback pages).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")


def axe_source() -> str:
    """The axe-core script; a clear error when the npm set-up has not run."""
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make setup` (npm ci) first")
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, impacts: tuple[str, ...] = BLOCKING, tags: tuple[str, ...] = WCAG_TAGS,
            context: str | None = None) -> list[dict]:
    """Violations of ``impacts`` on a Playwright ``page`` (or under the CSS selector
    ``context``), each as ``{"id", "impact", "help", "targets"}``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        """([tags, context]) => axe.run(context || document,
               {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        [list(tags), context],
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [", ".join(map(str, n["target"])) for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in impacts
    ]


def describe(violations: list[dict]) -> str:
    """One line per violation, for an assertion message."""
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {v['targets']}"
                     for v in violations)
