"""A lesson's learning objectives, from the one list in :mod:`immunocourse.content.objectives`.

In a MyST page, under the "Learning objectives" heading::

    ```{objectives} side-effects
    ```

renders the lesson's intro line and a plain bulleted list of its objectives (each item a
paragraph parsed as MyST, so ``{term}`` links work), ";" after each item and "." after the
last, exactly as the pages wrote them by hand; each item's HTML id is
``objective-<lesson>-<slug>``, which the instructors' alignment table links to.

When the build has read every page, each lesson shown this way is checked against the
question banks (``quizzes/banks``, or the ``quiz_banks_dir`` config value): an objective that
no question assesses, and that gives no ``not_assessed`` reason, is a warning naming its id,
so the strict build fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from immunocourse.content.objectives import for_lesson, intro, items
from immunocourse.quiz.alignment import anchor, unassessed
from immunocourse.quiz.bank import BANKS_DIR, BankError, iter_banks

_log = logging.getLogger(__name__)
OBJECTIVES_CLASS = "ic-objectives"
_ENV_KEY = "ic_objectives_shown"  # docname -> {lesson: line of its directive}


def _shown(env: BuildEnvironment) -> dict[str, dict[str, int]]:
    if not hasattr(env, _ENV_KEY):
        setattr(env, _ENV_KEY, {})
    return getattr(env, _ENV_KEY)


def banks_dir(app: Sphinx) -> Path:
    """The banks the quizzes come from: ``quiz_banks_dir`` (relative to conf.py) or the course's."""
    configured = getattr(app.config, "quiz_banks_dir", None)
    return BANKS_DIR if not configured else Path(app.confdir, configured)


class ObjectivesDirective(SphinxDirective):
    """``{objectives} <quiz-id>``: the lesson's intro line and list of objectives."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        lesson = self.arguments[0]
        objectives = for_lesson(lesson)
        if not objectives:
            _log.warning("objectives %r: no lesson with that quiz id has objectives in "
                         "immunocourse/content/objectives.py", lesson,
                         location=self.get_location(), type="objectives", subtype="lesson")
            return []
        # A changed bank changes what the consistency check finds: read this page again.
        for path in sorted(banks_dir(self.env.app).glob("*.yml")):
            self.env.note_dependency(str(path))
        _shown(self.env).setdefault(self.env.docname, {})[lesson] = self.lineno
        lead = nodes.paragraph("", intro(lesson))
        self.set_source_info(lead)
        bullets = nodes.bullet_list(bullet="-", classes=[OBJECTIVES_CLASS])
        self.set_source_info(bullets)
        for objective, text in zip(objectives, items(lesson), strict=True):
            item = nodes.list_item()
            ident = anchor(objective.id)
            if ident not in self.state.document.ids:  # the same list twice keeps one id
                item["ids"].append(ident)
                self.state.document.ids[ident] = item
            item.extend(self.parse_text_to_nodes(text))
            bullets += item
        return [lead, bullets]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _shown(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str],
           other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in _shown(other):
            _shown(env)[docname] = _shown(other)[docname]


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn on each objective of a shown lesson that no question assesses."""
    shown = _shown(env)
    where = {lesson: (docname, line) for docname in sorted(shown)
             for lesson, line in shown[docname].items()}
    if not where:
        return
    folder = banks_dir(app)
    try:
        banks = iter_banks(folder)
    except BankError as exc:
        _log.warning("objectives: cannot check which questions assess them, the banks in "
                     "%s are invalid: %s", folder, "; ".join(exc.problems),
                     type="objectives", subtype="banks")
        return
    for objective in unassessed(banks, where):
        _log.warning(
            "objective %r is assessed by no question in %s: name it in the objectives: of "
            "the questions that assess it, or say why not with not_assessed= in "
            "immunocourse/content/objectives.py", objective.id, folder,
            location=where[objective.lesson], type="objectives", subtype="unassessed")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("objectives", ObjectivesDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
