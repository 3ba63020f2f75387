/* The book's "Your progress" and "Review" pages (immunocourse.quiz.sphinx_study).
 *
 * Progress: the same table as immunocourse/quiz/progress.py (course_progress and
 * progress_html), computed from the answers quiz.js keeps in localStorage; a parity test
 * compares them. Review: the questions due today from review.js's Leitner scheduler.
 * Everything stays in this browser: no request is ever made.
 * Needs review.js and quiz.js (loaded first, deferred in order).
 */
(function () {
  "use strict";

  const quiz = window.immunocourseQuiz;
  const review = window.immunocourseReview;
  const MAX_REVIEW_CHARS = 2 * quiz.MAX_CHARS;
  const NO_STORAGE = "This browser does not let the course keep your answers, " +
    "so there is nothing saved to show.";

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  // --- numbers as Python prints them (progress.py's percent and points) ---------------------

  /** Python's round(): halves go to the even neighbour. */
  function roundHalfEven(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
  }

  function percent(share) { return roundHalfEven(share * 100) + "%"; }

  /** f"{round(value, 2):g}": toFixed rounds the exact binary value as round() does, except
   *  on exact ties (multiples of 1/8), where Python picks the even digit. */
  function points(value) {
    let r = Number(value.toFixed(2));
    if (Number.isInteger(value * 8) && Math.round(value * 1000) % 10 === 5) {
      r = roundHalfEven(value * 100) / 100;
    }
    return String(r);
  }

  // --- progress: progress.py's lesson_progress ----------------------------------------------

  function lessonProgress(lesson, answers, met) {
    const earned = new Map();
    lesson.questions.forEach(function (q) {
      if (has(answers, q.id) && quiz.fits(q, answers[q.id])) {
        earned.set(q.id, quiz.score(q, answers[q.id]).points);
      }
    });
    const sum = function (values) { return values.reduce(function (a, b) { return a + b; }, 0); };
    const objectives = [];
    lesson.objectives.forEach(function (obj) {
      const assessing = lesson.questions.filter(function (q) {
        return q.objectives.indexOf(obj.id) >= 0;
      });
      if (assessing.length === 0) { return; } // practised, not quizzed
      const o = {
        id: obj.id, text: obj.text,
        earned: sum(assessing.map(function (q) { return earned.has(q.id) ? earned.get(q.id) : 0; })),
        possible: sum(assessing.map(function (q) { return q.points; })),
        answered: assessing.filter(function (q) { return earned.has(q.id); }).length,
        questions: assessing.length,
      };
      o.share = o.possible ? o.earned / o.possible : 0;
      o.status = o.answered === 0 ? "not started"
        : (o.answered === o.questions && o.share >= met ? "met" : "not yet");
      objectives.push(o);
    });
    const row = {
      number: lesson.number, quiz: lesson.quiz, title: lesson.title, url: lesson.url,
      answered: earned.size, total: lesson.questions.length,
      earned: sum(Array.from(earned.values())),
      possible: sum(lesson.questions.map(function (q) { return q.points; })),
      objectives: objectives,
    };
    row.status = row.answered === 0 ? "not started"
      : (row.answered === row.total ? "finished" : "started");
    return row;
  }

  function courseProgress(data, answersByQuiz) {
    return data.lessons.map(function (lesson) {
      return lessonProgress(lesson, answersByQuiz[lesson.quiz] || {}, data.met);
    });
  }

  function element(tag, attributes, text) {
    const el = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { el.setAttribute(k, attributes[k]); });
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  /** progress_html(rows, link="book"), as DOM. */
  function progressTable(rows) {
    const table = element("table", { class: "immunocourse-progress" });
    table.appendChild(element("caption", {}, "Your progress, lesson by lesson"));
    const head = element("tr");
    ["Lesson", "Quiz", "Score", "Learning objectives"].forEach(function (h) {
      head.appendChild(element("th", { scope: "col" }, h));
    });
    table.appendChild(element("thead")).appendChild(head);
    const body = table.appendChild(element("tbody"));
    rows.forEach(function (row) {
      const tr = body.appendChild(element("tr", { "data-quiz": row.quiz }));
      tr.appendChild(element("th", { scope: "row" }))
        .appendChild(element("a", { href: row.url }, row.number + ". " + row.title));
      tr.appendChild(element("td", {}, row.status + " (" + row.answered + " of " + row.total + ")"));
      tr.appendChild(element("td", {},
        row.answered ? points(row.earned) + " / " + points(row.possible) : "\u2013"));
      const list = tr.appendChild(element("td")).appendChild(element("ul"));
      row.objectives.forEach(function (o) {
        const li = list.appendChild(element("li", { "data-objective": o.id }, o.text + ": "));
        li.appendChild(element("strong", {}, o.status));
        li.appendChild(document.createTextNode(" (" + percent(o.share) + ", " + o.answered +
          " of " + o.questions + " question" + (o.questions !== 1 ? "s" : "") + " answered)"));
      });
    });
    return table;
  }

  // --- what this browser keeps --------------------------------------------------------------

  /** Each lesson's saved entry under its current hash: {quiz id: {answers, checked, problem}}. */
  function savedEntries(data) {
    const entries = {};
    data.lessons.forEach(function (lesson) {
      entries[lesson.quiz] = quiz.parseEntry(quiz.getItem(quiz.quizKey(lesson.quiz, lesson.hash)),
        lesson.questions);
    });
    return entries;
  }

  function answersOf(entries) {
    const answers = {};
    Object.keys(entries).forEach(function (id) { answers[id] = entries[id].answers; });
    return answers;
  }

  /** The review state, cleaned: {cards, problems}. Never throws, whatever is stored. */
  function loadCards(known, today) {
    const text = quiz.getItem(quiz.REVIEW_KEY);
    if (text === null) { return { cards: {}, problems: [] }; }
    let data;
    try {
      if (text.length > MAX_REVIEW_CHARS) {
        return { cards: {}, problems: ["the saved review was too big to be ours; it starts afresh"] };
      }
      data = JSON.parse(text);
    } catch (error) {
      return { cards: {}, problems: ["the saved review could not be read; it starts afresh"] };
    }
    const cleaned = review.clean(data, known, today);
    return { cards: cleaned[0], problems: cleaned[1] };
  }

  function setNote(root, lines) {
    const note = root.querySelector(".study-note");
    note.textContent = lines.join(" ");
  }

  // --- the progress page ----------------------------------------------------------------------

  function download(data, entries, rows, cards) {
    const answers = {};
    data.lessons.forEach(function (lesson) {
      const e = entries[lesson.quiz];
      if (Object.keys(e.answers).length) {
        answers[lesson.quiz] = { hash: lesson.hash, answers: e.answers, checked: e.checked };
      }
    });
    const progress = rows.map(function (row) {
      return {
        lesson: row.number, quiz: row.quiz, title: row.title, status: row.status,
        answered: row.answered, questions: row.total, earned: row.earned, possible: row.possible,
        objectives: row.objectives.map(function (o) {
          return { id: o.id, text: o.text, status: o.status, earned: o.earned,
                   possible: o.possible, answered: o.answered, questions: o.questions };
        }),
      };
    });
    const file = { format: 1, saved: new Date().toISOString(), answers: answers,
                   progress: progress, review: { format: review.FORMAT, cards: cards } };
    const blob = new Blob([JSON.stringify(file, null, 2)], { type: "application/json" });
    const link = element("a", { href: URL.createObjectURL(blob),
      download: "immunocourse-progress-" + review.day(new Date()) + ".json" });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
  }

  function initProgress(root, data) {
    const box = root.querySelector(".study-table");
    const today = review.day(new Date());
    const known = [];
    data.lessons.forEach(function (l) {
      l.questions.forEach(function (q) { known.push(l.quiz + "/" + q.id); });
    });
    let entries, rows;
    function render(extra) {
      entries = savedEntries(data);
      rows = courseProgress(data, answersOf(entries));
      box.textContent = "";
      box.appendChild(progressTable(rows));
      const lines = quiz.store() ? [] : [NO_STORAGE];
      data.lessons.forEach(function (l) {
        if (entries[l.quiz].problem) { lines.push("Lesson " + l.number + ": " + entries[l.quiz].problem); }
      });
      setNote(root, lines.concat(extra || []));
    }
    render();
    root.querySelector(".study-download").addEventListener("click", function () {
      download(data, entries, rows, loadCards(known, today).cards);
    });
    root.querySelector(".study-forget").addEventListener("click", function () {
      if (!window.confirm("Forget every answer and review card kept in this browser? " +
                          "This cannot be undone.")) {
        render(["Nothing was forgotten."]);
        return;
      }
      quiz.storedKeys().forEach(quiz.removeItem);
      render(["Your answers are forgotten."]);
    });
    root.querySelector(".study-actions").hidden = false;
  }

  // --- the review page ------------------------------------------------------------------------

  function daysBetween(from, to) {
    const a = from.split("-").map(Number);
    const b = to.split("-").map(Number);
    return Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 864e5);
  }

  function when(today, due) {
    const days = daysBetween(today, due);
    return days === 1 ? "tomorrow" : "in " + days + " days";
  }

  function dueText(n) {
    return n === 1 ? "1 question due today" : n + " questions due today";
  }

  function initReview(root, data) {
    const today = review.day(new Date());
    const order = [];
    const byKey = new Map();
    data.lessons.forEach(function (lesson) {
      lesson.questions.forEach(function (q) {
        const key = lesson.quiz + "/" + q.id;
        order.push(key);
        byKey.set(key, { lesson: lesson, question: q });
      });
    });
    const lines = [];
    const kept = quiz.store() !== null;
    const loaded = loadCards(order, today);
    const cards = loaded.cards;
    let changed = loaded.problems.length > 0;
    if (loaded.problems.length) {
      const more = loaded.problems.length - 1;
      lines.push(capital(loaded.problems[0]) + (more ? " (and " + more + " more)" : "") + ".");
    }
    // Questions answered in a lesson before their card existed (or after a reset) join now,
    // checked or not, as the notebook's Review does from answers.json (study.sync).
    const entries = savedEntries(data);
    data.lessons.forEach(function (lesson) {
      const entry = entries[lesson.quiz];
      lesson.questions.forEach(function (q) {
        if (!Object.prototype.hasOwnProperty.call(entry.answers, q.id)) { return; }
        const correct = quiz.score(q, entry.answers[q.id]).correct;
        changed = review.enter(cards, lesson.quiz + "/" + q.id, correct, today) || changed;
      });
    });
    let saving = kept;
    function save() {
      if (saving && !quiz.writeReview(cards)) {
        saving = false;
        lines.push(quiz.NOT_KEPT);
        setNote(root, lines);
      }
    }
    if (!kept) { lines.push(NO_STORAGE); }
    if (changed) { save(); }
    setNote(root, lines);

    const dueKeys = review.due(cards, today, order);
    const count = root.querySelector(".review-count");
    const session = root.querySelector(".review-session");
    const next = root.querySelector(".review-next");
    let done = 0;
    function showCount() {
      count.textContent = dueKeys.length === 0 ? "Nothing is due today."
        : dueText(dueKeys.length) + (done ? ", " + done + " done." : ".");
    }
    showCount();
    if (dueKeys.length === 0) {
      const first = review.nextDue(cards, today, order);
      const p = next.appendChild(element("p", {}, first
        ? "The next question is due " + when(today, first) + ". "
        : "No questions are waiting. Each question you check in a lesson quiz joins the review. "));
      p.appendChild(element("a", { href: data.lessons[0].url }, "Go to the lessons"));
      p.appendChild(document.createTextNode("."));
    }
    dueKeys.forEach(function (key, i) {
      const item = byKey.get(key);
      const question = item.question;
      const fieldset = document.getElementById(question.dom);
      const wrapper = session.appendChild(element("div", { class: "review-item" }));
      wrapper.appendChild(element("p", { class: "review-from" },
        "From lesson " + item.lesson.number + ": " + item.lesson.title));
      wrapper.appendChild(fieldset);
      fieldset.querySelector(".quiz-number").textContent = (i + 1) + ".";
      const sr = fieldset.querySelector("button.quiz-check .quiz-sr-only");
      if (sr) { sr.textContent = " question " + (i + 1); }
      const button = fieldset.querySelector("button.quiz-check");
      const feedback = fieldset.querySelector(".quiz-feedback");
      let answered = false;
      function checkIt() {
        if (answered) { return; }
        const result = quiz.check(fieldset, question);
        if (result === null) { return; }
        answered = true;
        const card = review.record(cards, key, result.correct, today);
        save();
        const line = card.box === review.PASSED ? "Passed: it leaves the review."
          : "Next review: " + when(today, card.due) + ".";
        feedback.appendChild(element("p", { class: "review-when" }, line));
        // Done for this session; focus stays in the question so the keyboard keeps its place.
        feedback.setAttribute("tabindex", "-1");
        feedback.focus();
        fieldset.querySelectorAll("input, button").forEach(function (c) { c.disabled = true; });
        done += 1;
        showCount();
      }
      button.addEventListener("click", checkIt);
      fieldset.addEventListener("input", function () { quiz.clearVerdict(fieldset); });
      const number = fieldset.querySelector('input[type="number"]');
      if (number) {
        number.addEventListener("keydown", function (event) {
          if (event.key === "Enter") { event.preventDefault(); checkIt(); }
        });
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-study]").forEach(function (root) {
      if (root.dataset.studyReady) { return; }
      const data = JSON.parse(root.querySelector("script.study-data").textContent);
      if (root.dataset.study === "progress") { initProgress(root, data); } else { initReview(root, data); }
      root.dataset.studyReady = "true";
    });
  }

  window.immunocourseStudy = {
    courseProgress: courseProgress, progressTable: progressTable, percent: percent,
    points: points,
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
