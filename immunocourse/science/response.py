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
- Target PD: sum >= 120% of the nadir AND >= nadir + 5 mm. A scan with missing targets
  is still PD when the measured targets alone meet this (the missing ones can only add);
  otherwise it is NE whatever the measured ones show.
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
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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


def _parse(data: Any, criteria: str | None):
    doc = _obj(data, "", ("baseline", "followups"), ("criteria",))
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

    base = _obj(doc["baseline"], "baseline", ("targets", "nontargets"))
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
    targets: list[tuple[str, bool, float]] = []
    per_organ: dict[object, int] = {}
    for i, raw in enumerate(raw_targets):
        place = f"baseline.targets[{i}]"
        t = _obj(raw, place, ("id", "organ", "node", "mm"))
        tid = _string(t["id"], f"{place}.id")
        organ = _string(t["organ"], f"{place}.organ")
        node = t["node"]
        if not isinstance(node, bool):
            raise _err(f"{place}.node", f"expected true or false, got {_kind(node)}")
        mm = _size(t["mm"], f"{place}.mm")
        if any(tid == other for other, _, _ in targets):
            raise _err(f"{place}.id", f"duplicate lesion id {tid!r}")
        if node and mm < 15:
            raise _err(f"{place}.mm", f"a nodal target needs a short axis >= 15 mm, got {mm!r}")
        if not node and mm < 10:
            raise _err(f"{place}.mm", f"a non-nodal target must measure >= 10 mm, got {mm!r}")
        key = _NODES if node else organ.strip().casefold()
        per_organ[key] = per_organ.get(key, 0) + 1
        if per_organ[key] > _MAX_PER_ORGAN:
            what = "lymph-node targets (all nodes count as one organ)" if node else (
                f"targets in organ {organ!r}"
            )
            raise _err(
                "baseline.targets",
                f"{per_organ[key]} {what}; RECIST 1.1 allows at most {_MAX_PER_ORGAN} per organ",
            )
        targets.append((tid, node, mm))
    target_ids = {tid for tid, _, _ in targets}

    followups = []
    last_week = None
    for j, raw in enumerate(_list(doc["followups"], "followups")):
        place = f"followups[{j}]"
        fu = _obj(raw, place, ("week", "targets"), ("nontarget", "new_lesions"))
        week = _number(fu["week"], f"{place}.week")
        if week <= 0:
            raise _err(f"{place}.week", f"must be after baseline (> 0), got {week!r}")
        if last_week is not None and week <= last_week:
            raise _err(
                f"{place}.week",
                f"week {week!r} is not after the previous follow-up (week {last_week!r})",
            )
        last_week = week
        sizes_raw = fu["targets"]
        if not isinstance(sizes_raw, dict):
            raise _err(f"{place}.targets", f"expected an object of id: mm, got {_kind(sizes_raw)}")
        sizes: dict[str, float] = {}
        for tid, mm in sizes_raw.items():
            if tid not in target_ids:
                raise _err(f"{place}.targets", f"unknown lesion id {tid!r}")
            kind = type(mm)
            # Fast path for the common clean value; the slow path names the problem.
            if not ((kind is int or (kind is float and math.isfinite(mm))) and 0 <= mm <= _MAX_MM):
                if mm is None:
                    raise _err(
                        f"{place}.targets.{_name(tid)}",
                        "null is not a size: give mm (0 = gone, 5 = too small to measure) "
                        "or leave the id out if it was not evaluated",
                    )
                _size(mm, f"{place}.targets.{_name(tid)}")
            sizes[tid] = mm
        nt = fu.get("nontarget", "NE" if has_nontargets else "absent")
        if nt not in NONTARGET_STATES:
            raise _err(
                f"{place}.nontarget",
                f"unknown state {nt!r} (use one of: {', '.join(NONTARGET_STATES)})",
            )
        if has_nontargets and nt == "absent":
            raise _err(
                f"{place}.nontarget",
                "'absent' but baseline.nontargets is true (use CR if they all disappeared)",
            )
        if not has_nontargets and nt != "absent":
            raise _err(
                f"{place}.nontarget",
                f"{nt!r} but baseline.nontargets is false (new disease goes in new_lesions)",
            )
        new: dict[str, float | None] = {}
        for k, raw_new in enumerate(_list(fu.get("new_lesions", []), f"{place}.new_lesions")):
            where = f"{place}.new_lesions[{k}]"
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
        followups.append((week, sizes, nt, new))
    return criteria, targets, followups


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


def _recist(targets: list, followups: list) -> list[tuple]:
    """Per scan: (RECIST label, target PD?, non-target state, new lesions, target sizes,
    output row). The rows carry the RECIST label; iRECIST relabels them."""
    baseline_sum = sum(mm for _, _, mm in targets)
    nadir = baseline_sum
    n_targets = len(targets)
    out = []
    for week, sizes, nt, new in followups:
        total = sum(sizes.values())
        complete = len(sizes) == n_targets
        # A partial sum is a lower bound, so it can prove PD but nothing else.
        target_pd = _ge(total - nadir, 5) and _ge(5 * total, 6 * nadir)
        if target_pd:
            target = "PD"
        elif not complete:
            target = "NE"
        elif all(sizes[tid] < 10 if node else sizes[tid] == 0 for tid, node, _ in targets):
            target = "CR"
        elif _ge(7 * baseline_sum, 10 * total):
            target = "PR"
        else:
            target = "SD"

        if target == "PD" or nt == "PD" or new:
            label = "PD"
        elif target == "NE":
            label = "NE"
        elif target == "CR":
            label = "CR" if nt in ("CR", "absent") else "PR"
        else:
            label = target

        shown = (round(total, 2) if isinstance(total, float) else total) if complete else None
        row = {
            "week": week,
            "response": label,
            "sum_mm": shown,
            "change_from_baseline_pct": _pct(total if complete else None, baseline_sum),
            "change_from_nadir_pct": _pct(total if complete else None, nadir),
        }
        out.append((label, target_pd, nt, new, sizes, row))
        if complete and total < nadir:
            nadir = total
    return out


def _irecist(assessed: list) -> list[str]:
    labels: list[str] = []
    # The open iUPD: (targets PD at U?, target sizes at U, non-targets at U, new lesions at U)
    window = None
    confirmed = False
    for label, target_pd, nt, new, sizes, _ in assessed:
        if confirmed:
            labels.append("iCPD")
            continue
        if window is None:
            if label == "PD":
                window = (target_pd, sizes, nt, new)
                labels.append("iUPD")
            else:
                labels.append(label if label == "NE" else "i" + label)
            continue
        u_target_pd, u_sizes, u_nt, u_new = window
        if u_target_pd:
            grew = sum(sizes.get(tid, 0) for tid in u_sizes) - sum(u_sizes.values())
            target_trigger = _ge(grew, 5)
        else:
            target_trigger = target_pd
        u_measurable = [nid for nid, mm in u_new.items() if mm is not None]
        new_grew = sum(new.get(nid) or 0 for nid in u_measurable) - sum(
            u_new[nid] for nid in u_measurable
        )
        if (
            target_trigger
            or nt == "PD"
            or any(nid not in u_new for nid in new)
            or (u_measurable and _ge(new_grew, 5))
        ):
            confirmed = True
            labels.append("iCPD")
        elif label == "PD":
            labels.append("iUPD")
        elif label == "NE" or (nt == "NE" and u_nt == "PD"):
            # Cannot tell whether the progression that opened the window persists.
            labels.append("NE")
        else:
            window = None
            labels.append("i" + label)
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
    criteria, targets, followups = _parse(data, criteria)
    assessed = _recist(targets, followups)
    rows = [a[5] for a in assessed]
    if criteria == "irecist":
        labels = _irecist(assessed)
        for row, label in zip(rows, labels, strict=True):
            row["response"] = label
        best = _best_irecist(labels)
    else:
        best = _best_recist([row["response"] for row in rows])
    return {"criteria": criteria, "timepoints": rows, "best_overall_response": best}
