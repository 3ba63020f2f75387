"""The course's two urgent-care rules, worded once.

Lesson 9 (side effects, its printable checklist) and lesson 11 (cell therapies and T-cell
engagers) print these sentences as they stand, so a reader meets one rule, in the same
words, wherever they look. tests/test_safety_rules.py checks that the built pages and the
checklist carry them verbatim.

Sources: the ASCO guideline on immune side effects (Schneider et al., J Clin Oncol 2021);
for the fever rule, the US labels and REMS of the CAR T products and T-cell engagers and the
FDA's 2025 safety communication (fdarems2025, kymriahlabel, tecvaylilabel in
book/references.bib), which tell patients to call the treating team at once for fever,
dizziness, confusion or trouble speaking; ASCO 2021 for fever on high-dose steroids, which
hide infection; for chemotherapy and other treatments that lower blood counts, NICE CG151
(neutropenic sepsis: everyone on such treatment is told to get help at once for a fever).
"""

from __future__ import annotations

# Signs that need an ambulance, not a drive to hospital and not a phone call first.
EMERGENCY_SIGNS: tuple[str, ...] = (
    "chest pain", "fainting", "severe breathlessness", "confusion", "a seizure (fit)",
)

EMERGENCY_RULE = (
    "For chest pain, fainting, severe breathlessness, confusion or a seizure (fit), call an "
    "ambulance. Use the emergency number: 999 in the UK, 911 in the US, 112 in the EU. "
    "Do not drive yourself. Then tell your care team."
)

FEVER_THRESHOLD_C = 38

# Asked as questions so that a reader sees at once whether the rule is theirs. Confusion,
# fainting and a fit are on the ambulance list, so this rule sends them there first rather
# than to a phone call: the two rules never disagree.
FEVER_RULE = (
    "Have you had CAR T, TIL or TCR T cells? Are you on a T-cell engager? Do you take "
    "high-dose steroids for a side effect? Are you also having chemotherapy, or another "
    "treatment that lowers your blood counts? Then call the treating team at once, day or night, "
    f"if you get a temperature of {FEVER_THRESHOLD_C} °C or more, shivering, dizziness or "
    "trouble speaking. If you are confused, faint or have a fit, call an ambulance first."
)
