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
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from immunocourse.quiz.answers import ANSWERS_FILE, AnswersError, read_answers
from immunocourse.quiz.model import Question
from immunocourse.quiz.scoring import score

# Written by the grading copy (nbgrader_ext) beside the copied files: {name: why it was not
# copied}, e.g. answers.json being a symbolic link. A student's own file of this name is
# never copied, so only the grader writes it.
REFUSED_FILE = ".immunocourse-refused.json"

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
    """The quiz's question ids, from the graded test cells of the notebook in ``folder``."""
    import nbformat

    for nb_path in sorted(folder.glob("*.ipynb")):
        try:
            st = os.lstat(nb_path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > 20_000_000:
                continue
            nb = nbformat.read(nb_path, as_version=4)
        except Exception:  # unreadable notebook: no ids from it
            continue
        ids = [str(c.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))[5:]
               for c in nb.cells
               if str(c.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
               .startswith("test-")]
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
        return [problem[0].upper() + problem[1:] + "."]
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
