"""Lesson 10, outcomes: survival-curve tails (SIMULATED) and published survival landmarks.

The Kaplan-Meier curves come from ``immunocourse.science.simulate``: a seeded immunotherapy cohort
whose durable fraction is calibrated to the ipilimumab pooled analysis (3-year overall
survival 22%, Schadendorf et al. 2015) and an illustrative chemotherapy cohort with no
durable responders. Published numbers come from ``immunocourse.content.evidence``. The page, the
notebook's explorer and the quiz keys all call the functions below.
"""

from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

from immunocourse.content import evidence
from immunocourse.figures import plots
from immunocourse.figures.tables import html_table
from immunocourse.lessons import biomarkers
from immunocourse.science import simulate

SEED = 2015  # any fixed seed: the page, quiz and tests must see the same virtual cohort
COHORT_SIZE = 300


def proportions(durable_fraction: float) -> dict[str, float]:
    """Immunotherapy pattern proportions with the durable patterns (durable response,
    pseudoprogression, delayed response) scaled to ``durable_fraction`` and the others to
    the rest, keeping each group's internal mix from ``simulate.DEFAULT_PROPORTIONS``."""
    if not 0 <= durable_fraction <= 1:
        raise ValueError(f"durable fraction must be in [0, 1], got {durable_fraction}")
    base = simulate.DEFAULT_PROPORTIONS["immunotherapy"]
    durable = sum(v for k, v in base.items() if k in simulate.DURABLE_PATTERNS)
    other = 1 - durable
    return {k: v * (durable_fraction / durable if k in simulate.DURABLE_PATTERNS
                    else (1 - durable_fraction) / other)
            for k, v in base.items()}


def survival_curves(n: int = COHORT_SIZE, seed: int = SEED,
                    durable_fraction: float | None = None) -> dict[str, simulate.KaplanMeier]:
    """Kaplan-Meier estimates (weeks) for a simulated immunotherapy and chemotherapy cohort."""
    props = None if durable_fraction is None else proportions(durable_fraction)
    curves = {}
    for arm in simulate.ARMS:
        cohort = simulate.simulate_cohort(n, arm=arm, seed=seed,
                                          proportions=props if arm == "immunotherapy" else None)
        curves[arm] = simulate.kaplan_meier([p.os_weeks for p in cohort.patients],
                                            [p.died for p in cohort.patients])
    return curves


def survival_figure(n: int = COHORT_SIZE, seed: int = SEED,
                    durable_fraction: float | None = None) -> go.Figure:
    return plots.kaplan_meier_plot(survival_curves(n, seed, durable_fraction))


def percent_alive(km: simulate.KaplanMeier, months: float) -> float:
    return 100 * km.survival_at(months * simulate.WEEKS_PER_MONTH)


def median_months(km: simulate.KaplanMeier) -> float:
    return km.median() / simulate.WEEKS_PER_MONTH


def landmark_table() -> str:
    """Published survival landmarks as an HTML table."""
    header = ["Cancer", "Study", "Patients", "Years", "Alive", "Source"]
    rows = [[s.cancer, s.study, s.group, str(s.years), f"{s.os_pct:g}%", s.source]
            for s in evidence.SURVIVAL_LANDMARKS]

    return html_table(header, rows, "Published overall survival at 3 or 5 years",
                      font_size="0.9em")


# The TMB-H approval is stored once, in lesson 12 (``biomarkers``); this page quotes it.
def tmb_approval() -> biomarkers.BiomarkerApproval:
    """The 2020 US approval of pembrolizumab for TMB-high solid tumours."""
    return biomarkers.approval("TMB-H")


def tmb_cutoff() -> float:
    """Mutations per megabase at or above which a tumour counts as TMB-high."""
    return biomarkers.TMB_CUTOFF.value


def ten_year_medians() -> dict[str, float]:
    """CheckMate 067's final report: median overall survival in months, by arm."""
    return {m.group: m.median_os_months for m in evidence.MEDIAN_SURVIVAL
            if m.study == "CheckMate 067"}


# Quiz keys (quizzes/banks/outcomes.yml, answer_from)
def simulated_three_year_os_pct() -> float:
    """Kaplan-Meier 3-year survival of the page's simulated immunotherapy arm, percent."""
    return round(percent_alive(survival_curves()["immunotherapy"], 36), 1)


def simulated_chemo_three_year_os_pct() -> float:
    return round(percent_alive(survival_curves()["chemotherapy"], 36), 1)


def checkmate067_five_year_gap() -> float:
    """CheckMate 067: 5-year survival, combination minus ipilimumab, percentage points."""
    return (evidence.landmark("CheckMate 067", "nivolumab + ipilimumab").os_pct
            - evidence.landmark("CheckMate 067", "ipilimumab").os_pct)


def lung_naive_minus_pretreated() -> float:
    """KEYNOTE-001 lung cancer: 5-year survival, treatment-naive minus previously treated."""
    lung = "Lung (non-small-cell)"
    return round(evidence.landmark("KEYNOTE-001", "treatment-naive", lung).os_pct
                 - evidence.landmark("KEYNOTE-001", "previously treated", lung).os_pct, 1)


class SurvivalTailExplorer:
    """Sliders for the durable fraction and the cohort size; the SIMULATED Kaplan-Meier
    curves of both arms redraw in place."""

    def __init__(self, durable_fraction: float = simulate.DURABLE_FRACTION,
                 n: int = COHORT_SIZE, seed: int = SEED) -> None:
        self.seed = seed
        self.figure = go.FigureWidget(survival_figure(n, seed, durable_fraction))
        style = {"description_width": "initial"}
        self.controls = {
            "durable_fraction": widgets.FloatSlider(
                value=durable_fraction, min=0.0, max=0.5, step=0.02, readout_format=".2f",
                description="Durable fraction (immunotherapy)", style=style,
                continuous_update=False, layout={"width": "30rem"}),
            "n": widgets.IntSlider(value=n, min=50, max=1000, step=50, style=style,
                                   description="Patients per arm", continuous_update=False,
                                   layout={"width": "30rem"}),
        }
        self.caption = widgets.HTML()
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), "value")
        self.widget = widgets.VBox([*self.controls.values(), self.figure, self.caption])
        self.update()

    def update(self, durable_fraction: float | None = None, n: int | None = None) -> str:
        """Re-simulate both arms and write the new curves into the existing figure."""
        if durable_fraction is not None:
            self.controls["durable_fraction"].value = durable_fraction  # re-enters update()
            return self.caption.value
        if n is not None:
            self.controls["n"].value = n
            return self.caption.value
        frac = self.controls["durable_fraction"].value
        size = self.controls["n"].value
        curves = survival_curves(size, self.seed, frac)
        fresh = plots.kaplan_meier_plot(curves)
        with self.figure.batch_update():
            if len(fresh.data) == len(self.figure.data):
                for old, new in zip(self.figure.data, fresh.data, strict=True):
                    old.update(new.to_plotly_json())
            else:  # a censoring trace appeared or vanished: replace the traces
                self.figure.data = []
                self.figure.add_traces(list(fresh.data))
            self.figure.layout.meta = fresh.layout.meta
        io3 = percent_alive(curves["immunotherapy"], 36)
        ct3 = percent_alive(curves["chemotherapy"], 36)
        self.caption.value = (
            f"<p><em>Simulated.</em> With a durable fraction of {frac:.2f} and {size} "
            f"patients per arm, {io3:.1f}% of the immunotherapy arm and {ct3:.1f}% of the "
            f"chemotherapy arm are alive at 3 years.</p>")
        return self.caption.value
