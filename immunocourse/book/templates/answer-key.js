/* Run in the single-page book just before it is printed (immunocourse/book/pdf.py): a cover with
   the disclaimer and the content date, every fold-out opened, figure controls and quiz buttons
   left to the print stylesheet, and an answer key at the end built from each quiz's own key. */
({disclaimer, date}) => {
  const main = document.querySelector("main .bd-article") || document.querySelector("main");
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const cover = el("section", "ic-print-cover");
  cover.append(el("p", "ic-print-title", document.title.split("\u2014")[0].trim()),
               el("p", "ic-disclaimer", disclaimer),
               el("p", "ic-print-date", `Course content as of ${date}.`));
  const header = document.getElementById("jb-print-docs-body");  // the theme's print title + contents
  if (header) header.parentElement.insertBefore(cover, header); else main.prepend(cover);
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  document.querySelectorAll(".toggle-hidden, .cell.tag_hide-output .cell_output")
    .forEach(n => { n.classList.remove("toggle-hidden"); n.hidden = false; });

  const key = el("section", "ic-answer-key");
  key.id = "answer-key";
  key.append(el("h1", "", "Answer key"));
  document.querySelectorAll("section.quiz").forEach(quiz => {
    const script = quiz.querySelector("script.quiz-key");
    if (!script) return;  // a section titled "Quiz" around the quiz itself
    const data = JSON.parse(script.textContent);
    const heading = el("h2");
    const back = el("a", "", quiz.querySelector(".quiz-title").textContent.trim());
    back.href = `#${quiz.id}`;
    heading.append(back);
    const list = el("ol", "ic-answer-list");
    data.questions.forEach(q => {
      const field = document.getElementById(q.dom);
      const labels = [...field.querySelectorAll(".quiz-option label")].map(l => l.textContent.trim());
      let answer;
      if (q.type === "single") answer = labels[q.answer];
      else if (q.type === "multiple") answer = q.answer.map(i => labels[i]).join("; ");
      else if (q.type === "truefalse") answer = q.answer ? "True" : "False";
      else answer = q.tolerance ? `${q.answer} (within ${q.tolerance})` : String(q.answer);
      const item = el("li");
      const link = el("a", "", `Question ${field.querySelector(".quiz-number").textContent.replace(".", "")}`);
      link.href = `#${q.dom}`;
      const why = field.querySelector(".quiz-explanation");
      const explanation = el("div", "ic-answer-explanation");
      explanation.innerHTML = why ? why.innerHTML : "";
      explanation.querySelectorAll("[id]").forEach(n => n.removeAttribute("id"));
      item.append(link, el("strong", "", ` ${answer}. `), explanation);
      list.append(item);
    });
    key.append(heading, list);
  });
  main.append(key);
}
