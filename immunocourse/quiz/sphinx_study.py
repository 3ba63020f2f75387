"""Sphinx extension: the book's "Your progress" and "Review" pages.

``{progress}`` embeds the course as JSON (lessons in order, page links, each bank's hash,
each question's scoring key, points and objectives, the objectives' plain text, ``MET``);
``static/study.js`` computes from the answers kept in this browser the same table as
:func:`immunocourse.quiz.progress.course_progress`, and offers "Download my progress" and
"Forget my answers".

``{review}`` also renders every bank's questions as the quizzes do (hidden), and
``study.js`` shows the ones due today (``static/review.js``, the Leitner scheduler).

Nothing leaves the browser. Enable with ``immunocourse.quiz.sphinx_study`` in the book's
extensions; it sets up :mod:`immunocourse.quiz.sphinx` too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxTranslator

from immunocourse import __version__
from immunocourse.content.objectives import for_lesson, plain
from immunocourse.quiz.bank import Bank
from immunocourse.quiz.progress import MET, ROOT, course_lessons
from immunocourse.quiz.sphinx import QuizDirective, _attr, _json_for_script, scoring_key

STUDY_JS_FILE = "study.js"
NOSCRIPT = {
    "progress": "This page needs JavaScript to show your progress.",
    "review": "The review needs JavaScript.",
}


class study(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """A progress or review widget: its controls, the course data, and (review) questions."""


class review_bank(nodes.General, nodes.Element):  # noqa: N801
    """One bank's questions on the review page, hidden until study.js shows the due ones."""


class ProgressDirective(QuizDirective):
    """``{progress}``: the student's progress table, computed in the browser."""

    required_arguments = 0
    option_spec: ClassVar[dict[str, Any]] = {}
    kind = "progress"

    def run(self) -> list[nodes.Node]:
        node = study(kind=self.kind, quiz_js=True, html_id=self._unique_id(f"study-{self.kind}"))
        self.set_source_info(node)
        lessons = []
        for lesson in course_lessons(ROOT):
            bank = self._load(lesson.quiz_id)
            if bank is None:
                continue
            # The title comes from the lesson's page: a new heading must reach this page.
            self.env.note_dependency(str(ROOT / "book" / f"{Path(lesson.page).name}.md"))
            url = self.env.app.builder.get_relative_uri(self.env.docname, lesson.page)
            lessons.append({
                "number": lesson.number, "quiz": lesson.quiz_id, "title": lesson.title,
                "url": url, "hash": bank.hash, "questions": self._questions(bank, node),
                "objectives": [{"id": o.id, "text": plain(o.markup)}
                               for o in for_lesson(lesson.quiz_id)],
            })
        node["data"] = {"met": MET, "lessons": lessons}
        return [node]

    def _questions(self, bank: Bank, node: study) -> list[dict[str, Any]]:
        return [{"id": q.id, **scoring_key(q), "objectives": list(q.objectives)}
                for q in bank.questions]


class ReviewDirective(ProgressDirective):
    """``{review}``: every question of the course, as in its quiz; the due ones shown."""

    kind = "review"

    def _questions(self, bank: Bank, node: study) -> list[dict[str, Any]]:
        keys = super()._questions(bank, node)
        group = review_bank(quiz_id=bank.id)
        base = self._unique_id(f"quiz-{bank.id}")
        for number, (question, entry) in enumerate(zip(bank.questions, keys, strict=True), 1):
            qnode, rendered = self._question(question, number, base)
            entry["dom"] = rendered["dom"]
            group += qnode
        node += group
        return keys


# --- HTML writer ----------------------------------------------------------------------------


def visit_study(self: SphinxTranslator, node: study) -> None:
    kind, sid = node["kind"], node["html_id"]
    self.body.append(
        f'<div class="study study-{kind}" id="{sid}" data-study="{kind}">\n'
        f'<p class="study-note" role="status"></p>\n'
    )
    if kind == "progress":
        self.body.append(
            '<div class="study-table" role="region" tabindex="0"'
            ' aria-label="Your progress table"></div>\n'
            '<div class="study-actions" hidden>'
            '<button type="button" class="study-button study-download">'
            "Download my progress</button> "
            '<button type="button" class="study-button study-forget">'
            "Forget my answers</button></div>\n"
        )
    else:
        self.body.append(
            '<p class="review-count" role="status"></p>\n'
            '<div class="review-next"></div>\n<div class="review-session"></div>\n'
        )


def depart_study(self: SphinxTranslator, node: study) -> None:
    self.body.append(
        f'<noscript><p class="study-noscript">{_attr(NOSCRIPT[node["kind"]])}</p></noscript>\n'
        f'<script type="application/json" class="study-data">{_json_for_script(node["data"])}'
        "</script>\n</div>\n"
    )


def visit_review_bank(self: SphinxTranslator, node: review_bank) -> None:
    self.body.append(f'<div class="review-bank" data-quiz-id="{_attr(node["quiz_id"])}" hidden>\n')


def depart_review_bank(self: SphinxTranslator, node: review_bank) -> None:
    self.body.append("</div>\n")


def skip(self: SphinxTranslator, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: nodes.document | None) -> None:
    # After quiz.sphinx's handler (priority 600): study.js runs after review.js and quiz.js.
    if doctree is not None and next(doctree.findall(study), None) is not None:
        app.add_js_file(STUDY_JS_FILE, loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("immunocourse.quiz.sphinx")
    other = {fmt: (skip, None) for fmt in ("latex", "text", "man", "texinfo")}
    app.add_node(study, html=(visit_study, depart_study), **other)
    app.add_node(review_bank, html=(visit_review_bank, depart_review_bank), **other)
    app.add_directive("progress", ProgressDirective)
    app.add_directive("review", ReviewDirective)
    app.connect("html-page-context", _page_context, priority=600)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
