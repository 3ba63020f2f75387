"""A graded class without running nbgrader: a gradebook filled as ``nbgrader autograde``
leaves it (an assignment, its notebook, one grade cell ``test-<question id>`` per question,
a submission per student with a grade per cell) and the grading copies of ``answers.json``.

The statistics tests' hand-built classes and the stats benchmark use it; the real round
trip (``quiz grade``) is tested separately. Rows are inserted in bulk, so a class of
thousands takes seconds.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from immunocourse.grading.course import COURSE_ID
from immunocourse.quiz.answers import write_answers
from immunocourse.quiz.model import Question


def fill_gradebook(db_url: str, quiz_id: str, questions: Sequence[Question],
                   marks: Mapping[str, Mapping[str, float]]) -> None:
    """Add ``quiz_id`` (if new) and one graded submission per student of ``marks``
    (``{student: {question id: points}}``; a question left out gets no grade row)."""
    from nbgrader.api import Base, Gradebook, MissingEntry

    # a new gradebook asks the `alembic` command for its schema version: the venv's
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([venv_bin, os.environ.get("PATH", "")])
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            gb.find_assignment(quiz_id)
        except MissingEntry:
            gb.add_assignment(quiz_id)
        gb.update_or_create_notebook(quiz_id, quiz_id)
        cells = {}
        for q in questions:
            cell = gb.update_or_create_grade_cell(f"test-{q.id}", quiz_id, quiz_id,
                                                  max_score=q.points, cell_type="code")
            cells[q.id] = cell.id
        notebook_id = gb.find_notebook(quiz_id, quiz_id).id
        assignment_id = gb.find_assignment(quiz_id).id
        known = {s.id for s in gb.students}
        tables = Base.metadata.tables
        students, submissions, notebooks, grades = [], [], [], []
        for student, row in marks.items():
            if student not in known:
                students.append({"id": student})
            sub_id, nb_id = uuid.uuid4().hex, uuid.uuid4().hex
            submissions.append({"id": sub_id, "assignment_id": assignment_id,
                                "student_id": student})
            notebooks.append({"id": nb_id, "assignment_id": sub_id, "notebook_id": notebook_id,
                              "flagged": False, "late_submission_penalty": None})
            grades += [{"id": uuid.uuid4().hex, "notebook_id": nb_id, "cell_id": cells[qid],
                        "auto_score": float(points), "manual_score": None,
                        "extra_credit": None, "needs_manual_grade": False}
                       for qid, points in row.items()]
        for name, rows in (("student", students), ("submitted_assignment", submissions),
                           ("submitted_notebook", notebooks), ("grade", grades)):
            if rows:
                gb.db.execute(tables[name].insert(), rows)
        gb.db.commit()


def write_graded_answers(course: Path, quiz_id: str,
                         answers: Mapping[str, dict[str, Any] | bytes | None]) -> None:
    """The grading copy of each student's answers.json: a dict is written as JSON, bytes as
    they are (an unreadable file), None leaves the file out (the folder is still made)."""
    for student, given in answers.items():
        folder = course / "autograded" / student / quiz_id
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(given, bytes):
            (folder / "answers.json").write_bytes(given)
        elif given is not None:
            write_answers(folder / "answers.json", given)
