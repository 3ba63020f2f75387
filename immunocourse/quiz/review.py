"""Spaced review: a Leitner scheduler for questions a student has met in a lesson quiz.

One card per question, keyed ``<quiz-id>/<question-id>``, in one of five boxes. A box is how
long the student waits before seeing the question again: 1, 2, 4, 8 or 16 days.

* A question answered wrong in its lesson quiz enters box 1, due that same day: the Review
  is where it is tried again. One answered right enters box 2, due two days later.
* In the Review, a right answer moves the card up a box (due after that box's interval); a
  right answer in box 5 passes it, and it leaves the review. A wrong answer sends the card
  back to box 1, due the next day.
* Each session asks up to ``SESSION_SIZE`` due cards: the longest overdue first, then the
  lowest box, then in course order (lesson by lesson, question by question).

The state is plain JSON, ``{"format": 1, "cards": {key: {"box": 1-6, "due": "YYYY-MM-DD"}}}``
(box 6: passed, ``due`` the day it passed). The notebook keeps it in ``review.json``, the
book in ``localStorage``; ``static/review.js`` is the same scheduler line for line, and
``tests/test_review.py`` runs both over many random histories. Days are calendar days,
always passed in (``today``), so tests move the clock by days in microseconds.

Review is self-study: it is never graded and never sent anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from immunocourse.quiz.answers import (
    MAX_ANSWERS_BYTES,
    AnswersError,
    move_aside,
    read_answers,
    write_answers,
)

INTERVALS = (1, 2, 4, 8, 16)  # days to wait in boxes 1-5
PASSED = len(INTERVALS) + 1  # the box a card reaches when box 5 is passed
SESSION_SIZE = 10
FORMAT = 1
MAX_STATE_BYTES = MAX_ANSWERS_BYTES  # read as answers.json is: at most 1 MB
REVIEW_FILE = "review.json"
# A key is two slugs, as objective ids are; anything else in a state is not ours.
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST_YEAR = 2000

Cards = dict[str, dict[str, Any]]


def key(quiz_id: str, question_id: str) -> str:
    return f"{quiz_id}/{question_id}"


def day(value: dt.date) -> str:
    return value.isoformat()


def add_days(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


def enter(cards: Cards, card_key: str, correct: bool, today: str) -> bool:
    """A question met in its lesson quiz joins the review; False if it already had a card."""
    if card_key in cards:
        return False
    box = 2 if correct else 1
    cards[card_key] = {"box": box, "due": add_days(today, INTERVALS[1]) if correct else today}
    return True


def record(cards: Cards, card_key: str, correct: bool, today: str) -> dict[str, Any]:
    """The student answered a due card in the Review: move it, and return its new state."""
    box = int(cards[card_key]["box"]) if card_key in cards else 1
    if not correct:
        card = {"box": 1, "due": add_days(today, INTERVALS[0])}
    elif box >= len(INTERVALS):
        card = {"box": PASSED, "due": today}
    else:
        card = {"box": box + 1, "due": add_days(today, INTERVALS[box])}
    cards[card_key] = card
    return card


def due(cards: Cards, today: str, order: Sequence[str], limit: int = SESSION_SIZE) -> list[str]:
    """Up to ``limit`` keys due on ``today``: longest overdue, then lowest box, then course
    order. Keys not in ``order`` (questions no longer in any bank) are never asked."""
    rank = {k: i for i, k in enumerate(order)}
    ready = [k for k, c in cards.items()
             if k in rank and c["box"] < PASSED and c["due"] <= today]
    ready.sort(key=lambda k: (cards[k]["due"], cards[k]["box"], rank[k]))
    return ready[:limit]


def next_due(cards: Cards, today: str, order: Sequence[str]) -> str | None:
    """The first day after ``today`` on which a card falls due (None: nothing is waiting)."""
    known = set(order)
    days = [c["due"] for k, c in cards.items()
            if k in known and c["box"] < PASSED and c["due"] > today]
    return min(days) if days else None


def clean(data: Any, known: Iterable[str], today: str) -> tuple[Cards, list[str]]:
    """The usable cards of a loaded state, and one line per kind of problem found.

    A card with an unknown key, a box that is not 1-6, a date that is not a real
    ``YYYY-MM-DD``, or a due date further ahead than the longest interval allows (a clock
    set wrongly or a hand edit) is dropped: that question starts afresh. The rest is kept.
    """
    if not isinstance(data, dict) or not isinstance(data.get("cards"), dict):
        shown = type(data.get("cards")).__name__ if isinstance(data, dict) else \
            type(data).__name__
        return {}, [f"the saved review is not a set of cards ({shown}); it starts afresh"]
    known = set(known)
    latest = add_days(today, max(INTERVALS))
    cards: Cards = {}
    dropped: dict[str, list[str]] = {}
    for card_key, card in data["cards"].items():
        why = _bad_card(card_key, card, known, latest)
        if why:
            dropped.setdefault(why, []).append(str(card_key)[:80])
        else:
            cards[card_key] = {"box": int(card["box"]), "due": card["due"]}
    problems = [
        f"{len(keys)} saved review card{'s' if len(keys) != 1 else ''} "
        f"{'were' if len(keys) != 1 else 'was'} reset ({why}: {', '.join(keys[:3])}"
        f"{', ...' if len(keys) > 3 else ''})"
        for why, keys in dropped.items()
    ]
    return cards, problems


def _bad_card(card_key: Any, card: Any, known: set[str], latest: str) -> str:
    if not isinstance(card_key, str) or not KEY.match(card_key) or card_key not in known:
        return "not a question of the course"
    if not isinstance(card, dict):
        return "not a card"
    box = card.get("box")
    # JSON has one number type: 2.0 is box 2 in a browser, so it is here too
    if isinstance(box, float) and box.is_integer():
        box = int(box)
    if not isinstance(box, int) or isinstance(box, bool) or not 1 <= box <= PASSED:
        return "box is not 1 to 6"
    when = card.get("due")
    if not isinstance(when, str) or not DATE.match(when) or not _real_date(when):
        return "date is not YYYY-MM-DD"
    if when > latest:
        return "date too far ahead"
    return ""


def _real_date(iso: str) -> bool:
    """A calendar day from 2000 on (the course did not exist before; no clock is that wrong)."""
    try:
        return dt.date.fromisoformat(iso).year >= EARLIEST_YEAR
    except ValueError:
        return False


# -- review.json --------------------------------------------------------------------------


def read_state(path: str | Path, known: Iterable[str], today: str) -> tuple[Cards, list[str]]:
    """The cards saved in ``review.json`` and one line per problem (``{}`` if none saved).

    The file is read as ``answers.json`` is (a regular file, at most 1 MB of UTF-8 JSON). A
    file that cannot be read at all is moved aside, never overwritten, and the review starts
    afresh; a readable file keeps every card that is still valid.
    """
    path = Path(path)
    try:
        data = read_answers(path)
    except AnswersError as exc:
        if path.is_symlink() or path.is_file():
            backup = _move_aside_quietly(path, str(exc))
            return {}, [f"{exc}; it was kept as {backup} and the review starts afresh"]
        return {}, [f"{exc}; the review is not saved until it is removed"]
    if not data:
        return {}, []
    if data.get("format") != FORMAT:
        return clean({"cards": {}}, known, today)[0], [
            f"{path}: format {data.get('format')!r} is not {FORMAT}; the review starts afresh"]
    cards, problems = clean(data, known, today)
    return cards, [f"{path}: {p}" for p in problems]


def _move_aside_quietly(path: Path, reason: str) -> str:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return move_aside(path, reason).name


def write_state(path: str | Path, cards: Cards) -> None:
    """Atomically, as answers.json is written."""
    write_answers(path, {"format": FORMAT, "cards": cards})


def dumps(cards: Cards) -> str:
    """The state as the book stores it (sorted keys, so both sides compare equal)."""
    return json.dumps({"format": FORMAT, "cards": cards}, sort_keys=True)
