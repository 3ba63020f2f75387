"""Seeded virtual patients: lesion measurements, response documents and survival times.

Every number produced here is SIMULATED for teaching; no patient's data is used. Each
virtual patient follows one response pattern; the lesion sizes are drawn so the pattern
holds on the rounded, recorded measurements, and ``VirtualPatient.document`` is an input
document for ``immunocourse.science.response.classify`` with a valid RECIST 1.1 baseline (at most 5
targets, 2 per organ, non-nodal >= 10 mm, nodal >= 15 mm short axis).

Patterns, as the recorded target sums show them (checked on every drawn patient):

- early_response: >= 32% shrinkage at the first scan, later regrowth to progression.
- durable_response: shrinkage to >= 32% below baseline (some complete), never progression.
- stable_disease: within -28% .. +7% of baseline throughout, never progression.
- progression: RECIST progression at the first scan (growth or a new lesion), TGR ratio < 1.9.
- hyperprogression: progression at the first scan and TGR ratio >= 2.1 (Champiat 2017: >= 2).
- pseudoprogression: progression at the first scan, smaller at the second, then >= 32%
  below baseline (Wolchok 2009 pattern 3: response after an initial increase).
- delayed_response: stable for two scans, then >= 32% below baseline.
The margins (32% not 30%, 1.9/2.1 around 2) keep each pattern clear of the thresholds.

Default immunotherapy proportions (``DEFAULT_PROPORTIONS["immunotherapy"]``):

- pseudoprogression 6%: Park et al., Radiology 2020;297:87 (17 studies, 3,402 patients:
  6.0%, 95% CI 5.0-7.0).
- hyperprogression 9%: Champiat et al., Clin Cancer Res 2017;23:1920 (12/131 = 9.2%).
- durable benefit 22% in all (durable_response 12% + pseudoprogression 6% + delayed_response
  4%): Schadendorf et al., J Clin Oncol 2015 (ipilimumab, 1,861 patients: 3-year OS 22%,
  plateau from ~year 3); the seed page says durable responses in about 25%. A
  simplification the pages state: 22% is overall survival, not a response rate, and in
  trials fewer patients respond than survive 3 years.
- early_response 10%, stable_disease 23%, progression 36%: not calibrated to a source;
  chosen so the objective response rate (early + durable + pseudo + delayed = 32%) sits in
  the range reported for single-agent checkpoint inhibitors (CheckMate 067: 19.0% ipilimumab,
  43.7% nivolumab; ``evidence.RESPONSE_RATES``, Larkin et al. 2015).

The chemotherapy arm (early_response 30%, stable_disease 35%, progression 35%) is
illustrative, not calibrated: it exists to show a survival curve without a plateau.

Survival (weeks): patients with a durable pattern (``DURABLE_PATTERNS``) are long-term
survivors, censored at the end of follow-up; everyone else follows one Weibull distribution
(shape 1.3, a course choice) conditioned on being alive at the first scan (the
response-evaluable population). Its scale is solved so that the default immunotherapy
cohort has median OS 11.4 months (Schadendorf 2015); 3-year OS then comes out at ~22.6%.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from immunocourse.content import evidence
from immunocourse.science.response import target_progression, target_progression_array

if TYPE_CHECKING:  # pandas is imported only when a table is asked for
    import pandas as pd

ARMS = ("immunotherapy", "chemotherapy")
PATTERNS = (
    "early_response",
    "durable_response",
    "stable_disease",
    "progression",
    "pseudoprogression",
    "delayed_response",
    "hyperprogression",
)
DURABLE_PATTERNS = frozenset({"durable_response", "pseudoprogression", "delayed_response"})

DEFAULT_PROPORTIONS: dict[str, dict[str, float]] = {
    "immunotherapy": {
        "early_response": 0.10,
        "durable_response": 0.12,
        "stable_disease": 0.23,
        "progression": 0.36,
        "pseudoprogression": 0.06,  # Park 2020: 6.0%
        "delayed_response": 0.04,
        "hyperprogression": 0.09,  # Champiat 2017: 12/131
    },
    "chemotherapy": {"early_response": 0.30, "stable_disease": 0.35, "progression": 0.35},
}

WEEKS_PER_MONTH = 365.25 / 12 / 7  # 4.348
MEDIAN_OS_MONTHS = evidence.IPILIMUMAB_MEDIAN_OS_MONTHS  # Schadendorf 2015
DURABLE_FRACTION = 0.22  # Schadendorf 2015: 3-year OS 22%, plateau from ~year 3
WEIBULL_SHAPE = 1.3  # course choice: puts 3-year OS at ~22.6%, just above the plateau
DEFAULT_SCAN_INTERVAL = 8
SCAN_INTERVAL_RANGE = (6, 9)  # weeks between scans, as in most immunotherapy trials
DEFAULT_FOLLOW_UP_WEEKS = 261  # 5 years (60 months = 260.9 weeks)


def _weibull_scale(first_scan_week: float = DEFAULT_SCAN_INTERVAL) -> float:
    # Solve c + (1 - c) * S(t_med) / S(t0) = 0.5 for the scale, with S(t) = exp(-(t/scale)^k).
    c, k = DURABLE_FRACTION, WEIBULL_SHAPE
    t_med = MEDIAN_OS_MONTHS * WEEKS_PER_MONTH
    target = -math.log((0.5 - c) / (1 - c))
    return ((t_med**k - first_scan_week**k) / target) ** (1 / k)


WEIBULL_SCALE_WEEKS = _weibull_scale()  # 45.1 weeks

ORGANS = ("lung", "liver", "adrenal", "peritoneum", "soft tissue", "kidney")
NODE_ORGAN = "lymph node"
MIN_NONNODAL_MM = 10  # RECIST 1.1 measurable, CT
MIN_NODAL_MM = 15  # RECIST 1.1 target node, short axis
NODE_NORMAL_MM = 10  # a node < 10 mm short axis counts as normal (CR possible)
TOO_SMALL_MM = 5  # RECIST 1.1 default for a lesion present but too small to measure
_N_TARGETS_CDF = (0.15, 0.40, 0.65, 0.85)  # 1..5 target lesions: 15/25/25/20/15 %
# Simulation ceiling (course choice): growth stops at 3x the baseline target sum, so long
# schedules of progressing patients stay physically plausible (lesions well under 1 m).
MAX_SUM_FACTOR = 3.0


@dataclass(frozen=True)
class Lesion:
    """One baseline target lesion and its measurement (mm) at every scan, baseline first."""

    id: str
    organ: str
    node: bool
    mm: tuple[int, ...]


@dataclass(frozen=True)
class VirtualPatient:
    """A simulated patient: one arm, one response pattern, scans and survival.

    ``weeks`` lists scan weeks with baseline (0) first; each lesion's ``mm`` aligns with it.
    ``new_lesions`` maps scan week to new lesions seen then. ``reference_*`` is a pre-treatment
    scan used for the tumour growth rate before treatment (Champiat 2017).
    """

    id: str
    arm: str
    pattern: str
    weeks: tuple[int, ...]
    lesions: tuple[Lesion, ...]
    nontargets: bool
    nontarget_status: tuple[str, ...]
    new_lesions: Mapping[int, tuple[dict, ...]]
    reference_week: int
    reference_sum_mm: int
    os_weeks: float
    died: bool
    document: dict = field(repr=False)

    @cached_property
    def target_sums(self) -> tuple[int, ...]:
        """Sum of target diameters at each scan (baseline first), mm, as a tuple."""
        return tuple(sum(col) for col in zip(*(lz.mm for lz in self.lesions), strict=True))

    @property
    def sums_mm(self) -> np.ndarray:
        """Sum of target diameters at each scan (baseline first), mm."""
        return np.array(self.target_sums)

    @property
    def percent_change(self) -> np.ndarray:
        """% change of the target sum from baseline at each scan (baseline = 0)."""
        sums = self.sums_mm
        return 100.0 * (sums - sums[0]) / sums[0]

    @property
    def tgr_ratio(self) -> float:
        """Tumour growth rate ratio, first on-treatment period over pre-treatment period."""
        sums = self.sums_mm
        return tgr_ratio(
            self.reference_sum_mm, int(sums[0]), int(sums[1]),
            -self.reference_week, self.weeks[1],
        )


@dataclass(frozen=True)
class Cohort:
    """A simulated cohort: its patients and the settings that made it."""

    patients: tuple[VirtualPatient, ...]
    arm: str
    seed: int
    proportions: Mapping[str, float]
    scan_interval_weeks: int

    def documents(self) -> list[dict]:
        """The ``response.classify`` input documents, one per patient."""
        return [p.document for p in self.patients]

    def patients_table(self) -> pd.DataFrame:
        """One row per patient (pandas DataFrame): arm, pattern, scans, survival."""
        import pandas as pd

        return pd.DataFrame(
            {
                "id": [p.id for p in self.patients],
                "arm": [p.arm for p in self.patients],
                "pattern": [p.pattern for p in self.patients],
                "n_scans": [len(p.weeks) - 1 for p in self.patients],
                "last_scan_week": [p.weeks[-1] for p in self.patients],
                "best_change_pct": [float(p.percent_change[1:].min()) for p in self.patients],
                "os_weeks": [p.os_weeks for p in self.patients],
                "died": [p.died for p in self.patients],
                "simulated": True,
            }
        )

    def lesions_table(self) -> pd.DataFrame:
        """Tidy lesion measurements (pandas DataFrame): one row per lesion per scan."""
        import pandas as pd

        rows = [
            (p.id, lesion.id, lesion.organ, lesion.node, week, mm)
            for p in self.patients
            for lesion in p.lesions
            for week, mm in zip(p.weeks, lesion.mm, strict=True)
        ]
        table = pd.DataFrame(rows, columns=["patient", "lesion", "organ", "node", "week", "mm"])
        table["simulated"] = True
        return table


def validate_proportions(proportions: Mapping[str, float]) -> dict[str, float]:
    """Check pattern proportions: known names, non-negative, summing to 1 (within 1e-6)."""
    unknown = sorted(set(proportions) - set(PATTERNS))
    if unknown:
        raise ValueError(f"unknown pattern(s) {unknown}; choose from {list(PATTERNS)}")
    values = {k: float(v) for k, v in proportions.items()}
    negative = {k: v for k, v in values.items() if not v >= 0}
    if negative:
        raise ValueError(f"proportions must be non-negative, got {negative}")
    total = sum(values.values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise ValueError(f"proportions must sum to 1, got {total:.6g}: {values}")
    return values


def allocate(n: int, proportions: Mapping[str, float]) -> dict[str, int]:
    """Whole-patient counts for ``n`` patients: n*p rounded by the largest-remainder method.

    Deterministic quotas (not random draws) so a cohort of 100 has exactly 6
    pseudoprogressions under the default proportions.
    """
    values = validate_proportions(proportions)
    raw = {k: n * v for k, v in values.items()}
    counts = {k: math.floor(x) for k, x in raw.items()}
    by_remainder = sorted(raw, key=lambda k: (-(raw[k] - counts[k]), PATTERNS.index(k)))
    for k in by_remainder[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def tumour_growth_rate(sum_start_mm: float, sum_end_mm: float, weeks: float) -> float:
    """Tumour growth rate, % volume increase per month, between two target sums.

    TGR = 100 * (exp(3 * ln(D_end / D_start) / t) - 1), t in months, volume taken as
    diameter cubed: the formula of Ferte et al., Clin Cancer Res 2014, used by Champiat 2017
    [recalled: confirm against the paper].
    """
    if sum_start_mm <= 0 or sum_end_mm <= 0 or weeks <= 0:
        raise ValueError("sums and the interval must be > 0")
    months = weeks / WEEKS_PER_MONTH
    return 100.0 * (math.exp(3.0 * math.log(sum_end_mm / sum_start_mm) / months) - 1.0)


def tgr_ratio(
    reference_sum_mm: float,
    baseline_sum_mm: float,
    first_sum_mm: float,
    reference_weeks: float,
    experimental_weeks: float,
) -> float:
    """TGR on treatment (baseline -> first scan) over TGR before (reference -> baseline).

    Champiat 2017 calls hyperprogression RECIST PD at the first evaluation with a ratio >= 2.
    The ratio is only meaningful when the tumour grew before treatment: if the pre-treatment
    TGR is <= 0 this returns nan.
    """
    before = tumour_growth_rate(reference_sum_mm, baseline_sum_mm, reference_weeks)
    during = tumour_growth_rate(baseline_sum_mm, first_sum_mm, experimental_weeks)
    return during / before if before > 0 else math.nan


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan-Meier estimate: step function survival[i] on [time[i], time[i+1])."""

    time: np.ndarray  # 0, then each distinct event time
    survival: np.ndarray
    events: np.ndarray  # deaths at each time
    durations: np.ndarray = field(repr=False)  # the input times, kept for at_risk()
    died: np.ndarray = field(repr=False)  # the input event flags (False = censored)

    def at_risk(self, times: Sequence[float]) -> list[int]:
        """Numbers at risk at ``times``: patients with follow-up >= t."""
        ordered = np.sort(self.durations)
        return [int(len(ordered) - np.searchsorted(ordered, t, side="left")) for t in times]

    def survival_at(self, t: float) -> float:
        """Estimated survival probability at time ``t``."""
        return float(self.survival[np.searchsorted(self.time, t, side="right") - 1])

    def median(self) -> float:
        """First time the estimate drops to <= 0.5; nan if it never does."""
        below = np.nonzero(self.survival <= 0.5)[0]
        return float(self.time[below[0]]) if below.size else math.nan


def kaplan_meier(times: Sequence[float], events: Sequence[bool]) -> KaplanMeier:
    """Kaplan-Meier product-limit estimator; ``events`` True = death, False = censored.

    Censorings tied with a death at the same time are counted at risk for that death
    (the usual convention).
    """
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=bool)
    if t.shape != e.shape or t.ndim != 1 or t.size == 0:
        raise ValueError("times and events must be equal-length, non-empty 1-D sequences")
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError("times must be finite and >= 0")
    event_times = np.unique(t[e])
    ordered = np.sort(t)
    at_risk = len(t) - np.searchsorted(ordered, event_times, side="left")
    deaths = np.array([np.count_nonzero(e & (t == u)) for u in event_times], dtype=int)
    survival = np.cumprod(1.0 - deaths / at_risk)
    return KaplanMeier(
        time=np.concatenate([[0.0], event_times]),
        survival=np.concatenate([[1.0], survival]),
        events=np.concatenate([[0], deaths]),
        durations=t,
        died=e,
    )


# --- lesion trajectories -------------------------------------------------------------
# Vectorised over the patients of one pattern (arrays: patients x lesions x scans): per-patient
# Python loops cost ~150 us a patient, and the cohort explorer re-simulates on every slider move.


def _growth_factor(tgr_pct_month: np.ndarray, weeks: float) -> np.ndarray:
    """Diameter factor over ``weeks`` at a given TGR (inverse of tumour_growth_rate)."""
    return np.exp(weeks / WEEKS_PER_MONTH * np.log1p(tgr_pct_month / 100.0) / 3.0)


def _factors(pattern: str, rng: np.random.Generator, m: int, n_scans: int, interval: int,
             tgr_ref: np.ndarray) -> np.ndarray:
    """Target-sum factor relative to baseline (m patients x n_scans) for one pattern."""
    j = np.arange(1, n_scans + 1, dtype=float)[None, :]

    def u(lo: float, hi: float) -> np.ndarray:
        return rng.uniform(lo, hi, (m, 1))

    if pattern == "durable_response":
        floor, tau = u(0.0, 0.45), u(0.8, 1.8)
        return floor + (1 - floor) * np.exp(-j / tau)
    if pattern == "early_response":
        first, nadir_ratio, growth = u(0.35, 0.6), u(0.85, 1.0), u(1.3, 1.6)
        relapse = rng.integers(3, 5, (m, 1))  # regrowth shows from scan 3 or 4
        f = first * nadir_ratio * growth ** np.maximum(j - relapse + 1, 0)
        f[:, 0] = first[:, 0]
        return f
    if pattern == "stable_disease":
        f = np.empty((m, n_scans))
        level = np.ones(m)
        steps = rng.normal(0, 0.025, (m, n_scans))
        for i in range(n_scans):  # a random walk held inside the stable band
            level = np.clip(level + steps[:, i], 0.93, 1.07)
            f[:, i] = level
        return f
    if pattern in ("progression", "hyperprogression"):
        ratio = u(0.8, 1.7) if pattern == "progression" else u(2.5, 6.0)
        return _growth_factor(ratio * tgr_ref[:, None], interval) ** j
    if pattern == "pseudoprogression":
        peak, floor, r = u(1.3, 1.6), u(0.15, 0.45), u(0.3, 0.45)
        return floor + (peak - floor) * r ** (j - 1)
    if pattern == "delayed_response":
        first = u(1.02, 1.12)
        second = first * u(0.97, 1.03)
        floor, r = u(0.15, 0.4), u(0.3, 0.45)
        f = floor + (second - floor) * r ** (j - 2)
        f[:, 0], f[:, 1] = first[:, 0], second[:, 0]
        return f
    raise ValueError(f"unknown pattern {pattern!r}")


@dataclass
class _Group:
    """Arrays for m simulated patients of one pattern."""

    n_targets: np.ndarray  # (m,)
    organs: np.ndarray  # (m, 5) index into _ALL_ORGANS
    mm: np.ndarray  # (m, 5, n_scans + 1), 0 where there is no lesion
    ref_weeks: np.ndarray  # (m,)
    ref_sum: np.ndarray  # (m,)
    factors: np.ndarray  # (m, n_scans)
    complete: np.ndarray  # (m, n_scans) complete response at that scan
    new_at: np.ndarray  # (m, n_scans + 1) a new lesion first seen at that scan


_ALL_ORGANS = ORGANS + (NODE_ORGAN,)
_NODE_INDEX = len(ORGANS)


def _draw_group(pattern: str, rng: np.random.Generator, m: int, n_scans: int,
                interval: int) -> tuple[_Group, np.ndarray]:
    """Draw m candidates; return them and a mask of those whose recorded sums show the
    pattern's defining RECIST 1.1 behaviour (the rest are redrawn)."""
    n_targets = 1 + np.searchsorted(_N_TARGETS_CDF, rng.random(m), side="right")
    # 3 distinct organs a patient, 2 slots each: at most 2 targets per organ by construction.
    organs = np.argsort(rng.random((m, len(_ALL_ORGANS))), axis=1)[:, [0, 0, 1, 1, 2]]
    node = organs == _NODE_INDEX
    present = np.arange(5)[None, :] < n_targets[:, None]
    z = rng.standard_normal((m, 5))
    base = np.where(node, np.clip(np.rint(22 * np.exp(0.25 * z)), MIN_NODAL_MM, 45),
                    np.clip(np.rint(25 * np.exp(0.45 * z)), MIN_NONNODAL_MM, 90)) * present
    base_sum = base.sum(axis=1)
    ref_weeks = rng.integers(6, 13, m)
    # Untreated tumours grow before treatment; fast growers make up the progressors.
    lo, hi = (1.15, 1.35) if pattern == "progression" else (1.04, 1.15)
    ref_sum = np.rint(base_sum / rng.uniform(lo, hi, m))
    grew = ref_sum < base_sum
    with np.errstate(divide="ignore", invalid="ignore"):
        tgr_ref = 100 * (np.exp(3 * np.log(base_sum / ref_sum) / (ref_weeks / WEEKS_PER_MONTH)) - 1)
    factors = np.minimum(_factors(pattern, rng, m, n_scans, interval, tgr_ref), MAX_SUM_FACTOR)
    complete = (factors < 0.12) if pattern == "durable_response" else np.zeros_like(factors, bool)
    # Lesions vary around the common course; rescale so the sum follows the pattern.
    raw = base[:, :, None] * np.exp(0.06 * rng.standard_normal((m, 5, n_scans)))
    raw *= (base_sum[:, None] * factors / raw.sum(axis=1))[:, None, :]
    follow = np.maximum(np.rint(raw), TOO_SMALL_MM)  # present but tiny: 5 mm (RECIST)
    cr = complete[:, None, :]
    follow = np.where(cr & node[:, :, None], np.minimum(follow, NODE_NORMAL_MM - 1), follow)
    follow = np.where(cr & ~node[:, :, None], 0, follow) * present[:, :, None]
    mm = np.concatenate([base[:, :, None], follow], axis=2).astype(int)

    sums = mm.sum(axis=1)  # (m, n_scans + 1)
    nadir = np.minimum.accumulate(sums, axis=1)[:, :-1]  # nadir before each follow-up
    target_pd = target_progression_array(sums[:, 1:], nadir)
    new_at = _new_lesion_scans(pattern, sums, target_pd)
    pd = target_pd | new_at[:, 1:]
    change = (sums[:, 1:] - sums[:, :1]) / sums[:, :1]
    months = interval / WEEKS_PER_MONTH
    tgr_exp = 100 * (np.exp(3 * np.log(sums[:, 1] / sums[:, 0]) / months) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):  # tgr_ref 0: candidate rejected
        ratio = tgr_exp / tgr_ref
    ok = {
        "durable_response": lambda: (change.min(1) <= -0.32) & ~pd.any(1),
        "early_response": lambda: (change[:, 0] <= -0.32) & pd.any(1),
        "stable_disease": lambda: (change.min(1) > -0.28) & ~pd.any(1),
        "progression": lambda: pd[:, 0] & (ratio < 1.9),
        "hyperprogression": lambda: pd[:, 0] & (ratio >= 2.1),
        "pseudoprogression": lambda: pd[:, 0] & (change.min(1) <= -0.32)
        & (sums[:, 2] < sums[:, 1]),
        "delayed_response": lambda: ~pd.any(1) & (change[:, :2].min(1) > -0.28)
        & (change.min(1) <= -0.32),
    }[pattern]()
    group = _Group(n_targets, organs, mm, ref_weeks, ref_sum.astype(int), factors, complete,
                   new_at)
    return group, ok & grew


def _new_lesion_scans(pattern: str, sums: np.ndarray, target_pd: np.ndarray) -> np.ndarray:
    """Where a new lesion first appears (m x scans, baseline column False).

    Progression that the target sum does not show at the first scan shows as a new lesion;
    a further new lesion at the next scan confirms it (iRECIST iCPD) when the sum grew
    < 5 mm more.
    """
    m, cols = sums.shape
    new_at = np.zeros((m, cols), bool)
    if pattern not in ("progression", "hyperprogression", "early_response"):
        return new_at
    if pattern == "early_response":
        has = target_pd.any(axis=1)
        first = np.where(has, target_pd.argmax(axis=1) + 1, cols)  # scan of first PD
    else:
        has = np.ones(m, bool)
        first = np.ones(m, int)
        new_at[:, 1] = ~target_pd[:, 0]
    rows = np.nonzero(has & (first + 1 < cols))[0]
    nxt = first[rows] + 1
    new_at[rows, nxt] = sums[rows, nxt] - sums[rows, first[rows]] < 5
    return new_at


def _simulate_group(pattern: str, rng: np.random.Generator, m: int, n_scans: int,
                    interval: int) -> _Group:
    """m patients of one pattern, redrawing candidates that miss the pattern."""
    group, ok = _draw_group(pattern, rng, m, n_scans, interval)
    for _ in range(50):
        if ok.all():
            return group
        bad = np.nonzero(~ok)[0]
        redo, redo_ok = _draw_group(pattern, rng, len(bad), n_scans, interval)
        for f in fields(_Group):
            getattr(group, f.name)[bad] = getattr(redo, f.name)
        ok[bad] = redo_ok
    raise RuntimeError(f"could not draw {pattern} patients; widen the pattern ranges")


def _validate_schedule(n_scans: int, scan_interval_weeks: int) -> None:
    lo, hi = SCAN_INTERVAL_RANGE
    if not lo <= scan_interval_weeks <= hi:
        raise ValueError(f"scan interval must be {lo}-{hi} weeks, got {scan_interval_weeks}")
    if not 4 <= n_scans <= 40:
        raise ValueError(f"n_scans must be 4-40 (patterns need 4 scans to unfold), got {n_scans}")


def _survival(rng: np.random.Generator, pattern: str, m: int, first_scan: int,
              follow_up_weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """(weeks, died) for m patients: durable patterns are censored at follow-up; others draw
    a Weibull survival time conditioned on being alive at the first scan."""
    if pattern in DURABLE_PATTERNS:
        return np.full(m, float(follow_up_weeks)), np.zeros(m, bool)
    k, scale = WEIBULL_SHAPE, WEIBULL_SCALE_WEEKS
    t = scale * ((first_scan / scale) ** k + rng.exponential(size=m)) ** (1 / k)
    died = t < follow_up_weeks
    return np.where(died, t, float(follow_up_weeks)), died


def _assemble(patient_id: str, arm: str, pattern: str, g: _Group, i: int, extra: dict,
              interval: int, full_schedule: bool, criteria: str) -> VirtualPatient:
    """One VirtualPatient (and its classify() document) from row i of a group."""
    n_scans = g.factors.shape[1]
    nt = int(g.n_targets[i])
    mm = g.mm[i, :nt].tolist()
    sums = [sum(col) for col in zip(*mm, strict=True)]
    new_at = g.new_at[i].tolist()
    os_weeks, died = float(extra["os"][i]), bool(extra["died"][i])
    last = n_scans
    if not full_schedule:
        last = max(1, min(n_scans, math.ceil(os_weeks / interval) - 1))  # scans while alive
        if pattern != "pseudoprogression":
            for s in range(1, last + 1):  # stop after the scan confirming progression
                nadir = min(sums[:s])
                if new_at[s] or target_progression(sums[s], nadir):
                    last = min(last, s + 1)
                    break
    weeks = [interval * s for s in range(last + 1)]
    organs = [_ALL_ORGANS[o] for o in g.organs[i, :nt].tolist()]
    lesions = tuple(
        Lesion(f"T{k + 1}", organ, organ == NODE_ORGAN, tuple(mm[k][: last + 1]))
        for k, organ in enumerate(organs)
    )
    # A new lesion stays on every later scan, growing with the targets (the engine reads an
    # id missing from a later scan as resolved).
    new_lesions: dict[int, tuple[dict, ...]] = {}
    born: list[tuple[str, int, int]] = []
    f = g.factors[i].tolist()
    sizes = iter(extra["new_mm"][i].tolist())
    for s in range(1, last + 1):
        if new_at[s]:
            born.append((f"N{len(born) + 1}", s, next(sizes)))
        if born:
            new_lesions[weeks[s]] = tuple(
                {"id": lid, "mm": max(round(mm0 * f[s - 1] / f[s0 - 1]), mm0)}
                for lid, s0, mm0 in born
            )
    nontargets = bool(extra["nontargets"][i])
    complete = [False] + g.complete[i].tolist()
    status = [("CR" if complete[s] else "non-CR/non-PD") if nontargets else "absent"
              for s in range(last + 1)]
    document = {
        "criteria": criteria,
        "baseline": {
            "targets": [{"id": lz.id, "organ": lz.organ, "node": lz.node, "mm": lz.mm[0]}
                        for lz in lesions],
            "nontargets": nontargets,
        },
        "followups": [
            {
                "week": weeks[s],
                "targets": {lz.id: lz.mm[s] for lz in lesions},
                "nontarget": status[s],
                "new_lesions": [dict(x) for x in new_lesions.get(weeks[s], ())],
            }
            for s in range(1, last + 1)
        ],
    }
    return VirtualPatient(
        id=patient_id, arm=arm, pattern=pattern, weeks=tuple(weeks), lesions=lesions,
        nontargets=nontargets, nontarget_status=tuple(status), new_lesions=new_lesions,
        reference_week=-int(g.ref_weeks[i]), reference_sum_mm=int(g.ref_sum[i]),
        os_weeks=os_weeks, died=died, document=document,
    )


def _patients(rng: np.random.Generator, ids: Sequence[str], arm: str, patterns: Sequence[str],
              n_scans: int, interval: int, follow_up_weeks: int, full_schedule: bool,
              criteria: str) -> list[VirtualPatient]:
    out: list[VirtualPatient | None] = [None] * len(patterns)
    for pattern in PATTERNS:
        where = [k for k, p in enumerate(patterns) if p == pattern]
        if not where:
            continue
        m = len(where)
        group = _simulate_group(pattern, rng, m, n_scans, interval)
        os_weeks, died = _survival(rng, pattern, m, interval, follow_up_weeks)
        extra = {"os": os_weeks, "died": died, "nontargets": rng.random(m) < 0.6,
                 "new_mm": rng.integers(10, 26, (m, 2))}
        for i, k in enumerate(where):
            out[k] = _assemble(ids[k], arm, pattern, group, i, extra, interval, full_schedule,
                               criteria)
    return out  # type: ignore[return-value]


def simulate_patient(
    rng: np.random.Generator,
    patient_id: str,
    arm: str,
    pattern: str,
    n_scans: int = 8,
    scan_interval_weeks: int = DEFAULT_SCAN_INTERVAL,
    follow_up_weeks: int = DEFAULT_FOLLOW_UP_WEEKS,
    full_schedule: bool = False,
    criteria: str = "irecist",
) -> VirtualPatient:
    """One virtual patient following ``pattern``.

    Scans every ``scan_interval_weeks`` (6-9) up to ``n_scans`` follow-ups. Unless
    ``full_schedule``, scans stop at death and after the scan that confirms progression
    (the one after the first RECIST progression), except in pseudoprogression, where the
    confirmation scan shows shrinkage and treatment goes on.
    """
    if arm not in ARMS:
        raise ValueError(f"arm must be one of {ARMS}, got {arm!r}")
    if pattern not in PATTERNS:
        raise ValueError(f"pattern must be one of {PATTERNS}, got {pattern!r}")
    _validate_schedule(n_scans, scan_interval_weeks)
    return _patients(rng, [patient_id], arm, [pattern], n_scans, int(scan_interval_weeks),
                     follow_up_weeks, full_schedule, criteria)[0]


def simulate_cohort(
    n: int,
    arm: str = "immunotherapy",
    seed: int = 0,
    proportions: Mapping[str, float] | None = None,
    n_scans: int = 8,
    scan_interval_weeks: int = DEFAULT_SCAN_INTERVAL,
    follow_up_weeks: int = DEFAULT_FOLLOW_UP_WEEKS,
    full_schedule: bool = False,
    criteria: str | None = None,
) -> Cohort:
    """A reproducible cohort of ``n`` simulated patients on one arm.

    Pattern counts follow ``proportions`` (default ``DEFAULT_PROPORTIONS[arm]``) by
    largest-remainder quotas, in shuffled order; the same arguments always give the same
    cohort. ``criteria`` is written into each document: by default "irecist" for
    immunotherapy and "recist1.1" for chemotherapy. See :func:`simulate_patient` for the
    scan schedule.
    """
    if arm not in ARMS:
        raise ValueError(f"arm must be one of {ARMS}, got {arm!r}")
    if n < 1:
        raise ValueError(f"cohort size must be >= 1, got {n}")
    _validate_schedule(n_scans, scan_interval_weeks)
    if criteria is None:
        criteria = "irecist" if arm == "immunotherapy" else "recist1.1"
    props = validate_proportions(DEFAULT_PROPORTIONS[arm] if proportions is None else proportions)
    rng = np.random.default_rng(seed)
    counts = allocate(n, props)
    patterns = [p for p in PATTERNS for _ in range(counts.get(p, 0))]
    rng.shuffle(patterns)
    prefix = "IO" if arm == "immunotherapy" else "CT"
    ids = [f"{prefix}-{i + 1:03d}" for i in range(n)]
    patients = _patients(rng, ids, arm, patterns, n_scans, int(scan_interval_weeks),
                         follow_up_weeks, full_schedule, criteria)
    return Cohort(tuple(patients), arm, seed, props, int(scan_interval_weeks))
