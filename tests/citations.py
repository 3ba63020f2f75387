"""Shared by the tests of the lessons and of ``evidence``: the bibliography's keys, and what
every published record must carry (a key in the bibliography, a short source, a checked date
no later than today, and, for a page that quotes it, a citation of that key on the page)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIB = (ROOT / "book" / "references.bib").read_text()
BIB_KEYS = frozenset(re.findall(r"^@\w+\{([^,]+),", BIB, re.M))
_CITE = re.compile(r"\{cite:[a-z]+\}`([^`]+)`")


def page(name: str) -> str:
    """The Markdown source of one book page, such as ``"12-biomarkers.md"``."""
    return (ROOT / "book" / name).read_text()


def cited_keys(text: str) -> set[str]:
    """Every key inside a ``{cite:p}`` or ``{cite:t}`` role of a page."""
    return {k.strip() for keys in _CITE.findall(text) for k in keys.split(",")}


def record_problems(record: object, cited_on: str | None = None) -> list[str]:
    """What one record lacks; ``cited_on`` is the text of a page that must cite its key."""
    out = []
    key = getattr(record, "key", "")
    if not key:
        out.append("no source key")
    elif key not in BIB_KEYS:
        out.append(f"key {key!r} not in book/references.bib")
    if not str(getattr(record, "source", "")).strip():
        out.append("no short source citation")
    checked = getattr(record, "checked", "")
    try:
        if dt.date.fromisoformat(checked) > dt.date.today():
            out.append(f"checked date {checked} is in the future")
    except (TypeError, ValueError):
        out.append(f"checked {checked!r} is not an ISO date")
    if cited_on is not None and key and key not in cited_keys(cited_on):
        out.append(f"{key} is not cited on the page")
    return out
