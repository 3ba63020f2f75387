"""Lesson 4 (types of immunotherapy): the drug table is sound, its quiz keys follow it, and
every treatment it names has its serious harms and the course's urgent-care rules beside it."""

from __future__ import annotations

from pathlib import Path

from immunocourse.figures.plots import alt_text
from immunocourse.lessons import cell_therapies, immunotherapy_types
from immunocourse.quiz import find_bank, load_bank
from tests.citations import BIB_KEYS, page, record_problems


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


# Drugs whose harms the page gives without a label record: checkpoint inhibitors (for the
# whole class, from reviews), cell therapies and T-cell engagers (boxed warnings stored in
# lesson 11's PRODUCTS), preventive vaccines (no cancer treatment) and NK-cell therapies
# (none approved).
_HARMS_ELSEWHERE = {"HPV vaccine (Gardasil)", "hepatitis B vaccine", "NK-cell therapies"}


def test_every_treatment_in_the_table_has_its_serious_harms_stored() -> None:
    # The course's rule: where it names a treatment, it names its serious harms.
    for d in immunotherapy_types.DRUGS:
        if d.name in _HARMS_ELSEWHERE or d.therapy_class == immunotherapy_types.CHECKPOINT:
            continue
        if d.therapy_class in (immunotherapy_types.CELL, immunotherapy_types.BISPECIFIC):
            assert cell_therapies.product(d.name).boxed_warning, d.name
        else:
            assert immunotherapy_types.label_warning(d.name).harms, d.name


def test_label_warnings_say_what_the_us_labels_box() -> None:
    # US labels (boxed warnings): thalidomide, lenalidomide and pomalidomide for embryo-fetal
    # toxicity and venous and arterial thromboembolism, lenalidomide also for low blood
    # counts; TICE BCG for disseminated infection; Intron A for neuropsychiatric, autoimmune,
    # ischaemic and infectious disorders. Provenge, Imlygic and Aldara carry no boxed warning.
    w = immunotherapy_types.label_warning
    for name in ("thalidomide", "lenalidomide", "pomalidomide"):
        assert w(name).boxed
        assert {"embryo-fetal toxicity", "venous and arterial thromboembolism"} <= set(
            w(name).harms)
    assert "hematologic toxicity" in w("lenalidomide").harms
    assert w("BCG (into the bladder)").boxed
    assert any("fatal" in h for h in w("BCG (into the bladder)").harms)
    assert len(w("interferon alfa-2a and alfa-2b").harms) == 4
    for name in ("sipuleucel-T", "talimogene laherparepvec (T-VEC)", "imiquimod"):
        assert not w(name).boxed
    assert {lw.drug for lw in immunotherapy_types.LABEL_WARNINGS} <= {
        d.name for d in immunotherapy_types.DRUGS}


def test_the_page_cites_every_label_it_puts_into_words() -> None:
    text = page("04-immunotherapy-types.md")
    for lw in immunotherapy_types.LABEL_WARNINGS:
        assert record_problems(lw, cited_on=text) == [], lw.drug


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_the_page_gives_the_two_rules_and_points_to_lesson_9() -> None:
    text = page("04-immunotherapy-types.md")
    # Glued verbatim from content/safety.py, never retyped.
    assert 'glue("emergency_rule", safety.EMERGENCY_RULE' in text
    assert 'glue("fever_rule", safety.FEVER_RULE' in text
    bispecific = _section(text, "Bispecific T-cell engagers")
    modulators = _section(text, "Immunomodulators")
    for part in (bispecific, modulators):
        assert "{glue:text}`fever_rule`" in part and "{glue:text}`emergency_rule`" in part
    assert "{glue:text}`emergency_rule`" in _section(text, "Two ideas, many drugs")
    assert "{glue:text}`emergency_rule`" in _section(text, "Vaccines")
    assert text.count("<when-to-get-help>`") >= 6
    # Lesson 9's urgent signs need an ambulance or a call at once, never "the same day".
    flat = " ".join(text.split())
    assert "need a call to your care team the same day" not in flat
    assert "needs emergency care" not in flat


def test_the_built_page_prints_both_rules_verbatim(built_book: Path) -> None:
    from immunocourse.book import readability
    from immunocourse.content import safety

    main = readability._main_column(built_book / "book/04-immunotherapy-types.html")
    printed = " ".join(main.get_text(" ").split()).replace(" ,", ",").replace(" .", ".")
    for rule in (safety.EMERGENCY_RULE, safety.FEVER_RULE):
        assert rule in printed
    hrefs = [a.get("href", "") for a in main.select("a")]
    assert any(h.startswith("09-side-effects.html#when-to-get-help") for h in hrefs), hrefs
