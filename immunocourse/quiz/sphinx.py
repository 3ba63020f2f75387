"""Sphinx extension: render a question bank as a static, self-checking quiz in the book.

In a MyST page (Markdown or notebook)::

    ```{quiz} immune-system
    ```

finds ``immune-system`` with :func:`immunocourse.quiz.bank.find_bank` (in ``quizzes/banks``,
or the ``quiz_banks_dir`` config value) and renders every question as a ``<fieldset>`` of
native radio buttons, check boxes or a number field, with a Check button and a live
feedback region. ``static/quiz.js`` scores answers in the browser: no kernel, no network.

The answer key is embedded in the page as JSON. A static page cannot keep a secret, which
is fine for self-check; graded quizzes go through nbgrader, not the book.

Enable with ``extensions = ["myst_parser", "immunocourse.quiz.sphinx"]`` (or Jupyter Book's
``sphinx.extra_extensions``). Prompts, options and explanations are parsed as the host
document's markup, so use the directive in MyST documents.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxTranslator

from immunocourse import __version__
from immunocourse.quiz.bank import BANKS_DIR, Bank, BankError, Question, find_bank, load_bank

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
JS_FILE = "quiz.js"
REVIEW_JS_FILE = "review.js"  # the scheduler; quiz.js enters each checked question in it
CSS_FILE = "quiz.css"
TRUEFALSE_VALUES = ("true", "false")


# --- doctree nodes --------------------------------------------------------------------------
# The doctree mirrors the HTML, so nested-parsed Markdown (code, emphasis, math, links) is
# written by Sphinx's own translator and the visitors below only add the form scaffolding.


class quiz(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """A whole quiz: ``<section class="quiz">`` with a heading and the JSON answer key."""


class quiz_question(nodes.General, nodes.Element):  # noqa: N801
    """One question: ``<fieldset>``."""


class quiz_legend(nodes.Part, nodes.TextElement):  # noqa: N801
    """The prompt's first paragraph, inline content only (a ``<legend>`` holds no blocks)."""


class quiz_prompt_more(nodes.General, nodes.Element):  # noqa: N801
    """Prompt blocks after the first paragraph (a list, a code block, display math)."""


class quiz_option(nodes.Part, nodes.TextElement):  # noqa: N801
    """A radio button or check box with its ``<label>``; children are the label's content."""


class quiz_number(nodes.General, nodes.Element):  # noqa: N801
    """A labelled ``<input type="number">`` for a numeric question (no children)."""


class quiz_feedback(nodes.General, nodes.Element):  # noqa: N801
    """The Check button and the ``role="status"`` region; children are the explanation."""


# --- the directive --------------------------------------------------------------------------


class QuizDirective(SphinxDirective):
    """``{quiz} <quiz-id>``: the bank with that id, as a self-checking quiz."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        quiz_id = self.arguments[0]
        bank = self._load(quiz_id)
        if bank is None:
            return []
        base = self._unique_id(f"quiz-{bank.id}")
        key: list[dict[str, Any]] = []
        container = quiz(quiz_id=bank.id, title=bank.title, html_id=base,
                         classes=self.options.get("class", []))
        self.set_source_info(container)
        if bank.description:
            intro = nodes.container(classes=["quiz-description"])
            intro.extend(self.parse_text_to_nodes(bank.description))
            container += intro
        try:
            for number, question in enumerate(bank.questions, start=1):
                qnode, entry = self._question(question, number, base)
                container += qnode
                key.append(entry)
        except ValueError as exc:  # load_bank should have caught it; never render a bad key
            self._warn(f"quiz {quiz_id!r}: {exc}")
            return []
        # The hash files saved answers: a changed bank never restores stale ones.
        container["key"] = {"quiz": bank.id, "hash": bank.hash, "questions": key}
        return [container]

    def _load(self, quiz_id: str) -> Bank | None:
        """The bank, or ``None`` after a warning that names this document and line."""
        configured = self.config.quiz_banks_dir
        banks_dir = BANKS_DIR if not configured else Path(self.env.app.confdir, configured)
        try:
            path = Path(find_bank(quiz_id, banks_dir))
        except (BankError, LookupError, OSError) as exc:
            # A missing dependency re-reads the page on every build, so the warning comes
            # back until the bank exists, and the page picks it up once it does.
            self.env.note_dependency(str(Path(banks_dir, f"{quiz_id}.yml")))
            self._warn(f"quiz {quiz_id!r}: {exc}")
            return None
        # Editing the bank must rebuild this page, even though no page text changed.
        self.env.note_dependency(str(path))
        try:
            return load_bank(path)
        except BankError as exc:
            problems = "; ".join(exc.problems or [str(exc)])
            self._warn(f"quiz {quiz_id!r}: invalid question bank: {problems}")
            return None

    def _warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="quiz", subtype="bank")

    def _unique_id(self, wanted: str) -> str:
        """A document-unique HTML id: the same quiz twice on a page must not clash."""
        base = nodes.make_id(wanted) or "quiz"
        candidate, n = base, 1
        while candidate in self.state.document.ids:
            n += 1
            candidate = f"{base}-{n}"
        # Claim it so later quizzes, and docutils' own ids, steer clear of it.
        self.state.document.ids[candidate] = nodes.Element()
        return candidate

    def _question(
        self, q: Question, number: int, base: str
    ) -> tuple[quiz_question, dict[str, Any]]:
        qid = self._unique_id(f"{base}-{q.id}")
        qnode = quiz_question(html_id=qid, question_id=q.id, qtype=q.type, number=number)
        self.set_source_info(qnode)
        qnode += self._prompt(q.prompt, number, qid, qnode)
        entry = {"id": q.id, "dom": qid, **scoring_key(q)}
        if q.type in ("single", "multiple"):
            input_type = "radio" if q.type == "single" else "checkbox"
            for i, text in enumerate(q.options or ()):
                inline, messages = self.parse_inline(str(text))
                opt = quiz_option("", "", *inline, input_type=input_type, name=qid,
                                  value=str(i), html_id=f"{qid}-opt-{i}")
                qnode += opt
                qnode += messages
        elif q.type == "truefalse":
            for value in TRUEFALSE_VALUES:
                qnode += quiz_option("", value.capitalize(), input_type="radio", name=qid,
                                     value=value, html_id=f"{qid}-{value}")
        elif q.type == "numeric":
            qnode += quiz_number(html_id=f"{qid}-input")
        feedback = quiz_feedback(html_id=f"{qid}-feedback", number=number)
        feedback += self.parse_text_to_nodes(q.explanation or "")
        qnode += feedback
        return qnode, entry

    def _prompt(self, text: str, number: int, qid: str, qnode: quiz_question) -> list[nodes.Node]:
        """A ``<legend>`` from the first paragraph; any further blocks follow it."""
        blocks = self.parse_text_to_nodes(text)
        legend = quiz_legend(number=number)
        if blocks and isinstance(blocks[0], nodes.paragraph):
            legend.extend(blocks.pop(0).children)
        else:
            legend += nodes.Text("Question")  # the number comes first: "2. Question"
        out: list[nodes.Node] = [legend]
        if blocks:
            more = quiz_prompt_more(html_id=f"{qid}-prompt")
            more.extend(blocks)
            qnode["describedby"] = more["html_id"]
            out.append(more)
        return out


def scoring_key(q: Question) -> dict[str, Any]:
    """What ``quiz.js`` scores a question with: type, points, the key in its answer form
    (option index, sorted indices, bool or number) and, for choices, how many options
    there are (so a saved index can be checked without the page's controls)."""
    entry: dict[str, Any] = {"type": q.type, "points": float(q.points)}
    if q.type in ("single", "multiple"):
        options = tuple(q.options or ())
        entry["options"] = len(options)
        if q.type == "single":
            entry["answer"] = _index(options, q.answer, q.id)
        else:
            entry["answer"] = sorted(_index(options, a, q.id) for a in q.answer)
    elif q.type == "truefalse":
        entry["answer"] = bool(q.answer)
    elif q.type == "numeric":
        entry["answer"] = float(q.answer)
        entry["tolerance"] = float(q.tolerance)
    else:  # load_bank validates types; this guards a bank API that grew a new one
        raise ValueError(f"question {q.id!r}: unsupported type {q.type!r}")
    return entry


def _index(options: tuple[str, ...], answer: object, question_id: str) -> int:
    try:
        return options.index(answer)  # type: ignore[arg-type]
    except ValueError:
        raise ValueError(f"question {question_id!r}: answer {answer!r} is not an option") from None


# --- HTML writer ----------------------------------------------------------------------------


def _attr(value: object) -> str:
    """Escape for a double-quoted HTML attribute."""
    return (str(value).replace("&", "&amp;").replace('"', "&quot;")
            .replace("<", "&lt;").replace(">", "&gt;"))


def _json_for_script(data: object) -> str:
    """JSON that cannot close its ``<script>`` element early, whatever a bank contains."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def visit_quiz(self: SphinxTranslator, node: quiz) -> None:
    qid = node["html_id"]
    # One level below the enclosing section's heading, so the page outline stays coherent.
    level = min(6, self.section_level + self.initial_header_level)
    classes = " ".join(["quiz", *node.get("classes", [])])
    self.body.append(
        f'<section class="{_attr(classes)}" id="{qid}" data-quiz-id="{_attr(node["quiz_id"])}"'
        f' aria-labelledby="{qid}-title">\n'
        f'<h{level} class="quiz-title" id="{qid}-title">{self.encode(node["title"])}</h{level}>\n'
    )


def depart_quiz(self: SphinxTranslator, node: quiz) -> None:
    self.body.append(
        '<noscript><p class="quiz-noscript">Checking answers needs JavaScript.</p></noscript>\n'
        f'<script type="application/json" class="quiz-key">{_json_for_script(node["key"])}'
        "</script>\n</section>\n"
    )


def visit_quiz_question(self: SphinxTranslator, node: quiz_question) -> None:
    described = f' aria-describedby="{node["describedby"]}"' if node.get("describedby") else ""
    self.body.append(
        f'<fieldset class="quiz-question" id="{node["html_id"]}"'
        f' data-question-id="{_attr(node["question_id"])}" data-type="{node["qtype"]}"'
        f"{described}>\n"
    )


def depart_quiz_question(self: SphinxTranslator, node: quiz_question) -> None:
    self.body.append("</fieldset>\n")


def visit_quiz_legend(self: SphinxTranslator, node: quiz_legend) -> None:
    self.body.append(f'<legend><span class="quiz-number">{node["number"]}.</span> ')


def depart_quiz_legend(self: SphinxTranslator, node: quiz_legend) -> None:
    self.body.append("</legend>\n")


def visit_quiz_prompt_more(self: SphinxTranslator, node: quiz_prompt_more) -> None:
    self.body.append(f'<div class="quiz-prompt" id="{node["html_id"]}">\n')


def depart_quiz_prompt_more(self: SphinxTranslator, node: quiz_prompt_more) -> None:
    self.body.append("</div>\n")


def visit_quiz_option(self: SphinxTranslator, node: quiz_option) -> None:
    oid = node["html_id"]
    self.body.append(
        f'<div class="quiz-option"><input type="{node["input_type"]}" id="{oid}"'
        f' name="{node["name"]}" value="{_attr(node["value"])}"> <label for="{oid}">'
    )


def depart_quiz_option(self: SphinxTranslator, node: quiz_option) -> None:
    self.body.append("</label></div>\n")


def visit_quiz_number(self: SphinxTranslator, node: quiz_number) -> None:
    iid = node["html_id"]
    self.body.append(
        f'<div class="quiz-numeric"><label for="{iid}">Your answer</label> '
        f'<input type="number" step="any" inputmode="decimal" id="{iid}" name="{iid}"></div>\n'
    )
    raise nodes.SkipNode


def visit_quiz_feedback(self: SphinxTranslator, node: quiz_feedback) -> None:
    fid = node["html_id"]
    self.body.append(
        f'<div class="quiz-actions"><button type="button" class="quiz-check"'
        f' aria-controls="{fid}">Check<span class="quiz-sr-only"> question {node["number"]}'
        "</span></button></div>\n"
        f'<div class="quiz-feedback" id="{fid}" role="status" aria-live="polite">'
        '<p class="quiz-verdict"></p>\n<div class="quiz-explanation" hidden>\n'
    )


def depart_quiz_feedback(self: SphinxTranslator, node: quiz_feedback) -> None:
    self.body.append("</div></div>\n")


def skip(self: SphinxTranslator, node: nodes.Node) -> None:
    """Non-HTML builders (PDF, text, man) get no quiz: it needs a browser to be useful."""
    raise nodes.SkipNode


# --- wiring ---------------------------------------------------------------------------------


def _config_inited(app: Sphinx, config: Any) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: nodes.document | None) -> None:
    # Only pages with a quiz pay for its script and style (called here, they are per page).
    wanted = app.registry.html_assets_policy == "always"
    if wanted or (doctree is not None and next(doctree.findall(_uses_quiz_js), None)):
        app.add_css_file(CSS_FILE)
        # Deferred scripts run in order: the scheduler before the quiz that feeds it.
        app.add_js_file(REVIEW_JS_FILE, loading_method="defer")
        app.add_js_file(JS_FILE, loading_method="defer")


def _uses_quiz_js(node: nodes.Node) -> bool:
    """A quiz, a question shown elsewhere (the review), or a node that asks for the script."""
    return isinstance(node, (quiz, quiz_question)) or (
        isinstance(node, nodes.Element) and bool(node.get("quiz_js")))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("quiz_banks_dir", None, "env", types=(str, type(None)))
    other = {fmt: (skip, None) for fmt in ("latex", "text", "man", "texinfo")}
    app.add_node(quiz, html=(visit_quiz, depart_quiz), **other)
    app.add_node(quiz_question, html=(visit_quiz_question, depart_quiz_question), **other)
    app.add_node(quiz_legend, html=(visit_quiz_legend, depart_quiz_legend), **other)
    app.add_node(quiz_prompt_more, html=(visit_quiz_prompt_more, depart_quiz_prompt_more),
                 **other)
    app.add_node(quiz_option, html=(visit_quiz_option, depart_quiz_option), **other)
    app.add_node(quiz_number, html=(visit_quiz_number, None), **other)
    app.add_node(quiz_feedback, html=(visit_quiz_feedback, depart_quiz_feedback), **other)
    app.add_directive("quiz", QuizDirective)
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
