"""Quizzes: question banks, scoring, notebook widgets and nbgrader notebooks.

Everything is imported on first use, so a graded notebook's kernel (``Quiz``) and the
autograder's test cells load neither PyYAML nor ipywidgets unless they need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from immunocourse.quiz.bank import (
        BANKS_DIR,
        Bank,
        BankError,
        find_bank,
        iter_banks,
        load_bank,
        validate_file,
    )
    from immunocourse.quiz.model import Question
    from immunocourse.quiz.scoring import Score, score
    from immunocourse.quiz.widgets import Quiz

_WHERE = {
    "BANKS_DIR": "bank", "Bank": "bank", "BankError": "bank", "find_bank": "bank",
    "iter_banks": "bank", "load_bank": "bank", "validate_file": "bank",
    "Question": "model", "Score": "scoring", "score": "scoring", "Quiz": "widgets",
}
__all__ = [
    "BANKS_DIR", "Bank", "BankError", "Question", "Quiz", "Score", "find_bank", "iter_banks",
    "load_bank", "score", "validate_file",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'immunocourse.quiz' has no attribute {name!r}")
    return getattr(importlib.import_module(f"immunocourse.quiz.{_WHERE[name]}"), name)
