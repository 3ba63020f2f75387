/* Accessibility and small-screen repairs to the theme's markup, made in the page (never by
 * patching installed packages):
 * - a control whose aria-label leaves out its visible text (the theme's search button shows
 *   "Search Ctrl+K", the fold-out toggles say "Toggle hidden content" over "Show the answer")
 *   is named by its visible text instead (WCAG 2.5.3, axe label-content-name-mismatch);
 * - a table wider than the text column scrolls inside its own focusable, labelled box, so
 *   the page itself never scrolls sideways on a phone. */
(function () {
  "use strict";
  function visibleText(el) { return (el.innerText || "").replace(/\s+/g, " ").trim(); }

  function nameByVisibleText() {
    document.querySelectorAll("button[aria-label], summary[aria-label], a[aria-label]")
      .forEach(function (el) {
        var text = visibleText(el), label = el.getAttribute("aria-label") || "";
        if (text && label.toLowerCase().indexOf(text.toLowerCase()) < 0) {
          el.removeAttribute("aria-label");
        }
      });
  }

  function scrollWideTables() {
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains("ic-table-scroll")) { return; }
      var box = document.createElement("div");
      box.className = "ic-table-scroll";
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = table.querySelector("caption");
      box.setAttribute("aria-label", caption ? visibleText(caption) : "Table");
      parent.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  function repair() { nameByVisibleText(); scrollWideTables(); }
  // Other scripts (the theme's, sphinx-togglebutton) add controls on DOMContentLoaded too.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setTimeout(repair, 0); });
  } else { setTimeout(repair, 0); }
  window.addEventListener("load", nameByVisibleText);
})();
