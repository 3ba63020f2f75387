/* Course figures in the static book (see immunocourse/figures/display.py, which calls this).
 * layout(el, base): fit a plotly layout to the width it is drawn in; on a phone the title
 *   wraps, the legend goes below the plot and the figure grows to make room.
 * controls(el, spec): give every plotly slider and button row a native, labelled,
 *   keyboard-operable control (plotly draws its own in SVG, which no keyboard can reach).
 * Frames are computed at build time: nothing here runs a kernel or fetches anything. */
(function () {
  "use strict";
  var NARROW = 640;

  function wrap(text, perLine) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > perLine) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.join("<br>");
  }

  function legendItems(data) {
    return (data || []).filter(function (t) { return t.showlegend !== false && t.name; }).length;
  }

  function layout(el, base, data) {
    var out = JSON.parse(JSON.stringify(base || {}));
    var width = el.clientWidth || 800;
    delete out.width;
    out.autosize = true;
    if (width >= NARROW) { return out; }
    var title = out.title || {};
    if (typeof title === "string") { title = {text: title}; }
    var lines = 0;
    if (title.text) {
      title.text = String(title.text).indexOf("<br>") < 0
        ? wrap(title.text, Math.max(24, Math.floor(width / 9))) : title.text;
      lines = title.text.split("<br>").length;
    }
    out.title = Object.assign({}, title, {x: 0.02, xanchor: "left", font: {size: 14},
      yref: "container", y: 1, yanchor: "top", pad: {t: 8}});
    var rows = Math.ceil(legendItems(data) / 2);
    var legendTitle = Object.assign({}, (out.legend || {}).title || {}, {side: "top"});
    out.legend = Object.assign({}, out.legend || {}, {title: legendTitle,
      orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom"});
    if (legendTitle.text) { rows += 1; }
    // Subplot titles are paper annotations: wrap them like the title, in a smaller font.
    var perLine = Math.max(30, Math.floor(width / 7.5)), topNote = 0;
    (out.annotations || []).forEach(function (a) {
      if (!a.text) { return; }
      a.font = Object.assign({}, a.font || {}, {size: 11});
      if (String(a.text).length > perLine && String(a.text).indexOf("<br>") < 0) {
        a.text = wrap(a.text, perLine);
      }
      if (a.yref === "paper" && a.y >= 0.99) { topNote = 16 * String(a.text).split("<br>").length; }
    });
    // The page's own labelled slider (controls, below) replaces plotly's on a phone.
    (out.sliders || []).forEach(function (s) { s.visible = false; });
    var bottom = 70 + rows * 24;
    out.margin = Object.assign({}, out.margin || {}, {l: 56, r: 12, t: 30 + 18 * lines + topNote, b: bottom});
    out.height = (out.height || 450) + rows * 24 + 18 * lines;
    return out;
  }

  function apply(el, step) {
    if (step.method === "animate") {
      return Plotly.animate(el, step.args[0], {mode: "immediate",
        frame: {duration: 0, redraw: true}, transition: {duration: 0}});
    }
    return Plotly[step.method].apply(Plotly, [el].concat(step.args || []));
  }

  function describe(el) {
    // A frame may carry its own text alternative in layout.meta.alt: keep the label in step.
    var meta = el.layout && el.layout.meta;
    if (meta && meta.alt) {
      el.setAttribute("aria-label", meta.alt);
      var p = document.getElementById(el.id + "-alt");
      if (p) { p.textContent = meta.alt; }
    }
    var box = el.previousElementSibling, live = box && box.querySelector(".ic-figure-status");
    if (live && meta && meta.status) { live.textContent = meta.status; }
  }

  function labelOf(control, fallback) {
    var name = control.name || (control.currentvalue && control.currentvalue.prefix) || fallback;
    return String(name).replace(/[:\s]+$/, "");
  }

  function slider(el, spec, k, box) {
    var s = spec.layout.sliders[k], steps = s.steps || [];
    var id = el.id + "-slider-" + k;
    var row = document.createElement("div");
    row.className = "ic-figure-control";
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = labelOf(s, "Step");
    var input = document.createElement("input");
    input.type = "range"; input.id = id; input.min = "0"; input.max = String(steps.length - 1);
    input.step = "1"; input.value = String(s.active || 0);
    var out = document.createElement("output");
    out.setAttribute("for", id);
    function show(i) {
      var text = steps[i] ? String(steps[i].label) : "";
      out.textContent = text;
      input.setAttribute("aria-valuetext", text);
    }
    show(Number(input.value));
    input.addEventListener("input", function () {
      var i = Number(input.value), update = {};
      show(i);
      update["sliders[" + k + "].active"] = i;
      Promise.resolve(apply(el, steps[i]))
        .then(function () { return Plotly.relayout(el, update); })
        .then(function () { describe(el); });
    });
    el.on("plotly_sliderchange", function (e) {
      if (e.slider === el._fullLayout.sliders[k]._input || e.slider._index === k) {
        input.value = String(e.step._index); show(e.step._index);
        setTimeout(function () { describe(el); }, 0);
      }
    });
    row.appendChild(label); row.appendChild(input); row.appendChild(out);
    box.appendChild(row);
  }

  function buttons(el, spec, k, box) {
    var menu = spec.layout.updatemenus[k];
    if (menu.type && menu.type !== "buttons") { return; }
    var group = document.createElement("div");
    group.className = "ic-figure-control ic-figure-buttons";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", labelOf(menu, "Options"));
    var caption = document.createElement("span");
    caption.className = "ic-figure-control-label";
    caption.textContent = labelOf(menu, "Options");
    caption.setAttribute("aria-hidden", "true");
    group.appendChild(caption);
    var all = [];
    (menu.buttons || []).forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ic-figure-button";
      button.textContent = b.label;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        all.forEach(function (x) { x.setAttribute("aria-pressed", String(x === button)); });
        Promise.resolve(apply(el, b)).then(function () { describe(el); });
      });
      all.push(button);
      group.appendChild(button);
    });
    box.appendChild(group);
  }

  function controls(el, spec) {
    var layoutSpec = spec.layout || {};
    var n = (layoutSpec.sliders || []).length + (layoutSpec.updatemenus || []).length;
    if (!n) { return; }
    var box = document.createElement("div");
    box.className = "ic-figure-controls";
    (layoutSpec.sliders || []).forEach(function (_, k) { slider(el, spec, k, box); });
    (layoutSpec.updatemenus || []).forEach(function (_, k) { buttons(el, spec, k, box); });
    // Plotly's own SVG buttons are not focusable: the native ones above replace them.
    if ((layoutSpec.updatemenus || []).length) {
      var hide = {};
      layoutSpec.updatemenus.forEach(function (_, k) { hide["updatemenus[" + k + "].visible"] = false; });
      Plotly.relayout(el, hide);
    }
    var live = document.createElement("p");
    live.className = "ic-figure-status";
    live.setAttribute("role", "status");
    box.appendChild(live);
    el.parentNode.insertBefore(box, el);
    el.on("plotly_animated", function () { describe(el); });
  }

  window.immunocourseFigure = {layout: layout, controls: controls};
})();
