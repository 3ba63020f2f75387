"""Lesson 4, types of immunotherapy: one table of drugs, their class, target and first approval.

``DRUGS`` is the single source of every drug, year and citation the lesson quotes: the page
renders it as a table, the timeline figure plots it and the quiz keys count from it.

``first_fda_year`` is the year of the drug's first US Food and Drug Administration approval
(US approval) for a use against cancer (for the preventive vaccines, against a
cancer-causing infection), each confirmed against the source in ``key`` on the date in
``checked``. ``None`` means the course has not confirmed a year, so the table says so and the
timeline leaves the drug out rather than guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from immunocourse.figures import lesson_plots
from immunocourse.lessons import cell_therapies


@dataclass(frozen=True)
class Drug:
    name: str
    therapy_class: str  # one of CLASSES
    target: str  # what the drug binds, blocks or is aimed at
    first_fda_year: int | None  # first FDA approval for a cancer use; None = not confirmed
    first_use: str  # what that first approval was for
    key: str  # bibliography key confirming the year (empty when there is no year)
    source: str = ""  # short citation for that key (empty when there is no year)
    checked: str = "2026-11-27"  # ISO date the year was last confirmed against ``key``


CHECKPOINT = "Checkpoint inhibitor"
CELL = "Adoptive cell therapy"
BISPECIFIC = "Bispecific T-cell engager"
ANTIBODY = "Monoclonal antibody"
VACCINE = "Vaccine"
VIRUS = "Oncolytic virus"
CYTOKINE = "Cytokine"
MODULATOR = "Immunomodulator"
CLASSES = (CHECKPOINT, CELL, BISPECIFIC, ANTIBODY, VACCINE, VIRUS, CYTOKINE, MODULATOR)


def _from_product(name: str, therapy_class: str, target: str, first_use: str,
                  source: str = "") -> Drug:
    """A cell therapy or T-cell engager whose first US approval (date and source) is stored
    once, in lesson 11's ``PRODUCTS``; this lesson shows its year."""
    p = cell_therapies.product(name)
    return Drug(name, therapy_class, target, p.year, first_use, p.approval_key,
                source or f"US FDA approval, {p.year}", p.checked)

DRUGS: tuple[Drug, ...] = (
    Drug("ipilimumab", CHECKPOINT, "CTLA-4", 2011, "advanced melanoma",
         "fdaipilimumab2011", "US FDA approval, 2011"),
    Drug("pembrolizumab", CHECKPOINT, "PD-1", 2014, "advanced melanoma",
         "fdapembrolizumab2014", "US FDA approval, 2014"),
    Drug("nivolumab", CHECKPOINT, "PD-1", 2014, "advanced melanoma",
         "fdanivolumab2014", "US FDA approval, 2014"),
    Drug("atezolizumab", CHECKPOINT, "PD-L1", 2016, "advanced bladder (urothelial) cancer",
         "ning2017", "Ning et al., Oncologist 2017"),
    Drug("relatlimab (with nivolumab)", CHECKPOINT, "LAG-3", 2022, "advanced melanoma",
         "fdarelatlimab2022", "US FDA approval, 2022"),
    _from_product("tisagenlecleucel", CELL, "CD19 (CAR T cells)",
                  "acute lymphoblastic leukaemia in children and young adults"),
    _from_product("lifileucel", CELL, "the patient's own tumour (TIL)", "advanced melanoma"),
    Drug("NK-cell therapies", CELL, "various", None,
         "investigational: in clinical trials, none FDA-approved that the course could confirm",
         ""),
    _from_product("blinatumomab", BISPECIFIC, "CD19 and CD3", "acute lymphoblastic leukaemia",
                  "Przepiorka et al., Clin Cancer Res 2015"),
    _from_product("tebentafusp", BISPECIFIC, "gp100 and CD3", "uveal (eye) melanoma"),
    _from_product("teclistamab", BISPECIFIC, "BCMA and CD3", "multiple myeloma"),
    Drug("rituximab", ANTIBODY, "CD20", 1997, "B-cell non-Hodgkin lymphoma",
         "fdarituximab1997", "US FDA approval, 1997"),
    Drug("trastuzumab", ANTIBODY, "HER2", 1998, "HER2-positive breast cancer",
         "fdatrastuzumab1998", "US FDA approval, 1998"),
    Drug("sipuleucel-T", VACCINE, "PAP (a prostate protein)", 2010, "advanced prostate cancer",
         "fdasipuleucel2010", "US FDA approval, 2010"),
    # Listed with the vaccines because BCG is a tuberculosis vaccine, but in the bladder it
    # works as an immune stimulant. TICE BCG has been on the US market since 24 August 1990
    # (``BCG_ON_MARKET`` below), but the year of its first approval is still not confirmed:
    # a 1997 trade report (BioWorld) dates the approval for carcinoma in situ to 1989, the
    # FDA's drug directory gives only the marketing date (checked 2026-12-07). So it stays
    # unset rather than guess between them.
    Drug("BCG (into the bladder)", VACCINE, "the bladder lining (local inflammation)", None,
         "early bladder cancer (carcinoma in situ); on the US market since August 1990, "
         "first approval year not confirmed", ""),
    Drug("HPV vaccine (Gardasil)", VACCINE, "human papillomavirus", 2006,
         "preventing cervical cancer and precancers caused by HPV",
         "fdagardasil2006", "US FDA approval, 2006"),
    # Licensed in the US in 1981 (plasma-derived); the recombinant vaccine followed in 1986.
    Drug("hepatitis B vaccine", VACCINE, "hepatitis B virus", 1981,
         "preventing hepatitis B infection, a cause of liver cancer", "nejm1989hbv",
         "N Engl J Med 1989 (editorial)", "2026-12-01"),
    Drug("talimogene laherparepvec (T-VEC)", VIRUS, "tumour cells it infects", 2015,
         "melanoma in the skin and lymph nodes", "fdatvec2015", "US FDA approval, 2015"),
    Drug("interferon alfa-2a and alfa-2b", CYTOKINE, "interferon receptor", 1986,
         "hairy cell leukaemia", "sciencenews1986", "Science News, 14 June 1986"),
    Drug("aldesleukin (IL-2)", CYTOKINE, "IL-2 receptor", 1992, "advanced kidney cancer",
         "fdaaldesleukin1992", "US FDA approval, 1992"),
    Drug("imiquimod", MODULATOR, "TLR7 (a danger sensor on immune cells)", 2004,
         "superficial basal cell skin cancer", "fdaimiquimod2004", "US FDA approval, 2004"),
    Drug("lenalidomide", MODULATOR, "cereblon", 2005, "a myelodysplastic syndrome (del 5q)",
         "fdalenalidomide2005", "US FDA approval, 2005"),
    Drug("thalidomide", MODULATOR, "cereblon", 2006, "multiple myeloma",
         "fdathalidomide2006", "US FDA approval, 2006"),
    Drug("pomalidomide", MODULATOR, "cereblon", 2013, "multiple myeloma",
         "fdapomalidomide2013", "US FDA approval, 2013"),
)



@dataclass(frozen=True)
class LabelWarning:
    """The serious harms that a drug's US label names, which the page puts in plain words.

    ``boxed`` is True when the label puts these harms in a boxed warning (the FDA's strongest
    kind); for a label without one, ``harms`` are its main warnings. Cell therapies and
    T-cell engagers are not here: their boxed warnings are stored once, in lesson 11's
    ``cell_therapies.PRODUCTS``. Checkpoint inhibitors are not here either: the page gives
    their harms for the whole class, from reviews and guidelines."""

    drug: str  # as named in ``DRUGS``
    boxed: bool
    harms: tuple[str, ...]
    key: str
    source: str
    checked: str = "2026-12-07"


# Each read on 2026-12-07 in a copy of the US label: Rituxan (boxed warning as quoted by
# Drugs.com and the FDA's 2013 safety-labelling notice), Herceptin (Genentech's boxed
# warnings; FDA safety-labelling notices of 2008), TICE BCG (DailyMed, updated October
# 2024), Provenge (FDA label database, October 2025; Dendreon's safety information), Imlygic
# (prescribing information, sections 5.1-5.2, as reproduced by PrescriberPoint and
# DrugCentral), Intron A (US prescribing information, boxed warning), Thalomid (boxed warning,
# 2021 revision), Revlimid and Pomalyst (boxed warnings; section 6 lists of each), Aldara
# (DailyMed, revised January 2015) and Proleukin (boxed warning: capillary leak syndrome, which
# can be fatal; given in hospital with intensive care, as reproduced by PrescriberPoint).
LABEL_WARNINGS: tuple[LabelWarning, ...] = (
    LabelWarning("rituximab", True,
                 ("fatal infusion-related reactions", "severe mucocutaneous reactions",
                  "hepatitis B virus reactivation", "progressive multifocal leukoencephalopathy"),
                 "rituxanlabel", "Rituxan US label, boxed warning"),
    LabelWarning("trastuzumab", True,
                 ("cardiomyopathy", "infusion reactions", "pulmonary toxicity",
                  "embryo-fetal toxicity"),
                 "herceptinlabel", "Herceptin US label, boxed warning"),
    LabelWarning("sipuleucel-T", False,
                 ("acute infusion reactions", "thromboembolic events",
                  "strokes and heart attacks reported, cause uncertain"),
                 "provengelabel", "Provenge US label, Warnings and Precautions"),
    LabelWarning("BCG (into the bladder)", True,
                 ("disseminated BCG infection, including fatal infection",
                  "BCG infection of health workers and others exposed"),
                 "ticebcglabel", "TICE BCG US label, boxed warning"),
    LabelWarning("talimogene laherparepvec (T-VEC)", False,
                 ("herpetic infection, fatal when disseminated in immunocompromised patients",
                  "accidental exposure of close contacts and health workers"),
                 "fdaimlygiclabel", "Imlygic US label, sections 5.1 and 5.2"),
    LabelWarning("interferon alfa-2a and alfa-2b", True,
                 ("fatal or life-threatening neuropsychiatric disorders",
                  "autoimmune disorders", "ischaemic disorders", "infectious disorders"),
                 "intronalabel", "Intron A US label, boxed warning"),
    LabelWarning("aldesleukin (IL-2)", True, ("capillary leak syndrome",),
                 "fdaaldesleukin1992", "Proleukin US label, boxed warning"),
    LabelWarning("imiquimod", False,
                 ("intense local inflammatory reactions", "flu-like systemic symptoms"),
                 "aldaralabel", "Aldara US label, Warnings and Precautions"),
    LabelWarning("thalidomide", True,
                 ("embryo-fetal toxicity", "venous and arterial thromboembolism"),
                 "thalomidlabel", "Thalomid US label, boxed warning"),
    LabelWarning("lenalidomide", True,
                 ("embryo-fetal toxicity", "hematologic toxicity",
                  "venous and arterial thromboembolism"),
                 "revlimidlabel", "Revlimid US label, boxed warning"),
    LabelWarning("pomalidomide", True,
                 ("embryo-fetal toxicity", "venous and arterial thromboembolism"),
                 "pomalystlabel", "Pomalyst US label, boxed warning"),
)


def label_warning(drug_name: str) -> LabelWarning:
    """The label warning of one drug in ``DRUGS``."""
    return next(w for w in LABEL_WARNINGS if w.drug == drug_name)


@dataclass(frozen=True)
class Withdrawal:
    """A US accelerated approval later withdrawn because its confirmatory trial failed."""

    drug: str
    use: str
    approved_year: int
    withdrawn_year: int
    failed_trial: str
    key: str
    source: str
    checked: str


# Roche's announcement of 8 March 2021: the accelerated approval (IMvigor210) was withdrawn
# after the confirmatory IMvigor211 trial missed its primary endpoint. The approval year is
# atezolizumab's first approval in ``DRUGS`` (Ning et al. 2017), not typed again here.
ATEZOLIZUMAB_BLADDER = Withdrawal(
    "atezolizumab", "bladder (urothelial) cancer after platinum chemotherapy",
    next(d.first_fda_year for d in DRUGS if d.name == "atezolizumab"), 2021,
    "IMvigor211", "roche2021withdrawal", "Roche announcement, 8 March 2021", "2026-12-01")


# Genentech's announcement of 28 November 2022: the accelerated approval of 2017 for people
# with advanced bladder cancer who cannot have cisplatin (IMvigor210) was withdrawn after the
# confirmatory IMvigor130 trial missed its overall-survival endpoint.
ATEZOLIZUMAB_BLADDER_FIRST_LINE = Withdrawal(
    "atezolizumab", "first treatment of advanced bladder cancer in people who cannot have "
    "cisplatin", 2017, 2022, "IMvigor130", "genentech2022withdrawal",
    "Genentech announcement, 28 November 2022", "2026-12-07")


@dataclass(frozen=True)
class OnMarket:
    """When a product went on sale in the United States (its first US marketing date)."""

    product: str
    use: str
    since: str  # ISO date of the first US marketing
    key: str
    source: str
    checked: str

    @property
    def month_year(self) -> str:
        """The marketing date as the page prints it, for example "August 1990"."""
        return dt.date.fromisoformat(self.since).strftime("%B %Y")


# FDA National Drug Code directory (openFDA), NDC 0052-0602, BLA 102821: marketing start
# 24 August 1990; the label (DailyMed) is for carcinoma in situ and papillary tumours of the
# bladder.
BCG_ON_MARKET = OnMarket("TICE BCG", "early bladder cancer, into the bladder", "1990-08-24",
                         "ticebcgndc", "FDA National Drug Code directory, TICE BCG",
                         "2026-12-07")


def drug(name: str) -> Drug:
    return next(d for d in DRUGS if d.name == name)


def table() -> pd.DataFrame:
    """The drug table as the page shows it: one row per drug, classes in the lesson's order."""
    rows = [{
        "Class": d.therapy_class,
        "Drug": d.name,
        "Target": d.target,
        "First US approval (cancer use)": (str(d.first_fda_year) if d.first_fda_year
                                            else "not confirmed"),
        "First approved for": d.first_use,
    } for d in DRUGS]
    order = {c: k for k, c in enumerate(CLASSES)}
    frame = pd.DataFrame(rows)
    return frame.sort_values("Class", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True)


def myst_table() -> str:
    """The table as MyST Markdown, one small table per class, a citation after each year.

    Built for ``glue`` into the page, so the years in the page are the ones in ``DRUGS``.
    """
    parts = []
    for cls in CLASSES:
        lines = [f"**{cls}**", "", "| Drug | Target | First US approval | First approved for |",
                 "| --- | --- | --- | --- |"]
        for d in DRUGS:
            if d.therapy_class != cls:
                continue
            year = (f"{d.first_fda_year} {{cite:p}}`{d.key}`" if d.first_fda_year
                    else "not confirmed")
            lines.append(f"| {d.name} | {d.target} | {year} | {d.first_use} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def first_year(therapy_class: str | None = None, target: str | None = None) -> int:
    """Earliest confirmed approval year in a class and/or for a target."""
    years = [d.first_fda_year for d in DRUGS if d.first_fda_year
             and (therapy_class is None or d.therapy_class == therapy_class)
             and (target is None or d.target == target)]
    if not years:
        raise ValueError(f"no confirmed year for class={therapy_class!r} target={target!r}")
    return min(years)


def timeline_figure() -> go.Figure:
    """The page's timeline of first approvals, drawn from ``DRUGS``."""
    return lesson_plots.approval_timeline(DRUGS, CLASSES)


# Quiz keys (quizzes/banks/immunotherapy-types.yml, answer_from)
def years_ctla4_to_lag3() -> int:
    """Years between the first CTLA-4 and the first LAG-3 blocker approvals."""
    return first_year(target="LAG-3") - first_year(target="CTLA-4")


def years_first_antibody_to_first_checkpoint() -> int:
    """Years from the first monoclonal antibody for cancer to the first checkpoint inhibitor."""
    return first_year(CHECKPOINT) - first_year(ANTIBODY)


def first_checkpoint_drug() -> str:
    """Name of the first checkpoint inhibitor approved."""
    year = first_year(CHECKPOINT)
    return next(d.name for d in DRUGS if d.therapy_class == CHECKPOINT
                and d.first_fda_year == year)


def drugs_approved_in_2014() -> int:
    """How many drugs in the table had their first cancer approval in 2014."""
    return sum(1 for d in DRUGS if d.first_fda_year == 2014)
