"""Learning objectives as data (issue 20): stored once, shown on the page and in the notebook,
named by every question, checked by ``quiz check`` and by the strict build.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from immunocourse.book import objectives as book_objectives
from immunocourse.content import objectives as data
from immunocourse.content.objectives import LESSONS, OBJECTIVES, for_lesson, objective, plain
from immunocourse.quiz.alignment import alignment, alignment_html, anchor, unassessed
from immunocourse.quiz.bank import BANKS_DIR, BankError, iter_banks, load_bank
from immunocourse.quiz.cli import main as quiz_main
from tests.helpers.paths import ROOT

OBJECTIVES_DIRECTIVE = re.compile(r"^```\{objectives\}\s+([a-z0-9-]+)\s*\n```\s*$", re.M)


def lesson_source(quiz_id: str) -> Path:
    if quiz_id == "welcome":
        return ROOT / "book" / "index.md"
    return ROOT / "book" / book_objectives.lesson_page(quiz_id).replace(".html", ".md")


# --- the data -----------------------------------------------------------------------------


def test_every_lesson_has_objectives_and_every_bank_is_a_lesson() -> None:
    assert set(LESSONS) == {p.stem for p in BANKS_DIR.glob("*.yml")}
    for lesson in LESSONS:
        assert len(for_lesson(lesson)) >= 3, lesson


def test_ids_are_stable_slugs_and_fit_a_moodle_tag() -> None:
    for oid, o in OBJECTIVES.items():
        assert o.id == oid and data.ID.match(oid), oid
        assert oid == f"{o.lesson}/{o.slug}" and o.lesson in LESSONS
        assert len(oid) <= 50, f"{oid}: a Moodle tag holds at most 50 characters"
        assert o.text and not o.text.endswith((";", ".", ",")), f"{oid}: no closing mark"
        assert o.text == o.text.strip() and "  " not in o.text
        assert o.not_assessed is None or o.not_assessed.strip(), oid


def test_lookup_by_id_and_by_lesson_keeps_page_order() -> None:
    first = next(iter(OBJECTIVES.values()))
    assert objective(first.id) is first
    assert [o.id for o in for_lesson(first.lesson)][0] == first.id
    assert [o.lesson for o in OBJECTIVES.values()] == sorted(
        (o.lesson for o in OBJECTIVES.values()), key=LESSONS.index)
    with pytest.raises(KeyError, match=r"unknown objective 'side-effects/nope' \(lesson "
                       r"'side-effects' has: .*warning-signs"):
        objective("side-effects/nope")
    with pytest.raises(KeyError, match="not an objective id"):
        objective("warning-signs")
    assert for_lesson("no-such-lesson") == ()


def test_plain_words_drop_the_markup_the_page_hides() -> None:
    assert plain("name {term}`cytokine release syndrome (CRS) <Cytokine release syndrome "
                 "(CRS)>` and ({term}`ICANS`)") == (
        "name cytokine release syndrome (CRS) and (ICANS)")
    assert plain("what *pseudoprogression* and **HLA** mean, HLA-A*02:01") == (
        "what pseudoprogression and HLA mean, HLA-A*02:01")
    with pytest.raises(ValueError, match="only {term} roles"):
        plain("the {glue:text}`hla_type` tissue type")


def test_a_number_an_objective_quotes_comes_from_the_lesson() -> None:
    from immunocourse.lessons import cell_therapies

    markers = objective("biomarkers/approved-markers").text
    assert cell_therapies.product("tebentafusp").hla in markers


def test_items_end_like_a_page_list_and_the_notebook_cell_is_in_words() -> None:
    lesson = "cell-therapies"
    items = data.items(lesson)
    assert all(i.endswith(";") for i in items[:-1]) and items[-1].endswith(".")
    cell = data.notebook_markdown(lesson)
    assert cell.startswith("## Learning objectives\n\nBy the end of this lesson you can:\n\n- ")
    assert "{term}" not in cell and cell.count("\n- ") == len(for_lesson(lesson))
    assert data.notebook_markdown("welcome").split("\n")[2] == (
        "By the end of this first lesson you can:")


# --- banks ---------------------------------------------------------------------------------

BANK = """\
id: small
title: Small
questions:
  - id: q1
    type: truefalse
    prompt: P
    answer: true
    explanation: E
{objectives}"""


def write_bank(folder: Path, objectives: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "small.yml"
    path.write_text(BANK.format(objectives=objectives), encoding="utf-8")
    return path


def test_a_question_names_its_objectives(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "    objectives: [side-effects/warning-signs, "
                                "side-effects/when-to-call]\n")
    q = load_bank(path).questions[0]
    assert q.objectives == ("side-effects/warning-signs", "side-effects/when-to-call")


def test_a_bank_without_objectives_still_checks(tmp_path: Path, capsys) -> None:
    path = write_bank(tmp_path)
    assert load_bank(path).questions[0].objectives == ()
    assert quiz_main(["check", str(path)]) == 0
    assert alignment([load_bank(path)]) == {oid: () for oid in OBJECTIVES}


@pytest.mark.parametrize(("value", "line", "message"), [
    ("[side-effects/warning-signs, side-effects/no-such]", 9,
     "unknown objective 'side-effects/no-such' (lesson 'side-effects' has: "),
    ("[no-such-lesson/x]", 9, "unknown objective 'no-such-lesson/x': no lesson"),
    ("[warning-signs]", 9, "'warning-signs' is not an objective id"),
    ("side-effects/warning-signs", 9, "must be a list of objective ids"),
    ("[]", 9, "must be a list of objective ids"),
    ("[side-effects/warning-signs, side-effects/warning-signs]", 9, "appears twice"),
    ("\n      - side-effects/warning-signs\n      - side-effects/gone", 11, "unknown objective"),
])
def test_quiz_check_names_file_line_and_field_of_a_bad_objective(
        tmp_path: Path, capsys, value: str, line: int, message: str) -> None:
    path = write_bank(tmp_path, f"    objectives: {value}\n")
    assert quiz_main(["check", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out
    assert out[0].startswith(f"{path}:{line}: question 'q1' field 'objectives': "), out[0]
    assert message in out[0]
    with pytest.raises(BankError):
        load_bank(path)


def test_the_cli_check_fails_on_an_unknown_id(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "    objectives: [side-effects/made-up]\n")
    run = subprocess.run([sys.executable, "-m", "immunocourse", "quiz", "check", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    assert f"{path}:9: question 'q1' field 'objectives': unknown objective " \
           "'side-effects/made-up'" in run.stdout


# --- the course ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def banks():
    return iter_banks()


def test_every_course_question_names_an_objective(banks) -> None:
    """Each question assesses at least one objective; most are their own lesson's, and one
    of another lesson (a safety question asked again where it matters) is allowed."""
    missing = [f"{bank.id}/{q.id}" for bank in banks for q in bank.questions if not q.objectives]
    assert not missing, f"questions naming no objective: {missing}"
    own = sum(any(objective(o).lesson == bank.id for o in q.objectives)
              for bank in banks for q in bank.questions)
    assert own >= 0.95 * sum(len(bank.questions) for bank in banks)


def test_every_course_objective_is_assessed_or_says_why_not(banks) -> None:
    assert [o.id for o in unassessed(banks)] == []
    table = alignment(banks)
    for o in OBJECTIVES.values():
        assert table[o.id] or o.not_assessed, o.id


@pytest.mark.parametrize("quiz_id", LESSONS)
def test_each_page_shows_its_objectives_with_the_directive(quiz_id: str) -> None:
    text = lesson_source(quiz_id).read_text(encoding="utf-8")
    section = text.split("## Learning objectives\n", 1)[1].split("\n## ", 1)[0]
    assert OBJECTIVES_DIRECTIVE.findall(text) == [quiz_id]
    # Nothing typed by hand beside it: the list and its intro line come from the data.
    assert OBJECTIVES_DIRECTIVE.sub("", section).strip() == "", section


def test_each_notebook_shows_its_objectives() -> None:
    stale = book_objectives.out_of_step()
    assert not stale, (f"run `python -m immunocourse.book.objectives --write`: {stale} are "
                       "out of step with immunocourse/content/objectives.py")


def test_notebook_cell_is_written_after_the_title_and_kept_in_step(tmp_path: Path) -> None:
    import json

    folder = tmp_path / "notebooks"
    folder.mkdir()
    title = {"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# Lesson"]}
    body = {"cell_type": "code", "id": "c", "metadata": {}, "source": ["1"], "outputs": [],
            "execution_count": None}
    for lesson in LESSONS:
        nb = {"cells": [title, body], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (folder / f"{LESSONS.index(lesson):02d}-{lesson}.ipynb").write_text(json.dumps(nb))
    assert len(book_objectives.out_of_step(folder)) == len(LESSONS)
    assert len(book_objectives.out_of_step(folder, write=True)) == len(LESSONS)
    assert book_objectives.out_of_step(folder) == []
    nb = json.loads((folder / "01-immune-system.ipynb").read_text())
    assert [c["id"] for c in nb["cells"]] == ["t", "learning-objectives", "c"]
    assert "".join(nb["cells"][1]["source"]) == data.notebook_markdown("immune-system")


def test_alignment_table_lists_every_objective_with_its_questions(banks) -> None:
    soup = BeautifulSoup(book_objectives.alignment_table(), "html.parser")
    rows = {tr.td.get_text(): tr for tr in soup.select("tbody tr") if tr.td is not None}
    assert list(rows) == list(OBJECTIVES)
    table = alignment(banks)
    for oid, row in rows.items():
        cells = row.find_all("td")
        assert cells[1].get_text() == OBJECTIVES[oid].text
        shown = [c.get_text() for c in cells[2].find_all("code")]
        assert shown == [a.question for a in table[oid]] or OBJECTIVES[oid].not_assessed
        lesson = OBJECTIVES[oid].lesson
        assert row.a["href"] == f"{book_objectives.lesson_page(lesson)}#{anchor(oid)}"


def test_alignment_table_says_why_or_that_nothing_assesses(tmp_path: Path,
                                                           monkeypatch) -> None:
    bank = load_bank(write_bank(tmp_path, "    objectives: [side-effects/warning-signs]\n"))
    first = "side-effects/why-different"
    monkeypatch.setitem(OBJECTIVES, first, replace(OBJECTIVES[first], not_assessed="done live"))
    html = alignment_html([bank])
    assert "<em>Not in a quiz:</em> done live" in html
    assert "<strong>No question</strong>" in html
    assert "<code>q1</code> (small)" in html  # a question of another quiz names its quiz
    left = {o.id for o in unassessed([bank], ["side-effects"])}
    assert first not in left and "side-effects/warning-signs" not in left
    assert left == {o.id for o in for_lesson("side-effects")} - {
        first, "side-effects/warning-signs"}


# --- the book --------------------------------------------------------------------------------


def tiny_book(root: Path, lesson: str, questions: list[list[str]]) -> Path:
    """A one-page Sphinx project showing ``lesson``'s objectives, with a bank whose
    questions name ``questions`` (one list of objective ids per question)."""
    (root / "banks").mkdir(parents=True)
    terms = sorted({t for o in for_lesson(lesson)
                    for t in re.findall(r"\{term\}`(?:[^`<]*<)?([^`>]+)>?`", o.markup)})
    glossary = "".join(f"{t}\n  A term.\n\n" for t in terms)
    (root / "conf.py").write_text(
        'extensions = ["myst_parser", "immunocourse.quiz.sphinx", '
        '"immunocourse.book.ext.objectives"]\n'
        'myst_enable_extensions = ["deflist"]\nquiz_banks_dir = "banks"\n'
        'exclude_patterns = ["_build", "banks"]\n')
    (root / "index.md").write_text(
        f"# A lesson\n\n## Learning objectives\n\n```{{objectives}} {lesson}\n```\n\n"
        f"## Glossary\n\n```{{glossary}}\n{glossary}```\n\n## Quiz\n\n```{{quiz}} {lesson}\n```\n")
    bank = {"id": lesson, "title": "T", "questions": [
        {"id": f"q{i}", "type": "truefalse", "prompt": "P", "answer": True,
         "explanation": "E", "objectives": ids} for i, ids in enumerate(questions)]}
    (root / "banks" / f"{lesson}.yml").write_text(yaml.safe_dump(bank))
    return root


def sphinx(src: Path) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html",
         str(src), str(src / "_build")],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path}, timeout=300)


LESSON = "cell-therapies"  # its objectives link glossary terms


def test_directive_renders_the_list_and_a_full_bank_builds(tmp_path: Path) -> None:
    ids = [o.id for o in for_lesson(LESSON)]
    src = tiny_book(tmp_path, LESSON, [ids[:2], ids[2:]])
    run = sphinx(src)
    assert run.returncode == 0, run.stderr
    soup = BeautifulSoup((src / "_build" / "index.html").read_text(), "html.parser")
    heading = soup.find(id="learning-objectives")
    lead = heading.find_next("p")
    assert lead.get_text() == data.intro(LESSON)
    items = lead.find_next_sibling("ul").find_all("li", recursive=False)
    assert [li["id"] for li in items] == [anchor(i) for i in ids]
    words = [" ".join(li.get_text().split()) for li in items]
    assert words == data.items(LESSON, words=True)
    assert items[0].find_parent("ul")["class"] == ["ic-objectives", "simple"]
    assert soup.select("li a.reference.internal span.xref.std-term")  # {term} links work


def test_build_fails_naming_an_objective_no_question_assesses(tmp_path: Path) -> None:
    ids = [o.id for o in for_lesson(LESSON)]
    src = tiny_book(tmp_path, LESSON, [ids[1:]])
    run = sphinx(src)
    assert run.returncode != 0
    warnings = [line for line in run.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, run.stderr
    assert f"index.md:5: WARNING: objective '{ids[0]}' is assessed by no question" in warnings[0]


def test_build_fails_on_an_unknown_lesson_or_objective(tmp_path: Path) -> None:
    src = tiny_book(tmp_path, LESSON, [["cell-therapies/not-an-objective"]])
    (src / "index.md").write_text((src / "index.md").read_text() + "\n```{objectives} nope\n```\n")
    run = sphinx(src)
    assert run.returncode != 0
    assert "unknown objective 'cell-therapies/not-an-objective'" in run.stderr
    assert "objectives 'nope': no lesson with that quiz id has objectives" in run.stderr


STRAIGHT = str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''")  # Sphinx's smart quotes


def test_built_lesson_pages_show_the_data(built_book: Path) -> None:
    for lesson in LESSONS:
        page = built_book / "book" / book_objectives.lesson_page(lesson)
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ul = soup.select_one("ul.ic-objectives")
        assert ul is not None and ul.find_parent("article"), page
        shown = [" ".join(li.get_text().split()).translate(STRAIGHT) for li in ul("li")]
        assert shown == data.items(lesson, words=True), page
        assert ul.find_previous_sibling("p").get_text() == data.intro(lesson)
    instructors = BeautifulSoup((built_book / "book" / "instructors.html").read_text(
        encoding="utf-8"), "html.parser")
    table = instructors.select_one("table.objective-alignment")
    assert [tr.td.get_text() for tr in table.select("tbody tr") if tr.td] == list(OBJECTIVES)
