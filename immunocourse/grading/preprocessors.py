"""What nbgrader does differently for the course's quizzes (quizzes/nbgrader_config.py).

A quiz notebook built from a bank holds no student code: the answers are data, in
``answers.json``. So grading must run the instructor's cells and nothing else, and must
treat every file of a submission as untrusted data (those rules are :mod:`.submission`'s).

* :class:`RestoreQuizSource` (an ``Autograde.sanitize_preprocessors`` step, so stock
  ``nbgrader autograde`` and the formgrader's Autograde button both run it) rebuilds a quiz
  notebook from the gradebook's copy of the source: every cell the student added is
  dropped and every source cell is restored, in source order. It records what it ignored
  in ``nb.metadata["immunocourse"]["ignored_cells"]`` and puts a plain-words note at the
  top of the notebook, which the student's feedback shows.
* :class:`OverwriteCellsInOrder` puts a deleted graded cell back where it was, for
  notebooks that are not quizzes.
* :func:`compile_metadata_schema` gives nbgrader's cell-metadata check its schema compiled
  once.

:func:`guard_submission_copies`, ``MAX_NOTEBOOK_BYTES``, ``file_refusal`` and
``GRADING_SKIP_TAG`` are :mod:`.submission`'s, importable from here as they were (an
instructor's nbgrader_config.py may import them from this module or from its old name
``immunocourse.quiz.nbgrader_ext``).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor, OverwriteCells

# Names that were defined here before .submission held the rules: old configs import them.
from immunocourse.grading.submission import (  # noqa: F401
    GRADING_SKIP_TAG,
    MAX_FILE_BYTES,
    MAX_NOTEBOOK_BYTES,
    SKIP_TAGS,
    UNREADABLE_SUFFIX,
    file_refusal,
    guard_submission_copies,
    is_quiz,
    strip_skip_tags,
    submission_notes,
)
from immunocourse.quiz.answers import ANSWERS_FILE

NOTE_MARK = "immunocourse-note"  # metadata flag of the note cell this module inserts
RESTORED = "immunocourse_restored_from_source"  # resources flag of RestoreQuizSource


# --------------------------------------------------------------------------------------
# Restoring a quiz notebook from its source


_CLEAR_HIDDEN_TESTS = ClearHiddenTests()


def _released_source(source: str) -> str:
    """A source cell as the student received it (hidden tests removed)."""
    cell = NotebookNode(cell_type="code", source=source, metadata={})
    _CLEAR_HIDDEN_TESTS._remove_hidden_test_region(cell)
    return cell.source


def _new_cell(kind: str, source: str, metadata: dict[str, Any]) -> NotebookNode:
    """A notebook cell built directly: nbformat's constructors validate every cell against
    the schema, which cost more than the rest of the restore (the notebook is still
    validated as a whole when nbgrader writes it)."""
    cell = {"cell_type": kind, "id": uuid.uuid4().hex[:8], "metadata": metadata,
            "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return nbformat.from_dict(cell)


def _grade_id(cell: NotebookNode) -> str:
    nbg = cell.get("metadata", {}).get("nbgrader", {})
    return nbg.get("grade_id", "") if isinstance(nbg, dict) else ""


@dataclass
class _Source:
    """The gradebook's copy of a source notebook."""

    cells: dict[str, tuple[str, bool, str, str]]  # name: (cell type, locked, source, checksum)
    points: dict[str, float]  # graded cells: their points
    solutions: set[str]
    kernelspec: str | None


@dataclass
class _Changes:
    """What the student changed in the quiz's cells (the cells themselves are discarded)."""

    added: int
    edited: int
    deleted: int


class RestoreQuizSource(NbGraderPreprocessor):
    """Replace a quiz submission's cells by the source cells, in source order."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        source = self._source_cells(info["db_url"], info["assignment"], info["notebook"])
        if source is None or not is_quiz(list(source.cells)):
            strip_skip_tags(nb)  # not built from a bank: nbgrader's usual rules apply
            return nb, resources
        order = self._source_order(info["assignment"], info["notebook"], list(source.cells))
        changes = self._changes(nb, source)
        cells = self._rebuild(source, order)
        metadata = self._metadata(source, changes)
        self._record_notes(cells, metadata, self._notes(changes, order, resources, info))
        nb.cells = cells
        nb.metadata = NotebookNode(metadata)
        resources[RESTORED] = True  # this pass only: nothing a student wrote can set it
        nb.nbformat, nb.nbformat_minor = 4, max(int(nb.get("nbformat_minor", 5)), 5)
        return nb, resources

    def _source_cells(self, db_url: str, assignment: str, notebook: str) -> _Source | None:
        """The source notebook as the gradebook keeps it; None if it has no such notebook."""
        with Gradebook(db_url) as gb:
            try:
                source_nb = gb.find_notebook(notebook, assignment)
            except MissingEntry:
                return None
            return _Source(
                cells={c.name: (c.cell_type, c.locked, c.source, c.checksum)
                       for c in source_nb.source_cells},
                points={c.name: c.max_score for c in source_nb.grade_cells},
                solutions={c.name for c in source_nb.solution_cells},
                kernelspec=source_nb.kernelspec,
            )

    def _source_order(self, assignment: str, notebook: str, names: list[str]) -> list[str]:
        """The source notebook's cell order when it is on disk and matches the gradebook
        (the gradebook keeps no order of its own), else the gradebook's."""
        coursedir = getattr(getattr(self.parent, "parent", None), "coursedir", None)
        if coursedir is not None:
            path = Path(coursedir.format_path(coursedir.source_directory, ".", assignment),
                        f"{notebook}.ipynb")
            try:
                with open(path, encoding="utf-8") as fh:  # plain JSON: only the ids are read
                    order = [_grade_id(NotebookNode(c)) for c in json.load(fh)["cells"]]
            except Exception:  # no source notebook here (e.g. another machine): use the DB
                order = []
            if sorted(order) == sorted(names):
                return order
        return names

    @staticmethod
    def _changes(nb: NotebookNode, source: _Source) -> _Changes:
        """Cells the student added, edited and deleted, for the note."""
        added = edited = 0
        seen: set[str] = set()
        for cell in nb.cells:
            name = _grade_id(cell)
            if name not in source.cells or name in seen:  # DeduplicateIds left a copy unnamed
                added += 1
                continue
            seen.add(name)
            kind, _, text, _ = source.cells[name]
            if cell.get("cell_type") != kind or str(cell.get("source", "")).rstrip() != \
                    _released_source(text).rstrip():
                edited += 1
        return _Changes(added, edited, len(set(source.cells) - seen))

    @staticmethod
    def _rebuild(source: _Source, order: list[str]) -> list[NotebookNode]:
        """Every source cell, locked, with the nbgrader metadata the gradebook gives it."""
        cells = []
        for name in order:
            kind, locked, text, checksum = source.cells[name]
            meta: dict[str, Any] = {
                "grade": name in source.points, "grade_id": name, "locked": bool(locked),
                "schema_version": 3, "solution": name in source.solutions, "task": False,
            }
            if name in source.points:
                meta["points"] = source.points[name]
            if checksum:
                meta["checksum"] = checksum  # as OverwriteCells would set it
            metadata = {"nbgrader": meta, "editable": False, "deletable": False}
            if name.endswith("-widget"):
                # `quiz.show(...)` draws a widget for the student and does nothing while
                # nbgrader grades; not running it saves a kernel round trip per question
                metadata["tags"] = [GRADING_SKIP_TAG]
            cells.append(_new_cell(kind, text, metadata))
        return cells

    @staticmethod
    def _metadata(source: _Source, changes: _Changes) -> dict[str, Any]:
        """The notebook's metadata: nothing of the student's is kept."""
        metadata: dict[str, Any] = {"language_info": {"name": "python"}}
        if source.kernelspec:
            with contextlib.suppress(ValueError):
                metadata["kernelspec"] = json.loads(source.kernelspec)
        metadata["immunocourse"] = {
            "ignored_cells": {"added": changes.added, "edited": changes.edited},
            "restored_cells": changes.deleted,
        }
        return metadata

    @staticmethod
    def _notes(changes: _Changes, order: list[str], resources: dict,
               info: dict[str, Any]) -> list[str]:
        """What the student is told: changed cells, answers.json, an unreadable notebook."""
        question_ids = [n[len("test-"):] for n in order if n.startswith("test-")]
        answers = Path(resources.get("metadata", {}).get("path", ""), ANSWERS_FILE)
        notes = _cell_notes(changes) + submission_notes(answers, question_ids)
        # `quiz grade` set aside a notebook file that could not be read (submission.py)
        kept = sorted(answers.parent.glob(f"{info['notebook']}.ipynb{UNREADABLE_SUFFIX}*"))
        if kept:
            notes.insert(0, f"Your notebook file could not be read, so it was kept unchanged "
                            f"as `{kept[-1].name}` and the quiz graded from your "
                            f"`{ANSWERS_FILE}`, which is where the quiz saves your answers.")
        return notes

    @staticmethod
    def _record_notes(cells: list[NotebookNode], metadata: dict[str, Any],
                      notes: list[str]) -> None:
        """Keep the notes in the metadata (the feedback page reads them there) and, if
        there are any, in a note cell at the top of the notebook."""
        metadata["immunocourse"]["notes"] = notes
        if notes:
            text = ("**Notes on your submission.** Only the quiz's own cells were run to "
                    f"grade it; your answers were read from `{ANSWERS_FILE}`.\n\n"
                    + "\n".join(f"- {note}" for note in notes))
            cells.insert(0, _new_cell("markdown", text, {
                NOTE_MARK: True, "editable": False, "deletable": False}))


def _cell_notes(changes: _Changes) -> list[str]:
    def cells(n: int) -> str:
        return f"{n} cell{'s' if n != 1 else ''}"

    added, edited, deleted = changes.added, changes.edited, changes.deleted
    notes = []
    if added:
        notes.append(f"{cells(added)} you added {'were' if added != 1 else 'was'} "
                     "ignored: no code of yours runs when the quiz is graded.")
    if edited:
        notes.append(f"{cells(edited)} of the quiz that you edited "
                     f"{'were' if edited != 1 else 'was'} ignored and graded as released.")
    if deleted:
        notes.append(f"{cells(deleted)} of the quiz that you deleted "
                     f"{'were' if deleted != 1 else 'was'} put back.")
    return notes


# --------------------------------------------------------------------------------------
# nbgrader's cell-metadata check, faster


class _CompiledSchemas:
    """``jsonschema.validate`` for nbgrader's cell-metadata check, each schema compiled once.

    nbgrader's ``CheckCellMetadata`` calls ``jsonschema.validate`` for every cell, twice per
    submission, and that call checks the schema and builds a validator each time: 12 ms
    of every quiz's grading. Here a schema is checked and compiled on first use; the
    error raised for bad metadata is the same (jsonschema's best match).
    """

    def __init__(self) -> None:
        self._compiled: dict[str, Any] = {}

    def validate(self, instance: Any, schema: dict[str, Any]) -> None:
        import jsonschema

        key = json.dumps(schema, sort_keys=True)
        validator = self._compiled.get(key)
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._compiled[key] = cls(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


def compile_metadata_schema() -> None:
    """Give nbgrader's metadata check :class:`_CompiledSchemas` (quizzes/nbgrader_config.py)."""
    from nbgrader.nbgraderformat import common

    common.jsonschema = _CompiledSchemas()  # type: ignore[assignment]


# --------------------------------------------------------------------------------------
# Deleted graded cells of notebooks that are not quizzes


class OverwriteCellsInOrder(OverwriteCells):
    """Put a deleted graded cell back after the nearest earlier source cell still present.

    nbgrader 0.9's ``OverwriteCells.add_missing_cells`` re-inserts a deleted grade cell
    after the previous *graded* cell of the source notebook, and fails the whole
    submission with a KeyError when that previous cell is an ordinary read-only cell. For
    quizzes :class:`RestoreQuizSource` has already rebuilt the notebook from the gradebook's
    source cells, with their checksums, so there is nothing left to check or put back.
    """

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        if resources.get(RESTORED):
            return nb, resources
        return super().preprocess(nb, resources)

    def add_missing_grade_cells(self, nb: NotebookNode, resources: dict) -> tuple:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = list(source_nb.source_cells)  # in the order they were saved
        order = [cell.name for cell in source_cells]
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}

        def positions() -> dict[str, int]:
            return {
                cell.metadata["nbgrader"]["grade_id"]: index
                for index, cell in enumerate(nb.cells)
                if cell.metadata.get("nbgrader", {}).get("grade_id")
            }

        for name in sorted(grade_cells, key=lambda n: order.index(n) if n in order else 0):
            present = positions()
            if name in present or name not in order:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            at = order.index(name)
            cell = self.missing_cell_transform(
                source_cells[at], grade_cells[name].max_score, is_solution=name in solution_ids
            )
            insert_at = 0
            for earlier in reversed(order[:at]):
                if earlier in present:
                    insert_at = present[earlier] + 1
                    break
            nb.cells.insert(insert_at, cell)
        return nb, resources
