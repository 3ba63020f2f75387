"""Lesson 2, how the immune system recognises cancer: the surveillance model's numbers.

Kuznetsov et al. (1994) with their published parameters, started from a resting immune
system (effector cells at s/d, their level with no tumour). The page's figure, the
notebook's explorer and the quiz keys all come from here.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from immunocourse.figures import plots
from immunocourse.science import tumour_model

PARAMS = tumour_model.PUBLISHED
RESTING_EFFECTORS = PARAMS.s / PARAMS.d  # effector cells with no tumour: supply / death
STARTS = (1e7, 1e8)  # tumour cells at the start of the two runs the page shows
DAYS = 400


def run(tumour_cells: float, days: float = DAYS) -> tumour_model.Trajectory:
    """One tumour meeting a resting immune system."""
    return tumour_model.simulate(days, RESTING_EFFECTORS, tumour_cells)


def phase_portrait() -> go.Figure:
    return plots.kuznetsov_phase_portrait([run(t) for t in STARTS])


def _equilibrium(kind: str) -> tumour_model.Equilibrium:
    return next(eq for eq in tumour_model.equilibria(PARAMS) if eq.kind == kind)


def escapes(tumour_cells: float) -> bool:
    """Whether the tumour ends nearer the escaped state than the dormant one."""
    final = run(tumour_cells).tumour[-1]
    return bool(final > _equilibrium("saddle").tumour)


# Quiz keys (quizzes/banks/immune-system.yml, answer_from)
def dormant_tumour_millions() -> float:
    """Size of the model's dormant tumour, in millions of cells, to one decimal."""
    return round(_equilibrium("dormant").tumour / 1e6, 1)


def smaller_tumour_escapes() -> bool:
    return escapes(STARTS[0])


def escaped_tumour_millions() -> float:
    """Size of the escaped tumour, in millions of cells, to the nearest ten million."""
    return round(_equilibrium("escape").tumour / 1e6, -1)


class SurveillanceExplorer:
    """A slider for the starting tumour size; the phase portrait's trajectory follows it."""

    def __init__(self, tumour_cells: float = STARTS[0]) -> None:
        self.figure = go.FigureWidget(plots.kuznetsov_phase_portrait([run(tumour_cells)]))
        # Traces: two nullclines, then this run's line and its start marker, then equilibria.
        self._line, self._start = self.figure.data[2], self.figure.data[3]
        self.slider = widgets.FloatSlider(
            value=float(np.log10(tumour_cells)), min=5.0, max=8.6, step=0.1,
            description="Start (log10 tumour cells)", readout_format=".1f",
            style={"description_width": "initial"}, layout={"width": "32rem"},
            continuous_update=False,
        )
        self.verdict = widgets.HTML()
        self.slider.observe(lambda change: self.update(10 ** change["new"]), "value")
        self.widget = widgets.VBox([self.slider, self.verdict, self.figure])
        self.update(tumour_cells)

    def update(self, tumour_cells: float) -> str:
        traj = run(tumour_cells)
        label = f"start T = {tumour_cells:.2g} cells"
        with self.figure.batch_update():
            self._line.update(x=traj.tumour, y=traj.effectors, name=label)
            self._start.update(x=[traj.tumour[0]], y=[traj.effectors[0]])
        outcome = "escapes" if escapes(tumour_cells) else "is held in check (dormancy)"
        self.verdict.value = (
            f"<p>Simulated: a tumour of {tumour_cells:.2g} cells {outcome} after {DAYS} days "
            f"(it ends at {traj.tumour[-1]:.2g} cells).</p>"
        )
        return self.verdict.value
