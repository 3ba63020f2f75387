"""A student's progress through the course, from their own saved answers.

For each lesson: whether its quiz is not started, started or finished, its score, and
mastery per learning objective: the share of the points on the questions that assess the
objective, out of all of those points (a question not yet answered counts as 0). An
objective is *met* at ``MET`` (80 %) or more once every question assessing it is answered.

The notebook (``notebooks/progress.ipynb``) computes this from ``answers.json``; the book's
"Your progress" page computes the same table in the browser (``static/study.js``) from the
answers kept in ``localStorage``, and ``tests/test_progress.py`` checks they agree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from immunocourse.content.objectives import for_lesson, plain
from immunocourse.quiz.answers import ANSWERS_FILE, AnswersError, read_answers
from immunocourse.quiz.bank import BANKS_DIR, Bank, load_bank
from immunocourse.quiz.model import Question, is_number
from immunocourse.quiz.scoring import score

ROOT = BANKS_DIR.parents[1]  # the repository: book/, notebooks/, quizzes/
MET = 0.8  # the usual mastery-learning bar: 80 % of the points, every question answered
LESSON_PAGE = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
WELCOME = "welcome"  # lesson 1's quiz; its page is the front page, book/index.md


@dataclass(frozen=True)
class Lesson:
    number: int
    quiz_id: str
    title: str  # the page's heading
    page: str  # the book's docname: "book/index" or "book/NN-<quiz-id>"
    notebook: str  # beside the others in notebooks/: "NN-<quiz-id>.ipynb"


def _heading(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def course_lessons(root: str | Path = ROOT) -> list[Lesson]:
    """The lessons in course order, from the book's pages: ``book/index.md`` is lesson 1
    (the welcome quiz), then each ``book/NN-<quiz-id>.md`` whose quiz has a bank."""
    root = Path(root)
    banks = root / "quizzes" / "banks"
    lessons = [Lesson(1, WELCOME, _heading(root / "book" / "index.md"), "book/index",
                      f"01-{WELCOME}.ipynb")]
    for page in sorted((root / "book").glob("[0-9][0-9]-*.md")):
        found = LESSON_PAGE.match(page.name)
        if found and (banks / f"{found[2]}.yml").is_file():
            lessons.append(Lesson(int(found[1]), found[2], _heading(page),
                                  f"book/{page.stem}", f"{page.stem}.ipynb"))
    return lessons


def course_banks(lessons: Iterable[Lesson], root: str | Path = ROOT) -> dict[str, Bank]:
    return {lesson.quiz_id: load_bank(Path(root) / "quizzes" / "banks" / f"{lesson.quiz_id}.yml")
            for lesson in lessons}


def unusable(question: Question, value: Any) -> str:
    """'' when a saved value is an answer this question can take, else why it is not."""
    if question.type == "single" and value not in (question.options or ()):
        return f"{value!r} is not one of the options"[:120]
    if question.type == "truefalse" and not isinstance(value, bool):
        return "not true or false"
    if question.type == "numeric" and not is_number(value):
        return "not a number"
    if question.type == "multiple" and (
        not isinstance(value, list)
        or any(not isinstance(v, str) or v not in (question.options or ()) for v in value)
    ):
        return "not a list of the options"
    return ""


@dataclass(frozen=True)
class ObjectiveProgress:
    id: str
    text: str  # plain words, as the page's objectives list says it
    earned: float
    possible: float
    answered: int  # questions assessing it that have an answer
    questions: int  # questions assessing it

    @property
    def share(self) -> float:
        return self.earned / self.possible if self.possible else 0.0

    @property
    def status(self) -> str:
        if self.answered == 0:
            return "not started"
        if self.answered == self.questions and self.share >= MET:
            return "met"
        return "not yet"


@dataclass(frozen=True)
class LessonProgress:
    lesson: Lesson
    answered: int
    total: int
    earned: float
    possible: float
    objectives: tuple[ObjectiveProgress, ...]

    @property
    def status(self) -> str:
        if self.answered == 0:
            return "not started"
        return "finished" if self.answered == self.total else "started"


def lesson_progress(lesson: Lesson, bank: Bank, answers: Mapping[str, Any]) -> LessonProgress:
    """One lesson's row from ``answers`` (``{question id: answer}``, the bank's form).

    A saved value the question cannot take (wrong type, an option that is gone) counts as
    not answered: it would otherwise score 0 as a wrong answer the student never gave.
    """
    earned: dict[str, float] = {}
    answered_ids = set()
    for q in bank.questions:
        if q.id in answers and not unusable(q, answers[q.id]):
            answered_ids.add(q.id)
            earned[q.id] = score(q, answers[q.id]).points
    objectives = []
    for obj in for_lesson(lesson.quiz_id):
        assessing = [q for q in bank.questions if obj.id in q.objectives]
        if not assessing:
            continue  # practised, not quizzed: the page says why (objectives' not_assessed)
        objectives.append(ObjectiveProgress(
            obj.id, plain(obj.markup),
            sum(earned.get(q.id, 0.0) for q in assessing),
            sum(float(q.points) for q in assessing),
            sum(q.id in answered_ids for q in assessing), len(assessing)))
    return LessonProgress(
        lesson, len(answered_ids), len(bank.questions), sum(earned.values()),
        sum(float(q.points) for q in bank.questions), tuple(objectives))


def problems_in(banks: Mapping[str, Bank], answers: Mapping[str, Any]) -> list[str]:
    """One line per saved answer that could not be used, naming the question."""
    lines = []
    for bank in banks.values():
        for q in bank.questions:
            if q.id in answers:
                why = unusable(q, answers[q.id])
                if why:
                    lines.append(f"your saved answer to '{q.id}' ({bank.id}) was not used: {why}")
    return lines


def course_progress(answers: Mapping[str, Any], root: str | Path = ROOT) -> list[LessonProgress]:
    lessons = course_lessons(root)
    banks = course_banks(lessons, root)
    return [lesson_progress(lesson, banks[lesson.quiz_id], answers) for lesson in lessons]


def percent(share: float) -> str:
    return f"{round(share * 100):d}%"


def points(value: float) -> str:
    return f"{round(value, 2):g}"


def progress_html(rows: Iterable[LessonProgress], *, link: str = "notebook") -> str:
    """The progress table as HTML: one row per lesson, its objectives listed in the row.

    ``link="notebook"`` links each lesson to its notebook (in JupyterLab, beside this one).
    """
    body = []
    for row in rows:
        target = row.lesson.notebook if link == "notebook" else f"{Path(row.lesson.page).name}.html"
        title = html.escape(f"{row.lesson.number}. {row.lesson.title}")
        score_text = (f"{points(row.earned)} / {points(row.possible)}"
                      if row.answered else "–")
        items = "".join(
            f'<li data-objective="{html.escape(o.id)}">{html.escape(o.text)}: '
            f"<strong>{o.status}</strong> ({percent(o.share)}, {o.answered} of {o.questions} "
            f"question{'s' if o.questions != 1 else ''} answered)</li>"
            for o in row.objectives
        )
        body.append(
            f'<tr data-quiz="{html.escape(row.lesson.quiz_id)}">'
            f'<th scope="row"><a href="{html.escape(target)}">{title}</a></th>'
            f"<td>{row.status} ({row.answered} of {row.total})</td>"
            f"<td>{score_text}</td><td><ul>{items}</ul></td></tr>"
        )
    return (
        '<table class="immunocourse-progress">'
        "<caption>Your progress, lesson by lesson</caption>"
        '<thead><tr><th scope="col">Lesson</th><th scope="col">Quiz</th>'
        '<th scope="col">Score</th><th scope="col">Learning objectives</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


# -- the notebook: notebooks/progress.ipynb -----------------------------------------------


def student_progress(folder: str | Path | None = None,
                     root: str | Path = ROOT) -> tuple[list[LessonProgress], list[str]]:
    """The progress rows from ``answers.json`` in ``folder`` (default: the notebook's own
    folder, the kernel's working directory) and one line per problem found.

    Only that file is read, and it is never changed: a file that cannot be read is moved
    aside by the next quiz answer saved beside it, not here.
    """
    path = Path(folder or Path.cwd()) / ANSWERS_FILE
    problems = []
    try:
        answers = read_answers(path)
        if not answers and not path.exists():
            problems.append(f"No answers saved yet: {path} does not exist. Answer a lesson's "
                            "quiz, then run this cell again.")
    except AnswersError as exc:
        answers = {}
        problems.append(f"{exc}. The table shows no answers. The file is left as it is; "
                        "the next answer you save in a quiz moves it aside and starts a "
                        "fresh one.")
    lessons = course_lessons(root)
    banks = course_banks(lessons, root)
    rows = [lesson_progress(lesson, banks[lesson.quiz_id], answers) for lesson in lessons]
    return rows, problems + problems_in(banks, answers)


def progress_report(folder: str | Path | None = None, root: str | Path = ROOT) -> str:
    """The problems found, one paragraph each, then the table (links to the notebooks)."""
    rows, problems = student_progress(folder, root)
    notes = "".join(f'<p class="immunocourse-progress-problem">{html.escape(p[:1].upper())}'
                    f"{html.escape(p[1:])}</p>" for p in problems)
    return notes + progress_html(rows, link="notebook")


def show_progress(folder: str | Path | None = None) -> None:
    """Display the progress table in a notebook (``notebooks/progress.ipynb``)."""
    from IPython.display import HTML, display

    display(HTML(progress_report(folder)))
