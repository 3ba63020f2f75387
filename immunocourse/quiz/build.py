"""nbgrader source notebooks: ``quizzes/source/<quiz-id>/<quiz-id>.ipynb`` from each bank.

Each notebook has a read-only header, a read-only setup cell creating the graded-mode
``Quiz`` from the bank's public part (prompts and options, no key), and per question a
read-only widget cell and a read-only autograded test cell
(``points`` = the question's points). The key and the explanation sit only between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, which ``nbgrader
generate_assignment`` strips from the released notebook; at autograde time nbgrader puts
them back, and the test cell prints the feedback and returns the points.

No ``answers.json`` may sit in a source folder (it appears when the instructor tries the
source notebook): nbgrader would release it and, at autograde time, copy it over every
student's answers. quizzes/nbgrader_config.py keeps it out of both; ``build`` warns.
"""

from __future__ import annotations

import json
import os
import pprint
import tempfile
import warnings
from pathlib import Path

import nbformat

from immunocourse.quiz.answers import ANSWERS_FILE
from immunocourse.quiz.bank import BANKS_DIR, Bank, Question, iter_banks

SOURCE_DIR = BANKS_DIR.parent / "source"


def _cell_meta(grade_id: str, *, grade: bool = False, points: float | None = None) -> dict:
    meta = {
        "grade": grade, "grade_id": grade_id, "locked": True, "schema_version": 3,
        "solution": False, "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta, "editable": False, "deletable": False}


def test_spec(q: Question) -> dict:
    """What the hidden test needs: the key and the explanation, JSON-compatible."""
    return {
        "id": q.id, "type": q.type, "prompt": q.prompt,
        "options": list(q.options) if q.options else None,
        "answer": list(q.answer) if q.type == "multiple" else q.answer,
        "tolerance": q.tolerance, "points": q.points, "explanation": q.explanation,
    }


def public_data(bank: Bank) -> dict:
    """What the released notebook needs to show the quiz: no answers, no explanations."""
    return {
        "id": bank.id, "title": bank.title, "description": bank.description,
        "questions": [
            {"id": q.id, "type": q.type, "prompt": q.prompt,
             "options": list(q.options) if q.options else None, "points": q.points}
            for q in bank.questions
        ],
    }


def source_notebook(bank: Bank) -> nbformat.NotebookNode:
    nbv = nbformat.v4
    header = (
        f"# {bank.title}\n\n"
        + (f"{bank.description}\n\n" if bank.description else "")
        + "Run every cell (**Run → Run All Cells**), then answer each question. "
        f"Every answer is saved at once to `{ANSWERS_FILE}` beside this notebook, and "
        "reopening the notebook and running it again brings your answers back. "
        f"Submit the folder with `{ANSWERS_FILE}` in it: that file is what is graded."
    )
    public = pprint.pformat(public_data(bank), width=88, sort_dicts=False)
    setup_meta = _cell_meta("setup")
    setup_meta["jupyter"] = {"source_hidden": True}  # long and not for reading
    cells = [
        nbv.new_markdown_cell(header, metadata=_cell_meta("header")),
        nbv.new_code_cell(
            "# The questions (no answers): the notebook works without the question bank.\n"
            "from immunocourse.quiz import Quiz\n\n"
            f"quiz = Quiz.from_public({public})",
            metadata=setup_meta,
        ),
    ]
    for number, q in enumerate(bank.questions, start=1):
        widget_meta = _cell_meta(f"{q.id}-widget")
        cells.append(nbv.new_code_cell(f"quiz.show({q.id!r})", metadata=widget_meta))
        spec = pprint.pformat(test_spec(q), width=88, sort_dicts=False)
        cells.append(nbv.new_code_cell(
            f"# Question {number} is graded from {ANSWERS_FILE}; nothing to do here.\n"
            "### BEGIN HIDDEN TESTS\n"
            "from immunocourse.grading.cells import grade\n\n"
            f"grade({spec})\n"
            "### END HIDDEN TESTS",
            metadata=_cell_meta(f"test-{q.id}", grade=True, points=q.points),
        ))
    nb = nbv.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(banks_dir: str | Path = BANKS_DIR, out_dir: str | Path = SOURCE_DIR) -> list[Path]:
    """Write every bank's source notebook; validates all banks before writing any."""
    banks = iter_banks(banks_dir)  # raises BankError: nothing half-written
    written = []
    for bank in banks:
        path = Path(out_dir) / bank.id / f"{bank.id}.ipynb"
        stray = path.with_name(ANSWERS_FILE)
        if stray.exists():
            warnings.warn(f"{stray} should not be in a source folder (nbgrader_config.py keeps "
                          "it out of the release, but delete it)", stacklevel=2)
        nb = source_notebook(bank)
        nbformat.validate(nb)
        write_atomic(path, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        written.append(path)
    return written
