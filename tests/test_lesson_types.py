"""Lesson 4 (types of immunotherapy): the drug table is sound and its quiz keys follow it."""

from __future__ import annotations

from citations import BIB_KEYS

from immunocourse.figures.plots import alt_text
from immunocourse.lessons import types
from immunocourse.quiz import find_bank, load_bank


def test_every_dated_drug_cites_a_source_in_the_bibliography() -> None:
    for d in types.DRUGS:
        assert d.therapy_class in types.CLASSES
        if d.first_fda_year is None:
            assert d.key == ""
        else:
            assert 1980 < d.first_fda_year < 2030
            assert d.key in BIB_KEYS, f"{d.name}: no bib entry {d.key}"


def test_every_class_has_a_drug_and_the_table_shows_them_all() -> None:
    assert {d.therapy_class for d in types.DRUGS} == set(types.CLASSES)
    assert len(types.table()) == len(types.DRUGS)
    md = types.myst_table()
    assert all(d.name in md for d in types.DRUGS)
    assert md.count("{cite:p}") == sum(1 for d in types.DRUGS if d.first_fda_year)


def test_quiz_keys_come_from_the_table() -> None:
    assert types.years_ctla4_to_lag3() == (
        types.drug("relatlimab (with nivolumab)").first_fda_year
        - types.drug("ipilimumab").first_fda_year)
    assert types.first_checkpoint_drug() == "ipilimumab"
    assert types.drugs_approved_in_2014() == 3
    bank = load_bank(find_bank("immunotherapy-types"))
    assert bank.question("years-ctla4-to-lag3").answer == types.years_ctla4_to_lag3()
    assert bank.question("approvals-in-2014").answer == types.drugs_approved_in_2014()


def test_timeline_has_alt_text_and_one_trace_per_class() -> None:
    fig = types.timeline_figure()
    assert "Not shown, year not confirmed" in alt_text(fig)
    assert len(fig.data) == len(types.CLASSES)
    assert sum(len(t.x) for t in fig.data) == sum(1 for d in types.DRUGS if d.first_fda_year)
