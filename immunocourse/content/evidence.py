"""Published numbers the course quotes, each stored once beside the source it comes from.

Every record carries ``key``, the BibTeX key of its source in ``book/references.bib``,
``source``, a short human-readable citation for hover text and tables, and ``checked``, the
ISO date on which the value was last confirmed against that source (``tests/test_sources.py``
fails on a record without all three, here and in ``immunocourse.lessons``). Figures
(``immunocourse.figures.evidence_plots``), lesson modules and quiz keys read these records, so a
number is typed once. Nothing here is simulated. Each record's comment says where its value
was confirmed: the paper's abstract where possible, otherwise a named secondary source that
reproduces it.
"""

from __future__ import annotations

from dataclasses import dataclass

# When values were last confirmed against their sources: written and checked with the lessons
# (2026-11-27); rechecked or added in the expert review of 2026-12-01 (issue 9).
CHECKED_LESSONS = "2026-11-27"
CHECKED_REVIEW = "2026-12-01"

# --- Objective response rates by cancer type (lesson 5) ------------------------------


@dataclass(frozen=True)
class PublishedNumber:
    """One number a page quotes from a source, with what it measures (lessons 12 and 13)."""

    name: str  # identifier used by the page and the quiz keys
    value: float
    unit: str
    what: str
    key: str
    source: str
    checked: str


@dataclass(frozen=True)
class ResponseRate:
    """One arm of one trial: the share of patients whose tumours shrank enough to count as
    a complete or partial response (objective response rate, ORR)."""

    cancer: str
    trial: str
    population: str  # who was treated: line of therapy, selection
    regimen: str
    immunotherapy: bool  # False for the trial's comparator arm
    orr_pct: float
    key: str
    source: str
    checked: str = CHECKED_LESSONS


RESPONSE_RATES: tuple[ResponseRate, ...] = (
    # Larkin 2015, abstract: ORR 57.6% / 43.7% / 19.0%.
    ResponseRate("Melanoma", "CheckMate 067", "untreated advanced melanoma",
                 "nivolumab + ipilimumab", True, 57.6, "larkin2015",
                 "Larkin et al., N Engl J Med 2015"),
    ResponseRate("Melanoma", "CheckMate 067", "untreated advanced melanoma",
                 "nivolumab", True, 43.7, "larkin2015", "Larkin et al., N Engl J Med 2015"),
    ResponseRate("Melanoma", "CheckMate 067", "untreated advanced melanoma",
                 "ipilimumab", True, 19.0, "larkin2015", "Larkin et al., N Engl J Med 2015"),
    # Reck 2016, abstract: 44.8% vs 27.8%.
    ResponseRate("Lung (non-small-cell)", "KEYNOTE-024",
                 "untreated, PD-L1 on at least 50% of tumour cells", "pembrolizumab", True,
                 44.8, "reck2016", "Reck et al., N Engl J Med 2016"),
    ResponseRate("Lung (non-small-cell)", "KEYNOTE-024",
                 "untreated, PD-L1 on at least 50% of tumour cells",
                 "platinum chemotherapy", False, 27.8, "reck2016",
                 "Reck et al., N Engl J Med 2016"),
    # Motzer 2015, abstract: 25% vs 5%.
    ResponseRate("Kidney (renal cell)", "CheckMate 025",
                 "after 1 or 2 anti-angiogenic treatments", "nivolumab", True, 25.0,
                 "motzer2015", "Motzer et al., N Engl J Med 2015"),
    ResponseRate("Kidney (renal cell)", "CheckMate 025",
                 "after 1 or 2 anti-angiogenic treatments", "everolimus", False, 5.0,
                 "motzer2015", "Motzer et al., N Engl J Med 2015"),
    # Bellmunt 2017, abstract: 21.1% vs 11.4%.
    ResponseRate("Bladder (urothelial)", "KEYNOTE-045", "after platinum chemotherapy",
                 "pembrolizumab", True, 21.1, "bellmunt2017",
                 "Bellmunt et al., N Engl J Med 2017"),
    ResponseRate("Bladder (urothelial)", "KEYNOTE-045", "after platinum chemotherapy",
                 "paclitaxel, docetaxel or vinflunine", False, 11.4, "bellmunt2017",
                 "Bellmunt et al., N Engl J Med 2017"),
    # Ferris 2016: response rate 13.3% vs 5.8% (confirmed in a summary of the paper's abstract).
    ResponseRate("Head and neck (squamous)", "CheckMate 141",
                 "cancer that progressed within 6 months of platinum chemotherapy",
                 "nivolumab", True, 13.3, "ferris2016", "Ferris et al., N Engl J Med 2016"),
    ResponseRate("Head and neck (squamous)", "CheckMate 141",
                 "cancer that progressed within 6 months of platinum chemotherapy",
                 "methotrexate, docetaxel or cetuximab", False, 5.8, "ferris2016",
                 "Ferris et al., N Engl J Med 2016"),
    # Ansell 2023, abstract: 243 patients, ORR 71.2% at about 5 years of follow-up.
    ResponseRate("Classical Hodgkin lymphoma", "CheckMate 205",
                 "relapsed after a stem-cell transplant (243 patients, ~5 years' follow-up)",
                 "nivolumab", True, 71.2, "ansell2023", "Ansell et al., Blood Adv 2023"),
    # Le 2017, abstract: objective radiographic responses in 53%.
    ResponseRate("MSI-high / dMMR, 12 tumour types", "Le et al. phase 2",
                 "advanced mismatch-repair-deficient cancers of 12 organ types",
                 "pembrolizumab", True, 53.0, "le2017", "Le et al., Science 2017"),
)


def response_rate(trial: str, regimen: str) -> ResponseRate:
    """The record for one arm of one trial."""
    for r in RESPONSE_RATES:
        if r.trial == trial and r.regimen == regimen:
            return r
    raise KeyError(f"no response rate for {trial!r} / {regimen!r}")


# --- Adverse events in CheckMate 067 (lesson 9) --------------------------------------

ARMS_067 = ("ipilimumab", "nivolumab", "nivolumab + ipilimumab")


@dataclass(frozen=True)
class AdverseEventRate:
    """Percent of patients with one kind of treatment-related adverse event, by arm.

    ``any_grade`` and ``grade3plus`` are keyed by the arms of ``ARMS_067``.
    """

    event: str
    any_grade: dict[str, int]
    grade3plus: dict[str, int]
    # The rounded numbers are the CMAJ review's table of the trial; the trial's own exact
    # grade 3-4 rates are ``CHECKMATE_067_SAFETY`` (Larkin 2015).
    key: str = "esfahani2019"
    source: str = ("CheckMate 067 (Larkin et al., N Engl J Med 2015), rounded as tabulated in "
                   "Esfahani et al., CMAJ 2019;191(2):E40-E46, Table 2")
    checked: str = "2026-12-07"

    def __hash__(self) -> int:  # dict fields: hash on the name, which is unique
        return hash(self.event)


def _ae(event: str, ipi: tuple[int, int], nivo: tuple[int, int],
        combo: tuple[int, int]) -> AdverseEventRate:
    arms = dict(zip(ARMS_067, (ipi, nivo, combo), strict=True))
    return AdverseEventRate(event, {a: v[0] for a, v in arms.items()},
                            {a: v[1] for a, v in arms.items()})


# Rounded percentages (any grade, grade >= 3) for ipilimumab | nivolumab | combination, as
# tabulated from CheckMate 067 in Esfahani et al., CMAJ 2019;191(2):E40-E46, Table 2 ("Rates of
# the more common immune-related adverse events", footnoted to the phase 3 melanoma trial),
# read again on 2026-12-07 (PMC6333545): every number below is the table's. The table's labels
# are not the trial's, and the course uses the trial's (the page says so in one sentence):
# - the CMAJ's "All immune-related adverse events" row is the trial's treatment-related adverse
#   events: its grade >= 3 figures (27 | 16 | 55) are Larkin 2015's treatment-related grade 3-4
#   rates (abstract: 27.3% | 16.3% | 55.0%); its any-grade figures (86 | 82 | 96) could not be
#   set against the trial's Table 3, which no stored source reproduces, so the page claims the
#   match for the severe figures only;
# - the CMAJ's "Hepatitis" row is the trial's "increased alanine aminotransferase" (ALT, a blood
#   test), not clinical hepatitis: ALT 55/313 (17.6%; 8.3% grade 3-4) with the combination and
#   12/311 (3.9%; 1.6%) with ipilimumab, which round to the CMAJ's 18/8 and 4/2, while the
#   trial's own "hepatitis" row was 10/313 (3.2%; 2.6%) and 3/311 (0.9%; 0%), as reproduced
#   from CheckMate 067 in J Immunother Cancer 2020;8:e001322, Table 1 (read again 2026-12-07).
# Diarrhoea, grade >= 3 with the combination (issue 19, finding 9): the CMAJ table gives 10%,
# read again on 2026-12-07. Larkin 2015's Table 3 itself could not be read in the course's
# stored sources (the NEJM table is not reproduced in full in any page found); the monotherapy
# arms' rows as reproduced from it in World J Gastrointest Pathophysiol 2019;10(2):17, Table 3
# (nivolumab 7/313, 2.2%; ipilimumab 19/311, 6.1%) agree with the CMAJ's 2 and 6, but the
# combination row was cut off there. Kept at the CMAJ's 10 until Table 3 is read: if it shows
# 29/313 (9.3%), the rounded figure is 9.
ADVERSE_EVENTS: tuple[AdverseEventRate, ...] = (
    _ae("All treatment-related events", (86, 27), (82, 16), (96, 55)),
    _ae("Rash", (33, 2), (26, 1), (40, 5)),
    _ae("Diarrhoea", (33, 6), (20, 2), (44, 10)),
    _ae("Colitis", (12, 9), (1, 1), (12, 8)),
    _ae("Raised liver enzyme (ALT)", (4, 2), (4, 1), (18, 8)),
    _ae("Hypothyroidism", (4, 0), (9, 0), (15, 1)),
)


def adverse_event(event: str) -> AdverseEventRate:
    for ae in ADVERSE_EVENTS:
        if ae.event == event:
            return ae
    raise KeyError(f"no adverse event {event!r}")


@dataclass(frozen=True)
class TrialSafety:
    """A trial's size and, unrounded, its share of patients with grade 3-4 treatment-related
    events in each arm (keyed by the arms of ``ARMS_067``)."""

    trial: str
    patients: int
    grade34_pct: dict[str, float]
    key: str = "larkin2015"
    source: str = "Larkin et al., N Engl J Med 2015"
    checked: str = CHECKED_LESSONS

    def __hash__(self) -> int:  # dict field: hash on the trial, which is unique
        return hash(self.trial)


# Larkin 2015, abstract: 945 patients randomised; treatment-related grade 3-4 adverse events
# in 27.3% (ipilimumab), 16.3% (nivolumab) and 55.0% (combination). The rounded table above
# must agree with these (tests/test_evidence.py).
CHECKMATE_067_SAFETY = TrialSafety("CheckMate 067", 945, dict(zip(ARMS_067, (27.3, 16.3, 55.0),
                                                                  strict=True)))




@dataclass(frozen=True)
class FatalRate:
    """The share of treated patients who died of a treatment's side effects, regimen by
    regimen, and how soon after the start of treatment the deaths came (lessons 6 and 9)."""

    treatment: str
    # Regimen -> percent of treated patients who died of a side effect (trial meta-analysis).
    by_regimen: dict[str, float]
    median_days_single: float  # median days from starting treatment to a fatal event, one drug
    median_days_combination: float  # the same, two checkpoint inhibitors together
    key: str
    source: str
    checked: str = CHECKED_REVIEW

    def __hash__(self) -> int:  # dict field: hash on the treatment, which is unique
        return hash(self.treatment)

    @property
    def low_pct(self) -> float:
        """The lowest regimen-specific rate (one anti-PD-1 drug)."""
        return min(self.by_regimen.values())

    @property
    def high_pct(self) -> float:
        """The highest regimen-specific rate (anti-PD-1 or anti-PD-L1 plus anti-CTLA-4)."""
        return max(self.by_regimen.values())


# Wang 2018 (JAMA Oncol 2018;4(12):1721-1728), abstract, Results: in the meta-analysis of
# published trials, toxicity-related fatality rates were 0.36% (anti-PD-1), 0.38% (anti-PD-L1),
# 1.08% (anti-CTLA-4) and 1.23% (anti-PD-1/PD-L1 plus anti-CTLA-4), as the expert review of
# issue 19 quoted them. The paper's Key Points say "0.3% to 1.3%" (read 2026-12-07 on PMC6440712
# and the JAMA abstract page, whose stored copies stop before the Results); a later review
# (Johnson et al., Nat Rev Clin Oncol 2022) gives "0.4-1.2%", these figures rounded. The course
# stores the exact figures, so the combination is about 12 (not 13) in every 1,000. Median 40
# and 14.5 days from the start of treatment to a fatal event with one drug and with the
# combination (Key Points, read 2026-12-07).
FATAL_REGIMENS = ("anti-PD-1", "anti-PD-L1", "anti-CTLA-4", "anti-PD-1/PD-L1 + anti-CTLA-4")
FATAL_CHECKPOINT = FatalRate(
    "immune checkpoint inhibitors",
    dict(zip(FATAL_REGIMENS, (0.36, 0.38, 1.08, 1.23), strict=True)),
    40, 14.5, "wang2018", "Wang et al., JAMA Oncol 2018", checked="2026-12-07")


# --- When immune-related side effects start (lesson 9) ---------------------------------


@dataclass(frozen=True)
class OnsetWindow:
    """Typical weeks after the first dose of ipilimumab when an organ's side effects begin."""

    organ: str
    first_week: float
    last_week: float
    key: str = "weber2012"
    source: str = "Weber et al., J Clin Oncol 2012 (ipilimumab)"
    checked: str = CHECKED_LESSONS


# Weber 2012's onset windows, confirmed as reproduced (with a citation to that paper) in
# Table 1 of a review in Transl Res 2015;166(5):412-424; the original figure was not read.
ONSET_WINDOWS: tuple[OnsetWindow, ...] = (
    OnsetWindow("Skin", 2, 3),
    OnsetWindow("Gut (diarrhoea, colitis)", 6, 7),
    OnsetWindow("Liver", 6, 7),
    OnsetWindow("Hormone glands (endocrine)", 6, 9),
)



@dataclass(frozen=True)
class OnsetRange:
    """Range of pooled median times to onset of immune-related side effects, in weeks."""

    trials: int
    patients: int
    low_weeks: float
    high_weeks: float
    key: str = "tang2021"
    source: str = "Tang et al., Cancer Res Treat 2021"
    checked: str = CHECKED_LESSONS


# Tang 2021, abstract: pooled median time to onset of all-grade irAEs across 23 trials
# (8,436 patients) ranged from 2.2 to 14.8 weeks, the longest for kidney events.
POOLED_ONSET = OnsetRange(23, 8436, 2.2, 14.8)
POOLED_MEDIAN_ONSET_WEEKS = (POOLED_ONSET.low_weeks, POOLED_ONSET.high_weeks)
POOLED_ONSET_KEY = POOLED_ONSET.key

# --- CTCAE v5.0 grades (lesson 9) --------------------------------------------------------

CTCAE_GRADES: dict[int, str] = {
    1: "Mild: no or mild symptoms; no treatment needed",
    2: "Moderate: simple treatment needed; limits everyday tasks such as shopping or cooking",
    # CTCAE v5.0 general definition of grade 3, verbatim, US spelling and all (read again
    # 2026-12-07). The course's plain-words gloss of "self care ADL" (CTCAE's footnote: bathing,
    # dressing and undressing, feeding self, using the toilet, taking medications, and not
    # bedridden) is not part of the quote: lessons/side_effects.py prints it apart.
    3: ("Severe or medically significant but not immediately life-threatening; "
        "hospitalization or prolongation of hospitalization indicated; disabling; limiting "
        "self care ADL"),
    4: "Life-threatening: urgent treatment needed",
    5: "Death caused by the adverse event",
}
CTCAE_KEY = "nci2017ctcae"

# --- Long-term survival (lesson 10) ------------------------------------------------------


@dataclass(frozen=True)
class SurvivalLandmark:
    """An overall-survival percentage at a fixed time after the start of treatment."""

    cancer: str
    study: str
    group: str
    years: int
    os_pct: float
    key: str
    source: str
    checked: str = CHECKED_LESSONS


SURVIVAL_LANDMARKS: tuple[SurvivalLandmark, ...] = (
    # Schadendorf 2015, abstract: 1,861 patients, 3-year OS 22%.
    SurvivalLandmark("Melanoma", "ipilimumab pooled analysis", "all patients", 3, 22.0,
                     "schadendorf2015", "Schadendorf et al., J Clin Oncol 2015"),
    # Hamid 2019, abstract: 5-year OS 34% (all), 41% (treatment-naive).
    SurvivalLandmark("Melanoma", "KEYNOTE-001", "all patients", 5, 34.0, "hamid2019",
                     "Hamid et al., Ann Oncol 2019"),
    SurvivalLandmark("Melanoma", "KEYNOTE-001", "treatment-naive", 5, 41.0, "hamid2019",
                     "Hamid et al., Ann Oncol 2019"),
    # Garon 2019, abstract: 5-year OS 23.2% (treatment-naive), 15.5% (previously treated).
    SurvivalLandmark("Lung (non-small-cell)", "KEYNOTE-001", "treatment-naive", 5, 23.2,
                     "garon2019", "Garon et al., J Clin Oncol 2019"),
    SurvivalLandmark("Lung (non-small-cell)", "KEYNOTE-001", "previously treated", 5, 15.5,
                     "garon2019", "Garon et al., J Clin Oncol 2019"),
    # Larkin 2019, abstract: 5-year OS 52% / 44% / 26%.
    SurvivalLandmark("Melanoma", "CheckMate 067", "nivolumab + ipilimumab", 5, 52.0,
                     "larkin2019", "Larkin et al., N Engl J Med 2019"),
    SurvivalLandmark("Melanoma", "CheckMate 067", "nivolumab", 5, 44.0, "larkin2019",
                     "Larkin et al., N Engl J Med 2019"),
    SurvivalLandmark("Melanoma", "CheckMate 067", "ipilimumab", 5, 26.0, "larkin2019",
                     "Larkin et al., N Engl J Med 2019"),
)



@dataclass(frozen=True)
class MedianSurvival:
    """Median overall survival of one arm of a trial, in months."""

    study: str
    group: str
    median_os_months: float
    follow_up_years: int
    key: str
    source: str
    checked: str = CHECKED_REVIEW


# Wolchok 2025, final 10-year report of CheckMate 067: median OS 71.9 / 36.9 / 19.9 months
# (confirmed 2026-12-01 in two reports of the paper; the abstract page was found but its
# results section was not shown). Its 10-year OS percentages are not stored: only the
# ipilimumab and nivolumab arms' (19% and 37%) could be confirmed, in an ESMO scorecard.
MEDIAN_SURVIVAL: tuple[MedianSurvival, ...] = (
    MedianSurvival("CheckMate 067", "nivolumab + ipilimumab", 71.9, 10, "wolchok2025",
                   "Wolchok et al., N Engl J Med 2025"),
    MedianSurvival("CheckMate 067", "nivolumab", 36.9, 10, "wolchok2025",
                   "Wolchok et al., N Engl J Med 2025"),
    MedianSurvival("CheckMate 067", "ipilimumab", 19.9, 10, "wolchok2025",
                   "Wolchok et al., N Engl J Med 2025"),
)


def median_survival(study: str, group: str) -> MedianSurvival:
    for m in MEDIAN_SURVIVAL:
        if m.study == study and m.group == group:
            return m
    raise KeyError(f"no median survival for {study!r} / {group!r}")




@dataclass(frozen=True)
class PooledAnalysis:
    """Size and median overall survival of a pooled analysis of several studies."""

    name: str
    studies: int
    patients: int
    median_os_months: float
    key: str
    source: str
    checked: str = CHECKED_LESSONS


# Schadendorf 2015, abstract: 1,861 patients from 12 studies, median OS 11.4 months; the
# curve began to plateau around year 3.
IPILIMUMAB_POOLED = PooledAnalysis("ipilimumab pooled analysis", 12, 1861, 11.4,
                                   "schadendorf2015", "Schadendorf et al., J Clin Oncol 2015")
IPILIMUMAB_MEDIAN_OS_MONTHS = IPILIMUMAB_POOLED.median_os_months


def landmark(study: str, group: str, cancer: str | None = None) -> SurvivalLandmark:
    """The landmark for one group of one study; ``cancer`` picks among a study's cancers
    (KEYNOTE-001 reports melanoma and lung cancer separately)."""
    found = [s for s in SURVIVAL_LANDMARKS if s.study == study and s.group == group
             and (cancer is None or s.cancer == cancer)]
    if len(found) != 1:
        raise KeyError(f"{len(found)} survival landmarks for {study!r} / {group!r} / {cancer!r}")
    return found[0]
