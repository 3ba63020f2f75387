"""What the hidden part of each autograded test cell calls.

``grade(spec)`` reads ``answers.json`` in the working directory (nbgrader runs the
notebook in the student's autograded folder), scores one question with
:func:`immunocourse.quiz.scoring.score`, shows the feedback and returns the points.
nbgrader reads a number as a test cell's last output as partial credit, so the return
value is the grade.

The feedback is one display output, shown before that number: plain text for the
instructor's view of the graded notebook, plus a JSON record (:data:`FEEDBACK_MIME`) that
``immunocourse.grading.feedback`` turns into the student's feedback page.

How ``answers.json`` is read, as untrusted data, is :mod:`.submission`'s
(:func:`~immunocourse.grading.submission.load_submission`).

Nothing here writes to stderr: nbgrader gives 0 to a cell with stderr output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The rules for reading answers.json are in .submission; REFUSED_FILE is re-exported for
# code written when it was defined here.
from immunocourse.grading.submission import (  # noqa: F401
    REFUSED_FILE,
    load_submission,
    submission_notes,
)
from immunocourse.quiz.answers import ANSWERS_FILE
from immunocourse.quiz.model import Question
from immunocourse.quiz.scoring import Score, score

FEEDBACK_MIME = "application/vnd.immunocourse.feedback+json"
_MAX_SHOWN = 300  # characters of a student's answer shown back; answers.json is untrusted


def _shown(value: Any) -> str:
    """An answer as a student would write it: never a Python repr."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        text = "True" if value else "False"
    elif isinstance(value, (int, float)):
        text = f"{value:g}"
    elif isinstance(value, (list, tuple)):
        text = "; ".join(_shown(v) for v in value) if value else "(nothing ticked)"
    elif isinstance(value, str):
        text = value
    else:  # a JSON object where an answer belongs
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"


def right_answer(spec: dict[str, Any]) -> str:
    """The key of a test spec as the student reads it (numeric: with its tolerance)."""
    right = _shown(spec.get("answer"))
    if spec.get("type") == "numeric" and spec.get("tolerance"):
        right += f" (± {float(spec['tolerance']):g})"
    return right


_KINDS = {bool: "true or false", int: "a number", float: "a number", str: "text",
          list: "a list", dict: "a set of named values"}
_EXPECTED = {"single": "one of the options", "multiple": "a list of ticked options",
             "truefalse": "true or false", "numeric": "a number"}


def _plain_reason(question: Question, given: Any, result: Score) -> str:
    """Why these points, in words for someone who never wrote Python."""
    if given is None:
        return "No answer was given."
    if result.correct:
        return "Right."
    kind = question.type
    got = _KINDS.get(type(given), "something else")
    if kind == "multiple" and isinstance(given, (list, tuple)) and all(
        isinstance(g, str) for g in given
    ):
        unknown = sorted(set(given) - set(question.options or ()))
        if unknown:
            return f"“{_shown(unknown[0])}” is not one of the options, so this scores 0."
        right = set(question.answer)
        hits, misses = len(set(given) & right), len(set(given) - right)
        return (f"You ticked {hits} of the {len(right)} right options and {misses} wrong "
                f"{'option' if misses == 1 else 'options'}.")
    if result.reason.startswith("expected"):
        return f"The answer should be {_EXPECTED[kind]}, but it was {got}, so this scores 0."
    if result.reason.endswith("is not one of the options"):
        return f"“{_shown(given)}” is not one of the options, so this scores 0."
    if kind == "numeric" and question.tolerance:
        low = float(question.answer) - question.tolerance
        high = float(question.answer) + question.tolerance
        return f"Not close enough: answers from {low:g} to {high:g} were accepted."
    return "Not the right answer."


def _status(given: Any, result: Score) -> str:
    if result.correct:
        return "right"
    if result.points > 0:
        return "partly"
    return "unanswered" if given is None else "wrong"


def grade(spec: dict[str, Any], answers_path: str | Path = ANSWERS_FILE) -> float:
    """Show this question's feedback and return its points (nbgrader's partial credit)."""
    question = Question(
        id=spec["id"], type=spec["type"], prompt="", explanation=spec.get("explanation", ""),
        answer=tuple(spec["answer"]) if spec["type"] == "multiple" else spec["answer"],
        options=tuple(spec["options"]) if spec.get("options") else None,
        tolerance=float(spec.get("tolerance", 0.0)), points=float(spec["points"]), line=None,
    )
    answers, problem = load_submission(answers_path)
    given = None if answers is None else answers.get(question.id)
    result = score(question, given)
    right = right_answer(spec)
    reason = (
        "No answer could be read: see the note at the top." if problem
        else _plain_reason(question, given, result)
    )
    prompt = str(spec.get("prompt", ""))
    record = {
        "id": question.id, "type": question.type, "prompt": prompt,
        "given": None if given is None else _shown(given), "right": right,
        "points": result.points, "max_points": result.max_points,
        "status": _status(given, result), "reason": reason,
        "explanation": question.explanation, "notes": submission_notes(answers_path),
    }
    text = "\n".join([
        f"Question {question.id}: {' '.join(prompt.split())}",
        f"Your answer: {_shown(given)}",
        f"Right answer: {right}",
        f"Points: {result.points:g} of {result.max_points:g} -- {problem or result.reason}",
        f"Explanation: {question.explanation}",
    ])
    _show({"text/plain": text, FEEDBACK_MIME: record})
    return result.points


def _show(bundle: dict[str, Any]) -> None:
    """One display output in a kernel (nbgrader keeps it in the graded notebook); else print."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the kernel always has IPython
        get_ipython = None  # noqa: N806
    if get_ipython is not None and get_ipython() is not None:
        from IPython.display import display

        display(bundle, raw=True)
    else:
        print(bundle["text/plain"])
