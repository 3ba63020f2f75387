"""Every rule for the files of a submission, which are untrusted data.

A student hands in a folder: a notebook, ``answers.json`` and whatever else they put
there. Nothing in it is trusted, and each rule below is kept here, in one place:

* **Only regular files are read, never through a link.** :func:`file_refusal` (by
  ``lstat``) says why a path is not read: a symbolic link, folder, FIFO (opening it would
  block forever), device or socket (:func:`~immunocourse.quiz.answers.kind_refused`), or a
  file over its size limit. :func:`copy_regular` opens with ``O_NOFOLLOW | O_NONBLOCK``
  and checks what it opened (``fstat``), so a file swapped for a link meanwhile is refused.
* **Size limits.** A notebook is read up to :data:`MAX_NOTEBOOK_BYTES`, any other file
  copied up to :data:`MAX_FILE_BYTES`, ``answers.json`` up to
  :data:`~immunocourse.quiz.answers.MAX_ANSWERS_BYTES` (the student side's reader, which
  the widgets also use, reads it as strict UTF-8 JSON holding an object, not too deep).
* **nbgrader's copies follow the same rules.** :func:`guard_submission_copies` replaces
  nbgrader's copy of a submission folder (which follows links and blocks on a FIFO) by one
  that copies regular files only, and ``nbgrader collect``'s by one that copies links as
  links. A submission whose folder, notebook or timestamp is not a plain folder or file is
  refused for that student alone (:func:`check_submission`). What was left out, and why, is
  written to :data:`REFUSED_FILE` beside the copies, where the grading cells read it.
* **A quiz's grading copy holds answers.json, the timestamp and nbgrader's secret, nothing
  else**: a student's ``.py`` file beside the notebook would be imported by the grading
  kernel before ours.
* **No cell a student hands in may ask not to be run** (:func:`strip_skip_tags`): only the
  instructor's source may carry :data:`GRADING_SKIP_TAG` or ``skip-execution``.
* **A notebook that cannot be read is kept, not lost** (:func:`repair_unreadable`): it is
  set aside byte for byte as ``<quiz>.ipynb`` + :data:`UNREADABLE_SUFFIX` and the student
  is graded from ``answers.json``.
* **The student is told, in plain words** (:func:`submission_notes`): no answers file, an
  answers file refused or unreadable, answers to questions the quiz does not have.

Runs in the grading process and, for :func:`load_submission` and :func:`submission_notes`,
in every grading kernel (:mod:`.cells`): nbgrader and nbformat are imported only inside the
functions that need them.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from immunocourse.quiz.answers import (
    ANSWERS_FILE,
    MAX_ANSWERS_BYTES,
    AnswersError,
    kind_refused,
    read_answers,
)

# A quiz notebook is a few hundred kB; a submitted one far larger is not read at all.
MAX_NOTEBOOK_BYTES = 50_000_000
MAX_FILE_BYTES = 50_000_000  # other files of a submission: larger ones are not copied
# Written by the grading copy beside the copied files: {name: why it was not copied},
# e.g. answers.json being a symbolic link. A student's own file of this name is never
# copied, so only the grader writes it.
REFUSED_FILE = ".immunocourse-refused.json"
# `quiz grade` keeps a notebook it cannot read as <quiz>.ipynb + this suffix
UNREADABLE_SUFFIX = ".unreadable"
# A cell of a quiz's source the grading kernel need not run (WarmExecute skips it); the
# tags a student could use to have a cell skipped are removed from every other notebook.
GRADING_SKIP_TAG = "immunocourse-not-run-when-grading"
SKIP_TAGS = frozenset({GRADING_SKIP_TAG, "skip-execution"})

__all__ = [
    "ANSWERS_FILE", "GRADING_SKIP_TAG", "MAX_ANSWERS_BYTES", "MAX_FILE_BYTES",
    "MAX_NOTEBOOK_BYTES", "REFUSED_FILE", "SKIP_TAGS", "UNREADABLE_SUFFIX", "AnswersError",
    "check_submission", "copy_regular", "file_refusal", "guard_submission_copies", "is_quiz",
    "kind_refused", "load_submission", "read_answers", "repair_unreadable", "strip_skip_tags",
    "submission_notes", "unreadable_reason",
]


# --------------------------------------------------------------------------------------
# Which files are read


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


def copy_regular(src: str, dest: str) -> str:
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


def is_quiz(names: list[str]) -> bool:
    """Cells named as ``quiz build`` names them: header, setup, <id>-widget, test-<id>."""
    return (
        names[:2] == ["header", "setup"]
        and any(n.startswith("test-") for n in names)
        and all(n.endswith("-widget") or n.startswith("test-") for n in names[2:])
    )


def strip_skip_tags(nb: Any) -> None:
    """No cell a student hands in may ask not to be run: nbclient skips a cell tagged
    ``skip-execution`` (and the grading kernels one tagged ``GRADING_SKIP_TAG``), so a
    hidden test cell tagged so would never fail. Only the instructor's source may."""
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags")
        if isinstance(tags, list) and set(tags) & SKIP_TAGS:
            cell.metadata["tags"] = [t for t in tags if t not in SKIP_TAGS]


# --------------------------------------------------------------------------------------
# nbgrader's copies of a submission folder


def check_submission(converter: Any, source: str) -> None:
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
        check_submission(self, source)
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
                why = file_refusal(full, limit) or copy_regular(full, os.path.join(dest, name))
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
            why = file_refusal(full, MAX_FILE_BYTES) or copy_regular(full, os.path.join(dest, rel))
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
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            notebooks = gb.find_assignment(assignment_id).notebooks
            return bool(notebooks) and all(
                is_quiz([c.name for c in nb.source_cells]) for nb in notebooks)
        except MissingEntry:
            return False


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


# --------------------------------------------------------------------------------------
# A notebook that cannot be read


def unreadable_reason(path: Path) -> str:
    """Why nbgrader could not read the submitted notebook ``path``, or ""."""
    import nbformat

    refused = file_refusal(str(path), MAX_NOTEBOOK_BYTES)  # a link or FIFO is never opened
    if refused:
        return f"the file {refused}"
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises JSON, validation and version errors alike
        return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    return ""


def repair_unreadable(course: Path, quiz_id: str) -> list[str]:
    """Set aside submitted notebooks that cannot be read; one line per student handled."""
    import nbformat

    released = course / "release" / quiz_id / f"{quiz_id}.ipynb"
    notes = []
    for path in sorted((course / "submitted").glob(f"*/{quiz_id}/{quiz_id}.ipynb")):
        reason = unreadable_reason(path)
        if not reason:
            continue
        student = path.parent.parent.name
        kept = path.with_name(path.name + UNREADABLE_SUFFIX)
        if kept.exists():  # repaired before: keep the first original, never overwrite it
            kept = path.with_name(f"{path.name}{UNREADABLE_SUFFIX}-{os.getpid()}")
        os.replace(path, kept)
        # the released notebook in its place; RestoreQuizSource's note tells the student
        nbformat.write(nbformat.read(released, as_version=4), path)
        if os.geteuid() == 0:  # root grading for the hub's grader: the file stays theirs
            folder = path.parent.stat()
            os.chown(path, folder.st_uid, folder.st_gid)
        notes.append(f"{student}: {quiz_id}.ipynb could not be read, kept as {kept.name}; "
                     "graded from answers.json")
    return notes


# --------------------------------------------------------------------------------------
# answers.json in the grading kernel, and what the student is told

# One parse per answers.json version: every test cell of a notebook reads the same file.
_cache: dict[str, tuple[tuple[int, int, int], dict[str, Any] | None, str]] = {}


def _refused_reason(path: Path) -> str:
    """Why the grading copy left ``path`` out, or ""."""
    manifest = path.parent / REFUSED_FILE
    try:
        reasons = read_answers(manifest)  # the same strict reader: a small JSON object
    except AnswersError:
        return ""
    reason = reasons.get(path.name)
    return reason if isinstance(reason, str) else ""


def load_submission(path: str | Path = ANSWERS_FILE) -> tuple[dict[str, Any] | None, str]:
    """(answers, "") or (None, the reason they cannot be read)."""
    path = Path(path)
    try:
        st = os.lstat(path)  # never follows a link
    except FileNotFoundError:
        refused = _refused_reason(path)
        if refused:
            return None, f"your {path.name} {refused}, so it was not read"
        return None, f"no {path.name} was submitted, so no answer could be read"
    key = os.path.abspath(path)
    stamp = (st.st_mtime_ns, st.st_size, st.st_mode)
    hit = _cache.get(key)
    if hit and hit[0] == stamp:
        return hit[1], hit[2]
    try:
        answers: dict[str, Any] | None = read_answers(path)
        reason = ""
    except AnswersError as exc:
        answers, reason = None, f"{exc} -- no answer could be read"
    _cache[key] = (stamp, answers, reason)
    return answers, reason


def _question_ids_beside(folder: Path) -> list[str] | None:
    """The quiz's question ids, from the graded test cells of the notebook in ``folder``.

    Plain JSON, not ``nbformat.read``: only cell metadata is needed, and building nbformat's
    schema validator cost about a second in every grading kernel (the first test cell).
    """
    for nb_path in sorted(folder.glob("*.ipynb")):
        try:
            st = os.lstat(nb_path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > 20_000_000:
                continue
            cells = json.loads(nb_path.read_text(encoding="utf-8")).get("cells")
        except (OSError, ValueError, AttributeError, RecursionError):  # unreadable: no ids
            continue
        grade_ids = [
            str(meta.get("nbgrader", {}).get("grade_id", ""))
            for meta in (c.get("metadata") if isinstance(c, dict) else None
                         for c in (cells if isinstance(cells, list) else []))
            if isinstance(meta, dict) and isinstance(meta.get("nbgrader"), dict)
        ]
        ids = [gid[5:] for gid in grade_ids if gid.startswith("test-")]
        if ids:
            return ids
    return None


def submission_notes(
    answers_path: str | Path = ANSWERS_FILE, question_ids: Iterable[str] | None = None
) -> list[str]:
    """Plain-language notes on a submission's answers file, one sentence each.

    Says when ``answers.json`` is missing, refused (a link, a folder, a FIFO, too big, not
    UTF-8, not a JSON object...) or unreadable, and names the question ids it answers that
    are not in the quiz (those answers are ignored). ``question_ids`` defaults to the ids
    of the quiz notebook beside the file. Empty when there is nothing to say.
    """
    path = Path(answers_path)
    answers, problem = load_submission(path)
    if answers is None:
        if problem.startswith(f"no {path.name} was submitted"):
            return [f"No {path.name} was submitted, so none of your answers could be read and "
                    "every question scores 0. The quiz saves your answers in that file: "
                    "submit the whole folder next time."]
        detail = problem.removesuffix(" -- no answer could be read")
        return [f"Your {path.name} could not be read, so none of your answers could be marked "
                f"and every question scores 0 (the problem: {detail})."]
    if question_ids is None:
        question_ids = _question_ids_beside(path.parent)
    if question_ids is None:
        return []
    unknown = sorted(set(map(str, answers)) - set(question_ids))
    if not unknown:
        return []
    shown = ", ".join(repr(u[:80]) for u in unknown[:20])
    more = f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
    return [f"Your {path.name} has answers for question ids that are not in this quiz, "
            f"so they were ignored: {shown}{more}."]
