"""Lesson 3 (cytokines): the model's keys and the page's claims hold for the real model."""

from __future__ import annotations

import pytest

from immunocourse.figures.plots import alt_text
from immunocourse.lessons import cytokines
from immunocourse.quiz import find_bank, load_bank
from immunocourse.science import tumour_model


def test_runs_start_from_the_escaped_tumour_and_boost_only_the_supply() -> None:
    traj = cytokines.run(3.0)
    assert traj.tumour[0] == pytest.approx(tumour_model.escape_state()[1], rel=1e-9)
    assert traj.params.s == pytest.approx(3 * tumour_model.PUBLISHED.s)
    assert traj.params.n == tumour_model.PUBLISHED.n


def test_tipping_point_as_the_page_describes_it() -> None:
    # The page: x1.5 barely dents the tumour, x3 holds it near a few million, x6 eliminates it.
    assert cytokines.run(1.5).tumour[-1] > 0.8 * cytokines.start_cells()
    assert not cytokines.falls_below(1.5)
    assert cytokines.falls_below(3.0)
    assert cytokines.run(3.0).tumour[-1] > 1e6
    assert cytokines.run(6.0).tumour[-1] < 1.0
    boost = cytokines.smallest_controlling_boost()
    assert cytokines.falls_below(boost) and not cytokines.falls_below(boost - 0.5)


def test_bank_keys_are_the_model() -> None:
    bank = load_bank(find_bank("cytokines"))
    assert bank.question("triple-supply-controls").answer is True
    assert bank.question("one-and-a-half-supply").answer is False
    assert bank.question("smallest-boost").answer == cytokines.smallest_controlling_boost()
    day = bank.question("day-below-million").answer
    assert cytokines.run(3.0).tumour[int(day * 399 / 365) + 5] < 1e6


def test_figure_has_alt_text_and_a_line_per_boost() -> None:
    fig = cytokines.boost_figure()
    assert "Kuznetsov" in alt_text(fig)
    assert "Simulated" in fig.layout.title.text
    assert sum(1 for t in fig.data if t.showlegend is not False) == len(cytokines.BOOSTS)
