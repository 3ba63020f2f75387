"""Seeded virtual patients: lesion measurements, response documents and survival times.

Every number produced here is SIMULATED for teaching; no patient's data is used. Each
virtual patient follows one response pattern; the lesion sizes are drawn so the pattern
holds on the rounded, recorded measurements, and ``VirtualPatient.document`` is an input
document for ``immunocourse.response.classify`` with a valid RECIST 1.1 baseline (at most 5
targets, 2 per organ, non-nodal >= 10 mm, nodal >= 15 mm short axis).

Default immunotherapy proportions (``DEFAULT_PROPORTIONS["immunotherapy"]``):

- pseudoprogression 6%: Park et al., Radiology 2020;297:87 (17 studies, 3,402 patients:
  6.0%, 95% CI 5.0-7.0).
- hyperprogression 9%: Champiat et al., Clin Cancer Res 2017;23:1920 (12/131 = 9.2%).
- durable benefit 22% in all (durable_response 12% + pseudoprogression 6% + delayed_response
  4%): Schadendorf et al., J Clin Oncol 2015 (ipilimumab, 1,861 patients: 3-year OS 22%,
  plateau from ~year 3); the seed page says durable responses in about 25%.
- early_response 10%, stable_disease 23%, progression 36%: not calibrated to a source;
  chosen so the objective response rate (early + durable + pseudo + delayed = 32%) sits in
  the range reported for single-agent checkpoint inhibitors (CheckMate 067: 19% ipilimumab,
  45% nivolumab [recalled]).

The chemotherapy arm (early_response 30%, stable_disease 35%, progression 35%) is
illustrative, not calibrated: it exists to show a survival curve without a plateau.

Survival (weeks): patients with a durable pattern (``DURABLE_PATTERNS``) are long-term
survivors, censored at the end of follow-up; everyone else follows one Weibull distribution
(shape 1.3, a course choice) conditioned on being alive at the first scan (the
response-evaluable population). Its scale is solved so that the default immunotherapy
cohort has median OS 11.4 months (Schadendorf 2015); 3-year OS then comes out at ~22.6%.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

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
MEDIAN_OS_MONTHS = 11.4  # Schadendorf 2015, ipilimumab pooled analysis
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


WEIBULL_SCALE_WEEKS = _weibull_scale()  # ~45.2 weeks

ORGANS = ("lung", "liver", "adrenal", "peritoneum", "soft tissue", "kidney")
NODE_ORGAN = "lymph node"
MIN_NONNODAL_MM = 10  # RECIST 1.1 measurable, CT
MIN_NODAL_MM = 15  # RECIST 1.1 target node, short axis
NODE_NORMAL_MM = 10  # a node < 10 mm short axis counts as normal (CR possible)
TOO_SMALL_MM = 5  # RECIST 1.1 default for a lesion present but too small to measure
_N_TARGETS_CDF = (0.15, 0.40, 0.65, 0.85)  # 1..5 target lesions: 15/25/25/20/15 %


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

    @property
    def sums_mm(self) -> np.ndarray:
        """Sum of target diameters at each scan (baseline first), mm."""
        return np.sum([lesion.mm for lesion in self.lesions], axis=0)

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

    def patients_table(self):
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

    def lesions_table(self):
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
# Plain Python on blocks of pre-drawn numbers: with ~3 lesions x 8 scans per patient,
# numpy's per-call overhead (not arithmetic) dominated, and the explorer re-simulates
# a cohort on every slider move.


class _Draws:
    """Uniform and normal variates served from blocks drawn from one numpy Generator."""

    def __init__(self, rng: np.random.Generator, block: int = 1024) -> None:
        self.rng, self.block = rng, block
        self._u: list[float] = []
        self._z: list[float] = []

    def uniform(self, lo: float = 0.0, hi: float = 1.0) -> float:
        if not self._u:
            self._u = self.rng.random(self.block).tolist()
        return lo + (hi - lo) * self._u.pop()

    def normal(self, sd: float = 1.0) -> float:
        if not self._z:
            self._z = self.rng.standard_normal(self.block).tolist()
        return sd * self._z.pop()

    def integer(self, lo: int, hi: int) -> int:
        """Uniform integer in [lo, hi)."""
        return min(lo + int(self.uniform() * (hi - lo)), hi - 1)


def _baseline_lesions(draws: _Draws) -> list[tuple[str, bool, int]]:
    """1-5 target lesions, at most 2 per organ, sizes above the RECIST 1.1 minimums."""
    n = 1 + bisect.bisect_right(_N_TARGETS_CDF, draws.uniform())
    all_organs = ORGANS + (NODE_ORGAN,)
    keys = [draws.uniform() for _ in all_organs]
    organs = sorted(all_organs, key=lambda o: keys[all_organs.index(o)])[:3]
    slots = [o for o in organs for _ in range(2)][:n]  # <= 2 per organ by construction
    lesions = []
    for organ in slots:
        node = organ == NODE_ORGAN
        z = draws.normal()
        if node:
            mm = min(max(round(22 * math.exp(0.25 * z)), MIN_NODAL_MM), 45)
        else:
            mm = min(max(round(25 * math.exp(0.45 * z)), MIN_NONNODAL_MM), 90)
        lesions.append((organ, node, int(mm)))
    return lesions


def _growth_factor(tgr_pct_month: float, weeks: float) -> float:
    """Diameter factor over ``weeks`` at a given TGR (inverse of tumour_growth_rate)."""
    return math.exp(weeks / WEEKS_PER_MONTH * math.log1p(tgr_pct_month / 100.0) / 3.0)


def _factors(pattern: str, draws: _Draws, n_scans: int, interval: int,
             tgr_ref: float) -> list[float]:
    """Target-sum factor relative to baseline at scans 1..n_scans for one pattern."""
    u = draws.uniform
    j = range(1, n_scans + 1)
    if pattern == "durable_response":
        floor, tau = u(0.0, 0.45), u(0.8, 1.8)
        return [floor + (1 - floor) * math.exp(-i / tau) for i in j]
    if pattern == "early_response":
        first = u(0.35, 0.6)
        nadir = first * u(0.85, 1.0)
        relapse = draws.integer(3, 5)  # regrowth shows from scan 3 or 4
        growth = u(1.3, 1.6)
        return [first] + [nadir * growth ** max(i - relapse + 1, 0) for i in j if i > 1]
    if pattern == "stable_disease":
        f, level = [], 1.0
        for _ in j:
            level = min(max(level + draws.normal(0.025), 0.93), 1.07)
            f.append(level)
        return f
    if pattern in ("progression", "hyperprogression"):
        ratio = u(0.8, 1.7) if pattern == "progression" else u(2.5, 6.0)
        step = _growth_factor(ratio * tgr_ref, interval)
        return [step**i for i in j]
    if pattern == "pseudoprogression":
        peak, floor, r = u(1.3, 1.6), u(0.15, 0.45), u(0.3, 0.45)
        return [floor + (peak - floor) * r ** (i - 1) for i in j]
    if pattern == "delayed_response":
        first = u(1.02, 1.12)
        second = first * u(0.97, 1.03)
        floor, r = u(0.15, 0.4), u(0.3, 0.45)
        return [first, second] + [floor + (second - floor) * r ** (i - 2) for i in j if i > 2]
    raise ValueError(f"unknown pattern {pattern!r}")


def _measure(baseline: list[tuple[str, bool, int]], factors: list[float],
             draws: _Draws, complete: list[bool]) -> list[list[int]]:
    """Lesion sizes (one row per lesion, baseline first, mm) whose sum follows ``factors``,
    as a radiologist records them: whole mm, 5 mm when present but tiny, and at a complete
    response 0 mm (non-nodal) or < 10 mm (nodes)."""
    b = [mm for _, _, mm in baseline]
    total = sum(b)
    rows = [[mm] for mm in b]
    for f, done in zip(factors, complete, strict=True):
        # Lesions vary around the common course; rescale so the sum follows the pattern.
        raw = [mm * math.exp(draws.normal(0.06)) for mm in b]
        scale = total * f / sum(raw)
        for row, x, (_, node, _) in zip(rows, raw, baseline, strict=True):
            v = max(round(x * scale), TOO_SMALL_MM)
            row.append(min(v, NODE_NORMAL_MM - 1) if done and node else (0 if done else v))
    return rows


def _is_pd(sums: Sequence[int], i: int) -> bool:
    """RECIST 1.1 target progression at scan i: +20% over the nadir and +5 mm."""
    nadir = min(sums[:i])
    return sums[i] >= 1.2 * nadir and sums[i] - nadir >= 5


def _pattern_holds(pattern: str, sums: list[int], new_at: set[int], tgr: float) -> bool:
    """Check the recorded sums against the pattern's defining RECIST 1.1 behaviour."""
    n = len(sums) - 1
    pd = [_is_pd(sums, i) or i in new_at for i in range(1, n + 1)]
    change = [(x - sums[0]) / sums[0] for x in sums[1:]]
    if pattern == "durable_response":
        return min(change) <= -0.32 and not any(pd)
    if pattern == "early_response":
        return change[0] <= -0.32 and any(pd)
    if pattern == "stable_disease":
        return min(change) > -0.28 and not any(pd)
    if pattern == "progression":
        return pd[0] and not tgr >= 1.9
    if pattern == "hyperprogression":
        return pd[0] and tgr >= 2.1
    if pattern == "pseudoprogression":
        return pd[0] and min(change) <= -0.32 and sums[2] < sums[1]
    if pattern == "delayed_response":
        return not any(pd) and min(change[:2]) > -0.28 and min(change) <= -0.32
    raise ValueError(f"unknown pattern {pattern!r}")


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
    lo, hi = SCAN_INTERVAL_RANGE
    if not lo <= scan_interval_weeks <= hi:
        raise ValueError(f"scan interval must be {lo}-{hi} weeks, got {scan_interval_weeks}")
    if not 4 <= n_scans <= 40:
        raise ValueError(f"n_scans must be 4-40 (patterns need 4 scans to unfold), got {n_scans}")
    draws = rng if isinstance(rng, _Draws) else _Draws(rng, block=256)
    interval = int(scan_interval_weeks)
    for _ in range(200):
        baseline = _baseline_lesions(draws)
        base_sum = sum(mm for _, _, mm in baseline)
        ref_weeks = draws.integer(6, 13)
        # Untreated tumours grow before treatment; fast growers make up the progressors.
        growth = (1.15, 1.35) if pattern == "progression" else (1.04, 1.15)
        ref_sum = round(base_sum / draws.uniform(*growth))
        if ref_sum >= base_sum:
            continue
        tgr_ref = tumour_growth_rate(ref_sum, base_sum, ref_weeks)
        factors = _factors(pattern, draws, n_scans, interval, tgr_ref)
        complete = [pattern == "durable_response" and f < 0.12 for f in factors]
        mm = _measure(baseline, factors, draws, complete)
        sums = [sum(col) for col in zip(*mm, strict=True)]
        new_at = _new_lesion_scans(pattern, sums)
        tgr = tgr_ratio(ref_sum, sums[0], sums[1], ref_weeks, interval)
        if _pattern_holds(pattern, sums, new_at, tgr):
            break
    else:  # pragma: no cover - the pattern draws are designed to pass within a few tries
        raise RuntimeError(f"could not draw a {pattern} patient; widen the pattern ranges")

    weeks = [interval * i for i in range(n_scans + 1)]
    new_lesions = _new_lesions(draws, weeks, new_at, factors)
    nontargets = draws.uniform() < 0.6
    gone = [False] + complete
    nontarget_status = [
        ("CR" if gone[i] else "non-CR/non-PD") if nontargets else "absent"
        for i in range(n_scans + 1)
    ]

    os_weeks, died = _survival(draws, pattern, interval, follow_up_weeks)
    last = n_scans
    if not full_schedule:
        alive = [i for i in range(1, n_scans + 1) if weeks[i] < os_weeks]
        last = alive[-1] if alive else 1
        pd_scans = [i for i in range(1, n_scans + 1) if _is_pd(sums, i) or i in new_at]
        if pd_scans and pattern != "pseudoprogression":
            last = min(last, pd_scans[0] + 1)
    weeks = weeks[: last + 1]
    lesions = tuple(
        Lesion(f"T{k + 1}", organ, node, tuple(mm[k][: last + 1]))
        for k, (organ, node, _) in enumerate(baseline)
    )
    new_lesions = {w: v for w, v in new_lesions.items() if w <= weeks[-1]}
    nontarget_status = nontarget_status[: last + 1]
    document = _document(criteria, lesions, nontargets, weeks, nontarget_status, new_lesions)
    return VirtualPatient(
        id=patient_id, arm=arm, pattern=pattern, weeks=tuple(weeks), lesions=lesions,
        nontargets=nontargets, nontarget_status=tuple(nontarget_status),
        new_lesions=new_lesions, reference_week=-ref_weeks, reference_sum_mm=ref_sum,
        os_weeks=os_weeks, died=died, document=document,
    )


def _new_lesion_scans(pattern: str, sums: list[int]) -> set[int]:
    """Scans where a new lesion first appears.

    Progression that the target sum does not show at the first scan shows as a new lesion;
    a further new lesion at the next scan confirms it (iRECIST iCPD) when the sum grew
    < 5 mm more.
    """
    if pattern not in ("progression", "hyperprogression", "early_response"):
        return set()
    scans = set()
    for i in range(1, len(sums)):
        if _is_pd(sums, i):
            first = i
            break
        if pattern != "early_response" and i == 1:
            scans.add(1)
            first = 1
            break
    else:
        return scans
    if first + 1 < len(sums) and sums[first + 1] - sums[first] < 5:
        scans.add(first + 1)
    return scans


def _new_lesions(draws: _Draws, weeks: list[int], new_at: set[int],
                 factors: list[float]) -> dict[int, tuple[dict, ...]]:
    """New lesions by scan week. A new lesion stays on every later scan, growing with the
    targets' course (the engine reads an id missing from a later scan as resolved)."""
    out: dict[int, tuple[dict, ...]] = {}
    born: list[tuple[str, int, int]] = []  # id, scan seen first, size then
    for i in range(1, len(weeks)):
        if i in new_at:
            born.append((f"N{len(born) + 1}", i, draws.integer(10, 26)))
        if born:
            out[weeks[i]] = tuple(
                {"id": lid, "mm": max(round(mm0 * factors[i - 1] / factors[i0 - 1]), mm0)}
                for lid, i0, mm0 in born
            )
    return out


def _survival(draws: _Draws, pattern: str, first_scan: int,
              follow_up_weeks: int) -> tuple[float, bool]:
    """(weeks, died): durable patterns are censored at follow-up; others draw a Weibull
    survival time conditioned on being alive at the first scan."""
    if pattern in DURABLE_PATTERNS:
        return float(follow_up_weeks), False
    k, scale = WEIBULL_SHAPE, WEIBULL_SCALE_WEEKS
    t = scale * ((first_scan / scale) ** k - math.log1p(-draws.uniform())) ** (1 / k)
    return (float(t), True) if t < follow_up_weeks else (float(follow_up_weeks), False)


def _document(criteria: str, lesions: tuple[Lesion, ...], nontargets: bool,
              weeks: list[int], nontarget_status: list[str],
              new_lesions: Mapping[int, tuple[dict, ...]]) -> dict:
    return {
        "criteria": criteria,
        "baseline": {
            "targets": [
                {"id": lz.id, "organ": lz.organ, "node": lz.node, "mm": lz.mm[0]} for lz in lesions
            ],
            "nontargets": nontargets,
        },
        "followups": [
            {
                "week": weeks[i],
                "targets": {lz.id: lz.mm[i] for lz in lesions},
                "nontarget": nontarget_status[i],
                "new_lesions": [dict(x) for x in new_lesions.get(weeks[i], ())],
            }
            for i in range(1, len(weeks))
        ],
    }


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
    immunotherapy and "recist1.1" for chemotherapy.
    """
    if criteria is None:
        criteria = "irecist" if arm == "immunotherapy" else "recist1.1"
    if arm not in ARMS:
        raise ValueError(f"arm must be one of {ARMS}, got {arm!r}")
    if n < 1:
        raise ValueError(f"cohort size must be >= 1, got {n}")
    props = validate_proportions(DEFAULT_PROPORTIONS[arm] if proportions is None else proportions)
    rng = np.random.default_rng(seed)
    counts = allocate(n, props)
    patterns = [p for p in PATTERNS for _ in range(counts.get(p, 0))]
    rng.shuffle(patterns)
    draws = _Draws(rng)
    prefix = "IO" if arm == "immunotherapy" else "CT"
    patients = tuple(
        simulate_patient(
            draws, f"{prefix}-{i + 1:03d}", arm, pattern, n_scans, scan_interval_weeks,
            follow_up_weeks, full_schedule, criteria,
        )
        for i, pattern in enumerate(patterns)
    )
    return Cohort(patients, arm, seed, props, int(scan_interval_weeks))
