"""Each lesson notebook's "Learning objectives" cell, kept in step with the course's objectives.

The objectives are written once, in :mod:`immunocourse.content.objectives`; the book renders
them with the ``{objectives}`` directive, and each lesson notebook, ``notebooks/NN-<id>.ipynb``,
holds them as a Markdown cell (id ``learning-objectives``) right after its title cell.

``python -m immunocourse.book.objectives`` lists the notebooks whose cell is missing or out
of step (exit 1 if any); ``--write`` rewrites those cells and leaves the rest of each notebook
as it was. ``tests/test_objectives.py`` fails while a notebook is out of step.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from immunocourse.content.objectives import HEADING, LESSONS, notebook_markdown
from immunocourse.quiz.alignment import alignment_html
from immunocourse.quiz.bank import BANKS_DIR, iter_banks

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
CELL_ID = "learning-objectives"
WELCOME = "welcome"  # its page is the book's front page, book/index.md


def lesson_page(quiz_id: str, book: Path = BOOK) -> str:
    """The lesson page's built file name, relative to the book's folder: ``NN-<id>.html``."""
    if quiz_id == WELCOME:
        return "index.html"
    found = sorted(book.glob(f"[0-9][0-9]-{quiz_id}.md"))
    if len(found) != 1:
        raise FileNotFoundError(f"want one page {book}/NN-{quiz_id}.md, "
                                f"found {[p.name for p in found]}")
    return found[0].with_suffix(".html").name


def alignment_table(banks_dir: Path = BANKS_DIR) -> str:
    """The instructors' page's table: every objective, linked to its lesson page, and the
    questions of the course's banks that assess it."""
    return alignment_html(iter_banks(banks_dir), {q: lesson_page(q) for q in LESSONS})


def notebook_of(quiz_id: str, notebooks: Path = NOTEBOOKS) -> Path:
    """The lesson's notebook, ``NN-<quiz-id>.ipynb``; ``FileNotFoundError`` if not exactly one."""
    found = sorted(notebooks.glob(f"[0-9][0-9]-{quiz_id}.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"want one notebook {notebooks}/NN-{quiz_id}.ipynb, "
                                f"found {[p.name for p in found]}")
    return found[0]


def _source(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def _is_objectives(cell: dict[str, Any]) -> bool:
    text = "".join(cell.get("source", []))
    return cell.get("cell_type") == "markdown" and (
        cell.get("id") == CELL_ID or text.startswith(f"## {HEADING}"))


def updated(nb: dict[str, Any], quiz_id: str) -> dict[str, Any] | None:
    """The notebook with its objectives cell in step, or None when it already is."""
    want = notebook_markdown(quiz_id)
    cells = nb["cells"]
    found = [i for i, cell in enumerate(cells) if _is_objectives(cell)]
    if len(found) == 1 and "".join(cells[found[0]]["source"]) == want and found[0] == 1:
        return None
    cells = [cell for cell in cells if not _is_objectives(cell)]
    cell = {"cell_type": "markdown", "id": CELL_ID, "metadata": {}, "source": _source(want)}
    return {**nb, "cells": [*cells[:1], cell, *cells[1:]]}


def out_of_step(notebooks: Path = NOTEBOOKS, *, write: bool = False) -> list[Path]:
    """The lesson notebooks whose objectives cell is missing or differs (rewritten if ``write``)."""
    stale = []
    for quiz_id in LESSONS:
        path = notebook_of(quiz_id, notebooks)
        nb = json.loads(path.read_text(encoding="utf-8"))
        new = updated(nb, quiz_id)
        if new is None:
            continue
        stale.append(path)
        if write:
            path.write_text(json.dumps(new, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunocourse.book.objectives",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the cells out of step")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="notebooks folder")
    args = parser.parse_args(argv)
    try:
        stale = out_of_step(args.notebooks, write=args.write)
    except (OSError, ValueError) as exc:
        print(f"objectives: {exc}", file=sys.stderr)
        return 1
    for path in stale:
        print(f"{'rewrote' if args.write else 'out of step'}: {path}")
    return 0 if args.write or not stale else 1


if __name__ == "__main__":
    sys.exit(main())
