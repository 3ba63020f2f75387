"""Treatment schedules: a small data model and a calendar timeline of dose days.

A :class:`Regimen` repeats one *cycle*: ``doses_per_cycle`` doses, one every
``interval_days`` days, then ``rest_days`` days with no treatment (a rest period), for
``cycles`` cycles (``None``: no fixed number, the course is drawn to the horizon). Day 0 is
the first dose. Weeks are counted from the first dose: week 1 is days 0 to 6.

``REGIMENS`` holds schedules as their US prescribing information (label) describes them,
each with the citation key of its source; they describe labels, they are not advice, and a
care team can change any of them. ``EXAMPLE`` is a made-up regimen, labelled so.

:func:`timeline_data` lays out a calendar: one column per week, one row per day of the week,
a marker on each dose day and rest periods shaded; :mod:`immunocourse.figures.schedule_plots`
draws it and wraps it in ipywidgets for the notebooks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

DAYS_PER_WEEK = 7
DEFAULT_WEEKS = 52


@dataclass(frozen=True)
class Regimen:
    """One treatment schedule. ``interval_days`` is the gap between doses inside a cycle."""

    key: str
    drug: str
    dose: str
    route: str
    interval_days: int
    doses_per_cycle: int = 1
    rest_days: int = 0
    cycles: int | None = None
    setting: str = ""
    cite: str = ""
    example: bool = False

    def __post_init__(self) -> None:
        if self.interval_days < 1:
            raise ValueError(f"interval_days must be >= 1, got {self.interval_days}")
        if self.doses_per_cycle < 1:
            raise ValueError(f"doses_per_cycle must be >= 1, got {self.doses_per_cycle}")
        if self.rest_days < 0:
            raise ValueError(f"rest_days must be >= 0, got {self.rest_days}")
        if self.cycles is not None and self.cycles < 1:
            raise ValueError(f"cycles must be >= 1 or None, got {self.cycles}")

    @property
    def cycle_days(self) -> int:
        """Length of one cycle in days: its doses, then its rest period."""
        return self.doses_per_cycle * self.interval_days + self.rest_days

    @property
    def description(self) -> str:
        """The schedule in words, e.g. "every 21 days" or "daily for 21 days, then 7 days off"."""
        every = ("daily" if self.interval_days == 1
                 else f"every {_span(self.interval_days)}")
        if self.doses_per_cycle == 1 and self.rest_days == 0:
            text = every
        else:
            span = self.doses_per_cycle * self.interval_days
            text = (f"{every} for {span} days" if self.interval_days == 1
                    else f"{self.doses_per_cycle} doses {every}")
            if self.rest_days:
                text += f", then {self.rest_days} days off"
            text += f" ({self.cycle_days}-day cycles)"
        if self.cycles is not None:
            unit = "dose" if self.doses_per_cycle == 1 and not self.rest_days else "cycle"
            text += f", {self.cycles} {unit}{'s' if self.cycles > 1 else ''} in all"
        return text

    @property
    def title(self) -> str:
        """A short name: drug, dose and schedule."""
        made_up = " (made-up example)" if self.example else ""
        return f"{self.drug} {self.dose}, {self.description}{made_up}"


def _span(days: int) -> str:
    if days % DAYS_PER_WEEK == 0:
        weeks = days // DAYS_PER_WEEK
        return "week" if weeks == 1 else f"{weeks} weeks"
    return f"{days} days"


REGIMENS: dict[str, Regimen] = {
    r.key: r
    for r in (
        Regimen("pembrolizumab-q3w", "Pembrolizumab", "200 mg", "intravenous infusion", 21,
                setting="adults, across its approved cancers", cite="fdapembrolizumablabel2026"),
        Regimen("pembrolizumab-q6w", "Pembrolizumab", "400 mg", "intravenous infusion", 42,
                setting="adults, across its approved cancers", cite="fdapembrolizumablabel2026"),
        Regimen("nivolumab-q2w", "Nivolumab", "240 mg", "intravenous infusion", 14,
                setting="single agent, e.g. melanoma", cite="fdanivolumablabel2026"),
        Regimen("nivolumab-q4w", "Nivolumab", "480 mg", "intravenous infusion", 28,
                setting="single agent, e.g. melanoma", cite="fdanivolumablabel2026"),
        Regimen("ipilimumab-melanoma", "Ipilimumab", "3 mg/kg", "intravenous infusion", 21,
                cycles=4, setting="unresectable or metastatic melanoma",
                cite="fdaipilimumablabel2011"),
        Regimen("lenalidomide-myeloma", "Lenalidomide", "25 mg capsule", "oral", 1,
                doses_per_cycle=21, rest_days=7,
                setting="multiple myeloma, with dexamethasone",
                cite="fdalenalidomidelabel2026"),
    )
}

EXAMPLE = Regimen("example", "Example drug", "(made-up dose)", "intravenous infusion", 7,
                  doses_per_cycle=3, rest_days=7, cycles=6, example=True,
                  setting="a made-up regimen to show cycles with rest periods")


def custom(interval_days: int, doses_per_cycle: int = 1, rest_days: int = 0,
           cycles: int | None = None) -> Regimen:
    """A made-up regimen with the given shape (for the explorer's sliders)."""
    return replace(EXAMPLE, key="custom", interval_days=int(interval_days),
                   doses_per_cycle=int(doses_per_cycle), rest_days=int(rest_days),
                   cycles=None if cycles is None else int(cycles))


# ----------------------------------------------------------------------- calendar


def dose_days(regimen: Regimen, horizon_days: int | None = None) -> list[int]:
    """Days (0 = first dose) on which a dose is given, before ``horizon_days``.

    With ``horizon_days=None`` the regimen must have a fixed number of cycles."""
    if horizon_days is None and regimen.cycles is None:
        raise ValueError("an open-ended regimen needs a horizon")
    days = []
    cycle = 0
    while regimen.cycles is None or cycle < regimen.cycles:
        start = cycle * regimen.cycle_days
        if horizon_days is not None and start >= horizon_days:
            break
        for k in range(regimen.doses_per_cycle):
            day = start + k * regimen.interval_days
            if horizon_days is None or day < horizon_days:
                days.append(day)
        cycle += 1
    return days


def rest_days(regimen: Regimen, horizon_days: int) -> list[int]:
    """Days inside a cycle's rest period, before ``horizon_days`` and before the course ends."""
    if not regimen.rest_days:
        return []
    out = []
    n_cycles = -(-horizon_days // regimen.cycle_days)
    if regimen.cycles is not None:
        n_cycles = min(n_cycles, regimen.cycles)
    for cycle in range(n_cycles):
        first = cycle * regimen.cycle_days + regimen.doses_per_cycle * regimen.interval_days
        out.extend(d for d in range(first, first + regimen.rest_days) if d < horizon_days)
    return out


def week_of(day: int) -> int:
    """Week number (1 = the week of the first dose) of a day counted from 0."""
    return day // DAYS_PER_WEEK + 1


def count_doses(regimen: Regimen, weeks: int) -> int:
    """Number of doses given in the first ``weeks`` weeks."""
    return len(dose_days(regimen, weeks * DAYS_PER_WEEK))


def dose_week(regimen: Regimen, n: int) -> int:
    """The week in which the ``n``-th dose (1-based) is given."""
    if n < 1:
        raise ValueError("dose numbers start at 1")
    if regimen.cycles is not None and n > regimen.cycles * regimen.doses_per_cycle:
        raise ValueError(f"{regimen.title} has only "
                         f"{regimen.cycles * regimen.doses_per_cycle} doses")
    cycle, k = divmod(n - 1, regimen.doses_per_cycle)
    return week_of(cycle * regimen.cycle_days + k * regimen.interval_days)


def timeline_data(regimen: Regimen, weeks: int = DEFAULT_WEEKS) -> dict:
    """What the calendar shows: dose markers (x = week, y = day of the week, hover text),
    the rest-day grid for shading, and the alt text."""
    horizon = weeks * DAYS_PER_WEEK
    doses = dose_days(regimen, horizon)
    rest = rest_days(regimen, horizon)
    grid = np.full((DAYS_PER_WEEK, weeks), np.nan)
    for d in rest:
        grid[d % DAYS_PER_WEEK, d // DAYS_PER_WEEK] = 1.0
    text = [f"Dose {i}: week {week_of(d)}, day {d % DAYS_PER_WEEK + 1} of the week "
            f"(day {d + 1} of treatment)" for i, d in enumerate(doses, start=1)]
    return {
        "x": [week_of(d) for d in doses],
        "y": [d % DAYS_PER_WEEK + 1 for d in doses],
        "text": text,
        "rest": grid,
        "alt": timeline_alt(regimen, weeks, doses, rest),
    }


def timeline_alt(regimen: Regimen, weeks: int, doses: list[int], rest: list[int]) -> str:
    """Text alternative of the calendar."""
    if doses:
        span = (f"The first dose is on day 1 of week 1 and the last one shown is in week "
                f"{week_of(doses[-1])}.")
    else:
        span = "No dose falls in this period."
    rest_txt = (f" {len(rest)} rest days are shaded." if rest else " There are no rest periods.")
    ends = ""
    if regimen.cycles is not None and doses and len(doses) == regimen.cycles * \
            regimen.doses_per_cycle:
        ends = f" The course ends after dose {len(doses)}."
    return (f"Calendar of the first {weeks} weeks of treatment with {regimen.title}: one column "
            f"per week, one row per day of the week, a marker on each of the {len(doses)} dose "
            f"days. {span}{rest_txt}{ends}")
