"""nbgrader settings for the course's quizzes; run nbgrader from this folder.

    cd quizzes
    nbgrader generate_assignment immune-system
    nbgrader autograde immune-system
    nbgrader generate_feedback immune-system
    nbgrader export
"""

import contextlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "immunocourse"
c.CourseDirectory.root = str(HERE)
c.CourseDirectory.db_url = f"sqlite:///{HERE / 'gradebook.db'}"

# IMMUNOCOURSE_* variables are declared and checked in immunocourse/settings.py (`python -m
# immunocourse settings`). nbgrader drops a config file that raises and grades with its own
# defaults, running student cells: a bad value, or no package to read it with, stops here.
try:
    from immunocourse.settings import SettingError, settings
except ImportError as exc:
    raise SystemExit(f"nbgrader_config.py: cannot import immunocourse ({exc}); run `make setup`"
                     ) from None
try:
    GRADE_TIMEOUT, EXCHANGE_SET, DB_URL = settings.grade_timeout, settings.exchange, settings.db_url
    WARM_KERNELS = settings.warm_kernels
except SettingError as exc:
    raise SystemExit(f"nbgrader_config.py: {exc}") from None

# Per cell: a student's cell that never ends is interrupted after this many seconds and
# grading goes on with the next cell (nbgrader's Execute interrupts on timeout).
c.Execute.timeout = GRADE_TIMEOUT
c.Execute.interrupt_on_timeout = True

# --- The exchange (release, fetch, submit, collect, feedback) on one machine, no root ---
# A course-local folder, ignored by git; IMMUNOCOURSE_EXCHANGE puts it elsewhere. It is
# made here so that the formgrader finds it (else it warns and disables Release/Collect).
EXCHANGE = EXCHANGE_SET or HERE / "exchange"
c.Exchange.root = str(EXCHANGE)
with contextlib.suppress(OSError):  # if it fails, the formgrader says the exchange is missing
    EXCHANGE.mkdir(parents=True, exist_ok=True)

# --- Grading runs no student code and reads submissions as untrusted data (issue 8) ---
# RestoreQuizSource rebuilds a quiz notebook from the gradebook's source cells: cells a
# student added are dropped, edited ones restored, so only the instructor's cells run and
# the answers come from answers.json. For other notebooks, a student who deletes an
# autograded cell gets it back where it was (nbgrader's own re-insertion fails when the
# cell before the deleted one is not graded, so ours replaces OverwriteCells).
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "immunocourse.grading.preprocessors.RestoreQuizSource",
    "immunocourse.grading.preprocessors.OverwriteCellsInOrder",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# nbgrader's own autograde steps, with one change: WarmExecute forks each grading kernel
# from a process that has already imported ipykernel and the grading code (a fresh process
# per submission all the same) and stops it at once when the cells have run. That halves
# the cost of a submission; see immunocourse/grading/warm_kernels.py. The switch:
# IMMUNOCOURSE_WARM_KERNELS=0 grades with nbgrader's stock Execute (the same grades).
c.Autograde.autograde_preprocessors = [
    "immunocourse.grading.warm_kernels.WarmExecute" if WARM_KERNELS
    else "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# nbgrader copies a submission folder with shutil.copy, which follows links (a link to
# /etc/passwd or to another student's answers would be read) and blocks on a FIFO: every
# nbgrader command loading this file copies regular files only, never through a link.
# A kernel nbgrader grades in (whichever Execute step runs it) starts without the grader's
# secrets (the gradebook's URL with its password, the hub token): this process keeps them.
# The package was imported above (or nbgrader stopped there), so these imports succeed.
from immunocourse.grading.kernel_env import keep_secrets_from_grading_kernels  # noqa: E402
from immunocourse.grading.preprocessors import compile_metadata_schema  # noqa: E402
from immunocourse.grading.submission import guard_submission_copies  # noqa: E402

guard_submission_copies()
keep_secrets_from_grading_kernels()
compile_metadata_schema()  # the same metadata check, its schema compiled once

_quiz_ids = [p.stem for p in (HERE / "banks").glob("*.yml")]
c.Autograde.exclude_overwriting = {quiz_id: ["answers.json"] for quiz_id in _quiz_ids}
if "generate_assignment" in sys.argv[1:3]:
    c.CourseDirectory.ignore = [
        ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "answers.json*",
    ]

# Kernels started by nbgrader must import the course package even without `pip install -e .`
# (a copy of this folder elsewhere, e.g. the grading demo's, relies on the install).
if (REPO / "immunocourse" / "__init__.py").is_file():
    os.environ["PYTHONPATH"] = os.pathsep.join(  # once: the formgrader reloads this file
        [str(REPO)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                       if p and p != str(REPO)]
    )

# --- Feedback a student can read (issue 12) -------------------------------------------
# `nbgrader generate_feedback` (and the formgrader's Generate Feedback, which runs the same
# converter) renders quiz notebooks with the course's page: one block per question, no
# code, offline. Scores still come from the gradebook; other notebooks get nbgrader's page.
c.GenerateFeedback.exporter_class = "immunocourse.grading.feedback.FeedbackExporter"
# --- end issue 12 -----------------------------------------------------------------------

# --- Class server gradebook (deploy/jupyterhub): PostgreSQL when IMMUNOCOURSE_DB_URL is set ---
# e.g. postgresql://immunocourse:PASSWORD@127.0.0.1:5432/immunocourse. Unset (one person on
# one machine): the SQLite gradebook above stays.
if DB_URL:
    c.CourseDirectory.db_url = DB_URL
