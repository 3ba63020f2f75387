"""The course's review log: when each lesson page was last reviewed, and what each review changed.

One place for both, and for the course's edition date (``EDITION``, the latest of them).
:mod:`immunocourse.book.ext` stamps "Last reviewed: <date>" under the title of every page
(a page missing from ``LAST_REVIEWED`` shows the edition date) and fails the build (a
warning, and the build is strict) when a lesson page (``book/index`` or ``book/NN-name``)
has no entry. ``book/changes.md`` renders ``REVIEWS`` as the "What changed" page.

Adding a lesson page: add one line to ``LAST_REVIEWED``. Reviewing a page: change its date
here and list what changed under that date in ``REVIEWS``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Docnames Sphinx gives the course's lesson pages: the welcome page and book/NN-name.
LESSON_DOCNAME = re.compile(r"book/(index|\d\d-[a-z0-9-]+)")

FIRST_REVIEW = "2026-12-01"  # expert review for lay readers (issue 9)
SAFETY_REVIEW = "2026-12-07"  # safety card, outdated claims, plain language measured (issue 19)
CHANGES_DOCNAME = "/book/changes"  # the "What changed" page, which renders REVIEWS

# Docname -> ISO date of the page's last expert review.
LAST_REVIEWED: dict[str, str] = {
    "book/index": SAFETY_REVIEW,
    "book/02-immune-system": SAFETY_REVIEW,
    "book/03-cytokines": SAFETY_REVIEW,
    "book/04-immunotherapy-types": SAFETY_REVIEW,
    "book/05-cancers-treated": SAFETY_REVIEW,
    "book/06-receiving-treatment": SAFETY_REVIEW,
    "book/07-measuring-response": SAFETY_REVIEW,
    "book/08-monitoring": SAFETY_REVIEW,
    "book/09-side-effects": SAFETY_REVIEW,
    "book/10-outcomes": SAFETY_REVIEW,
    "book/11-cell-therapies": SAFETY_REVIEW,
    "book/12-biomarkers": SAFETY_REVIEW,
    "book/13-earlier-treatment": SAFETY_REVIEW,
}


@dataclass(frozen=True)
class Review:
    """One review of the course: its date, who asked for it, and what it changed."""

    date: str  # ISO date
    title: str
    changes: tuple[str, ...]  # MyST Markdown, one item per change


REVIEWS: tuple[Review, ...] = (
    Review(SAFETY_REVIEW, "Safety card complete, outdated claims fixed, plain language measured "
           "(issue 19)", (
        "Every lesson page rewritten in plainer words: shorter sentences, everyday words first, "
        "medical terms kept and explained. Each page now reads at Flesch-Kincaid grade 8 or "
        "below and the urgent-care sections at grade 6 or below, measured on the built pages "
        "(`make readability`); a test keeps them there. No number or warning was weakened.",
        "One rule for emergencies, worded the same in {doc}`09-side-effects` (text and "
        "printable checklist) and {doc}`11-cell-therapies`: for chest pain, fainting, severe "
        "breathlessness, confusion or a seizure, call an ambulance, do not drive yourself, then "
        "tell your care team.",
        "{doc}`09-side-effects`: the printable checklist now has the fever rule for people "
        "after CAR T, TIL or TCR T cells, on a T-cell engager or on high-dose steroids, and "
        "links to lesson 11; sick-day rules for people on lifelong hydrocortisone (a higher "
        "dose when ill, the emergency injection, the signs of adrenal crisis, a steroid "
        "emergency card); the text and the checklist list the same urgent signs with the same "
        "thresholds; deaths from side effects given as Wang 2018's exact rates (about 12, not "
        "13, in every 1,000 with two drugs); thyroid checks as ASCO 2021 (TSH every 4 to 6 "
        "weeks, free T4 with symptoms or an abnormal TSH); grade 3 \"may need\" hospital care; "
        "early treatment marked as expert agreement.",
        "{doc}`11-cell-therapies`: CAR T for lymphoma and myeloma named with their approval "
        "years; how often CRS and nerve side effects happen (axicabtagene label, teclistamab "
        "trial); long-term effects after CAR T; ICANS grades 3 and 4 completed; CRS grading "
        "after fever-lowering drugs, and a warning that paracetamol can hide a fever; the carer "
        "wording matches the 2025 labels; the Kymriah boxed warning is no longer quoted until "
        "its 2025 wording is confirmed.",
        "{doc}`12-biomarkers`: a negative PD-L1 result now rules out first-line pembrolizumab "
        "and nivolumab for HER2-negative stomach and oesophageal cancer on the 2025 US labels "
        "(CPS below 1); where CPS and TPS are used; TPS defined exactly; test agreement cites "
        "the Blueprint study, and Kim 2017 is described as it reported.",
        "{doc}`13-earlier-treatment`: dostarlimab's results described as one growing "
        "single-centre study reported twice, in which some cancers came back.",
        "{doc}`04-immunotherapy-types`: atezolizumab's second US bladder withdrawal (28 "
        "November 2022, after IMvigor130); ICANS described as usually clearing but possibly "
        "fatal; TICE BCG on the US market since August 1990.",
        "{doc}`06-receiving-treatment`: under-the-skin forms contain an added enzyme "
        "(hyaluronidase), have their own doses and do not cover every use.",
        "{doc}`10-outcomes`: CheckMate 067's severe side-effect rates all from one report "
        "(Larkin 2015).",
        "{doc}`08-monitoring` and its quiz: thyroid checks as in lesson 9. "
        "{doc}`07-measuring-response` and its quiz: a new lesion means progression only when "
        "it is unequivocal (RECIST 1.1).",
        "A second sceptical review of the rewritten pages, the same day: the fever rule now "
        "covers everyone on immunotherapy and names the groups most at risk; the ambulance rule "
        "adds the signs of a stroke; every page that gives urgent advice (the welcome page and "
        "lessons 4, 6, 8, 9, 11, 12 and 13) prints both rules in the same words and points to "
        "lesson 9's list, and none calls those signs a same-day matter.",
        "{doc}`04-immunotherapy-types` and {doc}`06-receiving-treatment`: every kind of "
        "treatment now names its serious harms from its US label (for example rituximab, "
        "BCG, T-VEC, interferon, and the birth defects and blood clots of thalidomide, "
        "lenalidomide and pomalidomide) and when to get help.",
        "{doc}`09-side-effects`: the diarrhoea line counts extra stools against what is normal "
        "for you and adds stoma output, night-time diarrhoea and diarrhoea with fever, "
        "dizziness, blood or pain; passing much less urine added; the sick-day rules give the "
        "double dose, severe diarrhoea, the injection kit and never stopping steroids suddenly; "
        "the rounded CheckMate 067 table cites the CMAJ review it comes from; CTCAE grade 3 "
        "quoted exactly, with a plain-words gloss.",
        "{doc}`11-cell-therapies`: driving and monitoring rules for T-cell engagers; nerve "
        "problems after cilta-cel can start months later; the Kymriah boxed warning marked as "
        "of 2024; the table leaves out figures the course has not yet checked against their "
        "source.",
        "The welcome page says pseudoprogression is uncommon and that most growth on a scan is "
        "real; lessons 12 and 13 name both first-line lung cancer uses exactly.",
    )),
    Review(FIRST_REVIEW, "Expert review for lay readers (issue 9)", (
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


# The edition: the date of the latest review of any page. One value, used by the offline
# zip's name, CITATION.cff (a test checks they agree), the PDF's cover and every page's
# footer; pages outside LAST_REVIEWED (glossary, references, ...) show it as their review date.
EDITION: str = max([*LAST_REVIEWED.values(), *(r.date for r in REVIEWS)])


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
