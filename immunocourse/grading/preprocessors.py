"""What nbgrader does differently for the course's quizzes (quizzes/nbgrader_config.py).

A quiz notebook built from a bank holds no student code: the answers are data, in
``answers.json``. So grading must run the instructor's cells and nothing else, and must
treat every file of a submission as untrusted data.

* :class:`RestoreQuizSource` (an ``Autograde.sanitize_preprocessors`` step, so stock
  ``nbgrader autograde`` and the formgrader's Autograde button both run it) rebuilds a quiz
  notebook from the gradebook's copy of the source: every cell the student added is
  dropped and every source cell is restored, in source order. It records what it ignored
  in ``nb.metadata["immunocourse"]["ignored_cells"]`` and puts a plain-words note at the
  top of the notebook, which the student's feedback shows.
* :func:`guard_submission_copies` replaces the file copy nbgrader makes of a submission
  folder (``BaseConverter.init_assignment``) with one that never follows a link: only
  regular files are copied, each opened with ``O_NOFOLLOW``; a link, FIFO or device is
  left out and the reason written to ``grading.REFUSED_FILE`` beside the copies, so the
  test cells can say why ``answers.json`` was not read. Before anything is read, a
  submission whose folder, notebook or timestamp is not a plain folder or file (a FIFO
  would block nbgrader's read forever; a link would be followed) or whose notebook is
  absurdly large is refused for that student alone; ``quiz grade`` then grades the student
  from ``answers.json`` (see ``course.repair_unreadable``).
* :class:`OverwriteCellsInOrder` puts a deleted graded cell back where it was, for
  notebooks that are not quizzes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import uuid
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor, OverwriteCells

from immunocourse.grading.cells import REFUSED_FILE, submission_notes
from immunocourse.grading.course import UNREADABLE_SUFFIX
from immunocourse.quiz.answers import ANSWERS_FILE, MAX_ANSWERS_BYTES, kind_refused

# A quiz notebook is a few hundred kB; a submitted one far larger is not read at all.
MAX_NOTEBOOK_BYTES = 50_000_000
MAX_FILE_BYTES = 50_000_000  # other files of a submission: larger ones are not copied
NOTE_MARK = "immunocourse-note"  # metadata flag of the note cell this module inserts
# A cell of a quiz's source the grading kernel need not run (WarmExecute skips it); the
# tags a student could use to have a cell skipped are removed from every other notebook.
GRADING_SKIP_TAG = "immunocourse-not-run-when-grading"
SKIP_TAGS = frozenset({GRADING_SKIP_TAG, "skip-execution"})
RESTORED = "immunocourse_restored_from_source"  # resources flag of RestoreQuizSource


# --------------------------------------------------------------------------------------
# Restoring a quiz notebook from its source


def _is_quiz(names: list[str]) -> bool:
    """Cells named as ``quiz build`` names them: header, setup, <id>-widget, test-<id>."""
    return (
        names[:2] == ["header", "setup"]
        and any(n.startswith("test-") for n in names)
        and all(n.endswith("-widget") or n.startswith("test-") for n in names[2:])
    )


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


def _strip_skip_tags(nb: NotebookNode) -> None:
    """No cell a student hands in may ask not to be run: nbclient skips a cell tagged
    ``skip-execution`` (and the grading kernels one tagged ``GRADING_SKIP_TAG``), so a
    hidden test cell tagged so would never fail. Only the instructor's source may."""
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags")
        if isinstance(tags, list) and set(tags) & SKIP_TAGS:
            cell.metadata["tags"] = [t for t in tags if t not in SKIP_TAGS]


def _grade_id(cell: NotebookNode) -> str:
    nbg = cell.get("metadata", {}).get("nbgrader", {})
    return nbg.get("grade_id", "") if isinstance(nbg, dict) else ""


class RestoreQuizSource(NbGraderPreprocessor):
    """Replace a quiz submission's cells by the source cells, in source order."""

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

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            try:
                source_nb = gb.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                _strip_skip_tags(nb)
                return nb, resources
            cells = {c.name: (c.cell_type, c.locked, c.source, c.checksum)
                     for c in source_nb.source_cells}
            points = {c.name: c.max_score for c in source_nb.grade_cells}
            solutions = {c.name for c in source_nb.solution_cells}
            kernelspec = source_nb.kernelspec
        names = list(cells)
        if not _is_quiz(names):
            _strip_skip_tags(nb)
            return nb, resources  # not built from a bank: nbgrader's usual rules apply
        order = self._source_order(info["assignment"], info["notebook"], names)

        # What the student changed, for the note (their cells themselves are discarded).
        added = edited = 0
        seen: set[str] = set()
        for cell in nb.cells:
            name = _grade_id(cell)
            if name not in cells or name in seen:  # DeduplicateIds left a copy unnamed
                added += 1
                continue
            seen.add(name)
            kind, _, source, _ = cells[name]
            if cell.get("cell_type") != kind or str(cell.get("source", "")).rstrip() != \
                    _released_source(source).rstrip():
                edited += 1
        deleted = len(set(names) - seen)

        restored = []
        for name in order:
            kind, locked, source, checksum = cells[name]
            meta: dict[str, Any] = {
                "grade": name in points, "grade_id": name, "locked": bool(locked),
                "schema_version": 3, "solution": name in solutions, "task": False,
            }
            if name in points:
                meta["points"] = points[name]
            if checksum:
                meta["checksum"] = checksum  # as OverwriteCells would set it
            metadata = {"nbgrader": meta, "editable": False, "deletable": False}
            if name.endswith("-widget"):
                # `quiz.show(...)` draws a widget for the student and does nothing while
                # nbgrader grades; not running it saves a kernel round trip per question
                metadata["tags"] = [GRADING_SKIP_TAG]
            restored.append(_new_cell(kind, source, metadata))

        # Nothing of the student's notebook is kept, its metadata included.
        metadata: dict[str, Any] = {"language_info": {"name": "python"}}
        if kernelspec:
            with contextlib.suppress(ValueError):
                metadata["kernelspec"] = json.loads(kernelspec)
        ours = metadata.setdefault("immunocourse", {})
        ours["ignored_cells"] = {"added": added, "edited": edited}
        ours["restored_cells"] = deleted

        question_ids = [n[len("test-"):] for n in order if n.startswith("test-")]
        answers = Path(resources.get("metadata", {}).get("path", ""), ANSWERS_FILE)
        notes = _cell_notes(added, edited, deleted) + submission_notes(answers, question_ids)
        # `quiz grade` set aside a notebook file that could not be read (course.py)
        kept = sorted(answers.parent.glob(f"{info['notebook']}.ipynb{UNREADABLE_SUFFIX}*"))
        if kept:
            notes.insert(0, f"Your notebook file could not be read, so it was kept unchanged "
                            f"as `{kept[-1].name}` and the quiz graded from your "
                            f"`{ANSWERS_FILE}`, which is where the quiz saves your answers.")
        ours["notes"] = notes
        if notes:
            text = ("**Notes on your submission.** Only the quiz's own cells were run to "
                    f"grade it; your answers were read from `{ANSWERS_FILE}`.\n\n"
                    + "\n".join(f"- {note}" for note in notes))
            restored.insert(0, _new_cell("markdown", text, {
                NOTE_MARK: True, "editable": False, "deletable": False}))

        nb.cells = restored
        nb.metadata = NotebookNode(metadata)
        resources[RESTORED] = True  # this pass only: nothing a student wrote can set it
        nb.nbformat, nb.nbformat_minor = 4, max(int(nb.get("nbformat_minor", 5)), 5)
        return nb, resources


def _cell_notes(added: int, edited: int, deleted: int) -> list[str]:
    def cells(n: int) -> str:
        return f"{n} cell{'s' if n != 1 else ''}"

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
# The grading copy of a submission folder


def file_refusal(path: str, limit: int) -> str:
    """Why ``path`` is not read (by lstat: links are not followed), or ""."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    why = kind_refused(st.st_mode)
    if not why and st.st_size > limit:
        why = f"is {st.st_size:,} bytes; at most {limit:,} are read"
    return why


def _copy_regular(src: str, dest: str) -> str:
    """Copy one regular file without following a link; "" or why it was not copied."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(src, flags)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as fin:
        st = os.fstat(fin.fileno())
        why = kind_refused(st.st_mode)
        if why:
            return why
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.lexists(dest):
            os.remove(dest)
        with open(dest, "xb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        os.chmod(dest, stat.S_IMODE(st.st_mode))
    return ""


def _check_submission(converter: Any, source: str) -> None:
    """Refuse, for this student alone, a submission nbgrader itself would read unsafely."""
    from nbgrader.converters.base import NbGraderException

    for folder in (os.path.dirname(os.path.normpath(source)), source):
        if os.path.islink(folder) or not os.path.isdir(folder):
            raise NbGraderException(f"{folder} is not a plain folder (a link is never "
                                    "followed when grading); this submission is not graded")
    for notebook in converter.notebooks:
        why = file_refusal(notebook, MAX_NOTEBOOK_BYTES)
        if why:
            raise NbGraderException(
                f"{notebook} {why}; not graded by nbgrader (`python -m immunocourse quiz "
                "grade` grades such a student from answers.json)")
    stamp = os.path.join(source, "timestamp.txt")
    if os.path.lexists(stamp):
        why = file_refusal(stamp, 1000)
        if why:
            raise NbGraderException(f"{stamp} {why}; this submission is not graded")


def _guarded_init_assignment(self: Any, assignment_id: str, student_id: str) -> None:
    """``BaseConverter.init_assignment`` (copy the non-notebook files of a folder), but
    only regular files, never through a link; refusals noted for Autograde."""
    from nbgrader.converters import Autograde
    from nbgrader.utils import is_ignored

    source = self._format_source(assignment_id, student_id)
    dest = self._format_dest(assignment_id, student_id)
    grading = isinstance(self, Autograde)
    if grading:
        _check_submission(self, source)
    refused: dict[str, str] = {}
    if grading and _is_quiz_assignment(self.coursedir.db_url, assignment_id):
        # A quiz's answers are answers.json alone; nbgrader's feedback release needs the
        # timestamp and secret that ``nbgrader submit`` wrote. Nothing else is copied: a
        # student's .py file or package beside the notebook would be imported by the
        # grading kernel (its working directory comes first on sys.path) before ours.
        for name, limit in ((ANSWERS_FILE, MAX_ANSWERS_BYTES), ("timestamp.txt", 1000),
                            ("submission_secret.txt", 1000)):
            full = os.path.join(source, name)
            if os.path.lexists(full):
                why = file_refusal(full, limit) or _copy_regular(full, os.path.join(dest, name))
                if why:
                    self.log.warning("Not reading %s: it %s", full, why)
                    refused[name] = why
        _write_refused(dest, refused)
        return
    ignore = list(self.coursedir.ignore)
    if type(self).__name__ == "GenerateAssignment":
        # answers.json appears in source/ when the instructor tries the notebook: it is
        # never released (also from the formgrader, which loads no command-line ignore)
        ignore.append(f"{ANSWERS_FILE}*")
    for dirpath, dirnames, filenames in os.walk(source):  # never descends into a link
        kept = []
        for name in dirnames:
            full = os.path.join(dirpath, name)
            if is_ignored(full, ignore):
                continue
            if os.path.islink(full):
                refused[os.path.relpath(full, source)] = kind_refused(stat.S_IFLNK)
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, source)
            if rel == REFUSED_FILE or is_ignored(full, ignore + ["*.ipynb"]):
                continue
            why = file_refusal(full, MAX_FILE_BYTES) or _copy_regular(full, os.path.join(dest, rel))
            if why:
                self.log.warning("Not copying %s: it %s", full, why)
                refused[rel] = why
            else:
                self.log.info("Copying %s -> %s", full, os.path.join(dest, rel))
    if grading:
        _write_refused(dest, refused)


def _write_refused(dest: str, refused: dict[str, str]) -> None:
    if refused:
        os.makedirs(dest, exist_ok=True)
        with open(os.path.join(dest, REFUSED_FILE), "w", encoding="utf-8") as fh:
            json.dump(refused, fh, indent=1, sort_keys=True)


def _is_quiz_assignment(db_url: str, assignment_id: str) -> bool:
    """Every notebook of the assignment is a quiz built from a bank (per the gradebook)."""
    with Gradebook(db_url) as gb:
        try:
            notebooks = gb.find_assignment(assignment_id).notebooks
            return bool(notebooks) and all(
                _is_quiz([c.name for c in nb.source_cells]) for nb in notebooks)
        except MissingEntry:
            return False


def guard_submission_copies() -> None:
    """Make nbgrader's converters copy submission folders with :func:`_guarded_init_assignment`.

    nbgrader has no setting for this copy (it uses ``shutil.copy``, which follows links
    and blocks on a FIFO), so the method is replaced; quizzes/nbgrader_config.py calls this,
    and so every nbgrader command and the formgrader get it; ``nbgrader collect`` copies
    links as links for the same reason. nbgrader is pinned (0.9.6); the tests in
    tests/test_quiz_cheating.py fail if a new version bypasses either replacement.
    """
    from nbgrader.converters.base import BaseConverter
    from nbgrader.exchange.default.collect import ExchangeCollect

    BaseConverter.init_assignment = _guarded_init_assignment  # type: ignore[method-assign]
    ExchangeCollect.do_copy = _collect_copy  # type: ignore[method-assign]


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


def _collect_copy(self: Any, src: str, dest: str, log: Any = None) -> None:
    """``Exchange.do_copy`` for ``nbgrader collect``, copying links as links.

    A student owns their folder in the exchange's inbox and could swap a file for a link
    after submitting; nbgrader's copy would follow it with the instructor's rights. Copied
    as a link, it is then refused by the grading copy above.
    """
    from nbgrader.exchange.default.exchange import ignore_patterns

    if self.get_size(src) > 1000 * self.coursedir.max_dir_size:
        raise RuntimeError(f"Directory size is too big: {src}")
    shutil.copytree(src, dest, symlinks=True, ignore=ignore_patterns(
        exclude=self.coursedir.ignore, include=self.coursedir.include,
        max_file_size=self.coursedir.max_file_size, log=self.log))


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
