"""Keys computed by the package, for banks' ``answer_from`` (see bank.py).

A lesson's numeric answer that comes out of the package's own code is referenced, not
copied, so the quiz key cannot drift from the lesson's figure.
"""

from __future__ import annotations


def percent_change(before: float, after: float) -> float:
    """Change from ``before`` to ``after`` in percent of ``before``."""
    return (after - before) / before * 100.0


def percent_change_example() -> float:
    """A sum of target diameters going from 80 mm to 52 mm: -35% (a RECIST partial response)."""
    return round(percent_change(80.0, 52.0), 1)


def granulocyte_types() -> list[str]:
    """The granulocytes named in the course, as options text."""
    return ["Neutrophils", "Eosinophils", "Basophils"]
