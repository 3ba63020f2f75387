"""What ``quiz stats`` reads: the gradebook's marks and the graded answers, analysed.

The marks are the gradebook's (nbgrader's ``Grade.score``, so a mark changed in the formgrader
counts), from SQLite or PostgreSQL as the course's ``nbgrader_config.py`` (and
``IMMUNOCOURSE_DB_URL``) say; the gradebook is only read, never created. The responses come
from ``answers.json`` as the grading copy holds it (``autograded/<student>/<quiz>/``), read
with the same rules as grading (:func:`.submission.load_submission`): a file that is missing
or cannot be read counts as no answer, and the report says how many. The course's objectives
come from ``immunocourse.content.objectives`` when that module exists.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from immunocourse.grading.submission import ANSWERS_FILE, load_submission
from immunocourse.quiz.bank import Bank, BankError, load_bank
from immunocourse.quiz.stats import QuizStats, analyse, objectives_of

REPORTS = "reports"  # the default --out, inside the course folder
TEST_CELL = "test-"  # a question's graded cell is named test-<question id> (quiz build)


class StatsError(Exception):
    """Nothing can be reported for a quiz (or at all); the message is one line.

    ``ungraded``: the quiz simply has not been graded yet (not in the gradebook, or no
    graded submission), which ``--all`` reports as a note rather than a problem.
    """

    def __init__(self, message: str, ungraded: bool = False) -> None:
        super().__init__(message)
        self.ungraded = ungraded


# ---------------------------------------------------------------- the gradebook


def open_gradebook(db_url: str, course: Path | None = None) -> Any:
    """A SQLAlchemy engine on the gradebook, checked to be one; ``StatsError`` otherwise.

    Never creates anything: nbgrader's ``Gradebook`` would make an empty database (and its
    tables) where there was none, and a report must not.
    """
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        url = make_url(db_url)
    except Exception:  # a malformed URL: never print it (it may hold a password)
        raise StatsError("the gradebook URL (CourseDirectory.db_url) is not a database URL") \
            from None
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if url.database and not path.is_absolute() and course is not None:
            path = Path(course) / path  # nbgrader runs in the course folder
            url = url.set(database=str(path))
        if not url.database or not path.is_file():
            raise StatsError(f"gradebook {path} does not exist: nothing has been graded yet")
    try:
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
    except SQLAlchemyError as exc:
        raise StatsError(f"gradebook {shown} cannot be opened: "
                         f"{one_line(getattr(exc, 'orig', None) or exc)}") from None
    needed = {"assignment", "grade", "grade_cells", "base_cell", "submitted_assignment",
              "submitted_notebook", "notebook"}
    if not needed <= tables:
        engine.dispose()
        raise StatsError(f"gradebook {shown} is not an nbgrader gradebook (no "
                         f"{', '.join(sorted(needed - tables))} table)")
    return engine


@dataclass
class Marks:
    cells: dict[str, float]  # grade cell name -> max score, in the notebook's order
    students: dict[str, dict[str, float]]  # student -> {grade cell name: score}


def read_marks(engine: Any, quiz_id: str) -> Marks:
    """The quiz's grade cells and every graded submission's scores (nbgrader's own
    ``Grade.score``: the manual score if set, else the automatic one, plus extra credit)."""
    from nbgrader.api import (
        Assignment,
        Grade,
        GradeCell,
        Notebook,
        SubmittedAssignment,
        SubmittedNotebook,
    )
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    try:
        with Session(engine) as db:
            found = db.execute(select(Assignment.id).where(Assignment.name == quiz_id)).first()
            if found is None:
                raise StatsError(f"{quiz_id}: not in the gradebook (run `nbgrader "
                                 f"generate_assignment {quiz_id}` and grade it first)",
                                 ungraded=True)
            cells = db.execute(
                select(GradeCell.name, GradeCell.max_score)
                .join(Notebook, GradeCell.notebook_id == Notebook.id)
                .where(Notebook.assignment_id == found.id)
                .order_by(Notebook.name, GradeCell.id)
            ).all()
            grades = db.execute(
                select(SubmittedAssignment.student_id, GradeCell.name, Grade.score)
                .select_from(Grade)
                .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                .join(SubmittedAssignment,
                      SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .join(GradeCell, Grade.cell_id == GradeCell.id)
                .where(SubmittedAssignment.assignment_id == found.id)
            ).all()
    except SQLAlchemyError as exc:
        raise StatsError(f"{quiz_id}: the gradebook could not be read: "
                         f"{one_line(getattr(exc, 'orig', None) or exc)}") from None
    students: dict[str, dict[str, float]] = {}
    for student, cell, score in grades:
        students.setdefault(student, {})[cell] = float(score or 0.0)
    return Marks({name: float(top) for name, top in cells}, students)


# ---------------------------------------------------------------- the answers


def answers_path(course: Path, quiz_id: str, student: str) -> Path:
    """The answers the student was graded from: the grading copy's, else the submitted one."""
    graded = course / "autograded" / student / quiz_id
    return (graded if graded.is_dir() else course / "submitted" / student / quiz_id) / ANSWERS_FILE


def read_student_answers(course: Path, quiz_id: str, student: str
                         ) -> tuple[dict[str, Any] | None, str]:
    """(answers, "") or (None, why not) under the grading rules; never follows a link."""
    path = answers_path(course, quiz_id, student)
    for folder in (path.parent.parent, path.parent):
        if folder.is_symlink():
            return None, f"{folder} is a symbolic link (links are never followed)"
    return load_submission(path)


# ---------------------------------------------------------------- one quiz


@dataclass
class QuizReport:
    bank: Bank
    stats: QuizStats
    notes: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # student -> why


def gather(course: Path, quiz_id: str, engine: Any, banks_dir: Path | None = None,
           bank: Bank | None = None) -> QuizReport:
    """Bank (``bank``, else loaded from ``banks_dir``), marks and answers of one quiz,
    analysed; ``StatsError`` when there is nothing to report (no bank, not in the gradebook,
    no graded submission)."""
    bank_path = (banks_dir or course / "banks") / f"{quiz_id}.yml"
    if bank is None:
        try:
            bank = load_bank(bank_path)
        except BankError as exc:
            first = exc.problems[0] if exc.problems else f"{bank_path}: not a usable bank"
            more = (f" (and {len(exc.problems) - 1} more problems)"
                    if len(exc.problems) > 1 else "")
            raise StatsError(f"{quiz_id}: {first}{more}") from None
    marks = read_marks(engine, quiz_id)
    if not marks.students:
        raise StatsError(f"{quiz_id}: no graded submissions in the gradebook yet",
                         ungraded=True)
    notes = []
    in_gradebook = {name[len(TEST_CELL):] for name in marks.cells if name.startswith(TEST_CELL)}
    questions = [q for q in bank.questions if q.id in in_gradebook]
    left_out = [q.id for q in bank.questions if q.id not in in_gradebook]
    if left_out:
        notes.append(f"{len(left_out)} question(s) of {bank_path.name} have no graded cell in "
                     f"the gradebook and are left out: {', '.join(left_out)} (the bank changed "
                     "after the quiz was released?)")
    unknown = sorted(in_gradebook - {q.id for q in bank.questions})
    if unknown:
        notes.append(f"{len(unknown)} graded question(s) are no longer in {bank_path.name} "
                     f"and are left out: {', '.join(unknown)}")
    if not questions:
        raise StatsError(f"{quiz_id}: no question of {bank_path} is graded in the gradebook")
    students = sorted(marks.students)
    tops = [marks.cells[TEST_CELL + q.id] for q in questions]
    matrix = []
    unmarked = 0
    for student in students:
        row = marks.students[student]
        unmarked += sum(TEST_CELL + q.id not in row for q in questions)
        matrix.append([row.get(TEST_CELL + q.id, 0.0) for q in questions])
    if unmarked:
        notes.append(f"{unmarked} mark(s) are missing from the gradebook and count as 0")
    answers: list[dict[str, Any] | None] = []
    unreadable: dict[str, str] = {}
    for student in students:
        given, why = read_student_answers(course, quiz_id, student)
        answers.append(given)
        if given is None:
            unreadable[student] = why
    if unreadable:
        notes.append(f"{len(unreadable)} of {len(students)} students' {ANSWERS_FILE} was "
                     "missing or could not be read; their responses count as no answer "
                     f"(their marks are the gradebook's): {', '.join(sorted(unreadable))}")
    stats = analyse(questions, matrix, students, answers, tops)
    return QuizReport(bank, stats, notes, unreadable)


# ---------------------------------------------------------------- course-wide


@dataclass(frozen=True)
class CourseObjective:
    id: str
    lesson: str
    text: str
    not_assessed: str | None
    questions: tuple[str, ...]  # "quiz/question" ids that name it
    students: int  # distinct students with a graded submission of a quiz assessing it
    score: float  # points earned on its questions, all graded students together
    max: float  # points available to them

    @property
    def mastery(self) -> float | None:
        return 100 * self.score / self.max if self.max else None

    CSV_FIELDS = ("objective", "lesson", "text", "questions", "students", "score", "max",
                  "mastery", "not_assessed")


def course_objective_records() -> list[Any]:
    """The course's objectives (``immunocourse.content.objectives``), or [] without it.

    Looked up through ``sys.modules`` (``import_module``), so a course that replaces the
    registry, or a test that stands one in, is what the reports use.
    """
    try:
        registry = importlib.import_module("immunocourse.content.objectives")
    except ImportError:
        return []
    found = getattr(registry, "OBJECTIVES", None)
    if isinstance(found, dict):
        return list(found.values())
    return list(found or [])


def course_objectives(banks: Sequence[Bank], reports: Sequence[QuizReport]
                      ) -> list[CourseObjective]:
    """Every objective of every lesson (from the registry, then any other id a question
    names), with the questions that assess it and the class's mastery of it: the points
    earned on those questions by every graded student over the points available to them."""
    records = {str(getattr(r, "id", "")): r for r in course_objective_records()}
    records.pop("", None)
    questions: dict[str, list[str]] = {}
    for bank in banks:
        for q in bank.questions:
            for objective in objectives_of(q):
                questions.setdefault(objective, []).append(f"{bank.id}/{q.id}")
    earned: dict[str, list[float]] = {}
    students: dict[str, set[str]] = {}
    for report in reports:
        stats = report.stats
        for i, q in enumerate(stats.questions):
            top = stats.items[i].max_points
            for objective in objectives_of(q):
                pair = earned.setdefault(objective, [0.0, 0.0])
                pair[0] += float(stats.marks[:, i].sum())
                pair[1] += top * len(stats.students)
                students.setdefault(objective, set()).update(stats.students)
    ids = list(records) + [o for o in questions if o not in records]
    rows = []
    for objective in ids:
        record = records.get(objective)
        score, top = earned.get(objective, (0.0, 0.0))
        rows.append(CourseObjective(
            id=objective,
            lesson=str(getattr(record, "lesson", "") or objective.partition("/")[0]),
            text=str(getattr(record, "text", "") or ""),
            not_assessed=getattr(record, "not_assessed", None) or None,
            questions=tuple(questions.get(objective, ())),
            students=len(students.get(objective, ())), score=score, max=top))
    return rows


def one_line(value: Any) -> str:
    return " ".join(str(value).split())[:300]
