"""Which questions assess which learning objective: the course's alignment.

The objectives are :mod:`immunocourse.content.objectives`; a question names the ones it
assesses in its bank (``objectives: [...]``). :func:`alignment` maps every objective to its
questions, :func:`unassessed` lists those no question assesses and that do not say why
(the strict book build warns on each, :mod:`immunocourse.book.ext.objectives`), and
:func:`alignment_html` is the table on the instructors' page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from immunocourse.content.objectives import LESSONS, OBJECTIVES, Objective
from immunocourse.quiz.bank import Bank


@dataclass(frozen=True)
class Assessment:
    """One question that assesses an objective."""

    quiz: str
    question: str
    number: int  # its position in its quiz, from 1
    points: float


def alignment(banks: Iterable[Bank]) -> dict[str, tuple[Assessment, ...]]:
    """Objective id -> the questions that assess it (bank order), for every course objective.

    A bank's questions without objectives add nothing; objectives are in course order.
    """
    found: dict[str, list[Assessment]] = {oid: [] for oid in OBJECTIVES}
    for bank in banks:
        for number, q in enumerate(bank.questions, start=1):
            for oid in getattr(q, "objectives", ()):
                found.setdefault(oid, []).append(Assessment(bank.id, q.id, number, q.points))
    return {oid: tuple(qs) for oid, qs in found.items()}


def unassessed(banks: Iterable[Bank], lessons: Iterable[str] | None = None) -> list[Objective]:
    """Objectives (of ``lessons``, default all) that no question assesses and that give no
    ``not_assessed`` reason."""
    wanted = set(LESSONS if lessons is None else lessons)
    table = alignment(banks)
    return [o for o in OBJECTIVES.values()
            if o.lesson in wanted and not table[o.id] and not o.not_assessed]


def alignment_html(banks: Iterable[Bank], pages: dict[str, str] | None = None) -> str:
    """The alignment as an HTML table: one row per objective, grouped by lesson.

    ``pages`` maps a quiz id to its page's URL (relative to where the table is shown), so
    each objective links to its place in the lesson's list.
    """
    banks = list(banks)
    titles = {bank.id: bank.title for bank in banks}
    table = alignment(banks)
    groups = []
    for lesson in LESSONS:
        objectives = [o for o in OBJECTIVES.values() if o.lesson == lesson]
        title = html.escape(titles.get(lesson, lesson))
        rows = [f"<tr><th scope='rowgroup' colspan='3'>{title} "
                f"(<code>{html.escape(lesson)}</code>)</th></tr>"]
        for o in objectives:
            ident = f"<code>{html.escape(o.id)}</code>"
            if pages and lesson in pages:
                href = f"{pages[lesson]}#{html.escape(anchor(o.id))}"
                ident = f"<a href='{href}'>{ident}</a>"
            assessed = table[o.id]
            if assessed:
                questions = ", ".join(
                    f"<code>{html.escape(a.question)}</code>"
                    + ("" if a.quiz == lesson else f" ({html.escape(a.quiz)})")
                    for a in assessed)
            elif o.not_assessed:
                questions = f"<em>Not in a quiz:</em> {html.escape(o.not_assessed)}"
            else:
                questions = "<strong>No question</strong>"
            rows.append(f"<tr><td>{ident}</td><td>{html.escape(o.text)}</td>"
                        f"<td>{questions}</td></tr>")
        groups.append(f"<tbody>{''.join(rows)}</tbody>")
    return (
        "<table class='table objective-alignment'><caption>Learning objectives and the quiz "
        "questions that assess them</caption><thead><tr><th scope='col'>Objective</th>"
        "<th scope='col'>The student can</th><th scope='col'>Questions</th></tr></thead>"
        f"{''.join(groups)}</table>"
    )


def anchor(objective_id: str) -> str:
    """The HTML id of an objective's item in its page's list."""
    return "objective-" + objective_id.replace("/", "-")
