"""Lesson 3, cytokines and what immunotherapy does: "more disease-fighting cells" in a model.

The Kuznetsov et al. (1994) model's effector supply ``s`` is the rate at which new killer
cells arrive. Multiplying it (``tumour_model.treat(supply_boost=...)``) is the course's
stand-in for a treatment that makes the immune system produce more disease-fighting cells,
as a cytokine such as IL-2 does. It is a teaching device, not a calibrated drug model: the
model was fitted to a lymphoma in mice and has no drug in it. Every run starts from the
untreated model's escaped tumour. The page's figure, the notebook and the quiz keys all come
from here.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from immunocourse.figures import lesson_plots
from immunocourse.science import tumour_model

DAYS = 365.0
BOOSTS = (1.0, 1.5, 2.0, 3.0, 6.0)  # supply multipliers the page's figure compares
THRESHOLD_CELLS = 1e7  # "below ten million cells": the quiz's yardstick, 1/45 of the start


def run(supply_boost: float, days: float = DAYS) -> tumour_model.Trajectory:
    """The escaped tumour treated from day 0 with effector supply multiplied by ``supply_boost``."""
    return tumour_model.treat(days, supply_boost=supply_boost)


def falls_below(supply_boost: float, cells: float = THRESHOLD_CELLS,
                days: float = DAYS) -> bool:
    """Whether the simulated tumour is below ``cells`` at the end of ``days``."""
    return bool(run(supply_boost, days).tumour[-1] < cells)


def first_day_below(supply_boost: float, cells: float) -> float | None:
    """First sampled day the tumour is below ``cells``, or None if it never is."""
    traj = run(supply_boost)
    below = np.nonzero(traj.tumour < cells)[0]
    return float(traj.days[below[0]]) if below.size else None


def smallest_boost_that_controls(step: float = 0.5, largest: float = 10.0) -> float:
    """Smallest supply boost, in steps of ``step`` from 1, that ends below the threshold."""
    for boost in np.arange(1.0, largest + step / 2, step):
        if falls_below(float(boost)):
            return float(boost)
    raise ValueError(f"no boost up to x{largest} brings the tumour below {THRESHOLD_CELLS:g}")


def start_cells() -> float:
    """Tumour cells at day 0: the untreated model's escaped tumour."""
    return tumour_model.escape_state()[1]


def boost_figure(boosts: tuple[float, ...] = BOOSTS) -> go.Figure:
    return lesson_plots.supply_boost_time_courses([run(b) for b in boosts], boosts,
                                                       THRESHOLD_CELLS)


# Quiz keys (quizzes/banks/cytokines.yml, answer_from)
def triple_supply_falls_below_threshold() -> bool:
    return falls_below(3.0)


def one_and_a_half_supply_falls_below_threshold() -> bool:
    return falls_below(1.5)


def smallest_controlling_boost() -> float:
    return smallest_boost_that_controls()


def triple_supply_day_below_one_million() -> float:
    """Day (to the nearest day) the x3 run first drops below one million cells."""
    day = first_day_below(3.0, 1e6)
    if day is None:
        raise ValueError("the x3 run never drops below one million cells")
    return float(round(day))
