"""Quizzes in notebooks: ipywidgets that save every answer to ``answers.json``.

``Quiz("immune-system", mode="self-check")`` shows each question with a Check button
that gives right/wrong and the explanation at once. ``mode="graded"`` (nbgrader
assignments) shows the same widgets without a Check button, and the object never holds
the answers or explanations, so nothing in the released notebook reveals the key.

Every change is written to ``answers.json`` beside the notebook (atomically); running the
cell again restores the saved answers. Under ``NBGRADER_EXECUTION`` (autograding) the quiz
is inert: it shows nothing, writes nothing and does not import ipywidgets.
"""

from __future__ import annotations

import html
import os
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from immunocourse.quiz.answers import (
    ANSWERS_FILE,
    AnswersError,
    move_aside,
    read_answers,
    to_json_form,
    write_answers,
)
from immunocourse.quiz.model import Question, is_number
from immunocourse.quiz.scoring import score

MODES = ("self-check", "graded")


def grading() -> bool:
    """True while nbgrader autogrades or validates (it sets NBGRADER_EXECUTION)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def markdown_html(text: str) -> str:
    """Markdown to HTML, leaving $math$ for the front end's MathJax (HTMLMath widget)."""
    try:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.dollarmath import dollarmath_plugin
    except ImportError:  # markdown-it ships with the book toolchain; plain text is fine
        return html.escape(text)

    def keep_math(content: str, options: dict[str, Any]) -> str:
        fence = "$$" if options.get("display_mode") else "$"
        return html.escape(f"{fence}{content}{fence}")

    md = MarkdownIt("commonmark").use(dollarmath_plugin, renderer=keep_math)
    return md.render(text)


def answer_input(q: Question, label: str, saved: Any = None) -> tuple[Any, list[Any]]:
    """The input widget of one question, holding ``saved`` (a value the question can take,
    or None), and for a multiple-choice question its checkboxes (else ``[]``)."""
    import ipywidgets as w

    style = {"description_width": "initial"}
    boxes: list[Any] = []
    if q.type == "single":
        widget = w.RadioButtons(
            options=list(q.options or ()), value=saved, description=label, style=style,
            layout=w.Layout(width="auto"),
        )
    elif q.type == "truefalse":
        widget = w.ToggleButtons(
            options=[("True", True), ("False", False)], value=saved, description=label,
            style=style, tooltips=["True", "False"],
        )
    elif q.type == "numeric":
        widget = w.FloatText(
            value=float(saved) if saved is not None else 0.0,
            description=f"{label} (number)", style=style,
        )
    else:
        chosen = set(saved or ())
        boxes = [
            w.Checkbox(value=option in chosen, description=option, indent=False,
                       layout=w.Layout(width="auto"))
            for option in (q.options or ())
        ]
        widget = w.VBox(boxes, layout=w.Layout(margin="0 0 0 1em"))
        widget.add_class("immunocourse-quiz-multiple")
    return widget, boxes


def set_input(q: Question, widget: Any, boxes: list[Any], value: Any) -> None:
    """Put ``value`` into ``answer_input``'s widgets, as clicks would; ``ValueError`` for a
    value the widgets cannot hold."""
    if q.type == "multiple":
        if isinstance(value, str) or any(v not in (q.options or ()) for v in value):
            raise ValueError(f"{q.id}: give a list of options, not {value!r}")
        for box in boxes:
            box.value = box.description in value
    elif q.type == "numeric":
        if not is_number(value):
            raise ValueError(f"{q.id}: give a number, not {value!r}")
        widget.value = float(value)
    elif q.type == "truefalse":
        if not isinstance(value, bool):
            raise ValueError(f"{q.id}: give True or False, not {value!r}")
        widget.value = value
    else:
        if value not in (q.options or ()):
            raise ValueError(f"{q.id}: {value!r} is not one of the options")
        widget.value = value


def input_value(q: Question, widget: Any, boxes: list[Any]) -> Any:
    """What the student has entered in ``answer_input``'s widgets (None: nothing chosen)."""
    if q.type == "multiple":
        return [b.description for b in boxes if b.value]
    return widget.value


def verdict(q: Question, given: Any) -> tuple[str, bool]:
    """The feedback's first line for an answer, and whether the answer is right."""
    result = score(q, given)
    if given is None:
        return "Answer the question first.", False
    if result.correct:
        return "✔ Right.", True
    if result.points > 0:
        return f"◐ Partly right: {result.points:g} of {result.max_points:g} points.", False
    return "✘ Not right.", False


@dataclass
class _Row:
    """The widgets of one question."""

    question: Question
    number: int
    input: Any  # the answer widget (RadioButtons, ToggleButtons, FloatText) or a VBox
    boxes: list[Any]  # multiple: one Checkbox per option
    status: Any  # HTML: saved / problems
    feedback: Any  # HTMLMath: self-check result
    box: Any


class Quiz:
    """A bank's questions as notebook widgets; see the module docstring."""

    def __init__(
        self,
        quiz_id: str,
        mode: str = "self-check",
        *,
        answers_path: str | Path | None = None,
        banks_dir: str | Path | None = None,
    ) -> None:
        # imported here: released notebooks use from_public and never need PyYAML
        from immunocourse.quiz.bank import BANKS_DIR, find_bank, load_bank

        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        bank = load_bank(find_bank(quiz_id, banks_dir or BANKS_DIR))
        questions = bank.questions
        if mode == "graded":
            # the released notebook's kernel must not be able to print the key
            questions = tuple(replace(q, answer=None, explanation="") for q in questions)
        self._setup(bank.id, bank.title, bank.description, mode, questions, answers_path)

    @classmethod
    def from_public(cls, data: dict[str, Any], *, answers_path: str | Path | None = None) -> Quiz:
        """A graded quiz from a bank's public part (what ``build`` writes into a notebook).

        ``data`` is ``{"id", "title", "description", "questions": [{"id", "type",
        "prompt", "options", "points"}]}``: no answers, no explanations, so a released
        notebook works without the bank and holds nothing of the key.
        """
        questions = tuple(
            Question(
                id=q["id"], type=q["type"], prompt=q["prompt"], explanation="", answer=None,
                options=tuple(q["options"]) if q.get("options") else None, tolerance=0.0,
                points=float(q["points"]), line=None,
            )
            for q in data["questions"]
        )
        quiz = cls.__new__(cls)
        quiz._setup(data["id"], data["title"], data.get("description", ""), "graded",
                    questions, answers_path)
        return quiz

    def _setup(self, quiz_id: str, title: str, description: str, mode: str,
               questions: tuple[Question, ...], answers_path: str | Path | None) -> None:
        self.id = quiz_id
        self.title = title
        self.description = description
        self.mode = mode
        self.questions: tuple[Question, ...] = questions
        self.path = Path(answers_path) if answers_path else Path.cwd() / ANSWERS_FILE
        self._rows: dict[str, _Row] | None = None
        self._quiet = False
        self.restore_problems: dict[str, str] = {}
        self._saved: dict[str, Any] = {} if grading() else self._load()

    # -- answers.json -----------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        try:
            return read_answers(self.path)
        except AnswersError as exc:
            move_aside(self.path, str(exc))
            return {}

    def _save(self) -> str:
        """Merge this quiz's answers into answers.json; '' or a one-line problem."""
        try:
            try:
                current = read_answers(self.path)
            except AnswersError as exc:
                move_aside(self.path, str(exc))
                current = {}
            current.update(self._saved)  # other quizzes' answers in the same file stay
            write_answers(self.path, current)
            return ""
        except OSError as exc:
            message = f"could not save {self.path}: {exc}"
            warnings.warn(message, stacklevel=2)
            return message

    @property
    def answers(self) -> dict[str, Any]:
        """This quiz's answers as saved (bank answer form)."""
        return {q.id: self._saved[q.id] for q in self.questions if q.id in self._saved}

    # -- widgets ----------------------------------------------------------------------

    def _build(self) -> dict[str, _Row]:
        if self._rows is None:
            self._rows = {}
            for number, q in enumerate(self.questions, start=1):
                self._rows[q.id] = self._make_row(q, number)
        return self._rows

    def _make_row(self, q: Question, number: int) -> _Row:
        import ipywidgets as w

        label = f"Question {number}"
        saved = self._saved.get(q.id)
        problem = self._restorable(q, saved) if q.id in self._saved else ""
        if problem:
            self.restore_problems[q.id] = problem
            saved = None
        widget, boxes = answer_input(q, label, saved)
        status = w.HTML(value=self._status_text(q, problem))
        feedback = w.HTMLMath(value="")
        prompt = w.HTMLMath(
            value=f"<strong>{label}</strong> ({q.points:g} point{'s' if q.points != 1 else ''})"
            + markdown_html(q.prompt)
        )
        children = [prompt, widget, status]
        row = _Row(q, number, widget, boxes, status, feedback, None)
        if self.mode == "self-check":
            check = w.Button(description="Check", tooltip=f"Check your answer to {label}",
                             icon="check")
            check.on_click(lambda _button, qid=q.id: self.check(qid))
            children += [check, feedback]
        row.box = w.VBox(children, layout=w.Layout(margin="0 0 1.5em 0"))
        row.box.add_class("immunocourse-quiz-question")
        for source in boxes or [widget]:
            source.observe(lambda _change, qid=q.id: self._changed(qid), names="value")
        return row

    def _status_text(self, q: Question, problem: str = "") -> str:
        if problem:
            return f"<em>Your saved answer could not be shown ({html.escape(problem)}).</em>"
        if q.id in self._saved:
            return "<small>Saved.</small>"
        hint = " Type a number, then press Enter." if q.type == "numeric" else ""
        return f"<small>Not answered yet.{hint}</small>"

    @staticmethod
    def _restorable(q: Question, value: Any) -> str:
        """'' when a saved value can be put back into the widget, else why not."""
        result_reason = ""
        if q.type == "single" and value not in (q.options or ()):
            result_reason = f"{value!r} is not one of the options"
        elif q.type == "truefalse" and not isinstance(value, bool):
            result_reason = "not true or false"
        elif q.type == "numeric" and not is_number(value):
            result_reason = "not a number"
        elif q.type == "multiple" and (
            not isinstance(value, list) or any(v not in (q.options or ()) for v in value)
        ):
            result_reason = "not a list of the options"
        return result_reason

    def _value_of(self, row: _Row) -> Any:
        return input_value(row.question, row.input, row.boxes)

    def _changed(self, qid: str) -> None:
        if self._quiet:
            return
        self._record(qid)

    def _record(self, qid: str) -> None:
        row = self._build()[qid]
        value = self._value_of(row)
        if value is None:
            return
        self._saved[qid] = to_json_form(row.question.type, value)
        self.restore_problems.pop(qid, None)
        problem = self._save()
        row.status.value = (
            f"<em>{html.escape(problem)}</em>" if problem else "<small>Saved.</small>"
        )
        row.feedback.value = ""

    # -- public -----------------------------------------------------------------------

    def show(self, question_id: str | None = None) -> Any:
        """The widget of one question (or all); ``None`` while nbgrader grades."""
        if grading():
            return None
        import ipywidgets as w

        rows = self._build()
        if question_id is not None:
            if question_id not in rows:
                raise KeyError(f"quiz {self.id!r} has no question {question_id!r}")
            return rows[question_id].box
        header = w.HTML(f"<h3>{html.escape(self.title)}</h3>" + markdown_html(self.description))
        return w.VBox([header] + [r.box for r in rows.values()])

    def _ipython_display_(self) -> None:
        widget = self.show()
        if widget is not None:
            from IPython.display import display

            display(widget)

    def answer(self, question_id: str, value: Any) -> None:
        """Answer through the widget, as a click would (used by tests and demos)."""
        if grading():
            return  # autograding must not change a submission
        rows = self._build()
        if question_id not in rows:
            raise KeyError(f"quiz {self.id!r} has no question {question_id!r}")
        row = rows[question_id]
        self._quiet = True  # one save for the whole change, not one per checkbox
        try:
            set_input(row.question, row.input, row.boxes, value)
        finally:
            self._quiet = False
        self._record(question_id)

    def check(self, question_id: str) -> str:
        """Self-check: show right/wrong and the explanation; returns the feedback HTML."""
        if self.mode != "self-check":
            raise RuntimeError("graded quizzes cannot be checked before grading")
        row = self._build()[question_id]
        q = row.question
        given = self._saved.get(question_id)
        line, _right = verdict(q, given)
        body = f"<p><strong>{line}</strong></p>"
        if given is not None:
            body += markdown_html(q.explanation)
            self._enter_review(question_id, given)
        row.feedback.value = body
        return body

    def _enter_review(self, question_id: str, given: Any) -> None:
        """A checked question joins the spaced review (review.json beside answers.json).

        Self-study only, so never while nbgrader runs; a problem is a warning, never a
        failed Check.
        """
        if grading():
            return
        from immunocourse.quiz.study import enter_checked

        try:
            problem = enter_checked(self.path.parent, self.id, question_id, given)
        except Exception as exc:  # the quiz must work whatever the review's state
            problem = f"the review could not note this question: {exc}"
        if problem:
            warnings.warn(problem, stacklevel=3)

    def __repr__(self) -> str:
        return f"Quiz({self.id!r}, mode={self.mode!r}, {len(self.questions)} questions)"
