"""Grading a whole class in parallel: ``python -m immunocourse quiz grade QUIZ --jobs N``.

Each of N worker processes is stock ``nbgrader autograde`` (then ``generate_feedback``)
for its share of the students, chosen with nbgrader's own
``--CourseDirectory.student_id_exclude``; one process per share keeps nbgrader's start-up
cost (a few seconds) to once per worker rather than once per student.

The gradebook stays consistent:

* before any worker starts, every submitting student is created in the gradebook and the
  assignment is checked to be there, so workers only ever add their own students'
  submissions and grades (disjoint rows);
* with SQLite (the default) the workers share the one database file and SQLite's own
  locking serialises their short write transactions: the database is switched to WAL
  journalling (readers never block the writer) and each worker waits up to
  ``SQLITE_BUSY_SECONDS`` for the write lock instead of failing at once. We chose this
  over one database per worker merged at the end because a merge would have to copy
  nbgrader's whole schema (submissions, notebooks, grades, comments and their ids) and
  keep up with its migrations, while locking needs nothing but the stock database;
* with a server database (``CourseDirectory.db_url`` of PostgreSQL, for example) the
  workers share it directly: the server handles concurrent transactions.

A student a worker could not grade (including one hit by a "database is locked" error)
is retried alone once, serially, before being reported as a failure with its reason.

The class on JupyterHub (:mod:`immunocourse.classroom`) grades through here too: there
nbgrader runs as the grader's account (:class:`Nbgrader` with a ``runuser`` command) against
PostgreSQL, whose URL stays in the environment, never on a command line.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from immunocourse.grading.course import course_db_url, nbgrader_env
from immunocourse.grading.submission import repair_unreadable

SQLITE_BUSY_SECONDS = 300  # a worker waits this long for the write lock before failing


def worker_db_url(url: str) -> str:
    """The URL workers use: SQLite with a busy timeout; any other database unchanged."""
    if not url.startswith("sqlite") or "timeout=" in url:
        return url
    return f"{url}{'&' if urlsplit(url).query else '?'}timeout={SQLITE_BUSY_SECONDS}"


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def submitting_students(course: Path, quiz_id: str) -> list[str]:
    submitted = course / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{quiz_id}")
                  if not p.parent.is_symlink())


def prepare_gradebook(db_url: str, quiz_id: str, students: list[str]) -> None:
    """Students and assignment in the gradebook before any worker starts."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy import text

    with Gradebook(db_url) as gb:
        try:
            gb.find_assignment(quiz_id)
        except MissingEntry:
            raise RuntimeError(f"assignment {quiz_id!r} is not in the gradebook; run "
                               f"`nbgrader generate_assignment {quiz_id}` first") from None
        for student in students:
            gb.update_or_create_student(student)
        if db_url.startswith("sqlite"):
            gb.db.execute(text("PRAGMA journal_mode=WAL"))
            gb.db.commit()


@dataclass(frozen=True)
class Nbgrader:
    """How nbgrader is run: the command (with any ``runuser`` before it) and its env."""

    argv: tuple[str, ...]
    env: dict[str, str]

    @classmethod
    def here(cls, timeout: int | None = None) -> Nbgrader:
        """This environment's nbgrader, as the current user."""
        return cls((str(Path(sys.executable).parent / "nbgrader"),), nbgrader_env(timeout))


@dataclass
class ClassRun:
    graded: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # student -> reason
    notes: list[str] = field(default_factory=list)  # unreadable notebooks set aside
    log: str = ""


_STEP_DONE = re.compile(
    r"Setting destination file permissions|There was an error processing assignment:"
    r"|Skipping existing assignment")


def _shares(students: list[str], jobs: int) -> list[list[str]]:
    return [share for share in (students[i::jobs] for i in range(jobs)) if share]


def _db_args(db_url: str, shared_url: str) -> list[str]:
    # Only SQLite's URL changes (its busy timeout), and it holds no secret; a server
    # database's URL (with its password) stays in the environment, out of `ps`.
    return [] if shared_url == db_url else [f"--CourseDirectory.db_url={shared_url}"]


def _run_workers(course: Path, nbgrader: Nbgrader, command: list[str],
                 shares: list[list[str]], students: list[str], db_args: list[str],
                 tick: Callable[[], None], on_started: Callable[[], None] | None = None) -> str:
    """One nbgrader process per share, at the same time; ``tick()`` per student done and
    ``on_started()`` once, in this thread, when the first one is (or all have failed)."""
    procs = []
    for share in shares:
        others = sorted(set(students) - set(share))
        args = [*nbgrader.argv, *command, *db_args]
        if others:
            args.append(f"--CourseDirectory.student_id_exclude={','.join(others)}")
        procs.append(subprocess.Popen(
            args, cwd=course, env=nbgrader.env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace"))
    logs: list[list[str]] = [[] for _ in procs]
    first_done = threading.Event()

    def read(index: int) -> None:
        for line in procs[index].stdout:  # type: ignore[union-attr]
            logs[index].append(line)
            if _STEP_DONE.search(line):
                first_done.set()
                tick()

    readers = [threading.Thread(target=read, args=(i,), daemon=True) for i in range(len(procs))]
    for thread in readers:
        thread.start()
    if on_started is not None:
        while not first_done.wait(0.2) and any(p.poll() is None for p in procs):
            pass
        on_started()
    for proc, thread in zip(procs, readers, strict=True):
        proc.wait()
        thread.join()
    return "".join(line for log in logs for line in log)


def _reason(log: str) -> str:
    """The last error line nbgrader logged for a submission, in one line."""
    lines = [ln.strip() for ln in log.splitlines()]
    for line in reversed(lines):
        match = re.match(r"(?:\w+\.)*(\w*(?:Error|Exception)): (.+)", line)
        if match:
            return f"{match.group(1)}: {match.group(2)}"[:300]
    errors = [ln for ln in lines if "ERROR]" in ln]
    return errors[-1][:300] if errors else "nbgrader produced no graded notebook"


def grade_class(course: Path, quiz_id: str, jobs: int | None = None, *,
                timeout: int | None = None, progress: bool = True, feedback: bool = True,
                nbgrader: Nbgrader | None = None, db_url: str | None = None,
                on_started: Callable[[], None] | None = None) -> ClassRun:
    """Autograde (and, if ``feedback``, generate feedback for) every submission of
    ``quiz_id`` in ``course``, with ``jobs`` worker processes (default: one per core).

    ``nbgrader`` says how to run it (default: this environment's, as the current user) and
    ``db_url`` which gradebook it uses (default: the course's ``nbgrader_config.py``);
    ``on_started`` is called once the first submission is graded.
    """
    from tqdm import tqdm

    course = Path(course)
    jobs = max(1, jobs or default_jobs())
    nbgrader = nbgrader or Nbgrader.here(timeout)
    run = ClassRun(notes=repair_unreadable(course, quiz_id))
    students = submitting_students(course, quiz_id)
    if not students:
        return run
    db_url = db_url or course_db_url(course)
    prepare_gradebook(db_url, quiz_id, students)
    db_args = _db_args(db_url, worker_db_url(db_url))
    lock = threading.Lock()

    def counter(bar: Any) -> Callable[[], None]:
        def tick() -> None:
            with lock:
                if bar.n < bar.total:
                    bar.update(1)
        return tick

    with tqdm(total=len(students), desc=f"autograde {quiz_id}", unit="student",
              disable=not progress, file=sys.stderr) as bar:
        run.log += _run_workers(course, nbgrader, ["autograde", quiz_id],
                                _shares(students, jobs), students, db_args, counter(bar),
                                on_started)
        for student in students:  # a student a worker could not grade: once more, alone
            graded = course / "autograded" / student / quiz_id / f"{quiz_id}.ipynb"
            if graded.exists():
                continue
            retry = subprocess.run(
                [*nbgrader.argv, "autograde", quiz_id, f"--student={student}", *db_args],
                cwd=course, env=nbgrader.env, capture_output=True, text=True,
                errors="replace")
            run.log += retry.stdout + retry.stderr
            if not graded.exists():
                run.failures[student] = _reason(retry.stdout + retry.stderr)
        bar.n = bar.total
        bar.refresh()

    run.graded = [s for s in students if s not in run.failures]
    if run.graded and feedback:
        with tqdm(total=len(run.graded), desc=f"feedback {quiz_id}", unit="student",
                  disable=not progress, file=sys.stderr) as bar:
            run.log += _run_workers(course, nbgrader, ["generate_feedback", quiz_id],
                                    _shares(run.graded, jobs), students, db_args,
                                    counter(bar))
            bar.n = bar.total
            bar.refresh()
    return run
