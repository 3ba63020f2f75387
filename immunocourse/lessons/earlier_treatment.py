"""Lesson 13, immunotherapy earlier in the disease and in combination: the trial results the
page quotes, each with its serious-harm rate where the paper reports one, and the quiz keys.

Every record carries ``key`` (BibTeX key in ``book/references.bib``), ``source`` (a short
citation) and ``checked`` (the ISO date it was last read in the source: the paper's abstract,
or where noted a named page reproducing it). Nothing here is simulated.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from immunocourse.content.evidence import PublishedNumber
from immunocourse.figures import palette
from immunocourse.figures.plots import finish
from immunocourse.figures.tables import html_table

CHECKED = "2026-12-01"


@dataclass(frozen=True)
class TrialResult:
    """One measure from one randomised trial: the immunotherapy arm against its comparator,
    both in percent of patients. ``harm`` marks a serious side-effect measure."""

    trial: str
    cancer: str
    setting: str  # adjuvant, neoadjuvant, or both (perioperative)
    treatment: str
    comparator: str
    measure: str
    treatment_pct: float
    comparator_pct: float
    harm: bool
    key: str
    source: str
    checked: str

    @property
    def difference(self) -> float:
        """Percentage points, treatment minus comparator."""
        return round(self.treatment_pct - self.comparator_pct, 1)


def _r(trial: str, cancer: str, setting: str, treatment: str, comparator: str, measure: str,
       treated: float, control: float, key: str, source: str, harm: bool = False
       ) -> TrialResult:
    return TrialResult(trial, cancer, setting, treatment, comparator, measure, treated,
                       control, harm, key, source, CHECKED)


_KN054 = ("KEYNOTE-054", "Melanoma (stage III, removed)", "adjuvant", "pembrolizumab",
          "placebo")
_S1801 = ("SWOG S1801", "Melanoma (stage III-IV, removable)", "neoadjuvant and adjuvant",
          "pembrolizumab before and after surgery", "pembrolizumab after surgery only")
_KN522 = ("KEYNOTE-522", "Triple-negative breast cancer (stage II-III)",
          "neoadjuvant and adjuvant", "pembrolizumab + chemotherapy",
          "placebo + chemotherapy")
_CM816 = ("CheckMate 816", "Lung cancer, non-small-cell (stage IB-IIIA)", "neoadjuvant",
          "nivolumab + chemotherapy", "chemotherapy")
_KN564 = ("KEYNOTE-564", "Kidney cancer, clear-cell (high risk, removed)", "adjuvant",
          "pembrolizumab", "placebo")

RESULTS: tuple[TrialResult, ...] = (
    # Eggermont 2018, abstract: 1-year RFS 75.4% vs 61.0%; treatment-related grade 3-5 AEs
    # 14.7% vs 3.4%; one treatment-related death (myositis).
    _r(*_KN054, "alive without recurrence at 1 year", 75.4, 61.0, "eggermont2018",
       "Eggermont et al., N Engl J Med 2018"),
    _r(*_KN054, "grade 3-5 treatment-related side effects", 14.7, 3.4, "eggermont2018",
       "Eggermont et al., N Engl J Med 2018", harm=True),
    # Patel 2023, abstract: 2-year EFS 72% vs 49%; grade >= 3 treatment-related AEs during
    # therapy 12% vs 14%.
    _r(*_S1801, "event-free at 2 years", 72.0, 49.0, "patel2023",
       "Patel et al., N Engl J Med 2023"),
    _r(*_S1801, "grade 3 or higher treatment-related side effects", 12.0, 14.0, "patel2023",
       "Patel et al., N Engl J Med 2023", harm=True),
    # Schmid 2020, abstract: pCR 64.8% vs 51.2% (first 602 patients); grade >= 3
    # treatment-related AEs 78.0% vs 73.0% (all phases, mostly chemotherapy).
    _r(*_KN522, "no cancer left at surgery (pathological complete response)", 64.8, 51.2,
       "schmid2020", "Schmid et al., N Engl J Med 2020"),
    _r(*_KN522, "grade 3 or higher treatment-related side effects", 78.0, 73.0,
       "schmid2020", "Schmid et al., N Engl J Med 2020", harm=True),
    # Schmid 2022, abstract: 36-month EFS 84.5% vs 76.8%.
    _r(*_KN522, "event-free at 3 years", 84.5, 76.8, "schmid2022",
       "Schmid et al., N Engl J Med 2022"),
    # Schmid 2024, abstract: 60-month OS 86.6% vs 81.7%.
    _r(*_KN522, "alive at 5 years", 86.6, 81.7, "schmid2024",
       "Schmid et al., N Engl J Med 2024"),
    # Forde 2022, abstract: pCR 24.0% vs 2.2%; grade 3-4 treatment-related AEs 33.5% vs 36.9%.
    _r(*_CM816, "no cancer left at surgery (pathological complete response)", 24.0, 2.2,
       "forde2022", "Forde et al., N Engl J Med 2022"),
    _r(*_CM816, "grade 3-4 treatment-related side effects", 33.5, 36.9, "forde2022",
       "Forde et al., N Engl J Med 2022", harm=True),
    # Forde 2025, abstract: 5-year OS 65.4% vs 55.0%.
    _r(*_CM816, "alive at 5 years", 65.4, 55.0, "forde2025",
       "Forde et al., N Engl J Med 2025"),
    # Choueiri 2021, abstract: 24-month DFS 77.3% vs 68.1%; grade >= 3 AEs of ANY cause
    # 32.4% vs 17.7% (the abstract gives no treatment-related figure).
    _r(*_KN564, "alive without recurrence at 2 years", 77.3, 68.1, "choueiri2021",
       "Choueiri et al., N Engl J Med 2021"),
    _r(*_KN564, "grade 3 or higher side effects of any cause", 32.4, 17.7, "choueiri2021",
       "Choueiri et al., N Engl J Med 2021", harm=True),
    # Choueiri 2024, abstract: 48-month OS 91.2% vs 86.0% (HR 0.62).
    _r(*_KN564, "alive at 4 years", 91.2, 86.0, "choueiri2024",
       "Choueiri et al., N Engl J Med 2024"),
)


@dataclass(frozen=True)
class SingleArmResult:
    """A study without a comparison arm: ``count`` of ``patients`` had the outcome."""

    study: str
    who: str
    treatment: str
    outcome: str
    count: int
    patients: int
    key: str
    source: str
    checked: str

    @property
    def pct(self) -> float:
        return round(100 * self.count / self.patients, 1)


SINGLE_ARM: tuple[SingleArmResult, ...] = (
    # Cercek 2022, abstract: 12 of 12 clinical complete responses; no grade >= 3 AEs.
    SingleArmResult("Cercek 2022", "dMMR rectal cancer, stage II-III", "dostarlimab for 6 "
                    "months, no surgery if the cancer vanished", "clinical complete "
                    "response", 12, 12, "cercek2022", "Cercek et al., N Engl J Med 2022",
                    CHECKED),
    # Cercek 2025, abstract: all 49 rectal-cohort patients who completed treatment had a
    # clinical complete response.
    SingleArmResult("Cercek 2025", "dMMR rectal cancer, stage II-III (larger report)",
                    "dostarlimab for 6 months", "clinical complete response", 49, 49,
                    "cercek2025", "Cercek et al., N Engl J Med 2025", CHECKED),
    # Abdel-Wahab 2018, abstract: 92 of 123 patients (75%) with pre-existing autoimmune
    # disease had a flare, a new immune side effect or both; 3 died of adverse events.
    SingleArmResult("Abdel-Wahab 2018", "people with an autoimmune disease given a "
                    "checkpoint inhibitor (published case reports and series)",
                    "checkpoint inhibitors", "flare of their disease, a new immune side "
                    "effect, or both", 92, 123, "abdelwahab2018",
                    "Abdel-Wahab et al., Ann Intern Med 2018", CHECKED),
    SingleArmResult("Abdel-Wahab 2018 deaths", "the same 123 people", "checkpoint "
                    "inhibitors", "death from an adverse event", 3, 123, "abdelwahab2018",
                    "Abdel-Wahab et al., Ann Intern Med 2018", CHECKED),
)


# Cercek 2025, abstract (read in full on themednet.org, 2026-12-07): the 2025 report is the
# same phase 2 study as Cercek 2022 (NCT04165772, led by Memorial Sloan Kettering), grown
# and widened to other dMMR cancers. Among all 117 patients, rectal and other cancers,
# recurrence-free survival at 2 years was 92% (95% CI 86 to 99); median follow-up for
# recurrence 20.0 months (range 0 to 60.8). So some cancers did come back.
STUDY_FIGURES: tuple[PublishedNumber, ...] = (
    PublishedNumber("Cercek 2025 patients", 117, "patients", "people in the 2025 report, "
                    "with rectal and other dMMR cancers", "cercek2025",
                    "Cercek et al., N Engl J Med 2025", "2026-12-07"),
    PublishedNumber("Cercek 2025 recurrence-free", 92, "%", "of all 117, free of recurrence "
                    "at 2 years", "cercek2025", "Cercek et al., N Engl J Med 2025",
                    "2026-12-07"),
    PublishedNumber("Cercek 2025 follow-up", 20.0, "months", "median follow-up for "
                    "recurrence", "cercek2025", "Cercek et al., N Engl J Med 2025",
                    "2026-12-07"),
)


def study_figure(name: str) -> PublishedNumber:
    for f in STUDY_FIGURES:
        if f.name == name:
            return f
    raise KeyError(f"no study figure named {name!r}")


def result(trial: str, measure_start: str) -> TrialResult:
    for r in RESULTS:
        if r.trial == trial and r.measure.startswith(measure_start):
            return r
    raise KeyError(f"no result for {trial!r} / {measure_start!r}")


def single_arm(study: str) -> SingleArmResult:
    for s in SINGLE_ARM:
        if s.study == study:
            return s
    raise KeyError(f"no single-arm result named {study!r}")


def trials() -> list[str]:
    """Trial names in the order the page introduces them."""
    return list(dict.fromkeys(r.trial for r in RESULTS))


def results_table(harm: bool | None = None) -> str:
    """The randomised results as an HTML table; ``harm`` selects benefit or harm rows."""
    header = ["Trial", "Cancer", "When", "Immunotherapy arm", "Compared with", "Measure",
              "Immunotherapy arm", "Comparator", "Source"]
    rows = [[r.trial, r.cancer, r.setting, r.treatment, r.comparator, r.measure,
             f"{r.treatment_pct:g}%", f"{r.comparator_pct:g}%", r.source]
            for r in RESULTS if harm is None or r.harm == harm]
    kind = {None: "Results", True: "Serious side effects", False: "Benefits"}[harm]
    return html_table(header, rows, f"{kind} in the randomised trials of this lesson, percent of "
                      "patients in each arm", font_size="0.85em")


def benefit_harm_figure() -> go.Figure:
    """Dot plot: for each trial, its benefit measures (left panel) and its serious-harm
    measure (right panel), immunotherapy arm against comparator."""
    names = trials()
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=("Benefit (higher is better)",
                                        "Serious side effects (lower is better)"))
    arms = (("Immunotherapy arm", "treatment_pct", palette.OKABE_ITO["blue"], "circle"),
            ("Comparator arm", "comparator_pct", palette.OKABE_ITO["orange"], "square"))
    for col, harm in ((1, False), (2, True)):
        rows = [r for r in RESULTS if r.harm == harm]
        labels = [f"{r.trial}: {r.measure}" for r in rows]
        for name, field, colour, symbol in arms:
            fig.add_trace(go.Scatter(
                x=[getattr(r, field) for r in rows], y=labels, mode="markers", name=name,
                legendgroup=name, showlegend=col == 1,
                marker={"color": colour, "symbol": symbol, "size": 11,
                        "line": {"color": "#000000", "width": 1}},
                customdata=[[r.treatment if field == "treatment_pct" else r.comparator,
                             r.source] for r in rows],
                hovertemplate="%{y}<br>%{customdata[0]}: %{x:g}%<br>%{customdata[1]}"
                              "<extra></extra>"), row=1, col=col)
        for r, label in zip(rows, labels, strict=True):  # a grey line joins each pair
            fig.add_shape(type="line", x0=r.comparator_pct, x1=r.treatment_pct, y0=label,
                          y1=label, line={"color": palette.GREY, "width": 2},
                          layer="below", row=1, col=col)
    fig.update_xaxes(range=[0, 100], title_text="Patients (%)")
    fig.update_yaxes(autorange="reversed", tickfont={"size": 10})
    benefits = [r for r in RESULTS if not r.harm]
    harms = [r for r in RESULTS if r.harm]
    alt = (
        f"Dot plot of published results from {len(names)} randomised trials of "
        f"immunotherapy given around surgery ({', '.join(names)}). Left panel, "
        f"{len(benefits)} benefit measures, each with the immunotherapy arm (circle) and "
        "the comparator arm (square): "
        + "; ".join(f"{r.trial} {r.measure} {r.treatment_pct:g}% versus "
                    f"{r.comparator_pct:g}%" for r in benefits)
        + f". Right panel, {len(harms)} serious side-effect measures: "
        + "; ".join(f"{r.trial} {r.measure} {r.treatment_pct:g}% versus "
                    f"{r.comparator_pct:g}%" for r in harms) + "."
    )
    return finish(fig, "Immunotherapy around surgery: benefit and serious side effects",
                  alt, height=620, legend={"orientation": "h", "y": -0.12},
                  margin={"l": 20, "r": 20, "t": 80, "b": 60})


# --- Quiz keys (quizzes/banks/earlier-treatment.yml, answer_from) ---------------------


def keynote522_pcr_gain() -> float:
    """KEYNOTE-522: pathological complete response, pembrolizumab minus placebo, points."""
    return result("KEYNOTE-522", "no cancer left").difference


def checkmate816_pcr_gain() -> float:
    return result("CheckMate 816", "no cancer left").difference


def keynote564_extra_alive_per_100() -> float:
    """KEYNOTE-564: how many more people per 100 were alive at 4 years with pembrolizumab."""
    return result("KEYNOTE-564", "alive at 4").difference


def keynote564_treated_per_extra_survivor() -> int:
    """People treated for each extra person alive at 4 years (number needed to treat),
    rounded to the nearest whole person."""
    return round(100 / keynote564_extra_alive_per_100())


def trial_with_largest_pcr_ratio() -> str:
    """The trial whose pathological complete response rose the most, as a ratio."""
    pcr = [r for r in RESULTS if r.measure.startswith("no cancer left")]
    return max(pcr, key=lambda r: r.treatment_pct / r.comparator_pct).trial


def per_100(trial: str) -> dict[str, float]:
    """Per 100 people treated: extra people with the trial's latest benefit, and extra (or
    fewer) people with serious side effects, against the comparator arm."""
    rows = [r for r in RESULTS if r.trial == trial]
    if not rows:
        raise KeyError(f"no trial named {trial!r}")
    benefit = [r for r in rows if not r.harm][-1]  # the longest follow-up the page quotes
    harm = next(r for r in rows if r.harm)
    return {"benefit": benefit.difference, "harm": harm.difference,
            "benefit_measure": benefit.measure, "harm_measure": harm.measure}


class TrialExplorer:
    """A labelled drop-down of the trials: the bars show, per 100 people treated, the extra
    people with the benefit and the extra people with serious side effects."""

    def __init__(self, trial: str | None = None) -> None:
        names = trials()
        self.choice = widgets.Dropdown(options=names, value=trial or names[0],
                                       description="Trial", style={"description_width":
                                                                   "initial"})
        self.figure = go.FigureWidget(self._figure(self.choice.value))
        self.caption = widgets.HTML()
        self.choice.observe(lambda _change: self.update(), "value")
        self.widget = widgets.VBox([self.choice, self.figure, self.caption])
        self.update()

    @staticmethod
    def _figure(trial: str) -> go.Figure:
        d = per_100(trial)
        fig = go.Figure(go.Bar(
            x=[d["benefit"], d["harm"]],
            y=[f"Benefit: {d['benefit_measure']}", f"Harm: {d['harm_measure']}"],
            orientation="h", marker={"color": [palette.OKABE_ITO["blue"],
                                               palette.OKABE_ITO["vermillion"]],
                                     "pattern": {"shape": ["", "/"]}},
            hovertemplate="%{y}: %{x:+.1f} per 100 people<extra></extra>"))
        fig.add_vline(x=0, line={"color": palette.GREY, "width": 1})
        alt = (f"Bar chart for {trial}: per 100 people treated, {d['benefit']:+.1f} people "
               f"{d['benefit_measure']} and {d['harm']:+.1f} people with "
               f"{d['harm_measure']}, compared with the other arm. Published data.")
        return finish(fig, f"{trial}: difference per 100 people treated", alt,
                      xaxis_title="People per 100 treated, compared with the other arm",
                      xaxis_range=[-20, 30], height=300, margin={"l": 20, "r": 20})

    def update(self, trial: str | None = None) -> str:
        if trial is not None:
            self.choice.value = trial  # re-enters update()
            return self.caption.value
        fresh = self._figure(self.choice.value)
        with self.figure.batch_update():
            self.figure.data[0].x = fresh.data[0].x
            self.figure.data[0].y = fresh.data[0].y
            self.figure.layout.title = fresh.layout.title
            self.figure.layout.meta = fresh.layout.meta
        d = per_100(self.choice.value)
        src = next(r.source for r in RESULTS if r.trial == self.choice.value and r.harm)
        self.caption.value = (
            f"<p role='status'>{html.escape(self.choice.value)}: for every 100 people "
            f"treated, {d['benefit']:+.1f} people {html.escape(d['benefit_measure'])}, and "
            f"{d['harm']:+.1f} people with {html.escape(d['harm_measure'])}, compared with "
            "the other "
            f"arm. Serious side effects: {html.escape(src)}.</p>")
        return self.caption.value
