"""Autograding the class on the hub: ``quiz grade``'s parallel grading, run as the grader.

The workers, the progress count and the retry of a student a worker could not grade are
:func:`immunocourse.grading.parallel.grade_class`'s; here they run as the grader's
account against the PostgreSQL gradebook, which must answer before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from immunocourse.classroom.postgres import check_gradebook
from immunocourse.grading.parallel import Nbgrader, grade_class


def autograde_parallel(nbgrader: Nbgrader, course: Path, quiz: str, jobs: int, db_url: str,
                       on_started: Callable[[], None] | None = None) -> list[str]:
    """Autograde every submission of ``quiz``; return the students still not graded.

    ``nbgrader`` runs nbgrader as the grader, with ``db_url`` in its environment.
    ``on_started`` is called once the first submission is graded (the demo kills the
    formgrader service there). Raises GradebookUnavailable before anything is written
    when the gradebook cannot be reached.
    """
    check_gradebook(db_url)
    run = grade_class(course, quiz, jobs, progress=False, feedback=False, nbgrader=nbgrader,
                      db_url=db_url, on_started=on_started)
    return sorted(run.failures)
