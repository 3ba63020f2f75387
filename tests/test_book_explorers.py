"""The static book's explorers: frames computed at build time, each with its own description."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from immunocourse.figures import static_explorers


def test_tumour_boost_has_a_frame_per_boost_and_each_frame_differs():
    fig = static_explorers.tumour_boost(boosts=(1.0, 3.0, 6.0), start=3.0)
    assert [f.name for f in fig.frames] == ["boost 1", "boost 3", "boost 6"]
    slider = fig.layout.sliders[0]
    assert slider.name == static_explorers.BOOST_NAME and slider.active == 1
    tumours = [tuple(f.data[0].y) for f in fig.frames]
    assert len(set(tumours)) == 3, "a stronger boost must change the tumour curve"
    alts = [f.layout.meta["alt"] for f in fig.frames]
    assert len(set(alts)) == 3 and all("x6" in a for a in alts[2:])
    assert fig.layout.meta["alt"] == alts[1], "the first view is the start frame"


def test_cohort_mix_keeps_proportions_valid_and_counts_recist_misreadings():
    for share in static_explorers.PSEUDO_SHARES:
        mix = static_explorers.mix_with_pseudoprogression(share)
        assert math.isclose(sum(mix.values()), 1.0) and mix["pseudoprogression"] == share
    fig = static_explorers.cohort_mix(shares=(0.0, 0.3), start=0.0, n=40, seed=2)
    titles = [f.layout.title.text for f in fig.frames]
    assert "0% pseudoprogression" in titles[0] and "30% pseudoprogression" in titles[1]
    missed = [int(t.split(": ")[1].split(" of")[0]) for t in titles]
    assert missed[1] > missed[0], "more pseudoprogression, more RECIST-only progression"


def test_classify_case_offers_each_label_and_exactly_one_is_right():
    fig, table = static_explorers.classify_case(seed=4)
    buttons = fig.layout.updatemenus[0].buttons
    verdicts = [b.args[0]["meta"]["status"] for b in buttons]
    assert [b.label for b in buttons] == ["iCR", "iPR", "iSD", "iUPD", "iCPD", "NE"]
    assert sum(": correct." in v for v in verdicts) == 1
    assert all("Why:" in v for v in verdicts)
    assert "<table" in table and "week 16" in table


def test_a_start_value_outside_the_frames_is_refused():
    with pytest.raises(ValueError, match="start boost 7"):
        static_explorers.tumour_boost(boosts=(1.0, 2.0), start=7.0)


@pytest.mark.parametrize("module", ["immunocourse.figures.static_explorers",
                                    "immunocourse.lessons.measuring_response"])
def test_the_book_module_does_not_load_widgets(module: str):
    """The static book's explorers and lesson 7's module (the page's exercise and its
    explanations) load without ipywidgets: no widget module is even imported."""
    code = (f"import sys, {module}\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ipywidgets'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[]"
