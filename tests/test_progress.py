"""Progress from a student's saved answers: lesson status, score and mastery per objective."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from immunocourse.content.objectives import for_lesson
from immunocourse.quiz.progress import (
    MET,
    course_banks,
    course_lessons,
    course_progress,
    lesson_progress,
    problems_in,
    progress_html,
)
from tests.helpers.paths import ROOT


@pytest.fixture(scope="module")
def course():
    lessons = course_lessons()
    return lessons, course_banks(lessons)


def right(q):
    return list(q.answer) if isinstance(q.answer, tuple) else q.answer


def wrong(q):
    if q.type == "truefalse":
        return not q.answer
    if q.type == "numeric":
        return float(q.answer) + 10 * (q.tolerance + 1)
    if q.type == "single":
        return next(o for o in q.options if o != q.answer)
    return [o for o in q.options if o not in q.answer][:1] or []


def test_the_lessons_are_the_books_pages_in_order(course) -> None:
    lessons, banks = course
    assert [lesson.number for lesson in lessons] == list(range(1, 14))
    for lesson in lessons:
        assert (ROOT / f"{lesson.page}.md").is_file()
        assert (ROOT / "notebooks" / lesson.notebook).is_file()
        assert banks[lesson.quiz_id].id == lesson.quiz_id
    assert lessons[0].title == "Welcome" and lessons[6].quiz_id == "measuring-response"


def test_status_score_and_mastery_follow_the_answers(course) -> None:
    lessons, banks = course
    lesson = next(x for x in lessons if x.quiz_id == "side-effects")
    bank = banks[lesson.quiz_id]
    none = lesson_progress(lesson, bank, {})
    assert (none.status, none.answered, none.earned) == ("not started", 0, 0.0)
    assert {o.status for o in none.objectives} == {"not started"}

    everything = lesson_progress(lesson, bank, {q.id: right(q) for q in bank.questions})
    assert everything.status == "finished" and everything.earned == everything.possible
    assert {o.status for o in everything.objectives} == {"met"}
    assessed = {o for q in bank.questions for o in q.objectives}
    assert [o.id for o in everything.objectives] == [
        o.id for o in for_lesson(lesson.quiz_id) if o.id in assessed]

    first, *rest = bank.questions
    one_wrong = {q.id: right(q) for q in rest} | {first.id: wrong(first)}
    row = lesson_progress(lesson, bank, one_wrong)
    assert row.status == "finished" and row.earned == row.possible - first.points
    for o in row.objectives:
        assessing = [q for q in bank.questions if o.id in q.objectives]
        possible = sum(q.points for q in assessing)
        earned = possible - (first.points if first in assessing else 0)
        assert (o.earned, o.possible, o.answered, o.questions) == (
            earned, possible, len(assessing), len(assessing))
        assert o.status == ("met" if earned / possible >= MET else "not yet")
    assert any(o.status == "not yet" for o in row.objectives)

    half = lesson_progress(lesson, bank, {q.id: right(q) for q in rest[:3]})
    assert half.status == "started" and half.answered == 3
    # every answer right, but not every question answered: not yet met
    partly = [o for o in half.objectives if 0 < o.answered < o.questions]
    assert partly and all(o.status == "not yet" for o in partly)


def test_an_objective_is_met_only_once_every_question_on_it_is_answered(course) -> None:
    lessons, banks = course
    lesson = next(x for x in lessons if x.quiz_id == "side-effects")
    bank = banks[lesson.quiz_id]
    # a heavy question: right on it alone is over 80 % of the objective's points
    heavy = next(q for q in bank.questions
                 if any(sum(o in p.objectives for p in bank.questions) > 1 for o in q.objectives))
    weighted = replace(bank, questions=tuple(
        replace(q, points=100.0) if q is heavy else q for q in bank.questions))
    row = lesson_progress(lesson, weighted, {heavy.id: right(heavy)})
    shared = [o for o in row.objectives if o.questions > 1 and o.answered == 1]
    assert shared and all(o.share >= MET and o.status == "not yet" for o in shared)


def test_a_saved_value_the_question_cannot_take_counts_as_not_answered(course) -> None:
    lessons, banks = course
    lesson = lessons[0]
    bank = banks[lesson.quiz_id]
    bad = {}
    for q in bank.questions:
        bad[q.id] = {"single": "an option that is gone", "truefalse": "yes",
                     "numeric": "12", "multiple": "not a list"}[q.type]
    row = lesson_progress(lesson, bank, bad)
    assert (row.status, row.answered, row.earned) == ("not started", 0, 0.0)
    lines = problems_in({bank.id: bank}, bad)
    assert len(lines) == len(bank.questions)
    assert all(line.count("\n") == 0 and "was not used" in line for line in lines)
    assert problems_in(banks, {q.id: right(q) for q in bank.questions}) == []


def test_the_table_links_each_lesson_and_reads_in_words(course) -> None:
    lessons, banks = course
    answers = {q.id: right(q) for q in banks["welcome"].questions}
    rows = course_progress(answers)
    soup = BeautifulSoup(progress_html(rows), "html.parser")
    table = soup.find("table")
    assert table.caption.get_text() == "Your progress, lesson by lesson"
    body = table.tbody.find_all("tr")
    assert len(body) == len(lessons)
    links = [tr.th.a["href"] for tr in body]
    assert links == [lesson.notebook for lesson in lessons]
    assert "finished (8 of 8)" in body[0].get_text(" ")
    assert "not started (0 of 11)" in body[1].get_text(" ")
    assert "met" in body[0].get_text(" ") and "–" in body[1].get_text(" ")
    book = BeautifulSoup(progress_html(rows, link="book"), "html.parser")
    assert [tr.th.a["href"] for tr in book.tbody.find_all("tr")][:2] == [
        "index.html", "02-immune-system.html"]  # beside the progress page in book/
