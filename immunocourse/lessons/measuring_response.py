"""Lesson 7, measuring response: the worked cases, the cited numbers and the quiz keys.

The three worked cases are written here once. The page shows their tables and figures,
the notebook shows the same tables, and the quiz keys (``answer_from``) are computed from
them by :func:`immunocourse.science.response.classify`, so a label on the page and a quiz key
cannot disagree. The cases are invented for teaching: no patient's data is used.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from immunocourse.figures import plots
from immunocourse.figures.cases import scan_table_html
from immunocourse.science import simulate
from immunocourse.science.explain import explain
from immunocourse.science.response import classify

# Literature numbers quoted by the page and the quiz, each beside its citation key.
PSEUDOPROGRESSION = {  # Park et al., Radiology 2020;297:87 (meta-analysis)
    "pooled_pct": 6.0, "ci_low_pct": 5.0, "ci_high_pct": 7.0,
    "studies": 17, "patients": 3402, "cite": "park2020",
}
# Jia et al., Cancer Biol Med 2019;16:655, Table 1 (jia2019): lowest and highest study rate (%)
# by cancer.
PSEUDOPROGRESSION_BY_CANCER = {
    "melanoma": (2.8, 9.7),
    "non-small cell lung cancer": (1.8, 5.8),
    "kidney cancer (renal cell carcinoma)": (2.9, 8.8),
    "bladder cancer (urothelial carcinoma)": (1.5, 7.1),
}
HYPERPROGRESSION = {  # Champiat et al., Clin Cancer Res 2017;23:1920
    "patients_with_hpd": 12, "evaluable": 131, "tgr_ratio": 2, "cite": "champiat2017",
}
HPD_DEFINITIONS = {  # Kas et al., JAMA Oncol 2020;6:1039: five definitions, one cohort
    "definitions": 5, "patients": 406, "cite": "kas2020",
}


def hyperprogression_pct() -> float:
    """Champiat 2017: share of evaluable patients with hyperprogression, % (1 decimal)."""
    h = HYPERPROGRESSION
    return round(100 * h["patients_with_hpd"] / h["evaluable"], 1)


def pseudoprogression_pct() -> float:
    """Park 2020: pooled incidence of pseudoprogression, %."""
    return PSEUDOPROGRESSION["pooled_pct"]


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """A worked case: a RECIST/iRECIST input document and a one-line story."""

    illustrative: ClassVar[bool] = True  # made up for teaching: no published number, no source
    id: str
    title: str
    story: str
    document: dict


def _doc(targets: list[tuple[str, str, bool, int]], scans: list[tuple[int, dict, list]]) -> dict:
    return {
        "criteria": "recist1.1",
        "baseline": {
            "targets": [{"id": i, "organ": o, "node": n, "mm": mm} for i, o, n, mm in targets],
            "nontargets": False,
        },
        "followups": [
            {"week": week, "targets": sizes, "new_lesions": new} for week, sizes, new in scans
        ],
    }


CASES: dict[str, Case] = {
    "A": Case(
        "A", "Case A: a steady response",
        "Two target lesions shrink a little, then a lot.",
        _doc([("T1", "liver", False, 38), ("T2", "lung", False, 22)],
             [(8, {"T1": 32, "T2": 19}, []),
              (16, {"T1": 26, "T2": 14}, []),
              (24, {"T1": 20, "T2": 10}, [])]),
    ),
    "B": Case(
        "B", "Case B: growth first, then shrinkage",
        "The lesions swell at the first scan and shrink after it.",
        _doc([("T1", "liver", False, 30), ("T2", "lung", False, 20)],
             [(8, {"T1": 36, "T2": 26}, []),
              (14, {"T1": 27, "T2": 17}, []),
              (22, {"T1": 18, "T2": 10}, [])]),
    ),
    "C": Case(
        "C", "Case C: growth that goes on",
        "A lung lesion and a lymph node grow at two scans in a row.",
        _doc([("T1", "lung", False, 25), ("T2", "lymph node", True, 18)],
             [(8, {"T1": 31, "T2": 22}, []),
              (14, {"T1": 35, "T2": 24}, [])]),
    ),
}


def classify_case(case_id: str, criteria: str) -> dict:
    """The engine's result for a case under "recist1.1" or "irecist"."""
    return classify(CASES[case_id].document, criteria)


def case_patient(case_id: str) -> simulate.VirtualPatient:
    """The case as a ``VirtualPatient``, so the course's trajectory figure can draw it.

    Only the scan data matter here; the survival and pre-treatment fields are fillers."""
    case = CASES[case_id]
    doc = case.document
    weeks = [0] + [f["week"] for f in doc["followups"]]
    lesions = tuple(
        simulate.Lesion(t["id"], t["organ"], t["node"],
                        (t["mm"], *(f["targets"][t["id"]] for f in doc["followups"])))
        for t in doc["baseline"]["targets"]
    )
    return simulate.VirtualPatient(
        id=f"case {case.id}", arm="immunotherapy", pattern="worked case", weeks=tuple(weeks),
        lesions=lesions, nontargets=False, nontarget_status=("absent",) * len(weeks),
        new_lesions={f["week"]: tuple(f["new_lesions"]) for f in doc["followups"]
                     if f["new_lesions"]},
        reference_week=0, reference_sum_mm=int(lesions[0].mm[0]), os_weeks=float(weeks[-1]),
        died=False, document=doc,
    )


def case_figure(case_id: str, labels: bool = False):
    """The case's lesions and their sum at each scan; ``labels`` adds both engines' labels."""
    fig = plots.patient_trajectory(case_patient(case_id), labels=labels,
                                     recist=classify_case(case_id, "recist1.1"),
                                     irecist=classify_case(case_id, "irecist"))
    kind = "RECIST 1.1 | iRECIST labels" if labels else "target lesions at each scan"
    alt = plots.alt_text(fig).replace("simulated patient case", "invented worked case")
    fig.update_layout(title_text=f"Worked case {case_id} (invented): {kind}", meta={"alt": alt})
    return fig


def case_table_html(case_id: str) -> str:
    """The case's measurements: one row per target lesion, one column per scan."""
    return scan_table_html(case_patient(case_id)).replace(
        "Simulated scan measurements", f"Worked case {case_id} (invented): measurements")


def answer_rows(case_id: str) -> list[dict]:
    """Per follow-up scan: week, sum, % changes, both labels and the iRECIST reason."""
    doc = CASES[case_id].document
    recist, irecist = classify_case(case_id, "recist1.1"), classify_case(case_id, "irecist")
    rows = []
    for i, (r, ir) in enumerate(zip(recist["timepoints"], irecist["timepoints"], strict=True)):
        rows.append({
            "week": doc["followups"][i]["week"], "sum_mm": r["sum_mm"],
            "from_baseline_pct": r["change_from_baseline_pct"],
            "from_nadir_pct": r["change_from_nadir_pct"],
            "recist": r["response"], "irecist": ir["response"],
            "why": explanation(case_id, i),
        })
    return rows


def explanation(case_id: str, index: int) -> str:
    """The engine's reason for the iRECIST label at follow-up ``index`` (0-based)."""
    doc = CASES[case_id].document
    return explain(doc, classify_case(case_id, "irecist"), index)


def answer_html(case_id: str) -> str:
    """The answer to a case: both labels at every scan, the engine's reasons and the best
    overall responses."""
    head = ("<tr><th>Week</th><th>Sum (mm)</th><th>Change from baseline</th>"
            "<th>Change from nadir</th><th>RECIST 1.1</th><th>iRECIST</th></tr>")
    rows = answer_rows(case_id)
    body = "".join(
        f"<tr><td>{r['week']}</td><td>{r['sum_mm']:g}</td>"
        f"<td>{r['from_baseline_pct']:+.1f}%</td><td>{r['from_nadir_pct']:+.1f}%</td>"
        f"<td><strong>{r['recist']}</strong></td><td><strong>{r['irecist']}</strong></td></tr>"
        for r in rows
    )
    why = "".join(f"<li>Week {r['week']}: {html.escape(r['why'])}.</li>" for r in rows)
    best_r = classify_case(case_id, "recist1.1")["best_overall_response"]
    best_i = classify_case(case_id, "irecist")["best_overall_response"]
    return (f"<table class='ic-scan-table'><caption>Worked case {case_id}: the response engine's "
            f"labels</caption><thead>{head}</thead><tbody>{body}</tbody></table>"
            f"<p>Best overall response: RECIST 1.1 <strong>{best_r}</strong>, iRECIST "
            f"<strong>{best_i}</strong>.</p><p>Why each iRECIST label:</p><ul>{why}</ul>")


# ----------------------------------------------------------------- simulated cohort


COHORT_SIZE, COHORT_SEED = 60, 7


def cohort() -> simulate.Cohort:
    """The page's simulated cohort (immunotherapy arm, iRECIST documents)."""
    return simulate.simulate_cohort(COHORT_SIZE, seed=COHORT_SEED)


def reclassified(c: simulate.Cohort | None = None) -> list[str]:
    """Patients whose RECIST 1.1 best response is PD but whose iRECIST best response is
    iSD or better: the ones a RECIST reading would have called progression too early."""
    c = c or cohort()
    out = []
    for p in c.patients:
        best_r = classify(p.document, "recist1.1")["best_overall_response"]
        best_i = classify(p.document, "irecist")["best_overall_response"]
        if best_r == "PD" and best_i in ("iCR", "iPR", "iSD"):
            out.append(p.id)
    return out


# ------------------------------------------------------------------------ quiz keys


def _label(case_id: str, criteria: str, week: int) -> str:
    result = classify_case(case_id, criteria)
    weeks = [f["week"] for f in CASES[case_id].document["followups"]]
    return result["timepoints"][weeks.index(week)]["response"]


def case_a_week16_recist() -> str:
    """Quiz key: RECIST 1.1 label of case A at week 16."""
    return _label("A", "recist1.1", 16)


def case_a_week24_change_from_baseline() -> float:
    """Quiz key: % change of case A's target sum from baseline at week 24 (1 decimal)."""
    weeks = [f["week"] for f in CASES["A"].document["followups"]]
    tp = classify_case("A", "recist1.1")["timepoints"][weeks.index(24)]
    return tp["change_from_baseline_pct"]


def case_b_week8_recist() -> str:
    """Quiz key: RECIST 1.1 label of case B at week 8."""
    return _label("B", "recist1.1", 8)


def case_b_week8_irecist() -> str:
    """Quiz key: iRECIST label of case B at week 8."""
    return _label("B", "irecist", 8)


def case_b_week14_irecist() -> str:
    """Quiz key: iRECIST label of case B at week 14."""
    return _label("B", "irecist", 14)


def case_b_best_irecist() -> str:
    """Quiz key: case B's iRECIST best overall response."""
    return classify_case("B", "irecist")["best_overall_response"]


def case_c_week8_change_from_nadir() -> float:
    """Quiz key: % change of case C's target sum from the nadir at week 8 (1 decimal)."""
    return classify_case("C", "recist1.1")["timepoints"][0]["change_from_nadir_pct"]


def case_c_week14_irecist() -> str:
    """Quiz key: iRECIST label of case C at week 14."""
    return _label("C", "irecist", 14)


def sums_mm(case_id: str) -> list[float]:
    """Target sums at every scan, baseline first (mm)."""
    return case_patient(case_id).sums_mm.astype(float).tolist()


def nadir_before(case_id: str, week: int) -> float:
    """Smallest target sum before the scan at ``week`` (baseline included), mm."""
    patient = case_patient(case_id)
    i = patient.weeks.index(week)
    return float(np.min(patient.sums_mm[:i]))
