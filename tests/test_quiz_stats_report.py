"""``quiz stats``: the files, the report page and every fault, on classes graded without
nbgrader (a gradebook filled as autograding leaves it: tests/helpers/gradebook.py).

The numbers are the hand-worked ones of tests/test_quiz_stats.py (class 1: a perfect item,
a second good one, a constant item); the real nbgrader round trip is in
tests/test_quiz_stats_nbgrader.py.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import pytest

from immunocourse.grading import stats_cli, stats_data
from immunocourse.grading.course import course_db_url, nbgrader_env, new_course
from immunocourse.grading.stats_cli import number, run_stats
from immunocourse.quiz.bank import Bank, load_bank
from immunocourse.quiz.stats import CLASS_MEAN, FLAGS
from tests.helpers.gradebook import fill_gradebook, write_graded_answers
from tests.test_quiz_stats import WithObjectives

QUIZ = "handmade"
BANK_YAML = """\
id: handmade
title: A hand-worked class
questions:
""" + "".join(f"""\
  - id: {qid}
    type: single
    prompt: Question **{qid}**?
    options: [A, B, C, D]
    answer: A
    explanation: Because.
""" for qid in ("perfect", "good", "constant"))
# class 1 of test_quiz_stats.py
MARKS = {"ann": {"perfect": 1, "good": 1, "constant": 1},
         "ben": {"perfect": 1, "good": 1, "constant": 1},
         "cat": {"perfect": 0, "good": 1, "constant": 1},
         "dan": {"perfect": 0, "good": 0, "constant": 1}}
ANSWERS = {"ann": {"perfect": "A", "good": "A", "constant": "A"},
           "ben": {"perfect": "A", "good": "A", "constant": "A"},
           "cat": {"perfect": "B", "good": "A", "constant": "A"},
           "dan": {"perfect": "C", "good": "B", "constant": "A"}}
OBJECTIVES = {"perfect": ("handmade/first",), "good": ("handmade/first", "handmade/second")}


def make_course(root: Path, answers: dict | None = None, marks: dict | None = None) -> Path:
    banks = root / "banks-src"
    banks.mkdir(parents=True)
    (banks / f"{QUIZ}.yml").write_text(BANK_YAML, encoding="utf-8")
    course = new_course(root / "course", banks_dir=banks)
    bank = load_bank(course / "banks" / f"{QUIZ}.yml")
    fill_gradebook(course_db_url(course), QUIZ, bank.questions, MARKS if marks is None else marks)
    write_graded_answers(course, QUIZ, ANSWERS if answers is None else answers)
    return course


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("stats"))


def with_objectives(path) -> Bank:
    """The bank as it will load once banks state objectives (issue 20, part 1)."""
    bank = load_bank(path)
    questions = tuple(
        WithObjectives(**{**{f: getattr(q, f) for f in q.__dataclass_fields__},
                          "objectives": OBJECTIVES.get(q.id, ())})
        for q in bank.questions)
    return Bank(bank.id, bank.title, questions, bank.path, bank.description)


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def report_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


# --- the files -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(course: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert run_stats(course, [QUIZ], out=out, quiet=True) == 0
    return out


def test_files_of_a_quiz(reports: Path):
    assert report_files(reports) == [
        f"{QUIZ}.html", f"{QUIZ}.questions.csv", f"{QUIZ}.responses.csv",
        f"{QUIZ}.summary.json", "plotly-cartesian.min.js"]
    assert not [p for p in reports.iterdir() if p.name.endswith(".tmp")]


def test_questions_csv_has_the_issues_columns_and_the_hand_worked_numbers(reports: Path):
    path = reports / f"{QUIZ}.questions.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == ("position,question_id,type,max_points,facility,sd,random_guess_score,"
                      "intended_weight,effective_weight,discrimination_index,"
                      "discriminative_efficiency,flags")
    perfect, good, constant = rows(path)
    root1, root2 = math.sqrt(1 / 2), math.sqrt(5 / 12)
    assert perfect == {
        "position": "1", "question_id": "perfect", "type": "single", "max_points": "1",
        "facility": "50", "sd": number(math.sqrt(1 / 3)), "random_guess_score": "25",
        "intended_weight": "33.3333", "effective_weight": number(100 * root1 / (root1 + root2)),
        "discrimination_index": number(100 * (1 / 6) / math.sqrt(1 / 12)),  # 57.735
        "discriminative_efficiency": "100", "flags": ""}
    assert good["facility"] == "75" and good["sd"] == "0.5"
    # the constant item: empty cells, with the reason in the flags
    assert (constant["discrimination_index"], constant["discriminative_efficiency"]) == ("", "")
    assert constant["flags"] == "too-easy;no-variance"
    assert constant["effective_weight"] == "0"


def test_responses_csv_lists_every_option_and_no_answer(reports: Path):
    path = reports / f"{QUIZ}.responses.csv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == \
        "question_id,response,is_key,count,frequency,partial_credit"
    perfect = [r for r in rows(path) if r["question_id"] == "perfect"]
    assert [(r["response"], r["is_key"], r["count"], r["frequency"], r["partial_credit"])
            for r in perfect] == [
        ("A", "true", "2", "50", "100"), ("B", "false", "1", "25", "0"),
        ("C", "false", "1", "25", "0"), ("D", "false", "0", "0", "0"),
        ("(no answer)", "false", "0", "0", "0")]


def test_summary_json(reports: Path):
    data = json.loads((reports / f"{QUIZ}.summary.json").read_text(encoding="utf-8"))
    for key in ("n", "mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio",
                "standard_error"):
        assert key in data
    assert (data["n"], data["mean"], data["median"]) == (4, 2.25, 2.5)
    p2 = 11 / 4
    k2 = p2 / 3
    assert data["cic"] == pytest.approx(150 * (1 - (1 / 3 + 1 / 4) / k2))
    assert data["answers_unreadable"] == 0 and data["reasons"] == {}


def test_no_objectives_no_objectives_file(reports: Path):
    assert not (reports / f"{QUIZ}.objectives.csv").exists()
    page = (reports / f"{QUIZ}.html").read_text(encoding="utf-8")
    assert "The bank names no objectives" in page


def test_report_page_is_offline(reports: Path):
    page = (reports / f"{QUIZ}.html").read_text(encoding="utf-8")
    assert '<script src="plotly-cartesian.min.js"></script>' in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "Question <strong>perfect</strong>?" in page  # the prompt, as Markdown
    # every chart has its table
    assert page.count('class="chart"') == 2
    assert "Questions at a glance (percentages" in page and "Students per band" in page


# --- objectives ------------------------------------------------------------------------


@pytest.fixture
def objective_bank(monkeypatch):
    monkeypatch.setattr(stats_data, "load_bank", with_objectives)
    monkeypatch.setattr(stats_cli, "load_bank", with_objectives)


def test_objectives_file_and_section(course: Path, tmp_path: Path, objective_bank, monkeypatch):
    monkeypatch.setitem(sys.modules, "immunocourse.content.objectives", None)  # not there yet
    out = tmp_path / "out"
    (out).mkdir()
    (out / f"{QUIZ}.objectives.csv").write_text("stale\n")
    assert run_stats(course, [QUIZ], out=out, quiet=True) == 0
    table = rows(out / f"{QUIZ}.objectives.csv")
    assert list(table[0]) == ["student_id", "objective", "score", "max", "mastery"]
    got = {(r["student_id"], r["objective"]): (r["score"], r["max"], r["mastery"])
           for r in table}
    # first: perfect + good (2 points); second: good (1 point)
    assert got[("ann", "handmade/first")] == ("2", "2", "100")
    assert got[("cat", "handmade/first")] == ("1", "2", "50")
    assert got[("dan", "handmade/second")] == ("0", "1", "0")
    # class means: first (2 + 2 + 1 + 0) / 4 = 1.25 of 2; second 3 / 4 of 1
    assert got[(CLASS_MEAN, "handmade/first")] == ("1.25", "2", "62.5")
    assert got[(CLASS_MEAN, "handmade/second")] == ("0.75", "1", "75")
    page = (out / f"{QUIZ}.html").read_text(encoding="utf-8")
    assert "Class mastery per learning objective" in page and "handmade/second" in page
    # the objectives went away from the bank: the old file goes too
    monkeypatch.setattr(stats_data, "load_bank", load_bank)
    assert run_stats(course, [QUIZ], out=out, quiet=True) == 0
    assert not (out / f"{QUIZ}.objectives.csv").exists()


def test_course_wide_objectives(course: Path, tmp_path: Path, objective_bank, monkeypatch):
    record = types.SimpleNamespace
    registry = types.ModuleType("immunocourse.content.objectives")
    registry.OBJECTIVES = {
        "handmade/first": record(id="handmade/first", lesson="handmade",
                                 text="Name the first thing.", not_assessed=None),
        "handmade/second": record(id="handmade/second", lesson="handmade",
                                  text="Name the second thing.", not_assessed=None),
        "handmade/explore": record(id="handmade/explore", lesson="handmade",
                                   text="Explore the model.",
                                   not_assessed="practised in the notebook's explorer"),
    }
    monkeypatch.setitem(sys.modules, "immunocourse.content.objectives", registry)
    out = tmp_path / "out"
    assert run_stats(course, [], all_quizzes=True, out=out, quiet=True) == 0
    table = {r["objective"]: r for r in rows(out / "course.objectives.csv")}
    assert list(table) == ["handmade/first", "handmade/second", "handmade/explore"]
    first = table["handmade/first"]
    assert (first["questions"], first["students"], first["score"], first["max"],
            first["mastery"]) == ("2", "4", "5", "8", "62.5")
    assert table["handmade/explore"]["mastery"] == ""
    assert table["handmade/explore"]["not_assessed"] == "practised in the notebook's explorer"
    page = (out / "course.html").read_text(encoding="utf-8")
    assert "Name the second thing." in page and "Not assessed by a quiz" in page
    assert f'href="{QUIZ}.html"' in page
    quiz_page = (out / f"{QUIZ}.html").read_text(encoding="utf-8")
    assert "Name the first thing." in quiz_page  # titles from the registry


def test_course_page_without_the_registry_shows_ids(course: Path, tmp_path: Path,
                                                     objective_bank, monkeypatch):
    monkeypatch.setitem(sys.modules, "immunocourse.content.objectives", None)
    out = tmp_path / "out"
    assert run_stats(course, [], all_quizzes=True, out=out, quiet=True) == 0
    assert [r["objective"] for r in rows(out / "course.objectives.csv")] == [
        "handmade/first", "handmade/second"]
    assert "shown by their ids" in (out / "course.html").read_text(encoding="utf-8")


# --- faults ----------------------------------------------------------------------------


def test_unreadable_and_missing_answers_count_as_no_answer(tmp_path: Path):
    answers = dict(ANSWERS, cat=b"{not json", dan=None)
    course = make_course(tmp_path, answers=answers)
    out = tmp_path / "out"
    assert run_stats(course, [QUIZ], out=out, quiet=True) == 0
    data = json.loads((out / f"{QUIZ}.summary.json").read_text(encoding="utf-8"))
    assert data["answers_unreadable"] == 2
    assert "2 of 4 students' answers.json was missing or could not be read" in data["notes"][0]
    perfect = {r["response"]: r["count"] for r in rows(out / f"{QUIZ}.responses.csv")
               if r["question_id"] == "perfect"}
    assert perfect["(no answer)"] == "2" and perfect["A"] == "2"
    # the marks are still the gradebook's
    assert data["mean"] == 2.25
    assert "2 of 4 students" in (out / f"{QUIZ}.html").read_text(encoding="utf-8")


def test_answers_behind_a_link_are_not_read(tmp_path: Path):
    course = make_course(tmp_path)
    folder = course / "autograded" / "dan" / QUIZ
    (folder / "answers.json").unlink()
    (folder / "answers.json").symlink_to(course / "autograded" / "ann" / QUIZ / "answers.json")
    out = tmp_path / "out"
    assert run_stats(course, [QUIZ], out=out, quiet=True) == 0
    data = json.loads((out / f"{QUIZ}.summary.json").read_text(encoding="utf-8"))
    assert data["answers_unreadable"] == 1


def test_a_quiz_not_in_the_gradebook(course: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert run_stats(course, ["no-such-quiz"], out=out) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("quiz stats: no-such-quiz: ") and "Traceback" not in err
    assert err[-1] == "quiz stats: nothing to report; no file written"
    assert report_files(out) == []


def test_one_bad_quiz_does_not_stop_the_others(course: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert run_stats(course, ["no-such-quiz", QUIZ], out=out) == 0
    captured = capsys.readouterr()
    assert "quiz stats: no-such-quiz:" in captured.err
    assert captured.out.startswith(f"{QUIZ}: 4 students, mean 2.25 of 3")
    assert f"{QUIZ}.html" in report_files(out)


def test_all_notes_the_quizzes_not_graded_yet(tmp_path: Path, capsys):
    course = make_course(tmp_path)
    (course / "banks" / "later.yml").write_text(
        BANK_YAML.replace("id: handmade", "id: later"), encoding="utf-8")
    out = tmp_path / "out"
    assert run_stats(course, [], all_quizzes=True, out=out) == 0
    captured = capsys.readouterr()
    assert "note: later: not in the gradebook" in captured.out and captured.err == ""
    assert "later.html" not in report_files(out)
    page = (out / "course.html").read_text(encoding="utf-8")
    assert "not graded yet" in page and 'href="later.html"' not in page


def test_a_quiz_with_no_graded_submissions(tmp_path: Path, capsys):
    course = make_course(tmp_path, answers={}, marks={})
    assert run_stats(course, [QUIZ], out=tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"quiz stats: {QUIZ}: no graded submissions in the gradebook yet" in err
    assert report_files(tmp_path / "out") == []


def test_a_gradebook_that_does_not_exist_is_not_created(tmp_path: Path, capsys):
    db = tmp_path / "gradebook.db"
    assert run_stats(tmp_path, [QUIZ], db_url=f"sqlite:///{db}", out=tmp_path / "out") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"quiz stats: gradebook {db} does not exist: nothing has been graded yet"]
    assert not db.exists()


def test_a_gradebook_that_cannot_be_opened(tmp_path: Path, capsys):
    db = tmp_path / "gradebook.db"
    db.write_bytes(b"this is not a database" * 100)
    assert run_stats(tmp_path, [QUIZ], db_url=f"sqlite:///{db}", out=tmp_path / "out") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"quiz stats: gradebook sqlite:///{db} cannot "
                                               "be opened: file is not a database")


def test_a_server_gradebook_out_of_reach_hides_its_password(tmp_path: Path, capsys):
    url = "postgresql://grader:s3cret@127.0.0.1:1/course"  # nothing listens on port 1
    assert run_stats(tmp_path, [QUIZ], db_url=url, out=tmp_path / "out") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be opened" in err[0] and "s3cret" not in err[0]


def test_a_failure_while_writing_leaves_no_partial_files(course: Path, tmp_path: Path,
                                                         monkeypatch, capsys):
    from immunocourse.grading import stats_report

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stats_report, "render_quiz", disk_full)
    out = tmp_path / "out"
    assert run_stats(course, [QUIZ], out=out) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert report_files(out) == []


def test_out_that_is_a_file(course: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    out.write_text("a file, not a folder")
    assert run_stats(course, [QUIZ], out=out) == 1
    assert capsys.readouterr().err.startswith(f"quiz stats: cannot write to {out}")


def test_command_line(course: Path, tmp_path: Path):
    def stats(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "immunocourse", "quiz", "stats", *args],
                              env=nbgrader_env(), capture_output=True, text=True, timeout=300)

    usage = stats()
    assert usage.returncode == 2
    assert "quiz stats: name one or more quizzes, or give --all" in usage.stderr
    out = tmp_path / "out"
    done = stats(QUIZ, "--course", str(course), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"{QUIZ}: 4 students, mean 2.25 of 3, CIC 54.5%; flagged: constant (too-easy)")
    assert (out / f"{QUIZ}.questions.csv").is_file()


def test_flag_words_cover_every_flag():
    from immunocourse.quiz.stats import ACTION_FLAGS

    assert set(ACTION_FLAGS) <= set(FLAGS)


# --- the page in a browser -------------------------------------------------------------


@pytest.mark.browser
def test_report_pages_pass_axe_at_390px_draw_offline_and_print(
        course: Path, tmp_path: Path, objective_bank, monkeypatch, guarded_page, serve_dir):
    from tests.axe import describe, run_axe

    monkeypatch.setitem(sys.modules, "immunocourse.content.objectives", None)
    out = tmp_path / "out"
    assert run_stats(course, [QUIZ], all_quizzes=True, out=out, quiet=True) == 0
    base = serve_dir(out)
    guard = guarded_page()
    page = guard.page
    page.set_viewport_size({"width": 390, "height": 844})
    for name in (f"{QUIZ}.html", "course.html"):
        page.goto(f"{base}/{name}", wait_until="networkidle")
        if name != "course.html":
            charts = page.locator("div.ic-plotly-figure")
            assert charts.count() == 2
            for i in range(2):
                charts.nth(i).locator("svg.main-svg").first.wait_for(state="attached")
            labels = page.locator("div.ic-plotly-figure g.textpoint").all_text_contents()
            assert sorted(labels) == ["Q1", "Q2"]  # the constant item has no index
        assert run_axe(page) == [], f"{name}: {describe(run_axe(page))}"
        wide = page.evaluate("""() => [document.documentElement.scrollWidth,
                                       document.documentElement.clientWidth]""")
        assert wide[0] <= wide[1], f"{name} scrolls sideways at 390 px: {wide}"
        page.emulate_media(media="print")
        hidden = page.evaluate("""() => [...document.querySelectorAll('figure.chart')]
                                  .every(f => getComputedStyle(f).display === 'none')""")
        assert hidden
        page.emulate_media(media="screen")
    assert guard.external == [] and guard.console_errors == []


# --- a PostgreSQL gradebook ------------------------------------------------------------


@pytest.mark.slow
def test_a_postgresql_gradebook_gives_the_same_report(reports: Path, monkeypatch, capsys):
    """IMMUNOCOURSE_DB_URL (the class server's gradebook) is read as nbgrader reads it; the
    course folder has no SQLite gradebook at all."""
    import os
    import tempfile

    from immunocourse.classroom.postgres import Postgres

    if os.geteuid() != 0 or not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        missing = "PostgreSQL runs as the postgres account: root and postgresql needed"
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    with tempfile.TemporaryDirectory(prefix="immunocourse-stats-pg-") as tmp:
        root = Path(tmp)
        root.chmod(0o755)  # the postgres account must reach its data folder
        pg = Postgres(root / "postgres")
        pg.create()
        try:
            banks = root / "banks-src"
            banks.mkdir()
            (banks / f"{QUIZ}.yml").write_text(BANK_YAML, encoding="utf-8")
            course = new_course(root / "course", banks_dir=banks)
            bank = load_bank(course / "banks" / f"{QUIZ}.yml")
            fill_gradebook(pg.url, QUIZ, bank.questions, MARKS)
            write_graded_answers(course, QUIZ, ANSWERS)
            assert not (course / "gradebook.db").exists()
            monkeypatch.setenv("IMMUNOCOURSE_DB_URL", pg.url)
            out = root / "out"
            assert run_stats(course, [QUIZ], out=out) == 0
        finally:
            pg.stop()
        assert pg.password not in capsys.readouterr().out
        for name in (f"{QUIZ}.questions.csv", f"{QUIZ}.responses.csv"):
            assert (out / name).read_text() == (reports / name).read_text()
