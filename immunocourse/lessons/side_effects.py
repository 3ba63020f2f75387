"""Lesson 9, side effects: the numbers the page quotes and the quiz keys, from ``evidence``.

Published data only (CheckMate 067 adverse events, onset windows, CTCAE grades); nothing
here is simulated. The figures are in ``immunocourse.evidence_figures``.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from immunocourse import evidence, evidence_figures

COMBO, NIVO, IPI = "nivolumab + ipilimumab", "nivolumab", "ipilimumab"

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

# NCI, "Immunotherapy Side Effects": skin reactions where the needle goes in.
NEEDLE_SITE_REACTIONS: tuple[str, ...] = (
    "Pain", "Swelling", "Soreness", "Redness", "Itchiness", "Rash")


def adverse_event_figure() -> go.Figure:
    return evidence_figures.adverse_event_bars()


def onset_figure() -> go.Figure:
    return evidence_figures.onset_timeline()


def _html_table(header: list[str], rows: list[list[str]], caption: str) -> str:
    # HTML, not Markdown: MyST-NB renders Markdown outputs as CommonMark, which has no tables.
    def cells(tag: str, values: list[str]) -> str:
        return "".join(f"<{tag}>{html.escape(v)}</{tag}>" for v in values)

    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in rows)
    return (f'<table class="table"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{cells('th', header)}</tr></thead><tbody>{body}</tbody></table>")


def adverse_event_table() -> str:
    """The CheckMate 067 numbers as an HTML table (any grade / grade 3 or higher)."""
    rows = [[e.event, *(f"{e.any_grade[a]}% / {e.grade3plus[a]}%" for a in evidence.ARMS_067)]
            for e in evidence.ADVERSE_EVENTS]
    return _html_table(["Side effect", *evidence.ARMS_067], rows,
                       "Percent of patients, any grade / grade 3 or higher (CheckMate 067)")


# Quiz keys (quizzes/banks/side-effects.yml, answer_from)
def hepatitis_grade3_times_combo_vs_nivo() -> float:
    """How many times more often grade >= 3 hepatitis occurred with the combination than
    with nivolumab alone."""
    hep = evidence.adverse_event("Hepatitis")
    return round(hep.grade3plus[COMBO] / hep.grade3plus[NIVO], 1)


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


def ctcae_table() -> str:
    """CTCAE v5.0 grades as an HTML table."""
    rows = [[str(grade), text] for grade, text in evidence.CTCAE_GRADES.items()]
    return _html_table(["Grade", "Meaning"], rows, "CTCAE version 5.0 severity grades")


def grade_needing_hospital_care() -> str:
    """The lowest CTCAE grade whose description involves hospital care."""
    return str(min(g for g, text in evidence.CTCAE_GRADES.items() if "hospital" in text))


def compare_arms(event: str = "Hepatitis", severe: bool = True) -> str:
    """One side effect, combination versus nivolumab alone: the difference in percentage
    points and the ratio, in a sentence (the notebook's explorer prints it)."""
    ae = evidence.adverse_event(event)
    rates = ae.grade3plus if severe else ae.any_grade
    combo, nivo = rates[COMBO], rates[NIVO]
    kind = "grade 3 or higher" if severe else "any grade"
    ratio = (f"{combo / nivo:.1f} times as often" if nivo
             else "no ratio, because the nivolumab figure rounds to 0%")
    return (f"{event} ({kind}): {combo}% with nivolumab + ipilimumab vs {nivo}% with "
            f"nivolumab alone; a difference of {combo - nivo} percentage points, {ratio}. "
            f"Source: {ae.source}.")


def event_names() -> list[str]:
    return [e.event for e in evidence.ADVERSE_EVENTS]
