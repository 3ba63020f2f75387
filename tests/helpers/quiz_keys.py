"""Computed keys for the test banks' ``answer_from`` (tests/data/banks): each bank names
``tests.helpers.quiz_keys:FUNCTION``, a zero-argument function returning the answer."""

from __future__ import annotations

from immunocourse.science.response import percent_change


def percent_change_example() -> float:
    """A sum of target diameters going from 80 mm to 52 mm: -35% (a RECIST partial response)."""
    return round(percent_change(52.0, 80.0), 1)


def granulocyte_types() -> list[str]:
    """The granulocytes named in the course, as options text."""
    return ["Neutrophils", "Eosinophils", "Basophils"]
