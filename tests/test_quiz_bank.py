"""Question banks: every validation rule, and `python -m immunocourse quiz check/build`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from immunocourse.__main__ import main as immunocourse_main
from immunocourse.quiz.bank import (
    BANKS_DIR,
    BankError,
    find_bank,
    iter_banks,
    load_bank,
    validate_file,
    validate_paths,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "banks"
INVALID = sorted((DATA / "invalid").glob("*.yml"))


def expectation(path: Path) -> str:
    """Each invalid fixture names its one expected problem on its first line."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*")}


def test_course_banks_are_valid_and_mix_all_types():
    banks = iter_banks()
    assert [b.id for b in banks] == sorted(b.id for b in banks)
    bank = load_bank(BANKS_DIR / "immune-system.yml")
    assert len(bank.questions) >= 8
    assert {q.type for q in bank.questions} == {"single", "multiple", "truefalse", "numeric"}
    q = bank.question("which-cells-make-antibodies")
    assert q.answer in q.options and q.points == 1 and q.line is not None


def test_valid_fixture_loads_with_defaults_and_computed_keys():
    bank = load_bank(DATA / "valid" / "small-quiz.yml")
    by_id = {q.id: q for q in bank.questions}
    assert by_id["pick-one"].points == 1.0 and by_id["pick-one"].tolerance == 0.0
    # answer_from resolved at load time
    assert by_id["pick-many"].answer == ("Neutrophils", "Eosinophils", "Basophils")
    assert by_id["a-number"].answer == -35.0 and by_id["a-number"].tolerance == 0.5
    assert by_id["true-or-false"].answer is True and by_id["true-or-false"].options is None
    # options are the text written in the file, not YAML booleans or numbers
    assert by_id["yes-no-text"].options == ("Yes", "No", "1")
    assert by_id["yes-no-text"].answer == "1"
    assert by_id["pick-one"].line == 5


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_each_invalid_bank_gives_its_one_line_problem(path: Path):
    problems = validate_file(path)
    assert problems == [problems[0]] and "\n" not in problems[0]
    assert problems[0].startswith(f"{path}{expectation(path)}"), problems[0]
    with pytest.raises(BankError) as info:
        load_bank(path)
    assert info.value.problems == problems


def test_many_problems_in_one_file_are_all_reported_in_line_order(tmp_path: Path):
    bank = tmp_path / "many.yml"
    bank.write_text(
        "id: many\ntitle: Many problems\nquestions:\n"
        "  - id: a\n    type: single\n    prompt: P\n    options: [x, y]\n    answer: z\n"
        "    explanation: E\n"
        "  - id: b\n    type: numeric\n    prompt: P\n    answer: 1\n    points: -1\n",
        encoding="utf-8",
    )
    assert validate_file(bank) == [
        f"{bank}:8: question 'a' field 'answer': 'z' is not one of the options",
        f"{bank}:10: question 'b' field 'explanation': missing",
        f"{bank}:14: question 'b' field 'points': must be greater than 0, not -1",
    ]


def test_duplicate_yaml_keys_are_reported(tmp_path: Path):
    bank = tmp_path / "dup-key.yml"
    bank.write_text("id: dup-key\ntitle: T\ntitle: U\nquestions:\n"
                    "  - {id: q, type: truefalse, prompt: P, answer: true, explanation: E}\n")
    assert validate_file(bank) == [f"{bank}:3: field 'title': appears twice"]


def test_unreadable_and_missing_files_are_problems_not_crashes(tmp_path: Path):
    binary = tmp_path / "binary.yml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert validate_file(binary)[0].startswith(f"{binary}: cannot read")
    assert validate_file(tmp_path / "nope.yml") == [f"{tmp_path / 'nope.yml'}: no such file"]


def test_duplicate_quiz_ids_across_folders():
    problems = validate_paths([DATA / "dup-a", DATA / "dup-b"])
    assert problems == [
        f"{DATA / 'dup-b' / 'twin.yml'}:1: field 'id': quiz id 'twin' is also used by "
        f"{DATA / 'dup-a' / 'twin.yml'}"
    ]


def test_find_bank():
    assert find_bank("immune-system") == BANKS_DIR / "immune-system.yml"
    with pytest.raises(FileNotFoundError, match="no question bank 'nope'"):
        find_bank("nope")
    with pytest.raises(FileNotFoundError):
        find_bank("../banks/immune-system")  # not a slug: never a path outside the folder


# -- command line ----------------------------------------------------------------------


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "immunocourse", "quiz", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def test_cli_check_valid_banks_exit_0():
    proc = run_cli("check", "quizzes/banks", str(DATA / "valid" / "small-quiz.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK" in proc.stdout


def test_cli_check_invalid_folder_one_line_per_problem_no_traceback_writes_nothing():
    before = tree_state(DATA)
    proc = run_cli("check", str(DATA / "invalid"), "no/such/bank.yml")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == len(INVALID) + 1
    for path in INVALID:
        assert [line for line in lines if line.startswith(f"{path}:")] == [
            line for line in lines if line.startswith(f"{path}{expectation(path)}")
        ], path
    assert "no/such/bank.yml: no such file or folder" in lines
    assert "Traceback" not in proc.stdout + proc.stderr
    assert tree_state(DATA) == before


def test_cli_check_empty_folder_and_usage_errors(tmp_path: Path, capsys):
    assert immunocourse_main(["quiz", "check", str(tmp_path)]) == 1
    assert f"{tmp_path}: no .yml bank files in this folder" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        immunocourse_main(["quiz", "frobnicate"])
    assert info.value.code == 2


def test_cli_build_writes_source_notebooks_atomically(tmp_path: Path):
    out = tmp_path / "source"
    proc = run_cli("build", "--banks", str(DATA / "valid"), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    notebook = out / "small-quiz" / "small-quiz.ipynb"
    assert proc.stdout.strip() == f"wrote {notebook}"
    assert sorted(p.name for p in out.rglob("*")) == ["small-quiz", "small-quiz.ipynb"]


def test_cli_build_with_an_invalid_bank_writes_nothing(tmp_path: Path):
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "small-quiz.yml").write_text((DATA / "valid" / "small-quiz.yml").read_text())
    (banks / "zero-points.yml").write_text((DATA / "invalid" / "zero-points.yml").read_text())
    out = tmp_path / "source"
    proc = run_cli("build", "--banks", str(banks), "--out", str(out))
    assert proc.returncode == 1
    assert f"{banks / 'zero-points.yml'}:9: question 'q1' field 'points'" in proc.stderr
    assert proc.stderr.splitlines()[-1] == "quiz build: nothing written"
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_cli_grade_without_a_released_quiz_says_what_to_run(tmp_path: Path, capsys):
    assert immunocourse_main(["quiz", "grade", "immune-system", "--course", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "run `nbgrader generate_assignment immune-system`" in err
    assert list(tmp_path.iterdir()) == []


def test_course_question_ids_are_unique_across_banks(capsys):
    # lesson notebooks share notebooks/answers.json, keyed by question id
    assert immunocourse_main(["quiz", "check"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_check_warns_but_passes_when_banks_share_a_question_id(capsys):
    assert immunocourse_main(["quiz", "check", str(DATA / "dup-a"), str(DATA / "valid")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"warning: {DATA / 'valid' / 'small-quiz.yml'}:5: question 'pick-one' field 'id': "
        f"also used in {DATA / 'dup-a' / 'twin.yml'} (quizzes whose notebooks share a "
        "folder share answers.json)"
    )
    assert len(err) == 5


def test_a_description_that_counts_its_questions_counts_them_right():
    """"Ten questions on ..." is typed by hand: adding a question must not leave it stale."""
    import re

    import yaml

    from immunocourse.quiz.bank import BANKS_DIR

    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen", "twenty"]
    for path in sorted(BANKS_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text())
        said = re.match(r"(\w+) questions", data.get("description", ""))
        if said:
            assert said.group(1).lower() == words[len(data["questions"])], path.name
