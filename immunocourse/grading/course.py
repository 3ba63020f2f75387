"""Running nbgrader on a quiz course folder (``quizzes/`` or a copy of it).

Used by ``python -m immunocourse quiz grade``, ``scripts/grade_demo.py``, the tests and
the benchmark, so the round trip is exercised the same way everywhere.

Stock ``nbgrader autograde`` copes with every fault of a submission except a notebook
file that is not valid JSON: it logs an error, grades nobody for that student and exits
1. :func:`.submission.repair_unreadable` handles that case first: the broken file is kept
byte for byte as ``<quiz>.ipynb.unreadable`` beside it, and a fresh copy of the released
notebook, with a note saying why, takes its place, so the student is graded from
``answers.json`` (the notebook itself holds no answers) and the reason is in the feedback.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from immunocourse.grading.submission import (  # noqa: F401 - importable from here as before
    UNREADABLE_SUFFIX,
    repair_unreadable,
)
from immunocourse.quiz.bank import BANKS_DIR
from immunocourse.quiz.build import build

QUIZZES_DIR = BANKS_DIR.parent
COURSE_ID = "immunocourse"  # as in quizzes/nbgrader_config.py


def nbgrader_env(timeout: int | None = None) -> dict[str, str]:
    """Environment for nbgrader: kernels run ``python`` from PATH, so put ours first."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    if timeout is not None:
        env["IMMUNOCOURSE_GRADE_TIMEOUT"] = str(timeout)
    return env


def run_nbgrader(
    course: Path, *args: str, timeout: int | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``nbgrader ARGS`` in ``course``; output captured; raise on failure if ``check``."""
    exe = shutil.which("nbgrader", path=str(Path(sys.executable).parent)) or "nbgrader"
    proc = subprocess.run(
        [exe, *args], cwd=course, env=nbgrader_env(timeout), capture_output=True, text=True,
    )
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{tail}")
    return proc


def course_config(course: Path) -> Any:
    """The traitlets config the course's nbgrader_config.py sets (as nbgrader loads it)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def course_db_url(course: Path) -> str:
    """``CourseDirectory.db_url`` as the course's nbgrader_config.py sets it."""
    url = course_config(course).CourseDirectory.get("db_url")
    return str(url) if url else f"sqlite:///{(Path(course) / 'gradebook.db').resolve()}"


def ready_for_formgrader(course: Path) -> list[str]:
    """Build every bank's source notebook and put each quiz in the gradebook, so the
    formgrader lists them all (with Generate and Release ready). Returns the quiz ids.

    Adding an assignment that is already there changes nothing, so this is safe on every
    ``make start``; the exchange folder is made by nbgrader_config.py itself.
    """
    from nbgrader.api import Gradebook

    written = build(Path(course) / "banks", Path(course) / "source")
    quiz_ids = [path.parent.name for path in written]
    course_id = course_config(course).CourseDirectory.get("course_id") or COURSE_ID
    with Gradebook(course_db_url(course), str(course_id)) as gb:
        known = {a.name for a in gb.assignments}
        for quiz_id in quiz_ids:
            if quiz_id not in known:
                gb.add_assignment(quiz_id)
    return quiz_ids


def new_course(
    dest: Path, banks_dir: Path = BANKS_DIR, quiz_ids: list[str] | None = None
) -> Path:
    """A fresh course folder: our nbgrader_config.py, the banks (all, or only ``quiz_ids``)
    and their built source notebooks."""
    (dest / "banks").mkdir(parents=True, exist_ok=True)
    shutil.copy2(QUIZZES_DIR / "nbgrader_config.py", dest / "nbgrader_config.py")
    for bank in sorted(Path(banks_dir).glob("*.yml")):
        if quiz_ids is None or bank.stem in quiz_ids:
            shutil.copy2(bank, dest / "banks" / bank.name)
    build(dest / "banks", dest / "source")
    return dest




@dataclass
class GradeRun:
    notes: list[str]  # students whose notebook was unreadable
    failed: list[str]  # students nbgrader still could not autograde
    log: str


def autograde(course: Path, quiz_id: str, *, timeout: int | None = None) -> GradeRun:
    """Autograde the whole class; a student nbgrader fails on is retried alone once."""
    notes = repair_unreadable(course, quiz_id)
    proc = run_nbgrader(course, "autograde", quiz_id, timeout=timeout, check=False)
    log = proc.stdout + proc.stderr
    failed = []
    for folder in sorted((course / "submitted").glob(f"*/{quiz_id}")):
        student = folder.parent.name
        graded = course / "autograded" / student / quiz_id / f"{quiz_id}.ipynb"
        if not graded.exists():
            retry = run_nbgrader(course, "autograde", quiz_id, f"--student={student}",
                                 timeout=timeout, check=False)
            log += retry.stdout + retry.stderr
            if not graded.exists():
                failed.append(student)
    return GradeRun(notes, failed, log)


def export_grades(course: Path) -> list[dict[str, str]]:
    """``nbgrader export`` (CSV) read back as rows."""
    run_nbgrader(course, "export")
    text = (course / "grades.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def question_scores(course: Path, quiz_id: str) -> dict[str, dict[str, float]]:
    """{student: {grade cell id: score}} from the gradebook."""
    from nbgrader.api import Gradebook

    out: dict[str, dict[str, float]] = {}
    with Gradebook(course_db_url(course), COURSE_ID) as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission(quiz_id, student.id)
            except Exception:  # MissingEntry: the student has no submission
                continue
            out[student.id] = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
    return out
