"""Every lesson has its three parts, its frame, and a bank that meets the course's bar."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

from immunocourse.quiz import load_bank
from immunocourse.quiz.bank import BANKS_DIR
from tests.helpers.paths import ROOT, toc_pages

FRAME = ["Learning objectives", "Estimated time", "Prerequisites", "Key takeaways", "Quiz",
         "Further reading"]
LESSONS = [ROOT / page.removesuffix(".html") for page in toc_pages()
           if re.fullmatch(r"book/(index|\d\d-[a-z0-9-]+)\.html", page)]
QUIZ_DIRECTIVE = re.compile(r"^```\{quiz\}\s+([a-z0-9-]+)\s*$", re.M)


def source(lesson: Path) -> str:
    return lesson.with_suffix(".md").read_text()


def bank_of(lesson: Path) -> str:
    found = QUIZ_DIRECTIVE.findall(source(lesson))
    assert len(found) == 1, f"{lesson.name}: expected one quiz directive, found {found}"
    return found[0]


def test_the_course_has_its_lessons() -> None:
    assert len(LESSONS) >= 2


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_page_has_the_frame_in_order(lesson: Path) -> None:
    headings = re.findall(r"^## (.+?)\s*$", source(lesson), re.M)
    framed = [h for h in headings if h in FRAME]
    assert framed == FRAME, f"{lesson.name}: frame headings are {framed}"
    # The lesson itself sits between Prerequisites and Key takeaways.
    body = headings[headings.index("Prerequisites") + 1 : headings.index("Key takeaways")]
    assert body, f"{lesson.name}: no lesson sections between the frame's parts"
    time = source(lesson).split("## Estimated time", 1)[1].split("##", 1)[0]
    assert re.search(r"\d+\s*minutes", time), f"{lesson.name}: no time estimate in minutes"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_bank_meets_the_bar(lesson: Path) -> None:
    bank = load_bank(BANKS_DIR / f"{bank_of(lesson)}.yml")
    assert len(bank.questions) >= 8
    assert len({q.type for q in bank.questions}) >= 3, "a bank mixes the question types"
    assert sum(q.points for q in bank.questions) > 0


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_computed_keys_come_from_the_package(lesson: Path) -> None:
    """At least two keys per bank are computed, and each equals what the package returns."""
    import yaml

    path = BANKS_DIR / f"{bank_of(lesson)}.yml"
    raw = {q["id"]: q for q in yaml.safe_load(path.read_text())["questions"]}
    computed = {qid: q["answer_from"] for qid, q in raw.items() if "answer_from" in q}
    assert len(computed) >= 2, f"{path.name}: fewer than two computed keys"
    bank = {q.id: q for q in load_bank(path).questions}
    for qid, dotted in computed.items():
        module, _, function = dotted.partition(":")
        value = getattr(importlib.import_module(module), function)()
        key = bank[qid].answer
        if isinstance(key, tuple):
            assert list(key) == list(value)
        else:
            assert key == value, f"{path.name}: {qid} key {key!r} != package {value!r}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_has_a_notebook_with_its_quiz(lesson: Path) -> None:
    number = "01" if lesson.name == "index" else lesson.name[:2]
    notebooks = sorted((ROOT / "notebooks").glob(f"{number}-*.ipynb"))
    assert notebooks, f"no notebook for lesson {number}"
    bank = bank_of(lesson)
    sources = "".join(
        "".join(cell["source"]) for nb in notebooks for cell in json.loads(nb.read_text())["cells"]
    )
    assert re.search(rf"Quiz\(\s*[\"']{bank}[\"']", sources), f"no Quiz({bank!r}) in {notebooks}"


QUIZ_IDS = sorted(path.stem for path in BANKS_DIR.glob("*.yml"))
WELCOME = "welcome"  # its page is the book's front page, book/index.md, with notebook 01


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_a_lesson_carries_its_quiz_id_everywhere(quiz_id: str) -> None:
    """The quiz id names the lesson: page, notebook, module and test (the id itself is kept
    in gradebooks and LMS imports, so the other parts follow it, never the reverse)."""
    if quiz_id == WELCOME:
        page, number = ROOT / "book" / "index", "01"
    else:
        pages = sorted((ROOT / "book").glob(f"[0-9][0-9]-{quiz_id}.md"))
        assert len(pages) == 1, f"want one page book/NN-{quiz_id}.md, found {pages}"
        page, number = pages[0].with_suffix(""), pages[0].name[:2]
    assert bank_of(page) == quiz_id, f"{page.name}.md shows another quiz"
    module = quiz_id.replace("-", "_")
    expected = [f"notebooks/{number}-{quiz_id}.ipynb", f"immunocourse/lessons/{module}.py",
                f"tests/test_lesson_{module}.py"]
    missing = [name for name in expected if not (ROOT / name).is_file()]
    assert not missing, f"lesson {quiz_id!r} lacks {missing}"
