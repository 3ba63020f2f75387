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
import plotly.graph_objects as go

from immunocourse.figures import plots
from immunocourse.figures.cases import scan_table_html, trajectory_alt
from immunocourse.science import simulate, tumour_model
from immunocourse.science.cases import draw_case
from immunocourse.science.explain import explain
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
