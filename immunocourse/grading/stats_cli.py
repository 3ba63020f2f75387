"""``python -m immunocourse quiz stats QUIZ [QUIZ ...] | --all [--course DIR] [--out DIR]``.

What the class learned, from the nbgrader gradebook and the answers each graded submission
was marked from (:mod:`.stats_data`). Per quiz, in ``--out`` (default ``COURSE/reports``):

* ``<quiz>.summary.json``: the test statistics (n, mean, median, sd, skewness, kurtosis in
  points; cic and error_ratio in percent; standard_error in points), a ``reasons`` object
  saying why a value is null, and notes;
* ``<quiz>.questions.csv``: one row per question in quiz order (Moodle's item statistics and
  the flags of :mod:`immunocourse.quiz.stats`);
* ``<quiz>.responses.csv``: how often each option (or number) was given;
* ``<quiz>.objectives.csv``: each student's score per learning objective, then the class
  mean (student_id ``(class mean)``), only when a question of the quiz names an objective;
* ``<quiz>.html``: the report an instructor reads (:mod:`.stats_report`), with the local
  plotly.js beside it.

``--all`` does every quiz of the course's banks that is in the gradebook, then writes
``course.objectives.csv`` and ``course.html``. ``quiz grade`` runs this for its quiz at the end.

Faults give one line each; the exit status is 1 only when nothing could be reported. Each
file is written to a temporary file and renamed, all of a quiz's files only once all of
them are ready, so a failure never leaves a partial report.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from immunocourse.grading.course import course_db_url
from immunocourse.grading.stats_data import (
    REPORTS,
    CourseObjective,
    QuizReport,
    StatsError,
    course_objectives,
    gather,
    one_line,
    open_gradebook,
)
from immunocourse.quiz.bank import Bank, BankError, load_bank
from immunocourse.quiz.stats import (
    ACTION_FLAGS,
    ItemStats,
    ObjectiveRow,
    ResponseRow,
    Summary,
)

# ---------------------------------------------------------------- the files


def number(value: float | None) -> str:
    """A CSV cell: 4 decimals at most, no trailing zeros, empty for None."""
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def questions_csv(items: Sequence[ItemStats]) -> str:
    return _csv(ItemStats.CSV_FIELDS, (
        [it.position, it.question_id, it.type, number(it.max_points), number(it.facility),
         number(it.sd), number(it.random_guess_score), number(it.intended_weight),
         number(it.effective_weight), number(it.discrimination_index),
         number(it.discriminative_efficiency), ";".join(it.flags)]
        for it in items))


def responses_csv(rows: Iterable[ResponseRow]) -> str:
    return _csv(ResponseRow.CSV_FIELDS, (
        [r.question_id, r.response, "true" if r.is_key else "false", r.count,
         number(r.frequency), number(r.partial_credit)] for r in rows))


def objectives_csv(rows: Iterable[ObjectiveRow]) -> str:
    return _csv(ObjectiveRow.CSV_FIELDS, (
        [r.student_id, r.objective, number(r.score), number(r.max), number(r.mastery)]
        for r in rows))


def summary_json(report: QuizReport) -> str:
    summary: Summary = report.stats.summary
    data: dict[str, Any] = {"quiz": report.bank.id, "title": report.bank.title}
    data.update({key: getattr(summary, key) for key in Summary.FIELDS})
    data["max"] = report.stats.max_total
    data["questions"] = len(report.stats.questions)
    data["answers_unreadable"] = len(report.unreadable)
    data["reasons"] = summary.reasons
    data["notes"] = report.notes
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_files(files: dict[Path, str | bytes], remove: Iterable[Path] = ()) -> None:
    """Write every file or none: each to a temporary file beside it, then all renamed.

    ``remove``: stale files that no longer apply (deleted after the renames).
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide it from a web server
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        raise
    for path in remove:
        path.unlink(missing_ok=True)


def quiz_files(report: QuizReport, out: Path, generated: datetime, plotly_name: str
               ) -> tuple[dict[Path, str], list[Path]]:
    """The files of one quiz (and the stale ones to remove)."""
    from immunocourse.grading.stats_report import render_quiz

    quiz = report.bank.id
    stats = report.stats
    files: dict[Path, str] = {
        out / f"{quiz}.summary.json": summary_json(report),
        out / f"{quiz}.questions.csv": questions_csv(stats.items),
        out / f"{quiz}.responses.csv": responses_csv(
            row for q in stats.questions for row in stats.responses[q.id]),
    }
    stale = []
    objectives = out / f"{quiz}.objectives.csv"
    if stats.objectives:
        files[objectives] = objectives_csv(stats.objectives)
    else:
        stale.append(objectives)  # a report from before the bank lost its objectives
    files[out / f"{quiz}.html"] = render_quiz(report, generated, plotly_name)
    return files, stale

def course_objectives_csv(rows: Iterable[CourseObjective]) -> str:
    return _csv(CourseObjective.CSV_FIELDS, (
        [r.id, r.lesson, r.text, len(r.questions), r.students, number(r.score),
         number(r.max), number(r.mastery), r.not_assessed or ""] for r in rows))


# ---------------------------------------------------------------- plotly.js


def plotly_js() -> tuple[str, bytes]:
    """(file name, bytes) of the local plotly.js the reports load: the book's pinned
    cartesian bundle (``make setup``) when present, else the copy inside the plotly package."""
    bundle = (Path(__file__).resolve().parents[2] / "node_modules"
              / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js")
    if bundle.is_file():
        return bundle.name, bundle.read_bytes()
    import plotly

    return "plotly.min.js", (Path(plotly.__file__).parent / "package_data"
                             / "plotly.min.js").read_bytes()


def _plotly_file(out: Path) -> tuple[str, dict[Path, bytes]]:
    name, data = plotly_js()
    target = out / name
    try:
        if target.is_file() and target.stat().st_size == len(data) \
                and target.read_bytes() == data:
            return name, {}
    except OSError:
        pass
    return name, {target: data}


# ---------------------------------------------------------------- the command


def _summary_line(report: QuizReport) -> str:
    s = report.stats.summary
    parts = [f"{report.bank.id}: {s.n} student{'s' if s.n != 1 else ''}"]
    if s.mean is not None:
        parts.append(f"mean {s.mean:.2f} of {report.stats.max_total:g}")
    if s.cic is not None:
        parts.append(f"CIC {s.cic:.1f}%")
    flagged = [f"{it.question_id} ({', '.join(f for f in it.flags if f in ACTION_FLAGS)})"
               for it in report.stats.items if any(f in ACTION_FLAGS for f in it.flags)]
    line = ", ".join(parts)
    return line + (f"; flagged: {'; '.join(flagged)}" if flagged else "; nothing flagged")


def run_stats(course: Path, quiz_ids: Sequence[str], *, all_quizzes: bool = False,
              out: Path | None = None, db_url: str | None = None,
              banks_dir: Path | None = None, quiet: bool = False) -> int:
    """Write the reports; print one line per quiz (and per note) and the files written.

    Returns the exit status: 0 when at least one quiz was reported, 1 when nothing could be.
    """
    course = Path(course)
    out = Path(out) if out is not None else course / REPORTS
    banks_dir = banks_dir or course / "banks"

    def say(text: str) -> None:
        if not quiet:
            print(text)

    def problem(text: str) -> None:
        print(f"quiz stats: {text}", file=sys.stderr)

    banks: list[Bank] = []
    ids = list(dict.fromkeys(quiz_ids))
    if all_quizzes:
        for path in sorted(banks_dir.glob("*.yml")):
            try:
                banks.append(load_bank(path))
            except BankError as exc:
                problem(f"{exc.problems[0] if exc.problems else path}")
        ids += [b.id for b in banks if b.id not in ids]
        if not ids:
            problem(f"no question banks in {banks_dir}")
            return 1
    try:
        engine = open_gradebook(db_url or course_db_url(course), course)
    except StatsError as exc:
        problem(str(exc))
        return 1
    except Exception as exc:  # nbgrader_config.py itself failed to load
        problem(f"{course / 'nbgrader_config.py'}: {one_line(exc)}")
        return 1
    reports: list[QuizReport] = []
    loaded = {bank.id: bank for bank in banks}
    try:
        for quiz_id in ids:
            try:
                reports.append(gather(course, quiz_id, engine, banks_dir, loaded.get(quiz_id)))
            except StatsError as exc:
                if all_quizzes and exc.ungraded:  # expected before the end of term
                    say(f"note: {exc}")
                else:
                    problem(str(exc))
    finally:
        engine.dispose()
    if not reports:
        problem("nothing to report; no file written")
        return 1
    generated = datetime.now(UTC)
    try:
        plotly_name, plotly_files = _plotly_file(out)
        written: list[Path] = []
        for report in reports:
            files, stale = quiz_files(report, out, generated, plotly_name)
            write_files({**plotly_files, **files}, stale)
            plotly_files = {}
            written += list(files)
            say(_summary_line(report))
            for note in report.notes:
                say(f"note: {report.bank.id}: {note}")
        if all_quizzes:
            from immunocourse.grading.stats_report import render_course

            rows = course_objectives(banks, reports)
            course_files: dict[Path, str | bytes] = {
                out / "course.objectives.csv": course_objectives_csv(rows),
                out / "course.html": render_course(rows, banks, reports, generated),
            }
            write_files(course_files)
            written += list(course_files)
    except OSError as exc:
        problem(f"cannot write to {out}: {exc.strerror or exc}")
        return 1
    say(f"reports: {out} ({len(written)} files; open {out / (reports[0].bank.id + '.html')}"
        f"{' or ' + str(out / 'course.html') if all_quizzes else ''})")
    return 0

