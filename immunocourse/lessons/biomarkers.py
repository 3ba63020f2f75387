"""Lesson 12, biomarkers: PD-L1 scores from cell counts, a test's predictive value against how
common the marker is, and the published facts the page quotes.

Every published number is a record below with ``key`` (its BibTeX key in
``book/references.bib``), ``source`` (a short citation) and ``checked`` (the ISO date it was
last read in the source). The test accuracy used by the predictive-value explorer is
ILLUSTRATIVE, not the accuracy of any real assay, and every caption says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from immunocourse.content.evidence import PublishedNumber
from immunocourse.figures import palette
from immunocourse.figures.plots import finish
from immunocourse.figures.tables import html_table
from immunocourse.lessons import cell_therapies

CHECKED = "2026-12-01"
CHECKED_2026_12_07 = "2026-12-07"  # records added or re-read for issue 19
CPS_CAP = 100  # 22C3 pharmDx interpretation: a CPS above 100 is reported as 100
# 22C3 pharmDx interpretation manual (agilent22c3cps): a tumour cell counts for the TPS when
# its membrane stains, partly or fully, at any intensity; cytoplasmic staining and immune
# cells are left out. The CPS adds lymphocytes and macrophages (membrane or cytoplasm).


# --- Published facts -----------------------------------------------------------------


# Marcus 2021 (FDA approval summary), abstract, and Subbiah 2020: TMB-H means at least 10
# mutations per megabase in the 2020 US approval (lessons 10 and 12 read it from here).
TMB_CUTOFF = PublishedNumber("tmb_cutoff", 10, "mutations per megabase", "threshold for "
                             "TMB-high in the 2020 US approval", "marcus2021tmb",
                             "Marcus et al., Clin Cancer Res 2021 (FDA approval summary)",
                             CHECKED)

_TEBENTAFUSP = cell_therapies.product("tebentafusp")  # its approval is stored in lesson 11


@dataclass(frozen=True)
class BiomarkerApproval:
    """A US approval of an immunotherapy for patients selected by a biomarker."""

    biomarker: str
    drug: str
    us_approval: str  # the FDA's date: ISO date, or year-month where only that is confirmed
    who: str  # the indication, in plain words
    test: str  # what is measured, and how
    key: str
    source: str
    checked: str

    @property
    def year(self) -> int:
        return int(self.us_approval[:4])


APPROVALS: tuple[BiomarkerApproval, ...] = (
    # Pazdur/Sul 2016 (FDA summary), abstract: accelerated approval 2 Oct 2015, concurrently
    # with the PD-L1 IHC 22C3 pharmDx companion diagnostic.
    BiomarkerApproval(
        "PD-L1 (tumour proportion score)", "pembrolizumab", "2015-10-02",
        "non-small-cell lung cancer whose tumour cells make PD-L1, after chemotherapy",
        "PD-L1 IHC 22C3 pharmDx staining of a tumour sample", "sul2016",
        "Sul et al., Oncologist 2016 (FDA approval summary)", CHECKED),
    # Marcus 2019 (FDA summary), abstract: approved May 23, 2017, first site-agnostic.
    BiomarkerApproval(
        "MSI-H / dMMR", "pembrolizumab", "2017-05-23",
        "any solid tumour with high microsatellite instability or mismatch-repair "
        "deficiency that grew after earlier treatment, with no satisfactory alternative",
        "MSI or mismatch-repair testing of a tumour sample", "marcus2019",
        "Marcus et al., Clin Cancer Res 2019 (FDA approval summary)", CHECKED),
    # Marcus 2021 (FDA approval summary), abstract, and Subbiah 2020: accelerated approval on
    # 16 June 2020, TMB-H >= 10 mut/Mb; FoundationOne CDx approved the same day as the
    # companion diagnostic.
    BiomarkerApproval(
        f"TMB-H (at least {TMB_CUTOFF.value:g} mutations per megabase)", "pembrolizumab",
        "2020-06-16",
        "any solid tumour with high tumour mutational burden that grew after earlier "
        "treatment, with no satisfactory alternative",
        "FoundationOne CDx gene sequencing of a tumour sample", "marcus2021tmb",
        "Marcus et al., Clin Cancer Res 2021 (FDA approval summary)", CHECKED),
    # Kimmtrak label (HLA-A*02:01 genotyping of whole blood); date, tissue type and approval
    # source from lesson 11's record of tebentafusp.
    BiomarkerApproval(
        f"{_TEBENTAFUSP.hla} (a tissue type)", _TEBENTAFUSP.name, _TEBENTAFUSP.us_approval,
        "uveal melanoma (melanoma of the eye) that cannot be removed or has spread",
        "HLA genotyping of a blood sample", _TEBENTAFUSP.approval_key,
        "FDA approval notice and Kimmtrak label, 2022", _TEBENTAFUSP.checked),
)


NUMBERS: tuple[PublishedNumber, ...] = (
    # Marcus 2019, abstract: ORR 39.6% in 149 patients with 15 tumour types; 78% of
    # responses lasted >= 6 months.
    PublishedNumber("msi_orr", 39.6, "%", "tumours shrank (objective response) in the 149 "
                    "patients behind the MSI-H/dMMR approval", "marcus2019",
                    "Marcus et al., Clin Cancer Res 2019", CHECKED),
    PublishedNumber("msi_patients", 149, "patients", "patients with MSI-H/dMMR cancers in "
                    "the five trials behind the approval", "marcus2019",
                    "Marcus et al., Clin Cancer Res 2019", CHECKED),
    PublishedNumber("msi_tumour_types", 15, "tumour types", "different cancers among them",
                    "marcus2019", "Marcus et al., Clin Cancer Res 2019", CHECKED),
    # Garon 2015, abstract: ORR 19.4% in all 495 patients; 45.2% in the validation group
    # with a proportion score of at least 50%.
    PublishedNumber("pdl1_high_orr", 45.2, "%", "response rate with pembrolizumab when at "
                    "least half the tumour cells made PD-L1 (KEYNOTE-001 validation group)",
                    "garon2015", "Garon et al., N Engl J Med 2015", CHECKED),
    PublishedNumber("pdl1_all_orr", 19.4, "%", "response rate in all 495 lung cancer "
                    "patients, whatever their PD-L1", "garon2015",
                    "Garon et al., N Engl J Med 2015", CHECKED),
    # Reck 2016 / Garon 2015: the high-PD-L1 cut-off is a TPS of at least 50%.
    PublishedNumber("tps_high_cutoff", 50, "%", "TPS at or above which PD-L1 counts as high "
                    "in lung cancer (KEYNOTE-001, KEYNOTE-024)", "garon2015",
                    "Garon et al., N Engl J Med 2015", CHECKED),
    TMB_CUTOFF,
    # Nathan 2021, abstract (reproduced by Clinical Oncology News): 1-year OS 73% with
    # tebentafusp vs 59% with the investigator's choice, in 378 HLA-A*02:01-positive patients.
    PublishedNumber("tebentafusp_os1y", 73, "%", "alive at 1 year with tebentafusp",
                    "nathan2021", "Nathan et al., N Engl J Med 2021", CHECKED),
    PublishedNumber("tebentafusp_control_os1y", 59, "%", "alive at 1 year with the "
                    "investigator's choice of treatment", "nathan2021",
                    "Nathan et al., N Engl J Med 2021", CHECKED),
    # Kim 2017, abstract: 97 resected lung cancers stained with four PD-L1 antibodies; SP142
    # labelled fewer tumour cells; 7 cases discordant between the resected specimen and
    # matched tissue-microarray cores.
    PublishedNumber("kim_cases", 97, "cancers", "resected lung cancers stained with several "
                    "PD-L1 tests", "kim2017pdl1", "Kim et al., Oncotarget 2017", CHECKED),
    PublishedNumber("kim_discordant", 7, "cancers", "cancers whose PD-L1 result differed "
                    "between small tissue cores and the whole removed specimen",
                    "kim2017pdl1", "Kim et al., Oncotarget 2017", CHECKED),
    # Hirsch 2017 (Blueprint phase 1), abstract: 39 lung cancers stained with 22C3, 28-8,
    # SP142 and SP263; 22C3, 28-8 and SP263 stained comparable shares of tumour cells, SP142
    # fewer; for 14 of the 38 cases, the PD-L1 class (above or below the cut-off) depended on
    # which assay and scoring system was used.
    PublishedNumber("blueprint_cases", 38, "cancers", "lung cancers classified with each of "
                    "four PD-L1 tests and its own cut-off (Blueprint phase 1)",
                    "hirsch2017blueprint", "Hirsch et al., J Thorac Oncol 2017",
                    CHECKED_2026_12_07),
    PublishedNumber("blueprint_discordant", 14, "cancers", "of them, classified above or below "
                    "the cut-off depending on which test and scoring system was used",
                    "hirsch2017blueprint", "Hirsch et al., J Thorac Oncol 2017",
                    CHECKED_2026_12_07),
    # Keytruda and Opdivo US labels (fdapembrolizumablabel2026, fdanivolumablabel2026), as
    # revised in 2025 (FDA letters of 22 May 2025, reported by MMIT on 12 June 2025): first
    # treatment of advanced HER2-negative gastric or gastro-oesophageal junction
    # adenocarcinoma, and of advanced oesophageal cancer, only for tumours with PD-L1 of 1 or
    # more. The score is the CPS, except nivolumab with or without ipilimumab in oesophageal
    # squamous cell carcinoma, whose label and trial (CheckMate 648) count tumour cells only.
    PublishedNumber("gastro_pdl1_cutoff", 1, "CPS", "lowest PD-L1 score for a first treatment "
                    "of advanced stomach or oesophageal cancer with pembrolizumab or nivolumab "
                    "in the US labels since 2025", "fdapembrolizumablabel2026",
                    "KEYTRUDA and OPDIVO US prescribing information, 2025 revisions",
                    CHECKED_2026_12_07),
    PublishedNumber("gastro_limit_year", 2025, "year", "year the US labels of pembrolizumab "
                    "and nivolumab were narrowed to PD-L1 of 1 or more in these cancers",
                    "fdanivolumablabel2026",
                    "OPDIVO and KEYTRUDA US prescribing information, 2025 revisions",
                    CHECKED_2026_12_07),
    # Huang 2021, Table 2: TPS >= 50% in 31.1% (5189/16,666) of real-world NSCLC samples,
    # and 30.2% (500/1653) of those screened for KEYNOTE-024.
    PublishedNumber("tps50_prevalence", 31.1, "%", "lung cancer samples in a US reference "
                    "laboratory with a TPS of 50% or more", "huang2021",
                    "Huang et al., Mod Pathol 2021", CHECKED),
    PublishedNumber("tps50_prevalence_keynote024", 30.2, "%", "patients screened for "
                    "KEYNOTE-024 with a TPS of 50% or more", "huang2021",
                    "Huang et al., Mod Pathol 2021", CHECKED),
)


@dataclass(frozen=True)
class AdvisoryMeeting:
    """A meeting of the FDA's Oncologic Drugs Advisory Committee and what it advised."""

    date: str  # ISO date
    question: str
    votes: str
    key: str
    source: str
    checked: str


# FDA ODAC, 26 September 2024 (meeting announcement; votes as reported by MMIT, 12 June 2025,
# and Targeted Oncology): PD-1 inhibitors as first treatment of HER2-negative, microsatellite
# stable gastric or GEJ adenocarcinoma (10 to 2, 1 abstention) and of oesophageal squamous
# cell carcinoma (11 to 1, 1 abstention) did not have a favourable benefit-risk balance when
# PD-L1 expression was below 1. The 2025 label revisions followed.
ODAC_2024 = AdvisoryMeeting(
    "2024-09-26",
    "PD-1 inhibitors as first treatment of advanced HER2-negative gastric or GEJ "
    "adenocarcinoma and of oesophageal squamous cell carcinoma with PD-L1 below 1",
    "10 to 2 and 11 to 1 that the benefit did not outweigh the risk",
    "fdaodac2024", "FDA Oncologic Drugs Advisory Committee, 26 September 2024",
    CHECKED_2026_12_07)


def number(name: str) -> PublishedNumber:
    for n in NUMBERS:
        if n.name == name:
            return n
    raise KeyError(f"no published number named {name!r}")


def approval(biomarker_start: str) -> BiomarkerApproval:
    for a in APPROVALS:
        if a.biomarker.startswith(biomarker_start):
            return a
    raise KeyError(f"no approval for a biomarker starting {biomarker_start!r}")


def date_text(iso: str) -> str:
    """'2017-05-23' -> '23 May 2017'; '2022-01' -> 'January 2022'."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {months[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[parts[1] - 1]} {parts[0]}"
    raise ValueError(f"not an ISO date or year-month: {iso!r}")


def approvals_table() -> str:
    """The approvals as an HTML table (HTML: MyST-NB renders Markdown outputs without
    tables)."""
    header = ["Biomarker", "Drug", "US approval", "For", "Test", "Source"]
    rows = [[a.biomarker, a.drug, date_text(a.us_approval), a.who, a.test, a.source]
            for a in APPROVALS]
    return html_table(header, rows, "Immunotherapies approved in the US for patients selected "
                      "by a biomarker (dates are the FDA's)", font_size="0.9em")


# --- PD-L1 scores ----------------------------------------------------------------------


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number of cells, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative, got {value}")
    return int(value)


def tumour_proportion_score(positive_tumour_cells: int, viable_tumour_cells: int) -> float:
    """TPS: PD-L1-positive tumour cells / all viable tumour cells x 100, in percent."""
    pos = _count(positive_tumour_cells, "positive tumour cells")
    total = _count(viable_tumour_cells, "viable tumour cells")
    if total == 0:
        raise ValueError("no viable tumour cells: a score cannot be given")
    if pos > total:
        raise ValueError(f"{pos} positive tumour cells is more than the {total} viable "
                         "tumour cells counted")
    return 100 * pos / total


def combined_positive_score(positive_tumour_cells: int, positive_immune_cells: int,
                            viable_tumour_cells: int) -> float:
    """CPS: PD-L1-positive tumour cells, lymphocytes and macrophages / viable tumour cells
    x 100, reported up to a maximum of 100. Immune cells count in the numerator only, so the
    raw ratio can pass 100; that is why the score is capped."""
    tumour_part = tumour_proportion_score(positive_tumour_cells, viable_tumour_cells)
    immune = _count(positive_immune_cells, "positive immune cells")
    return min(float(CPS_CAP), tumour_part + 100 * immune / viable_tumour_cells)


# The worked example on the page and in the quiz: one illustrative tumour sample.
EXAMPLE = {"viable_tumour_cells": 400, "positive_tumour_cells": 72,
           "positive_immune_cells": 48}


def example_tps() -> float:
    e = EXAMPLE
    return round(tumour_proportion_score(e["positive_tumour_cells"],
                                         e["viable_tumour_cells"]), 1)


def example_cps() -> float:
    e = EXAMPLE
    return round(combined_positive_score(e["positive_tumour_cells"],
                                         e["positive_immune_cells"],
                                         e["viable_tumour_cells"]), 1)


# --- Predictive value ------------------------------------------------------------------

# ILLUSTRATIVE accuracy of a made-up test, for teaching: it finds 90 of every 100 tumours
# that have the marker (sensitivity) and correctly clears 90 of every 100 that do not
# (specificity). No real assay is claimed to have these figures.
SENSITIVITY = 0.90
SPECIFICITY = 0.90
RARE_PREVALENCE = 0.03  # an illustrative rare marker: 3 tumours in 100


def _fraction(value: float, name: str) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")
    return float(value)


def predictive_values(prevalence: float, sensitivity: float = SENSITIVITY,
                      specificity: float = SPECIFICITY) -> tuple[float, float]:
    """(PPV, NPV) as fractions. PPV: of the positive results, the share whose tumour has the
    marker. NPV: of the negative results, the share whose tumour does not. Bayes' rule."""
    p = _fraction(prevalence, "prevalence")
    se = _fraction(sensitivity, "sensitivity")
    sp = _fraction(specificity, "specificity")
    true_pos, false_pos = se * p, (1 - sp) * (1 - p)
    true_neg, false_neg = sp * (1 - p), (1 - se) * p
    ppv = true_pos / (true_pos + false_pos) if true_pos + false_pos else float("nan")
    npv = true_neg / (true_neg + false_neg) if true_neg + false_neg else float("nan")
    return ppv, npv


def per_thousand(prevalence: float, sensitivity: float = SENSITIVITY,
                 specificity: float = SPECIFICITY) -> dict[str, float]:
    """The same arithmetic as counts out of 1,000 people tested, which most readers find
    easier than fractions."""
    p, se, sp = prevalence, sensitivity, specificity
    return {"with marker": 1000 * p, "true positives": 1000 * se * p,
            "false positives": 1000 * (1 - sp) * (1 - p),
            "true negatives": 1000 * sp * (1 - p), "false negatives": 1000 * (1 - se) * p}


def ppv_pct_common() -> float:
    """PPV of the illustrative test, in percent, at the TPS >= 50% prevalence in lung cancer."""
    prevalence = number("tps50_prevalence").value / 100
    return round(100 * predictive_values(prevalence)[0], 1)


def ppv_pct_rare() -> float:
    """PPV of the same test, in percent, for a marker found in 3 tumours in 100."""
    return round(100 * predictive_values(RARE_PREVALENCE)[0], 1)


def npv_pct_rare() -> float:
    return round(100 * predictive_values(RARE_PREVALENCE)[1], 1)


def predictive_value_figure(sensitivity: float = SENSITIVITY,
                            specificity: float = SPECIFICITY,
                            marked_prevalence: float | None = None) -> go.Figure:
    """PPV and NPV (percent) against prevalence (percent) for one test."""
    marked = (number("tps50_prevalence").value / 100 if marked_prevalence is None
              else _fraction(marked_prevalence, "marked prevalence"))
    prev = np.linspace(0.005, 0.995, 199)
    ppv, npv = np.array([predictive_values(p, sensitivity, specificity) for p in prev]).T
    fig = go.Figure()
    for name, values, colour, dash, symbol in (
            ("Positive predictive value", ppv, palette.OKABE_ITO["blue"], "solid", "circle"),
            ("Negative predictive value", npv, palette.OKABE_ITO["vermillion"], "dash",
             "square")):
        fig.add_trace(go.Scatter(
            x=100 * prev, y=100 * values, name=name, mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 2},
            marker={"symbol": symbol, "size": 5, "color": colour, "maxdisplayed": 20},
            hovertemplate=(f"{name}: %{{y:.1f}}%<br>when %{{x:.1f}}% of tumours have "
                           "the marker<extra></extra>")))
    m_ppv, m_npv = predictive_values(marked, sensitivity, specificity)
    fig.add_vline(x=100 * marked, line={"color": palette.GREY, "dash": "dot", "width": 1},
                  annotation_text=f"{100 * marked:.1f}% have the marker",
                  annotation_position="top right")
    low_ppv = predictive_values(RARE_PREVALENCE, sensitivity, specificity)[0]
    alt = (
        f"Line chart for an illustrative test with sensitivity {100 * sensitivity:.0f}% and "
        f"specificity {100 * specificity:.0f}%: the positive predictive value (solid line) "
        f"rises from {100 * ppv[0]:.1f}% when {100 * prev[0]:.1f}% of tumours have the "
        f"marker to {100 * ppv[-1]:.1f}% when almost all do, and is "
        f"{100 * low_ppv:.1f}% at 3%. The negative predictive value (dashed line) falls "
        f"as the marker becomes common. At the marked prevalence of {100 * marked:.1f}%, "
        f"the positive predictive value is {100 * m_ppv:.1f}% and the negative predictive "
        f"value is {100 * m_npv:.1f}%."
    )
    return finish(
        fig, "How common a marker is changes what a test result means (illustrative test)",
        alt, xaxis_title="Tumours that have the marker (prevalence, %)",
        yaxis_title="Predictive value (%)", xaxis_range=[0, 100], yaxis_range=[0, 101],
        legend={"orientation": "h", "y": -0.2}, height=450)


# --- Notebook explorers ----------------------------------------------------------------


class ScoreCalculator:
    """Labelled number boxes for the three cell counts; TPS and CPS recompute as they change.
    Impossible counts give a one-line message instead of a score."""

    def __init__(self, viable_tumour_cells: int = EXAMPLE["viable_tumour_cells"],
                 positive_tumour_cells: int = EXAMPLE["positive_tumour_cells"],
                 positive_immune_cells: int = EXAMPLE["positive_immune_cells"]) -> None:
        style = {"description_width": "22rem"}
        layout = {"width": "34rem"}
        self.controls = {
            "viable_tumour_cells": widgets.BoundedIntText(
                value=viable_tumour_cells, min=0, max=100_000, style=style, layout=layout,
                description="Viable tumour cells counted"),
            "positive_tumour_cells": widgets.BoundedIntText(
                value=positive_tumour_cells, min=0, max=100_000, style=style, layout=layout,
                description="PD-L1-positive tumour cells"),
            "positive_immune_cells": widgets.BoundedIntText(
                value=positive_immune_cells, min=0, max=100_000, style=style, layout=layout,
                description="PD-L1-positive lymphocytes and macrophages"),
        }
        self.result = widgets.HTML()
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), "value")
        self.widget = widgets.VBox([*self.controls.values(), self.result])
        self.update()

    def update(self, **counts: int) -> str:
        for name, value in counts.items():
            self.controls[name].value = value  # each assignment re-enters update()
        c = {name: control.value for name, control in self.controls.items()}
        try:
            tps = tumour_proportion_score(c["positive_tumour_cells"],
                                          c["viable_tumour_cells"])
            cps = combined_positive_score(c["positive_tumour_cells"],
                                          c["positive_immune_cells"],
                                          c["viable_tumour_cells"])
        except ValueError as err:
            self.result.value = f"<p role='status'>Cannot score this sample: {err}.</p>"
            return self.result.value
        raw = 100 * (c["positive_tumour_cells"] + c["positive_immune_cells"]) \
            / c["viable_tumour_cells"]
        capped = " (capped: the raw ratio is above 100)" if raw > CPS_CAP else ""
        self.result.value = (
            f"<p role='status'>Tumour proportion score (TPS) = {tps:.1f}%. "
            f"Combined positive score (CPS) = {cps:.1f}{capped}.</p>")
        return self.result.value


class PredictiveValueExplorer:
    """Sliders for prevalence, sensitivity and specificity; the PPV/NPV curves and a
    per-1,000 caption redraw in place. The test is illustrative."""

    def __init__(self, prevalence: float | None = None, sensitivity: float = SENSITIVITY,
                 specificity: float = SPECIFICITY) -> None:
        prevalence = (number("tps50_prevalence").value / 100 if prevalence is None
                      else prevalence)
        self.figure = go.FigureWidget(predictive_value_figure(sensitivity, specificity,
                                                              prevalence))
        style = {"description_width": "initial"}
        slider = dict(min=0.01, max=0.99, step=0.01, readout_format=".2f", style=style,
                      continuous_update=False, layout={"width": "32rem"})
        self.controls = {
            "prevalence": widgets.FloatSlider(
                value=prevalence, description="Share of tumours with the marker", **slider),
            "sensitivity": widgets.FloatSlider(
                value=sensitivity, description="Sensitivity of the test", **slider),
            "specificity": widgets.FloatSlider(
                value=specificity, description="Specificity of the test", **slider),
        }
        self.caption = widgets.HTML()
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), "value")
        self.widget = widgets.VBox([*self.controls.values(), self.figure, self.caption])
        self.update()

    def update(self, **values: float) -> str:
        for name, value in values.items():
            self.controls[name].value = value  # re-enters update()
        v = {name: control.value for name, control in self.controls.items()}
        fresh = predictive_value_figure(v["sensitivity"], v["specificity"], v["prevalence"])
        with self.figure.batch_update():
            for old, new in zip(self.figure.data, fresh.data, strict=True):
                old.y = new.y
            self.figure.layout.shapes = fresh.layout.shapes
            self.figure.layout.annotations = fresh.layout.annotations
            self.figure.layout.meta = fresh.layout.meta
        ppv, npv = predictive_values(v["prevalence"], v["sensitivity"], v["specificity"])
        n = per_thousand(v["prevalence"], v["sensitivity"], v["specificity"])
        self.caption.value = (
            f"<p role='status'><em>Illustrative test.</em> Of 1,000 people tested, "
            f"{n['with marker']:.0f} have the marker. The test is positive for "
            f"{n['true positives']:.0f} of them and, wrongly, for "
            f"{n['false positives']:.0f} others: positive predictive value "
            f"{100 * ppv:.1f}%. Negative predictive value {100 * npv:.1f}%.</p>")
        return self.caption.value
