"""Colour-blind-safe styling shared by every figure: Okabe-Ito colours plus symbols and dashes.

Okabe & Ito, "Color Universal Design" (2008): eight colours distinguishable with the common
colour-vision deficiencies. Colour is never the only cue: each category also has its own
marker symbol and line dash, so a greyscale print still tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

GREY = "#7F7F7F"  # reference lines only, never a category


@dataclass(frozen=True)
class Style:
    """How one category is drawn: colour, marker symbol and line dash."""

    color: str
    symbol: str
    dash: str


_RESPONSE = {
    "CR": Style(OKABE_ITO["blue"], "star", "solid"),
    "PR": Style(OKABE_ITO["bluish_green"], "circle", "solid"),
    "SD": Style(OKABE_ITO["orange"], "square", "dash"),
    "PD": Style(OKABE_ITO["vermillion"], "x", "dot"),
    "NE": Style(OKABE_ITO["black"], "diamond-open", "dashdot"),
    # iUPD is "progression, not yet confirmed": its own colour so it is not read as iCPD.
    "UPD": Style(OKABE_ITO["reddish_purple"], "triangle-up", "dashdot"),
    "CPD": Style(OKABE_ITO["vermillion"], "x", "dot"),
}

_ARM = {
    "immunotherapy": Style(OKABE_ITO["blue"], "circle", "solid"),
    "chemotherapy": Style(OKABE_ITO["orange"], "square", "dash"),
}

_PATTERN = {
    "early_response": Style(OKABE_ITO["sky_blue"], "circle", "solid"),
    "durable_response": Style(OKABE_ITO["blue"], "star", "solid"),
    "stable_disease": Style(OKABE_ITO["orange"], "square", "dash"),
    "progression": Style(OKABE_ITO["vermillion"], "x", "dot"),
    "pseudoprogression": Style(OKABE_ITO["reddish_purple"], "triangle-up", "dashdot"),
    "delayed_response": Style(OKABE_ITO["bluish_green"], "diamond", "longdash"),
    "hyperprogression": Style(OKABE_ITO["black"], "triangle-down", "longdashdot"),
}

_FALLBACK = Style(OKABE_ITO["black"], "circle-open", "solid")


def response_style(label: str) -> Style:
    """Style for a RECIST (CR/PR/SD/PD/NE) or iRECIST (iCR ... iCPD) label.

    iRECIST labels share their RECIST counterpart's style (iPR looks like PR), except iUPD.
    """
    key = label[1:] if label.startswith("i") and label[1:] in _RESPONSE else label
    return _RESPONSE.get(key, _FALLBACK)


def arm_style(arm: str) -> Style:
    """Style for a treatment arm ("immunotherapy" or "chemotherapy")."""
    return _ARM.get(arm, _FALLBACK)


def pattern_style(pattern: str) -> Style:
    """Style for a simulated response pattern (see ``immunocourse.science.simulate.PATTERNS``)."""
    return _PATTERN.get(pattern, _FALLBACK)
