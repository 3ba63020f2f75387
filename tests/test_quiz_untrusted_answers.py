"""answers.json as untrusted data: what the reader refuses, and the notes a student reads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from immunocourse.grading.cells import REFUSED_FILE, load_submission, submission_notes
from immunocourse.quiz.answers import (
    MAX_ANSWERS_BYTES,
    AnswersError,
    read_answers,
    write_answers,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "answers.json").write_text('{"q1": "right"}')
    (tmp_path / "sub").mkdir()
    return tmp_path / "sub"


def _refused(path: Path) -> str:
    with pytest.raises(AnswersError) as info:
        read_answers(path)
    return str(info.value)


def test_a_link_is_never_followed(folder: Path):
    (folder / "answers.json").symlink_to(folder.parent / "outside" / "answers.json")
    assert "is a symbolic link" in _refused(folder / "answers.json")


def test_a_fifo_is_refused_without_blocking(folder: Path):
    os.mkfifo(folder / "answers.json")  # opening it for reading would block forever
    assert "named pipe (FIFO)" in _refused(folder / "answers.json")


def test_a_folder_and_a_device_are_refused(folder: Path):
    (folder / "answers.json").mkdir()
    assert "is a folder" in _refused(folder / "answers.json")
    assert "is a device" in _refused(Path("/dev/null"))


def test_size_limit_is_exact(folder: Path):
    path = folder / "answers.json"
    body = '{"q": "'
    path.write_text(body + "x" * (MAX_ANSWERS_BYTES - len(body) - 2) + '"}')
    assert path.stat().st_size == MAX_ANSWERS_BYTES
    assert set(read_answers(path)) == {"q"}
    path.write_text(body + "x" * (MAX_ANSWERS_BYTES - len(body) - 1) + '"}')
    assert "at most 1,000,000 bytes" in _refused(path)


@pytest.mark.parametrize(("raw", "reason"), [
    (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    (b'{"q": ' + b"[" * 40 + b"]" * 40 + b"}", "nested more than 16 levels"),
    (b'{"q": "caf\xe9"}', "not UTF-8"),
    (b'{"q": ' + b"9" * 5000 + b"}", "not usable JSON"),
    (b'["q1"]', "must hold a JSON object"),
    (b'{"q": ', "not valid JSON"),
])
def test_bad_content_is_refused_with_a_reason(folder: Path, raw: bytes, reason: str):
    (folder / "answers.json").write_bytes(raw)
    assert reason in _refused(folder / "answers.json")


def test_notes_name_refusals_and_unknown_questions(folder: Path):
    path = folder / "answers.json"
    assert submission_notes(path, ["q1"]) == [
        "No answers.json was submitted, so none of your answers could be read and every "
        "question scores 0. The quiz saves your answers in that file: submit the whole "
        "folder next time."]
    # the grading copy left a link out and said why
    (folder / REFUSED_FILE).write_text(json.dumps({"answers.json": "is a symbolic link"}))
    assert load_submission(path) == (
        None, "your answers.json is a symbolic link, so it was not read")
    write_answers(path, {"q1": "a", "zz-unknown": 1, "aa-unknown": 2})
    assert submission_notes(path, ["q1", "q2"]) == [
        "Your answers.json has answers for question ids that are not in this quiz, so they "
        "were ignored: 'aa-unknown', 'zz-unknown'."]
    write_answers(path, {"q1": "a"})
    assert submission_notes(path, ["q1", "q2"]) == []
