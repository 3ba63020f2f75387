"""Lesson 6, receiving treatment: the routes table and the quiz keys computed from schedules.

The schedules themselves live in :mod:`immunocourse.science.schedule` (``REGIMENS``), each with its
citation key; this module only asks questions of them, so the page, the notebook and the
quiz read one set of numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from immunocourse.science import schedule


@dataclass(frozen=True)
class Route:
    """One way immunotherapy can be given, with an example and the source that confirms it."""

    route: str
    how: str
    example: str
    key: str
    source: str
    checked: str


@dataclass(frozen=True)
class UnderSkinApproval:
    """The US approval of a checkpoint inhibitor form injected under the skin.

    Each form is the antibody mixed (co-formulated) with a hyaluronidase enzyme, has its own
    dose in its own label, and covers only the uses of the drip (intravenous) form that its
    approval names: ``covers`` says which, ``not_covered`` names uses of the drip form it
    leaves out (empty when the approval names none)."""

    drug: str
    brand: str
    us_approval: str  # ISO date of the FDA approval
    enzyme: str  # the hyaluronidase in the product's name
    covers: str  # the uses of the drip form the approval covers
    not_covered: str  # uses of the drip form that the under-the-skin form is not approved for
    key: str
    source: str
    checked: str = "2026-12-07"

    @property
    def year(self) -> int:
        return int(self.us_approval[:4])


# FDA approval notices, each confirmed on 2026-12-01 in the notice or in two reports of it;
# what each covers and leaves out re-read on 2026-12-07 in the FDA notice as reported by
# ESMO, ASCO Post, SITC and AACR (atezolizumab: "all the adult indications" of the drip form;
# nivolumab: adult solid-tumour indications, "not indicated in combination with intravenous
# ipilimumab"; pembrolizumab: solid-tumour indications for adults and children 12 and over,
# so not the two lymphomas the drip form is approved for).
UNDER_SKIN_APPROVALS: tuple[UnderSkinApproval, ...] = (
    UnderSkinApproval("atezolizumab", "Tecentriq Hybreza", "2024-09-12", "hyaluronidase-tqjs",
                      "all the uses of the drip form in adults", "",
                      "fdaatezolizumabsc2024", "US FDA approval, 12 September 2024"),
    UnderSkinApproval("nivolumab", "Opdivo Qvantig", "2024-12-27", "hyaluronidase-nvhy",
                      "most of the drip form's uses in adults with solid tumours",
                      "use together with ipilimumab given by drip",
                      "fdanivolumabsc2024", "US FDA approval, 27 December 2024"),
    UnderSkinApproval("pembrolizumab", "Keytruda Qlex", "2025-09-19",
                      "berahyaluronidase alfa-pmph",
                      "the drip form's uses in solid tumours, for adults and children aged 12 "
                      "and over",
                      "classical Hodgkin lymphoma or primary mediastinal B-cell lymphoma",
                      "fdapembrolizumabsc2025", "US FDA approval, 19 September 2025"),
)


def under_skin(drug: str) -> UnderSkinApproval:
    """The under-the-skin approval of one checkpoint inhibitor."""
    return next(a for a in UNDER_SKIN_APPROVALS if a.drug == drug)


# How immunotherapy can be given: the NCI's four routes, plus injections under the skin and
# into the tumour, each confirmed in the label or approval notice named.
ROUTES: tuple[Route, ...] = (
    Route("Intravenous (IV)", "into a vein, as an infusion through a drip",
          "checkpoint inhibitors such as pembrolizumab and nivolumab", "nciimmunotherapy",
          "National Cancer Institute", "2026-11-27"),
    Route("Subcutaneous", "injected under the skin, in a few minutes",
          "under-the-skin forms of atezolizumab, nivolumab and pembrolizumab; teclistamab",
          "tecvaylilabel", "US labels and FDA approval notices", "2026-12-01"),
    Route("Intratumoral", "injected straight into the tumour",
          "T-VEC, injected into melanoma in the skin and lymph nodes", "fdatvec2015",
          "US FDA approval, 2015", "2026-12-01"),
    Route("Oral", "as pills or capsules swallowed at home", "lenalidomide capsules",
          "nciimmunotherapy", "National Cancer Institute", "2026-11-27"),
    Route("Topical", "as a cream rubbed onto the skin, for very early skin cancer",
          "imiquimod cream", "nciimmunotherapy", "National Cancer Institute", "2026-11-27"),
    Route("Intravesical", "straight into the bladder through a thin tube",
          "BCG for early bladder cancer", "nciimmunotherapy", "National Cancer Institute",
          "2026-11-27"),
)


def routes_table() -> list[tuple[str, str, str]]:
    """(route, how it is given, example) for each row of the page's routes table."""
    return [(r.route, r.how, r.example) for r in ROUTES]


def under_skin_years() -> dict[str, int]:
    """Drug -> year of the US approval of its under-the-skin form."""
    return {a.drug: a.year for a in UNDER_SKIN_APPROVALS}


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
