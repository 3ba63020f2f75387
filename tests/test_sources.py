"""Keeping the course current: every lesson has a review date, every number a source and a date.

Generic on purpose: it walks ``immunocourse.content.evidence`` and every ``immunocourse.lessons``
module, so a record type or a lesson added later is covered without touching this file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import pytest

import immunocourse.lessons
from immunocourse.content import evidence, review
from tests.citations import record_problems
from tests.helpers.paths import toc_pages

REQUIRED = ("key", "source", "checked")
TODAY = dt.date.today()


def record_modules() -> list[ModuleType]:
    names = [f"immunocourse.lessons.{m.name}"
             for m in pkgutil.iter_modules(immunocourse.lessons.__path__)]
    return [evidence, *(importlib.import_module(n) for n in sorted(names))]


def _records_in(value: object) -> Iterator[object]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
    elif isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from _records_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _records_in(item)


def records() -> list[tuple[str, object]]:
    """(where, record) for every dataclass instance a record module holds at module level,
    except those of types marked ``illustrative`` (made up for teaching, no published number)."""
    found = []
    for module in record_modules():
        for name, value in vars(module).items():
            if name.startswith("_"):
                continue
            found += [(f"{module.__name__}.{name}", r) for r in _records_in(value)
                      if not getattr(r, "illustrative", False)]
    return found


def record_types() -> list[tuple[str, type]]:
    """Every dataclass *defined* in a record module (not imported into it), except those
    that declare ``illustrative: ClassVar[bool] = True`` (teaching data, not published)."""
    return [(f"{m.__name__}.{name}", value) for m in record_modules()
            for name, value in vars(m).items()
            if isinstance(value, type) and dataclasses.is_dataclass(value)
            and value.__module__ == m.__name__ and not getattr(value, "illustrative", False)]


def holds_a_number(record: object) -> bool:
    """Whether any field of the record carries a number (bools are flags, not numbers)."""
    def numeric(v: object) -> bool:
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float)):
            return True
        if isinstance(v, dict):
            return any(numeric(x) for x in v.values())
        if isinstance(v, (tuple, list)):
            return any(numeric(x) for x in v)
        return False
    return any(numeric(getattr(record, f.name)) for f in dataclasses.fields(record))


def problems(record: object) -> list[str]:
    """What is missing from one record: a source key in the bibliography, a short citation,
    a valid checked date no later than today. Records that carry no number need none."""
    return record_problems(record) if holds_a_number(record) else []


# ------------------------------------------------------------------ numbers and sources


def test_the_walk_finds_the_records_it_must_cover() -> None:
    found = {where.rsplit(".", 1)[-1] for where, _ in records()}
    assert {"RESPONSE_RATES", "ADVERSE_EVENTS", "SURVIVAL_LANDMARKS", "DRUGS"} <= found
    assert len(records()) > 40


@pytest.mark.parametrize("where,cls", record_types(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_record_type_has_key_source_and_checked(where: str, cls: type) -> None:
    fields = {f.name for f in dataclasses.fields(cls)}
    missing = [f for f in REQUIRED if f not in fields]
    assert not missing, f"{where}: record type lacks field(s) {missing}"


def test_every_number_has_a_source_and_a_checked_date() -> None:
    bad = [f"{where}: {record!r:.80}: {'; '.join(p)}"
           for where, record in records() if (p := problems(record))]
    assert not bad, "records without a source or a checked date:\n" + "\n".join(bad)


def _numbers(value: object) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [value]
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in _numbers(v)]
    return []


def bare_numbers(module: ModuleType) -> list[str]:
    """Module-level numbers in ``module`` that no record of it holds: a published number
    typed outside a record would have no source and no checked date."""
    held = {x for _, r in records() if r.__module__ == module.__name__
            for f in dataclasses.fields(r) for x in _numbers(getattr(r, f.name))}
    held |= {x for _, r in records() if r.__module__ == module.__name__
             for f in dataclasses.fields(r) if isinstance(getattr(r, f.name), dict)
             for x in _numbers(list(getattr(r, f.name).values()))}
    return [f"{name} = {value!r}" for name, value in vars(module).items()
            if not name.startswith("_") and _numbers(value)
            and not set(_numbers(value)) <= held]


def test_evidence_holds_no_number_outside_a_record() -> None:
    assert bare_numbers(evidence) == []


def test_a_bare_number_in_evidence_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence, "PLANTED_MEDIAN_MONTHS", 12.3, raising=False)
    assert bare_numbers(evidence) == ["PLANTED_MEDIAN_MONTHS = 12.3"]


def test_a_record_without_its_date_or_source_is_caught() -> None:
    @dataclasses.dataclass(frozen=True)
    class Planted:
        value: float
        key: str
        source: str
        checked: str

    assert problems(Planted(1.0, "larkin2015", "Larkin 2015", "2026-11-27")) == []
    assert problems(Planted(1.0, "", "Larkin 2015", "2026-11-27")) == ["no source key"]
    assert problems(Planted(1.0, "nosuchkey", "x", "2026-11-27"))
    assert problems(Planted(1.0, "larkin2015", "", "2026-11-27"))
    assert problems(Planted(1.0, "larkin2015", "x", "27/11/2026"))
    assert problems(Planted(1.0, "larkin2015", "x", "2999-01-01"))


# ------------------------------------------------------------------ review dates


LESSON_DOCNAMES = [page.removesuffix(".html") for page in toc_pages()
                   if review.is_lesson(page.removesuffix(".html"))]


def test_the_toc_has_lessons() -> None:
    assert "book/index" in LESSON_DOCNAMES and len(LESSON_DOCNAMES) >= 10


@pytest.mark.parametrize("docname", LESSON_DOCNAMES)
def test_every_lesson_has_a_review_date_listed_in_the_log(docname: str) -> None:
    iso = review.last_reviewed(docname)
    assert iso, f"{docname}: no entry in immunocourse/content/review.py LAST_REVIEWED"
    assert dt.date.fromisoformat(iso) <= TODAY
    assert iso in {r.date for r in review.REVIEWS}, (
        f"{docname}: reviewed {iso}, but REVIEWS has no entry saying what changed then")


def test_the_review_log_names_real_pages_and_real_dates() -> None:
    toc = {page.removesuffix(".html") for page in toc_pages()}
    assert set(review.LAST_REVIEWED) <= toc, set(review.LAST_REVIEWED) - toc
    for r in review.REVIEWS:
        dt.date.fromisoformat(r.date)
        assert r.changes
    assert review.human_date("2026-12-01") == "1 December 2026"
    assert "## 1 December 2026" in review.changes_markdown()
