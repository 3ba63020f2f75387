/* Self-check quizzes in the course book (rendered by immunocourse.quiz.sphinx).
 *
 * Each <section class="quiz"> carries its answer key as <script type="application/json"
 * class="quiz-key">. Scoring mirrors immunocourse/quiz/scoring.py exactly (a parity test
 * compares them): single and truefalse all or nothing; numeric full points when
 * |given - answer| <= tolerance (plus a few ulps, see scoring.py); multiple
 * points * max(0, (right - wrong) / right options).
 * No kernel, no network, no framework: plain ES2017 on native form controls, so keyboard
 * and screen-reader behaviour is the browser's own.
 *
 * Answers persist in this browser only: localStorage key "immunocourse:quiz:<id>:<hash>"
 * holds {"answers": {qid: answer in score()'s form}, "checked": [qid, ...]}. The hash is
 * the bank's (Bank.hash), so a changed bank drops old answers instead of scoring them.
 * Stored data is untrusted: a bad part is dropped, the rest kept, and the quiz says so in
 * one line. Each checked question also enters the spaced review (review.js), kept under
 * "immunocourse:review". Without storage (private mode, blocked, full) the quiz still works.
 */
(function () {
  "use strict";

  /** Score one answer. `given`: option index (single), array of indices (multiple),
   *  boolean (truefalse) or number (numeric). Returns {points, max, correct}. */
  function score(question, given) {
    const max = question.points;
    let points = 0;
    if (question.type === "single" || question.type === "truefalse") {
      points = given === question.answer ? max : 0;
    } else if (question.type === "numeric") {
      // scoring.py's TOLERANCE_SLACK: the same float operations, so 2.9 is in 3.0 ± 0.1
      const slack = 4 * Number.EPSILON *
        Math.max(Math.abs(question.tolerance), Math.abs(question.answer), 1);
      points = Math.abs(given - question.answer) <= question.tolerance + slack ? max : 0;
    } else if (question.type === "multiple") {
      const right = new Set(question.answer);
      const picked = new Set(given);
      let hits = 0;
      let misses = 0;
      picked.forEach(function (i) {
        if (right.has(i)) { hits += 1; } else { misses += 1; }
      });
      // Same operation order as scoring.py, so the floats agree to the last bit.
      const fraction = Math.max(0, (hits - misses) / right.size);
      points = fraction === 1 ? max : max * fraction;
    }
    return { points: points, max: max, correct: points === max };
  }

  /** The student's answer in score()'s form, or null when nothing usable is entered. */
  function readAnswer(fieldset, question) {
    if (question.type === "numeric") {
      const input = fieldset.querySelector('input[type="number"]');
      const value = input ? input.valueAsNumber : NaN;
      return Number.isFinite(value) ? value : null;
    }
    const checked = Array.from(fieldset.querySelectorAll("input:checked"));
    if (checked.length === 0) { return null; }
    if (question.type === "multiple") {
      return checked.map(function (el) { return Number(el.value); });
    }
    if (question.type === "truefalse") { return checked[0].value === "true"; }
    return Number(checked[0].value);
  }

  function formatNumber(x) {
    return String(Math.round(x * 100) / 100);
  }

  function pointsText(result) {
    const unit = result.max === 1 ? "point" : "points";
    return formatNumber(result.points) + " / " + formatNumber(result.max) + " " + unit;
  }

  function setVerdict(feedback, state, icon, label, detail) {
    const verdict = feedback.querySelector(".quiz-verdict");
    verdict.textContent = "";
    if (icon) {
      const mark = document.createElement("span");
      mark.className = "quiz-icon";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = icon;
      verdict.appendChild(mark);
    }
    const strong = document.createElement("strong");
    strong.textContent = label;
    verdict.appendChild(strong);
    if (detail) {
      const span = document.createElement("span");
      span.className = "quiz-points";
      span.textContent = " " + detail;
      verdict.appendChild(span);
    }
    feedback.dataset.state = state;
  }

  function clearVerdict(fieldset) {
    const feedback = fieldset.querySelector(".quiz-feedback");
    feedback.querySelector(".quiz-verdict").textContent = "";
    delete feedback.dataset.state;
    delete feedback.dataset.points;
    delete feedback.dataset.max;
  }

  /** Show the verdict and explanation for what is on screen; the result, or null when
   *  nothing usable is entered. Points always come from the key, never from storage. */
  function check(fieldset, question) {
    const feedback = fieldset.querySelector(".quiz-feedback");
    const given = readAnswer(fieldset, question);
    if (given === null) {
      const hint = question.type === "numeric" ? "Enter a number first." : "Choose an answer first.";
      setVerdict(feedback, "unanswered", "", hint, "");
      delete feedback.dataset.points;
      return null;
    }
    const result = score(question, given);
    feedback.dataset.points = String(result.points);
    feedback.dataset.max = String(result.max);
    if (result.correct) {
      setVerdict(feedback, "correct", "\u2713", "Correct.", pointsText(result));
    } else {
      const state = result.points > 0 ? "partial" : "incorrect";
      setVerdict(feedback, state, "\u2717", "Not quite.", pointsText(result));
    }
    const explanation = feedback.querySelector(".quiz-explanation");
    if (explanation) {
      explanation.hidden = false;
      // MathJax may have measured the hidden text as empty; typeset it again if present.
      if (window.MathJax && typeof window.MathJax.typesetPromise === "function") {
        window.MathJax.typesetPromise([explanation]).catch(function () {});
      }
    }
    return result;
  }

  /** Put a saved answer (already validated) back into the controls. */
  function setAnswer(fieldset, question, given) {
    if (question.type === "numeric") {
      fieldset.querySelector('input[type="number"]').value = String(given);
      return;
    }
    const wanted = question.type === "multiple" ? given.map(String) : [String(given)];
    fieldset.querySelectorAll("input").forEach(function (input) {
      input.checked = wanted.indexOf(input.value) >= 0;
    });
  }

  // --- storage: every access guarded, since private modes throw or refuse to write ---------

  const PREFIX = "immunocourse:";
  const REVIEW_KEY = PREFIX + "review";
  const MAX_CHARS = 100000; // far above any real quiz; a bigger entry is not ours
  const NOT_KEPT = "Your answers are not kept in this browser: they go when you leave the page.";

  function localStore() {
    try {
      const store = window.localStorage;
      if (!store) { return null; }
      const probe = PREFIX + "probe";
      store.setItem(probe, "1"); // a full or read-only store fails here, not mid-quiz
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null;
    }
  }

  let cachedStore;
  function store() {
    if (cachedStore === undefined) { cachedStore = localStore(); }
    return cachedStore;
  }

  function getItem(key) {
    const s = store();
    if (!s) { return null; }
    try { return s.getItem(key); } catch (error) { return null; }
  }

  /** Write; false when the browser refused (full, blocked). */
  function setItem(key, value) {
    const s = store();
    if (!s) { return false; }
    try { s.setItem(key, value); return true; } catch (error) { return false; }
  }

  function removeItem(key) {
    const s = store();
    if (!s) { return; }
    try { s.removeItem(key); } catch (error) { /* nothing more to do */ }
  }

  function storedKeys() {
    const s = store();
    const keys = [];
    if (!s) { return keys; }
    try {
      for (let i = 0; i < s.length; i += 1) {
        const k = s.key(i);
        if (k !== null && k.indexOf(PREFIX) === 0) { keys.push(k); }
      }
    } catch (error) { /* what we have */ }
    return keys;
  }

  function quizKey(quizId, hash) { return PREFIX + "quiz:" + quizId + ":" + hash; }

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function isIndex(value, question) {
    return Number.isInteger(value) && value >= 0 && value < question.options;
  }

  /** Whether a stored value is an answer this question can take, in score()'s form: the
   *  same rule as progress.py's unusable() (an unusable value counts as not answered). */
  function fits(question, value) {
    if (question.type === "single") { return isIndex(value, question); }
    if (question.type === "truefalse") { return typeof value === "boolean"; }
    if (question.type === "numeric") { return typeof value === "number" && Number.isFinite(value); }
    if (question.type === "multiple") {
      return Array.isArray(value) && value.every(function (v) { return isIndex(v, question); });
    }
    return false;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /** A stored entry, checked against the key: {answers, checked, problem}. `problem` is
   *  one line ("" when all was usable); what is usable is kept. */
  function parseEntry(text, questions) {
    const empty = { answers: {}, checked: [], problem: "" };
    if (text === null) { return empty; }
    let data;
    try {
      if (text.length > MAX_CHARS) { throw new Error("too big"); }
      data = JSON.parse(text);
    } catch (error) {
      empty.problem = "Your saved answers to this quiz could not be read, so they were cleared.";
      return empty;
    }
    const byId = new Map(questions.map(function (q) { return [q.id, q]; }));
    const answers = {};
    let dropped = 0;
    const savedAnswers = isPlainObject(data) && isPlainObject(data.answers) ? data.answers : null;
    if (savedAnswers === null) {
      dropped += 1;
    } else {
      Object.keys(savedAnswers).forEach(function (qid) {
        const question = byId.get(qid);
        if (question && fits(question, savedAnswers[qid])) {
          answers[qid] = savedAnswers[qid];
        } else {
          dropped += 1;
        }
      });
    }
    const checked = [];
    const savedChecked = isPlainObject(data) ? data.checked : undefined;
    if (savedChecked !== undefined && !Array.isArray(savedChecked)) {
      dropped += 1;
    } else {
      (savedChecked || []).forEach(function (qid) {
        if (typeof qid === "string" && Object.prototype.hasOwnProperty.call(answers, qid) &&
            checked.indexOf(qid) < 0) {
          checked.push(qid);
        } else {
          dropped += 1;
        }
      });
    }
    const problem = dropped === 0 ? "" : plural(dropped, "saved answer") +
      " to this quiz could not be used, so " + (dropped === 1 ? "it was" : "they were") +
      " dropped.";
    return { answers: answers, checked: checked, problem: problem };
  }

  /** Read a quiz's saved answers, dropping entries of the same quiz under another hash. */
  function loadQuiz(key) {
    const wanted = quizKey(key.quiz, key.hash);
    const problems = [];
    storedKeys().forEach(function (k) {
      if (k !== wanted && k.indexOf(quizKey(key.quiz, "")) === 0) {
        removeItem(k);
        problems.push("Your earlier answers were for an older version of this quiz, " +
          "so they were cleared.");
      }
    });
    const entry = parseEntry(getItem(wanted), key.questions);
    if (entry.problem) { problems.push(entry.problem); }
    entry.problems = problems.filter(function (p, i) { return problems.indexOf(p) === i; });
    return entry;
  }

  function saveQuiz(key, entry) {
    return setItem(quizKey(key.quiz, key.hash),
      JSON.stringify({ answers: entry.answers, checked: entry.checked }));
  }

  /** The review state as stored, or null when there is none or it is unreadable (the
   *  review page cleans it; a lesson page leaves a broken state for it to report). */
  function readReview() {
    const text = getItem(REVIEW_KEY);
    if (text === null) { return { format: 1, cards: {} }; }
    try {
      if (text.length > 2 * MAX_CHARS) { return null; }
      const data = JSON.parse(text);
      return isPlainObject(data) && isPlainObject(data.cards) ? data : null;
    } catch (error) {
      return null;
    }
  }

  function writeReview(cards) {
    const review = window.immunocourseReview;
    return setItem(REVIEW_KEY, JSON.stringify({ format: review ? review.FORMAT : 1, cards: cards }));
  }

  /** First meeting with a question: its card starts in box 1 (wrong) or 2 (right). */
  function enterReview(quizId, qid, correct) {
    const review = window.immunocourseReview;
    const state = readReview();
    if (!review || state === null) { return; }
    if (review.enter(state.cards, quizId + "/" + qid, correct, review.day(new Date()))) {
      writeReview(state.cards);
    }
  }

  /** The quiz's one-line note (storage problems), made on first use. */
  function showNote(section, text) {
    let note = section.querySelector(".quiz-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "quiz-note";
      note.setAttribute("role", "status");
      const title = section.querySelector(".quiz-title");
      section.insertBefore(note, title ? title.nextSibling : section.firstChild);
    }
    if (note.textContent.indexOf(text) < 0) {
      note.textContent = (note.textContent ? note.textContent + " " : "") + text;
    }
  }

  function initQuiz(section) {
    if (section.dataset.quizReady) { return; }
    const keyElement = section.querySelector("script.quiz-key");
    if (!keyElement) { return; }
    const key = JSON.parse(keyElement.textContent);
    const kept = store() !== null;
    const entry = kept ? loadQuiz(key) : { answers: {}, checked: [], problems: [] };
    let saving = kept;
    function save() {
      if (saving && !saveQuiz(key, entry)) {
        saving = false;
        showNote(section, NOT_KEPT);
      }
    }
    key.questions.forEach(function (question) {
      const fieldset = document.getElementById(question.dom);
      if (!fieldset) { return; }
      const button = fieldset.querySelector("button.quiz-check");
      button.addEventListener("click", function () {
        const result = check(fieldset, question);
        if (result === null) { return; }
        if (entry.checked.indexOf(question.id) < 0) { entry.checked.push(question.id); }
        save();
        if (saving) { enterReview(key.quiz, question.id, result.correct); }
      });
      // A verdict that no longer matches the answer on screen would mislead: clear it
      // (the explanation, once read, stays).
      fieldset.addEventListener("input", function () {
        clearVerdict(fieldset);
        const given = readAnswer(fieldset, question);
        if (given === null) { delete entry.answers[question.id]; } else { entry.answers[question.id] = given; }
        entry.checked = entry.checked.filter(function (id) { return id !== question.id; });
        save();
      });
      const number = fieldset.querySelector('input[type="number"]');
      if (number) {
        // Enter in the number field checks, as a one-field form would submit.
        number.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            button.click();
          }
        });
      }
      if (Object.prototype.hasOwnProperty.call(entry.answers, question.id)) {
        setAnswer(fieldset, question, entry.answers[question.id]);
        if (entry.checked.indexOf(question.id) >= 0) { check(fieldset, question); }
      }
    });
    if (!kept) { showNote(section, NOT_KEPT); }
    entry.problems.forEach(function (p) { showNote(section, p); });
    if (entry.problems.length) { save(); } // the cleaned entry replaces the broken one
    section.dataset.quizReady = "true";
  }

  function initAll() {
    document.querySelectorAll("section.quiz").forEach(initQuiz);
  }

  window.immunocourseQuiz = {
    score: score, readAnswer: readAnswer, check: check, setAnswer: setAnswer,
    clearVerdict: clearVerdict, fits: fits, PREFIX: PREFIX, REVIEW_KEY: REVIEW_KEY,
    NOT_KEPT: NOT_KEPT, MAX_CHARS: MAX_CHARS, store: store, getItem: getItem,
    setItem: setItem, removeItem: removeItem, storedKeys: storedKeys, quizKey: quizKey,
    parseEntry: parseEntry, readReview: readReview, writeReview: writeReview,
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
