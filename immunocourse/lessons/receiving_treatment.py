"""Lesson 6, receiving treatment: the routes table and the quiz keys computed from schedules.

The schedules themselves live in :mod:`immunocourse.schedule` (``REGIMENS``), each with its
citation key; this module only asks questions of them, so the page, the notebook and the
quiz read one set of numbers.
"""

from __future__ import annotations

from immunocourse import schedule

# How immunotherapy can be given (NCI "Immunotherapy to Treat Cancer").
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("Intravenous (IV)", "into a vein, as an infusion through a drip",
     "checkpoint inhibitors such as pembrolizumab and nivolumab"),
    ("Oral", "as pills or capsules swallowed at home", "lenalidomide capsules"),
    ("Topical", "as a cream rubbed onto the skin, for very early skin cancer",
     "imiquimod cream"),
    ("Intravesical", "straight into the bladder through a thin tube",
     "BCG for early bladder cancer"),
)
ROUTES_CITE = "nciimmunotherapy"

# Reactions where a needle goes in (NCI "Immunotherapy Side Effects").
NEEDLE_SITE_REACTIONS = ("pain", "swelling", "soreness", "redness", "itchiness", "rash")

WEEKS_IN_A_YEAR = 52  # the quiz's "first year": 52 weeks = 364 days


def regimen_table() -> list[dict[str, str]]:
    """One row per labelled regimen: drug, dose, route, schedule, setting and source key."""
    return [
        {"Drug": r.drug, "Dose (as labelled)": r.dose, "Route": r.route,
         "Schedule": r.description, "Setting in the label": r.setting, "cite": r.cite}
        for r in schedule.REGIMENS.values()
    ]


# ------------------------------------------------------------------------ quiz keys


def pembrolizumab_q3w_doses_first_year() -> int:
    """Quiz key: infusions of pembrolizumab every 3 weeks in the first 52 weeks."""
    return schedule.count_doses(schedule.REGIMENS["pembrolizumab-q3w"], WEEKS_IN_A_YEAR)


def pembrolizumab_q6w_doses_first_year() -> int:
    """Quiz key: infusions of pembrolizumab every 6 weeks in the first 52 weeks."""
    return schedule.count_doses(schedule.REGIMENS["pembrolizumab-q6w"], WEEKS_IN_A_YEAR)


def pembrolizumab_q3w_week_of_dose_4() -> int:
    """Quiz key: the week in which the 4th infusion of pembrolizumab every 3 weeks falls."""
    return schedule.dose_week(schedule.REGIMENS["pembrolizumab-q3w"], 4)


def nivolumab_q4w_doses_first_year() -> int:
    """Quiz key: infusions of nivolumab every 4 weeks in the first 52 weeks."""
    return schedule.count_doses(schedule.REGIMENS["nivolumab-q4w"], WEEKS_IN_A_YEAR)


def ipilimumab_last_dose_week() -> int:
    """Quiz key: the week of the last of ipilimumab's 4 doses in melanoma."""
    r = schedule.REGIMENS["ipilimumab-melanoma"]
    return schedule.dose_week(r, r.cycles * r.doses_per_cycle)


def lenalidomide_rest_days_first_12_weeks() -> int:
    """Quiz key: rest days in the first 12 weeks of lenalidomide's 28-day cycles."""
    return len(schedule.rest_days(schedule.REGIMENS["lenalidomide-myeloma"], 12 * 7))


def nivolumab_q2w_week_of_dose_4() -> int:
    """Quiz key: the week in which the 4th infusion of nivolumab every 2 weeks falls."""
    return schedule.dose_week(schedule.REGIMENS["nivolumab-q2w"], 4)
