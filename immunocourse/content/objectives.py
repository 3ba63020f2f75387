"""Every lesson's learning objectives, once, with stable ids: ``<quiz-id>/<slug>``.

Each lesson page shows its list with the ``{objectives}`` directive
(:mod:`immunocourse.book.ext.objectives`)::

    ## Learning objectives

    ```{objectives} side-effects
    ```

which renders the lesson's intro line ("By the end of this lesson you can:") and the list,
each item ended with ";" and the last with ".", as the pages always wrote them. The lesson's
notebook carries the same list as a Markdown cell (:func:`notebook_markdown`;
``python -m immunocourse.book.objectives --write`` rewrites the cells, and
``tests/test_objectives.py`` fails when a notebook is out of step).

Every question of a course bank names what it assesses
(``objectives: [side-effects/warning-signs]``); ``quiz check`` rejects an id that is not
here, and the strict book build fails on an objective that no question assesses unless the
objective says why (``not_assessed``).

Adding an objective: add ``_(slug, markup)`` to its lesson below, in the order the page
lists it; then name it in the ``objectives:`` of the questions that assess it, or give
``not_assessed="why"`` (practised in the notebook, say). Never reuse or rename an id once a
class has been graded: reports store it. ``markup`` is the MyST the page shows, without the
closing ";" or "."; ``{term}`` roles and ``*emphasis*`` are allowed, other roles are not (the
notebook and the reports show :attr:`Objective.text`, the words with the markup removed).

Plain data and small helpers: nothing from the layers above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)/([a-z0-9]+(?:-[a-z0-9]+)*)$")

INTRO = "By the end of this lesson you can:"
# A lesson whose page words its intro line differently.
INTROS: dict[str, str] = {"welcome": "By the end of this first lesson you can:"}

HEADING = "Learning objectives"


@dataclass(frozen=True)
class Objective:
    """One learning objective of one lesson."""

    id: str  # "<lesson>/<slug>", stable: gradebook reports and bank files store it
    lesson: str  # the lesson's quiz id
    text: str  # the sentence as the page shows it, in plain words, without ";" or "."
    not_assessed: str | None  # why no quiz question assesses it, or None
    markup: str  # the same sentence as MyST, as the page source writes it

    @property
    def slug(self) -> str:
        return self.id.partition("/")[2]


@dataclass(frozen=True)
class _Entry:
    slug: str
    markup: str
    not_assessed: str | None = None


def _(slug: str, markup: str, *, not_assessed: str | None = None) -> _Entry:
    return _Entry(slug, markup, not_assessed)


# Lesson (quiz id, in course order) -> its objectives, in the order the page lists them.
_COURSE: dict[str, tuple[_Entry, ...]] = {
    "welcome": (
        _("course-scope", "say what the course covers and who it is written for"),
        _("ways-to-use", "choose how to use it: as a student with the notebooks, as an "
          "instructor with graded quizzes, or as a reader of this book"),
        _("read-citation", "read a citation in the text and find the source behind it",
          not_assessed="used on every page, where each citation links to its entry in the "
          "references; no quiz question asks it"),
        _("first-terms", "say in a sentence what the immune system is and what "
          "*pseudoprogression* means"),
    ),
    "immune-system": (
        _("parts", "name the organs, antibodies and cells that make up the immune system, "
          "and say what each kind of cell does"),
        _("innate-adaptive", "tell innate from adaptive immunity"),
        _("cancer-immunity-cycle", "describe, in order, the steps by which T cells find and "
          "kill cancer cells"),
        _("tumour-escape", "explain two ways tumours escape, immune checkpoints and a "
          "\"cold\" tumour with few T cells inside it, and why that matters for "
          "immunotherapy"),
    ),
    "cytokines": (
        _("cytokine-families", "say what a cytokine is, and name two families used as "
          "cancer drugs: interleukins and interferons"),
        _("two-actions", "describe the two things immunotherapy does: make more "
          "disease-fighting cells, and help the immune system recognise and target the "
          "cancer"),
        _("sort-therapies", "sort the main kinds of immunotherapy by which of those two "
          "things they mostly do"),
        _("boost-model", "use a simple model to show why \"more disease-fighting cells\" can "
          "tip the balance against a tumour, and say what the model leaves out"),
    ),
    "immunotherapy-types": (
        _("kinds", "name the main kinds of immunotherapy and say how each one helps the "
          "immune system act against cancer"),
        _("example-drugs", "give an example drug of each kind and say what it is aimed at"),
        _("approvals-timeline", "read the table of first approvals and place each kind of "
          "immunotherapy in time"),
        _("serious-side-effects", "name the main serious side effects of each kind, and say "
          "when they need urgent care"),
        _("indirect-action", "explain why a drug can be an \"immunotherapy\" without ever "
          "touching a T cell directly"),
    ),
    "cancers-treated": (
        _("cancers-with-benefit", "name cancers for which checkpoint inhibitors have shown "
          "benefit in large trials"),
        _("response-rate", "explain what an objective response rate measures, and why rates "
          "from different trials cannot simply be lined up against each other"),
        _("immunogenic", "explain in plain words what makes a cancer more *immunogenic*, "
          "including mismatch-repair deficiency, microsatellite instability and tumour "
          "mutational burden"),
        _("rate-arithmetic", "work out simple differences and ratios from published "
          "response rates"),
    ),
    "receiving-treatment": (
        _("routes", "name the ways immunotherapy can be given, with an example of each"),
        _("read-schedule", "read a treatment schedule, including cycles with rest periods, "
          "and say why rest periods exist"),
        _("count-doses", "count the doses in a schedule and find the week of a given dose"),
        _("duration-and-site-reactions", "list what decides how long treatment lasts, and "
          "the reactions that can happen where a needle goes in"),
    ),
    "measuring-response": (
        _("scan-to-number", "say how a scan is turned into a number: measurable lesions, "
          "target lesions and the sum of their diameters"),
        _("recist-labels", "label a scan as complete response, partial response, stable "
          "disease or progression under RECIST 1.1, and work out the best overall response"),
        _("irecist", "explain why immunotherapy needed new rules, and how \"unconfirmed\" "
          "and \"confirmed\" progression work in iRECIST"),
        _("pseudo-hyper", "describe pseudoprogression and hyperprogression, and say how "
          "often each has been reported"),
    ),
    "monitoring": (
        _("checks", "list the checks made during immunotherapy (exams, blood tests and "
          "scans) and say what each one looks for"),
        _("thyroid-liver", "explain why thyroid and liver blood tests are part of routine "
          "checks"),
        _("count-schedule", "read a schedule of checks and count the visits, tests and scans "
          "in it"),
        _("repeat-scan", "explain why a scan that looks worse is sometimes repeated before a "
          "doctor decides that the cancer is growing"),
    ),
    "side-effects": (
        _("why-different", "explain why immunotherapy's side effects differ from "
          "chemotherapy's"),
        _("warning-signs", "name the warning signs of a serious immune side effect, organ by "
          "organ, in everyday words and by their medical names"),
        _("when-to-call", "say when to call an ambulance, when to call the care team at once "
          "and when to call the same day, and why anyone treating you must know that you are "
          "on immunotherapy"),
        _("permanent-late", "explain that these side effects can be permanent or fatal, and "
          "can start late, even after treatment has stopped"),
        _("grades-table", "read a trial's side-effect table and the five severity grades"),
    ),
    "outcomes": (
        _("cancer-and-stage", "explain why how well immunotherapy works depends on the type "
          "of cancer and its stage"),
        _("kaplan-meier", "read a Kaplan-Meier survival curve and spot the \"tail\" that "
          "lasting responses make"),
        _("long-term-survival", "give long-term survival figures, with their sources, for "
          "melanoma and lung cancer treated with checkpoint inhibitors"),
        _("memory-t-cells", "say what memory T cells are and why they might make responses "
          "last"),
        _("research", "name four lines of research going on now"),
    ),
    "cell-therapies": (
        _("cell-vs-engager", "tell a cell therapy (CAR T, TIL, TCR T) from a ready-made "
          "T-cell engager"),
        _("car-t-journey", "describe how CAR T cells are made and given, and what a patient "
          "and carer must plan for afterwards"),
        _("crs-icans", "name the main dangers, {term}`cytokine release syndrome (CRS) "
          "<Cytokine release syndrome (CRS)>` and immune effector cell-associated "
          "neurotoxicity syndrome ({term}`ICANS`), say how often they happen, and read their "
          "ASTCT grades"),
        _("long-term-effects", "list the long-term effects: low blood counts, low antibodies, "
          "infections and second cancers"),
        _("urgent-signs", "say which signs need a call to the team and which need an "
          "ambulance"),
    ),
    "biomarkers": (
        _("what-tests-measure", "say what a biomarker test measures and why doctors use one "
          "before some immunotherapies"),
        _("pd-l1-scores", "work out a PD-L1 tumour proportion score (TPS) and combined "
          "positive score (CPS) from cell counts"),
        _("approved-markers", "name the markers behind four US approvals: PD-L1, MSI-H/dMMR, "
          "high tumour mutational burden and the HLA-A*02:01 tissue type"),
        _("predictive-value", "explain why the same test result means more or less depending "
          "on how common the marker is (predictive value and prevalence)"),
        _("test-limits", "list the main limits of these tests, including when a \"negative\" "
          "result rules treatment out and when it does not"),
    ),
    "earlier-treatment": (
        _("timing-words", "explain the words adjuvant, neoadjuvant and perioperative"),
        _("pcr-efs", "say what pathological complete response and event-free survival "
          "measure", not_assessed="no question asks what the two measures mean: the trial "
          "questions say what pathological complete response is in their prompts"),
        _("surgery-trials", "describe the trials that brought checkpoint inhibitors next to "
          "surgery in melanoma, breast, lung and kidney cancer, with their serious "
          "side-effect rates"),
        _("dostarlimab", "say what the dostarlimab study in rectal cancer found, and why it "
          "is still early evidence"),
        _("with-chemotherapy", "explain why immunotherapy is often given with chemotherapy, "
          "and what that does to side effects"),
        _("special-care", "name three cases in which immunotherapy may be unsafe or needs "
          "special care"),
        _("find-trial", "describe how to look for a clinical trial"),
    ),
}


# --- markup to words --------------------------------------------------------------------------

_TERM = re.compile(r"\{term\}`([^`<]*?)\s*(?:<[^>]*>)?`")
_ANY_ROLE = re.compile(r"\{[a-z:-]+\}`")
_EMPHASIS = re.compile(r"(\*{1,2})(?=\S)(.+?)(?<=\S)\1")


def plain(markup: str) -> str:
    """The words of an objective's MyST, as a reader sees them on the page.

    ``{term}`shown <Target>``` and ``{term}`Word``` become their shown text, ``*a*`` and
    ``**a**`` lose their stars. Any other role is an error: its text is not known here.
    """
    text = _TERM.sub(r"\1", markup)
    if _ANY_ROLE.search(text):
        raise ValueError(f"objective text {markup!r}: only {{term}} roles can be shown as words")
    return " ".join(_EMPHASIS.sub(r"\2", text).split())


def _build() -> dict[str, Objective]:
    out: dict[str, Objective] = {}
    for lesson, entries in _COURSE.items():
        for entry in entries:
            oid = f"{lesson}/{entry.slug}"
            out[oid] = Objective(id=oid, lesson=lesson, text=plain(entry.markup),
                                 not_assessed=entry.not_assessed, markup=entry.markup)
    return out


OBJECTIVES: dict[str, Objective] = _build()
LESSONS: tuple[str, ...] = tuple(_COURSE)


def objective(objective_id: str) -> Objective:
    """The objective with this id; ``KeyError`` names the lesson's known ids."""
    try:
        return OBJECTIVES[objective_id]
    except KeyError:
        raise KeyError(unknown_message(objective_id)) from None


def for_lesson(quiz_id: str) -> tuple[Objective, ...]:
    """The lesson's objectives in the order its page lists them (empty for an unknown lesson)."""
    return tuple(o for o in OBJECTIVES.values() if o.lesson == quiz_id)


def intro(quiz_id: str) -> str:
    """The line above the lesson's list."""
    return INTROS.get(quiz_id, INTRO)


def unknown_message(objective_id: str) -> str:
    """Why ``objective_id`` is not a course objective, with the ids it might have meant."""
    match = ID.match(objective_id)
    if match is None:
        return (f"'{objective_id}' is not an objective id (<quiz-id>/<slug>, e.g. "
                f"'{next(iter(OBJECTIVES))}')")
    lesson = match.group(1)
    known = [o.slug for o in for_lesson(lesson)]
    if not known:
        return (f"unknown objective '{objective_id}': no lesson '{lesson}' has objectives "
                "(immunocourse/content/objectives.py)")
    return (f"unknown objective '{objective_id}' (lesson '{lesson}' has: "
            f"{', '.join(known)})")


def items(quiz_id: str, *, words: bool = False) -> list[str]:
    """The list items as a page writes them: ";" after each, "." after the last."""
    objectives = for_lesson(quiz_id)
    last = len(objectives) - 1
    return [(o.text if words else o.markup) + ("." if i == last else ";")
            for i, o in enumerate(objectives)]


def notebook_markdown(quiz_id: str) -> str:
    """The Markdown cell of the lesson's notebook: heading, intro line and list, in words."""
    lines = [f"## {HEADING}", "", intro(quiz_id), ""]
    lines += [f"- {item}" for item in items(quiz_id, words=True)]
    return "\n".join(lines)
