"""The Review notebook (``notebooks/review.ipynb``): today's due questions as widgets.

``Review()`` reads ``review.json`` in the notebook's folder, adds a card for every
question answered in a lesson quiz (``answers.json``) that has none yet, and shows up to
``review.SESSION_SIZE`` due questions, each with a Check button. A Check gives the verdict
and the explanation, moves the card (``review.record``), saves ``review.json`` and says
when the question comes back.

Review is self-study: its answers are never written to ``answers.json`` (which holds the
quiz answers a teacher may grade) and never graded. The clock is injected: ``clock`` is a
callable returning a ``datetime.date``, by default ``study.today`` (the local date, or
``IMMUNOCOURSE_TODAY``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from immunocourse.quiz import review, study
from immunocourse.quiz.answers import ANSWERS_FILE, AnswersError, read_answers, to_json_form
from immunocourse.quiz.progress import ROOT
from immunocourse.quiz.widgets import (
    answer_input,
    input_value,
    markdown_html,
    set_input,
    verdict,
)
from immunocourse.settings import SettingError


@dataclass
class _Row:
    """The widgets of one due question."""

    key: str
    item: study.CourseQuestion
    input: Any
    boxes: list[Any]
    button: Any
    feedback: Any
    box: Any
    touched: bool = False  # numeric: a FloatText shows 0 before anything is typed


class Review:
    """Today's spaced-review session in a notebook folder; see the module docstring."""

    def __init__(self, folder: str | Path | None = None,
                 clock: Callable[[], dt.date] | None = None, *,
                 root: str | Path = ROOT) -> None:
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.path = self.folder / review.REVIEW_FILE
        self.problems: list[str] = []
        try:
            self.today = review.day((clock or study.today)())
        except SettingError as exc:  # a mistyped IMMUNOCOURSE_TODAY: say so, carry on
            self.today = review.day(dt.date.today())
            self.problems.append(f"{exc}; the review uses the computer's date")
        self.questions = study.course_questions(str(root))
        self.order = list(self.questions)
        self.cards, problems = review.read_state(self.path, self.order, self.today)
        self.problems += problems
        added = study.sync(self.cards, self._lesson_answers(), self.questions, self.today)
        if added or self.problems:
            self._save()
        self.session = review.due(self.cards, self.today, self.order)
        self._rows: dict[str, _Row] | None = None
        self._done: dict[str, str] = {}

    # -- files --------------------------------------------------------------------------

    def _lesson_answers(self) -> dict[str, Any]:
        """answers.json, read only: the review never changes the quiz answers."""
        path = self.folder / ANSWERS_FILE
        try:
            return read_answers(path)
        except AnswersError as exc:
            self.problems.append(f"{exc}; the review goes on without your quiz answers and "
                                 "leaves the file as it is")
            return {}

    def _save(self) -> str:
        """Write review.json; '' or a one-line problem (also kept in ``problems``)."""
        try:
            review.write_state(self.path, self.cards)
            return ""
        except OSError as exc:
            problem = f"could not save {self.path}: {exc.strerror or exc}"
            self.problems.append(problem)
            return problem

    # -- widgets ------------------------------------------------------------------------

    def _build(self) -> dict[str, _Row]:
        if self._rows is None:
            self._rows = {key: self._make_row(key, n) for n, key in
                          enumerate(self.session, start=1)}
        return self._rows

    def _make_row(self, key: str, number: int) -> _Row:
        import ipywidgets as w

        item = self.questions[key]
        q = item.question
        label = f"Question {number}"
        widget, boxes = answer_input(q, label)
        hint = "<p><small>Type a number, then press Enter.</small></p>" \
            if q.type == "numeric" else ""
        prompt = w.HTMLMath(
            value=f"<strong>{label} of {len(self.session)}</strong> "
                  f"(lesson {item.lesson.number}, {html.escape(item.lesson.title)})"
                  + markdown_html(q.prompt) + hint)
        button = w.Button(description="Check", tooltip=f"Check your answer to {label}",
                          icon="check")
        feedback = w.HTMLMath(value="")
        box = w.VBox([prompt, widget, button, feedback], layout=w.Layout(margin="0 0 1.5em 0"))
        box.add_class("immunocourse-review-question")
        row = _Row(key, item, widget, boxes, button, feedback, box)
        button.on_click(lambda _button, k=key: self.check(k))
        for source in boxes or [widget]:
            source.observe(lambda _change, r=row: setattr(r, "touched", True), names="value")
        return row

    def _header(self) -> str:
        lines = [f"<h3>Review for {self.today}</h3>"]
        lines += [f"<p><em>{html.escape(p)}</em></p>" for p in self.problems]
        n = len(self.session)
        if n:
            lines.append(f"<p>{n} question{'s are' if n != 1 else ' is'} due today. Answer "
                         "each one, then press <strong>Check</strong>. Your review answers "
                         "are kept apart from your quiz answers and are never graded.</p>")
            return "".join(lines)
        lines.append("<p>Nothing is due today.</p>")
        coming = review.next_due(self.cards, self.today, self.order)
        if coming:
            lines.append(f"<p>The next question is due on {coming} ({_in_days(self.today, coming)}"
                         "). Run this notebook again then.</p>")
        elif any(c["box"] < review.PASSED for c in self.cards.values()):
            lines.append("<p>Run this notebook again tomorrow.</p>")
        elif self.cards:
            lines.append("<p>Every question you have met has passed the review. New ones "
                         "join as you answer more lessons' quizzes.</p>")
        else:
            lines.append("<p>The review fills as you answer the lessons' quizzes: each "
                         "question you answer there comes back here on a schedule.</p>")
        return "".join(lines)

    def show(self) -> Any:
        import ipywidgets as w

        header = w.HTML(self._header())
        header.add_class("immunocourse-review-header")
        return w.VBox([header] + [row.box for row in self._build().values()])

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.show())

    # -- answering ----------------------------------------------------------------------

    def answer(self, key: str, value: Any) -> None:
        """Answer a due question through its widget, as clicks would (tests and demos)."""
        rows = self._build()
        if key not in rows:
            raise KeyError(f"{key!r} is not due in this review session")
        set_input(rows[key].item.question, rows[key].input, rows[key].boxes, value)
        rows[key].touched = True

    def check(self, key: str) -> str:
        """Verdict, explanation and when the question comes back; returns the feedback HTML.

        Each due question is checked once per session: its inputs are then disabled.
        """
        row = self._build()[key]
        if key in self._done:
            return self._done[key]
        q = row.item.question
        value = input_value(q, row.input, row.boxes)
        if value is None or value == [] or (q.type == "numeric" and not row.touched):
            row.feedback.value = '<p role="status"><strong>Answer the question first.' \
                                 "</strong></p>"
            return row.feedback.value
        line, right = verdict(q, to_json_form(q.type, value))
        # a lesson quiz in another notebook may have added cards since this session began
        on_disk, _ = review.read_state(self.path, self.order, self.today)
        self.cards.update({k: c for k, c in on_disk.items() if k not in self._done})
        card = review.record(self.cards, key, right, self.today)
        problem = self._save()
        if card["box"] == review.PASSED:
            when = "Passed: this question leaves the review."
        else:
            when = f"Next review {_in_days(self.today, card['due'])} ({card['due']})."
        if problem:
            when += f" <em>{html.escape(problem)}; this answer is not kept.</em>"
        body = (f'<div role="status"><p><strong>{line}</strong></p>'
                f"{markdown_html(q.explanation)}<p><strong>{when}</strong></p></div>")
        for widget in row.boxes or [row.input]:
            widget.disabled = True
        row.button.disabled = True
        row.feedback.value = body
        self._done[key] = body
        return body

    def __repr__(self) -> str:
        return f"Review({str(self.folder)!r}, {self.today}, {len(self.session)} due)"


def _in_days(today: str, when: str) -> str:
    days = (dt.date.fromisoformat(when) - dt.date.fromisoformat(today)).days
    return f"in {days} day{'s' if days != 1 else ''}"
