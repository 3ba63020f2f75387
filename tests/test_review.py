"""The spaced-review scheduler: its rules, its saved state, and the browser's copy of it.

``immunocourse/quiz/review.py`` and ``quiz/static/review.js`` must schedule identically: the
notebook and the book share one course. The parity test replays many random histories
(quiz answers, review answers, days passing, tampered states) through both and compares
every state, every session's draw and every problem line.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from immunocourse.quiz import review
from immunocourse.quiz.review import INTERVALS, PASSED, add_days, clean, due, enter, record

ROOT = Path(__file__).resolve().parent.parent
REVIEW_JS = ROOT / "immunocourse" / "quiz" / "static" / "review.js"
TODAY = "2026-12-07"
ORDER = [f"lesson-{n}/q-{m}" for n in range(1, 4) for m in range(1, 6)]


# --- the rules, as the issue states them ------------------------------------------------


def test_a_quiz_answer_enters_box_1_today_if_wrong_and_box_2_if_right() -> None:
    cards: review.Cards = {}
    assert enter(cards, "lesson-1/q-1", False, TODAY)
    assert enter(cards, "lesson-1/q-2", True, TODAY)
    assert cards == {"lesson-1/q-1": {"box": 1, "due": TODAY},
                     "lesson-1/q-2": {"box": 2, "due": "2026-12-09"}}
    # meeting it again in the quiz changes nothing: the review owns the card now
    assert not enter(cards, "lesson-1/q-1", True, "2026-12-08")
    assert cards["lesson-1/q-1"] == {"box": 1, "due": TODAY}
    assert due(cards, TODAY, ORDER) == ["lesson-1/q-1"]


def test_right_answers_climb_the_boxes_at_1_2_4_8_16_days_then_leave() -> None:
    cards: review.Cards = {}
    enter(cards, "lesson-1/q-1", False, TODAY)
    today, waits = TODAY, []
    while cards["lesson-1/q-1"]["box"] < PASSED:
        card = record(cards, "lesson-1/q-1", True, today)
        if card["box"] < PASSED:
            waits.append((card["box"], (_date(card["due"]) - _date(today)).days))
            assert due(cards, add_days(card["due"], -1), ORDER) == []  # not a day early
            assert due(cards, card["due"], ORDER) == ["lesson-1/q-1"]
            today = card["due"]
    assert waits == [(2, 2), (3, 4), (4, 8), (5, 16)]
    assert cards["lesson-1/q-1"] == {"box": PASSED, "due": today}
    assert due(cards, "2030-01-01", ORDER) == [] and review.next_due(cards, today, ORDER) is None


def test_a_wrong_answer_goes_back_to_box_1_for_the_next_day() -> None:
    cards = {"lesson-1/q-1": {"box": 4, "due": TODAY}}
    assert record(cards, "lesson-1/q-1", False, TODAY) == {"box": 1, "due": "2026-12-08"}
    assert record(cards, "lesson-1/q-1", True, "2026-12-08") == {"box": 2, "due": "2026-12-10"}
    assert INTERVALS == (1, 2, 4, 8, 16)


def test_a_session_draws_at_most_10_longest_overdue_then_lowest_box_then_course_order() -> None:
    cards = {k: {"box": 1 + i % 3, "due": add_days(TODAY, -(i % 4))} for i, k in
             enumerate(reversed(ORDER))}
    cards["lesson-9/gone"] = {"box": 1, "due": "2026-01-01"}  # no longer in any bank
    cards[ORDER[0]] = {"box": 2, "due": add_days(TODAY, 1)}  # not due yet
    drawn = due(cards, TODAY, ORDER)
    assert len(drawn) == 10 and "lesson-9/gone" not in drawn and ORDER[0] not in drawn
    keys = [(cards[k]["due"], cards[k]["box"], ORDER.index(k)) for k in drawn]
    assert keys == sorted(keys)
    rest = [k for k in ORDER if k not in drawn and k != ORDER[0]]
    assert all((cards[k]["due"], cards[k]["box"]) >= keys[-1][:2] for k in rest)
    assert review.next_due(cards, TODAY, ORDER) == add_days(TODAY, 1)


def _date(iso: str):
    import datetime as dt

    return dt.date.fromisoformat(iso)


# --- a tampered state: the broken part starts afresh, the rest is kept ------------------


def test_tampered_cards_are_reset_one_line_per_kind_and_the_rest_kept() -> None:
    data = {"format": 1, "cards": {
        "lesson-1/q-1": {"box": 3, "due": "2026-12-10"},
        "lesson-1/q-2": {"box": 2.0, "due": TODAY},  # a browser writes 2 for 2.0
        "lesson-9/gone": {"box": 1, "due": TODAY},
        "<script>": {"box": 1, "due": TODAY},
        "lesson-1/q-3": {"box": "2", "due": TODAY},
        "lesson-1/q-4": {"box": True, "due": TODAY},
        "lesson-2/q-1": {"box": 2, "due": "2099-01-01"},
        "lesson-2/q-2": {"box": 2, "due": "2026-02-30"},
        "lesson-2/q-3": [1, 2],
    }}
    cards, problems = clean(data, ORDER, TODAY)
    assert cards == {"lesson-1/q-1": {"box": 3, "due": "2026-12-10"},
                     "lesson-1/q-2": {"box": 2, "due": TODAY}}
    assert problems == [
        "2 saved review cards were reset (not a question of the course: lesson-9/gone, "
        "<script>)",
        "2 saved review cards were reset (box is not 1 to 6: lesson-1/q-3, lesson-1/q-4)",
        "1 saved review card was reset (date too far ahead: lesson-2/q-1)",
        "1 saved review card was reset (date is not YYYY-MM-DD: lesson-2/q-2)",
        "1 saved review card was reset (not a card: lesson-2/q-3)",
    ]
    assert all("\n" not in p for p in problems)
    # the longest wait is 16 days: a card due then is fine, one a day later is not
    edge = {"cards": {ORDER[0]: {"box": 5, "due": add_days(TODAY, 16)},
                      ORDER[1]: {"box": 5, "due": add_days(TODAY, 17)}}}
    assert list(clean(edge, ORDER, TODAY)[0]) == [ORDER[0]]


@pytest.mark.parametrize("data", [[], "cards", {"cards": []}, {"format": 1}, None])
def test_a_state_that_is_not_a_set_of_cards_starts_afresh(data) -> None:
    cards, problems = clean(data, ORDER, TODAY)
    assert cards == {} and len(problems) == 1 and "starts afresh" in problems[0]


def test_review_json_round_trip_and_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "review.json"
    assert review.read_state(path, ORDER, TODAY) == ({}, [])  # nothing saved yet
    cards = {ORDER[0]: {"box": 2, "due": "2026-12-09"}}
    review.write_state(path, cards)
    assert json.loads(path.read_text()) == {"format": 1, "cards": cards}
    assert review.read_state(path, ORDER, TODAY) == (cards, [])
    assert [p.name for p in tmp_path.iterdir()] == ["review.json"]  # no temp file left

    path.write_text('{"format": 1, "cards": {')  # cut short
    assert review.read_state(path, ORDER, TODAY)[0] == {}
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("review.json.bak-")]
    assert len(kept) == 1 and kept[0].read_text() == '{"format": 1, "cards": {'
    assert not path.exists()  # moved aside, never overwritten

    path.write_bytes(b" " * (review.MAX_STATE_BYTES + 1))
    cards, problems = review.read_state(path, ORDER, TODAY)
    assert cards == {} and "1 MB" in problems[0] and "\n" not in problems[0]

    secret = tmp_path / "elsewhere.json"
    secret.write_text(json.dumps({"format": 1, "cards": {ORDER[0]: {"box": 5, "due": TODAY}}}))
    os.symlink(secret, path)
    cards, problems = review.read_state(path, ORDER, TODAY)
    assert cards == {} and "symbolic link" in problems[0]
    assert secret.exists() and not path.is_symlink()  # the link was set aside, not followed

    path.write_text(json.dumps({"format": 2, "cards": {}}))
    cards, problems = review.read_state(path, ORDER, TODAY)
    assert cards == {} and "format 2" in problems[0]


# --- parity with the browser ------------------------------------------------------------

REPLAY = """(history) => {
  const R = window.immunocourseReview;
  let cards = {};
  let today = history.start;
  const trace = [];
  for (const event of history.events) {
    let out = null;
    if (event[0] === "enter") {
      out = R.enter(cards, event[1], event[2], today);
    } else if (event[0] === "answer") {
      const drawn = R.due(cards, today, history.order);
      out = drawn.length ? [drawn[0], R.record(cards, drawn[0], event[1], today)] : null;
    } else if (event[0] === "advance") {
      today = R.addDays(today, event[1]);
      out = today;
    } else if (event[0] === "clean") {
      const result = R.clean(JSON.parse(event[1]), history.order, today);
      cards = result[0];
      out = result[1];
    }
    trace.push([out, JSON.stringify(cards, Object.keys(cards).sort().concat(["box", "due"])),
                R.due(cards, today, history.order), R.nextDue(cards, today, history.order)]);
  }
  return trace;
}"""


def replay_python(history: dict) -> list:
    cards: review.Cards = {}
    today = history["start"]
    trace = []
    for event in history["events"]:
        out = None
        if event[0] == "enter":
            out = enter(cards, event[1], event[2], today)
        elif event[0] == "answer":
            drawn = due(cards, today, history["order"])
            out = [drawn[0], record(cards, drawn[0], event[1], today)] if drawn else None
        elif event[0] == "advance":
            today = add_days(today, event[1])
            out = today
        elif event[0] == "clean":
            cards, out = clean(json.loads(event[1]), history["order"], today)
        trace.append([out, cards_json(cards), due(cards, today, history["order"]),
                      review.next_due(cards, today, history["order"])])
    return trace


def cards_json(cards: review.Cards) -> str:
    """As the browser's JSON.stringify with sorted keys writes it."""
    return json.dumps({k: {"box": cards[k]["box"], "due": cards[k]["due"]} for k in sorted(cards)},
                      separators=(",", ":"))


BAD_BOXES = [0, 7, "2", 2.0, 5.5, True, None, -1, 6, 1e300]
BAD_DAYS = ["2026-02-30", "x", "2099-12-31", "1999-12-31", 5, None, "2026-12-7", "2026-13-01"]


def tampered(rng: random.Random, cards: review.Cards, today: str) -> str:
    data: dict = {"format": 1, "cards": {k: dict(v) for k, v in cards.items()}}
    for _ in range(rng.randint(0, 4)):
        pick = rng.random()
        if pick < 0.2:
            data["cards"][rng.choice(["zz/gone", "BAD", "lesson-1/", "a/b/c"])] = {
                "box": 1, "due": today}
        elif pick < 0.3:
            data["cards"][rng.choice(ORDER)] = rng.choice([[1], 3, "card", None])
        elif data["cards"]:
            k = rng.choice(sorted(data["cards"]))
            if isinstance(data["cards"][k], dict):
                field = "box" if pick < 0.65 else "due"
                data["cards"][k][field] = rng.choice(BAD_BOXES if field == "box" else BAD_DAYS
                                                     + [add_days(today, rng.randint(-40, 20))])
    if rng.random() < 0.05:
        data = rng.choice([[], {"cards": "x"}, "text", {"format": 1}])  # type: ignore[assignment]
    return json.dumps(data)


def random_history(seed: int) -> dict:
    rng = random.Random(seed)
    order = ORDER[:]
    events: list = []
    mirror: review.Cards = {}
    today = add_days(TODAY, rng.randint(-400, 400))
    start = today
    for _ in range(rng.randint(20, 80)):
        pick = rng.random()
        if pick < 0.3:
            e = ["enter", rng.choice(order), rng.random() < 0.5]
            enter(mirror, e[1], e[2], today)
        elif pick < 0.7:
            e = ["answer", rng.random() < 0.7]
            drawn = due(mirror, today, order)
            if drawn:
                record(mirror, drawn[0], e[1], today)
        elif pick < 0.93:
            e = ["advance", rng.choice([0, 1, 1, 2, 3, 4, 7, 8, 15, 16, 17, 30, 365])]
            today = add_days(today, e[1])
        else:
            e = ["clean", tampered(rng, mirror, today)]
            mirror = clean(json.loads(e[1]), order, today)[0]
        events.append(e)
    return {"start": start, "order": order, "events": events}


@pytest.mark.browser
def test_browser_and_python_schedule_alike_over_random_histories(guarded_page) -> None:
    histories = [random_history(seed) for seed in range(300)]
    guard = guarded_page()
    page = guard.page
    page.set_content("<!doctype html><title>review</title>")
    page.add_script_tag(path=str(REVIEW_JS))
    browser = page.evaluate(f"(hs) => hs.map({REPLAY})", histories)
    compared = 0
    for seed, (history, theirs) in enumerate(zip(histories, browser, strict=True)):
        ours = replay_python(history)
        for step, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert json.loads(json.dumps(a)) == b, (seed, step, history["events"][step])
            compared += 1
    kinds = {e[0] for h in histories for e in h["events"]}
    assert kinds == {"enter", "answer", "advance", "clean"} and compared > 10_000
    # the histories reached every box and the passed state, and the session limit
    reached = {json.loads(t[1])[k]["box"] for h in histories for t in replay_python(h)
               for k in json.loads(t[1])}
    assert reached == set(range(1, PASSED + 1))
    assert any(len(t[2]) == review.SESSION_SIZE for h in histories for t in replay_python(h))
    assert guard.console_errors == [] and guard.external == []


@pytest.mark.browser
def test_the_browser_counts_days_on_the_calendar(guarded_page) -> None:
    """Across month ends, leap days and clock changes (a local-time day is not 24 hours)."""
    guard = guarded_page()
    page = guard.page
    page.set_content("<!doctype html><title>review</title>")
    page.add_script_tag(path=str(REVIEW_JS))
    starts = ["2026-01-31", "2028-02-28", "2026-03-28", "2026-10-24", "2026-12-31", "2027-02-28"]
    cases = [[s, n] for s in starts for n in (0, 1, 2, 4, 8, 16, 31, 366, -1, -16)]
    got = page.evaluate("(cs) => cs.map(([s, n]) => window.immunocourseReview.addDays(s, n))",
                        cases)
    assert got == [add_days(s, n) for s, n in cases]
    local = page.evaluate("() => window.immunocourseReview.day(new Date(2026, 11, 7, 23, 59))")
    assert local == "2026-12-07"
