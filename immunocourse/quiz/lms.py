"""Question banks for a learning management system: Moodle XML and Canvas QTI 1.2.

``python -m immunocourse quiz export --format moodle|qti [QUIZ ...] --out DIR`` writes
``DIR/<quiz-id>.moodle.xml`` (Moodle: *Question bank -> Import -> Moodle XML format*) or
``DIR/<quiz-id>.qti.zip`` (Canvas: *Settings -> Import Course Content -> QTI .zip file*).
Keys computed by the package (``answer_from``) are exported with the value the bank loader
computed, so the LMS holds the same key as the notebook.

How each question type maps:

=========  ========================================  =====================================
bank       Moodle XML (qformat_xml)                  Canvas QTI 1.2 (``question_type``)
=========  ========================================  =====================================
single     multichoice, ``<single>true</single>``    multiple_choice_question
multiple   multichoice, ``<single>false</single>``   multiple_answers_question
truefalse  truefalse                                 true_false_question
numeric    numerical, ``<tolerance>``                numerical_question, exact +/- margin
=========  ========================================  =====================================

The prompt and the explanation are Markdown rendered to HTML with the course's own
renderer (markdown-it, CommonMark); ``$x$`` and ``$$x$$`` become ``\\(x\\)`` and ``\\[x\\]``,
the delimiters Moodle's MathJax filter and Canvas read by default. Options are plain text,
as the notebook shows them. The explanation is Moodle's ``generalfeedback`` and Canvas's
general feedback (``itemfeedback ident="general_fb"``); points are ``defaultgrade`` and
``points_possible``. The learning objectives a question assesses (``objectives:``) become
its Moodle tags (``<tags><tag><text>side-effects/warning-signs</text></tag></tags>``, read by
``qformat_xml::import_question_tags``; a tag holds at most 50 characters, which every
objective id keeps to); QTI 1.2 has no place for them.

Scoring of ``multiple``. The course gives ``points * max(0, (right - wrong) / n_right)``.
Moodle sums the fractions of the ticked options and clamps the sum to [0, 1]
(``qtype_multichoice_multi_question::grade_response``), so each right option gets
``+100/n_right`` % and each wrong one ``-100/n_right`` %: the sum is then
``(right - wrong) / n_right`` and the clamp is the course's ``max(0, ...)``. Moodle's
importer only accepts fractions from a fixed list (``question_bank::fraction_options_full``:
0, +/-1, +/-p/q for q <= 6, +/-p/10, +/-1/q for q <= 10, +/-1/20) and rejects the question
otherwise, so ``1/n_right`` is exact for 1 to 10 right options; a question with more than 10
right options cannot carry the course's rule into Moodle and the export refuses it with a
one-line error naming the question. Classic Canvas quizzes score multiple answers the same
way as the course (``Quizzes::QuizQuestion::MultipleAnswersQuestion``: right parts minus
wrong parts over the number of right options, never below 0); New Quizzes does too only when
the question's scoring is *Partial credit with penalty*; with *Exact match* anything short of
the exact set scores 0 (see the instructors' page for a worked example).

Why lxml and not a library. ``moodle-tools`` builds Moodle XML from its own YAML schema and
``text2qti`` and ``qti-package-maker`` from their own text or object models: each would need a
second translation of every bank, with its own escaping and Markdown rules, and
``qti-package-maker`` has no Moodle XML writer at all. None of them can be checked against
the course's scoring rule without reading its output back anyway. Writing the two formats
with lxml keeps every element traceable to Moodle's importer (question/format/xml/format.php)
and Canvas's QTI importer, and the tests read the files back with the standard library's
parser (a different parser from the one that wrote them) and score them with models of
Moodle's and Canvas's grading code.

Nothing is written until every requested bank has loaded and been exported in memory; each
file is then written to a temporary name in the output folder and renamed into place.
"""

from __future__ import annotations

import errno
import functools
import html
import io
import os
import tempfile
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from immunocourse.quiz.bank import BANKS_DIR, Bank, find_bank, iter_banks, load_bank
from immunocourse.quiz.model import Question

FORMATS = {"moodle": ".moodle.xml", "qti": ".qti.zip"}

# question_bank::fraction_options_full() in Moodle's lib/questionlib.php (as fractions of 1,
# written to 7 decimals like Moodle's database column); negatives are the same list negated.
MOODLE_FRACTIONS = (
    "1.0", "0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4",
    "0.3333333", "0.3", "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1",
    "0.05", "0.0",
)
# Moodle's match_grade_options() accepts a grade within this distance of a listed fraction.
MOODLE_MATCH = 0.00001

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_SCHEMA = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"

CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "truefalse": "true_false_question",
    "numeric": "numerical_question",
}


class ExportError(ValueError):
    """A bank that cannot be exported as the course scores it; the message is one line."""


# -- text -------------------------------------------------------------------------------


@functools.cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    def math(content: str, options: dict[str, Any]) -> str:
        if options.get("display_mode"):
            return html.escape(f"\\[{content}\\]", quote=False)
        return html.escape(f"\\({content}\\)", quote=False)

    return MarkdownIt("commonmark").use(dollarmath_plugin, renderer=math)


def markdown_to_html(text: str) -> str:
    """Markdown as the course renders it, with maths in ``\\(..\\)``/``\\[..\\]`` for MathJax."""
    return _markdown().render(text).strip()


def number_text(value: float) -> str:
    """A number as plain decimal text (no exponent), exactly as Python reads it."""
    return _decimal_text(Decimal(repr(float(value))))


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _where(bank: Bank, q: Question) -> str:
    return f"{bank.path}:{q.line or 1}: question '{q.id}'"


def moodle_fraction(n_right: int) -> str:
    """Moodle's listed fraction for ``1/n_right`` (e.g. '0.3333333'); ``ExportError`` if none."""
    for listed in MOODLE_FRACTIONS:
        if abs(float(listed) - 1 / n_right) < MOODLE_MATCH:
            return listed
    raise ExportError(
        f"{n_right} right options: Moodle accepts only fractions from its fixed list, which "
        f"has 1/n for n = 1 to 10 but not 1/{n_right}"
    )


def moodle_percent(fraction: str, sign: int = 1) -> str:
    """A listed fraction as the percentage Moodle XML writes (``fraction="33.33333"``)."""
    value = Decimal(fraction) * 100 * sign
    text = format(value.normalize(), "f")
    return "0" if text in ("0", "-0") else text


# -- Moodle XML ---------------------------------------------------------------------------


def _text(parent: etree._Element, tag: str, text: str, fmt: str | None = None) -> None:
    el = etree.SubElement(parent, tag)
    if fmt is not None:
        el.set("format", fmt)
    etree.SubElement(el, "text").text = text


def _category_path(bank: Bank) -> str:
    # Moodle splits category paths on '/', and reads '//' as a literal slash.
    return "$course$/top/" + bank.title.replace("/", "//")


def _moodle_question(bank: Bank, q: Question, number: int) -> etree._Element:
    kinds = {"single": "multichoice", "multiple": "multichoice",
             "truefalse": "truefalse", "numeric": "numerical"}
    el = etree.Element("question", type=kinds[q.type])
    _text(el, "name", f"{number:02d} {q.id}")
    _text(el, "questiontext", markdown_to_html(q.prompt), "html")
    _text(el, "generalfeedback", markdown_to_html(q.explanation), "html")
    etree.SubElement(el, "defaultgrade").text = number_text(q.points)
    etree.SubElement(el, "penalty").text = "0"  # the course never docks a retry
    etree.SubElement(el, "hidden").text = "0"
    etree.SubElement(el, "idnumber").text = q.id
    if q.objectives:  # Moodle's question tags: the objectives it assesses
        tags = etree.SubElement(el, "tags")
        for objective in q.objectives:
            _text(tags, "tag", objective)

    def answer(fraction: str, text: str, fmt: str) -> etree._Element:
        a = etree.SubElement(el, "answer", fraction=fraction, format=fmt)
        etree.SubElement(a, "text").text = text
        _text(a, "feedback", "", "html")
        return a

    if q.type in ("single", "multiple"):
        etree.SubElement(el, "single").text = "true" if q.type == "single" else "false"
        etree.SubElement(el, "shuffleanswers").text = "false"  # the notebook's order
        etree.SubElement(el, "answernumbering").text = "abc"
        etree.SubElement(el, "showstandardinstruction").text = "1"
        if q.type == "single":
            right_pc, wrong_pc = "100", "0"
            right = {q.answer}
        else:
            try:
                listed = moodle_fraction(len(q.answer))
            except ExportError as exc:
                raise ExportError(f"{_where(bank, q)}: {exc}") from None
            right_pc, wrong_pc = moodle_percent(listed), moodle_percent(listed, -1)
            right = set(q.answer)
        for option in q.options or ():
            answer(right_pc if option in right else wrong_pc, html.escape(option), "html")
    elif q.type == "truefalse":
        # Moodle's importer matches the answer texts 'true' and 'false' literally.
        answer("100" if q.answer is True else "0", "true", "moodle_auto_format")
        answer("100" if q.answer is False else "0", "false", "moodle_auto_format")
    else:
        a = answer("100", number_text(q.answer), "moodle_auto_format")
        etree.SubElement(a, "tolerance").text = number_text(q.tolerance)
        etree.SubElement(el, "unitgradingtype").text = "0"
        etree.SubElement(el, "unitpenalty").text = "0.1000000"
        etree.SubElement(el, "showunits").text = "3"  # no units: a plain number
        etree.SubElement(el, "unitsleft").text = "0"
    return el


def moodle_xml(bank: Bank) -> bytes:
    """The bank as a Moodle XML file: one category, then its questions in bank order."""
    quiz = etree.Element("quiz")
    quiz.append(etree.Comment(f" {bank.id}: exported from quizzes/banks/{bank.id}.yml "))
    cat = etree.SubElement(quiz, "question", type="category")
    _text(cat, "category", _category_path(bank))
    _text(cat, "info", markdown_to_html(bank.description) if bank.description else "", "html")
    etree.SubElement(cat, "idnumber").text = bank.id
    for number, q in enumerate(bank.questions, start=1):
        quiz.append(_moodle_question(bank, q, number))
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- Canvas QTI 1.2 -----------------------------------------------------------------------


def qti_ident(bank: Bank) -> str:
    """The assessment's identifier, also its folder and file name in the zip."""
    return f"immunocourse-{bank.id}"


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _q(tag), **attrs)
    if text is not None:
        el.text = text
    return el


def _mattext(parent: etree._Element, text: str, texttype: str) -> None:
    material = _sub(parent, "material")
    _sub(material, "mattext", text, texttype=texttype)


def _choices(q: Question) -> list[tuple[str, str, bool]]:
    """(ident, label, right) for each choice; true/false are the two choices Canvas shows."""
    if q.type == "truefalse":
        return [("true", "True", q.answer is True), ("false", "False", q.answer is False)]
    right = {q.answer} if q.type == "single" else set(q.answer)
    return [(f"choice-{i}", o, o in right) for i, o in enumerate(q.options or (), start=1)]


def _qti_item(bank: Bank, q: Question, number: int) -> etree._Element:
    item = etree.Element(_q("item"), ident=f"{bank.id}-{q.id}", title=f"{number:02d} {q.id}")
    meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    choices = _choices(q) if q.type != "numeric" else []
    for label, entry in (
        ("question_type", CANVAS_TYPES[q.type]),
        ("points_possible", number_text(q.points)),
        ("original_answer_ids", ",".join(c[0] for c in choices)),
        ("assessment_question_identifierref", f"{bank.id}-{q.id}-ref"),
    ):
        field = _sub(meta, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)

    presentation = _sub(item, "presentation")
    _mattext(presentation, markdown_to_html(q.prompt), "text/html")
    if q.type == "numeric":
        response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    else:
        cardinality = "Multiple" if q.type == "multiple" else "Single"
        response = _sub(presentation, "response_lid", ident="response1",
                        rcardinality=cardinality)
        render = _sub(response, "render_choice")
        for ident, label, _ in choices:
            _mattext(_sub(render, "response_label", ident=ident), label, "text/plain")

    proc = _sub(item, "resprocessing")
    _sub(_sub(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
         vartype="Decimal")
    general = _sub(proc, "respcondition", **{"continue": "Yes"})
    _sub(_sub(general, "conditionvar"), "other")
    _sub(general, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    correct = _sub(proc, "respcondition", **{"continue": "No"})
    cond = _sub(correct, "conditionvar")
    if q.type == "numeric":
        # Canvas reads <or><varequal>exact</varequal><and>[lo, hi]</and></or> as an exact
        # answer with margin hi - exact (inclusive at both ends, like the course).
        exact, tol = Decimal(repr(float(q.answer))), Decimal(repr(float(q.tolerance)))
        either = _sub(cond, "or")
        _sub(either, "varequal", number_text(q.answer), respident="response1")
        both = _sub(either, "and")
        _sub(both, "vargte", _decimal_text(exact - tol), respident="response1")
        _sub(both, "varlte", _decimal_text(exact + tol), respident="response1")
    elif q.type == "multiple":
        every = _sub(cond, "and")
        for ident, _, right in choices:
            if right:
                _sub(every, "varequal", ident, respident="response1")
            else:
                _sub(_sub(every, "not"), "varequal", ident, respident="response1")
    else:
        ident = next(c[0] for c in choices if c[2])
        _sub(cond, "varequal", ident, respident="response1")
    _sub(correct, "setvar", "100", action="Set", varname="SCORE")

    feedback = _sub(item, "itemfeedback", ident="general_fb")
    _mattext(_sub(feedback, "flow_mat"), markdown_to_html(q.explanation), "text/html")
    return item


def qti_assessment(bank: Bank) -> bytes:
    """The bank as one QTI 1.2 assessment with Canvas's item metadata."""
    root = etree.Element(_q("questestinterop"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_SCHEMA}")
    assessment = _sub(root, "assessment", ident=qti_ident(bank), title=bank.title)
    field = _sub(_sub(assessment, "qtimetadata"), "qtimetadatafield")
    _sub(field, "fieldlabel", "cc_maxattempts")
    _sub(field, "fieldentry", "1")
    section = _sub(assessment, "section", ident="root_section")
    for number, q in enumerate(bank.questions, start=1):
        section.append(_qti_item(bank, q, number))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def qti_manifest(bank: Bank) -> bytes:
    """imsmanifest.xml naming the one assessment file (an IMS content package)."""
    ident = qti_ident(bank)
    manifest = etree.Element(f"{{{MANIFEST_NS}}}manifest", nsmap={None: MANIFEST_NS},
                             identifier=f"{ident}-manifest")
    meta = etree.SubElement(manifest, f"{{{MANIFEST_NS}}}metadata")
    etree.SubElement(meta, f"{{{MANIFEST_NS}}}schema").text = "IMS Content"
    etree.SubElement(meta, f"{{{MANIFEST_NS}}}schemaversion").text = "1.1.3"
    etree.SubElement(manifest, f"{{{MANIFEST_NS}}}organizations")
    resources = etree.SubElement(manifest, f"{{{MANIFEST_NS}}}resources")
    resource = etree.SubElement(resources, f"{{{MANIFEST_NS}}}resource", identifier=ident,
                                type="imsqti_xmlv1p2")
    etree.SubElement(resource, f"{{{MANIFEST_NS}}}file", href=f"{ident}/{ident}.xml")
    return etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def qti_zip(bank: Bank) -> bytes:
    """The Canvas "QTI .zip file": imsmanifest.xml and the assessment; byte-for-byte stable."""
    ident = qti_ident(bank)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in (("imsmanifest.xml", qti_manifest(bank)),
                           (f"{ident}/{ident}.xml", qti_assessment(bank))):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


# -- the command --------------------------------------------------------------------------


def render(bank: Bank, fmt: str) -> bytes:
    """One bank in one format (``moodle`` or ``qti``)."""
    return moodle_xml(bank) if fmt == "moodle" else qti_zip(bank)


def load(quiz_ids: Sequence[str], banks_dir: str | Path = BANKS_DIR) -> list[Bank]:
    """The named banks (every bank when none is named); raises ``BankError``/``ExportError``."""
    if not quiz_ids:
        return iter_banks(banks_dir)
    banks = []
    for quiz_id in dict.fromkeys(quiz_ids):  # each once, in the order given
        try:
            path = find_bank(quiz_id, banks_dir)
        except FileNotFoundError:
            raise ExportError(
                f"unknown quiz '{quiz_id}': no {Path(banks_dir) / (quiz_id + '.yml')}"
            ) from None
        banks.append(load_bank(path))
    return banks


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary name, then rename them all; on failure, none appear."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                           dir=path.parent)
            except OSError as exc:  # name the folder, not the temporary file
                raise OSError(exc.errno, exc.strerror, str(path.parent)) from None
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)


def export(quiz_ids: Sequence[str], fmt: str, out_dir: str | Path,
           banks_dir: str | Path = BANKS_DIR) -> list[Path]:
    """Export banks to ``out_dir``; everything is built and checked before anything is written.

    Raises ``BankError`` (invalid bank), ``ExportError`` (unknown quiz, or a question Moodle
    cannot score as the course does) or ``OSError`` (output folder not writable).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}' (use one of: {', '.join(FORMATS)})")
    banks = load(quiz_ids, banks_dir)
    out = Path(out_dir)
    files = {out / f"{bank.id}{FORMATS[fmt]}": render(bank, fmt) for bank in banks}
    out.mkdir(parents=True, exist_ok=True)
    for path in files:  # a folder in the way would fail half-way through the renames
        if path.exists() and not path.is_file():
            raise IsADirectoryError(errno.EISDIR, "is in the way and is not a file", str(path))
    write_files(files)
    return list(files)


def main_export(quiz_ids: Sequence[str], fmt: str, out_dir: Path, banks_dir: Path) -> int:
    """``quiz export``: the files written, or one line per problem and a non-zero exit."""
    import sys

    from immunocourse.quiz.bank import BankError

    try:
        written = export(quiz_ids, fmt, out_dir, banks_dir)
    except BankError as exc:
        return exc.report("quiz export")
    except ExportError as exc:
        print(f"quiz export: {exc}; nothing written", file=sys.stderr)
        return 1
    except OSError as exc:
        where = exc.filename or out_dir
        print(f"quiz export: cannot write to {where}: {exc.strerror or exc}; nothing written",
              file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0
