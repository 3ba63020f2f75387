"""Lesson 9, side effects and when to get help: the numbers and lists the page quotes, and
the quiz keys.

Published data only (CheckMate 067 adverse events, onset windows, CTCAE grades and deaths
from ``evidence``; the under-the-skin approvals from ``lessons.receiving_treatment``; the
organ-by-organ warning signs as records here); nothing here is simulated. The signs that need
the care team at once are one list, ``URGENT_SIGNS``: the page's "When to get help" text
(:func:`urgent_signs_markdown`) and the printable card (:func:`emergency_checklist`) both
render it, beside the course's two urgent-care rules printed verbatim from
``immunocourse.content.safety``. The figures are in
``immunocourse.figures.evidence_plots``. Every record carries ``key`` (its BibTeX key in
book/references.bib), ``source`` (a short citation) and ``checked`` (the date it was last
read against that source).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import plotly.graph_objects as go

from immunocourse.content import evidence, safety
from immunocourse.figures import evidence_plots
from immunocourse.figures.tables import html_table
from immunocourse.lessons import receiving_treatment

COMBO, NIVO, IPI = "nivolumab + ipilimumab", "nivolumab", "ipilimumab"
LIVER_ROW = "Raised liver enzyme (ALT)"
CHECKED = "2026-12-01"

# The seed page's list of reasons to call the care team (Cleveland Clinic 2020, recovered in
# the course fact sheet, section 1). Kept here so the page and the quiz share one list.
CALL_THE_CARE_TEAM: tuple[str, ...] = (
    "Palpitations or chest pain",
    "Signs of infection, such as fever or chills",
    "Trouble breathing or swallowing",
    "Diarrhoea or colitis",
    "Altered mental status (confusion, unusual drowsiness)",
    "Rash",
)


# --- Organ by organ: the warning signs -----------------------------------------------------


@dataclass(frozen=True)
class OrganSign:
    """One organ an immune side effect can inflame: the signs in lay words beside the medical
    term, and, for a sign that needs the care team at once, day or night, the line that the
    urgent list and the printable card give it (with a threshold where a reader needs one)."""

    organ: str  # the part of the body, in lay words
    term: str  # the medical name of the inflammation or disorder
    signs: str  # what a person may notice, in lay words (the organ table)
    note: str  # one line on why it matters
    urgent: str | None  # the line on the urgent list and the card; None: report it the same day
    key: str
    source: str
    checked: str = CHECKED

    @property
    def emergency(self) -> bool:
        """On the urgent list and the printable card."""
        return self.urgent is not None


_ASCO = "Brahmer et al., J Clin Oncol 2018 (ASCO guideline)"
_ASCO21 = "Schneider et al., J Clin Oncol 2021 (ASCO guideline update)"
RECHECKED = "2026-12-07"

# The diarrhoea line of the urgent list and the card (see the gut notes below).
DIARRHOEA_AT_ONCE = (
    "diarrhoea with 4 or more extra stools a day, on top of what is normal for you; a clear "
    "rise in stoma output; diarrhoea that wakes you at night; or any diarrhoea with a fever, "
    "dizziness, blood or mucus, or tummy pain")

# The ASCO guideline's organ chapters and its patient-counselling lists (the endocrine list,
# Table 4 of Brahmer 2018, names headaches, vision changes, extreme tiredness, dizziness or
# fainting, feeling thirstier than usual and urinating more often), checked 2026-12-01.
# Rechecked 2026-12-07 (issue 19):
# - gut: the threshold is CTCAE v5.0's grade 2 diarrhoea ("increase of 4-6 stools per day over
#   baseline; moderate increase in ostomy output compared to baseline") and grade 2 colitis
#   ("abdominal pain; mucus or blood in stool"), the grade at which ASCO 2021 holds the drug and
#   treats; acute oncology triage (for example St George's, London) sends grade 2 diarrhoea on
#   immunotherapy for same-day review. Rechecked 2026-12-07 (sceptical-oncologist review,
#   finding A): the line says "extra" stools "on top of what is normal for you", because "4 or
#   more stools a day" alone reads as a total; it adds stoma output (CTCAE grade 2), diarrhoea at
#   night (grade 2 in NCI's earlier criteria: "4-6 stools/day or nocturnal stools", NCI PDQ,
#   Gastrointestinal complications, Table 1) and any diarrhoea with fever, dizziness
#   (dehydration), blood or mucus, or tummy pain (St George's immunotherapy triage: red for any
#   grade of diarrhoea with one of these; NCI PDQ: "complicated" diarrhoea). Other new diarrhoea
#   needs a call the same day (the organ note and the page say so);
# - kidneys: the US KEYTRUDA Medication Guide lists "decrease in the amount of your urine"
#   under the kidney problems for which patients are to call the provider "right away", and
#   lesson 3 calls passing much less urine urgent: it is on the urgent list (finding A);
# - adrenal glands: the signs of an adrenal crisis (vomiting, dizziness on standing up,
#   confusion) as the Society for Endocrinology's emergency guidance and the Addison's Disease
#   Self-Help Group list them; ASCO 2021 (Table 4) asks that every patient with adrenal
#   insufficiency be taught when to seek help for an impending crisis;
# - thyroid: ASCO 2021 checks TSH every 4-6 weeks during treatment, and TSH with free T4 when
#   there are symptoms; free T4 also helps to read an abnormal TSH.
ORGAN_SIGNS: tuple[OrganSign, ...] = (
    OrganSign("Lungs", "pneumonitis", "a new cough, or breathlessness",
              "Inflamed lungs can stop oxygen getting into the blood.",
              "a new cough, or breathlessness", "brahmer2018", _ASCO),
    OrganSign("Gut", "colitis", "diarrhoea, blood or mucus in the stools, or bad tummy pain",
              "Severe colitis can tear the bowel wall. Diarrhoea that is not on the urgent list "
              "still needs a call to the care team the same day.",
              DIARRHOEA_AT_ONCE,
              "nci2017ctcae", "CTCAE v5.0 (diarrhoea and colitis, grade 2); ASCO 2021; "
              "NCI PDQ and acute oncology triage (night-time stools; diarrhoea with fever, "
              "dehydration, blood or pain)", RECHECKED),
    OrganSign("Liver", "hepatitis", "yellow skin or eyes (jaundice), or dark urine",
              "Often found first on a blood test of liver enzymes such as ALT.",
              "yellow skin or eyes, or dark urine", "brahmer2018", _ASCO),
    OrganSign("Pituitary gland (at the base of the brain)", "hypophysitis",
              "a severe headache, or a change in vision",
              "The pituitary runs other hormone glands; damage is often permanent.",
              "a severe headache, or a change in vision", "brahmer2018", _ASCO),
    OrganSign("Adrenal glands", "adrenal insufficiency",
              "extreme tiredness, or fainting; in a crisis, being sick (vomiting), feeling "
              "dizzy when you stand up, or confusion",
              "A sudden lack of the stress hormone cortisol (adrenal crisis) can be fatal.",
              "extreme tiredness, being sick, feeling dizzy when you stand up, fainting, or "
              "confusion", "schneider2021", _ASCO21 + "; Society for Endocrinology", RECHECKED),
    OrganSign("Thyroid gland", "thyroiditis (an underactive or overactive thyroid)",
              "tiredness, feeling cold and weight gain; or a racing heart, sweating and "
              "weight loss",
              "Checked with a TSH blood test every 4 to 6 weeks during treatment, and free T4 "
              "too if there are symptoms or the TSH is abnormal; thyroid tablets are often "
              "needed for life.", None, "schneider2021", _ASCO21, RECHECKED),
    OrganSign("Pancreas", "type 1 diabetes", "great thirst, or passing a lot of urine",
              "Can arrive suddenly as a dangerous acid build-up (diabetic ketoacidosis); "
              "insulin is then needed for life.", "great thirst, or passing a lot of urine",
              "brahmer2018", _ASCO),
    OrganSign("Heart", "myocarditis", "chest pain, or a racing or irregular heart",
              "Rare, but often fatal when it happens; it tends to come early in treatment.",
              "chest pain, or a racing or irregular heart",
              "patel2021", "Patel et al., Curr Oncol Rep 2021"),
    OrganSign("Nerves and muscles", "neurological side effects (such as myasthenia gravis)",
              "muscle weakness, or double vision; also numbness, confusion or a stiff neck",
              "Weakness can spread to the muscles used for breathing and swallowing.",
              "new muscle weakness, double vision, numbness, or a stiff neck",
              "schneider2021", _ASCO21),
    OrganSign("Kidneys", "nephritis",
              "passing much less urine, blood in the urine, or swollen ankles",
              "Often found first on a blood test (creatinine).",
              "passing much less urine than usual", "fdapembrolizumabmedguide2026",
              "KEYTRUDA US Medication Guide (kidney problems: \"decrease in the amount of your "
              "urine\"; call \"right away\"); " + _ASCO, RECHECKED),
    OrganSign("Skin", "severe skin reactions (such as Stevens-Johnson syndrome)",
              "a rash with blisters or peeling skin, or sores in the mouth or eyes",
              "Most rashes are mild; blistering ones are an emergency.",
              "a rash with blisters or peeling skin, or sores in the mouth or eyes",
              "brahmer2018", _ASCO),
)

# The one list of signs that need the care team at once, day or night: the "When to get
# help" text and the printable card both render it, so they cannot list different signs.
URGENT_SIGNS: tuple[OrganSign, ...] = tuple(s for s in ORGAN_SIGNS if s.urgent)


def organ_sign(term: str) -> OrganSign:
    for s in ORGAN_SIGNS:
        if s.term.startswith(term):
            return s
    raise KeyError(f"no organ sign for {term!r}")


def organ_table() -> str:
    """Every organ, its signs in lay words and its medical term, as an HTML table."""
    rows = [[s.organ, s.signs, s.term, s.note] for s in ORGAN_SIGNS]
    return html_table(["Part of the body", "Signs to report", "Medical term", "Why it matters"],
                      rows, "Immune side effects organ by organ (ASCO guideline; "
                      "Patel et al. 2021 for the heart)")


def _organ_name(sign: OrganSign) -> str:
    return sign.organ.split(" (")[0].lower()


def urgent_signs_markdown() -> str:
    """The urgent signs as a Markdown list, for the "When to get help" text: the same lines,
    in the same order, as the printable card."""
    return "\n".join(f"- {s.urgent}" for s in URGENT_SIGNS) + "\n"


# The card's headings and the sentences around the lists. The rules themselves are printed
# from ``safety`` as they stand.
CARD_AMBULANCE = "Call an ambulance"
# Both lists below name signs that the ambulance rule names too (chest pain, fainting, and
# confusion, which the fever rule also names): the stricter rule wins, on the card and page.
CARD_AMBULANCE_FIRST = "This rule comes first, even when a sign is also in a list below."
CARD_AT_ONCE = "Call your care team at once, day or night"
CARD_AT_ONCE_TEXT = ("Do this for any sign below. If you cannot reach them, go to an "
                     "emergency department.")
CARD_HYDROCORTISONE = "If you take hydrocortisone every day"
# The sick-day rules (ASCO 2021, Table 4, asks that every patient with adrenal insufficiency be
# taught them). Sources, read 2026-12-07 (sceptical-oncologist review, finding C):
# - double dose: Simpson et al., Clin Med 2020, Box 3 ("for moderate illness (eg fever,
#   infection requiring antibiotics ...), usual oral steroid dose can be doubled"); the Addison's
#   Disease Self-Help Group (double for a temperature of 38 °C or more, or an illness that makes
#   you feel poorly or weak). "Keeps you in bed" is the bed-rest clause of the usual sick-day
#   rule 1 (fever, bed rest or antibiotics) as NHS patient guidance on the Steroid Emergency
#   Card words it; it was not read verbatim in Simpson 2020. The patient's own team sets the
#   dose, so the line says so;
# - vomiting or severe diarrhoea: hydrocortisone by injection and urgent help (Simpson 2020,
#   Box 3: persistent vomiting needs 100 mg hydrocortisone; the Society for Endocrinology's and
#   the Self-Help Group's second sick-day rule: vomiting or severe diarrhoea). Not everyone has
#   a kit, so the lines say "if you have one", and the next line asks for one;
# - adrenal crisis: inject, then call an ambulance (Self-Help Group's emergency steps);
# - never stop suddenly: steroids taken for weeks suppress the body's own cortisol (Simpson
#   2020); high-dose steroids for a side effect are lowered over at least 4 to 6 weeks (ASCO
#   2018, Brahmer et al.).
# The page's "Living on hydrocortisone" list and the card print these same lines (a test
# checks).
HYDROCORTISONE_RULES: tuple[str, ...] = (
    "If you have a fever, or an illness that keeps you in bed or needs antibiotics, the usual "
    "rule is to double your daily dose. Follow the plan your team gives you.",
    "If you are being sick and cannot keep your tablets down, or you have severe diarrhoea, "
    "use your emergency hydrocortisone injection if you have one. Then get urgent medical "
    "help at once.",
    "Know the signs of an adrenal crisis: being sick, feeling dizzy when you stand up, and "
    "confusion. If they start, use your emergency injection if you have one, then call an "
    "ambulance.",
    "Ask your team for an emergency injection kit, and for someone to show you how to use it.",
    "Carry a steroid emergency card, or wear a medical alert bracelet. It tells emergency "
    "staff that you need extra steroid at once.",
    "Never stop steroid tablets suddenly. This includes high-dose steroids given for a side "
    "effect. When it is time to stop, your team will lower the dose step by step.",
)
CARD_FEVER = "A fever, or shivering, during or after immunotherapy"
CARD_SAME_DAY = ("For any other new or worse symptom, call your care team the same day. Say "
                 "that you are on immunotherapy, and show your alert card.")


def emergency_checklist() -> str:
    """The printable card: the ambulance rule; one line with a tick box per sign that needs
    the care team at once (lay words first, then the organ and the medical term in a
    ``medical-term`` span); the sick-day rules for daily hydrocortisone; the fever rule; and
    the same-day rule for anything else. The two shared rules are printed verbatim from
    ``safety``."""
    e = html.escape
    items = "".join(
        f"<li><span aria-hidden=\"true\">&#9744;</span> {e(s.urgent.capitalize())} "
        f"<span class=\"medical-term\">&#8212; <em>{e(_organ_name(s))}: {e(s.term)}</em>"
        f"</span></li>"
        for s in URGENT_SIGNS)
    return (
        '<div class="ic-emergency-card">'
        f'<p class="ic-emergency-level"><strong>{e(CARD_AMBULANCE)}</strong></p>'
        f'<p class="ic-emergency-rule">{e(safety.EMERGENCY_RULE)}</p>'
        f"<p>{e(CARD_AMBULANCE_FIRST)}</p>"
        f'<p class="ic-emergency-level"><strong>{e(CARD_AT_ONCE)}</strong></p>'
        f"<p>{e(CARD_AT_ONCE_TEXT)}</p>"
        f'<ul class="emergency-checklist">{items}</ul>'
        f'<p class="ic-emergency-level"><strong>{e(CARD_HYDROCORTISONE)}</strong></p>'
        + "".join(f"<p>{e(rule)}</p>" for rule in HYDROCORTISONE_RULES) +
        f'<p class="ic-emergency-level"><strong>{e(CARD_FEVER)}</strong></p>'
        f'<p class="ic-emergency-rule">{e(safety.FEVER_RULE)}</p>'
        f"<p>{e(CARD_SAME_DAY)}</p>"
        "</div>")


# --- How often they kill, and how early ----------------------------------------------------


# Wang 2018's deaths and their timing, stored once in ``evidence`` (lesson 6 quotes them too).
FATAL = evidence.FATAL_CHECKPOINT


def deaths_per_thousand(pct: float) -> float:
    """A percentage as people out of 1,000."""
    return round(pct * 10, 1)


def fatal_per_thousand_highest() -> float:
    """Quiz key: out of 1,000 people on the regimen with the highest rate (a PD-1 or PD-L1 drug
    with a CTLA-4 drug), how many died of a side effect in Wang 2018's trial meta-analysis."""
    return deaths_per_thousand(FATAL.high_pct)


def fatal_per_thousand(regimen: str) -> int:
    """One regimen's deaths from side effects in Wang 2018, as a whole number out of 1,000
    (the page says "about")."""
    return round(deaths_per_thousand(FATAL.by_regimen[regimen]))


# --- Checkpoint inhibitors under the skin --------------------------------------------------


# The US approvals of the under-the-skin forms live with the routes in lesson 6.
SUBCUTANEOUS = receiving_treatment.UNDER_SKIN_APPROVALS


def subcutaneous_sentence() -> str:
    parts = [f"{s.drug} ({s.year})" for s in SUBCUTANEOUS]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# --- CheckMate 067 (numbers in ``evidence``) ---------------------------------------------


@dataclass(frozen=True)
class LiverDetail:
    """CheckMate 067, combination arm: the unrounded liver rows, raised ALT (a blood test)
    beside clinically diagnosed hepatitis, percent of patients."""

    alt_any_pct: float
    alt_grade34_pct: float
    hepatitis_any_pct: float
    hepatitis_grade34_pct: float
    key: str = "larkin2015"
    source: str = ("Larkin et al., N Engl J Med 2015, as reproduced in J Immunother Cancer "
                   "2020;8:e001322, Table 1")
    checked: str = CHECKED


# 55/313, 26/313, 10/313 and 8/313 patients in the combination arm.
LIVER_COMBO = LiverDetail(17.6, 8.3, 3.2, 2.6)


def adverse_event_figure() -> go.Figure:
    return evidence_plots.adverse_event_bars()


def onset_figure() -> go.Figure:
    return evidence_plots.onset_timeline()



def adverse_event_table() -> str:
    """The CheckMate 067 numbers as an HTML table (any grade / grade 3 or higher)."""
    rows = [[e.event, *(f"{e.any_grade[a]}% / {e.grade3plus[a]}%" for a in evidence.ARMS_067)]
            for e in evidence.ADVERSE_EVENTS]
    return html_table(["Side effect", *evidence.ARMS_067], rows,
                      "Percent of patients, any grade / grade 3 or higher (CheckMate 067; "
                      "rounded figures from the table in Esfahani et al., CMAJ 2019)")


# Quiz keys (quizzes/banks/side-effects.yml, answer_from)
def liver_grade3_points_combo_minus_nivo() -> int:
    """Percentage points between the arms' shares of grade >= 3 raised liver enzyme (ALT).
    A difference of rounded percentages moves by at most one point; a ratio of them can move
    a great deal when one is near zero, which is why the quiz asks for the difference."""
    alt = evidence.adverse_event(LIVER_ROW)
    return alt.grade3plus[COMBO] - alt.grade3plus[NIVO]


def grade3_points_combo_minus_nivo() -> int:
    """Percentage points between the arms' shares of grade >= 3 events of any kind."""
    total = evidence.adverse_event("All treatment-related events")
    return total.grade3plus[COMBO] - total.grade3plus[NIVO]


def most_common_any_grade_with_combination() -> str:
    """Which single side effect in the table was most frequent with the combination."""
    single = [e for e in evidence.ADVERSE_EVENTS if not e.event.startswith("All")]
    return max(single, key=lambda e: e.any_grade[COMBO]).event


def latest_typical_onset_week() -> float:
    """The last week of the latest onset window in the timeline (endocrine side effects)."""
    return max(w.last_week for w in evidence.ONSET_WINDOWS)


def earliest_onset_organ() -> str:
    return min(evidence.ONSET_WINDOWS, key=lambda w: w.first_week).organ


# Grade 3 is quoted word for word (``evidence.CTCAE_GRADES``); this plain-words gloss of its
# last term follows the quote, marked as ours, never inside it. CTCAE v5.0's footnote: "Self
# care ADL refer to bathing, dressing and undressing, feeding self, using the toilet, taking
# medications, and not bedridden."
CTCAE_QUOTED_GRADE = 3
CTCAE_GLOSS = ("Plain words (the course's, not part of the quote): \"self care ADL\" means "
               "looking after yourself, such as washing, dressing, eating, using the toilet and "
               "taking your medicines.")


def ctcae_meaning(grade: int) -> str:
    """The table's text for one grade: grade 3 as a quotation followed by the course's gloss;
    the other grades as the course's short summaries."""
    text = evidence.CTCAE_GRADES[grade]
    if grade == CTCAE_QUOTED_GRADE:
        return f"\u201c{text}\u201d (CTCAE wording). {CTCAE_GLOSS}"
    return text


def ctcae_table() -> str:
    """CTCAE v5.0 grades as an HTML table."""
    rows = [[str(grade), ctcae_meaning(grade)] for grade in evidence.CTCAE_GRADES]
    return html_table(["Grade", "Meaning"], rows,
                      "CTCAE version 5.0 severity grades: grade 3 in the official wording, in "
                      "quotation marks; the other grades in short")


def lowest_severe_grade() -> str:
    """Quiz key: the lowest CTCAE grade whose definition calls the event severe (grade 3:
    severe or medically significant but not immediately life-threatening; it may need hospital
    care, which the definition calls "indicated", not required)."""
    return str(min(g for g, text in evidence.CTCAE_GRADES.items()
                   if text.lower().startswith("severe")))


def compare_arms(event: str = LIVER_ROW, severe: bool = True) -> str:
    """One side effect, combination versus nivolumab alone: the difference in percentage
    points and the ratio, in a sentence (the notebook's explorer prints it)."""
    ae = evidence.adverse_event(event)
    rates = ae.grade3plus if severe else ae.any_grade
    combo, nivo = rates[COMBO], rates[NIVO]
    kind = "grade 3 or higher" if severe else "any grade"
    ratio = (f"about {combo / nivo:.0f} times as often, though both figures are rounded to "
             "whole percentages, so the ratio is rough" if nivo
             else "no ratio, because the nivolumab figure rounds to 0%")
    return (f"{event} ({kind}): {combo}% with nivolumab + ipilimumab vs {nivo}% with "
            f"nivolumab alone; a difference of {combo - nivo} percentage points, {ratio}. "
            f"Source: {ae.source}.")


def event_names() -> list[str]:
    return [e.event for e in evidence.ADVERSE_EVENTS]
