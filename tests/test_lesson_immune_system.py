"""Lesson 2 (the immune system): the page's two tumours, the figure and the quiz keys agree
with the model run from a resting immune system."""

from __future__ import annotations

import pytest

from immunocourse.figures.plots import alt_text
from immunocourse.lessons import immune_system
from immunocourse.quiz import find_bank, load_bank
from immunocourse.science import tumour_model


def test_runs_start_from_a_resting_immune_system() -> None:
    traj = immune_system.run(immune_system.STARTS[0])
    assert traj.effectors[0] == pytest.approx(tumour_model.PUBLISHED.s / tumour_model.PUBLISHED.d)
    assert traj.tumour[0] == pytest.approx(immune_system.STARTS[0])


def test_the_smaller_tumour_is_held_and_the_ten_times_larger_escapes() -> None:
    # The page: the smaller tumour settles into dormancy; one ten times larger escapes.
    small, large = immune_system.STARTS
    assert large == pytest.approx(10 * small)
    assert not immune_system.escapes(small)
    assert immune_system.escapes(large)
    # held near the dormant state (it spirals in, so within a factor of two after 400 days)
    dormant = immune_system.dormant_tumour_millions() * 1e6
    assert dormant / 2 < immune_system.run(small).tumour[-1] < dormant * 2
    escaped = immune_system.escaped_tumour_millions() * 1e6
    assert immune_system.run(large).tumour[-1] == pytest.approx(escaped, rel=0.1)


def test_bank_keys_are_the_model() -> None:
    bank = load_bank(find_bank("immune-system"))
    assert bank.question("dormant-size").answer == immune_system.dormant_tumour_millions()
    assert bank.question("smaller-tumour-escapes").answer is False
    assert bank.question("escaped-size").answer == immune_system.escaped_tumour_millions()
    # the explanations' "about 8 million" and "about 450 million"
    assert round(immune_system.dormant_tumour_millions()) == 8
    assert abs(immune_system.escaped_tumour_millions() - 450) <= 30


def test_figure_has_alt_text_and_a_line_per_start() -> None:
    fig = immune_system.phase_portrait()
    assert "Kuznetsov" in alt_text(fig)
    starts = [t for t in fig.data if t.name and t.name.startswith("start T")]
    assert len(starts) == len(immune_system.STARTS)


def test_explorer_says_what_the_model_does() -> None:
    explorer = immune_system.SurveillanceExplorer()
    assert "held in check" in explorer.verdict.value
    assert "escapes" in explorer.update(immune_system.STARTS[1])
