"""What the hidden part of each autograded test cell calls.

``grade(spec)`` reads ``answers.json`` in the working directory (nbgrader runs the
notebook in the student's autograded folder), scores one question with
:func:`immunocourse.quiz.scoring.score`, prints the feedback (the student's answer, the
right answer, the points and the explanation) and returns the points. nbgrader reads a
number as a test cell's last output as partial credit, so the return value is the grade.

Nothing here writes to stderr: nbgrader gives 0 to a cell with stderr output.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from immunocourse.quiz.answers import ANSWERS_FILE, AnswersError, read_answers
from immunocourse.quiz.model import Question
from immunocourse.quiz.scoring import score

# One parse per answers.json version: every test cell of a notebook reads the same file.
_cache: dict[str, tuple[tuple[int, int], dict[str, Any] | None, str]] = {}


def load_submission(path: str | Path = ANSWERS_FILE) -> tuple[dict[str, Any] | None, str]:
    """(answers, "") or (None, the reason they cannot be read)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None, f"no {path.name} was submitted, so no answer could be read"
    key = str(path.resolve())
    stamp = (st.st_mtime_ns, st.st_size)
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


def _shown(kind: str, value: Any) -> str:
    if value is None:
        return "(none)"
    if kind == "multiple" and isinstance(value, (list, tuple)):
        return "; ".join(map(str, value)) if value else "(nothing ticked)"
    if kind == "truefalse" and isinstance(value, bool):
        return "True" if value else "False"
    return repr(value) if not isinstance(value, str) else value


def grade(spec: dict[str, Any], answers_path: str | Path = ANSWERS_FILE) -> float:
    """Print this question's feedback and return its points (nbgrader's partial credit)."""
    question = Question(
        id=spec["id"], type=spec["type"], prompt="", explanation=spec.get("explanation", ""),
        answer=tuple(spec["answer"]) if spec["type"] == "multiple" else spec["answer"],
        options=tuple(spec["options"]) if spec.get("options") else None,
        tolerance=float(spec.get("tolerance", 0.0)), points=float(spec["points"]), line=None,
    )
    answers, problem = load_submission(answers_path)
    given = None if answers is None else answers.get(question.id)
    result = score(question, given)
    reason = problem or result.reason
    right = _shown(question.type, question.answer)
    if question.type == "numeric" and question.tolerance:
        right += f" (± {question.tolerance:g})"
    prompt = " ".join(str(spec.get("prompt", "")).split())
    print(f"Question {question.id}: {prompt}")
    print(f"Your answer: {_shown(question.type, given)}")
    print(f"Right answer: {right}")
    print(f"Points: {result.points:g} of {result.max_points:g} -- {reason}")
    print(f"Explanation: {question.explanation}")
    return result.points
