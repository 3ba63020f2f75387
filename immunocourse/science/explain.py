"""Why the response engine gave a scan its label, in a sentence or two for a student.

Every verdict here is read from the engine's own assessment (:func:`response.assess`,
:func:`response.confirmation`): the explanation states progression exactly when the engine
found it, and only formats the numbers the engine compared.
"""

from __future__ import annotations

from immunocourse.science.response import Assessment, assess, confirmation


def _mm(value: float) -> float:
    """A size as the engine shows sums: floats to 0.01 mm, integers as they are."""
    return round(value, 2) if isinstance(value, float) else value


def _size(mm: float | None) -> str:
    return "not measurable" if mm is None else f"{_mm(mm)} mm"


def explain(document: dict, result: dict, index: int) -> str:
    """Why the engine gave follow-up ``index`` (0-based) its label, in one or two sentences,
    e.g. "sum 51 mm rose 24.4% over the nadir of 41 mm and by 10 mm: PD"."""
    tp = result["timepoints"][index]
    label = tp["response"]
    core = label.removeprefix("i")
    if core == "NE":
        return "not every target lesion was measured and nothing shows progression: NE"
    assessed = assess(document, result["criteria"])
    if label == "iCPD":
        return _explain_confirmed(assessed, result, index)
    a = assessed[index]
    total, nadir, base = _mm(a.total), _mm(a.nadir), _mm(a.baseline_sum)
    rise_mm = _mm(a.total - a.nadir)
    nadir_pct = tp["change_from_nadir_pct"]
    base_pct = tp["change_from_baseline_pct"]
    seen_before = {nid for earlier in assessed[:index] for nid in earlier.scan.new}
    new = a.scan.new
    fresh = [nid for nid in new if nid not in seen_before]
    reasons = []
    if fresh:
        names = ", ".join(f"{nid} ({_size(new[nid])})" for nid in fresh)
        reasons.append(f"new lesion {names} appeared; any new lesion is progression")
    elif new and core in ("PD", "UPD"):
        reasons.append(f"new lesion {', '.join(new)} is still present")
    if a.scan.nontarget == "PD":
        reasons.append("non-target lesions progressed unequivocally")
    if a.target == "PD":
        rose = f"rose {nadir_pct:.1f}% over" if nadir_pct is not None else "rose over"
        measured = "sum" if a.complete else "sum of the targets measured"
        reasons.append(
            f"{measured} {total} mm {rose} the nadir of {nadir} mm and by {rise_mm} mm "
            f"(progression needs both +20% and +5 mm)")
    if core in ("PD", "UPD"):
        text = "; ".join(reasons) + f": {label}"
        if label == "iUPD":
            text += (" (iRECIST: progression stays unconfirmed until the next scan, 4-8 weeks "
                     "later, confirms it or shows it has not continued)")
        return text
    if core == "CR":
        return ("every non-nodal target lesion has gone (0 mm) and every target lymph node is "
                f"under 10 mm short axis, with no non-target disease left: {label}")
    if core == "PR" and a.target == "CR":
        return ("every target lesion has gone (nodes under 10 mm short axis) but non-target "
                f"disease remains ({a.scan.nontarget}): {label}")
    if core == "PR":
        return (f"sum {total} mm is {base_pct:.1f}% from the baseline sum of {base} mm "
                f"(partial response needs -30% or more), without progression: {label}")
    # SD: the sum is over 70% of a baseline of >= 10 mm, so the nadir is not 0 (from a nadir
    # of 0 mm any 5 mm would be PD) and the percentage from it exists.
    return (f"sum {total} mm is {base_pct:+.1f}% from the baseline sum of {base} mm (partial "
            f"response needs -30% or more) and {nadir_pct:+.1f}% and {rise_mm:+} mm from the "
            f"nadir of {nadir} mm (progression needs +20% and +5 mm): {label}")


def _explain_confirmed(assessed: list[Assessment], result: dict, index: int) -> str:
    """Which iRECIST confirmation rule turned the open iUPD into iCPD (Seymour 2017)."""
    labels = [tp["response"] for tp in result["timepoints"]]
    if "iCPD" in labels[:index] or "iUPD" not in labels[:index]:
        return "progression was confirmed at an earlier scan and iCPD is final: iCPD"
    # The window opened at the first iUPD after the last scan that closed one (iCR, iPR,
    # iSD); NE scans neither open nor close it.
    closed = [j for j in range(index) if labels[j] not in ("iUPD", "NE")]
    opened = labels.index("iUPD", closed[-1] + 1 if closed else 0)
    at_u, now = assessed[opened], assessed[index]
    found = confirmation(at_u, now)
    why = []
    if found.further_new:
        why.append(f"a further new lesion ({', '.join(found.further_new)}) appeared")
    if found.new_growth is not None:
        why.append(f"the new lesions grew {_mm(found.new_growth)} mm in sum "
                   "(5 mm or more confirms)")
    if found.target_growth is not None:
        before = sum(at_u.scan.sizes.values())
        why.append(f"the target sum grew a further {_mm(found.target_growth)} mm, from "
                   f"{_mm(before)} to {_mm(before + found.target_growth)} mm "
                   "(5 mm or more confirms)")
    if found.target_progression:
        why.append(f"the target sum, {_mm(now.total)} mm, now meets RECIST progression in its "
                   f"own right (+20% and +5 mm over the nadir of {_mm(now.nadir)} mm): "
                   "progression in a new category confirms")
    if found.nontarget_progression:
        why.append("non-target lesions progressed")
    return (f"after unconfirmed progression (iUPD) at week {at_u.scan.week}, "
            + " and ".join(why) + ": iCPD")
