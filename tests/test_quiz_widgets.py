"""Notebook quiz widgets: answers.json saved atomically, restored, never lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from immunocourse.quiz import Quiz
from immunocourse.quiz.bank import load_bank

BANKS = Path(__file__).parent / "data" / "banks" / "valid"
BANK = load_bank(BANKS / "small-quiz.yml")


@pytest.fixture
def make_quiz(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def make(mode: str = "self-check") -> Quiz:
        return Quiz("small-quiz", mode=mode, banks_dir=BANKS,
                    answers_path=tmp_path / "answers.json")

    return make


def saved(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "answers.json").read_text())


def test_every_change_saves_answers_json_in_bank_form(make_quiz, tmp_path: Path):
    quiz = make_quiz()
    rows = quiz._build()
    rows["pick-one"].input.value = "T cells"  # what a click on the radio button does
    assert saved(tmp_path) == {"pick-one": "T cells"}
    rows["pick-many"].boxes[2].value = True
    rows["pick-many"].boxes[0].value = True
    quiz.answer("true-or-false", False)
    quiz.answer("a-number", -35.2)
    assert saved(tmp_path) == {
        "pick-one": "T cells", "pick-many": ["Neutrophils", "Basophils"],
        "true-or-false": False, "a-number": -35.2,
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]  # no temp files


def test_saved_answers_are_readable_by_collection_tools(make_quiz, tmp_path: Path):
    # nbgrader's exchange and a grader account copy answers.json: with the usual umask 022
    # it must be -rw-r--r--, like any file the student saves (a bare mkstemp gives 0600).
    old = os.umask(0o022)
    try:
        make_quiz().answer("pick-one", "T cells")
        assert (tmp_path / "answers.json").stat().st_mode & 0o777 == 0o644
        os.umask(0o077)  # a student who keeps their files private keeps them private
        make_quiz().answer("pick-one", "B cells")
        assert (tmp_path / "answers.json").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_rerunning_the_cell_restores_the_widgets(make_quiz):
    first = make_quiz("graded")
    first.answer("pick-one", "B cells")
    first.answer("pick-many", ["Eosinophils", "T cells"])
    first.answer("true-or-false", True)
    first.answer("a-number", 12.5)
    rows = make_quiz("graded")._build()
    assert rows["pick-one"].input.value == "B cells"
    assert [b.value for b in rows["pick-many"].boxes] == [False, True, False, True]
    assert rows["true-or-false"].input.value is True
    assert rows["a-number"].input.value == 12.5
    assert rows["yes-no-text"].input.value is None  # unanswered stays unanswered
    assert "Saved" in rows["pick-one"].status.value


def test_a_failed_write_leaves_the_previous_file_whole(make_quiz, tmp_path: Path, monkeypatch):
    quiz = make_quiz()
    quiz.answer("pick-one", "B cells")
    before = (tmp_path / "answers.json").read_bytes()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("immunocourse.quiz.answers.os.replace", crash)
    with pytest.warns(UserWarning, match="could not save .*disk full"):
        quiz.answer("pick-one", "T cells")
    assert (tmp_path / "answers.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]
    assert "disk full" in quiz._build()["pick-one"].status.value  # the student is told


def test_corrupt_answers_json_is_moved_aside_with_a_warning(make_quiz, tmp_path: Path):
    broken = b'{"pick-one": "B cells",'
    (tmp_path / "answers.json").write_bytes(broken)
    with pytest.warns(UserWarning, match=r"answers.json:1: not valid JSON.*kept as answers"):
        quiz = make_quiz()
    backups = list(tmp_path.glob("answers.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == broken
    assert quiz.answers == {}
    quiz.answer("true-or-false", True)
    assert saved(tmp_path) == {"true-or-false": True}
    assert backups[0].read_bytes() == broken


def test_other_entries_and_unreadable_values_are_kept(make_quiz, tmp_path: Path):
    (tmp_path / "answers.json").write_text(json.dumps(
        {"other-quiz-question": "kept", "pick-one": 42, "a-number": 3}))
    quiz = make_quiz()
    rows = quiz._build()
    assert rows["pick-one"].input.value is None
    assert "could not be shown" in rows["pick-one"].status.value
    quiz.answer("true-or-false", False)
    assert saved(tmp_path) == {
        "other-quiz-question": "kept", "pick-one": 42, "a-number": 3, "true-or-false": False,
    }


def test_under_nbgrader_nothing_is_shown_or_written(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    (tmp_path / "answers.json").write_text("{broken")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a))
    quiz = Quiz("small-quiz", mode="graded", banks_dir=BANKS,
                answers_path=tmp_path / "answers.json")
    assert quiz.show() is None and quiz.show("pick-one") is None
    quiz._ipython_display_()
    quiz.answer("pick-one", "B cells")
    assert shown == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]
    assert (tmp_path / "answers.json").read_text() == "{broken"


def test_graded_mode_holds_no_key_and_cannot_check(make_quiz):
    quiz = make_quiz("graded")
    quiz.show()
    assert all(q.answer is None and q.explanation == "" for q in quiz.questions)
    state = repr(vars(quiz)) + "".join(repr(vars(r)) for r in quiz._build().values())
    for q in BANK.questions:
        assert q.explanation not in state
    with pytest.raises(RuntimeError):
        quiz.check("pick-one")
    import ipywidgets

    for row in quiz._build().values():
        assert not any(isinstance(w, ipywidgets.Button) for w in row.box.children)


def test_self_check_gives_verdict_and_explanation(make_quiz):
    quiz = make_quiz()
    assert "Answer the question first" in quiz.check("pick-one")
    quiz.answer("pick-one", "B cells")
    assert "Right" in (html := quiz.check("pick-one")) and "B cells make antibodies" in html
    quiz.answer("pick-many", ["Neutrophils", "T cells"])
    assert "Not right" in quiz.check("pick-many")  # (1 - 1) / 3 = 0
    quiz.answer("pick-many", ["Neutrophils", "Basophils"])
    assert "Partly right: 2 of 3 points" in quiz.check("pick-many")
    quiz.answer("a-number", 0)
    assert "Not right" in quiz.check("a-number")
    # clicking the Check button runs the same check
    row = quiz._build()["true-or-false"]
    quiz.answer("true-or-false", True)
    row.box.children[3].click()
    assert "Right" in row.feedback.value


def test_every_input_has_a_label(make_quiz):
    for row in make_quiz()._build().values():
        inputs = row.boxes or [row.input]
        assert all(w.description.strip() for w in inputs), row.question.id
    button = make_quiz()._build()["pick-one"].box.children[3]
    assert button.description == "Check" and button.tooltip


def test_answer_rejects_values_the_widget_cannot_hold(make_quiz, tmp_path: Path):
    quiz = make_quiz()
    for qid, value in [("pick-one", "Platelets"), ("pick-many", "Neutrophils"),
                       ("true-or-false", "yes"), ("a-number", "3"), ("nope", 1)]:
        with pytest.raises((ValueError, KeyError)):
            quiz.answer(qid, value)
    assert not (tmp_path / "answers.json").exists()


def test_released_notebooks_build_the_quiz_from_public_data_only(tmp_path: Path, monkeypatch):
    from immunocourse.quiz.build import public_data

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    data = public_data(BANK)
    assert "'answer'" not in repr(data) and all(q.explanation not in repr(data)
                                              for q in BANK.questions)
    quiz = Quiz.from_public(data, answers_path=tmp_path / "answers.json")
    assert quiz.mode == "graded" and [q.id for q in quiz.questions] == [
        q.id for q in BANK.questions]
    assert quiz.questions[1].options == BANK.questions[1].options
    quiz.answer("pick-many", ["Neutrophils"])
    assert saved(tmp_path) == {"pick-many": ["Neutrophils"]}
