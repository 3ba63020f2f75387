"""The feedback page a student reads, made by ``nbgrader generate_feedback``.

quizzes/nbgrader_config.py sets :class:`FeedbackExporter` as GenerateFeedback's exporter,
so the command line, the formgrader's Generate/Release Feedback and ``nbgrader
fetch_feedback`` all deliver this page. For a quiz notebook it renders
``templates/feedback.html.j2``: a header (quiz, student, score, percentage, date graded),
notes in plain words, a summary linking to one block per question (prompt, the answer
given, the right answer, points, explanation) and no code. Any other notebook gets
nbgrader's own feedback page.

Where each part comes from:

* points, and so right / partly right / wrong: nbgrader's gradebook (``GetGrades`` runs
  first), so an instructor's manual change shows and the page never disagrees with
  ``nbgrader export``;
* the answer given, the reason and the notes: the JSON record that
  :func:`immunocourse.grading.cells.grade` displayed in the test cell at autograde time;
* when a test cell has no record (it stopped with an error or ran out of time): the
  question spec in the cell's source, which nbgrader restored from the instructor's
  notebook, read with ``ast.literal_eval`` (nothing is run).

The page is one self-contained file (inline CSS, no script, no web font): it works
offline, wherever release_feedback copies it. Maths in prompts and explanations
(``$...$``, ``$$...$$``) becomes MathML on the server (latex2mathml), which browsers
draw natively and print.
"""

from __future__ import annotations

import ast
import html
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from nbconvert.exporters import Exporter, HTMLExporter
from nbformat import NotebookNode

from immunocourse.grading.cells import FEEDBACK_MIME, right_answer

TEMPLATES = Path(__file__).with_name("templates")
# How a graded quiz cell imports its grader: today, and in gradebooks made before the
# package had layers (the gradebook keeps each cell's source as it was generated).
GRADING_IMPORTS = ("from immunocourse.grading.cells import grade",
                   "from immunocourse.quiz.grading import grade")

# status -> (words, symbol); the symbol is decoration, the words are what is read out
STATUS = {
    "right": ("Right", "✓"),
    "partly": ("Partly right", "◐"),
    "wrong": ("Wrong", "✗"),
    "unanswered": ("Not answered", "✗"),
    "unmarked": ("Not marked yet", "?"),
}


@dataclass
class Block:
    number: int
    anchor: str
    prompt_html: str
    summary_html: str
    given: str | None
    right: str
    points: float | None
    max_points: float
    status: str
    reason: str
    explanation_html: str

    @property
    def status_words(self) -> str:
        return STATUS[self.status][0]

    @property
    def symbol(self) -> str:
        return STATUS[self.status][1]


@dataclass
class Page:
    title: str
    student: str
    score: float
    max_score: float
    graded: str
    late_penalty: float = 0.0
    notes: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    @property
    def percent(self) -> str:
        if not self.max_score:
            return "–"
        pct = 100 * self.score / self.max_score
        shown = round(pct)
        if shown == 100 and self.score < self.max_score:  # never show 100% for less
            shown = 99
        return f"{shown}%"


def points_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- Markdown and maths


def _math(content: str, options: dict[str, Any]) -> str:
    """LaTeX to MathML; LaTeX it cannot read stays as readable ``$...$`` text."""
    display = "block" if options.get("display_mode") else "inline"
    try:
        from latex2mathml.converter import convert

        return convert(content, display=display)
    except Exception:  # latex2mathml raises many kinds on bad input; the text still reads
        fence = "$$" if display == "block" else "$"
        return f'<code class="tex">{html.escape(fence + content + fence)}</code>'


@cache
def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    # html off: bank text is rendered as Markdown, never passed through as raw HTML
    return MarkdownIt("commonmark", {"html": False}).use(dollarmath_plugin, renderer=_math)


def markdown_html(text: str) -> str:
    return _markdown().render(text or "")


def markdown_inline(text: str) -> str:
    return _markdown().renderInline(" ".join((text or "").split()))


# ---------------------------------------------------------------- reading the notebook


def is_quiz_test(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.get("cell_type") == "code" and bool(meta.get("grade"))
            and not meta.get("solution")
            and any(i in cell.get("source", "") for i in GRADING_IMPORTS))


def is_quiz(nb: NotebookNode) -> bool:
    return any(is_quiz_test(cell) for cell in nb.cells)


def _record(cell: NotebookNode) -> dict[str, Any] | None:
    """The last feedback record grade() displayed in this cell."""
    found = None
    for output in cell.get("outputs", []):
        data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
        if isinstance(data.get(FEEDBACK_MIME), dict):
            found = data[FEEDBACK_MIME]
    return found


def spec_from_source(source: str) -> dict[str, Any] | None:
    """The literal dict passed to ``grade(...)`` in a test cell, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "grade" and node.args):
            try:
                spec = ast.literal_eval(node.args[0])
            except (ValueError, SyntaxError):
                return None
            return spec if isinstance(spec, dict) else None
    return None


def quiz_title(nb: NotebookNode, fallback: str) -> str:
    """The ``# Title`` of the quiz's read-only header cell (nbgrader restores its text)."""
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "header":
            for line in cell.get("source", "").splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def block_for(number: int, cell: NotebookNode) -> tuple[Block, list[str]]:
    """One question's block and the record's notes about the submission."""
    meta = cell.metadata["nbgrader"]
    record = _record(cell)
    spec = spec_from_source(cell.get("source", "")) or {}
    score = meta.get("score")
    max_points = float(meta.get("points") or 0)
    notes: list[str] = []
    if record is not None:
        prompt = _text(record.get("prompt"))
        explanation = _text(record.get("explanation"))
        right = _text(record.get("right"))
        given = record.get("given")
        given = given if isinstance(given, str) else None
        reason = _text(record.get("reason"))
        status = record.get("status") if record.get("status") in STATUS else "wrong"
        notes = [n for n in record.get("notes") or [] if isinstance(n, str)]
        auto = record.get("points")
        if score is not None and isinstance(auto, (int, float)) and abs(score - auto) > 1e-9:
            reason = f"{reason} Your instructor changed the points for this question."
    else:
        prompt = _text(spec.get("prompt"))
        explanation = _text(spec.get("explanation"))
        right = right_answer(spec) if spec else ""
        given, status = None, "wrong"
        reason = ("This question could not be marked automatically: its grading stopped "
                  "with an error or ran out of time.")
    if score is None:
        status = "unmarked"
    elif max_points and score >= max_points:
        status = "right"
    elif score > 0:
        status = "partly"
    elif status not in ("unanswered", "wrong"):
        status = "wrong"
    if not prompt:
        prompt = f"Question {number}"
    block = Block(
        number=number, anchor=f"question-{number}", prompt_html=markdown_html(prompt),
        summary_html=markdown_inline(prompt), given=given, right=right, points=score,
        max_points=max_points, status=status, reason=reason,
        explanation_html=markdown_html(explanation),
    )
    return block, notes


def ignored_cells_note(nb: NotebookNode) -> str | None:
    """issue 6: cells the student added or edited were ignored when grading."""
    ignored = nb.metadata.get("immunocourse", {}).get("ignored_cells") or {}
    counts = []
    for key, what in (("added", "added"), ("edited", "changed")):
        n = ignored.get(key)
        if isinstance(n, int) and not isinstance(n, bool) and n > 0:
            counts.append(f"{n} {'cell' if n == 1 else 'cells'} you {what}")
    if not counts:
        return None
    return (f"When your quiz was graded, {' and '.join(counts)} in the notebook "
            f"{'was' if len(counts) == 1 and counts[0].startswith('1 ') else 'were'} "
            "ignored: only the answers the quiz saved in answers.json count, and the quiz's "
            "own cells were used as they were given to you.")


def student_name(resources: dict[str, Any]) -> str:
    sid = resources["nbgrader"]["student"]
    try:
        from nbgrader.api import Gradebook

        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            student = gb.find_student(sid)
            name = " ".join(p for p in (student.first_name, student.last_name) if p)
    except Exception:  # no gradebook entry: the id is still a fine name
        return sid
    return f"{name} ({sid})" if name else sid


def build_page(nb: NotebookNode, resources: dict[str, Any]) -> Page:
    """The page model, from a notebook GetGrades has filled with the gradebook's scores."""
    info = resources["nbgrader"]
    # The grader's own notes (nbgrader_ext.RestoreQuizSource: ignored cells, answers.json,
    # an unreadable notebook), then the questions' records.
    graded_notes = nb.metadata.get("immunocourse", {}).get("notes") or []
    notes = [n for n in graded_notes if isinstance(n, str)]
    blocks = []
    for cell in nb.cells:
        if is_quiz_test(cell):
            block, record_notes = block_for(len(blocks) + 1, cell)
            blocks.append(block)
            notes += [n for n in record_notes if n not in notes]
    note = None if graded_notes else ignored_cells_note(nb)  # the grader's notes say it
    if note:
        notes.append(note)
    if any(b.reason.startswith("This question could not be marked") for b in blocks):
        notes.append("Some questions could not be marked automatically; they are marked "
                     "below. Ask your instructor about them.")
    graded = resources.get("immunocourse", {}).get("graded_at")
    return Page(
        title=quiz_title(nb, info["assignment"]), student=student_name(resources),
        score=float(info.get("score") or 0), max_score=float(info.get("max_score") or 0),
        late_penalty=float(info.get("late_penalty") or 0),
        graded=graded.strftime("%-d %B %Y, %H:%M UTC") if graded else "–",
        notes=notes, blocks=blocks,
    )


@cache
def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["pts"] = points_text
    return env.get_template("feedback.html.j2")


def render_page(page: Page) -> str:
    import markupsafe

    return _template().render(page=page, safe=markupsafe.Markup)


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter, with the course's page for quiz notebooks."""

    def from_filename(self, filename: str, resources: dict | None = None, **kw: Any):
        resources = dict(resources or {})
        # the autograded notebook was written when the submission was graded
        mtime = os.stat(filename).st_mtime
        resources["immunocourse"] = {"graded_at": datetime.fromtimestamp(mtime, UTC)}
        return super().from_filename(filename, resources=resources, **kw)

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw: Any):
        if not is_quiz(nb) or "nbgrader" not in (resources or {}):
            return super().from_notebook_node(nb, resources, **kw)
        # Exporter's step only: copy and run the preprocessors (GetGrades), no nbconvert template
        nb_copy, resources = Exporter.from_notebook_node(self, nb, resources, **kw)
        return render_page(build_page(nb_copy, resources)), resources
