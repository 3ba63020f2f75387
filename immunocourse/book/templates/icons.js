/* Icons of the course book, filled in by immunocourse/book/ext/icons.py: the Font Awesome
   icons its pages use (from the theme's own bundle), drawn as inline SVG. Decorative: every
   icon's control carries its own label, so the SVG is hidden from assistive technology. */
(function () {
  "use strict";
  var ICONS = /*ICONS*/{}, NS = "http://www.w3.org/2000/svg";
  function draw(root) {
    root.querySelectorAll("i[class*='fa-'], span[class*='fa-']").forEach(function (i) {
      var name = null;
      i.classList.forEach(function (c) {
        if (c.indexOf("fa-") === 0 && ICONS[c.slice(3)]) { name = c.slice(3); }
      });
      if (!name) { return; }
      var d = ICONS[name], svg = document.createElementNS(NS, "svg");
      var path = document.createElementNS(NS, "path");
      svg.setAttribute("viewBox", "0 0 " + d[0] + " " + d[1]);
      svg.setAttribute("class", "svg-inline--fa " + i.className);
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      Object.keys(i.dataset).forEach(function (k) { svg.dataset[k] = i.dataset[k]; });
      path.setAttribute("fill", "currentColor");
      path.setAttribute("d", d[2]);
      svg.appendChild(path);
      i.replaceWith(svg);
    });
  }
  function start() {
    draw(document);
    new MutationObserver(function () { draw(document); })
      .observe(document.body, {childList: true, subtree: true});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
