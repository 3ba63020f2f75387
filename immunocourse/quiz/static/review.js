/* Spaced review: the Leitner scheduler of immunocourse/quiz/review.py, line for line.
 *
 * Cards are {"<quiz-id>/<question-id>": {box: 1-6, due: "YYYY-MM-DD"}}; box 6 is passed.
 * Wrong in the lesson quiz: box 1, due that day. Right: box 2, due in 2 days. In the review,
 * right moves a card up a box (intervals 1, 2, 4, 8, 16 days), right in box 5 passes it,
 * wrong sends it back to box 1, due the next day. tests/test_review.py runs this file and
 * review.py over many random histories and compares every state.
 * Days are ISO date strings, always passed in: the clock belongs to the caller.
 */
(function () {
  "use strict";

  const INTERVALS = [1, 2, 4, 8, 16];
  const PASSED = INTERVALS.length + 1;
  const SESSION_SIZE = 10;
  const FORMAT = 1;
  const KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  const EARLIEST_YEAR = 2000;

  function pad(n, width) { return String(n).padStart(width, "0"); }

  /** A Date's local calendar day as YYYY-MM-DD (a student's "today" is their own). */
  function day(date) {
    return pad(date.getFullYear(), 4) + "-" + pad(date.getMonth() + 1, 2) + "-" +
      pad(date.getDate(), 2);
  }

  function addDays(iso, days) {
    const parts = iso.split("-").map(Number);
    const d = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + days));
    return pad(d.getUTCFullYear(), 4) + "-" + pad(d.getUTCMonth() + 1, 2) + "-" +
      pad(d.getUTCDate(), 2);
  }

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function enter(cards, key, correct, today) {
    if (has(cards, key)) { return false; }
    const box = correct ? 2 : 1;
    cards[key] = { box: box, due: correct ? addDays(today, INTERVALS[1]) : today };
    return true;
  }

  function record(cards, key, correct, today) {
    const box = has(cards, key) ? Number(cards[key].box) : 1;
    let card;
    if (!correct) {
      card = { box: 1, due: addDays(today, INTERVALS[0]) };
    } else if (box >= INTERVALS.length) {
      card = { box: PASSED, due: today };
    } else {
      card = { box: box + 1, due: addDays(today, INTERVALS[box]) };
    }
    cards[key] = card;
    return card;
  }

  function compare(a, b) { return a < b ? -1 : (a > b ? 1 : 0); }

  function due(cards, today, order, limit) {
    const size = limit === undefined ? SESSION_SIZE : limit;
    const rank = new Map(order.map(function (k, i) { return [k, i]; }));
    const ready = Object.keys(cards).filter(function (k) {
      const c = cards[k];
      return rank.has(k) && c.box < PASSED && c.due <= today;
    });
    ready.sort(function (a, b) {
      return compare(cards[a].due, cards[b].due) || compare(cards[a].box, cards[b].box) ||
        compare(rank.get(a), rank.get(b));
    });
    return ready.slice(0, size);
  }

  function nextDue(cards, today, order) {
    const known = new Set(order);
    let first = null;
    Object.keys(cards).forEach(function (k) {
      const c = cards[k];
      if (known.has(k) && c.box < PASSED && c.due > today && (first === null || c.due < first)) {
        first = c.due;
      }
    });
    return first;
  }

  function typeName(value) {
    // Python's names for JSON's types, so both sides print the same line.
    if (value === null) { return "NoneType"; }
    if (Array.isArray(value)) { return "list"; }
    if (typeof value === "string") { return "str"; }
    if (typeof value === "boolean") { return "bool"; }
    if (typeof value === "number") { return Number.isInteger(value) ? "int" : "float"; }
    return typeof value === "object" ? "dict" : typeof value;
  }

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function realDate(iso) {
    const parts = iso.split("-").map(Number);
    const d = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    return d.getUTCFullYear() === parts[0] && d.getUTCMonth() === parts[1] - 1 &&
      d.getUTCDate() === parts[2] && parts[0] >= EARLIEST_YEAR;
  }

  function badCard(key, card, known, latest) {
    if (!KEY.test(key) || !known.has(key)) { return "not a question of the course"; }
    if (!isPlainObject(card)) { return "not a card"; }
    const box = card.box;
    if (typeof box !== "number" || !Number.isInteger(box) || box < 1 || box > PASSED) {
      return "box is not 1 to 6";
    }
    const when = card.due;
    if (typeof when !== "string" || !DATE.test(when) || !realDate(when)) {
      return "date is not YYYY-MM-DD";
    }
    if (when > latest) { return "date too far ahead"; }
    return "";
  }

  function clean(data, known, today) {
    if (!isPlainObject(data) || !isPlainObject(data.cards)) {
      const shown = isPlainObject(data) ? typeName(data.cards === undefined ? null : data.cards)
        : typeName(data);
      return [{}, ["the saved review is not a set of cards (" + shown + "); it starts afresh"]];
    }
    const knownSet = new Set(known);
    const latest = addDays(today, Math.max.apply(null, INTERVALS));
    const cards = {};
    const dropped = new Map();
    Object.keys(data.cards).forEach(function (key) {
      const card = data.cards[key];
      const why = badCard(key, card, knownSet, latest);
      if (why) {
        if (!dropped.has(why)) { dropped.set(why, []); }
        dropped.get(why).push(key.slice(0, 80));
      } else {
        cards[key] = { box: card.box, due: card.due };
      }
    });
    const problems = [];
    dropped.forEach(function (keys, why) {
      const many = keys.length !== 1;
      problems.push(keys.length + " saved review card" + (many ? "s " : " ") +
        (many ? "were" : "was") + " reset (" + why + ": " + keys.slice(0, 3).join(", ") +
        (keys.length > 3 ? ", ..." : "") + ")");
    });
    return [cards, problems];
  }

  window.immunocourseReview = {
    INTERVALS: INTERVALS, PASSED: PASSED, SESSION_SIZE: SESSION_SIZE, FORMAT: FORMAT,
    day: day, addDays: addDays, enter: enter, record: record, due: due, nextDue: nextDue,
    clean: clean,
  };
})();
