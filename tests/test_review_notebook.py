"""The notebooks' progress table and spaced review, driven from Python over a scratch folder.

The Review's clock is injected, so a test moves it by days; the course's own banks are used,
as the notebooks use them. What a student would check: which questions come back and when,
what the progress table says, and that a broken or tampered file costs only its broken part
and never the quiz answers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from immunocourse.quiz import review, study
from immunocourse.quiz.model import Question
from immunocourse.quiz.progress import progress_report
from immunocourse.quiz.review_widget import Review

QUESTIONS = study.course_questions()
ORDER = list(QUESTIONS)
D0 = dt.date(2026, 12, 7)


def right(q: Question) -> Any:
    return list(q.answer) if q.type == "multiple" else q.answer


def wrong(q: Question) -> Any:
    if q.type == "truefalse":
        return not q.answer
    if q.type == "numeric":
        return float(q.answer) + 1000 + 10 * q.tolerance
    if q.type == "multiple":
        return [o for o in q.options if o not in q.answer][:1]
    return next(o for o in q.options if o != q.answer)


def qid(key: str) -> str:
    return key.split("/", 1)[1]


def clock(days: int = 0):
    return lambda: D0 + dt.timedelta(days=days)


def iso(days: int = 0) -> str:
    return (D0 + dt.timedelta(days=days)).isoformat()


def write(folder: Path, name: str, data: Any) -> None:
    (folder / name).write_text(json.dumps(data))


def state(folder: Path) -> dict:
    return json.loads((folder / "review.json").read_text())["cards"]


WRONG, RIGHT = ORDER[0], ORDER[1]  # welcome: a true/false and a single-choice question


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("IMMUNOCOURSE_TODAY", raising=False)
    write(tmp_path, "answers.json", {qid(WRONG): wrong(QUESTIONS[WRONG].question),
                                     qid(RIGHT): right(QUESTIONS[RIGHT].question)})
    return tmp_path


# -- the schedule, as a student meets it ---------------------------------------------------


def test_a_wrong_quiz_answer_is_due_today_and_a_right_one_in_two_days(folder: Path):
    today = Review(folder, clock())
    assert today.session == [WRONG]
    assert state(folder) == {WRONG: {"box": 1, "due": iso()}, RIGHT: {"box": 2, "due": iso(2)}}
    assert Review(folder, clock(1)).session == [WRONG]  # not answered yet: still due
    assert Review(folder, clock(2)).session == [WRONG, RIGHT]


def test_answering_moves_the_card_and_says_when_it_comes_back(folder: Path):
    session = Review(folder, clock())
    session.answer(WRONG, right(QUESTIONS[WRONG].question))
    feedback = session.check(WRONG)
    assert "Right" in feedback and QUESTIONS[WRONG].question.explanation[:30] in feedback
    assert f"Next review in 2 days ({iso(2)})" in feedback
    assert state(folder)[WRONG] == {"box": 2, "due": iso(2)}
    row = session._build()[WRONG]
    assert row.input.disabled and row.button.disabled  # answered once per session
    assert Review(folder, clock(1)).session == []
    later = Review(folder, clock(2))
    assert later.session == [WRONG, RIGHT]
    later.answer(WRONG, right(QUESTIONS[WRONG].question))
    assert f"Next review in 4 days ({iso(6)})" in later.check(WRONG)
    later.answer(RIGHT, wrong(QUESTIONS[RIGHT].question))
    assert "Not right" in (missed := later.check(RIGHT))
    assert f"Next review in 1 day ({iso(3)})" in missed
    assert state(folder) == {WRONG: {"box": 3, "due": iso(6)}, RIGHT: {"box": 1, "due": iso(3)}}
    assert sorted(p.name for p in folder.iterdir()) == ["answers.json", "review.json"]


def test_a_right_answer_in_the_last_box_passes_the_question(folder: Path):
    write(folder, "review.json", {"format": 1, "cards": {WRONG: {"box": 5, "due": iso()}}})
    session = Review(folder, clock())
    session.answer(WRONG, right(QUESTIONS[WRONG].question))
    assert "Passed: this question leaves the review" in session.check(WRONG)
    assert state(folder)[WRONG] == {"box": review.PASSED, "due": iso()}
    assert WRONG not in Review(folder, clock(100)).session


def test_check_without_an_answer_asks_for_one_and_moves_nothing(folder: Path):
    session = Review(folder, clock())
    assert "Answer the question first" in session.check(WRONG)
    assert state(folder)[WRONG] == {"box": 1, "due": iso()}
    assert not session._build()[WRONG].button.disabled


def test_a_session_asks_at_most_ten_longest_overdue_then_in_course_order(tmp_path: Path):
    missed = ORDER[3:18]  # 15 questions missed across two lessons
    answers = {qid(k): wrong(QUESTIONS[k].question) for k in reversed(missed)}
    write(tmp_path, "answers.json", answers)
    cards = {ORDER[40]: {"box": 3, "due": iso(-5)}}  # the longest overdue comes first
    write(tmp_path, "review.json", {"format": 1, "cards": cards})
    session = Review(tmp_path, clock())
    assert session.session == [ORDER[40]] + missed[:9]
    assert len(session._build()) == 10


def test_the_review_never_touches_answers_json(folder: Path):
    before = (folder / "answers.json").read_bytes()
    mtime = (folder / "answers.json").stat().st_mtime_ns
    session = Review(folder, clock())
    session.answer(WRONG, right(QUESTIONS[WRONG].question))
    session.check(WRONG)
    Review(folder, clock(2)).check(WRONG)
    assert (folder / "answers.json").read_bytes() == before
    assert (folder / "answers.json").stat().st_mtime_ns == mtime


def test_a_failed_save_keeps_the_previous_review_json_and_says_so(folder: Path, monkeypatch):
    session = Review(folder, clock())
    before = (folder / "review.json").read_bytes()

    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    session.answer(WRONG, right(QUESTIONS[WRONG].question))
    feedback = session.check(WRONG)
    assert "could not save" in feedback and "No space left" in feedback
    assert (folder / "review.json").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["answers.json", "review.json"]


def test_the_clock_is_the_immunocourse_today_setting_read_at_each_session(folder: Path,
                                                                          monkeypatch):
    monkeypatch.setenv("IMMUNOCOURSE_TODAY", iso())
    assert Review(folder).today == iso()
    monkeypatch.setenv("IMMUNOCOURSE_TODAY", iso(2))
    assert Review(folder).session == [WRONG, RIGHT]


def test_a_mistyped_today_setting_is_one_line_and_the_review_goes_on(folder: Path,
                                                                       monkeypatch):
    monkeypatch.setenv("IMMUNOCOURSE_TODAY", "7/12/2026")
    session = Review(folder)
    assert session.today == dt.date.today().isoformat()
    assert session.problems == ["IMMUNOCOURSE_TODAY='7/12/2026': must be a date written "
                                "YYYY-MM-DD, such as 2026-12-07; the review uses the "
                                "computer's date"]


def test_nothing_due_says_when_the_next_question_is(folder: Path):
    session = Review(folder, clock())
    session.answer(WRONG, right(QUESTIONS[WRONG].question))
    session.check(WRONG)
    header = Review(folder, clock(1))._header()
    assert "Nothing is due today" in header and f"due on {iso(2)} (in 1 day)" in header


def test_an_empty_review_says_how_it_fills(tmp_path: Path):
    header = Review(tmp_path, clock())._header()
    assert "Nothing is due today" in header and "fills as you answer" in header
    assert not (tmp_path / "answers.json").exists()


def test_every_control_has_a_name(tmp_path: Path):
    kinds = {}
    for k in ORDER:  # one question of each type
        kinds.setdefault(QUESTIONS[k].question.type, k)
    write(tmp_path, "answers.json",
          {qid(k): wrong(QUESTIONS[k].question) for k in kinds.values()})
    rows = Review(tmp_path, clock())._build()
    assert {r.item.question.type for r in rows.values()} == set(kinds)
    for row in rows.values():
        assert all(w.description.strip() for w in row.boxes or [row.input])
        assert row.button.description == "Check" and row.button.tooltip


# -- a broken or tampered review.json -------------------------------------------------------


def test_review_json_that_is_not_json_is_moved_aside_and_the_review_starts_afresh(
        folder: Path):
    broken = b'{"format": 1, "cards": {'
    (folder / "review.json").write_bytes(broken)
    session = Review(folder, clock())
    backups = list(folder.glob("review.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == broken
    assert len(session.problems) == 1 and "not valid JSON" in session.problems[0]
    assert "\n" not in session.problems[0] and backups[0].name in session.problems[0]
    assert session.session == [WRONG]  # rebuilt from the quiz answers
    assert state(folder) == {WRONG: {"box": 1, "due": iso()}, RIGHT: {"box": 2, "due": iso(2)}}


def test_broken_cards_are_reset_and_the_rest_kept(folder: Path):
    good = {ORDER[20]: {"box": 4, "due": iso(3)}}
    write(folder, "review.json", {"format": 1, "cards": {
        **good,
        RIGHT: {"box": "2", "due": iso()},  # wrong type
        "no-such-quiz/no-such-question": {"box": 1, "due": iso()},  # unknown id
        WRONG: {"box": 2, "due": "2099-01-01"},  # a date far ahead
    }})
    session = Review(folder, clock())
    assert len(session.problems) == 3 and all("reset" in p for p in session.problems)
    assert state(folder) == {**good, WRONG: {"box": 1, "due": iso()},
                             RIGHT: {"box": 2, "due": iso(2)}}
    assert "Review for" in session._header() and session.problems[0] in session._header()


def test_a_huge_review_json_is_moved_aside(folder: Path):
    (folder / "review.json").write_text(" " * 1_000_001 + "{}")
    session = Review(folder, clock())
    assert len(session.problems) == 1 and "at most 1,000,000 bytes" in session.problems[0]
    assert len(list(folder.glob("review.json.bak-*"))) == 1
    assert session.session == [WRONG]


def test_a_review_json_symlink_is_never_followed(folder: Path, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "secret.json"
    elsewhere.write_text('{"format": 1, "cards": {}}')
    (folder / "review.json").symlink_to(elsewhere)
    session = Review(folder, clock())
    assert len(session.problems) == 1 and "symbolic link" in session.problems[0]
    assert elsewhere.read_text() == '{"format": 1, "cards": {}}'
    assert not (folder / "review.json").is_symlink() and state(folder)[WRONG]["box"] == 1


def test_the_lesson_quiz_check_enters_the_question_in_review_json(tmp_path: Path, monkeypatch):
    from immunocourse.quiz import Quiz

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("IMMUNOCOURSE_TODAY", iso())
    quiz = Quiz("welcome", answers_path=tmp_path / "answers.json")
    quiz.answer(qid(WRONG), wrong(QUESTIONS[WRONG].question))
    assert not (tmp_path / "review.json").exists()  # answered, not yet checked
    quiz.check(qid(WRONG))
    quiz.answer(qid(RIGHT), right(QUESTIONS[RIGHT].question))
    quiz.check(qid(RIGHT))
    assert state(tmp_path) == {WRONG: {"box": 1, "due": iso()}, RIGHT: {"box": 2, "due": iso(2)}}
    # checking again later, even with another answer, never moves a card that exists
    quiz.answer(qid(WRONG), right(QUESTIONS[WRONG].question))
    quiz.check(qid(WRONG))
    assert state(tmp_path)[WRONG] == {"box": 1, "due": iso()}


def test_a_broken_review_json_never_fails_the_lesson_quiz(tmp_path: Path, monkeypatch):
    from immunocourse.quiz import Quiz

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    (tmp_path / "review.json").mkdir()  # cannot be read or replaced
    quiz = Quiz("welcome", answers_path=tmp_path / "answers.json")
    quiz.answer(qid(RIGHT), right(QUESTIONS[RIGHT].question))
    with pytest.warns(UserWarning, match="review.json"):
        assert "Right" in quiz.check(qid(RIGHT))
    monkeypatch.setenv("IMMUNOCOURSE_TODAY", "soon")
    with pytest.warns(UserWarning, match="IMMUNOCOURSE_TODAY"):
        assert "Right" in quiz.check(qid(RIGHT))


def test_no_review_while_nbgrader_runs(tmp_path: Path, monkeypatch):
    from immunocourse.quiz import Quiz

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    quiz = Quiz("welcome", answers_path=tmp_path / "answers.json")
    quiz.answer(qid(RIGHT), right(QUESTIONS[RIGHT].question))
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    quiz.check(qid(RIGHT))
    assert not (tmp_path / "review.json").exists()


# -- the progress table ---------------------------------------------------------------------


def table(folder: Path) -> tuple[BeautifulSoup, list[str]]:
    page = BeautifulSoup(progress_report(folder), "html.parser")
    return page, [p.get_text() for p in page.select(".immunocourse-progress-problem")]


def test_progress_from_known_answers(tmp_path: Path):
    welcome = [k for k in ORDER if k.startswith("welcome/")]
    answers = {qid(k): right(QUESTIONS[k].question) for k in welcome}
    answers[qid(welcome[0])] = wrong(QUESTIONS[welcome[0]].question)
    answers[qid(ORDER[len(welcome)])] = right(QUESTIONS[ORDER[len(welcome)]].question)
    write(tmp_path, "answers.json", answers)
    page, problems = table(tmp_path)
    assert problems == []
    rows = page.select("tbody tr")
    assert len(rows) == len({item.lesson.quiz_id for item in QUESTIONS.values()})
    first, second, third = rows[:3]
    assert first.th.a["href"] == "01-welcome.ipynb" and first.th.get_text().startswith("1. ")
    assert second.th.a["href"] == "02-immune-system.ipynb"
    cells = [td.get_text() for td in first.select("td")]
    total = sum(QUESTIONS[k].question.points for k in welcome)
    lost = QUESTIONS[welcome[0]].question.points
    assert cells[0] == f"finished ({len(welcome)} of {len(welcome)})"
    assert cells[1] == f"{total - lost:g} / {total:g}"
    statuses = {li["data-objective"]: li.strong.get_text() for li in first.select("li")}
    wrong_objectives = set(QUESTIONS[welcome[0]].question.objectives)
    assert statuses == {o: ("not yet" if o in wrong_objectives else "met") for o in statuses}
    assert second.select("td")[0].get_text().startswith("started (1 of ")
    assert "not started" in {li.strong.get_text() for li in second.select("li")}
    assert third.select("td")[0].get_text().startswith("not started (0 of ")
    assert third.select("td")[1].get_text() == "–"


def test_progress_without_answers_says_so(tmp_path: Path):
    page, problems = table(tmp_path)
    assert len(problems) == 1 and problems[0].startswith("No answers saved yet")
    assert all(td.get_text().startswith("not started")
               for td in page.select("tbody td:nth-of-type(1)"))
    assert not (tmp_path / "answers.json").exists()


def test_progress_with_corrupt_answers_says_which_and_leaves_the_file(tmp_path: Path):
    broken = b'{"not-medical-advice": false,'
    (tmp_path / "answers.json").write_bytes(broken)
    page, problems = table(tmp_path)
    assert len(problems) == 1
    assert str(tmp_path / "answers.json") in problems[0] and "not valid JSON" in problems[0]
    assert "moves it aside" in problems[0]
    assert all(td.get_text().startswith("not started")
               for td in page.select("tbody td:nth-of-type(1)"))
    assert (tmp_path / "answers.json").read_bytes() == broken
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]
    # the review carries on too, without touching it
    session = Review(tmp_path, clock())
    assert any("answers.json" in p for p in session.problems)
    assert (tmp_path / "answers.json").read_bytes() == broken


def test_progress_names_each_unusable_saved_value(tmp_path: Path):
    write(tmp_path, "answers.json", {qid(RIGHT): "an option that is gone",
                                     qid(WRONG): wrong(QUESTIONS[WRONG].question)})
    page, problems = table(tmp_path)
    assert len(problems) == 1 and f"'{qid(RIGHT)}'" in problems[0]
    assert page.select("tbody tr")[0].select("td")[0].get_text().startswith("started (1 of")
