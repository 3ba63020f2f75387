"""The explanation of a call says progression exactly when the engine calls it, at the
exact thresholds too, and names the iRECIST rule that confirmed progression."""

from __future__ import annotations

import pytest

from immunocourse.science.explain import explain
from immunocourse.science.response import classify

PROGRESSION = ("PD", "iUPD")


def _doc(baseline, *sums, criteria="recist1.1", new=None, nontargets=False, nontarget=None):
    """One liver target; follow-ups every 8 weeks with these sums (None = not measured)."""
    followups = []
    for i, s in enumerate(sums):
        fu = {"week": 8 * (i + 1), "targets": {} if s is None else {"T1": s},
              "new_lesions": (new or {}).get(i, [])}
        if nontarget and i in nontarget:
            fu["nontarget"] = nontarget[i]
        followups.append(fu)
    return {"criteria": criteria,
            "baseline": {"targets": [{"id": "T1", "organ": "liver", "node": False,
                                      "mm": baseline}], "nontargets": nontargets},
            "followups": followups}


def _last(doc):
    result = classify(doc)
    index = len(result["timepoints"]) - 1
    return explain(doc, result, index), result["timepoints"][index]["response"]


THRESHOLDS = [
    # (nadir, total, RECIST label); the baseline is 10 mm over the nadir, so no PR
    pytest.param(25, 30, "PD", id="exactly +20% and exactly +5 mm"),
    pytest.param(25, 29, "SD", id="just below both"),
    pytest.param(30, 36, "PD", id="exactly +20%, +6 mm"),
    pytest.param(30, 35.99, "SD", id="just below +20%, +5.99 mm"),
    pytest.param(30, 35, "SD", id="exactly +5 mm, only +16.7%"),
    pytest.param(20, 25, "PD", id="+25%, exactly +5 mm"),
    pytest.param(20, 24.99, "SD", id="+25%, just below +5 mm"),
    pytest.param(20, 24, "SD", id="exactly +20%, only +4 mm"),
    pytest.param(33.7, 40.44, "PD", id="exactly +20% in decimals (float noise above)"),
    pytest.param(11.06, 16.06, "PD", id="exactly +5 mm in decimals (float noise below)"),
    pytest.param(11.06, 16.05, "SD", id="just below +5 mm in decimals"),
]


@pytest.mark.parametrize("criteria", ["recist1.1", "irecist"])
@pytest.mark.parametrize(("nadir", "total", "recist"), THRESHOLDS)
def test_explanation_states_progression_iff_the_engine_calls_it(nadir, total, recist, criteria):
    text, label = _last(_doc(int(nadir) + 10, nadir, total, criteria=criteria))
    expected = recist if criteria == "recist1.1" else {"PD": "iUPD", "SD": "iSD"}[recist]
    assert label == expected
    assert text.endswith(f": {label}") or f": {label} (iRECIST" in text
    states_progression = f"sum {total} mm rose" in text and "over the nadir of" in text
    assert states_progression == (label in PROGRESSION)
    if label not in PROGRESSION:  # the numbers that fell short, as the student reads them
        assert f"from the nadir of {nadir} mm (progression needs +20% and +5 mm)" in text


def test_progression_text_gives_the_rise_in_percent_and_mm():
    text, label = _last(_doc(50, 25, 30))
    assert text == ("sum 30 mm rose 20.0% over the nadir of 25 mm and by 5 mm (progression "
                    "needs both +20% and +5 mm): PD")
    text, _ = _last(_doc(20, 11.06, 16.06))
    assert text.startswith("sum 16.06 mm rose 45.2% over the nadir of 11.06 mm and by 5.0 mm")


def test_stable_disease_text_shows_the_shortfall():
    text, label = _last(_doc(30, 20, 24))
    assert label == "SD"
    assert text == ("sum 24 mm is -20.0% from the baseline sum of 30 mm (partial response "
                    "needs -30% or more) and +20.0% and +4 mm from the nadir of 20 mm "
                    "(progression needs +20% and +5 mm): SD")


def test_progression_proven_by_the_targets_measured():
    doc = _doc(20, 10, 20)
    doc["baseline"]["targets"].append({"id": "T2", "organ": "lung", "node": False, "mm": 30})
    doc["followups"][0]["targets"]["T2"] = 30  # nadir 40 mm
    text, label = _last(doc)  # T2 not measured at the last scan: 20 mm alone is not PD
    assert label == "NE" and text.endswith(": NE")
    doc["followups"][1]["targets"]["T1"] = 45  # 45 mm of T1 alone: +12.5% only
    assert _last(doc)[1] == "NE"
    doc["followups"][1]["targets"]["T1"] = 48  # exactly +20% and +8 mm from T1 alone
    text, label = _last(doc)
    assert label == "PD"
    assert text.startswith("sum of the targets measured 48 mm rose over the nadir of 40 mm "
                           "and by 8 mm")


def test_partial_and_complete_response_texts():
    text, label = _last(_doc(50, 35))
    assert label == "PR"
    assert text == ("sum 35 mm is -30.0% from the baseline sum of 50 mm (partial response "
                    "needs -30% or more), without progression: PR")
    text, label = _last(_doc(50, 0))
    assert label == "CR" and text.startswith("every non-nodal target lesion has gone")
    text, label = _last(_doc(50, 0, nontargets=True, nontarget={0: "non-CR/non-PD"}))
    assert label == "PR"
    assert text == ("every target lesion has gone (nodes under 10 mm short axis) but "
                    "non-target disease remains (non-CR/non-PD): PR")


def test_new_and_non_target_progression_texts():
    new = {0: [{"id": "N1", "mm": None}], 1: [{"id": "N1", "mm": 8}]}
    doc = _doc(50, 40, 40, new=new, nontargets=True, nontarget={0: "PD", 1: "PD"})
    result = classify(doc)
    assert explain(doc, result, 0) == (
        "new lesion N1 (not measurable) appeared; any new lesion is progression; non-target "
        "lesions progressed unequivocally: PD")
    assert explain(doc, result, 1) == (
        "new lesion N1 is still present; non-target lesions progressed unequivocally: PD")


def _confirmed(doc):
    result = classify(doc)
    labels = [tp["response"] for tp in result["timepoints"]]
    return labels, explain(doc, result, len(labels) - 1)


def test_confirmed_by_further_target_growth_of_exactly_5_mm():
    labels, text = _confirmed(_doc(50, 25, 30, 35, criteria="irecist"))
    assert labels == ["iPR", "iUPD", "iCPD"]
    assert text == ("after unconfirmed progression (iUPD) at week 16, the target sum grew a "
                    "further 5 mm, from 30 to 35 mm (5 mm or more confirms): iCPD")
    labels, _ = _confirmed(_doc(50, 25, 30, 34.99, criteria="irecist"))
    assert labels == ["iPR", "iUPD", "iUPD"]


def test_confirmed_by_targets_progressing_after_a_new_lesion():
    new = {1: [{"id": "N1", "mm": 10}], 2: [{"id": "N1", "mm": 10}]}
    labels, text = _confirmed(_doc(50, 25, 25, 30, criteria="irecist", new=new))
    assert labels == ["iPR", "iUPD", "iCPD"]
    assert text == ("after unconfirmed progression (iUPD) at week 16, the target sum, 30 mm, "
                    "now meets RECIST progression in its own right (+20% and +5 mm over the "
                    "nadir of 25 mm): progression in a new category confirms: iCPD")


def test_confirmed_by_new_lesions_and_non_targets():
    new = {0: [{"id": "N1", "mm": 10}], 1: [{"id": "N1", "mm": 15}, {"id": "N2", "mm": 6}]}
    labels, text = _confirmed(_doc(50, 45, 45, criteria="irecist", new=new, nontargets=True,
                                   nontarget={0: "non-CR/non-PD", 1: "PD"}))
    assert labels == ["iUPD", "iCPD"]
    assert text == ("after unconfirmed progression (iUPD) at week 8, a further new lesion (N2) "
                    "appeared and the new lesions grew 5 mm in sum (5 mm or more confirms) and "
                    "non-target lesions progressed: iCPD")


def test_confirmation_is_final():
    new = {0: [{"id": "N1", "mm": 10}], 1: [{"id": "N1", "mm": 10}, {"id": "N2", "mm": 10}]}
    doc = _doc(50, 45, 45, 45, criteria="irecist", new=new)
    labels, text = _confirmed(doc)
    assert labels == ["iUPD", "iCPD", "iCPD"]
    assert text == "progression was confirmed at an earlier scan and iCPD is final: iCPD"



def test_not_evaluated_text():
    doc = _doc(50, 45, None)
    doc["baseline"]["targets"].append({"id": "T2", "organ": "lung", "node": False, "mm": 20})
    doc["followups"][0]["targets"]["T2"] = 20
    text, label = _last(doc)
    assert (label, text) == (
        "NE", "not every target lesion was measured and nothing shows progression: NE")


def test_unconfirmed_progression_text_names_every_lesion():
    new = {0: [{"id": "N1", "mm": 12}, {"id": "N2", "mm": 10}],
           1: [{"id": "N1", "mm": 12}, {"id": "N2", "mm": 10}]}
    doc = _doc(50, 45, 45, criteria="irecist", new=new)
    result = classify(doc)
    assert [tp["response"] for tp in result["timepoints"]] == ["iUPD", "iUPD"]
    note = (" (iRECIST: progression stays unconfirmed until the next scan, 4-8 weeks later, "
            "confirms it or shows it has not continued)")
    assert explain(doc, result, 0) == ("new lesion N1 (12 mm), N2 (10 mm) appeared; any new "
                                       "lesion is progression: iUPD" + note)
    assert explain(doc, result, 1) == "new lesion N1, N2 is still present: iUPD" + note


def test_a_document_classified_with_an_override_is_explained_by_the_same_criteria():
    doc = _doc(50, 25, 30, 35)
    del doc["criteria"]
    result = classify(doc, "irecist")
    assert explain(doc, result, 2).endswith(
        "the target sum grew a further 5 mm, from 30 to 35 mm (5 mm or more confirms): iCPD")


def test_confirmation_names_the_iupd_that_opened_the_window():
    # iSD, NE (no window), iUPD opens at week 24, iUPD and NE keep it open, iCPD at week 56;
    # every further lesion is listed.
    n1 = [{"id": "N1", "mm": 10}]
    new = {2: n1, 3: n1, 5: n1 + [{"id": "N2", "mm": 10}, {"id": "N3", "mm": 10}]}
    doc = _doc(50, 30, None, 30, 30, None, 30, criteria="irecist", new=new)
    doc["baseline"]["targets"].append({"id": "T2", "organ": "lung", "node": False, "mm": 20})
    for fu in doc["followups"]:
        fu["targets"]["T2"] = 20
    doc["followups"][1]["targets"] = {"T2": 20}
    doc["followups"][4]["targets"] = {"T2": 20}
    labels, text = _confirmed(doc)
    assert labels == ["iSD", "NE", "iUPD", "iUPD", "NE", "iCPD"]
    assert text == ("after unconfirmed progression (iUPD) at week 24, a further new lesion "
                    "(N2, N3) appeared: iCPD")
    labels, text = _confirmed(_doc(50, 30, 30, 30, criteria="irecist",
                                   new={0: n1, 1: n1, 2: n1 + [{"id": "N2", "mm": 10}]}))
    assert labels == ["iUPD", "iUPD", "iCPD"]
    assert text.startswith("after unconfirmed progression (iUPD) at week 8,")


def test_confirmation_is_measured_from_the_iupd_still_open_not_an_earlier_closed_one():
    n2 = [{"id": "N2", "mm": 10}]
    new = {0: [{"id": "N1", "mm": 10}], 2: n2, 3: n2 + [{"id": "N3", "mm": 10}]}
    labels, text = _confirmed(_doc(50, 45, 45, 45, 45, criteria="irecist", new=new))
    assert labels == ["iUPD", "iSD", "iUPD", "iCPD"]
    assert text == ("after unconfirmed progression (iUPD) at week 24, a further new lesion "
                    "(N3) appeared: iCPD")
