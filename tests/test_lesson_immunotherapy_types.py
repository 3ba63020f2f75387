"""Lesson 4 (types of immunotherapy): the drug table is sound and its quiz keys follow it."""

from __future__ import annotations

from immunocourse.figures.plots import alt_text
from immunocourse.lessons import immunotherapy_types
from immunocourse.quiz import find_bank, load_bank
from tests.citations import BIB_KEYS


def test_every_dated_drug_cites_a_source_in_the_bibliography() -> None:
    for d in immunotherapy_types.DRUGS:
        assert d.therapy_class in immunotherapy_types.CLASSES
        if d.first_fda_year is None:
            assert d.key == ""
        else:
            assert 1980 < d.first_fda_year < 2030
            assert d.key in BIB_KEYS, f"{d.name}: no bib entry {d.key}"


def test_every_class_has_a_drug_and_the_table_shows_them_all() -> None:
    assert {d.therapy_class for d in immunotherapy_types.DRUGS} == set(immunotherapy_types.CLASSES)
    assert len(immunotherapy_types.table()) == len(immunotherapy_types.DRUGS)
    md = immunotherapy_types.myst_table()
    assert all(d.name in md for d in immunotherapy_types.DRUGS)
    assert md.count("{cite:p}") == sum(1 for d in immunotherapy_types.DRUGS if d.first_fda_year)


def test_quiz_keys_come_from_the_table() -> None:
    assert immunotherapy_types.years_ctla4_to_lag3() == (
        immunotherapy_types.drug("relatlimab (with nivolumab)").first_fda_year
        - immunotherapy_types.drug("ipilimumab").first_fda_year)
    assert immunotherapy_types.first_checkpoint_drug() == "ipilimumab"
    assert immunotherapy_types.drugs_approved_in_2014() == 3
    bank = load_bank(find_bank("immunotherapy-types"))
    assert bank.question("years-ctla4-to-lag3").answer == immunotherapy_types.years_ctla4_to_lag3()
    assert bank.question("approvals-in-2014").answer == immunotherapy_types.drugs_approved_in_2014()


def test_timeline_has_alt_text_and_one_trace_per_class() -> None:
    fig = immunotherapy_types.timeline_figure()
    assert "Not shown, year not confirmed" in alt_text(fig)
    assert len(fig.data) == len(immunotherapy_types.CLASSES)
    confirmed = sum(1 for d in immunotherapy_types.DRUGS if d.first_fda_year)
    assert sum(len(t.x) for t in fig.data) == confirmed
