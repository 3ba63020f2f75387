"""Every student notebook runs top to bottom in a fresh kernel, as a student would run it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers.paths import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert any(nb.name == "00-start-here.ipynb" for nb in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_in_a_fresh_kernel(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    # Run in a scratch copy of the folder: a quiz saves answers.json beside its notebook.
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors == []


def _run(name: str, folder: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    assert [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.output_type == "error"] == []
    return nb


def _shown(nb: nbformat.NotebookNode, kind: str) -> str:
    return "".join(o.get("data", {}).get(kind, "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))


def test_progress_and_review_notebooks_use_the_answers_saved_beside_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("IMMUNOCOURSE_TODAY", "2026-12-07")  # the kernel inherits it
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    answers = {"not-medical-advice": True, "student-start": "Run `make start` in the course folder"}
    (tmp_path / "answers.json").write_text(json.dumps(answers))

    progress = _shown(_run("progress.ipynb", tmp_path), "text/html")
    assert '<a href="01-welcome.ipynb">1. Welcome</a>' in progress
    assert "started (2 of 8)" in progress and "No answers saved yet" not in progress

    review = _run("review.ipynb", tmp_path)
    assert "application/vnd.jupyter.widget-view+json" in json.dumps(review.cells[-1].outputs)
    assert json.loads((tmp_path / "review.json").read_text())["cards"] == {
        "welcome/not-medical-advice": {"box": 1, "due": "2026-12-07"},
        "welcome/student-start": {"box": 2, "due": "2026-12-09"},
    }
    assert json.loads((tmp_path / "answers.json").read_text()) == answers
