"""Interactive explorers for the notebooks: sliders that update a plotly FigureWidget in place.

Each explorer has ``update(...)``, callable without a browser (the sliders call it too), which
recomputes and writes the new data into the existing traces inside ``batch_update`` rather
than rebuilding the figure. ``explorer.widget`` is what a notebook displays. All data are
simulated. Plotly 7's ``FigureWidget`` needs the ``anywidget`` package.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from immunocourse.figures import plots
from immunocourse.science import simulate, tumour_model
from immunocourse.science.response import IRECIST_LABELS, RECIST_LABELS, classify


class _Explorer:
    """Shared plumbing: sliders call ``update``; ``update`` moves sliders without looping."""

    figure: go.FigureWidget
    controls: dict[str, widgets.ValueWidget]

    def _wire(self) -> None:
        self._syncing = False
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self._on_control(name, change), "value")

    def _on_control(self, name: str, change: dict) -> None:
        if not self._syncing:
            self.update(**{name: change["new"]})

    def _sync_controls(self, values: dict) -> None:
        self._syncing = True
        try:
            for name, value in values.items():
                if self.controls[name].value != value:
                    self.controls[name].value = value
        finally:
            self._syncing = False


class TumourModelExplorer(_Explorer):
    """Kuznetsov model under an immune boost, with the course's apparent lesion diameter.

    Sliders: effector supply boost, killing boost, infiltration factor. The apparent diameter
    is a course illustration, not a published model (see ``tumour_model.apparent_diameter``).
    """

    def __init__(self, supply_boost: float = 3.0, kill_boost: float = 1.0,
                 infiltration: float = 1000.0, days: float = 365.0,
                 baseline_mm: float = 40.0) -> None:
        self.days, self.baseline_mm = days, baseline_mm
        self.values = {"supply_boost": supply_boost, "kill_boost": kill_boost,
                       "infiltration": infiltration}
        traj = tumour_model.treat(days, supply_boost, kill_boost)
        self.figure = go.FigureWidget(
            plots.kuznetsov_time_course(traj, infiltration, baseline_mm))
        style = {"description_width": "initial"}
        layout = widgets.Layout(width="32%")
        self.controls = {
            "supply_boost": widgets.FloatSlider(
                value=supply_boost, min=1.0, max=10.0, step=0.5, style=style, layout=layout,
                description="Immune boost (effector supply x)"),
            "kill_boost": widgets.FloatSlider(
                value=kill_boost, min=1.0, max=3.0, step=0.25, style=style, layout=layout,
                description="Killing boost (x)"),
            "infiltration": widgets.FloatSlider(
                value=infiltration, min=0.0, max=3000.0, step=100.0, style=style, layout=layout,
                description="Infiltration (volume per effector)"),
        }
        self.caption = widgets.HTML(self._caption())
        self.widget = widgets.VBox([widgets.HBox(list(self.controls.values())), self.figure,
                                    self.caption])
        self._wire()

    def update(self, supply_boost: float | None = None, kill_boost: float | None = None,
               infiltration: float | None = None) -> None:
        """Re-solve the model with the given settings and refresh the traces in place."""
        given = {"supply_boost": supply_boost, "kill_boost": kill_boost,
                 "infiltration": infiltration}
        self.values.update({k: float(v) for k, v in given.items() if v is not None})
        v = self.values
        traj = tumour_model.treat(self.days, v["supply_boost"], v["kill_boost"])
        diameter = tumour_model.apparent_diameter(traj, v["infiltration"], self.baseline_mm)
        alt = plots.time_course_alt(traj, diameter, v["infiltration"], self.baseline_mm)
        with self.figure.batch_update():
            self.figure.data[0].y = traj.tumour
            self.figure.data[1].y = traj.effectors
            self.figure.data[2].y = diameter
            self.figure.layout.meta = {"alt": alt}
        self._sync_controls(self.values)
        self.caption.value = self._caption()

    def _caption(self) -> str:
        return f"<p><em>Simulated.</em> {html.escape(plots.alt_text(self.figure))}</p>"


class CohortExplorer(_Explorer):
    """Spider plot of a simulated cohort; sliders for cohort size, seed and scan interval."""

    def __init__(self, n: int = 60, seed: int = 1, scan_interval_weeks: int = 8,
                 arm: str = "immunotherapy", criteria: str = "irecist") -> None:
        self.criteria = criteria
        self.values = {"n": n, "seed": seed, "scan_interval_weeks": scan_interval_weeks,
                       "arm": arm}
        patients, results = self._compute()
        self.figure = go.FigureWidget(plots.spider_plot(patients, results))
        self._labels = [trace.name for trace in self.figure.data]
        style = {"description_width": "initial"}
        lo, hi = simulate.SCAN_INTERVAL_RANGE
        self.controls = {
            "n": widgets.IntSlider(value=n, min=10, max=300, step=10, style=style,
                                   description="Cohort size"),
            "seed": widgets.IntSlider(value=seed, min=0, max=99, style=style,
                                      description="Random seed"),
            "scan_interval_weeks": widgets.IntSlider(
                value=scan_interval_weeks, min=lo, max=hi, style=style,
                description="Weeks between scans"),
            "arm": widgets.ToggleButtons(options=list(simulate.ARMS), value=arm,
                                         description="Arm"),
        }
        self.caption = widgets.HTML()
        self._show(patients, results)
        self.widget = widgets.VBox([widgets.HBox(list(self.controls.values())[:3]),
                                    self.controls["arm"], self.figure, self.caption])
        self._wire()

    def _compute(self) -> tuple[tuple[simulate.VirtualPatient, ...], list[dict]]:
        v = self.values
        cohort = simulate.simulate_cohort(
            int(v["n"]), arm=v["arm"], seed=int(v["seed"]),
            scan_interval_weeks=int(v["scan_interval_weeks"]), criteria=self.criteria)
        return cohort.patients, [classify(p.document) for p in cohort.patients]

    def update(self, n: int | None = None, seed: int | None = None,
               scan_interval_weeks: int | None = None, arm: str | None = None) -> None:
        """Re-simulate and re-classify the cohort, then refresh the spider traces in place."""
        given = {"n": n, "seed": seed, "scan_interval_weeks": scan_interval_weeks, "arm": arm}
        self.values.update({k: val for k, val in given.items() if val is not None})
        patients, results = self._compute()
        self._show(patients, results)
        self._sync_controls(self.values)

    def _show(self, patients, results) -> None:
        data = plots.spider_data(patients, results)
        fresh = plots.spider_alt(patients, results)
        with self.figure.batch_update():
            for trace in self.figure.data:
                xs, ys, texts = data.get(trace.name, ([], [], []))
                trace.x, trace.y, trace.text = xs, ys, texts
            self.figure.layout.meta = {"alt": fresh}
        self.caption.value = f"<p>{html.escape(fresh)}</p>"
        self.results = results
        self.patients = patients


@dataclass(frozen=True)
class Feedback:
    """The engine's verdict on a student's answer."""

    correct: bool
    answer: str
    expected: str
    explanation: str


def explain(document: dict, result: dict, index: int) -> str:
    """Why the engine gave follow-up ``index`` (0-based) its label, in one or two sentences,
    e.g. "sum 51 mm rose 24.4% over the nadir of 41 mm and by 10 mm: PD"."""
    tp = result["timepoints"][index]
    label = tp["response"]
    core = label.removeprefix("i")
    targets = document["baseline"]["targets"]
    base = sum(t["mm"] for t in targets)
    sums = [base] + [sum(f["targets"].values()) for f in document["followups"][: index + 1]]
    nadir = min(sums[:-1])
    total = sums[-1]
    followup = document["followups"][index]
    seen_before = {x["id"] for f in document["followups"][:index] for x in f["new_lesions"]}
    new = list(followup.get("new_lesions", []))
    fresh = [x for x in new if x["id"] not in seen_before]
    rise_mm = total - nadir
    nadir_pct = tp["change_from_nadir_pct"]
    base_pct = tp["change_from_baseline_pct"]
    target_pd = total >= 1.2 * nadir and rise_mm >= 5
    if core == "NE":
        return "not every target lesion was measured and nothing shows progression: NE"
    if label == "iCPD":
        return _explain_confirmed(document, result, index)
    reasons = []
    if fresh:
        names = ", ".join(f"{x['id']} ({x['mm']} mm)" for x in fresh)
        reasons.append(f"new lesion {names} appeared; any new lesion is progression")
    elif new and core in ("PD", "UPD"):
        names = ", ".join(x["id"] for x in new)
        reasons.append(f"new lesion {names} is still present")
    if followup.get("nontarget") == "PD":
        reasons.append("non-target lesions progressed unequivocally")
    if target_pd:
        reasons.append(
            f"sum {total} mm rose {nadir_pct:.1f}% over the nadir of {nadir} mm and by "
            f"{rise_mm} mm (progression needs both +20% and +5 mm)")
    if core in ("PD", "UPD"):
        text = "; ".join(reasons) + f": {label}"
        if label == "iUPD":
            text += (" (iRECIST: progression stays unconfirmed until the next scan, 4-8 weeks "
                     "later, confirms it or shows it has not continued)")
        return text
    if core == "CR":
        return ("every non-nodal target lesion has gone (0 mm) and every target lymph node is "
                f"under 10 mm short axis, with no non-target disease left: {label}")
    sizes = followup["targets"]
    target_cr = all(sizes[t["id"]] < 10 if t["node"] else sizes[t["id"]] == 0 for t in targets)
    if core == "PR" and target_cr:
        return ("every target lesion has gone (nodes under 10 mm short axis) but non-target "
                f"disease remains ({followup.get('nontarget')}): {label}")
    if core == "PR":
        return (f"sum {total} mm is {base_pct:.1f}% from the baseline sum of {base} mm "
                f"(partial response needs -30% or more), without progression: {label}")
    rise_txt = (f"{nadir_pct:+.1f}% and {rise_mm:+d} mm from the nadir of {nadir} mm"
                if nadir_pct is not None else f"{rise_mm:+d} mm from the nadir of {nadir} mm")
    return (f"sum {total} mm is {base_pct:+.1f}% from the baseline sum of {base} mm (partial "
            f"response needs -30% or more) and {rise_txt} (progression needs +20% and +5 mm): "
            f"{label}")


def _explain_confirmed(document: dict, result: dict, index: int) -> str:
    """Which iRECIST confirmation rule turned the open iUPD into iCPD (Seymour 2017)."""
    labels = [tp["response"] for tp in result["timepoints"]]
    if "iCPD" in labels[:index] or "iUPD" not in labels[:index]:
        return "progression was confirmed at an earlier scan and iCPD is final: iCPD"
    opened = index - 1  # the window opened at the first iUPD of the run before this scan
    while opened > 0 and labels[opened - 1] in ("iUPD", "NE"):
        opened -= 1
    while labels[opened] != "iUPD":
        opened += 1
    fups = document["followups"]
    base = sum(t["mm"] for t in document["baseline"]["targets"])
    sums = [base] + [sum(f["targets"].values()) for f in fups]
    u, now = opened + 1, index + 1  # positions in sums (baseline = 0)
    nadir_u, nadir_now = min(sums[:u]), min(sums[:now])
    targets_pd_at_u = sums[u] >= 1.2 * nadir_u and sums[u] - nadir_u >= 5
    targets_pd_now = sums[now] >= 1.2 * nadir_now and sums[now] - nadir_now >= 5
    new_u = {x["id"]: x.get("mm") for x in fups[opened].get("new_lesions", [])}
    new_now = {x["id"]: x.get("mm") for x in fups[index].get("new_lesions", [])}
    why = []
    extra = [i for i in new_now if i not in new_u]
    if extra:
        why.append(f"a further new lesion ({', '.join(extra)}) appeared")
    grew_new = sum(v or 0 for k, v in new_now.items() if k in new_u and new_u[k]) - sum(
        v for v in new_u.values() if v)
    if new_u and grew_new >= 5:
        why.append(f"the new lesions grew {grew_new} mm in sum (5 mm or more confirms)")
    if targets_pd_at_u and sums[now] - sums[u] >= 5:
        why.append(f"the target sum grew a further {sums[now] - sums[u]} mm, from {sums[u]} to "
                   f"{sums[now]} mm (5 mm or more confirms)")
    if not targets_pd_at_u and targets_pd_now:
        why.append(f"the target sum, {sums[now]} mm, now meets RECIST progression in its own "
                   f"right (+20% and +5 mm over the nadir of {nadir_now} mm): progression in a "
                   f"new category confirms")
    if fups[index].get("nontarget") == "PD":
        why.append("non-target lesions progressed")
    if not why:
        why.append("the progression continued")
    return (f"after unconfirmed progression (iUPD) at week {fups[opened]['week']}, "
            + " and ".join(why) + ": iCPD")


class ClassifyExercise:
    """"Classify this patient": one simulated patient's scans as a table and a figure; the
    student picks the response at the last scan shown and the engine checks it and explains
    the deciding rule. ``update(seed=...)`` draws another patient."""

    def __init__(self, seed: int = 0, criteria: str = "recist1.1") -> None:
        self.criteria = criteria
        labels = IRECIST_LABELS if criteria == "irecist" else RECIST_LABELS
        self.figure = go.FigureWidget()
        for k in range(5):  # RECIST allows at most 5 targets: fixed traces, filled per patient
            self.figure.add_scatter(**plots.lesion_trace_style(k), visible=False)
        self.figure.add_scatter(mode="lines+markers", name="sum of targets",
                                line={"color": "#0072B2", "width": 3},
                                marker={"size": 10, "color": "#0072B2"},
                                hovertemplate="week %{x}: sum %{y} mm<extra></extra>")
        self.figure.update_layout(
            template="simple_white", xaxis_title="Weeks since start of treatment",
            yaxis_title="Diameter (mm)", yaxis_rangemode="tozero", legend_title_text="Lesion")
        self.table = widgets.HTML()
        self.question = widgets.HTML()
        self.answer = widgets.ToggleButtons(options=list(labels), value=None,
                                            description="Your answer")
        self.check_button = widgets.Button(description="Check", button_style="primary")
        self.feedback = widgets.HTML()
        self.check_button.on_click(lambda _: self.check(self.answer.value))
        self.widget = widgets.VBox([self.question, self.table, self.figure, self.answer,
                                    self.check_button, self.feedback])
        self.update(seed=seed)

    def update(self, seed: int) -> None:
        """Draw the patient for ``seed`` and the scan to classify; refresh table and figure."""
        self.seed = seed
        self.patient, self.result = draw_case(seed, self.criteria)
        self.expected = self.result["timepoints"][-1]["response"]
        p = self.patient
        with self.figure.batch_update():
            for k in range(5):
                trace = self.figure.data[k]
                if k < len(p.lesions):
                    for key, value in plots.lesion_trace_data(p, k).items():
                        setattr(trace, key, value)
                    trace.visible = True
                else:
                    trace.x, trace.y, trace.visible = [], [], False
            self.figure.data[5].x, self.figure.data[5].y = list(p.weeks), p.sums_mm.tolist()
            title = f"Simulated patient {p.id}: target lesions at each scan"
            self.figure.layout.title.text = title
            self.figure.layout.meta = {"alt": trajectory_alt(p)}
        name = "iRECIST" if self.criteria == "irecist" else "RECIST 1.1"
        self.question.value = (
            f"<p><strong>Simulated patient {p.id}.</strong> What is the {name} response at "
            f"week {p.weeks[-1]} (the last scan below)?</p>")
        self.table.value = scan_table_html(p)
        self.answer.value = None
        self.feedback.value = ""

    def check(self, answer: str | None) -> Feedback:
        """Compare ``answer`` with the engine's label and explain the deciding rule."""
        last = len(self.result["timepoints"]) - 1
        explanation = explain(self.patient.document, self.result, last)
        given = (answer or "").strip()
        correct = given.lower() == self.expected.lower()
        verdict = "Correct." if correct else (
            f"Not quite: you chose {given or 'nothing'}, the engine says {self.expected}.")
        self.feedback.value = (f"<p><strong>{html.escape(verdict)}</strong> "
                               f"{html.escape(explanation)}.</p>")
        return Feedback(correct, given, self.expected, explanation)


def draw_case(seed: int, criteria: str = "recist1.1") -> tuple[simulate.VirtualPatient, dict]:
    """The simulated patient of exercise ``seed``, cut at the scan to classify, and the
    engine's result (the answer is its last time point's response)."""
    rng = np.random.default_rng(seed)
    props = simulate.DEFAULT_PROPORTIONS["immunotherapy"]
    pattern = str(rng.choice(list(props), p=list(props.values())))
    full = simulate.simulate_patient(rng, f"EX-{seed:03d}", "immunotherapy", pattern,
                                     criteria=criteria)
    scan = int(rng.integers(1, len(full.weeks)))  # which follow-up to ask about
    patient = _truncate(full, scan)
    return patient, classify(patient.document)


def _truncate(patient: simulate.VirtualPatient, scan: int) -> simulate.VirtualPatient:
    """The patient as seen at follow-up ``scan``: later scans removed."""
    from dataclasses import replace

    doc = dict(patient.document)
    doc["followups"] = patient.document["followups"][:scan]
    lesions = tuple(replace(lz, mm=lz.mm[: scan + 1]) for lz in patient.lesions)
    weeks = patient.weeks[: scan + 1]
    return replace(patient, weeks=weeks, lesions=lesions, document=doc,
                   nontarget_status=patient.nontarget_status[: scan + 1],
                   new_lesions={w: v for w, v in patient.new_lesions.items() if w <= weeks[-1]})


def trajectory_alt(p: simulate.VirtualPatient) -> str:
    sums = p.sums_mm.tolist()
    steps = "; ".join(f"week {w}: {s} mm" for w, s in zip(p.weeks, sums, strict=True))
    return (f"Line chart of simulated patient {p.id}: {len(p.lesions)} target lesions and their "
            f"sum in millimetres at each scan ({steps}).")


def scan_table_html(p: simulate.VirtualPatient) -> str:
    """HTML table of a patient's scans: one row per lesion, one column per scan."""
    head = "".join(f"<th>week {w}</th>" for w in p.weeks)
    rows = []
    for lz in p.lesions:
        kind = "node, short axis" if lz.node else "longest diameter"
        cells = "".join(f"<td>{mm} mm</td>" for mm in lz.mm)
        rows.append(f"<tr><th>{lz.id} {html.escape(lz.organ)} ({kind})</th>{cells}</tr>")
    sums = "".join(f"<td><strong>{s} mm</strong></td>" for s in p.sums_mm.tolist())
    rows.append(f"<tr><th>Sum of targets</th>{sums}</tr>")
    nt = "".join(f"<td>{'-' if i == 0 else html.escape(s)}</td>"
                 for i, s in enumerate(p.nontarget_status))
    rows.append(f"<tr><th>Non-target lesions</th>{nt}</tr>")
    new = "".join(
        "<td>" + (", ".join(f"{x['id']} {x['mm']} mm" for x in p.new_lesions.get(w, ()))
                  or "none") + "</td>"
        for w in p.weeks)
    rows.append(f"<tr><th>New lesions</th>{new}</tr>")
    return ("<table class='ic-scan-table'><caption>Simulated scan measurements</caption>"
            f"<thead><tr><th>Lesion</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
