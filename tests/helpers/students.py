"""A simulated student: opens a released quiz notebook in a real kernel and answers
through the widgets, as the grading tests, the grading demo and the benchmark need."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat

from immunocourse.grading.course import nbgrader_env


def simulate_student(
    course: Path,
    quiz_id: str,
    student: str,
    answers: dict[str, Any],
    *,
    extra_cells: list[str] = (),  # type: ignore[assignment]
    timestamp: str = "2026-11-26 12:00:00 UTC",
) -> Path:
    """A student opens the released notebook, runs it and answers through the widgets.

    The notebook runs in a real kernel (nbclient) with the student's folder as working
    directory; a last cell calls ``quiz.answer(...)`` on the notebook's own ``Quiz``, which
    sets the widgets and so writes answers.json. That cell is removed before "submitting";
    ``extra_cells`` are then appended as cells the student added.
    """
    from nbclient import NotebookClient

    folder = course / "submitted" / student / quiz_id
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(course / "release" / quiz_id, folder)
    path = folder / f"{quiz_id}.ipynb"
    nb = nbformat.read(path, as_version=4)
    calls = [f"quiz.answer({qid!r}, {value!r})" for qid, value in answers.items()]
    nb.cells.append(nbformat.v4.new_code_cell("\n".join(calls) or "pass"))
    # JupyterLab does not save widget state by default, so a real submission has none
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", store_widget_state=False,
        resources={"metadata": {"path": str(folder)}},
    )
    env = nbgrader_env()
    env.pop("NBGRADER_EXECUTION", None)
    client.execute(env=env)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise RuntimeError(f"{student}: {output['ename']}: {output['evalue']}")
    nb.cells.pop()
    nb.cells.extend(nbformat.v4.new_code_cell(src) for src in extra_cells)
    nbformat.write(nb, path)
    (folder / "timestamp.txt").write_text(timestamp)
    return folder
