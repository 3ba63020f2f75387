"""Autograding a class in parallel against one PostgreSQL gradebook.

SWITCH POINT: helper i8 is adding ``python -m immunocourse quiz grade QUIZ --jobs N``.
When it lands, :func:`autograde_parallel` is the one function to replace with a call to it;
the class demo and benchmarks/bench_class.py both grade through here.

Each worker is one ``nbgrader autograde QUIZ --student=PATTERN`` process over a share of
the class (student ids split by their last character), so nbgrader starts once per worker,
not once per student; all workers write to the same PostgreSQL gradebook (SQLite would
serialise them). A student left ungraded is retried alone once.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from immunocourse.classroom.postgres import check_gradebook

RunNbgrader = Callable[..., subprocess.CompletedProcess]


def shares(students: list[str], jobs: int) -> list[str]:
    """``--student`` glob patterns, one per worker, that together match every student once."""
    last = sorted({s[-1] for s in students})
    groups = [last[i::jobs] for i in range(jobs)]
    return [f"*[{''.join(g)}]" for g in groups if g]


def autograde_parallel(run: RunNbgrader, course: Path, quiz: str, students: list[str],
                       jobs: int, db_url: str,
                       on_started: Callable[[], None] | None = None) -> list[str]:
    """Autograde ``students``; return the ones nbgrader still could not grade.

    ``run(*args, check=False)`` runs ``nbgrader ARGS`` in ``course`` as the grader.
    ``on_started`` is called once the first submission is graded (the demo restarts the
    formgrader service there). Raises GradebookUnavailable before anything is written
    when the gradebook cannot be reached.
    """
    check_gradebook(db_url)

    def graded(student: str) -> bool:
        return (course / "autograded" / student / quiz).is_dir()

    def worker(pattern: str) -> None:
        run("autograde", quiz, f"--student={pattern}", check=False)

    done = threading.Event()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(worker, p) for p in shares(students, jobs)]
        if on_started is not None:
            while not any(graded(s) for s in students) and not all(f.done() for f in futures):
                done.wait(0.5)
            on_started()
        for f in futures:
            f.result()
    for student in [s for s in students if not graded(s)]:
        run("autograde", quiz, f"--student={student}", check=False)
    return [s for s in students if not graded(s)]
