"""Explorers driven without a browser: update() changes the figure's data in place, the
exercise marks answers with the engine and explains the deciding rule."""

from __future__ import annotations

import json

import numpy as np

from immunocourse.figures import live_explorers, plots
from immunocourse.science.response import classify
from tests.helpers.paths import ROOT


def _doc(followups, criteria="recist1.1"):
    return {
        "criteria": criteria,
        "baseline": {"targets": [{"id": "T1", "organ": "liver", "node": False, "mm": 30},
                                 {"id": "T2", "organ": "lung", "node": False, "mm": 20}],
                     "nontargets": False},
        "followups": [{"week": 8 * (i + 1), "targets": {"T1": a, "T2": b}, "nontarget": "absent",
                       "new_lesions": new} for i, (a, b, new) in enumerate(followups)],
    }


def _explain_last(doc):
    result = classify(doc)
    return explain_last(doc, result), result["timepoints"][-1]["response"]


def explain_last(doc, result):
    return live_explorers.explain(doc, result, len(result["timepoints"]) - 1)


def test_explains_progression_over_the_nadir():
    text, label = _explain_last(_doc([(25, 16, []), (31, 20, [])]))  # 50 -> 41 -> 51 mm
    assert label == "PD"
    assert text == ("sum 51 mm rose 24.4% over the nadir of 41 mm and by 10 mm (progression "
                    "needs both +20% and +5 mm): PD")


def test_explains_stable_disease_just_under_the_progression_bar():
    text, label = _explain_last(_doc([(25, 16, []), (30, 19, [])]))  # 49 mm: +19.5%, +8 mm
    assert label == "SD"
    assert "+19.5% and +8 mm from the nadir of 41 mm" in text
    assert "-2.0% from the baseline sum of 50 mm" in text


def test_explains_partial_response_at_exactly_minus_30_percent():
    text, label = _explain_last(_doc([(20, 15, [])]))  # 35 of 50 mm
    assert label == "PR"
    assert text.startswith("sum 35 mm is -30.0% from the baseline sum of 50 mm")


def test_explains_a_new_lesion():
    text, label = _explain_last(_doc([(29, 20, [{"id": "N1", "mm": 12}])]))
    assert label == "PD"
    assert text == "new lesion N1 (12 mm) appeared; any new lesion is progression: PD"


def test_twenty_percent_but_only_4_mm_is_not_target_progression():
    small = _doc([(10, 10, []), (12, 12, [])])  # 50 -> 20 (nadir) -> 24 mm: +20%, +4 mm
    small["baseline"]["targets"][0]["mm"], small["baseline"]["targets"][1]["mm"] = 12, 10
    text, label = _explain_last(small)
    assert label == "SD" and "+20.0% and +4 mm from the nadir of 20 mm" in text
    small["followups"][-1]["new_lesions"] = [{"id": "N1", "mm": 11}]
    text, label = _explain_last(small)  # PD, but because of the new lesion alone
    assert label == "PD"
    assert text == "new lesion N1 (11 mm) appeared; any new lesion is progression: PD"


def test_explains_complete_response():
    text, label = _explain_last(_doc([(0, 0, [])]))
    assert label == "CR" and "has gone (0 mm)" in text


def test_explains_irecist_confirmation_by_a_further_new_lesion():
    doc = _doc([(29, 20, [{"id": "N1", "mm": 12}]),
                (29, 20, [{"id": "N1", "mm": 12}, {"id": "N2", "mm": 10}])], "irecist")
    result = classify(doc)
    assert [t["response"] for t in result["timepoints"]] == ["iUPD", "iCPD"]
    first = live_explorers.explain(doc, result, 0)
    assert first.startswith("new lesion N1 (12 mm) appeared") and "iUPD" in first
    assert explain_last(doc, result) == (
        "after unconfirmed progression (iUPD) at week 8, a further new lesion (N2) appeared: iCPD")


def test_explains_irecist_confirmation_by_further_target_growth():
    doc = _doc([(40, 25, []), (45, 26, [])], "irecist")  # 50 -> 65 (iUPD) -> 71 mm
    result = classify(doc)
    assert result["timepoints"][-1]["response"] == "iCPD"
    assert "grew a further 6 mm, from 65 to 71 mm" in explain_last(doc, result)


def test_tumour_explorer_updates_traces_in_place():
    ex = live_explorers.TumourModelExplorer(days=200)
    fig, traces = ex.figure, list(ex.figure.data)
    ex.update(supply_boost=1.0)
    assert np.allclose(fig.data[2].y, 40, rtol=1e-3)  # no boost: lesion unchanged
    ex.update(supply_boost=3.0, infiltration=1000)
    assert max(fig.data[2].y) > 48  # pseudoprogression bump (> +20%)
    assert ex.controls["supply_boost"].value == 3.0  # sliders follow update()
    ex.controls["infiltration"].value = 0.0  # a slider move calls update()
    assert max(fig.data[2].y) <= 40 * 1.001
    assert ex.figure is fig and list(ex.figure.data) == traces  # same objects, new data
    assert "infiltration factor 0" in plots.alt_text(fig)
    assert "Simulated" in ex.caption.value


def test_cohort_explorer_redraws_the_cohort_it_simulates():
    ex = live_explorers.CohortExplorer(n=40, seed=1)
    names = [t.name for t in ex.figure.data]
    ex.update(n=30, scan_interval_weeks=6)
    gaps = sum(int(np.isnan(np.asarray(t.y, float)).sum()) for t in ex.figure.data)
    assert gaps == 30 == len(ex.patients)
    xs = np.concatenate([np.asarray(t.x, float) for t in ex.figure.data])
    assert np.all(xs[np.isfinite(xs)] % 6 == 0)
    for trace in ex.figure.data:  # each patient sits in the trace of its best response
        ids = {s.split(" ")[0] for s in trace.text if s}
        assert ids == {p.id for p, r in zip(ex.patients, ex.results, strict=True)
                       if r["best_overall_response"] == trace.name}
    before = [np.asarray(t.y, float).copy() for t in ex.figure.data]
    ex.controls["seed"].value = 2
    after = [np.asarray(t.y, float) for t in ex.figure.data]
    assert any(a.shape != b.shape or not np.allclose(a, b, equal_nan=True)
               for a, b in zip(before, after, strict=True))
    assert [t.name for t in ex.figure.data] == names
    assert "30 simulated patients" in plots.alt_text(ex.figure)


def test_classify_exercise_marks_and_explains():
    ex = live_explorers.ClassifyExercise(seed=7)
    assert f"week {ex.patient.weeks[-1]}" in ex.question.value
    right = ex.check(ex.expected)
    assert right.correct and "Correct." in ex.feedback.value
    assert right.explanation.endswith(f": {ex.expected}")
    wrong_label = "SD" if ex.expected != "SD" else "PR"
    wrong = ex.check(wrong_label)
    assert not wrong.correct and f"the engine says {ex.expected}" in ex.feedback.value
    assert not ex.check(None).correct


def test_classify_exercise_new_patient_updates_table_and_figure():
    ex = live_explorers.ClassifyExercise(seed=1, criteria="irecist")
    fig = ex.figure
    for seed in (2, 3, 4):
        ex.update(seed=seed)
        p = ex.patient
        assert ex.figure is fig
        assert list(fig.data[5].y) == p.sums_mm.tolist()
        visible = [t.visible for t in fig.data[:5]]
        assert visible == [k < len(p.lesions) for k in range(5)]
        for lesion in p.lesions:
            assert lesion.id in ex.table.value and f"{lesion.mm[-1]} mm" in ex.table.value
        assert ex.expected == classify(p.document)["timepoints"][-1]["response"]
        assert ex.answer.value is None and ex.feedback.value == ""


def test_notebook_is_thin_and_says_simulated_not_advice():
    nb = json.loads((ROOT / "notebooks" / "07-response-explorer.ipynb").read_text())
    first = "".join(nb["cells"][0]["source"])
    assert "Not medical advice" in first and "simulated" in first.lower()
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code
                   for line in c.splitlines())
    assert any("ClassifyExercise" in c for c in code)


def test_the_answer_choices_are_the_engines_labels():
    from immunocourse.science.response import IRECIST_LABELS, RECIST_LABELS

    assert live_explorers.ClassifyExercise(seed=0).answer.options == RECIST_LABELS
    exercise = live_explorers.ClassifyExercise(seed=0, criteria="irecist")
    assert exercise.answer.options == IRECIST_LABELS
