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


def test_both_withdrawn_bladder_uses_of_atezolizumab_are_recorded() -> None:
    # Roche, 8 March 2021 (after IMvigor211) and Genentech, 28 November 2022 (after
    # IMvigor130): atezolizumab's two accelerated approvals in bladder cancer were withdrawn.
    later = immunotherapy_types.ATEZOLIZUMAB_BLADDER
    first_line = immunotherapy_types.ATEZOLIZUMAB_BLADDER_FIRST_LINE
    assert (later.approved_year, later.withdrawn_year, later.failed_trial) == (
        immunotherapy_types.drug("atezolizumab").first_fda_year, 2021, "IMvigor211")
    assert (first_line.approved_year, first_line.withdrawn_year, first_line.failed_trial) == (
        2017, 2022, "IMvigor130")
    for w in (later, first_line):
        assert w.key in BIB_KEYS


def test_bcg_marketing_date_is_shown_but_not_taken_for_an_approval_year() -> None:
    # FDA National Drug Code directory: TICE BCG on the US market from 24 August 1990. The
    # approval year itself is not confirmed (a 1997 report gives 1989), so the table and the
    # timeline leave BCG's year unset rather than use the marketing date.
    bcg = immunotherapy_types.BCG_ON_MARKET
    assert (bcg.since, bcg.month_year) == ("1990-08-24", "August 1990")
    assert bcg.key in BIB_KEYS
    assert immunotherapy_types.drug("BCG (into the bladder)").first_fda_year is None
