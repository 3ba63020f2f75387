"""The course's two urgent-care rules, worded once.

Every page that tells readers when to get urgent help (the welcome page; lessons 4, 6, 8,
12 and 13; lesson 9's text and printable checklist; lesson 11) prints these sentences as they
stand, so a reader meets one rule, in the same words, wherever they look.
tests/test_safety_rules.py checks that the built pages and the checklist carry them verbatim.

Sources: the ASCO guideline on immune side effects (Schneider et al., J Clin Oncol 2021);
for the fever rule, the US labels and REMS of the CAR T products and T-cell engagers and the
FDA's 2025 safety communication (fdarems2025, kymriahlabel, tecvaylilabel in
book/references.bib), which tell patients to call the treating team at once for fever,
dizziness, confusion or trouble speaking; ASCO 2021 for fever on high-dose steroids, which
hide infection; for chemotherapy and other treatments that lower blood counts, NICE CG151
(neutropenic sepsis: everyone on such treatment is told to get help at once for a fever); for
everyone on immunotherapy, the NCI's and Cleveland Clinic's patient pages (fever among the
reasons to call) and UK acute oncology triage, which treats fever on any anticancer
treatment as urgent.
"""

from __future__ import annotations

# Signs that need an ambulance, not a drive to hospital and not a phone call first. Stroke
# signs are named because lessons 4 and 6 name stroke among the harms of some treatments
# (the boxed warnings of thalidomide, lenalidomide and pomalidomide); the face, arm and speech
# signs are those of the NHS and American Stroke Association "FAST" advice.
EMERGENCY_SIGNS: tuple[str, ...] = (
    "chest pain", "fainting", "severe breathlessness", "confusion", "a seizure (fit)",
    "signs of a stroke",
)

EMERGENCY_RULE = (
    "For chest pain, fainting, severe breathlessness, confusion, a seizure (fit) or signs of a "
    "stroke (a face that droops, a weak arm or leg, slurred speech), call an ambulance. Use "
    "the emergency number: 999 in the UK, 911 in the US, 112 in the EU. Do not drive yourself. "
    "Then tell your care team."
)

FEVER_THRESHOLD_C = 38

# For everyone on immunotherapy, as the NCI and Cleveland Clinic patient pages and UK acute
# oncology advice do; the groups most at risk are then named. Confusion, fainting and a fit
# are on the ambulance list, so this rule sends them there first: the two rules never
# disagree. Measured at Flesch-Kincaid grade 5.7 (target for safety sections: 6 or lower).
FEVER_RULE = (
    "A fever can be an emergency. Call the treating team at once, day or night, if you get a "
    f"temperature of {FEVER_THRESHOLD_C} °C or more. Do this during immunotherapy and for "
    "months after it. Do the same if you shiver, feel dizzy or have trouble speaking. This "
    "matters most after CAR T, TIL or TCR T cells. It also matters on a T-cell engager, on "
    "high-dose steroids, or with chemotherapy or other drugs that lower blood counts. If you "
    "are confused, faint or have a fit, call an ambulance first."
)
