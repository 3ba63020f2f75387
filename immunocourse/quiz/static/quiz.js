/* Self-check quizzes in the course book (rendered by immunocourse.quiz.sphinx).
 *
 * Each <section class="quiz"> carries its answer key as <script type="application/json"
 * class="quiz-key">. Scoring mirrors immunocourse/quiz/scoring.py exactly (a parity test
 * compares them): single and truefalse all or nothing; numeric full points when
 * |given - answer| <= tolerance (plus a few ulps, see scoring.py); multiple
 * points * max(0, (right - wrong) / right options).
 * No kernel, no network, no framework: plain ES2017 on native form controls, so keyboard
 * and screen-reader behaviour is the browser's own.
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

  function check(fieldset, question) {
    const feedback = fieldset.querySelector(".quiz-feedback");
    const given = readAnswer(fieldset, question);
    if (given === null) {
      const hint = question.type === "numeric" ? "Enter a number first." : "Choose an answer first.";
      setVerdict(feedback, "unanswered", "", hint, "");
      delete feedback.dataset.points;
      return;
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
  }

  function initQuiz(section) {
    if (section.dataset.quizReady) { return; }
    const keyElement = section.querySelector("script.quiz-key");
    if (!keyElement) { return; }
    const key = JSON.parse(keyElement.textContent);
    key.questions.forEach(function (question) {
      const fieldset = document.getElementById(question.dom);
      if (!fieldset) { return; }
      const button = fieldset.querySelector("button.quiz-check");
      button.addEventListener("click", function () { check(fieldset, question); });
      // A verdict that no longer matches the answer on screen would mislead: clear it
      // (the explanation, once read, stays).
      fieldset.addEventListener("input", function () { clearVerdict(fieldset); });
      const number = fieldset.querySelector('input[type="number"]');
      if (number) {
        // Enter in the number field checks, as a one-field form would submit.
        number.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            check(fieldset, question);
          }
        });
      }
    });
    section.dataset.quizReady = "true";
  }

  function initAll() {
    document.querySelectorAll("section.quiz").forEach(initQuiz);
  }

  window.immunocourseQuiz = { score: score };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
