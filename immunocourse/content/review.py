"""The course's review log: when each lesson page was last reviewed, and what each review changed.

One place for both. :mod:`immunocourse.book.ext` stamps "Last reviewed: <date>" under the
title of every page listed in ``LAST_REVIEWED`` and fails the build (a warning, and the
build is strict) when a lesson page (``book/index`` or ``book/NN-name``) has no entry.
``book/changes.md`` renders ``REVIEWS`` as the "What changed" page.

Adding a lesson page: add one line to ``LAST_REVIEWED``. Reviewing a page: change its date
here and list what changed under that date in ``REVIEWS``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Docnames Sphinx gives the course's lesson pages: the welcome page and book/NN-name.
LESSON_DOCNAME = re.compile(r"book/(index|\d\d-[a-z0-9-]+)")

TODAY_REVIEW = "2026-12-01"
CHANGES_DOCNAME = "/book/changes"  # the "What changed" page, which renders REVIEWS

# Docname -> ISO date of the page's last expert review.
LAST_REVIEWED: dict[str, str] = {
    "book/index": TODAY_REVIEW,
    "book/02-immune-system": TODAY_REVIEW,
    "book/03-cytokines": TODAY_REVIEW,
    "book/04-immunotherapy-types": TODAY_REVIEW,
    "book/05-cancers-treated": TODAY_REVIEW,
    "book/06-receiving-treatment": TODAY_REVIEW,
    "book/07-measuring-response": TODAY_REVIEW,
    "book/08-monitoring": TODAY_REVIEW,
    "book/09-side-effects": TODAY_REVIEW,
    "book/10-outcomes": TODAY_REVIEW,
    "book/11-cell-therapies": TODAY_REVIEW,
    "book/12-biomarkers": TODAY_REVIEW,
    "book/13-earlier-treatment": TODAY_REVIEW,
}


@dataclass(frozen=True)
class Review:
    """One review of the course: its date, who asked for it, and what it changed."""

    date: str  # ISO date
    title: str
    changes: tuple[str, ...]  # MyST Markdown, one item per change


REVIEWS: tuple[Review, ...] = (
    Review(TODAY_REVIEW, "Expert review for lay readers (issue 9)", (
        "Every lesson page now shows the date it was last reviewed, and this page lists what "
        "each review changed.",
        "Every published number in the course package records the date it was last checked "
        "against its source.",
        "Pages that name a treatment now name its serious harms and say when to get urgent "
        "help, pointing to {doc}`09-side-effects`.",
        "{doc}`04-immunotherapy-types`: cytokine release syndrome (CRS) and nerve and brain side "
        "effects (ICANS) named for CAR T cells and T-cell engagers; atezolizumab's withdrawn "
        "bladder cancer approval used to explain accelerated approval; the hepatitis B vaccine "
        "dated 1981; BCG described as an immune stimulant, not a vaccine that teaches; HPV "
        "causes nearly all cervical cancers.",
        "{doc}`06-receiving-treatment`: checkpoint inhibitors can now be given under the "
        "skin (US approvals of atezolizumab in 2024, nivolumab in 2024 and pembrolizumab "
        "in 2025); teclistamab under the skin and T-VEC into the tumour added to the routes; "
        "rest periods limited to treatments that lower blood counts; what to tell any doctor.",
        "{doc}`10-outcomes`: tumour mutational burden has guided treatment since the 2020 US "
        "approval; the claim about chemotherapy and radiotherapy limited to advanced cancers; "
        "3-year survival no longer called a response rate; the final 10-year report of "
        "CheckMate 067 added, with the European (EMA) wording of the combination's approval.",
        "{doc}`07-measuring-response`: long-term survivors no longer equated with responders.",
        "{doc}`05-cancers-treated`: the Hodgkin lymphoma genetics now cite Roemer and colleagues.",
        "{doc}`08-monitoring`: free T4 beside TSH; CT scans mainly, not only, measure the "
        "tumours.",
        "{doc}`02-immune-system`: the claim that the immune system removes many early tumours "
        "is marked as resting mostly on experiments in mice.",
        "Quiz keys corrected in the outcomes, receiving-treatment, monitoring, "
        "cancers-treated and immunotherapy-types quizzes.",
        "{doc}`09-side-effects` rebuilt as \"Side effects and when to get help\": the signs "
        "of each organ's side effects in plain words beside their medical names, infusion "
        "reactions, side effects that can be fatal, permanent or late, when to get urgent "
        "care, and a checklist of emergency signs to print; the liver row now reads raised "
        "liver enzyme (ALT), grade 3 uses the CTCAE wording, and steroid doses are in a box "
        "for clinicians.",
        "New lesson {doc}`11-cell-therapies`: CAR T, TIL and TCR T cells and T-cell "
        "engagers, with cytokine release syndrome and ICANS and how they are graded.",
        "New lesson {doc}`12-biomarkers`: PD-L1 scores (TPS and CPS), MSI-high/dMMR, TMB-high "
        "and HLA type, companion tests and what a positive result predicts.",
        "New lesson {doc}`13-earlier-treatment`: immunotherapy before and after surgery and "
        "with chemotherapy, its benefits beside its serious side effects, who may not be "
        "eligible, and how to find a clinical trial.",
        "{doc}`glossary`: cytokine release syndrome (CRS), ICANS, subcutaneous, the organ "
        "side effects and the terms of the new lessons added.",
    )),
)


def last_reviewed(docname: str) -> str | None:
    """ISO date of the page's last review, or None when the log has no entry for it."""
    return LAST_REVIEWED.get(docname)


def is_lesson(docname: str) -> bool:
    return LESSON_DOCNAME.fullmatch(docname) is not None


def human_date(iso: str) -> str:
    """``2026-12-01`` -> ``1 December 2026`` (raises ValueError on a malformed date)."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def changes_markdown() -> str:
    """The "What changed" page body: one section per review, newest first."""
    parts = []
    for review in sorted(REVIEWS, key=lambda r: r.date, reverse=True):
        items = "\n".join(f"- {c}" for c in review.changes)
        parts.append(f"## {human_date(review.date)}: {review.title}\n\n{items}")
    return "\n\n".join(parts)
