"""Old dotted paths that files outside the code may still name, mapped to today's modules.

Before the package had layers (issue 18) its modules sat at the top or in ``quiz/``. Those
names live on where we cannot rewrite them: a gradebook stores each graded cell's source
(``from immunocourse.quiz.grading import grade``), an instructor's ``nbgrader_config.py``
names preprocessors by dotted path, a student keeps a notebook downloaded last term, and an
old install's metadata names the book's MIME renderer. Each old name imports today's module
(the same module object, so ``isinstance`` and patching work); a name whose module was split
in two reads attributes from both parts. A lesson module renamed to its quiz id (issue 18)
keeps its old name the same way. New code imports the new names.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

# old name -> the module(s) it now is; the first holds the module's main content
ALIASES: dict[str, tuple[str, ...]] = {
    "immunocourse.evidence": ("immunocourse.content.evidence",),
    "immunocourse.review": ("immunocourse.content.review",),
    "immunocourse.response": ("immunocourse.science.response",),
    "immunocourse.response_cli": ("immunocourse.science.response_cli",),
    "immunocourse.simulate": ("immunocourse.science.simulate",),
    "immunocourse.tumour_model": ("immunocourse.science.tumour_model",),
    "immunocourse.schedule": ("immunocourse.science.schedule",
                              "immunocourse.figures.schedule_plots"),
    "immunocourse.palette": ("immunocourse.figures.palette",),
    "immunocourse.display": ("immunocourse.figures.display",),
    "immunocourse.evidence_figures": ("immunocourse.figures.evidence_plots",),
    "immunocourse.lesson_figures": ("immunocourse.figures.lesson_plots",),
    "immunocourse.tables": ("immunocourse.figures.tables",),
    "immunocourse.explorers": ("immunocourse.figures.live_explorers",),
    "immunocourse.book_explorers": ("immunocourse.figures.static_explorers",),
    "immunocourse.sphinx_ext": ("immunocourse.book.ext",),
    "immunocourse.pdf": ("immunocourse.book.pdf",),
    "immunocourse.start": ("immunocourse.book.launcher",),
    "immunocourse.quiz.grading": ("immunocourse.grading.cells",),
    "immunocourse.quiz.nbgrader_ext": ("immunocourse.grading.preprocessors",),
    "immunocourse.quiz.feedback": ("immunocourse.grading.feedback",),
    "immunocourse.quiz.class_grading": ("immunocourse.grading.parallel",),
    "immunocourse.quiz.course": ("immunocourse.grading.course",),
    "immunocourse.quiz.grading_kernels": ("immunocourse.grading.warm_kernels",),
    "immunocourse.quiz.kernel_server": ("immunocourse.grading.kernel_server",),
    # a lesson module takes its quiz id's name (old banks' answer_from, old notebooks' imports)
    "immunocourse.lessons.types": ("immunocourse.lessons.immunotherapy_types",),
}


class _Merged(types.ModuleType):
    """An old module split in two: attributes come from the first part that has them."""

    def __init__(self, name: str, parts: list[types.ModuleType]) -> None:
        super().__init__(name, f"old name of {', '.join(p.__name__ for p in parts)}")
        self._parts = parts

    def __getattr__(self, attr: str) -> Any:
        for part in self._parts:
            if hasattr(part, attr):
                return getattr(part, attr)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")

    def __dir__(self) -> list[str]:
        return sorted({name for part in self._parts for name in dir(part)})


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in ALIASES:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # a placeholder; exec_module puts the real module in its place

    def exec_module(self, module: types.ModuleType) -> None:
        parts = [importlib.import_module(name) for name in ALIASES[module.__name__]]
        # The import system returns whatever sys.modules holds once this returns.
        sys.modules[module.__name__] = parts[0] if len(parts) == 1 else _Merged(
            module.__name__, parts)


def install() -> None:
    """Resolve the old names (idempotent; ``import immunocourse`` calls it)."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.append(_AliasFinder())
