"""RECIST 1.1 and iRECIST time-point and best overall response, for the course's cases.

Sources: Eisenhauer et al., Eur J Cancer 2009;45:228 (RECIST 1.1) and Seymour et al.,
Lancet Oncol 2017;18:e143 (iRECIST, Tables 2 and 3). This is teaching code, not a
tool for patient care.

Input (already parsed JSON; ``classify`` validates every field)::

    {"criteria": "recist1.1" | "irecist",
     "baseline": {"targets": [{"id": "T1", "organ": "liver", "node": false, "mm": 32}],
                  "nontargets": true},
     "followups": [{"week": 8, "targets": {"T1": 20}, "nontarget": "non-CR/non-PD",
                    "new_lesions": [{"id": "N1", "mm": 12}, {"id": "N2", "mm": null}]}]}

Baseline: 1 to 5 targets, at most 2 per organ with all lymph nodes counted as one
organ (RECIST working group FAQ); non-nodal targets >= 10 mm, nodal targets >= 15 mm
short axis. At least one target is required: with non-target disease only RECIST's
answer is "non-CR/non-PD", which is not one of the labels here.

Follow-ups: ``targets`` maps target id to size in mm (short axis for nodes; 0 = gone; a
lesion too small to measure is recorded as 5 mm by RECIST convention). An id left out
was not evaluated. ``nontarget`` is one of CR, non-CR/non-PD, PD, NE, absent; when
omitted it is ``absent`` if there was no non-target disease at baseline and ``NE``
(not evaluated) if there was, exactly as a left-out target is not evaluated.
``absent`` with baseline non-target disease, or any other state without it, is an
error. ``new_lesions`` lists the new lesions seen at that scan (default none); the
same id at two scans is the same lesion; ``mm: null`` = not measurable. Sizes are used
as given: the 10 mm measurability threshold and the limit of 5 new-lesion targets (2 per
organ) are left to whoever writes the case.

Output per time point: ``response``; ``sum_mm``, the sum of target diameters (floats
rounded to 0.01 mm), null unless every target was evaluated; ``change_from_baseline_pct``;
and ``change_from_nadir_pct`` against the nadir *before* this scan, null when the scan's
sum is null or that nadir is 0 mm. Percentages are rounded to 1 decimal, halves away
from zero, for display only: the rules use exact values, so -29.96% shows as -30.0 but
is not a PR.

RECIST 1.1 decisions
- The nadir is the smallest sum of a fully evaluated scan, baseline included. A scan
  with a target missing never becomes the nadir: its sum is only a lower bound.
- Target PD (:func:`target_progression`): sum >= 120% of the nadir AND >= nadir + 5 mm.
  A scan with missing targets is still PD when the measured targets alone meet this (the
  missing ones can only add); otherwise it is NE whatever the measured ones show.
- Target CR: every non-nodal target 0 mm and every nodal target < 10 mm (the sum may
  then be > 0). The PD test comes first, so nodes growing from 4+4 to 9+9 mm are PD.
- Target PR: sum <= 70% of the baseline sum (exactly -30% is PR); else SD. Each scan is
  judged on its own numbers: the EORTC "continuing PR" convention is not applied.
- Overall: a new lesion, non-target PD or target PD is PD; then target NE is NE; target
  CR with non-targets CR/absent is CR, with non-CR/non-PD or NE non-targets PR; target
  PR is PR and target SD is SD whatever the (non-PD) non-targets.
- Best overall response: the best of CR > PR > SD before the first PD; PD if none came
  before it (e.g. PD at the first scan, or NE then PD); NE if all scans are NE or there
  are none. CR/PR need no confirmation and SD has no minimum duration. Scans after the
  first PD are still classified on their own but do not change the best response.

iRECIST decisions (labels iCR iPR iSD iUPD iCPD NE)
- Without an open iUPD a scan gets its RECIST label with an "i" prefix, except that
  RECIST PD becomes iUPD and opens a confirmation window anchored at that scan (U).
- Inside the window, progression is confirmed (iCPD) at a later scan if any of:
  * targets progressed at U and the targets measured at U now sum >= 5 mm more than at
    U (measured against U, so 4 mm then 2 mm confirms, as the EORTC FAQ says);
  * targets did not progress at U and now meet RECIST PD in their own right (iRECIST:
    progression in a new category confirms; a 5 mm rise alone does not);
  * non-targets are PD. This input can only say "PD", so after a non-target iUPD a
    second PD stands for the paper's "further increase"; after a target or new-lesion
    iUPD it is progression in a new category;
  * a new-lesion id not present at U; or the new lesions measurable at U now sum >= 5 mm
    more than at U. (Growth of non-measurable new lesions cannot be expressed.)
  Missing targets do not stop a proven trigger, as in RECIST.
- Otherwise the scan stays iUPD while RECIST PD still holds against the nadir (target
  PD, non-target PD or any new lesion present); is NE if targets are missing; else the
  window closes and the scan gets iSD/iPR/iCR, so a later iUPD needs full RECIST PD.
  Known simplification: a new lesion still present keeps the scan iUPD, although the
  EORTC FAQ allows iPR/iSD when baseline lesions shrink further after the iUPD.
- NE scans do not close a window; nor does a scan whose non-targets were not evaluated
  (NE) when non-target PD opened the window: such a scan is NE, since it cannot show
  whether that progression persists. iCPD is final: later scans are reported as iCPD.
- New lesions never enter the target sum. The nadir is the RECIST one, over all scans.
- Best overall response (Table 3): the best of iCR > iPR > iSD before the first iCPD
  (so iUPD then iPR gives iPR, and iCR then iUPD, iCPD gives iCR); otherwise iCPD if
  progression was confirmed; otherwise iUPD if an iUPD was seen (iUPD followed only by
  NE stays iUPD); otherwise NE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

RECIST_LABELS = ("CR", "PR", "SD", "PD", "NE")
IRECIST_LABELS = ("iCR", "iPR", "iSD", "iUPD", "iCPD", "NE")
CRITERIA = ("recist1.1", "irecist")
NONTARGET_STATES = ("CR", "non-CR/non-PD", "PD", "NE", "absent")

_RANK = {"CR": 0, "PR": 1, "SD": 2, "iCR": 0, "iPR": 1, "iSD": 2}
_MAX_TARGETS = 5
_MAX_PER_ORGAN = 2
_MAX_MM = 1000  # a sanity bound that also keeps sums and percentages in float range
_NODES = object()  # all lymph nodes count as one organ
_TENTH = Decimal("0.1")


class ResponseInputError(ValueError):
    """Invalid input. The message is one line and starts with the place, for example
    ``followups[1].targets: unknown lesion id 'T9'``."""

    def __init__(self, message: str, place: str = "") -> None:
        super().__init__(message)
        self.place = place


def percent_change(value: float, reference: float) -> float:
    """Change of ``value`` relative to ``reference`` in percent (unrounded)."""
    if reference == 0:
        raise ValueError("percent change from a reference of 0 is undefined")
    return (value - reference) / reference * 100.0


def _ge(a: float, b: float) -> bool:
    # a >= b, tolerant of float noise so that exactly -30% or exactly +5 mm given in
    # decimals (e.g. 33 -> 23.1) lands on the side the rule intends.
    return a >= b - 1e-9 * max(1.0, abs(b))


def target_progression(total: float, nadir: float) -> bool:
    """RECIST 1.1 target progression: a target sum ``total`` at least 20% over the ``nadir``
    *and* at least 5 mm over it. Exactly +20% or exactly +5 mm counts, also when float
    arithmetic lands a hair short (33.7 -> 40.44 mm is exactly +20%)."""
    return _ge(total - nadir, 5) and _ge(5 * total, 6 * nadir)


def target_progression_array(totals: np.ndarray, nadirs: np.ndarray) -> np.ndarray:
    """:func:`target_progression` elementwise over numpy arrays (same comparisons, same
    tolerance), for simulated cohorts."""
    import numpy as np  # here, not at the top: the engine and its CLI run without numpy

    totals, nadirs = np.asarray(totals), np.asarray(nadirs)
    return _ge_array(totals - nadirs, 5) & _ge_array(5 * totals, 6 * nadirs)


def _ge_array(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    import numpy as np

    return a >= b - 1e-9 * np.maximum(1.0, np.abs(b))


def confirms_growth(grew_mm: float) -> bool:
    """iRECIST: a further growth of at least 5 mm in sum confirms progression."""
    return _ge(grew_mm, 5)


# --------------------------------------------------------------------------- input


def _err(place: str, problem: str) -> ResponseInputError:
    return ResponseInputError(f"{place}: {problem}" if place else problem, place)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _name(key: str) -> str:
    """A key as it appears in a place: quoted when it could break the one-line message."""
    return key if key.isprintable() and key.strip() == key and key else repr(key)


def _obj(value: Any, place: str, required: tuple, optional: tuple = ()) -> dict:
    if not isinstance(value, dict):
        raise _err(place, f"expected an object, got {_kind(value)}")
    allowed = required + optional
    for key in value:
        if key not in allowed:
            where = f"{place}.{_name(key)}" if place else _name(key)
            raise _err(where, f"unknown key (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in value:
            problem = f"missing key '{key}'" if place else f"missing top-level key '{key}'"
            raise _err(place, problem)
    return value


def _number(value: Any, place: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(place, f"expected a number, got {_kind(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _err(place, f"expected a finite number, got {value!r}")
    return value


def _size(value: Any, place: str) -> float:
    _number(value, place)
    if value < 0:
        raise _err(place, f"size must be >= 0 mm, got {value!r}")
    if value > _MAX_MM:
        raise _err(place, f"size must be <= {_MAX_MM} mm (1 m), got {value!r}")
    return value


def _string(value: Any, place: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _err(place, f"expected a non-empty string, got {_kind(value)}")
    return value


def _list(value: Any, place: str) -> list:
    if not isinstance(value, list):
        raise _err(place, f"expected an array, got {_kind(value)}")
    return value


@dataclass(frozen=True, slots=True)
class Target:
    """A baseline target lesion."""

    id: str
    node: bool
    mm: float


@dataclass(frozen=True, slots=True)
class Scan:
    """A follow-up as parsed: target sizes by id (a missing id was not evaluated), the
    non-target state, and the new lesions by id (mm None = not measurable)."""

    week: float
    sizes: dict[str, float]
    nontarget: str
    new: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class _Case:
    criteria: str
    targets: tuple[Target, ...]
    scans: tuple[Scan, ...]


def _parse(data: Any, criteria: str | None) -> _Case:
    doc = _obj(data, "", ("baseline", "followups"), ("criteria",))
    criteria = _parse_criteria(doc, criteria)
    targets, has_nontargets = _parse_baseline(doc["baseline"])
    scans = _parse_followups(doc["followups"], targets, has_nontargets)
    return _Case(criteria, targets, scans)


def _parse_criteria(doc: dict, criteria: str | None) -> str:
    """The override if given, else the document's; both must be known names."""
    if criteria is None:
        if "criteria" not in doc:
            raise _err("criteria", "missing (use 'recist1.1' or 'irecist')")
        criteria, where = doc["criteria"], "criteria"
    else:
        where = "criteria (override)"
    if criteria not in CRITERIA:
        raise _err(where, f"unknown criteria {criteria!r} (use 'recist1.1' or 'irecist')")
    if "criteria" in doc and doc["criteria"] not in CRITERIA:
        raise _err("criteria", f"unknown criteria {doc['criteria']!r}")
    return criteria


def _parse_baseline(raw: Any) -> tuple[tuple[Target, ...], bool]:
    """The target lesions (1 to 5, at most 2 per organ) and whether non-targets exist."""
    base = _obj(raw, "baseline", ("targets", "nontargets"))
    raw_targets = _list(base["targets"], "baseline.targets")
    has_nontargets = base["nontargets"]
    if not isinstance(has_nontargets, bool):
        raise _err("baseline.nontargets", f"expected true or false, got {_kind(has_nontargets)}")
    if not raw_targets:
        raise _err("baseline.targets", "at least one target lesion is required")
    if len(raw_targets) > _MAX_TARGETS:
        raise _err(
            "baseline.targets",
            f"{len(raw_targets)} target lesions; RECIST 1.1 allows at most {_MAX_TARGETS}",
        )
    targets: list[Target] = []
    per_organ: dict[object, int] = {}
    for i, raw_target in enumerate(raw_targets):
        target, organ = _parse_target(raw_target, f"baseline.targets[{i}]", targets)
        _count_organ(target, organ, per_organ)
        targets.append(target)
    return tuple(targets), has_nontargets


def _parse_target(raw: Any, place: str, earlier: list[Target]) -> tuple[Target, str]:
    """One baseline target and its organ, measurable by RECIST 1.1."""
    t = _obj(raw, place, ("id", "organ", "node", "mm"))
    tid = _string(t["id"], f"{place}.id")
    organ = _string(t["organ"], f"{place}.organ")
    node = t["node"]
    if not isinstance(node, bool):
        raise _err(f"{place}.node", f"expected true or false, got {_kind(node)}")
    mm = _size(t["mm"], f"{place}.mm")
    if any(tid == other.id for other in earlier):
        raise _err(f"{place}.id", f"duplicate lesion id {tid!r}")
    if node and mm < 15:
        raise _err(f"{place}.mm", f"a nodal target needs a short axis >= 15 mm, got {mm!r}")
    if not node and mm < 10:
        raise _err(f"{place}.mm", f"a non-nodal target must measure >= 10 mm, got {mm!r}")
    return Target(tid, node, mm), organ


def _count_organ(target: Target, organ: str, per_organ: dict[object, int]) -> None:
    """Count the target against its organ (all lymph nodes are one organ); at most 2."""
    key = _NODES if target.node else organ.strip().casefold()
    per_organ[key] = per_organ.get(key, 0) + 1
    if per_organ[key] > _MAX_PER_ORGAN:
        what = "lymph-node targets (all nodes count as one organ)" if target.node else (
            f"targets in organ {organ!r}"
        )
        raise _err(
            "baseline.targets",
            f"{per_organ[key]} {what}; RECIST 1.1 allows at most {_MAX_PER_ORGAN} per organ",
        )


def _parse_followups(raw: Any, targets: tuple[Target, ...],
                     has_nontargets: bool) -> tuple[Scan, ...]:
    """Every follow-up, in strictly increasing weeks after baseline."""
    target_ids = {t.id for t in targets}
    scans: list[Scan] = []
    last_week = None
    for j, raw_scan in enumerate(_list(raw, "followups")):
        place = f"followups[{j}]"
        fu = _obj(raw_scan, place, ("week", "targets"), ("nontarget", "new_lesions"))
        week = _parse_week(fu["week"], f"{place}.week", last_week)
        last_week = week
        sizes = _parse_sizes(fu["targets"], f"{place}.targets", target_ids)
        nt = _parse_nontarget(fu, f"{place}.nontarget", has_nontargets)
        new = _parse_new_lesions(fu.get("new_lesions", []), f"{place}.new_lesions", target_ids)
        scans.append(Scan(week, sizes, nt, new))
    return tuple(scans)


def _parse_week(value: Any, place: str, last_week: float | None) -> float:
    week = _number(value, place)
    if week <= 0:
        raise _err(place, f"must be after baseline (> 0), got {week!r}")
    if last_week is not None and week <= last_week:
        raise _err(
            place,
            f"week {week!r} is not after the previous follow-up (week {last_week!r})",
        )
    return week


def _parse_sizes(raw: Any, place: str, target_ids: set[str]) -> dict[str, float]:
    """Target sizes by id; a target left out was not evaluated."""
    if not isinstance(raw, dict):
        raise _err(place, f"expected an object of id: mm, got {_kind(raw)}")
    sizes: dict[str, float] = {}
    for tid, mm in raw.items():
        if tid not in target_ids:
            raise _err(place, f"unknown lesion id {tid!r}")
        kind = type(mm)
        # Fast path for the common clean value; the slow path names the problem.
        if not ((kind is int or (kind is float and math.isfinite(mm))) and 0 <= mm <= _MAX_MM):
            if mm is None:
                raise _err(
                    f"{place}.{_name(tid)}",
                    "null is not a size: give mm (0 = gone, 5 = too small to measure) "
                    "or leave the id out if it was not evaluated",
                )
            _size(mm, f"{place}.{_name(tid)}")
        sizes[tid] = mm
    return sizes


def _parse_nontarget(fu: dict, place: str, has_nontargets: bool) -> str:
    """The non-target state; left out it is NE (not evaluated) or absent (none at baseline)."""
    nt = fu.get("nontarget", "NE" if has_nontargets else "absent")
    if nt not in NONTARGET_STATES:
        raise _err(
            place,
            f"unknown state {nt!r} (use one of: {', '.join(NONTARGET_STATES)})",
        )
    if has_nontargets and nt == "absent":
        raise _err(
            place,
            "'absent' but baseline.nontargets is true (use CR if they all disappeared)",
        )
    if not has_nontargets and nt != "absent":
        raise _err(
            place,
            f"{nt!r} but baseline.nontargets is false (new disease goes in new_lesions)",
        )
    return nt


def _parse_new_lesions(raw: Any, place: str, target_ids: set[str]) -> dict[str, float | None]:
    """New lesions by id; mm None = present but not measurable."""
    new: dict[str, float | None] = {}
    for k, raw_new in enumerate(_list(raw, place)):
        where = f"{place}[{k}]"
        lesion = _obj(raw_new, where, ("id", "mm"))
        nid = _string(lesion["id"], f"{where}.id")
        if nid in target_ids:
            raise _err(f"{where}.id", f"{nid!r} is a baseline target id")
        if nid in new:
            raise _err(f"{where}.id", f"duplicate lesion id {nid!r}")
        mm = lesion["mm"]
        if mm is not None:
            _size(mm, f"{where}.mm")
            if mm == 0:
                raise _err(f"{where}.mm", "a new lesion of 0 mm is not there: leave it out")
        new[nid] = mm
    return new


# -------------------------------------------------------------------------- engine


def _pct(value: float | None, reference: float) -> float | None:
    if value is None or reference == 0:
        return None
    # Halves away from zero, as a reader rounds (-31.25 -> -31.3; round() would give
    # -31.2); + 0.0 turns -0.0 into 0.0.
    pct = percent_change(value, reference)
    tenths = pct * 10
    if abs(tenths - math.floor(tenths) - 0.5) > 1e-6:  # not a tie: round() is right
        return round(pct, 1) + 0.0
    # Near a tie, redo it in decimal so float noise (-31.2499999...) cannot decide it.
    v, r = (Decimal(repr(round(x, 6))) for x in (value, reference))
    return float(((v - r) / r * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)) + 0.0


@dataclass(frozen=True, slots=True)
class Assessment:
    """One follow-up as RECIST 1.1 reads it, with the numbers each rule compared.

    ``total`` sums the targets measured (a lower bound when ``complete`` is false);
    ``nadir`` is the nadir *before* this scan; ``target`` is the target response (CR, PR,
    SD, PD or NE) and ``label`` the overall RECIST 1.1 response."""

    scan: Scan
    total: float
    complete: bool
    baseline_sum: float
    nadir: float
    target: str
    label: str
    row: dict


def _target_response(targets: tuple[Target, ...], sizes: dict[str, float], total: float,
                     complete: bool, nadir: float, baseline_sum: float) -> str:
    # A partial sum is a lower bound, so it can prove PD but nothing else.
    if target_progression(total, nadir):
        return "PD"
    if not complete:
        return "NE"
    if all(sizes[t.id] < 10 if t.node else sizes[t.id] == 0 for t in targets):
        return "CR"
    if _ge(7 * baseline_sum, 10 * total):
        return "PR"
    return "SD"


def _overall(target: str, nt: str, new: dict) -> str:
    if target == "PD" or nt == "PD" or new:
        return "PD"
    if target == "NE":
        return "NE"
    if target == "CR":
        return "CR" if nt in ("CR", "absent") else "PR"
    return target


def _recist(targets: tuple[Target, ...], scans: tuple[Scan, ...]) -> list[Assessment]:
    """Every scan's assessment; the rows carry the RECIST label, iRECIST relabels them."""
    baseline_sum = sum(t.mm for t in targets)
    nadir = baseline_sum
    n_targets = len(targets)
    out = []
    for scan in scans:
        sizes = scan.sizes
        total = sum(sizes.values())
        complete = len(sizes) == n_targets
        target = _target_response(targets, sizes, total, complete, nadir, baseline_sum)
        label = _overall(target, scan.nontarget, scan.new)
        shown = (round(total, 2) if isinstance(total, float) else total) if complete else None
        row = {
            "week": scan.week,
            "response": label,
            "sum_mm": shown,
            "change_from_baseline_pct": _pct(total if complete else None, baseline_sum),
            "change_from_nadir_pct": _pct(total if complete else None, nadir),
        }
        out.append(Assessment(scan, total, complete, baseline_sum, nadir, target, label, row))
        if complete and total < nadir:
            nadir = total
    return out


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What, at a scan inside an open iUPD window, confirms progression (iRECIST); false
    when nothing does.

    ``target_growth``: mm the targets measured at the iUPD grew since, when targets had
    progressed then and grew >= 5 mm more. ``target_progression``: targets had not
    progressed at the iUPD and now meet RECIST PD. ``nontarget_progression``: non-targets
    are PD. ``further_new``: new-lesion ids not present at the iUPD. ``new_growth``: mm the
    new lesions measurable at the iUPD grew since, when >= 5 mm."""

    target_growth: float | None
    target_progression: bool
    nontarget_progression: bool
    further_new: tuple[str, ...]
    new_growth: float | None

    def __bool__(self) -> bool:
        return (self.target_growth is not None or self.target_progression
                or self.nontarget_progression or bool(self.further_new)
                or self.new_growth is not None)


def confirmation(at_iupd: Assessment, now: Assessment) -> Confirmation:
    """Which iRECIST rules confirm, at ``now``, the iUPD opened at ``at_iupd``."""
    u_sizes, u_new = at_iupd.scan.sizes, at_iupd.scan.new
    grew = None
    if at_iupd.target == "PD":
        # Measured against U with the targets measured at U (EORTC FAQ: 4 mm then 2 mm).
        grew = sum(now.scan.sizes.get(tid, 0) for tid in u_sizes) - sum(u_sizes.values())
    u_measurable = [nid for nid, mm in u_new.items() if mm is not None]
    new_grew = sum(now.scan.new.get(nid) or 0 for nid in u_measurable) - sum(
        u_new[nid] for nid in u_measurable
    )
    return Confirmation(
        target_growth=grew if grew is not None and confirms_growth(grew) else None,
        target_progression=at_iupd.target != "PD" and now.target == "PD",
        nontarget_progression=now.scan.nontarget == "PD",
        further_new=tuple(nid for nid in now.scan.new if nid not in u_new),
        new_growth=new_grew if u_measurable and confirms_growth(new_grew) else None,
    )


def _irecist(assessed: list[Assessment]) -> list[str]:
    labels: list[str] = []
    window: Assessment | None = None  # the scan that opened the iUPD still open
    confirmed = False
    for a in assessed:
        if confirmed:
            labels.append("iCPD")
            continue
        if window is None:
            if a.label == "PD":
                window = a
                labels.append("iUPD")
            else:
                labels.append(a.label if a.label == "NE" else "i" + a.label)
            continue
        if confirmation(window, a):
            confirmed = True
            labels.append("iCPD")
        elif a.label == "PD":
            labels.append("iUPD")
        elif a.label == "NE" or (a.scan.nontarget == "NE" and window.scan.nontarget == "PD"):
            # Cannot tell whether the progression that opened the window persists.
            labels.append("NE")
        else:
            window = None
            labels.append("i" + a.label)
    return labels


def _best_recist(labels: list[str]) -> str:
    best = None
    for label in labels:
        if label == "PD":
            return best or "PD"
        if label != "NE" and (best is None or _RANK[label] < _RANK[best]):
            best = label
    return best or "NE"


def _best_irecist(labels: list[str]) -> str:
    best = None
    unconfirmed = False
    for label in labels:
        if label == "iCPD":
            return best or "iCPD"
        if label == "iUPD":
            unconfirmed = True
        elif label != "NE" and (best is None or _RANK[label] < _RANK[best]):
            best = label
    return best or ("iUPD" if unconfirmed else "NE")


def classify(data: dict, criteria: str | None = None) -> dict:
    """Classify every follow-up scan and the best overall response.

    ``criteria`` ("recist1.1" or "irecist") overrides ``data["criteria"]``. Raises
    :class:`ResponseInputError` naming the place of any invalid input.
    """
    case = _parse(data, criteria)
    criteria = case.criteria
    assessed = _recist(case.targets, case.scans)
    rows = [a.row for a in assessed]
    if criteria == "irecist":
        labels = _irecist(assessed)
        for row, label in zip(rows, labels, strict=True):
            row["response"] = label
        best = _best_irecist(labels)
    else:
        best = _best_recist([row["response"] for row in rows])
    return {"criteria": criteria, "timepoints": rows, "best_overall_response": best}


def assess(data: dict, criteria: str | None = None) -> list[Assessment]:
    """Each follow-up's RECIST 1.1 assessment: the numbers behind :func:`classify`'s labels
    (validated the same way; ``criteria`` only matters for validation)."""
    case = _parse(data, criteria)
    return _recist(case.targets, case.scans)
