"""The question record shared by banks, scoring and grading.

Kept apart from bank.py so the autograder's test cells import neither PyYAML nor the
validator: every graded submission pays for these imports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    explanation: str
    # single: str; multiple: tuple[str, ...]; truefalse: bool; numeric: int | float
    answer: Any
    options: tuple[str, ...] | None
    tolerance: float
    points: float
    line: int | None
    # the learning objectives it assesses, ids from immunocourse.content.objectives (optional)
    objectives: tuple[str, ...] = ()


def is_number(value: Any) -> bool:
    """A finite int or float; YAML/JSON booleans are not numbers here."""
    return (
        isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    )
